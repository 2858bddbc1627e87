//! Every SQL statement the server holds as a literal is prepared against a freshly migrated
//! database of each engine, so a typo or a renamed column fails here rather than at a user's
//! click (what `sqlx::query!` would check at compile time if it worked with `Any`).
//!
//! A statement is any string literal in `server/src` that starts with `SELECT`, `INSERT`,
//! `UPDATE`, `DELETE` or `WITH` and has no `{` (a `format!` template is built at run time).

use std::path::{Path, PathBuf};

use sqlx::Executor;

use crate::common;

use common::{fresh_data_dir, open_db, run};

const KEYWORDS: &[&str] = &["SELECT ", "INSERT INTO ", "UPDATE ", "DELETE FROM ", "WITH "];

/// Literals that start like a statement but are only part of one, joined to the rest at run time.
const FRAGMENTS: &[&str] = &[];

/// Words that mark a statement as one engine's own (`db::dialect` and the backup's emptiness
/// check choose it by engine): prepared on that engine only.
const POSTGRES_ONLY: &[&str] = &["information_schema", "pg_", "json_to_recordset"];
const SQLITE_ONLY: &[&str] = &["sqlite_", "pragma_", "json_each"];

/// Whether `sql` is meant for this engine.
fn for_engine(sql: &str, postgres: bool) -> bool {
    let own = |marks: &[&str]| marks.iter().any(|m| sql.contains(m));
    if postgres {
        !own(SQLITE_ONLY)
    } else {
        !own(POSTGRES_ONLY)
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

struct Literals(Vec<String>);

impl<'ast> syn::visit::Visit<'ast> for Literals {
    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        let value = lit.value();
        let sql = value.trim_start();
        if KEYWORDS.iter().any(|k| sql.starts_with(k)) && !sql.contains('{') && !FRAGMENTS.contains(&sql) {
            self.0.push(sql.to_string());
        }
    }

    /// Literals inside macros (`format!`, `concat!`) are templates or parts, not statements.
    fn visit_macro(&mut self, _: &'ast syn::Macro) {}
}

/// Each statement with the file it is in.
fn statements() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut all = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut found = Literals(Vec::new());
        syn::visit::visit_file(&mut found, &parsed);
        let name = file.strip_prefix(&src).unwrap_or(&file).display().to_string();
        all.extend(found.0.into_iter().map(|sql| (name.clone(), sql)));
    }
    all
}

async fn prepare_all(data: &Path) -> (usize, Vec<String>) {
    let out = run(data, &["migrate"]);
    assert!(out.status.success(), "migrate: {}", String::from_utf8_lossy(&out.stderr));
    let db = open_db(&data.join("roundtable.db")).await;
    let mut conn = db.acquire().await.unwrap_or_else(|e| panic!("{e}"));
    let postgres = common::postgres().is_some();
    let all: Vec<_> = statements().into_iter().filter(|(_, sql)| for_engine(sql, postgres)).collect();
    let mut failures = Vec::new();
    for (place, sql) in &all {
        if let Err(e) = (&mut *conn).prepare(sqlx::SqlSafeStr::into_sql_str(sqlx::AssertSqlSafe(sql.clone()))).await {
            failures.push(format!("{place}: {e}\n    {sql}"));
        }
    }
    (all.len(), failures)
}

#[tokio::test]
async fn every_statement_prepares_on_this_engine() {
    let data = fresh_data_dir();
    let (count, failures) = prepare_all(data.path()).await;
    let engine = if common::postgres().is_some() { "PostgreSQL" } else { "SQLite" };
    eprintln!("{count} SQL statements prepared on {engine}");
    assert!(count > 200, "found only {count} statements: is the scan still reading server/src?");
    assert!(failures.is_empty(), "{} of {count} statements do not prepare on {engine}:\n{}", failures.len(), failures.join("\n"));
}

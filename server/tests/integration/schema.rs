//! The two migration folders describe one schema: the same files, and, migrated, the same tables
//! with the same columns on SQLite and PostgreSQL. What may differ is listed in `ENGINE_SPECIFIC`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common;

use common::{fresh_data_dir, open_db, run};

/// Tables or columns only one engine has, with why. Empty today: both engines hold the same.
const ENGINE_SPECIFIC: &[(&str, &str)] = &[];

fn migration_files(engine: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations").join(engine);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect()
}

#[test]
fn both_engines_have_the_same_migration_files() {
    let sqlite = migration_files("sqlite");
    assert!(sqlite.len() >= 9, "the SQLite migrations: {sqlite:?}");
    assert_eq!(sqlite, migration_files("postgres"), "each migration is written once per engine, under the same name");
}

type Schema = BTreeMap<String, BTreeSet<String>>;

async fn schema(data: &Path, postgres: bool) -> Schema {
    let out = run(data, &["migrate"]);
    assert!(out.status.success(), "migrate: {}", String::from_utf8_lossy(&out.stderr));
    let db = open_db(&data.join("roundtable.db")).await;
    let sql = if postgres {
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'"
    } else {
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'"
    };
    let rows: Vec<(String, String)> = sqlx::query_as(sql).fetch_all(&db).await.unwrap_or_else(|e| panic!("schema: {e}"));
    let mut schema = Schema::new();
    for (table, column) in rows {
        if !ENGINE_SPECIFIC.iter().any(|(name, _)| *name == table || *name == format!("{table}.{column}")) {
            schema.entry(table).or_default().insert(column);
        }
    }
    schema
}

#[tokio::test]
async fn both_engines_migrate_to_the_same_tables_and_columns() {
    if common::postgres().is_none() {
        eprintln!("both_engines_migrate_to_the_same_tables_and_columns: compared on the PostgreSQL run only");
        return;
    }
    let sqlite_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sqlite = schema(sqlite_dir.path(), false).await;
    let postgres_dir = fresh_data_dir();
    let postgres = schema(postgres_dir.path(), true).await;
    assert!(sqlite.len() > 20 && sqlite.contains_key("audit_log"), "the SQLite schema: {:?}", sqlite.keys());
    let differences: Vec<String> = sqlite
        .keys()
        .chain(postgres.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter_map(|table| {
            let (a, b) = (sqlite.get(table), postgres.get(table));
            (a != b).then(|| format!("{table}: SQLite {a:?}, PostgreSQL {b:?}"))
        })
        .collect();
    assert!(differences.is_empty(), "the engines' schemas differ (list deliberate differences in ENGINE_SPECIFIC):\n{}", differences.join("\n"));
}

//! `roundtable backup PATH` and `roundtable restore PATH`: a consistent online copy of the database
//! while the server runs, and its restoration. SQLite: `VACUUM INTO` (one snapshot written as a
//! compact file), checked for integrity and its audit chain; a restore keeps the file it replaces.
//! PostgreSQL: `pg_dump` (one snapshot) and `pg_restore`, which only restores into an empty
//! database, whose audit chain is then verified. Nothing is ever overwritten.

use std::path::{Path, PathBuf};

use crate::audit::{describe, verify};
use crate::cli::DatabaseArgs;
use crate::db::{Backend, DatabaseConfig, Db};
use crate::error::Error;

/// What a checked copy holds.
#[derive(Debug)]
pub struct Checked {
    /// Audit entries, all verified.
    pub audit_entries: u64,
    /// The chain head, `SEQ:HASH`.
    pub head: String,
    /// Cases on record.
    pub cases: i64,
}

fn sqlite_file(config: &DatabaseConfig) -> PathBuf {
    let path = config.url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    PathBuf::from(path.split('?').next().unwrap_or(path))
}

/// A PostgreSQL URL without its password, and the password: the password goes to the client
/// tools in their environment (`PGPASSWORD`), never on their command line, where every user of
/// the machine could read it (`ps`, `/proc/PID/cmdline`).
pub fn split_password(url: &str) -> (String, Option<String>) {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            let password = parsed.password().map(|p| {
                url::form_urlencoded::parse(format!("p={}", p.replace('+', "%2B")).as_bytes()).map(|(_, v)| v.into_owned()).next().unwrap_or_default()
            });
            let _ = parsed.set_password(None);
            (parsed.to_string(), password.filter(|p| !p.is_empty()))
        }
        Err(_) => (url.to_string(), None),
    }
}

/// Runs a PostgreSQL client tool for the database at `url`, failing with its own words.
fn pg_tool_for(tool: &str, url: &str, args: &[&str]) -> Result<(), Error> {
    let (bare, password) = split_password(url);
    let mut cmd = std::process::Command::new(tool);
    cmd.args(args).arg(format!("--dbname={bare}"));
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    run_tool(tool, &mut cmd)
}

/// Runs a PostgreSQL client tool that needs no database, failing with its own words.
fn pg_tool(tool: &str, args: &[&str]) -> Result<(), Error> {
    run_tool(tool, std::process::Command::new(tool).args(args))
}

fn run_tool(tool: &str, cmd: &mut std::process::Command) -> Result<(), Error> {
    let out = cmd.output().map_err(|e| Error::Config(format!("{tool} is needed for PostgreSQL backups (Debian package postgresql-client): {e}")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(Error::Config(format!("{tool} failed: {}", String::from_utf8_lossy(&out.stderr).trim())))
    }
}

/// The audit chain and case count of a live database.
async fn check_live(db: &Db) -> Result<Checked, Error> {
    {
        let mut conn = db.pool().acquire().await?;
        crate::audit::check_key(&mut conn).await?;
    }
    let chain = verify(db, None).await?;
    if let Some(b) = &chain.broken {
        return Err(Error::AuditBroken(describe(b)));
    }
    let cases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(db.pool()).await?;
    Ok(Checked { audit_entries: chain.checked, head: chain.head.map(|h| h.to_string()).unwrap_or_else(|| "empty".into()), cases })
}

/// Opens the SQLite file at `path` read-only and checks its integrity and audit chain.
pub async fn check_copy(path: &Path) -> Result<Checked, Error> {
    if !path.is_file() {
        return Err(Error::Config(format!("{} is not a file", path.display())));
    }
    let db = Db::open_sqlite_read_only(path).await?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(db.pool()).await?;
    if integrity != "ok" {
        return Err(Error::Config(format!("{} fails SQLite's integrity check: {integrity}", path.display())));
    }
    let checked = check_live(&db).await.map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
    db.pool().close().await;
    Ok(checked)
}

/// Writes a consistent copy of the live database to `target` (which must not exist), then checks it.
pub async fn backup(db_args: DatabaseArgs, target: &Path) -> Result<Checked, Error> {
    let config = db_args.resolve()?;
    if target.exists() {
        return Err(Error::Config(format!("{} already exists: choose a new file for the backup", target.display())));
    }
    let target_text = target.to_str().ok_or_else(|| Error::Config("the backup path must be valid UTF-8".into()))?;
    let db = Db::open(&config).await?;
    match config.backend {
        Backend::Sqlite => {
            sqlx::query("VACUUM INTO $1").bind(target_text).execute(db.pool()).await?;
            db.pool().close().await;
            check_copy(target).await
        }
        Backend::Postgres => {
            pg_tool_for("pg_dump", &config.url, &["--format=custom", "--no-owner", "--file", target_text])?;
            pg_tool("pg_restore", &["--list", target_text])?;
            check_live(&db).await
        }
    }
}

/// Replaces the configured database with the backup at `source`, after checking the backup. The
/// server must be stopped. The database it replaces is renamed, never deleted. Returns where the
/// old database went, if there was one.
pub async fn restore(db_args: DatabaseArgs, source: &Path, now: i64) -> Result<(Checked, Option<PathBuf>), Error> {
    let config = db_args.resolve()?;
    if config.backend == Backend::Postgres {
        let db = Db::open(&config).await?;
        let tables: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'").fetch_one(db.pool()).await?;
        if tables > 0 {
            return Err(Error::Config("restore into a new, empty PostgreSQL database: this one already holds tables".into()));
        }
        let source_text = source.to_str().ok_or_else(|| Error::Config("the backup path must be valid UTF-8".into()))?;
        pg_tool_for("pg_restore", &config.url, &["--no-owner", "--exit-on-error", source_text])?;
        db.migrate().await?;
        return Ok((check_live(&db).await?, None));
    }
    let checked = check_copy(source).await?;
    let live = sqlite_file(&config);
    let mut kept = None;
    if live.exists() {
        let aside = live.with_file_name(format!("{}.before-restore-{now}", live.file_name().and_then(|n| n.to_str()).unwrap_or("roundtable.db")));
        std::fs::rename(&live, &aside)?;
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", live.display()));
            if side.exists() {
                std::fs::rename(&side, PathBuf::from(format!("{}{suffix}", aside.display())))?;
            }
        }
        kept = Some(aside);
    }
    if let Some(dir) = live.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let partial = live.with_extension("restoring");
    std::fs::copy(source, &partial)?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, &live)?;
    let db = Db::open(&config).await?;
    db.migrate().await?;
    db.pool().close().await;
    Ok((checked, kept))
}

fn summary(c: &Checked) -> String {
    format!("{} audit entries verified (chain head {}), {} cases", c.audit_entries, c.head, c.cases)
}

/// `roundtable backup PATH`.
pub async fn print_backup(db_args: DatabaseArgs, target: PathBuf) -> Result<(), Error> {
    let c = backup(db_args, &target).await?;
    println!("Backed up to {}: {}.", target.display(), summary(&c));
    Ok(())
}

/// `roundtable restore PATH`.
pub async fn print_restore(db_args: DatabaseArgs, source: PathBuf) -> Result<(), Error> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let (c, kept) = restore(db_args, &source, now).await?;
    println!("Restored from {}: {}.", source.display(), summary(&c));
    if let Some(k) = kept {
        println!("The database it replaced is kept as {}.", k.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        let (bare, password) = split_password("postgres://app:s%40cret@db.example:5432/roundtable?sslmode=require");
        assert_eq!(bare, "postgres://app@db.example:5432/roundtable?sslmode=require");
        assert_eq!(password.as_deref(), Some("s@cret"));
        assert_eq!(split_password("postgres://app@db/roundtable"), ("postgres://app@db/roundtable".to_string(), None));
    }
}

//! Everything that differs between database engines lives here and nowhere else.

use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, Executor};

/// The supported database engines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file (the default).
    Sqlite,
    /// A PostgreSQL server (15 or later), for large deployments.
    Postgres,
}

impl Backend {
    /// Recognises the engine from a connection URL.
    pub fn from_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// The migrations for an engine.
pub fn migrator(backend: Backend) -> &'static Migrator {
    match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    }
}

/// The URL to connect with: SQLite files are created when missing.
pub fn connect_url(backend: Backend, url: &str) -> String {
    match backend {
        Backend::Sqlite if !url.contains("mode=") => {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}mode=rwc")
        }
        Backend::Sqlite | Backend::Postgres => url.to_string(),
    }
}

/// Pool size: SQLite has one writer, so a handful of connections is plenty.
pub fn max_connections(backend: Backend) -> u32 {
    match backend {
        Backend::Sqlite => 8,
        Backend::Postgres => 16,
    }
}

/// Per-connection settings: WAL, full fsync, foreign keys, and a busy timeout for SQLite.
pub async fn configure_connection(backend: Backend, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    match backend {
        Backend::Sqlite => {
            conn.execute(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
            )
            .await?;
            Ok(())
        }
        Backend::Postgres => {
            conn.execute("SET TIME ZONE 'UTC'").await?;
            Ok(())
        }
    }
}

/// Starts a transaction that will write. SQLite takes the write lock at once, so two writers
/// never both read the audit chain's tail and then collide.
pub async fn begin_write(backend: Backend, pool: &sqlx::AnyPool) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        // One writer at a time, as on SQLite: the audit chain's tail is read and extended in
        // the same transaction. The lock is released at commit or rollback.
        Backend::Postgres => {
            let mut tx = pool.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock(7243)").execute(&mut *tx).await?;
            Ok(tx)
        }
    }
}

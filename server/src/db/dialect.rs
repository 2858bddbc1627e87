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

/// Pool size: SQLite has one writer, so a handful of connections is plenty (its reads have
/// a pool of their own, [`max_read_connections`]).
pub fn max_connections(backend: Backend) -> u32 {
    match backend {
        Backend::Sqlite => 4,
        Backend::Postgres => 16,
    }
}

/// SQLite's pool of reading connections: reads run side by side, one per core and a few
/// waiting on the disk.
pub fn max_read_connections(backend: Backend) -> u32 {
    match backend {
        Backend::Sqlite => 8,
        Backend::Postgres => max_connections(backend),
    }
}

/// Settings of an SQLite reading connection: as [`configure_connection`], and refusing any
/// write (`query_only`), so a read that tried to write would fail in every test rather than
/// take the write lock behind the writers' queue.
pub async fn configure_reader(backend: Backend, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    configure_connection(backend, conn).await?;
    if backend == Backend::Sqlite {
        conn.execute("PRAGMA query_only = ON;").await?;
    }
    Ok(())
}

/// Per-connection settings: WAL, full fsync, foreign keys, a busy timeout, and `secure_delete`
/// (deleted content is overwritten, so an erased name does not linger in free pages) for SQLite.
pub async fn configure_connection(backend: Backend, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    match backend {
        Backend::Sqlite => {
            conn.execute(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA secure_delete = ON;",
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

/// The PostgreSQL advisory lock that makes writers, and appends to the audit chain, one at a time.
const WRITER_LOCK: &str = "SELECT pg_advisory_xact_lock(7243)";

/// Starts a transaction that will write. SQLite takes the write lock at once, so two writers
/// never both read the audit chain's tail and then collide.
pub async fn begin_write(backend: Backend, pool: &sqlx::AnyPool) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        // One writer at a time, as on SQLite: the audit chain's tail is read and extended in
        // the same transaction. The lock is released at commit or rollback.
        Backend::Postgres => {
            let mut tx = pool.begin().await?;
            sqlx::query(WRITER_LOCK).execute(&mut *tx).await?;
            Ok(tx)
        }
    }
}

/// Starts a transaction that only reads, on one snapshot: SQLite's deferred `BEGIN` reads
/// one WAL snapshot and takes no lock; PostgreSQL's repeatable read sees one snapshot, and
/// `READ ONLY` refuses writes. Neither waits for writers.
pub async fn begin_read(backend: Backend, pool: &sqlx::AnyPool) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    match backend {
        Backend::Sqlite => pool.begin().await,
        Backend::Postgres => pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").await,
    }
}

/// The tables whose rows the application only reads and appends (PostgreSQL grants).
const APPEND_ONLY_TABLES: [&str; 2] = ["audit_log", "audit_horizon"];

/// The statements that give `role` what the server needs and no more (PostgreSQL), or `None`
/// if `role` is not a plain identifier. The audit log keeps DELETE, which its trigger allows
/// only up to the retention horizon; UPDATE and TRUNCATE are withheld.
pub fn app_role_grants(role: &str) -> Option<Vec<String>> {
    let plain = role.len() <= 63
        && role.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && role.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !plain {
        return None;
    }
    let append_only = APPEND_ONLY_TABLES.join(", ");
    Some(vec![
        format!("GRANT USAGE ON SCHEMA public TO {role}"),
        format!("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"),
        format!("REVOKE UPDATE, DELETE ON {append_only}, _sqlx_migrations FROM {role}"),
        format!("REVOKE INSERT ON _sqlx_migrations FROM {role}"),
        // The retention floor is the owner's to set: the application only reads it.
        format!("REVOKE INSERT, UPDATE, DELETE ON audit_policy FROM {role}"),
        format!("GRANT DELETE ON audit_log TO {role}"),
        format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"),
    ])
}

/// A query returning 1 when the connected role could alter audit entries despite the
/// triggers (it owns the table, is a superuser, or holds UPDATE), else 0; `None` when the
/// engine has no roles.
pub fn audit_log_alterable_query(backend: Backend) -> Option<&'static str> {
    match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(
            "SELECT CAST(pg_has_role(current_user, tableowner, 'USAGE') OR has_table_privilege('audit_log', 'UPDATE') AS INTEGER) \
             FROM pg_tables WHERE schemaname = 'public' AND tablename = 'audit_log'",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_role_names_must_be_plain_identifiers() {
        assert!(app_role_grants("roundtable_app").is_some());
        for bad in ["", "App", "1app", "app; DROP TABLE cases", "app\"x", &"a".repeat(64)] {
            assert!(app_role_grants(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn the_app_role_may_not_update_audit_entries() {
        let grants = app_role_grants("app").unwrap_or_default().join(";\n");
        assert!(grants.contains("REVOKE UPDATE, DELETE ON audit_log, audit_horizon"), "{grants}");
        assert!(!grants.contains("TRUNCATE"), "{grants}");
    }
}

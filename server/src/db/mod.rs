//! The database: connection pool, migrations, and the engine-specific bits (in `dialect`).
//!
//! Queries are written once with `$1`-style placeholders and portable column types
//! (TEXT, BIGINT, BOOLEAN), so the same code runs on SQLite and on PostgreSQL.

pub mod dialect;
pub mod last_seen;
mod transactions;

use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;

pub use dialect::Backend;
pub use last_seen::LastSeen;
use transactions::WriterTurn;
pub use transactions::{ReadTx, WriteTx};

use crate::error::Error;

/// Where the database is (validated from the command line by `config`).
#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    /// The sqlx connection URL.
    pub url: String,
    /// Which database engine the URL names.
    pub backend: Backend,
    /// Local folder for data files.
    pub data_dir: std::path::PathBuf,
}

/// A handle to the database, cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    /// Connections for read transactions: on SQLite a pool of its own whose connections refuse
    /// writes (`query_only`), on PostgreSQL the same pool.
    reads: AnyPool,
    backend: Backend,
    turn: WriterTurn,
    last_seen: LastSeen,
}

impl Db {
    /// Connects (creating an SQLite file if missing) and applies the engine's connection settings.
    pub async fn open(config: &DatabaseConfig) -> Result<Self, Error> {
        sqlx::any::install_default_drivers();
        let backend = config.backend;
        let url = dialect::connect_url(backend, &config.url);
        let pool = AnyPoolOptions::new()
            .max_connections(dialect::max_connections(backend))
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| Box::pin(async move { dialect::configure_connection(backend, conn).await }))
            .connect(&url)
            .await?;
        let reads = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(dialect::max_read_connections(backend))
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(move |conn, _meta| Box::pin(async move { dialect::configure_reader(backend, conn).await }))
                    .connect(&url)
                    .await?
            }
            Backend::Postgres => pool.clone(),
        };
        Ok(Self { pool, reads, backend, turn: WriterTurn::default(), last_seen: LastSeen::default() })
    }

    /// Opens an SQLite file read-only, without changing it (no journal or other settings written):
    /// for checking backups.
    pub async fn open_sqlite_read_only(path: &std::path::Path) -> Result<Self, Error> {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect(&format!("sqlite://{}?mode=ro", path.display()))
            .await?;
        Ok(Self { reads: pool.clone(), pool, backend: Backend::Sqlite, turn: WriterTurn::default(), last_seen: LastSeen::default() })
    }

    /// Applies every pending migration for this engine. When none is pending it changes
    /// nothing, so a PostgreSQL role without rights to alter the schema (see
    /// [`Db::grant_app_role`]) can still start the server.
    pub async fn migrate(&self) -> Result<(), Error> {
        let migrator = dialect::migrator(self.backend);
        if self.applied_migrations().await.is_some_and(|applied| {
            migrator.iter().filter(|m| m.migration_type.is_up_migration()).all(|m| applied.contains(&(m.version, m.checksum.to_vec())))
        }) {
            return Ok(());
        }
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// The versions and checksums of the migrations applied, or `None` before the first.
    async fn applied_migrations(&self) -> Option<Vec<(i64, Vec<u8>)>> {
        sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success = TRUE").fetch_all(&self.pool).await.ok()
    }

    /// PostgreSQL only: lets `role` (an existing role that does not own the tables) run
    /// Roundtable without being able to change or remove audit entries: it may read and
    /// write the other tables, only read and append to the audit log (and delete entries
    /// up to a recorded retention horizon, which the table's trigger enforces), and, not
    /// being the owner, cannot drop or disable that trigger. Run as the owner after migrating.
    pub async fn grant_app_role(&self, role: &str) -> Result<(), Error> {
        if self.backend != Backend::Postgres {
            return Err(Error::Config("a separate application role is for PostgreSQL; an SQLite file has no roles".into()));
        }
        let statements = dialect::app_role_grants(role)
            .ok_or_else(|| Error::Config(format!("{role:?} is not a plain role name (letters, digits and _, starting with a letter)")))?;
        let mut tx = self.pool.begin().await?;
        for statement in statements {
            sqlx::query(sqlx::AssertSqlSafe(statement)).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records the audit retention floor (days) that the database enforces on the purge. Run as
    /// the tables' owner (`roundtable migrate`): the application role may only read it.
    pub async fn set_audit_retention_floor(&self, days: i64) -> Result<(), Error> {
        let days = days.max(365);
        let current: Option<i64> = sqlx::query_scalar("SELECT retention_days FROM audit_policy WHERE id = 1").fetch_optional(&self.pool).await?;
        if current != Some(days) {
            sqlx::query("UPDATE audit_policy SET retention_days = $1 WHERE id = 1").bind(days).execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Whether the role connected can alter or remove audit entries despite the append-only
    /// guards: always on SQLite (whoever has the file), and on PostgreSQL when the role owns
    /// the audit log or may update it.
    pub async fn can_alter_audit_log(&self) -> Result<bool, Error> {
        match dialect::audit_log_alterable_query(self.backend) {
            None => Ok(true),
            Some(sql) => Ok(sqlx::query_scalar::<_, i64>(sql).fetch_one(&self.pool).await? != 0),
        }
    }

    /// The pool, for repositories.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Session activity not yet written.
    pub fn last_seen(&self) -> &LastSeen {
        &self.last_seen
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await.is_ok()
    }

    /// Counts the rows of a query that returns one `n` column.
    pub async fn count(&self, sql: &'static str) -> Result<i64, Error> {
        Ok(sqlx::query_scalar(sql).fetch_one(&self.pool).await?)
    }
}

/// A write transaction on the database.
pub type Tx = WriteTx;

/// The longest a write waits for its turn.
const WRITER_WAIT: Duration = Duration::from_secs(10);

impl Db {
    /// Begins a transaction that writes (and so may append to the audit log), once every
    /// writer before it in this process has finished.
    /// Waiting longer than [`WRITER_WAIT`] fails, as SQLite's busy timeout did, rather than
    /// hang should a request ever wait for a writer while holding the turn itself.
    pub async fn begin_write(&self) -> Result<WriteTx, Error> {
        let turn = tokio::time::timeout(WRITER_WAIT, self.turn.take()).await.map_err(|_| sqlx::Error::PoolTimedOut)?;
        Ok(WriteTx::new(dialect::begin_write(self.backend, &self.pool).await?, turn))
    }

    /// Begins a transaction that only reads: it waits for no writer and no writer waits for it.
    pub async fn begin_read(&self) -> Result<ReadTx, Error> {
        Ok(ReadTx::new(dialect::begin_read(self.backend, &self.reads).await?))
    }
}

//! The database: connection pool, migrations, and the engine-specific bits (in `dialect`).
//!
//! Queries are written once with `$1`-style placeholders and portable column types
//! (TEXT, BIGINT, BOOLEAN), so the same code runs on SQLite and on PostgreSQL.

pub mod dialect;

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

pub use dialect::Backend;

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
    backend: Backend,
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
        Ok(Self { pool, backend })
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
        Ok(Self { pool, backend: Backend::Sqlite })
    }

    /// Applies every pending migration for this engine.
    pub async fn migrate(&self) -> Result<(), Error> {
        dialect::migrator(self.backend).run(&self.pool).await?;
        Ok(())
    }

    /// The pool, for repositories.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
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
        let row: AnyRow = sqlx::query(sql).fetch_one(&self.pool).await?;
        Ok(row.try_get::<i64, _>("n")?)
    }
}

/// A write transaction on the database.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

impl Db {
    /// Begins a transaction that writes (and so appends to the audit log).
    pub async fn begin_write(&self) -> Result<Tx, Error> {
        Ok(dialect::begin_write(self.backend, &self.pool).await?)
    }
}

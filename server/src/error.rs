//! The server's error type: one sentence a person can act on, details only in logs.

/// Everything that can go wrong in the server layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A flag or environment variable is invalid.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The database could not be reached or answered with an error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations could not be applied.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The audit log's hash chain does not verify.
    #[error("the audit log has been altered: {0}")]
    AuditBroken(String),
    /// An audit entry would hold a field beyond its bound; nothing was written.
    #[error("an audit entry for {0} was refused: a field is longer than the audit log accepts")]
    AuditFieldTooLong(&'static str),
    /// The audit appender could not commit a batch of read entries, so the reads are refused.
    #[error("audit entries could not be written: {0}")]
    AuditAppender(String),
    /// A file or socket operation failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

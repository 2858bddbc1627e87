//! Audit chain verification time: fills a fresh SQLite database with N chained audit entries
//! through the server's own `append`, then times `verify` over all of them.

use std::time::{Duration, Instant};

use server::audit::{self, AuditEvent};
use server::cli::DatabaseArgs;
use server::db::Db;

/// The figures of one run.
#[derive(Debug, serde::Serialize)]
pub struct AuditFigures {
    /// Entries in the chain.
    pub rows: u64,
    /// Time to append them all (one transaction per 10 000).
    pub fill_ms: u128,
    /// Time to verify the whole chain.
    pub verify_ms: u128,
}

/// Appends `rows` entries and verifies the chain.
pub async fn measure(rows: u64) -> Result<AuditFigures, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let args = DatabaseArgs { data_dir: dir.path().to_path_buf(), database_url: None };
    let db = Db::open(&args.resolve()?).await?;
    db.migrate().await?;
    let started = Instant::now();
    let mut written = 0;
    while written < rows {
        let mut tx = db.begin_write().await?;
        for _ in 0..(rows - written).min(10_000) {
            let event = AuditEvent::system("bench.entry").on("case", "00000000-0000-0000-0000-000000000000");
            audit::append(&mut tx, 1_790_000_000 + i64::try_from(written).unwrap_or(0), event).await?;
            written += 1;
        }
        tx.commit().await?;
    }
    let fill = started.elapsed();
    let result = audit::verify(&db, None).await?;
    if result.broken.is_some() || result.checked != rows {
        return Err(format!("the chain did not verify: {result:?}").into());
    }
    Ok(AuditFigures { rows, fill_ms: fill.as_millis(), verify_ms: result.elapsed.max(Duration::ZERO).as_millis() })
}

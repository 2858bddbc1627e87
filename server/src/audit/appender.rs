//! The audit appender: reads hand their audit entries to one task, which writes everything
//! queued in one transaction (group commit), commits once, and then releases every request
//! in the batch. A read's answer waits for [`Appender::record`], so no data leaves before its
//! entry is durable; under load, one fsync serves many reads instead of one each.
//!
//! Writes do not come here: each appends its own entry inside its own transaction, so a
//! change and its record commit together. Both take the same writer's turn, so the chain's
//! tail is read and extended by one transaction at a time.

use tokio::sync::{mpsc, oneshot};

use super::{append_timed, check_bounds, AuditEvent};
use crate::db::Db;
use crate::error::Error;

/// The most entries one batch writes; a longer queue waits for the next commit.
const MAX_BATCH_ENTRIES: usize = 4_000;

/// One request's entries and the request waiting for them.
struct Job {
    at: i64,
    events: Vec<AuditEvent>,
    done: oneshot::Sender<Result<(), String>>,
}

/// Totals since the process started, logged for the bench.
#[derive(Debug, Default)]
struct Counts {
    /// Transactions committed.
    commits: u64,
    /// Entries written in them.
    entries: u64,
    /// Requests whose entries they carried.
    requests: u64,
}

/// The handle requests use; cheap to clone. The task ends when the last handle is dropped.
#[derive(Clone, Debug)]
pub struct Appender {
    jobs: mpsc::UnboundedSender<Job>,
}

impl Appender {
    /// Starts the appender's task on the current runtime.
    pub fn start(db: Db) -> Self {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(db, queue));
        Self { jobs }
    }

    /// Appends `events` at `at` (Unix seconds) and returns once they are committed. A field
    /// beyond its bound is refused here, before it can fail anyone else's batch.
    pub async fn record(&self, at: i64, events: Vec<AuditEvent>) -> Result<(), Error> {
        if events.is_empty() {
            return Ok(());
        }
        for event in &events {
            check_bounds(event, &event.details.to_string())?;
        }
        let (done, wait) = oneshot::channel();
        self.jobs.send(Job { at, events, done }).map_err(|_| Error::AuditAppender("the appender has stopped".into()))?;
        match wait.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(Error::AuditAppender(message)),
            Err(_) => Err(Error::AuditAppender("the appender stopped before committing".into())),
        }
    }
}

/// The log target of the appender's running totals (at debug level, at most once a second
/// while it works): `RUST_LOG=roundtable::audit_batches=debug` shows how many requests each
/// commit carries. The bench reads them.
pub const BATCHES_TARGET: &str = "roundtable::audit_batches";

/// Takes whatever is queued (at least one job, at most [`MAX_BATCH_ENTRIES`] entries unless
/// one job alone has more), writes it in one transaction, and answers every job in it.
async fn run(db: Db, mut queue: mpsc::UnboundedReceiver<Job>) {
    let mut counts = Counts::default();
    let mut logged = std::time::Instant::now();
    while let Some(first) = queue.recv().await {
        let mut entries = first.events.len();
        let mut batch = vec![first];
        while entries < MAX_BATCH_ENTRIES {
            let Ok(job) = queue.try_recv() else { break };
            entries += job.events.len();
            batch.push(job);
        }
        let outcome = match write(&db, &mut batch).await {
            Ok(()) => {
                counts.commits += 1;
                counts.entries += entries as u64;
                counts.requests += batch.len() as u64;
                Ok(())
            }
            Err(e) => {
                tracing::error!(error = %e, requests = batch.len(), "could not write a batch of audit entries: their requests fail");
                Err(e.to_string())
            }
        };
        for job in batch {
            let _ = job.done.send(outcome.clone());
        }
        if logged.elapsed() >= std::time::Duration::from_secs(1) {
            logged = std::time::Instant::now();
            tracing::debug!(
                target: BATCHES_TARGET,
                requests = counts.requests,
                entries = counts.entries,
                commits = counts.commits,
                "audit batches"
            );
        }
    }
}

/// Appends every job's entries, in queue order, in one write transaction.
async fn write(db: &Db, batch: &mut [Job]) -> Result<(), Error> {
    let mut tx = db.begin_write().await?;
    let timed = batch
        .iter_mut()
        .flat_map(|job| {
            let at = job.at;
            std::mem::take(&mut job.events).into_iter().map(move |e| (at, e))
        })
        .collect();
    append_timed(&mut tx, timed).await?;
    Ok(tx.commit().await?)
}

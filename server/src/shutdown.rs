//! Stopping cleanly on SIGTERM (what service managers and containers send) or Ctrl-C: the
//! listener stops accepting, requests in flight finish, the outbox, purge and checkpoint tasks
//! finish the pass they are in, then the database closes (SQLite folds its write-ahead log).

use std::time::Duration;

use tokio::sync::watch;

/// How long the background tasks get to finish their pass before the server stops anyway.
pub const GRACE: Duration = Duration::from_secs(20);

/// Held by each background task: says when to stop.
#[derive(Clone)]
pub struct Shutdown(watch::Receiver<bool>);

/// Held by `serve`: tells every task to stop.
pub struct Trigger(watch::Sender<bool>);

/// A new trigger and the handle its tasks watch.
pub fn channel() -> (Trigger, Shutdown) {
    let (tx, rx) = watch::channel(false);
    (Trigger(tx), Shutdown(rx))
}

impl Trigger {
    /// Tells every task to stop after its current pass.
    pub fn fire(&self) {
        let _ = self.0.send(true);
    }
}

impl Shutdown {
    /// Resolves once a stop is asked for (at once if it already was).
    pub async fn requested(&mut self) {
        let _ = self.0.wait_for(|stop| *stop).await;
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => tracing::info!("SIGTERM: stopping"),
                    _ = tokio::signal::ctrl_c() => tracing::info!("Ctrl-C: stopping"),
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; Ctrl-C only");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

//! Logging set-up. Logs carry request ids and outcomes, never personal data (see `docs/LOGGING.md`).

use tracing_subscriber::EnvFilter;

/// Starts the tracing subscriber, filtered by `RUST_LOG` (default `info`).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).with_writer(std::io::stderr).try_init();
}

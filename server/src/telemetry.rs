//! Logging set-up. Logs carry request ids and outcomes, never personal data (see `docs/LOGGING.md`).

use tracing_subscriber::EnvFilter;

/// Starts the tracing subscriber on stderr, filtered by `RUST_LOG` (default `info`): readable
/// lines (coloured only on a terminal, so a service log holds no escape codes), or one JSON
/// object per line when `ROUNDTABLE_LOG_FORMAT=json` (for a log collector).
pub fn init() {
    use std::io::IsTerminal;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(std::io::stderr().is_terminal());
    let _ = if json_wanted(std::env::var("ROUNDTABLE_LOG_FORMAT").ok().as_deref()) {
        builder.json().with_current_span(true).try_init()
    } else {
        builder.with_target(false).try_init()
    };
}

fn json_wanted(format: Option<&str>) -> bool {
    format.is_some_and(|f| f.trim().eq_ignore_ascii_case("json"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_only_when_asked_for() {
        assert!(super::json_wanted(Some("json")));
        assert!(super::json_wanted(Some(" JSON ")));
        assert!(!super::json_wanted(Some("text")));
        assert!(!super::json_wanted(None));
    }
}

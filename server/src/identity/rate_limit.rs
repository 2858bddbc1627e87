//! Throttles failed sign-in attempts per client, in memory.

use std::collections::HashMap;
use std::sync::Mutex;

/// Failed attempts allowed per client within the window.
pub const MAX_FAILURES: usize = 10;
/// The window, in seconds.
pub const WINDOW_SECS: i64 = 60;

/// Counts recent failures per client key.
#[derive(Debug, Default)]
pub struct SignInThrottle {
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

impl SignInThrottle {
    /// Whether the client may try now.
    pub fn allows(&self, key: &str, now: i64) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let recent = map.entry(key.to_string()).or_default();
        recent.retain(|t| now - t < WINDOW_SECS);
        recent.len() < MAX_FAILURES
    }

    /// Records a failure.
    pub fn fail(&self, key: &str, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(key.to_string()).or_default().push(now);
        if map.len() > 10_000 {
            map.retain(|_, v| v.iter().any(|t| now - t < WINDOW_SECS));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_failures_until_window_passes() {
        let t = SignInThrottle::default();
        for _ in 0..MAX_FAILURES {
            assert!(t.allows("ip", 100));
            t.fail("ip", 100);
        }
        assert!(!t.allows("ip", 100));
        assert!(t.allows("other", 100), "per client");
        assert!(t.allows("ip", 100 + WINDOW_SECS));
    }
}

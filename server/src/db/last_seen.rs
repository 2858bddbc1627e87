//! When each session was last used, kept in memory between the writes of `last_seen_at`, so a
//! request need not write its session row and the idle timeout still counts from the latest
//! request this process answered.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// How often a session's `last_seen_at` is written while it is in use (seconds).
pub const WRITE_EVERY_SECS: i64 = 30;

/// Entries kept before those idle for a day are let go.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Clone, Copy, Debug)]
struct Seen {
    at: i64,
    written: i64,
}

/// Session activity by session hash; cheap to clone (shared).
#[derive(Clone, Debug, Default)]
pub struct LastSeen(Arc<Mutex<HashMap<String, Seen>>>);

impl LastSeen {
    /// The latest use of the session this process knows of, with `stored` (the row's
    /// `last_seen_at`) as the floor.
    pub fn latest(&self, hash: &str, stored: i64) -> i64 {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).get(hash).map_or(stored, |s| s.at.max(stored))
    }

    /// Notes a use at `now`; true when the row should be written (at most once per
    /// [`WRITE_EVERY_SECS`] per session, however many requests arrive together).
    pub fn record(&self, hash: &str, now: i64, stored: i64) -> bool {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() > PRUNE_ABOVE {
            map.retain(|_, s| now - s.at < 86_400);
        }
        let seen = map.entry(hash.to_string()).or_insert(Seen { at: now, written: stored });
        seen.at = seen.at.max(now);
        seen.written = seen.written.max(stored);
        let due = now - seen.written >= WRITE_EVERY_SECS;
        if due {
            seen.written = now;
        }
        due
    }

    /// Forgets an ended session.
    pub fn forget(&self, hash: &str) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).remove(hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_row_is_written_once_per_interval_and_the_latest_use_is_remembered() {
        let seen = LastSeen::default();
        assert!(!seen.record("h", 100, 100), "just written at sign-in");
        assert!(!seen.record("h", 129, 100));
        assert_eq!(seen.latest("h", 100), 129, "the idle timeout counts from the latest request");
        assert!(seen.record("h", 130, 100), "30 seconds after the last write");
        assert!(!seen.record("h", 131, 100), "a second request at once does not write again");
        assert_eq!(seen.latest("other", 42), 42);
        seen.forget("h");
        assert_eq!(seen.latest("h", 100), 100);
    }
}

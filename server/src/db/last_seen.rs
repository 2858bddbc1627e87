//! When each session was last used, kept in memory between the writes of `last_seen_at`, so a
//! request need not write its session row and the idle timeout still counts from the latest
//! request this process answered.
//!
//! The row stays the record: a use kept here counts only while the row reads at least what it
//! read before. A row found older than that was set back (by an operator ending sessions by
//! hand, or by a test that ages it): what is kept here is let go and the row decides. Only
//! values read are compared, never values written, because a read that began before a write
//! committed still sees the older value and must not be taken for a row set back.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// How often a session's `last_seen_at` is written while it is in use (seconds).
pub const WRITE_EVERY_SECS: i64 = 30;

/// Entries kept before those idle for a day are let go.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Clone, Copy, Debug)]
struct Seen {
    /// The latest use.
    at: i64,
    /// The latest value asked to be written (perhaps still being written).
    asked: i64,
    /// The latest value read from the row.
    read: i64,
}

impl Seen {
    fn from_row(stored: i64) -> Seen {
        Seen { at: stored, asked: stored, read: stored }
    }

    /// Brings in the row as just read: a row older than it read before was set back, and decides.
    fn reconcile(&mut self, stored: i64) {
        if stored < self.read {
            *self = Seen::from_row(stored);
        } else {
            self.read = stored;
            self.asked = self.asked.max(stored);
        }
    }
}

/// The sessions seen, and the size at which those idle for a day are next let go.
#[derive(Debug)]
struct Sessions {
    seen: HashMap<String, Seen>,
    prune_above: usize,
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions { seen: HashMap::new(), prune_above: PRUNE_ABOVE }
    }
}

impl Sessions {
    /// Lets go of sessions idle for a day once there are more than `prune_above`; the next
    /// time is when the map has doubled again, so many sessions in use cost no scan per request.
    fn prune(&mut self, now: i64) {
        if self.seen.len() > self.prune_above {
            self.seen.retain(|_, s| now - s.at < 86_400);
            self.prune_above = PRUNE_ABOVE.max(self.seen.len() * 2);
        }
    }
}

/// Session activity by session hash; cheap to clone (shared).
#[derive(Clone, Debug, Default)]
pub struct LastSeen(Arc<Mutex<Sessions>>);

impl LastSeen {
    fn sessions(&self) -> std::sync::MutexGuard<'_, Sessions> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The latest use of the session, given `stored` (the row's `last_seen_at` as just read).
    pub fn latest(&self, hash: &str, stored: i64) -> i64 {
        match self.sessions().seen.get_mut(hash) {
            Some(seen) => {
                seen.reconcile(stored);
                seen.at.max(stored)
            }
            None => stored,
        }
    }

    /// Notes a use at `now`; true when the row should be written (at most once per
    /// [`WRITE_EVERY_SECS`] per session, however many requests arrive together). The caller
    /// reports a failed write with [`LastSeen::not_written`].
    pub fn record(&self, hash: &str, now: i64, stored: i64) -> bool {
        let mut sessions = self.sessions();
        sessions.prune(now);
        let seen = sessions.seen.entry(hash.to_string()).or_insert_with(|| Seen::from_row(stored));
        seen.reconcile(stored);
        seen.at = seen.at.max(now);
        let due = now - seen.asked >= WRITE_EVERY_SECS;
        if due {
            seen.asked = now;
        }
        due
    }

    /// Writing failed: the next use asks again.
    pub fn not_written(&self, hash: &str) {
        if let Some(seen) = self.sessions().seen.get_mut(hash) {
            seen.asked = seen.read;
        }
    }

    /// Forgets an ended session.
    pub fn forget(&self, hash: &str) {
        self.sessions().seen.remove(hash);
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
        assert!(!seen.record("h", 131, 100), "a second request at once does not write again, though the write is not yet seen");
        assert_eq!(seen.latest("h", 100), 131, "nor is the latest use lost meanwhile (a read may begin before the write commits)");
        assert_eq!(seen.latest("h", 130), 131, "the write is seen");
        assert_eq!(seen.latest("other", 42), 42);
        seen.forget("h");
        assert_eq!(seen.latest("h", 100), 100);
    }

    #[test]
    fn a_row_set_back_decides() {
        let seen = LastSeen::default();
        assert!(!seen.record("h", 110, 100));
        assert_eq!(seen.latest("h", 100), 110);
        assert_eq!(seen.latest("h", 40), 40, "the row was set back: what was kept here no longer counts");
        assert!(seen.record("h", 111, 40), "and the next use is written");
    }

    #[test]
    fn a_failed_write_is_asked_again() {
        let seen = LastSeen::default();
        assert!(seen.record("h", 200, 100));
        seen.not_written("h");
        assert!(seen.record("h", 201, 100));
    }

    #[test]
    fn sessions_idle_for_a_day_are_let_go_and_many_in_use_are_not_scanned_each_time() {
        let seen = LastSeen::default();
        for i in 0..=PRUNE_ABOVE {
            seen.record(&format!("old{i}"), 0, 0);
        }
        seen.record("new", 86_400, 86_400);
        assert_eq!(seen.sessions().seen.len(), 1, "those idle for a day are gone");
        let day = 2 * 86_400;
        for i in 0..=PRUNE_ABOVE {
            seen.record(&format!("busy{i}"), day, day);
        }
        assert_eq!(seen.sessions().prune_above, 2 * PRUNE_ABOVE, "none could go: the next look is when they have doubled");
        assert_eq!(seen.latest("busy0", day), day, "and those in use are kept");
    }
}

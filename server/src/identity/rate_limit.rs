//! Throttles sign-in, in memory, so that it cannot be turned against the people it protects.
//!
//! - Failed sign-ins are counted per client (its address, taken from `X-Forwarded-For` only
//!   behind a trusted proxy) and per account. A client over its limit is refused, valid passkey
//!   or not: only that client is slowed. An account over its limit is never locked: a passkey
//!   cannot be guessed, so a valid one still signs in (anyone who knew the account's handle could
//!   otherwise lock its owner out); only further failures for it are answered as rate limited,
//!   and the owner is told once per window.
//! - Ceremony starts (sign-in, enrolment, re-authentication, adding a passkey) are counted per
//!   client, so no one can fill the ceremony table or the CPU.
//! - Refusals are aggregated: one audit entry per client (or account) per window says how many
//!   were refused in the window before, so a flood cannot fill a log that is kept for years.

use std::collections::HashMap;
use std::sync::Mutex;

/// Failed attempts allowed per client within the window.
pub const MAX_FAILURES: usize = 10;
/// Failed attempts per account within the window before further failures are refused.
pub const MAX_ACCOUNT_FAILURES: usize = 20;
/// Ceremonies a client may start within the window: enough for an office of people behind one
/// address all signing in at once, far too few to fill the ceremony table.
pub const MAX_STARTS: usize = 300;
/// The window, in seconds.
pub const WINDOW_SECS: i64 = 60;
/// Keys kept at most per table before old ones are swept.
const MAX_KEYS: usize = 10_000;

/// Recent events per key, and refusals not yet recorded.
#[derive(Debug, Default)]
struct Table {
    recent: HashMap<String, Vec<i64>>,
    /// Per key: the window a refusal was last recorded in, and refusals since not recorded.
    refused: HashMap<String, (i64, u64)>,
}

impl Table {
    fn count(&mut self, key: &str, now: i64) -> usize {
        let recent = self.recent.entry(key.to_string()).or_default();
        recent.retain(|t| now - t < WINDOW_SECS);
        recent.len()
    }

    fn push(&mut self, key: &str, now: i64) {
        self.recent.entry(key.to_string()).or_default().push(now);
        if self.recent.len() > MAX_KEYS {
            self.recent.retain(|_, v| v.iter().any(|t| now - t < WINDOW_SECS));
        }
    }

    /// Notes a refusal: `Some(n)` when it should be recorded (the first in this key's window),
    /// with `n` refusals left unrecorded since the last one recorded.
    fn refuse(&mut self, key: &str, now: i64) -> Option<u64> {
        let window = now.div_euclid(WINDOW_SECS);
        if self.refused.len() > MAX_KEYS {
            self.refused.retain(|_, (w, _)| window - *w <= 1);
        }
        let entry = self.refused.entry(key.to_string()).or_insert((i64::MIN, 0));
        if entry.0 == window {
            entry.1 += 1;
            None
        } else {
            let unrecorded = entry.1;
            *entry = (window, 0);
            Some(unrecorded)
        }
    }
}

/// The throttle's tables.
#[derive(Debug, Default)]
pub struct SignInThrottle {
    clients: Mutex<Table>,
    accounts: Mutex<Table>,
    starts: Mutex<Table>,
}

fn lock(m: &Mutex<Table>) -> std::sync::MutexGuard<'_, Table> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Whether a refusal should be written to the audit log, and how many went unrecorded before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Write an audit entry for this refusal.
    pub record: bool,
    /// Refusals of the same key in earlier windows that were not recorded one by one.
    pub unrecorded_before: u64,
}

impl SignInThrottle {
    /// Whether the client may try to sign in now.
    pub fn allows(&self, client: &str, now: i64) -> bool {
        lock(&self.clients).count(client, now) < MAX_FAILURES
    }

    /// Records a failed sign-in by `client`, naming the account when it was identified.
    pub fn fail(&self, client: &str, account: Option<&str>, now: i64) {
        lock(&self.clients).push(client, now);
        if let Some(account) = account {
            lock(&self.accounts).push(account, now);
        }
    }

    /// Whether the account has failed more often than allowed in the window (further failures
    /// are then answered as rate limited; a valid passkey still signs in).
    pub fn account_over_limit(&self, account: &str, now: i64) -> bool {
        lock(&self.accounts).count(account, now) >= MAX_ACCOUNT_FAILURES
    }

    /// Counts a ceremony start by `client`; `false` when it is over its limit.
    pub fn start(&self, client: &str, now: i64) -> bool {
        let mut t = lock(&self.starts);
        if t.count(client, now) >= MAX_STARTS {
            return false;
        }
        t.push(client, now);
        true
    }

    /// Notes a refusal (or failure) for `key` (a client or an account, prefixed by kind).
    pub fn refusal(&self, key: &str, now: i64) -> Refusal {
        match lock(&self.clients).refuse(key, now) {
            Some(n) => Refusal { record: true, unrecorded_before: n },
            None => Refusal { record: false, unrecorded_before: 0 },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_a_client_after_max_failures_until_the_window_passes() {
        let t = SignInThrottle::default();
        for _ in 0..MAX_FAILURES {
            assert!(t.allows("ip", 100));
            t.fail("ip", None, 100);
        }
        assert!(!t.allows("ip", 100));
        assert!(t.allows("other", 100), "per client");
        assert!(t.allows("ip", 100 + WINDOW_SECS));
    }

    #[test]
    fn failures_against_an_account_from_many_clients_never_block_other_clients() {
        let t = SignInThrottle::default();
        for i in 0..(MAX_ACCOUNT_FAILURES * 2) {
            t.fail(&format!("attacker-{i}"), Some("victim"), 100);
        }
        assert!(t.account_over_limit("victim", 100));
        assert!(t.allows("victims-own-laptop", 100), "the owner's client is not limited");
        assert!(!t.account_over_limit("victim", 100 + WINDOW_SECS));
    }

    #[test]
    fn ceremony_starts_are_limited_per_client() {
        let t = SignInThrottle::default();
        for _ in 0..MAX_STARTS {
            assert!(t.start("ip", 5));
        }
        assert!(!t.start("ip", 5));
        assert!(t.start("other", 5));
        assert!(t.start("ip", 5 + WINDOW_SECS));
    }

    #[test]
    fn refusals_are_recorded_once_per_window_with_the_count_of_the_rest() {
        let t = SignInThrottle::default();
        assert_eq!(t.refusal("ip", 60), Refusal { record: true, unrecorded_before: 0 });
        for _ in 0..500 {
            assert!(!t.refusal("ip", 61).record);
        }
        assert_eq!(t.refusal("other", 61), Refusal { record: true, unrecorded_before: 0 });
        assert_eq!(t.refusal("ip", 125), Refusal { record: true, unrecorded_before: 500 });
    }
}

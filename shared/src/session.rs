//! Session lifetime rules: idle timeout, absolute lifetime, and recent re-authentication.

/// How long a passkey check counts as recent for sensitive operations (seconds).
pub const REAUTH_WINDOW_SECS: i64 = 5 * 60;

/// Where to go after signing in, when a page sent someone to sign in: `candidate` if it is a
/// path of this site made only of letters, digits, `/`, `-`, `_` and `.` (no `..`, no `//`, not
/// the sign-in page itself), else `None`. So a crafted link cannot send anyone elsewhere, and
/// the path needs no escaping in the sign-in link.
pub fn return_path(candidate: &str) -> Option<&str> {
    let plain = candidate.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'));
    let ok = plain
        && candidate.len() <= 200
        && candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.contains("..")
        && !candidate.starts_with("/sign-in");
    ok.then_some(candidate)
}

/// Whether a session may still be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionState {
    /// Usable.
    Live,
    /// No request for longer than the idle timeout.
    IdleExpired,
    /// Older than the absolute lifetime.
    AbsoluteExpired,
}

/// Timeouts in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionLimits {
    /// Idle timeout.
    pub idle_secs: i64,
    /// Absolute lifetime.
    pub absolute_secs: i64,
}

/// Decides a session's state at `now` (all Unix seconds).
pub fn session_state(created_at: i64, last_seen_at: i64, now: i64, limits: SessionLimits) -> SessionState {
    if now - created_at >= limits.absolute_secs {
        SessionState::AbsoluteExpired
    } else if now - last_seen_at >= limits.idle_secs {
        SessionState::IdleExpired
    } else {
        SessionState::Live
    }
}

/// Whether the last passkey check is recent enough for a sensitive operation.
pub fn reauthenticated_recently(reauthenticated_at: i64, now: i64) -> bool {
    now >= reauthenticated_at && now - reauthenticated_at <= REAUTH_WINDOW_SECS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_of_this_site_are_returned_to() {
        for ok in ["/", "/copies/0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b", "/meetings/m-1/distribution", "/statistics"] {
            assert_eq!(return_path(ok), Some(ok), "{ok}");
        }
        for bad in [
            "",
            "copies/1",
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "/copies/../admin",
            "/a b",
            "/a?next=//x",
            "/a#x",
            "/sign-in",
            "/sign-in?next=/",
            "/%2F%2Fevil.example",
            "/caf\u{e9}",
        ] {
            assert_eq!(return_path(bad), None, "{bad:?}");
        }
        assert_eq!(return_path(&format!("/{}", "a".repeat(200))), None);
    }

    const LIMITS: SessionLimits = SessionLimits { idle_secs: 15 * 60, absolute_secs: 8 * 3600 };

    #[test]
    fn idle_timeout_boundary() {
        assert_eq!(session_state(0, 100, 100 + 15 * 60 - 1, LIMITS), SessionState::Live);
        assert_eq!(session_state(0, 100, 100 + 15 * 60, LIMITS), SessionState::IdleExpired);
    }

    #[test]
    fn absolute_lifetime_wins_over_activity() {
        let now = 8 * 3600;
        assert_eq!(session_state(0, now - 1, now, LIMITS), SessionState::AbsoluteExpired);
        assert_eq!(session_state(0, now - 2, now - 1, LIMITS), SessionState::Live);
    }

    #[test]
    fn reauth_window_is_five_minutes() {
        assert!(reauthenticated_recently(1000, 1000 + 300));
        assert!(!reauthenticated_recently(1000, 1000 + 301));
        assert!(!reauthenticated_recently(1000, 999), "a check in the future is not trusted");
    }
}

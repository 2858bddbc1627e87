//! Rules for sending minutes out: how long a copy's link lives, when a failed email is tried
//! again, and the wording of the notification (which never holds a name or case detail).

/// Days a copy's link works unless configured otherwise.
pub const DEFAULT_LINK_DAYS: u32 = 14;

/// Attempts at sending one email before it is left for the coordinator to see.
pub const MAX_EMAIL_ATTEMPTS: i64 = 8;

/// Whether a copy can be downloaded now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyState {
    /// It can.
    Live,
    /// Its link has expired.
    Expired,
    /// The coordinator revoked it.
    Revoked,
}

impl CopyState {
    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            CopyState::Live => "Available",
            CopyState::Expired => "Expired",
            CopyState::Revoked => "Revoked",
        }
    }
}

/// The state of a copy that expires at `expires_at` (Unix seconds), revoked when `revoked`.
pub fn copy_state(expires_at: i64, revoked: bool, now: i64) -> CopyState {
    if revoked {
        CopyState::Revoked
    } else if now >= expires_at {
        CopyState::Expired
    } else {
        CopyState::Live
    }
}

/// Seconds to wait before attempt number `attempts + 1`, after `attempts` failures: one minute,
/// doubling each time, at most six hours. `None` once [`MAX_EMAIL_ATTEMPTS`] have failed.
pub fn retry_delay(attempts: i64) -> Option<i64> {
    if attempts >= MAX_EMAIL_ATTEMPTS {
        return None;
    }
    let exponent = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    Some((60_i64 << exponent).min(6 * 60 * 60))
}

/// Where an email stands, for the coordinator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailState {
    /// Waiting for its first attempt.
    Queued,
    /// Sent.
    Sent,
    /// Failed; will be tried again.
    Retrying,
    /// Failed every attempt; not tried again until someone asks.
    Failed,
}

impl EmailState {
    /// Works out the state from the outbox row.
    pub fn of(sent: bool, attempts: i64) -> EmailState {
        match (sent, attempts) {
            (true, _) => EmailState::Sent,
            (false, 0) => EmailState::Queued,
            (false, n) if n >= MAX_EMAIL_ATTEMPTS => EmailState::Failed,
            (false, _) => EmailState::Retrying,
        }
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            EmailState::Queued => "Email queued",
            EmailState::Sent => "Email sent",
            EmailState::Retrying => "Email failed, will retry",
            EmailState::Failed => "Email failed",
        }
    }
}

/// The subject of the notification email. Holds nothing about the meeting's cases.
pub const EMAIL_SUBJECT: &str = "MARAC minutes are available to you in Roundtable";

/// The body of the notification email: that minutes are available, and the link. No names, no
/// dates of meetings, no case detail, no attachment.
pub fn email_body(link: &str, days: u32) -> String {
    format!(
        "Minutes of a MARAC meeting have been shared with you in Roundtable.\r\n\r\n\
         Open this link, sign in and confirm with your passkey to read your copy:\r\n{link}\r\n\r\n\
         The link works only for you and stops working {days} days after it was sent.\r\n\
         If you were not expecting this message, tell your MARAC coordinator. Do not forward it.\r\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_expires_at_its_time_and_revocation_wins() {
        assert_eq!(copy_state(100, false, 99), CopyState::Live);
        assert_eq!(copy_state(100, false, 100), CopyState::Expired);
        assert_eq!(copy_state(100, true, 50), CopyState::Revoked);
        assert_eq!(copy_state(100, true, 150), CopyState::Revoked);
    }

    #[test]
    fn retries_back_off_doubling_to_a_cap_then_stop() {
        assert_eq!(retry_delay(1), Some(60));
        assert_eq!(retry_delay(2), Some(120));
        assert_eq!(retry_delay(3), Some(240));
        assert_eq!(retry_delay(7), Some(3840));
        assert_eq!(retry_delay(MAX_EMAIL_ATTEMPTS), None);
        assert!((1..MAX_EMAIL_ATTEMPTS).all(|n| retry_delay(n).is_some_and(|d| d <= 6 * 3600)));
    }

    #[test]
    fn email_states_follow_the_outbox() {
        assert_eq!(EmailState::of(false, 0), EmailState::Queued);
        assert_eq!(EmailState::of(false, 3), EmailState::Retrying);
        assert_eq!(EmailState::of(false, MAX_EMAIL_ATTEMPTS), EmailState::Failed);
        assert_eq!(EmailState::of(true, 5), EmailState::Sent);
    }

    #[test]
    fn the_email_holds_only_the_link() {
        let body = email_body("https://roundtable.example/copies/abc", 14);
        assert!(body.contains("https://roundtable.example/copies/abc") && body.contains("14 days"));
        assert!(!body.contains("C-20"), "no case reference");
    }
}

//! Retention rules: when a closed case and its audit records fall due for purging.
//!
//! A closed case is kept for a whole number of years after closure and falls due on the
//! same calendar day that many years later (a case closed on 29 February falls due on
//! 28 February in a common year). Open cases are kept. A legal hold stops a case ever
//! falling due while it lasts, whatever its dates. Today's date is always a parameter.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

/// Days a rejected referral (never heard at MARAC) is kept after the rejection is final:
/// none, so it is due for purging at once.
pub const REJECTED_REFERRAL_RETENTION_DAYS: i64 = 0;

/// Days a sent notification email (an address and a link, no case detail) is kept as the
/// coordinator's record of delivery.
pub const SENT_EMAIL_RETENTION_DAYS: i64 = 30;

/// Days a subject access request's prepared export is kept after it was prepared: long enough
/// to answer questions about what was released, no longer.
pub const SUBJECT_ACCESS_RETENTION_DAYS: i64 = 365;

/// Default years a closed case, and an audit record, is kept.
pub const DEFAULT_RETENTION_YEARS: u8 = 7;

/// How long records are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    /// Whole years a case is kept after it is closed (default 7).
    pub case_years_after_closure: u8,
    /// Whole years an audit record is kept after it is written (default 7).
    pub audit_years: u8,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy { case_years_after_closure: DEFAULT_RETENTION_YEARS, audit_years: DEFAULT_RETENTION_YEARS }
    }
}

/// Whether a record is under a hold that stops it being purged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hold {
    /// No hold: ordinary retention applies.
    #[default]
    None,
    /// A legal hold (litigation, inquiry, review): never due while it lasts.
    Legal,
}

impl Hold {
    /// Whether this hold stops purging.
    pub fn is_held(self) -> bool {
        self == Hold::Legal
    }
}

impl From<bool> for Hold {
    /// `true` is a legal hold, `false` none.
    fn from(held: bool) -> Self {
        if held {
            Hold::Legal
        } else {
            Hold::None
        }
    }
}

/// What to do with a case today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum PurgeDecision {
    /// Keep it; `until` is the day it falls due, or `None` while the case is open.
    Retain {
        /// The purge due date, if the case is closed.
        until: Option<Date>,
    },
    /// Its retention period is over: purge it.
    Due,
    /// A legal hold applies: keep it regardless of dates.
    Held,
}

/// The same calendar day `years` later; 29 February goes to 28 February in a common
/// year. Saturates at [`Date::MAX`].
pub fn add_years(date: Date, years: u8) -> Date {
    let year = date.year() + i32::from(years);
    let month = date.month();
    let day = if month == Month::February { date.day().min(month.length(year)) } else { date.day() };
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MAX)
}

/// The day a case closed on `closed_on` falls due for purging under `policy`.
pub fn case_due_for_purge(closed_on: Date, policy: &RetentionPolicy) -> Date {
    add_years(closed_on, policy.case_years_after_closure)
}

/// The day an audit record written on `recorded_on` falls due for purging.
pub fn audit_due_for_purge(recorded_on: Date, policy: &RetentionPolicy) -> Date {
    add_years(recorded_on, policy.audit_years)
}

/// Whether a record due on `due` is due today: `due <= today`.
pub fn is_due(due: Date, today: Date) -> bool {
    due <= today
}

/// Whether `due` falls on or before `today + days`, for "due soon" lists. Overdue
/// records count too; a negative `days` is treated as 0.
pub fn due_within(due: Date, today: Date, days: i64) -> bool {
    match today.checked_add(Duration::days(days.max(0))) {
        Some(horizon) => due <= horizon,
        // The horizon is past the last representable date, so every date is inside it.
        None => true,
    }
}

/// The latest start date (closure, or an audit record's day) that is due today after `years`:
/// every date on or before it is due, every later one is not. Lets a database select what is
/// due with one comparison. Saturates at [`Date::MIN`].
pub fn latest_due_start(today: Date, years: u8) -> Date {
    let year = today.year() - i32::from(years);
    let (month, day) = (today.month(), today.day());
    let leap = |y: i32| time::util::is_leap_year(y);
    let day = match (month, day) {
        // 29 February falls due on 28 February of a common year.
        (Month::February, 28) if leap(year) && !leap(today.year()) => 29,
        (Month::February, 29) if !leap(year) => 28,
        _ => day,
    };
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
}

/// The retention decision for a case today. A hold wins over everything; an open case
/// (`closed_on` is `None`) is retained with no end date. `hold` takes a [`Hold`] or a
/// `bool` (`true` = legal hold).
pub fn purge_decision(closed_on: Option<Date>, hold: impl Into<Hold>, today: Date, policy: &RetentionPolicy) -> PurgeDecision {
    if hold.into().is_held() {
        return PurgeDecision::Held;
    }
    match closed_on {
        None => PurgeDecision::Retain { until: None },
        Some(closed) => {
            let due = case_due_for_purge(closed, policy);
            if is_due(due, today) {
                PurgeDecision::Due
            } else {
                PurgeDecision::Retain { until: Some(due) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const P: RetentionPolicy = RetentionPolicy { case_years_after_closure: 7, audit_years: 2 };

    #[test]
    fn defaults_are_seven_years() {
        assert_eq!(RetentionPolicy::default(), RetentionPolicy { case_years_after_closure: 7, audit_years: 7 });
        assert_eq!(REJECTED_REFERRAL_RETENTION_DAYS, 0);
    }

    #[test]
    fn due_date_is_same_calendar_day() {
        let p = RetentionPolicy::default();
        assert_eq!(case_due_for_purge(date!(2026 - 03 - 31), &p), date!(2033 - 03 - 31));
        assert_eq!(case_due_for_purge(date!(2026 - 12 - 31), &p), date!(2033 - 12 - 31));
        assert_eq!(audit_due_for_purge(date!(2026 - 01 - 01), &P), date!(2028 - 01 - 01));
        let zero = RetentionPolicy { case_years_after_closure: 0, audit_years: 0 };
        assert_eq!(case_due_for_purge(date!(2026 - 05 - 05), &zero), date!(2026 - 05 - 05));
    }

    #[test]
    fn leap_day_closures() {
        let p = RetentionPolicy::default();
        // 2024 + 7 = 2031, a common year.
        assert_eq!(case_due_for_purge(date!(2024 - 02 - 29), &p), date!(2031 - 02 - 28));
        // 2024 + 4 = 2028, a leap year: 29 February is kept.
        let four = RetentionPolicy { case_years_after_closure: 4, audit_years: 4 };
        assert_eq!(case_due_for_purge(date!(2024 - 02 - 29), &four), date!(2028 - 02 - 29));
        assert_eq!(add_years(date!(2096 - 02 - 29), 4), date!(2100 - 02 - 28)); // 2100 is common
    }

    #[test]
    fn saturates_at_max_date() {
        assert_eq!(add_years(Date::MAX, 7), Date::MAX);
        assert!(due_within(Date::MAX, Date::MAX, 30));
    }

    #[test]
    fn is_due_boundaries() {
        let due = date!(2033 - 03 - 31);
        assert!(!is_due(due, date!(2033 - 03 - 30)));
        assert!(is_due(due, due));
        assert!(is_due(due, date!(2033 - 04 - 01)));
    }

    #[test]
    fn due_within_window() {
        let today = date!(2026 - 06 - 01);
        assert!(due_within(date!(2026 - 07 - 01), today, 30));
        assert!(!due_within(date!(2026 - 07 - 02), today, 30));
        assert!(due_within(date!(2026 - 05 - 01), today, 30)); // overdue counts
        assert!(due_within(today, today, 0));
        assert!(!due_within(date!(2026 - 06 - 02), today, 0));
        assert!(!due_within(date!(2026 - 06 - 02), today, -5));
    }

    #[test]
    fn latest_due_start_agrees_with_the_due_rule_every_day() {
        for years in [0u8, 1, 4, 7] {
            let mut today = date!(2027 - 01 - 01);
            while today < date!(2033 - 12 - 31) {
                let cutoff = latest_due_start(today, years);
                let policy = RetentionPolicy { case_years_after_closure: years, audit_years: years };
                assert!(is_due(case_due_for_purge(cutoff, &policy), today), "{today} {years}: {cutoff} due");
                let next = cutoff.next_day().unwrap_or(Date::MAX);
                assert!(!is_due(case_due_for_purge(next, &policy), today), "{today} {years}: {next} not due");
                today = today.next_day().unwrap_or(Date::MAX);
            }
        }
        assert_eq!(latest_due_start(date!(2031 - 02 - 28), 7), date!(2024 - 02 - 29));
        assert_eq!(latest_due_start(date!(2032 - 02 - 29), 7), date!(2025 - 02 - 28));
    }

    #[test]
    fn decisions() {
        let today = date!(2026 - 06 - 01);
        let closed = Some(date!(2019 - 06 - 01));
        assert_eq!(purge_decision(closed, false, today, &P), PurgeDecision::Due);
        assert_eq!(purge_decision(closed, Hold::Legal, today, &P), PurgeDecision::Held);
        assert_eq!(purge_decision(closed, true, today, &P), PurgeDecision::Held);
        let day_later = Some(date!(2019 - 06 - 02));
        let until = Some(date!(2026 - 06 - 02));
        assert_eq!(purge_decision(day_later, Hold::None, today, &P), PurgeDecision::Retain { until });
        assert_eq!(purge_decision(None, false, today, &P), PurgeDecision::Retain { until: None });
        assert_eq!(purge_decision(None, true, today, &P), PurgeDecision::Held);
        assert_eq!(Hold::from(false), Hold::None);
        assert!(!Hold::default().is_held());
    }
}

//! How instants and dates are written for people (GOV.UK style: "25 November 2026"). All times
//! are UTC and say so.

use time::{Date, OffsetDateTime};

/// A calendar date, e.g. "5 March 2026".
pub fn date(d: Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

/// The UTC date of an instant (Unix seconds).
pub fn day_of(secs: i64) -> String {
    OffsetDateTime::from_unix_timestamp(secs).map(|t| date(t.date())).unwrap_or_default()
}

/// An instant with its UTC time, e.g. "5 March 2026, 14:05 UTC".
pub fn instant(secs: i64) -> String {
    OffsetDateTime::from_unix_timestamp(secs).map(|t| format!("{}, {:02}:{:02} UTC", date(t.date()), t.hour(), t.minute())).unwrap_or_default()
}

/// A stored ISO date (`YYYY-MM-DD`) for people; unreadable input is shown as it is.
pub fn iso_date(raw: &str) -> String {
    crate::validation::parse_iso_date(raw).map(date).unwrap_or_else(|| raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_naturally() {
        assert_eq!(day_of(0), "1 January 1970");
        assert_eq!(day_of(1_772_323_200), "1 March 2026");
        assert_eq!(day_of(951_782_400), "29 February 2000");
        assert_eq!(instant(1_772_323_200 + 14 * 3600 + 5 * 60), "1 March 2026, 14:05 UTC");
        assert_eq!(iso_date("2026-11-25"), "25 November 2026");
        assert_eq!(iso_date("soon"), "soon");
    }
}

//! How instants and dates are written for people (GOV.UK style: "25 November 2026"). Times are
//! in the area's time zone ([`crate::time_zone`]) and say which: "14:05 GMT", "14:05 BST".

use time::{Date, OffsetDateTime};

use crate::time_zone::{area_zone, AreaZone};

/// A calendar date, e.g. "5 March 2026".
pub fn date(d: Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

/// The local date of an instant (Unix seconds), in the area's zone.
pub fn day_of(secs: i64) -> String {
    day_in(area_zone(), secs)
}

/// The local date of an instant in `zone`.
pub fn day_in(zone: &AreaZone, secs: i64) -> String {
    zone.local(secs).map(|l| date(l.date)).or_else(|| OffsetDateTime::from_unix_timestamp(secs).ok().map(|t| date(t.date()))).unwrap_or_default()
}

/// An instant with its local time in the area's zone, e.g. "5 March 2026, 14:05 GMT".
pub fn instant(secs: i64) -> String {
    instant_in(area_zone(), secs)
}

/// An instant with its local time in `zone`.
pub fn instant_in(zone: &AreaZone, secs: i64) -> String {
    zone.local(secs).map(|l| format!("{}, {:02}:{:02} {}", date(l.date), l.hour, l.minute, l.abbreviation)).unwrap_or_default()
}

/// The local time of day of an instant in the area's zone, to the second, e.g. "14:05:09 BST".
pub fn time_of_day(secs: i64) -> String {
    area_zone().local(secs).map(|l| format!("{:02}:{:02}:{:02} {}", l.hour, l.minute, l.second, l.abbreviation)).unwrap_or_default()
}

/// The local time of day of an instant in the area's zone as a form field holds it ("14:05").
pub fn time_field(secs: i64) -> String {
    area_zone().local(secs).map(|l| format!("{:02}:{:02}", l.hour, l.minute)).unwrap_or_default()
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
        let london = AreaZone::london();
        assert_eq!(day_in(&london, 0), "1 January 1970");
        assert_eq!(day_in(&london, 1_772_323_200), "1 March 2026");
        assert_eq!(day_in(&london, 951_782_400), "29 February 2000");
        assert_eq!(instant_in(&london, 1_772_323_200 + 14 * 3600 + 5 * 60), "1 March 2026, 14:05 GMT");
        assert_eq!(iso_date("2026-11-25"), "25 November 2026");
        assert_eq!(iso_date("soon"), "soon");
    }

    #[test]
    fn summer_times_are_shown_in_british_summer_time() {
        let london = AreaZone::london();
        // 1 July 2026, 09:00 UTC is 10:00 BST.
        assert_eq!(instant_in(&london, 1_782_896_400), "1 July 2026, 10:00 BST");
        // 23:30 UTC on 31 May 2026 is already 1 June in London.
        assert_eq!(day_in(&london, 1_780_270_200), "1 June 2026");
    }

    #[test]
    fn the_area_zone_is_used_by_default() {
        assert_eq!(instant(1_772_323_200 + 14 * 3600 + 5 * 60), "1 March 2026, 14:05 GMT");
        assert_eq!(time_of_day(1_782_896_400 + 9), "10:00:09 BST");
        assert_eq!(time_field(1_782_896_400), "10:00");
    }
}

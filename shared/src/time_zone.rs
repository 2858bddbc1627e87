//! The area's time zone: instants are stored as Unix seconds and shown, typed and put in
//! calendar files in the zone of the area the MARAC serves (by default Europe/London, so that
//! a meeting at 10:00 stays at 10:00 through British Summer Time).
//!
//! The zone is set once for the whole process: by the server at start (from its `--time-zone`
//! setting and the time zone database), and in the browser from what the page says (so that both
//! render the same text). Until then, and in tests, it is Europe/London by the UK's rule (last
//! Sunday of March at 01:00 UTC to the last Sunday of October at 01:00 UTC), which needs no
//! database.

use std::sync::OnceLock;

use jiff::civil;
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::Timestamp;
use time::{Date, Month};

/// The UK's rule, as a POSIX TZ string.
const LONDON_RULE: &str = "GMT0BST,M3.5.0/1,M10.5.0";

/// A named time zone with its rules.
#[derive(Clone, Debug)]
pub struct AreaZone {
    name: String,
    tz: TimeZone,
    tzif: Option<Vec<u8>>,
}

/// A local date and time of day, with the zone's abbreviation then ("GMT", "BST").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalTime {
    /// The local date.
    pub date: Date,
    /// Hour (0 to 23).
    pub hour: u8,
    /// Minute.
    pub minute: u8,
    /// Second.
    pub second: u8,
    /// The abbreviation in force, e.g. "BST".
    pub abbreviation: String,
    /// Offset from UTC in seconds (east positive).
    pub offset_secs: i32,
}

/// A change of the zone's offset (clocks going forward or back).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    /// When (Unix seconds).
    pub at: i64,
    /// Offset before, in seconds.
    pub offset_before: i32,
    /// Offset after, in seconds.
    pub offset_after: i32,
    /// The abbreviation after.
    pub abbreviation: String,
    /// Whether the time after is summer (daylight saving) time.
    pub daylight: bool,
}

/// Why a local time is not one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalTimeProblem {
    /// The clocks go forward over it: it never happens.
    Skipped,
    /// Not a valid date or time.
    Invalid,
}

impl AreaZone {
    /// Europe/London by the UK's current rule.
    pub fn london() -> Self {
        let tz = TimeZone::posix(LONDON_RULE).unwrap_or(TimeZone::UTC);
        Self { name: "Europe/London".into(), tz, tzif: None }
    }

    /// A zone from its time zone database entry (TZif data), e.g. `/usr/share/zoneinfo/Europe/London`.
    pub fn from_tzif(name: &str, data: &[u8]) -> Result<Self, String> {
        let tz = TimeZone::tzif(name, data).map_err(|e| format!("the time zone data for {name} could not be read ({e})"))?;
        Ok(Self { name: name.to_string(), tz, tzif: Some(data.to_vec()) })
    }

    /// Its IANA name, e.g. "Europe/London" (the TZID of calendar files).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The TZif data it was made from, if any (what the browser is given).
    pub fn tzif(&self) -> Option<&[u8]> {
        self.tzif.as_deref()
    }

    /// The local time of an instant (Unix seconds), if it is within the calendar.
    pub fn local(&self, secs: i64) -> Option<LocalTime> {
        let ts = Timestamp::from_second(secs).ok()?;
        let info = self.tz.to_offset_info(ts);
        let dt = info.offset().to_datetime(ts);
        let month = Month::try_from(u8::try_from(dt.month()).ok()?).ok()?;
        let date = Date::from_calendar_date(i32::from(dt.year()), month, u8::try_from(dt.day()).ok()?).ok()?;
        Some(LocalTime {
            date,
            hour: u8::try_from(dt.hour()).ok()?,
            minute: u8::try_from(dt.minute()).ok()?,
            second: u8::try_from(dt.second()).ok()?,
            abbreviation: info.abbreviation().to_string(),
            offset_secs: info.offset().seconds(),
        })
    }

    /// The instant (Unix seconds) of a local date and time. A time the clocks go back over
    /// happens twice: the first is taken. A time they go forward over never happens.
    pub fn instant(&self, date: Date, hour: u8, minute: u8) -> Result<i64, LocalTimeProblem> {
        let dt = civil::DateTime::new(
            i16::try_from(date.year()).map_err(|_| LocalTimeProblem::Invalid)?,
            u8::from(date.month()) as i8,
            date.day() as i8,
            i8::try_from(hour).map_err(|_| LocalTimeProblem::Invalid)?,
            i8::try_from(minute).map_err(|_| LocalTimeProblem::Invalid)?,
            0,
            0,
        )
        .map_err(|_| LocalTimeProblem::Invalid)?;
        let ambiguous = self.tz.to_ambiguous_timestamp(dt);
        let offset = match ambiguous.offset() {
            AmbiguousOffset::Unambiguous { offset } => offset,
            AmbiguousOffset::Fold { before, .. } => before,
            AmbiguousOffset::Gap { .. } => return Err(LocalTimeProblem::Skipped),
        };
        offset.to_timestamp(dt).map(|ts| ts.as_second()).map_err(|_| LocalTimeProblem::Invalid)
    }

    /// The changes of offset from the last one at or before `from` to the last one before `to`
    /// (Unix seconds), oldest first; none for a zone that never changes.
    pub fn transitions(&self, from: i64, to: i64) -> Vec<Transition> {
        let (Ok(start), Ok(end)) = (Timestamp::from_second(from.saturating_add(1)), Timestamp::from_second(to)) else {
            return Vec::new();
        };
        let first = self.tz.preceding(start).next();
        let later = self.tz.following(start).take_while(|t| t.timestamp() < end);
        first
            .into_iter()
            .chain(later)
            .map(|t| {
                let at = t.timestamp().as_second();
                let before = at.checked_sub(1).and_then(|s| Timestamp::from_second(s).ok()).map_or(t.offset(), |s| self.tz.to_offset(s));
                Transition {
                    at,
                    offset_before: before.seconds(),
                    offset_after: t.offset().seconds(),
                    abbreviation: t.abbreviation().to_string(),
                    daylight: t.dst().is_dst(),
                }
            })
            .collect()
    }

    /// The zone's offset at an instant (seconds east of UTC).
    pub fn offset_at(&self, secs: i64) -> i32 {
        Timestamp::from_second(secs).map_or(0, |ts| self.tz.to_offset(ts).seconds())
    }
}

static AREA: OnceLock<AreaZone> = OnceLock::new();

/// Sets the area's zone for the process; the first setting stays. Returns whether this one did.
pub fn set_area_zone(zone: AreaZone) -> bool {
    AREA.set(zone).is_ok()
}

/// The area's zone.
pub fn area_zone() -> &'static AreaZone {
    AREA.get_or_init(AreaZone::london)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn utc(date: Date, hour: u8, minute: u8) -> i64 {
        time::PrimitiveDateTime::new(date, time::Time::from_hms(hour, minute, 0).unwrap_or(time::Time::MIDNIGHT)).assume_utc().unix_timestamp()
    }

    #[test]
    fn london_is_gmt_in_winter_and_bst_in_summer() {
        let z = AreaZone::london();
        let winter = z.local(utc(date!(2026 - 01 - 15), 10, 0)).expect("in range");
        assert_eq!((winter.hour, winter.abbreviation.as_str(), winter.offset_secs), (10, "GMT", 0));
        let summer = z.local(utc(date!(2026 - 07 - 15), 9, 0)).expect("in range");
        assert_eq!((summer.hour, summer.abbreviation.as_str(), summer.offset_secs), (10, "BST", 3600));
    }

    #[test]
    fn the_clocks_change_on_the_last_sundays_of_march_and_october() {
        let z = AreaZone::london();
        // 29 March 2026: 01:00 GMT becomes 02:00 BST.
        assert_eq!(z.local(utc(date!(2026 - 03 - 29), 0, 59)).map(|l| (l.hour, l.abbreviation)), Some((0, "GMT".into())));
        assert_eq!(z.local(utc(date!(2026 - 03 - 29), 1, 0)).map(|l| (l.hour, l.abbreviation)), Some((2, "BST".into())));
        // 25 October 2026: 02:00 BST becomes 01:00 GMT.
        assert_eq!(z.local(utc(date!(2026 - 10 - 25), 0, 59)).map(|l| (l.hour, l.abbreviation)), Some((1, "BST".into())));
        assert_eq!(z.local(utc(date!(2026 - 10 - 25), 1, 0)).map(|l| (l.hour, l.abbreviation)), Some((1, "GMT".into())));
    }

    #[test]
    fn local_times_become_instants() {
        let z = AreaZone::london();
        assert_eq!(z.instant(date!(2026 - 12 - 08), 10, 0), Ok(utc(date!(2026 - 12 - 08), 10, 0)));
        assert_eq!(z.instant(date!(2026 - 06 - 09), 10, 0), Ok(utc(date!(2026 - 06 - 09), 9, 0)));
        assert_eq!(z.instant(date!(2026 - 03 - 29), 1, 30), Err(LocalTimeProblem::Skipped), "the clocks go forward over 01:30");
        assert_eq!(z.instant(date!(2026 - 10 - 25), 1, 30), Ok(utc(date!(2026 - 10 - 25), 0, 30)), "the first 01:30 of two");
        assert_eq!(z.instant(date!(2026 - 10 - 25), 24, 0), Err(LocalTimeProblem::Invalid));
    }

    #[test]
    fn transitions_around_an_instant() {
        let z = AreaZone::london();
        let t = z.transitions(utc(date!(2026 - 06 - 01), 0, 0), utc(date!(2027 - 06 - 01), 0, 0));
        let summary: Vec<_> = t.iter().map(|t| (t.at, t.offset_before, t.offset_after, t.abbreviation.as_str(), t.daylight)).collect();
        assert_eq!(
            summary,
            vec![
                (utc(date!(2026 - 03 - 29), 1, 0), 0, 3600, "BST", true),
                (utc(date!(2026 - 10 - 25), 1, 0), 3600, 0, "GMT", false),
                (utc(date!(2027 - 03 - 28), 1, 0), 0, 3600, "BST", true),
            ]
        );
        let fixed = AreaZone { name: "UTC".into(), tz: TimeZone::UTC, tzif: None };
        assert!(fixed.transitions(0, 2_000_000_000).is_empty());
    }
}

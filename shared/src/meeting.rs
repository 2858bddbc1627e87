//! Meetings: their life from scheduled to final minutes, recurring schedules, the agenda's
//! suggested order, attendance, minute entries, actions and the calendar file. Pure rules only.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use crate::time_zone::{area_zone, AreaZone, LocalTimeProblem};

/// Where a meeting is in its life. Each step follows the one before; none goes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    /// Scheduled; the coordinator builds the agenda.
    Scheduled,
    /// The agenda is out: invited agencies research their cases.
    AgendaPublished,
    /// The meeting is being held.
    InProgress,
    /// Held; the minutes are being finished.
    MinutesDraft,
    /// The chair finalised the minutes; they are locked (amendments only).
    MinutesFinal,
}

impl MeetingStatus {
    /// Every status, in order.
    pub const ALL: [MeetingStatus; 5] = [
        MeetingStatus::Scheduled,
        MeetingStatus::AgendaPublished,
        MeetingStatus::InProgress,
        MeetingStatus::MinutesDraft,
        MeetingStatus::MinutesFinal,
    ];

    /// Stable stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingStatus::Scheduled => "scheduled",
            MeetingStatus::AgendaPublished => "agenda_published",
            MeetingStatus::InProgress => "in_progress",
            MeetingStatus::MinutesDraft => "minutes_draft",
            MeetingStatus::MinutesFinal => "minutes_final",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<MeetingStatus> {
        MeetingStatus::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            MeetingStatus::Scheduled => "Scheduled",
            MeetingStatus::AgendaPublished => "Agenda published",
            MeetingStatus::InProgress => "In progress",
            MeetingStatus::MinutesDraft => "Minutes in draft",
            MeetingStatus::MinutesFinal => "Minutes final",
        }
    }

    /// The next step, if any.
    pub fn next(self) -> Option<MeetingStatus> {
        MeetingStatus::ALL.into_iter().find(|m| *m > self)
    }

    /// Whether the agenda may still change.
    pub fn agenda_open(self) -> bool {
        matches!(self, MeetingStatus::Scheduled | MeetingStatus::AgendaPublished)
    }

    /// Whether invited agencies can see the agenda and record research.
    pub fn agenda_visible(self) -> bool {
        self >= MeetingStatus::AgendaPublished
    }

    /// Whether minutes may be written (not yet final).
    pub fn minutes_open(self) -> bool {
        matches!(self, MeetingStatus::InProgress | MeetingStatus::MinutesDraft)
    }
}

/// How far ahead, in days, the first meeting of a schedule may be.
pub const SCHEDULE_HORIZON_DAYS: i64 = 2 * 366;

/// What is wrong with `first` as the date of a schedule's first meeting, if anything: it must
/// be today or later, and within [`SCHEDULE_HORIZON_DAYS`].
pub fn first_date_problem(first: Date, today: Date) -> Option<&'static str> {
    if first < today {
        Some("Date of the first meeting must be today or later")
    } else if (first - today).whole_days() > SCHEDULE_HORIZON_DAYS {
        Some("Date of the first meeting must be within the next two years")
    } else {
        None
    }
}

/// The most meetings one schedule may create.
pub const MAX_RECURRING: u32 = 26;

/// Dates of a recurring schedule: `count` meetings from `first`, every `weeks` weeks. Dates
/// past the end of the calendar are left out rather than wrapping or failing.
pub fn recurring_dates(first: Date, weeks: u32, count: u32) -> Vec<Date> {
    let step = Duration::weeks(i64::from(weeks.max(1)));
    (0..count.min(MAX_RECURRING)).map_while(|i| first.checked_add(step * i as i32)).collect()
}

/// The start times (Unix seconds) of a recurring schedule whose meetings start at `hour:minute`
/// local time in `zone` on each of [`recurring_dates`]: a fortnightly 10:00 meeting stays at
/// 10:00 when the clocks change. A date on which that time does not exist (the clocks go
/// forward over it) is returned as the error, with what is wrong.
pub fn schedule_starts(zone: &AreaZone, first: Date, hour: u8, minute: u8, weeks: u32, count: u32) -> Result<Vec<i64>, (Date, &'static str)> {
    recurring_dates(first, weeks, count)
        .into_iter()
        .map(|day| {
            zone.instant(day, hour, minute).map_err(|p| match p {
                LocalTimeProblem::Skipped => (day, "The clocks go forward over that time on one of the dates: choose another start time"),
                LocalTimeProblem::Invalid => (day, "Enter the start time like 10:00"),
            })
        })
        .collect()
}

/// What the agenda's suggested order needs to know of a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgendaFacts {
    /// Children or vulnerable adults live in the household.
    pub has_household: bool,
    /// Where the coordinator placed it (lower first).
    pub position: i64,
}

/// The order MARACs hear cases in: cases with children first (children's agencies may leave after
/// them), then adult-only cases; within each group, the coordinator's order. Returns indices.
pub fn suggested_order(items: &[AgendaFacts]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| (!items[i].has_household, items[i].position));
    order
}

/// Whether a person was at the meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    /// Present.
    Present,
    /// Sent apologies.
    Apologies,
    /// Absent without apologies.
    Absent,
}

impl Attendance {
    /// Every state.
    pub const ALL: [Attendance; 3] = [Attendance::Present, Attendance::Apologies, Attendance::Absent];

    /// Stable stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Attendance::Present => "present",
            Attendance::Apologies => "apologies",
            Attendance::Absent => "absent",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Attendance> {
        Attendance::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Attendance::Present => "Present",
            Attendance::Apologies => "Sent apologies",
            Attendance::Absent => "Absent",
        }
    }
}

/// A minuted point or a piece of research: fact or opinion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Something on record.
    Fact,
    /// Someone's professional view.
    Opinion,
}

impl EntryKind {
    /// Both kinds.
    pub const ALL: [EntryKind; 2] = [EntryKind::Fact, EntryKind::Opinion];

    /// Stable stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Fact => "fact",
            EntryKind::Opinion => "opinion",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The marking shown beside the entry.
    pub fn label(self) -> &'static str {
        match self {
            EntryKind::Fact => "FACT",
            EntryKind::Opinion => "OPINION",
        }
    }
}

/// Where an action stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// Agreed, not started.
    Open,
    /// Under way.
    InProgress,
    /// Done.
    Done,
    /// Cannot be done (a reason is required).
    NotAchievable,
}

impl ActionStatus {
    /// Every status.
    pub const ALL: [ActionStatus; 4] = [ActionStatus::Open, ActionStatus::InProgress, ActionStatus::Done, ActionStatus::NotAchievable];

    /// Stable stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Done => "done",
            ActionStatus::NotAchievable => "not_achievable",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<ActionStatus> {
        ActionStatus::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::Open => "Open",
            ActionStatus::InProgress => "In progress",
            ActionStatus::Done => "Done",
            ActionStatus::NotAchievable => "Not achievable",
        }
    }

    /// Whether the action still needs doing.
    pub fn is_outstanding(self) -> bool {
        matches!(self, ActionStatus::Open | ActionStatus::InProgress)
    }

    /// What must be said when an action is given this status, if a note is required: closing an
    /// action (done, or not achievable) is minuted with what happened, or why not.
    pub fn note_required(self) -> Option<&'static str> {
        match self {
            ActionStatus::Done => Some("Say what was done"),
            ActionStatus::NotAchievable => Some("Say why the action cannot be achieved"),
            ActionStatus::Open | ActionStatus::InProgress => None,
        }
    }
}

/// Whether an action is overdue on `today`: outstanding and its due date has passed.
pub fn is_overdue(status: ActionStatus, due: Date, today: Date) -> bool {
    status.is_outstanding() && due < today
}

/// Escapes text for an iCalendar value (RFC 5545, 3.3.11).
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets without splitting a character (RFC 5545, 3.1).
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

fn ics_instant(secs: i64) -> String {
    OffsetDateTime::from_unix_timestamp(secs)
        .map(|t| format!("{:04}{:02}{:02}T{:02}{:02}{:02}Z", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second()))
        .unwrap_or_default()
}

/// An instant as local time at a fixed offset, for iCalendar (`20261208T100000`).
fn ics_local(secs: i64, offset_secs: i32) -> String {
    ics_instant(secs.saturating_add(i64::from(offset_secs))).trim_end_matches('Z').to_string()
}

/// An offset for iCalendar: `+0100`, `-0330`, `+053328` when it has seconds.
fn ics_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, (a / 60) % 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

/// The VTIMEZONE of `zone` for an event from `start` to `end` (RFC 5545, 3.6.5): each change
/// of offset from the one in force at the start to a year after the end, so that calendars
/// need no rules of their own.
fn vtimezone(zone: &AreaZone, start: i64, end: i64) -> Vec<String> {
    let mut lines = vec!["BEGIN:VTIMEZONE".to_string(), format!("TZID:{}", ics_text(zone.name()))];
    let transitions = zone.transitions(start, end.saturating_add(366 * 86_400));
    if transitions.is_empty() {
        let offset = ics_offset(zone.offset_at(start));
        let name = zone.local(start).map(|l| l.abbreviation).unwrap_or_default();
        lines.extend([
            "BEGIN:STANDARD".to_string(),
            "DTSTART:19700101T000000".to_string(),
            format!("TZOFFSETFROM:{offset}"),
            format!("TZOFFSETTO:{offset}"),
            format!("TZNAME:{}", ics_text(&name)),
            "END:STANDARD".to_string(),
        ]);
    }
    for t in transitions {
        let kind = if t.daylight { "DAYLIGHT" } else { "STANDARD" };
        lines.extend([
            format!("BEGIN:{kind}"),
            format!("DTSTART:{}", ics_local(t.at, t.offset_before)),
            format!("TZOFFSETFROM:{}", ics_offset(t.offset_before)),
            format!("TZOFFSETTO:{}", ics_offset(t.offset_after)),
            format!("TZNAME:{}", ics_text(&t.abbreviation)),
            format!("END:{kind}"),
        ]);
    }
    lines.push("END:VTIMEZONE".to_string());
    lines
}

/// A calendar file for one meeting, in the area's time zone (see [`calendar_file_in`]).
pub fn calendar_file(uid: &str, starts_at: i64, minutes: i64, place: &str, stamp: i64) -> String {
    calendar_file_in(area_zone(), uid, starts_at, minutes, place, stamp)
}

/// A calendar file for one meeting, its times local to `zone` with that zone's TZID and
/// VTIMEZONE. It names the meeting, the time and the place only: never a case, a person or
/// anything said at it.
pub fn calendar_file_in(zone: &AreaZone, uid: &str, starts_at: i64, minutes: i64, place: &str, stamp: i64) -> String {
    let ends_at = starts_at.saturating_add(minutes.saturating_mul(60));
    let tzid = ics_text(zone.name());
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//Roundtable//MARAC//EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
    ];
    lines.extend(vtimezone(zone, starts_at, ends_at));
    lines.extend([
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}@roundtable", ics_text(uid)),
        format!("DTSTAMP:{}", ics_instant(stamp)),
        format!("DTSTART;TZID={tzid}:{}", ics_local(starts_at, zone.offset_at(starts_at))),
        format!("DTEND;TZID={tzid}:{}", ics_local(ends_at, zone.offset_at(ends_at))),
        "SUMMARY:MARAC meeting".to_string(),
        format!("LOCATION:{}", ics_text(place)),
        "CLASS:CONFIDENTIAL".to_string(),
        "END:VEVENT".to_string(),
        "END:VCALENDAR".to_string(),
    ]);
    lines.iter().map(|l| fold(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn statuses_only_move_forward() {
        assert_eq!(MeetingStatus::Scheduled.next(), Some(MeetingStatus::AgendaPublished));
        assert_eq!(MeetingStatus::MinutesDraft.next(), Some(MeetingStatus::MinutesFinal));
        assert_eq!(MeetingStatus::MinutesFinal.next(), None);
        assert!(MeetingStatus::AgendaPublished.agenda_open() && !MeetingStatus::InProgress.agenda_open());
        assert!(!MeetingStatus::Scheduled.agenda_visible() && MeetingStatus::InProgress.agenda_visible());
        assert!(MeetingStatus::InProgress.minutes_open() && !MeetingStatus::MinutesFinal.minutes_open());
        for s in MeetingStatus::ALL {
            assert_eq!(MeetingStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn a_fortnightly_schedule_and_its_limit() {
        let dates = recurring_dates(date!(2026 - 12 - 08), 2, 3);
        assert_eq!(dates, vec![date!(2026 - 12 - 08), date!(2026 - 12 - 22), date!(2027 - 01 - 05)]);
        assert_eq!(recurring_dates(date!(2026 - 12 - 08), 2, 1000).len(), MAX_RECURRING as usize);
        assert_eq!(recurring_dates(date!(2026 - 12 - 08), 0, 2)[1], date!(2026 - 12 - 15), "at least weekly");
        assert_eq!(recurring_dates(Date::MAX, 2, 3), vec![Date::MAX], "no date past the end of the calendar");
        let today = date!(2026 - 11 - 27);
        assert!(first_date_problem(date!(2026 - 11 - 26), today).is_some());
        assert_eq!(first_date_problem(today, today), None);
        assert_eq!(first_date_problem(today + Duration::days(SCHEDULE_HORIZON_DAYS), today), None);
        assert!(first_date_problem(today + Duration::days(SCHEDULE_HORIZON_DAYS + 1), today).is_some());
    }

    #[test]
    fn cases_with_children_come_first_in_the_coordinators_order() {
        let items = [
            AgendaFacts { has_household: false, position: 1 },
            AgendaFacts { has_household: true, position: 3 },
            AgendaFacts { has_household: false, position: 2 },
            AgendaFacts { has_household: true, position: 4 },
        ];
        assert_eq!(suggested_order(&items), vec![1, 3, 0, 2]);
    }

    #[test]
    fn overdue_means_outstanding_and_past_due() {
        let due = date!(2026 - 11 - 20);
        assert!(is_overdue(ActionStatus::Open, due, date!(2026 - 11 - 21)));
        assert!(!is_overdue(ActionStatus::Open, due, due), "due today is not overdue");
        assert!(!is_overdue(ActionStatus::Done, due, date!(2026 - 12 - 01)));
        assert!(!is_overdue(ActionStatus::NotAchievable, due, date!(2026 - 12 - 01)));
        assert!(ActionStatus::Done.note_required().is_some() && ActionStatus::NotAchievable.note_required().is_some());
        assert!(ActionStatus::Open.note_required().is_none() && ActionStatus::InProgress.note_required().is_none());
        assert!(is_overdue(ActionStatus::InProgress, due, date!(2026 - 12 - 01)));
    }

    #[test]
    fn the_calendar_file_holds_time_and_place_only() {
        let ics = calendar_file_in(&AreaZone::london(), "m1", 1_796_724_000, 180, "Wyvern House, Room 2; floor 1", 1_796_000_000);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("SUMMARY:MARAC meeting\r\n"));
        assert!(ics.contains("LOCATION:Wyvern House\\, Room 2\\; floor 1\r\n"));
        assert!(ics.contains("DTSTART;TZID=Europe/London:20261208T100000\r\n"), "{ics}");
        assert!(ics.contains("DTEND;TZID=Europe/London:20261208T130000\r\n"));
        assert!(ics.contains("DTSTAMP:20261130T005320Z\r\n"), "the stamp stays in UTC: {ics}");
        assert!(ics.split("\r\n").all(|l| l.len() <= 75), "lines are folded");
    }

    #[test]
    fn the_calendar_file_says_which_zone_and_its_summer_time() {
        // 9 June 2026, 10:00 BST (09:00 UTC).
        let ics = calendar_file_in(&AreaZone::london(), "m2", 1_780_995_600, 180, "Wyvern House", 1_780_000_000);
        assert!(ics.contains("DTSTART;TZID=Europe/London:20260609T100000\r\n"), "{ics}");
        assert!(ics.contains("DTEND;TZID=Europe/London:20260609T130000\r\n"), "{ics}");
        let zone = &ics[ics.find("BEGIN:VTIMEZONE").unwrap_or(0)..ics.find("END:VTIMEZONE").unwrap_or(0)];
        assert!(zone.contains("TZID:Europe/London\r\n"), "{zone}");
        // In force at the start: summer time since 29 March 2026, 01:00 GMT.
        assert!(
            zone.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260329T010000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nTZNAME:BST\r\nEND:DAYLIGHT"),
            "{zone}"
        );
        // Then back to GMT on 25 October 2026 at 02:00 BST.
        assert!(
            zone.contains("BEGIN:STANDARD\r\nDTSTART:20261025T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nTZNAME:GMT\r\nEND:STANDARD"),
            "{zone}"
        );
    }

    #[test]
    fn offsets_are_written_as_icalendar_wants() {
        assert_eq!(ics_offset(3600), "+0100");
        assert_eq!(ics_offset(0), "+0000");
        assert_eq!(ics_offset(-12_600), "-0330");
        assert_eq!(ics_offset(-75), "-000115");
    }

    #[test]
    fn a_fortnightly_series_keeps_its_local_time_across_the_clock_changes() {
        let london = AreaZone::london();
        // From 17 March 2026 at 10:00: the third meeting (14 April) is in summer time.
        let starts = schedule_starts(&london, date!(2026 - 03 - 17), 10, 0, 2, 3).expect("all exist");
        let utc: Vec<String> = starts.iter().map(|s| ics_instant(*s)).collect();
        assert_eq!(utc, ["20260317T100000Z", "20260331T090000Z", "20260414T090000Z"]);
        for s in &starts {
            assert_eq!(crate::display::instant_in(&london, *s).split(", ").nth(1).map(|t| &t[..5]), Some("10:00"));
        }
        // And back again in October (25 October 2026 is the last Sunday).
        let autumn = schedule_starts(&london, date!(2026 - 10 - 20), 10, 0, 2, 2).expect("all exist");
        assert_eq!(autumn.iter().map(|s| ics_instant(*s)).collect::<Vec<_>>(), ["20261020T090000Z", "20261103T100000Z"]);
        // A weekly Sunday series at 01:30 meets the hour that never happens.
        let skipped = schedule_starts(&london, date!(2026 - 03 - 22), 1, 30, 1, 2);
        assert_eq!(skipped.map_err(|(day, _)| day), Err(date!(2026 - 03 - 29)));
    }

    #[test]
    fn long_lines_fold_without_splitting_characters() {
        let folded = fold(&format!("LOCATION:{}", "é".repeat(60)));
        assert!(folded.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(folded.replace("\r\n ", "").trim_end(), format!("LOCATION:{}", "é".repeat(60)));
    }
}

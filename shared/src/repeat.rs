//! The MARAC repeat rule and ranking of possible earlier cases for the same victim.
//!
//! A referral is a repeat when the same victim had a case heard at a MARAC within the
//! 12 months before the new incident. The window is inclusive at both ends: a hearing
//! on or after the same calendar day 12 months before the incident, and on or before
//! the incident date, makes the referral a repeat. For an incident on 29 February the
//! window starts on 28 February of the year before. A hearing after the incident date
//! does not count (it was already a hearing about this or a later incident).
//!
//! Matching only ranks candidates; the coordinator confirms or rejects each one.

use serde::{Deserialize, Serialize};
use time::Date;

/// The same calendar day `months` months earlier, clamped to the end of a shorter month
/// (so 29 February goes to 28 February). Saturates at [`Date::MIN`].
fn months_before(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1;
    let target = total - i32::try_from(months).unwrap_or(i32::MAX / 2);
    let (year, month_index) = (target.div_euclid(12), target.rem_euclid(12));
    let month = u8::try_from(month_index + 1).ok().and_then(|m| time::Month::try_from(m).ok());
    let Some(month) = month else {
        return Date::MIN;
    };
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
}

/// The first day of the repeat window: the same calendar day 12 months before the
/// incident (29 February -> 28 February).
pub fn repeat_window_start(incident: Date) -> Date {
    months_before(incident, 12)
}

/// Whether a hearing on `last_heard` makes a referral for `new_incident` a repeat:
/// `repeat_window_start(new_incident) <= last_heard <= new_incident`.
pub fn is_within_repeat_window(last_heard: Date, new_incident: Date) -> bool {
    repeat_window_start(new_incident) <= last_heard && last_heard <= new_incident
}

/// An earlier MARAC hearing of a case for (possibly) the same victim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorHearing {
    /// The earlier case's identifier.
    pub case_id: String,
    /// The date that case was heard at MARAC.
    pub heard_on: Date,
}

/// The latest hearing inside the repeat window for `incident`, if any. On equal dates
/// the first in `prior` wins.
pub fn most_recent_in_window(prior: &[PriorHearing], incident: Date) -> Option<&PriorHearing> {
    prior.iter().filter(|p| is_within_repeat_window(p.heard_on, incident)).fold(None, |best: Option<&PriorHearing>, p| match best {
        Some(b) if b.heard_on >= p.heard_on => Some(b),
        _ => Some(p),
    })
}

/// What is known about a person for matching: normalised name keys (see
/// `names::name_keys`) and date of birth, if known.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PersonKey {
    /// Normalised name keys; empty keys are ignored.
    pub name_keys: Vec<String>,
    /// Date of birth, if known.
    pub date_of_birth: Option<Date>,
}

/// How strongly two person keys suggest the same person. Declared strongest first, so
/// sorting ascending puts the strongest candidates first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchStrength {
    /// A name key is equal and both dates of birth are known and equal.
    Strong,
    /// A name key is equal and at least one date of birth is unknown.
    NameOnly,
    /// Both dates of birth are known and equal, no full key is equal, but the last word
    /// of a key (usually the surname) is equal.
    DobAndSurname,
}

impl MatchStrength {
    /// Stable string form: "strong", "name_only" or "dob_and_surname".
    pub fn as_str(self) -> &'static str {
        match self {
            MatchStrength::Strong => "strong",
            MatchStrength::NameOnly => "name_only",
            MatchStrength::DobAndSurname => "dob_and_surname",
        }
    }
}

fn last_words(keys: &[String]) -> impl Iterator<Item = &str> {
    keys.iter().filter_map(|k| k.split(' ').rev().find(|w| !w.is_empty()))
}

/// How strongly `a` and `b` look like the same person, or `None` for no candidate.
///
/// Known, different dates of birth always give `None`, even with equal names. Because
/// keys include word-sorted forms, the "last word" can also be an alphabetically last
/// forename; that is acceptable for a ranking a person confirms.
pub fn match_strength(a: &PersonKey, b: &PersonKey) -> Option<MatchStrength> {
    let name_equal = a.name_keys.iter().any(|k| !k.is_empty() && b.name_keys.contains(k));
    match (a.date_of_birth, b.date_of_birth) {
        (Some(x), Some(y)) if x != y => None,
        (Some(_), Some(_)) if name_equal => Some(MatchStrength::Strong),
        (Some(_), Some(_)) => {
            let theirs: Vec<&str> = last_words(&b.name_keys).collect();
            let surname_equal = last_words(&a.name_keys).any(|w| theirs.contains(&w));
            surname_equal.then_some(MatchStrength::DobAndSurname)
        }
        _ => name_equal.then_some(MatchStrength::NameOnly),
    }
}

/// Indices of `candidates` that may be `person`, with their strength, strongest first
/// (ties keep input order).
pub fn rank_candidates(person: &PersonKey, candidates: &[PersonKey]) -> Vec<(usize, MatchStrength)> {
    let mut ranked: Vec<(usize, MatchStrength)> =
        candidates.iter().enumerate().filter_map(|(i, c)| match_strength(person, c).map(|s| (i, s))).collect();
    ranked.sort_by_key(|(_, s)| *s);
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn hearing(id: &str, heard_on: Date) -> PriorHearing {
        PriorHearing { case_id: id.to_string(), heard_on }
    }

    fn person(keys: &[&str], dob: Option<Date>) -> PersonKey {
        let name_keys = keys.iter().map(|k| k.to_string()).collect();
        PersonKey { name_keys, date_of_birth: dob }
    }

    #[test]
    fn window_start_is_same_day_a_year_before() {
        assert_eq!(repeat_window_start(date!(2026 - 06 - 15)), date!(2025 - 06 - 15));
        assert_eq!(repeat_window_start(date!(2026 - 01 - 01)), date!(2025 - 01 - 01));
        assert_eq!(repeat_window_start(date!(2024 - 02 - 29)), date!(2023 - 02 - 28));
        assert_eq!(repeat_window_start(date!(2025 - 02 - 28)), date!(2024 - 02 - 28));
        assert_eq!(repeat_window_start(date!(2025 - 03 - 01)), date!(2024 - 03 - 01));
        assert_eq!(repeat_window_start(date!(2025 - 12 - 31)), date!(2024 - 12 - 31));
        assert_eq!(months_before(date!(2026 - 03 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(months_before(date!(2026 - 01 - 15), 13), date!(2024 - 12 - 15));
        assert_eq!(repeat_window_start(Date::MIN), Date::MIN);
    }

    #[test]
    fn window_boundaries_inclusive() {
        let incident = date!(2026 - 06 - 15);
        assert!(is_within_repeat_window(date!(2025 - 06 - 15), incident));
        assert!(!is_within_repeat_window(date!(2025 - 06 - 14), incident));
        assert!(is_within_repeat_window(incident, incident));
        assert!(!is_within_repeat_window(date!(2026 - 06 - 16), incident));
    }

    #[test]
    fn window_around_leap_day() {
        // Incident on 29 Feb: window opens 28 Feb of the year before.
        assert!(is_within_repeat_window(date!(2023 - 02 - 28), date!(2024 - 02 - 29)));
        assert!(!is_within_repeat_window(date!(2023 - 02 - 27), date!(2024 - 02 - 29)));
        // Hearing on 29 Feb: a repeat for incidents up to 28 Feb next year, not 1 March.
        assert!(is_within_repeat_window(date!(2024 - 02 - 29), date!(2025 - 02 - 28)));
        assert!(!is_within_repeat_window(date!(2024 - 02 - 29), date!(2025 - 03 - 01)));
        // 1 March 2024 opens the window for an incident on 1 March 2025 (365 days).
        assert!(is_within_repeat_window(date!(2024 - 03 - 01), date!(2025 - 03 - 01)));
        // 1 March 2023 to 1 March 2024 is 366 days, still the same calendar day.
        assert!(is_within_repeat_window(date!(2023 - 03 - 01), date!(2024 - 03 - 01)));
    }

    #[test]
    fn most_recent_hearing_in_window() {
        let incident = date!(2026 - 04 - 10);
        let prior = vec![
            hearing("CASE-OLD", date!(2025 - 04 - 09)),
            hearing("CASE-A", date!(2025 - 09 - 01)),
            hearing("CASE-FUTURE", date!(2026 - 04 - 11)),
            hearing("CASE-B", date!(2026 - 01 - 20)),
            hearing("CASE-B2", date!(2026 - 01 - 20)),
        ];
        let found = most_recent_in_window(&prior, incident).map(|p| p.case_id.as_str());
        assert_eq!(found, Some("CASE-B"));
        assert!(most_recent_in_window(&prior[..1], incident).is_none());
        assert!(most_recent_in_window(&[], incident).is_none());
        let edge = [hearing("CASE-EDGE", date!(2025 - 04 - 10))];
        assert!(most_recent_in_window(&edge, incident).is_some());
    }

    #[test]
    fn match_strengths() {
        let dob = Some(date!(1990 - 05 - 17));
        let anna = person(&["anna smith", "smith anna"], dob);
        let same = person(&["smith anna"], dob);
        assert_eq!(match_strength(&anna, &same), Some(MatchStrength::Strong));
        let no_dob = person(&["anna smith"], None);
        assert_eq!(match_strength(&anna, &no_dob), Some(MatchStrength::NameOnly));
        assert_eq!(match_strength(&no_dob, &no_dob), Some(MatchStrength::NameOnly));
        let other_dob = person(&["anna smith"], Some(date!(1991 - 05 - 17)));
        assert_eq!(match_strength(&anna, &other_dob), None);
        let sister = person(&["jo smith"], dob);
        assert_eq!(match_strength(&anna, &sister), Some(MatchStrength::DobAndSurname));
        // Same surname but a date of birth is missing: not a candidate.
        assert_eq!(match_strength(&no_dob, &person(&["jo smith"], None)), None);
        assert_eq!(match_strength(&anna, &person(&["jo brown"], dob)), None);
        // Empty keys never match.
        assert_eq!(match_strength(&person(&[""], None), &person(&[""], None)), None);
        assert_eq!(match_strength(&person(&[], dob), &person(&[], dob)), None);
    }

    #[test]
    fn ranking_puts_strongest_first() {
        let dob = Some(date!(1985 - 11 - 02));
        let me = person(&["lena ortiz"], dob);
        let candidates = vec![
            person(&["rosa ortiz"], dob),
            person(&["lena ortiz"], None),
            person(&["lena ortiz"], Some(date!(1985 - 11 - 03))),
            person(&["lena ortiz"], dob),
        ];
        let ranked = rank_candidates(&me, &candidates);
        use MatchStrength::*;
        assert_eq!(ranked, vec![(3, Strong), (1, NameOnly), (0, DobAndSurname)]);
        assert_eq!(DobAndSurname.as_str(), "dob_and_surname");
    }
}

//! What the chair is told before finalising a meeting's minutes: which cases have nothing
//! minuted (finalising is refused until each has something, if only the decision to defer it),
//! which have no decision, and which actions name nobody. Pure rules only.

use serde::{Deserialize, Serialize};

/// What was minuted for one case on the agenda.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseMinuted {
    /// The case.
    pub case_id: String,
    /// Its reference, e.g. `C-2026-00003`.
    pub reference: String,
    /// Minute entries recorded.
    pub entries: usize,
    /// Risks were written down.
    pub risks: bool,
    /// A decision was written down.
    pub decision: bool,
    /// Actions agreed at this meeting.
    pub actions: usize,
    /// Of those, actions with no named person.
    pub unnamed_actions: usize,
}

impl CaseMinuted {
    /// Nothing at all was minuted: no entry, no risks, no decision, no action.
    pub fn is_blank(&self) -> bool {
        self.entries == 0 && !self.risks && !self.decision && self.actions == 0
    }
}

/// The summary shown before finalising.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinaliseCheck {
    /// Cases with nothing minuted: finalising waits for these.
    pub blank: Vec<CaseMinuted>,
    /// Cases with minutes but no decision (a reminder, not a bar).
    pub undecided: Vec<CaseMinuted>,
    /// Actions agreed with no named person, across the meeting (a reminder, not a bar).
    pub unnamed_actions: usize,
    /// Cases on the agenda.
    pub cases: usize,
}

impl FinaliseCheck {
    /// Whether the minutes may be finalised now.
    pub fn ready(&self) -> bool {
        self.blank.is_empty()
    }

    /// Why finalising is refused, in one sentence, or `None` when it may go ahead.
    pub fn refusal(&self) -> Option<String> {
        (!self.ready()).then(|| {
            let refs: Vec<&str> = self.blank.iter().map(|c| c.reference.as_str()).collect();
            format!(
                "Nothing is minuted yet for {}. Record what was said or the decision (for example that the case was deferred) before finalising.",
                refs.join(", ")
            )
        })
    }
}

/// The summary for a meeting whose agenda cases were minuted as `cases` (in agenda order).
pub fn finalise_check(cases: Vec<CaseMinuted>) -> FinaliseCheck {
    let total = cases.len();
    let unnamed_actions = cases.iter().map(|c| c.unnamed_actions).sum();
    let (blank, minuted): (Vec<_>, Vec<_>) = cases.into_iter().partition(CaseMinuted::is_blank);
    let undecided = minuted.into_iter().filter(|c| !c.decision).collect();
    FinaliseCheck { blank, undecided, unnamed_actions, cases: total }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(reference: &str) -> CaseMinuted {
        CaseMinuted { case_id: reference.to_lowercase(), reference: reference.into(), ..CaseMinuted::default() }
    }

    #[test]
    fn a_case_with_nothing_minuted_holds_finalising_back() {
        let check = finalise_check(vec![CaseMinuted { entries: 2, decision: true, ..case("C-1") }, case("C-2")]);
        assert!(!check.ready());
        assert_eq!(check.blank.iter().map(|c| c.reference.as_str()).collect::<Vec<_>>(), ["C-2"]);
        assert!(check.refusal().is_some_and(|r| r.contains("C-2") && !r.contains("C-1")));
        assert_eq!(check.cases, 2);
    }

    #[test]
    fn any_one_thing_minuted_is_enough() {
        for minuted in [
            CaseMinuted { entries: 1, ..case("C-1") },
            CaseMinuted { risks: true, ..case("C-1") },
            CaseMinuted { decision: true, ..case("C-1") },
            CaseMinuted { actions: 1, ..case("C-1") },
        ] {
            let check = finalise_check(vec![minuted]);
            assert!(check.ready() && check.refusal().is_none());
        }
    }

    #[test]
    fn missing_decisions_and_unnamed_actions_are_reminders() {
        let check = finalise_check(vec![
            CaseMinuted { entries: 1, actions: 2, unnamed_actions: 1, ..case("C-1") },
            CaseMinuted { decision: true, actions: 1, unnamed_actions: 1, ..case("C-2") },
        ]);
        assert!(check.ready());
        assert_eq!(check.undecided.iter().map(|c| c.reference.as_str()).collect::<Vec<_>>(), ["C-1"]);
        assert_eq!(check.unnamed_actions, 2);
    }

    #[test]
    fn an_empty_agenda_may_be_finalised() {
        assert!(finalise_check(Vec::new()).ready());
    }
}

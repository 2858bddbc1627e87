//! The parts a case is made of, as far as who may see them is concerned, and sets of them.
//!
//! Every page, document and list that shows anything of a case shows only the parts the
//! exposure policy ([`super::exposure::grant`]) grants; a part not granted is left out entirely.

use serde::{Deserialize, Serialize};

/// One part of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// The victim's name, other names and date of birth.
    VictimIdentity,
    /// The victim's address.
    VictimAddress,
    /// The victim's gender, ethnicity, disability, orientation, language and interpreter need.
    VictimProfile,
    /// The victim's safe contact details and safe times to call.
    VictimContact,
    /// Perpetrators' names, other names, dates of birth, gender and relationship.
    Perpetrators,
    /// Perpetrators' addresses.
    PerpetratorAddress,
    /// Children and other household members: name, date of birth, relationship, school or agency.
    Household,
    /// Why the case was referred: criteria, DASH score, police call-outs, the referrer's summary.
    Referral,
    /// The DASH checklist's answers, question by question.
    DashAnswers,
    /// Consent and the lawful basis for sharing; who referred.
    Consent,
    /// The research the actor's own agency recorded.
    OwnResearch,
    /// Every agency's research.
    Research,
    /// What was said at the meeting (minute entries).
    Discussion,
    /// Risks identified, the decision, and amendments to them.
    Outcome,
    /// Actions: description, owner, due date, status and updates.
    Actions,
    /// Which agencies work with the case, and its IDVA.
    Agencies,
    /// Every referral in the case's history, with the referring agency.
    History,
}

impl Part {
    /// Every part, in the order tables show them.
    pub const ALL: [Part; 17] = [
        Part::VictimIdentity,
        Part::VictimAddress,
        Part::VictimProfile,
        Part::VictimContact,
        Part::Perpetrators,
        Part::PerpetratorAddress,
        Part::Household,
        Part::Referral,
        Part::DashAnswers,
        Part::Consent,
        Part::OwnResearch,
        Part::Research,
        Part::Discussion,
        Part::Outcome,
        Part::Actions,
        Part::Agencies,
        Part::History,
    ];

    const fn bit(self) -> u32 {
        1 << (self as u32)
    }

    /// A short name, for audit rows and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::VictimIdentity => "victim_identity",
            Part::VictimAddress => "victim_address",
            Part::VictimProfile => "victim_profile",
            Part::VictimContact => "victim_contact",
            Part::Perpetrators => "perpetrators",
            Part::PerpetratorAddress => "perpetrator_address",
            Part::Household => "household",
            Part::Referral => "referral",
            Part::DashAnswers => "dash_answers",
            Part::Consent => "consent",
            Part::OwnResearch => "own_research",
            Part::Research => "research",
            Part::Discussion => "discussion",
            Part::Outcome => "outcome",
            Part::Actions => "actions",
            Part::Agencies => "agencies",
            Part::History => "history",
        }
    }

    /// Words for people, short enough for a table.
    pub fn label(self) -> &'static str {
        match self {
            Part::VictimIdentity => "victim's name and date of birth",
            Part::VictimAddress => "victim's address",
            Part::VictimProfile => "victim's equality data",
            Part::VictimContact => "victim's safe contact details",
            Part::Perpetrators => "perpetrators",
            Part::PerpetratorAddress => "perpetrators' addresses",
            Part::Household => "children and household",
            Part::Referral => "referral (criteria, DASH score, summary)",
            Part::DashAnswers => "DASH answers",
            Part::Consent => "consent and referrer",
            Part::OwnResearch => "own agency's research",
            Part::Research => "every agency's research",
            Part::Discussion => "discussion",
            Part::Outcome => "risks and decision",
            Part::Actions => "actions",
            Part::Agencies => "agencies involved and IDVA",
            Part::History => "referral history",
        }
    }
}

/// A set of parts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Parts(u32);

impl Parts {
    /// No part.
    pub const NONE: Parts = Parts(0);

    /// Every part.
    pub const ALL: Parts = Parts((1 << Part::ALL.len()) - 1);

    /// The parts listed.
    pub const fn of(parts: &[Part]) -> Parts {
        let mut set = Parts::NONE;
        let mut i = 0;
        while i < parts.len() {
            set = set.with(parts[i]);
            i += 1;
        }
        set
    }

    /// This set and `part`.
    pub const fn with(self, part: Part) -> Parts {
        Parts(self.0 | part.bit())
    }

    /// This set without `part`.
    pub const fn without(self, part: Part) -> Parts {
        Parts(self.0 & !part.bit())
    }

    /// Whether `part` is in the set.
    pub const fn has(self, part: Part) -> bool {
        self.0 & part.bit() != 0
    }

    /// Both sets together.
    pub const fn union(self, other: Parts) -> Parts {
        Parts(self.0 | other.0)
    }

    /// What both sets hold.
    pub const fn intersection(self, other: Parts) -> Parts {
        Parts(self.0 & other.0)
    }

    /// Whether every part of this set is in `other`.
    pub const fn is_subset(self, other: Parts) -> bool {
        self.0 & !other.0 == 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The parts in the set, in table order.
    pub fn iter(self) -> impl Iterator<Item = Part> {
        Part::ALL.into_iter().filter(move |p| self.has(*p))
    }

    /// The short names of the parts, comma-separated (for audit rows).
    pub fn names(self) -> String {
        self.iter().map(Part::as_str).collect::<Vec<_>>().join(",")
    }
}

impl FromIterator<Part> for Parts {
    fn from_iter<I: IntoIterator<Item = Part>>(iter: I) -> Self {
        iter.into_iter().fold(Parts::NONE, Parts::with)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_hold_what_was_put_in_and_nothing_else() {
        let set = Parts::of(&[Part::VictimIdentity, Part::Actions]);
        assert!(set.has(Part::VictimIdentity) && set.has(Part::Actions));
        assert!(!set.has(Part::VictimAddress) && !set.has(Part::History));
        assert_eq!(set.iter().collect::<Vec<_>>(), [Part::VictimIdentity, Part::Actions]);
        assert_eq!(set.without(Part::Actions), Parts::of(&[Part::VictimIdentity]));
        assert_eq!(set.names(), "victim_identity,actions");
    }

    #[test]
    fn all_holds_every_part() {
        assert!(Part::ALL.iter().all(|p| Parts::ALL.has(*p)));
        assert_eq!(Parts::ALL.iter().count(), Part::ALL.len());
        assert!(Parts::NONE.is_empty() && Parts::NONE.is_subset(Parts::ALL) && !Parts::ALL.is_subset(Parts::NONE));
    }

    #[test]
    fn parts_keep_their_bits_across_the_wire() {
        let set = Parts::of(&[Part::Household, Part::Outcome]);
        let json = serde_json::to_string(&set).unwrap_or_default();
        assert_eq!(serde_json::from_str::<Parts>(&json).ok(), Some(set));
    }
}

//! People's rights over case records: which details can be corrected (rectification) and who
//! sees a correction's history, why a record may be erased, and the decision on an objection.

use serde::{Deserialize, Serialize};

use crate::policy::parts::{Part, Parts};

/// A detail of a person in a case that can be corrected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonField {
    /// The victim's name.
    VictimName,
    /// The victim's date of birth.
    VictimDateOfBirth,
    /// The victim's address.
    VictimAddress,
    /// A perpetrator's name.
    PerpetratorName,
    /// A perpetrator's date of birth.
    PerpetratorDateOfBirth,
    /// A perpetrator's address.
    PerpetratorAddress,
    /// A household member's name.
    HouseholdName,
    /// A household member's date of birth.
    HouseholdDateOfBirth,
}

/// Which table holds the person a field belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonKind {
    /// The victim.
    Victim,
    /// A perpetrator.
    Perpetrator,
    /// A child or vulnerable adult in the household.
    Household,
}

impl PersonKind {
    /// Stable stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            PersonKind::Victim => "victim",
            PersonKind::Perpetrator => "perpetrator",
            PersonKind::Household => "household",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<PersonKind> {
        [PersonKind::Victim, PersonKind::Perpetrator, PersonKind::Household].into_iter().find(|k| k.as_str() == s)
    }

    /// The table holding such people.
    pub fn table(self) -> &'static str {
        match self {
            PersonKind::Victim => "victims",
            PersonKind::Perpetrator => "perpetrators",
            PersonKind::Household => "household_members",
        }
    }
}

impl PersonField {
    /// Every field, in the order forms offer them.
    pub const ALL: [PersonField; 8] = [
        PersonField::VictimName,
        PersonField::VictimDateOfBirth,
        PersonField::VictimAddress,
        PersonField::PerpetratorName,
        PersonField::PerpetratorDateOfBirth,
        PersonField::PerpetratorAddress,
        PersonField::HouseholdName,
        PersonField::HouseholdDateOfBirth,
    ];

    /// Stable stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            PersonField::VictimName => "victim_name",
            PersonField::VictimDateOfBirth => "victim_date_of_birth",
            PersonField::VictimAddress => "victim_address",
            PersonField::PerpetratorName => "perpetrator_name",
            PersonField::PerpetratorDateOfBirth => "perpetrator_date_of_birth",
            PersonField::PerpetratorAddress => "perpetrator_address",
            PersonField::HouseholdName => "household_name",
            PersonField::HouseholdDateOfBirth => "household_date_of_birth",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<PersonField> {
        PersonField::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            PersonField::VictimName => "Victim's name",
            PersonField::VictimDateOfBirth => "Victim's date of birth",
            PersonField::VictimAddress => "Victim's address",
            PersonField::PerpetratorName => "Perpetrator's name",
            PersonField::PerpetratorDateOfBirth => "Perpetrator's date of birth",
            PersonField::PerpetratorAddress => "Perpetrator's address",
            PersonField::HouseholdName => "Household member's name",
            PersonField::HouseholdDateOfBirth => "Household member's date of birth",
        }
    }

    /// Whose field it is.
    pub fn kind(self) -> PersonKind {
        match self {
            PersonField::VictimName | PersonField::VictimDateOfBirth | PersonField::VictimAddress => PersonKind::Victim,
            PersonField::PerpetratorName | PersonField::PerpetratorDateOfBirth | PersonField::PerpetratorAddress => PersonKind::Perpetrator,
            PersonField::HouseholdName | PersonField::HouseholdDateOfBirth => PersonKind::Household,
        }
    }

    /// The column holding it.
    pub fn column(self) -> &'static str {
        match self {
            PersonField::VictimName | PersonField::PerpetratorName | PersonField::HouseholdName => "name",
            PersonField::VictimDateOfBirth | PersonField::PerpetratorDateOfBirth | PersonField::HouseholdDateOfBirth => "date_of_birth",
            PersonField::VictimAddress | PersonField::PerpetratorAddress => "address",
        }
    }

    /// Whether the value is a date (checked and stored as ISO `YYYY-MM-DD`).
    pub fn is_date(self) -> bool {
        self.column() == "date_of_birth"
    }

    /// Whether a name may be left blank: names are required, other details may be cleared.
    pub fn required(self) -> bool {
        self.column() == "name"
    }

    /// Whether someone who may see `parts` of the case may see this field, and so its history:
    /// a correction never reveals an old value of a detail the reader may not see today.
    pub fn visible_with(self, parts: Parts) -> bool {
        match self {
            PersonField::VictimName | PersonField::VictimDateOfBirth => parts.has(Part::VictimIdentity),
            PersonField::VictimAddress => parts.has(Part::VictimAddress),
            PersonField::PerpetratorName | PersonField::PerpetratorDateOfBirth => parts.has(Part::Perpetrators),
            PersonField::PerpetratorAddress => parts.has(Part::Perpetrators) && parts.has(Part::PerpetratorAddress),
            PersonField::HouseholdName | PersonField::HouseholdDateOfBirth => parts.has(Part::Household),
        }
    }
}

/// Why a record is erased before its retention period ends. Stored and audited as a code, so
/// the audit row never carries free text about a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErasureGround {
    /// Recorded in error (for example a household member added to the wrong case).
    AddedInError,
    /// No longer necessary for the purpose it was shared for.
    NoLongerNecessary,
    /// An objection was upheld and there are no overriding grounds to keep it.
    ObjectionUpheld,
    /// It was processed unlawfully.
    UnlawfullyProcessed,
    /// Erasure is required by law or a court.
    LegalObligation,
}

impl ErasureGround {
    /// Every ground, in the order forms offer them.
    pub const ALL: [ErasureGround; 5] = [
        ErasureGround::AddedInError,
        ErasureGround::NoLongerNecessary,
        ErasureGround::ObjectionUpheld,
        ErasureGround::UnlawfullyProcessed,
        ErasureGround::LegalObligation,
    ];

    /// Stable stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ErasureGround::AddedInError => "added_in_error",
            ErasureGround::NoLongerNecessary => "no_longer_necessary",
            ErasureGround::ObjectionUpheld => "objection_upheld",
            ErasureGround::UnlawfullyProcessed => "unlawfully_processed",
            ErasureGround::LegalObligation => "legal_obligation",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<ErasureGround> {
        ErasureGround::ALL.into_iter().find(|g| g.as_str() == s)
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            ErasureGround::AddedInError => "Recorded in error",
            ErasureGround::NoLongerNecessary => "No longer necessary for the purpose it was shared for",
            ErasureGround::ObjectionUpheld => "An objection was upheld",
            ErasureGround::UnlawfullyProcessed => "Processed unlawfully",
            ErasureGround::LegalObligation => "Required by law or a court",
        }
    }
}

/// The DPO's decision on an objection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionDecision {
    /// Not decided yet.
    Pending,
    /// Upheld: the processing objected to stops.
    Upheld,
    /// Not upheld: compelling grounds to continue.
    NotUpheld,
}

impl ObjectionDecision {
    /// Stable stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectionDecision::Pending => "pending",
            ObjectionDecision::Upheld => "upheld",
            ObjectionDecision::NotUpheld => "not_upheld",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<ObjectionDecision> {
        [ObjectionDecision::Pending, ObjectionDecision::Upheld, ObjectionDecision::NotUpheld].into_iter().find(|d| d.as_str() == s)
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            ObjectionDecision::Pending => "Awaiting decision",
            ObjectionDecision::Upheld => "Upheld",
            ObjectionDecision::NotUpheld => "Not upheld",
        }
    }

    /// Whether a decision has been made (a decided objection needs reasoning and a date).
    pub fn is_decided(self) -> bool {
        self != ObjectionDecision::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_forms_round_trip() {
        for f in PersonField::ALL {
            assert_eq!(PersonField::parse(f.as_str()), Some(f));
            assert_eq!(PersonKind::parse(f.kind().as_str()), Some(f.kind()));
        }
        for g in ErasureGround::ALL {
            assert_eq!(ErasureGround::parse(g.as_str()), Some(g));
        }
        for d in [ObjectionDecision::Pending, ObjectionDecision::Upheld, ObjectionDecision::NotUpheld] {
            assert_eq!(ObjectionDecision::parse(d.as_str()), Some(d));
        }
        assert_eq!(PersonField::parse("victim_safe_contact"), None);
        assert!(!ObjectionDecision::Pending.is_decided() && ObjectionDecision::NotUpheld.is_decided());
    }

    #[test]
    fn columns_are_fixed_names() {
        for f in PersonField::ALL {
            assert!(["name", "date_of_birth", "address"].contains(&f.column()));
            assert!(["victims", "perpetrators", "household_members"].contains(&f.kind().table()));
        }
        assert!(PersonField::VictimName.required() && !PersonField::VictimAddress.required());
        assert!(PersonField::HouseholdDateOfBirth.is_date() && !PersonField::PerpetratorAddress.is_date());
    }

    #[test]
    fn history_follows_what_the_reader_may_see_today() {
        assert!(PersonField::ALL.iter().all(|f| f.visible_with(Parts::ALL)));
        let perpetrator_only = Parts::of(&[Part::Referral, Part::VictimIdentity, Part::Perpetrators, Part::PerpetratorAddress]);
        assert!(PersonField::VictimName.visible_with(perpetrator_only));
        assert!(!PersonField::VictimAddress.visible_with(perpetrator_only), "never the victim's old address");
        assert!(!PersonField::HouseholdName.visible_with(perpetrator_only));
        let household = Parts::of(&[Part::Referral, Part::VictimIdentity, Part::Perpetrators, Part::Household]);
        assert!(!PersonField::PerpetratorAddress.visible_with(household));
        assert!(PersonField::HouseholdDateOfBirth.visible_with(household));
        assert!(!PersonField::VictimName.visible_with(Parts::NONE));
    }
}

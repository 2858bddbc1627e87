//! People, roles and agencies.

use serde::{Deserialize, Serialize};

/// What a user may be asked to do. A user may hold several roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages agencies, the ISA, users and sessions; sees no case data by this role alone.
    Administrator,
    /// Runs referrals, agendas, minutes and distribution.
    Coordinator,
    /// Chairs meetings and finalises minutes.
    Chair,
    /// Represents an agency: refers, researches, owns actions.
    AgencyRepresentative,
    /// Independent Domestic Violence Adviser: speaks for the victim.
    Idva,
    /// Data protection officer: rights requests, retention, audit.
    DataProtectionOfficer,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Role; 6] =
        [Role::Administrator, Role::Coordinator, Role::Chair, Role::AgencyRepresentative, Role::Idva, Role::DataProtectionOfficer];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Coordinator => "coordinator",
            Role::Chair => "chair",
            Role::AgencyRepresentative => "agency_representative",
            Role::Idva => "idva",
            Role::DataProtectionOfficer => "data_protection_officer",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether the role opens every case whole or administers who may (coordinator, chair,
    /// IDVA, data protection officer, administrator): granting it needs a fresh passkey check
    /// and, with two-person approval, a second person.
    pub fn is_privileged(self) -> bool {
        !matches!(self, Role::AgencyRepresentative)
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::Coordinator => "MARAC coordinator",
            Role::Chair => "Chair",
            Role::AgencyRepresentative => "Agency representative",
            Role::Idva => "IDVA",
            Role::DataProtectionOfficer => "Data protection officer",
        }
    }
}

/// The kinds of agency that take part in a MARAC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    /// Police.
    Police,
    /// Probation.
    Probation,
    /// Health (GP, hospital, health visiting).
    Health,
    /// Children's social care.
    ChildrensSocialCare,
    /// Adults' social care.
    AdultsSocialCare,
    /// Housing.
    Housing,
    /// Education.
    Education,
    /// An IDVA service.
    IdvaService,
    /// Substance misuse services.
    SubstanceMisuse,
    /// Mental health services.
    MentalHealth,
    /// Any other agency.
    Other,
}

impl AgencyKind {
    /// Every kind, in display order.
    pub const ALL: [AgencyKind; 11] = [
        AgencyKind::Police,
        AgencyKind::Probation,
        AgencyKind::Health,
        AgencyKind::ChildrensSocialCare,
        AgencyKind::AdultsSocialCare,
        AgencyKind::Housing,
        AgencyKind::Education,
        AgencyKind::IdvaService,
        AgencyKind::SubstanceMisuse,
        AgencyKind::MentalHealth,
        AgencyKind::Other,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            AgencyKind::Police => "police",
            AgencyKind::Probation => "probation",
            AgencyKind::Health => "health",
            AgencyKind::ChildrensSocialCare => "childrens_social_care",
            AgencyKind::AdultsSocialCare => "adults_social_care",
            AgencyKind::Housing => "housing",
            AgencyKind::Education => "education",
            AgencyKind::IdvaService => "idva_service",
            AgencyKind::SubstanceMisuse => "substance_misuse",
            AgencyKind::MentalHealth => "mental_health",
            AgencyKind::Other => "other",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<AgencyKind> {
        AgencyKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            AgencyKind::Police => "Police",
            AgencyKind::Probation => "Probation",
            AgencyKind::Health => "Health",
            AgencyKind::ChildrensSocialCare => "Children's social care",
            AgencyKind::AdultsSocialCare => "Adults' social care",
            AgencyKind::Housing => "Housing",
            AgencyKind::Education => "Education",
            AgencyKind::IdvaService => "IDVA service",
            AgencyKind::SubstanceMisuse => "Substance misuse",
            AgencyKind::MentalHealth => "Mental health",
            AgencyKind::Other => "Other",
        }
    }
}

/// Normalises a work email for storage and comparison: trimmed and lower-case.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Whether a string looks like a usable email address (one `@`, something either side, a dot after it).
pub fn is_plausible_email(email: &str) -> bool {
    let email = email.trim();
    let mut parts = email.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !email.chars().any(char::is_whitespace)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
    }

    #[test]
    fn agency_kinds_round_trip() {
        for kind in AgencyKind::ALL {
            assert_eq!(AgencyKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(AgencyKind::parse(""), None);
    }

    #[test]
    fn emails() {
        assert_eq!(normalise_email("  Sam.Okoro@Example.ORG "), "sam.okoro@example.org");
        assert!(is_plausible_email("a@b.org"));
        assert!(!is_plausible_email("a@b"));
        assert!(!is_plausible_email("a b@c.org"));
        assert!(!is_plausible_email("@c.org"));
        assert!(!is_plausible_email("a@@c.org"));
        assert!(!is_plausible_email("a@c.org."));
    }
}

/// The privileged roles in `new` that `old` lacks: what a grant would add that needs approval.
pub fn privileged_additions(old: &std::collections::BTreeSet<Role>, new: &std::collections::BTreeSet<Role>) -> std::collections::BTreeSet<Role> {
    new.difference(old).copied().filter(|r| r.is_privileged()).collect()
}

/// Who may approve a grant of privileged roles. Never the person who asked for it nor the person
/// who would receive it: a grant takes two people. A grant that includes the data protection
/// officer role is approved by a current data protection officer when there is one (so
/// administrators cannot make a DPO between themselves), otherwise by another administrator;
/// any other grant by another administrator.
pub fn approver_may_decide(
    approver_id: &str,
    approver_is_admin: bool,
    approver_is_dpo: bool,
    requested_by: &str,
    grantee: &str,
    includes_dpo: bool,
    a_dpo_exists: bool,
) -> bool {
    if approver_id == requested_by || approver_id == grantee {
        return false;
    }
    if includes_dpo && a_dpo_exists {
        approver_is_dpo
    } else {
        approver_is_admin
    }
}

#[cfg(test)]
mod grant_tests {
    use super::*;

    #[test]
    fn only_the_agency_representative_role_is_unprivileged() {
        let privileged: Vec<Role> = Role::ALL.into_iter().filter(|r| r.is_privileged()).collect();
        assert_eq!(privileged, vec![Role::Administrator, Role::Coordinator, Role::Chair, Role::Idva, Role::DataProtectionOfficer]);
    }

    #[test]
    fn additions_are_the_new_privileged_roles_only() {
        let old = [Role::AgencyRepresentative, Role::Chair].into_iter().collect();
        let new = [Role::AgencyRepresentative, Role::Chair, Role::Idva].into_iter().collect();
        assert_eq!(privileged_additions(&old, &new), [Role::Idva].into_iter().collect());
        assert!(privileged_additions(&new, &old).is_empty(), "taking roles away needs no approval");
    }

    #[test]
    fn a_grant_takes_two_people_and_the_dpo_role_takes_the_dpo() {
        // Nobody approves their own request, nor a grant to themselves.
        assert!(!approver_may_decide("a", true, false, "a", "x", false, false));
        assert!(!approver_may_decide("x", true, false, "a", "x", false, false));
        assert!(approver_may_decide("b", true, false, "a", "x", false, false));
        assert!(!approver_may_decide("d", false, true, "a", "x", false, true), "the DPO approves only the DPO role");
        assert!(approver_may_decide("d", false, true, "a", "x", true, true));
        assert!(!approver_may_decide("b", true, false, "a", "x", true, true), "administrators cannot make a DPO between them");
        assert!(approver_may_decide("b", true, false, "a", "x", true, false), "the first DPO: another administrator");
    }
}

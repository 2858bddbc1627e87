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

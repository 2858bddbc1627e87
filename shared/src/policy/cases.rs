//! Need-to-know on case records: who may open a case, and which parts of it they may see.
//!
//! Victim and perpetrator details are separate parts. The coordinator, the chair and IDVAs see
//! the whole case. Another agency sees a case only when it referred it or works with someone in
//! it, and then only the parts its work needs: an agency that works only with the perpetrator
//! sees the perpetrator and the risks, never the victim's address or contact details.
//! A restricted case (data-protection restriction) is open only to the coordinator and the DPO.
//! The data protection officer may open any case whole, to act on people's rights (every read
//! is audited); they never get case lists, only search.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::Actor;
use crate::identity::Role;

/// How an agency works with the people in a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Involvement {
    /// Works with the victim.
    Victim,
    /// Works with the perpetrator only.
    Perpetrator,
    /// Works with the children or other vulnerable adults in the household.
    Household,
}

impl Involvement {
    /// Every kind, in the order forms show them.
    pub const ALL: [Involvement; 3] = [Involvement::Victim, Involvement::Perpetrator, Involvement::Household];

    /// Stable stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Involvement::Victim => "victim",
            Involvement::Perpetrator => "perpetrator",
            Involvement::Household => "household",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Involvement> {
        Involvement::ALL.into_iter().find(|i| i.as_str() == s)
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Involvement::Victim => "Works with the victim",
            Involvement::Perpetrator => "Works with the perpetrator",
            Involvement::Household => "Works with the children or household",
        }
    }
}

/// How the asking person's agency stands to one case. Worked out by the server from the record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRelation {
    /// The actor's agency made a referral in this case.
    pub referred_by_agency: bool,
    /// How the actor's agency works with the people in the case.
    pub involvement: BTreeSet<Involvement>,
    /// The case is restricted (data protection).
    pub restricted: bool,
}

/// The parts of a case someone may see. A part not granted is left out of the answer entirely.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseParts {
    /// Reference, status, criteria, DASH score, risk summary, hearings, actions.
    pub risk: bool,
    /// The victim's name, other names and date of birth.
    pub victim_identity: bool,
    /// The victim's gender, ethnicity, disability, orientation, language and interpreter need.
    pub victim_profile: bool,
    /// The victim's address, safe contact details and safe times to call.
    pub victim_contact: bool,
    /// Perpetrators' names, dates of birth, gender and relationship.
    pub perpetrators: bool,
    /// Perpetrators' addresses.
    pub perpetrator_address: bool,
    /// Children and other vulnerable adults in the household.
    pub household: bool,
    /// Consent and the lawful basis for sharing; the referrer and their agency.
    pub consent: bool,
    /// Which agencies work with the case, and its IDVA.
    pub agencies: bool,
}

impl CaseParts {
    /// Everything.
    pub const ALL: CaseParts = CaseParts {
        risk: true,
        victim_identity: true,
        victim_profile: true,
        victim_contact: true,
        perpetrators: true,
        perpetrator_address: true,
        household: true,
        consent: true,
        agencies: true,
    };
}

/// The parts of a case `actor` may see, or `None` when they may not open it at all (answered
/// exactly as for a case that does not exist).
pub fn case_parts(actor: &Actor, relation: &CaseRelation) -> Option<CaseParts> {
    if !actor.agency_is_current() {
        return None;
    }
    if actor.has(Role::Coordinator) || actor.has(Role::DataProtectionOfficer) {
        return Some(CaseParts::ALL);
    }
    if relation.restricted {
        return None;
    }
    if actor.has(Role::Chair) || actor.has(Role::Idva) {
        return Some(CaseParts::ALL);
    }
    if !actor.has(Role::AgencyRepresentative) {
        return None;
    }
    let with_victim = relation.involvement.contains(&Involvement::Victim) || relation.referred_by_agency;
    let with_perpetrator = relation.involvement.contains(&Involvement::Perpetrator);
    let with_household = relation.involvement.contains(&Involvement::Household);
    if !(with_victim || with_perpetrator || with_household) {
        return None;
    }
    Some(CaseParts {
        risk: true,
        victim_identity: true,
        victim_profile: with_victim,
        victim_contact: false,
        perpetrators: true,
        perpetrator_address: with_perpetrator || with_victim,
        household: with_victim || with_household,
        consent: relation.referred_by_agency,
        agencies: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isa::SignatoryStatus;

    fn actor(roles: &[Role]) -> Actor {
        crate::policy::test_actor(roles, Some(SignatoryStatus::Current))
    }

    fn relation(involvement: &[Involvement], referred: bool) -> CaseRelation {
        CaseRelation { referred_by_agency: referred, involvement: involvement.iter().copied().collect(), restricted: false }
    }

    #[test]
    fn coordinator_chair_and_idva_see_everything() {
        for role in [Role::Coordinator, Role::Chair, Role::Idva] {
            assert_eq!(case_parts(&actor(&[role]), &relation(&[], false)), Some(CaseParts::ALL), "{role:?}");
        }
    }

    #[test]
    fn an_uninvolved_agency_cannot_open_the_case() {
        assert_eq!(case_parts(&actor(&[Role::AgencyRepresentative]), &relation(&[], false)), None);
    }

    #[test]
    fn only_idva_coordinator_and_chair_see_the_victims_contact_details() {
        let rep = actor(&[Role::AgencyRepresentative]);
        for inv in Involvement::ALL {
            let parts = case_parts(&rep, &relation(&[inv], true)).unwrap_or_default();
            assert!(!parts.victim_contact, "{inv:?}");
        }
    }

    #[test]
    fn a_perpetrator_only_agency_sees_perpetrator_and_risk_not_the_victims_life() {
        let parts = case_parts(&actor(&[Role::AgencyRepresentative]), &relation(&[Involvement::Perpetrator], false)).unwrap_or_default();
        assert!(parts.risk && parts.perpetrators && parts.perpetrator_address && parts.victim_identity);
        assert!(!parts.victim_profile && !parts.victim_contact && !parts.household && !parts.consent);
    }

    #[test]
    fn a_household_agency_sees_the_children_but_not_the_victims_profile() {
        let parts = case_parts(&actor(&[Role::AgencyRepresentative]), &relation(&[Involvement::Household], false)).unwrap_or_default();
        assert!(parts.household && parts.risk);
        assert!(!parts.victim_profile && !parts.victim_contact && !parts.perpetrator_address && !parts.consent);
    }

    #[test]
    fn the_referring_agency_sees_consent_and_the_victims_profile() {
        let parts = case_parts(&actor(&[Role::AgencyRepresentative]), &relation(&[], true)).unwrap_or_default();
        assert!(parts.consent && parts.victim_profile && parts.household && !parts.victim_contact);
    }

    #[test]
    fn restricted_cases_are_for_the_coordinator_and_the_dpo_only() {
        let mut rel = relation(&[Involvement::Victim], true);
        rel.restricted = true;
        assert_eq!(case_parts(&actor(&[Role::Chair, Role::Idva]), &rel), None);
        assert_eq!(case_parts(&actor(&[Role::AgencyRepresentative]), &rel), None);
        assert_eq!(case_parts(&actor(&[Role::Coordinator]), &rel), Some(CaseParts::ALL));
        assert_eq!(case_parts(&actor(&[Role::DataProtectionOfficer]), &rel), Some(CaseParts::ALL));
    }

    #[test]
    fn the_dpo_opens_any_case_to_act_on_peoples_rights() {
        assert_eq!(case_parts(&actor(&[Role::DataProtectionOfficer]), &relation(&[], false)), Some(CaseParts::ALL));
        let mut suspended = actor(&[Role::DataProtectionOfficer]);
        suspended.agency_status = Some(SignatoryStatus::Suspended);
        assert_eq!(case_parts(&suspended, &relation(&[], false)), None);
    }

    #[test]
    fn administrators_and_suspended_agencies_see_no_cases() {
        assert_eq!(case_parts(&actor(&[Role::Administrator]), &relation(&[Involvement::Victim], true)), None);
        let mut suspended = actor(&[Role::Coordinator]);
        suspended.agency_status = Some(SignatoryStatus::Suspended);
        assert_eq!(case_parts(&suspended, &relation(&[], false)), None);
    }
}

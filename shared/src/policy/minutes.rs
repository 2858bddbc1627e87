//! Who receives a meeting's minutes, and what of each case their copy holds.
//!
//! A copy holds exactly what the recipient could open in the case record (`case_parts`), plus the
//! risks, decision and actions of a case on which their agency owns an action. A restricted case
//! that the recipient would otherwise see appears only as its reference and a restriction notice.
//! Everything else is left out, without a trace.

use super::cases::{case_parts, CaseParts, CaseRelation};
use super::Actor;
use crate::identity::Role;

/// How one case appears in one recipient's copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseInCopy {
    /// Not at all.
    Omitted,
    /// The reference and a notice that the record is restricted.
    Restricted,
    /// The reference, risks, decision and actions: the agency owns an action but does not
    /// otherwise work with the case.
    ActionsOnly,
    /// The parts the recipient may see.
    Parts(CaseParts),
}

/// How a case appears in `recipient`'s copy, given their agency's relation to it and whether
/// their agency owns an action on it.
pub fn case_in_copy(recipient: &Actor, relation: &CaseRelation, owns_action: bool) -> CaseInCopy {
    if !recipient.agency_is_current() {
        return CaseInCopy::Omitted;
    }
    if relation.restricted && !recipient.has(Role::Coordinator) {
        let open = CaseRelation { restricted: false, ..relation.clone() };
        return if case_parts(recipient, &open).is_some() || owns_action { CaseInCopy::Restricted } else { CaseInCopy::Omitted };
    }
    match case_parts(recipient, relation) {
        Some(parts) => CaseInCopy::Parts(parts),
        None if owns_action => CaseInCopy::ActionsOnly,
        None => CaseInCopy::Omitted,
    }
}

/// Roles whose holders receive minutes for their agency.
pub const RECEIVING_ROLES: [Role; 3] = [Role::AgencyRepresentative, Role::Idva, Role::Chair];

/// Someone who might receive a copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The person's user id.
    pub user_id: String,
    /// Their agency.
    pub agency_id: String,
    /// Whether they hold a receiving role.
    pub receives: bool,
    /// Whether they are on this meeting's register (present, apologies or absent).
    pub on_register: bool,
}

/// Who gets a copy: for each agency, the people on the meeting's register who hold a receiving
/// role, or, when none of the agency's people are, everyone in it who holds one.
pub fn recipients(candidates: &[Candidate]) -> Vec<&Candidate> {
    let registered = |agency: &str| candidates.iter().any(|c| c.agency_id == agency && c.receives && c.on_register);
    candidates.iter().filter(|c| c.receives && (c.on_register || !registered(&c.agency_id))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isa::SignatoryStatus;
    use crate::policy::cases::Involvement;

    fn actor(roles: &[Role]) -> Actor {
        crate::policy::test_actor(roles, Some(SignatoryStatus::Current))
    }

    fn relation(involvement: &[Involvement], restricted: bool) -> CaseRelation {
        CaseRelation { referred_by_agency: false, involvement: involvement.iter().copied().collect(), restricted }
    }

    #[test]
    fn an_uninvolved_agency_gets_nothing_of_the_case() {
        assert_eq!(case_in_copy(&actor(&[Role::AgencyRepresentative]), &relation(&[], false), false), CaseInCopy::Omitted);
    }

    #[test]
    fn an_agency_owning_an_action_gets_risks_decision_and_actions_only() {
        assert_eq!(case_in_copy(&actor(&[Role::AgencyRepresentative]), &relation(&[], false), true), CaseInCopy::ActionsOnly);
    }

    #[test]
    fn an_involved_agency_gets_what_the_case_record_would_show() {
        let rep = actor(&[Role::AgencyRepresentative]);
        let rel = relation(&[Involvement::Perpetrator], false);
        assert_eq!(case_in_copy(&rep, &rel, false), CaseInCopy::Parts(case_parts(&rep, &rel).unwrap_or_default()));
        assert_eq!(case_in_copy(&actor(&[Role::Idva]), &relation(&[], false), false), CaseInCopy::Parts(CaseParts::ALL));
    }

    #[test]
    fn a_restricted_case_is_marked_for_those_who_would_see_it_and_hidden_from_the_rest() {
        let rep = actor(&[Role::AgencyRepresentative]);
        assert_eq!(case_in_copy(&rep, &relation(&[Involvement::Victim], true), false), CaseInCopy::Restricted);
        assert_eq!(case_in_copy(&rep, &relation(&[], true), true), CaseInCopy::Restricted);
        assert_eq!(case_in_copy(&rep, &relation(&[], true), false), CaseInCopy::Omitted);
        assert_eq!(case_in_copy(&actor(&[Role::Idva]), &relation(&[], true), false), CaseInCopy::Restricted);
    }

    #[test]
    fn a_suspended_agency_gets_nothing() {
        let mut rep = actor(&[Role::Idva]);
        rep.agency_status = Some(SignatoryStatus::Suspended);
        assert_eq!(case_in_copy(&rep, &relation(&[Involvement::Victim], false), true), CaseInCopy::Omitted);
    }

    fn candidate(user: &str, agency: &str, receives: bool, on_register: bool) -> Candidate {
        Candidate { user_id: user.into(), agency_id: agency.into(), receives, on_register }
    }

    #[test]
    fn the_register_decides_who_receives_and_everyone_receives_when_nobody_attended() {
        let all = [
            candidate("police-present", "police", true, true),
            candidate("police-other", "police", true, false),
            candidate("police-dpo", "police", false, true),
            candidate("homes-1", "homes", true, false),
            candidate("homes-2", "homes", true, false),
        ];
        let got: Vec<&str> = recipients(&all).iter().map(|c| c.user_id.as_str()).collect();
        assert_eq!(got, ["police-present", "homes-1", "homes-2"]);
    }
}

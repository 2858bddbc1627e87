//! The access policy: the only place that says yes.
//!
//! Every server function and route asks [`decide`] before it reads or writes anything. Anything
//! not explicitly allowed here is denied. People see nothing unless their agency is a current
//! ISA signatory; an administrator without an agency may administer the platform but never sees
//! case data.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::identity::Role;
use crate::isa::SignatoryStatus;

pub mod exposure;
pub mod meetings;
pub mod minutes;
pub mod parts;
pub mod table;

/// Who is asking: resolved from the session on every request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The user's id.
    pub user_id: String,
    /// The user's name, for display.
    pub name: String,
    /// The user's agency, if any (platform administrators may have none).
    pub agency_id: Option<String>,
    /// The agency's name, for display.
    pub agency_name: Option<String>,
    /// The agency's standing under the ISA today.
    pub agency_status: Option<SignatoryStatus>,
    /// The user's roles.
    pub roles: BTreeSet<Role>,
    /// Whether the user checked their passkey within the last five minutes.
    pub reauthenticated_recently: bool,
}

impl Actor {
    /// Whether the actor holds a role.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the actor's agency is a current signatory.
    pub fn agency_is_current(&self) -> bool {
        self.agency_id.is_some() && self.agency_status == Some(SignatoryStatus::Current)
    }

    /// A platform administrator: the administrator role and no agency.
    pub fn is_platform_admin(&self) -> bool {
        self.agency_id.is_none() && self.has(Role::Administrator)
    }

    /// Whether the actor may use Roundtable at all.
    pub fn may_enter(&self) -> bool {
        self.agency_is_current() || self.is_platform_admin()
    }
}

/// Everything someone can ask to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// See their own account, passkeys and sessions.
    ViewOwnAccount,
    /// Add, rename or revoke their own passkeys (needs a fresh passkey check).
    ManageOwnPasskeys,
    /// See the list of agencies and their ISA status.
    ViewAgencies,
    /// Create an agency or edit its name, kind and contact.
    EditAgency,
    /// Suspend, withdraw or reinstate an agency, or record its signature of the ISA.
    ChangeSignatory,
    /// Publish a new ISA version (it may require every agency to sign again).
    PublishIsa,
    /// See users.
    ViewUsers,
    /// Create a user or edit name, email and agency.
    EditUser,
    /// Change a user's roles.
    ChangeRoles,
    /// Disable or re-enable a user.
    DisableUser,
    /// Create an enrolment invitation for a person with these roles.
    Invite {
        /// The roles the invitation would grant.
        roles: BTreeSet<Role>,
        /// Whether the person would have no agency (a platform administrator).
        platform: bool,
    },
    /// Issue a recovery enrolment link to an existing user (ends their sessions; needs a fresh
    /// passkey check).
    IssueRecoveryLink,
    /// See the grants of privileged roles waiting for a second person's approval.
    ViewRoleGrants,
    /// Approve or refuse a grant of privileged roles made by someone else (needs a fresh
    /// passkey check). Who exactly may approve which grant is `identity::approver_may_decide`.
    DecideRoleGrant {
        /// The grant includes the data protection officer role.
        includes_dpo: bool,
    },
    /// Write a signed checkpoint of the audit chain to the witness now.
    RecordAuditCheckpoint,
    /// See live sessions.
    ViewSessions,
    /// End someone's session.
    EndSession,
    /// Verify the audit chain.
    VerifyAudit,
    /// Write a referral (draft and submit) for the actor's own agency.
    Refer,
    /// See submitted referrals, check repeats, accept, ask for more or reject.
    TriageReferrals,
    /// Search every case by name, date of birth or reference.
    SearchCases,
    /// List the cases one works with (each case then decided by `exposure::grant`).
    ListCases,
    /// Record which agencies work with a case, assign its IDVA, close or reopen it.
    ManageCase,
    /// Schedule meetings (one or a recurring series).
    ScheduleMeetings,
    /// See every outstanding action across meetings.
    ViewAllActions,
    /// See the anonymised quarterly statistics.
    ViewStatistics,
    /// Search and read the audit log.
    SearchAudit,
    /// Export a filtered extract of the audit log (needs a fresh passkey check).
    ExportAudit,
    /// Download a copy of a meeting's minutes; `own` when the copy was made for the actor
    /// (needs a fresh passkey check).
    DownloadMinutesCopy {
        /// The copy was made for the actor.
        own: bool,
    },
    /// Download one's agency's outstanding actions as a document (needs a fresh passkey check).
    DownloadActionList,
    /// Find a person across all records, prepare, approve and release what is held about them
    /// (a subject access request; the DPO only, each step after a fresh passkey check).
    SubjectAccess,
    /// See the subject access requests and review a prepared (already redacted) export.
    ViewSubjectAccess,
    /// See what falls due for purging and past purge runs; place or lift a legal hold.
    ManageRetention,
    /// Restrict a case (data protection) or lift the restriction.
    RestrictCase,
    /// Record an objection against a person and the decision on it.
    RecordObjection,
    /// Erase a person's record or a whole case before its retention ends (needs a fresh passkey check).
    EraseRecord,
    /// Correct a person's details in a case the actor may open (rectification).
    RectifyRecord,
}

/// The answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// No. Callers answer exactly as for a record that does not exist.
    Deny,
    /// Allowed once the actor has checked their passkey again.
    ReauthenticationRequired,
}

impl Decision {
    /// Whether the answer is yes.
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

/// Roles a coordinator may grant by invitation: none that opens every case whole.
const COORDINATOR_MAY_GRANT: [Role; 1] = [Role::AgencyRepresentative];

/// Decides whether `actor` may do `action`. `None` is an anonymous visitor.
pub fn decide(actor: Option<&Actor>, action: &Action) -> Decision {
    let Some(actor) = actor else {
        return Decision::Deny;
    };
    if !actor.may_enter() {
        return Decision::Deny;
    }
    let admin = actor.has(Role::Administrator);
    let dpo = actor.agency_is_current() && actor.has(Role::DataProtectionOfficer);
    let allowed = match action {
        Action::ViewOwnAccount => true,
        Action::ManageOwnPasskeys => return sensitive(true, actor),
        Action::ViewAgencies | Action::ViewUsers => admin || actor.has(Role::Coordinator),
        Action::EditAgency | Action::EditUser | Action::DisableUser => admin,
        Action::ViewSessions | Action::EndSession => admin,
        Action::IssueRecoveryLink => return sensitive(admin, actor),
        Action::ViewRoleGrants => admin || dpo,
        Action::DecideRoleGrant { includes_dpo } => return sensitive(admin || (dpo && *includes_dpo), actor),
        Action::RecordAuditCheckpoint => admin || dpo,
        Action::ChangeSignatory | Action::ChangeRoles | Action::PublishIsa => {
            return sensitive(admin, actor);
        }
        Action::Invite { roles, platform } => {
            if admin {
                // Inviting anyone who would see every case whole, or administer, needs a fresh check.
                return if roles.iter().any(|r| r.is_privileged()) { sensitive(true, actor) } else { Decision::Allow };
            }
            actor.has(Role::Coordinator)
                && !platform
                && actor.agency_is_current()
                && !roles.is_empty()
                && roles.iter().all(|r| COORDINATOR_MAY_GRANT.contains(r))
        }
        Action::VerifyAudit => admin || actor.has(Role::DataProtectionOfficer),
        Action::Refer => actor.agency_is_current() && [Role::AgencyRepresentative, Role::Idva, Role::Coordinator].iter().any(|r| actor.has(*r)),
        Action::TriageReferrals | Action::ManageCase | Action::ScheduleMeetings => actor.agency_is_current() && actor.has(Role::Coordinator),
        Action::ViewAllActions => actor.agency_is_current() && (actor.has(Role::Coordinator) || actor.has(Role::Chair)),
        Action::SearchAudit => actor.agency_is_current() && actor.has(Role::DataProtectionOfficer),
        Action::ExportAudit => return sensitive(actor.agency_is_current() && actor.has(Role::DataProtectionOfficer), actor),
        Action::DownloadMinutesCopy { own } => return sensitive(*own && actor.agency_is_current(), actor),
        Action::DownloadActionList => {
            return sensitive(actor.agency_is_current() && minutes::RECEIVING_ROLES.iter().chain([&Role::Coordinator]).any(|r| actor.has(*r)), actor)
        }
        Action::ViewSubjectAccess => actor.agency_is_current() && actor.has(Role::DataProtectionOfficer),
        Action::SubjectAccess => return sensitive(actor.agency_is_current() && actor.has(Role::DataProtectionOfficer), actor),
        Action::ViewStatistics => {
            actor.agency_is_current() && [Role::Coordinator, Role::Chair, Role::DataProtectionOfficer].iter().any(|r| actor.has(*r))
        }
        Action::SearchCases => {
            actor.agency_is_current() && [Role::Coordinator, Role::Chair, Role::DataProtectionOfficer].iter().any(|r| actor.has(*r))
        }
        Action::ManageRetention | Action::RestrictCase | Action::RecordObjection => dpo,
        Action::EraseRecord => return sensitive(dpo, actor),
        Action::RectifyRecord => actor.agency_is_current() && (actor.has(Role::Coordinator) || actor.has(Role::DataProtectionOfficer)),
        Action::ListCases => {
            actor.agency_is_current() && [Role::Coordinator, Role::Chair, Role::Idva, Role::AgencyRepresentative].iter().any(|r| actor.has(*r))
        }
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Deny
    }
}

/// An operation that needs both permission and a recent passkey check.
fn sensitive(permitted: bool, actor: &Actor) -> Decision {
    match (permitted, actor.reauthenticated_recently) {
        (false, _) => Decision::Deny,
        (true, true) => Decision::Allow,
        (true, false) => Decision::ReauthenticationRequired,
    }
}

/// A test actor with `roles`, of an agency with `status` (no agency when `None`).
#[cfg(test)]
pub(crate) fn test_actor(roles: &[Role], status: Option<SignatoryStatus>) -> Actor {
    Actor {
        user_id: "u1".into(),
        name: "Test Person".into(),
        agency_id: status.map(|_| "a1".into()),
        agency_name: status.map(|_| "Agency".into()),
        agency_status: status,
        roles: roles.iter().copied().collect(),
        reauthenticated_recently: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(roles: &[Role], status: Option<SignatoryStatus>) -> Actor {
        test_actor(roles, status)
    }

    const CURRENT: Option<SignatoryStatus> = Some(SignatoryStatus::Current);

    #[test]
    fn anonymous_is_denied_everything() {
        assert_eq!(decide(None, &Action::ViewOwnAccount), Decision::Deny);
    }

    #[test]
    fn non_current_agencies_are_denied_everything_even_admins() {
        for status in [SignatoryStatus::Withdrawn, SignatoryStatus::Suspended, SignatoryStatus::Expired, SignatoryStatus::Unsigned] {
            let a = actor(&Role::ALL, Some(status));
            assert_eq!(decide(Some(&a), &Action::ViewOwnAccount), Decision::Deny, "{status:?}");
            assert_eq!(decide(Some(&a), &Action::ViewAgencies), Decision::Deny, "{status:?}");
        }
    }

    #[test]
    fn agency_less_users_need_the_admin_role() {
        let nobody = actor(&[Role::Chair], None);
        assert_eq!(decide(Some(&nobody), &Action::ViewOwnAccount), Decision::Deny);
        let platform_admin = actor(&[Role::Administrator], None);
        assert_eq!(decide(Some(&platform_admin), &Action::ViewAgencies), Decision::Allow);
    }

    #[test]
    fn platform_admin_cannot_invite_as_coordinator_would_without_agency() {
        let coord = actor(&[Role::Coordinator], None);
        let roles = [Role::Idva].into_iter().collect();
        assert_eq!(decide(Some(&coord), &Action::Invite { roles, platform: false }), Decision::Deny);
    }

    #[test]
    fn signatory_and_role_changes_need_recent_reauthentication() {
        let mut admin = actor(&[Role::Administrator], CURRENT);
        assert_eq!(decide(Some(&admin), &Action::ChangeSignatory), Decision::ReauthenticationRequired);
        assert_eq!(decide(Some(&admin), &Action::ChangeRoles), Decision::ReauthenticationRequired);
        assert_eq!(decide(Some(&admin), &Action::PublishIsa), Decision::ReauthenticationRequired);
        admin.reauthenticated_recently = true;
        assert_eq!(decide(Some(&admin), &Action::ChangeSignatory), Decision::Allow);
        let mut rep = actor(&[Role::AgencyRepresentative], CURRENT);
        rep.reauthenticated_recently = true;
        assert_eq!(decide(Some(&rep), &Action::ChangeRoles), Decision::Deny);
    }

    #[test]
    fn coordinators_invite_only_frontline_roles() {
        let coord = actor(&[Role::Coordinator], CURRENT);
        let ok: BTreeSet<Role> = [Role::AgencyRepresentative].into_iter().collect();
        assert_eq!(decide(Some(&coord), &Action::Invite { roles: ok, platform: false }), Decision::Allow);
        for privileged in [Role::Chair, Role::Idva, Role::Coordinator, Role::DataProtectionOfficer] {
            let roles: BTreeSet<Role> = [Role::AgencyRepresentative, privileged].into_iter().collect();
            let mut fresh = coord.clone();
            fresh.reauthenticated_recently = true;
            assert_eq!(decide(Some(&fresh), &Action::Invite { roles, platform: false }), Decision::Deny, "{privileged:?} sees every case whole");
        }
        let admin_role: BTreeSet<Role> = [Role::Administrator].into_iter().collect();
        assert_eq!(decide(Some(&coord), &Action::Invite { roles: admin_role, platform: false }), Decision::Deny);
        assert_eq!(decide(Some(&coord), &Action::Invite { roles: BTreeSet::new(), platform: false }), Decision::Deny);
        let idva: BTreeSet<Role> = [Role::Idva].into_iter().collect();
        assert_eq!(decide(Some(&coord), &Action::Invite { roles: idva, platform: true }), Decision::Deny, "no platform accounts");
        let rep = actor(&[Role::AgencyRepresentative], CURRENT);
        let roles: BTreeSet<Role> = [Role::Idva].into_iter().collect();
        assert_eq!(decide(Some(&rep), &Action::Invite { roles, platform: false }), Decision::Deny);
    }

    #[test]
    fn account_changes_and_privileged_grants_need_a_fresh_passkey_check() {
        for role in Role::ALL {
            let mut a = actor(&[role], if role == Role::Administrator { None } else { CURRENT });
            assert_eq!(decide(Some(&a), &Action::ManageOwnPasskeys), Decision::ReauthenticationRequired, "{role:?}");
            a.reauthenticated_recently = true;
            assert_eq!(decide(Some(&a), &Action::ManageOwnPasskeys), Decision::Allow, "{role:?}");
            assert_eq!(decide(Some(&a), &Action::ViewOwnAccount), Decision::Allow, "{role:?}");
        }
        let mut admin = actor(&[Role::Administrator], None);
        assert_eq!(decide(Some(&admin), &Action::IssueRecoveryLink), Decision::ReauthenticationRequired);
        let rep: BTreeSet<Role> = [Role::AgencyRepresentative].into_iter().collect();
        assert_eq!(decide(Some(&admin), &Action::Invite { roles: rep, platform: false }), Decision::Allow, "frontline invitations need no check");
        for privileged in [Role::Coordinator, Role::Chair, Role::Idva, Role::DataProtectionOfficer, Role::Administrator] {
            let roles: BTreeSet<Role> = [privileged].into_iter().collect();
            assert_eq!(decide(Some(&admin), &Action::Invite { roles, platform: false }), Decision::ReauthenticationRequired, "{privileged:?}");
        }
        assert_eq!(decide(Some(&admin), &Action::DecideRoleGrant { includes_dpo: false }), Decision::ReauthenticationRequired);
        admin.reauthenticated_recently = true;
        assert_eq!(decide(Some(&admin), &Action::IssueRecoveryLink), Decision::Allow);
        assert_eq!(decide(Some(&admin), &Action::DecideRoleGrant { includes_dpo: true }), Decision::Allow);
        let mut dpo = actor(&[Role::DataProtectionOfficer], CURRENT);
        dpo.reauthenticated_recently = true;
        assert_eq!(decide(Some(&dpo), &Action::DecideRoleGrant { includes_dpo: true }), Decision::Allow, "the DPO approves the DPO role");
        assert_eq!(decide(Some(&dpo), &Action::DecideRoleGrant { includes_dpo: false }), Decision::Deny, "but no other role");
        assert_eq!(decide(Some(&dpo), &Action::ViewRoleGrants), Decision::Allow);
        let coord = actor(&[Role::Coordinator], CURRENT);
        assert_eq!(decide(Some(&coord), &Action::ViewRoleGrants), Decision::Deny);
        assert_eq!(decide(Some(&coord), &Action::RecordAuditCheckpoint), Decision::Deny);
        assert_eq!(decide(Some(&dpo), &Action::RecordAuditCheckpoint), Decision::Allow);
    }

    #[test]
    fn only_admins_manage_sessions_and_users() {
        for role in Role::ALL {
            let a = actor(&[role], CURRENT);
            let expect = if role == Role::Administrator { Decision::Allow } else { Decision::Deny };
            assert_eq!(decide(Some(&a), &Action::EndSession), expect, "{role:?}");
            assert_eq!(decide(Some(&a), &Action::DisableUser), expect, "{role:?}");
        }
    }

    #[test]
    fn audit_verification_is_for_dpo_and_admin() {
        for role in Role::ALL {
            let a = actor(&[role], CURRENT);
            let expect = matches!(role, Role::Administrator | Role::DataProtectionOfficer);
            assert_eq!(decide(Some(&a), &Action::VerifyAudit).is_allowed(), expect, "{role:?}");
        }
    }

    #[test]
    fn casework_actions_follow_roles() {
        let rep = actor(&[Role::AgencyRepresentative], CURRENT);
        let coord = actor(&[Role::Coordinator], CURRENT);
        let chair = actor(&[Role::Chair], CURRENT);
        let dpo = actor(&[Role::DataProtectionOfficer], CURRENT);
        let admin = actor(&[Role::Administrator], None);
        let allowed = |a: &Actor, action: Action| decide(Some(a), &action).is_allowed();
        assert!(allowed(&rep, Action::Refer) && !allowed(&chair, Action::Refer) && !allowed(&dpo, Action::Refer));
        assert!(allowed(&coord, Action::TriageReferrals) && !allowed(&rep, Action::TriageReferrals) && !allowed(&chair, Action::TriageReferrals));
        assert!(allowed(&chair, Action::SearchCases) && allowed(&coord, Action::SearchCases) && !allowed(&rep, Action::SearchCases));
        assert!(allowed(&rep, Action::ListCases) && !allowed(&dpo, Action::ListCases) && !allowed(&admin, Action::ListCases));
        assert!(allowed(&coord, Action::ManageCase) && !allowed(&chair, Action::ManageCase));
        let mut suspended = actor(&[Role::Coordinator, Role::AgencyRepresentative], Some(SignatoryStatus::Suspended));
        assert!(allowed(&coord, Action::ScheduleMeetings) && !allowed(&chair, Action::ScheduleMeetings));
        assert!(allowed(&chair, Action::ViewAllActions) && !allowed(&rep, Action::ViewAllActions));
        assert!(allowed(&dpo, Action::SearchAudit) && !allowed(&admin, Action::SearchAudit) && !allowed(&coord, Action::SearchAudit));
        assert_eq!(decide(Some(&dpo), &Action::ExportAudit), Decision::ReauthenticationRequired);
        assert!(allowed(&dpo, Action::ViewStatistics) && allowed(&chair, Action::ViewStatistics) && !allowed(&rep, Action::ViewStatistics));
        for action in [Action::Refer, Action::TriageReferrals, Action::SearchCases, Action::ListCases, Action::ManageCase, Action::ScheduleMeetings] {
            assert!(!allowed(&suspended, action));
        }
        suspended.agency_status = CURRENT;
        assert!(allowed(&suspended, Action::Refer));
    }

    #[test]
    fn documents_go_only_to_their_recipient_after_a_passkey_check() {
        let mut rep = actor(&[Role::AgencyRepresentative], CURRENT);
        assert_eq!(decide(Some(&rep), &Action::DownloadMinutesCopy { own: true }), Decision::ReauthenticationRequired);
        assert_eq!(decide(Some(&rep), &Action::DownloadActionList), Decision::ReauthenticationRequired);
        rep.reauthenticated_recently = true;
        assert_eq!(decide(Some(&rep), &Action::DownloadMinutesCopy { own: true }), Decision::Allow);
        assert_eq!(decide(Some(&rep), &Action::DownloadMinutesCopy { own: false }), Decision::Deny, "someone else's copy");
        let mut dpo = actor(&[Role::DataProtectionOfficer], CURRENT);
        dpo.reauthenticated_recently = true;
        assert_eq!(decide(Some(&dpo), &Action::DownloadActionList), Decision::Deny);
        let mut withdrawn = actor(&[Role::AgencyRepresentative], Some(SignatoryStatus::Withdrawn));
        withdrawn.reauthenticated_recently = true;
        assert_eq!(decide(Some(&withdrawn), &Action::DownloadMinutesCopy { own: true }), Decision::Deny);
    }

    #[test]
    fn only_the_dpo_answers_subject_access_requests_after_a_passkey_check() {
        for role in Role::ALL {
            let mut a = actor(&[role], CURRENT);
            a.reauthenticated_recently = true;
            let expect = role == Role::DataProtectionOfficer;
            assert_eq!(decide(Some(&a), &Action::SubjectAccess).is_allowed(), expect, "{role:?}");
        }
        let dpo = actor(&[Role::DataProtectionOfficer], CURRENT);
        assert_eq!(decide(Some(&dpo), &Action::SubjectAccess), Decision::ReauthenticationRequired);
    }

    #[test]
    fn data_protection_operations_are_for_the_dpo() {
        for role in Role::ALL {
            let a = actor(&[role], CURRENT);
            let dpo = role == Role::DataProtectionOfficer;
            for action in [Action::ManageRetention, Action::RestrictCase, Action::RecordObjection] {
                assert_eq!(decide(Some(&a), &action).is_allowed(), dpo, "{role:?} {action:?}");
            }
            let erase = if dpo { Decision::ReauthenticationRequired } else { Decision::Deny };
            assert_eq!(decide(Some(&a), &Action::EraseRecord), erase, "{role:?}");
            let rectify = matches!(role, Role::Coordinator | Role::DataProtectionOfficer);
            assert_eq!(decide(Some(&a), &Action::RectifyRecord).is_allowed(), rectify, "{role:?}");
        }
        let mut dpo = actor(&[Role::DataProtectionOfficer], CURRENT);
        dpo.reauthenticated_recently = true;
        assert_eq!(decide(Some(&dpo), &Action::EraseRecord), Decision::Allow);
        assert!(decide(Some(&dpo), &Action::SearchCases).is_allowed());
        dpo.agency_status = Some(SignatoryStatus::Suspended);
        assert_eq!(decide(Some(&dpo), &Action::EraseRecord), Decision::Deny);
        assert_eq!(decide(Some(&dpo), &Action::ManageRetention), Decision::Deny);
        let platform_admin = actor(&[Role::Administrator, Role::DataProtectionOfficer], None);
        assert_eq!(decide(Some(&platform_admin), &Action::ManageRetention), Decision::Deny, "a DPO needs a current agency");
    }
}

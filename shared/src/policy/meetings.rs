//! Who may do what at a meeting. Coordinators run every meeting; the meeting's chair chairs it;
//! people of invited agencies see the agenda once it is published. Nobody opens a meeting's
//! cases, or minutes them, before acknowledging that meeting's confidentiality statement.

use serde::{Deserialize, Serialize};

use super::Actor;
use crate::identity::Role;
use crate::meeting::MeetingStatus;

/// How the asking person stands to one meeting. Worked out by the server from the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingRelation {
    /// The meeting's status.
    pub status: MeetingStatus,
    /// The actor's agency is invited.
    pub agency_invited: bool,
    /// The actor is this meeting's chair.
    pub is_chair: bool,
    /// The actor acknowledged this meeting's confidentiality statement.
    pub acknowledged: bool,
}

/// What the actor may do at the meeting. All false: the meeting does not exist for them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingRights {
    /// See the meeting, its agenda (references only) and its register.
    pub see: bool,
    /// Change the agenda, invitations, schedule and status (not finalising).
    pub manage: bool,
    /// Acknowledge the confidentiality statement.
    pub acknowledge: bool,
    /// Open the agenda's cases (research, previous actions, minutes).
    pub open_cases: bool,
    /// Record the agency's research on agenda cases.
    pub research: bool,
    /// Write minute entries, risks, decisions and actions.
    pub minute: bool,
    /// Finalise the minutes and amend them afterwards.
    pub finalise: bool,
    /// Keep the attendance register.
    pub register: bool,
    /// Send the final minutes to the invited agencies and manage the copies.
    pub distribute: bool,
}

impl MeetingRights {
    /// Whether the actor may see the meeting at all.
    pub fn any(&self) -> bool {
        self.see
    }
}

/// The actor's rights at a meeting.
pub fn meeting_rights(actor: &Actor, m: &MeetingRelation) -> MeetingRights {
    if !actor.agency_is_current() {
        return MeetingRights::default();
    }
    let coordinator = actor.has(Role::Coordinator);
    let chair = m.is_chair || (actor.has(Role::Chair) && coordinator);
    let invited =
        m.agency_invited && m.status.agenda_visible() && [Role::AgencyRepresentative, Role::Idva, Role::Chair].iter().any(|r| actor.has(*r));
    let see = coordinator || m.is_chair || invited;
    if !see {
        return MeetingRights::default();
    }
    let open_cases = m.acknowledged && m.status.agenda_visible();
    MeetingRights {
        see,
        manage: coordinator && m.status < MeetingStatus::MinutesFinal,
        acknowledge: m.status.agenda_visible(),
        open_cases,
        research: open_cases && invited && matches!(m.status, MeetingStatus::AgendaPublished | MeetingStatus::InProgress),
        minute: open_cases && (coordinator || chair) && m.status.minutes_open(),
        finalise: m.is_chair && m.acknowledged && m.status >= MeetingStatus::InProgress,
        register: coordinator || m.is_chair,
        distribute: coordinator && m.status == MeetingStatus::MinutesFinal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isa::SignatoryStatus;

    fn actor(roles: &[Role]) -> Actor {
        crate::policy::test_actor(roles, Some(SignatoryStatus::Current))
    }

    fn meeting(status: MeetingStatus, invited: bool, chair: bool, ack: bool) -> MeetingRelation {
        MeetingRelation { status, agency_invited: invited, is_chair: chair, acknowledged: ack }
    }

    #[test]
    fn invited_agencies_see_the_agenda_only_once_published() {
        let rep = actor(&[Role::AgencyRepresentative]);
        assert!(!meeting_rights(&rep, &meeting(MeetingStatus::Scheduled, true, false, false)).any());
        assert!(meeting_rights(&rep, &meeting(MeetingStatus::AgendaPublished, true, false, false)).any());
        assert!(!meeting_rights(&rep, &meeting(MeetingStatus::AgendaPublished, false, false, false)).any(), "not invited");
    }

    #[test]
    fn nobody_opens_cases_before_acknowledging() {
        for roles in [&[Role::Coordinator][..], &[Role::AgencyRepresentative], &[Role::Chair]] {
            let a = actor(roles);
            let before = meeting_rights(&a, &meeting(MeetingStatus::InProgress, true, roles == [Role::Chair], false));
            assert!(before.see && !before.open_cases && !before.minute, "{roles:?}");
            let after = meeting_rights(&a, &meeting(MeetingStatus::InProgress, true, roles == [Role::Chair], true));
            assert!(after.open_cases, "{roles:?}");
        }
    }

    #[test]
    fn research_while_the_agenda_is_out_minutes_while_held() {
        let rep = actor(&[Role::AgencyRepresentative]);
        assert!(meeting_rights(&rep, &meeting(MeetingStatus::AgendaPublished, true, false, true)).research);
        assert!(!meeting_rights(&rep, &meeting(MeetingStatus::MinutesDraft, true, false, true)).research);
        assert!(!meeting_rights(&rep, &meeting(MeetingStatus::InProgress, true, false, true)).minute, "representatives do not minute");
        let coord = actor(&[Role::Coordinator]);
        assert!(meeting_rights(&coord, &meeting(MeetingStatus::InProgress, false, false, true)).minute);
        assert!(!meeting_rights(&coord, &meeting(MeetingStatus::MinutesFinal, false, false, true)).minute, "final minutes are locked");
    }

    #[test]
    fn only_the_meetings_chair_finalises() {
        let chair = actor(&[Role::Chair]);
        assert!(meeting_rights(&chair, &meeting(MeetingStatus::MinutesDraft, true, true, true)).finalise);
        assert!(!meeting_rights(&chair, &meeting(MeetingStatus::MinutesDraft, true, false, true)).finalise, "another chair");
        assert!(!meeting_rights(&actor(&[Role::Coordinator]), &meeting(MeetingStatus::MinutesDraft, true, false, true)).finalise);
    }

    #[test]
    fn only_the_coordinator_sends_final_minutes() {
        let coord = actor(&[Role::Coordinator]);
        assert!(meeting_rights(&coord, &meeting(MeetingStatus::MinutesFinal, false, false, false)).distribute);
        assert!(!meeting_rights(&coord, &meeting(MeetingStatus::MinutesDraft, false, false, true)).distribute, "not before final");
        assert!(!meeting_rights(&actor(&[Role::Chair]), &meeting(MeetingStatus::MinutesFinal, true, true, true)).distribute);
    }

    #[test]
    fn a_suspended_agency_loses_the_meeting_at_once() {
        let mut coord = actor(&[Role::Coordinator]);
        coord.agency_status = Some(SignatoryStatus::Suspended);
        assert_eq!(meeting_rights(&coord, &meeting(MeetingStatus::InProgress, true, true, true)), MeetingRights::default());
    }
}

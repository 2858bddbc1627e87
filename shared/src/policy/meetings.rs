//! Who may do what at a meeting as a whole. Coordinators run every meeting; the meeting's chair
//! chairs it; people of invited agencies see the agenda once it is published. What anyone sees
//! of each case on it is the exposure policy's answer (`exposure`).

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

/// What the actor may do at the meeting, as a whole. What they may see of and write on each
/// case is the exposure policy's (`exposure::grant`, with the actor's seat at this meeting).
/// All false: the meeting does not exist for them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingRights {
    /// See the meeting, its agenda (as far as each case's grant allows) and its register.
    pub see: bool,
    /// Change the agenda, invitations, schedule and status (not finalising).
    pub manage: bool,
    /// Start the meeting.
    pub start: bool,
    /// Acknowledge the confidentiality statement, which checks them in (the meeting is running).
    pub acknowledge: bool,
    /// Open the research list for their agency.
    pub research_list: bool,
    /// Keep the attendance register, for the meeting and for each case.
    pub register: bool,
    /// Finalise the minutes and amend them afterwards.
    pub finalise: bool,
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
    let invited =
        m.agency_invited && m.status.agenda_visible() && [Role::AgencyRepresentative, Role::Idva, Role::Chair].iter().any(|r| actor.has(*r));
    let see = coordinator || m.is_chair || invited;
    if !see {
        return MeetingRights::default();
    }
    let runs = coordinator || m.is_chair;
    MeetingRights {
        see,
        manage: coordinator && m.status < MeetingStatus::MinutesFinal,
        start: runs && m.status == MeetingStatus::AgendaPublished,
        acknowledge: m.status == MeetingStatus::InProgress,
        research_list: invited && matches!(m.status, MeetingStatus::AgendaPublished | MeetingStatus::InProgress),
        register: runs,
        finalise: m.is_chair && m.acknowledged && m.status == MeetingStatus::MinutesDraft,
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
    fn acknowledging_is_for_a_running_meeting_and_the_research_list_for_invited_agencies() {
        let rep = actor(&[Role::AgencyRepresentative]);
        let before = meeting_rights(&rep, &meeting(MeetingStatus::AgendaPublished, true, false, false));
        assert!(before.research_list && !before.acknowledge);
        let during = meeting_rights(&rep, &meeting(MeetingStatus::InProgress, true, false, false));
        assert!(during.research_list && during.acknowledge);
        let after = meeting_rights(&rep, &meeting(MeetingStatus::MinutesDraft, true, false, true));
        assert!(after.see && !after.acknowledge && !after.research_list, "a late acknowledgement changes nothing");
        assert!(!meeting_rights(&actor(&[Role::Coordinator]), &meeting(MeetingStatus::AgendaPublished, false, false, false)).research_list);
    }

    #[test]
    fn the_coordinator_and_the_meetings_chair_start_it() {
        assert!(meeting_rights(&actor(&[Role::Coordinator]), &meeting(MeetingStatus::AgendaPublished, false, false, false)).start);
        assert!(meeting_rights(&actor(&[Role::Chair]), &meeting(MeetingStatus::AgendaPublished, true, true, false)).start);
        assert!(!meeting_rights(&actor(&[Role::Chair]), &meeting(MeetingStatus::AgendaPublished, true, false, false)).start, "another chair");
        assert!(!meeting_rights(&actor(&[Role::AgencyRepresentative]), &meeting(MeetingStatus::AgendaPublished, true, false, false)).start);
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

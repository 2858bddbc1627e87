//! Meetings: every operation asks `meeting_rights` (or `decide`) first; a meeting someone may not
//! see does not exist for them. What anyone sees of each case on the agenda is the exposure
//! policy's answer. This module holds only the app's contract, each method one line; the work is in
//!
//! - `loaded`: a meeting as loaded for an actor, and the checks the operations share;
//! - `list`: the meetings a person may see, the calendar file;
//! - `lifecycle`: scheduling, moving a meeting on, the register and acknowledgements;
//! - `agenda`: the agenda's order, invitations and publishing;
//! - `page`: the meeting's page;
//! - `cases`: each case at the meeting (live view, research, who is in the room);
//! - `minutes`: minute entries, actions, finalising and amending;
//! - `action_lists`: actions listed across cases.

mod action_lists;
mod agenda;
mod cases;
mod lifecycle;
mod list;
mod loaded;
mod minutes;
mod page;

pub(super) use loaded::{load, require};

use app::api::meetings::{
    ActionInput, ActionUpdate, ActionView, AmendInput, AttendanceInput, CaseAtMeeting, CaseMinutesInput, EntryEdit, EntryInput, ItemAttendanceInput,
    MeetingBackend, MeetingList, MeetingView, ResearchAnswerInput, ResearchList, ScheduleInput,
};
use app::error::AppError;
use shared::policy::Actor;

use crate::backend::{error::answer, ServerBackend};

#[async_trait::async_trait]
impl MeetingBackend for ServerBackend {
    async fn meetings(&self, actor: &Actor) -> Result<MeetingList, AppError> {
        answer(async move { self.meetings_op(actor).await }).await
    }

    async fn schedule_meetings(&self, actor: &Actor, input: ScheduleInput) -> Result<usize, AppError> {
        answer(async move { self.schedule_meetings_op(actor, input).await }).await
    }

    async fn meeting(&self, actor: &Actor, id: &str) -> Result<MeetingView, AppError> {
        answer(async move { self.meeting_op(actor, id).await }).await
    }

    async fn order_children_first(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        answer(async move { self.order_children_first_op(actor, id).await }).await
    }

    async fn move_agenda_item(&self, actor: &Actor, id: &str, case_id: &str, up: bool) -> Result<(), AppError> {
        answer(async move { self.move_agenda_item_op(actor, id, case_id, up).await }).await
    }

    async fn set_invitation(&self, actor: &Actor, id: &str, agency_id: &str, invited: bool) -> Result<(), AppError> {
        answer(async move { self.set_invitation_op(actor, id, agency_id, invited).await }).await
    }

    async fn publish_agenda(&self, actor: &Actor, id: &str, research_deadline: &str) -> Result<(), AppError> {
        answer(async move { self.publish_agenda_op(actor, id, research_deadline).await }).await
    }

    async fn advance_meeting(&self, actor: &Actor, id: &str, to: &str) -> Result<(), AppError> {
        answer(async move { self.advance_meeting_op(actor, id, to).await }).await
    }

    async fn acknowledge(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        answer(async move { self.acknowledge_op(actor, id).await }).await
    }

    async fn set_attendance(&self, actor: &Actor, input: AttendanceInput) -> Result<(), AppError> {
        answer(async move { self.set_attendance_op(actor, input).await }).await
    }

    async fn set_item_attendance(&self, actor: &Actor, input: ItemAttendanceInput) -> Result<(), AppError> {
        answer(async move { self.set_item_attendance_op(actor, input).await }).await
    }

    async fn case_at_meeting(&self, actor: &Actor, id: &str, case_id: &str) -> Result<CaseAtMeeting, AppError> {
        answer(async move { self.case_at_meeting_op(actor, id, case_id).await }).await
    }

    async fn research_list(&self, actor: &Actor, id: &str) -> Result<ResearchList, AppError> {
        answer(async move { self.research_list_op(actor, id).await }).await
    }

    async fn add_research(&self, actor: &Actor, input: EntryInput) -> Result<(), AppError> {
        answer(async move { self.add_research_op(actor, input).await }).await
    }

    async fn answer_research(&self, actor: &Actor, input: ResearchAnswerInput) -> Result<(), AppError> {
        answer(async move { self.answer_research_op(actor, input).await }).await
    }

    async fn add_entry(&self, actor: &Actor, input: EntryInput) -> Result<(), AppError> {
        answer(async move { self.add_entry_op(actor, input).await }).await
    }

    async fn edit_entry(&self, actor: &Actor, input: EntryEdit) -> Result<i64, AppError> {
        answer(async move { self.edit_entry_op(actor, input).await }).await
    }

    async fn save_case_minutes(&self, actor: &Actor, input: CaseMinutesInput) -> Result<i64, AppError> {
        answer(async move { self.save_case_minutes_op(actor, input).await }).await
    }

    async fn finalise_minutes(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        answer(async move { self.finalise_minutes_op(actor, id).await }).await
    }

    async fn amend_minutes(&self, actor: &Actor, input: AmendInput) -> Result<(), AppError> {
        answer(async move { self.amend_minutes_op(actor, input).await }).await
    }

    async fn add_action(&self, actor: &Actor, input: ActionInput) -> Result<(), AppError> {
        answer(async move { self.add_action_op(actor, input).await }).await
    }

    async fn update_action(&self, actor: &Actor, input: ActionUpdate) -> Result<i64, AppError> {
        answer(async move { self.update_action_op(actor, input).await }).await
    }

    async fn actions(&self, actor: &Actor, scope: &str) -> Result<Vec<ActionView>, AppError> {
        answer(async move { self.actions_op(actor, scope).await }).await
    }

    async fn calendar(&self, actor: &Actor, id: &str) -> Result<String, AppError> {
        answer(async move { self.calendar_op(actor, id).await }).await
    }

    async fn follow_meeting(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        answer(async move { self.follow_meeting_op(actor, id).await }).await
    }
}

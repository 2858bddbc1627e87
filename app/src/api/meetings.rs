//! Meetings: scheduling, the agenda, invitations, the register and confidentiality, research,
//! minutes (fact and opinion, risks, decision) with version checks, finalisation and amendments.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;
use shared::policy::meetings::MeetingRights;
pub use shared::views::actions::ActionView;
pub use shared::views::meeting::{AgendaEntry, EntryView, MeetingCase};

use crate::error::AppError;

/// A meeting in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingSummary {
    /// The meeting.
    pub id: String,
    /// When it starts (Unix seconds).
    pub starts_at: i64,
    /// Where.
    pub place: String,
    /// Where it is in its life.
    pub status: shared::meeting::MeetingStatus,
    /// Cases on the agenda.
    pub cases: i64,
    /// Cases it can hear.
    pub capacity: i64,
}

/// The meetings a person may see, and whether they may schedule more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingList {
    /// Upcoming first, then past.
    pub meetings: Vec<MeetingSummary>,
    /// Whether the person may schedule meetings.
    pub may_schedule: bool,
    /// Copies of minutes sent to the person that still work: (copy page, meeting's date and place).
    pub copies: Vec<(String, String)>,
}

/// Scheduling one meeting or a recurring series.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleInput {
    /// First date, `YYYY-MM-DD`.
    pub first_date: String,
    /// Start time, `HH:MM` (UTC).
    pub start_time: String,
    /// Place or online link.
    pub place: String,
    /// Cases each meeting can hear.
    pub capacity: String,
    /// Weeks between meetings.
    pub every_weeks: String,
    /// How many meetings.
    pub count: String,
    /// The chair (user id).
    pub chair_user_id: String,
}

/// A person on the register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterLine {
    /// The person.
    pub user_id: String,
    /// Name.
    pub name: String,
    /// Agency.
    pub agency_name: String,
    /// Present, apologies or absent.
    pub status: shared::meeting::Attendance,
    /// Whom they deputise for, if anyone.
    pub deputy_for: Option<String>,
    /// Whether they acknowledged the confidentiality statement.
    pub acknowledged: bool,
}

/// A meeting as one person may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingView {
    /// The meeting.
    pub summary: MeetingSummary,
    /// Research deadline (ISO), once published.
    pub research_deadline: Option<String>,
    /// The chair's name.
    pub chair_name: Option<String>,
    /// What the viewer may do.
    pub rights: MeetingRights,
    /// Whether the viewer acknowledged the confidentiality statement.
    pub acknowledged: bool,
    /// The confidentiality statement the chair reads out.
    pub confidentiality: String,
    /// The agenda, in order, each case as far as the viewer may see it.
    pub agenda: Vec<AgendaEntry>,
    /// Current signatory agencies and whether each is invited (for those who manage).
    pub invitations: Vec<(String, String, bool)>,
    /// The register.
    pub register: Vec<RegisterLine>,
    /// People who can be added to the register: (user id, "name, agency").
    pub people: Vec<(String, String)>,
    /// Outstanding actions from earlier meetings, to review (chair and coordinator).
    pub review_actions: Vec<ActionView>,
    /// For an agency researching: the cases it has recorded research for, of how many.
    pub research_progress: Option<(usize, usize)>,
    /// For the chair who may finalise: what is minuted and what is missing.
    pub finalise_check: Option<shared::finalising::FinaliseCheck>,
}

/// Someone present at the meeting, and whether they are in the room for one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InRoom {
    /// The person.
    pub user_id: String,
    /// "Name, Agency".
    pub name: String,
    /// In the room for this case.
    pub in_room: bool,
}

/// A case as the meeting works on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseAtMeeting {
    /// The case as the viewer may see it at the meeting's phase.
    pub case: MeetingCase,
    /// Whether the viewer may open the case record.
    pub record_link: bool,
    /// Agencies that can be a source or an owner: (id, name).
    pub agencies: Vec<(String, String)>,
    /// People who can be named as an action's owner: (user id, "name, agency", agency id).
    pub people: Vec<(String, String, String)>,
    /// What the viewer may do at the meeting.
    pub rights: MeetingRights,
    /// The cases before and after this one on the agenda: (case id, reference).
    pub previous_case: Option<(String, String)>,
    /// The next case.
    pub next_case: Option<(String, String)>,
    /// Who is in the room for this case: "name, agency".
    pub present: Vec<String>,
    /// For whoever keeps the register: everyone present at the meeting, in or out for this case.
    pub room: Vec<InRoom>,
    /// The viewer was marked out of the room for this case.
    pub stepped_out: bool,
}

/// An agency's research list for a meeting: every case with the identifiers to check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResearchList {
    /// The meeting.
    pub summary: MeetingSummary,
    /// The research deadline (ISO).
    pub research_deadline: Option<String>,
    /// The agency researching.
    pub agency_name: String,
    /// The cases, in agenda order.
    pub cases: Vec<MeetingCase>,
    /// Cases the agency has answered.
    pub answered: usize,
}

/// An agency's answer to the research request for one case.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResearchAnswerInput {
    /// The meeting.
    pub meeting_id: String,
    /// The case.
    pub case_id: String,
    /// `known` or `not_known`.
    pub known: String,
    /// When known: `victim`, `perpetrator`, `household`.
    pub known_about: Vec<String>,
    /// Information held but not shared, and why.
    pub withheld: String,
    /// What the agency's records hold, to share (optional): `fact` or `opinion`.
    pub kind: String,
    /// What the agency's records hold, to share (markdown; blank: nothing more to add).
    pub body: String,
}

/// Marking someone in or out of the room for one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemAttendanceInput {
    /// The meeting.
    pub meeting_id: String,
    /// The case.
    pub case_id: String,
    /// The person.
    pub user_id: String,
    /// In the room (true) or out of it (false).
    pub in_room: bool,
    /// Also for every later case on the agenda (someone leaving the meeting).
    pub and_later: bool,
}

/// A research point or minute entry to add.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryInput {
    /// The meeting.
    pub meeting_id: String,
    /// The case.
    pub case_id: String,
    /// `fact` or `opinion`.
    pub kind: String,
    /// What was said (markdown).
    pub body: String,
    /// The agency it came from (minutes only; research is always the author's agency).
    pub source_agency_id: String,
    /// The person it came from (optional).
    pub source_person: String,
    /// Why it is added after the minutes were finalised (then required; otherwise ignored).
    #[serde(default)]
    pub reason: String,
}

/// Editing a minute entry: the version read, so a concurrent change is never overwritten.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryEdit {
    /// The entry.
    pub entry_id: String,
    /// `fact` or `opinion`.
    pub kind: String,
    /// New text.
    pub body: String,
    /// The version the editor started from.
    pub version: i64,
}

/// Saving a case's risks and decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseMinutesInput {
    /// The meeting.
    pub meeting_id: String,
    /// The case.
    pub case_id: String,
    /// Risks identified.
    pub risks: String,
    /// The decision.
    pub decision: String,
    /// The version the editor started from.
    pub version: i64,
}

/// Correcting final minutes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendInput {
    /// The meeting.
    pub meeting_id: String,
    /// The case.
    pub case_id: String,
    /// `entry`, `risks` or `decision`.
    pub target: String,
    /// The entry, when `target` is `entry`.
    pub entry_id: String,
    /// The corrected text.
    pub amended: String,
    /// Why.
    pub reason: String,
}

/// A register change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceInput {
    /// The meeting.
    pub meeting_id: String,
    /// The person.
    pub user_id: String,
    /// `present`, `apologies` or `absent`.
    pub status: String,
    /// Whom they deputise for (user id), or blank.
    pub deputy_for: String,
}

/// A new action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionInput {
    /// The meeting.
    pub meeting_id: String,
    /// The case.
    pub case_id: String,
    /// Owning agency.
    pub owner_agency_id: String,
    /// Named person (a user id of the owning agency, optional).
    pub owner_user_id: String,
    /// What is to be done.
    pub description: String,
    /// Due date, `YYYY-MM-DD`.
    pub due_on: String,
    /// Why it is added after the minutes were finalised (then required; otherwise ignored).
    #[serde(default)]
    pub reason: String,
}

/// An action's status change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionUpdate {
    /// The action.
    pub action_id: String,
    /// New status.
    pub status: String,
    /// What happened (required for "not achievable").
    pub note: String,
    /// The version the person started from.
    pub version: i64,
}

/// Meeting operations.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait MeetingBackend: Send + Sync + 'static {
    /// Meetings the actor may see, soonest upcoming first then past.
    async fn meetings(&self, actor: &shared::policy::Actor) -> Result<MeetingList, AppError>;
    /// Schedules one or more meetings; returns how many.
    async fn schedule_meetings(&self, actor: &shared::policy::Actor, input: ScheduleInput) -> Result<usize, AppError>;
    /// One meeting.
    async fn meeting(&self, actor: &shared::policy::Actor, id: &str) -> Result<MeetingView, AppError>;
    /// Puts cases with children or vulnerable adults first, keeping the order within each group.
    async fn order_children_first(&self, actor: &shared::policy::Actor, id: &str) -> Result<(), AppError>;
    /// Moves an agenda item up or down.
    async fn move_agenda_item(&self, actor: &shared::policy::Actor, id: &str, case_id: &str, up: bool) -> Result<(), AppError>;
    /// Invites or uninvites an agency.
    async fn set_invitation(&self, actor: &shared::policy::Actor, id: &str, agency_id: &str, invited: bool) -> Result<(), AppError>;
    /// Publishes the agenda with a research deadline.
    async fn publish_agenda(&self, actor: &shared::policy::Actor, id: &str, research_deadline: &str) -> Result<(), AppError>;
    /// Moves the meeting to its next status (start; close to minutes in draft).
    async fn advance_meeting(&self, actor: &shared::policy::Actor, id: &str, to: &str) -> Result<(), AppError>;
    /// Records the actor's acknowledgement of the confidentiality statement.
    async fn acknowledge(&self, actor: &shared::policy::Actor, id: &str) -> Result<(), AppError>;
    /// Sets a person's attendance.
    async fn set_attendance(&self, actor: &shared::policy::Actor, input: AttendanceInput) -> Result<(), AppError>;
    /// A case as the meeting works on it.
    async fn case_at_meeting(&self, actor: &shared::policy::Actor, id: &str, case_id: &str) -> Result<CaseAtMeeting, AppError>;
    /// The actor's agency's research list for the meeting.
    async fn research_list(&self, actor: &shared::policy::Actor, id: &str) -> Result<ResearchList, AppError>;
    /// Adds the actor's agency's research.
    async fn add_research(&self, actor: &shared::policy::Actor, input: EntryInput) -> Result<(), AppError>;
    /// Records the actor's agency's research answer.
    async fn answer_research(&self, actor: &shared::policy::Actor, input: ResearchAnswerInput) -> Result<(), AppError>;
    /// Marks someone in or out of the room for a case.
    async fn set_item_attendance(&self, actor: &shared::policy::Actor, input: ItemAttendanceInput) -> Result<(), AppError>;
    /// Adds a minute entry.
    async fn add_entry(&self, actor: &shared::policy::Actor, input: EntryInput) -> Result<(), AppError>;
    /// Edits a minute entry if nobody changed it since `version`.
    async fn edit_entry(&self, actor: &shared::policy::Actor, input: EntryEdit) -> Result<i64, AppError>;
    /// Saves risks and decision if nobody changed them since `version`.
    async fn save_case_minutes(&self, actor: &shared::policy::Actor, input: CaseMinutesInput) -> Result<i64, AppError>;
    /// Finalises the minutes (the chair).
    async fn finalise_minutes(&self, actor: &shared::policy::Actor, id: &str) -> Result<(), AppError>;
    /// Amends final minutes, keeping the original.
    async fn amend_minutes(&self, actor: &shared::policy::Actor, input: AmendInput) -> Result<(), AppError>;
    /// Agrees an action.
    async fn add_action(&self, actor: &shared::policy::Actor, input: ActionInput) -> Result<(), AppError>;
    /// Updates an action's status if nobody changed it since `version`.
    async fn update_action(&self, actor: &shared::policy::Actor, input: ActionUpdate) -> Result<i64, AppError>;
    /// Actions: the agency's (`agency`), on the IDVA's cases (`cases`), or all outstanding (`all`).
    async fn actions(&self, actor: &shared::policy::Actor, scope: &str) -> Result<Vec<ActionView>, AppError>;
    /// The calendar file for a meeting (no case detail).
    async fn calendar(&self, actor: &shared::policy::Actor, id: &str) -> Result<String, AppError>;
    /// Whether the actor may follow the meeting's live changes (they may see the meeting).
    async fn follow_meeting(&self, actor: &shared::policy::Actor, id: &str) -> Result<(), AppError>;
}

macro_rules! meeting_fns {
    ($( $(#[$doc:meta])* $endpoint:literal $(, $enc:ident)? => fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty = $method:ident($($call:expr),*); )*) => {
        $(
            $(#[$doc])*
            #[server(endpoint = $endpoint $(, input = $enc)?, client = crate::api::client::RoundtableClient)]
            pub async fn $name($($arg: $ty),*) -> Result<$ret, AppError> {
                use crate::backend as b;
                b::backend()?.$method(&b::require_actor()?, $($call),*).await
            }
        )*
    };
}

meeting_fns! {
    /// Meetings the actor may see.
    "meetings/list" => fn list_meetings() -> MeetingList = meetings();
    /// Schedules meetings.
    "meetings/schedule", Json => fn schedule_meetings(input: ScheduleInput) -> usize = schedule_meetings(input);
    /// One meeting.
    "meetings/view" => fn view_meeting(id: String) -> MeetingView = meeting(&id);
    /// Moves an agenda item.
    "meetings/move-item" => fn move_agenda_item(id: String, case_id: String, up: bool) -> () = move_agenda_item(&id, &case_id, up);
    /// Puts cases with children first.
    "meetings/order-children-first" => fn order_children_first(id: String) -> () = order_children_first(&id);
    /// Invites or uninvites an agency.
    "meetings/invite" => fn set_invitation(id: String, agency_id: String, invited: bool) -> () = set_invitation(&id, &agency_id, invited);
    /// Publishes the agenda.
    "meetings/publish" => fn publish_agenda(id: String, research_deadline: String) -> () = publish_agenda(&id, &research_deadline);
    /// Moves the meeting on.
    "meetings/advance" => fn advance_meeting(id: String, to: String) -> () = advance_meeting(&id, &to);
    /// Acknowledges the confidentiality statement.
    "meetings/acknowledge" => fn acknowledge(id: String) -> () = acknowledge(&id);
    /// Sets attendance.
    "meetings/attendance", Json => fn set_attendance(input: AttendanceInput) -> () = set_attendance(input);
    /// A case at the meeting.
    "meetings/case" => fn open_meeting_case(id: String, case_id: String) -> CaseAtMeeting = case_at_meeting(&id, &case_id);
    /// The agency's research list.
    "meetings/research-list" => fn open_research_list(id: String) -> ResearchList = research_list(&id);
    /// Adds research.
    "meetings/research", Json => fn add_research(input: EntryInput) -> () = add_research(input);
    /// Records a research answer.
    "meetings/research-answer", Json => fn answer_research(input: ResearchAnswerInput) -> () = answer_research(input);
    /// Marks someone in or out of the room for a case.
    "meetings/item-attendance", Json => fn set_item_attendance(input: ItemAttendanceInput) -> () = set_item_attendance(input);
    /// Adds a minute entry.
    "minutes/add-entry", Json => fn add_entry(input: EntryInput) -> () = add_entry(input);
    /// Edits a minute entry.
    "minutes/edit-entry", Json => fn edit_entry(input: EntryEdit) -> i64 = edit_entry(input);
    /// Saves risks and decision.
    "minutes/save-case", Json => fn save_case_minutes(input: CaseMinutesInput) -> i64 = save_case_minutes(input);
    /// Finalises the minutes.
    "minutes/finalise" => fn finalise_minutes(id: String) -> () = finalise_minutes(&id);
    /// Amends final minutes.
    "minutes/amend", Json => fn amend_minutes(input: AmendInput) -> () = amend_minutes(input);
    /// Agrees an action.
    "actions/add", Json => fn add_action(input: ActionInput) -> () = add_action(input);
    /// Updates an action.
    "actions/update", Json => fn update_action(input: ActionUpdate) -> i64 = update_action(input);
    /// Lists actions.
    "actions/list" => fn list_actions(scope: String) -> Vec<ActionView> = actions(&scope);
}

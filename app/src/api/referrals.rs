//! Referrals: the referrer's drafts and submissions, and the coordinator's triage (repeat
//! check, accept onto a meeting, ask for more information, reject).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;
use shared::referral::{ReferralForm, ReferralStatus};

use crate::error::AppError;

/// One of the referrer's own referrals, for their list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralSummary {
    /// Its id.
    pub id: String,
    /// Its reference, once submitted.
    pub reference: Option<String>,
    /// Where it stands.
    pub status: ReferralStatus,
    /// The victim's name as typed (absent once rejected and destroyed).
    pub victim_name: Option<String>,
    /// Last change (Unix seconds); for a rejected referral, when it was rejected.
    pub updated_at: i64,
    /// Why the coordinator rejected it, in words (only for a rejected referral).
    #[serde(default)]
    pub rejection_reason: Option<String>,
}

/// A draft (or a referral waiting for more information) as its referrer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftView {
    /// Its id.
    pub id: String,
    /// Where it stands.
    pub status: ReferralStatus,
    /// Its reference, once submitted.
    pub reference: Option<String>,
    /// The form as last saved (only while a draft).
    pub form: ReferralForm,
    /// What the coordinator asked, when they asked for more.
    pub information_request: Option<String>,
    /// The referrer's agency.
    pub agency_name: String,
    /// Last save (Unix seconds).
    pub updated_at: i64,
}

/// A draft to save or submit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftInput {
    /// The draft's id.
    pub id: String,
    /// The form as typed.
    pub form: ReferralForm,
}

/// A referral waiting for the coordinator, in the triage list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriageSummary {
    /// Its id.
    pub id: String,
    /// Its reference.
    pub reference: String,
    /// Where it stands.
    pub status: ReferralStatus,
    /// The referring agency.
    pub agency_name: String,
    /// When it was submitted (Unix seconds).
    pub submitted_at: i64,
    /// The victim's name.
    pub victim_name: String,
    /// Criteria met, in words.
    pub criteria: Vec<String>,
    /// How many earlier cases may be the same victim.
    pub repeat_candidates: usize,
    /// Whether children or vulnerable adults live in the household.
    pub has_household: bool,
}

/// An earlier case that may be the same victim, for the coordinator to confirm or reject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepeatCandidate {
    /// The case.
    pub case_id: String,
    /// Its reference.
    pub reference: String,
    /// Its victim's name.
    pub victim_name: String,
    /// Its victim's date of birth (ISO), if known.
    pub victim_dob: Option<String>,
    /// When it was last heard (ISO).
    pub last_heard_on: String,
    /// How strong the match is, in words.
    pub strength: String,
    /// Whether the last hearing falls within the 12 months before the new incident.
    pub within_twelve_months: bool,
    /// The coordinator's decision so far: `confirmed`, `rejected` or none.
    pub decision: Option<String>,
}

/// A meeting a referral can be accepted onto.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingChoice {
    /// The meeting.
    pub id: String,
    /// Date, time and place in words.
    pub label: String,
    /// Places left on the agenda.
    pub places_left: i64,
}

/// The full referral as the coordinator triages it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriageView {
    /// Summary line.
    pub summary: TriageSummary,
    /// The referrer's name.
    pub referrer_name: String,
    /// Date of the latest incident (ISO).
    pub latest_incident_on: String,
    /// DASH score when completed.
    pub dash_score: Option<u8>,
    /// The professional-judgement reason, if given.
    pub professional_judgement: Option<String>,
    /// Police call-outs in 12 months, if known.
    pub police_callouts: Option<i64>,
    /// Whether the referrer believes it is a repeat.
    pub believed_repeat: bool,
    /// Consent in words, and the reason given.
    pub consent: String,
    /// The lawful basis or reason for sharing.
    pub consent_reason: Option<String>,
    /// The summary, as safe HTML.
    pub summary_html: shared::markdown::SafeHtml,
    /// The victim's name and date of birth.
    pub victim: String,
    /// Perpetrators: name and relationship.
    pub perpetrators: Vec<String>,
    /// Household members: name, age and relationship.
    pub household: Vec<String>,
    /// What the coordinator asked, and the referrer's reply.
    pub information_request: Option<String>,
    /// The referrer's reply.
    pub information_reply: Option<String>,
    /// Earlier cases that may be the same victim.
    pub candidates: Vec<RepeatCandidate>,
    /// Meetings it can be accepted onto, soonest first.
    pub meetings: Vec<MeetingChoice>,
    /// IDVAs who can be assigned to the case: (user id, name).
    #[serde(default)]
    pub idvas: Vec<(String, String)>,
}

/// Accepting a referral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptInput {
    /// The referral.
    pub referral_id: String,
    /// The meeting, or blank for the next one with room.
    pub meeting_id: String,
    /// The IDVA to assign to the case, or blank to leave it as it is.
    #[serde(default)]
    pub idva_user_id: String,
}

/// Referral operations.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait ReferralBackend: Send + Sync + 'static {
    /// The actor's own referrals, newest first.
    async fn my_referrals(&self, actor: &shared::policy::Actor) -> Result<Vec<ReferralSummary>, AppError>;
    /// Starts a new draft; returns its id.
    async fn new_referral(&self, actor: &shared::policy::Actor) -> Result<String, AppError>;
    /// One of the actor's own drafts.
    async fn referral_draft(&self, actor: &shared::policy::Actor, id: &str) -> Result<DraftView, AppError>;
    /// Saves a draft as typed (no checks beyond size).
    async fn save_draft(&self, actor: &shared::policy::Actor, input: DraftInput) -> Result<i64, AppError>;
    /// Checks and submits a draft; returns its reference.
    async fn submit_referral(&self, actor: &shared::policy::Actor, input: DraftInput) -> Result<String, AppError>;
    /// Deletes one of the actor's drafts.
    async fn discard_draft(&self, actor: &shared::policy::Actor, id: &str) -> Result<(), AppError>;
    /// Answers the coordinator's request for more information.
    async fn reply_to_request(&self, actor: &shared::policy::Actor, id: &str, reply: &str) -> Result<(), AppError>;
    /// Referrals waiting for triage.
    async fn triage_list(&self, actor: &shared::policy::Actor) -> Result<Vec<TriageSummary>, AppError>;
    /// One referral for triage, with its repeat candidates.
    async fn triage_view(&self, actor: &shared::policy::Actor, id: &str) -> Result<TriageView, AppError>;
    /// Confirms or rejects one repeat candidate.
    async fn decide_repeat(&self, actor: &shared::policy::Actor, id: &str, case_id: &str, confirmed: bool) -> Result<(), AppError>;
    /// Accepts the referral onto a meeting; returns the case id.
    async fn accept_referral(&self, actor: &shared::policy::Actor, input: AcceptInput) -> Result<String, AppError>;
    /// Asks the referrer for more information.
    async fn request_information(&self, actor: &shared::policy::Actor, id: &str, request: &str) -> Result<(), AppError>;
    /// Rejects the referral and destroys its personal data.
    async fn reject_referral(&self, actor: &shared::policy::Actor, id: &str, reason: &str) -> Result<(), AppError>;
}

/// The actor's own referrals.
#[server(endpoint = "referrals/mine", client = crate::api::client::RoundtableClient)]
pub async fn my_referrals() -> Result<Vec<ReferralSummary>, AppError> {
    use crate::backend as b;
    b::backend()?.my_referrals(&b::require_actor()?).await
}

/// Starts a new referral.
#[server(endpoint = "referrals/new", client = crate::api::client::RoundtableClient)]
pub async fn new_referral() -> Result<String, AppError> {
    use crate::backend as b;
    b::backend()?.new_referral(&b::require_actor()?).await
}

/// One of the actor's drafts.
#[server(endpoint = "referrals/draft", client = crate::api::client::RoundtableClient)]
pub async fn referral_draft(id: String) -> Result<DraftView, AppError> {
    use crate::backend as b;
    b::backend()?.referral_draft(&b::require_actor()?, &id).await
}

/// Saves a draft as typed; returns when it was saved (Unix seconds).
#[server(endpoint = "referrals/save-draft", input = Json, client = crate::api::client::RoundtableClient)]
pub async fn save_draft(input: DraftInput) -> Result<i64, AppError> {
    use crate::backend as b;
    b::backend()?.save_draft(&b::require_actor()?, input).await
}

/// Checks and submits a referral.
#[server(endpoint = "referrals/submit", input = Json, client = crate::api::client::RoundtableClient)]
pub async fn submit_referral(input: DraftInput) -> Result<String, AppError> {
    use crate::backend as b;
    b::backend()?.submit_referral(&b::require_actor()?, input).await
}

/// Deletes a draft.
#[server(endpoint = "referrals/discard", client = crate::api::client::RoundtableClient)]
pub async fn discard_draft(id: String) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.discard_draft(&b::require_actor()?, &id).await
}

/// Answers the coordinator's request for more information.
#[server(endpoint = "referrals/reply", client = crate::api::client::RoundtableClient)]
pub async fn reply_to_request(id: String, reply: String) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.reply_to_request(&b::require_actor()?, &id, &reply).await
}

/// Referrals waiting for triage.
#[server(endpoint = "triage/list", client = crate::api::client::RoundtableClient)]
pub async fn triage_list() -> Result<Vec<TriageSummary>, AppError> {
    use crate::backend as b;
    b::backend()?.triage_list(&b::require_actor()?).await
}

/// One referral for triage.
#[server(endpoint = "triage/view", client = crate::api::client::RoundtableClient)]
pub async fn triage_referral(id: String) -> Result<TriageView, AppError> {
    use crate::backend as b;
    b::backend()?.triage_view(&b::require_actor()?, &id).await
}

/// Confirms or rejects a repeat candidate.
#[server(endpoint = "triage/decide-repeat", client = crate::api::client::RoundtableClient)]
pub async fn decide_repeat(id: String, case_id: String, confirmed: bool) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.decide_repeat(&b::require_actor()?, &id, &case_id, confirmed).await
}

/// Accepts a referral onto a meeting.
#[server(endpoint = "triage/accept", input = Json, client = crate::api::client::RoundtableClient)]
pub async fn accept_referral(input: AcceptInput) -> Result<String, AppError> {
    use crate::backend as b;
    b::backend()?.accept_referral(&b::require_actor()?, input).await
}

/// Asks the referrer for more information.
#[server(endpoint = "triage/request-information", client = crate::api::client::RoundtableClient)]
pub async fn request_information(id: String, request: String) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.request_information(&b::require_actor()?, &id, &request).await
}

/// Rejects a referral.
#[server(endpoint = "triage/reject", client = crate::api::client::RoundtableClient)]
pub async fn reject_referral(id: String, reason: String) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.reject_referral(&b::require_actor()?, &id, &reason).await
}

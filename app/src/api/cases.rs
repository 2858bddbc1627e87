//! Case records, shown part by part as the access policy allows; search; the coordinator's
//! management of involved agencies, the IDVA and closure.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

use crate::error::AppError;

/// A case in a list or search result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseHit {
    /// The case.
    pub id: String,
    /// Its reference.
    pub reference: String,
    /// Its victim's name.
    pub victim_name: String,
    /// Its victim's date of birth (ISO), if known.
    pub victim_dob: Option<String>,
    /// `open` or `closed`.
    pub status: String,
    /// When it was last heard (ISO), if ever.
    pub last_heard_on: Option<String>,
    /// The next meeting it is on (in words), if any.
    pub next_meeting: Option<String>,
    /// Whether it is restricted (data protection).
    pub restricted: bool,
}

/// Risk: criteria, DASH, summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskView {
    /// Criteria met, in words.
    pub criteria: Vec<String>,
    /// DASH score when completed.
    pub dash_score: Option<u8>,
    /// Police call-outs in the last 12 months, if known.
    pub police_callouts: Option<i64>,
    /// Professional-judgement reason, if given.
    pub professional_judgement: Option<String>,
    /// Date of the latest incident (ISO).
    pub latest_incident_on: String,
    /// Summary of the incident and risks, as safe HTML.
    pub summary_html: String,
}

/// The victim's identifying details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimIdentity {
    /// Name.
    pub name: String,
    /// Other names.
    pub other_names: Vec<String>,
    /// Date of birth (ISO), if known.
    pub date_of_birth: Option<String>,
}

/// The victim's profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimProfile {
    /// Gender.
    pub gender: Option<String>,
    /// Ethnicity.
    pub ethnicity: Option<String>,
    /// Disability.
    pub disability: Option<String>,
    /// Sexual orientation.
    pub sexual_orientation: Option<String>,
    /// First language.
    pub first_language: Option<String>,
    /// Whether an interpreter is needed.
    pub interpreter_needed: bool,
}

/// How to reach the victim safely.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimContact {
    /// Address.
    pub address: Option<String>,
    /// Safe contact details.
    pub safe_contact: Option<String>,
    /// Safe times to call.
    pub safe_times: Option<String>,
}

/// A perpetrator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerpetratorView {
    /// Name.
    pub name: String,
    /// Other names.
    pub other_names: Vec<String>,
    /// Date of birth (ISO), if known.
    pub date_of_birth: Option<String>,
    /// Gender.
    pub gender: Option<String>,
    /// Relationship to the victim.
    pub relationship: String,
    /// Address, when the viewer may see it.
    pub address: Option<String>,
}

/// A child or vulnerable adult in the household.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdView {
    /// Name.
    pub name: String,
    /// Date of birth (ISO), if known.
    pub date_of_birth: Option<String>,
    /// Relationship to the victim.
    pub relationship: String,
    /// School or agency involved.
    pub involvement: Option<String>,
}

/// Consent and who referred.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentView {
    /// Consent in words.
    pub consent: String,
    /// Lawful basis or reason given.
    pub reason: Option<String>,
    /// The referrer.
    pub referrer_name: String,
    /// The referrer's agency.
    pub agency_name: String,
}

/// An agency working with the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvolvementView {
    /// The agency.
    pub agency_id: String,
    /// Its name.
    pub agency_name: String,
    /// Stored involvement.
    pub involvement: String,
    /// Involvement in words.
    pub label: String,
}

/// A referral in the case's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryItem {
    /// Its reference.
    pub reference: String,
    /// Date referred (ISO).
    pub referred_on: String,
    /// The referring agency.
    pub agency_name: String,
    /// Whether it was a confirmed repeat.
    pub repeat: bool,
}

/// Choices the coordinator has when managing the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManageChoices {
    /// Current signatory agencies: (id, name).
    pub agencies: Vec<(String, String)>,
    /// IDVAs: (user id, name).
    pub idvas: Vec<(String, String)>,
}

/// A case as one person may see it: every part they may not see is `None`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    /// The case.
    pub id: String,
    /// Its reference.
    pub reference: String,
    /// `open` or `closed`.
    pub status: String,
    /// Closure date and reason, when closed.
    pub closed: Option<(String, String)>,
    /// Whether the case is restricted.
    pub restricted: bool,
    /// Risk.
    pub risk: Option<RiskView>,
    /// The victim's identity.
    pub victim: Option<VictimIdentity>,
    /// The victim's profile.
    pub victim_profile: Option<VictimProfile>,
    /// The victim's contact details.
    pub victim_contact: Option<VictimContact>,
    /// Perpetrators.
    pub perpetrators: Option<Vec<PerpetratorView>>,
    /// Household.
    pub household: Option<Vec<HouseholdView>>,
    /// Consent.
    pub consent: Option<ConsentView>,
    /// Agencies working with the case, and the IDVA's name.
    pub agencies: Option<(Vec<InvolvementView>, Option<String>)>,
    /// Referral history, oldest first.
    pub history: Vec<HistoryItem>,
    /// Dates heard (ISO), oldest first.
    pub hearings: Vec<String>,
    /// Meetings it is on the agenda of, in words.
    pub upcoming: Vec<String>,
    /// Actions agreed on it at meetings, soonest due first (with the risk part).
    pub actions: Vec<crate::api::meetings::ActionView>,
    /// Present when the viewer may manage the case.
    pub manage: Option<ManageChoices>,
    /// Corrections to details the viewer may see, oldest first.
    pub corrections: Vec<crate::api::data_protection::CorrectionView>,
    /// Details the viewer may correct: (`field:person_id`, words); empty when they may not.
    pub rectifiable: Vec<(String, String)>,
    /// Present for the data protection officer.
    pub data_protection: Option<crate::api::data_protection::DataProtectionPanel>,
}

/// Adding or removing an agency's involvement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvolvementInput {
    /// The case.
    pub case_id: String,
    /// The agency.
    pub agency_id: String,
    /// `victim`, `perpetrator` or `household`.
    pub involvement: String,
    /// Add (true) or remove (false).
    pub present: bool,
}

/// Case operations.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait CaseBackend: Send + Sync + 'static {
    /// Cases the actor works with (coordinators: every open case).
    async fn my_cases(&self, actor: &shared::policy::Actor) -> Result<Vec<CaseHit>, AppError>;
    /// One case, part by part as allowed; the read is audited.
    async fn case_view(&self, actor: &shared::policy::Actor, id: &str) -> Result<CaseView, AppError>;
    /// Searches by name, date of birth or reference; audited with the terms hashed.
    async fn search_cases(&self, actor: &shared::policy::Actor, query: &str) -> Result<Vec<CaseHit>, AppError>;
    /// Adds or removes an agency's involvement.
    async fn set_involvement(&self, actor: &shared::policy::Actor, input: InvolvementInput) -> Result<(), AppError>;
    /// Assigns the case's IDVA (blank: none).
    async fn assign_idva(&self, actor: &shared::policy::Actor, case_id: &str, user_id: &str) -> Result<(), AppError>;
    /// Closes the case with a reason.
    async fn close_case(&self, actor: &shared::policy::Actor, case_id: &str, reason: &str) -> Result<(), AppError>;
}

/// Cases the actor works with.
#[server(endpoint = "cases/mine", client = crate::api::client::RoundtableClient)]
pub async fn my_cases() -> Result<Vec<CaseHit>, AppError> {
    use crate::backend as b;
    b::backend()?.my_cases(&b::require_actor()?).await
}

/// One case.
#[server(endpoint = "cases/view", client = crate::api::client::RoundtableClient)]
pub async fn open_case(id: String) -> Result<CaseView, AppError> {
    use crate::backend as b;
    b::backend()?.case_view(&b::require_actor()?, &id).await
}

/// Searches cases.
#[server(endpoint = "cases/search", client = crate::api::client::RoundtableClient)]
pub async fn search_cases(query: String) -> Result<Vec<CaseHit>, AppError> {
    use crate::backend as b;
    b::backend()?.search_cases(&b::require_actor()?, &query).await
}

/// Adds or removes an agency's involvement.
#[server(endpoint = "cases/set-involvement", input = Json, client = crate::api::client::RoundtableClient)]
pub async fn set_involvement(input: InvolvementInput) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.set_involvement(&b::require_actor()?, input).await
}

/// Assigns the case's IDVA.
#[server(endpoint = "cases/assign-idva", client = crate::api::client::RoundtableClient)]
pub async fn assign_idva(case_id: String, user_id: String) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.assign_idva(&b::require_actor()?, &case_id, &user_id).await
}

/// Closes a case.
#[server(endpoint = "cases/close", client = crate::api::client::RoundtableClient)]
pub async fn close_case(case_id: String, reason: String) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.close_case(&b::require_actor()?, &case_id, &reason).await
}

//! Case records, shown part by part as the access policy allows; search; the coordinator's
//! management of involved agencies, the IDVA and closure.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

use crate::error::AppError;

pub use shared::casefile::HistoryItem;
pub use shared::views::case::{
    CaseHit, CaseParties, CaseRecord, ConsentView, DashLine, HouseholdView, InvolvementView, PerpetratorView, ReferralView, VictimAddress,
    VictimContact, VictimIdentity, VictimProfile,
};

/// Choices the coordinator has when managing the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManageChoices {
    /// Current signatory agencies: (id, name).
    pub agencies: Vec<(String, String)>,
    /// IDVAs: (user id, name).
    pub idvas: Vec<(String, String)>,
}

/// A case as one person may see it, with what the coordinator and the DPO can do to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    /// The case, part by part as the policy allows: every part not granted is `None`.
    pub record: CaseRecord,
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

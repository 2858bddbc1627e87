//! Data protection for the DPO: retention (what falls due, past purge runs, legal holds),
//! restriction, erasure and objections; and rectification for coordinators and the DPO.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

use crate::error::AppError;

/// A closed case as the retention schedule sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetainedCase {
    /// The case.
    pub case_id: String,
    /// Its reference.
    pub reference: String,
    /// When it closed (ISO), if it did.
    pub closed_on: Option<String>,
    /// When it falls due for purging (ISO), if closed.
    pub due_on: Option<String>,
    /// Whether a legal hold stops its purge.
    pub held: bool,
    /// Why it is held.
    pub hold_reason: Option<String>,
    /// Whether it is restricted.
    pub restricted: bool,
}

/// One purge run: when, and how many records of each kind went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeRun {
    /// When (Unix seconds).
    pub at: i64,
    /// (kind, count), kinds with none left out.
    pub counts: Vec<(String, u64)>,
}

/// The DPO's retention page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionView {
    /// Years a case is kept after closing.
    pub case_years: u8,
    /// Years an audit entry is kept.
    pub audit_years: u8,
    /// Minutes between purge runs, if the server runs them.
    pub interval_minutes: Option<u64>,
    /// Cases falling due in the next 90 days (overdue ones too), soonest first.
    pub due: Vec<RetainedCase>,
    /// Cases under a legal hold.
    pub held: Vec<RetainedCase>,
    /// The latest purge runs, newest first.
    pub runs: Vec<PurgeRun>,
    /// The latest erasures, newest first, with what they could not reach.
    pub erasures: Vec<ErasureNote>,
}

/// One erasure, as the DPO reviews it afterwards.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureNote {
    /// When (Unix seconds).
    pub at: i64,
    /// What was erased: "a whole case" or "a household member".
    pub what: String,
    /// Mentions replaced in free text, and subject access requests deleted.
    pub removed: Vec<(String, u64)>,
    /// What erasure could not reach, in words (copies already downloaded...).
    pub not_reached: Vec<String>,
}

/// Placing or lifting a legal hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldInput {
    /// The case reference, e.g. `C-2026-00001`.
    pub reference: String,
    /// Why (required when placing).
    pub reason: String,
    /// Place (true) or lift (false).
    pub hold: bool,
}

/// Restricting a case or lifting the restriction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestrictInput {
    /// The case.
    pub case_id: String,
    /// Why.
    pub reason: String,
    /// Restrict (true) or lift (false).
    pub restricted: bool,
}

/// A correction of one detail of a person in a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RectifyInput {
    /// The case.
    pub case_id: String,
    /// `field:person_id`, as offered by the case record.
    pub target: String,
    /// The corrected value (ISO date for dates; blank clears an optional detail).
    pub value: String,
    /// Why.
    pub reason: String,
}

/// Erasing a household member, or a whole case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EraseInput {
    /// The case.
    pub case_id: String,
    /// `household:<id>` or `case`.
    pub target: String,
    /// An [`shared::data_protection::ErasureGround`] code.
    pub ground: String,
}

/// An objection received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionInput {
    /// The case.
    pub case_id: String,
    /// `victim:<id>`, `perpetrator:<id>` or `household:<id>`.
    pub person: String,
    /// When it was received (ISO).
    pub received_on: String,
    /// What the person objects to and why.
    pub grounds: String,
}

/// The DPO's decision on an objection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionDecisionInput {
    /// The objection.
    pub objection_id: String,
    /// `upheld` or `not_upheld`.
    pub decision: String,
    /// The reasoning.
    pub reasoning: String,
    /// The date of the decision (ISO).
    pub decided_on: String,
}

/// A correction in a case's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionView {
    /// What was corrected, in words.
    pub field: String,
    /// The value it replaced.
    pub old_value: String,
    /// The value it became.
    pub new_value: String,
    /// Why.
    pub reason: String,
    /// Who.
    pub by: String,
    /// When (Unix seconds).
    pub at: i64,
}

/// An objection recorded against a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionView {
    /// The objection.
    pub id: String,
    /// Whose, in words.
    pub person: String,
    /// Received (ISO).
    pub received_on: String,
    /// The grounds.
    pub grounds: String,
    /// The decision in words.
    pub decision: String,
    /// Whether it is decided.
    pub decided: bool,
    /// The reasoning, once decided.
    pub reasoning: Option<String>,
    /// The date decided (ISO).
    pub decided_on: Option<String>,
}

/// What the DPO sees and may do on a case record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataProtectionPanel {
    /// Why it is restricted, when it is.
    pub restriction_reason: Option<String>,
    /// Why it is held, when it is.
    pub hold_reason: Option<String>,
    /// People objections can be recorded against: (value, words).
    pub people: Vec<(String, String)>,
    /// What can be erased: (value, words).
    pub erasable: Vec<(String, String)>,
    /// Objections recorded.
    pub objections: Vec<ObjectionView>,
}

/// Data protection operations.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait DataProtectionBackend: Send + Sync + 'static {
    /// The retention page.
    async fn retention(&self, actor: &shared::policy::Actor) -> Result<RetentionView, AppError>;
    /// Places or lifts a legal hold.
    async fn set_hold(&self, actor: &shared::policy::Actor, input: HoldInput) -> Result<(), AppError>;
    /// Restricts a case or lifts the restriction.
    async fn set_restriction(&self, actor: &shared::policy::Actor, input: RestrictInput) -> Result<(), AppError>;
    /// Corrects a detail, keeping the old value in the history.
    async fn rectify(&self, actor: &shared::policy::Actor, input: RectifyInput) -> Result<(), AppError>;
    /// Erases a household member or a whole case.
    async fn erase(&self, actor: &shared::policy::Actor, input: EraseInput) -> Result<(), AppError>;
    /// Records an objection.
    async fn record_objection(&self, actor: &shared::policy::Actor, input: ObjectionInput) -> Result<(), AppError>;
    /// Records the decision on an objection.
    async fn decide_objection(&self, actor: &shared::policy::Actor, input: ObjectionDecisionInput) -> Result<(), AppError>;
}

/// The retention page.
#[server(endpoint = "retention/overview", client = crate::api::client::RoundtableClient)]
pub async fn retention_overview() -> Result<RetentionView, AppError> {
    use crate::backend as b;
    b::backend()?.retention(&b::require_actor()?).await
}

/// Places or lifts a legal hold.
#[server(endpoint = "retention/hold", input = Json, client = crate::api::client::RoundtableClient)]
pub async fn set_hold(input: HoldInput) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.set_hold(&b::require_actor()?, input).await
}

/// Restricts a case or lifts the restriction.
#[server(endpoint = "cases/restrict", input = Json, client = crate::api::client::RoundtableClient)]
pub async fn set_restriction(input: RestrictInput) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.set_restriction(&b::require_actor()?, input).await
}

/// Corrects a detail of a person in a case.
#[server(endpoint = "cases/rectify", input = Json, client = crate::api::client::RoundtableClient)]
pub async fn rectify(input: RectifyInput) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.rectify(&b::require_actor()?, input).await
}

/// Erases a household member or a whole case.
#[server(endpoint = "cases/erase", input = Json, client = crate::api::client::RoundtableClient)]
pub async fn erase(input: EraseInput) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.erase(&b::require_actor()?, input).await
}

/// Records an objection.
#[server(endpoint = "cases/objection", input = Json, client = crate::api::client::RoundtableClient)]
pub async fn record_objection(input: ObjectionInput) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.record_objection(&b::require_actor()?, input).await
}

/// Records the decision on an objection.
#[server(endpoint = "cases/decide-objection", input = Json, client = crate::api::client::RoundtableClient)]
pub async fn decide_objection(input: ObjectionDecisionInput) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.decide_objection(&b::require_actor()?, input).await
}

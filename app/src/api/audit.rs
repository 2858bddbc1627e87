//! The audit log: verifying its hash chain (data protection officers and administrators).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::audit::Outcome;

use crate::error::AppError;

/// The result of checking the whole chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVerification {
    /// Rows checked before stopping (all of them when intact).
    pub rows_checked: u64,
    /// Rows in the log.
    pub rows_total: i64,
    /// The first row that does not verify, if any.
    pub first_broken_seq: Option<i64>,
    /// What is wrong with it.
    pub problem: Option<String>,
    /// How long the check took (milliseconds).
    pub elapsed_ms: u64,
    /// The chain head (`SEQ:HASH`) to record outside the server, when the log is intact.
    pub head: Option<String>,
    /// The latest signed checkpoint the chain was checked against: (entry, when), if any.
    pub checkpoint: Option<(i64, i64)>,
}

/// A checkpoint just written to the witness.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointView {
    /// The entry it records.
    pub seq: i64,
    /// That entry's seal.
    pub head: String,
    /// When (Unix seconds).
    pub at: i64,
}

/// What to look for in the audit log; blank fields match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// The acting person (user id).
    pub user_id: String,
    /// The acting person's agency (agency id).
    pub agency_id: String,
    /// A record id (a case, referral, meeting, person...) or a case reference (`C-2026-00005`).
    pub record_id: String,
    /// The action, e.g. `case.read`.
    pub action: String,
    /// From this day (`YYYY-MM-DD`, UTC).
    pub from: String,
    /// To this day, inclusive.
    pub to: String,
}

/// One audit entry as the DPO sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Its place in the chain.
    pub seq: i64,
    /// When (Unix seconds).
    pub at: i64,
    /// Who acted, if a person.
    pub actor: Option<String>,
    /// Their agency.
    pub agency: Option<String>,
    /// What they did.
    pub action: String,
    /// The kind of record and its id.
    pub record: Option<String>,
    /// How it ended.
    pub outcome: Outcome,
    /// Ids and counts recorded with it (never personal data).
    pub details: String,
}

/// A search of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditSearch {
    /// Matching entries, newest first (at most 500).
    pub entries: Vec<AuditEntry>,
    /// How many entries match in all.
    pub matching: i64,
    /// People to filter by: (id, name).
    pub people: Vec<(String, String)>,
    /// Agencies to filter by: (id, name).
    pub agencies: Vec<(String, String)>,
    /// Actions recorded so far.
    pub actions: Vec<String>,
}

/// The audit operations.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AuditBackend: Send + Sync + 'static {
    /// Verifies the whole chain and records that it was checked.
    async fn verify_audit(&self, actor: &shared::policy::Actor) -> Result<AuditVerification, AppError>;
    /// Searches the log; the search itself is audited.
    async fn search_audit(&self, actor: &shared::policy::Actor, filter: AuditFilter) -> Result<AuditSearch, AppError>;
    /// A filtered extract as spreadsheet-safe CSV; audited, and needs a fresh passkey check.
    async fn export_audit(&self, actor: &shared::policy::Actor, filter: AuditFilter) -> Result<String, AppError>;
    /// Verifies the chain from the latest checkpoint and writes a new signed one to the witness.
    async fn record_checkpoint(&self, actor: &shared::policy::Actor) -> Result<CheckpointView, AppError>;
}

/// Writes a signed checkpoint of the audit chain to the witness now.
#[server(endpoint = "audit/checkpoint", client = crate::api::client::RoundtableClient)]
pub async fn record_checkpoint() -> Result<CheckpointView, AppError> {
    use crate::backend as b;
    b::backend()?.record_checkpoint(&b::require_actor()?).await
}

/// Searches the audit log.
#[server(endpoint = "audit/search", input = server_fn::codec::Json, client = crate::api::client::RoundtableClient)]
pub async fn search_audit(filter: AuditFilter) -> Result<AuditSearch, AppError> {
    use crate::backend as b;
    b::backend()?.search_audit(&b::require_actor()?, filter).await
}

/// Exports a filtered extract of the audit log as CSV.
#[server(endpoint = "audit/export", input = server_fn::codec::Json, client = crate::api::client::RoundtableClient)]
pub async fn export_audit(filter: AuditFilter) -> Result<String, AppError> {
    use crate::backend as b;
    b::backend()?.export_audit(&b::require_actor()?, filter).await
}

/// Verifies the audit chain.
#[server(endpoint = "audit/verify", client = crate::api::client::RoundtableClient)]
pub async fn verify_audit() -> Result<AuditVerification, AppError> {
    use crate::backend as b;
    b::backend()?.verify_audit(&b::require_actor()?).await
}

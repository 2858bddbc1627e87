//! Subject access requests, for the data protection officer: find a person across every record,
//! prepare the redacted export, review and approve it, then download it as JSON and PDF. Every
//! step but reviewing needs a fresh passkey check; all are audited.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::subject_access::{SubjectExport, SubjectKind};

use crate::error::AppError;

/// A person found by the search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectMatch {
    /// Which kind of record they are in: victim, perpetrator or household member.
    pub kind: SubjectKind,
    /// The row's id.
    pub id: String,
    /// Their name.
    pub name: String,
    /// Their date of birth, for people, if recorded.
    pub date_of_birth: String,
    /// The case reference, or that the referral was not heard.
    pub reference: String,
}

/// A request in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSummary {
    /// Its id.
    pub id: String,
    /// Whose data.
    pub subject: String,
    /// When and by whom it was prepared.
    pub prepared: String,
    /// When and by whom it was approved, if it was.
    pub approved: Option<String>,
}

/// A prepared request, for review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    /// The request.
    pub summary: RequestSummary,
    /// The redacted export.
    pub export: SubjectExport,
    /// Each released appearance's summary, rendered as the PDF renders it.
    pub summaries_html: Vec<Option<shared::markdown::SafeHtml>>,
}

/// Where an approved export is downloaded: `json` or `pdf`.
pub fn export_path(id: &str, format: &str) -> String {
    format!("/subject-access/{id}/export.{format}")
}

/// Subject access operations.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait SubjectAccessBackend: Send + Sync + 'static {
    /// People whose name contains `query`, across victims, perpetrators and household members.
    async fn find_subject(&self, actor: &shared::policy::Actor, query: &str) -> Result<Vec<SubjectMatch>, AppError>;
    /// Prepares the redacted export for a person found by the search; returns the request's id.
    async fn prepare_export(&self, actor: &shared::policy::Actor, kind: &str, id: &str) -> Result<String, AppError>;
    /// Recent requests.
    async fn subject_requests(&self, actor: &shared::policy::Actor) -> Result<Vec<RequestSummary>, AppError>;
    /// One request with its export, for review.
    async fn subject_request(&self, actor: &shared::policy::Actor, id: &str) -> Result<RequestView, AppError>;
    /// Approves the export for release.
    async fn approve_export(&self, actor: &shared::policy::Actor, id: &str) -> Result<(), AppError>;
    /// The approved export as a file: `json` or `pdf`; (content type, bytes).
    async fn export_file(&self, actor: &shared::policy::Actor, id: &str, format: &str) -> Result<(&'static str, Vec<u8>), AppError>;
}

/// Finds people by name.
#[server(endpoint = "subject-access/find", client = crate::api::client::RoundtableClient)]
pub async fn find_subject(query: String) -> Result<Vec<SubjectMatch>, AppError> {
    use crate::backend as b;
    b::backend()?.find_subject(&b::require_actor()?, &query).await
}

/// Prepares a redacted export.
#[server(endpoint = "subject-access/prepare", client = crate::api::client::RoundtableClient)]
pub async fn prepare_export(kind: String, id: String) -> Result<String, AppError> {
    use crate::backend as b;
    b::backend()?.prepare_export(&b::require_actor()?, &kind, &id).await
}

/// Recent requests.
#[server(endpoint = "subject-access/list", client = crate::api::client::RoundtableClient)]
pub async fn subject_requests() -> Result<Vec<RequestSummary>, AppError> {
    use crate::backend as b;
    b::backend()?.subject_requests(&b::require_actor()?).await
}

/// One request, for review.
#[server(endpoint = "subject-access/view", client = crate::api::client::RoundtableClient)]
pub async fn subject_request(id: String) -> Result<RequestView, AppError> {
    use crate::backend as b;
    b::backend()?.subject_request(&b::require_actor()?, &id).await
}

/// Approves an export.
#[server(endpoint = "subject-access/approve", client = crate::api::client::RoundtableClient)]
pub async fn approve_export(id: String) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.approve_export(&b::require_actor()?, &id).await
}

//! Restricted distribution of finalised minutes: the coordinator sends each invited agency's
//! people their own copy, sees who downloaded what and when, and revokes; a recipient opens
//! their copy's page and downloads it after confirming their passkey.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A meeting's distribution, for the coordinator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistributionView {
    /// The meeting.
    pub meeting_id: String,
    /// The minutes are final, so they may be sent.
    pub can_distribute: bool,
    /// When the current copies were sent, if they were.
    pub sent_at: Option<String>,
    /// Days each link works.
    pub link_days: u32,
    /// Whether notification emails can be sent (an SMTP server is configured).
    pub email_configured: bool,
    /// Per agency, its people's copies.
    pub agencies: Vec<AgencyCopies>,
}

/// One agency's copies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyCopies {
    /// The agency's id.
    pub agency_id: String,
    /// The agency's name.
    pub agency_name: String,
    /// Its people's copies.
    pub copies: Vec<CopyLine>,
}

/// One person's copy, as the coordinator sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyLine {
    /// The copy (document) id.
    pub copy_id: String,
    /// The recipient's name.
    pub recipient: String,
    /// Available, expired or revoked, with the expiry date.
    pub state: String,
    /// Whether it can still be downloaded.
    pub live: bool,
    /// Where the notification email stands, with the last error if it failed.
    pub email: String,
    /// The email failed every attempt and can be sent again.
    pub email_failed: bool,
    /// When each download happened.
    pub downloads: Vec<String>,
}

/// A copy, for its recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyView {
    /// The copy (document) id.
    pub id: String,
    /// The meeting's date and place.
    pub meeting: String,
    /// The recipient's agency.
    pub agency_name: String,
    /// Available, expired or revoked.
    pub state: String,
    /// When the link stops working.
    pub expires: String,
    /// Whether it can be downloaded.
    pub live: bool,
    /// Where the PDF is downloaded from.
    pub download_path: String,
}

/// Where a copy's PDF is downloaded from.
pub fn copy_pdf_path(copy_id: &str) -> String {
    format!("/copies/{copy_id}/minutes.pdf")
}

/// Where a copy's page is.
pub fn copy_page_path(copy_id: &str) -> String {
    format!("/copies/{copy_id}")
}

/// Where a person's agency's action list PDF is downloaded from.
pub const ACTIONS_PDF_PATH: &str = "/actions.pdf";

/// Distribution operations.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait DistributionBackend: Send + Sync + 'static {
    /// A meeting's distribution (the meeting's coordinator).
    async fn distribution(&self, actor: &shared::policy::Actor, meeting_id: &str) -> Result<DistributionView, AppError>;
    /// Sends the final minutes: a copy for each recipient, replacing (revoking) earlier copies.
    /// Returns how many copies were made.
    async fn distribute(&self, actor: &shared::policy::Actor, meeting_id: &str) -> Result<usize, AppError>;
    /// Revokes one agency's copies, or every copy when `agency_id` is blank.
    async fn revoke_copies(&self, actor: &shared::policy::Actor, meeting_id: &str, agency_id: &str) -> Result<(), AppError>;
    /// Queues a failed notification email again.
    async fn resend_email(&self, actor: &shared::policy::Actor, meeting_id: &str, copy_id: &str) -> Result<(), AppError>;
    /// A copy, for its recipient only.
    async fn copy(&self, actor: &shared::policy::Actor, copy_id: &str) -> Result<CopyView, AppError>;
    /// The copy's PDF, for its recipient only, after a recent passkey check; the download is logged.
    async fn copy_pdf(&self, actor: &shared::policy::Actor, copy_id: &str) -> Result<Vec<u8>, AppError>;
    /// The actor's agency's outstanding actions as a PDF, after a recent passkey check.
    async fn actions_pdf(&self, actor: &shared::policy::Actor) -> Result<Vec<u8>, AppError>;
}

/// A meeting's distribution.
#[server(endpoint = "distribution/view", client = crate::api::client::RoundtableClient)]
pub async fn meeting_distribution(meeting_id: String) -> Result<DistributionView, AppError> {
    use crate::backend as b;
    b::backend()?.distribution(&b::require_actor()?, &meeting_id).await
}

/// Sends the final minutes to every recipient.
#[server(endpoint = "distribution/send", client = crate::api::client::RoundtableClient)]
pub async fn distribute_minutes(meeting_id: String) -> Result<usize, AppError> {
    use crate::backend as b;
    b::backend()?.distribute(&b::require_actor()?, &meeting_id).await
}

/// Revokes an agency's copies (every copy when `agency_id` is blank).
#[server(endpoint = "distribution/revoke", client = crate::api::client::RoundtableClient)]
pub async fn revoke_copies(meeting_id: String, agency_id: String) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.revoke_copies(&b::require_actor()?, &meeting_id, &agency_id).await
}

/// Queues a failed email again.
#[server(endpoint = "distribution/resend", client = crate::api::client::RoundtableClient)]
pub async fn resend_email(meeting_id: String, copy_id: String) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.resend_email(&b::require_actor()?, &meeting_id, &copy_id).await
}

/// A copy, for its recipient.
#[server(endpoint = "distribution/copy", client = crate::api::client::RoundtableClient)]
pub async fn minutes_copy(copy_id: String) -> Result<CopyView, AppError> {
    use crate::backend as b;
    b::backend()?.copy(&b::require_actor()?, &copy_id).await
}

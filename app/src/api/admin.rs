//! Administration: agencies and their ISA standing, ISA versions and signatures, people and
//! their roles, enrolment links, live sessions.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;
use shared::identity::{AgencyKind, Role};
use shared::isa::IsaState;

use crate::error::AppError;

/// An agency as the agencies table shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencySummary {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: AgencyKind,
    /// Secure contact address.
    pub secure_email: String,
    /// What the administrator set: active, suspended or withdrawn.
    pub state: IsaState,
    /// Why it was suspended or withdrawn.
    pub state_reason: Option<String>,
    /// Its standing today, for people ("Current", "Expired"...).
    pub status_label: String,
    /// Whether its people may use Roundtable today.
    pub current: bool,
    /// Its latest signature of the ISA.
    pub signature: Option<SignatureView>,
    /// How many active people it has.
    pub people: i64,
}

/// A signature of the ISA.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureView {
    /// The version's label.
    pub version_label: String,
    /// Who signed for the agency.
    pub signed_by: String,
    /// When (ISO date).
    pub signed_on: String,
    /// When it must be reviewed (ISO date).
    pub review_on: String,
}

/// A new agency, or changes to one (`id` set).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyInput {
    /// The agency to change; `None` creates one.
    pub id: Option<String>,
    /// Name.
    pub name: String,
    /// Kind (stored form).
    pub kind: String,
    /// Secure contact address.
    pub secure_email: String,
}

/// A change of an agency's standing: suspend, withdraw or reinstate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyStateInput {
    /// The agency.
    pub agency_id: String,
    /// `active`, `suspended` or `withdrawn`.
    pub state: String,
    /// Why (required unless reinstating).
    pub reason: String,
}

/// A signature to record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureInput {
    /// The agency.
    pub agency_id: String,
    /// The ISA version signed.
    pub isa_version_id: String,
    /// Who signed for the agency.
    pub signed_by: String,
    /// When (YYYY-MM-DD).
    pub signed_on: String,
    /// Review date (YYYY-MM-DD).
    pub review_on: String,
}

/// A version of the ISA.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IsaVersionView {
    /// Id.
    pub id: String,
    /// Label, e.g. "Version 3 (2026)".
    pub label: String,
    /// When published (Unix seconds).
    pub published_at: i64,
    /// Date by which agencies must sign it, if any (ISO).
    pub resign_by: Option<String>,
    /// The agreement, rendered to safe HTML.
    pub body_html: shared::markdown::SafeHtml,
    /// The statement attendees acknowledge at each meeting.
    pub confidentiality_statement: String,
    /// How many agencies' latest signature is of this version.
    pub signatories: i64,
}

/// A new ISA version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IsaInput {
    /// Label.
    pub label: String,
    /// The agreement, in markdown.
    pub body_markdown: String,
    /// The confidentiality statement.
    pub confidentiality_statement: String,
    /// Re-sign-by date (YYYY-MM-DD) or blank.
    pub resign_by: String,
}

/// A person as the people table shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Work email.
    pub email: String,
    /// Agency id.
    pub agency_id: Option<String>,
    /// Agency name.
    pub agency_name: Option<String>,
    /// Roles, in display order.
    pub roles: Vec<Role>,
    /// Whether they may sign in.
    pub active: bool,
    /// How many passkeys they have.
    pub passkeys: i64,
    /// How many sessions they have open.
    pub sessions: i64,
    /// Whether an unused enrolment link is waiting for them.
    pub invitation_pending: bool,
}

/// A new person (invited at once) or changes to one (`id` set).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInput {
    /// The person to change; `None` creates and invites one.
    pub id: Option<String>,
    /// Name.
    pub name: String,
    /// Work email.
    pub email: String,
    /// Agency id, or blank for a platform administrator.
    pub agency_id: String,
    /// Roles (stored forms).
    pub roles: Vec<String>,
}

/// A one-time enrolment link, shown once to the person who created it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentLink {
    /// The person it is for.
    pub user_id: String,
    /// The link.
    pub url: String,
    /// When it stops working (Unix seconds).
    pub expires_at: i64,
    /// Privileged roles that wait for a second person's approval before they take effect
    /// (labels); empty when everything granted took effect.
    pub awaiting_approval: Vec<String>,
}

/// A grant of privileged roles waiting for a second person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrantView {
    /// Its id.
    pub id: String,
    /// Who would receive the roles.
    pub user_name: String,
    /// Their work email.
    pub user_email: String,
    /// Their agency.
    pub agency_name: Option<String>,
    /// The roles (labels).
    pub roles: Vec<String>,
    /// Who asked.
    pub requested_by: String,
    /// When (Unix seconds).
    pub requested_at: i64,
    /// Whether the viewer may approve or refuse it (not their own request, not for themselves).
    pub may_decide: bool,
}

/// The grants waiting, and what the viewer should know about two-person approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrantList {
    /// Grants waiting, oldest first.
    pub pending: Vec<RoleGrantView>,
    /// Whether two-person approval is on.
    pub approval_required: bool,
    /// Active administrators.
    pub administrators: i64,
    /// What the viewer should know (for example, that they are the only administrator).
    pub notice: Option<String>,
}

/// A live session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// An opaque id for ending it (not the secret).
    pub id: String,
    /// Whose it is.
    pub user_name: String,
    /// Their agency.
    pub agency_name: Option<String>,
    /// When it began (Unix seconds).
    pub created_at: i64,
    /// When it was last used (Unix seconds).
    pub last_seen_at: i64,
    /// Whether it is the viewer's own session.
    pub is_yours: bool,
}

/// What the admin pages need to build their forms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminView {
    /// Agencies.
    pub agencies: Vec<AgencySummary>,
    /// ISA versions, newest first.
    pub isa_versions: Vec<IsaVersionView>,
    /// Whether the viewer may change agencies and publish ISA versions (administrators).
    pub may_administer: bool,
    /// Roles the viewer may grant by invitation.
    pub grantable_roles: Vec<Role>,
}

/// The administration operations.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AdminBackend: Send + Sync + 'static {
    /// Agencies, ISA versions and what the viewer may do.
    async fn admin_overview(&self, actor: &shared::policy::Actor) -> Result<AdminView, AppError>;
    /// Creates or edits an agency; returns its id.
    async fn save_agency(&self, actor: &shared::policy::Actor, input: AgencyInput) -> Result<String, AppError>;
    /// Suspends, withdraws or reinstates an agency; its people's sessions end unless reinstated.
    async fn change_agency_state(&self, actor: &shared::policy::Actor, input: AgencyStateInput) -> Result<(), AppError>;
    /// Records an agency's signature of an ISA version.
    async fn record_signature(&self, actor: &shared::policy::Actor, input: SignatureInput) -> Result<(), AppError>;
    /// Publishes a new ISA version; returns its id.
    async fn publish_isa(&self, actor: &shared::policy::Actor, input: IsaInput) -> Result<String, AppError>;
    /// People.
    async fn list_users(&self, actor: &shared::policy::Actor) -> Result<Vec<UserSummary>, AppError>;
    /// Creates a person and an enrolment link for them.
    async fn invite_user(&self, actor: &shared::policy::Actor, input: UserInput) -> Result<EnrolmentLink, AppError>;
    /// Edits a person's name, email, agency and roles.
    async fn update_user(&self, actor: &shared::policy::Actor, input: UserInput) -> Result<(), AppError>;
    /// Disables (ending their sessions) or re-enables a person.
    async fn set_user_active(&self, actor: &shared::policy::Actor, user_id: &str, active: bool) -> Result<(), AppError>;
    /// Issues a new enrolment link to an existing person and ends their sessions.
    async fn issue_recovery_link(&self, actor: &shared::policy::Actor, user_id: &str) -> Result<EnrolmentLink, AppError>;
    /// Live sessions.
    async fn list_sessions(&self, actor: &shared::policy::Actor, own_secret: Option<&str>) -> Result<Vec<SessionView>, AppError>;
    /// Ends a session.
    async fn end_session(&self, actor: &shared::policy::Actor, session_id: &str) -> Result<(), AppError>;
    /// Grants of privileged roles waiting for approval.
    async fn role_grants(&self, actor: &shared::policy::Actor) -> Result<RoleGrantList, AppError>;
    /// Approves (the roles take effect) or refuses a grant made by someone else.
    async fn decide_role_grant(&self, actor: &shared::policy::Actor, grant_id: &str, approve: bool) -> Result<(), AppError>;
}

/// Agencies, ISA versions and what the viewer may do.
#[server(endpoint = "admin/overview", client = crate::api::client::RoundtableClient)]
pub async fn admin_overview() -> Result<AdminView, AppError> {
    use crate::backend as b;
    b::backend()?.admin_overview(&b::require_actor()?).await
}

/// Creates or edits an agency.
#[server(endpoint = "admin/save-agency", input = Json, client = crate::api::client::RoundtableClient)]
pub async fn save_agency(input: AgencyInput) -> Result<String, AppError> {
    use crate::backend as b;
    b::backend()?.save_agency(&b::require_actor()?, input).await
}

/// Suspends, withdraws or reinstates an agency.
#[server(endpoint = "admin/change-agency-state", input = Json, client = crate::api::client::RoundtableClient)]
pub async fn change_agency_state(input: AgencyStateInput) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.change_agency_state(&b::require_actor()?, input).await
}

/// Records a signature of the ISA.
#[server(endpoint = "admin/record-signature", input = Json, client = crate::api::client::RoundtableClient)]
pub async fn record_signature(input: SignatureInput) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.record_signature(&b::require_actor()?, input).await
}

/// Publishes a new ISA version.
#[server(endpoint = "admin/publish-isa", input = Json, client = crate::api::client::RoundtableClient)]
pub async fn publish_isa(input: IsaInput) -> Result<String, AppError> {
    use crate::backend as b;
    b::backend()?.publish_isa(&b::require_actor()?, input).await
}

/// The people list with the administration overview, as the people pages need both.
pub async fn users_and_overview() -> Result<(Vec<UserSummary>, AdminView), AppError> {
    Ok((list_users().await?, admin_overview().await?))
}

/// People.
#[server(endpoint = "admin/users", client = crate::api::client::RoundtableClient)]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    use crate::backend as b;
    b::backend()?.list_users(&b::require_actor()?).await
}

/// Creates a person and their enrolment link.
#[server(endpoint = "admin/invite-user", input = Json, client = crate::api::client::RoundtableClient)]
pub async fn invite_user(input: UserInput) -> Result<EnrolmentLink, AppError> {
    use crate::backend as b;
    b::backend()?.invite_user(&b::require_actor()?, input).await
}

/// Edits a person.
#[server(endpoint = "admin/update-user", input = Json, client = crate::api::client::RoundtableClient)]
pub async fn update_user(input: UserInput) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.update_user(&b::require_actor()?, input).await
}

/// Disables or re-enables a person.
#[server(endpoint = "admin/set-user-active", client = crate::api::client::RoundtableClient)]
pub async fn set_user_active(user_id: String, active: bool) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.set_user_active(&b::require_actor()?, &user_id, active).await
}

/// Issues a recovery enrolment link.
#[server(endpoint = "admin/recovery-link", client = crate::api::client::RoundtableClient)]
pub async fn issue_recovery_link(user_id: String) -> Result<EnrolmentLink, AppError> {
    use crate::backend as b;
    b::backend()?.issue_recovery_link(&b::require_actor()?, &user_id).await
}

/// Live sessions.
#[server(endpoint = "admin/sessions", client = crate::api::client::RoundtableClient)]
pub async fn list_sessions() -> Result<Vec<SessionView>, AppError> {
    use crate::backend as b;
    b::backend()?.list_sessions(&b::require_actor()?, b::session_secret().as_deref()).await
}

/// Ends a session.
#[server(endpoint = "admin/end-session", client = crate::api::client::RoundtableClient)]
pub async fn end_session(session_id: String) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.end_session(&b::require_actor()?, &session_id).await
}

/// Grants of privileged roles waiting for approval.
#[server(endpoint = "admin/role-grants", client = crate::api::client::RoundtableClient)]
pub async fn role_grants() -> Result<RoleGrantList, AppError> {
    use crate::backend as b;
    b::backend()?.role_grants(&b::require_actor()?).await
}

/// Approves a grant of privileged roles made by someone else.
#[server(endpoint = "admin/approve-grant", client = crate::api::client::RoundtableClient)]
pub async fn approve_role_grant(grant_id: String) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.decide_role_grant(&b::require_actor()?, &grant_id, true).await
}

/// Refuses a grant of privileged roles.
#[server(endpoint = "admin/refuse-grant", client = crate::api::client::RoundtableClient)]
pub async fn refuse_role_grant(grant_id: String) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.decide_role_grant(&b::require_actor()?, &grant_id, false).await
}

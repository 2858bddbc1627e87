//! Administration: agencies and the ISA, people and roles, enrolment links, sessions. The
//! trait's operations live with what they hold ([`agencies`], [`isa`], [`people`],
//! [`sessions`], [`grants`]); this module only answers the app with them.

mod agencies;
mod grants;
mod isa;
mod people;
mod sessions;

use std::collections::BTreeSet;

use app::api::admin::{
    AdminBackend, AdminView, AgencyInput, AgencyStateInput, EnrolmentLink, IsaInput, RoleGrantList, SessionView, SignatureInput, UserInput,
    UserSummary,
};
use app::error::AppError;
use shared::identity::Role;
use shared::policy::Actor;

use super::{error::answer, ServerBackend};

/// Whether the database refused a write for a duplicate of a unique column.
fn unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.message().to_ascii_uppercase().contains("UNIQUE"))
}

/// Roles in their stored form, for audit details and stored grants.
fn role_list(roles: &BTreeSet<Role>) -> Vec<&'static str> {
    roles.iter().map(|r| r.as_str()).collect()
}

#[async_trait::async_trait]
impl AdminBackend for ServerBackend {
    async fn admin_overview(&self, actor: &Actor) -> Result<AdminView, AppError> {
        answer(async move { self.admin_overview_op(actor).await }).await
    }

    async fn save_agency(&self, actor: &Actor, input: AgencyInput) -> Result<String, AppError> {
        answer(async move { self.save_agency_op(actor, input).await }).await
    }

    async fn change_agency_state(&self, actor: &Actor, input: AgencyStateInput) -> Result<(), AppError> {
        answer(async move { self.change_agency_state_op(actor, input).await }).await
    }

    async fn record_signature(&self, actor: &Actor, input: SignatureInput) -> Result<(), AppError> {
        answer(async move { self.record_signature_op(actor, input).await }).await
    }

    async fn publish_isa(&self, actor: &Actor, input: IsaInput) -> Result<String, AppError> {
        answer(async move { self.publish_isa_op(actor, input).await }).await
    }

    async fn list_users(&self, actor: &Actor) -> Result<Vec<UserSummary>, AppError> {
        answer(async move { self.list_users_op(actor).await }).await
    }

    async fn invite_user(&self, actor: &Actor, input: UserInput) -> Result<EnrolmentLink, AppError> {
        answer(async move { self.invite_user_op(actor, input).await }).await
    }

    async fn update_user(&self, actor: &Actor, input: UserInput) -> Result<(), AppError> {
        answer(async move { self.update_user_op(actor, input).await }).await
    }

    async fn set_user_active(&self, actor: &Actor, user_id: &str, active: bool) -> Result<(), AppError> {
        answer(async move { self.set_user_active_op(actor, user_id, active).await }).await
    }

    async fn issue_recovery_link(&self, actor: &Actor, user_id: &str) -> Result<EnrolmentLink, AppError> {
        answer(async move { self.issue_recovery_link_op(actor, user_id).await }).await
    }

    async fn list_sessions(&self, actor: &Actor, own_secret: Option<&str>) -> Result<Vec<SessionView>, AppError> {
        answer(async move { self.list_sessions_op(actor, own_secret).await }).await
    }

    async fn end_session(&self, actor: &Actor, session_id: &str) -> Result<(), AppError> {
        answer(async move { self.end_session_op(actor, session_id).await }).await
    }

    async fn role_grants(&self, actor: &Actor) -> Result<RoleGrantList, AppError> {
        answer(async move { self.role_grants_op(actor).await }).await
    }

    async fn decide_role_grant(&self, actor: &Actor, grant_id: &str, approve: bool) -> Result<(), AppError> {
        answer(async move { self.decide_role_grant_op(actor, grant_id, approve).await }).await
    }
}

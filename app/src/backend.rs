//! The contract between server functions and the server: every operation speaks domain types.
//!
//! The server implements [`Backend`] and hands it to Leptos in context; server functions stay
//! thin: find the actor and the backend, call one operation, map its errors. No SQL lives here.

use std::sync::Arc;

use shared::policy::Actor;

pub use crate::api::admin::AdminBackend;
pub use crate::api::audit::AuditBackend;
pub use crate::api::cases::CaseBackend;
pub use crate::api::meetings::MeetingBackend;
pub use crate::api::referrals::ReferralBackend;
use crate::api::auth::{AccountView, Ceremony, PasskeyView};
use crate::error::AppError;

/// A new session's secret, to be set as the session cookie.
pub struct NewSession {
    /// The secret (never stored by the server, only its hash).
    pub secret: String,
}

/// Everything the app needs from the server, one trait per area.
pub trait Backend: AuthBackend + AdminBackend + AuditBackend + ReferralBackend + CaseBackend + MeetingBackend {}

impl<T: AuthBackend + AdminBackend + AuditBackend + ReferralBackend + CaseBackend + MeetingBackend> Backend for T {}

/// Enrolment, sign-in, sessions and the user's own passkeys.
#[async_trait::async_trait]
pub trait AuthBackend: Send + Sync + 'static {
    /// Starts passkey registration for the holder of an enrolment token.
    async fn begin_enrolment(&self, token: &str) -> Result<Ceremony, AppError>;
    /// Finishes registration, uses up the token and signs the person in.
    async fn finish_enrolment(&self, token: &str, ceremony_id: &str, credential_json: &str, passkey_name: &str) -> Result<NewSession, AppError>;
    /// Starts a username-less passkey sign-in.
    async fn begin_sign_in(&self) -> Result<Ceremony, AppError>;
    /// Finishes sign-in; `client_key` identifies the caller for rate limiting.
    async fn finish_sign_in(&self, ceremony_id: &str, credential_json: &str, client_key: &str) -> Result<NewSession, AppError>;
    /// Starts a passkey check for the signed-in actor (re-authentication).
    async fn begin_reauthentication(&self, actor: &Actor) -> Result<Ceremony, AppError>;
    /// Finishes the check and records it on the session.
    async fn finish_reauthentication(&self, actor: &Actor, session_secret: &str, ceremony_id: &str, credential_json: &str) -> Result<(), AppError>;
    /// Ends the session with this secret.
    async fn sign_out(&self, actor: Option<&Actor>, session_secret: &str) -> Result<(), AppError>;
    /// The actor's own account.
    async fn account(&self, actor: &Actor) -> Result<AccountView, AppError>;
    /// Starts registration of an extra passkey for the actor.
    async fn begin_add_passkey(&self, actor: &Actor) -> Result<Ceremony, AppError>;
    /// Finishes registration of an extra passkey.
    async fn finish_add_passkey(&self, actor: &Actor, ceremony_id: &str, credential_json: &str, passkey_name: &str) -> Result<PasskeyView, AppError>;
    /// Renames one of the actor's passkeys.
    async fn rename_passkey(&self, actor: &Actor, passkey_id: &str, name: &str) -> Result<(), AppError>;
    /// Revokes one of the actor's passkeys (never the last one).
    async fn revoke_passkey(&self, actor: &Actor, passkey_id: &str) -> Result<(), AppError>;
    /// The `Set-Cookie` value that stores a session secret.
    fn session_cookie(&self, secret: &str) -> String;
    /// The `Set-Cookie` value that clears the session cookie.
    fn clear_session_cookie(&self) -> String;
}

/// The backend and the request's actor, as resolved by the server's session middleware.
#[derive(Clone)]
pub struct RequestContext {
    /// The backend.
    pub backend: Arc<dyn Backend>,
}

/// The signed-in actor of this request, put in the request's extensions by the session middleware.
#[derive(Clone, Debug)]
pub struct CurrentActor(pub Option<Actor>);

/// The raw session secret of this request, if it carried one.
#[derive(Clone, Debug)]
pub struct SessionSecret(pub String);

/// The caller's rate-limit key (its IP address), set by the server.
#[derive(Clone, Debug)]
pub struct ClientKey(pub String);

/// The backend from context.
pub fn backend() -> Result<Arc<dyn Backend>, AppError> {
    leptos::prelude::use_context::<RequestContext>().map(|c| c.backend).ok_or(AppError::Internal)
}

fn parts() -> Option<http::request::Parts> {
    leptos::prelude::use_context::<http::request::Parts>()
}

/// The signed-in actor, if any.
pub fn current_actor() -> Option<Actor> {
    parts().and_then(|p| p.extensions.get::<CurrentActor>().and_then(|a| a.0.clone()))
}

/// The signed-in actor, or `SignInRequired`.
pub fn require_actor() -> Result<Actor, AppError> {
    current_actor().ok_or(AppError::SignInRequired)
}

/// The session secret the request carried.
pub fn session_secret() -> Option<String> {
    parts().and_then(|p| p.extensions.get::<SessionSecret>().map(|s| s.0.clone()))
}

/// The caller's rate-limit key.
pub fn client_key() -> String {
    parts().and_then(|p| p.extensions.get::<ClientKey>().map(|k| k.0.clone())).unwrap_or_default()
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(value: &str) {
    if let (Some(res), Ok(v)) = (leptos::prelude::use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(value)) {
        res.append_header(http::header::SET_COOKIE, v);
    }
}

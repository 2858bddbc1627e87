//! The contract between server functions and the server: every operation speaks domain types.
//!
//! The server implements [`Backend`] and hands it to Leptos in context; server functions stay
//! thin: find the actor and the backend, call one operation, map its errors. No SQL lives here.

use std::sync::Arc;

use shared::policy::Actor;

pub use crate::api::admin::AdminBackend;
pub use crate::api::audit::AuditBackend;
pub use crate::api::auth::{AuthBackend, NewSession};
pub use crate::api::cases::CaseBackend;
pub use crate::api::data_protection::DataProtectionBackend;
pub use crate::api::distribution::DistributionBackend;
pub use crate::api::meetings::MeetingBackend;
pub use crate::api::referrals::ReferralBackend;
pub use crate::api::session::SessionBackend;
pub use crate::api::statistics::StatisticsBackend;
pub use crate::api::subject_access::SubjectAccessBackend;
use crate::error::AppError;

/// Everything the app needs from the server, one trait per area.
pub trait Backend:
    AuthBackend
    + AdminBackend
    + AuditBackend
    + ReferralBackend
    + SessionBackend
    + CaseBackend
    + MeetingBackend
    + StatisticsBackend
    + DistributionBackend
    + SubjectAccessBackend
    + DataProtectionBackend
{
}

impl<T> Backend for T where
    T: AuthBackend
        + AdminBackend
        + AuditBackend
        + ReferralBackend
        + SessionBackend
        + CaseBackend
        + MeetingBackend
        + StatisticsBackend
        + DistributionBackend
        + SubjectAccessBackend
        + DataProtectionBackend
{
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

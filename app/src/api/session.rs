//! How long the signed-in person's session has left, for the warning before it ends. Asking is a
//! request like any other, so it also keeps the session alive ("Stay signed in").

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A live session's limits and what is left of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionTimes {
    /// The idle timeout (seconds).
    pub idle_secs: i64,
    /// Seconds until the session ends if nothing more is done.
    pub idle_left: i64,
    /// Seconds until the session ends whatever is done (its absolute lifetime).
    pub absolute_left: i64,
    /// Stands for the signed-in person without naming them: text kept in the browser when a
    /// session ends is only put back for the same person.
    pub user_key: String,
}

/// Session operations.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait SessionBackend: Send + Sync + 'static {
    /// The times of the session whose secret is `secret`, which belongs to `actor`.
    async fn session_times(&self, actor: &shared::policy::Actor, secret: &str) -> Result<SessionTimes, AppError>;
}

/// The session's times, or `None` when no one is signed in (an ordinary answer, not an error:
/// every page asks, signed in or not).
#[server(endpoint = "session/times", client = crate::api::client::RoundtableClient)]
pub async fn time_left() -> Result<Option<SessionTimes>, AppError> {
    use crate::backend as b;
    let (Some(actor), Some(secret)) = (b::current_actor(), b::session_secret()) else {
        return Ok(None);
    };
    match b::backend()?.session_times(&actor, &secret).await {
        Ok(times) => Ok(Some(times)),
        Err(AppError::SignInRequired) => Ok(None),
        Err(e) => Err(e),
    }
}

//! WebAuthn ceremony state, kept in the database for five minutes and used at most once.

use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

use crate::db::Tx;
use crate::error::Error;

/// How long a started ceremony may be finished.
pub const CEREMONY_LIFETIME_SECS: i64 = 300;

/// What a ceremony is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Enrolment through an invitation, or adding a passkey.
    Register,
    /// Sign-in without a username.
    SignIn,
    /// A fresh passkey check by a signed-in user.
    Reauthenticate,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Register => "register",
            Kind::SignIn => "sign_in",
            Kind::Reauthenticate => "reauthenticate",
        }
    }
}

/// Stores a ceremony's state; returns its id.
pub async fn store<S: Serialize>(tx: &mut Tx, kind: Kind, user_id: Option<&str>, state: &S, now: i64) -> Result<String, Error> {
    sqlx::query("DELETE FROM webauthn_ceremonies WHERE expires_at < $1").bind(now).execute(&mut **tx).await?;
    let id = Uuid::new_v4().to_string();
    let json = serde_json::to_string(state).map_err(|e| Error::Config(format!("ceremony state: {e}")))?;
    sqlx::query("INSERT INTO webauthn_ceremonies (id, kind, user_id, state_json, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(kind.as_str())
        .bind(user_id)
        .bind(json)
        .bind(now + CEREMONY_LIFETIME_SECS)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// Takes (and deletes) a live ceremony of this kind, for this user if given. `None` if absent or expired.
pub async fn take<S: DeserializeOwned>(tx: &mut Tx, id: &str, kind: Kind, user_id: Option<&str>, now: i64) -> Result<Option<S>, Error> {
    let row: Option<(String, Option<String>, String, i64)> =
        sqlx::query_as("SELECT kind, user_id, state_json, expires_at FROM webauthn_ceremonies WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    sqlx::query("DELETE FROM webauthn_ceremonies WHERE id = $1").bind(id).execute(&mut **tx).await?;
    let Some((stored_kind, stored_user, json, expires_at)) = row else { return Ok(None) };
    if stored_kind != kind.as_str() || stored_user.as_deref() != user_id || expires_at < now {
        return Ok(None);
    }
    Ok(serde_json::from_str(&json).ok())
}

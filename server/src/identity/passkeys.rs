//! Passkeys: the WebAuthn relying party and the stored credentials.
//!
//! Passkeys are discoverable and require user verification, so sign-in needs no username and
//! never reveals whether an account exists.

use base64::Engine;
use serde_json::Value;
use url::Url;
use uuid::Uuid;
use webauthn_rs::prelude::{CreationChallengeResponse, Passkey, RequestChallengeResponse, Webauthn, WebauthnBuilder};
use webauthn_rs_proto::ResidentKeyRequirement;

use crate::db::Tx;
use crate::error::Error;

/// The relying party, bound to the public origin.
#[derive(Clone)]
pub struct RelyingParty {
    /// The webauthn-rs instance.
    pub webauthn: std::sync::Arc<Webauthn>,
}

impl RelyingParty {
    /// Builds the relying party for the public URL (its host is the RP id).
    pub fn new(public_url: &Url) -> Result<Self, Error> {
        let host = public_url.host_str().ok_or_else(|| Error::Config("--public-url needs a host".into()))?;
        let webauthn = WebauthnBuilder::new(host, public_url)
            .and_then(|b| b.rp_name("Roundtable").build())
            .map_err(|e| Error::Config(format!("--public-url cannot be used for passkeys ({e})")))?;
        Ok(Self { webauthn: std::sync::Arc::new(webauthn) })
    }
}

/// Registration options as the browser's `PublicKeyCredential.parseCreationOptionsFromJSON` wants
/// them: a discoverable credential is required, and empty fields are dropped.
pub fn creation_options_json(mut ccr: CreationChallengeResponse) -> String {
    if let Some(sel) = ccr.public_key.authenticator_selection.as_mut() {
        sel.resident_key = Some(ResidentKeyRequirement::Required);
        sel.require_resident_key = true;
    }
    browser_json(serde_json::to_value(&ccr).unwrap_or(Value::Null))
}

/// Sign-in options for a modal (not conditional) passkey prompt.
pub fn request_options_json(mut rcr: RequestChallengeResponse) -> String {
    rcr.mediation = None;
    browser_json(serde_json::to_value(&rcr).unwrap_or(Value::Null))
}

fn browser_json(mut value: Value) -> String {
    strip_nulls(&mut value);
    value.to_string()
}

fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// The stored form of a credential id.
pub fn credential_id_text(raw: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

/// A stored passkey.
pub struct StoredPasskey {
    /// Row id.
    pub id: String,
    /// The credential.
    pub passkey: Passkey,
}

/// Saves a new passkey for a user.
pub async fn insert(tx: &mut Tx, user_id: &str, name: &str, passkey: &Passkey, now: i64) -> Result<String, Error> {
    let id = Uuid::new_v4().to_string();
    let json = serde_json::to_string(passkey).map_err(|e| Error::Config(format!("passkey: {e}")))?;
    sqlx::query("INSERT INTO passkeys (id, user_id, name, credential_id, passkey_json, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(user_id)
        .bind(name)
        .bind(credential_id_text(passkey.cred_id()))
        .bind(json)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// A user's passkeys.
pub async fn for_user(tx: &mut Tx, user_id: &str) -> Result<Vec<StoredPasskey>, Error> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, passkey_json FROM passkeys WHERE user_id = $1 ORDER BY created_at").bind(user_id).fetch_all(&mut **tx).await?;
    Ok(rows.into_iter().filter_map(stored).collect())
}

/// Finds a user's passkey by credential id.
pub async fn find(tx: &mut Tx, user_id: &str, credential_id: &str) -> Result<Option<StoredPasskey>, Error> {
    let row: Option<(String, String)> = sqlx::query_as("SELECT id, passkey_json FROM passkeys WHERE user_id = $1 AND credential_id = $2")
        .bind(user_id)
        .bind(credential_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.and_then(stored))
}

/// A stored passkey from its id and JSON; `None` when the JSON no longer reads as a passkey.
fn stored((id, json): (String, String)) -> Option<StoredPasskey> {
    Some(StoredPasskey { id, passkey: serde_json::from_str(&json).ok()? })
}

/// Saves a passkey's updated counter and flags after use.
pub async fn touch(tx: &mut Tx, stored: &StoredPasskey, now: i64) -> Result<(), Error> {
    let json = serde_json::to_string(&stored.passkey).map_err(|e| Error::Config(format!("passkey: {e}")))?;
    sqlx::query("UPDATE passkeys SET passkey_json = $1, last_used_at = $2 WHERE id = $3")
        .bind(json)
        .bind(now)
        .bind(&stored.id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_options_require_a_discoverable_credential_and_user_verification() {
        let url = Url::parse("http://localhost:3000").unwrap_or_else(|e| panic!("{e}"));
        let rp = RelyingParty::new(&url).unwrap_or_else(|e| panic!("{e}"));
        let (ccr, _state) = rp.webauthn.start_passkey_registration(Uuid::new_v4(), "a@b.org", "A Person", None).unwrap_or_else(|e| panic!("{e}"));
        let json: Value = serde_json::from_str(&creation_options_json(ccr)).unwrap_or_else(|e| panic!("{e}"));
        let sel = &json["publicKey"]["authenticatorSelection"];
        assert_eq!(sel["residentKey"], "required");
        assert_eq!(sel["userVerification"], "required");
        assert!(!json.to_string().contains("null"));
    }
}

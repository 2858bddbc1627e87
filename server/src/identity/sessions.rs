//! Server-side sessions: a 128-bit random secret in the cookie, only its SHA-256 in the database.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::Tx;
use crate::error::Error;

/// The session cookie's name. The `__Host-` prefix pins it to this origin, path `/`, and `Secure`.
pub const COOKIE_NAME: &str = "__Host-roundtable";

/// Mints a session secret (128 bits) and its stored hash.
pub fn new_secret() -> (String, String) {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_secret(&secret);
    (secret, hash)
}

/// The stored form of a secret.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Starts a session for `user_id`; the passkey was just checked, so it counts as re-authentication.
pub async fn create(tx: &mut Tx, user_id: &str, now: i64) -> Result<String, Error> {
    let (secret, hash) = new_secret();
    sqlx::query("INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, reauthenticated_at) VALUES ($1, $2, $3, $3, $3)")
        .bind(hash)
        .bind(user_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(secret)
}

/// Starts a session opened with `passkey_id`: revoking that passkey ends the session.
pub async fn create_with_passkey(tx: &mut Tx, user_id: &str, passkey_id: &str, now: i64) -> Result<String, Error> {
    let (secret, hash) = new_secret();
    sqlx::query("INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, reauthenticated_at, passkey_id) VALUES ($1, $2, $3, $3, $3, $4)")
        .bind(hash)
        .bind(user_id)
        .bind(now)
        .bind(passkey_id)
        .execute(&mut **tx)
        .await?;
    Ok(secret)
}

/// Ends one session.
pub async fn end(tx: &mut Tx, secret: &str) -> Result<u64, Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(hash_secret(secret)).execute(&mut **tx).await?;
    Ok(done.rows_affected())
}

/// Ends every session of a user.
pub async fn end_all_for_user(tx: &mut Tx, user_id: &str) -> Result<u64, Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    Ok(done.rows_affected())
}

/// Records a fresh passkey check on a session.
pub async fn mark_reauthenticated(tx: &mut Tx, secret: &str, now: i64) -> Result<(), Error> {
    sqlx::query("UPDATE sessions SET reauthenticated_at = $1, last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(hash_secret(secret))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Reads the session secret from a `Cookie` header.
pub fn secret_from_cookie_header(header: &str) -> Option<String> {
    header.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == COOKIE_NAME && !value.is_empty()).then(|| value.to_string())
    })
}

/// The `Set-Cookie` value for a session secret.
pub fn cookie(secret: &str, max_age_secs: u64) -> String {
    format!("{COOKIE_NAME}={secret}; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age={max_age_secs}")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie() -> String {
    format!("{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_128_bit_and_hashed() {
        let (a, ha) = new_secret();
        let (b, _) = new_secret();
        assert_ne!(a, b);
        assert_eq!(a.len(), 22);
        assert_eq!(hash_secret(&a), ha);
    }

    #[test]
    fn cookie_parsing_finds_only_our_cookie() {
        assert_eq!(secret_from_cookie_header("a=1; __Host-roundtable=xyz; b=2"), Some("xyz".into()));
        assert_eq!(secret_from_cookie_header("roundtable=xyz"), None);
        assert_eq!(secret_from_cookie_header("__Host-roundtable="), None);
    }

    #[test]
    fn cookie_flags() {
        let c = cookie("s", 28800);
        for flag in ["__Host-roundtable=s", "Path=/", "HttpOnly", "SameSite=Strict", "Secure", "Max-Age=28800"] {
            assert!(c.contains(flag), "{c}");
        }
        assert!(!c.contains("Domain"));
    }
}

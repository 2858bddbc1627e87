//! One-time enrolment links: created for new users and for recovery, valid for 24 hours.
//!
//! The link carries the token in its fragment (`/enrol#token`), so it never reaches server
//! logs or a Referer header; only the token's SHA-256 is stored.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;
use url::Url;
use uuid::Uuid;

use crate::audit::{self, AuditEvent};
use crate::cli::{DatabaseArgs, EnrolLinkArgs};
use crate::clock::Clock;
use crate::config::parse_public_url;
use crate::db::{Db, Tx};
use crate::error::Error;

/// How long an enrolment link stays valid.
pub const INVITATION_LIFETIME_SECS: i64 = 24 * 60 * 60;

/// A freshly minted enrolment token: the secret (shown once) and what is stored.
pub struct NewToken {
    /// The secret that goes in the link.
    pub secret: String,
    /// SHA-256 of the secret, hex.
    pub hash: String,
}

/// Mints a 256-bit random token.
pub fn new_token() -> NewToken {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&secret);
    NewToken { secret, hash }
}

/// The stored form of a token.
pub fn hash_token(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The link a person opens to enrol a passkey.
pub fn enrolment_link(public_url: &Url, secret: &str) -> String {
    format!("{}/enrol#{}", public_url.origin().ascii_serialization(), secret)
}

/// Creates an invitation for `user_id`, revoking their unused ones, inside `tx`. Returns the secret.
pub async fn create(tx: &mut Tx, user_id: &str, created_by: Option<&str>, now: i64) -> Result<String, Error> {
    sqlx::query("UPDATE invitations SET expires_at = $1 WHERE user_id = $2 AND used_at IS NULL AND expires_at > $1")
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    let token = new_token();
    let id = Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO invitations (id, token_hash, user_id, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(&token.hash)
    .bind(user_id)
    .bind(created_by)
    .bind(now)
    .bind(now + INVITATION_LIFETIME_SECS)
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        now,
        AuditEvent::system("invitation.create").by(created_by.map(str::to_string), None).on("invitation", id).detail("user_id", user_id),
    )
    .await?;
    Ok(token.secret)
}

/// Whether any administrator has enrolled a passkey.
pub async fn admin_has_enrolled(db: &Db) -> Result<bool, Error> {
    let n = db
        .count(
            "SELECT COUNT(*) AS n FROM passkeys p JOIN user_roles r ON r.user_id = p.user_id \
             WHERE r.role = 'administrator'",
        )
        .await?;
    Ok(n > 0)
}

/// Finds or creates an administrator by email and returns a fresh enrolment link for them. An
/// existing person gains the administrator role and is re-enabled: both are audited, as is the
/// link, so the log shows who was given administration from the command line.
pub async fn admin_link(db: &Db, clock: &Clock, public_url: &Url, email: &str, name: &str) -> Result<String, Error> {
    let email = shared::identity::normalise_email(email);
    if !shared::identity::is_plausible_email(&email) {
        return Err(Error::Config(format!("{email:?} is not an email address")));
    }
    let now = clock.unix();
    let mut tx = db.begin_write().await?;
    let existing =
        sqlx::query("SELECT id, CAST(active AS INTEGER) AS active FROM users WHERE email = $1").bind(&email).fetch_optional(&mut *tx).await?;
    let (user_id, was_active) = match existing {
        Some(row) => (row.try_get::<String, _>("id")?, row.try_get::<i64, _>("active")? != 0),
        None => {
            let id = Uuid::new_v4().to_string();
            sqlx::query("INSERT INTO users (id, name, email, agency_id, active, created_at) VALUES ($1, $2, $3, NULL, TRUE, $4)")
                .bind(&id)
                .bind(name)
                .bind(&email)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            audit::append(&mut tx, now, AuditEvent::system("user.create").on("user", id.clone()).detail("via", "command_line")).await?;
            (id, true)
        }
    };
    let granted = sqlx::query(
        "INSERT INTO user_roles (user_id, role) SELECT $1, 'administrator' WHERE NOT EXISTS (SELECT 1 FROM user_roles WHERE user_id = $1 AND role = 'administrator')",
    )
    .bind(&user_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if granted > 0 {
        audit::append(
            &mut tx,
            now,
            AuditEvent::system("user.grant_roles").on("user", user_id.clone()).detail("roles", vec!["administrator"]).detail("via", "command_line"),
        )
        .await?;
    }
    if !was_active {
        sqlx::query("UPDATE users SET active = TRUE WHERE id = $1").bind(&user_id).execute(&mut *tx).await?;
        audit::append(&mut tx, now, AuditEvent::system("user.enable").on("user", user_id.clone()).detail("via", "command_line")).await?;
    }
    let secret = create(&mut tx, &user_id, None, now).await?;
    tx.commit().await?;
    Ok(enrolment_link(public_url, &secret))
}

/// `roundtable enrol-link`: prints a one-time enrolment link for an administrator.
pub async fn print_admin_link(db_args: DatabaseArgs, args: EnrolLinkArgs) -> Result<(), Error> {
    let public_url = parse_public_url(&args.public_url)?;
    let db = Db::open(&db_args.resolve()?).await?;
    db.migrate().await?;
    if args.if_no_admin && admin_has_enrolled(&db).await? {
        println!("An administrator has already enrolled; no link printed.");
        return Ok(());
    }
    let link = admin_link(&db, &Clock::System, &public_url, &args.email, &args.name).await?;
    println!("Enrolment link for the administrator {} (valid 24 hours, single use):", args.email.trim());
    println!("  {link}");
    Ok(())
}

/// At start-up: while no administrator has enrolled, says how to get the first one's link. The
/// link itself is never minted or printed here, so it does not land in the service's log.
pub async fn announce_first_admin(db: &Db) -> Result<(), Error> {
    if admin_has_enrolled(db).await? {
        return Ok(());
    }
    println!("No administrator has enrolled yet. Run `roundtable enrol-link` on this server to get a one-time link for the first administrator.");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a.secret, b.secret);
        assert_eq!(a.secret.len(), 43);
        assert_eq!(hash_token(&a.secret), a.hash);
        assert_ne!(a.hash, a.secret);
    }

    #[test]
    fn link_keeps_token_in_fragment() {
        let url = Url::parse("https://marac.example.org/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(enrolment_link(&url, "abc"), "https://marac.example.org/enrol#abc");
    }
}

//! Enrolment, sign-in, re-authentication, sign-out and the user's own passkeys.

use app::api::auth::{AccountView, Ceremony, PasskeyView};
use app::backend::{AuthBackend, NewSession};
use app::error::AppError;
use shared::policy::{Action, Actor};
use sqlx::Row;
use uuid::Uuid;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential,
};

use super::{actor_event, check, internal, internal_db, ServerBackend};
use crate::audit::{self, AuditEvent, Outcome};
use crate::db::Tx;
use crate::error::Error;
use crate::identity::ceremonies::{self, Kind};
use crate::identity::passkeys;
use crate::identity::sessions;
use crate::invitations::hash_token;

/// A passkey's name: trimmed, 1 to 60 characters; blank becomes "Passkey".
fn passkey_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.chars().count() > 60 {
        return Err(AppError::Invalid("Passkey name must be 60 characters or fewer".into()));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::Invalid("Passkey name must not contain control characters".into()));
    }
    Ok(if name.is_empty() { "Passkey".to_string() } else { name.to_string() })
}

const ENROLMENT_LINK_INVALID: &str = "This enrolment link has expired or has already been used. Ask your coordinator or administrator for a new one.";

/// A live invitation's user, with their name and email for the passkey.
async fn invitation_user(tx: &mut Tx, token: &str, now: i64) -> Result<Option<(String, String, String, String)>, AppError> {
    let row = sqlx::query(
        "SELECT i.id, u.id AS user_id, u.name, u.email FROM invitations i JOIN users u ON u.id = i.user_id \
         WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2 AND u.active = TRUE",
    )
    .bind(hash_token(token.trim()))
    .bind(now)
    .fetch_optional(&mut **tx)
    .await
    .map_err(internal_db)?;
    Ok(row.and_then(|r| Some((r.try_get("id").ok()?, r.try_get("user_id").ok()?, r.try_get("name").ok()?, r.try_get("email").ok()?))))
}

impl ServerBackend {
    async fn begin_registration(&self, tx: &mut Tx, user_id: &str, name: &str, email: &str, now: i64) -> Result<Ceremony, AppError> {
        let existing = passkeys::for_user(tx, user_id).await.map_err(internal)?;
        let exclude = Some(existing.iter().map(|p| p.passkey.cred_id().clone()).collect());
        let user_uuid = Uuid::parse_str(user_id).map_err(internal)?;
        let (ccr, state) = self.rp.webauthn.start_passkey_registration(user_uuid, email, name, exclude).map_err(internal)?;
        let id = ceremonies::store(tx, Kind::Register, Some(user_id), &state, now).await.map_err(internal)?;
        Ok(Ceremony { id, options_json: passkeys::creation_options_json(ccr) })
    }

    async fn finish_registration(
        &self,
        tx: &mut Tx,
        user_id: &str,
        ceremony_id: &str,
        credential_json: &str,
        name: &str,
        now: i64,
    ) -> Result<String, AppError> {
        let state: PasskeyRegistration = ceremonies::take(tx, ceremony_id, Kind::Register, Some(user_id), now)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::Invalid("The passkey set-up took too long. Start again.".into()))?;
        let credential: RegisterPublicKeyCredential = serde_json::from_str(credential_json)
            .map_err(|_| AppError::Invalid("The browser sent a passkey we could not read. Try again.".into()))?;
        let passkey = self.rp.webauthn.finish_passkey_registration(&credential, &state).map_err(|_| {
            AppError::Invalid(
                "That passkey could not be set up. Try again, using a device that can check it is you (fingerprint, face or PIN).".into(),
            )
        })?;
        passkeys::insert(tx, user_id, name, &passkey, now).await.map_err(|e| match e {
            Error::Database(sqlx::Error::Database(db)) if db.message().contains("UNIQUE") => {
                AppError::Invalid("That passkey is already registered.".into())
            }
            other => internal(other),
        })
    }
}

#[async_trait::async_trait]
impl AuthBackend for ServerBackend {
    async fn begin_enrolment(&self, token: &str) -> Result<Ceremony, AppError> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let Some((_, user_id, name, email)) = invitation_user(&mut tx, token, now).await? else {
            return Err(AppError::Invalid(ENROLMENT_LINK_INVALID.into()));
        };
        let ceremony = self.begin_registration(&mut tx, &user_id, &name, &email, now).await?;
        tx.commit().await.map_err(internal_db)?;
        Ok(ceremony)
    }

    async fn finish_enrolment(&self, token: &str, ceremony_id: &str, credential_json: &str, raw_name: &str) -> Result<NewSession, AppError> {
        let name = passkey_name(raw_name)?;
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let Some((invitation_id, user_id, _, _)) = invitation_user(&mut tx, token, now).await? else {
            return Err(AppError::Invalid(ENROLMENT_LINK_INVALID.into()));
        };
        let passkey_id = self.finish_registration(&mut tx, &user_id, ceremony_id, credential_json, &name, now).await?;
        sqlx::query("UPDATE invitations SET used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&invitation_id)
            .execute(&mut *tx)
            .await
            .map_err(internal_db)?;
        let agency: Option<String> =
            sqlx::query_scalar("SELECT agency_id FROM users WHERE id = $1").bind(&user_id).fetch_one(&mut *tx).await.map_err(internal_db)?;
        audit::append(
            &mut tx,
            now,
            AuditEvent::system("passkey.enrol")
                .by(Some(user_id.clone()), agency.clone())
                .on("passkey", passkey_id)
                .detail("invitation_id", invitation_id),
        )
        .await
        .map_err(internal)?;
        let secret = sessions::create(&mut tx, &user_id, now).await.map_err(internal)?;
        audit::append(&mut tx, now, AuditEvent::system("session.sign_in").by(Some(user_id), agency)).await.map_err(internal)?;
        tx.commit().await.map_err(internal_db)?;
        Ok(NewSession { secret })
    }

    async fn begin_sign_in(&self) -> Result<Ceremony, AppError> {
        let now = self.clock.unix();
        let (rcr, state) = self.rp.webauthn.start_discoverable_authentication().map_err(internal)?;
        let mut tx = self.tx().await?;
        let id = ceremonies::store(&mut tx, Kind::SignIn, None, &state, now).await.map_err(internal)?;
        tx.commit().await.map_err(internal_db)?;
        Ok(Ceremony { id, options_json: passkeys::request_options_json(rcr) })
    }

    async fn finish_sign_in(&self, ceremony_id: &str, credential_json: &str, client_key: &str) -> Result<NewSession, AppError> {
        let now = self.clock.unix();
        if !self.throttle.allows(client_key, now) {
            self.audit_alone(AuditEvent::system("session.sign_in").outcome(Outcome::Denied).detail("reason", "rate_limited")).await;
            return Err(AppError::RateLimited);
        }
        match self.try_sign_in(ceremony_id, credential_json, now).await {
            Ok(session) => Ok(session),
            Err((user_id, reason)) => {
                self.throttle.fail(client_key, now);
                self.audit_alone(AuditEvent::system("session.sign_in").by(user_id, None).outcome(Outcome::Failure).detail("reason", reason)).await;
                Err(AppError::SignInFailed)
            }
        }
    }

    async fn begin_reauthentication(&self, actor: &Actor) -> Result<Ceremony, AppError> {
        check(actor, &Action::ViewOwnAccount)?;
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let keys: Vec<_> = passkeys::for_user(&mut tx, &actor.user_id).await.map_err(internal)?.into_iter().map(|p| p.passkey).collect();
        let (rcr, state) = self.rp.webauthn.start_passkey_authentication(&keys).map_err(internal)?;
        let id = ceremonies::store(&mut tx, Kind::Reauthenticate, Some(&actor.user_id), &state, now).await.map_err(internal)?;
        tx.commit().await.map_err(internal_db)?;
        Ok(Ceremony { id, options_json: passkeys::request_options_json(rcr) })
    }

    async fn finish_reauthentication(&self, actor: &Actor, session_secret: &str, ceremony_id: &str, credential_json: &str) -> Result<(), AppError> {
        check(actor, &Action::ViewOwnAccount)?;
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let state: Option<PasskeyAuthentication> =
            ceremonies::take(&mut tx, ceremony_id, Kind::Reauthenticate, Some(&actor.user_id), now).await.map_err(internal)?;
        let credential: Option<PublicKeyCredential> = serde_json::from_str(credential_json).ok();
        let verified = match (state, credential) {
            (Some(state), Some(cred)) => self.rp.webauthn.finish_passkey_authentication(&cred, &state).ok().map(|r| (cred, r)),
            _ => None,
        };
        let Some((cred, result)) = verified else {
            tx.commit().await.map_err(internal_db)?;
            self.audit_alone(actor_event(actor, "session.reauthenticate").outcome(Outcome::Failure)).await;
            return Err(AppError::SignInFailed);
        };
        if let Some(mut stored) =
            passkeys::find(&mut tx, &actor.user_id, &passkeys::credential_id_text(cred.get_credential_id())).await.map_err(internal)?
        {
            stored.passkey.update_credential(&result);
            passkeys::touch(&mut tx, &stored, now).await.map_err(internal)?;
        }
        sessions::mark_reauthenticated(&mut tx, session_secret, now).await.map_err(internal)?;
        audit::append(&mut tx, now, actor_event(actor, "session.reauthenticate")).await.map_err(internal)?;
        tx.commit().await.map_err(internal_db)?;
        Ok(())
    }

    async fn sign_out(&self, actor: Option<&Actor>, session_secret: &str) -> Result<(), AppError> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let ended = sessions::end(&mut tx, session_secret).await.map_err(internal)?;
        if ended > 0 {
            let event = match actor {
                Some(a) => actor_event(a, "session.sign_out"),
                None => AuditEvent::system("session.sign_out"),
            };
            audit::append(&mut tx, now, event).await.map_err(internal)?;
        }
        tx.commit().await.map_err(internal_db)?;
        Ok(())
    }

    async fn account(&self, actor: &Actor) -> Result<AccountView, AppError> {
        check(actor, &Action::ViewOwnAccount)?;
        let mut conn = self.db.pool().acquire().await.map_err(internal_db)?;
        let email: String =
            sqlx::query_scalar("SELECT email FROM users WHERE id = $1").bind(&actor.user_id).fetch_one(&mut *conn).await.map_err(internal_db)?;
        let rows = sqlx::query("SELECT id, name, created_at, last_used_at FROM passkeys WHERE user_id = $1 ORDER BY created_at")
            .bind(&actor.user_id)
            .fetch_all(&mut *conn)
            .await
            .map_err(internal_db)?;
        let passkeys = rows
            .iter()
            .filter_map(|r| {
                Some(PasskeyView {
                    id: r.try_get("id").ok()?,
                    name: r.try_get("name").ok()?,
                    created_at: r.try_get("created_at").ok()?,
                    last_used_at: r.try_get("last_used_at").ok()?,
                })
            })
            .collect();
        Ok(AccountView {
            name: actor.name.clone(),
            email,
            agency_name: actor.agency_name.clone(),
            roles: actor.roles.iter().map(|r| r.label().to_string()).collect(),
            passkeys,
        })
    }

    async fn begin_add_passkey(&self, actor: &Actor) -> Result<Ceremony, AppError> {
        check(actor, &Action::ManageOwnPasskeys)?;
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let email: String =
            sqlx::query_scalar("SELECT email FROM users WHERE id = $1").bind(&actor.user_id).fetch_one(&mut *tx).await.map_err(internal_db)?;
        let ceremony = self.begin_registration(&mut tx, &actor.user_id, &actor.name, &email, now).await?;
        tx.commit().await.map_err(internal_db)?;
        Ok(ceremony)
    }

    async fn finish_add_passkey(&self, actor: &Actor, ceremony_id: &str, credential_json: &str, raw_name: &str) -> Result<PasskeyView, AppError> {
        check(actor, &Action::ManageOwnPasskeys)?;
        let name = passkey_name(raw_name)?;
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let id = self.finish_registration(&mut tx, &actor.user_id, ceremony_id, credential_json, &name, now).await?;
        audit::append(&mut tx, now, actor_event(actor, "passkey.add").on("passkey", id.clone())).await.map_err(internal)?;
        tx.commit().await.map_err(internal_db)?;
        Ok(PasskeyView { id, name, created_at: now, last_used_at: None })
    }

    async fn rename_passkey(&self, actor: &Actor, passkey_id: &str, raw_name: &str) -> Result<(), AppError> {
        check(actor, &Action::ManageOwnPasskeys)?;
        let name = passkey_name(raw_name)?;
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let done = sqlx::query("UPDATE passkeys SET name = $1 WHERE id = $2 AND user_id = $3")
            .bind(&name)
            .bind(passkey_id)
            .bind(&actor.user_id)
            .execute(&mut *tx)
            .await
            .map_err(internal_db)?;
        if done.rows_affected() == 0 {
            return Err(AppError::NotFound);
        }
        audit::append(&mut tx, now, actor_event(actor, "passkey.rename").on("passkey", passkey_id)).await.map_err(internal)?;
        tx.commit().await.map_err(internal_db)?;
        Ok(())
    }

    async fn revoke_passkey(&self, actor: &Actor, passkey_id: &str) -> Result<(), AppError> {
        check(actor, &Action::ManageOwnPasskeys)?;
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let owned: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE user_id = $1")
            .bind(&actor.user_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(internal_db)?;
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM passkeys WHERE id = $1 AND user_id = $2")
            .bind(passkey_id)
            .bind(&actor.user_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal_db)?;
        if exists.is_none() {
            return Err(AppError::NotFound);
        }
        if owned <= 1 {
            return Err(AppError::Invalid("You cannot remove your only passkey. Add another passkey first.".into()));
        }
        sqlx::query("DELETE FROM passkeys WHERE id = $1 AND user_id = $2")
            .bind(passkey_id)
            .bind(&actor.user_id)
            .execute(&mut *tx)
            .await
            .map_err(internal_db)?;
        audit::append(&mut tx, now, actor_event(actor, "passkey.revoke").on("passkey", passkey_id)).await.map_err(internal)?;
        tx.commit().await.map_err(internal_db)?;
        Ok(())
    }

    fn session_cookie(&self, secret: &str) -> String {
        sessions::cookie(secret, self.config.session_absolute.as_secs())
    }

    fn clear_session_cookie(&self) -> String {
        sessions::clear_cookie()
    }
}

impl ServerBackend {
    /// The sign-in proper. On failure returns the identified user (if any) and a reason for the audit.
    async fn try_sign_in(&self, ceremony_id: &str, credential_json: &str, now: i64) -> Result<NewSession, (Option<String>, &'static str)> {
        let mut tx = self.db.begin_write().await.map_err(|_| (None, "database"))?;
        let state: DiscoverableAuthentication =
            ceremonies::take(&mut tx, ceremony_id, Kind::SignIn, None, now).await.map_err(|_| (None, "database"))?.ok_or((None, "no_ceremony"))?;
        tx.commit().await.map_err(|_| (None, "database"))?;
        let credential: PublicKeyCredential = serde_json::from_str(credential_json).map_err(|_| (None, "malformed"))?;
        let (user_uuid, cred_id) = self.rp.webauthn.identify_discoverable_authentication(&credential).map_err(|_| (None, "unidentified"))?;
        let user_id = user_uuid.to_string();
        let fail = |reason| (Some(user_id.clone()), reason);
        let mut tx = self.db.begin_write().await.map_err(|_| fail("database"))?;
        let mut stored = passkeys::find(&mut tx, &user_id, &passkeys::credential_id_text(cred_id))
            .await
            .map_err(|_| fail("database"))?
            .ok_or_else(|| fail("unknown_credential"))?;
        let result = self.rp.webauthn.finish_discoverable_authentication_v2(&credential, state, &stored.passkey).map_err(|_| fail("verification"))?;
        stored.passkey.update_credential(&result);
        passkeys::touch(&mut tx, &stored, now).await.map_err(|_| fail("database"))?;
        let secret = sessions::create(&mut tx, &user_id, now).await.map_err(|_| fail("database"))?;
        // The new session must resolve to an actor who may enter (active, agency current);
        // otherwise the transaction is dropped and nothing of the sign-in remains but the failure.
        let actor = match crate::identity::actor::resolve_on(&mut tx, &secret, now, self.config.session_limits()).await {
            Ok(Ok(actor)) => actor,
            _ => return Err(fail("access_not_current")),
        };
        audit::append(&mut tx, now, actor_event(&actor, "session.sign_in")).await.map_err(|_| fail("database"))?;
        tx.commit().await.map_err(|_| fail("database"))?;
        Ok(NewSession { secret })
    }
}

//! Enrolment, sign-in, re-authentication, sign-out and the user's own passkeys.

use app::api::auth::{AccountView, Ceremony, PasskeyView};
use app::backend::{AuthBackend, NewSession};
use app::error::AppError;
use shared::policy::{Action, Actor};
use uuid::Uuid;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential,
};

use super::{
    actor_event, check,
    error::{answer, Error, OrInternal},
    ServerBackend,
};
use crate::audit::{self, AuditEvent, Outcome};
use crate::db::Tx;
use crate::error::Error as ServerError;
use crate::identity::ceremonies::{self, Kind};
use crate::identity::passkeys;
use crate::identity::sessions;
use crate::invitations::hash_token;
use crate::mail::{queue_notice, Notice};

/// A passkey's name: trimmed, 1 to 60 characters; blank becomes "Passkey".
fn passkey_name(raw: &str) -> Result<String, Error> {
    let name = raw.trim();
    if name.chars().count() > 60 {
        return Err(AppError::Invalid("Passkey name must be 60 characters or fewer".into()).into());
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::Invalid("Passkey name must not contain control characters".into()).into());
    }
    Ok(if name.is_empty() { "Passkey".to_string() } else { name.to_string() })
}

const ENROLMENT_LINK_INVALID: &str = "This enrolment link has expired or has already been used. Ask your coordinator or administrator for a new one.";

/// Told to a person whose agency is no longer a current signatory, at enrolment: the truth, and
/// whom to ask, since a new link would not help.
pub(crate) const AGENCY_NOT_CURRENT: &str = "Your agency's access to Roundtable under the Information Sharing Agreement has ended \
     (it has withdrawn, or been suspended, or its signature has lapsed), so you cannot use Roundtable for now. A new enrolment link \
     would not help: ask your agency's MARAC lead or the MARAC coordinator about your agency signing the agreement again.";

/// A live invitation's user, with their name and email for the passkey.
async fn invitation_user(tx: &mut Tx, token: &str, now: i64) -> Result<Option<(String, String, String, String)>, Error> {
    Ok(sqlx::query_as(
        "SELECT i.id, u.id AS user_id, u.name, u.email FROM invitations i JOIN users u ON u.id = i.user_id \
         WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2 AND u.active = TRUE",
    )
    .bind(hash_token(token.trim()))
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?)
}

impl ServerBackend {
    async fn begin_registration(&self, tx: &mut Tx, user_id: &str, name: &str, email: &str, now: i64) -> Result<Ceremony, Error> {
        let existing = passkeys::for_user(tx, user_id).await.or_internal()?;
        let exclude = Some(existing.iter().map(|p| p.passkey.cred_id().clone()).collect());
        let user_uuid = Uuid::parse_str(user_id).or_internal()?;
        let (ccr, state) = self.rp.webauthn.start_passkey_registration(user_uuid, email, name, exclude).or_internal()?;
        let id = ceremonies::store(tx, Kind::Register, Some(user_id), &state, now).await.or_internal()?;
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
    ) -> Result<String, Error> {
        let state: PasskeyRegistration = ceremonies::take(tx, ceremony_id, Kind::Register, Some(user_id), now)
            .await
            .or_internal()?
            .ok_or_else(|| AppError::Invalid("The passkey set-up took too long. Start again.".into()))?;
        let credential: RegisterPublicKeyCredential = serde_json::from_str(credential_json)
            .map_err(|_| AppError::Invalid("The browser sent a passkey we could not read. Try again.".into()))?;
        let passkey = self.rp.webauthn.finish_passkey_registration(&credential, &state).map_err(|_| {
            AppError::Invalid(
                "That passkey could not be set up. Try again, using a device that can check it is you (fingerprint, face or PIN).".into(),
            )
        })?;
        passkeys::insert(tx, user_id, name, &passkey, now).await.map_err(|e| match e {
            ServerError::Database(sqlx::Error::Database(db)) if db.message().contains("UNIQUE") => {
                AppError::Invalid("That passkey is already registered.".into()).into()
            }
            other => Error::internal(other),
        })
    }
}

#[async_trait::async_trait]
impl AuthBackend for ServerBackend {
    async fn begin_enrolment(&self, token: &str, client_key: &str) -> Result<Ceremony, AppError> {
        answer(async move {
            let now = self.clock.unix();
            self.throttle_start(client_key, now).await?;
            let mut tx = self.tx().await?;
            let Some((_, user_id, name, email)) = invitation_user(&mut tx, token, now).await? else {
                return Err(AppError::Invalid(ENROLMENT_LINK_INVALID.into()).into());
            };
            let ceremony = self.begin_registration(&mut tx, &user_id, &name, &email, now).await?;
            tx.commit().await?;
            Ok(ceremony)
        })
        .await
    }

    async fn begin_keep_passkeys(&self, token: &str, client_key: &str) -> Result<Option<Ceremony>, AppError> {
        answer(async move {
            let now = self.clock.unix();
            self.throttle_start(client_key, now).await?;
            let mut tx = self.tx().await?;
            let Some((_, user_id, _, _)) = invitation_user(&mut tx, token, now).await? else {
                return Err(AppError::Invalid(ENROLMENT_LINK_INVALID.into()).into());
            };
            let keys: Vec<_> = passkeys::for_user(&mut tx, &user_id).await.or_internal()?.into_iter().map(|p| p.passkey).collect();
            if keys.is_empty() {
                return Ok(None);
            }
            let (rcr, state) = self.rp.webauthn.start_passkey_authentication(&keys).or_internal()?;
            let id = ceremonies::store(&mut tx, Kind::Reauthenticate, Some(&user_id), &state, now).await.or_internal()?;
            tx.commit().await?;
            Ok(Some(Ceremony { id, options_json: passkeys::request_options_json(rcr) }))
        })
        .await
    }

    async fn finish_enrolment(
        &self,
        token: &str,
        ceremony_id: &str,
        credential_json: &str,
        raw_name: &str,
        keep: Option<(String, String)>,
    ) -> Result<Option<NewSession>, AppError> {
        answer(async move {
            let name = passkey_name(raw_name)?;
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let Some((invitation_id, user_id, _, _)) = invitation_user(&mut tx, token, now).await? else {
                return Err(AppError::Invalid(ENROLMENT_LINK_INVALID.into()).into());
            };
            // A recovery: the person keeps their old passkeys only by proving they still hold one.
            let kept = match &keep {
                Some((keep_ceremony, keep_credential)) => self.prove_passkey(&mut tx, &user_id, keep_ceremony, keep_credential, now).await?,
                None => false,
            };
            let old: Vec<String> = passkeys::for_user(&mut tx, &user_id).await.or_internal()?.into_iter().map(|p| p.id).collect();
            let passkey_id = self.finish_registration(&mut tx, &user_id, ceremony_id, credential_json, &name, now).await?;
            sqlx::query("UPDATE invitations SET used_at = $1 WHERE id = $2").bind(now).bind(&invitation_id).execute(&mut *tx).await?;
            let agency: Option<String> = sqlx::query_scalar("SELECT agency_id FROM users WHERE id = $1").bind(&user_id).fetch_one(&mut *tx).await?;
            audit::append(
                &mut tx,
                now,
                AuditEvent::system("passkey.enrol")
                    .by(Some(user_id.clone()), agency.clone())
                    .on("passkey", passkey_id.clone())
                    .detail("invitation_id", invitation_id),
            )
            .await?;
            if !old.is_empty() {
                let mut ended = 0;
                if !kept {
                    for id in &old {
                        ended += sqlx::query("DELETE FROM sessions WHERE passkey_id = $1").bind(id).execute(&mut *tx).await?.rows_affected();
                        sqlx::query("DELETE FROM passkeys WHERE id = $1").bind(id).execute(&mut *tx).await?;
                    }
                }
                let event = AuditEvent::system("account.recover")
                    .by(Some(user_id.clone()), agency.clone())
                    .on("user", user_id.clone())
                    .detail("old_passkeys", old.len())
                    .detail("old_passkeys_kept", kept)
                    .detail("sessions_ended", ended);
                audit::append(&mut tx, now, event).await?;
                queue_notice(&mut tx, &user_id, Notice::Recovered, &self.config.public_url, now).await?;
            }
            // Enrolled, but signed in only if the person may use Roundtable today.
            if !self.agency_is_current_for(&mut tx, &user_id, now).await? {
                let event =
                    AuditEvent::system("session.sign_in").by(Some(user_id), agency).outcome(Outcome::Denied).detail("reason", "agency_not_current");
                audit::append(&mut tx, now, event).await?;
                tx.commit().await?;
                return Ok(None);
            }
            let secret = sessions::create_with_passkey(&mut tx, &user_id, &passkey_id, now).await.or_internal()?;
            audit::append(&mut tx, now, AuditEvent::system("session.sign_in").by(Some(user_id), agency)).await?;
            tx.commit().await?;
            self.mail_wakeup.notify_one();
            Ok(Some(NewSession { secret }))
        })
        .await
    }

    async fn begin_sign_in(&self, client_key: &str) -> Result<Ceremony, AppError> {
        answer(async move {
            let now = self.clock.unix();
            self.throttle_start(client_key, now).await?;
            let (rcr, state) = self.rp.webauthn.start_discoverable_authentication().or_internal()?;
            let mut tx = self.tx().await?;
            let id = ceremonies::store(&mut tx, Kind::SignIn, None, &state, now).await.or_internal()?;
            tx.commit().await?;
            Ok(Ceremony { id, options_json: passkeys::request_options_json(rcr) })
        })
        .await
    }

    async fn finish_sign_in(&self, ceremony_id: &str, credential_json: &str, client_key: &str) -> Result<NewSession, AppError> {
        answer(async move {
            let now = self.clock.unix();
            if !self.throttle.allows(client_key, now) {
                self.refused(
                    &format!("client:{client_key}"),
                    AuditEvent::system("session.sign_in").outcome(Outcome::Denied).detail("reason", "rate_limited"),
                    now,
                )
                .await;
                return Err(AppError::RateLimited.into());
            }
            match self.try_sign_in(ceremony_id, credential_json, now).await {
                Ok(session) => Ok(session),
                // The server's own failure is not the person's: no attempt is counted against them.
                Err(SignInError::Internal(e)) => Err(e),
                Err(SignInError::Refused(user_id, reason)) => {
                    self.throttle.fail(client_key, user_id.as_deref(), now);
                    let event = AuditEvent::system("session.sign_in").by(user_id.clone(), None).outcome(Outcome::Failure).detail("reason", reason);
                    if reason == "agency_not_current" {
                        // A real passkey of someone whose agency is not current: tell them why, plainly.
                        self.refused(&format!("account:{}", user_id.as_deref().unwrap_or_default()), event, now).await;
                        return Err(AppError::Invalid(AGENCY_NOT_CURRENT.into()).into());
                    }
                    let over = user_id.as_deref().is_some_and(|u| self.throttle.account_over_limit(u, now));
                    self.refused(&format!("client:{client_key}"), event, now).await;
                    if over {
                        if let Some(u) = &user_id {
                            self.notify_failed_sign_ins(u, now).await;
                        }
                        return Err(AppError::RateLimited.into());
                    }
                    Err(AppError::SignInFailed.into())
                }
            }
        })
        .await
    }

    async fn begin_reauthentication(&self, actor: &Actor, client_key: &str) -> Result<Ceremony, AppError> {
        answer(async move {
            check(actor, &Action::ViewOwnAccount)?;
            let now = self.clock.unix();
            self.throttle_start(client_key, now).await?;
            let mut tx = self.tx().await?;
            let keys: Vec<_> = passkeys::for_user(&mut tx, &actor.user_id).await.or_internal()?.into_iter().map(|p| p.passkey).collect();
            let (rcr, state) = self.rp.webauthn.start_passkey_authentication(&keys).or_internal()?;
            let id = ceremonies::store(&mut tx, Kind::Reauthenticate, Some(&actor.user_id), &state, now).await.or_internal()?;
            tx.commit().await?;
            Ok(Ceremony { id, options_json: passkeys::request_options_json(rcr) })
        })
        .await
    }

    async fn finish_reauthentication(&self, actor: &Actor, session_secret: &str, ceremony_id: &str, credential_json: &str) -> Result<(), AppError> {
        answer(async move {
            check(actor, &Action::ViewOwnAccount)?;
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            if !self.prove_passkey(&mut tx, &actor.user_id, ceremony_id, credential_json, now).await? {
                tx.commit().await?;
                self.refused(&format!("account:{}", actor.user_id), actor_event(actor, "session.reauthenticate").outcome(Outcome::Failure), now)
                    .await;
                return Err(AppError::SignInFailed.into());
            }
            sessions::mark_reauthenticated(&mut tx, session_secret, now).await.or_internal()?;
            audit::append(&mut tx, now, actor_event(actor, "session.reauthenticate")).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn sign_out(&self, actor: Option<&Actor>, session_secret: &str) -> Result<(), AppError> {
        answer(async move {
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let ended = sessions::end(&mut tx, session_secret).await.or_internal()?;
            if ended > 0 {
                let event = match actor {
                    Some(a) => actor_event(a, "session.sign_out"),
                    None => AuditEvent::system("session.sign_out"),
                };
                audit::append(&mut tx, now, event).await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn account(&self, actor: &Actor) -> Result<AccountView, AppError> {
        answer(async move {
            check(actor, &Action::ViewOwnAccount)?;
            let mut conn = self.db.pool().acquire().await?;
            let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1").bind(&actor.user_id).fetch_one(&mut *conn).await?;
            let rows: Vec<(String, String, i64, Option<i64>)> =
                sqlx::query_as("SELECT id, name, created_at, last_used_at FROM passkeys WHERE user_id = $1 ORDER BY created_at")
                    .bind(&actor.user_id)
                    .fetch_all(&mut *conn)
                    .await?;
            let passkeys = rows.into_iter().map(|(id, name, created_at, last_used_at)| PasskeyView { id, name, created_at, last_used_at }).collect();
            let pending: Vec<String> =
                sqlx::query_scalar("SELECT roles FROM role_grants WHERE user_id = $1 AND decided_at IS NULL ORDER BY requested_at")
                    .bind(&actor.user_id)
                    .fetch_all(&mut *conn)
                    .await?;
            let pending_roles = pending
                .iter()
                .flat_map(|json| serde_json::from_str::<Vec<String>>(json).unwrap_or_default())
                .filter_map(|r| shared::identity::Role::parse(&r).map(|r| r.label().to_string()))
                .collect();
            Ok(AccountView {
                name: actor.name.clone(),
                email,
                agency_name: actor.agency_name.clone(),
                roles: actor.roles.iter().map(|r| r.label().to_string()).collect(),
                passkeys,
                pending_roles,
            })
        })
        .await
    }

    async fn begin_add_passkey(&self, actor: &Actor, client_key: &str) -> Result<Ceremony, AppError> {
        answer(async move {
            check(actor, &Action::ManageOwnPasskeys)?;
            let now = self.clock.unix();
            self.throttle_start(client_key, now).await?;
            let mut tx = self.tx().await?;
            let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1").bind(&actor.user_id).fetch_one(&mut *tx).await?;
            let ceremony = self.begin_registration(&mut tx, &actor.user_id, &actor.name, &email, now).await?;
            tx.commit().await?;
            Ok(ceremony)
        })
        .await
    }

    async fn finish_add_passkey(&self, actor: &Actor, ceremony_id: &str, credential_json: &str, raw_name: &str) -> Result<PasskeyView, AppError> {
        answer(async move {
            check(actor, &Action::ManageOwnPasskeys)?;
            let name = passkey_name(raw_name)?;
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let id = self.finish_registration(&mut tx, &actor.user_id, ceremony_id, credential_json, &name, now).await?;
            audit::append(&mut tx, now, actor_event(actor, "passkey.add").on("passkey", id.clone())).await?;
            queue_notice(&mut tx, &actor.user_id, Notice::PasskeyAdded, &self.config.public_url, now).await?;
            tx.commit().await?;
            self.mail_wakeup.notify_one();
            Ok(PasskeyView { id, name, created_at: now, last_used_at: None })
        })
        .await
    }

    async fn rename_passkey(&self, actor: &Actor, passkey_id: &str, raw_name: &str) -> Result<(), AppError> {
        answer(async move {
            check(actor, &Action::ManageOwnPasskeys)?;
            let name = passkey_name(raw_name)?;
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let done = sqlx::query("UPDATE passkeys SET name = $1 WHERE id = $2 AND user_id = $3")
                .bind(&name)
                .bind(passkey_id)
                .bind(&actor.user_id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound.into());
            }
            audit::append(&mut tx, now, actor_event(actor, "passkey.rename").on("passkey", passkey_id)).await?;
            queue_notice(&mut tx, &actor.user_id, Notice::PasskeyRenamed, &self.config.public_url, now).await?;
            tx.commit().await?;
            self.mail_wakeup.notify_one();
            Ok(())
        })
        .await
    }

    async fn revoke_passkey(&self, actor: &Actor, passkey_id: &str) -> Result<(), AppError> {
        answer(async move {
            check(actor, &Action::ManageOwnPasskeys)?;
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let owned: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE user_id = $1").bind(&actor.user_id).fetch_one(&mut *tx).await?;
            let exists: Option<String> = sqlx::query_scalar("SELECT id FROM passkeys WHERE id = $1 AND user_id = $2")
                .bind(passkey_id)
                .bind(&actor.user_id)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() {
                return Err(AppError::NotFound.into());
            }
            if owned <= 1 {
                return Err(AppError::Invalid("You cannot remove your only passkey. Add another passkey first.".into()).into());
            }
            // Every session the passkey opened ends with it (this one too, if it did).
            let ended = sqlx::query("DELETE FROM sessions WHERE passkey_id = $1").bind(passkey_id).execute(&mut *tx).await?.rows_affected();
            sqlx::query("DELETE FROM passkeys WHERE id = $1 AND user_id = $2").bind(passkey_id).bind(&actor.user_id).execute(&mut *tx).await?;
            audit::append(&mut tx, now, actor_event(actor, "passkey.revoke").on("passkey", passkey_id).detail("sessions_ended", ended)).await?;
            queue_notice(&mut tx, &actor.user_id, Notice::PasskeyRevoked, &self.config.public_url, now).await?;
            tx.commit().await?;
            self.mail_wakeup.notify_one();
            Ok(())
        })
        .await
    }

    fn session_cookie(&self, secret: &str) -> String {
        sessions::cookie(secret, self.config.session_absolute.as_secs())
    }

    fn clear_session_cookie(&self) -> String {
        sessions::clear_cookie()
    }
}

impl ServerBackend {
    /// Counts a ceremony start by the client; refuses it (aggregated in the audit log) when the
    /// client started too many.
    async fn throttle_start(&self, client_key: &str, now: i64) -> Result<(), Error> {
        if self.throttle.start(client_key, now) {
            return Ok(());
        }
        self.refused(
            &format!("start:{client_key}"),
            AuditEvent::system("ceremony.start").outcome(Outcome::Denied).detail("reason", "rate_limited"),
            now,
        )
        .await;
        Err(AppError::RateLimited.into())
    }

    /// Records a refusal, at most once per key and window, with how many went unrecorded.
    async fn refused(&self, key: &str, event: AuditEvent, now: i64) {
        let r = self.throttle.refusal(key, now);
        if r.record {
            self.audit_alone(event.detail("unrecorded_before", r.unrecorded_before).detail("window_secs", crate::identity::rate_limit::WINDOW_SECS))
                .await;
        }
    }

    /// Tells the owner of an account that many sign-ins failed, once per window.
    async fn notify_failed_sign_ins(&self, user_id: &str, now: i64) {
        if !self.throttle.refusal(&format!("notice:{user_id}"), now).record {
            return;
        }
        let result = async {
            let mut tx = self.db.begin_write().await?;
            queue_notice(&mut tx, user_id, Notice::FailedSignIns, &self.config.public_url, now).await?;
            tx.commit().await?;
            Ok::<(), Error>(())
        }
        .await;
        if let Err(e) = result {
            tracing::error!(error = %e, "could not queue a failed sign-in notice");
        }
        self.mail_wakeup.notify_one();
    }

    /// Whether the (active) person may use Roundtable today as far as their agency goes.
    async fn agency_is_current_for(&self, tx: &mut Tx, user_id: &str, now: i64) -> Result<bool, Error> {
        Ok(crate::identity::actor::of_user(tx, user_id, now).await.or_internal()?.is_none_or(|a| a.may_enter()))
    }

    /// Checks an assertion by one of `user_id`'s passkeys against a stored ceremony, updating
    /// the passkey's counter. `false` when it does not verify.
    async fn prove_passkey(&self, tx: &mut Tx, user_id: &str, ceremony_id: &str, credential_json: &str, now: i64) -> Result<bool, Error> {
        let state: Option<PasskeyAuthentication> = ceremonies::take(tx, ceremony_id, Kind::Reauthenticate, Some(user_id), now).await.or_internal()?;
        let credential: Option<PublicKeyCredential> = serde_json::from_str(credential_json).ok();
        let verified = match (state, credential) {
            (Some(state), Some(cred)) => self.rp.webauthn.finish_passkey_authentication(&cred, &state).ok().map(|r| (cred, r)),
            _ => None,
        };
        let Some((cred, result)) = verified else { return Ok(false) };
        let Some(mut stored) = passkeys::find(tx, user_id, &passkeys::credential_id_text(cred.get_credential_id())).await.or_internal()? else {
            return Ok(false);
        };
        stored.passkey.update_credential(&result);
        passkeys::touch(tx, &stored, now).await.or_internal()?;
        Ok(true)
    }
}

impl ServerBackend {
    /// The sign-in proper. On failure returns the identified user (if any) and a reason for the audit.
    async fn try_sign_in(&self, ceremony_id: &str, credential_json: &str, now: i64) -> Result<NewSession, SignInError> {
        let mut tx = self.db.begin_write().await?;
        let state: DiscoverableAuthentication =
            ceremonies::take(&mut tx, ceremony_id, Kind::SignIn, None, now).await?.ok_or(SignInError::Refused(None, "no_ceremony"))?;
        tx.commit().await?;
        let credential: PublicKeyCredential = serde_json::from_str(credential_json).map_err(|_| SignInError::Refused(None, "malformed"))?;
        let (user_uuid, cred_id) =
            self.rp.webauthn.identify_discoverable_authentication(&credential).map_err(|_| SignInError::Refused(None, "unidentified"))?;
        let user_id = user_uuid.to_string();
        let fail = |reason| SignInError::Refused(Some(user_id.clone()), reason);
        let mut tx = self.db.begin_write().await?;
        let mut stored =
            passkeys::find(&mut tx, &user_id, &passkeys::credential_id_text(cred_id)).await?.ok_or_else(|| fail("unknown_credential"))?;
        let result = self.rp.webauthn.finish_discoverable_authentication_v2(&credential, state, &stored.passkey).map_err(|_| fail("verification"))?;
        stored.passkey.update_credential(&result);
        passkeys::touch(&mut tx, &stored, now).await?;
        let secret = sessions::create_with_passkey(&mut tx, &user_id, &stored.id, now).await?;
        // The new session must resolve to an actor who may enter (active, agency current);
        // otherwise the transaction is dropped and nothing of the sign-in remains but the failure.
        let actor = match crate::identity::actor::resolve_on(&mut tx, self.db.last_seen(), &secret, now, self.config.session_limits()).await {
            Ok(Ok(actor)) => actor,
            Err(e) => return Err(e.into()),
            Ok(Err(_)) => {
                // An active person whose agency is not current is told so (they proved their passkey);
                // a disabled account learns nothing.
                let agency_ended = crate::identity::actor::of_user(&mut tx, &user_id, now)
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|a| !a.may_enter() && a.agency_id.is_some());
                return Err(fail(if agency_ended { "agency_not_current" } else { "access_not_current" }));
            }
        };
        audit::append(&mut tx, now, actor_event(&actor, "session.sign_in")).await?;
        tx.commit().await?;
        Ok(NewSession { secret })
    }
}

/// Why a sign-in did not open a session.
enum SignInError {
    /// The attempt was refused (the person, if the passkey named one, and why): counted and audited.
    Refused(Option<String>, &'static str),
    /// The server failed; logged, and not counted against anyone.
    Internal(Error),
}

impl From<sqlx::Error> for SignInError {
    #[track_caller]
    fn from(e: sqlx::Error) -> Self {
        Self::Internal(e.into())
    }
}

impl From<ServerError> for SignInError {
    #[track_caller]
    fn from(e: ServerError) -> Self {
        Self::Internal(e.into())
    }
}

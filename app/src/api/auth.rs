//! Enrolment, sign-in, re-authentication, sign-out and the user's own passkeys.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A started WebAuthn ceremony: its id and the options for the browser (JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ceremony {
    /// The ceremony's id, sent back when finishing.
    pub id: String,
    /// Options for `PublicKeyCredential.parse*OptionsFromJSON`.
    pub options_json: String,
}

/// One of the user's passkeys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyView {
    /// Its id.
    pub id: String,
    /// The name the user gave it.
    pub name: String,
    /// When it was added (Unix seconds).
    pub created_at: i64,
    /// When it was last used to sign in (Unix seconds).
    pub last_used_at: Option<i64>,
}

/// The signed-in user's own account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    /// Name.
    pub name: String,
    /// Work email.
    pub email: String,
    /// Agency, if any.
    pub agency_name: Option<String>,
    /// Role names.
    pub roles: Vec<String>,
    /// Passkeys.
    pub passkeys: Vec<PasskeyView>,
    /// Roles granted but waiting for a second person's approval.
    pub pending_roles: Vec<String>,
}

/// Who is signed in, for the header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    /// Name.
    pub name: String,
    /// Agency, if any.
    pub agency_name: Option<String>,
    /// The areas they may open: (path, label).
    pub areas: Vec<(String, String)>,
}

#[cfg(feature = "ssr")]
/// A new session's secret, to be set as the session cookie.
pub struct NewSession {
    /// The secret (never stored by the server, only its hash).
    pub secret: String,
}

#[cfg(feature = "ssr")]
#[async_trait::async_trait]
/// Enrolment, sign-in, sessions and the user's own passkeys.
pub trait AuthBackend: Send + Sync + 'static {
    /// Starts passkey registration for the holder of an enrolment token.
    async fn begin_enrolment(&self, token: &str, client_key: &str) -> Result<Ceremony, AppError>;
    /// For a recovery link: a passkey check over the account's existing passkeys, so the person
    /// can keep them by proving one (`None` when the account has none).
    async fn begin_keep_passkeys(&self, token: &str, client_key: &str) -> Result<Option<Ceremony>, AppError>;
    /// Finishes registration and uses up the token. The account's earlier passkeys are removed
    /// unless `keep` (ceremony id, credential) proves one of them. Signs the person in, unless
    /// their agency is not a current signatory (`None`).
    async fn finish_enrolment(
        &self,
        token: &str,
        ceremony_id: &str,
        credential_json: &str,
        passkey_name: &str,
        keep: Option<(String, String)>,
    ) -> Result<Option<NewSession>, AppError>;
    /// Starts a username-less passkey sign-in.
    async fn begin_sign_in(&self, client_key: &str) -> Result<Ceremony, AppError>;
    /// Finishes sign-in; `client_key` identifies the caller for rate limiting.
    async fn finish_sign_in(&self, ceremony_id: &str, credential_json: &str, client_key: &str) -> Result<NewSession, AppError>;
    /// Starts a passkey check for the signed-in actor (re-authentication).
    async fn begin_reauthentication(&self, actor: &shared::policy::Actor, client_key: &str) -> Result<Ceremony, AppError>;
    /// Finishes the check and records it on the session.
    async fn finish_reauthentication(
        &self,
        actor: &shared::policy::Actor,
        session_secret: &str,
        ceremony_id: &str,
        credential_json: &str,
    ) -> Result<(), AppError>;
    /// Ends the session with this secret.
    async fn sign_out(&self, actor: Option<&shared::policy::Actor>, session_secret: &str) -> Result<(), AppError>;
    /// The actor's own account.
    async fn account(&self, actor: &shared::policy::Actor) -> Result<AccountView, AppError>;
    /// Starts registration of an extra passkey for the actor.
    async fn begin_add_passkey(&self, actor: &shared::policy::Actor, client_key: &str) -> Result<Ceremony, AppError>;
    /// Finishes registration of an extra passkey.
    async fn finish_add_passkey(
        &self,
        actor: &shared::policy::Actor,
        ceremony_id: &str,
        credential_json: &str,
        passkey_name: &str,
    ) -> Result<PasskeyView, AppError>;
    /// Renames one of the actor's passkeys.
    async fn rename_passkey(&self, actor: &shared::policy::Actor, passkey_id: &str, name: &str) -> Result<(), AppError>;
    /// Revokes one of the actor's passkeys (never the last one).
    async fn revoke_passkey(&self, actor: &shared::policy::Actor, passkey_id: &str) -> Result<(), AppError>;
    /// The `Set-Cookie` value that stores a session secret.
    fn session_cookie(&self, secret: &str) -> String;
    /// The `Set-Cookie` value that clears the session cookie.
    fn clear_session_cookie(&self) -> String;
}

/// Who is signed in, if anyone.
#[server(endpoint = "auth/who-am-i", client = crate::api::client::RoundtableClient)]
pub async fn who_am_i() -> Result<Option<SignedInUser>, AppError> {
    use shared::policy::{decide, Action};
    Ok(crate::backend::current_actor().map(|a| {
        let mut areas = Vec::new();
        if decide(Some(&a), &Action::Refer).is_allowed() {
            areas.push(("/referrals".to_string(), "Referrals".to_string()));
        }
        if decide(Some(&a), &Action::TriageReferrals).is_allowed() {
            areas.push(("/triage".to_string(), "Triage".to_string()));
        }
        if decide(Some(&a), &Action::ListCases).is_allowed() {
            areas.push(("/cases".to_string(), "Cases".to_string()));
            areas.push(("/meetings".to_string(), "Meetings".to_string()));
            areas.push(("/actions".to_string(), "Actions".to_string()));
        }
        if decide(Some(&a), &Action::ViewStatistics).is_allowed() {
            areas.push(("/statistics".to_string(), "Statistics".to_string()));
        }
        if decide(Some(&a), &Action::ViewUsers).is_allowed() {
            areas.push(("/admin".to_string(), "Administration".to_string()));
        }
        if decide(Some(&a), &Action::VerifyAudit).is_allowed() {
            areas.push(("/audit".to_string(), "Audit log".to_string()));
        }
        if decide(Some(&a), &Action::ViewSubjectAccess).is_allowed() {
            areas.push(("/subject-access".to_string(), "Subject access".to_string()));
        }
        if decide(Some(&a), &Action::ManageRetention).is_allowed() {
            areas.push(("/retention".to_string(), "Data protection".to_string()));
        }
        SignedInUser { name: a.name, agency_name: a.agency_name, areas }
    }))
}

/// Whether the signed-in person may open `area` (one of their `areas`); `Err` says why not,
/// without telling "not allowed" from "does not exist".
pub async fn area_allowed(area: &str) -> Result<(), AppError> {
    match who_am_i().await? {
        None => Err(AppError::SignInRequired),
        Some(user) if user.areas.iter().any(|(path, _)| path == area) => Ok(()),
        Some(_) => Err(AppError::NotFound),
    }
}

/// Starts enrolment with the token from an invitation link.
#[server(endpoint = "auth/begin-enrolment", client = crate::api::client::RoundtableClient)]
pub async fn begin_enrolment(token: String) -> Result<Ceremony, AppError> {
    use crate::backend as b;
    b::backend()?.begin_enrolment(&token, &b::client_key()).await
}

/// With a recovery link: starts a check of one of the account's existing passkeys, so the person
/// keeps them (`None`: the account has none, as for a new person).
#[server(endpoint = "auth/begin-keep-passkeys", client = crate::api::client::RoundtableClient)]
pub async fn begin_keep_passkeys(token: String) -> Result<Option<Ceremony>, AppError> {
    use crate::backend as b;
    b::backend()?.begin_keep_passkeys(&token, &b::client_key()).await
}

/// Finishes enrolment and signs the person in. With `keep_ceremony_id` and
/// `keep_credential_json` (from [`begin_keep_passkeys`]) the account's earlier passkeys are kept;
/// otherwise they are removed. Answers a sentence to show when the person enrolled but may not
/// use Roundtable now (their agency is not a current signatory of the ISA).
#[server(endpoint = "auth/finish-enrolment", client = crate::api::client::RoundtableClient)]
pub async fn finish_enrolment(
    token: String,
    ceremony_id: String,
    credential_json: String,
    passkey_name: String,
    keep_ceremony_id: Option<String>,
    keep_credential_json: Option<String>,
) -> Result<Option<String>, AppError> {
    use crate::backend as b;
    let backend = b::backend()?;
    let keep = keep_ceremony_id.zip(keep_credential_json).filter(|(c, j)| !c.is_empty() && !j.is_empty());
    match backend.finish_enrolment(&token, &ceremony_id, &credential_json, &passkey_name, keep).await? {
        Some(session) => start_session(backend.as_ref(), &session.secret).await.map(|()| None),
        None => Ok(Some(AGENCY_ACCESS_ENDED.to_string())),
    }
}

/// What a person whose agency's access under the ISA has ended is told, at enrolment and sign-in.
pub const AGENCY_ACCESS_ENDED: &str = "Your passkey is set up, but your agency's access to Roundtable under the Information Sharing \
     Agreement has ended (it has withdrawn, or been suspended, or its signature has lapsed), so you cannot use Roundtable for now. \
     A new enrolment link would not help: ask your agency's MARAC lead or the MARAC coordinator about your agency signing the agreement again.";

/// Starts a passkey sign-in (no username).
#[server(endpoint = "auth/begin-sign-in", client = crate::api::client::RoundtableClient)]
pub async fn begin_sign_in() -> Result<Ceremony, AppError> {
    use crate::backend as b;
    b::backend()?.begin_sign_in(&b::client_key()).await
}

/// Finishes the sign-in and sets the session cookie.
#[server(endpoint = "auth/finish-sign-in", client = crate::api::client::RoundtableClient)]
pub async fn finish_sign_in(ceremony_id: String, credential_json: String) -> Result<(), AppError> {
    use crate::backend as b;
    let backend = b::backend()?;
    let session = backend.finish_sign_in(&ceremony_id, &credential_json, &b::client_key()).await?;
    start_session(backend.as_ref(), &session.secret).await
}

/// Sets the cookie of a new session, first ending any session the browser still held, so a
/// sign-in always leaves exactly one live session id in the browser.
#[cfg(feature = "ssr")]
async fn start_session(backend: &dyn crate::backend::Backend, secret: &str) -> Result<(), AppError> {
    use crate::backend as b;
    if let Some(old) = b::session_secret() {
        backend.sign_out(b::current_actor().as_ref(), &old).await?;
    }
    b::set_cookie(&backend.session_cookie(secret));
    Ok(())
}

/// Starts a fresh passkey check for the signed-in user.
#[server(endpoint = "auth/begin-reauthentication", client = crate::api::client::RoundtableClient)]
pub async fn begin_reauthentication() -> Result<Ceremony, AppError> {
    use crate::backend as b;
    b::backend()?.begin_reauthentication(&b::require_actor()?, &b::client_key()).await
}

/// Finishes the passkey check.
#[server(endpoint = "auth/finish-reauthentication", client = crate::api::client::RoundtableClient)]
pub async fn finish_reauthentication(ceremony_id: String, credential_json: String) -> Result<(), AppError> {
    use crate::backend as b;
    let actor = b::require_actor()?;
    let secret = b::session_secret().ok_or(AppError::SignInRequired)?;
    b::backend()?.finish_reauthentication(&actor, &secret, &ceremony_id, &credential_json).await
}

/// Ends the session. The page then loads the start page itself (a redirect here as well made
/// two navigations race each other).
#[server(endpoint = "auth/sign-out", client = crate::api::client::RoundtableClient)]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::backend as b;
    let backend = b::backend()?;
    if let Some(secret) = b::session_secret() {
        backend.sign_out(b::current_actor().as_ref(), &secret).await?;
    }
    b::set_cookie(&backend.clear_session_cookie());
    Ok(())
}

/// The signed-in user's account.
#[server(endpoint = "account/view", client = crate::api::client::RoundtableClient)]
pub async fn my_account() -> Result<AccountView, AppError> {
    use crate::backend as b;
    b::backend()?.account(&b::require_actor()?).await
}

/// Starts adding a passkey.
#[server(endpoint = "account/begin-add-passkey", client = crate::api::client::RoundtableClient)]
pub async fn begin_add_passkey() -> Result<Ceremony, AppError> {
    use crate::backend as b;
    b::backend()?.begin_add_passkey(&b::require_actor()?, &b::client_key()).await
}

/// Finishes adding a passkey.
#[server(endpoint = "account/finish-add-passkey", client = crate::api::client::RoundtableClient)]
pub async fn finish_add_passkey(ceremony_id: String, credential_json: String, passkey_name: String) -> Result<PasskeyView, AppError> {
    use crate::backend as b;
    b::backend()?.finish_add_passkey(&b::require_actor()?, &ceremony_id, &credential_json, &passkey_name).await
}

/// Renames a passkey.
#[server(endpoint = "account/rename-passkey", client = crate::api::client::RoundtableClient)]
pub async fn rename_passkey(passkey_id: String, name: String) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.rename_passkey(&b::require_actor()?, &passkey_id, &name).await
}

/// Revokes a passkey.
#[server(endpoint = "account/revoke-passkey", client = crate::api::client::RoundtableClient)]
pub async fn revoke_passkey(passkey_id: String) -> Result<(), AppError> {
    use crate::backend as b;
    b::backend()?.revoke_passkey(&b::require_actor()?, &passkey_id).await
}

//! Administration: agencies and the ISA, people and roles, enrolment links, sessions.

use std::collections::{BTreeSet, HashMap};

use app::api::admin::{
    AdminBackend, AdminView, AgencyInput, AgencyStateInput, AgencySummary, EnrolmentLink, IsaInput, IsaVersionView, RoleGrantList, RoleGrantView,
    SessionView, SignatureInput, SignatureView, UserInput, UserSummary,
};
use app::error::AppError;
use shared::identity::{approver_may_decide, privileged_additions, AgencyKind, Role};
use shared::isa::{IsaState, SignatoryStatus};
use shared::markdown::to_safe_html;
use shared::policy::{decide, Action, Actor};
use shared::session::{session_state, SessionState};
use shared::validation::{iso_date, Problems};
use sqlx::AnyConnection;
use uuid::Uuid;

use super::{
    actor_event, check, col,
    error::{answer, Error, OrInternal},
    ServerBackend,
};
use crate::audit;
use crate::db::Tx;
use crate::identity::actor::{agency_status, today};
use crate::identity::sessions;
use crate::invitations::{self, enrolment_link, INVITATION_LIFETIME_SECS};
use crate::mail::{queue_notice, Notice};

fn unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.message().to_ascii_uppercase().contains("UNIQUE"))
}

/// Checked agency details.
struct AgencyFields {
    name: String,
    kind: AgencyKind,
    secure_email: String,
}

fn check_agency(input: &AgencyInput) -> Result<AgencyFields, Error> {
    let mut p = Problems::default();
    let name = p.text("agency-name", "Agency name", &input.name, 120);
    let kind = AgencyKind::parse(&input.kind);
    if kind.is_none() {
        p.add("agency-kind", "Choose the kind of agency");
    }
    let secure_email = p.email("agency-email", "Secure contact email", &input.secure_email);
    Ok(p.finish(AgencyFields { name, kind: kind.unwrap_or(AgencyKind::Other), secure_email })?)
}

/// Checked person details.
struct PersonFields {
    name: String,
    email: String,
    agency_id: Option<String>,
    roles: BTreeSet<Role>,
}

fn check_person(input: &UserInput) -> Result<PersonFields, Error> {
    let mut p = Problems::default();
    let name = p.text("person-name", "Full name", &input.name, 120);
    let email = p.email("person-email", "Work email", &input.email);
    let agency_id = match input.agency_id.trim() {
        "" => {
            p.add("person-agency", "Choose an agency");
            None
        }
        "platform" => None,
        id => Some(id.to_string()),
    };
    let roles: BTreeSet<Role> = input.roles.iter().filter_map(|r| Role::parse(r)).collect();
    if roles.is_empty() || roles.len() != input.roles.iter().collect::<BTreeSet<_>>().len() {
        p.add("person-roles", "Choose at least one role");
    }
    if input.agency_id.trim() == "platform" && !roles.contains(&Role::Administrator) {
        p.add("person-agency", "Only administrators can have no agency. Choose their agency, or give them the administrator role");
    }
    Ok(p.finish(PersonFields { name, email, agency_id, roles })?)
}

impl ServerBackend {
    async fn agency_summaries(&self, conn: &mut AnyConnection, now: i64) -> Result<Vec<AgencySummary>, Error> {
        let rows = sqlx::query(
            "SELECT a.id, a.name, a.kind, a.secure_email, a.isa_state, a.isa_state_reason, \
             (SELECT COUNT(*) FROM users u WHERE u.agency_id = a.id AND u.active = TRUE) AS people \
             FROM agencies a ORDER BY a.name",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: String = col(&r, "id")?;
            let state_text: String = col(&r, "isa_state")?;
            let state = IsaState::parse(&state_text).unwrap_or(IsaState::Suspended);
            let status = agency_status(conn, &id, state, today(now)).await.or_internal()?;
            let signature = sqlx::query(
                "SELECT v.label, s.signed_by_name, s.signed_on, s.review_on FROM isa_signatures s JOIN isa_versions v ON v.id = s.isa_version_id \
                 WHERE s.agency_id = $1 ORDER BY s.signed_on DESC, s.created_at DESC LIMIT 1",
            )
            .bind(&id)
            .fetch_optional(&mut *conn)
            .await?
            .map(|s| -> Result<SignatureView, Error> {
                Ok(SignatureView {
                    version_label: col(&s, "label")?,
                    signed_by: col(&s, "signed_by_name")?,
                    signed_on: col(&s, "signed_on")?,
                    review_on: col(&s, "review_on")?,
                })
            })
            .transpose()?;
            out.push(AgencySummary {
                id,
                name: col(&r, "name")?,
                kind: col(&r, "kind")?,
                secure_email: col(&r, "secure_email")?,
                state: state_text,
                state_reason: col(&r, "isa_state_reason")?,
                status_label: status.label().to_string(),
                current: status == SignatoryStatus::Current,
                signature,
                people: col(&r, "people")?,
            });
        }
        Ok(out)
    }

    async fn isa_versions(&self, conn: &mut AnyConnection) -> Result<Vec<IsaVersionView>, Error> {
        let rows = sqlx::query("SELECT id, label, body_markdown, confidentiality_statement, published_at, resign_by FROM isa_versions ORDER BY published_at DESC, label DESC")
            .fetch_all(&mut *conn)
            .await
            ?;
        let latest =
            sqlx::query("SELECT s.agency_id, s.isa_version_id FROM isa_signatures s ORDER BY s.agency_id, s.signed_on DESC, s.created_at DESC")
                .fetch_all(&mut *conn)
                .await?;
        let mut latest_by_agency: HashMap<String, String> = HashMap::new();
        for r in &latest {
            latest_by_agency.entry(col(r, "agency_id")?).or_insert(col(r, "isa_version_id")?);
        }
        rows.iter()
            .map(|r| {
                let id: String = col(r, "id")?;
                let signatories = latest_by_agency.values().filter(|v| **v == id).count() as i64;
                Ok(IsaVersionView {
                    label: col(r, "label")?,
                    published_at: col(r, "published_at")?,
                    resign_by: col(r, "resign_by")?,
                    body_html: to_safe_html(&col::<String>(r, "body_markdown")?),
                    confidentiality_statement: col(r, "confidentiality_statement")?,
                    signatories,
                    id,
                })
            })
            .collect()
    }

    /// The enrolment link for a token, as shown once to its creator.
    fn link(&self, user_id: String, secret: &str, now: i64, awaiting: &BTreeSet<Role>) -> EnrolmentLink {
        EnrolmentLink {
            user_id,
            url: enrolment_link(&self.config.public_url, secret),
            expires_at: now + INVITATION_LIFETIME_SECS,
            awaiting_approval: awaiting.iter().map(|r| r.label().to_string()).collect(),
        }
    }

    /// Splits a grant into what takes effect now and what waits for a second person: with
    /// two-person approval, the privileged roles `new` adds to `old` wait.
    fn split_grant(&self, old: &BTreeSet<Role>, new: &BTreeSet<Role>) -> (BTreeSet<Role>, BTreeSet<Role>) {
        if !self.config.two_person_approval {
            return (new.clone(), BTreeSet::new());
        }
        let waiting = privileged_additions(old, new);
        (new.difference(&waiting).copied().collect(), waiting)
    }

    /// Records a grant of `roles` to `user_id` by `actor`, waiting for approval; audited, and
    /// the person is told. The data protection officer role is granted on its own, since the
    /// DPO decides it and nothing else.
    async fn request_grant(&self, tx: &mut Tx, actor: &Actor, user_id: &str, roles: &BTreeSet<Role>, now: i64) -> Result<(), Error> {
        let (dpo, others): (BTreeSet<Role>, BTreeSet<Role>) = roles.iter().partition(|r| **r == Role::DataProtectionOfficer);
        for part in [others, dpo].into_iter().filter(|p| !p.is_empty()) {
            let id = Uuid::new_v4().to_string();
            sqlx::query("INSERT INTO role_grants (id, user_id, roles, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&id)
                .bind(user_id)
                .bind(serde_json::to_string(&role_list(&part)).or_internal()?)
                .bind(&actor.user_id)
                .bind(now)
                .execute(&mut **tx)
                .await?;
            let event = actor_event(actor, "role_grant.request").on("role_grant", id).detail("user_id", user_id).detail("roles", role_list(&part));
            audit::append(tx, now, event).await?;
        }
        queue_notice(tx, user_id, Notice::RolesRequested, &self.config.public_url, now).await?;
        Ok(())
    }

    /// Whether an active data protection officer of a current agency exists, other than `except`.
    async fn dpo_exists(conn: &mut AnyConnection, except: &str, now: i64) -> Result<bool, Error> {
        let rows = sqlx::query(
            "SELECT u.agency_id, a.isa_state FROM users u JOIN user_roles r ON r.user_id = u.id JOIN agencies a ON a.id = u.agency_id \
             WHERE r.role = 'data_protection_officer' AND u.active = TRUE AND u.id <> $1",
        )
        .bind(except)
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            let agency: String = col(r, "agency_id")?;
            let state = IsaState::parse(&col::<String>(r, "isa_state")?).unwrap_or(IsaState::Suspended);
            if agency_status(conn, &agency, state, today(now)).await.or_internal()? == SignatoryStatus::Current {
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn agency_exists(tx: &mut Tx, id: &str) -> Result<bool, Error> {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM agencies WHERE id = $1").bind(id).fetch_optional(&mut **tx).await?;
        Ok(found.is_some())
    }

    async fn write_roles(tx: &mut Tx, user_id: &str, roles: &BTreeSet<Role>) -> Result<(), Error> {
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
        for role in roles {
            sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)").bind(user_id).bind(role.as_str()).execute(&mut **tx).await?;
        }
        Ok(())
    }

    async fn roles_of(conn: &mut AnyConnection, user_id: &str) -> Result<BTreeSet<Role>, Error> {
        let rows: Vec<String> = sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = $1").bind(user_id).fetch_all(&mut *conn).await?;
        Ok(rows.iter().filter_map(|r| Role::parse(r)).collect())
    }

    /// Active administrators other than `user_id`.
    async fn other_admins(conn: &mut AnyConnection, user_id: &str) -> Result<i64, Error> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = 'administrator' AND u.active = TRUE AND u.id <> $1",
        )
        .bind(user_id)
        .fetch_one(&mut *conn)
        .await?)
    }
}

#[async_trait::async_trait]
impl AdminBackend for ServerBackend {
    async fn admin_overview(&self, actor: &Actor) -> Result<AdminView, AppError> {
        answer(async move {
            check(actor, &Action::ViewAgencies)?;
            let now = self.clock.unix();
            let mut conn = self.db.pool().acquire().await?;
            let agencies = self.agency_summaries(&mut conn, now).await?;
            let isa_versions = self.isa_versions(&mut conn).await?;
            let grantable_roles = Role::ALL
                .iter()
                .filter(|r| {
                    decide(Some(actor), &Action::Invite { roles: [**r].into_iter().collect(), platform: false }) != shared::policy::Decision::Deny
                })
                .map(|r| r.as_str().to_string())
                .collect();
            Ok(AdminView { agencies, isa_versions, may_administer: decide(Some(actor), &Action::EditAgency).is_allowed(), grantable_roles })
        })
        .await
    }

    async fn save_agency(&self, actor: &Actor, input: AgencyInput) -> Result<String, AppError> {
        answer(async move {
            check(actor, &Action::EditAgency)?;
            let fields = check_agency(&input)?;
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let (id, action) = match &input.id {
                None => {
                    let id = Uuid::new_v4().to_string();
                    sqlx::query("INSERT INTO agencies (id, name, kind, secure_email, isa_state, created_at) VALUES ($1, $2, $3, $4, 'active', $5)")
                        .bind(&id)
                        .bind(&fields.name)
                        .bind(fields.kind.as_str())
                        .bind(&fields.secure_email)
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(duplicate_name)?;
                    (id, "agency.create")
                }
                Some(id) => {
                    let done = sqlx::query("UPDATE agencies SET name = $1, kind = $2, secure_email = $3 WHERE id = $4")
                        .bind(&fields.name)
                        .bind(fields.kind.as_str())
                        .bind(&fields.secure_email)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(duplicate_name)?;
                    if done.rows_affected() == 0 {
                        return Err(AppError::NotFound.into());
                    }
                    (id.clone(), "agency.update")
                }
            };
            audit::append(&mut tx, now, actor_event(actor, action).on("agency", id.clone())).await?;
            tx.commit().await?;
            Ok(id)
        })
        .await
    }

    async fn change_agency_state(&self, actor: &Actor, input: AgencyStateInput) -> Result<(), AppError> {
        answer(async move {
            check(actor, &Action::ChangeSignatory)?;
            let mut p = Problems::default();
            let state = IsaState::parse(&input.state);
            if state.is_none() {
                p.add("new-state", "Choose the new standing");
            }
            let reason = p.optional_text("state-reason", "Reason", &input.reason, 500);
            if state.is_some_and(|s| s != IsaState::Active) && reason.is_none() {
                p.add("state-reason", "Enter the reason for suspending or withdrawing the agency");
            }
            let state = p.finish(state.unwrap_or(IsaState::Active))?;
            if actor.agency_id.as_deref() == Some(input.agency_id.as_str()) && state != IsaState::Active {
                return Err(AppError::Invalid("You cannot suspend or withdraw your own agency: ask another administrator.".into()).into());
            }
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let reason = if state == IsaState::Active { None } else { reason };
            let done = sqlx::query("UPDATE agencies SET isa_state = $1, isa_state_reason = $2 WHERE id = $3")
                .bind(state.as_str())
                .bind(reason)
                .bind(&input.agency_id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound.into());
            }
            let ended = if state == IsaState::Active {
                0
            } else {
                sqlx::query("DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE agency_id = $1)")
                    .bind(&input.agency_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            };
            let event = actor_event(actor, "agency.change_standing")
                .on("agency", input.agency_id.clone())
                .detail("state", state.as_str())
                .detail("sessions_ended", ended);
            audit::append(&mut tx, now, event).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn record_signature(&self, actor: &Actor, input: SignatureInput) -> Result<(), AppError> {
        answer(async move {
            check(actor, &Action::ChangeSignatory)?;
            let mut p = Problems::default();
            if input.isa_version_id.trim().is_empty() {
                p.add("isa-version", "Choose the version signed");
            }
            let signed_by = p.text("signed-by", "Who signed", &input.signed_by, 120);
            let signed_on = p.date("signed-on", "Date signed", &input.signed_on);
            let review_on = p.date("review-on", "Review date", &input.review_on);
            let now = self.clock.unix();
            if let Some(d) = signed_on {
                if d > today(now) {
                    p.add("signed-on", "Date signed must be today or in the past");
                }
            }
            if let (Some(s), Some(r)) = (signed_on, review_on) {
                if r <= s {
                    p.add("review-on", "Review date must be after the date signed");
                }
            }
            let (signed_on, review_on) = p.finish((signed_on, review_on))?;
            let (Some(signed_on), Some(review_on)) = (signed_on, review_on) else {
                return Err(Error::internal("ISA dates accepted without both dates"));
            };
            let mut tx = self.tx().await?;
            if !Self::agency_exists(&mut tx, &input.agency_id).await? {
                return Err(AppError::NotFound.into());
            }
            let version: Option<String> =
                sqlx::query_scalar("SELECT id FROM isa_versions WHERE id = $1").bind(&input.isa_version_id).fetch_optional(&mut *tx).await?;
            if version.is_none() {
                let mut p = Problems::default();
                p.add("isa-version", "Choose the version signed");
                return Err(p.0.into());
            }
            let id = Uuid::new_v4().to_string();
            sqlx::query(
                "INSERT INTO isa_signatures (id, agency_id, isa_version_id, signed_by_name, signed_on, review_on, recorded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&id)
            .bind(&input.agency_id)
            .bind(&input.isa_version_id)
            .bind(&signed_by)
            .bind(iso_date(signed_on))
            .bind(iso_date(review_on))
            .bind(&actor.user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let event = actor_event(actor, "isa.record_signature")
                .on("isa_signature", id)
                .detail("agency_id", input.agency_id.clone())
                .detail("isa_version_id", input.isa_version_id.clone());
            audit::append(&mut tx, now, event).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn publish_isa(&self, actor: &Actor, input: IsaInput) -> Result<String, AppError> {
        answer(async move {
            check(actor, &Action::PublishIsa)?;
            let now = self.clock.unix();
            let mut p = Problems::default();
            let label = p.text("isa-label", "Version label", &input.label, 80);
            let body = p.text("isa-body", "The agreement", &input.body_markdown, 100_000);
            let statement = p.text("isa-statement", "Confidentiality statement", &input.confidentiality_statement, 2_000);
            let resign_by = p.optional_date("isa-resign-by", "Re-signing date", &input.resign_by);
            if resign_by.is_some_and(|d| d <= today(now)) {
                p.add("isa-resign-by", "Re-signing date must be in the future, so agencies have time to sign");
            }
            let resign_by = p.finish(resign_by)?;
            let id = Uuid::new_v4().to_string();
            let mut tx = self.tx().await?;
            sqlx::query(
            "INSERT INTO isa_versions (id, label, body_markdown, confidentiality_statement, published_at, resign_by) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(&label)
        .bind(&body)
        .bind(&statement)
        .bind(now)
        .bind(resign_by.map(iso_date))
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            if unique_violation(&e) {
                let mut p = Problems::default();
                p.add("isa-label", "A version with this label already exists. Choose another label");
                Error::from(p.0)
            } else {
                Error::from(e)
            }
        })?;
            audit::append(&mut tx, now, actor_event(actor, "isa.publish").on("isa_version", id.clone())).await?;
            tx.commit().await?;
            Ok(id)
        })
        .await
    }

    async fn list_users(&self, actor: &Actor) -> Result<Vec<UserSummary>, AppError> {
        answer(async move {
            check(actor, &Action::ViewUsers)?;
            let now = self.clock.unix();
            let mut conn = self.db.pool().acquire().await?;
            let rows = sqlx::query(
                "SELECT u.id, u.name, u.email, u.agency_id, a.name AS agency_name, CAST(u.active AS INTEGER) AS active, \
             (SELECT COUNT(*) FROM passkeys p WHERE p.user_id = u.id) AS passkeys, \
             (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id) AS sessions, \
             (SELECT COUNT(*) FROM invitations i WHERE i.user_id = u.id AND i.used_at IS NULL AND i.expires_at > $1) AS invitations \
             FROM users u LEFT JOIN agencies a ON a.id = u.agency_id ORDER BY u.name",
            )
            .bind(now)
            .fetch_all(&mut *conn)
            .await?;
            let role_rows = sqlx::query("SELECT user_id, role FROM user_roles").fetch_all(&mut *conn).await?;
            let mut roles: HashMap<String, Vec<String>> = HashMap::new();
            for r in &role_rows {
                roles.entry(col(r, "user_id")?).or_default().push(col(r, "role")?);
            }
            rows.iter()
                .map(|r| {
                    let id: String = col(r, "id")?;
                    let mut user_roles = roles.remove(&id).unwrap_or_default();
                    user_roles.sort_by_key(|r| Role::parse(r));
                    Ok(UserSummary {
                        name: col(r, "name")?,
                        email: col(r, "email")?,
                        agency_id: col(r, "agency_id")?,
                        agency_name: col(r, "agency_name")?,
                        roles: user_roles,
                        active: col::<i64>(r, "active")? != 0,
                        passkeys: col(r, "passkeys")?,
                        sessions: col(r, "sessions")?,
                        invitation_pending: col::<i64>(r, "invitations")? > 0,
                        id,
                    })
                })
                .collect()
        })
        .await
    }

    async fn invite_user(&self, actor: &Actor, input: UserInput) -> Result<EnrolmentLink, AppError> {
        answer(async move {
            let fields = check_person(&input);
            let roles: BTreeSet<Role> = input.roles.iter().filter_map(|r| Role::parse(r)).collect();
            check(actor, &Action::Invite { roles, platform: input.agency_id.trim() == "platform" })?;
            let fields = fields?;
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            if let Some(agency) = &fields.agency_id {
                if !Self::agency_exists(&mut tx, agency).await? {
                    let mut p = Problems::default();
                    p.add("person-agency", "Choose an agency");
                    return Err(p.0.into());
                }
                // A coordinator invites into their own MARAC's agencies only: its current signatories.
                if !decide(Some(actor), &Action::EditUser).is_allowed() {
                    let state: String = sqlx::query_scalar("SELECT isa_state FROM agencies WHERE id = $1").bind(agency).fetch_one(&mut *tx).await?;
                    let state = IsaState::parse(&state).unwrap_or(IsaState::Suspended);
                    if agency_status(&mut tx, agency, state, today(now)).await.or_internal()? != SignatoryStatus::Current {
                        let mut p = Problems::default();
                        p.add("person-agency", "Choose an agency that is a current signatory of the Information Sharing Agreement");
                        return Err(p.0.into());
                    }
                }
            }
            let id = Uuid::new_v4().to_string();
            sqlx::query("INSERT INTO users (id, name, email, agency_id, active, created_at) VALUES ($1, $2, $3, $4, TRUE, $5)")
                .bind(&id)
                .bind(&fields.name)
                .bind(&fields.email)
                .bind(&fields.agency_id)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(duplicate_email)?;
            let (now_roles, waiting) = self.split_grant(&BTreeSet::new(), &fields.roles);
            Self::write_roles(&mut tx, &id, &now_roles).await?;
            let event = actor_event(actor, "user.create")
                .on("user", id.clone())
                .detail("roles", role_list(&now_roles))
                .detail("awaiting_approval", role_list(&waiting));
            audit::append(&mut tx, now, event).await?;
            if !waiting.is_empty() {
                self.request_grant(&mut tx, actor, &id, &waiting, now).await?;
            }
            let secret = invitations::create(&mut tx, &id, Some(&actor.user_id), now).await.or_internal()?;
            tx.commit().await?;
            self.mail_wakeup.notify_one();
            Ok(self.link(id, &secret, now, &waiting))
        })
        .await
    }

    async fn update_user(&self, actor: &Actor, input: UserInput) -> Result<(), AppError> {
        answer(async move {
            check(actor, &Action::EditUser)?;
            let fields = check_person(&input)?;
            let user_id = input.id.clone().ok_or(AppError::NotFound)?;
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let current: Option<Option<String>> =
                sqlx::query_scalar("SELECT agency_id FROM users WHERE id = $1").bind(&user_id).fetch_optional(&mut *tx).await?;
            let Some(current_agency) = current else {
                return Err(AppError::NotFound.into());
            };
            let current_roles = Self::roles_of(&mut tx, &user_id).await?;
            let access_changed = current_roles != fields.roles || current_agency != fields.agency_id;
            if access_changed {
                check(actor, &Action::ChangeRoles)?;
            }
            // Nobody gives themselves a role: another person must.
            if user_id == actor.user_id && !fields.roles.is_subset(&current_roles) {
                let mut p = Problems::default();
                p.add("person-roles", "You cannot give yourself a role. Ask another administrator to do it");
                return Err(p.0.into());
            }
            if let Some(agency) = &fields.agency_id {
                if !Self::agency_exists(&mut tx, agency).await? {
                    let mut p = Problems::default();
                    p.add("person-agency", "Choose an agency");
                    return Err(p.0.into());
                }
            }
            if current_roles.contains(&Role::Administrator)
                && !fields.roles.contains(&Role::Administrator)
                && Self::other_admins(&mut tx, &user_id).await? == 0
            {
                let mut p = Problems::default();
                p.add("person-roles", "Roundtable needs at least one administrator. Give someone else the administrator role first");
                return Err(p.0.into());
            }
            sqlx::query("UPDATE users SET name = $1, email = $2, agency_id = $3 WHERE id = $4")
                .bind(&fields.name)
                .bind(&fields.email)
                .bind(&fields.agency_id)
                .bind(&user_id)
                .execute(&mut *tx)
                .await
                .map_err(duplicate_email)?;
            let (now_roles, waiting) = self.split_grant(&current_roles, &fields.roles);
            if access_changed {
                Self::write_roles(&mut tx, &user_id, &now_roles).await?;
            }
            let event = actor_event(actor, "user.update")
                .on("user", user_id.clone())
                .detail("roles", role_list(&now_roles))
                .detail("awaiting_approval", role_list(&waiting))
                .detail("access_changed", access_changed);
            audit::append(&mut tx, now, event).await?;
            if !waiting.is_empty() {
                self.request_grant(&mut tx, actor, &user_id, &waiting, now).await?;
            }
            if now_roles != current_roles {
                queue_notice(&mut tx, &user_id, Notice::RolesChanged, &self.config.public_url, now).await?;
            }
            tx.commit().await?;
            self.mail_wakeup.notify_one();
            Ok(())
        })
        .await
    }

    async fn set_user_active(&self, actor: &Actor, user_id: &str, active: bool) -> Result<(), AppError> {
        answer(async move {
            check(actor, &Action::DisableUser)?;
            if user_id == actor.user_id && !active {
                return Err(AppError::Invalid("You cannot disable your own account.".into()).into());
            }
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let done = sqlx::query("UPDATE users SET active = $1 WHERE id = $2").bind(active).bind(user_id).execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound.into());
            }
            let ended = if active { 0 } else { sessions::end_all_for_user(&mut tx, user_id).await.or_internal()? };
            let action = if active { "user.enable" } else { "user.disable" };
            audit::append(&mut tx, now, actor_event(actor, action).on("user", user_id).detail("sessions_ended", ended)).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn issue_recovery_link(&self, actor: &Actor, user_id: &str) -> Result<EnrolmentLink, AppError> {
        answer(async move {
            check(actor, &Action::IssueRecoveryLink)?;
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let active: Option<i64> =
                sqlx::query_scalar("SELECT CAST(active AS INTEGER) FROM users WHERE id = $1").bind(user_id).fetch_optional(&mut *tx).await?;
            match active {
                None => return Err(AppError::NotFound.into()),
                Some(0) => return Err(AppError::Invalid("This account is disabled. Enable it before issuing a recovery link.".into()).into()),
                Some(_) => {}
            }
            let ended = sessions::end_all_for_user(&mut tx, user_id).await.or_internal()?;
            audit::append(&mut tx, now, actor_event(actor, "user.recovery_link").on("user", user_id).detail("sessions_ended", ended)).await?;
            let secret = invitations::create(&mut tx, user_id, Some(&actor.user_id), now).await.or_internal()?;
            // The person hears of it at once: whoever uses the link removes their passkeys.
            queue_notice(&mut tx, user_id, Notice::RecoveryLinkIssued, &self.config.public_url, now).await?;
            tx.commit().await?;
            self.mail_wakeup.notify_one();
            Ok(self.link(user_id.to_string(), &secret, now, &BTreeSet::new()))
        })
        .await
    }

    async fn list_sessions(&self, actor: &Actor, own_secret: Option<&str>) -> Result<Vec<SessionView>, AppError> {
        answer(async move {
            check(actor, &Action::ViewSessions)?;
            let now = self.clock.unix();
            let limits = self.config.session_limits();
            let own = own_secret.map(sessions::hash_secret);
            let mut conn = self.db.pool().acquire().await?;
            let rows = sqlx::query(
                "SELECT s.id_hash, s.created_at, s.last_seen_at, u.name, a.name AS agency_name FROM sessions s \
             JOIN users u ON u.id = s.user_id LEFT JOIN agencies a ON a.id = u.agency_id ORDER BY s.last_seen_at DESC",
            )
            .fetch_all(&mut *conn)
            .await?;
            let mut out = Vec::new();
            for r in &rows {
                let (created_at, last_seen_at): (i64, i64) = (col(r, "created_at")?, col(r, "last_seen_at")?);
                if session_state(created_at, last_seen_at, now, limits) != SessionState::Live {
                    continue;
                }
                let id: String = col(r, "id_hash")?;
                out.push(SessionView {
                    is_yours: own.as_deref() == Some(id.as_str()),
                    id,
                    user_name: col(r, "name")?,
                    agency_name: col(r, "agency_name")?,
                    created_at,
                    last_seen_at,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn end_session(&self, actor: &Actor, session_id: &str) -> Result<(), AppError> {
        answer(async move {
            check(actor, &Action::EndSession)?;
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let owner: Option<String> =
                sqlx::query_scalar("SELECT user_id FROM sessions WHERE id_hash = $1").bind(session_id).fetch_optional(&mut *tx).await?;
            let Some(owner) = owner else {
                return Err(AppError::NotFound.into());
            };
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(session_id).execute(&mut *tx).await?;
            audit::append(&mut tx, now, actor_event(actor, "session.end").on("user", owner)).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn role_grants(&self, actor: &Actor) -> Result<RoleGrantList, AppError> {
        answer(async move {
            check(actor, &Action::ViewRoleGrants)?;
            let now = self.clock.unix();
            let mut tx = self.read_tx().await?;
            let rows = sqlx::query(
                "SELECT g.id, g.user_id, g.roles, g.requested_by, g.requested_at, u.name, u.email, a.name AS agency_name, q.name AS requested_name \
             FROM role_grants g JOIN users u ON u.id = g.user_id LEFT JOIN agencies a ON a.id = u.agency_id JOIN users q ON q.id = g.requested_by \
             WHERE g.decided_at IS NULL ORDER BY g.requested_at, g.id",
            )
            .fetch_all(&mut *tx)
            .await?;
            let admin = actor.has(Role::Administrator);
            let dpo = actor.has(Role::DataProtectionOfficer) && actor.agency_is_current();
            let mut pending = Vec::new();
            for r in &rows {
                let roles: Vec<Role> = serde_json::from_str::<Vec<String>>(&col::<String>(r, "roles")?)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|x| Role::parse(x))
                    .collect();
                let includes_dpo = roles.contains(&Role::DataProtectionOfficer);
                let grantee: String = col(r, "user_id")?;
                let requested_by: String = col(r, "requested_by")?;
                let a_dpo = Self::dpo_exists(&mut tx, &grantee, now).await?;
                let may_decide = approver_may_decide(&actor.user_id, admin, dpo, &requested_by, &grantee, includes_dpo, a_dpo);
                // The DPO sees only what is theirs to decide.
                if !admin && !may_decide {
                    continue;
                }
                pending.push(RoleGrantView {
                    id: col(r, "id")?,
                    user_name: col(r, "name")?,
                    user_email: col(r, "email")?,
                    agency_name: col(r, "agency_name")?,
                    roles: roles.iter().map(|x| x.label().to_string()).collect(),
                    requested_by: col(r, "requested_name")?,
                    requested_at: col(r, "requested_at")?,
                    may_decide,
                });
            }
            let administrators: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = 'administrator' AND u.active = TRUE",
            )
            .fetch_one(&mut *tx)
            .await?;
            let approval_required = self.config.two_person_approval;
            let notice = if !approval_required {
                Some(
                    "Two-person approval is off: any one administrator can grant the coordinator, chair, IDVA, data protection officer and \
                 administrator roles alone, and so could give an account they control access to every case. Turn it on with \
                 --two-person-approval=true."
                        .to_string(),
                )
            } else if administrators <= 1 && admin {
                Some(
                    "You are the only administrator, so the privileged roles you grant (coordinator, chair, IDVA, data protection officer, \
                 administrator) wait until a second administrator, or the data protection officer for that role, approves them. Add a \
                 second administrator with `roundtable enrol-link --email ...` on the server. Turning approval off \
                 (--two-person-approval=false) would let one administrator alone give any account, one of their own making included, \
                 access to every case."
                        .to_string(),
                )
            } else {
                None
            };
            tx.commit().await?;
            Ok(RoleGrantList { pending, approval_required, administrators, notice })
        })
        .await
    }

    async fn decide_role_grant(&self, actor: &Actor, grant_id: &str, approve: bool) -> Result<(), AppError> {
        answer(async move {
        check(actor, &Action::ViewRoleGrants)?;
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let Some(row) = sqlx::query("SELECT user_id, roles, requested_by FROM role_grants WHERE id = $1 AND decided_at IS NULL")
            .bind(grant_id)
            .fetch_optional(&mut *tx)
            .await
            ?
        else {
            return Err(AppError::NotFound.into());
        };
        let grantee: String = col(&row, "user_id")?;
        let requested_by: String = col(&row, "requested_by")?;
        let roles: BTreeSet<Role> =
            serde_json::from_str::<Vec<String>>(&col::<String>(&row, "roles")?).unwrap_or_default().iter().filter_map(|x| Role::parse(x)).collect();
        let includes_dpo = roles.contains(&Role::DataProtectionOfficer);
        check(actor, &Action::DecideRoleGrant { includes_dpo })?;
        let a_dpo = Self::dpo_exists(&mut tx, &grantee, now).await?;
        let admin = actor.has(Role::Administrator);
        let dpo = actor.has(Role::DataProtectionOfficer) && actor.agency_is_current();
        if !approver_may_decide(&actor.user_id, admin, dpo, &requested_by, &grantee, includes_dpo, a_dpo) {
            let why = if actor.user_id == requested_by || actor.user_id == grantee {
                "A grant takes two people: someone other than the person who asked for it, and other than the person it is for, must decide it."
            } else {
                "A grant of the data protection officer role is decided by the data protection officer."
            };
            return Err(AppError::Invalid(why.into()).into());
        }
        if approve {
            for role in &roles {
                sqlx::query("INSERT INTO user_roles (user_id, role) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM user_roles WHERE user_id = $1 AND role = $2)")
                    .bind(&grantee)
                    .bind(role.as_str())
                    .execute(&mut *tx)
                    .await
                    ?;
            }
            queue_notice(&mut tx, &grantee, Notice::RolesChanged, &self.config.public_url, now).await?;
        }
        let decision = if approve { "approved" } else { "refused" };
        sqlx::query("UPDATE role_grants SET decision = $1, decided_by = $2, decided_at = $3 WHERE id = $4")
            .bind(decision)
            .bind(&actor.user_id)
            .bind(now)
            .bind(grant_id)
            .execute(&mut *tx)
            .await
            ?;
        let action = if approve { "role_grant.approve" } else { "role_grant.refuse" };
        audit::append(
            &mut tx,
            now,
            actor_event(actor, action).on("role_grant", grant_id).detail("user_id", grantee).detail("roles", role_list(&roles)),
        )
        .await?;
        tx.commit().await?;
        self.mail_wakeup.notify_one();
        Ok(())
    }).await
    }
}

fn role_list(roles: &BTreeSet<Role>) -> Vec<&'static str> {
    roles.iter().map(|r| r.as_str()).collect()
}

fn duplicate_name(e: sqlx::Error) -> Error {
    if unique_violation(&e) {
        let mut p = Problems::default();
        p.add("agency-name", "An agency with this name already exists");
        p.0.into()
    } else {
        e.into()
    }
}

fn duplicate_email(e: sqlx::Error) -> Error {
    if unique_violation(&e) {
        let mut p = Problems::default();
        p.add("person-email", "Someone already has an account with this work email");
        p.0.into()
    } else {
        e.into()
    }
}

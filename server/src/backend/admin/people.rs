//! People: the list, invitations (enrolment links), changes of details, agency and roles,
//! disabling and recovery links.

use std::collections::{BTreeSet, HashMap};

use app::api::admin::{EnrolmentLink, UserInput, UserSummary};
use app::error::AppError;
use shared::identity::Role;
use shared::isa::{IsaState, SignatoryStatus};
use shared::policy::{decide, Action, Actor};
use shared::validation::Problems;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::{role_list, unique_violation};
use crate::audit;
use crate::backend::error::{Error, OrInternal, Result};
use crate::backend::{actor_event, check, ServerBackend};
use crate::db::Tx;
use crate::identity::actor::{agency_status, today};
use crate::identity::sessions;
use crate::invitations::{self, enrolment_link, INVITATION_LIFETIME_SECS};
use crate::mail::{queue_notice, Notice};

/// A person as the people table shows them (booleans and counts as integers).
#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    name: String,
    email: String,
    agency_id: Option<String>,
    agency_name: Option<String>,
    active: i64,
    passkeys: i64,
    sessions: i64,
    invitations: i64,
}

/// One role someone holds.
#[derive(sqlx::FromRow)]
struct UserRoleRow {
    user_id: String,
    #[sqlx(try_from = "String")]
    role: Role,
}

/// One role of a person already known.
#[derive(sqlx::FromRow)]
struct HeldRole {
    #[sqlx(try_from = "String")]
    role: Role,
}

/// An agency's standing as an administrator set it.
#[derive(sqlx::FromRow)]
struct AgencyState {
    #[sqlx(try_from = "String")]
    isa_state: IsaState,
}

/// Checked person details.
struct PersonFields {
    name: String,
    email: String,
    agency_id: Option<String>,
    roles: BTreeSet<Role>,
}

fn check_person(input: &UserInput) -> Result<PersonFields> {
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

fn duplicate_email(e: sqlx::Error) -> Error {
    if unique_violation(&e) {
        let mut p = Problems::default();
        p.add("person-email", "Someone already has an account with this work email");
        p.0.into()
    } else {
        e.into()
    }
}

/// The problem of an agency that cannot be chosen.
fn no_such_agency() -> Error {
    let mut p = Problems::default();
    p.add("person-agency", "Choose an agency");
    p.0.into()
}

impl ServerBackend {
    /// The enrolment link for a token, as shown once to its creator.
    fn link(&self, user_id: String, secret: &str, now: i64, awaiting: &BTreeSet<Role>) -> EnrolmentLink {
        EnrolmentLink {
            user_id,
            url: enrolment_link(&self.config.public_url, secret),
            expires_at: now + INVITATION_LIFETIME_SECS,
            awaiting_approval: awaiting.iter().map(|r| r.label().to_string()).collect(),
        }
    }

    async fn write_roles(tx: &mut Tx, user_id: &str, roles: &BTreeSet<Role>) -> Result<()> {
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
        for role in roles {
            sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)").bind(user_id).bind(role.as_str()).execute(&mut **tx).await?;
        }
        Ok(())
    }

    async fn roles_of(conn: &mut AnyConnection, user_id: &str) -> Result<BTreeSet<Role>> {
        let rows = sqlx::query_as::<_, HeldRole>("SELECT role FROM user_roles WHERE user_id = $1").bind(user_id).fetch_all(&mut *conn).await?;
        Ok(rows.into_iter().map(|r| r.role).collect())
    }

    /// Active administrators other than `user_id`.
    async fn other_admins(conn: &mut AnyConnection, user_id: &str) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = 'administrator' AND u.active = TRUE AND u.id <> $1",
        )
        .bind(user_id)
        .fetch_one(&mut *conn)
        .await?)
    }

    pub(super) async fn list_users_op(&self, actor: &Actor) -> Result<Vec<UserSummary>> {
        check(actor, &Action::ViewUsers)?;
        let now = self.clock.unix();
        let mut conn = self.db.pool().acquire().await?;
        let rows = sqlx::query_as::<_, UserRow>(
            "SELECT u.id, u.name, u.email, u.agency_id, a.name AS agency_name, CAST(u.active AS INTEGER) AS active, \
             (SELECT COUNT(*) FROM passkeys p WHERE p.user_id = u.id) AS passkeys, \
             (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id) AS sessions, \
             (SELECT COUNT(*) FROM invitations i WHERE i.user_id = u.id AND i.used_at IS NULL AND i.expires_at > $1) AS invitations \
             FROM users u LEFT JOIN agencies a ON a.id = u.agency_id ORDER BY u.name",
        )
        .bind(now)
        .fetch_all(&mut *conn)
        .await?;
        let role_rows = sqlx::query_as::<_, UserRoleRow>("SELECT user_id, role FROM user_roles").fetch_all(&mut *conn).await?;
        let mut roles: HashMap<String, Vec<Role>> = HashMap::new();
        for r in role_rows {
            roles.entry(r.user_id).or_default().push(r.role);
        }
        Ok(rows
            .into_iter()
            .map(|r| {
                let mut user_roles = roles.remove(&r.id).unwrap_or_default();
                user_roles.sort();
                UserSummary {
                    name: r.name,
                    email: r.email,
                    agency_id: r.agency_id,
                    agency_name: r.agency_name,
                    roles: user_roles,
                    active: r.active != 0,
                    passkeys: r.passkeys,
                    sessions: r.sessions,
                    invitation_pending: r.invitations > 0,
                    id: r.id,
                }
            })
            .collect())
    }

    pub(super) async fn invite_user_op(&self, actor: &Actor, input: UserInput) -> Result<EnrolmentLink> {
        let fields = check_person(&input);
        let roles: BTreeSet<Role> = input.roles.iter().filter_map(|r| Role::parse(r)).collect();
        check(actor, &Action::Invite { roles, platform: input.agency_id.trim() == "platform" })?;
        let fields = fields?;
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        if let Some(agency) = &fields.agency_id {
            if !Self::agency_exists(&mut tx, agency).await? {
                return Err(no_such_agency());
            }
            // A coordinator invites into their own MARAC's agencies only: its current signatories.
            if !decide(Some(actor), &Action::EditUser).is_allowed() {
                let standing =
                    sqlx::query_as::<_, AgencyState>("SELECT isa_state FROM agencies WHERE id = $1").bind(agency).fetch_one(&mut *tx).await?;
                if agency_status(&mut tx, agency, standing.isa_state, today(now)).await.or_internal()? != SignatoryStatus::Current {
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
    }

    pub(super) async fn update_user_op(&self, actor: &Actor, input: UserInput) -> Result<()> {
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
                return Err(no_such_agency());
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
    }

    pub(super) async fn set_user_active_op(&self, actor: &Actor, user_id: &str, active: bool) -> Result<()> {
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
    }

    pub(super) async fn issue_recovery_link_op(&self, actor: &Actor, user_id: &str) -> Result<EnrolmentLink> {
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
    }
}

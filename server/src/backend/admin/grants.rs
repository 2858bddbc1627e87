//! Grants of privileged roles: with two-person approval they wait until a second person (or,
//! for the data protection officer role, the DPO) approves or refuses them.

use std::collections::BTreeSet;

use app::api::admin::{RoleGrantList, RoleGrantView};
use app::error::AppError;
use shared::identity::{approver_may_decide, privileged_additions, Role};
use shared::isa::{IsaState, SignatoryStatus};
use shared::policy::{Action, Actor};
use sqlx::AnyConnection;
use uuid::Uuid;

use super::role_list;
use crate::audit;
use crate::backend::error::{OrInternal, Result};
use crate::backend::{actor_event, check, ServerBackend};
use crate::db::Tx;
use crate::identity::actor::{agency_status, today};
use crate::mail::{queue_notice, Notice};

/// A grant waiting for a decision, with the names the list shows.
#[derive(sqlx::FromRow)]
struct PendingGrantRow {
    id: String,
    user_id: String,
    roles: String,
    requested_by: String,
    requested_at: i64,
    name: String,
    email: String,
    agency_name: Option<String>,
    requested_name: String,
}

/// A grant waiting for a decision, as deciding it needs.
#[derive(sqlx::FromRow)]
struct GrantRow {
    user_id: String,
    roles: String,
    requested_by: String,
}

/// The agency of an active data protection officer, and its standing as set.
#[derive(sqlx::FromRow)]
struct DpoAgencyRow {
    agency_id: String,
    #[sqlx(try_from = "String")]
    isa_state: IsaState,
}

/// The roles of a grant, stored as a JSON list of their stored forms (unknown ones left out).
fn granted_roles(stored: &str) -> Vec<Role> {
    serde_json::from_str::<Vec<String>>(stored).unwrap_or_default().iter().filter_map(|x| Role::parse(x)).collect()
}

impl ServerBackend {
    /// Splits a grant into what takes effect now and what waits for a second person: with
    /// two-person approval, the privileged roles `new` adds to `old` wait.
    pub(super) fn split_grant(&self, old: &BTreeSet<Role>, new: &BTreeSet<Role>) -> (BTreeSet<Role>, BTreeSet<Role>) {
        if !self.config.two_person_approval {
            return (new.clone(), BTreeSet::new());
        }
        let waiting = privileged_additions(old, new);
        (new.difference(&waiting).copied().collect(), waiting)
    }

    /// Records a grant of `roles` to `user_id` by `actor`, waiting for approval; audited, and
    /// the person is told. The data protection officer role is granted on its own, since the
    /// DPO decides it and nothing else.
    pub(super) async fn request_grant(&self, tx: &mut Tx, actor: &Actor, user_id: &str, roles: &BTreeSet<Role>, now: i64) -> Result<()> {
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
    async fn dpo_exists(conn: &mut AnyConnection, except: &str, now: i64) -> Result<bool> {
        let rows = sqlx::query_as::<_, DpoAgencyRow>(
            "SELECT u.agency_id, a.isa_state FROM users u JOIN user_roles r ON r.user_id = u.id JOIN agencies a ON a.id = u.agency_id \
             WHERE r.role = 'data_protection_officer' AND u.active = TRUE AND u.id <> $1",
        )
        .bind(except)
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            if agency_status(conn, &r.agency_id, r.isa_state, today(now)).await.or_internal()? == SignatoryStatus::Current {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub(super) async fn role_grants_op(&self, actor: &Actor) -> Result<RoleGrantList> {
        check(actor, &Action::ViewRoleGrants)?;
        let now = self.clock.unix();
        let mut tx = self.read_tx().await?;
        let rows = sqlx::query_as::<_, PendingGrantRow>(
            "SELECT g.id, g.user_id, g.roles, g.requested_by, g.requested_at, u.name, u.email, a.name AS agency_name, q.name AS requested_name \
             FROM role_grants g JOIN users u ON u.id = g.user_id LEFT JOIN agencies a ON a.id = u.agency_id JOIN users q ON q.id = g.requested_by \
             WHERE g.decided_at IS NULL ORDER BY g.requested_at, g.id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let admin = actor.has(Role::Administrator);
        let dpo = actor.has(Role::DataProtectionOfficer) && actor.agency_is_current();
        let mut pending = Vec::new();
        for r in rows {
            let roles = granted_roles(&r.roles);
            let includes_dpo = roles.contains(&Role::DataProtectionOfficer);
            let a_dpo = Self::dpo_exists(&mut tx, &r.user_id, now).await?;
            let may_decide = approver_may_decide(&actor.user_id, admin, dpo, &r.requested_by, &r.user_id, includes_dpo, a_dpo);
            // The DPO sees only what is theirs to decide.
            if !admin && !may_decide {
                continue;
            }
            pending.push(RoleGrantView {
                id: r.id,
                user_name: r.name,
                user_email: r.email,
                agency_name: r.agency_name,
                roles: roles.iter().map(|x| x.label().to_string()).collect(),
                requested_by: r.requested_name,
                requested_at: r.requested_at,
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
        tx.finish().await?;
        Ok(RoleGrantList { pending, approval_required, administrators, notice })
    }

    pub(super) async fn decide_role_grant_op(&self, actor: &Actor, grant_id: &str, approve: bool) -> Result<()> {
        check(actor, &Action::ViewRoleGrants)?;
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let Some(grant) = sqlx::query_as::<_, GrantRow>("SELECT user_id, roles, requested_by FROM role_grants WHERE id = $1 AND decided_at IS NULL")
            .bind(grant_id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Err(AppError::NotFound.into());
        };
        let (grantee, requested_by) = (grant.user_id, grant.requested_by);
        let roles: BTreeSet<Role> = granted_roles(&grant.roles).into_iter().collect();
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
                sqlx::query(
                    "INSERT INTO user_roles (user_id, role) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM user_roles WHERE user_id = $1 AND role = $2)",
                )
                .bind(&grantee)
                .bind(role.as_str())
                .execute(&mut *tx)
                .await?;
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
            .await?;
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
    }
}

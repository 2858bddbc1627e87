//! Agencies: the overview the admin pages start from, their details, and their standing under
//! the ISA (suspending or withdrawing one ends its people's sessions).

use app::api::admin::{AdminView, AgencyInput, AgencyStateInput, AgencySummary, SignatureView};
use app::error::AppError;
use shared::identity::{AgencyKind, Role};
use shared::isa::{IsaState, SignatoryStatus};
use shared::policy::{decide, Action, Actor, Decision};
use shared::validation::Problems;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::unique_violation;
use crate::audit;
use crate::backend::error::{Error, OrInternal, Result};
use crate::backend::{actor_event, check, ServerBackend};
use crate::db::Tx;
use crate::identity::actor::{agency_status, today};

/// An agency as stored, with how many active people it has.
#[derive(sqlx::FromRow)]
struct AgencyRow {
    id: String,
    name: String,
    #[sqlx(try_from = "String")]
    kind: AgencyKind,
    secure_email: String,
    #[sqlx(try_from = "String")]
    isa_state: IsaState,
    isa_state_reason: Option<String>,
    people: i64,
}

/// An agency's latest signature of the ISA, with the version's label.
#[derive(sqlx::FromRow)]
struct SignatureRow {
    label: String,
    signed_by_name: String,
    signed_on: String,
    review_on: String,
}

impl From<SignatureRow> for SignatureView {
    fn from(s: SignatureRow) -> Self {
        SignatureView { version_label: s.label, signed_by: s.signed_by_name, signed_on: s.signed_on, review_on: s.review_on }
    }
}

/// Checked agency details.
struct AgencyFields {
    name: String,
    kind: AgencyKind,
    secure_email: String,
}

fn check_agency(input: &AgencyInput) -> Result<AgencyFields> {
    let mut p = Problems::default();
    let name = p.text("agency-name", "Agency name", &input.name, 120);
    let kind = AgencyKind::parse(&input.kind);
    if kind.is_none() {
        p.add("agency-kind", "Choose the kind of agency");
    }
    let secure_email = p.email("agency-email", "Secure contact email", &input.secure_email);
    Ok(p.finish(AgencyFields { name, kind: kind.unwrap_or(AgencyKind::Other), secure_email })?)
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

impl ServerBackend {
    async fn agency_summaries(&self, conn: &mut AnyConnection, now: i64) -> Result<Vec<AgencySummary>> {
        let rows = sqlx::query_as::<_, AgencyRow>(
            "SELECT a.id, a.name, a.kind, a.secure_email, a.isa_state, a.isa_state_reason, \
             (SELECT COUNT(*) FROM users u WHERE u.agency_id = a.id AND u.active = TRUE) AS people \
             FROM agencies a ORDER BY a.name",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let status = agency_status(conn, &r.id, r.isa_state, today(now)).await.or_internal()?;
            let signature = sqlx::query_as::<_, SignatureRow>(
                "SELECT v.label, s.signed_by_name, s.signed_on, s.review_on FROM isa_signatures s JOIN isa_versions v ON v.id = s.isa_version_id \
                 WHERE s.agency_id = $1 ORDER BY s.signed_on DESC, s.created_at DESC LIMIT 1",
            )
            .bind(&r.id)
            .fetch_optional(&mut *conn)
            .await?
            .map(SignatureView::from);
            out.push(AgencySummary {
                id: r.id,
                name: r.name,
                kind: r.kind,
                secure_email: r.secure_email,
                state: r.isa_state,
                state_reason: r.isa_state_reason,
                status_label: status.label().to_string(),
                current: status == SignatoryStatus::Current,
                signature,
                people: r.people,
            });
        }
        Ok(out)
    }

    /// Whether the agency exists.
    pub(super) async fn agency_exists(tx: &mut Tx, id: &str) -> Result<bool> {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM agencies WHERE id = $1").bind(id).fetch_optional(&mut **tx).await?;
        Ok(found.is_some())
    }

    pub(super) async fn admin_overview_op(&self, actor: &Actor) -> Result<AdminView> {
        check(actor, &Action::ViewAgencies)?;
        let now = self.clock.unix();
        let mut conn = self.db.pool().acquire().await?;
        let agencies = self.agency_summaries(&mut conn, now).await?;
        let isa_versions = self.isa_versions(&mut conn).await?;
        let grantable_roles = Role::ALL
            .into_iter()
            .filter(|r| decide(Some(actor), &Action::Invite { roles: [*r].into_iter().collect(), platform: false }) != Decision::Deny)
            .collect();
        Ok(AdminView { agencies, isa_versions, may_administer: decide(Some(actor), &Action::EditAgency).is_allowed(), grantable_roles })
    }

    pub(super) async fn save_agency_op(&self, actor: &Actor, input: AgencyInput) -> Result<String> {
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
    }

    pub(super) async fn change_agency_state_op(&self, actor: &Actor, input: AgencyStateInput) -> Result<()> {
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
    }
}

//! The agenda before the meeting: its order, the agencies invited, publishing it with a research
//! deadline.

use app::error::AppError;
use shared::meeting::{suggested_order, AgendaFacts, MeetingStatus};
use shared::policy::Actor;
use shared::validation::{iso_date, Problems};

use super::loaded::{load, require};
use crate::backend::{actor_event, error::Error, ServerBackend};
use crate::casework::agency_is_active;
use crate::identity::actor::today;

impl ServerBackend {
    pub(super) async fn order_children_first_op(&self, actor: &Actor, id: &str) -> Result<(), Error> {
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, id).await?;
        require(m.rights.manage && m.status().agenda_open())?;
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT ai.case_id, ai.position, (SELECT COUNT(*) FROM household_members h WHERE h.referral_id = ai.referral_id) AS household \
         FROM agenda_items ai WHERE ai.meeting_id = $1 ORDER BY ai.position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let facts: Vec<AgendaFacts> =
            rows.iter().map(|(_, position, household)| AgendaFacts { has_household: *household > 0, position: *position }).collect();
        for (pos, i) in suggested_order(&facts).into_iter().enumerate() {
            sqlx::query("UPDATE agenda_items SET position = $1 WHERE meeting_id = $2 AND case_id = $3")
                .bind(pos as i64 + 1)
                .bind(id)
                .bind(&rows[i].0)
                .execute(&mut *tx)
                .await?;
        }
        self.audit_and_commit(tx, actor_event(actor, "meeting.reorder").on("meeting", id).detail("order", "children_first")).await
    }

    pub(super) async fn move_agenda_item_op(&self, actor: &Actor, id: &str, case_id: &str, up: bool) -> Result<(), Error> {
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, id).await?;
        require(m.rights.manage && m.status().agenda_open())?;
        let order: Vec<String> =
            sqlx::query_scalar("SELECT case_id FROM agenda_items WHERE meeting_id = $1 ORDER BY position").bind(id).fetch_all(&mut *tx).await?;
        let Some(i) = order.iter().position(|c| c == case_id) else {
            return Err(AppError::NotFound.into());
        };
        let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < order.len()) };
        let Some(j) = j else { return Ok(()) };
        let mut order = order;
        order.swap(i, j);
        for (pos, case) in order.iter().enumerate() {
            sqlx::query("UPDATE agenda_items SET position = $1 WHERE meeting_id = $2 AND case_id = $3")
                .bind(pos as i64 + 1)
                .bind(id)
                .bind(case)
                .execute(&mut *tx)
                .await?;
        }
        self.audit_and_commit(tx, actor_event(actor, "meeting.reorder").on("meeting", id).detail("case_id", case_id)).await
    }

    pub(super) async fn set_invitation_op(&self, actor: &Actor, id: &str, agency_id: &str, invited: bool) -> Result<(), Error> {
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, id).await?;
        require(m.rights.manage)?;
        if invited && !agency_is_active(&mut tx, agency_id).await? {
            return Err(AppError::Invalid("Only agencies that have signed the ISA can be invited.".into()).into());
        }
        let sql = if invited {
            "INSERT INTO meeting_agencies (meeting_id, agency_id) VALUES ($1, $2) ON CONFLICT (meeting_id, agency_id) DO NOTHING"
        } else {
            "DELETE FROM meeting_agencies WHERE meeting_id = $1 AND agency_id = $2"
        };
        sqlx::query(sql).bind(id).bind(agency_id).execute(&mut *tx).await?;
        let event = actor_event(actor, if invited { "meeting.invite" } else { "meeting.uninvite" }).on("meeting", id).detail("agency_id", agency_id);
        self.audit_and_commit(tx, event).await
    }

    pub(super) async fn publish_agenda_op(&self, actor: &Actor, id: &str, research_deadline: &str) -> Result<(), Error> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, id).await?;
        require(m.rights.manage)?;
        if m.status() != MeetingStatus::Scheduled {
            return Err(AppError::Conflict("The agenda has already been published.".into()).into());
        }
        let mut p = Problems::default();
        let deadline = p.date("research-deadline", "Research deadline", research_deadline);
        let meeting_day = today(m.row.starts_at);
        if deadline.is_some_and(|d| d < today(now) || d > meeting_day) {
            p.add("research-deadline", "The research deadline must be between today and the day of the meeting");
        }
        let deadline = p.finish(deadline)?.map(iso_date);
        let isa: Option<String> =
            sqlx::query_scalar("SELECT id FROM isa_versions ORDER BY published_at DESC LIMIT 1").fetch_optional(&mut *tx).await?;
        sqlx::query("UPDATE meetings SET status = 'agenda_published', research_deadline = $1, isa_version_id = $2 WHERE id = $3")
            .bind(&deadline)
            .bind(&isa)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.audit_and_commit(tx, actor_event(actor, "meeting.publish_agenda").on("meeting", id)).await
    }
}

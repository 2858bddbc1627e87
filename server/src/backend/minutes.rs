//! Minutes and actions: entries with version checks, risks and decision, finalisation and
//! amendments that keep the original, actions and their history. Called from the meeting
//! backend's trait implementation; the same rights decide every step.

use app::api::meetings::{ActionInput, ActionUpdate, ActionView, AmendInput, CaseMinutesInput, EntryEdit, EntryInput};
use app::error::AppError;
use shared::meeting::{ActionStatus, EntryKind, MeetingStatus};
use shared::policy::{decide, Action, Actor};
use shared::referral::{LONG_TEXT, SHORT_TEXT, SUMMARY_TEXT};
use shared::validation::{iso_date, Problems};
use uuid::Uuid;

use super::meetings::{action_views, check_entry, load, on_agenda, record_hearings, require};
use super::{actor_event, check, col, internal_db, ServerBackend};
use crate::casework::agency_is_active;
use crate::identity::actor::today;

impl ServerBackend {
    pub(super) async fn add_entry_op(&self, actor: &Actor, input: EntryInput) -> Result<(), AppError> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, &input.meeting_id).await?;
        require(m.rights.minute)?;
        on_agenda(&mut tx, &input.meeting_id, &input.case_id).await?;
        let (kind, body) = check_entry(&input, "entry")?;
        let source: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agencies WHERE id = $1")
            .bind(&input.source_agency_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(internal_db)?;
        if source == 0 {
            return Err(AppError::field("entry-source", "Choose the agency it came from"));
        }
        let person = Some(input.source_person.trim().to_string()).filter(|p| !p.is_empty() && p.chars().count() <= SHORT_TEXT);
        let id = Uuid::new_v4().to_string();
        sqlx::query("INSERT INTO minute_entries (id, meeting_id, case_id, kind, body, source_agency_id, source_person, version, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $9)")
            .bind(&id)
            .bind(&input.meeting_id)
            .bind(&input.case_id)
            .bind(kind.as_str())
            .bind(&body)
            .bind(&input.source_agency_id)
            .bind(&person)
            .bind(&actor.user_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(internal_db)?;
        self.audit_and_commit(tx, actor_event(actor, "minutes.entry_add").on("minute_entry", id).detail("case_id", input.case_id.as_str())).await
    }

    pub(super) async fn edit_entry_op(&self, actor: &Actor, input: EntryEdit) -> Result<i64, AppError> {
        let mut tx = self.tx().await?;
        let meeting: String = sqlx::query_scalar("SELECT meeting_id FROM minute_entries WHERE id = $1")
            .bind(&input.entry_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal_db)?
            .ok_or(AppError::NotFound)?;
        let m = load(&mut tx, actor, &meeting).await?;
        require(m.rights.minute)?;
        let kind = EntryKind::parse(&input.kind).ok_or_else(|| AppError::field("edit-kind", "Choose fact or opinion"))?;
        let mut p = Problems::default();
        let body = p.text("edit-body", "What was said", &input.body, SUMMARY_TEXT);
        p.finish(())?;
        let changed =
            sqlx::query("UPDATE minute_entries SET kind = $1, body = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5")
                .bind(kind.as_str())
                .bind(&body)
                .bind(self.clock.unix())
                .bind(&input.entry_id)
                .bind(input.version)
                .execute(&mut *tx)
                .await
                .map_err(internal_db)?;
        if changed.rows_affected() == 0 {
            return Err(AppError::Conflict("Someone else changed this entry while you were editing it. Their version is shown above your text, which is kept in the box: compare, then save again.".into()));
        }
        self.audit_and_commit(tx, actor_event(actor, "minutes.entry_edit").on("minute_entry", &input.entry_id)).await?;
        Ok(input.version + 1)
    }

    pub(super) async fn save_case_minutes_op(&self, actor: &Actor, input: CaseMinutesInput) -> Result<i64, AppError> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, &input.meeting_id).await?;
        require(m.rights.minute)?;
        on_agenda(&mut tx, &input.meeting_id, &input.case_id).await?;
        let mut p = Problems::default();
        let risks = p.optional_text("risks", "Risks identified", &input.risks, SUMMARY_TEXT).unwrap_or_default();
        let decision = p.optional_text("decision", "Decision", &input.decision, SUMMARY_TEXT).unwrap_or_default();
        p.finish(())?;
        let changed = if input.version == 0 {
            sqlx::query("INSERT INTO case_minutes (meeting_id, case_id, risks, decision, version, updated_by, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $6) ON CONFLICT (meeting_id, case_id) DO NOTHING")
                .bind(&input.meeting_id)
                .bind(&input.case_id)
                .bind(&risks)
                .bind(&decision)
                .bind(&actor.user_id)
                .bind(now)
                .execute(&mut *tx)
                .await
        } else {
            sqlx::query("UPDATE case_minutes SET risks = $1, decision = $2, version = version + 1, updated_by = $3, updated_at = $4 WHERE meeting_id = $5 AND case_id = $6 AND version = $7")
                .bind(&risks)
                .bind(&decision)
                .bind(&actor.user_id)
                .bind(now)
                .bind(&input.meeting_id)
                .bind(&input.case_id)
                .bind(input.version)
                .execute(&mut *tx)
                .await
        }
        .map_err(internal_db)?;
        if changed.rows_affected() == 0 {
            return Err(AppError::Conflict("Someone else saved the risks or decision while you were editing. Their version is shown above your text, which is kept in the boxes: compare, then save again.".into()));
        }
        self.audit_and_commit(tx, actor_event(actor, "minutes.case_save").on("case", &input.case_id).detail("meeting_id", input.meeting_id.as_str()))
            .await?;
        Ok(input.version + 1)
    }

    pub(super) async fn finalise_minutes_op(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, id).await?;
        require(m.rights.finalise)?;
        if m.status == MeetingStatus::MinutesFinal {
            return Err(AppError::Conflict("The minutes are already final.".into()));
        }
        if m.status == MeetingStatus::InProgress {
            record_hearings(&mut tx, &m.row).await?;
        }
        sqlx::query("UPDATE meetings SET status = 'minutes_final', finalised_at = $1, finalised_by = $2 WHERE id = $3")
            .bind(now)
            .bind(&actor.user_id)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(internal_db)?;
        self.audit_and_commit(tx, actor_event(actor, "minutes.finalise").on("meeting", id)).await
    }

    pub(super) async fn amend_minutes_op(&self, actor: &Actor, input: AmendInput) -> Result<(), AppError> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, &input.meeting_id).await?;
        require(m.status == MeetingStatus::MinutesFinal && m.rights.register && m.rights.open_cases)?;
        on_agenda(&mut tx, &input.meeting_id, &input.case_id).await?;
        let mut p = Problems::default();
        let amended = p.text("amended", "The corrected text", &input.amended, SUMMARY_TEXT);
        let reason = p.text("amend-reason", "Reason for the amendment", &input.reason, LONG_TEXT);
        p.finish(())?;
        let (original, entry_id): (String, Option<String>) = match input.target.as_str() {
            "entry" => {
                let body: String = sqlx::query_scalar("SELECT body FROM minute_entries WHERE id = $1 AND meeting_id = $2 AND case_id = $3")
                    .bind(&input.entry_id)
                    .bind(&input.meeting_id)
                    .bind(&input.case_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(internal_db)?
                    .ok_or(AppError::NotFound)?;
                sqlx::query("UPDATE minute_entries SET body = $1, version = version + 1, updated_at = $2 WHERE id = $3")
                    .bind(&amended)
                    .bind(now)
                    .bind(&input.entry_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(internal_db)?;
                (body, Some(input.entry_id.clone()))
            }
            target @ ("risks" | "decision") => {
                let sql = format!("SELECT {target} FROM case_minutes WHERE meeting_id = $1 AND case_id = $2");
                let old: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .bind(&input.meeting_id)
                    .bind(&input.case_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(internal_db)?
                    .unwrap_or_default();
                let sql = format!(
                    "INSERT INTO case_minutes (meeting_id, case_id, {target}, version, updated_by, updated_at) VALUES ($1, $2, $3, 1, $4, $5) \
                     ON CONFLICT (meeting_id, case_id) DO UPDATE SET {target} = $3, version = case_minutes.version + 1, updated_by = $4, updated_at = $5"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(&input.meeting_id)
                    .bind(&input.case_id)
                    .bind(&amended)
                    .bind(&actor.user_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(internal_db)?;
                (old, None)
            }
            _ => return Err(AppError::Invalid("Choose what to amend.".into())),
        };
        sqlx::query("INSERT INTO amendments (id, meeting_id, case_id, target, entry_id, original, amended, reason, amended_by, amended_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .bind(Uuid::new_v4().to_string())
            .bind(&input.meeting_id)
            .bind(&input.case_id)
            .bind(&input.target)
            .bind(&entry_id)
            .bind(&original)
            .bind(&amended)
            .bind(&reason)
            .bind(&actor.user_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(internal_db)?;
        self.audit_and_commit(
            tx,
            actor_event(actor, "minutes.amend")
                .on("case", &input.case_id)
                .detail("meeting_id", input.meeting_id.as_str())
                .detail("target", input.target.as_str()),
        )
        .await
    }

    pub(super) async fn add_action_op(&self, actor: &Actor, input: ActionInput) -> Result<(), AppError> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, &input.meeting_id).await?;
        require(m.rights.minute)?;
        on_agenda(&mut tx, &input.meeting_id, &input.case_id).await?;
        let mut p = Problems::default();
        let description = p.text("action-description", "What is to be done", &input.description, LONG_TEXT);
        let due = p.date("action-due", "Due date", &input.due_on);
        let meeting_day = today(col(&m.row, "starts_at")?);
        if due.is_some_and(|d| d < meeting_day) {
            p.add("action-due", "The due date must be on or after the meeting");
        }
        if !agency_is_active(&mut tx, &input.owner_agency_id).await.map_err(internal_db)? {
            p.add("action-owner", "Choose the agency that owns the action");
        }
        let person = p.optional_text("action-person", "Named person", &input.owner_person, SHORT_TEXT);
        let due = p.finish(due)?.map(iso_date).unwrap_or_default();
        let id = Uuid::new_v4().to_string();
        sqlx::query("INSERT INTO actions (id, case_id, meeting_id, owner_agency_id, owner_user_id, description, due_on, status, version, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', 1, $8, $9, $9)")
            .bind(&id)
            .bind(&input.case_id)
            .bind(&input.meeting_id)
            .bind(&input.owner_agency_id)
            .bind(&person)
            .bind(&description)
            .bind(&due)
            .bind(&actor.user_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(internal_db)?;
        self.audit_and_commit(tx, actor_event(actor, "action.add").on("action", id).detail("case_id", input.case_id.as_str())).await
    }

    pub(super) async fn update_action_op(&self, actor: &Actor, input: ActionUpdate) -> Result<i64, AppError> {
        require(actor.agency_is_current())?;
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let owner: String = sqlx::query_scalar("SELECT owner_agency_id FROM actions WHERE id = $1")
            .bind(&input.action_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal_db)?
            .ok_or(AppError::NotFound)?;
        let may = actor.agency_id.as_deref() == Some(owner.as_str()) && decide(Some(actor), &Action::ListCases).is_allowed()
            || decide(Some(actor), &Action::ScheduleMeetings).is_allowed();
        require(may)?;
        let status = ActionStatus::parse(&input.status).ok_or_else(|| AppError::field("action-status", "Choose a status"))?;
        let mut p = Problems::default();
        let note = p.optional_text("action-note", "What happened", &input.note, LONG_TEXT).unwrap_or_default();
        if status == ActionStatus::NotAchievable && note.is_empty() {
            p.add("action-note", "Say why the action cannot be achieved");
        }
        p.finish(())?;
        let changed = sqlx::query("UPDATE actions SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4")
            .bind(status.as_str())
            .bind(now)
            .bind(&input.action_id)
            .bind(input.version)
            .execute(&mut *tx)
            .await
            .map_err(internal_db)?;
        if changed.rows_affected() == 0 {
            return Err(AppError::Conflict(
                "Someone else updated this action first. Its current status is shown now; update it again if you still need to.".into(),
            ));
        }
        sqlx::query("INSERT INTO action_updates (id, action_id, status, note, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(Uuid::new_v4().to_string())
            .bind(&input.action_id)
            .bind(status.as_str())
            .bind(&note)
            .bind(&actor.user_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(internal_db)?;
        self.audit_and_commit(tx, actor_event(actor, "action.update").on("action", &input.action_id).detail("status", status.as_str())).await?;
        Ok(input.version + 1)
    }

    pub(super) async fn actions_op(&self, actor: &Actor, scope: &str) -> Result<Vec<ActionView>, AppError> {
        let today = today(self.clock.unix());
        let mut tx = self.tx().await?;
        let agency = actor.agency_id.clone().unwrap_or_default();
        let list = match scope {
            "agency" => {
                check(actor, &Action::ListCases)?;
                action_views(&mut tx, actor, "x.owner_agency_id = $1", &[&agency], today).await?
            }
            "cases" => {
                check(actor, &Action::ListCases)?;
                action_views(&mut tx, actor, "c.idva_user_id = $1", &[&actor.user_id], today).await?
            }
            "all" => {
                check(actor, &Action::ViewAllActions)?;
                action_views(&mut tx, actor, "x.status IN ('open', 'in_progress')", &[], today).await?
            }
            _ => return Err(AppError::NotFound),
        };
        self.audit_and_commit(tx, actor_event(actor, "action.list").detail("scope", scope).detail("count", list.len())).await?;
        Ok(list)
    }
}

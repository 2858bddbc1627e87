//! Minutes and actions: entries with version checks, risks and decision, finalisation and
//! amendments that keep the original, actions and their history. Called from the meeting
//! backend's trait implementation; the same rights decide every step.

use app::api::meetings::{ActionInput, ActionUpdate, ActionView, AmendInput, CaseMinutesInput, EntryEdit, EntryInput};
use app::error::AppError;
use shared::finalising::{finalise_check, CaseMinuted, FinaliseCheck};
use shared::meeting::{ActionStatus, EntryKind, MeetingStatus};
use shared::policy::{Action, Actor};
use shared::referral::{LONG_TEXT, SHORT_TEXT, SUMMARY_TEXT};
use shared::validation::{iso_date, Problems};
use uuid::Uuid;

use super::loaded::{case_grant, check_entry, load, require};
use crate::backend::{actor_event, check, error::Error, ServerBackend};
use crate::casework::{agency_is_active, exposure};
use crate::identity::actor::today;
use shared::policy::exposure::Writes;
use sqlx::AnyConnection;

/// An amendment to final minutes, as stored beside what it changed.
struct Amendment<'a> {
    meeting_id: &'a str,
    case_id: &'a str,
    /// `entry`, `risks`, `decision`, `entry_added` or `action_added`.
    target: &'a str,
    entry_id: Option<&'a str>,
    original: &'a str,
    amended: &'a str,
    reason: &'a str,
}

async fn record_amendment(conn: &mut AnyConnection, a: Amendment<'_>, actor: &Actor, now: i64) -> Result<(), Error> {
    sqlx::query("INSERT INTO amendments (id, meeting_id, case_id, target, entry_id, original, amended, reason, amended_by, amended_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(Uuid::new_v4().to_string())
        .bind(a.meeting_id)
        .bind(a.case_id)
        .bind(a.target)
        .bind(a.entry_id)
        .bind(a.original)
        .bind(a.amended)
        .bind(a.reason)
        .bind(&actor.user_id)
        .bind(now)
        .execute(conn)
        .await
        ?;
    Ok(())
}

/// Whether an addition is part of the minutes being written (`Ok(None)`) or an amendment to
/// final minutes, which needs its reason (`Ok(Some(reason))`); refused when it is neither.
fn addition(writes: &Writes, reason: &str, field: &str, p: &mut Problems) -> Result<Option<String>, Error> {
    if writes.minute {
        return Ok(None);
    }
    require(writes.amend)?;
    Ok(Some(p.text(field, "Reason for the amendment", reason, LONG_TEXT)))
}

#[derive(sqlx::FromRow)]
struct MinutedRow {
    case_id: String,
    reference: String,
    entries: i64,
    risks: String,
    decision: String,
    actions: i64,
    unnamed_actions: i64,
}

/// What is minuted for each case on the meeting's agenda, and what is missing.
pub(super) async fn minutes_check(conn: &mut AnyConnection, meeting_id: &str) -> Result<FinaliseCheck, Error> {
    let rows = sqlx::query_as::<_, MinutedRow>(
        "SELECT ai.case_id, c.reference,            (SELECT COUNT(*) FROM minute_entries e WHERE e.meeting_id = ai.meeting_id AND e.case_id = ai.case_id) AS entries,            COALESCE((SELECT cm.risks FROM case_minutes cm WHERE cm.meeting_id = ai.meeting_id AND cm.case_id = ai.case_id), '') AS risks,            COALESCE((SELECT cm.decision FROM case_minutes cm WHERE cm.meeting_id = ai.meeting_id AND cm.case_id = ai.case_id), '') AS decision,            (SELECT COUNT(*) FROM actions a WHERE a.meeting_id = ai.meeting_id AND a.case_id = ai.case_id) AS actions,            (SELECT COUNT(*) FROM actions a WHERE a.meeting_id = ai.meeting_id AND a.case_id = ai.case_id AND a.owner_user_id IS NULL) AS unnamed_actions          FROM agenda_items ai JOIN cases c ON c.id = ai.case_id WHERE ai.meeting_id = $1 ORDER BY ai.position",
    )
    .bind(meeting_id)
    .fetch_all(conn)
    .await
    ?;
    let count = |n: i64| usize::try_from(n).unwrap_or_default();
    Ok(finalise_check(
        rows.into_iter()
            .map(|r| CaseMinuted {
                case_id: r.case_id,
                reference: r.reference,
                entries: count(r.entries),
                risks: !r.risks.trim().is_empty(),
                decision: !r.decision.trim().is_empty(),
                actions: count(r.actions),
                unnamed_actions: count(r.unnamed_actions),
            })
            .collect(),
    ))
}

impl ServerBackend {
    pub(super) async fn add_entry_op(&self, actor: &Actor, input: EntryInput) -> Result<(), Error> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, &input.meeting_id).await?;
        let writes = case_grant(&mut tx, actor, &m, &input.case_id).await?.writes;
        let mut p = Problems::default();
        let reason = addition(&writes, &input.reason, "entry-reason", &mut p)?;
        p.finish(())?;
        let (kind, body) = check_entry(&input, "entry")?;
        let source: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agencies WHERE id = $1").bind(&input.source_agency_id).fetch_one(&mut *tx).await?;
        if source == 0 {
            return Err(AppError::field("entry-source", "Choose the agency it came from").into());
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
            ?;
        if let Some(reason) = &reason {
            let a = Amendment {
                meeting_id: &input.meeting_id,
                case_id: &input.case_id,
                target: "entry_added",
                entry_id: Some(&id),
                original: "",
                amended: &body,
                reason,
            };
            record_amendment(&mut tx, a, actor, now).await?;
        }
        self.audit_and_commit(tx, actor_event(actor, "minutes.entry_add").on("minute_entry", id).detail("case_id", input.case_id.as_str())).await?;
        self.live.changed(&input.meeting_id);
        Ok(())
    }

    pub(super) async fn edit_entry_op(&self, actor: &Actor, input: EntryEdit) -> Result<i64, Error> {
        let mut tx = self.tx().await?;
        let (meeting, case): (String, String) = sqlx::query_as("SELECT meeting_id, case_id FROM minute_entries WHERE id = $1")
            .bind(&input.entry_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?;
        let m = load(&mut tx, actor, &meeting).await?;
        require(case_grant(&mut tx, actor, &m, &case).await?.writes.minute)?;
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
                .await?;
        if changed.rows_affected() == 0 {
            return Err(AppError::Conflict("Someone else changed this entry while you were editing it. Their version is shown above your text, which is kept in the box: compare, then save again.".into()).into());
        }
        self.audit_and_commit(tx, actor_event(actor, "minutes.entry_edit").on("minute_entry", &input.entry_id)).await?;
        self.live.changed(&meeting);
        Ok(input.version + 1)
    }

    pub(super) async fn save_case_minutes_op(&self, actor: &Actor, input: CaseMinutesInput) -> Result<i64, Error> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, &input.meeting_id).await?;
        require(case_grant(&mut tx, actor, &m, &input.case_id).await?.writes.minute)?;
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
        }?;
        if changed.rows_affected() == 0 {
            return Err(AppError::Conflict("Someone else saved the risks or decision while you were editing. Their version is shown above your text, which is kept in the boxes: compare, then save again.".into()).into());
        }
        self.audit_and_commit(tx, actor_event(actor, "minutes.case_save").on("case", &input.case_id).detail("meeting_id", input.meeting_id.as_str()))
            .await?;
        self.live.changed(&input.meeting_id);
        Ok(input.version + 1)
    }

    pub(super) async fn finalise_minutes_op(&self, actor: &Actor, id: &str) -> Result<(), Error> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, id).await?;
        if !m.rights.finalise {
            require(m.seat.chair)?;
            return Err(AppError::Conflict(match m.status() {
                MeetingStatus::MinutesFinal => "The minutes are already final.".into(),
                MeetingStatus::MinutesDraft => "Acknowledge the confidentiality statement before finalising the minutes.".into(),
                _ => "Close the meeting first: the minutes can be finalised once the meeting has ended.".into(),
            })
            .into());
        }
        if let Some(refusal) = minutes_check(&mut tx, id).await?.refusal() {
            return Err(AppError::Conflict(refusal).into());
        }
        sqlx::query("UPDATE meetings SET status = 'minutes_final', finalised_at = $1, finalised_by = $2 WHERE id = $3")
            .bind(now)
            .bind(&actor.user_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.audit_and_commit(tx, actor_event(actor, "minutes.finalise").on("meeting", id)).await?;
        self.live.changed(id);
        Ok(())
    }

    pub(super) async fn amend_minutes_op(&self, actor: &Actor, input: AmendInput) -> Result<(), Error> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, &input.meeting_id).await?;
        require(case_grant(&mut tx, actor, &m, &input.case_id).await?.writes.amend)?;
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
                    .await?
                    .ok_or(AppError::NotFound)?;
                sqlx::query("UPDATE minute_entries SET body = $1, version = version + 1, updated_at = $2 WHERE id = $3")
                    .bind(&amended)
                    .bind(now)
                    .bind(&input.entry_id)
                    .execute(&mut *tx)
                    .await?;
                (body, Some(input.entry_id.clone()))
            }
            target @ ("risks" | "decision") => {
                let sql = format!("SELECT {target} FROM case_minutes WHERE meeting_id = $1 AND case_id = $2");
                let old: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .bind(&input.meeting_id)
                    .bind(&input.case_id)
                    .fetch_optional(&mut *tx)
                    .await?
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
                    .await?;
                (old, None)
            }
            _ => return Err(AppError::Invalid("Choose what to amend.".into()).into()),
        };
        let a = Amendment {
            meeting_id: &input.meeting_id,
            case_id: &input.case_id,
            target: &input.target,
            entry_id: entry_id.as_deref(),
            original: &original,
            amended: &amended,
            reason: &reason,
        };
        record_amendment(&mut tx, a, actor, now).await?;
        self.audit_and_commit(
            tx,
            actor_event(actor, "minutes.amend")
                .on("case", &input.case_id)
                .detail("meeting_id", input.meeting_id.as_str())
                .detail("target", input.target.as_str()),
        )
        .await?;
        self.live.changed(&input.meeting_id);
        Ok(())
    }

    pub(super) async fn add_action_op(&self, actor: &Actor, input: ActionInput) -> Result<(), Error> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, &input.meeting_id).await?;
        let writes = case_grant(&mut tx, actor, &m, &input.case_id).await?.writes;
        let mut p = Problems::default();
        let reason = addition(&writes, &input.reason, "action-reason", &mut p)?;
        let description = p.text("action-description", "What is to be done", &input.description, LONG_TEXT);
        let due = p.date("action-due", "Due date", &input.due_on);
        let meeting_day = today(m.row.starts_at);
        if due.is_some_and(|d| d < meeting_day) {
            p.add("action-due", "The due date must be on or after the meeting");
        }
        if !agency_is_active(&mut tx, &input.owner_agency_id).await? {
            p.add("action-owner", "Choose the agency that owns the action");
        }
        let person = Some(input.owner_user_id.trim().to_string()).filter(|u| !u.is_empty());
        if let Some(user) = &person {
            let of_owner: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE id = $1 AND agency_id = $2 AND active = TRUE")
                .bind(user)
                .bind(&input.owner_agency_id)
                .fetch_one(&mut *tx)
                .await?;
            if of_owner == 0 {
                p.add("action-person", "Choose someone of the agency that owns the action, or nobody");
            }
        }
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
            ?;
        if let Some(reason) = &reason {
            let a = Amendment {
                meeting_id: &input.meeting_id,
                case_id: &input.case_id,
                target: "action_added",
                entry_id: None,
                original: "",
                amended: &description,
                reason,
            };
            record_amendment(&mut tx, a, actor, now).await?;
        }
        self.audit_and_commit(tx, actor_event(actor, "action.add").on("action", id).detail("case_id", input.case_id.as_str())).await?;
        self.live.changed(&input.meeting_id);
        Ok(())
    }

    pub(super) async fn update_action_op(&self, actor: &Actor, input: ActionUpdate) -> Result<i64, Error> {
        require(actor.agency_is_current())?;
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let (owner, case_id, meeting_id): (String, String, String) =
            sqlx::query_as("SELECT owner_agency_id, case_id, meeting_id FROM actions WHERE id = $1")
                .bind(&input.action_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(AppError::NotFound)?;
        let granted = exposure::record_grant(&mut tx, &case_id, actor).await?.map(|(_, g)| g);
        require(granted.is_some_and(|g| g.open() && g.writes.may_update_action(actor, &owner)))?;
        let status = ActionStatus::parse(&input.status).ok_or_else(|| AppError::field("action-status", "Choose a status"))?;
        let mut p = Problems::default();
        let note = p.optional_text("action-note", "What happened", &input.note, LONG_TEXT).unwrap_or_default();
        if let Some(needed) = status.note_required().filter(|_| note.is_empty()) {
            p.add("action-note", needed);
        }
        p.finish(())?;
        let changed = sqlx::query("UPDATE actions SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4")
            .bind(status.as_str())
            .bind(now)
            .bind(&input.action_id)
            .bind(input.version)
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() == 0 {
            return Err(AppError::Conflict(
                "Someone else updated this action first. Its current status is shown now; update it again if you still need to.".into(),
            )
            .into());
        }
        sqlx::query("INSERT INTO action_updates (id, action_id, status, note, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(Uuid::new_v4().to_string())
            .bind(&input.action_id)
            .bind(status.as_str())
            .bind(&note)
            .bind(&actor.user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        self.audit_and_commit(tx, actor_event(actor, "action.update").on("action", &input.action_id).detail("status", status.as_str())).await?;
        self.live.changed(&meeting_id);
        Ok(input.version + 1)
    }

    pub(super) async fn actions_op(&self, actor: &Actor, scope: &str) -> Result<Vec<ActionView>, Error> {
        let now = self.clock.unix();
        let agency = actor.agency_id.clone().unwrap_or_default();
        let (sql, bind) = match scope {
            "agency" => {
                check(actor, &Action::ListCases)?;
                ("SELECT DISTINCT case_id FROM actions WHERE owner_agency_id = $1 ORDER BY case_id LIMIT 500", Some(agency.clone()))
            }
            "cases" => {
                check(actor, &Action::ListCases)?;
                (
                    "SELECT id FROM cases WHERE idva_user_id = $1 AND id IN (SELECT case_id FROM actions) ORDER BY id LIMIT 500",
                    Some(actor.user_id.clone()),
                )
            }
            "all" => {
                check(actor, &Action::ViewAllActions)?;
                ("SELECT DISTINCT case_id FROM actions WHERE status IN ('open', 'in_progress') ORDER BY case_id LIMIT 500", None)
            }
            _ => return Err(AppError::NotFound.into()),
        };
        let mut tx = self.read_tx().await?;
        let query = sqlx::query_scalar(sql);
        let query = match bind {
            Some(b) => query.bind(b),
            None => query,
        };
        let case_ids: Vec<String> = query.fetch_all(&mut *tx).await?;
        let keep = |a: &shared::casefile::ActionRecord| match scope {
            "agency" => a.owner_agency_id == agency,
            "all" => a.status.is_outstanding(),
            _ => true,
        };
        let (list, mut events) = self.action_views(&mut tx, actor, &case_ids, keep, now).await?;
        events.push(actor_event(actor, "action.list").detail("scope", scope).detail("count", list.len()));
        self.finish_read(tx, events).await?;
        Ok(list)
    }
}

//! Meetings: scheduling, agenda, invitations, register and confidentiality, research, minutes
//! with version checks, finalisation, amendments and actions. Every operation asks
//! `meeting_rights` (or `decide`) first; a meeting someone may not see does not exist for them.

use app::api::meetings::{
    ActionInput, ActionUpdate, ActionView, AgendaItem, AmendInput, AttendanceInput, CaseAtMeeting, CaseMinutesInput, EntryEdit, EntryInput,
    EntryView, MeetingBackend, MeetingList, MeetingSummary, MeetingView, RegisterLine, ScheduleInput,
};
use app::error::AppError;
use shared::display::instant;
use shared::markdown::to_safe_html;
use shared::meeting::{first_date_problem, is_overdue, schedule_starts, suggested_order, ActionStatus, AgendaFacts, Attendance, EntryKind, MeetingStatus};
use shared::time_zone::area_zone;
use shared::policy::meetings::{meeting_rights, MeetingRelation, MeetingRights};
use shared::policy::{decide, Action, Actor};
use shared::referral::{SHORT_TEXT, SUMMARY_TEXT};
use shared::validation::{iso_date, parse_iso_date, Problems};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::Time;
use uuid::Uuid;

use super::{actor_event, check, col, internal, internal_db, ServerBackend};
use crate::audit;
use crate::casework::{agency_is_active, people};
use crate::identity::actor::today;

/// A meeting row with how the actor stands to it.
pub(super) struct Loaded {
    pub(super) row: AnyRow,
    pub(super) status: MeetingStatus,
    pub(super) rights: MeetingRights,
    pub(super) acknowledged: bool,
}

fn status_of(row: &AnyRow) -> Result<MeetingStatus, AppError> {
    let s: String = col(row, "status")?;
    MeetingStatus::parse(&s).ok_or_else(|| internal(format!("unknown meeting status {s}")))
}

pub(super) async fn load(conn: &mut AnyConnection, actor: &Actor, id: &str) -> Result<Loaded, AppError> {
    let row = sqlx::query("SELECT * FROM meetings WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(internal_db)?
        .ok_or(AppError::NotFound)?;
    let status = status_of(&row)?;
    let agency = actor.agency_id.clone().unwrap_or_default();
    let invited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meeting_agencies WHERE meeting_id = $1 AND agency_id = $2")
        .bind(id)
        .bind(&agency)
        .fetch_one(&mut *conn)
        .await
        .map_err(internal_db)?;
    let acknowledged: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM attendance WHERE meeting_id = $1 AND user_id = $2 AND acknowledged_at IS NOT NULL")
            .bind(id)
            .bind(&actor.user_id)
            .fetch_one(&mut *conn)
            .await
            .map_err(internal_db)?;
    let chair: Option<String> = col(&row, "chair_user_id")?;
    let relation = MeetingRelation {
        status,
        agency_invited: invited > 0,
        is_chair: chair.as_deref() == Some(actor.user_id.as_str()),
        acknowledged: acknowledged > 0,
    };
    let rights = meeting_rights(actor, &relation);
    if !rights.see {
        return Err(AppError::NotFound);
    }
    Ok(Loaded { row, status, rights, acknowledged: acknowledged > 0 })
}

/// Refuses unless `allowed`, exactly as for a missing record.
pub(super) fn require(allowed: bool) -> Result<(), AppError> {
    if allowed {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

fn summary(row: &AnyRow, cases: i64) -> Result<MeetingSummary, AppError> {
    let status = status_of(row)?;
    Ok(MeetingSummary {
        id: col(row, "id")?,
        starts_at: col(row, "starts_at")?,
        place: col(row, "place")?,
        status: status.as_str().into(),
        status_label: status.label().into(),
        cases,
        capacity: col(row, "capacity")?,
    })
}

pub(super) async fn on_agenda(conn: &mut AnyConnection, meeting_id: &str, case_id: &str) -> Result<(), AppError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agenda_items WHERE meeting_id = $1 AND case_id = $2")
        .bind(meeting_id)
        .bind(case_id)
        .fetch_one(&mut *conn)
        .await
        .map_err(internal_db)?;
    require(n > 0)
}

pub(super) fn check_entry(input: &EntryInput, prefix: &str) -> Result<(EntryKind, String), AppError> {
    let mut p = Problems::default();
    let kind = EntryKind::parse(&input.kind);
    if kind.is_none() {
        p.add(&format!("{prefix}-kind"), "Choose fact or opinion");
    }
    let body = p.text(&format!("{prefix}-body"), "What was said", &input.body, SUMMARY_TEXT);
    p.finish((kind.unwrap_or(EntryKind::Fact), body)).map_err(AppError::from)
}

/// Why a case was referred, as markdown: criteria, DASH score and the referrer's summary.
pub(super) async fn referral_markdown(conn: &mut AnyConnection, referral_id: &str) -> Result<String, AppError> {
    let row = sqlx::query("SELECT criteria, dash_score, summary_markdown FROM referrals WHERE id = $1")
        .bind(referral_id)
        .fetch_one(&mut *conn)
        .await
        .map_err(internal_db)?;
    let criteria = super::referrals::criteria_labels(col::<Option<String>>(&row, "criteria")?.as_deref()).join("; ");
    let dash = col::<Option<i64>>(&row, "dash_score")?.map(|s| format!(" DASH score {s} of 24.")).unwrap_or_default();
    Ok(format!("**Criteria:** {criteria}.{dash}\n\n{}", col::<Option<String>>(&row, "summary_markdown")?.unwrap_or_default()))
}

/// A case's amendments at a meeting, oldest first, each in one sentence.
pub(super) async fn amendment_lines(conn: &mut AnyConnection, meeting_id: &str, case_id: &str) -> Result<Vec<String>, AppError> {
    sqlx::query("SELECT am.target, am.original, am.amended, am.reason, am.amended_at, u.name FROM amendments am JOIN users u ON u.id = am.amended_by WHERE am.meeting_id = $1 AND am.case_id = $2 ORDER BY am.amended_at")
        .bind(meeting_id)
        .bind(case_id)
        .fetch_all(&mut *conn)
        .await
        .map_err(internal_db)?
        .iter()
        .map(|r| {
            Ok(format!(
                "{} amended by {} on {} ({}): \u{201c}{}\u{201d} became \u{201c}{}\u{201d}",
                col::<String>(r, "target")?,
                col::<String>(r, "name")?,
                shared::display::day_of(col(r, "amended_at")?),
                col::<String>(r, "reason")?,
                col::<String>(r, "original")?,
                col::<String>(r, "amended")?
            ))
        })
        .collect()
}

pub(super) async fn entries(conn: &mut AnyConnection, table: &str, meeting_id: &str, case_id: &str) -> Result<Vec<EntryView>, AppError> {
    let person = if table == "research" { "u.name" } else { "e.source_person" };
    let agency = if table == "research" { "e.agency_id" } else { "e.source_agency_id" };
    let version = if table == "research" { "0" } else { "e.version" };
    let author = if table == "research" { "e.author_id" } else { "e.created_by" };
    let sql = format!(
        "SELECT e.id, e.kind, e.body, a.name AS agency_name, {person} AS person, {version} AS version FROM {table} e \
         JOIN agencies a ON a.id = {agency} JOIN users u ON u.id = {author} WHERE e.meeting_id = $1 AND e.case_id = $2 ORDER BY e.created_at, e.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(meeting_id).bind(case_id).fetch_all(&mut *conn).await.map_err(internal_db)?;
    rows.iter()
        .map(|r| {
            let body: String = col(r, "body")?;
            let agency: String = col(r, "agency_name")?;
            let person: Option<String> = col(r, "person")?;
            Ok(EntryView {
                id: col(r, "id")?,
                kind: col(r, "kind")?,
                body_html: to_safe_html(&body),
                body,
                source: person.filter(|p| !p.is_empty()).map_or_else(|| agency.clone(), |p| format!("{agency} ({p})")),
                version: col(r, "version")?,
            })
        })
        .collect()
}

/// Actions matching `condition` (SQL over `x` = actions, `c` = cases), soonest due first.
/// Whether the actor may open a restricted case (the policy's rule for a restricted case).
fn opens_restricted(actor: &Actor) -> bool {
    let restricted = shared::policy::cases::CaseRelation { restricted: true, ..Default::default() };
    shared::policy::cases::case_parts(actor, &restricted).is_some()
}

pub(super) async fn action_views(
    conn: &mut AnyConnection,
    actor: &Actor,
    condition: &str,
    binds: &[&str],
    today: time::Date,
) -> Result<Vec<ActionView>, AppError> {
    let sql = format!(
        "SELECT x.*, c.reference, c.restricted, a.name AS agency_name, c.idva_user_id FROM actions x JOIN cases c ON c.id = x.case_id \
         JOIN agencies a ON a.id = x.owner_agency_id WHERE {condition} ORDER BY x.due_on, x.created_at LIMIT 500"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = q.bind(b.to_string());
    }
    let rows = q.fetch_all(&mut *conn).await.map_err(internal_db)?;
    let mut out = Vec::new();
    for r in &rows {
        let id: String = col(r, "id")?;
        let status = ActionStatus::parse(&col::<String>(r, "status")?).unwrap_or(ActionStatus::Open);
        let due: String = col(r, "due_on")?;
        let owner: String = col(r, "owner_agency_id")?;
        let history = sqlx::query("SELECT h.status, h.note, h.updated_at, u.name FROM action_updates h JOIN users u ON u.id = h.updated_by WHERE h.action_id = $1 ORDER BY h.updated_at")
            .bind(&id)
            .fetch_all(&mut *conn)
            .await
            .map_err(internal_db)?
            .iter()
            .map(|h| {
                let s = ActionStatus::parse(&col::<String>(h, "status")?).map_or("", |s| s.label());
                Ok(format!("{}: {} by {}. {}", shared::display::day_of(col(h, "updated_at")?), s, col::<String>(h, "name")?, col::<String>(h, "note")?))
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        out.push(ActionView {
            case_id: col(r, "case_id")?,
            case_reference: col(r, "reference")?,
            case_restricted: col::<i64>(r, "restricted")? != 0,
            description: col(r, "description")?,
            owner_agency: col(r, "agency_name")?,
            owner_agency_id: owner.clone(),
            owner_person: col(r, "owner_user_id")?,
            overdue: parse_iso_date(&due).is_some_and(|d| is_overdue(status, d, today)),
            due_on: due,
            status: status.as_str().into(),
            status_label: status.label().into(),
            version: col(r, "version")?,
            history,
            may_update: actor.agency_id.as_deref() == Some(owner.as_str()) || actor.has(shared::identity::Role::Coordinator),
            id,
        });
    }
    Ok(out)
}

/// Records that every case on the agenda was heard on the meeting's date.
pub(super) async fn record_hearings(conn: &mut AnyConnection, meeting: &AnyRow) -> Result<(), AppError> {
    let id: String = col(meeting, "id")?;
    let day = iso_date(today(col(meeting, "starts_at")?));
    let cases: Vec<String> =
        sqlx::query_scalar("SELECT case_id FROM agenda_items WHERE meeting_id = $1").bind(&id).fetch_all(&mut *conn).await.map_err(internal_db)?;
    for case in cases {
        sqlx::query("INSERT INTO case_hearings (case_id, meeting_id, heard_on) VALUES ($1, $2, $3) ON CONFLICT (case_id, heard_on) DO NOTHING")
            .bind(&case)
            .bind(&id)
            .bind(&day)
            .execute(&mut *conn)
            .await
            .map_err(internal_db)?;
        sqlx::query("UPDATE cases SET last_heard_on = $1 WHERE id = $2 AND (last_heard_on IS NULL OR last_heard_on < $1)")
            .bind(&day)
            .bind(&case)
            .execute(&mut *conn)
            .await
            .map_err(internal_db)?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MeetingBackend for ServerBackend {
    async fn meetings(&self, actor: &Actor) -> Result<MeetingList, AppError> {
        require(actor.agency_is_current())?;
        let now = self.clock.unix();
        let mut tx = self.read_tx().await?;
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM meetings ORDER BY CASE WHEN starts_at >= $1 THEN 0 ELSE 1 END, ABS(starts_at - $1) LIMIT 200")
                .bind(now)
                .fetch_all(&mut *tx)
                .await
                .map_err(internal_db)?;
        let mut out = Vec::new();
        for id in ids {
            if let Ok(m) = load(&mut tx, actor, &id).await {
                let cases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agenda_items WHERE meeting_id = $1")
                    .bind(&id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(internal_db)?;
                out.push(summary(&m.row, cases)?);
            }
        }
        let may_schedule = decide(Some(actor), &Action::ScheduleMeetings).is_allowed();
        if out.is_empty() && !may_schedule && !decide(Some(actor), &Action::ListCases).is_allowed() {
            return Err(AppError::NotFound);
        }
        let copies = sqlx::query(
            "SELECT mc.id, m.starts_at, m.place FROM minute_copies mc JOIN meetings m ON m.id = mc.meeting_id \
             WHERE mc.user_id = $1 AND mc.revoked_at IS NULL AND mc.expires_at > $2 ORDER BY m.starts_at DESC",
        )
        .bind(&actor.user_id)
        .bind(now)
        .fetch_all(&mut *tx)
        .await
        .map_err(internal_db)?
        .iter()
        .map(|r| {
            let id: String = col(r, "id")?;
            Ok((app::api::distribution::copy_page_path(&id), format!("{}, {}", instant(col(r, "starts_at")?), col::<String>(r, "place")?)))
        })
        .collect::<Result<Vec<_>, AppError>>()?;
        self.audit_and_commit(tx, actor_event(actor, "meeting.list").detail("count", out.len())).await?;
        Ok(MeetingList { meetings: out, may_schedule, copies })
    }

    async fn schedule_meetings(&self, actor: &Actor, input: ScheduleInput) -> Result<usize, AppError> {
        check(actor, &Action::ScheduleMeetings)?;
        let now = self.clock.unix();
        let mut p = Problems::default();
        let first = p.date("first-date", "Date of the first meeting", &input.first_date);
        if let Some(problem) = first.and_then(|d| first_date_problem(d, today(now))) {
            p.add("first-date", problem);
        }
        // The time is local to the area (GMT or BST in Europe/London), as people type it.
        let time = {
            let t = input.start_time.trim();
            let parsed = t.split_once(':').and_then(|(h, m)| Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok());
            if parsed.is_none() {
                p.add("start-time", "Enter the start time like 10:00");
            }
            parsed.unwrap_or(Time::MIDNIGHT)
        };
        let place = p.text("place", "Place or online link", &input.place, SHORT_TEXT);
        let number = |p: &mut Problems, field: &str, label: &str, raw: &str, default: u32, max: u32| -> u32 {
            let raw = raw.trim();
            if raw.is_empty() {
                return default;
            }
            match raw.parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => n,
                _ => {
                    p.add(field, format!("{label} must be a whole number from 1 to {max}"));
                    default
                }
            }
        };
        let capacity = number(&mut p, "capacity", "Cases per meeting", &input.capacity, 20, 60);
        let every = number(&mut p, "every-weeks", "Weeks between meetings", &input.every_weeks, 2, 8);
        let count = number(&mut p, "count", "Number of meetings", &input.count, 1, shared::meeting::MAX_RECURRING);
        let mut tx = self.tx().await?;
        let chair = match input.chair_user_id.trim() {
            "" => None,
            id => {
                let ok: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.user_id = $1 AND r.role = 'chair' AND u.active = TRUE")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(internal_db)?;
                if ok == 0 {
                    p.add("chair", "Choose a chair");
                }
                Some(id.to_string())
            }
        };
        let first = p.finish(first)?.unwrap_or(today(now));
        let starts = match schedule_starts(area_zone(), first, time.hour(), time.minute(), every, count) {
            Ok(starts) => starts,
            Err((_, problem)) => return Err(AppError::field("start-time", problem)),
        };
        let agencies: Vec<String> =
            sqlx::query_scalar("SELECT id FROM agencies WHERE isa_state = 'active'").fetch_all(&mut *tx).await.map_err(internal_db)?;
        for starts_at in &starts {
            let id = Uuid::new_v4().to_string();
            sqlx::query("INSERT INTO meetings (id, starts_at, place, capacity, status, chair_user_id, coordinator_user_id, created_at) VALUES ($1, $2, $3, $4, 'scheduled', $5, $6, $7)")
                .bind(&id)
                .bind(*starts_at)
                .bind(&place)
                .bind(i64::from(capacity))
                .bind(&chair)
                .bind(&actor.user_id)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(internal_db)?;
            for a in &agencies {
                sqlx::query("INSERT INTO meeting_agencies (meeting_id, agency_id) VALUES ($1, $2)")
                    .bind(&id)
                    .bind(a)
                    .execute(&mut *tx)
                    .await
                    .map_err(internal_db)?;
            }
            audit::append(&mut tx, now, actor_event(actor, "meeting.schedule").on("meeting", id.clone())).await.map_err(internal)?;
        }
        tx.commit().await.map_err(internal_db)?;
        Ok(starts.len())
    }

    async fn meeting(&self, actor: &Actor, id: &str) -> Result<MeetingView, AppError> {
        let mut tx = self.read_tx().await?;
        let m = load(&mut tx, actor, id).await?;
        let items = sqlx::query(
            "SELECT ai.case_id, c.reference, c.victim_id, c.restricted, r.criteria, \
             (SELECT COUNT(*) FROM household_members h WHERE h.referral_id = ai.referral_id) AS household, \
             (SELECT COUNT(*) FROM actions x WHERE x.case_id = ai.case_id AND x.meeting_id <> ai.meeting_id AND x.status IN ('open', 'in_progress')) AS open_actions \
             FROM agenda_items ai JOIN cases c ON c.id = ai.case_id LEFT JOIN referrals r ON r.id = ai.referral_id \
             WHERE ai.meeting_id = $1 ORDER BY ai.position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(internal_db)?;
        let mut agenda = Vec::new();
        for r in &items {
            let restricted = col::<i64>(r, "restricted")? != 0;
            let may_open = m.rights.open_cases && (!restricted || opens_restricted(actor));
            let victim_name = match (may_open, col::<Option<String>>(r, "victim_id")?) {
                (true, Some(v)) => people::victim(&mut tx, &v).await.map_err(internal_db)?.map(|v| v.name),
                _ => None,
            };
            agenda.push(AgendaItem {
                case_id: col(r, "case_id")?,
                reference: col(r, "reference")?,
                victim_name,
                has_household: col::<i64>(r, "household")? > 0,
                repeat: col::<Option<String>>(r, "criteria")?.unwrap_or_default().contains("repeat"),
                open_actions: col(r, "open_actions")?,
                restricted,
            });
        }
        let invitations = if m.rights.manage {
            sqlx::query("SELECT a.id, a.name, (SELECT COUNT(*) FROM meeting_agencies ma WHERE ma.meeting_id = $1 AND ma.agency_id = a.id) AS invited FROM agencies a WHERE a.isa_state = 'active' ORDER BY a.name")
                .bind(id)
                .fetch_all(&mut *tx)
                .await
                .map_err(internal_db)?
                .iter()
                .map(|r| Ok((col(r, "id")?, col(r, "name")?, col::<i64>(r, "invited")? > 0)))
                .collect::<Result<Vec<_>, AppError>>()?
        } else {
            Vec::new()
        };
        let register = sqlx::query(
            "SELECT at.user_id, u.name, ag.name AS agency_name, at.status, d.name AS deputy_name, at.acknowledged_at FROM attendance at \
             JOIN users u ON u.id = at.user_id JOIN agencies ag ON ag.id = at.agency_id LEFT JOIN users d ON d.id = at.deputy_for \
             WHERE at.meeting_id = $1 ORDER BY ag.name, u.name",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(internal_db)?
        .iter()
        .map(|r| {
            Ok(RegisterLine {
                user_id: col(r, "user_id")?,
                name: col(r, "name")?,
                agency_name: col(r, "agency_name")?,
                status: col(r, "status")?,
                deputy_for: col(r, "deputy_name")?,
                acknowledged: col::<Option<i64>>(r, "acknowledged_at")?.is_some(),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
        let people = if m.rights.register {
            sqlx::query(
                "SELECT u.id, u.name, a.name AS agency_name FROM users u JOIN agencies a ON a.id = u.agency_id AND a.isa_state = 'active' \
                 WHERE u.active = TRUE AND (u.agency_id IN (SELECT agency_id FROM meeting_agencies WHERE meeting_id = $1) \
                 OR u.id IN (SELECT user_id FROM user_roles WHERE role IN ('coordinator', 'chair'))) ORDER BY a.name, u.name",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await
            .map_err(internal_db)?
            .iter()
            .map(|r| Ok((col(r, "id")?, format!("{}, {}", col::<String>(r, "name")?, col::<String>(r, "agency_name")?))))
            .collect::<Result<Vec<_>, AppError>>()?
        } else {
            Vec::new()
        };
        let isa: Option<String> = col(&m.row, "isa_version_id")?;
        let confidentiality: Option<String> = match isa {
            Some(v) => sqlx::query_scalar("SELECT confidentiality_statement FROM isa_versions WHERE id = $1").bind(v).fetch_optional(&mut *tx).await,
            None => {
                sqlx::query_scalar("SELECT confidentiality_statement FROM isa_versions ORDER BY published_at DESC LIMIT 1")
                    .fetch_optional(&mut *tx)
                    .await
            }
        }
        .map_err(internal_db)?;
        let chair_name: Option<String> = match col::<Option<String>>(&m.row, "chair_user_id")? {
            Some(u) => sqlx::query_scalar("SELECT name FROM users WHERE id = $1").bind(u).fetch_optional(&mut *tx).await.map_err(internal_db)?,
            None => None,
        };
        let review_actions = if m.rights.register && m.rights.open_cases {
            action_views(&mut tx, actor, "x.meeting_id <> $1 AND x.status IN ('open', 'in_progress')", &[id], today(self.clock.unix())).await?
        } else {
            Vec::new()
        };
        let view = MeetingView {
            review_actions,
            summary: summary(&m.row, agenda.len() as i64)?,
            research_deadline: col(&m.row, "research_deadline")?,
            chair_name,
            rights: m.rights,
            acknowledged: m.acknowledged,
            confidentiality: confidentiality.unwrap_or_default(),
            agenda,
            invitations,
            register,
            people,
        };
        self.audit_and_commit(tx, actor_event(actor, "meeting.read").on("meeting", id)).await?;
        Ok(view)
    }

    async fn order_children_first(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, id).await?;
        require(m.rights.manage && m.status.agenda_open())?;
        let rows = sqlx::query(
            "SELECT ai.case_id, ai.position, (SELECT COUNT(*) FROM household_members h WHERE h.referral_id = ai.referral_id) AS household \
             FROM agenda_items ai WHERE ai.meeting_id = $1 ORDER BY ai.position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(internal_db)?;
        let facts = rows
            .iter()
            .map(|r| Ok(AgendaFacts { has_household: col::<i64>(r, "household")? > 0, position: col(r, "position")? }))
            .collect::<Result<Vec<_>, AppError>>()?;
        for (pos, i) in suggested_order(&facts).into_iter().enumerate() {
            sqlx::query("UPDATE agenda_items SET position = $1 WHERE meeting_id = $2 AND case_id = $3")
                .bind(pos as i64 + 1)
                .bind(id)
                .bind(col::<String>(&rows[i], "case_id")?)
                .execute(&mut *tx)
                .await
                .map_err(internal_db)?;
        }
        self.audit_and_commit(tx, actor_event(actor, "meeting.reorder").on("meeting", id).detail("order", "children_first")).await
    }

    async fn move_agenda_item(&self, actor: &Actor, id: &str, case_id: &str, up: bool) -> Result<(), AppError> {
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, id).await?;
        require(m.rights.manage && m.status.agenda_open())?;
        let order: Vec<String> = sqlx::query_scalar("SELECT case_id FROM agenda_items WHERE meeting_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&mut *tx)
            .await
            .map_err(internal_db)?;
        let Some(i) = order.iter().position(|c| c == case_id) else {
            return Err(AppError::NotFound);
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
                .await
                .map_err(internal_db)?;
        }
        self.audit_and_commit(tx, actor_event(actor, "meeting.reorder").on("meeting", id).detail("case_id", case_id)).await
    }

    async fn set_invitation(&self, actor: &Actor, id: &str, agency_id: &str, invited: bool) -> Result<(), AppError> {
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, id).await?;
        require(m.rights.manage)?;
        if invited && !agency_is_active(&mut tx, agency_id).await.map_err(internal_db)? {
            return Err(AppError::Invalid("Only agencies that have signed the ISA can be invited.".into()));
        }
        let sql = if invited {
            "INSERT INTO meeting_agencies (meeting_id, agency_id) VALUES ($1, $2) ON CONFLICT (meeting_id, agency_id) DO NOTHING"
        } else {
            "DELETE FROM meeting_agencies WHERE meeting_id = $1 AND agency_id = $2"
        };
        sqlx::query(sql).bind(id).bind(agency_id).execute(&mut *tx).await.map_err(internal_db)?;
        let event = actor_event(actor, if invited { "meeting.invite" } else { "meeting.uninvite" }).on("meeting", id).detail("agency_id", agency_id);
        self.audit_and_commit(tx, event).await
    }

    async fn publish_agenda(&self, actor: &Actor, id: &str, research_deadline: &str) -> Result<(), AppError> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, id).await?;
        require(m.rights.manage)?;
        if m.status != MeetingStatus::Scheduled {
            return Err(AppError::Conflict("The agenda has already been published.".into()));
        }
        let mut p = Problems::default();
        let deadline = p.date("research-deadline", "Research deadline", research_deadline);
        let meeting_day = today(col(&m.row, "starts_at")?);
        if deadline.is_some_and(|d| d < today(now) || d > meeting_day) {
            p.add("research-deadline", "The research deadline must be between today and the day of the meeting");
        }
        let deadline = p.finish(deadline)?.map(iso_date);
        let isa: Option<String> = sqlx::query_scalar("SELECT id FROM isa_versions ORDER BY published_at DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal_db)?;
        sqlx::query("UPDATE meetings SET status = 'agenda_published', research_deadline = $1, isa_version_id = $2 WHERE id = $3")
            .bind(&deadline)
            .bind(&isa)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(internal_db)?;
        self.audit_and_commit(tx, actor_event(actor, "meeting.publish_agenda").on("meeting", id)).await
    }

    async fn advance_meeting(&self, actor: &Actor, id: &str, to: &str) -> Result<(), AppError> {
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, id).await?;
        require(m.rights.manage || m.rights.finalise)?;
        let target = MeetingStatus::parse(to).ok_or_else(|| AppError::Invalid("That is not a meeting status.".into()))?;
        let allowed = matches!(
            (m.status, target),
            (MeetingStatus::AgendaPublished, MeetingStatus::InProgress) | (MeetingStatus::InProgress, MeetingStatus::MinutesDraft)
        );
        if !allowed {
            return Err(AppError::Conflict(format!(
                "The meeting is {}; it cannot move to {} now.",
                m.status.label().to_lowercase(),
                target.label().to_lowercase()
            )));
        }
        if target == MeetingStatus::MinutesDraft {
            record_hearings(&mut tx, &m.row).await?;
        }
        sqlx::query("UPDATE meetings SET status = $1 WHERE id = $2").bind(target.as_str()).bind(id).execute(&mut *tx).await.map_err(internal_db)?;
        self.audit_and_commit(tx, actor_event(actor, "meeting.advance").on("meeting", id).detail("status", target.as_str())).await
    }

    async fn acknowledge(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, id).await?;
        require(m.rights.acknowledge)?;
        let agency = actor.agency_id.clone().ok_or(AppError::NotFound)?;
        sqlx::query(
            "INSERT INTO attendance (meeting_id, user_id, agency_id, status, acknowledged_at) VALUES ($1, $2, $3, 'present', $4) \
             ON CONFLICT (meeting_id, user_id) DO UPDATE SET acknowledged_at = $4",
        )
        .bind(id)
        .bind(&actor.user_id)
        .bind(&agency)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal_db)?;
        self.audit_and_commit(tx, actor_event(actor, "meeting.acknowledge_confidentiality").on("meeting", id)).await
    }

    async fn set_attendance(&self, actor: &Actor, input: AttendanceInput) -> Result<(), AppError> {
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, &input.meeting_id).await?;
        require(m.rights.register)?;
        let status = Attendance::parse(&input.status).ok_or_else(|| AppError::field("attendance-status", "Choose present, apologies or absent"))?;
        let person = sqlx::query(
            "SELECT u.agency_id FROM users u JOIN agencies a ON a.id = u.agency_id AND a.isa_state = 'active' WHERE u.id = $1 AND u.active = TRUE \
             AND (u.agency_id IN (SELECT agency_id FROM meeting_agencies WHERE meeting_id = $2) OR u.id IN (SELECT user_id FROM user_roles WHERE role IN ('coordinator', 'chair')))",
        )
        .bind(&input.user_id)
        .bind(&input.meeting_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal_db)?
        .ok_or_else(|| AppError::field("attendance-person", "Choose someone from an invited agency that has signed the ISA"))?;
        let agency: String = col(&person, "agency_id")?;
        let deputy = Some(input.deputy_for.trim().to_string()).filter(|d| !d.is_empty());
        sqlx::query(
            "INSERT INTO attendance (meeting_id, user_id, agency_id, status, deputy_for) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (meeting_id, user_id) DO UPDATE SET status = $4, deputy_for = $5",
        )
        .bind(&input.meeting_id)
        .bind(&input.user_id)
        .bind(&agency)
        .bind(status.as_str())
        .bind(&deputy)
        .execute(&mut *tx)
        .await
        .map_err(internal_db)?;
        let event = actor_event(actor, "meeting.attendance")
            .on("meeting", &input.meeting_id)
            .detail("user_id", input.user_id.as_str())
            .detail("status", status.as_str());
        self.audit_and_commit(tx, event).await
    }

    async fn case_at_meeting(&self, actor: &Actor, id: &str, case_id: &str) -> Result<CaseAtMeeting, AppError> {
        let now = self.clock.unix();
        let mut tx = self.read_tx().await?;
        let m = load(&mut tx, actor, id).await?;
        require(m.rights.open_cases)?;
        on_agenda(&mut tx, id, case_id).await?;
        let case = sqlx::query("SELECT reference, victim_id, restricted FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(internal_db)?;
        if col::<i64>(&case, "restricted")? != 0 && !opens_restricted(actor) {
            return Err(AppError::NotFound);
        }
        let victim = match col::<Option<String>>(&case, "victim_id")? {
            Some(v) => people::victim(&mut tx, &v).await.map_err(internal_db)?,
            None => None,
        };
        let referral_id = victim.as_ref().map(|v| v.row.try_get::<String, _>("referral_id")).transpose().map_err(internal_db)?;
        let referral_html = match referral_id {
            Some(r) => to_safe_html(&referral_markdown(&mut tx, &r).await?),
            None => String::new(),
        };
        let minutes = sqlx::query("SELECT risks, decision, version FROM case_minutes WHERE meeting_id = $1 AND case_id = $2")
            .bind(id)
            .bind(case_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal_db)?;
        let (risks, decision, version) = match &minutes {
            Some(r) => (col(r, "risks")?, col(r, "decision")?, col(r, "version")?),
            None => (String::new(), String::new(), 0),
        };
        let today = today(now);
        let previous_actions =
            action_views(&mut tx, actor, "x.case_id = $1 AND x.meeting_id <> $2 AND x.status IN ('open', 'in_progress')", &[case_id, id], today)
                .await?;
        let actions = action_views(&mut tx, actor, "x.case_id = $1 AND x.meeting_id = $2", &[case_id, id], today).await?;
        let amendments = amendment_lines(&mut tx, id, case_id).await?;
        let agencies = sqlx::query("SELECT a.id, a.name FROM agencies a WHERE a.isa_state = 'active' AND a.id IN (SELECT agency_id FROM meeting_agencies WHERE meeting_id = $1) ORDER BY a.name")
            .bind(id)
            .fetch_all(&mut *tx)
            .await
            .map_err(internal_db)?
            .iter()
            .map(|r| Ok((col(r, "id")?, col(r, "name")?)))
            .collect::<Result<Vec<_>, AppError>>()?;
        let order = sqlx::query(
            "SELECT ai.case_id, c.reference FROM agenda_items ai JOIN cases c ON c.id = ai.case_id WHERE ai.meeting_id = $1 ORDER BY ai.position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(internal_db)?
        .iter()
        .map(|r| Ok((col::<String>(r, "case_id")?, col::<String>(r, "reference")?)))
        .collect::<Result<Vec<_>, AppError>>()?;
        let here = order.iter().position(|(c, _)| c == case_id).unwrap_or_default();
        let present = sqlx::query(
            "SELECT u.name, ag.name AS agency_name FROM attendance at JOIN users u ON u.id = at.user_id JOIN agencies ag ON ag.id = at.agency_id \
             WHERE at.meeting_id = $1 AND at.status = 'present' ORDER BY ag.name, u.name",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(internal_db)?
        .iter()
        .map(|r| Ok(format!("{}, {}", col::<String>(r, "name")?, col::<String>(r, "agency_name")?)))
        .collect::<Result<Vec<_>, AppError>>()?;
        let view = CaseAtMeeting {
            previous_case: here.checked_sub(1).and_then(|i| order.get(i).cloned()),
            next_case: order.get(here + 1).cloned(),
            present,
            meeting_id: id.into(),
            case_id: case_id.into(),
            reference: col(&case, "reference")?,
            victim_name: victim.map(|v| v.name).unwrap_or_default(),
            restricted: col::<i64>(&case, "restricted")? != 0,
            referral_html,
            research: entries(&mut tx, "research", id, case_id).await?,
            previous_actions,
            entries: entries(&mut tx, "minute_entries", id, case_id).await?,
            risks,
            decision,
            minutes_version: version,
            actions,
            amendments,
            agencies,
            rights: m.rights,
        };
        self.audit_and_commit(tx, actor_event(actor, "case.read").on("case", case_id).detail("meeting_id", id)).await?;
        Ok(view)
    }

    async fn add_research(&self, actor: &Actor, input: EntryInput) -> Result<(), AppError> {
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, &input.meeting_id).await?;
        require(m.rights.research)?;
        on_agenda(&mut tx, &input.meeting_id, &input.case_id).await?;
        let (kind, body) = check_entry(&input, "research")?;
        let id = Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO research (id, meeting_id, case_id, agency_id, author_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(&input.meeting_id)
        .bind(&input.case_id)
        .bind(actor.agency_id.clone().unwrap_or_default())
        .bind(&actor.user_id)
        .bind(kind.as_str())
        .bind(&body)
        .bind(self.clock.unix())
        .execute(&mut *tx)
        .await
        .map_err(internal_db)?;
        self.audit_and_commit(
            tx,
            actor_event(actor, "meeting.research_add").on("case", &input.case_id).detail("meeting_id", input.meeting_id.as_str()),
        )
        .await
    }

    async fn add_entry(&self, actor: &Actor, input: EntryInput) -> Result<(), AppError> {
        self.add_entry_op(actor, input).await
    }

    async fn edit_entry(&self, actor: &Actor, input: EntryEdit) -> Result<i64, AppError> {
        self.edit_entry_op(actor, input).await
    }

    async fn save_case_minutes(&self, actor: &Actor, input: CaseMinutesInput) -> Result<i64, AppError> {
        self.save_case_minutes_op(actor, input).await
    }

    async fn finalise_minutes(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        self.finalise_minutes_op(actor, id).await
    }

    async fn amend_minutes(&self, actor: &Actor, input: AmendInput) -> Result<(), AppError> {
        self.amend_minutes_op(actor, input).await
    }

    async fn add_action(&self, actor: &Actor, input: ActionInput) -> Result<(), AppError> {
        self.add_action_op(actor, input).await
    }

    async fn update_action(&self, actor: &Actor, input: ActionUpdate) -> Result<i64, AppError> {
        self.update_action_op(actor, input).await
    }

    async fn actions(&self, actor: &Actor, scope: &str) -> Result<Vec<ActionView>, AppError> {
        self.actions_op(actor, scope).await
    }

    async fn calendar(&self, actor: &Actor, id: &str) -> Result<String, AppError> {
        let mut tx = self.read_tx().await?;
        let m = load(&mut tx, actor, id).await?;
        let ics = shared::meeting::calendar_file(id, col(&m.row, "starts_at")?, 180, &col::<String>(&m.row, "place")?, self.clock.unix());
        self.audit_and_commit(tx, actor_event(actor, "meeting.calendar").on("meeting", id)).await?;
        Ok(ics)
    }
}

//! Meetings as a whole: scheduling, the agenda, invitations, publishing, the register and
//! confidentiality, and moving a meeting on. Every operation asks `meeting_rights` (or `decide`)
//! first; a meeting someone may not see does not exist for them. What anyone sees of each case
//! on the agenda is the exposure policy's answer (see `meeting_cases` for the cases themselves).

use std::collections::BTreeMap;

use app::api::meetings::{
    ActionInput, ActionUpdate, ActionView, AmendInput, AttendanceInput, CaseAtMeeting, CaseMinutesInput, EntryEdit, EntryInput, ItemAttendanceInput,
    MeetingBackend, MeetingList, MeetingSummary, MeetingView, RegisterLine, ResearchAnswerInput, ResearchList, ScheduleInput,
};
use app::error::AppError;
use shared::casefile::{ActionRecord, CaseFile, CaseHead, HouseholdRecord, MeetingRecord, ReferralRecord, VictimRecord};
use shared::display::instant;
use shared::meeting::{first_date_problem, schedule_starts, suggested_order, AgendaFacts, Attendance, EntryKind, MeetingStatus};
use shared::policy::exposure::{grant, Context, Grant};
use shared::policy::meetings::{meeting_rights, MeetingRelation, MeetingRights};
use shared::policy::{decide, Action, Actor};
use shared::referral::{SHORT_TEXT, SUMMARY_TEXT};
use shared::time_zone::area_zone;
use shared::validation::{iso_date, Problems};
use shared::views::actions::action_view;
use shared::views::meeting::agenda_entry;
use sqlx::AnyConnection;
use time::Time;
use uuid::Uuid;

use super::{
    actor_event, check,
    error::{answer, Error, OrInternal},
    ServerBackend,
};
use crate::audit;
use crate::casework::exposure::{self, MeetingSeat};
use crate::casework::{agency_is_active, file};
use crate::db::Tx;
use crate::identity::actor::today;

/// A meeting as stored (the columns the operations read).
#[derive(sqlx::FromRow)]
pub(super) struct MeetingRow {
    pub(super) id: String,
    pub(super) starts_at: i64,
    pub(super) place: String,
    pub(super) capacity: i64,
    #[sqlx(try_from = "String")]
    pub(super) status: MeetingStatus,
    pub(super) chair_user_id: Option<String>,
    pub(super) research_deadline: Option<String>,
    pub(super) isa_version_id: Option<String>,
}

/// A line of the meeting's register.
#[derive(sqlx::FromRow)]
struct RegisterRow {
    user_id: String,
    name: String,
    agency_name: String,
    #[sqlx(try_from = "String")]
    status: Attendance,
    deputy_name: Option<String>,
    acknowledged_at: Option<i64>,
}

/// A meeting row with how the actor stands to it.
pub(super) struct Loaded {
    /// The meeting's id.
    pub(super) id: String,
    /// Its row.
    pub(super) row: MeetingRow,
    /// How the actor stands to it, for every case's seat.
    pub(super) seat: MeetingSeat,
    /// What the actor may do at it as a whole.
    pub(super) rights: MeetingRights,
}

impl Loaded {
    pub(super) fn status(&self) -> MeetingStatus {
        self.seat.status
    }
}

/// Meeting `id` as `actor` stands to it; not found unless they may see it.
pub(super) async fn load(conn: &mut AnyConnection, actor: &Actor, id: &str) -> Result<Loaded, Error> {
    let seat = exposure::seat(conn, id, actor).await?.ok_or(AppError::NotFound)?;
    let relation = MeetingRelation { status: seat.status, agency_invited: seat.invited, is_chair: seat.chair, acknowledged: seat.acknowledged };
    let rights = meeting_rights(actor, &relation);
    if !rights.see {
        return Err(AppError::NotFound.into());
    }
    let row = sqlx::query_as("SELECT * FROM meetings WHERE id = $1").bind(id).fetch_one(&mut *conn).await?;
    Ok(Loaded { id: id.to_string(), row, seat, rights })
}

/// Refuses unless `allowed`, exactly as for a missing record.
pub(super) fn require(allowed: bool) -> Result<(), Error> {
    if allowed {
        Ok(())
    } else {
        Err(AppError::NotFound.into())
    }
}

fn summary(row: &MeetingRow, cases: i64) -> MeetingSummary {
    MeetingSummary { id: row.id.clone(), starts_at: row.starts_at, place: row.place.clone(), status: row.status, cases, capacity: row.capacity }
}

/// The meeting's summary line, for pages that show it.
pub(super) fn meeting_summary(m: &Loaded, cases: i64) -> MeetingSummary {
    summary(&m.row, cases)
}

/// The case ids on the meeting's agenda, in order.
pub(super) async fn agenda_ids(conn: &mut AnyConnection, meeting_id: &str) -> Result<Vec<String>, Error> {
    Ok(sqlx::query_scalar("SELECT case_id FROM agenda_items WHERE meeting_id = $1 ORDER BY position").bind(meeting_id).fetch_all(&mut *conn).await?)
}

/// The policy's grant for `actor` on each case of the agenda, at this meeting.
pub(super) async fn agenda_grants(
    conn: &mut AnyConnection,
    actor: &Actor,
    m: &Loaded,
    case_ids: &[String],
) -> Result<BTreeMap<String, Grant>, Error> {
    let facts = exposure::facts(conn, case_ids, actor).await?;
    Ok(facts
        .into_iter()
        .map(|(id, facts)| {
            let seat = Some(m.seat.for_case(&id));
            let g = grant(actor, &Context { facts, seat });
            (id, g)
        })
        .collect())
}

/// The policy's grant for `actor` on one case of the agenda; not found when it is not on it or
/// is hidden from them.
pub(super) async fn case_grant(conn: &mut AnyConnection, actor: &Actor, m: &Loaded, case_id: &str) -> Result<Grant, Error> {
    let on: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agenda_items WHERE meeting_id = $1 AND case_id = $2")
        .bind(&m.id)
        .bind(case_id)
        .fetch_one(&mut *conn)
        .await?;
    require(on > 0)?;
    let g = agenda_grants(conn, actor, m, &[case_id.to_string()]).await?.remove(case_id).unwrap_or(Grant::HIDDEN);
    require(g.visible())?;
    Ok(g)
}

pub(super) fn check_entry(input: &EntryInput, prefix: &str) -> Result<(EntryKind, String), Error> {
    let mut p = Problems::default();
    let kind = EntryKind::parse(&input.kind);
    if kind.is_none() {
        p.add(&format!("{prefix}-kind"), "Choose fact or opinion");
    }
    let body = p.text(&format!("{prefix}-body"), "What was said", &input.body, SUMMARY_TEXT);
    Ok(p.finish((kind.unwrap_or(EntryKind::Fact), body))?)
}

/// Records that every case on the agenda was heard on the meeting's date.
pub(super) async fn record_hearings(conn: &mut AnyConnection, meeting: &MeetingRow) -> Result<(), Error> {
    let id = &meeting.id;
    let day = iso_date(today(meeting.starts_at));
    let cases: Vec<String> = sqlx::query_scalar("SELECT case_id FROM agenda_items WHERE meeting_id = $1").bind(id).fetch_all(&mut *conn).await?;
    for case in cases {
        sqlx::query("INSERT INTO case_hearings (case_id, meeting_id, heard_on) VALUES ($1, $2, $3) ON CONFLICT (case_id, heard_on) DO NOTHING")
            .bind(&case)
            .bind(id)
            .bind(&day)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE cases SET last_heard_on = $1 WHERE id = $2 AND (last_heard_on IS NULL OR last_heard_on < $1)")
            .bind(&day)
            .bind(&case)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AgendaRow {
    case_id: String,
    reference: String,
    #[sqlx(try_from = "String")]
    status: shared::casefile::CaseStatus,
    restricted: i64,
    victim_name: Option<String>,
    referral_id: Option<String>,
    criteria: Option<String>,
}

/// The agenda's cases as held, for the agenda page: a few queries whatever the agenda's length.
async fn agenda_files(conn: &mut AnyConnection, meeting_id: &str) -> Result<Vec<CaseFile>, Error> {
    let rows = sqlx::query_as::<_, AgendaRow>(
        "SELECT ai.case_id, c.reference, c.status, c.restricted, v.name AS victim_name, v.referral_id, r.criteria FROM agenda_items ai \
         JOIN cases c ON c.id = ai.case_id LEFT JOIN victims v ON v.id = c.victim_id LEFT JOIN referrals r ON r.id = v.referral_id \
         WHERE ai.meeting_id = $1 ORDER BY ai.position",
    )
    .bind(meeting_id)
    .fetch_all(&mut *conn)
    .await?;
    let household = sqlx::query_as::<_, (String, String, String)>(
        "SELECT h.referral_id, h.name, h.relationship FROM household_members h JOIN victims v ON v.referral_id = h.referral_id \
         JOIN cases c ON c.victim_id = v.id JOIN agenda_items ai ON ai.case_id = c.id WHERE ai.meeting_id = $1 ORDER BY h.position",
    )
    .bind(meeting_id)
    .fetch_all(&mut *conn)
    .await?;
    let outstanding = sqlx::query_as::<_, (String, String, String, String)>(
        "SELECT x.case_id, x.id, x.meeting_id, x.status FROM actions x JOIN agenda_items ai ON ai.case_id = x.case_id \
         WHERE ai.meeting_id = $1 AND x.meeting_id <> $1 AND x.status IN ('open', 'in_progress')",
    )
    .bind(meeting_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CaseFile {
            head: CaseHead { id: r.case_id.clone(), reference: r.reference, status: r.status, closed: None, restricted: r.restricted != 0 },
            victim: r.victim_name.map(|name| VictimRecord { name, ..VictimRecord::default() }),
            household: household
                .iter()
                .filter(|(referral, _, _)| Some(referral) == r.referral_id.as_ref())
                .map(|(_, name, relationship)| HouseholdRecord {
                    name: name.clone(),
                    relationship: relationship.clone(),
                    ..HouseholdRecord::default()
                })
                .collect(),
            referral: Some(ReferralRecord { repeat: r.criteria.unwrap_or_default().split(',').any(|c| c == "repeat"), ..ReferralRecord::default() }),
            actions: outstanding
                .iter()
                .filter(|(case, ..)| *case == r.case_id)
                .map(|(_, id, meeting, status)| ActionRecord {
                    id: id.clone(),
                    meeting_id: meeting.clone(),
                    owner_agency_id: String::new(),
                    owner_agency: String::new(),
                    owner_person: None,
                    description: String::new(),
                    due_on: String::new(),
                    status: shared::meeting::ActionStatus::parse(status).unwrap_or(shared::meeting::ActionStatus::Open),
                    overdue: false,
                    version: 0,
                    history: Vec::new(),
                })
                .collect(),
            meeting: Some(MeetingRecord { meeting_id: meeting_id.to_string(), ..MeetingRecord::default() }),
            ..CaseFile::default()
        })
        .collect())
}

/// People who can be put on the register: active users of invited current signatories, and
/// coordinators and chairs of current signatories: (user id, "name, agency").
pub(super) async fn register_candidates(conn: &mut AnyConnection, meeting_id: &str) -> Result<Vec<(String, String)>, Error> {
    Ok(sqlx::query_as::<_, (String, String, String)>(
        "SELECT u.id, u.name, a.name AS agency_name FROM users u JOIN agencies a ON a.id = u.agency_id AND a.isa_state = 'active' \
         WHERE u.active = TRUE AND (u.agency_id IN (SELECT agency_id FROM meeting_agencies WHERE meeting_id = $1) \
         OR u.id IN (SELECT user_id FROM user_roles WHERE role IN ('coordinator', 'chair'))) ORDER BY a.name, u.name",
    )
    .bind(meeting_id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(id, name, agency)| (id, format!("{name}, {agency}")))
    .collect())
}

impl ServerBackend {
    /// Outstanding actions agreed at earlier meetings, each as the policy lets `actor` see it,
    /// and the audit entries for the cases they show (for the caller to append).
    async fn review_actions(&self, tx: &mut Tx, actor: &Actor, meeting_id: &str) -> Result<(Vec<ActionView>, Vec<audit::AuditEvent>), Error> {
        let now = self.clock.unix();
        let case_ids: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT case_id FROM actions WHERE meeting_id <> $1 AND status IN ('open', 'in_progress') ORDER BY case_id LIMIT 500",
        )
        .bind(meeting_id)
        .fetch_all(&mut **tx)
        .await?;
        self.action_views_and_entries(tx, actor, &case_ids, |a| a.meeting_id != meeting_id && a.status.is_outstanding(), now).await
    }

    /// The actions of `case_ids` that `keep` selects, each as the policy lets `actor` see it on
    /// the case's record, soonest due first; one audit entry per case whose actions it shows
    /// (appended together).
    pub(super) async fn action_views_of(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        case_ids: &[String],
        keep: impl Fn(&ActionRecord) -> bool,
        now: i64,
    ) -> Result<Vec<ActionView>, Error> {
        let (out, listed) = self.action_views_and_entries(tx, actor, case_ids, keep, now).await?;
        audit::append_all(tx, now, listed).await.or_internal()?;
        Ok(out)
    }

    /// As [`Self::action_views_of`], but the audit entries are returned for the caller to append.
    async fn action_views_and_entries(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        case_ids: &[String],
        keep: impl Fn(&ActionRecord) -> bool,
        now: i64,
    ) -> Result<(Vec<ActionView>, Vec<audit::AuditEvent>), Error> {
        let facts = exposure::facts(tx, case_ids, actor).await?;
        let heads = file::list_files(tx, case_ids, now).await?;
        let mut out = Vec::new();
        let mut listed = Vec::new();
        for head in heads {
            let Some(facts) = facts.get(&head.head.id) else { continue };
            let g = grant(actor, &Context { facts: facts.clone(), seat: None });
            if !g.visible() {
                continue;
            }
            let actions = file::actions(tx, &head.head.id, today(now)).await?;
            let shown: Vec<ActionView> = actions.iter().filter(|a| keep(a)).filter_map(|a| action_view(a, &head.head, &g, actor)).collect();
            if shown.iter().any(|a| !a.case_restricted) {
                listed.push(actor_event(actor, "case.listed").on("case", head.head.id.clone()).detail("via", "action.list"));
            }
            out.extend(shown);
        }
        out.sort_by(|a, b| (a.due_on.as_str(), a.case_reference.as_str()).cmp(&(b.due_on.as_str(), b.case_reference.as_str())));
        Ok((out, listed))
    }
}

#[async_trait::async_trait]
impl MeetingBackend for ServerBackend {
    async fn meetings(&self, actor: &Actor) -> Result<MeetingList, AppError> {
        answer(async move {
            require(actor.agency_is_current())?;
            let now = self.clock.unix();
            let mut tx = self.read_tx().await?;
            let ids: Vec<String> =
                sqlx::query_scalar("SELECT id FROM meetings ORDER BY CASE WHEN starts_at >= $1 THEN 0 ELSE 1 END, ABS(starts_at - $1) LIMIT 200")
                    .bind(now)
                    .fetch_all(&mut *tx)
                    .await?;
            let mut out = Vec::new();
            for id in ids {
                // Meetings the actor may not see are left out; a failure is not.
                let m = match load(&mut tx, actor, &id).await {
                    Ok(m) => m,
                    Err(Error::Refused(_)) => continue,
                    Err(e) => return Err(e),
                };
                let cases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agenda_items WHERE meeting_id = $1").bind(&id).fetch_one(&mut *tx).await?;
                out.push(summary(&m.row, cases));
            }
            let may_schedule = decide(Some(actor), &Action::ScheduleMeetings).is_allowed();
            if out.is_empty() && !may_schedule && !decide(Some(actor), &Action::ListCases).is_allowed() {
                return Err(AppError::NotFound.into());
            }
            let copies: Vec<(String, i64, String)> = sqlx::query_as(
                "SELECT mc.id, m.starts_at, m.place FROM minute_copies mc JOIN meetings m ON m.id = mc.meeting_id \
             WHERE mc.user_id = $1 AND mc.revoked_at IS NULL AND mc.expires_at > $2 ORDER BY m.starts_at DESC",
            )
            .bind(&actor.user_id)
            .bind(now)
            .fetch_all(&mut *tx)
            .await?;
            let copies = copies
                .into_iter()
                .map(|(id, starts_at, place)| (app::api::distribution::copy_page_path(&id), format!("{}, {place}", instant(starts_at))))
                .collect();
            self.audit_and_commit(tx, actor_event(actor, "meeting.list").detail("count", out.len())).await?;
            Ok(MeetingList { meetings: out, may_schedule, copies })
        })
        .await
    }

    async fn schedule_meetings(&self, actor: &Actor, input: ScheduleInput) -> Result<usize, AppError> {
        answer(async move {
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
                    ?;
                if ok == 0 {
                    p.add("chair", "Choose a chair");
                }
                Some(id.to_string())
            }
        };
        let first = p.finish(first)?.unwrap_or(today(now));
        let starts = match schedule_starts(area_zone(), first, time.hour(), time.minute(), every, count) {
            Ok(starts) => starts,
            Err((_, problem)) => return Err(AppError::field("start-time", problem).into()),
        };
        let agencies: Vec<String> =
            sqlx::query_scalar("SELECT id FROM agencies WHERE isa_state = 'active'").fetch_all(&mut *tx).await?;
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
                ?;
            for a in &agencies {
                sqlx::query("INSERT INTO meeting_agencies (meeting_id, agency_id) VALUES ($1, $2)")
                    .bind(&id)
                    .bind(a)
                    .execute(&mut *tx)
                    .await
                    ?;
            }
            audit::append(&mut tx, now, actor_event(actor, "meeting.schedule").on("meeting", id.clone())).await?;
        }
        tx.commit().await?;
        Ok(starts.len())
    }).await
    }

    async fn meeting(&self, actor: &Actor, id: &str) -> Result<MeetingView, AppError> {
        answer(async move {
            let now = self.clock.unix();
            let mut tx = self.read_tx().await?;
            let m = load(&mut tx, actor, id).await?;
            let files = agenda_files(&mut tx, id).await?;
            let ids: Vec<String> = files.iter().map(|f| f.head.id.clone()).collect();
            let grants = agenda_grants(&mut tx, actor, &m, &ids).await?;
            let mut agenda = Vec::new();
            let mut listed = Vec::new();
            for f in &files {
                let Some(item) = grants.get(&f.head.id).and_then(|g| agenda_entry(f, g, actor)) else { continue };
                if item.victim_name.is_some() {
                    listed.push(actor_event(actor, "case.listed").on("case", item.case_id.clone()).detail("via", "meeting.read"));
                }
                agenda.push(item);
            }
            let invitations = if m.rights.manage {
                sqlx::query_as::<_, (String, String, i64)>(
                    "SELECT a.id, a.name, (SELECT COUNT(*) FROM meeting_agencies ma WHERE ma.meeting_id = $1 AND ma.agency_id = a.id) AS invited \
                 FROM agencies a WHERE a.isa_state = 'active' ORDER BY a.name",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|(id, name, invited)| (id, name, invited > 0))
                .collect()
            } else {
                Vec::new()
            };
            let register = sqlx::query_as::<_, RegisterRow>(
                "SELECT at.user_id, u.name, ag.name AS agency_name, at.status, d.name AS deputy_name, at.acknowledged_at FROM attendance at \
             JOIN users u ON u.id = at.user_id JOIN agencies ag ON ag.id = at.agency_id LEFT JOIN users d ON d.id = at.deputy_for \
             WHERE at.meeting_id = $1 ORDER BY ag.name, u.name",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| RegisterLine {
                user_id: r.user_id,
                name: r.name,
                agency_name: r.agency_name,
                status: r.status,
                deputy_for: r.deputy_name,
                acknowledged: r.acknowledged_at.is_some(),
            })
            .collect();
            let people = if m.rights.register { register_candidates(&mut tx, id).await? } else { Vec::new() };
            let isa = m.row.isa_version_id.clone();
            let confidentiality: Option<String> = match isa {
                Some(v) => {
                    sqlx::query_scalar("SELECT confidentiality_statement FROM isa_versions WHERE id = $1").bind(v).fetch_optional(&mut *tx).await
                }
                None => {
                    sqlx::query_scalar("SELECT confidentiality_statement FROM isa_versions ORDER BY published_at DESC LIMIT 1")
                        .fetch_optional(&mut *tx)
                        .await
                }
            }?;
            let chair_name: Option<String> = match &m.row.chair_user_id {
                Some(u) => sqlx::query_scalar("SELECT name FROM users WHERE id = $1").bind(u).fetch_optional(&mut *tx).await?,
                None => None,
            };
            let review_actions = if m.rights.register {
                let (views, entries) = self.review_actions(&mut tx, actor, id).await?;
                listed.extend(entries);
                views
            } else {
                Vec::new()
            };
            let research_progress = if m.rights.research_list {
                let answered: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM research_answers r JOIN agenda_items ai ON ai.case_id = r.case_id AND ai.meeting_id = r.meeting_id \
                 WHERE r.meeting_id = $1 AND r.agency_id = $2",
                )
                .bind(id)
                .bind(actor.agency_id.clone().unwrap_or_default())
                .fetch_one(&mut *tx)
                .await?;
                Some((usize::try_from(answered).unwrap_or_default(), ids.len()))
            } else {
                None
            };
            let finalise_check = if m.status() == MeetingStatus::MinutesDraft && (m.rights.finalise || m.rights.register) {
                Some(super::minutes::minutes_check(&mut tx, id).await?)
            } else {
                None
            };
            let view = MeetingView {
                finalise_check,
                review_actions,
                summary: summary(&m.row, i64::try_from(ids.len()).unwrap_or_default()),
                research_deadline: m.row.research_deadline.clone(),
                chair_name,
                rights: m.rights,
                acknowledged: m.seat.acknowledged,
                confidentiality: confidentiality.unwrap_or_default(),
                agenda,
                invitations,
                register,
                people,
                research_progress,
            };
            // The agenda's entries go in last, with the page's own: on PostgreSQL appending takes the
            // writers' lock, which other readers then wait for until this transaction ends.
            listed.push(actor_event(actor, "meeting.read").on("meeting", id));
            audit::append_all(&mut tx, now, listed).await.or_internal()?;
            tx.commit().await?;
            Ok(view)
        })
        .await
    }

    async fn order_children_first(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        answer(async move {
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
        })
        .await
    }

    async fn move_agenda_item(&self, actor: &Actor, id: &str, case_id: &str, up: bool) -> Result<(), AppError> {
        answer(async move {
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
        })
        .await
    }

    async fn set_invitation(&self, actor: &Actor, id: &str, agency_id: &str, invited: bool) -> Result<(), AppError> {
        answer(async move {
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
            let event =
                actor_event(actor, if invited { "meeting.invite" } else { "meeting.uninvite" }).on("meeting", id).detail("agency_id", agency_id);
            self.audit_and_commit(tx, event).await
        })
        .await
    }

    async fn publish_agenda(&self, actor: &Actor, id: &str, research_deadline: &str) -> Result<(), AppError> {
        answer(async move {
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
        })
        .await
    }

    async fn advance_meeting(&self, actor: &Actor, id: &str, to: &str) -> Result<(), AppError> {
        answer(async move {
            let mut tx = self.tx().await?;
            let m = load(&mut tx, actor, id).await?;
            let target = MeetingStatus::parse(to).ok_or_else(|| AppError::Invalid("That is not a meeting status.".into()))?;
            let allowed = match (m.status(), target) {
                (MeetingStatus::AgendaPublished, MeetingStatus::InProgress) => m.rights.start,
                (MeetingStatus::InProgress, MeetingStatus::MinutesDraft) => m.rights.register,
                _ => false,
            };
            require(m.rights.start || m.rights.register)?;
            if !allowed {
                return Err(AppError::Conflict(format!(
                    "The meeting is {}; it cannot move to {} now.",
                    m.status().label().to_lowercase(),
                    target.label().to_lowercase()
                ))
                .into());
            }
            if target == MeetingStatus::MinutesDraft {
                record_hearings(&mut tx, &m.row).await?;
            }
            sqlx::query("UPDATE meetings SET status = $1 WHERE id = $2").bind(target.as_str()).bind(id).execute(&mut *tx).await?;
            self.audit_and_commit(tx, actor_event(actor, "meeting.advance").on("meeting", id).detail("status", target.as_str())).await?;
            self.live.changed(id);
            Ok(())
        })
        .await
    }

    async fn acknowledge(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        answer(async move {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, id).await?;
        if !m.rights.acknowledge {
            require(m.rights.see)?;
            return Err(AppError::Conflict(
                "The confidentiality statement is acknowledged at the meeting, while it is running. The register of a meeting that has ended does not change."
                    .into(),
            ).into());
        }
        let agency = actor.agency_id.clone().ok_or(AppError::NotFound)?;
        // Acknowledging at a running meeting checks the person in: they are present.
        sqlx::query(
            "INSERT INTO attendance (meeting_id, user_id, agency_id, status, acknowledged_at) VALUES ($1, $2, $3, 'present', $4) \
             ON CONFLICT (meeting_id, user_id) DO UPDATE SET acknowledged_at = $4, status = 'present'",
        )
        .bind(id)
        .bind(&actor.user_id)
        .bind(&agency)
        .bind(now)
        .execute(&mut *tx)
        .await
        ?;
        self.audit_and_commit(tx, actor_event(actor, "meeting.acknowledge_confidentiality").on("meeting", id)).await?;
        self.live.changed(id);
        Ok(())
    }).await
    }

    async fn set_attendance(&self, actor: &Actor, input: AttendanceInput) -> Result<(), AppError> {
        answer(async move {
            let mut tx = self.tx().await?;
            let m = load(&mut tx, actor, &input.meeting_id).await?;
            require(m.rights.register)?;
            if m.status() >= MeetingStatus::MinutesFinal {
                return Err(AppError::Conflict("The minutes are final: the register can no longer change.".into()).into());
            }
            let status =
                Attendance::parse(&input.status).ok_or_else(|| AppError::field("attendance-status", "Choose present, apologies or absent"))?;
            let candidates = register_candidates(&mut tx, &input.meeting_id).await?;
            if !candidates.iter().any(|(id, _)| *id == input.user_id) {
                return Err(AppError::field("attendance-person", "Choose someone from an invited agency that has signed the ISA").into());
            }
            let agency: String = sqlx::query_scalar("SELECT agency_id FROM users WHERE id = $1").bind(&input.user_id).fetch_one(&mut *tx).await?;
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
            .await?;
            let event = actor_event(actor, "meeting.attendance")
                .on("meeting", &input.meeting_id)
                .detail("user_id", input.user_id.as_str())
                .detail("status", status.as_str());
            self.audit_and_commit(tx, event).await?;
            self.live.changed(&input.meeting_id);
            Ok(())
        })
        .await
    }

    async fn set_item_attendance(&self, actor: &Actor, input: ItemAttendanceInput) -> Result<(), AppError> {
        answer(async move { self.set_item_attendance_op(actor, input).await }).await
    }

    async fn case_at_meeting(&self, actor: &Actor, id: &str, case_id: &str) -> Result<CaseAtMeeting, AppError> {
        answer(async move { self.case_at_meeting_op(actor, id, case_id).await }).await
    }

    async fn research_list(&self, actor: &Actor, id: &str) -> Result<ResearchList, AppError> {
        answer(async move { self.research_list_op(actor, id).await }).await
    }

    async fn add_research(&self, actor: &Actor, input: EntryInput) -> Result<(), AppError> {
        answer(async move { self.add_research_op(actor, input).await }).await
    }

    async fn answer_research(&self, actor: &Actor, input: ResearchAnswerInput) -> Result<(), AppError> {
        answer(async move { self.answer_research_op(actor, input).await }).await
    }

    async fn add_entry(&self, actor: &Actor, input: EntryInput) -> Result<(), AppError> {
        answer(async move { self.add_entry_op(actor, input).await }).await
    }

    async fn edit_entry(&self, actor: &Actor, input: EntryEdit) -> Result<i64, AppError> {
        answer(async move { self.edit_entry_op(actor, input).await }).await
    }

    async fn save_case_minutes(&self, actor: &Actor, input: CaseMinutesInput) -> Result<i64, AppError> {
        answer(async move { self.save_case_minutes_op(actor, input).await }).await
    }

    async fn finalise_minutes(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        answer(async move { self.finalise_minutes_op(actor, id).await }).await
    }

    async fn amend_minutes(&self, actor: &Actor, input: AmendInput) -> Result<(), AppError> {
        answer(async move { self.amend_minutes_op(actor, input).await }).await
    }

    async fn add_action(&self, actor: &Actor, input: ActionInput) -> Result<(), AppError> {
        answer(async move { self.add_action_op(actor, input).await }).await
    }

    async fn update_action(&self, actor: &Actor, input: ActionUpdate) -> Result<i64, AppError> {
        answer(async move { self.update_action_op(actor, input).await }).await
    }

    async fn actions(&self, actor: &Actor, scope: &str) -> Result<Vec<ActionView>, AppError> {
        answer(async move { self.actions_op(actor, scope).await }).await
    }

    async fn calendar(&self, actor: &Actor, id: &str) -> Result<String, AppError> {
        answer(async move {
            let mut tx = self.read_tx().await?;
            let m = load(&mut tx, actor, id).await?;
            let ics = shared::meeting::calendar_file(id, m.row.starts_at, 180, &m.row.place, self.clock.unix());
            self.audit_and_commit(tx, actor_event(actor, "meeting.calendar").on("meeting", id)).await?;
            Ok(ics)
        })
        .await
    }

    async fn follow_meeting(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        answer(async move {
            let mut tx = self.read_tx().await?;
            load(&mut tx, actor, id).await.map(|_| ())
        })
        .await
    }
}

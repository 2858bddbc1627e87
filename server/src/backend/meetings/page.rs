//! The meeting's page: its summary, agenda, invitations, register, confidentiality statement,
//! research progress and the review of earlier actions, each as the policy lets the reader see it.

use app::api::meetings::{MeetingView, RegisterLine};
use shared::casefile::{ActionRecord, CaseFile, CaseHead, HouseholdRecord, MeetingRecord, ReferralRecord, VictimRecord};
use shared::meeting::{Attendance, MeetingStatus};
use shared::policy::Actor;
use shared::views::meeting::agenda_entry;
use sqlx::AnyConnection;

use super::loaded::{agenda_grants, load, summary};
use crate::backend::{actor_event, error::Error, ServerBackend};

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
pub(in crate::backend) async fn register_candidates(conn: &mut AnyConnection, meeting_id: &str) -> Result<Vec<(String, String)>, Error> {
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
    pub(super) async fn meeting_op(&self, actor: &Actor, id: &str) -> Result<MeetingView, Error> {
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
            Some(v) => sqlx::query_scalar("SELECT confidentiality_statement FROM isa_versions WHERE id = $1").bind(v).fetch_optional(&mut *tx).await,
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
        listed.push(actor_event(actor, "meeting.read").on("meeting", id));
        self.finish_read(tx, listed).await?;
        Ok(view)
    }
}

//! A meeting as the operations load it: its row, how the actor stands to it, the policy's grant
//! for each case on its agenda, and the checks the operations share.

use std::collections::BTreeMap;

use app::api::meetings::{EntryInput, MeetingSummary};
use app::error::AppError;
use shared::meeting::{EntryKind, MeetingStatus};
use shared::policy::exposure::{grant, Context, Grant};
use shared::policy::meetings::{meeting_rights, MeetingRelation, MeetingRights};
use shared::policy::Actor;
use shared::referral::SUMMARY_TEXT;
use shared::validation::{iso_date, Problems};
use sqlx::AnyConnection;

use crate::backend::error::Error;
use crate::casework::exposure::{self, MeetingSeat};
use crate::identity::actor::today;

/// A meeting as stored (the columns the operations read).
#[derive(sqlx::FromRow)]
pub(in crate::backend) struct MeetingRow {
    pub(in crate::backend) id: String,
    pub(in crate::backend) starts_at: i64,
    pub(in crate::backend) place: String,
    pub(in crate::backend) capacity: i64,
    #[sqlx(try_from = "String")]
    pub(in crate::backend) status: MeetingStatus,
    pub(in crate::backend) chair_user_id: Option<String>,
    pub(in crate::backend) research_deadline: Option<String>,
    pub(in crate::backend) isa_version_id: Option<String>,
}

/// A meeting row with how the actor stands to it.
pub(in crate::backend) struct Loaded {
    /// The meeting's id.
    pub(in crate::backend) id: String,
    /// Its row.
    pub(in crate::backend) row: MeetingRow,
    /// How the actor stands to it, for every case's seat.
    pub(in crate::backend) seat: MeetingSeat,
    /// What the actor may do at it as a whole.
    pub(in crate::backend) rights: MeetingRights,
}

impl Loaded {
    pub(in crate::backend) fn status(&self) -> MeetingStatus {
        self.seat.status
    }
}

/// Meeting `id` as `actor` stands to it; not found unless they may see it.
pub(in crate::backend) async fn load(conn: &mut AnyConnection, actor: &Actor, id: &str) -> Result<Loaded, Error> {
    Ok(load_visible(conn, actor, &[id.to_string()]).await?.pop().ok_or(AppError::NotFound)?)
}

/// Those of `ids` that `actor` may see, in the order given: a handful of queries for the list.
pub(in crate::backend) async fn load_visible(conn: &mut AnyConnection, actor: &Actor, ids: &[String]) -> Result<Vec<Loaded>, Error> {
    let mut seats = exposure::seats(conn, ids, actor).await?;
    let mut rows: BTreeMap<String, MeetingRow> = exposure::per_case::<MeetingRow>(conn, "SELECT * FROM meetings WHERE id IN ({ids})", &[], ids)
        .await?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let mut out = Vec::new();
    for id in ids {
        let (Some(seat), Some(row)) = (seats.remove(id), rows.remove(id)) else { continue };
        let relation = MeetingRelation { status: seat.status, agency_invited: seat.invited, is_chair: seat.chair, acknowledged: seat.acknowledged };
        let rights = meeting_rights(actor, &relation);
        if rights.see {
            out.push(Loaded { id: id.clone(), row, seat, rights });
        }
    }
    Ok(out)
}

/// Refuses unless `allowed`, exactly as for a missing record.
pub(in crate::backend) fn require(allowed: bool) -> Result<(), Error> {
    if allowed {
        Ok(())
    } else {
        Err(AppError::NotFound.into())
    }
}

pub(super) fn summary(row: &MeetingRow, cases: i64) -> MeetingSummary {
    MeetingSummary { id: row.id.clone(), starts_at: row.starts_at, place: row.place.clone(), status: row.status, cases, capacity: row.capacity }
}

/// The meeting's summary line, for pages that show it.
pub(in crate::backend) fn meeting_summary(m: &Loaded, cases: i64) -> MeetingSummary {
    summary(&m.row, cases)
}

/// The case ids on the meeting's agenda, in order.
pub(in crate::backend) async fn agenda_ids(conn: &mut AnyConnection, meeting_id: &str) -> Result<Vec<String>, Error> {
    Ok(sqlx::query_scalar("SELECT case_id FROM agenda_items WHERE meeting_id = $1 ORDER BY position").bind(meeting_id).fetch_all(&mut *conn).await?)
}

/// The policy's grant for `actor` on each case of the agenda, at this meeting.
pub(in crate::backend) async fn agenda_grants(
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
pub(in crate::backend) async fn case_grant(conn: &mut AnyConnection, actor: &Actor, m: &Loaded, case_id: &str) -> Result<Grant, Error> {
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

pub(in crate::backend) fn check_entry(input: &EntryInput, prefix: &str) -> Result<(EntryKind, String), Error> {
    let mut p = Problems::default();
    let kind = EntryKind::parse(&input.kind);
    if kind.is_none() {
        p.add(&format!("{prefix}-kind"), "Choose fact or opinion");
    }
    let body = p.text(&format!("{prefix}-body"), "What was said", &input.body, SUMMARY_TEXT);
    Ok(p.finish((kind.unwrap_or(EntryKind::Fact), body))?)
}

/// Records that every case on the agenda was heard on the meeting's date.
pub(in crate::backend) async fn record_hearings(conn: &mut AnyConnection, meeting: &MeetingRow) -> Result<(), Error> {
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

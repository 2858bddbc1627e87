//! How the asking person stands to cases and to meetings, read from the record for the exposure
//! policy (`shared::policy::exposure`) to judge. Nothing here decides what anyone may see.

use std::collections::{BTreeMap, BTreeSet};

use shared::meeting::{Attendance, MeetingStatus};
use shared::policy::exposure::{grant, CaseFacts, Context, Grant, Involvement, Seat};
use shared::policy::Actor;
use sqlx::AnyConnection;

/// `$first, $first+1, …` for `n` values.
pub fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// A value bound before the ids in [`per_case_with`].
#[derive(Clone, Copy, Debug)]
pub enum Param<'a> {
    Text(&'a str),
    Int(i64),
}

/// Runs `sql` (whose `{ids}` stands for the ids, of cases or meetings) with the `leading` values
/// as `$1, $2, …` and the ids after them, in chunks small enough for either engine, and collects
/// the rows.
pub async fn per_case<T>(conn: &mut AnyConnection, sql: &str, leading: &[&str], case_ids: &[String]) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let leading: Vec<Param<'_>> = leading.iter().map(|v| Param::Text(v)).collect();
    per_case_with(conn, sql, &leading, case_ids).await
}

/// [`per_case`] with leading values of more than one type.
pub async fn per_case_with<T>(conn: &mut AnyConnection, sql: &str, leading: &[Param<'_>], case_ids: &[String]) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let mut out = Vec::new();
    for chunk in case_ids.chunks(400) {
        let query = sql.replace("{ids}", &placeholders(1 + leading.len(), chunk.len()));
        let mut q = sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(query));
        for value in leading {
            q = match *value {
                Param::Text(v) => q.bind(v.to_string()),
                Param::Int(v) => q.bind(v),
            };
        }
        for id in chunk {
            q = q.bind(id.clone());
        }
        out.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

/// How the actor's agency stands to each of `case_ids` that exists.
pub async fn facts(conn: &mut AnyConnection, case_ids: &[String], actor: &Actor) -> Result<BTreeMap<String, CaseFacts>, sqlx::Error> {
    let cases: Vec<(String, i64)> = per_case(conn, "SELECT id, restricted FROM cases WHERE id IN ({ids})", &[], case_ids).await?;
    let mut out: BTreeMap<String, CaseFacts> =
        cases.into_iter().map(|(id, restricted)| (id, CaseFacts { restricted: restricted != 0, ..CaseFacts::default() })).collect();
    let Some(agency) = actor.agency_id.as_deref() else {
        return Ok(out);
    };
    let agency = &[agency][..];
    let referred: Vec<(String,)> =
        per_case(conn, "SELECT DISTINCT case_id FROM referrals WHERE agency_id = $1 AND case_id IN ({ids})", agency, case_ids).await?;
    for (id,) in referred {
        out.entry(id).and_modify(|f| f.referred = true);
    }
    let owned: Vec<(String,)> =
        per_case(conn, "SELECT DISTINCT case_id FROM actions WHERE owner_agency_id = $1 AND case_id IN ({ids})", agency, case_ids).await?;
    for (id,) in owned {
        out.entry(id).and_modify(|f| f.owns_action = true);
    }
    let known: Vec<(String, String)> = per_case(
        conn,
        "SELECT r.case_id, r.known_about FROM research_answers r JOIN meetings m ON m.id = r.meeting_id \
         WHERE r.agency_id = $1 AND r.known_about <> '' AND m.status IN ('minutes_draft', 'minutes_final') AND r.case_id IN ({ids})",
        agency,
        case_ids,
    )
    .await?;
    for (id, about) in known {
        out.entry(id).and_modify(|f| f.known.extend(involvements(&about)));
    }
    let marked: Vec<(String, String)> =
        per_case(conn, "SELECT case_id, involvement FROM case_agencies WHERE agency_id = $1 AND case_id IN ({ids})", agency, case_ids).await?;
    for (id, involvement) in marked {
        out.entry(id).and_modify(|f| f.marked.extend(Involvement::parse(&involvement)));
    }
    Ok(out)
}

/// Involvements as stored in a research answer: comma-separated.
pub fn involvements(stored: &str) -> BTreeSet<Involvement> {
    stored.split(',').filter_map(Involvement::parse).collect()
}

/// Involvements in their stored form.
pub fn stored_involvements(list: &BTreeSet<Involvement>) -> String {
    list.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(",")
}

/// How the actor stands to one meeting: what the meeting-level rights and every case's seat
/// are worked out from.
#[derive(Clone, Debug)]
pub struct MeetingSeat {
    /// The meeting's status.
    pub status: MeetingStatus,
    /// When it starts (Unix seconds).
    pub starts_at: i64,
    /// The actor's agency is invited.
    pub invited: bool,
    /// The actor chairs it.
    pub chair: bool,
    /// The actor acknowledged its confidentiality statement.
    pub acknowledged: bool,
    /// The actor is marked present at it.
    pub present: bool,
    /// Agenda cases the actor was out of the room for.
    pub out_for: BTreeSet<String>,
}

impl MeetingSeat {
    /// The actor's seat for one case on the agenda.
    pub fn for_case(&self, case_id: &str) -> Seat {
        Seat {
            status: self.status,
            invited: self.invited,
            chair: self.chair,
            acknowledged: self.acknowledged,
            present: self.present && !self.out_for.contains(case_id),
        }
    }
}

#[derive(sqlx::FromRow)]
struct SeatRow {
    id: String,
    status: String,
    starts_at: i64,
    chair_user_id: Option<String>,
    invited: i64,
    attended: Option<String>,
    acknowledged_at: Option<i64>,
}

/// How the actor stands to meeting `id`, or `None` when there is no such meeting.
pub async fn seat(conn: &mut AnyConnection, id: &str, actor: &Actor) -> Result<Option<MeetingSeat>, sqlx::Error> {
    Ok(seats(conn, &[id.to_string()], actor).await?.remove(id))
}

/// How the actor stands to each of `meeting_ids` that exists: two queries, however many.
pub async fn seats(conn: &mut AnyConnection, meeting_ids: &[String], actor: &Actor) -> Result<BTreeMap<String, MeetingSeat>, sqlx::Error> {
    let agency = actor.agency_id.as_deref().unwrap_or_default();
    let user = actor.user_id.as_str();
    let rows: Vec<SeatRow> = per_case(
        conn,
        "SELECT m.id, m.status, m.starts_at, m.chair_user_id, \
         (SELECT COUNT(*) FROM meeting_agencies ma WHERE ma.meeting_id = m.id AND ma.agency_id = $1) AS invited, \
         t.status AS attended, t.acknowledged_at \
         FROM meetings m LEFT JOIN attendance t ON t.meeting_id = m.id AND t.user_id = $2 WHERE m.id IN ({ids})",
        &[agency, user],
        meeting_ids,
    )
    .await?;
    let mut out_for: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, case) in per_case::<(String, String)>(
        conn,
        "SELECT meeting_id, case_id FROM item_absences WHERE user_id = $1 AND meeting_id IN ({ids})",
        &[user],
        meeting_ids,
    )
    .await?
    {
        out_for.entry(m).or_default().insert(case);
    }
    let mut out = BTreeMap::new();
    for row in rows {
        let Some(status) = MeetingStatus::parse(&row.status) else {
            return Err(sqlx::Error::Decode(format!("unknown meeting status {}", row.status).into()));
        };
        let seat = MeetingSeat {
            status,
            starts_at: row.starts_at,
            invited: row.invited > 0,
            chair: row.chair_user_id.as_deref() == Some(actor.user_id.as_str()),
            acknowledged: row.acknowledged_at.is_some(),
            present: row.attended.as_deref().and_then(Attendance::parse) == Some(Attendance::Present),
            out_for: out_for.remove(&row.id).unwrap_or_default(),
        };
        out.insert(row.id, seat);
    }
    Ok(out)
}

/// What the actor may see of a case on its record: everything any context open to them gives
/// (the case itself, and each meeting whose agenda holds it). `None`: no such case.
pub async fn record_grant(conn: &mut AnyConnection, case_id: &str, actor: &Actor) -> Result<Option<(CaseFacts, Grant)>, sqlx::Error> {
    let Some(facts) = facts(conn, &[case_id.to_string()], actor).await?.remove(case_id) else {
        return Ok(None);
    };
    let mut granted = grant(actor, &Context { facts: facts.clone(), seat: None });
    let meetings =
        sqlx::query_scalar::<_, String>("SELECT meeting_id FROM agenda_items WHERE case_id = $1").bind(case_id).fetch_all(&mut *conn).await?;
    for s in seats(conn, &meetings, actor).await?.into_values() {
        granted = granted.union(grant(actor, &Context { facts: facts.clone(), seat: Some(s.for_case(case_id)) }));
    }
    Ok(Some((facts, granted)))
}

//! Loads a case as held ([`CaseFile`]), reading only the parts a reader was granted: what is not
//! granted is never read from the database, and the builders in `shared::views` cut again.

use std::collections::BTreeMap;

use shared::casefile::{
    ActionRecord, AmendmentRecord, CaseFile, CaseHead, CaseStatus, EntryRecord, HistoryItem, HouseholdRecord, InvolvementRecord, MeetingRecord,
    PerpetratorRecord, ReferralRecord, ResearchAnswer, VictimRecord,
};
use shared::dash::DashAnswers;
use shared::equality;
use shared::meeting::{is_overdue, ActionStatus, EntryKind};
use shared::policy::exposure::Involvement;
use shared::policy::parts::{Part, Parts};
use shared::referral::Consent;
use shared::validation::parse_iso_date;
use sqlx::AnyConnection;

use super::exposure::involvements;
use super::meetings::upcoming_for_case;
use super::StoredJson;

/// What to read, besides the case's own row.
#[derive(Clone, Copy, Debug)]
pub struct Want<'a> {
    /// The parts granted (and shown by the route).
    pub parts: Parts,
    /// The meeting the case is seen through, if any.
    pub meeting: Option<&'a str>,
    /// The reader's agency (for reading only its own research when that is all it may see).
    pub agency: Option<&'a str>,
    /// Today, for overdue actions.
    pub today: time::Date,
    /// Now (Unix seconds), for upcoming meetings.
    pub now: i64,
}

#[derive(sqlx::FromRow)]
struct HeadRow {
    id: String,
    reference: String,
    #[sqlx(try_from = "String")]
    status: CaseStatus,
    closed_on: Option<String>,
    closed_reason: Option<String>,
    restricted: i64,
    victim_id: Option<String>,
    idva_user_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct VictimRow {
    id: String,
    referral_id: String,
    name: String,
    #[sqlx(try_from = "String")]
    other_names: StoredJson<Vec<String>>,
    date_of_birth: Option<String>,
    address: Option<String>,
    safe_contact: Option<String>,
    safe_times: Option<String>,
    gender: Option<String>,
    ethnicity: Option<String>,
    disability: Option<String>,
    sexual_orientation: Option<String>,
    first_language: Option<String>,
    interpreter_needed: i64,
}

#[derive(sqlx::FromRow)]
struct PerpetratorRow {
    name: String,
    #[sqlx(try_from = "String")]
    other_names: StoredJson<Vec<String>>,
    date_of_birth: Option<String>,
    gender: Option<String>,
    relationship: String,
    address: Option<String>,
}

#[derive(sqlx::FromRow)]
struct HouseholdRow {
    name: String,
    date_of_birth: Option<String>,
    relationship: String,
    involvement: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ReferralRow {
    criteria: Option<String>,
    dash_answers: Option<String>,
    dash_score: Option<i64>,
    police_callouts: Option<i64>,
    professional_judgement: Option<String>,
    latest_incident_on: Option<String>,
    summary_markdown: Option<String>,
    consent: Option<String>,
    consent_reason: Option<String>,
    referrer_name: String,
    referrer_agency: String,
}

#[derive(sqlx::FromRow)]
struct ActionRow {
    id: String,
    meeting_id: String,
    owner_agency_id: String,
    owner_agency: String,
    owner_person: Option<String>,
    description: String,
    due_on: String,
    #[sqlx(try_from = "String")]
    status: ActionStatus,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct ActionUpdateRow {
    action_id: String,
    #[sqlx(try_from = "String")]
    status: ActionStatus,
    note: String,
    updated_at: i64,
    name: String,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: String,
    kind: String,
    body: String,
    agency_id: String,
    agency_name: String,
    person: Option<String>,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct AnswerRow {
    agency_id: String,
    agency_name: String,
    known_about: String,
    withheld: String,
}

#[derive(sqlx::FromRow)]
struct AmendmentRow {
    target: String,
    original: String,
    amended: String,
    reason: String,
    amended_at: i64,
    name: String,
}

fn label(list: &[equality::Choice], code: Option<String>) -> Option<String> {
    Some(equality::label(list, &code.unwrap_or_default()))
}

/// The case `case_id` with what `want` asks for, or `None` when there is no such case.
pub async fn load(conn: &mut AnyConnection, case_id: &str, want: Want<'_>) -> Result<Option<CaseFile>, sqlx::Error> {
    let Some(head) = sqlx::query_as::<_, HeadRow>(
        "SELECT id, reference, status, closed_on, closed_reason, restricted, victim_id, idva_user_id FROM cases WHERE id = $1",
    )
    .bind(case_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let p = want.parts;
    let mut file = CaseFile {
        head: CaseHead {
            closed: match (head.status, head.closed_on) {
                (CaseStatus::Closed, Some(on)) => Some((on, head.closed_reason.unwrap_or_default())),
                _ => None,
            },
            id: head.id,
            reference: head.reference,
            status: head.status,
            restricted: head.restricted != 0,
        },
        ..CaseFile::default()
    };
    file.hearings =
        sqlx::query_scalar("SELECT heard_on FROM case_hearings WHERE case_id = $1 ORDER BY heard_on").bind(case_id).fetch_all(&mut *conn).await?;
    file.upcoming = upcoming_for_case(conn, case_id, want.now).await?;
    let victim = match &head.victim_id {
        Some(v) => sqlx::query_as::<_, VictimRow>("SELECT * FROM victims WHERE id = $1").bind(v).fetch_optional(&mut *conn).await?,
        None => None,
    };
    let referral_id = victim.as_ref().map(|v| v.referral_id.clone());
    let victim_parts = Parts::of(&[Part::VictimIdentity, Part::VictimAddress, Part::VictimProfile, Part::VictimContact]);
    if let Some(v) = victim.filter(|_| !p.intersection(victim_parts).is_empty()) {
        let profile = p.has(Part::VictimProfile);
        file.victim = Some(VictimRecord {
            id: v.id,
            name: v.name,
            other_names: v.other_names.0,
            date_of_birth: v.date_of_birth,
            address: v.address.filter(|_| p.has(Part::VictimAddress)),
            safe_contact: v.safe_contact.filter(|_| p.has(Part::VictimContact)),
            safe_times: v.safe_times.filter(|_| p.has(Part::VictimContact)),
            gender: label(equality::GENDERS, v.gender).filter(|_| profile),
            ethnicity: label(equality::ETHNIC_GROUPS, v.ethnicity).filter(|_| profile),
            disability: label(equality::DISABILITY, v.disability).filter(|_| profile),
            sexual_orientation: label(equality::ORIENTATIONS, v.sexual_orientation).filter(|_| profile),
            first_language: v.first_language.filter(|_| profile),
            interpreter_needed: profile && v.interpreter_needed != 0,
        });
    }
    if let Some(r) = &referral_id {
        if p.has(Part::Perpetrators) {
            file.perpetrators = sqlx::query_as::<_, PerpetratorRow>(
                "SELECT name, other_names, date_of_birth, gender, relationship, address FROM perpetrators WHERE referral_id = $1 ORDER BY position",
            )
            .bind(r)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|x| PerpetratorRecord {
                other_names: x.other_names.0,
                gender: label(equality::GENDERS, x.gender),
                address: x.address.filter(|_| p.has(Part::PerpetratorAddress)),
                name: x.name,
                date_of_birth: x.date_of_birth,
                relationship: x.relationship,
            })
            .collect();
        }
        if p.has(Part::Household) {
            file.household = sqlx::query_as::<_, HouseholdRow>(
                "SELECT name, date_of_birth, relationship, involvement FROM household_members WHERE referral_id = $1 ORDER BY position",
            )
            .bind(r)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|h| HouseholdRecord { name: h.name, date_of_birth: h.date_of_birth, relationship: h.relationship, involvement: h.involvement })
            .collect();
        }
        if !p.intersection(Parts::of(&[Part::Referral, Part::DashAnswers, Part::Consent])).is_empty() {
            file.referral = referral(conn, r, p).await?;
        }
    }
    if p.has(Part::Agencies) {
        file.agencies = sqlx::query_as::<_, (String, String, String)>(
            "SELECT ca.agency_id, a.name, ca.involvement FROM case_agencies ca JOIN agencies a ON a.id = ca.agency_id WHERE ca.case_id = $1 ORDER BY a.name, ca.involvement",
        )
        .bind(case_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .filter_map(|(agency_id, agency_name, i)| Some(InvolvementRecord { agency_id, agency_name, involvement: Involvement::parse(&i)? }))
        .collect();
        file.idva = match &head.idva_user_id {
            Some(u) => sqlx::query_scalar("SELECT name FROM users WHERE id = $1").bind(u).fetch_optional(&mut *conn).await?,
            None => None,
        };
    }
    if p.has(Part::History) {
        file.history = sqlx::query_as::<_, (Option<String>, Option<String>, String, Option<String>)>(
            "SELECT r.reference, r.referred_on, a.name, r.criteria FROM referrals r JOIN agencies a ON a.id = r.agency_id \
             WHERE r.case_id = $1 AND r.status = 'accepted' ORDER BY r.submitted_at",
        )
        .bind(case_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(reference, referred_on, agency_name, criteria)| HistoryItem {
            reference: reference.unwrap_or_default(),
            referred_on: referred_on.unwrap_or_default(),
            agency_name,
            repeat: criteria.unwrap_or_default().contains("repeat"),
        })
        .collect();
    }
    if p.has(Part::Actions) {
        file.actions = actions(conn, case_id, want.today).await?;
    }
    if let Some(m) = want.meeting {
        file.meeting = Some(meeting_record(conn, m, case_id, want).await?);
    }
    Ok(Some(file))
}

async fn referral(conn: &mut AnyConnection, referral_id: &str, p: Parts) -> Result<Option<ReferralRecord>, sqlx::Error> {
    let row = sqlx::query_as::<_, ReferralRow>(
        "SELECT r.criteria, r.dash_answers, r.dash_score, r.police_callouts, r.professional_judgement, r.latest_incident_on, r.summary_markdown, \
         r.consent, r.consent_reason, u.name AS referrer_name, a.name AS referrer_agency FROM referrals r JOIN users u ON u.id = r.referrer_user_id \
         JOIN agencies a ON a.id = r.agency_id WHERE r.id = $1",
    )
    .bind(referral_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| {
        let criteria = r.criteria.unwrap_or_default();
        let consent = p.has(Part::Consent);
        ReferralRecord {
            repeat: criteria.split(',').any(|c| c == "repeat"),
            criteria: shared::referral::criteria_labels(Some(&criteria)),
            dash_score: r.dash_score.and_then(|s| u8::try_from(s).ok()),
            dash_answers: r.dash_answers.as_deref().and_then(dash_answers).filter(|_| p.has(Part::DashAnswers)),
            police_callouts: r.police_callouts,
            professional_judgement: r.professional_judgement,
            latest_incident_on: r.latest_incident_on.unwrap_or_default(),
            summary_markdown: r.summary_markdown.unwrap_or_default(),
            consent: if consent {
                r.consent.as_deref().and_then(Consent::parse).map(|c| c.label().to_string()).unwrap_or_default()
            } else {
                String::new()
            },
            consent_reason: r.consent_reason.filter(|_| consent),
            referrer_name: if consent { r.referrer_name } else { String::new() },
            referrer_agency: if consent { r.referrer_agency } else { String::new() },
        }
    }))
}

/// DASH answers as stored: one letter per question (`y`, `n`, `k`).
fn dash_answers(stored: &str) -> Option<DashAnswers> {
    use shared::dash::DashAnswer;
    let answers = stored
        .chars()
        .map(|c| match c {
            'y' => Some(DashAnswer::Yes),
            'n' => Some(DashAnswer::No),
            'k' => Some(DashAnswer::NotKnown),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    DashAnswers::new(answers).ok()
}

/// Every action on a case with its updates, soonest due first.
pub async fn actions(conn: &mut AnyConnection, case_id: &str, today: time::Date) -> Result<Vec<ActionRecord>, sqlx::Error> {
    let rows = sqlx::query_as::<_, ActionRow>(
        "SELECT x.id, x.meeting_id, x.owner_agency_id, a.name AS owner_agency, u.name AS owner_person, x.description, x.due_on, x.status, x.version \
         FROM actions x JOIN agencies a ON a.id = x.owner_agency_id LEFT JOIN users u ON u.id = x.owner_user_id WHERE x.case_id = $1 \
         ORDER BY x.due_on, x.created_at",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    let updates = sqlx::query_as::<_, ActionUpdateRow>(
        "SELECT h.action_id, h.status, h.note, h.updated_at, u.name FROM action_updates h JOIN users u ON u.id = h.updated_by \
         JOIN actions x ON x.id = h.action_id WHERE x.case_id = $1 ORDER BY h.updated_at",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(action_records(rows, updates, today))
}

/// An action row with its case, for lists across cases.
#[derive(sqlx::FromRow)]
struct CaseActionRow {
    case_id: String,
    #[sqlx(flatten)]
    row: ActionRow,
}

/// An action's update with its case.
#[derive(sqlx::FromRow)]
struct CaseActionUpdateRow {
    case_id: String,
    #[sqlx(flatten)]
    row: ActionUpdateRow,
}

/// [`actions`] for many cases at once (two queries per 400 cases), by case id.
pub async fn actions_of(
    conn: &mut AnyConnection,
    case_ids: &[String],
    today: time::Date,
) -> Result<BTreeMap<String, Vec<ActionRecord>>, sqlx::Error> {
    let rows: Vec<CaseActionRow> = super::exposure::per_case(
        conn,
        "SELECT x.case_id, x.id, x.meeting_id, x.owner_agency_id, a.name AS owner_agency, u.name AS owner_person, x.description, x.due_on, \
         x.status, x.version FROM actions x JOIN agencies a ON a.id = x.owner_agency_id LEFT JOIN users u ON u.id = x.owner_user_id \
         WHERE x.case_id IN ({ids}) ORDER BY x.due_on, x.created_at",
        &[],
        case_ids,
    )
    .await?;
    let updates: Vec<CaseActionUpdateRow> = super::exposure::per_case(
        conn,
        "SELECT x.case_id, h.action_id, h.status, h.note, h.updated_at, u.name FROM action_updates h JOIN users u ON u.id = h.updated_by \
         JOIN actions x ON x.id = h.action_id WHERE x.case_id IN ({ids}) ORDER BY h.updated_at",
        &[],
        case_ids,
    )
    .await?;
    let mut by_case: BTreeMap<String, (Vec<ActionRow>, Vec<ActionUpdateRow>)> = BTreeMap::new();
    for r in rows {
        by_case.entry(r.case_id).or_default().0.push(r.row);
    }
    for u in updates {
        by_case.entry(u.case_id).or_default().1.push(u.row);
    }
    Ok(by_case.into_iter().map(|(case, (rows, updates))| (case, action_records(rows, updates, today))).collect())
}

fn action_records(rows: Vec<ActionRow>, updates: Vec<ActionUpdateRow>, today: time::Date) -> Vec<ActionRecord> {
    let mut history: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for u in updates {
        let status = u.status.label();
        history.entry(u.action_id).or_default().push(format!("{}: {status} by {}. {}", shared::display::day_of(u.updated_at), u.name, u.note));
    }
    rows.into_iter()
        .map(|r| {
            let status = r.status;
            ActionRecord {
                overdue: parse_iso_date(&r.due_on).is_some_and(|d| is_overdue(status, d, today)),
                history: history.remove(&r.id).unwrap_or_default(),
                id: r.id,
                meeting_id: r.meeting_id,
                owner_agency_id: r.owner_agency_id,
                owner_agency: r.owner_agency,
                owner_person: r.owner_person,
                description: r.description,
                due_on: r.due_on,
                status,
                version: r.version,
            }
        })
        .collect()
}

fn entry(e: EntryRow) -> EntryRecord {
    EntryRecord {
        id: e.id,
        kind: EntryKind::parse(&e.kind).unwrap_or(EntryKind::Opinion),
        body: e.body,
        source: e.person.filter(|p| !p.is_empty()).map_or_else(|| e.agency_name.clone(), |p| format!("{} ({p})", e.agency_name)),
        agency_id: e.agency_id,
        version: e.version,
    }
}

/// What meeting `meeting_id` recorded about the case, as far as `want` asks.
async fn meeting_record(conn: &mut AnyConnection, meeting_id: &str, case_id: &str, want: Want<'_>) -> Result<MeetingRecord, sqlx::Error> {
    let p = want.parts;
    let mut record = MeetingRecord { meeting_id: meeting_id.into(), ..MeetingRecord::default() };
    let own = want.agency.unwrap_or_default();
    if p.has(Part::Research) || p.has(Part::OwnResearch) {
        let every = p.has(Part::Research);
        record.research = sqlx::query_as::<_, EntryRow>(
            "SELECT e.id, e.kind, e.body, e.agency_id, a.name AS agency_name, u.name AS person, CAST(0 AS BIGINT) AS version FROM research e \
             JOIN agencies a ON a.id = e.agency_id JOIN users u ON u.id = e.author_id \
             WHERE e.meeting_id = $1 AND e.case_id = $2 AND ($3 OR e.agency_id = $4) ORDER BY e.created_at, e.id",
        )
        .bind(meeting_id)
        .bind(case_id)
        .bind(every)
        .bind(own)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(entry)
        .collect();
        record.answers = sqlx::query_as::<_, AnswerRow>(
            "SELECT r.agency_id, a.name AS agency_name, r.known_about, r.withheld FROM research_answers r JOIN agencies a ON a.id = r.agency_id \
             WHERE r.meeting_id = $1 AND r.case_id = $2 AND ($3 OR r.agency_id = $4) ORDER BY a.name",
        )
        .bind(meeting_id)
        .bind(case_id)
        .bind(every)
        .bind(own)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| ResearchAnswer {
            agency_id: r.agency_id,
            agency_name: r.agency_name,
            known: involvements(&r.known_about).into_iter().collect(),
            withheld: r.withheld,
        })
        .collect();
    }
    if p.has(Part::Discussion) {
        record.entries = sqlx::query_as::<_, EntryRow>(
            "SELECT e.id, e.kind, e.body, e.source_agency_id AS agency_id, a.name AS agency_name, e.source_person AS person, e.version FROM minute_entries e \
             JOIN agencies a ON a.id = e.source_agency_id WHERE e.meeting_id = $1 AND e.case_id = $2 ORDER BY e.created_at, e.id",
        )
        .bind(meeting_id)
        .bind(case_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(entry)
        .collect();
    }
    if p.has(Part::Outcome) {
        if let Some((risks, decision, version)) =
            sqlx::query_as::<_, (String, String, i64)>("SELECT risks, decision, version FROM case_minutes WHERE meeting_id = $1 AND case_id = $2")
                .bind(meeting_id)
                .bind(case_id)
                .fetch_optional(&mut *conn)
                .await?
        {
            (record.risks, record.decision, record.minutes_version) = (risks, decision, version);
        }
    }
    if !p.intersection(Parts::of(&[Part::Outcome, Part::Discussion, Part::Actions])).is_empty() {
        record.amendments = sqlx::query_as::<_, AmendmentRow>(
            "SELECT am.target, am.original, am.amended, am.reason, am.amended_at, u.name FROM amendments am JOIN users u ON u.id = am.amended_by \
             WHERE am.meeting_id = $1 AND am.case_id = $2 ORDER BY am.amended_at",
        )
        .bind(meeting_id)
        .bind(case_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .filter_map(|a| {
            let part = amended_part(&a.target);
            p.has(part).then(|| AmendmentRecord { part, line: amendment_line(&a) })
        })
        .collect();
    }
    Ok(record)
}

/// The part of a case an amendment changed (see `AmendmentRecord::part`).
fn amended_part(target: &str) -> Part {
    match target {
        "risks" | "decision" => Part::Outcome,
        "action_added" => Part::Actions,
        _ => Part::Discussion,
    }
}

/// An amendment in one sentence: what changed, by whom, when, why, and the text before and after.
fn amendment_line(a: &AmendmentRow) -> String {
    let by = format!("by {} on {} ({})", a.name, shared::display::day_of(a.amended_at), a.reason);
    let what = match a.target.as_str() {
        "entry_added" => return format!("Entry added {by}: \u{201c}{}\u{201d}", a.amended),
        "action_added" => return format!("Action added {by}: \u{201c}{}\u{201d}", a.amended),
        "risks" => "Risks identified",
        "decision" => "Decision",
        _ => "Minute entry",
    };
    if a.original.trim().is_empty() {
        return format!("{what} added {by}: \u{201c}{}\u{201d}", a.amended);
    }
    format!("{what} amended {by}: \u{201c}{}\u{201d} became \u{201c}{}\u{201d}", a.original, a.amended)
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: String,
    reference: String,
    #[sqlx(try_from = "String")]
    status: CaseStatus,
    restricted: i64,
    last_heard_on: Option<String>,
    victim_name: Option<String>,
    victim_dob: Option<String>,
}

/// Cases as lists show them (reference, victim's name and date of birth, last and next
/// hearing), in the order of `case_ids`, read in a few queries whatever their number.
pub async fn list_files(conn: &mut AnyConnection, case_ids: &[String], now: i64) -> Result<Vec<CaseFile>, sqlx::Error> {
    let mut by_id: BTreeMap<String, CaseFile> = BTreeMap::new();
    for chunk in case_ids.chunks(400) {
        let ids = super::exposure::placeholders(1, chunk.len());
        let sql = format!(
            "SELECT c.id, c.reference, c.status, c.restricted, c.last_heard_on, v.name AS victim_name, v.date_of_birth AS victim_dob \
             FROM cases c LEFT JOIN victims v ON v.id = c.victim_id WHERE c.id IN ({ids})"
        );
        let mut q = sqlx::query_as::<_, ListRow>(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(id.clone());
        }
        for r in q.fetch_all(&mut *conn).await? {
            by_id.insert(
                r.id.clone(),
                CaseFile {
                    head: CaseHead { id: r.id, reference: r.reference, status: r.status, closed: None, restricted: r.restricted != 0 },
                    victim: r.victim_name.map(|name| VictimRecord { name, date_of_birth: r.victim_dob, ..VictimRecord::default() }),
                    hearings: r.last_heard_on.into_iter().collect(),
                    ..CaseFile::default()
                },
            );
        }
        let sql = format!(
            "SELECT a.case_id, m.starts_at, m.place FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id \
             WHERE a.case_id IN ({}) AND m.starts_at > ${} ORDER BY m.starts_at",
            ids,
            chunk.len() + 1
        );
        let mut q = sqlx::query_as::<_, (String, i64, String)>(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(id.clone());
        }
        for (case, starts_at, place) in q.bind(now).fetch_all(&mut *conn).await? {
            if let Some(f) = by_id.get_mut(&case) {
                f.upcoming.push(format!("{}, {place}", shared::display::instant(starts_at)));
            }
        }
    }
    Ok(case_ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

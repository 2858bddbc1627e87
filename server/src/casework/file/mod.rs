//! Loads cases as held ([`CaseFile`]), reading only the parts each case's reader was granted:
//! what is not granted is never read from the database, and the builders in `shared::views` cut
//! again. Many cases load in the same few queries as one (one per part, in chunks of 400 ids),
//! so a list of cases costs what a single case does.

mod actions;
mod list;
mod meeting;

use std::collections::BTreeMap;

use shared::casefile::{
    CaseFile, CaseHead, CaseStatus, HistoryItem, HouseholdRecord, InvolvementRecord, PerpetratorRecord, ReferralRecord, VictimRecord,
};
use shared::dash::DashAnswers;
use shared::display::instant;
use shared::equality;
use shared::policy::exposure::Involvement;
use shared::policy::parts::{Part, Parts};
use shared::referral::Consent;
use sqlx::AnyConnection;

pub use actions::actions_of;
pub use list::list_files;

use super::exposure::{per_case, per_case_with, Param};
use super::StoredJson;

/// Where and when the cases are read, besides which parts of each.
#[derive(Clone, Copy, Debug)]
pub struct Want<'a> {
    /// The meeting the cases are seen through, if any.
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
    referral_id: Option<String>,
    idva_user_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct VictimRow {
    id: String,
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
    referral_id: String,
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
    referral_id: String,
    name: String,
    date_of_birth: Option<String>,
    relationship: String,
    involvement: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ReferralRow {
    referral_id: String,
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
struct InvolvementRow {
    case_id: String,
    agency_id: String,
    agency_name: String,
    involvement: String,
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    case_id: String,
    reference: Option<String>,
    referred_on: Option<String>,
    agency_name: String,
    criteria: Option<String>,
}

fn label(list: &[equality::Choice], code: Option<String>) -> Option<String> {
    Some(equality::label(list, &code.unwrap_or_default()))
}

/// Rows by key, each key's rows in the order read.
fn grouped<T>(rows: impl IntoIterator<Item = T>, key: impl Fn(&T) -> String) -> BTreeMap<String, Vec<T>> {
    let mut out: BTreeMap<String, Vec<T>> = BTreeMap::new();
    for r in rows {
        out.entry(key(&r)).or_default().push(r);
    }
    out
}

/// The keys whose parts `wanted` accepts.
fn having(parts: &BTreeMap<String, Parts>, wanted: impl Fn(Parts) -> bool) -> Vec<String> {
    parts.iter().filter(|(_, p)| wanted(**p)).map(|(id, _)| id.clone()).collect()
}

/// The parts that need the victim's row.
const VICTIM_PARTS: Parts = Parts::of(&[Part::VictimIdentity, Part::VictimAddress, Part::VictimProfile, Part::VictimContact]);

/// The case `case_id` with `parts` of it, or `None` when there is no such case.
pub async fn load(conn: &mut AnyConnection, case_id: &str, parts: Parts, want: Want<'_>) -> Result<Option<CaseFile>, sqlx::Error> {
    Ok(load_many(conn, &[(case_id.to_string(), parts)], want).await?.pop())
}

/// Each of `cases` with its own parts, in the order given; a case that does not exist is left out.
pub async fn load_many(conn: &mut AnyConnection, cases: &[(String, Parts)], want: Want<'_>) -> Result<Vec<CaseFile>, sqlx::Error> {
    let ids: Vec<String> = cases.iter().map(|(id, _)| id.clone()).collect();
    let heads: Vec<HeadRow> = per_case(
        conn,
        "SELECT c.id, c.reference, c.status, c.closed_on, c.closed_reason, c.restricted, c.victim_id, v.referral_id, c.idva_user_id \
         FROM cases c LEFT JOIN victims v ON v.id = c.victim_id WHERE c.id IN ({ids})",
        &[],
        &ids,
    )
    .await?;
    let parts: BTreeMap<String, Parts> = heads.iter().map(|h| (h.id.clone(), Parts::NONE)).collect();
    let parts: BTreeMap<String, Parts> = cases.iter().filter(|(id, _)| parts.contains_key(id)).map(|(id, p)| (id.clone(), *p)).collect();
    let of = |id: &str| parts.get(id).copied().unwrap_or(Parts::NONE);
    let referrals_having = |wanted: &dyn Fn(Parts) -> bool| -> Vec<String> {
        heads.iter().filter(|h| wanted(of(&h.id))).filter_map(|h| h.referral_id.clone()).collect()
    };
    let existing: Vec<String> = parts.keys().cloned().collect();

    let hearings: Vec<(String, String)> =
        per_case(conn, "SELECT case_id, heard_on FROM case_hearings WHERE case_id IN ({ids}) ORDER BY heard_on", &[], &existing).await?;
    let mut hearings = grouped(hearings, |h| h.0.clone());
    let upcoming: Vec<(String, i64, String)> = per_case_with(
        conn,
        "SELECT a.case_id, m.starts_at, m.place FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id \
         WHERE m.starts_at > $1 AND a.case_id IN ({ids}) ORDER BY m.starts_at",
        &[Param::Int(want.now)],
        &existing,
    )
    .await?;
    let mut upcoming = grouped(upcoming, |u| u.0.clone());
    let victim_ids: Vec<String> =
        heads.iter().filter(|h| !of(&h.id).intersection(VICTIM_PARTS).is_empty()).filter_map(|h| h.victim_id.clone()).collect();
    let victims: Vec<VictimRow> = per_case(conn, "SELECT * FROM victims WHERE id IN ({ids})", &[], &victim_ids).await?;
    let mut victims: BTreeMap<String, VictimRow> = victims.into_iter().map(|v| (v.id.clone(), v)).collect();
    let perpetrators: Vec<PerpetratorRow> = per_case(
        conn,
        "SELECT referral_id, name, other_names, date_of_birth, gender, relationship, address FROM perpetrators \
         WHERE referral_id IN ({ids}) ORDER BY position",
        &[],
        &referrals_having(&|p| p.has(Part::Perpetrators)),
    )
    .await?;
    let mut perpetrators = grouped(perpetrators, |p| p.referral_id.clone());
    let household: Vec<HouseholdRow> = per_case(
        conn,
        "SELECT referral_id, name, date_of_birth, relationship, involvement FROM household_members WHERE referral_id IN ({ids}) ORDER BY position",
        &[],
        &referrals_having(&|p| p.has(Part::Household)),
    )
    .await?;
    let mut household = grouped(household, |h| h.referral_id.clone());
    let referrals: Vec<ReferralRow> = per_case(
        conn,
        "SELECT r.id AS referral_id, r.criteria, r.dash_answers, r.dash_score, r.police_callouts, r.professional_judgement, r.latest_incident_on, \
         r.summary_markdown, r.consent, r.consent_reason, u.name AS referrer_name, a.name AS referrer_agency FROM referrals r \
         JOIN users u ON u.id = r.referrer_user_id JOIN agencies a ON a.id = r.agency_id WHERE r.id IN ({ids})",
        &[],
        &referrals_having(&|p| !p.intersection(Parts::of(&[Part::Referral, Part::DashAnswers, Part::Consent])).is_empty()),
    )
    .await?;
    let mut referrals: BTreeMap<String, ReferralRow> = referrals.into_iter().map(|r| (r.referral_id.clone(), r)).collect();
    let agencies: Vec<InvolvementRow> = per_case(
        conn,
        "SELECT ca.case_id, ca.agency_id, a.name AS agency_name, ca.involvement FROM case_agencies ca JOIN agencies a ON a.id = ca.agency_id \
         WHERE ca.case_id IN ({ids}) ORDER BY a.name, ca.involvement",
        &[],
        &having(&parts, |p| p.has(Part::Agencies)),
    )
    .await?;
    let mut agencies = grouped(agencies, |a| a.case_id.clone());
    let idva_ids: Vec<String> = heads.iter().filter(|h| of(&h.id).has(Part::Agencies)).filter_map(|h| h.idva_user_id.clone()).collect();
    let idvas: BTreeMap<String, String> =
        per_case::<(String, String)>(conn, "SELECT id, name FROM users WHERE id IN ({ids})", &[], &idva_ids).await?.into_iter().collect();
    let history: Vec<HistoryRow> = per_case(
        conn,
        "SELECT r.case_id, r.reference, r.referred_on, a.name AS agency_name, r.criteria FROM referrals r JOIN agencies a ON a.id = r.agency_id \
         WHERE r.case_id IN ({ids}) AND r.status = 'accepted' ORDER BY r.submitted_at",
        &[],
        &having(&parts, |p| p.has(Part::History)),
    )
    .await?;
    let mut history = grouped(history, |h| h.case_id.clone());
    let mut actions = actions_of(conn, &having(&parts, |p| p.has(Part::Actions)), want.today).await?;
    let mut meetings = match want.meeting {
        Some(m) => meeting::records(conn, m, &parts, want.agency.unwrap_or_default()).await?,
        None => BTreeMap::new(),
    };

    let mut files: BTreeMap<String, CaseFile> = BTreeMap::new();
    for head in heads {
        let p = of(&head.id);
        let id = head.id.clone();
        let referral = head.referral_id.clone().unwrap_or_default();
        let file = CaseFile {
            hearings: hearings.remove(&id).unwrap_or_default().into_iter().map(|(_, on)| on).collect(),
            upcoming: upcoming.remove(&id).unwrap_or_default().into_iter().map(|(_, at, place)| format!("{}, {place}", instant(at))).collect(),
            victim: head.victim_id.as_ref().and_then(|v| victims.remove(v)).map(|v| victim_record(v, p)),
            perpetrators: perpetrators.remove(&referral).unwrap_or_default().into_iter().map(|x| perpetrator_record(x, p)).collect(),
            household: household
                .remove(&referral)
                .unwrap_or_default()
                .into_iter()
                .map(|h| HouseholdRecord { name: h.name, date_of_birth: h.date_of_birth, relationship: h.relationship, involvement: h.involvement })
                .collect(),
            referral: referrals.remove(&referral).map(|r| referral_record(r, p)),
            agencies: agencies
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|a| {
                    Some(InvolvementRecord { agency_id: a.agency_id, agency_name: a.agency_name, involvement: Involvement::parse(&a.involvement)? })
                })
                .collect(),
            idva: head.idva_user_id.as_ref().filter(|_| p.has(Part::Agencies)).and_then(|u| idvas.get(u).cloned()),
            history: history
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|h| HistoryItem {
                    reference: h.reference.unwrap_or_default(),
                    referred_on: h.referred_on.unwrap_or_default(),
                    agency_name: h.agency_name,
                    repeat: h.criteria.unwrap_or_default().contains("repeat"),
                })
                .collect(),
            actions: actions.remove(&id).unwrap_or_default(),
            meeting: meetings.remove(&id),
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
        };
        files.insert(id, file);
    }
    Ok(cases.iter().filter_map(|(id, _)| files.remove(id)).collect())
}

/// The victim as far as `p` shows them.
fn victim_record(v: VictimRow, p: Parts) -> VictimRecord {
    let profile = p.has(Part::VictimProfile);
    VictimRecord {
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
    }
}

/// A perpetrator as far as `p` shows them.
fn perpetrator_record(x: PerpetratorRow, p: Parts) -> PerpetratorRecord {
    PerpetratorRecord {
        other_names: x.other_names.0,
        gender: label(equality::GENDERS, x.gender),
        address: x.address.filter(|_| p.has(Part::PerpetratorAddress)),
        name: x.name,
        date_of_birth: x.date_of_birth,
        relationship: x.relationship,
    }
}

/// The referral as far as `p` shows it.
fn referral_record(r: ReferralRow, p: Parts) -> ReferralRecord {
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

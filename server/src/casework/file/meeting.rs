//! What one meeting recorded about its cases (research and its answers, the discussion, the
//! outcome, amendments), read for many cases at once, each as far as its parts ask.

use std::collections::BTreeMap;

use shared::casefile::{AmendmentRecord, EntryRecord, MeetingRecord, ResearchAnswer};
use shared::meeting::EntryKind;
use shared::policy::parts::{Part, Parts};
use sqlx::AnyConnection;

use super::{grouped, having};
use crate::casework::exposure::{involvements, per_case};

#[derive(sqlx::FromRow)]
struct EntryRow {
    case_id: String,
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
    case_id: String,
    agency_id: String,
    agency_name: String,
    known_about: String,
    withheld: String,
}

#[derive(sqlx::FromRow)]
struct OutcomeRow {
    case_id: String,
    risks: String,
    decision: String,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct AmendmentRow {
    case_id: String,
    target: String,
    original: String,
    amended: String,
    reason: String,
    amended_at: i64,
    name: String,
}

/// What meeting `meeting_id` recorded about each of `cases`, as far as each one's parts ask;
/// `own` is the reader's agency, whose research alone a case with `OwnResearch` shows.
pub(super) async fn records(
    conn: &mut AnyConnection,
    meeting_id: &str,
    cases: &BTreeMap<String, Parts>,
    own: &str,
) -> Result<BTreeMap<String, MeetingRecord>, sqlx::Error> {
    let leading = &[meeting_id][..];
    let researched = having(cases, |p| p.has(Part::Research) || p.has(Part::OwnResearch));
    let keeps = |case_id: &str, agency_id: &str| cases.get(case_id).is_some_and(|p| p.has(Part::Research)) || agency_id == own;
    let research: Vec<EntryRow> = per_case(
        conn,
        "SELECT e.case_id, e.id, e.kind, e.body, e.agency_id, a.name AS agency_name, u.name AS person, CAST(0 AS BIGINT) AS version FROM research e \
         JOIN agencies a ON a.id = e.agency_id JOIN users u ON u.id = e.author_id \
         WHERE e.meeting_id = $1 AND e.case_id IN ({ids}) ORDER BY e.created_at, e.id",
        leading,
        &researched,
    )
    .await?;
    let mut research = grouped(research.into_iter().filter(|e| keeps(&e.case_id, &e.agency_id)), |e| e.case_id.clone());
    let answers: Vec<AnswerRow> = per_case(
        conn,
        "SELECT r.case_id, r.agency_id, a.name AS agency_name, r.known_about, r.withheld FROM research_answers r \
         JOIN agencies a ON a.id = r.agency_id WHERE r.meeting_id = $1 AND r.case_id IN ({ids}) ORDER BY a.name",
        leading,
        &researched,
    )
    .await?;
    let mut answers = grouped(answers.into_iter().filter(|r| keeps(&r.case_id, &r.agency_id)), |r| r.case_id.clone());
    let entries: Vec<EntryRow> = per_case(
        conn,
        "SELECT e.case_id, e.id, e.kind, e.body, e.source_agency_id AS agency_id, a.name AS agency_name, e.source_person AS person, e.version \
         FROM minute_entries e JOIN agencies a ON a.id = e.source_agency_id WHERE e.meeting_id = $1 AND e.case_id IN ({ids}) \
         ORDER BY e.created_at, e.id",
        leading,
        &having(cases, |p| p.has(Part::Discussion)),
    )
    .await?;
    let mut entries = grouped(entries, |e| e.case_id.clone());
    let outcomes: Vec<OutcomeRow> = per_case(
        conn,
        "SELECT case_id, risks, decision, version FROM case_minutes WHERE meeting_id = $1 AND case_id IN ({ids})",
        leading,
        &having(cases, |p| p.has(Part::Outcome)),
    )
    .await?;
    let mut outcomes: BTreeMap<String, OutcomeRow> = outcomes.into_iter().map(|o| (o.case_id.clone(), o)).collect();
    let amendments: Vec<AmendmentRow> = per_case(
        conn,
        "SELECT am.case_id, am.target, am.original, am.amended, am.reason, am.amended_at, u.name FROM amendments am \
         JOIN users u ON u.id = am.amended_by WHERE am.meeting_id = $1 AND am.case_id IN ({ids}) ORDER BY am.amended_at",
        leading,
        &having(cases, |p| !p.intersection(Parts::of(&[Part::Outcome, Part::Discussion, Part::Actions])).is_empty()),
    )
    .await?;
    let mut amendments = grouped(amendments, |a| a.case_id.clone());
    Ok(cases
        .iter()
        .map(|(case_id, p)| {
            let mut record = MeetingRecord { meeting_id: meeting_id.into(), ..MeetingRecord::default() };
            record.research = research.remove(case_id).unwrap_or_default().into_iter().map(entry).collect();
            record.answers = answers
                .remove(case_id)
                .unwrap_or_default()
                .into_iter()
                .map(|r| ResearchAnswer {
                    agency_id: r.agency_id,
                    agency_name: r.agency_name,
                    known: involvements(&r.known_about).into_iter().collect(),
                    withheld: r.withheld,
                })
                .collect();
            record.entries = entries.remove(case_id).unwrap_or_default().into_iter().map(entry).collect();
            if let Some(o) = outcomes.remove(case_id) {
                (record.risks, record.decision, record.minutes_version) = (o.risks, o.decision, o.version);
            }
            record.amendments = amendments
                .remove(case_id)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|a| {
                    let part = amended_part(&a.target);
                    p.has(part).then(|| AmendmentRecord { part, line: amendment_line(&a) })
                })
                .collect();
            (case_id.clone(), record)
        })
        .collect())
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

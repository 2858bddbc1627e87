//! Actions on cases with their history of updates, read for many cases at once.

use std::collections::BTreeMap;

use shared::casefile::ActionRecord;
use shared::meeting::{is_overdue, ActionStatus};
use shared::validation::parse_iso_date;
use sqlx::AnyConnection;

use crate::casework::exposure::per_case;

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
    let rows: Vec<CaseActionRow> = per_case(
        conn,
        "SELECT x.case_id, x.id, x.meeting_id, x.owner_agency_id, a.name AS owner_agency, u.name AS owner_person, x.description, x.due_on, \
         x.status, x.version FROM actions x JOIN agencies a ON a.id = x.owner_agency_id LEFT JOIN users u ON u.id = x.owner_user_id \
         WHERE x.case_id IN ({ids}) ORDER BY x.due_on, x.created_at",
        &[],
        case_ids,
    )
    .await?;
    let updates: Vec<CaseActionUpdateRow> = per_case(
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

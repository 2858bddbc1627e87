//! Cases as lists show them: the head, the victim's name and date of birth, the last and next
//! hearings.

use std::collections::BTreeMap;

use shared::casefile::{CaseFile, CaseHead, CaseStatus, VictimRecord};
use sqlx::AnyConnection;

use crate::casework::exposure::placeholders;

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
        let ids = placeholders(1, chunk.len());
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

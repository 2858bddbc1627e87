//! The DPO's view of the audit log: filter by person, agency, record, action and dates; export a
//! filtered extract as CSV. Both are themselves audited; the export needs a fresh passkey check.

use app::api::audit::{AuditEntry, AuditFilter, AuditSearch};
use app::error::AppError;
use shared::audit::Outcome;
use shared::policy::{Action, Actor};
use shared::stats::csv_row;
use shared::validation::Problems;
use time::{OffsetDateTime, Time};

use super::{actor_event, check, error::Error, ServerBackend};
use sqlx::AnyConnection;

/// Entries shown on the page.
const SHOWN: i64 = 500;
/// Entries in one export.
const EXPORTED: i64 = 50_000;

/// An audit entry with the names of who acted.
#[derive(sqlx::FromRow)]
struct EntryRow {
    seq: i64,
    at: i64,
    actor: Option<String>,
    agency: Option<String>,
    action: String,
    record_type: Option<String>,
    record_id: Option<String>,
    #[sqlx(try_from = "String")]
    outcome: Outcome,
    details: String,
}

impl From<EntryRow> for AuditEntry {
    fn from(r: EntryRow) -> Self {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            agency: r.agency,
            action: r.action,
            record: r.record_id.map(|id| format!("{} {id}", r.record_type.unwrap_or_default())),
            outcome: r.outcome,
            details: r.details,
        }
    }
}

enum Bind {
    Text(String),
    Int(i64),
}

/// The WHERE clause and its values for a filter; problems name the fields.
fn conditions(f: &AuditFilter, case_id: Option<&str>) -> Result<(String, Vec<Bind>), Error> {
    let mut p = Problems::default();
    let from = p.optional_date("audit-from", "From", &f.from);
    let to = p.optional_date("audit-to", "To", &f.to);
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            p.add("audit-to", "To must be on or after From");
        }
    }
    p.finish(())?;
    let mut parts = Vec::new();
    let mut binds = Vec::new();
    // A case reference stands for its case: entries on the case, and entries that name it.
    if let Some(id) = case_id {
        binds.push(Bind::Text(id.to_string()));
        let n = binds.len();
        binds.push(Bind::Text(format!("%\"case_id\":\"{id}\"%")));
        parts.push(format!("(l.record_id = ${n} OR l.details LIKE ${})", n + 1));
    }
    let record = if case_id.is_some() { String::new() } else { f.record_id.clone() };
    for (column, value) in [("l.actor_user_id", &f.user_id), ("l.actor_agency_id", &f.agency_id), ("l.record_id", &record), ("l.action", &f.action)] {
        let value = value.trim();
        if !value.is_empty() {
            binds.push(Bind::Text(value.to_string()));
            parts.push(format!("{column} = ${}", binds.len()));
        }
    }
    if let Some(day) = from {
        binds.push(Bind::Int(OffsetDateTime::new_utc(day, Time::MIDNIGHT).unix_timestamp()));
        parts.push(format!("l.at >= ${}", binds.len()));
    }
    if let Some(day) = to {
        binds.push(Bind::Int(OffsetDateTime::new_utc(day, Time::MIDNIGHT).unix_timestamp() + 86_400));
        parts.push(format!("l.at < ${}", binds.len()));
    }
    let clause = if parts.is_empty() { String::new() } else { format!(" WHERE {}", parts.join(" AND ")) };
    Ok((clause, binds))
}

async fn entries(tx: &mut AnyConnection, clause: &str, binds: &[Bind], limit: i64) -> Result<Vec<AuditEntry>, Error> {
    let sql = format!(
        "SELECT l.seq, l.at, u.name AS actor, a.name AS agency, l.action, l.record_type, l.record_id, l.outcome, l.details FROM audit_log l \
         LEFT JOIN users u ON u.id = l.actor_user_id LEFT JOIN agencies a ON a.id = l.actor_agency_id{clause} ORDER BY l.seq DESC LIMIT {limit}"
    );
    let mut q = sqlx::query_as::<_, EntryRow>(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = match b {
            Bind::Text(t) => q.bind(t.clone()),
            Bind::Int(i) => q.bind(*i),
        };
    }
    Ok(q.fetch_all(&mut *tx).await?.into_iter().map(AuditEntry::from).collect())
}

/// (id, name) pairs to filter by.
async fn pairs(tx: &mut AnyConnection, sql: &'static str) -> Result<Vec<(String, String)>, Error> {
    Ok(sqlx::query_as(sql).fetch_all(&mut *tx).await?)
}

/// Whether `text` is written like a case reference (`C-2026-00005`, any case).
fn looks_like_reference(text: &str) -> bool {
    let t = text.trim();
    let b = t.as_bytes();
    b.len() >= 8
        && (b[0] == b'C' || b[0] == b'c')
        && b[1] == b'-'
        && t[2..].split('-').count() == 2
        && t[2..].chars().all(|c| c.is_ascii_digit() || c == '-')
}

/// The case a reference names, if the filter holds one.
async fn case_of_reference(tx: &mut AnyConnection, f: &AuditFilter) -> Result<Option<String>, Error> {
    if !looks_like_reference(&f.record_id) {
        return Ok(None);
    }
    let id: Option<String> = sqlx::query_scalar("SELECT id FROM cases WHERE reference = $1")
        .bind(f.record_id.trim().to_ascii_uppercase())
        .fetch_optional(&mut *tx)
        .await?;
    if id.is_none() {
        return Err(AppError::field("audit-record", "No case has this reference now (a purged or erased case is found by its id only)").into());
    }
    Ok(id)
}

impl ServerBackend {
    pub(super) async fn search_audit_op(&self, actor: &Actor, filter: AuditFilter) -> Result<AuditSearch, Error> {
        check(actor, &Action::SearchAudit)?;
        let mut tx = self.read_tx().await?;
        let case_id = case_of_reference(&mut tx, &filter).await?;
        let (clause, binds) = conditions(&filter, case_id.as_deref())?;
        let found = entries(&mut tx, &clause, &binds, SHOWN).await?;
        let count_sql = format!("SELECT COUNT(*) FROM audit_log l{clause}");
        let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql));
        for b in &binds {
            q = match b {
                Bind::Text(t) => q.bind(t.clone()),
                Bind::Int(i) => q.bind(*i),
            };
        }
        let matching = q.fetch_one(&mut *tx).await?;
        let people = pairs(&mut tx, "SELECT id, name FROM users ORDER BY name").await?;
        let agencies = pairs(&mut tx, "SELECT id, name FROM agencies ORDER BY name").await?;
        let actions = sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action").fetch_all(&mut *tx).await?;
        self.finish_read(tx, vec![actor_event(actor, "audit.search").detail("matching", matching)]).await?;
        Ok(AuditSearch { entries: found, matching, people, agencies, actions })
    }

    pub(super) async fn export_audit_op(&self, actor: &Actor, filter: AuditFilter) -> Result<String, Error> {
        check(actor, &Action::ExportAudit)?;
        let mut tx = self.read_tx().await?;
        let case_id = case_of_reference(&mut tx, &filter).await?;
        let (clause, binds) = conditions(&filter, case_id.as_deref())?;
        let found = entries(&mut tx, &clause, &binds, EXPORTED).await?;
        let mut lines = vec![csv_row(&["seq", "at_utc", "actor", "agency", "action", "record", "outcome", "details"])];
        for e in &found {
            let at = shared::display::instant(e.at);
            lines.push(csv_row(&[
                e.seq.to_string(),
                at,
                e.actor.clone().unwrap_or_default(),
                e.agency.clone().unwrap_or_default(),
                e.action.clone(),
                e.record.clone().unwrap_or_default(),
                e.outcome.as_str().to_string(),
                e.details.clone(),
            ]));
        }
        self.finish_read(tx, vec![actor_event(actor, "audit.export").detail("entries", found.len())]).await?;
        Ok(lines.join("\r\n") + "\r\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_references_are_recognised() {
        assert!(looks_like_reference("C-2026-00005"));
        assert!(looks_like_reference(" c-2026-00005 "));
        assert!(!looks_like_reference("3f2a9c1e-0000-4000-8000-000000000000"));
        assert!(!looks_like_reference("C-2026"));
    }
}

//! A national service's history under the measured routes: a million cases heard over years at
//! 60 000 past meetings (each with its hearing, agenda line and name keys for the repeat rule),
//! and ten million audit entries sealed with the server's own key, added to the seeded data
//! folder before the server starts. Cases and meetings are written by the database itself
//! (`generate_series`, PostgreSQL only); the name keys in multi-row inserts; the audit entries
//! through the server's own batched `append_all`, so the chain verifies and the server starts.

use std::path::Path;
use std::time::Instant;

use server::audit::{self, AuditEvent};
use server::cli::DatabaseArgs;
use server::db::Db;
use shared::names::name_keys;

/// How much history to add.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub cases: u64,
    pub meetings: u64,
    pub audit_entries: u64,
}

/// What filling took and what it left.
#[derive(Debug, serde::Serialize)]
pub struct NationalFigures {
    pub cases: u64,
    pub meetings: u64,
    pub audit_entries: u64,
    /// Seconds to write the cases, meetings, hearings, agenda lines and name keys.
    pub cases_seconds: f64,
    /// Seconds to append the audit entries.
    pub audit_seconds: f64,
    /// The database's size after filling, in MB.
    pub database_mb: f64,
}

/// Audit entries appended in one transaction.
const AUDIT_BATCH: u64 = 20_000;

/// Adds `scale`'s history to the data folder's PostgreSQL database (`ROUNDTABLE_DATABASE_URL`).
pub async fn fill(data_dir: &Path, scale: Scale) -> Result<NationalFigures, Box<dyn std::error::Error>> {
    let args = DatabaseArgs { data_dir: data_dir.to_path_buf(), database_url: crate::database_url() };
    let config = args.resolve()?;
    let db = Db::open(&config).await?;
    if !crate::database_url().is_some_and(|u| u.starts_with("postgres")) {
        return Err("the national bench runs on PostgreSQL: set ROUNDTABLE_DATABASE_URL".into());
    }
    server::audit_keys::install(server::audit_keys::load(None, &server::audit_keys::default_key_file(data_dir))?);
    let started = Instant::now();
    let mut tx = db.begin_write().await?;
    // Meetings once a fortnight in each of 290 areas' rooms, all long finished.
    sqlx::query(
        "INSERT INTO meetings (id, starts_at, place, capacity, status, created_at) \
         SELECT 'national-meeting-' || g, 1400000000 + g * 4000, 'Past MARAC room ' || (g % 290), 30, 'minutes_final', 1400000000 \
         FROM generate_series(1, $1) AS g",
    )
    .bind(i64::try_from(scale.meetings)?)
    .execute(&mut *tx)
    .await?;
    // Cases, nearly all closed as a national service's are; one in forty still open.
    sqlx::query(
        "INSERT INTO cases (id, reference, status, closed_on, closed_reason, victim_dob, last_heard_on, created_at) \
         SELECT 'national-case-' || g, 'N-' || lpad(g::text, 9, '0'), CASE WHEN g % 40 = 0 THEN 'open' ELSE 'closed' END, \
         CASE WHEN g % 40 = 0 THEN NULL ELSE '2025-01-01' END, CASE WHEN g % 40 = 0 THEN NULL ELSE 'Risk reduced' END, \
         to_char(DATE '1950-01-01' + ((g * 7919) % 20000)::int, 'YYYY-MM-DD'), '2024-06-01', 1400000000 + g * 240 \
         FROM generate_series(1, $1) AS g",
    )
    .bind(i64::try_from(scale.cases)?)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO agenda_items (meeting_id, case_id, position) \
         SELECT 'national-meeting-' || (1 + g % $2), 'national-case-' || g, g / $2 FROM generate_series(1, $1) AS g",
    )
    .bind(i64::try_from(scale.cases)?)
    .bind(i64::try_from(scale.meetings)?)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO case_hearings (case_id, meeting_id, heard_on) \
         SELECT 'national-case-' || g, 'national-meeting-' || (1 + g % $2), '2024-06-01' FROM generate_series(1, $1) AS g",
    )
    .bind(i64::try_from(scale.cases)?)
    .bind(i64::try_from(scale.meetings)?)
    .execute(&mut *tx)
    .await?;
    let mut rows: Vec<(String, String)> = Vec::with_capacity(2_000);
    for g in 1..=scale.cases {
        let (name, _) = crate::repeat::person(g);
        for key in name_keys(&name, &[]) {
            rows.push((key, format!("national-case-{g}")));
        }
        if rows.len() >= 1_000 || g == scale.cases {
            insert_keys(&mut tx, std::mem::take(&mut rows)).await?;
        }
    }
    tx.commit().await?;
    let cases_seconds = started.elapsed().as_secs_f64();
    eprintln!("national: {} cases and {} meetings in {cases_seconds:.0} s", scale.cases, scale.meetings);

    let started = Instant::now();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut written = 0;
    while written < scale.audit_entries {
        let n = (scale.audit_entries - written).min(AUDIT_BATCH);
        let events: Vec<AuditEvent> = (written..written + n)
            .map(|i| {
                let case = format!("national-case-{}", 1 + i % scale.cases.max(1));
                AuditEvent::system("case.read").on("case", case).detail("via", "national_bench")
            })
            .collect();
        let mut tx = db.begin_write().await?;
        audit::append_all(&mut tx, now, events).await?;
        tx.commit().await?;
        written += n;
        if written % 1_000_000 == 0 {
            eprintln!("national: {written} audit entries ({:.0} s)", started.elapsed().as_secs_f64());
        }
    }
    let audit_seconds = started.elapsed().as_secs_f64();
    let mut conn = db.pool().acquire().await?;
    sqlx::query("ANALYZE").execute(&mut *conn).await?;
    let bytes: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())").fetch_one(&mut *conn).await?;
    Ok(NationalFigures {
        cases: scale.cases,
        meetings: scale.meetings,
        audit_entries: scale.audit_entries,
        cases_seconds,
        audit_seconds,
        database_mb: bytes as f64 / 1_048_576.0,
    })
}

/// Writes name keys in one statement.
async fn insert_keys(tx: &mut server::db::WriteTx, rows: Vec<(String, String)>) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (0..rows.len()).map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2)).collect();
    let sql = format!("INSERT INTO case_name_keys (key, case_id) VALUES {} ON CONFLICT DO NOTHING", values.join(", "));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (key, case) in rows {
        q = q.bind(key).bind(case);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// The resident memory of process `pid`, in MB (Linux), or `None` where it cannot be read.
pub fn rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb / 1024.0)
}

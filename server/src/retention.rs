//! Retention: purges what is due, in batches, so the app is never blocked for long.
//!
//! Closed cases past their retention period and not under a legal hold go whole, with everything
//! that hangs off them; expired invitations, sessions and sign-in ceremonies go; audit entries
//! older than the audit period go oldest first, leaving a recorded horizon the chain is verified
//! from. Each run writes one audit row with how many records of each kind it removed.

use std::collections::BTreeMap;
use std::time::Duration;

use shared::retention::{latest_due_start, purge_decision, PurgeDecision, RetentionPolicy, SENT_EMAIL_RETENTION_DAYS, SUBJECT_ACCESS_RETENTION_DAYS};
use shared::session::SessionLimits;
use shared::validation::iso_date;
use sqlx::AnyConnection;

use crate::audit::{self, AuditEvent};
use crate::clock::Clock;
use crate::db::Db;
use crate::error::Error;
use crate::identity::actor::{parse_date, today};

/// Seconds in a day.
const DAY: i64 = 86_400;

/// How the purge runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetentionSettings {
    /// How long cases and audit entries are kept.
    pub policy: RetentionPolicy,
    /// Cases removed per transaction.
    pub batch_size: u32,
    /// How often the server runs the purge (`None`: never on its own).
    pub interval: Option<Duration>,
}

/// Audit entries removed per transaction.
const AUDIT_BATCH: i64 = 5_000;

/// How many records of each kind a run removed.
pub type PurgeCounts = BTreeMap<&'static str, u64>;

/// What hangs off a set of cases, deleted children first. `{ids}` is the list of case ids.
const CASE_TABLES: [(&str, &str); 21] = [
    ("action_updates", "DELETE FROM action_updates WHERE action_id IN (SELECT id FROM actions WHERE case_id IN ({ids}))"),
    ("actions", "DELETE FROM actions WHERE case_id IN ({ids})"),
    ("amendments", "DELETE FROM amendments WHERE case_id IN ({ids})"),
    ("minute_entries", "DELETE FROM minute_entries WHERE case_id IN ({ids})"),
    ("case_minutes", "DELETE FROM case_minutes WHERE case_id IN ({ids})"),
    ("research", "DELETE FROM research WHERE case_id IN ({ids})"),
    ("research_answers", "DELETE FROM research_answers WHERE case_id IN ({ids})"),
    ("item_absences", "DELETE FROM item_absences WHERE case_id IN ({ids})"),
    ("agenda_items", "DELETE FROM agenda_items WHERE case_id IN ({ids})"),
    ("case_hearings", "DELETE FROM case_hearings WHERE case_id IN ({ids})"),
    ("case_agencies", "DELETE FROM case_agencies WHERE case_id IN ({ids})"),
    ("case_name_keys", "DELETE FROM case_name_keys WHERE case_id IN ({ids})"),
    ("case_name_words", "DELETE FROM case_name_words WHERE case_id IN ({ids})"),
    ("rectifications", "DELETE FROM rectifications WHERE case_id IN ({ids})"),
    ("objections", "DELETE FROM objections WHERE case_id IN ({ids})"),
    ("victims", "DELETE FROM victims WHERE referral_id IN (SELECT id FROM referrals WHERE case_id IN ({ids}))"),
    ("perpetrators", "DELETE FROM perpetrators WHERE referral_id IN (SELECT id FROM referrals WHERE case_id IN ({ids}))"),
    ("household_members", "DELETE FROM household_members WHERE referral_id IN (SELECT id FROM referrals WHERE case_id IN ({ids}))"),
    // Another case's referral may name one of these as the case it repeats: it stops doing so.
    (
        "repeat_links_cleared",
        "UPDATE referrals SET repeat_of_case_id = NULL WHERE repeat_of_case_id IN ({ids}) AND (case_id IS NULL OR case_id NOT IN ({ids}))",
    ),
    ("referrals", "DELETE FROM referrals WHERE case_id IN ({ids})"),
    ("cases", "DELETE FROM cases WHERE id IN ({ids})"),
];

/// Deletes `ids` and everything that hangs off them inside the caller's transaction, adding
/// what went to `counts`. Used by the purge and by erasure.
pub async fn delete_cases(conn: &mut AnyConnection, ids: &[String], counts: &mut PurgeCounts) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let placeholders = (1..=ids.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    for (kind, template) in CASE_TABLES {
        let sql = template.replace("{ids}", &placeholders);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids {
            q = q.bind(id.clone());
        }
        let n = q.execute(&mut *conn).await?.rows_affected();
        *counts.entry(kind).or_default() += n;
    }
    Ok(())
}

/// One batch of due cases: ids of closed cases past retention and not held.
async fn due_cases(conn: &mut AnyConnection, now: i64, settings: &RetentionSettings) -> Result<Vec<String>, sqlx::Error> {
    let today = today(now);
    let cutoff = iso_date(latest_due_start(today, settings.policy.case_years_after_closure));
    let rows: Vec<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT id, closed_on, legal_hold FROM cases WHERE status = 'closed' AND legal_hold = 0 AND closed_on IS NOT NULL AND closed_on <= $1 \
         ORDER BY closed_on, id LIMIT $2",
    )
    .bind(cutoff)
    .bind(i64::from(settings.batch_size.max(1)))
    .fetch_all(&mut *conn)
    .await?;
    let mut ids = Vec::new();
    for (id, closed_on, legal_hold) in rows {
        let closed = closed_on.as_deref().and_then(parse_date);
        if purge_decision(closed, legal_hold != 0, today, &settings.policy) == PurgeDecision::Due {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Removes audit entries older than the audit period, oldest first and never the newest,
/// recording each new horizon (sealed with the audit key) before removing up to it. The
/// database refuses a horizon past any entry younger than its own retention floor, so the
/// larger of the two periods applies.
async fn purge_audit(db: &Db, now: i64, policy: &RetentionPolicy, counts: &mut PurgeCounts) -> Result<(), Error> {
    let keep_from = latest_due_start(today(now), policy.audit_years).next_day().map_or(i64::MAX, |d| d.midnight().assume_utc().unix_timestamp());
    loop {
        let mut tx = db.begin_write().await?;
        let floor_days: i64 =
            sqlx::query_scalar("SELECT retention_days FROM audit_policy WHERE id = 1").fetch_optional(&mut *tx).await?.unwrap_or(2555);
        let keep_from = keep_from.min(now - floor_days * DAY);
        let horizon: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM audit_horizon").fetch_one(&mut *tx).await?;
        let head: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM audit_log").fetch_one(&mut *tx).await?;
        // Up to the first entry that must be kept: entries are removed strictly oldest first.
        let first_kept: i64 = sqlx::query_scalar("SELECT COALESCE(MIN(seq), $2) FROM audit_log WHERE seq > $1 AND at >= $3")
            .bind(horizon)
            .bind(head + 1)
            .bind(keep_from)
            .fetch_one(&mut *tx)
            .await?;
        let upto = (first_kept - 1).min(head - 1).min(horizon + AUDIT_BATCH);
        if upto <= horizon {
            return Ok(());
        }
        let (hash, last_at): (String, i64) = sqlx::query_as("SELECT hash, at FROM audit_log WHERE seq = $1").bind(upto).fetch_one(&mut *tx).await?;
        let mac = crate::audit::seal_horizon(upto, &hash, last_at, now);
        sqlx::query("INSERT INTO audit_horizon (seq, hash, purged_at, last_at, mac) VALUES ($1, $2, $3, $4, $5)")
            .bind(upto)
            .bind(&hash)
            .bind(now)
            .bind(last_at)
            .bind(mac)
            .execute(&mut *tx)
            .await?;
        let n = sqlx::query("DELETE FROM audit_log WHERE seq <= $1").bind(upto).execute(&mut *tx).await?.rows_affected();
        *counts.entry("audit_entries").or_default() += n;
        tx.commit().await?;
        tokio::task::yield_now().await;
    }
}

/// Purges everything due at `now`, in batches, and writes one audit row with the counts.
pub async fn purge(db: &Db, now: i64, settings: &RetentionSettings, sessions: SessionLimits) -> Result<PurgeCounts, Error> {
    let mut counts = PurgeCounts::new();
    loop {
        let mut tx = db.begin_write().await?;
        let ids = due_cases(&mut tx, now, settings).await?;
        if ids.is_empty() {
            break;
        }
        delete_cases(&mut tx, &ids, &mut counts).await?;
        tx.commit().await?;
        // Let requests waiting for the database in before the next batch.
        tokio::task::yield_now().await;
    }
    let mut tx = db.begin_write().await?;
    let expired = [
        ("invitations", "DELETE FROM invitations WHERE expires_at <= $1 OR used_at IS NOT NULL", now),
        ("sessions_idle", "DELETE FROM sessions WHERE last_seen_at < $1", now - sessions.idle_secs),
        ("sessions_ended", "DELETE FROM sessions WHERE created_at < $1", now - sessions.absolute_secs),
        ("webauthn_ceremonies", "DELETE FROM webauthn_ceremonies WHERE expires_at < $1", now),
        ("emails_sent", "DELETE FROM email_outbox WHERE sent_at IS NOT NULL AND sent_at < $1", now - DAY * SENT_EMAIL_RETENTION_DAYS),
        (
            "emails_for_expired_copies",
            "DELETE FROM email_outbox WHERE sent_at IS NULL AND copy_id IN (SELECT id FROM minute_copies WHERE expires_at <= $1)",
            now,
        ),
        ("subject_access_requests", "DELETE FROM subject_access_requests WHERE prepared_at < $1", now - DAY * SUBJECT_ACCESS_RETENTION_DAYS),
    ];
    for (kind, sql, before) in expired {
        let n = sqlx::query(sql).bind(before).execute(&mut *tx).await?.rows_affected();
        *counts.entry(kind).or_default() += n;
    }
    tx.commit().await?;
    purge_audit(db, now, &settings.policy, &mut counts).await?;
    let mut event = AuditEvent::system("retention.purge");
    for (kind, n) in &counts {
        event = event.detail(kind, *n);
    }
    let mut tx = db.begin_write().await?;
    audit::append(&mut tx, now, event).await?;
    tx.commit().await?;
    Ok(counts)
}

/// Runs the purge every `every` until the process ends; failures are logged and retried next time.
pub async fn run_every(
    db: Db,
    clock: Clock,
    settings: RetentionSettings,
    sessions: SessionLimits,
    every: Duration,
    mut stop: crate::shutdown::Shutdown,
) {
    // The first run comes one interval after start, so starting the server stays quick.
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        // A purge under way finishes: the stop is only heard between runs.
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stop.requested() => return,
        }
        let started = std::time::Instant::now();
        match purge(&db, clock.unix(), &settings, sessions).await {
            Ok(counts) => {
                tracing::info!(cases = counts.get("cases").copied().unwrap_or(0), elapsed_ms = started.elapsed().as_millis() as u64, "purge run")
            }
            Err(e) => tracing::error!(error = %e, "purge run failed"),
        }
    }
}

/// `roundtable purge`: runs the purge once and prints what it removed.
pub async fn purge_once(db_args: crate::cli::DatabaseArgs, args: crate::cli::PurgeArgs) -> Result<(), Error> {
    let settings = args.retention.resolve()?;
    let sessions =
        SessionLimits { idle_secs: i64::from(args.session_idle_minutes) * 60, absolute_secs: i64::from(args.session_absolute_hours) * 3600 };
    let db = Db::open(&db_args.resolve()?).await?;
    db.migrate().await?;
    let started = std::time::Instant::now();
    let counts = purge(&db, Clock::System.unix(), &settings, sessions).await?;
    println!("Purge finished in {} ms.", started.elapsed().as_millis());
    for (kind, n) in &counts {
        println!("{kind}: {n}");
    }
    Ok(())
}

//! The audit writer: appends hash-chained rows inside the caller's write transaction, or, for
//! reads, through the [`appender`]'s group commit.
//!
//! If the audit row cannot be written the caller's transaction fails, so no change goes unrecorded.
//! Rows are sealed with the audit key (`audit_keys`), which the database does not hold.

pub mod appender;

use serde_json::Value;
use shared::audit::{chain_mac, horizon_mac, same_seal, Anchor, AuditContent, BreakReason, ChainBreak, ChainVerifier, StoredRow, GENESIS_HASH};

use crate::db::{Db, WriteTx};
use crate::error::Error;

pub use shared::audit::Outcome;

/// One event to record. Ids only: never names or free text about people.
#[derive(Clone, Debug)]
pub struct AuditEvent {
    /// The acting user's id.
    pub actor_user_id: Option<String>,
    /// The acting user's agency id.
    pub actor_agency_id: Option<String>,
    /// What was done, e.g. `invitation.create`.
    pub action: &'static str,
    /// The kind of record.
    pub record_type: Option<&'static str>,
    /// The record's id.
    pub record_id: Option<String>,
    /// The outcome.
    pub outcome: Outcome,
    /// The purpose stated by the actor, where asked.
    pub purpose: Option<String>,
    /// Further ids, as a JSON object.
    pub details: Value,
}

impl AuditEvent {
    /// A successful event by nobody in particular (the command line, a background job).
    pub fn system(action: &'static str) -> Self {
        Self {
            actor_user_id: None,
            actor_agency_id: None,
            action,
            record_type: None,
            record_id: None,
            outcome: Outcome::Success,
            purpose: None,
            details: Value::Object(Default::default()),
        }
    }

    /// Names the record acted on.
    pub fn on(mut self, record_type: &'static str, record_id: impl Into<String>) -> Self {
        self.record_type = Some(record_type);
        self.record_id = Some(record_id.into());
        self
    }

    /// Sets the actor.
    pub fn by(mut self, user_id: Option<String>, agency_id: Option<String>) -> Self {
        self.actor_user_id = user_id;
        self.actor_agency_id = agency_id;
        self
    }

    /// Sets the outcome.
    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    /// Adds ids to the details.
    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        if let Value::Object(map) = &mut self.details {
            map.insert(key.to_string(), value.into());
        }
        self
    }
}

/// The longest id (record or actor) an audit entry holds, in characters.
pub const MAX_ID_CHARS: usize = 100;
/// The longest stated purpose.
pub const MAX_PURPOSE_CHARS: usize = 500;
/// The longest details object, as JSON.
pub const MAX_DETAILS_CHARS: usize = 4_000;

/// Refuses an event with a field beyond its bound, so oversized input never reaches the log
/// (the HTTP layer answers such input with 422 before it gets here; this is the last guard).
fn check_bounds(event: &AuditEvent, details: &str) -> Result<(), Error> {
    let too_long = |v: &Option<String>, max: usize| v.as_ref().is_some_and(|s| s.chars().count() > max);
    if too_long(&event.actor_user_id, MAX_ID_CHARS)
        || too_long(&event.actor_agency_id, MAX_ID_CHARS)
        || too_long(&event.record_id, MAX_ID_CHARS)
        || too_long(&event.purpose, MAX_PURPOSE_CHARS)
        || details.chars().count() > MAX_DETAILS_CHARS
    {
        return Err(Error::AuditFieldTooLong(event.action));
    }
    Ok(())
}

/// Appends an event at `at` (Unix seconds) to the chain, inside `tx`, sealed with the audit key.
/// Returns its sequence number.
pub async fn append(tx: &mut WriteTx, at: i64, event: AuditEvent) -> Result<i64, Error> {
    let seq = append_all(tx, at, vec![event]).await?;
    Ok(seq.unwrap_or_default())
}

/// Entries one INSERT of [`append_all`] writes. They travel as one JSON array in one bound
/// value, which the database unpacks (`json_each`, `json_to_recordset`): a statement with a bound
/// value per column per row costs SQLite time that grows with the square of its values (`sqlx`
/// asks `sqlite3_bind_parameter_name` for each, and SQLite walks the list of names to answer),
/// and many small statements cost a thread hand-over (SQLite) or a round trip (PostgreSQL) each.
/// The list pages append one entry per case they show, so this is on their path.
const APPEND_BATCH: usize = 1_000;

/// The INSERT of a batch of sealed entries on SQLite.
const INSERT_BATCH_SQLITE: &str =
    "INSERT INTO audit_log (seq, at, actor_user_id, actor_agency_id, action, record_type, record_id, outcome, purpose, \
     details, prev_hash, hash, chain) SELECT json_extract(value, '$.seq'), json_extract(value, '$.at'), json_extract(value, '$.actor_user_id'), \
     json_extract(value, '$.actor_agency_id'), json_extract(value, '$.action'), json_extract(value, '$.record_type'), \
     json_extract(value, '$.record_id'), json_extract(value, '$.outcome'), json_extract(value, '$.purpose'), json_extract(value, '$.details'), \
     json_extract(value, '$.prev_hash'), json_extract(value, '$.hash'), 2 FROM json_each($1)";

/// The INSERT of a batch of sealed entries on PostgreSQL.
const INSERT_BATCH_POSTGRES: &str =
    "INSERT INTO audit_log (seq, at, actor_user_id, actor_agency_id, action, record_type, record_id, outcome, purpose, \
     details, prev_hash, hash, chain) SELECT seq, at, actor_user_id, actor_agency_id, action, record_type, record_id, outcome, purpose, details, \
     prev_hash, hash, 2 FROM json_to_recordset(CAST(CAST($1 AS TEXT) AS JSON)) AS x(seq BIGINT, at BIGINT, actor_user_id TEXT, actor_agency_id TEXT, \
     action TEXT, record_type TEXT, record_id TEXT, outcome TEXT, purpose TEXT, details TEXT, prev_hash TEXT, hash TEXT)";

/// A sealed entry as the batch INSERT reads it.
#[derive(serde::Serialize)]
struct SealedRow<'a> {
    #[serde(flatten)]
    content: &'a AuditContent,
    prev_hash: &'a str,
    hash: &'a str,
}

/// Appends `events`, in order, at `at` (Unix seconds) to the chain, inside `tx`: the same
/// entries, sealed the same way, as calling [`append`] for each in turn (each entry's
/// `prev_hash` is the hash of the one before it), but with one read of the chain's tail and one
/// INSERT per [`APPEND_BATCH`] entries. Pages that record one entry per case they disclose use
/// it. If any event is refused (a field beyond its bound) nothing is appended. Returns the
/// sequence number of the last entry, or `None` if there were none.
pub async fn append_all(tx: &mut WriteTx, at: i64, events: Vec<AuditEvent>) -> Result<Option<i64>, Error> {
    append_timed(tx, events.into_iter().map(|e| (at, e)).collect()).await
}

/// [`append_all`] with each event's own time. A [`WriteTx`] holds the writers' lock (SQLite's
/// `BEGIN IMMEDIATE`, PostgreSQL's advisory lock), so the tail read here stays the tail.
async fn append_timed(tx: &mut WriteTx, events: Vec<(i64, AuditEvent)>) -> Result<Option<i64>, Error> {
    if events.is_empty() {
        return Ok(None);
    }
    let mut checked = Vec::with_capacity(events.len());
    for (at, event) in events {
        let details = event.details.to_string();
        check_bounds(&event, &details)?;
        checked.push((at, event, details));
    }
    let last: Option<(i64, String)> = sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(&mut **tx).await?;
    let (mut seq, mut prev_hash) = last.unwrap_or_else(|| (0, GENESIS_HASH.to_string()));
    check_key_once(tx).await?;
    let key = &crate::audit_keys::current().mac;
    let mut sealed = Vec::with_capacity(checked.len());
    for (at, event, details) in checked {
        seq += 1;
        let content = AuditContent {
            seq,
            at,
            actor_user_id: event.actor_user_id,
            actor_agency_id: event.actor_agency_id,
            action: event.action.to_string(),
            record_type: event.record_type.map(str::to_string),
            record_id: event.record_id,
            outcome: event.outcome.as_str().to_string(),
            purpose: event.purpose,
            details,
        };
        let hash = chain_mac(key, &prev_hash, &content);
        let prev = std::mem::replace(&mut prev_hash, hash.clone());
        sealed.push((content, prev, hash));
    }
    let insert = if tx.backend_name() == "SQLite" { INSERT_BATCH_SQLITE } else { INSERT_BATCH_POSTGRES };
    for chunk in sealed.chunks(APPEND_BATCH) {
        let rows: Vec<SealedRow<'_>> = chunk
            .iter()
            .map(|(content, prev_hash, hash)| {
                log_security_event(content);
                SealedRow { content, prev_hash, hash }
            })
            .collect();
        let rows = serde_json::to_string(&rows).map_err(|e| Error::AuditAppender(format!("the batch could not be encoded: {e}")))?;
        sqlx::query(insert).bind(rows).execute(&mut **tx).await?;
    }
    Ok(Some(seq))
}

/// The log target of security events, for a security monitor to collect on their own
/// (`RUST_LOG=roundtable::security=info`, or the `target` field of JSON lines).
pub const SECURITY_TARGET: &str = "roundtable::security";

/// Logs an entry that is a security event (`shared::audit::is_security_event`): ids, action and
/// outcome only, as the audit log holds them. Written as the entry is appended; the transaction
/// may still roll back, in which case the audit log, not this line, is the record.
fn log_security_event(c: &AuditContent) {
    if shared::audit::is_security_event(&c.action, &c.outcome) {
        tracing::info!(
            target: SECURITY_TARGET,
            seq = c.seq,
            action = %c.action,
            outcome = %c.outcome,
            actor = c.actor_user_id.as_deref().unwrap_or(""),
            agency = c.actor_agency_id.as_deref().unwrap_or(""),
            record_type = c.record_type.as_deref().unwrap_or(""),
            record_id = c.record_id.as_deref().unwrap_or(""),
            "security event"
        );
    }
}

static KEY_CHECKED: std::sync::OnceLock<()> = std::sync::OnceLock::new();

/// Once per process, before its first append: the newest sealed entry must verify with this
/// process's key, or a lost or wrong key would start a chain nobody can verify.
async fn check_key_once(tx: &mut WriteTx) -> Result<(), Error> {
    if KEY_CHECKED.get().is_some() {
        return Ok(());
    }
    check_key(tx).await?;
    let _ = KEY_CHECKED.set(());
    Ok(())
}

/// Whether the newest sealed entry verifies with this process's audit key (`Ok` when no entry is
/// sealed yet). Serve calls it at start, so a missing key file is reported before anything runs.
pub async fn check_key(conn: &mut sqlx::AnyConnection) -> Result<(), Error> {
    let Some(row) = sqlx::query_as::<_, AuditRow>(
        "SELECT seq, at, actor_user_id, actor_agency_id, action, record_type, record_id, outcome, purpose, details, prev_hash, hash, chain \
         FROM audit_log WHERE chain = 2 ORDER BY seq DESC LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(());
    };
    let stored = StoredRow::from(row);
    let keys = crate::audit_keys::current();
    if same_seal(&chain_mac(&keys.mac, &stored.prev_hash, &stored.content), &stored.hash) {
        return Ok(());
    }
    if keys.created {
        // Not kept: a key made just now for a log sealed with another would only mislead later.
        let _ = std::fs::remove_file(&keys.source);
    }
    Err(Error::Config(format!(
        "the audit log is sealed with another key than the one in {} (entry {} does not verify){}: restore the audit key file \
         (or ROUNDTABLE_AUDIT_KEY) this installation used, and run `roundtable verify-audit`",
        keys.source,
        stored.content.seq,
        if keys.created { "; that key file was just created, so the original is missing" } else { "" }
    )))
}

/// An entry as stored.
#[derive(sqlx::FromRow)]
struct AuditRow {
    chain: i64,
    seq: i64,
    at: i64,
    actor_user_id: Option<String>,
    actor_agency_id: Option<String>,
    action: String,
    record_type: Option<String>,
    record_id: Option<String>,
    outcome: String,
    purpose: Option<String>,
    details: String,
    prev_hash: String,
    hash: String,
}

impl From<AuditRow> for StoredRow {
    fn from(r: AuditRow) -> Self {
        StoredRow {
            version: r.chain,
            content: AuditContent {
                seq: r.seq,
                at: r.at,
                actor_user_id: r.actor_user_id,
                actor_agency_id: r.actor_agency_id,
                action: r.action,
                record_type: r.record_type,
                record_id: r.record_id,
                outcome: r.outcome,
                purpose: r.purpose,
                details: r.details,
            },
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// A retention horizon: where the purge cut the chain, and its seal.
#[derive(sqlx::FromRow)]
struct HorizonRow {
    seq: i64,
    hash: String,
    purged_at: i64,
    last_at: Option<i64>,
    mac: Option<String>,
}

/// The outcome of checking the whole chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    /// Rows that verified, in order, before any break.
    pub checked: u64,
    /// Rows in the log.
    pub total: i64,
    /// The first row that does not verify.
    pub broken: Option<ChainBreak>,
    /// The last verified row, to record outside the database.
    pub head: Option<Anchor>,
    /// How long the check took.
    pub elapsed: std::time::Duration,
    /// The first entry sealed with the audit key (entries before it are the old unkeyed chain).
    pub first_sealed: Option<i64>,
    /// Problems with the retention horizons (a horizon not sealed by the purge, or one that
    /// removed entries younger than the retention period), in words.
    pub horizon_problems: Vec<String>,
}

/// Rows read per query while verifying.
const VERIFY_BATCH: i64 = 5_000;

/// Verifies the whole chain in sequence order, in batches, and names the first row that breaks it.
/// With an `anchor` (a head recorded earlier) it also notices rows removed from the end.
pub async fn verify(db: &Db, anchor: Option<Anchor>) -> Result<Verification, Error> {
    verify_with(db, anchor, None).await
}

/// Verifies from the retention horizon (or the start) and, with `anchor`, that the chain still
/// reaches it; used before writing a checkpoint.
pub async fn verify_from(db: &Db, anchor: Option<Anchor>) -> Result<Verification, Error> {
    verify_with(db, anchor, None).await
}

/// [`verify`], also checking each horizon was sealed by the purge and removed only entries at
/// least `retention_days` old when it ran (`None`: the floor recorded in the database).
pub async fn verify_with(db: &Db, anchor: Option<Anchor>, retention_days: Option<i64>) -> Result<Verification, Error> {
    let started = std::time::Instant::now();
    let keys = crate::audit_keys::current();
    let mut conn = db.pool().acquire().await?;
    let total = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log").fetch_one(&mut *conn).await?;
    let floor: i64 = match retention_days {
        Some(d) => d,
        None => {
            sqlx::query_scalar::<_, i64>("SELECT retention_days FROM audit_policy WHERE id = 1").fetch_optional(&mut *conn).await?.unwrap_or(2555)
        }
    };
    let mut verifier = ChainVerifier::default().with_key(keys.mac.clone()).anchored(anchor.clone());
    let mut after = i64::MIN;
    let mut horizon_problems = Vec::new();
    // Old entries purged under the retention period: the chain continues from the last one removed.
    let horizons: Vec<HorizonRow> =
        sqlx::query_as("SELECT seq, hash, purged_at, last_at, mac FROM audit_horizon ORDER BY seq").fetch_all(&mut *conn).await?;
    for HorizonRow { seq, hash, purged_at, last_at, mac } in &horizons {
        let (seq, purged_at) = (*seq, *purged_at);
        if let (Some(last_at), Some(mac)) = (*last_at, mac) {
            if !same_seal(&horizon_mac(&keys.mac, seq, hash, last_at, purged_at), mac) {
                horizon_problems
                    .push(format!("The retention horizon at entry {seq} was not set by Roundtable's purge: entries up to it were removed."));
            } else if purged_at - last_at < floor * 86_400 {
                horizon_problems.push(format!("The retention horizon at entry {seq} removed entries younger than the audit retention period."));
            }
        }
    }
    // A horizon without a seal predates the audit key, so the entry after it must be of the old
    // unkeyed chain too; otherwise someone removed sealed entries and wrote the horizon by hand.
    if let Some(row) = horizons.last().filter(|r| r.mac.is_none()) {
        let seq = row.seq;
        let next: Option<i64> = sqlx::query_scalar("SELECT chain FROM audit_log WHERE seq = $1").bind(seq + 1).fetch_optional(&mut *conn).await?;
        if next.is_some_and(|c| c != shared::audit::CHAIN_V1) {
            horizon_problems.push(format!("The retention horizon at entry {seq} carries no seal: entries up to it were removed."));
        }
    }
    if let Some(row) = horizons.last() {
        let horizon = Anchor { seq: row.seq, hash: row.hash.clone() };
        after = horizon.seq;
        if anchor.as_ref().is_some_and(|a| a.seq < horizon.seq) {
            // The anchor was purged in the meantime (legitimately, if the horizon checks out).
            verifier = verifier.anchored(None);
        } else if anchor.as_ref().is_some_and(|a| a.seq == horizon.seq && a.hash != horizon.hash) {
            horizon_problems.push(format!("The retention horizon at entry {} does not match the checkpoint recorded earlier.", horizon.seq));
        }
        if row.mac.is_some() {
            verifier = verifier.keyed_from_start();
        }
        verifier = verifier.starting_after(&horizon);
    }
    let broken = 'rows: loop {
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT seq, at, actor_user_id, actor_agency_id, action, record_type, record_id, outcome, purpose, details, prev_hash, hash, chain \
             FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(VERIFY_BATCH)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            break None;
        }
        for row in rows {
            let stored = StoredRow::from(row);
            after = stored.content.seq;
            if let Err(b) = verifier.push(&stored) {
                break 'rows Some(b);
            }
        }
    };
    let broken = broken.or_else(|| verifier.finish().err());
    Ok(Verification {
        checked: verifier.checked(),
        total,
        broken,
        head: verifier.head(),
        elapsed: started.elapsed(),
        first_sealed: verifier.first_keyed(),
        horizon_problems,
    })
}

/// The seal a purge puts on a new horizon.
pub fn seal_horizon(seq: i64, hash: &str, last_at: i64, purged_at: i64) -> String {
    horizon_mac(&crate::audit_keys::current().mac, seq, hash, last_at, purged_at)
}

/// Plain words for a break, for the DPO page and the command line.
pub fn describe(b: &ChainBreak) -> String {
    match b.reason {
        BreakReason::Gap => format!("Entry {} is missing or out of order: entries were removed or renumbered.", b.seq),
        BreakReason::Link => format!("Entry {} does not follow the entry before it: entries were reordered or replaced.", b.seq),
        BreakReason::Content => {
            format!("Entry {} was changed after it was written, or was not written by Roundtable (its seal does not verify).", b.seq)
        }
        BreakReason::Unsealed => {
            format!("Entry {} was not written by Roundtable: it lacks the seal every entry since the audit key was introduced carries.", b.seq)
        }
        BreakReason::Anchor => format!("Entry {} differs from the chain head recorded earlier: the log was rebuilt.", b.seq),
        BreakReason::Truncated => format!("Entries from {} onward were removed: the log ends before the chain head recorded earlier.", b.seq),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use shared::audit::AuditContent;

    use super::{log_security_event, SECURITY_TARGET};

    /// What the security log writes for `content`, captured.
    fn logged(content: &AuditContent) -> String {
        #[derive(Clone, Default)]
        struct Captured(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Captured {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let captured = Captured::default();
        let sink = captured.clone();
        let subscriber = tracing_subscriber::fmt().with_writer(move || sink.clone()).with_ansi(false).finish();
        tracing::subscriber::with_default(subscriber, || log_security_event(content));
        let bytes = captured.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn entry(action: &str, outcome: &str) -> AuditContent {
        AuditContent {
            seq: 7,
            at: 0,
            actor_user_id: Some("user-1".into()),
            actor_agency_id: Some("agency-1".into()),
            action: action.into(),
            record_type: Some("case".into()),
            record_id: Some("case-1".into()),
            outcome: outcome.into(),
            purpose: None,
            details: "{}".into(),
        }
    }

    #[test]
    fn a_refusal_is_logged_under_the_security_target_and_an_ordinary_read_is_not() {
        let refused = logged(&entry("case.read", "denied"));
        assert!(refused.contains(SECURITY_TARGET) && refused.contains("security event"), "{refused}");
        assert!(refused.contains("seq=7") && refused.contains("record_id=\"case-1\""), "{refused}");
        let read = logged(&entry("case.read", "success"));
        assert!(read.is_empty(), "{read}");
    }
}

//! The audit writer: appends hash-chained rows inside the caller's transaction.
//!
//! If the audit row cannot be written the caller's transaction fails, so no change goes unrecorded.

use serde_json::Value;
use shared::audit::{chain_hash, Anchor, AuditContent, BreakReason, ChainBreak, ChainVerifier, StoredRow, GENESIS_HASH};
use sqlx::Row;

use crate::db::{Db, Tx};
use crate::error::Error;

/// How an audited attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Success,
    /// Refused by policy.
    Denied,
    /// Failed (for example a passkey that did not verify).
    Failure,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Denied => "denied",
            Outcome::Failure => "failure",
        }
    }
}

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

/// Appends an event at `at` (Unix seconds) to the chain, inside `tx`. Returns its sequence number.
pub async fn append(tx: &mut Tx, at: i64, event: AuditEvent) -> Result<i64, Error> {
    crate::db::dialect::lock_audit_tail(&mut **tx).await?;
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(&mut **tx).await?;
    let (prev_seq, prev_hash) = match last {
        Some(row) => (row.try_get::<i64, _>("seq")?, row.try_get::<String, _>("hash")?),
        None => (0, GENESIS_HASH.to_string()),
    };
    let content = AuditContent {
        seq: prev_seq + 1,
        at,
        actor_user_id: event.actor_user_id,
        actor_agency_id: event.actor_agency_id,
        action: event.action.to_string(),
        record_type: event.record_type.map(str::to_string),
        record_id: event.record_id,
        outcome: event.outcome.as_str().to_string(),
        purpose: event.purpose,
        details: event.details.to_string(),
    };
    let hash = chain_hash(&prev_hash, &content);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_user_id, actor_agency_id, action, record_type, \
         record_id, outcome, purpose, details, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(content.seq)
    .bind(content.at)
    .bind(content.actor_user_id)
    .bind(content.actor_agency_id)
    .bind(content.action)
    .bind(content.record_type)
    .bind(content.record_id)
    .bind(content.outcome)
    .bind(content.purpose)
    .bind(content.details)
    .bind(prev_hash)
    .bind(hash)
    .execute(&mut **tx)
    .await?;
    Ok(content.seq)
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
}

/// Rows read per query while verifying.
const VERIFY_BATCH: i64 = 5_000;

/// Verifies the whole chain in sequence order, in batches, and names the first row that breaks it.
/// With an `anchor` (a head recorded earlier) it also notices rows removed from the end.
pub async fn verify(db: &Db, anchor: Option<Anchor>) -> Result<Verification, Error> {
    let started = std::time::Instant::now();
    let mut conn = db.pool().acquire().await?;
    let total = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log").fetch_one(&mut *conn).await?;
    let mut verifier = anchor.map_or_else(ChainVerifier::default, ChainVerifier::with_anchor);
    let mut after = i64::MIN;
    // Old entries purged under the retention period: the chain continues from the last one removed.
    if let Some(row) = sqlx::query("SELECT seq, hash FROM audit_horizon ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *conn).await? {
        let horizon = Anchor { seq: row.try_get("seq")?, hash: row.try_get("hash")? };
        after = horizon.seq;
        verifier = verifier.starting_after(&horizon);
    }
    let broken = 'rows: loop {
        let rows = sqlx::query(
            "SELECT seq, at, actor_user_id, actor_agency_id, action, record_type, record_id, outcome, purpose, details, prev_hash, hash \
             FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(VERIFY_BATCH)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            break None;
        }
        for row in &rows {
            let stored = stored_row(row)?;
            after = stored.content.seq;
            if let Err(b) = verifier.push(&stored) {
                break 'rows Some(b);
            }
        }
    };
    let broken = broken.or_else(|| verifier.finish().err());
    Ok(Verification { checked: verifier.checked(), total, broken, head: verifier.head(), elapsed: started.elapsed() })
}

fn stored_row(row: &sqlx::any::AnyRow) -> Result<StoredRow, Error> {
    Ok(StoredRow {
        content: AuditContent {
            seq: row.try_get("seq")?,
            at: row.try_get("at")?,
            actor_user_id: row.try_get("actor_user_id")?,
            actor_agency_id: row.try_get("actor_agency_id")?,
            action: row.try_get("action")?,
            record_type: row.try_get("record_type")?,
            record_id: row.try_get("record_id")?,
            outcome: row.try_get("outcome")?,
            purpose: row.try_get("purpose")?,
            details: row.try_get("details")?,
        },
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// Plain words for a break, for the DPO page and the command line.
pub fn describe(b: &ChainBreak) -> String {
    match b.reason {
        BreakReason::Gap => format!("Entry {} is missing or out of order: entries were removed or renumbered.", b.seq),
        BreakReason::Link => format!("Entry {} does not follow the entry before it: entries were reordered or replaced.", b.seq),
        BreakReason::Content => format!("Entry {} was changed after it was written.", b.seq),
        BreakReason::Anchor => format!("Entry {} differs from the chain head recorded earlier: the log was rebuilt.", b.seq),
        BreakReason::Truncated => format!("Entries from {} onward were removed: the log ends before the chain head recorded earlier.", b.seq),
    }
}

/// `roundtable verify-audit`: checks the chain and says what it found.
pub async fn print_verification(db_args: crate::cli::DatabaseArgs, expect_head: Option<String>) -> Result<(), Error> {
    let anchor = match expect_head {
        None => None,
        Some(text) => {
            Some(Anchor::parse(&text).ok_or_else(|| Error::Config("--expect-head must be SEQ:HASH as printed by an earlier verify-audit".into()))?)
        }
    };
    let db = Db::open(&db_args.resolve()?).await?;
    db.migrate().await?;
    let result = verify(&db, anchor).await?;
    match &result.broken {
        None => {
            println!("The audit log is intact: {} entries verified in {} ms.", result.checked, result.elapsed.as_millis());
            if let Some(head) = &result.head {
                println!("Chain head: {head}");
                println!(
                    "Record it outside this server; `roundtable verify-audit --expect-head {head}` then also detects entries removed from the end."
                );
            }
            Ok(())
        }
        Some(b) => Err(Error::AuditBroken(format!("{} {} entries before it verified.", describe(b), result.checked))),
    }
}

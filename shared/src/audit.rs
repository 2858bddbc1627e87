//! The audit chain: how each row's hash is computed and how a chain is verified.
//!
//! Each row's hash is SHA-256 over the previous row's hash and the row's canonical content,
//! so editing, deleting or reordering any row breaks every hash after it.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first row.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The content of one audit row, in the fixed field order that is hashed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditContent {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When, in Unix seconds (UTC).
    pub at: i64,
    /// Who acted (a user id), if anyone was signed in.
    pub actor_user_id: Option<String>,
    /// The actor's agency id.
    pub actor_agency_id: Option<String>,
    /// What was done, e.g. `session.sign_in`.
    pub action: String,
    /// The kind of record acted on.
    pub record_type: Option<String>,
    /// The record's id.
    pub record_id: Option<String>,
    /// `success`, `denied` or `failure`.
    pub outcome: String,
    /// The purpose the actor stated, where one was asked.
    pub purpose: Option<String>,
    /// Further ids as a JSON object (never names or free text about people).
    pub details: String,
}

/// The hash of a row given the previous row's hash.
pub fn chain_hash(prev_hash: &str, content: &AuditContent) -> String {
    let canonical = serde_json::to_string(content).unwrap_or_default();
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(canonical.as_bytes());
    hex::encode(hasher.finalize())
}

/// A stored row: its content and the hashes stored with it.
#[derive(Clone, Debug)]
pub struct StoredRow {
    /// The content.
    pub content: AuditContent,
    /// The stored previous hash.
    pub prev_hash: String,
    /// The stored hash.
    pub hash: String,
}

/// Why verification stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainBreak {
    /// The sequence number of the first row that does not verify.
    pub seq: i64,
    /// What is wrong with it.
    pub reason: BreakReason,
}

/// What is wrong with a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakReason {
    /// A row is missing or out of order before this one.
    Gap,
    /// The row does not point at the previous row's hash.
    Link,
    /// The row's content does not match its hash.
    Content,
    /// The row's hash differs from the chain head recorded earlier: the log was rebuilt.
    Anchor,
    /// The chain ends before the chain head recorded earlier: rows were removed from the end.
    Truncated,
}

/// A chain head recorded outside the database (`SEQ:HASH`). Only such an anchor can reveal rows
/// removed from the end of the log, since what remains still forms a valid chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    /// The entry's sequence number.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
}

impl Anchor {
    /// Parses `SEQ:HASH` (hash in lower-case hex, 64 digits).
    pub fn parse(text: &str) -> Option<Anchor> {
        let (seq, hash) = text.trim().split_once(':')?;
        let seq = seq.parse().ok().filter(|s| *s > 0)?;
        let hash = hash.to_ascii_lowercase();
        (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(Anchor { seq, hash })
    }
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

/// Incremental verifier, so very long chains can be checked in batches.
#[derive(Clone, Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
    checked: u64,
    anchor: Option<Anchor>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { expected_seq: 1, prev_hash: GENESIS_HASH.to_string(), checked: 0, anchor: None }
    }
}

impl ChainVerifier {
    /// Checks the next row in sequence order.
    pub fn push(&mut self, row: &StoredRow) -> Result<(), ChainBreak> {
        let seq = row.content.seq;
        if seq != self.expected_seq {
            return Err(ChainBreak { seq: seq.min(self.expected_seq), reason: BreakReason::Gap });
        }
        if row.prev_hash != self.prev_hash {
            return Err(ChainBreak { seq, reason: BreakReason::Link });
        }
        if chain_hash(&row.prev_hash, &row.content) != row.hash {
            return Err(ChainBreak { seq, reason: BreakReason::Content });
        }
        if self.anchor.as_ref().is_some_and(|a| a.seq == seq && a.hash != row.hash) {
            return Err(ChainBreak { seq, reason: BreakReason::Anchor });
        }
        self.prev_hash = row.hash.clone();
        self.expected_seq += 1;
        self.checked += 1;
        Ok(())
    }

    /// How many rows verified so far.
    pub fn checked(&self) -> u64 {
        self.checked
    }

    /// A verifier that also checks the chain still reaches `anchor` with the same hash.
    pub fn with_anchor(anchor: Anchor) -> Self {
        Self { anchor: Some(anchor), ..Self::default() }
    }

    /// Starts after `horizon`, the last row removed when old rows were purged: the first remaining
    /// row must follow it, so removing rows anywhere else is still found.
    pub fn starting_after(mut self, horizon: &Anchor) -> Self {
        self.expected_seq = horizon.seq + 1;
        self.prev_hash = horizon.hash.clone();
        self
    }

    /// The last verified row, as an anchor to record elsewhere.
    pub fn head(&self) -> Option<Anchor> {
        (self.checked > 0).then(|| Anchor { seq: self.expected_seq - 1, hash: self.prev_hash.clone() })
    }

    /// Called after the last row: fails when the chain stops short of the anchor.
    pub fn finish(&self) -> Result<(), ChainBreak> {
        match &self.anchor {
            Some(a) if a.seq >= self.expected_seq => Err(ChainBreak { seq: self.expected_seq, reason: BreakReason::Truncated }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<StoredRow> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let content = AuditContent {
                    seq,
                    at: 1_700_000_000 + seq,
                    actor_user_id: Some(format!("user-{seq}")),
                    actor_agency_id: None,
                    action: "case.read".into(),
                    record_type: Some("case".into()),
                    record_id: Some(format!("case-{seq}")),
                    outcome: "success".into(),
                    purpose: None,
                    details: "{}".into(),
                };
                let hash = chain_hash(&prev, &content);
                let row = StoredRow { content, prev_hash: prev.clone(), hash: hash.clone() };
                prev = hash;
                row
            })
            .collect()
    }

    fn verify(rows: &[StoredRow]) -> Result<u64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for r in rows {
            v.push(r)?;
        }
        Ok(v.checked())
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
    }

    #[test]
    fn edited_row_is_named() {
        let mut rows = chain(5);
        rows[2].content.outcome = "denied".into();
        assert_eq!(verify(&rows), Err(ChainBreak { seq: 3, reason: BreakReason::Content }));
    }

    #[test]
    fn deleted_row_is_a_gap() {
        let mut rows = chain(5);
        rows.remove(1);
        assert_eq!(verify(&rows), Err(ChainBreak { seq: 2, reason: BreakReason::Gap }));
    }

    #[test]
    fn rehashed_edit_breaks_the_next_link() {
        let mut rows = chain(4);
        rows[1].content.action = "case.write".into();
        rows[1].hash = chain_hash(&rows[1].prev_hash, &rows[1].content);
        assert_eq!(verify(&rows), Err(ChainBreak { seq: 3, reason: BreakReason::Link }));
    }

    #[test]
    fn reordered_rows_are_a_gap() {
        let mut rows = chain(4);
        rows.swap(1, 2);
        assert_eq!(verify(&rows), Err(ChainBreak { seq: 2, reason: BreakReason::Gap }));
    }

    #[test]
    fn an_anchor_reveals_rows_removed_from_the_end() {
        let rows = chain(5);
        let mut v = ChainVerifier::default();
        rows.iter().for_each(|r| v.push(r).unwrap_or_else(|b| panic!("{b:?}")));
        let head = v.head().unwrap_or_else(|| panic!("head"));
        assert_eq!(head.seq, 5);
        assert_eq!(Anchor::parse(&head.to_string()), Some(head.clone()));

        let mut short = ChainVerifier::with_anchor(head.clone());
        rows[..3].iter().for_each(|r| short.push(r).unwrap_or_else(|b| panic!("{b:?}")));
        assert_eq!(short.finish(), Err(ChainBreak { seq: 4, reason: BreakReason::Truncated }));

        let mut full = ChainVerifier::with_anchor(head);
        rows.iter().for_each(|r| full.push(r).unwrap_or_else(|b| panic!("{b:?}")));
        assert_eq!(full.finish(), Ok(()));
    }

    #[test]
    fn an_anchor_with_another_hash_reveals_a_rebuilt_log() {
        let rows = chain(3);
        let mut v = ChainVerifier::with_anchor(Anchor { seq: 2, hash: "0".repeat(64) });
        assert_eq!(v.push(&rows[0]), Ok(()));
        assert_eq!(v.push(&rows[1]), Err(ChainBreak { seq: 2, reason: BreakReason::Anchor }));
    }

    #[test]
    fn a_chain_purged_up_to_a_horizon_verifies_from_it() {
        let rows = chain(6);
        let horizon = Anchor { seq: 3, hash: rows[2].hash.clone() };
        let mut v = ChainVerifier::default().starting_after(&horizon);
        rows[3..].iter().for_each(|r| v.push(r).unwrap_or_else(|b| panic!("{b:?}")));
        assert_eq!(v.checked(), 3);
        let mut gap = ChainVerifier::default().starting_after(&horizon);
        assert_eq!(gap.push(&rows[4]), Err(ChainBreak { seq: 4, reason: BreakReason::Gap }), "a row after the horizon removed");
        let wrong = Anchor { seq: 3, hash: rows[1].hash.clone() };
        let mut link = ChainVerifier::default().starting_after(&wrong);
        assert_eq!(link.push(&rows[3]), Err(ChainBreak { seq: 4, reason: BreakReason::Link }));
    }

    #[test]
    fn anchors_parse_strictly() {
        assert_eq!(Anchor::parse("0:".to_string().as_str()), None);
        assert_eq!(Anchor::parse(&format!("7:{}", "g".repeat(64))), None);
        assert_eq!(Anchor::parse(&format!("7:{}", "A".repeat(64))).map(|a| a.hash), Some("a".repeat(64)));
        assert_eq!(Anchor::parse("x:y"), None);
    }
}

//! The audit chain: how each row's hash is computed and how a chain is verified.
//!
//! Each row's hash covers the previous row's hash and the row's canonical content, so editing,
//! deleting or reordering any row breaks every hash after it. Rows written since the audit key
//! was introduced (chain version 2) are sealed with HMAC-SHA-256 under a key the database does
//! not hold, so someone who can only insert rows cannot add one that verifies. Rows written
//! before (version 1, plain SHA-256) stay verifiable as they were; once a version-2 row has been
//! written, a version-1 row after it is a forgery.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The unkeyed chain of rows written before the audit key was introduced.
pub const CHAIN_V1: i64 = 1;
/// The keyed chain (HMAC-SHA-256).
pub const CHAIN_V2: i64 = 2;

/// The secret that seals version-2 rows (derived from the installation's audit key).
#[derive(Clone)]
pub struct MacKey(pub [u8; 32]);

impl std::fmt::Debug for MacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MacKey(..)")
    }
}

/// The seal of a version-2 row: HMAC-SHA-256 over the version, the previous row's hash and the
/// row's canonical content, in lower-case hex.
pub fn chain_mac(key: &MacKey, prev_hash: &str, content: &AuditContent) -> String {
    let canonical = serde_json::to_string(content).unwrap_or_default();
    mac_hex(key, &[b"roundtable-audit-v2\n", prev_hash.as_bytes(), b"\n", canonical.as_bytes()])
}

/// HMAC-SHA-256 of the concatenated parts, in lower-case hex.
pub fn mac_hex(key: &MacKey, parts: &[&[u8]]) -> String {
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&key.0) else {
        return String::new();
    };
    for p in parts {
        mac.update(p);
    }
    hex::encode(mac.finalize().into_bytes())
}

/// Compares two hex strings in constant time (for seals).
pub fn same_seal(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The seal of a retention horizon (the last entry a purge removed, and when it was written).
pub fn horizon_mac(key: &MacKey, seq: i64, hash: &str, last_at: i64, purged_at: i64) -> String {
    mac_hex(key, &[format!("roundtable-audit-horizon-v1\n{seq}\n{hash}\n{last_at}\n{purged_at}").as_bytes()])
}

/// Actions that are security events whatever their outcome: signing in and out, confirming it
/// is you, passkeys, accounts and their roles, an agency's standing under the ISA, and the audit
/// log's own checks.
const SECURITY_ACTIONS: &[&str] = &["session.", "passkey.", "account.", "user.", "role.", "audit.", "agency.state", "invitation."];

/// Whether an audited event is also a security event (logged under its own target for a
/// security monitor): any refusal or failure, and every action of [`SECURITY_ACTIONS`].
pub fn is_security_event(action: &str, outcome: &str) -> bool {
    outcome != Outcome::Success.as_str() || SECURITY_ACTIONS.iter().any(|prefix| action.starts_with(prefix))
}

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
    /// Which chain it belongs to ([`CHAIN_V1`] or [`CHAIN_V2`]).
    pub version: i64,
    /// The content.
    pub content: AuditContent,
    /// The stored previous hash.
    pub prev_hash: String,
    /// The stored hash.
    pub hash: String,
}

/// How an audited attempt ended (the `outcome` column).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Done.
    Success,
    /// Refused by policy.
    Denied,
    /// Failed (for example a passkey that did not verify).
    Failure,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 3] = [Outcome::Success, Outcome::Denied, Outcome::Failure];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Denied => "denied",
            Outcome::Failure => "failure",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Success => "Success",
            Outcome::Denied => "Denied",
            Outcome::Failure => "Failed",
        }
    }
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
    /// An unkeyed (or unknown-version) row after the key was introduced: not written by Roundtable.
    Unsealed,
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
    key: Option<MacKey>,
    keyed_seen: bool,
    first_keyed: Option<i64>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { expected_seq: 1, prev_hash: GENESIS_HASH.to_string(), checked: 0, anchor: None, key: None, keyed_seen: false, first_keyed: None }
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
        match row.version {
            CHAIN_V1 if !self.keyed_seen => {
                if chain_hash(&row.prev_hash, &row.content) != row.hash {
                    return Err(ChainBreak { seq, reason: BreakReason::Content });
                }
            }
            CHAIN_V2 => {
                let Some(key) = &self.key else { return Err(ChainBreak { seq, reason: BreakReason::Unsealed }) };
                if !same_seal(&chain_mac(key, &row.prev_hash, &row.content), &row.hash) {
                    return Err(ChainBreak { seq, reason: BreakReason::Content });
                }
                if !self.keyed_seen {
                    self.first_keyed = Some(seq);
                }
                self.keyed_seen = true;
            }
            _ => return Err(ChainBreak { seq, reason: BreakReason::Unsealed }),
        }
        if self.anchor.as_ref().is_some_and(|a| a.seq == seq && a.hash != row.hash) {
            return Err(ChainBreak { seq, reason: BreakReason::Anchor });
        }
        self.prev_hash = row.hash.clone();
        self.expected_seq += 1;
        self.checked += 1;
        Ok(())
    }

    /// Checks version-2 rows with `key`; without one they fail as unsealed.
    pub fn with_key(mut self, key: MacKey) -> Self {
        self.key = Some(key);
        self
    }

    /// Starts as if a keyed row had already been seen (a horizon or checkpoint after the key):
    /// unkeyed rows are then refused from the first.
    pub fn keyed_from_start(mut self) -> Self {
        self.keyed_seen = true;
        self
    }

    /// The first keyed row verified, if any.
    pub fn first_keyed(&self) -> Option<i64> {
        self.first_keyed
    }

    /// How many rows verified so far.
    pub fn checked(&self) -> u64 {
        self.checked
    }

    /// A verifier that also checks the chain still reaches `anchor` with the same hash.
    pub fn with_anchor(anchor: Anchor) -> Self {
        Self { anchor: Some(anchor), ..Self::default() }
    }

    /// Adds (or replaces) the anchor the chain must reach.
    pub fn anchored(mut self, anchor: Option<Anchor>) -> Self {
        self.anchor = anchor;
        self
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

    #[test]
    fn outcomes_read_back_from_their_stored_form_and_serialise_the_same() {
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
            assert_eq!(serde_json::to_string(&outcome).ok(), Some(format!("\"{}\"", outcome.as_str())));
            assert!(!outcome.label().is_empty());
        }
        assert_eq!(Outcome::parse("Success"), None);
        assert_eq!(Outcome::try_from("granted".to_string()).map_err(|e| e.kind), Err("Outcome"));
    }

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
                let row = StoredRow { version: CHAIN_V1, content, prev_hash: prev.clone(), hash: hash.clone() };
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

    fn keyed_chain(n: i64, key: &MacKey) -> Vec<StoredRow> {
        let mut rows = chain(n);
        let mut prev = GENESIS_HASH.to_string();
        for r in &mut rows {
            r.version = CHAIN_V2;
            r.prev_hash = prev.clone();
            r.hash = chain_mac(key, &prev, &r.content);
            prev = r.hash.clone();
        }
        rows
    }

    #[test]
    fn a_keyed_chain_verifies_only_with_its_key() {
        let key = MacKey([7; 32]);
        let rows = keyed_chain(4, &key);
        let mut v = ChainVerifier::default().with_key(key.clone());
        rows.iter().for_each(|r| v.push(r).unwrap_or_else(|b| panic!("{b:?}")));
        assert_eq!(v.first_keyed(), Some(1));
        let mut wrong = ChainVerifier::default().with_key(MacKey([8; 32]));
        assert_eq!(wrong.push(&rows[0]), Err(ChainBreak { seq: 1, reason: BreakReason::Content }));
        let mut none = ChainVerifier::default();
        assert_eq!(none.push(&rows[0]), Err(ChainBreak { seq: 1, reason: BreakReason::Unsealed }));
    }

    #[test]
    fn an_appended_row_without_the_key_is_a_forgery() {
        let key = MacKey([7; 32]);
        let mut rows = keyed_chain(3, &key);
        // Someone who can insert appends a row hashed the old, unkeyed way...
        let mut forged = rows[2].clone();
        forged.content.seq = 4;
        forged.version = CHAIN_V1;
        forged.prev_hash = rows[2].hash.clone();
        forged.hash = chain_hash(&forged.prev_hash, &forged.content);
        rows.push(forged.clone());
        let mut v = ChainVerifier::default().with_key(key.clone());
        let got: Result<(), ChainBreak> = rows.iter().try_for_each(|r| v.push(r));
        assert_eq!(got, Err(ChainBreak { seq: 4, reason: BreakReason::Unsealed }));
        // ...or claims the keyed form with a guessed seal.
        forged.version = CHAIN_V2;
        rows[3] = forged;
        let mut v = ChainVerifier::default().with_key(key);
        let got: Result<(), ChainBreak> = rows.iter().try_for_each(|r| v.push(r));
        assert_eq!(got, Err(ChainBreak { seq: 4, reason: BreakReason::Content }));
    }

    #[test]
    fn the_unkeyed_chain_before_the_key_stays_verifiable_and_is_sealed_by_the_first_keyed_row() {
        let key = MacKey([9; 32]);
        let mut rows = chain(3);
        let mut next = keyed_chain(2, &key);
        for (i, r) in next.iter_mut().enumerate() {
            r.content.seq = 4 + i as i64;
        }
        let mut prev = rows[2].hash.clone();
        for r in &mut next {
            r.prev_hash = prev.clone();
            r.hash = chain_mac(&key, &prev, &r.content);
            prev = r.hash.clone();
        }
        rows.extend(next);
        let mut v = ChainVerifier::default().with_key(key.clone());
        rows.iter().for_each(|r| v.push(r).unwrap_or_else(|b| panic!("{b:?}")));
        assert_eq!((v.checked(), v.first_keyed()), (5, Some(4)));
        // Rewriting an old row and rehashing the old part breaks the first keyed row's link.
        rows[1].content.action = "rewritten".into();
        rows[1].hash = chain_hash(&rows[1].prev_hash, &rows[1].content);
        rows[2].prev_hash = rows[1].hash.clone();
        rows[2].hash = chain_hash(&rows[2].prev_hash, &rows[2].content);
        let mut v = ChainVerifier::default().with_key(key);
        let got: Result<(), ChainBreak> = rows.iter().try_for_each(|r| v.push(r));
        assert_eq!(got, Err(ChainBreak { seq: 4, reason: BreakReason::Link }));
    }

    #[test]
    fn anchors_parse_strictly() {
        assert_eq!(Anchor::parse("0:".to_string().as_str()), None);
        assert_eq!(Anchor::parse(&format!("7:{}", "g".repeat(64))), None);
        assert_eq!(Anchor::parse(&format!("7:{}", "A".repeat(64))).map(|a| a.hash), Some("a".repeat(64)));
        assert_eq!(Anchor::parse("x:y"), None);
    }

    #[test]
    fn refusals_failures_and_account_actions_are_security_events_and_case_reads_are_not() {
        use super::is_security_event;
        assert!(is_security_event("case.read", "denied"));
        assert!(is_security_event("session.sign_in", "failure"));
        assert!(is_security_event("session.sign_in", "success"));
        assert!(is_security_event("user.grant_roles", "success"));
        assert!(is_security_event("audit.verify", "success"));
        assert!(!is_security_event("case.read", "success"));
        assert!(!is_security_event("meeting.list", "success"));
    }
}

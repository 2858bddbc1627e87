//! Signed checkpoints of the audit chain, written outside the database.
//!
//! A checkpoint is one JSON line: the sequence number and hash of the chain's newest entry,
//! when it was taken, and an Ed25519 signature over those three (by the key derived from the
//! audit key). Lines are appended to the witness file (`--audit-witness`, by default a file in a
//! folder beside the data folder, not in it), which the server only ever opens for appending.
//! `verify-audit` checks the chain still reaches the latest checkpoint with the same hash, so
//! entries removed from the end, or a log rebuilt from scratch, are found.

use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Verifier};
use serde::{Deserialize, Serialize};
use shared::audit::Anchor;

use crate::audit_keys::AuditKeys;
use crate::db::Db;
use crate::error::Error;

/// One checkpoint, as written to the witness.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Format version.
    pub v: u8,
    /// The newest entry's sequence number.
    pub seq: i64,
    /// Its hash (seal).
    pub head: String,
    /// When the checkpoint was taken (Unix seconds).
    pub at: i64,
    /// The public key that signed it (hex), for reading; verification uses the expected key.
    pub key: String,
    /// Ed25519 signature over [`Checkpoint::message`] (hex).
    pub sig: String,
}

impl Checkpoint {
    /// What is signed.
    pub fn message(seq: i64, head: &str, at: i64) -> Vec<u8> {
        format!("roundtable-audit-checkpoint-v1\n{seq}\n{head}\n{at}").into_bytes()
    }

    /// Signs a checkpoint.
    pub fn sign(keys: &AuditKeys, seq: i64, head: &str, at: i64) -> Checkpoint {
        Checkpoint { v: 1, seq, head: head.to_string(), at, key: keys.public_key_hex(), sig: keys.sign(&Self::message(seq, head, at)) }
    }

    /// Whether the signature is the expected key's.
    pub fn verifies(&self, keys: &AuditKeys) -> bool {
        let Ok(bytes) = hex::decode(&self.sig) else { return false };
        let Ok(bytes) = <[u8; 64]>::try_from(bytes.as_slice()) else { return false };
        keys.verifying_key().verify(&Self::message(self.seq, &self.head, self.at), &Signature::from_bytes(&bytes)).is_ok()
    }

    /// The chain head it records.
    pub fn anchor(&self) -> Anchor {
        Anchor { seq: self.seq, hash: self.head.clone() }
    }
}

/// The default witness file for a data folder: in a folder beside it, never inside it.
pub fn default_path(data_dir: &Path) -> PathBuf {
    let name = data_dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "data".into());
    let parent = data_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    parent.join(format!("{name}-witness")).join("audit-checkpoints.jsonl")
}

/// What the witness file holds.
#[derive(Debug, Default)]
pub struct WitnessRead {
    /// The newest checkpoint whose signature verifies.
    pub latest: Option<Checkpoint>,
    /// Lines that are not checkpoints signed by the expected key (1-based line numbers).
    pub bad_lines: Vec<usize>,
    /// Valid checkpoints read.
    pub count: usize,
}

/// Reads every checkpoint in the witness file (none if it does not exist).
pub fn read(path: &Path, keys: &AuditKeys) -> Result<WitnessRead, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(WitnessRead::default()),
        Err(e) => return Err(Error::Config(format!("the audit witness {} cannot be read ({e})", path.display()))),
    };
    let mut out = WitnessRead::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Checkpoint>(line) {
            Ok(c) if c.verifies(keys) => {
                // Checkpoints only move forward; one that goes back was not written by us in order.
                if out.latest.as_ref().is_some_and(|l| c.seq < l.seq || c.at < l.at) {
                    out.bad_lines.push(i + 1);
                    continue;
                }
                out.count += 1;
                out.latest = Some(c);
            }
            _ => out.bad_lines.push(i + 1),
        }
    }
    Ok(out)
}

/// Appends a checkpoint line to the witness (creating its folder and file when missing).
pub fn append(path: &Path, checkpoint: &Checkpoint) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o640);
    }
    let mut file = options.open(path)?;
    let mut line = serde_json::to_string(checkpoint).map_err(|e| Error::Config(format!("checkpoint: {e}")))?;
    line.push('\n');
    file.write_all(line.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// Checks the chain from the latest checkpoint to its head and, if it verifies, writes a new
/// checkpoint of the head. Returns it, or `None` when the log is empty. A chain that does not
/// verify is never checkpointed: that would bless the change.
pub async fn record(db: &Db, path: &Path, now: i64) -> Result<Option<Checkpoint>, Error> {
    let keys = crate::audit_keys::current();
    let witness = read(path, keys)?;
    let result = crate::audit::verify_from(db, witness.latest.as_ref().map(Checkpoint::anchor)).await?;
    if let Some(b) = &result.broken {
        return Err(Error::AuditBroken(crate::audit::describe(b)));
    }
    let Some(head) = result.head.or_else(|| witness.latest.as_ref().map(Checkpoint::anchor)) else {
        return Ok(None);
    };
    let checkpoint = Checkpoint::sign(keys, head.seq, &head.hash, now);
    append(path, &checkpoint)?;
    Ok(Some(checkpoint))
}

/// Records a checkpoint every `every` until the process ends; failures are logged loudly.
/// On stopping it writes one last checkpoint, so the witness holds the log's final head.
pub async fn run_every(db: Db, clock: crate::clock::Clock, path: PathBuf, every: std::time::Duration, mut stop: crate::shutdown::Shutdown) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let stopping = tokio::select! {
            _ = ticks.tick() => false,
            _ = stop.requested() => true,
        };
        match record(&db, &path, clock.unix()).await {
            Ok(Some(c)) => tracing::info!(seq = c.seq, "audit checkpoint written"),
            Ok(None) => {}
            Err(e) => {
                tracing::error!(error = %e, "AUDIT CHECKPOINT REFUSED: the audit chain does not verify from the last checkpoint; run `roundtable verify-audit`")
            }
        }
        if stopping {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_verify_only_with_their_key_and_unchanged() {
        let keys = AuditKeys::from_master(&[3; 32], "t".into(), false);
        let other = AuditKeys::from_master(&[4; 32], "o".into(), false);
        let c = Checkpoint::sign(&keys, 12, &"a".repeat(64), 1_800_000_000);
        assert!(c.verifies(&keys));
        assert!(!c.verifies(&other));
        let mut changed = c.clone();
        changed.seq = 11;
        assert!(!changed.verifies(&keys));
    }

    #[test]
    fn the_witness_keeps_the_latest_valid_checkpoint_and_names_bad_lines() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("w").join("checkpoints.jsonl");
        let keys = AuditKeys::from_master(&[3; 32], "t".into(), false);
        let other = AuditKeys::from_master(&[4; 32], "o".into(), false);
        append(&path, &Checkpoint::sign(&keys, 5, &"b".repeat(64), 100)).unwrap_or_else(|e| panic!("{e}"));
        append(&path, &Checkpoint::sign(&other, 50, &"c".repeat(64), 200)).unwrap_or_else(|e| panic!("{e}"));
        append(&path, &Checkpoint::sign(&keys, 9, &"d".repeat(64), 300)).unwrap_or_else(|e| panic!("{e}"));
        let got = read(&path, &keys).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.latest.map(|c| c.seq), Some(9));
        assert_eq!(got.bad_lines, vec![2]);
        assert_eq!(got.count, 2);
    }

    #[test]
    fn the_default_witness_is_beside_the_data_folder() {
        assert_eq!(default_path(Path::new("/srv/roundtable/data")), PathBuf::from("/srv/roundtable/data-witness/audit-checkpoints.jsonl"));
        assert_eq!(default_path(Path::new("data")), PathBuf::from("./data-witness/audit-checkpoints.jsonl"));
    }
}

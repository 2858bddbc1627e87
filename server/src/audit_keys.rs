//! The audit key: a 256-bit secret the database never holds, from which the key that seals
//! audit entries (HMAC-SHA-256) and the key that signs checkpoints (Ed25519) are derived.
//!
//! It comes from `ROUNDTABLE_AUDIT_KEY` (64 hex digits) or from a file (`--audit-key-file`,
//! default `<data-dir>/audit.key`), created with mode 0600 the first time. Someone who can only
//! write to the database cannot seal an entry; only a holder of this key can.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use rand::RngCore;
use shared::audit::{mac_hex, MacKey};

use crate::error::Error;

/// The keys derived from the installation's audit key.
pub struct AuditKeys {
    /// Seals audit entries and horizons.
    pub mac: MacKey,
    /// Signs checkpoints.
    signing: SigningKey,
    /// Where the key came from, for messages (never the key itself).
    pub source: String,
    /// Whether the key file was created by this process.
    pub created: bool,
}

impl std::fmt::Debug for AuditKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKeys({})", self.source)
    }
}

impl AuditKeys {
    /// Derives both keys from a 32-byte master secret.
    pub fn from_master(master: &[u8; 32], source: String, created: bool) -> Self {
        let master = MacKey(*master);
        let derive = |label: &str| -> [u8; 32] {
            let hex_text = mac_hex(&master, &[label.as_bytes()]);
            let mut out = [0u8; 32];
            if let Ok(bytes) = hex::decode(hex_text) {
                out.copy_from_slice(&bytes[..32]);
            }
            out
        };
        let mac = MacKey(derive("roundtable/audit-mac/v1"));
        let signing = SigningKey::from_bytes(&derive("roundtable/audit-checkpoint-ed25519/v1"));
        AuditKeys { mac, signing, source, created }
    }

    /// A random key for this process only (library use without [`install`], e.g. benchmarks).
    fn ephemeral() -> Self {
        let mut master = [0u8; 32];
        rand::rng().fill_bytes(&mut master);
        Self::from_master(&master, "a key made for this process only".into(), false)
    }

    /// Signs `message` for a checkpoint.
    pub fn sign(&self, message: &[u8]) -> String {
        hex::encode(self.signing.sign(message).to_bytes())
    }

    /// The public half of the checkpoint key, in hex.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.signing.verifying_key().to_bytes())
    }

    /// The checkpoint verifying key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }
}

static KEYS: OnceLock<AuditKeys> = OnceLock::new();

/// Makes `keys` the process's audit keys. Only the first call counts.
pub fn install(keys: AuditKeys) {
    let _ = KEYS.set(keys);
}

/// The process's audit keys (a per-process random key if none was installed).
pub fn current() -> &'static AuditKeys {
    KEYS.get_or_init(AuditKeys::ephemeral)
}

/// The default key file of a data folder.
pub fn default_key_file(data_dir: &Path) -> PathBuf {
    data_dir.join("audit.key")
}

/// Loads the audit key from `ROUNDTABLE_AUDIT_KEY`'s value (`env_key`) or the file, creating
/// the file (mode 0600) when it does not exist yet.
pub fn load(env_key: Option<&str>, file: &Path) -> Result<AuditKeys, Error> {
    if let Some(text) = env_key.map(str::trim).filter(|t| !t.is_empty()) {
        let master = parse_master(text).ok_or_else(|| Error::Config("ROUNDTABLE_AUDIT_KEY must be 64 hexadecimal digits (256 bits)".into()))?;
        return Ok(AuditKeys::from_master(&master, "ROUNDTABLE_AUDIT_KEY".into(), false));
    }
    match std::fs::read_to_string(file) {
        Ok(text) => {
            let master = parse_master(text.trim())
                .ok_or_else(|| Error::Config(format!("the audit key file {} must hold 64 hexadecimal digits", file.display())))?;
            Ok(AuditKeys::from_master(&master, file.display().to_string(), false))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut master = [0u8; 32];
            rand::rng().fill_bytes(&mut master);
            write_private(file, &hex::encode(master))
                .map_err(|e| Error::Config(format!("the audit key file {} cannot be created ({e})", file.display())))?;
            Ok(AuditKeys::from_master(&master, file.display().to_string(), true))
        }
        Err(e) => Err(Error::Config(format!("the audit key file {} cannot be read ({e})", file.display()))),
    }
}

fn parse_master(text: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(text).ok()?;
    bytes.try_into().ok()
}

/// Writes a new file readable by its owner only.
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(contents.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_master_gives_the_same_keys_and_another_gives_others() {
        let a = AuditKeys::from_master(&[1; 32], "a".into(), false);
        let b = AuditKeys::from_master(&[1; 32], "b".into(), false);
        let c = AuditKeys::from_master(&[2; 32], "c".into(), false);
        assert_eq!(a.mac.0, b.mac.0);
        assert_eq!(a.public_key_hex(), b.public_key_hex());
        assert_ne!(a.mac.0, c.mac.0);
        assert_ne!(a.mac.0.to_vec(), a.signing.to_bytes().to_vec(), "the two keys differ");
    }

    #[test]
    fn a_key_file_is_created_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("keys").join("audit.key");
        let first = load(None, &path).unwrap_or_else(|e| panic!("{e}"));
        assert!(first.created);
        let again = load(None, &path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!again.created);
        assert_eq!(first.mac.0, again.mac.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777).unwrap_or_default();
            assert_eq!(mode, 0o600);
        }
        assert!(load(Some("abc"), &path).is_err());
        let env = load(Some(&"ab".repeat(32)), &path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(env.source, "ROUNDTABLE_AUDIT_KEY");
    }
}

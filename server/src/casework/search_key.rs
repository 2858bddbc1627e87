//! The installation's secret for hashing search terms before they reach the audit log, so the
//! log shows that someone searched, and repeated searches for the same terms, but never the terms.

use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

/// Creates the installation key if there is none yet (at start, before any search).
pub async fn ensure(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    let fresh = hex::encode(rand::random::<[u8; 32]>());
    sqlx::query("INSERT INTO settings (name, value) VALUES ('search_hash_key', $1) ON CONFLICT (name) DO NOTHING")
        .bind(&fresh)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The installation key ([`ensure`] made it at start).
pub async fn key(conn: &mut AnyConnection) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM settings WHERE name = 'search_hash_key'").fetch_one(&mut *conn).await
}

/// A keyed hash of normalised search terms.
pub fn hash_terms(key: &str, normalised_terms: &str) -> String {
    let mut h = Sha256::new();
    h.update(key.as_bytes());
    h.update([0u8]);
    h.update(normalised_terms.as_bytes());
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_terms_hash_alike_and_the_key_matters() {
        assert_eq!(hash_terms("k", "ada thornbury"), hash_terms("k", "ada thornbury"));
        assert_ne!(hash_terms("k", "ada thornbury"), hash_terms("other", "ada thornbury"));
        assert!(!hash_terms("k", "ada thornbury").contains("ada"));
    }
}

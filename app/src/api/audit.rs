//! The audit log: verifying its hash chain (data protection officers and administrators).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The result of checking the whole chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVerification {
    /// Rows checked before stopping (all of them when intact).
    pub rows_checked: u64,
    /// Rows in the log.
    pub rows_total: i64,
    /// The first row that does not verify, if any.
    pub first_broken_seq: Option<i64>,
    /// What is wrong with it.
    pub problem: Option<String>,
    /// How long the check took (milliseconds).
    pub elapsed_ms: u64,
    /// The chain head (`SEQ:HASH`) to record outside the server, when the log is intact.
    pub head: Option<String>,
}

/// The audit operations.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AuditBackend: Send + Sync + 'static {
    /// Verifies the whole chain and records that it was checked.
    async fn verify_audit(&self, actor: &shared::policy::Actor) -> Result<AuditVerification, AppError>;
}

/// Verifies the audit chain.
#[server(endpoint = "audit/verify", client = crate::api::client::RoundtableClient)]
pub async fn verify_audit() -> Result<AuditVerification, AppError> {
    use crate::backend as b;
    b::backend()?.verify_audit(&b::require_actor()?).await
}

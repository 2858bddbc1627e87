//! Verifying the audit chain from the DPO's page.

use app::api::audit::{AuditBackend, AuditFilter, AuditSearch, AuditVerification};
use app::error::AppError;
use shared::policy::{Action, Actor};

use super::{actor_event, check, internal, ServerBackend};
use crate::audit::{self, describe};

#[async_trait::async_trait]
impl AuditBackend for ServerBackend {
    async fn verify_audit(&self, actor: &Actor) -> Result<AuditVerification, AppError> {
        check(actor, &Action::VerifyAudit)?;
        let result = audit::verify(&self.db, None).await.map_err(internal)?;
        let now = self.clock.unix();
        let mut event = actor_event(actor, "audit.verify").detail("rows_checked", result.checked);
        if let Some(b) = &result.broken {
            event = event.detail("first_broken_seq", b.seq);
        }
        let mut tx = self.tx().await?;
        audit::append(&mut tx, now, event).await.map_err(internal)?;
        tx.commit().await.map_err(super::internal_db)?;
        Ok(AuditVerification {
            rows_checked: result.checked,
            rows_total: result.total,
            first_broken_seq: result.broken.as_ref().map(|b| b.seq),
            problem: result.broken.as_ref().map(describe),
            elapsed_ms: u64::try_from(result.elapsed.as_millis()).unwrap_or(u64::MAX),
            head: result.head.as_ref().filter(|_| result.broken.is_none()).map(ToString::to_string),
        })
    }

    async fn search_audit(&self, actor: &Actor, filter: AuditFilter) -> Result<AuditSearch, AppError> {
        self.search_audit_op(actor, filter).await
    }

    async fn export_audit(&self, actor: &Actor, filter: AuditFilter) -> Result<String, AppError> {
        self.export_audit_op(actor, filter).await
    }
}

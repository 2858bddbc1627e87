//! Verifying the audit chain from the DPO's page.

use app::api::audit::{AuditBackend, AuditFilter, AuditSearch, AuditVerification, CheckpointView};
use app::error::AppError;
use shared::policy::{Action, Actor};

use super::{
    actor_event, check,
    error::{answer, Error, OrInternal},
    ServerBackend,
};
use crate::audit::{self, describe};

#[async_trait::async_trait]
impl AuditBackend for ServerBackend {
    async fn verify_audit(&self, actor: &Actor) -> Result<AuditVerification, AppError> {
        answer(async move {
            check(actor, &Action::VerifyAudit)?;
            let witness = crate::witness::read(&self.config.witness, crate::audit_keys::current()).or_internal()?;
            let checkpoint = witness.latest.as_ref().map(|c| (c.seq, c.at));
            let mut result = audit::verify(&self.db, witness.latest.as_ref().map(crate::witness::Checkpoint::anchor)).await.or_internal()?;
            if result.broken.is_none() && (!result.horizon_problems.is_empty() || !witness.bad_lines.is_empty()) {
                // Reported as a break at the horizon (or the head) so the page says the log is not intact.
                result.broken =
                    Some(shared::audit::ChainBreak { seq: result.head.as_ref().map_or(0, |h| h.seq), reason: shared::audit::BreakReason::Anchor });
            }
            let extra = result.horizon_problems.join(" ")
                + if witness.bad_lines.is_empty() { "" } else { " The checkpoint witness holds lines not signed by this installation." };
            let now = self.clock.unix();
            let mut event = actor_event(actor, "audit.verify").detail("rows_checked", result.checked);
            if let Some(b) = &result.broken {
                event = event.detail("first_broken_seq", b.seq);
            }
            let mut tx = self.tx().await?;
            audit::append(&mut tx, now, event).await?;
            tx.commit().await?;
            Ok(AuditVerification {
                rows_checked: result.checked,
                rows_total: result.total,
                first_broken_seq: result.broken.as_ref().map(|b| b.seq),
                problem: result.broken.as_ref().map(|b| if extra.trim().is_empty() { describe(b) } else { extra.trim().to_string() }),
                elapsed_ms: u64::try_from(result.elapsed.as_millis()).unwrap_or(u64::MAX),
                head: result.head.as_ref().filter(|_| result.broken.is_none()).map(ToString::to_string),
                checkpoint,
            })
        })
        .await
    }

    async fn record_checkpoint(&self, actor: &Actor) -> Result<CheckpointView, AppError> {
        answer(async move {
            check(actor, &Action::RecordAuditCheckpoint)?;
            let now = self.clock.unix();
            let written = crate::witness::record(&self.db, &self.config.witness, now).await;
            let outcome = match &written {
                Ok(_) => audit::Outcome::Success,
                Err(_) => audit::Outcome::Failure,
            };
            let mut event = actor_event(actor, "audit.checkpoint").outcome(outcome);
            if let Ok(Some(c)) = &written {
                event = event.detail("seq", c.seq);
            }
            self.audit_alone(event).await;
            match written {
                Ok(Some(c)) => Ok(CheckpointView { seq: c.seq, head: c.head, at: c.at }),
                Ok(None) => Err(AppError::Invalid("The audit log is empty: there is nothing to checkpoint yet.".into()).into()),
                Err(crate::error::Error::AuditBroken(why)) => {
                    Err(AppError::Invalid(format!("No checkpoint was written: the audit log does not verify from the last checkpoint. {why}")).into())
                }
                Err(e) => Err(Error::internal(e)),
            }
        })
        .await
    }

    async fn search_audit(&self, actor: &Actor, filter: AuditFilter) -> Result<AuditSearch, AppError> {
        answer(async move { self.search_audit_op(actor, filter).await }).await
    }

    async fn export_audit(&self, actor: &Actor, filter: AuditFilter) -> Result<String, AppError> {
        answer(async move { self.export_audit_op(actor, filter).await }).await
    }
}

//! The server's implementation of the app's [`app::backend::Backend`]: each operation is one
//! transaction that asks the policy first and writes its audit row before committing.

mod admin;
mod audit_check;
mod audit_search;
mod auth;
mod cases;
mod data_protection;
mod distribution;
mod error;
mod meetings;
mod referrals;
mod session;
mod statistics;
mod subject_access;

use std::sync::Arc;

use app::error::AppError;
pub(crate) use error::{Error, OrInternal};
use shared::policy::{decide, Action, Actor, Decision};

use crate::audit::appender::Appender;
use crate::audit::{self, AuditEvent};
use crate::clock::Clock;
use crate::config::ServeConfig;
use crate::db::{Db, ReadTx, Tx};
use crate::error::Error as ServerError;
use crate::identity::passkeys::RelyingParty;
use crate::identity::rate_limit::SignInThrottle;

/// Everything the backend operations need.
pub struct ServerBackend {
    pub(crate) db: Db,
    pub(crate) clock: Clock,
    pub(crate) rp: RelyingParty,
    pub(crate) config: Arc<ServeConfig>,
    pub(crate) throttle: SignInThrottle,
    /// Wakes the email outbox when a message is queued.
    pub(crate) mail_wakeup: Arc<tokio::sync::Notify>,
    /// Tells open meeting screens that their meeting changed.
    pub(crate) live: crate::live::Live,
    /// Commits reads' audit entries in batches.
    pub(crate) appender: Appender,
}

impl ServerBackend {
    /// Builds the backend and starts its audit appender (on the current runtime).
    pub fn new(db: Db, clock: Clock, config: Arc<ServeConfig>) -> Result<Self, ServerError> {
        let rp = RelyingParty::new(&config.public_url)?;
        Ok(Self {
            appender: Appender::start(db.clone()),
            db,
            clock,
            rp,
            config,
            throttle: SignInThrottle::default(),
            mail_wakeup: Arc::new(tokio::sync::Notify::new()),
            live: Default::default(),
        })
    }

    /// A transaction that writes: one at a time, with the audit chain.
    pub(crate) async fn tx(&self) -> Result<Tx, Error> {
        Ok(self.db.begin_write().await?)
    }

    /// A transaction for work that only reads: it runs beside every other, and its audit
    /// entries go through [`Self::finish_read`]. Anything that writes must use [`Self::tx`].
    pub(crate) async fn read_tx(&self) -> Result<ReadTx, Error> {
        Ok(self.db.begin_read().await?)
    }

    /// Ends a read and returns once its audit entries are durable (in the appender's next
    /// batch): the caller sends its answer only after this.
    pub(crate) async fn finish_read(&self, tx: ReadTx, events: Vec<AuditEvent>) -> Result<(), Error> {
        tx.finish().await?;
        Ok(self.appender.record(self.clock.unix(), events).await?)
    }

    /// Appends the audit row for the work done in `tx`, then commits both together.
    pub(crate) async fn audit_and_commit(&self, mut tx: Tx, event: AuditEvent) -> Result<(), Error> {
        audit::append(&mut tx, self.clock.unix(), event).await?;
        Ok(tx.commit().await?)
    }

    /// Records a failed or refused attempt on its own (the attempt's own transaction was rolled
    /// back), through the appender.
    pub(crate) async fn audit_alone(&self, event: AuditEvent) {
        if let Err(e) = self.appender.record(self.clock.unix(), vec![event]).await {
            tracing::error!(error = %e, "could not write audit row for a failed attempt");
        }
    }
}

/// Lays out `doc` as PDF off the async threads.
pub(crate) async fn render_pdf(doc: shared::document::Document) -> Result<Vec<u8>, Error> {
    tokio::task::spawn_blocking(move || pdf::render(&doc)).await.or_internal()?.or_internal()
}

/// Turns a policy decision into an error, or nothing.
pub(crate) fn check(actor: &Actor, action: &Action) -> Result<(), Error> {
    match decide(Some(actor), action) {
        Decision::Allow => Ok(()),
        Decision::Deny => Err(AppError::NotFound.into()),
        Decision::ReauthenticationRequired => Err(AppError::ReauthenticationRequired.into()),
    }
}

pub(crate) fn actor_event(actor: &Actor, action: &'static str) -> AuditEvent {
    AuditEvent::system(action).by(Some(actor.user_id.clone()), actor.agency_id.clone())
}

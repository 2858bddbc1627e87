//! Notification email. Messages wait in the `email_outbox` table, written in the same
//! transaction as what they announce; one background task sends what is due over SMTP and,
//! when sending fails, records the error and tries again later (`distribution::retry_delay`).
//! Nothing is lost silently: a message that failed every attempt stays for the coordinator to see.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use shared::distribution::retry_delay;
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::db::Db;
use crate::error::Error;

/// Where and as whom email is sent.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `smtp://host:port` (plain, for a local relay), `smtp://host?tls=required` (STARTTLS) or
    /// `smtps://user:password@host` (TLS).
    pub url: String,
    /// The sender, e.g. `Roundtable <marac@council.example>`.
    pub from: Mailbox,
}

impl MailConfig {
    /// Validates the flags.
    pub fn new(url: &str, from: &str) -> Result<Self, Error> {
        let from = from
            .parse()
            .map_err(|_| Error::Config(format!("--mail-from must be an address such as Roundtable <marac@example.org>, not {from:?}")))?;
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| Error::Config(format!("--smtp-url is not usable ({e})")))?;
        Ok(Self { url: url.into(), from })
    }
}

/// Messages sent in one pass at most.
const BATCH: i64 = 50;

/// The longest error text kept for the coordinator.
const MAX_ERROR_CHARS: usize = 300;

/// What one pass over the outbox did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pass {
    /// Messages sent.
    pub sent: usize,
    /// Messages that failed this time.
    pub failed: usize,
}

/// Sends every message that is due now, once.
pub async fn send_due(db: &Db, config: &MailConfig, now: i64) -> Result<Pass, Error> {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.url)
        .map_err(|e| Error::Config(format!("--smtp-url is not usable ({e})")))?
        .timeout(Some(Duration::from_secs(20)))
        .build();
    let due: Vec<Outgoing> = sqlx::query_as(
        "SELECT id, to_address, subject, body, attempts FROM email_outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 \
         ORDER BY next_attempt_at LIMIT $2",
    )
    .bind(now)
    .bind(BATCH)
    .fetch_all(db.pool())
    .await?;
    let mut pass = Pass::default();
    for row in &due {
        let (id, attempts) = (&row.id, row.attempts);
        if retry_delay(attempts).is_none() {
            continue;
        }
        let result = match message(config, row) {
            Ok(m) => transport.send(m).await.map(|_| ()).map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        let mut tx = db.begin_write().await?;
        match result {
            Ok(()) => {
                sqlx::query("UPDATE email_outbox SET sent_at = $1, attempts = $2, last_error = NULL WHERE id = $3")
                    .bind(now)
                    .bind(attempts + 1)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                pass.sent += 1;
            }
            Err(e) => {
                let failed = attempts + 1;
                let next = now + retry_delay(failed).unwrap_or(0);
                let error: String = e.chars().take(MAX_ERROR_CHARS).collect();
                tracing::warn!(outbox_id = %id, attempts = failed, "email not sent");
                sqlx::query("UPDATE email_outbox SET attempts = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4")
                    .bind(failed)
                    .bind(next)
                    .bind(error)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                pass.failed += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(pass)
}

/// A message waiting in the outbox.
#[derive(sqlx::FromRow)]
struct Outgoing {
    id: String,
    to_address: String,
    subject: String,
    body: String,
    attempts: i64,
}

fn message(config: &MailConfig, row: &Outgoing) -> Result<Message, String> {
    let to: Mailbox = row.to_address.parse().map_err(|_| "the address is not valid".to_string())?;
    Message::builder()
        .from(config.from.clone())
        .to(to)
        .subject(row.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(row.body.clone())
        .map_err(|e| e.to_string())
}

/// Runs the outbox until `stop`: every `every`, or at once when `wakeup` is notified. A pass
/// under way finishes first, so no message is left half-recorded.
pub fn spawn(
    db: Db,
    config: MailConfig,
    clock: Clock,
    every: Duration,
    wakeup: Arc<Notify>,
    mut stop: crate::shutdown::Shutdown,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match send_due(&db, &config, clock.unix()).await {
                Ok(pass) if pass != Pass::default() => tracing::info!(sent = pass.sent, failed = pass.failed, "outbox pass"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "outbox pass failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = wakeup.notified() => {}
                _ = stop.requested() => return,
            }
        }
    })
}

/// What an account notice says happened. Notices name the event only: never case data, never
/// who did it beyond "an administrator", never a link that signs anyone in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A passkey was added to the account.
    PasskeyAdded,
    /// A passkey was renamed.
    PasskeyRenamed,
    /// A passkey was removed.
    PasskeyRevoked,
    /// A recovery link was issued for the account.
    RecoveryLinkIssued,
    /// The account was recovered with a new passkey; the old ones were removed (or kept).
    Recovered,
    /// Roles were requested for the account and wait for approval.
    RolesRequested,
    /// The account's roles changed.
    RolesChanged,
    /// Many sign-ins with the account failed.
    FailedSignIns,
}

impl Notice {
    fn subject(self) -> &'static str {
        match self {
            Notice::PasskeyAdded => "A passkey was added to your Roundtable account",
            Notice::PasskeyRenamed => "A passkey on your Roundtable account was renamed",
            Notice::PasskeyRevoked => "A passkey was removed from your Roundtable account",
            Notice::RecoveryLinkIssued => "A recovery link was issued for your Roundtable account",
            Notice::Recovered => "Your Roundtable account was recovered with a new passkey",
            Notice::RolesRequested => "New roles on your Roundtable account are waiting for approval",
            Notice::RolesChanged => "The roles on your Roundtable account changed",
            Notice::FailedSignIns => "Several sign-ins to your Roundtable account failed",
        }
    }
}

/// The body of a notice: what happened and what to do if it was not expected. Content-free.
pub fn notice_body(notice: Notice, public_url: &url::Url) -> String {
    format!(
        "{}.\n\nIf you did not expect this, tell your MARAC coordinator or the Roundtable administrator at once.\n\n\
         Your account: {}account\n\nThis message holds no case information. Do not reply to it.\n",
        notice.subject(),
        public_url.origin().ascii_serialization() + "/"
    )
}

/// Queues a notice to `user_id` inside the caller's transaction (sent once it commits).
pub async fn queue_notice(conn: &mut sqlx::AnyConnection, user_id: &str, notice: Notice, public_url: &url::Url, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO email_outbox (id, copy_id, to_address, subject, body, next_attempt_at, created_at) \
         SELECT $1, NULL, email, $2, $3, $4, $4 FROM users WHERE id = $5",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(notice.subject())
    .bind(notice_body(notice, public_url))
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

//! Restricted distribution of finalised minutes. The coordinator sends a personal copy to each
//! recipient (`policy::minutes::recipients`); each copy is cut for its recipient by
//! `printed::minutes_copy` when it is downloaded (never stored), after a fresh passkey check,
//! and every download is logged. Notification emails go through the outbox (`crate::mail`).

use std::collections::BTreeMap;

use app::api::distribution::{copy_page_path, AgencyCopies, CopyLine, CopyView, DistributionBackend, DistributionView};
use app::error::AppError;
use shared::display::{day_of, instant};
use shared::distribution::{copy_state, email_body, CopyState, EmailState, EMAIL_SUBJECT, MAX_EMAIL_ATTEMPTS};
use shared::meeting::Attendance;
use shared::policy::exposure::{grant, Context};
use shared::policy::minutes::{recipients, Candidate, RECEIVING_ROLES};
use shared::policy::{decide, Action, Actor, Decision};
use shared::printed::{action_list, minutes_copy, ActionLine, MinutesRecord};
use shared::views::meeting::MINUTES_COPY;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::meetings::{load, require};
use super::{
    actor_event, check,
    error::{answer, Error, OrInternal},
    render_pdf, ServerBackend,
};
use crate::casework::{exposure, file};
use crate::identity::actor::{of_user, today};
use shared::views::shown;

/// A person's copy of the minutes, with its meeting and agency.
#[derive(sqlx::FromRow)]
struct CopyRow {
    user_id: String,
    meeting_id: String,
    expires_at: i64,
    revoked_at: Option<i64>,
    starts_at: i64,
    place: String,
    agency_name: String,
}

/// A copy as the coordinator's distribution page lists it, with its email.
#[derive(sqlx::FromRow)]
struct CopyLineRow {
    id: String,
    agency_id: String,
    expires_at: i64,
    revoked_at: Option<i64>,
    agency_name: String,
    recipient: String,
    attempts: Option<i64>,
    sent_at: Option<i64>,
    last_error: Option<String>,
}

/// Everything minuted at a meeting, as `reader` may see it after the meeting, in agenda order:
/// what their copy is cut from, with the policy's grant for each case.
async fn minutes_record(
    conn: &mut AnyConnection,
    reader: &Actor,
    meeting_id: &str,
    now: i64,
) -> Result<(MinutesRecord, BTreeMap<String, shared::policy::exposure::Grant>), Error> {
    let (starts_at, place, chair, statement): (i64, String, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT m.starts_at, m.place, u.name AS chair, v.confidentiality_statement FROM meetings m LEFT JOIN users u ON u.id = m.chair_user_id \
         LEFT JOIN isa_versions v ON v.id = m.isa_version_id WHERE m.id = $1",
    )
    .bind(meeting_id)
    .fetch_one(&mut *conn)
    .await?;
    let register: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT u.name, a.name AS agency_name, t.status FROM attendance t JOIN users u ON u.id = t.user_id JOIN agencies a ON a.id = t.agency_id \
         WHERE t.meeting_id = $1 AND t.status IN ('present', 'apologies') ORDER BY a.name, u.name",
    )
    .bind(meeting_id)
    .fetch_all(&mut *conn)
    .await?;
    let (mut present, mut apologies) = (Vec::new(), Vec::new());
    for (name, agency, status) in register {
        let line = format!("{name}, {agency}");
        if status == Attendance::Present.as_str() {
            present.push(line)
        } else {
            apologies.push(line)
        }
    }
    let seat = exposure::seat(conn, meeting_id, reader).await?.ok_or(AppError::NotFound)?;
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT case_id FROM agenda_items WHERE meeting_id = $1 ORDER BY position").bind(meeting_id).fetch_all(&mut *conn).await?;
    let facts = exposure::facts(conn, &ids, reader).await?;
    let mut grants = BTreeMap::new();
    let mut wanted = Vec::with_capacity(ids.len());
    for id in &ids {
        let Some(facts) = facts.get(id) else { continue };
        let g = grant(reader, &Context { facts: facts.clone(), seat: Some(seat.for_case(id)) });
        if g.visible() {
            wanted.push((id.clone(), shown(&g, MINUTES_COPY)));
            grants.insert(id.clone(), g);
        }
    }
    let want = file::Want { meeting: Some(meeting_id), agency: reader.agency_id.as_deref(), today: today(now), now };
    let cases = file::load_many(conn, &wanted, want).await?;
    grants.retain(|id, _| cases.iter().any(|c| c.head.id == *id));
    let record = MinutesRecord {
        held: format!("{}, {place}", instant(starts_at)),
        chair: chair.unwrap_or_default(),
        statement: statement.unwrap_or_default(),
        present,
        apologies,
        cases,
    };
    Ok((record, grants))
}

impl ServerBackend {
    /// The people who receive this meeting's minutes, as they stand now.
    async fn recipients_of(&self, conn: &mut AnyConnection, meeting_id: &str) -> Result<Vec<Actor>, Error> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT u.id, u.agency_id, (SELECT COUNT(*) FROM attendance t WHERE t.meeting_id = $1 AND t.user_id = u.id) AS on_register \
             FROM users u JOIN meeting_agencies ma ON ma.agency_id = u.agency_id AND ma.meeting_id = $1 ORDER BY u.agency_id, u.name",
        )
        .bind(meeting_id)
        .fetch_all(&mut *conn)
        .await?;
        let now = self.clock.unix();
        let mut people = Vec::new();
        for (user_id, _, _) in &rows {
            if let Some(actor) = of_user(conn, user_id, now).await? {
                people.push(actor);
            }
        }
        let candidates: Vec<Candidate> = rows
            .into_iter()
            .map(|(user_id, agency_id, on_register)| {
                let receives =
                    people.iter().any(|p| p.user_id == user_id && p.agency_is_current() && RECEIVING_ROLES.iter().any(|role| p.has(*role)));
                Candidate { agency_id, receives, on_register: on_register > 0, user_id }
            })
            .collect();
        let chosen: Vec<String> = recipients(&candidates).into_iter().map(|c| c.user_id.clone()).collect();
        Ok(people.into_iter().filter(|p| chosen.contains(&p.user_id)).collect())
    }

    async fn copy_row(&self, conn: &mut AnyConnection, copy_id: &str) -> Result<CopyRow, Error> {
        sqlx::query_as(
            "SELECT mc.user_id, mc.meeting_id, mc.expires_at, mc.revoked_at, m.starts_at, m.place, a.name AS agency_name FROM minute_copies mc JOIN meetings m ON m.id = mc.meeting_id \
             JOIN agencies a ON a.id = mc.agency_id WHERE mc.id = $1",
        )
        .bind(copy_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound.into())
    }
}

#[async_trait::async_trait]
impl DistributionBackend for ServerBackend {
    async fn distribution(&self, actor: &Actor, meeting_id: &str) -> Result<DistributionView, AppError> {
        answer(async move {
            let now = self.clock.unix();
            let mut tx = self.read_tx().await?;
            let m = load(&mut tx, actor, meeting_id).await?;
            require(m.rights.distribute || m.rights.manage)?;
            let latest: Option<(String, i64)> =
                sqlx::query_as("SELECT id, created_at FROM distributions WHERE meeting_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1")
                    .bind(meeting_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let mut agencies: Vec<AgencyCopies> = Vec::new();
            if let Some((distribution, _)) = &latest {
                let rows: Vec<CopyLineRow> = sqlx::query_as(
                    "SELECT mc.id, mc.agency_id, mc.expires_at, mc.revoked_at, a.name AS agency_name, u.name AS recipient, \
                 o.attempts, o.sent_at, o.last_error FROM minute_copies mc JOIN agencies a ON a.id = mc.agency_id JOIN users u ON u.id = mc.user_id \
                 LEFT JOIN email_outbox o ON o.copy_id = mc.id WHERE mc.distribution_id = $1 ORDER BY a.name, u.name",
                )
                .bind(distribution)
                .fetch_all(&mut *tx)
                .await?;
                for r in rows {
                    let id = r.id;
                    let expires = r.expires_at;
                    let state = copy_state(expires, r.revoked_at.is_some(), now);
                    let email_state = r.attempts.map(|n| (EmailState::of(r.sent_at.is_some(), n), n));
                    let email = match (email_state, r.last_error) {
                        (None, _) => "No email: the copy was revoked before it was sent".to_string(),
                        (Some((e, n)), Some(err)) if e != EmailState::Sent => format!("{} (attempt {n} of {MAX_EMAIL_ATTEMPTS}): {err}", e.label()),
                        (Some((e, _)), _) => e.label().to_string(),
                    };
                    let downloads =
                        sqlx::query_scalar::<_, i64>("SELECT downloaded_at FROM copy_downloads WHERE copy_id = $1 ORDER BY downloaded_at")
                            .bind(&id)
                            .fetch_all(&mut *tx)
                            .await?
                            .into_iter()
                            .map(instant)
                            .collect();
                    let line = CopyLine {
                        recipient: r.recipient,
                        state: match state {
                            CopyState::Live => format!("Available until {}", day_of(expires)),
                            other => other.label().to_string(),
                        },
                        live: state == CopyState::Live,
                        email_failed: email_state.is_some_and(|(e, _)| e == EmailState::Failed),
                        email,
                        downloads,
                        copy_id: id,
                    };
                    let agency_id = r.agency_id;
                    match agencies.iter_mut().find(|a| a.agency_id == agency_id) {
                        Some(a) => a.copies.push(line),
                        None => agencies.push(AgencyCopies { agency_id, agency_name: r.agency_name, copies: vec![line] }),
                    }
                }
            }
            let view = DistributionView {
                meeting_id: meeting_id.into(),
                can_distribute: m.rights.distribute,
                sent_at: latest.map(|(_, at)| instant(at)),
                link_days: self.config.copy_link_days,
                email_configured: self.config.mail.is_some(),
                agencies,
            };
            self.finish_read(tx, vec![actor_event(actor, "minutes.distribution.read").on("meeting", meeting_id)]).await?;
            Ok(view)
        })
        .await
    }

    async fn distribute(&self, actor: &Actor, meeting_id: &str) -> Result<usize, AppError> {
        answer(async move {
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let m = load(&mut tx, actor, meeting_id).await?;
            require(m.rights.distribute)?;
            let people = self.recipients_of(&mut tx, meeting_id).await?;
            if people.is_empty() {
                return Err(AppError::Invalid(
                    "Nobody at the invited agencies can receive the minutes: invite agencies that are current signatories and have representatives."
                        .into(),
                )
                .into());
            }
            sqlx::query("UPDATE minute_copies SET revoked_at = $1, revoked_by = $2 WHERE meeting_id = $3 AND revoked_at IS NULL")
                .bind(now)
                .bind(&actor.user_id)
                .bind(meeting_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM email_outbox WHERE sent_at IS NULL AND copy_id IN (SELECT id FROM minute_copies WHERE meeting_id = $1)")
                .bind(meeting_id)
                .execute(&mut *tx)
                .await?;
            let distribution = Uuid::new_v4().to_string();
            sqlx::query("INSERT INTO distributions (id, meeting_id, created_by, created_at) VALUES ($1, $2, $3, $4)")
                .bind(&distribution)
                .bind(meeting_id)
                .bind(&actor.user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let expires = now + i64::from(self.config.copy_link_days) * 86_400;
            for person in &people {
                let copy = Uuid::new_v4().to_string();
                sqlx::query(
                    "INSERT INTO minute_copies (id, distribution_id, meeting_id, agency_id, user_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&copy)
                .bind(&distribution)
                .bind(meeting_id)
                .bind(person.agency_id.clone().unwrap_or_default())
                .bind(&person.user_id)
                .bind(expires)
                .execute(&mut *tx)
                .await?;
                let link = self.config.public_url.join(&copy_page_path(&copy)).or_internal()?;
                sqlx::query(
                    "INSERT INTO email_outbox (id, copy_id, to_address, subject, body, next_attempt_at, created_at) \
                 SELECT $1, $2, email, $3, $4, $5, $5 FROM users WHERE id = $6",
                )
                .bind(Uuid::new_v4().to_string())
                .bind(&copy)
                .bind(EMAIL_SUBJECT)
                .bind(email_body(link.as_str(), self.config.copy_link_days))
                .bind(now)
                .bind(&person.user_id)
                .execute(&mut *tx)
                .await?;
            }
            let event = actor_event(actor, "minutes.distribute").on("meeting", meeting_id).detail("copies", people.len());
            self.audit_and_commit(tx, event).await?;
            self.mail_wakeup.notify_one();
            Ok(people.len())
        })
        .await
    }

    async fn revoke_copies(&self, actor: &Actor, meeting_id: &str, agency_id: &str) -> Result<(), AppError> {
        answer(async move {
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let m = load(&mut tx, actor, meeting_id).await?;
            require(m.rights.distribute)?;
            let which = "meeting_id = $1 AND revoked_at IS NULL AND ($2 = '' OR agency_id = $2)";
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM email_outbox WHERE sent_at IS NULL AND copy_id IN (SELECT id FROM minute_copies WHERE {which})"
            )))
            .bind(meeting_id)
            .bind(agency_id)
            .execute(&mut *tx)
            .await?;
            let revoked = sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE minute_copies SET revoked_at = $3, revoked_by = $4 WHERE {which}")))
                .bind(meeting_id)
                .bind(agency_id)
                .bind(now)
                .bind(&actor.user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let event = actor_event(actor, "minutes.revoke").on("meeting", meeting_id).detail("agency_id", agency_id).detail("copies", revoked);
            self.audit_and_commit(tx, event).await
        })
        .await
    }

    async fn resend_email(&self, actor: &Actor, meeting_id: &str, copy_id: &str) -> Result<(), AppError> {
        answer(async move {
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let m = load(&mut tx, actor, meeting_id).await?;
            require(m.rights.distribute)?;
            let n = sqlx::query(
                "UPDATE email_outbox SET attempts = 0, next_attempt_at = $1, last_error = NULL WHERE sent_at IS NULL AND copy_id = $2 \
             AND copy_id IN (SELECT id FROM minute_copies WHERE meeting_id = $3 AND revoked_at IS NULL)",
            )
            .bind(now)
            .bind(copy_id)
            .bind(meeting_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            require(n > 0)?;
            self.audit_and_commit(tx, actor_event(actor, "minutes.email.resend").on("copy", copy_id).detail("meeting_id", meeting_id)).await?;
            self.mail_wakeup.notify_one();
            Ok(())
        })
        .await
    }

    async fn copy(&self, actor: &Actor, copy_id: &str) -> Result<CopyView, AppError> {
        answer(async move {
            let now = self.clock.unix();
            let mut tx = self.read_tx().await?;
            let row = self.copy_row(&mut tx, copy_id).await?;
            let own = row.user_id == actor.user_id;
            if decide(Some(actor), &Action::DownloadMinutesCopy { own }) == Decision::Deny {
                return Err(AppError::NotFound.into());
            }
            let expires = row.expires_at;
            let state = copy_state(expires, row.revoked_at.is_some(), now);
            let view = CopyView {
                id: copy_id.into(),
                meeting: format!("{}, {}", instant(row.starts_at), row.place),
                agency_name: row.agency_name,
                state: state.label().into(),
                expires: instant(expires),
                live: state == CopyState::Live,
                download_path: app::api::distribution::copy_pdf_path(copy_id),
            };
            self.finish_read(tx, vec![actor_event(actor, "minutes.copy.read").on("copy", copy_id)]).await?;
            Ok(view)
        })
        .await
    }

    async fn copy_pdf(&self, actor: &Actor, copy_id: &str) -> Result<Vec<u8>, AppError> {
        answer(async move {
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let row = self.copy_row(&mut tx, copy_id).await?;
            let own = row.user_id == actor.user_id;
            check(actor, &Action::DownloadMinutesCopy { own })?;
            match copy_state(row.expires_at, row.revoked_at.is_some(), now) {
                CopyState::Live => {}
                CopyState::Expired => {
                    return Err(AppError::Conflict("This copy's link has expired. Ask your MARAC coordinator to send it again.".into()).into())
                }
                CopyState::Revoked => return Err(AppError::Conflict("The coordinator has withdrawn this copy.".into()).into()),
            }
            let meeting_id = row.meeting_id;
            let (record, grants) = minutes_record(&mut tx, actor, &meeting_id, now).await?;
            for id in grants.keys() {
                let event = actor_event(actor, "case.read").on("case", id.clone()).detail("via", "minutes.download").detail("copy_id", copy_id);
                crate::audit::append(&mut tx, now, event).await?;
            }
            let bytes = render_pdf(minutes_copy(&record, actor, &grants, copy_id)).await?;
            sqlx::query("INSERT INTO copy_downloads (id, copy_id, downloaded_at) VALUES ($1, $2, $3)")
                .bind(Uuid::new_v4().to_string())
                .bind(copy_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let event =
                actor_event(actor, "minutes.download").on("copy", copy_id).detail("meeting_id", meeting_id.as_str()).detail("bytes", bytes.len());
            self.audit_and_commit(tx, event).await?;
            Ok(bytes)
        })
        .await
    }

    async fn actions_pdf(&self, actor: &Actor) -> Result<Vec<u8>, AppError> {
        answer(async move {
            check(actor, &Action::DownloadActionList)?;
            let now = self.clock.unix();
            let agency = actor.agency_id.clone().unwrap_or_default();
            let mut tx = self.read_tx().await?;
            let case_ids: Vec<String> = sqlx::query_scalar(
                "SELECT DISTINCT case_id FROM actions WHERE owner_agency_id = $1 AND status IN ('open', 'in_progress') ORDER BY case_id",
            )
            .bind(&agency)
            .fetch_all(&mut *tx)
            .await?;
            let (views, mut events) =
                self.action_views(&mut tx, actor, &case_ids, |a| a.owner_agency_id == agency && a.status.is_outstanding(), now).await?;
            tx.finish().await?;
            let lines: Vec<ActionLine> = views.iter().map(ActionLine::from).collect();
            let id = Uuid::new_v4().to_string();
            let bytes = render_pdf(action_list(&lines, actor, &day_of(now), &id)).await?;
            events.push(actor_event(actor, "actions.download").on("document", &id).detail("count", lines.len()));
            self.appender.record(now, events).await?;
            Ok(bytes)
        })
        .await
    }
}

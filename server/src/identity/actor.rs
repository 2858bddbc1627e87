//! Resolves the actor of a request from its session, applying timeouts and ISA status.

use std::collections::BTreeSet;

use shared::identity::Role;
use shared::isa::{signatory_status, IsaState, LatestSignature, ResignRequirement, SignatoryStatus};
use shared::policy::Actor;
use shared::session::{reauthenticated_recently, session_state, SessionLimits, SessionState};
use sqlx::AnyConnection;
use time::{Date, OffsetDateTime};

use super::sessions::hash_secret;
use crate::db::{Db, LastSeen, WriteTx};
use crate::error::Error;

/// Why a session did not yield an actor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// No such session.
    Unknown,
    /// Timed out (idle or absolute).
    Expired,
    /// The user is disabled or their agency is no longer a current signatory.
    AccessWithdrawn,
}

/// A person as an actor is built from (booleans are read as integers: sqlx's Any driver cannot
/// decode SQLite's BOOLEAN).
#[derive(sqlx::FromRow)]
struct UserRow {
    user_id: String,
    name: String,
    active: i64,
    agency_id: Option<String>,
    agency_name: Option<String>,
    isa_state: Option<String>,
    reauthenticated_at: i64,
}

/// A session and its person.
#[derive(sqlx::FromRow)]
struct SessionRow {
    created_at: i64,
    last_seen_at: i64,
    #[sqlx(flatten)]
    user: UserRow,
}

/// What the session row says, before anything is written.
enum Found {
    /// The session may be used; `last_seen_at` as stored.
    Live(Actor, i64),
    /// It may not, and why (its row, if any, is to be removed).
    Ended(Ended),
}

/// Looks up the session and builds the actor, in a read; ends the session when it may no longer
/// be used. The session's last use is recorded in memory, and written at most every
/// [`crate::db::last_seen::WRITE_EVERY_SECS`] in the background, so a request does not wait
/// for the writer.
pub async fn resolve(db: &Db, secret: &str, now: i64, limits: SessionLimits) -> Result<Result<Actor, Ended>, Error> {
    let hash = hash_secret(secret);
    let mut tx = db.begin_read().await?;
    let found = find(&mut tx, db.last_seen(), &hash, now, limits).await?;
    tx.finish().await?;
    match found {
        Found::Live(actor, stored) => {
            if db.last_seen().record(&hash, now, stored) {
                let db = db.clone();
                tokio::spawn(async move {
                    if let Err(e) = touch(&db, &hash, now).await {
                        db.last_seen().not_written(&hash);
                        tracing::warn!(error = %e, "could not record a session's last use");
                    }
                });
            }
            Ok(Ok(actor))
        }
        Found::Ended(ended) => {
            db.last_seen().forget(&hash);
            if ended != Ended::Unknown {
                let mut tx = db.begin_write().await?;
                end(&mut tx, &hash).await?;
                tx.commit().await?;
            }
            Ok(Err(ended))
        }
    }
}

/// [`resolve`] inside a write transaction (sign-in checks the session it has just opened).
pub async fn resolve_on(
    tx: &mut WriteTx,
    last_seen: &LastSeen,
    secret: &str,
    now: i64,
    limits: SessionLimits,
) -> Result<Result<Actor, Ended>, Error> {
    let hash = hash_secret(secret);
    match find(tx, last_seen, &hash, now, limits).await? {
        Found::Live(actor, _) => Ok(Ok(actor)),
        Found::Ended(ended) => {
            end(tx, &hash).await?;
            Ok(Err(ended))
        }
    }
}

async fn find(conn: &mut AnyConnection, last_seen: &LastSeen, hash: &str, now: i64, limits: SessionLimits) -> Result<Found, Error> {
    let Some(row) = sqlx::query_as::<_, SessionRow>(
        "SELECT s.created_at, s.last_seen_at, s.reauthenticated_at, u.id AS user_id, u.name, CAST(u.active AS INTEGER) AS active, \
         u.agency_id, a.name AS agency_name, a.isa_state \
         FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN agencies a ON a.id = u.agency_id \
         WHERE s.id_hash = $1",
    )
    .bind(hash)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(Found::Ended(Ended::Unknown));
    };
    let stored = row.last_seen_at;
    if session_state(row.created_at, last_seen.latest(hash, stored), now, limits) != SessionState::Live {
        return Ok(Found::Ended(Ended::Expired));
    }
    let active = row.user.active != 0;
    let actor = build_actor(conn, row.user, now).await?;
    if !active || !actor.may_enter() {
        return Ok(Found::Ended(Ended::AccessWithdrawn));
    }
    Ok(Found::Live(actor, stored))
}

/// Writes a session's last use (never earlier than what is stored).
async fn touch(db: &Db, hash: &str, now: i64) -> Result<(), Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2 AND last_seen_at < $1").bind(now).bind(hash).execute(&mut *tx).await?;
    Ok(tx.commit().await?)
}

/// The actor a user would be now, without a session (no recent passkey check): how documents
/// made for them are cut. `None` when the user does not exist or is disabled.
pub async fn of_user(conn: &mut AnyConnection, user_id: &str, now: i64) -> Result<Option<Actor>, Error> {
    let Some(row) = sqlx::query_as::<_, UserRow>(
        "SELECT u.id AS user_id, u.name, CAST(u.active AS INTEGER) AS active, u.agency_id, a.name AS agency_name, a.isa_state, \
         0 AS reauthenticated_at FROM users u LEFT JOIN agencies a ON a.id = u.agency_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    if row.active == 0 {
        return Ok(None);
    }
    Ok(Some(build_actor(conn, row, now).await?))
}

async fn end(conn: &mut AnyConnection, hash: &str) -> Result<(), Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(hash).execute(conn).await?;
    Ok(())
}

/// Unknown roles are left out and an unknown ISA state reads as suspended: what cannot be read
/// grants nothing.
async fn build_actor(conn: &mut AnyConnection, row: UserRow, now: i64) -> Result<Actor, Error> {
    let roles: Vec<String> = sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = $1").bind(&row.user_id).fetch_all(&mut *conn).await?;
    let roles: BTreeSet<Role> = roles.iter().filter_map(|s| Role::parse(s)).collect();
    let agency_status = match &row.agency_id {
        Some(id) => {
            let state = row.isa_state.as_deref().and_then(IsaState::parse).unwrap_or(IsaState::Suspended);
            Some(agency_status(conn, id, state, today(now)).await?)
        }
        None => None,
    };
    Ok(Actor {
        user_id: row.user_id,
        name: row.name,
        agency_id: row.agency_id,
        agency_name: row.agency_name,
        agency_status,
        roles,
        reauthenticated_recently: reauthenticated_recently(row.reauthenticated_at, now),
    })
}

/// An agency's ISA status today, from its state, latest signature and any re-signing requirement.
pub async fn agency_status(conn: &mut AnyConnection, agency_id: &str, state: IsaState, today: Date) -> Result<SignatoryStatus, Error> {
    let latest: Option<(String, String)> =
        sqlx::query_as("SELECT isa_version_id, review_on FROM isa_signatures WHERE agency_id = $1 ORDER BY signed_on DESC, created_at DESC LIMIT 1")
            .bind(agency_id)
            .fetch_optional(&mut *conn)
            .await?;
    let latest = latest.and_then(|(version_id, review_on)| Some(LatestSignature { version_id, review_on: parse_date(&review_on)? }));
    let requirement: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT id, resign_by FROM isa_versions WHERE resign_by IS NOT NULL ORDER BY published_at DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    let requirement = requirement.and_then(|(version_id, resign_by)| Some(ResignRequirement { version_id, resign_by: parse_date(&resign_by?)? }));
    Ok(signatory_status(state, latest.as_ref(), requirement.as_ref(), today))
}

/// The UTC calendar date of an instant.
pub fn today(now: i64) -> Date {
    OffsetDateTime::from_unix_timestamp(now).map(|t| t.date()).unwrap_or(Date::MIN)
}

/// Parses a stored ISO date.
pub fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s, &time::format_description::well_known::Iso8601::DATE).ok()
}

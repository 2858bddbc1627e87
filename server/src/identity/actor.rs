//! Resolves the actor of a request from its session, applying timeouts and ISA status.

use std::collections::BTreeSet;

use shared::identity::Role;
use shared::isa::{signatory_status, IsaState, LatestSignature, ResignRequirement, SignatoryStatus};
use shared::policy::Actor;
use shared::session::{reauthenticated_recently, session_state, SessionLimits, SessionState};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::{Date, OffsetDateTime};

use super::sessions::hash_secret;
use crate::db::Db;
use crate::error::Error;

/// How often `last_seen_at` is written (seconds), so each request need not write.
const TOUCH_EVERY_SECS: i64 = 30;

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

/// Looks up the session and builds the actor; ends the session when it may no longer be used.
pub async fn resolve(db: &Db, secret: &str, now: i64, limits: SessionLimits) -> Result<Result<Actor, Ended>, Error> {
    let mut conn = db.pool().acquire().await?;
    resolve_on(&mut conn, secret, now, limits).await
}

/// [`resolve`] on a given connection or transaction.
pub async fn resolve_on(conn: &mut AnyConnection, secret: &str, now: i64, limits: SessionLimits) -> Result<Result<Actor, Ended>, Error> {
    let hash = hash_secret(secret);
    let Some(row) = sqlx::query(
        "SELECT s.created_at, s.last_seen_at, s.reauthenticated_at, u.id AS user_id, u.name, CAST(u.active AS INTEGER) AS active, \
         u.agency_id, a.name AS agency_name, a.isa_state \
         FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN agencies a ON a.id = u.agency_id \
         WHERE s.id_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(Err(Ended::Unknown));
    };
    let created_at: i64 = row.try_get("created_at")?;
    let last_seen_at: i64 = row.try_get("last_seen_at")?;
    if session_state(created_at, last_seen_at, now, limits) != SessionState::Live {
        end(conn, &hash).await?;
        return Ok(Err(Ended::Expired));
    }
    let actor = build_actor(conn, &row, now).await?;
    // Booleans are read as integers: sqlx's Any driver cannot decode SQLite's BOOLEAN.
    let active = row.try_get::<i64, _>("active")? != 0;
    if !active || !actor.may_enter() {
        end(conn, &hash).await?;
        return Ok(Err(Ended::AccessWithdrawn));
    }
    if now - last_seen_at >= TOUCH_EVERY_SECS {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2").bind(now).bind(&hash).execute(&mut *conn).await?;
    }
    Ok(Ok(actor))
}

/// The actor a user would be now, without a session (no recent passkey check): how documents
/// made for them are cut. `None` when the user does not exist or is disabled.
pub async fn of_user(conn: &mut AnyConnection, user_id: &str, now: i64) -> Result<Option<Actor>, Error> {
    let Some(row) = sqlx::query(
        "SELECT u.id AS user_id, u.name, CAST(u.active AS INTEGER) AS active, u.agency_id, a.name AS agency_name, a.isa_state, \
         0 AS reauthenticated_at FROM users u LEFT JOIN agencies a ON a.id = u.agency_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    if row.try_get::<i64, _>("active")? == 0 {
        return Ok(None);
    }
    Ok(Some(build_actor(conn, &row, now).await?))
}

async fn end(conn: &mut AnyConnection, hash: &str) -> Result<(), Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(hash).execute(conn).await?;
    Ok(())
}

async fn build_actor(conn: &mut AnyConnection, row: &AnyRow, now: i64) -> Result<Actor, Error> {
    let user_id: String = row.try_get("user_id")?;
    let agency_id: Option<String> = row.try_get("agency_id")?;
    let roles: BTreeSet<Role> = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1")
        .bind(&user_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .filter_map(|r| r.try_get::<String, _>("role").ok().and_then(|s| Role::parse(&s)))
        .collect();
    let agency_status = match &agency_id {
        Some(id) => {
            let state = row.try_get::<Option<String>, _>("isa_state")?.and_then(|s| IsaState::parse(&s)).unwrap_or(IsaState::Suspended);
            Some(agency_status(conn, id, state, today(now)).await?)
        }
        None => None,
    };
    let reauthenticated_at: i64 = row.try_get("reauthenticated_at")?;
    Ok(Actor {
        user_id,
        name: row.try_get("name")?,
        agency_id,
        agency_name: row.try_get("agency_name")?,
        agency_status,
        roles,
        reauthenticated_recently: reauthenticated_recently(reauthenticated_at, now),
    })
}

/// An agency's ISA status today, from its state, latest signature and any re-signing requirement.
pub async fn agency_status(conn: &mut AnyConnection, agency_id: &str, state: IsaState, today: Date) -> Result<SignatoryStatus, Error> {
    let latest =
        sqlx::query("SELECT isa_version_id, review_on FROM isa_signatures WHERE agency_id = $1 ORDER BY signed_on DESC, created_at DESC LIMIT 1")
            .bind(agency_id)
            .fetch_optional(&mut *conn)
            .await?
            .and_then(|r| {
                Some(LatestSignature {
                    version_id: r.try_get("isa_version_id").ok()?,
                    review_on: parse_date(&r.try_get::<String, _>("review_on").ok()?)?,
                })
            });
    let requirement = sqlx::query("SELECT id, resign_by FROM isa_versions WHERE resign_by IS NOT NULL ORDER BY published_at DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?
        .and_then(|r| {
            Some(ResignRequirement { version_id: r.try_get("id").ok()?, resign_by: parse_date(&r.try_get::<String, _>("resign_by").ok()?)? })
        });
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

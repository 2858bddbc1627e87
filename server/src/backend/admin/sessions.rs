//! Live sessions: the list, and ending one.

use app::api::admin::SessionView;
use app::error::AppError;
use shared::policy::{Action, Actor};
use shared::session::{session_state, SessionState};

use crate::audit;
use crate::backend::error::Result;
use crate::backend::{actor_event, check, ServerBackend};
use crate::identity::sessions;

/// A session, with whose it is.
#[derive(sqlx::FromRow)]
struct SessionRow {
    id_hash: String,
    created_at: i64,
    last_seen_at: i64,
    name: String,
    agency_name: Option<String>,
}

impl ServerBackend {
    pub(super) async fn list_sessions_op(&self, actor: &Actor, own_secret: Option<&str>) -> Result<Vec<SessionView>> {
        check(actor, &Action::ViewSessions)?;
        let now = self.clock.unix();
        let limits = self.config.session_limits();
        let own = own_secret.map(sessions::hash_secret);
        let mut conn = self.db.pool().acquire().await?;
        let rows = sqlx::query_as::<_, SessionRow>(
            "SELECT s.id_hash, s.created_at, s.last_seen_at, u.name, a.name AS agency_name FROM sessions s \
             JOIN users u ON u.id = s.user_id LEFT JOIN agencies a ON a.id = u.agency_id ORDER BY s.last_seen_at DESC",
        )
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows
            .into_iter()
            .filter(|r| session_state(r.created_at, r.last_seen_at, now, limits) == SessionState::Live)
            .map(|r| SessionView {
                is_yours: own.as_deref() == Some(r.id_hash.as_str()),
                id: r.id_hash,
                user_name: r.name,
                agency_name: r.agency_name,
                created_at: r.created_at,
                last_seen_at: r.last_seen_at,
            })
            .collect())
    }

    pub(super) async fn end_session_op(&self, actor: &Actor, session_id: &str) -> Result<()> {
        check(actor, &Action::EndSession)?;
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let owner: Option<String> =
            sqlx::query_scalar("SELECT user_id FROM sessions WHERE id_hash = $1").bind(session_id).fetch_optional(&mut *tx).await?;
        let Some(owner) = owner else {
            return Err(AppError::NotFound.into());
        };
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(session_id).execute(&mut *tx).await?;
        audit::append(&mut tx, now, actor_event(actor, "session.end").on("user", owner)).await?;
        tx.commit().await?;
        Ok(())
    }
}

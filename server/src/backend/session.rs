//! The signed-in person's session times, for the warning before the idle timeout.

use app::api::session::{SessionBackend, SessionTimes};
use app::error::AppError;
use sha2::{Digest, Sha256};
use shared::policy::Actor;

use super::{error::answer, ServerBackend};
use crate::identity::sessions::hash_secret;

/// A stable stand-in for a user that does not reveal their id.
fn user_key(user_id: &str) -> String {
    hex::encode(&Sha256::digest(format!("roundtable-kept-text:{user_id}").as_bytes())[..12])
}

#[async_trait::async_trait]
impl SessionBackend for ServerBackend {
    async fn session_times(&self, actor: &Actor, secret: &str) -> Result<SessionTimes, AppError> {
        answer(async move {
            let limits = self.config.session_limits();
            let now = self.clock.unix();
            let hash = hash_secret(secret);
            let mut tx = self.db.begin_read().await?;
            let (created_at, stored): (i64, i64) =
                sqlx::query_as("SELECT created_at, last_seen_at FROM sessions WHERE id_hash = $1 AND user_id = $2")
                    .bind(&hash)
                    .bind(&actor.user_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(AppError::SignInRequired)?;
            tx.finish().await?;
            let last_seen_at = self.db.last_seen().latest(&hash, stored);
            Ok(SessionTimes {
                idle_secs: limits.idle_secs,
                idle_left: (last_seen_at + limits.idle_secs - now).max(0),
                absolute_left: (created_at + limits.absolute_secs - now).max(0),
                user_key: user_key(&actor.user_id),
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::user_key;

    #[test]
    fn the_user_key_is_stable_and_hides_the_id() {
        assert_eq!(user_key("u-1"), user_key("u-1"));
        assert_ne!(user_key("u-1"), user_key("u-2"));
        assert!(!user_key("u-1").contains("u-1"));
        assert_eq!(user_key("u-1").len(), 24);
    }
}

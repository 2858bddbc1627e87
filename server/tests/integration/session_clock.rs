//! Session expiry driven by an injected clock, against a real SQLite database: the idle timeout,
//! the absolute lifetime and the five-minute window of a recent passkey check.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use server::cli::DatabaseArgs;
use server::clock::Clock;
use server::db::Db;
use server::identity::actor::{resolve, Ended};
use server::identity::sessions;
use shared::session::SessionLimits;

const LIMITS: SessionLimits = SessionLimits { idle_secs: 15 * 60, absolute_secs: 8 * 3600 };
const MINUTE: i64 = 60;

struct Fixture {
    db: Db,
    clock: Clock,
    now: Arc<AtomicI64>,
    _dir: tempfile::TempDir,
}

impl Fixture {
    async fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let args = DatabaseArgs { data_dir: dir.path().to_path_buf(), database_url: None };
        let db = Db::open(&args.resolve().unwrap_or_else(|e| panic!("{e}"))).await.unwrap_or_else(|e| panic!("{e}"));
        db.migrate().await.unwrap_or_else(|e| panic!("{e}"));
        let now = Arc::new(AtomicI64::new(1_790_000_000));
        sqlx::query("INSERT INTO users (id, name, email, agency_id, active, created_at) VALUES ('u1', 'Platform Admin', 'pa@roundtable.invalid', NULL, TRUE, 0)")
            .execute(db.pool())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ('u1', 'administrator')")
            .execute(db.pool())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        Fixture { db, clock: Clock::Manual(now.clone()), now, _dir: dir }
    }

    fn advance(&self, secs: i64) {
        self.now.fetch_add(secs, Ordering::SeqCst);
    }

    async fn sign_in(&self) -> String {
        let mut tx = self.db.begin_write().await.unwrap_or_else(|e| panic!("{e}"));
        let secret = sessions::create(&mut tx, "u1", self.clock.unix()).await.unwrap_or_else(|e| panic!("{e}"));
        tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
        secret
    }

    async fn request(&self, secret: &str) -> Result<shared::policy::Actor, Ended> {
        resolve(&self.db, secret, self.clock.unix(), LIMITS).await.unwrap_or_else(|e| panic!("{e}"))
    }
}

#[tokio::test]
async fn a_session_idle_for_more_than_fifteen_minutes_ends() {
    let f = Fixture::new().await;
    let secret = f.sign_in().await;
    f.advance(14 * MINUTE);
    assert!(f.request(&secret).await.is_ok(), "14 minutes idle: still live");
    f.advance(14 * MINUTE);
    assert!(f.request(&secret).await.is_ok(), "the request above counted as activity");
    f.advance(15 * MINUTE + 1);
    assert_eq!(f.request(&secret).await.err(), Some(Ended::Expired));
    assert_eq!(f.request(&secret).await.err(), Some(Ended::Unknown), "the expired session was deleted");
}

#[tokio::test]
async fn an_active_session_still_ends_after_eight_hours() {
    let f = Fixture::new().await;
    let secret = f.sign_in().await;
    for _ in 0..(8 * 60 / 10 - 1) {
        f.advance(10 * MINUTE);
        assert!(f.request(&secret).await.is_ok());
    }
    f.advance(10 * MINUTE);
    assert_eq!(f.request(&secret).await.err(), Some(Ended::Expired), "8 hours after sign-in");
}

#[tokio::test]
async fn a_passkey_check_counts_as_recent_for_five_minutes() {
    let f = Fixture::new().await;
    let secret = f.sign_in().await;
    f.advance(5 * MINUTE - 1);
    assert!(f.request(&secret).await.map(|a| a.reauthenticated_recently).unwrap_or(false));
    f.advance(2);
    assert!(!f.request(&secret).await.map(|a| a.reauthenticated_recently).unwrap_or(true));
}

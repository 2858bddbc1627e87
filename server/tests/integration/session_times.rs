//! What the page asks to warn before the idle timeout: the session's times over real HTTP;
//! asking keeps the session alive, and answers nothing once it has ended.

use crate::common;

use common::open_db;
use common::passkey::Browser;
use common::world::World;

#[tokio::test]
async fn the_session_times_keep_it_alive_until_it_has_ended() {
    let mut world = World::demo_with(&["--session-idle-minutes", "20"]).await;
    let times = world.person("Morgan Ashby").browser.call("/api/session/times", &[]).await.ok();
    assert_eq!(times["idle_secs"], 20 * 60, "{times}");
    let left = times["idle_left"].as_i64().unwrap_or_default();
    assert!((20 * 60 - 60..=20 * 60).contains(&left), "a session just used has (almost) all its idle time: {times}");
    let absolute = times["absolute_left"].as_i64().unwrap_or_default();
    assert!((7 * 3600..=8 * 3600).contains(&absolute), "{times}");
    let key = times["user_key"].as_str().unwrap_or_default().to_string();
    assert_eq!(key.len(), 24, "{times}");

    // Unused for ten minutes (the session aged in the database): asking uses the session, so
    // it has its whole idle time again ("Stay signed in").
    let db = open_db(&world.server.db_path()).await;
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 600").execute(&db).await.unwrap_or_else(|e| panic!("{e}"));
    let later = world.person("Morgan Ashby").browser.call("/api/session/times", &[]).await.ok();
    let left = later["idle_left"].as_i64().unwrap_or_default();
    assert!(left >= 20 * 60 - 5, "kept alive: {later}");
    assert_eq!(later["user_key"], key.as_str(), "the same person");
    let other = world.person("Priya Lakeland").browser.call("/api/session/times", &[]).await.ok();
    assert_ne!(other["user_key"], key.as_str(), "another person has another key");

    // Past the idle timeout the session has ended, and asking says so.
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 3600").execute(&db).await.unwrap_or_else(|e| panic!("{e}"));
    let ended = world.person("Morgan Ashby").browser.call("/api/session/times", &[]).await.ok();
    assert!(ended.is_null(), "no session: {ended}");
    let mut anonymous = Browser::new(&world.server.base_url);
    assert!(anonymous.call("/api/session/times", &[]).await.ok().is_null(), "no one is signed in");
}

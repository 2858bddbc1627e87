//! The audit appender's group commit: a read is answered only once its audit entry is durable
//! (a server killed while many reads wait for their batch has an entry for every read it
//! answered), and reads and writes arriving together each get exactly one entry in a chain
//! that verifies.

use crate::common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::passkey::ORIGIN;
use common::world::World;
use common::{open_db, run, TestServer};
use serde_json::{json, Value};

/// One POST of a server function as a signed-in person; `true` when answered with success.
async fn post(client: &reqwest::Client, base: &str, cookie: &str, path: &str, body: Option<&Value>) -> bool {
    let req = client
        .post(format!("{base}{path}"))
        .header("origin", ORIGIN)
        .header("x-roundtable-request", "1")
        .header("cookie", cookie)
        .timeout(Duration::from_secs(20));
    let req = match body {
        Some(b) => req.json(b),
        None => req.form(&[] as &[(&str, &str)]),
    };
    matches!(req.send().await, Ok(r) if r.status().is_success())
}

async fn entries(db: &std::path::Path, action: &str) -> i64 {
    let pool = open_db(db).await;
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1").bind(action).fetch_one(&pool).await.unwrap_or(-1)
}

/// Kill cycles with reads waiting for their batch.
const KILLS: usize = 10;

#[tokio::test]
async fn no_read_is_answered_before_its_audit_entry_is_durable_even_when_killed() {
    let mut world = World::demo().await;
    let cookie = world.person("Rowan Ellery").browser.cookie.clone().unwrap_or_default();
    let mut server = world.server;
    let before = entries(&server.db_path(), "meeting.list").await;
    let answered = Arc::new(AtomicUsize::new(0));
    for _ in 0..KILLS {
        let stop = Arc::new(AtomicBool::new(false));
        let readers: Vec<_> = (0..24)
            .map(|_| {
                let (base, cookie, stop, answered) = (server.base_url.clone(), cookie.clone(), stop.clone(), answered.clone());
                tokio::spawn(async move {
                    let client = common::client();
                    while !stop.load(Ordering::Relaxed) {
                        if post(&client, &base, &cookie, "/api/meetings/list", None).await {
                            answered.fetch_add(1, Ordering::Relaxed);
                        } else {
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        }
                    }
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(400)).await;
        let data = server.kill();
        stop.store(true, Ordering::Relaxed);
        for r in readers {
            let _ = r.await;
        }
        server = TestServer::start_in(data, &["--public-url", ORIGIN]);
    }
    let answered = answered.load(Ordering::Relaxed) as i64;
    let recorded = entries(&server.db_path(), "meeting.list").await - before;
    eprintln!("group commit: {KILLS} SIGKILLs, {answered} reads answered, {recorded} entries recorded");
    assert!(answered >= KILLS as i64 * 10, "reads were answered in every cycle: {answered}");
    assert!(recorded >= answered, "every answered read has its entry: {answered} answered, {recorded} recorded");
    let verify = run(server.data.path(), &["verify-audit"]);
    assert!(verify.status.success(), "the chain verifies after the kills: {}", String::from_utf8_lossy(&verify.stdout));
}

#[tokio::test]
async fn a_thousand_concurrent_reads_and_writes_get_one_entry_each_in_a_verifying_chain() {
    let mut world = World::demo().await;
    let reader = world.person("Rowan Ellery").browser.cookie.clone().unwrap_or_default();
    let admin = world.admin.browser.cookie.clone().unwrap_or_default();
    let overview = world.admin.browser.call("/api/admin/overview", &[]).await.ok();
    let homes = overview["agencies"].as_array().into_iter().flatten().find(|a| a["name"] == "Wyvern Homes").map(|a| a["id"].clone());
    let homes = homes.unwrap_or(Value::Null);
    let db = world.server.db_path();
    let (reads_before, writes_before) = (entries(&db, "meeting.list").await, entries(&db, "user.create").await);
    let base = world.server.base_url.clone();
    let limit = Arc::new(tokio::sync::Semaphore::new(128));
    let calls: Vec<_> = (0..1000)
        .map(|i| {
            let (base, reader, admin, homes, limit) = (base.clone(), reader.clone(), admin.clone(), homes.clone(), limit.clone());
            tokio::spawn(async move {
                let _permit = limit.acquire_owned().await;
                let client = common::client();
                if i % 5 == 0 {
                    let body = json!({"input": {"id": null, "name": "Concurrent Person", "email": format!("concurrent-{i}@test.invalid"),
                        "agency_id": homes, "roles": ["agency_representative"]}});
                    (true, post(&client, &base, &admin, "/api/admin/invite-user", Some(&body)).await)
                } else {
                    (false, post(&client, &base, &reader, "/api/meetings/list", None).await)
                }
            })
        })
        .collect();
    let (mut reads, mut writes) = (0, 0);
    for c in calls {
        match c.await {
            Ok((true, true)) => writes += 1,
            Ok((false, true)) => reads += 1,
            _ => {}
        }
    }
    assert_eq!((reads, writes), (800, 200), "every request answered with success");
    assert_eq!(entries(&db, "meeting.list").await - reads_before, 800, "one entry per read");
    assert_eq!(entries(&db, "user.create").await - writes_before, 200, "one entry per write");
    let verify = run(world.server.data.path(), &["verify-audit"]);
    assert!(verify.status.success(), "the chain verifies: {}", String::from_utf8_lossy(&verify.stdout));
}

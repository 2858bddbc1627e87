//! Keeping data through faults: an online backup taken under write load restores to a database
//! that passes SQLite's integrity check (on SQLite) and the audit chain; and a server killed with SIGKILL a
//! hundred times while clients write keeps every write it acknowledged.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::passkey::ORIGIN;
use common::world::World;
use common::{open_db, run, TestServer};
use serde_json::{json, Value};

/// Invites a person with a unique address; `true` only when the server acknowledged it.
async fn invite(client: &reqwest::Client, base: &str, cookie: &str, agency: &Value, email: &str) -> bool {
    let body = json!({"input": {"id": null, "name": "Durable Person", "email": email, "agency_id": agency, "roles": ["agency_representative"]}});
    let sent = client
        .post(format!("{base}/api/admin/invite-user"))
        .header("origin", ORIGIN)
        .header("x-roundtable-request", "1")
        .header("cookie", cookie)
        .json(&body)
        .timeout(Duration::from_secs(10))
        .send()
        .await;
    matches!(sent, Ok(r) if r.status().is_success())
}

/// Writers inviting people until `stop`, each recording the addresses the server acknowledged.
fn writers(
    base: &str,
    cookie: &str,
    agency: &Value,
    tag: &str,
    stop: Arc<Mutex<bool>>,
    acked: Arc<Mutex<Vec<String>>>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..4)
        .map(|w| {
            let (base, cookie, agency, tag, stop, acked) =
                (base.to_string(), cookie.to_string(), agency.clone(), tag.to_string(), stop.clone(), acked.clone());
            tokio::spawn(async move {
                let client = common::client();
                for n in 0.. {
                    if stop.lock().map(|s| *s).unwrap_or(true) {
                        break;
                    }
                    let email = format!("durable-{tag}-{w}-{n}@test.invalid");
                    if invite(&client, &base, &cookie, &agency, &email).await {
                        if let Ok(mut a) = acked.lock() {
                            a.push(email);
                        }
                    } else {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            })
        })
        .collect()
}

async fn admin_cookie_and_agency(world: &mut World) -> (String, Value) {
    let overview = world.admin.browser.call("/api/admin/overview", &[]).await.ok();
    let homes = overview["agencies"].as_array().into_iter().flatten().find(|a| a["name"] == "Wyvern Homes").map(|a| a["id"].clone());
    (world.admin.browser.cookie.clone().unwrap_or_default(), homes.unwrap_or(Value::Null))
}

/// SQLite's own integrity check (PostgreSQL keeps its own; the audit chain is checked on both).
async fn integrity_ok(db: &std::path::Path) {
    if common::postgres().is_some() {
        return;
    }
    let pool = open_db(db).await;
    let result: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&pool).await.unwrap_or_default();
    assert_eq!(result, "ok");
}

#[tokio::test]
async fn a_backup_under_write_load_restores_whole() {
    let mut world = World::demo().await;
    let (cookie, homes) = admin_cookie_and_agency(&mut world).await;
    let (stop, acked) = (Arc::new(Mutex::new(false)), Arc::new(Mutex::new(Vec::new())));
    let tasks = writers(&world.server.base_url, &cookie, &homes, "backup", stop.clone(), acked.clone());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = acked.lock().map(|a| a.len()).unwrap_or_default();
    let copy = world.server.data.path().join("backup.db");
    let out = run(world.server.data.path(), &["backup", &copy.display().to_string()]);
    assert!(out.status.success(), "backup: {}", String::from_utf8_lossy(&out.stderr));
    let after = acked.lock().map(|a| a.len()).unwrap_or_default();
    tokio::time::sleep(Duration::from_millis(300)).await;
    if let Ok(mut s) = stop.lock() {
        *s = true;
    }
    for t in tasks {
        let _ = t.await;
    }
    assert!(before > 0, "writes were under way when the backup started");
    let printed = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(printed.contains("audit entries verified"), "{printed}");

    // Restore into a new data folder and serve from it; the audit key travels apart from the
    // backup (docs/SECURITY.md), and is restored beside it.
    let target = common::fresh_data_dir();
    std::fs::copy(world.server.data.path().join("audit.key"), target.path().join("audit.key")).unwrap_or_else(|e| panic!("audit key: {e}"));
    let out = run(target.path(), &["restore", &copy.display().to_string()]);
    assert!(out.status.success(), "restore: {}", String::from_utf8_lossy(&out.stderr));
    let restored = TestServer::start_in(target, &[]);
    integrity_ok(&restored.db_path()).await;
    let verify = run(restored.data.path(), &["verify-audit"]);
    assert!(verify.status.success(), "the restored audit chain verifies: {}", String::from_utf8_lossy(&verify.stdout));
    let pool = open_db(&restored.db_path()).await;
    let invited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email LIKE 'durable-backup-%'").fetch_one(&pool).await.unwrap_or(-1);
    assert!(
        (before as i64..=after as i64 + 4).contains(&invited),
        "the backup holds the writes acknowledged before it began ({before}) and none after it ended ({after}): {invited}"
    );
    let live = open_db(&world.server.db_path()).await;
    for table in ["agencies", "cases", "meetings", "referrals", "actions"] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let (a, b): (i64, i64) = (
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())).fetch_one(&live).await.unwrap_or(-1),
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(&pool).await.unwrap_or(-2),
        );
        assert_eq!(a, b, "{table} rows");
    }

    // A restore keeps the database it replaces.
    let again = run(restored.data.path(), &["restore", &copy.display().to_string()]);
    if restored.is_postgres() {
        assert!(
            !again.status.success() && String::from_utf8_lossy(&again.stderr).contains("empty"),
            "PostgreSQL restores only into an empty database"
        );
    } else {
        assert!(String::from_utf8_lossy(&again.stdout).contains("before-restore"), "{}", String::from_utf8_lossy(&again.stdout));
    }
}

/// Kill cycles: enough to catch a lost acknowledged write, bounded in time.
const KILLS: usize = 100;

#[tokio::test]
async fn every_acknowledged_write_survives_a_hundred_sigkills() {
    let mut world = World::demo().await;
    let (cookie, homes) = admin_cookie_and_agency(&mut world).await;
    let mut server = world.server;
    let acked = Arc::new(Mutex::new(Vec::new()));
    for cycle in 0..KILLS {
        let stop = Arc::new(Mutex::new(false));
        let tasks = writers(&server.base_url, &cookie, &homes, &cycle.to_string(), stop.clone(), acked.clone());
        tokio::time::sleep(Duration::from_millis(100 + (cycle as u64 * 37) % 200)).await;
        let data = server.kill();
        if let Ok(mut s) = stop.lock() {
            *s = true;
        }
        for t in tasks {
            let _ = t.await;
        }
        server = TestServer::start_in(data, &["--public-url", ORIGIN]);
    }
    let acked = acked.lock().map(|a| a.clone()).unwrap_or_default();
    eprintln!("durability: {KILLS} SIGKILLs, {} acknowledged writes", acked.len());
    assert!(acked.len() >= KILLS, "writes were acknowledged in most cycles: {}", acked.len());
    let pool = open_db(&server.db_path()).await;
    let stored: std::collections::BTreeSet<String> =
        sqlx::query_scalar("SELECT email FROM users WHERE email LIKE 'durable-%'").fetch_all(&pool).await.unwrap_or_default().into_iter().collect();
    let lost: Vec<&String> = acked.iter().filter(|e| !stored.contains(*e)).collect();
    assert!(lost.is_empty(), "{} acknowledged writes lost, e.g. {:?}", lost.len(), lost.first());
    integrity_ok(&server.db_path()).await;
    let verify = run(server.data.path(), &["verify-audit"]);
    assert!(verify.status.success(), "the audit chain verifies after the kills: {}", String::from_utf8_lossy(&verify.stdout));
}

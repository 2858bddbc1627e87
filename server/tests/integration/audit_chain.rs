//! The audit log's hash chain: append-only in the database, and any change, removal, reordering
//! or truncation found and named by `roundtable verify-audit` and the audit page.

use crate::common;

use common::passkey::Browser;
use common::world::World;
use common::{open_db, run};

fn verify(world: &World, extra: &[&str]) -> (bool, String) {
    let mut args = vec!["verify-audit"];
    args.extend_from_slice(extra);
    let out = run(world.server.data.path(), &args);
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

async fn activity(world: &mut World) {
    for _ in 0..3 {
        let mut b = Browser::new(&world.server.base_url);
        b.sign_in(&mut world.admin.passkey).await.ok();
    }
}

/// Runs statements as an attacker with write access to the database file would.
async fn sql(world: &mut World, statements: &[&str]) {
    world.server.audit_tampered_on_purpose();
    let db = open_db(&world.server.db_path()).await;
    for s in statements {
        sqlx::query(sqlx::AssertSqlSafe(s.to_string())).execute(&db).await.unwrap_or_else(|e| panic!("{s}: {e}"));
    }
}

/// What an attacker with the database's owner rights runs first: the append-only guards off.
fn drop_guards() -> Vec<&'static str> {
    if common::postgres().is_some() {
        vec!["ALTER TABLE audit_log DISABLE TRIGGER USER"]
    } else {
        vec!["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"]
    }
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_audit_entries() {
    let world = World::admin_only().await;
    let db = open_db(&world.server.db_path()).await;
    let update = sqlx::query("UPDATE audit_log SET action = 'nothing' WHERE seq = 1").execute(&db).await;
    assert!(update.is_err_and(|e| e.to_string().contains("append-only")));
    let delete = sqlx::query("DELETE FROM audit_log").execute(&db).await;
    assert!(delete.is_err_and(|e| e.to_string().contains("append-only")));
}

#[tokio::test]
async fn an_intact_log_verifies_and_prints_its_head() {
    let mut world = World::admin_only().await;
    activity(&mut world).await;
    let (ok, text) = verify(&world, &[]);
    assert!(ok, "{text}");
    assert!(text.contains("The audit log is intact"), "{text}");
    assert!(text.contains("Chain head: "), "{text}");
}

#[tokio::test]
async fn a_changed_entry_is_named() {
    let mut world = World::admin_only().await;
    activity(&mut world).await;
    sql(&mut world, &drop_guards()).await;
    sql(&mut world, &["UPDATE audit_log SET outcome = 'denied' WHERE seq = 3"]).await;
    let (ok, text) = verify(&world, &[]);
    assert!(!ok, "{text}");
    assert!(text.contains("Entry 3 was changed after it was written"), "{text}");
}

#[tokio::test]
async fn a_removed_entry_is_named() {
    let mut world = World::admin_only().await;
    activity(&mut world).await;
    sql(&mut world, &drop_guards()).await;
    sql(&mut world, &["DELETE FROM audit_log WHERE seq = 2"]).await;
    let (ok, text) = verify(&world, &[]);
    assert!(!ok, "{text}");
    assert!(text.contains("Entry 2 is missing"), "{text}");
}

#[tokio::test]
async fn reordered_entries_are_found() {
    let mut world = World::admin_only().await;
    activity(&mut world).await;
    sql(&mut world, &drop_guards()).await;
    // Swap the content of entries 2 and 3 while keeping their hashes and numbers.
    sql(
        &mut world,
        &[
            "UPDATE audit_log SET seq = -2 WHERE seq = 2",
            "UPDATE audit_log SET seq = 2, prev_hash = (SELECT prev_hash FROM audit_log WHERE seq = -2) WHERE seq = 3",
            "UPDATE audit_log SET seq = 3 WHERE seq = -2",
        ],
    )
    .await;
    let (ok, text) = verify(&world, &[]);
    assert!(!ok, "{text}");
    assert!(text.contains("Entry 2"), "{text}");
}

#[tokio::test]
async fn entries_removed_from_the_end_are_found_with_a_recorded_head() {
    let mut world = World::admin_only().await;
    activity(&mut world).await;
    let (_, text) = verify(&world, &[]);
    let head = text.lines().find_map(|l| l.strip_prefix("Chain head: ")).unwrap_or_else(|| panic!("{text}")).trim().to_string();
    let last: i64 = head.split(':').next().and_then(|s| s.parse().ok()).unwrap_or_default();
    sql(&mut world, &drop_guards()).await;
    sql(&mut world, &[&format!("DELETE FROM audit_log WHERE seq >= {}", last - 1)]).await;
    let (plain_ok, _) = verify(&world, &[]);
    assert!(plain_ok, "without an anchor what is left is still a valid chain");
    let (ok, text) = verify(&world, &["--expect-head", &head]);
    assert!(!ok, "{text}");
    assert!(text.contains(&format!("Entries from {} onward were removed", last - 1)), "{text}");
    let (bad, text) = verify(&world, &["--expect-head", "nonsense"]);
    assert!(!bad && text.contains("--expect-head must be SEQ:HASH"), "{text}");
}

#[tokio::test]
async fn the_dpo_checks_the_chain_from_the_audit_page_and_others_cannot() {
    let mut world = World::demo().await;
    let dpo = world.person("Ifeoma Castellanos");
    let result = dpo.browser.call("/api/audit/verify", &[]).await.ok();
    assert_eq!(result["first_broken_seq"], serde_json::Value::Null, "{result}");
    assert!(result["rows_checked"].as_u64().unwrap_or_default() > 10, "{result}");
    let rep = world.person("Rowan Ellery");
    let denied = rep.browser.call("/api/audit/verify", &[]).await;
    assert_eq!(denied.error().as_deref(), Some("NotFound"), "{denied:?}");

    sql(&mut world, &drop_guards()).await;
    sql(&mut world, &["UPDATE audit_log SET actor_user_id = NULL WHERE seq = 4"]).await;
    let broken = world.person("Ifeoma Castellanos").browser.call("/api/audit/verify", &[]).await.ok();
    assert_eq!(broken["first_broken_seq"], 4, "{broken}");
}

#[tokio::test]
async fn the_dpo_filters_the_log_and_exports_an_extract_after_a_passkey_check() {
    let mut world = World::demo().await;
    let cases = world.person("Priya Lakeland").browser.call("/api/cases/mine", &[]).await.ok();
    let case = cases[0]["id"].as_str().unwrap_or_default().to_string();
    world.person("Sam Okonjo-Reyes").browser.call("/api/cases/view", &[("id", &case)]).await.ok();

    let dpo = world.person("Ifeoma Castellanos");
    let filter = serde_json::json!({"filter": {"user_id": "", "agency_id": "", "record_id": case, "action": "case.read", "from": "", "to": ""}});
    let found = dpo.browser.call_json("/api/audit/search", &filter).await.ok();
    assert_eq!(found["matching"], 1, "{found}");
    assert_eq!(found["entries"][0]["actor"], "Sam Okonjo-Reyes");
    let bad = dpo
        .browser
        .call_json(
            "/api/audit/search",
            &serde_json::json!({"filter": {"user_id": "", "agency_id": "", "record_id": "", "action": "",
        "from": "2026-12-01", "to": "2026-11-01"}}),
        )
        .await;
    assert_eq!(bad.error().as_deref(), Some("InvalidFields"));

    // Ten minutes after signing in, an export asks for the passkey again.
    let db = open_db(&world.server.db_path()).await;
    sqlx::query("UPDATE sessions SET reauthenticated_at = reauthenticated_at - 600").execute(&db).await.unwrap_or_else(|e| panic!("{e}"));
    let dpo = world.person("Ifeoma Castellanos");
    let stale = dpo.browser.call_json("/api/audit/export", &filter).await;
    assert_eq!(stale.error().as_deref(), Some("ReauthenticationRequired"));
    dpo.reauthenticate().await;
    let csv = dpo.browser.call_json("/api/audit/export", &filter).await.ok();
    let csv = csv.as_str().unwrap_or_default();
    assert!(csv.starts_with("seq,at_utc,actor,agency,action,record,outcome,details\r\n") && csv.contains("Sam Okonjo-Reyes"), "{csv}");
    let exported: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'audit.export'").fetch_one(&db).await.unwrap_or_default();
    assert_eq!(exported, 1, "the export is itself audited");
    let refused = world.person("Priya Lakeland").browser.call_json("/api/audit/search", &filter).await;
    assert_eq!(refused.error().as_deref(), Some("NotFound"));
}

#[tokio::test]
async fn on_postgresql_the_app_role_cannot_change_the_audit_log_or_its_guards() {
    let Some(cluster) = common::postgres() else {
        eprintln!("PostgreSQL only: set ROUNDTABLE_TEST_POSTGRES (scripts/test does)");
        return;
    };
    let data = common::fresh_data_dir();
    let (owner, app) = common::migrate_for_app_role(&cluster, data.path());

    // The whole product runs as the application role: serving, seeding, sign-ins, purging.
    let mut world = World::demo_in(data, &[]).await;
    let cases = world.person("Priya Lakeland").browser.call("/api/cases/mine", &[]).await.ok();
    assert!(cases.as_array().is_some_and(|c| !c.is_empty()), "{cases}");
    let purged = run(world.server.data.path(), &["purge"]);
    assert!(purged.status.success(), "{}", String::from_utf8_lossy(&purged.stderr));

    // As that role, nothing changes or removes an audit entry, nor turns the guards off.
    for (attack, because) in [
        ("UPDATE audit_log SET outcome = 'denied' WHERE seq = 2", "permission denied"),
        ("DELETE FROM audit_log WHERE seq = 2", "append-only"),
        ("TRUNCATE audit_log", "permission denied"),
        ("ALTER TABLE audit_log DISABLE TRIGGER USER", "must be owner"),
        ("DROP TRIGGER audit_log_no_update ON audit_log", "must be owner"),
        ("UPDATE audit_horizon SET seq = 0", "permission denied"),
        ("DELETE FROM _sqlx_migrations", "permission denied"),
    ] {
        let refused = common::psql(&app, attack);
        assert!(refused.as_ref().is_err_and(|e| e.contains(because)), "{attack}: {refused:?}");
    }
    let (ok, text) = verify(&world, &[]);
    assert!(ok, "{text}");
    // The owner still can: which is why the server warns when it runs as the owner.
    assert!(common::psql(&owner, "ALTER TABLE audit_log DISABLE TRIGGER USER").is_ok());
}

#[tokio::test]
async fn people_reading_at_once_leave_one_unbroken_chain_with_every_read_in_it() {
    let mut world = World::demo().await;
    let db = open_db(&world.server.db_path()).await;
    let count_reads = "SELECT COUNT(*) FROM audit_log WHERE action = 'case.read'";
    let before: i64 = sqlx::query_scalar(count_reads).fetch_one(&db).await.unwrap_or(-1);
    let people = std::mem::take(&mut world.people);
    let mut tasks = tokio::task::JoinSet::new();
    for (name, mut person) in people {
        tasks.spawn(async move {
            let mut reads = 0i64;
            for _ in 0..15 {
                let cases = person.browser.call("/api/cases/mine", &[]).await;
                let Some(first) = cases.body[0]["id"].as_str().filter(|_| cases.status < 300).map(str::to_string) else { break };
                let view = person.browser.call("/api/cases/view", &[("id", &first)]).await;
                assert!(view.error().is_none(), "{name}: {:?}", view.error());
                reads += 1;
            }
            reads
        });
    }
    let mut reads = 0;
    while let Some(done) = tasks.join_next().await {
        reads += done.unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(reads > 0, "nobody could read a case");
    let after: i64 = sqlx::query_scalar(count_reads).fetch_one(&db).await.unwrap_or(-1);
    assert_eq!(after - before, reads, "every read is in the audit log once");
    let (ok, text) = verify(&world, &[]);
    assert!(ok, "{text}");
}

/// The chain after `batches` of appends, each batch one `append_all` (or, with `one_by_one`,
/// one `append` per event): the (seq, prev_hash, hash, record_id) of every entry.
async fn chain_after(batches: &[usize], one_by_one: bool) -> Vec<(i64, String, String, Option<String>)> {
    use server::audit::{self, AuditEvent};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let args = server::cli::DatabaseArgs { data_dir: dir.path().to_path_buf(), database_url: None };
    let db = server::db::Db::open(&args.resolve().unwrap_or_else(|e| panic!("{e}"))).await.unwrap_or_else(|e| panic!("{e}"));
    db.migrate().await.unwrap_or_else(|e| panic!("{e}"));
    let mut n = 0;
    for (b, size) in batches.iter().enumerate() {
        let mut tx = db.begin_write().await.unwrap_or_else(|e| panic!("{e}"));
        let events: Vec<AuditEvent> = (0..*size)
            .map(|_| {
                n += 1;
                AuditEvent::system("case.listed").on("case", format!("case-{n:04}")).detail("via", "case.list")
            })
            .collect();
        let at = 1_790_000_000 + b as i64;
        if one_by_one {
            for e in events {
                audit::append(&mut tx, at, e).await.unwrap_or_else(|e| panic!("{e}"));
            }
        } else {
            let last = audit::append_all(&mut tx, at, events).await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(last, (*size > 0).then_some(n as i64), "the last sequence number is returned");
        }
        tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
    }
    let result = audit::verify(&db, None).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(result.broken.is_none() && result.checked == n as u64, "{result:?}");
    sqlx::query_as("SELECT seq, prev_hash, hash, record_id FROM audit_log ORDER BY seq").fetch_all(db.pool()).await.unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn a_page_of_entries_appended_at_once_is_the_chain_one_at_a_time_would_give() {
    // Beyond one INSERT's worth (200), an empty page, and pages before and after.
    let batches = [1, 450, 0, 3, 200, 1];
    let together = chain_after(&batches, false).await;
    let apart = chain_after(&batches, true).await;
    assert_eq!(together.len(), 655);
    assert_eq!(together, apart, "the same entries, sealed the same way, in the same order");
    for (i, (seq, _, _, record)) in together.iter().enumerate() {
        assert_eq!(*seq, i as i64 + 1);
        assert_eq!(record.as_deref(), Some(format!("case-{:04}", i + 1).as_str()));
    }
}

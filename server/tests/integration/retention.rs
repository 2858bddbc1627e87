//! Retention over real HTTP and a real SQLite file: a case closed eight years ago is purged with
//! everything that hung off it, leaving no trace of its reference or its victim's name; a case
//! under a legal hold and an open case survive; the audit chain still verifies. In process: old
//! audit entries are purged behind a recorded horizon, and a large purge runs in batches.

use crate::common;

use std::time::Instant;

use common::world::World;
use common::{open_db, run};
use serde_json::{json, Value};
use server::cli::DatabaseArgs;
use server::db::Db;
use server::retention::{purge, RetentionSettings};
use shared::retention::RetentionPolicy;
use shared::session::SessionLimits;
use sqlx::AnyPool;

const LIMITS: SessionLimits = SessionLimits { idle_secs: 15 * 60, absolute_secs: 8 * 3600 };

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array().into_iter().flatten().find(|v| v[key] == value).unwrap_or_else(|| panic!("no {key}={value} in {list}"))
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

async fn scalar(db: &AnyPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(db).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn strings(db: &AnyPool, sql: &str) -> Vec<String> {
    sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql.to_string())).fetch_all(db).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn exec(db: &AnyPool, sql: &str) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(db).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn quoted(ids: &[String]) -> String {
    if ids.is_empty() {
        return "''".into();
    }
    ids.iter().map(|i| format!("'{i}'")).collect::<Vec<_>>().join(", ")
}

/// Every (table, column) holding text, and how many rows of it contain `needle`.
async fn traces(db: &AnyPool, needle: &str) -> Vec<(String, String, i64)> {
    let mut found = Vec::new();
    for table in common::table_names(db).await {
        for column in common::column_names(db, &table).await {
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM \"{table}\" WHERE CAST(\"{column}\" AS TEXT) LIKE '%' || $1 || '%'"
            )))
            .bind(needle)
            .fetch_one(db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
            if n > 0 {
                found.push((table.clone(), column, n));
            }
        }
    }
    found
}

/// (table, column, ids) of everything that holds a case's data.
fn holders(case: &str, referrals: &[String], actions: &[String]) -> Vec<(&'static str, &'static str, String)> {
    let c = quoted(&[case.to_string()]);
    let r = quoted(referrals);
    let a = quoted(actions);
    let mut out = vec![("cases", "id", c.clone()), ("referrals", "case_id", c.clone())];
    for t in ["victims", "perpetrators", "household_members"] {
        out.push((t, "referral_id", r.clone()));
    }
    for t in [
        "case_name_keys",
        "case_name_words",
        "case_hearings",
        "case_agencies",
        "agenda_items",
        "research",
        "case_minutes",
        "minute_entries",
        "amendments",
        "actions",
        "rectifications",
        "objections",
    ] {
        out.push((t, "case_id", c.clone()));
    }
    out.push(("action_updates", "action_id", a));
    out
}

#[tokio::test]
async fn a_case_past_retention_is_purged_without_trace_and_held_and_open_cases_survive() {
    let mut world = World::demo_with(&["--purge-interval-minutes", "0"]).await;
    let db = open_db(&world.server.db_path()).await;
    let cases = world.person("Priya Lakeland").browser.call("/api/cases/mine", &[]).await.ok();
    let [ada, bea, dalia] = ["Ada Thornbury", "Bea Okafor-Lind", "Dalia Venn"]
        .map(|n| find(&cases, "victim_name", n).clone())
        .map(|c| (text(&c["id"]), text(&c["reference"])));
    for (id, _) in [&ada, &bea] {
        let closed =
            world.person("Priya Lakeland").browser.call("/api/cases/close", &[("case_id", id), ("reason", "Victim moved out of the area")]).await;
        closed.ok();
    }

    // Everything that can hang off a case, so the purge must find all of it.
    let coordinator = strings(&db, "SELECT id FROM users WHERE name = 'Priya Lakeland'").await.remove(0);
    let agency = strings(&db, "SELECT agency_id FROM users WHERE name = 'Priya Lakeland'").await.remove(0);
    let meeting = strings(&db, &format!("SELECT meeting_id FROM agenda_items WHERE case_id = '{}'", ada.0)).await.remove(0);
    let (c, m, u, a) = (&ada.0, &meeting, &coordinator, &agency);
    exec(&db, &format!("INSERT INTO research (id, meeting_id, case_id, agency_id, author_id, kind, body, created_at) VALUES ('r1', '{m}', '{c}', '{a}', '{u}', 'fact', 'Ada Thornbury known since 2024', 0)")).await;
    exec(&db, &format!("INSERT INTO case_minutes (meeting_id, case_id, risks, decision) VALUES ('{m}', '{c}', 'Risk to Ada Thornbury', 'Refer') ON CONFLICT (meeting_id, case_id) DO UPDATE SET risks = excluded.risks")).await;
    exec(&db, &format!("INSERT INTO minute_entries (id, meeting_id, case_id, kind, body, source_agency_id, created_by, created_at, updated_at) VALUES ('e1', '{m}', '{c}', 'fact', 'Ada Thornbury rang', '{a}', '{u}', 0, 0)")).await;
    exec(&db, &format!("INSERT INTO amendments (id, meeting_id, case_id, target, entry_id, original, amended, reason, amended_by, amended_at) VALUES ('am1', '{m}', '{c}', 'entry', 'e1', 'Ada Thornbury rang', 'Ada Thornbury rang twice', 'typo', '{u}', 0)")).await;
    let action = strings(&db, &format!("SELECT id FROM actions WHERE case_id = '{c}' LIMIT 1")).await.remove(0);
    exec(&db, &format!("INSERT INTO action_updates (id, action_id, status, note, updated_by, updated_at) VALUES ('u1', '{action}', 'done', 'Saw Ada Thornbury', '{u}', 0)")).await;

    // Rectification and an objection through the DPO, as they would be made.
    let dpo = world.person("Ifeoma Castellanos");
    let record = dpo.browser.call("/api/cases/view", &[("id", &ada.0)]).await.ok();
    let target = record["rectifiable"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t[0].as_str().is_some_and(|v| v.starts_with("victim_address:")))
        .map(|t| text(&t[0]))
        .unwrap_or_else(|| panic!("{record}"));
    dpo.browser
        .call_json(
            "/api/cases/rectify",
            &json!({"input": {"case_id": ada.0, "target": target, "value": "4 Fictional Row, Wyvernbridge", "reason": "Victim moved"}}),
        )
        .await
        .ok();
    let person = text(&record["data_protection"]["people"][0][0]);
    dpo.browser
        .call_json(
            "/api/cases/objection",
            &json!({"input": {"case_id": ada.0, "person": person, "received_on": "2026-01-05", "grounds": "Objects to sharing with housing"}}),
        )
        .await
        .ok();
    let held = dpo
        .browser
        .call_json("/api/retention/hold", &json!({"input": {"reference": bea.1, "reason": "Domestic homicide review", "hold": true}}))
        .await;
    held.ok();

    // Closed eight years ago.
    let eight_years_ago =
        time::OffsetDateTime::now_utc().date().replace_year(time::OffsetDateTime::now_utc().year() - 8).unwrap_or_else(|e| panic!("{e}"));
    exec(&db, &format!("UPDATE cases SET closed_on = '{}' WHERE id IN ('{}', '{}')", shared::validation::iso_date(eight_years_ago), ada.0, bea.0))
        .await;

    let overview = world.person("Ifeoma Castellanos").browser.call("/api/retention/overview", &[]).await.ok();
    let due: Vec<String> = overview["due"].as_array().into_iter().flatten().map(|d| text(&d["reference"])).collect();
    assert!(due.contains(&ada.1) && due.contains(&bea.1), "both are shown as due: {overview}");
    assert_eq!(find(&overview["held"], "reference", &bea.1)["hold_reason"], "Domestic homicide review");

    let referrals = strings(&db, &format!("SELECT id FROM referrals WHERE case_id = '{}'", ada.0)).await;
    let actions = strings(&db, &format!("SELECT id FROM actions WHERE case_id = '{}'", ada.0)).await;
    let mut before = Vec::new();
    for (table, column, ids) in holders(&ada.0, &referrals, &actions) {
        let n = scalar(&db, &format!("SELECT COUNT(*) FROM {table} WHERE {column} IN ({ids})")).await;
        assert!(n > 0, "the test gives {table} some of the case's data");
        before.push((table, n));
    }
    assert!(!traces(&db, "Ada Thornbury").await.is_empty() && !traces(&db, &ada.1).await.is_empty());

    // A rejected referral is destroyed at once: the pending one that names Ada Thornbury among
    // the victim's other names goes, people and all, when the coordinator rejects it.
    let triage = world.person("Priya Lakeland").browser.call("/api/triage/list", &[]).await.ok();
    let pending = text(&find(&triage, "victim_name", "Ada Thorn")["id"]);
    world.person("Priya Lakeland").browser.call("/api/triage/reject", &[("id", &pending), ("reason", "duplicate")]).await.ok();
    for table in ["referrals WHERE id", "victims WHERE referral_id", "perpetrators WHERE referral_id", "household_members WHERE referral_id"] {
        assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM {table} = '{pending}'")).await, 0, "rejected referral: {table}");
    }

    // A subject access export prepared long ago, and a notification email sent long ago, go too.
    exec(
        &db,
        &format!(
            "INSERT INTO subject_access_requests (id, subject_kind, subject_id, subject_name, export_json, prepared_by, prepared_at) \
        VALUES ('sar1', 'victim', 'v', 'Ada Thornbury', '{{\"subject\": \"Ada Thornbury {}\"}}', '{u}', 0)",
            ada.1
        ),
    )
    .await;
    exec(
        &db,
        &format!(
            "INSERT INTO email_outbox (id, to_address, subject, body, next_attempt_at, sent_at, created_at) \
        VALUES ('mail1', 'old@test.invalid', 'Minutes', 'About {}', 0, 0, 0)",
            ada.1
        ),
    )
    .await;

    let out = run(world.server.data.path(), &["purge"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    eprintln!("{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM subject_access_requests WHERE id = 'sar1'").await, 0, "old export purged");
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM email_outbox WHERE id = 'mail1'").await, 0, "old sent email purged");

    for (table, column, ids) in holders(&ada.0, &referrals, &actions) {
        assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM {table} WHERE {column} IN ({ids})")).await, 0, "{table} still holds the case's data");
    }
    assert_eq!(traces(&db, "Ada Thornbury").await, vec![], "the victim's name is gone from every table");
    assert_eq!(traces(&db, &ada.1).await, vec![], "the reference is gone from every table");
    for (id, name) in [(&bea.0, "held"), (&dalia.0, "open")] {
        assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM cases WHERE id = '{id}'")).await, 1, "the {name} case survives");
    }

    let details = strings(&db, "SELECT details FROM audit_log WHERE action = 'retention.purge' ORDER BY seq DESC LIMIT 1").await.remove(0);
    let counts: Value = serde_json::from_str(&details).unwrap_or_default();
    assert_eq!(counts["cases"], 1, "{counts}");
    assert_eq!(counts["victims"], json!(before.iter().find(|(t, _)| *t == "victims").map(|(_, n)| n)), "{counts}");

    let dpo = world.person("Ifeoma Castellanos");
    assert_eq!(dpo.browser.call("/api/cases/view", &[("id", &ada.0)]).await.error().as_deref(), Some("NotFound"));
    let overview = dpo.browser.call("/api/retention/overview", &[]).await.ok();
    assert_eq!(overview["runs"][0]["counts"].as_array().map(|c| c.iter().any(|kc| kc[0] == "cases" && kc[1] == 1)), Some(true), "{overview}");
    let verified = dpo.browser.call("/api/audit/verify", &[]).await.ok();
    assert!(verified["first_broken_seq"].is_null(), "{verified}");

    // Lifting the hold lets the held case go at the next run.
    dpo.browser.call_json("/api/retention/hold", &json!({"input": {"reference": bea.1, "reason": "", "hold": false}})).await.ok();
    assert!(run(world.server.data.path(), &["purge"]).status.success());
    assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM cases WHERE id = '{}'", bea.0)).await, 0);
}

async fn fresh_db() -> (Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let args = DatabaseArgs { data_dir: dir.path().to_path_buf(), database_url: None };
    let db = Db::open(&args.resolve().unwrap_or_else(|e| panic!("{e}"))).await.unwrap_or_else(|e| panic!("{e}"));
    db.migrate().await.unwrap_or_else(|e| panic!("{e}"));
    (db, dir)
}

const YEAR: i64 = 365 * 24 * 3600;
/// Now: the database enforces the audit retention period by its own clock.
fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
const NOW: i64 = 1_900_000_000;

#[tokio::test]
async fn old_audit_entries_are_purged_behind_a_horizon_and_the_chain_still_verifies() {
    let (db, _dir) = fresh_db().await;
    let now = now();
    for i in 0..30 {
        let mut tx = db.begin_write().await.unwrap_or_else(|e| panic!("{e}"));
        let at = if i < 20 { now - 9 * YEAR + i } else { now - YEAR + i };
        server::audit::append(&mut tx, at, server::audit::AuditEvent::system("test.event")).await.unwrap_or_else(|e| panic!("{e}"));
        tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
    }
    let settings = RetentionSettings { policy: RetentionPolicy::default(), batch_size: 100, interval: None };
    let counts = purge(&db, now, &settings, LIMITS).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(counts.get("audit_entries"), Some(&20));
    assert_eq!(db.count("SELECT COUNT(*) AS n FROM audit_log").await.unwrap_or_default(), 11, "ten kept and the run's own row");
    let verified = server::audit::verify(&db, None).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(verified.broken, None);
    assert_eq!(verified.checked, 11);

    // Rows after the horizon still cannot be removed, and removing one is still found.
    let pool = db.pool();
    assert!(sqlx::query("DELETE FROM audit_log WHERE seq = 25").execute(pool).await.is_err(), "the trigger refuses");
    assert!(sqlx::query("DELETE FROM audit_horizon").execute(pool).await.is_err(), "the horizon is append-only");
    // Nor can a horizon be written past entries younger than the retention period, or at the head.
    for seq in [25, 31] {
        let forged = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO audit_horizon (seq, hash, purged_at, last_at) SELECT seq, hash, 0, at FROM audit_log WHERE seq = {seq}"
        )))
        .execute(pool)
        .await;
        assert!(forged.is_err(), "horizon at {seq}");
    }
    // A second run finds nothing more to remove and still verifies.
    let again = purge(&db, now, &settings, LIMITS).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.get("audit_entries"), None);
    assert_eq!(server::audit::verify(&db, None).await.unwrap_or_else(|e| panic!("{e}")).broken, None);
}

#[tokio::test]
async fn a_large_purge_runs_in_batches() {
    let (db, _dir) = fresh_db().await;
    let pool = db.pool();
    const N: usize = 2_000;
    sqlx::query("INSERT INTO agencies (id, name, kind, secure_email, created_at) VALUES ('a1', 'Agency', 'police', 'a@x.invalid', 0)")
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    sqlx::query("INSERT INTO users (id, name, email, agency_id, active, created_at) VALUES ('u1', 'Referrer', 'r@x.invalid', 'a1', TRUE, 0)")
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut tx = db.begin_write().await.unwrap_or_else(|e| panic!("{e}"));
    for i in 0..N {
        let closed = if i % 10 == 0 { "2026-01-01" } else { "2010-01-01" };
        for sql in [
            format!("INSERT INTO cases (id, reference, status, closed_on, created_at) VALUES ('c{i}', 'C-2010-{i:05}', 'closed', '{closed}', 0)"),
            format!("INSERT INTO referrals (id, status, referrer_user_id, agency_id, case_id, created_at, updated_at) VALUES ('r{i}', 'accepted', 'u1', 'a1', 'c{i}', 0, 0)"),
            format!("INSERT INTO victims (id, referral_id, name) VALUES ('v{i}', 'r{i}', 'Fictional Person {i}')"),
            format!("INSERT INTO perpetrators (id, referral_id, position, name, relationship) VALUES ('p{i}', 'r{i}', 0, 'Fictional Other {i}', 'Partner')"),
            format!("INSERT INTO case_name_words (word, case_id) VALUES ('fictional', 'c{i}')"),
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await.unwrap_or_else(|e| panic!("{e}"));
        }
    }
    tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
    let settings = RetentionSettings { policy: RetentionPolicy::default(), batch_size: 100, interval: None };
    let started = Instant::now();
    let counts = purge(&db, NOW, &settings, LIMITS).await.unwrap_or_else(|e| panic!("{e}"));
    let elapsed = started.elapsed();
    eprintln!("purged {} cases (batches of {}) in {} ms", counts["cases"], settings.batch_size, elapsed.as_millis());
    assert_eq!(counts["cases"], (N - N / 10) as u64);
    assert_eq!(counts["victims"], (N - N / 10) as u64);
    assert_eq!(db.count("SELECT COUNT(*) AS n FROM cases").await.unwrap_or_default(), (N / 10) as i64, "cases closed recently are kept");
    assert_eq!(db.count("SELECT COUNT(*) AS n FROM victims").await.unwrap_or_default(), (N / 10) as i64);
}

//! The foundation over real HTTP: probes, headers, error pages, configuration, database set-up.

use crate::common;

use common::{client, open_db, run, TestServer};
use sqlx::Row;
use std::time::Duration;

#[tokio::test]
async fn health_and_readiness_answer() {
    let server = TestServer::start(&[]);
    let http = client();
    let health = http.get(server.url("/healthz")).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(health.status(), 200);
    let ready = http.get(server.url("/readyz")).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap_or_default(), "ready");
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_fresh_nonce() {
    let server = TestServer::start(&[]);
    let http = client();
    let first = http.get(server.url("/")).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.status(), 200);
    let h = first.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap_or_default().to_string();
    for part in ["default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "'wasm-unsafe-eval'"] {
        assert!(csp.contains(part), "CSP lacks {part}: {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "no inline script or style allowed: {csp}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain http");
    assert!(h.get("x-request-id").is_some());
    let body = first.text().await.unwrap_or_default();
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).unwrap_or_default().to_string();
    assert!(body.contains(&format!("nonce=\"{nonce}\"")), "the page's script carries the CSP nonce");
    assert_eq!(body.matches("OFFICIAL-SENSITIVE").count(), 2, "marking at top and bottom");

    let second = http.get(server.url("/")).send().await.unwrap_or_else(|e| panic!("{e}"));
    let csp2 = second.headers()["content-security-policy"].to_str().unwrap_or_default().to_string();
    assert_ne!(csp, csp2, "each response gets its own nonce");
}

#[tokio::test]
async fn https_public_url_turns_on_hsts() {
    let server = TestServer::start(&["--public-url", "https://marac.example.org"]);
    let res = client().get(server.url("/")).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(res.headers()["strict-transport-security"].to_str().unwrap_or_default().contains("max-age="));
}

#[tokio::test]
async fn unknown_address_gets_styled_404_without_internals() {
    let server = TestServer::start(&[]);
    let res = client().get(server.url("/nowhere/00000000-0000-0000-0000-000000000000")).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body = res.text().await.unwrap_or_default();
    assert!(body.contains("Page not found"));
    assert!(body.contains("rt-marking"));
    assert!(!body.to_lowercase().contains("panic") && !body.contains("sqlx"));
}

#[test]
fn invalid_configuration_fails_with_one_clear_sentence() {
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (flag, value, expect) in [
        ("--bind", "not-an-address", "--bind must be an address and port"),
        ("--public-url", "https://marac.example.org/app", "--public-url must be an http or https origin"),
        ("--public-url", "http://marac.example.org", "must use https unless it is localhost"),
        ("--database-url", "mysql://db/roundtable", "--database-url must start with sqlite://"),
        ("--time-zone", "Mars/Olympus_Mons", "--time-zone \"Mars/Olympus_Mons\" is not a time zone"),
    ] {
        let out = run(data.path(), &["serve", flag, value]);
        assert!(!out.status.success(), "{flag} {value} should fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{flag} {value}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    }
}

#[tokio::test]
async fn migrate_creates_a_wal_database_and_enrol_link_prints_a_single_use_link() {
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = run(data.path(), &["migrate"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = run(data.path(), &["enrol-link", "--email", "Admin.One@Example.org", "--public-url", "https://marac.example.org"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let link = text.split_whitespace().find(|w| w.starts_with("https://marac.example.org/enrol#")).unwrap_or_else(|| panic!("no link in {text}"));
    let token = link.rsplit('#').next().unwrap_or_default();
    assert!(token.len() >= 43, "256-bit token");

    let pool = open_db(&data.path().join("roundtable.db")).await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&pool).await.unwrap_or_default();
    assert_eq!(mode, "wal");
    let row = sqlx::query("SELECT u.email, r.role, i.token_hash, i.expires_at - i.created_at AS life FROM users u JOIN user_roles r ON r.user_id = u.id JOIN invitations i ON i.user_id = u.id")
        .fetch_one(&pool).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(row.get::<String, _>("email"), "admin.one@example.org");
    assert_eq!(row.get::<String, _>("role"), "administrator");
    assert_ne!(row.get::<String, _>("token_hash"), token, "only the hash is stored");
    assert_eq!(row.get::<i64, _>("life"), 24 * 3600);

    // A second link for the same administrator revokes the first.
    let out = run(data.path(), &["enrol-link", "--email", "admin.one@example.org", "--public-url", "https://marac.example.org"]);
    assert!(out.status.success());
    let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invitations WHERE used_at IS NULL AND expires_at > strftime('%s','now')")
        .fetch_one(&pool)
        .await
        .unwrap_or_default();
    assert_eq!(live, 1);
}

#[tokio::test]
async fn serve_says_how_to_enrol_the_first_admin_but_never_prints_a_link_into_its_log() {
    let server = TestServer::start(&["--public-url", "http://localhost:3999"]);
    let printed = server.startup_output.join("\n");
    assert!(printed.contains("roundtable enrol-link"), "printed: {printed}");
    assert!(!printed.contains("/enrol#"), "no live link in the service's log: {printed}");
    let link = run(server.data.path(), &["enrol-link", "--if-no-admin", "--public-url", "http://localhost:3999"]);
    assert!(String::from_utf8_lossy(&link.stdout).contains("http://localhost:3999/enrol#"), "the command line prints it to whoever runs it");
}

#[tokio::test]
async fn audit_log_refuses_update_and_delete() {
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    assert!(run(data.path(), &["enrol-link"]).status.success());
    let pool = open_db(&data.path().join("roundtable.db")).await;
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(&pool).await.unwrap_or_default();
    assert!(rows >= 2, "user creation and invitation are audited");
    let upd = sqlx::query("UPDATE audit_log SET outcome = 'denied'").execute(&pool).await;
    assert!(upd.is_err_and(|e| e.to_string().contains("append-only")));
    let del = sqlx::query("DELETE FROM audit_log").execute(&pool).await;
    assert!(del.is_err_and(|e| e.to_string().contains("append-only")));
}

#[test]
fn seed_demo_loads_fictional_agencies_and_prints_links() {
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = run(data.path(), &["seed-demo"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.matches("/enrol#").count() >= 8, "{text}");
    assert!(text.contains("Wyvernshire"));
    // Running it again adds no duplicate agencies.
    assert!(run(data.path(), &["seed-demo"]).status.success());
}

/// SIGTERM (what systemd and container runtimes send) stops the server cleanly, even with a
/// meeting screen's event stream open: it ends the stream, writes its last audit checkpoint,
/// closes the database and exits 0.
#[tokio::test]
async fn sigterm_stops_the_server_cleanly_with_an_event_stream_open() {
    let mut world = crate::common::world::World::demo().await;
    let meetings = world.person("Priya Lakeland").browser.call("/api/meetings/list", &[]).await.ok();
    let meeting = meetings["meetings"][0]["id"].as_str().map(str::to_string).unwrap_or_default();
    assert!(!meeting.is_empty(), "the demo has an upcoming meeting: {meetings}");
    let stream = world.person("Priya Lakeland").browser.open_stream(&format!("/meetings/{meeting}/events")).await;
    let kind = stream.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!((stream.status().as_u16(), kind.starts_with("text/event-stream")), (200, true), "the coordinator listens to the meeting");
    let witness = crate::common::witness_path(world.server.data.path());
    let checkpoints_before = std::fs::read_to_string(&witness).unwrap_or_default().lines().count();

    let (exit, printed) = world.server.terminate(Duration::from_secs(15));
    assert_eq!(exit.map(|s| s.success()), Some(true), "the server exits 0 within 15 s of SIGTERM; printed {printed:?}");
    assert!(printed.iter().any(|l| l == "roundtable: stopped"), "it says it stopped: {printed:?}");
    // The stream was still open when the server stopped; it ends rather than holding the stop.
    let rest = tokio::time::timeout(Duration::from_secs(5), stream.bytes()).await;
    assert!(rest.is_ok(), "the open event stream ended with the server");
    let checkpoints_after = std::fs::read_to_string(&witness).unwrap_or_default().lines().count();
    assert!(checkpoints_after >= checkpoints_before, "checkpoints kept: {checkpoints_before} then {checkpoints_after}");
}

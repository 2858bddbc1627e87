//! Hostile input to every server function: oversize, malformed, wrongly encoded and script-bearing.
//! Each gets a clear refusal (never a server error), nothing is stored half-way, and script in
//! stored text is printed as text, never markup.

use crate::common;

use common::world::World;
use common::{open_db, run};
use serde_json::json;

/// Server functions without arguments: they ignore any body, so garbage cannot reach them.
/// (`/api/referrals/new`, which starts a draft, and sign-out are left out of the run.)
const TAKES_NOTHING: [&str; 13] = [
    "/api/account/begin-add-passkey",
    "/api/account/view",
    "/api/admin/overview",
    "/api/admin/users",
    "/api/auth/begin-reauthentication",
    "/api/auth/begin-sign-in",
    "/api/auth/who-am-i",
    "/api/cases/mine",
    "/api/meetings/list",
    "/api/permissions/action-scopes",
    "/api/referrals/mine",
    "/api/session/times",
    "/api/triage/list",
];

/// Tables that legitimately change on any request (sign-in ceremonies, session touches, the log).
const VOLATILE: [&str; 4] = ["audit_log", "sessions", "webauthn_ceremonies", "_sqlx_migrations"];

async fn row_counts(db: &std::path::Path) -> Vec<(String, i64)> {
    let pool = open_db(db).await;
    let tables = common::table_names(&pool).await;
    let mut out = Vec::new();
    for t in tables.into_iter().filter(|t| !VOLATILE.contains(&t.as_str())) {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM \"{t}\""))).fetch_one(&pool).await.unwrap_or(-1);
        out.push((t, n));
    }
    out
}

/// Announces a 2 MB body and sends none of it: the server must refuse from the headers alone
/// (413) rather than read it. Returns the response's status line.
async fn announce_oversize(base: &str, path: &str, cookie: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = base.trim_start_matches("http://");
    let Ok(mut stream) = tokio::net::TcpStream::connect(host).await else {
        return "no connection".into();
    };
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {}\r\nx-roundtable-request: 1\r\nCookie: {cookie}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        common::passkey::ORIGIN,
        2 * 1024 * 1024
    );
    if stream.write_all(request.as_bytes()).await.is_err() {
        return "write failed".into();
    }
    let mut buf = vec![0u8; 512];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buf)).await;
    match read {
        Ok(Ok(n)) => String::from_utf8_lossy(&buf[..n]).lines().next().unwrap_or_default().to_string(),
        _ => "no answer within 5 s".into(),
    }
}

#[tokio::test]
async fn every_server_function_refuses_garbage_cleanly_and_stores_nothing() {
    let mut world = World::demo().await;
    let printed = run(world.server.data.path(), &["routes"]);
    let functions: Vec<String> = String::from_utf8_lossy(&printed.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("POST "))
        .filter(|p| !p.ends_with("/sign-out") && !p.ends_with("/referrals/new"))
        .map(str::to_string)
        .collect();
    assert!(functions.len() > 60, "{functions:?}");
    let before = row_counts(&world.server.db_path()).await;
    let client = common::client();
    let cookie = world.person("Priya Lakeland").browser.cookie.clone().unwrap_or_default();
    let bodies: [(&str, Vec<u8>); 3] = [
        ("application/json", b"{\"input\": {\"unterminated".to_vec()),
        ("application/x-www-form-urlencoded", b"id=%ZZ%&&==&x=\xff\xfe\xfd".to_vec()),
        ("application/json", vec![0xff, 0xfe, b'{', 0x00, 0x81]),
    ];
    let mut failures = Vec::new();
    for path in &functions {
        let answer = announce_oversize(&world.server.base_url, path, &cookie).await;
        if !answer.starts_with("HTTP/1.1 413") {
            failures.push(format!("{path}: an oversize body was not refused at once: {answer}"));
        }
        for (kind, body) in &bodies {
            let res = client
                .post(format!("{}{path}", world.server.base_url))
                .header("origin", common::passkey::ORIGIN)
                .header("x-roundtable-request", "1")
                .header("cookie", &cookie)
                .header("content-type", *kind)
                .body(body.clone())
                .send()
                .await;
            let Ok(res) = res else {
                failures.push(format!("{path}: the connection failed"));
                continue;
            };
            let status = res.status().as_u16();
            let text = res.text().await.unwrap_or_default();
            if status < 300 && !TAKES_NOTHING.contains(&path.as_str()) {
                failures.push(format!("{path} accepted garbage ({kind}): {status}"));
            }
            if status >= 500 {
                failures.push(format!("{path} ({kind}, {} bytes): {status} {}", body.len(), text.chars().take(120).collect::<String>()));
            }
            if status >= 400 && text.trim().is_empty() {
                failures.push(format!("{path}: refused with no explanation ({status})"));
            }
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(before, row_counts(&world.server.db_path()).await, "nothing was stored by refused requests");
}

#[tokio::test]
async fn script_in_text_is_stored_as_text_and_shown_as_text() {
    let mut world = World::demo().await;
    let coordinator = world.person("Priya Lakeland");
    let list = coordinator.browser.call("/api/meetings/list", &[]).await.ok();
    let meeting = list["meetings"].as_array().into_iter().flatten().find(|m| m["status"] == "agenda_published").map(|m| m["id"].clone());
    let meeting = meeting.and_then(|m| m.as_str().map(str::to_string)).unwrap_or_default();
    let view = coordinator.browser.call("/api/meetings/view", &[("id", &meeting)]).await.ok();
    let case = view["agenda"][0]["case_id"].as_str().unwrap_or_default().to_string();
    coordinator.browser.call("/api/meetings/advance", &[("id", &meeting), ("to", "in_progress")]).await.ok();
    coordinator.browser.call("/api/meetings/acknowledge", &[("id", &meeting)]).await.ok();
    let hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> [click](javascript:alert(2)) \u{202e}reversed";
    let entry = json!({"input": {"meeting_id": meeting, "case_id": case, "kind": "fact", "body": hostile, "source_agency_id": view["invitations"][0][0], "source_person": "<b>Bold</b>"}});
    coordinator.browser.call_json("/api/minutes/add-entry", &entry).await.ok();
    let page = coordinator.browser.get(&format!("/meetings/{meeting}/cases/{case}")).await.text;
    assert!(page.contains("id=\"case-title\""), "the page rendered");
    for forbidden in ["<script>alert", "<img", "href=\"javascript:", "<b>Bold</b>"] {
        assert!(!page.contains(forbidden), "{forbidden} reached the page as markup");
    }
    assert!(page.contains("&lt;b&gt;Bold&lt;/b&gt;") || page.contains("&lt;b>Bold&lt;/b>"), "the source is shown as typed text");
}

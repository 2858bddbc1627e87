//! The authorisation matrix: every page and every server function, for every kind of person
//! (anonymous, each role, a user of a suspended agency, a disabled user), over real HTTP.
//! The table must list every address `roundtable routes` prints, so a new route cannot be
//! added without deciding who may use it.

mod common;

use std::collections::BTreeSet;

use common::passkey::Browser;
use common::world::World;
use common::{open_sqlite, run};
use serde_json::{json, Value};

/// Who is asking. The order is the order of the letters in the table below.
const WHO: [&str; 9] = ["anonymous", "administrator", "coordinator", "chair", "idva", "representative", "dpo", "suspended agency", "disabled user"];
/// The demo person playing each signed-in part.
const PLAYER: [Option<&str>; 9] = [
    None,
    None, // the first administrator
    Some("Priya Lakeland"),
    Some("Morgan Ashby"),
    Some("Sam Okonjo-Reyes"),
    Some("Rowan Ellery"),
    Some("Ifeoma Castellanos"),
    Some("Jude Marchetti"),
    Some("Zoë Brannigan"),
];

/// A allowed, D denied (answered exactly as "not found" / "sign in"), R needs re-authentication,
/// P public (the same answer whoever asks). Columns follow `WHO`.
const TABLE: &[(&str, &str)] = &[
    ("GET /", "PPPPPPPPP"),
    ("GET /sign-in", "PPPPPPPPP"),
    ("GET /enrol", "PPPPPPPPP"),
    ("GET /account", "DAAAAAADD"),
    ("GET /admin", "DAADDDDDD"),
    ("GET /admin/agencies", "DAADDDDDD"),
    ("GET /admin/agencies/{id}", "DAADDDDDD"),
    ("GET /admin/isa", "DAADDDDDD"),
    ("GET /admin/people", "DAADDDDDD"),
    ("GET /admin/people/{id}", "DAADDDDDD"),
    ("GET /admin/sessions", "DADDDDDDD"),
    ("GET /audit", "DADDDDADD"),
    ("GET /healthz", "PPPPPPPPP"),
    ("GET /readyz", "PPPPPPPPP"),
    ("POST /api/auth/who-am-i", "DAAAAAADD"),
    ("POST /api/auth/begin-enrolment", "PPPPPPPPP"),
    ("POST /api/auth/finish-enrolment", "PPPPPPPPP"),
    ("POST /api/auth/begin-sign-in", "PPPPPPPPP"),
    ("POST /api/auth/finish-sign-in", "PPPPPPPPP"),
    ("POST /api/auth/begin-reauthentication", "DAAAAAADD"),
    ("POST /api/auth/finish-reauthentication", "DAAAAAADD"),
    ("POST /api/account/view", "DAAAAAADD"),
    ("POST /api/account/begin-add-passkey", "DAAAAAADD"),
    ("POST /api/account/finish-add-passkey", "DAAAAAADD"),
    ("POST /api/account/rename-passkey", "DAAAAAADD"),
    ("POST /api/account/revoke-passkey", "DAAAAAADD"),
    ("POST /api/audit/verify", "DADDDDADD"),
    ("POST /api/admin/overview", "DAADDDDDD"),
    ("POST /api/admin/save-agency", "DADDDDDDD"),
    ("POST /api/admin/change-agency-state", "DRDDDDDDD"),
    ("POST /api/admin/record-signature", "DRDDDDDDD"),
    ("POST /api/admin/publish-isa", "DRDDDDDDD"),
    ("POST /api/admin/users", "DAADDDDDD"),
    ("POST /api/admin/invite-user", "DAADDDDDD"),
    ("POST /api/admin/update-user", "DADDDDDDD"),
    ("POST /api/admin/set-user-active", "DADDDDDDD"),
    ("POST /api/admin/recovery-link", "DADDDDDDD"),
    ("POST /api/admin/sessions", "DADDDDDDD"),
    ("POST /api/admin/end-session", "DADDDDDDD"),
    // Last: it ends the sessions of everyone above.
    ("POST /api/auth/sign-out", "PPPPPPPPP"),
];

/// Ids the calls refer to.
struct Ids {
    homes: Value,
    isa_version: String,
    sam: String,
    tobias: String,
    hollis: String,
    sam_agency: String,
    admin_passkey: String,
    spare_session: String,
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array().into_iter().flatten().find(|v| v[key] == value).unwrap_or_else(|| panic!("no {key}={value} in {list}"))
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// What a page must show when it is allowed, and must not show otherwise.
fn page_marker(route: &str, who: usize) -> &'static str {
    match route {
        "GET /account" => ["", "admin@roundtable.invalid", "priya.lakeland@", "morgan.ashby@", "sam.okonjo-reyes@", "rowan.ellery@", "ifeoma.castellanos@", "", ""][who],
        "GET /admin" => "href=\"/admin/people\"",
        "GET /admin/agencies" | "GET /admin/agencies/{id}" => "marac@wyvernhomes.invalid",
        "GET /admin/isa" => "Wyvernshire MARAC Information Sharing Agreement",
        "GET /admin/people" | "GET /admin/people/{id}" => "hollis.varga@children.wyvernshire.invalid",
        "GET /admin/sessions" => "Hollis Varga",
        "GET /audit" => "id=\"verify-audit\"",
        _ => "",
    }
}

fn classify(route: &str, status: u16, body: &Value, raw: &str) -> char {
    if status < 300 {
        // "Nobody" from who-am-i is a refusal; other functions answer `null` for done.
        return if route.ends_with("/who-am-i") && body.is_null() { 'D' } else { 'A' };
    }
    let variant = match body {
        Value::String(s) => s.clone(),
        Value::Object(m) => m.keys().next().cloned().unwrap_or_default(),
        _ => String::new(),
    };
    match variant.as_str() {
        "NotFound" | "SignInRequired" => 'D',
        "ReauthenticationRequired" => 'R',
        "Invalid" | "InvalidFields" | "Conflict" | "SignInFailed" | "RateLimited" => 'A',
        _ => panic!("unexpected answer {status}: {raw}"),
    }
}

async fn call(browser: &mut Browser, route: &str, ids: &Ids, n: usize) -> (u16, Value, String) {
    let path = route.trim_start_matches("POST ");
    let email = format!("matrix{n}@idva.wyvernshire.invalid");
    let answer = match path {
        "/api/auth/begin-enrolment" => browser.call(path, &[("token", "not-a-real-token")]).await,
        "/api/auth/finish-enrolment" => {
            browser.call(path, &[("token", "x"), ("ceremony_id", "x"), ("credential_json", "{}"), ("passkey_name", "x")]).await
        }
        "/api/auth/finish-sign-in" | "/api/auth/finish-reauthentication" => {
            browser.call(path, &[("ceremony_id", "00000000-0000-0000-0000-000000000000"), ("credential_json", "{}")]).await
        }
        "/api/account/finish-add-passkey" => {
            browser.call(path, &[("ceremony_id", "00000000-0000-0000-0000-000000000000"), ("credential_json", "{}"), ("passkey_name", "x")]).await
        }
        "/api/account/rename-passkey" | "/api/account/revoke-passkey" => {
            // Their own passkey when they have an account view, otherwise the administrator's.
            let own = browser.call("/api/account/view", &[]).await;
            let id = own.body["passkeys"][0]["id"].as_str().map(str::to_string).unwrap_or_else(|| ids.admin_passkey.clone());
            if path.ends_with("rename-passkey") {
                browser.call(path, &[("passkey_id", &id), ("name", "Renamed in the matrix")]).await
            } else {
                browser.call(path, &[("passkey_id", &id)]).await
            }
        }
        "/api/admin/save-agency" => {
            let h = &ids.homes;
            browser.call_json(path, &json!({"input": {"id": h["id"], "name": h["name"], "kind": h["kind"], "secure_email": h["secure_email"]}})).await
        }
        "/api/admin/change-agency-state" => {
            browser.call_json(path, &json!({"input": {"agency_id": ids.homes["id"], "state": "active", "reason": "Matrix"}})).await
        }
        "/api/admin/record-signature" => {
            let input = json!({"input": {"agency_id": ids.homes["id"], "isa_version_id": ids.isa_version, "signed_by": "Dana Quill",
                "signed_on": "2026-01-10", "review_on": "2027-01-10"}});
            browser.call_json(path, &input).await
        }
        "/api/admin/publish-isa" => {
            let input = json!({"input": {"label": "Version 9", "body_markdown": "# ISA", "confidentiality_statement": "Confidential.", "resign_by": ""}});
            browser.call_json(path, &input).await
        }
        "/api/admin/invite-user" => {
            let input = json!({"input": {"id": null, "name": "Matrix Person", "email": email, "agency_id": ids.homes["id"], "roles": ["agency_representative"]}});
            browser.call_json(path, &input).await
        }
        "/api/admin/update-user" => {
            let input = json!({"input": {"id": ids.sam, "name": "Sam Okonjo-Reyes", "email": "sam.okonjo-reyes@idva.wyvernshire.invalid",
                "agency_id": ids.sam_agency, "roles": ["idva"]}});
            browser.call_json(path, &input).await
        }
        "/api/admin/set-user-active" => browser.call(path, &[("user_id", &ids.tobias), ("active", "true")]).await,
        "/api/admin/recovery-link" => browser.call(path, &[("user_id", &ids.tobias)]).await,
        "/api/admin/end-session" => browser.call(path, &[("session_id", &ids.spare_session)]).await,
        _ => browser.call(path, &[]).await,
    };
    (answer.status, answer.body, answer.text)
}

async fn page(browser: &mut Browser, route: &str, ids: &Ids) -> String {
    let path = route
        .trim_start_matches("GET ")
        .replace("/admin/agencies/{id}", &format!("/admin/agencies/{}", text(&ids.homes["id"])))
        .replace("/admin/people/{id}", &format!("/admin/people/{}", ids.hollis));
    browser.get(&path).await.text
}

#[tokio::test]
async fn every_route_for_every_kind_of_person() {
    let mut world = World::demo().await;

    // The table lists exactly the addresses the server answers.
    let printed = run(world.server.data.path(), &["routes"]);
    let served: BTreeSet<String> = String::from_utf8_lossy(&printed.stdout).lines().map(str::to_string).collect();
    let listed: BTreeSet<String> = TABLE.iter().map(|(r, _)| r.to_string()).collect();
    assert_eq!(served, listed, "routes served vs listed in the matrix: decide who may use each new route");

    // Collect ids while everyone is still in good standing.
    let overview = world.admin.browser.call("/api/admin/overview", &[]).await.ok();
    let users = world.admin.browser.call("/api/admin/users", &[]).await.ok();
    let admin_view = world.admin.browser.call("/api/account/view", &[]).await.ok();
    let probation = find(&overview["agencies"], "name", "Wyvernshire Probation Service")["id"].clone();
    let sam = find(&users, "name", "Sam Okonjo-Reyes");
    let mut spare = Browser::new(&world.server.base_url);
    spare.sign_in(&mut world.admin.passkey).await.ok();
    let sessions = world.admin.browser.call("/api/admin/sessions", &[]).await.ok();
    let spare_session = sessions.as_array().into_iter().flatten()
        .find(|s| s["user_name"] == "First Administrator" && s["is_yours"] == false)
        .map(|s| text(&s["id"])).unwrap_or_default();
    let ids = Ids {
        homes: find(&overview["agencies"], "name", "Wyvern Homes").clone(),
        isa_version: text(&overview["isa_versions"][0]["id"]),
        sam: text(&sam["id"]),
        sam_agency: text(&sam["agency_id"]),
        tobias: text(&find(&users, "name", "Tobias Wren")["id"]),
        hollis: text(&find(&users, "name", "Hollis Varga")["id"]),
        admin_passkey: text(&admin_view["passkeys"][0]["id"]),
        spare_session,
    };

    // A suspended agency's user and a disabled user keep their (now worthless) cookies.
    world.admin.reauthenticate().await;
    world.admin.browser.call_json("/api/admin/change-agency-state",
        &json!({"input": {"agency_id": probation, "state": "suspended", "reason": "Matrix test"}})).await.ok();
    let zoe = text(&find(&users, "name", "Zoë Brannigan")["id"]);
    world.admin.browser.call("/api/admin/set-user-active", &[("user_id", &zoe), ("active", "false")]).await.ok();
    // Nobody has checked their passkey in the last five minutes.
    let db = open_sqlite(&world.server.db_path()).await;
    sqlx::query("UPDATE sessions SET reauthenticated_at = reauthenticated_at - 600").execute(&db).await.unwrap_or_else(|e| panic!("{e}"));

    let mut anonymous = Browser::new(&world.server.base_url);
    let mut failures = Vec::new();
    let mut checks = 0;
    for (n, (route, expected)) in TABLE.iter().enumerate() {
        let expected: Vec<char> = expected.chars().collect();
        let mut public_answers = BTreeSet::new();
        for who in 0..WHO.len() {
            let browser = match (who, PLAYER[who]) {
                (0, _) => &mut anonymous,
                (_, None) => &mut world.admin.browser,
                (_, Some(name)) => &mut world.person(name).browser,
            };
            checks += 1;
            let got = if route.starts_with("GET ") {
                let html = page(browser, route, &ids).await;
                let marker = page_marker(route, who);
                if expected[who] == 'P' {
                    public_answers.insert(html.contains("<main").to_string());
                    'P'
                } else if !marker.is_empty() && html.contains(marker) {
                    'A'
                } else {
                    'D'
                }
            } else {
                let (status, body, raw) = call(browser, route, &ids, n * 10 + who).await;
                if expected[who] == 'P' {
                    public_answers.insert(format!("{status} {}", if status < 300 { "ok".to_string() } else { raw }));
                    'P'
                } else {
                    classify(route, status, &body, &raw)
                }
            };
            if got != expected[who] {
                failures.push(format!("{route} as {}: expected {}, got {got}", WHO[who], expected[who]));
            }
        }
        if expected.contains(&'P') && public_answers.len() > 1 {
            failures.push(format!("{route} answers differently depending on who asks: {public_answers:?}"));
        }
    }
    eprintln!("authorisation matrix: {} routes x {} kinds of person = {checks} checks", TABLE.len(), WHO.len());
    assert!(failures.is_empty(), "{} of {checks} checks failed:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn nobody_reaches_another_persons_passkeys() {
    let mut world = World::demo().await;
    let admin_passkey = text(&world.admin.browser.call("/api/account/view", &[]).await.ok()["passkeys"][0]["id"]);
    let rep = world.person("Rowan Ellery");
    let rename = rep.browser.call("/api/account/rename-passkey", &[("passkey_id", &admin_passkey), ("name", "Mine now")]).await;
    assert_eq!(rename.error().as_deref(), Some("NotFound"));
    let revoke = rep.browser.call("/api/account/revoke-passkey", &[("passkey_id", &admin_passkey)]).await;
    assert_eq!(revoke.error().as_deref(), Some("NotFound"));
    let unknown = rep.browser.call("/api/account/revoke-passkey", &[("passkey_id", "00000000-0000-0000-0000-000000000000")]).await;
    assert_eq!((unknown.status, unknown.text), (revoke.status, revoke.text), "someone else's passkey looks exactly like none");
    let name = world.admin.browser.call("/api/account/view", &[]).await.ok()["passkeys"][0]["name"].clone();
    assert_eq!(name, "Test passkey");
}

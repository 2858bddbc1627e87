//! Identity over real HTTP with a software passkey: enrolment, sign-in, cookies, sessions and
//! their ends, rate limiting, recovery, and the ISA standing of an agency taking effect at once.

use crate::common;

use common::passkey::{secret_of, Browser, SoftPasskey};
use common::world::{link_in, World};
use common::{open_db, run};
use serde_json::json;

#[tokio::test]
async fn enrolment_and_sign_in_set_a_strict_host_cookie_with_a_fresh_id() {
    let mut world = World::admin_only().await;
    let cookie = world.admin.browser.last_set_cookie.clone().unwrap_or_default();
    assert!(cookie.starts_with("__Host-roundtable="), "{cookie}");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "cookie lacks {flag}: {cookie}");
    }
    assert!(!cookie.to_ascii_lowercase().contains("domain="), "a __Host- cookie names no domain: {cookie}");
    assert!(cookie.contains("; Secure"), "a __Host- cookie must be Secure (browsers accept it on http://localhost only): {cookie}");
    let value = cookie.split(';').next().unwrap_or_default().trim_start_matches("__Host-roundtable=").to_string();
    assert!(value.len() >= 22, "at least 128 bits of randomness: {value}");
    assert_eq!(world.admin.browser.who_am_i().await.as_deref(), Some("First Administrator"));

    let mut second = Browser::new(&world.server.base_url);
    second.sign_in(&mut world.admin.passkey).await.ok();
    assert_ne!(second.cookie, world.admin.browser.cookie, "each sign-in gets a new session id");

    let db = open_db(&world.server.db_path()).await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT id_hash FROM sessions").fetch_all(&db).await.unwrap_or_default();
    assert_eq!(stored.len(), 2, "enrolment's session was replaced by the sign-in's; the second browser has its own");
    assert!(stored.iter().all(|h| !h.contains(&value)), "only a hash of the session id is stored");
}

#[tokio::test]
async fn an_enrolment_link_works_once() {
    let world = World::admin_only().await;
    let out = run(world.server.data.path(), &["enrol-link", "--public-url", common::passkey::ORIGIN, "--email", "second@roundtable.invalid"]);
    let secret = secret_of(&link_in(&String::from_utf8_lossy(&out.stdout)));
    let mut first = Browser::new(&world.server.base_url);
    first.enrol(&secret).await;
    let mut again = Browser::new(&world.server.base_url);
    let answer = again.call("/api/auth/begin-enrolment", &[("token", &secret)]).await;
    assert_eq!(answer.error().as_deref(), Some("Invalid"), "{answer:?}");
    let db = open_db(&world.server.db_path()).await;
    let hashes: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM invitations").fetch_all(&db).await.unwrap_or_default();
    assert!(hashes.iter().all(|h| h != &secret), "the secret itself is never stored");
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let mut world = World::admin_only().await;
    let mut copy = world.admin.browser.clone_session();
    world.admin.browser.call("/api/auth/sign-out", &[]).await.ok();
    assert_eq!(world.admin.browser.who_am_i().await, None);
    assert_eq!(copy.who_am_i().await, None, "a copied cookie is worthless after sign-out");
}

#[tokio::test]
async fn failed_sign_ins_reveal_nothing_and_are_rate_limited() {
    let mut world = World::demo().await;
    let fake_options = r#"{"publicKey":{"user":{"id":"AAAAAAAAAAAAAAAAAAAAAA"},"challenge":"AAAA","rp":{"id":"localhost"}}}"#;
    let (mut stranger, _) = SoftPasskey::register(fake_options);
    let mut browser = Browser::new(&world.server.base_url);
    let unknown = browser.sign_in(&mut stranger).await;

    // A real passkey of a person whose agency withdrew from the ISA: proven, so they are told
    // why plainly (a stranger's passkey still learns nothing).
    let mut other = Browser::new(&world.server.base_url);
    let withdrawn = world.person("Tobias Wren");
    let refused = other.sign_in(&mut withdrawn.passkey).await;
    assert_eq!(unknown.error().as_deref(), Some("SignInFailed"), "{unknown:?}");
    assert_eq!(refused.error().as_deref(), Some("Invalid"), "{refused:?}");
    assert!(refused.text.contains("Information Sharing Agreement has ended"), "{}", refused.text);
    assert!(other.cookie.is_none(), "no session for a withdrawn agency's user");

    let mut last = unknown;
    for _ in 0..12 {
        last = browser.sign_in(&mut stranger).await;
    }
    assert_eq!(last.error().as_deref(), Some("RateLimited"), "{last:?}");
}

#[tokio::test]
async fn idle_and_absolute_timeouts_end_sessions() {
    let mut world = World::admin_only().await;
    let db = open_db(&world.server.db_path()).await;
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 16 * 60").execute(&db).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(world.admin.browser.who_am_i().await, None, "idle for 16 minutes: ended");

    world.admin.browser.sign_in(&mut world.admin.passkey).await.ok();
    sqlx::query("UPDATE sessions SET created_at = created_at - 9 * 3600").execute(&db).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(world.admin.browser.who_am_i().await, None, "older than 8 hours though active: ended");
}

#[tokio::test]
async fn suspending_an_agency_needs_reauthentication_and_ends_its_sessions_at_once() {
    let mut world = World::demo().await;
    assert_eq!(world.person("Rowan Ellery").browser.who_am_i().await.as_deref(), Some("Rowan Ellery"));
    let overview = world.admin.browser.call("/api/admin/overview", &[]).await.ok();
    let homes = overview["agencies"].as_array().into_iter().flatten().find(|a| a["name"] == "Wyvern Homes").cloned().unwrap_or_default();
    let input = json!({"input": {"agency_id": homes["id"], "state": "suspended", "reason": "Data breach under investigation"}});
    // Signing in is a passkey check; ten minutes later it no longer counts as recent.
    let db = open_db(&world.server.db_path()).await;
    sqlx::query("UPDATE sessions SET reauthenticated_at = reauthenticated_at - 600").execute(&db).await.unwrap_or_else(|e| panic!("{e}"));

    let stale = world.admin.browser.call_json("/api/admin/change-agency-state", &input).await;
    assert_eq!(stale.error().as_deref(), Some("ReauthenticationRequired"), "{stale:?}");
    assert_eq!(world.person("Rowan Ellery").browser.who_am_i().await.as_deref(), Some("Rowan Ellery"), "nothing changed");

    world.admin.reauthenticate().await;
    world.admin.browser.call_json("/api/admin/change-agency-state", &input).await.ok();
    let rowan = world.person("Rowan Ellery");
    assert_eq!(rowan.browser.who_am_i().await, None, "session ended at once");
    let again = rowan.browser.sign_in(&mut rowan.passkey).await;
    assert_eq!(again.error().as_deref(), Some("Invalid"), "told plainly, their passkey being their own: {again:?}");
    assert!(again.text.contains("Information Sharing Agreement has ended"), "{}", again.text);
    let page = rowan.browser.get("/account").await;
    assert!(page.text.contains("You need to sign in"), "no account page for a suspended agency");
}

#[tokio::test]
async fn disabling_a_person_and_issuing_a_recovery_link_end_their_sessions() {
    let mut world = World::demo().await;
    let users = world.admin.browser.call("/api/admin/users", &[]).await.ok();
    let id_of = |name: &str| {
        users.as_array().into_iter().flatten().find(|u| u["name"] == name).and_then(|u| u["id"].as_str()).unwrap_or_default().to_string()
    };
    let (jude, zoe) = (id_of("Jude Marchetti"), id_of("Zoë Brannigan"));

    world.admin.browser.call("/api/admin/set-user-active", &[("user_id", &jude), ("active", "false")]).await.ok();
    let jude_p = world.person("Jude Marchetti");
    assert_eq!(jude_p.browser.who_am_i().await, None);
    assert_eq!(jude_p.browser.sign_in(&mut jude_p.passkey).await.error().as_deref(), Some("SignInFailed"));

    let link = world.admin.browser.call("/api/admin/recovery-link", &[("user_id", &zoe)]).await.ok();
    let zoe_p = world.person("Zoë Brannigan");
    assert_eq!(zoe_p.browser.who_am_i().await, None, "recovery ends the person's sessions");
    let mut fresh = Browser::new(&world.server.base_url);
    let mut new_key = fresh.enrol(&secret_of(link["url"].as_str().unwrap_or_default())).await;
    fresh.sign_in(&mut new_key).await.ok();
    assert_eq!(fresh.who_am_i().await.as_deref(), Some("Zoë Brannigan"));
}

#[tokio::test]
async fn an_administrator_sees_and_ends_live_sessions() {
    let mut world = World::demo().await;
    let sessions = world.admin.browser.call("/api/admin/sessions", &[]).await.ok();
    let list = sessions.as_array().cloned().unwrap_or_default();
    assert!(list.len() >= 8, "{sessions}");
    assert!(list.iter().all(|s| s["user_name"] != "Tobias Wren"), "no session exists for a withdrawn agency's user");
    let hollis = list.iter().find(|s| s["user_name"] == "Hollis Varga").and_then(|s| s["id"].as_str()).unwrap_or_default().to_string();
    world.admin.browser.call("/api/admin/end-session", &[("session_id", &hollis)]).await.ok();
    assert_eq!(world.person("Hollis Varga").browser.who_am_i().await, None);
    assert_eq!(world.person("Rowan Ellery").browser.who_am_i().await.as_deref(), Some("Rowan Ellery"), "others untouched");
}

#[tokio::test]
async fn coordinators_invite_frontline_people_only_and_bad_input_names_its_field() {
    let mut world = World::demo().await;
    let coordinator = world.person("Priya Lakeland");
    let overview = coordinator.browser.call("/api/admin/overview", &[]).await.ok();
    let idva = overview["agencies"].as_array().into_iter().flatten().find(|a| a["name"] == "Wyvernshire IDVA Service").cloned().unwrap_or_default();
    let person =
        |roles: &[&str], email: &str| json!({"input": {"id": null, "name": "Alex Fenwick", "email": email, "agency_id": idva["id"], "roles": roles}});
    let bad = coordinator.browser.call_json("/api/admin/invite-user", &person(&["agency_representative"], "not-an-email")).await;
    assert_eq!(bad.error().as_deref(), Some("InvalidFields"), "{bad:?}");
    assert!(bad.text.contains("\"person-email\""), "the problem names the email field: {}", bad.text);

    for privileged in ["administrator", "idva", "chair", "coordinator", "data_protection_officer"] {
        let refused = coordinator.browser.call_json("/api/admin/invite-user", &person(&[privileged], "alex@idva.wyvernshire.invalid")).await;
        assert_eq!(refused.error().as_deref(), Some("NotFound"), "{privileged}: {refused:?}");
    }

    let ok = coordinator.browser.call_json("/api/admin/invite-user", &person(&["agency_representative"], "alex@idva.wyvernshire.invalid")).await.ok();
    assert!(ok["url"].as_str().unwrap_or_default().contains("/enrol#"), "{ok}");
    let twice = coordinator.browser.call_json("/api/admin/invite-user", &person(&["agency_representative"], "ALEX@idva.wyvernshire.invalid")).await;
    assert_eq!(twice.error().as_deref(), Some("InvalidFields"), "the same email twice is refused: {twice:?}");
}

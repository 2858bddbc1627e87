//! Issue 19 over real HTTP: each attack the review confirmed against the demo, tried again, and
//! shown to fail (with the legitimate use beside it still working). On SQLite by default and on
//! PostgreSQL when `ROUNDTABLE_TEST_POSTGRES` is set.

use crate::common;

use common::passkey::{secret_of, Browser, SoftPasskey, ORIGIN};
use common::world::{link_in, World};
use common::{age_passkey_checks, open_db, run};
use serde_json::{json, Value};

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array().into_iter().flatten().find(|v| v[key] == value).unwrap_or_else(|| panic!("no {key}={value} in {list}"))
}

async fn scalar(db: &sqlx::AnyPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(db).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Adds a passkey to the signed-in browser's account; the server's answer to the finishing call.
async fn add_passkey(browser: &mut Browser, name: &str) -> (Option<SoftPasskey>, common::passkey::Answer) {
    let begin = browser.call("/api/account/begin-add-passkey", &[]).await;
    if begin.status >= 300 {
        return (None, begin);
    }
    let (passkey, credential) = SoftPasskey::register(begin.body["options_json"].as_str().unwrap_or_default());
    let done = browser
        .call(
            "/api/account/finish-add-passkey",
            &[("ceremony_id", &text(&begin.body["id"])), ("credential_json", &credential), ("passkey_name", name)],
        )
        .await;
    (Some(passkey), done)
}

/// Subjects of the notices queued for an address.
async fn notices(db: &sqlx::AnyPool, email: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT subject FROM email_outbox WHERE to_address = $1 AND copy_id IS NULL ORDER BY created_at")
        .bind(email)
        .fetch_all(db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

// 1. Account takeover with a session alone.
#[tokio::test]
async fn a_stolen_session_cannot_add_or_remove_passkeys_and_removing_one_ends_its_sessions() {
    let mut world = World::admin_only().await;
    let db = open_db(&world.server.db_path()).await;
    age_passkey_checks(&world.server.db_path()).await;
    let own = text(&world.admin.browser.call("/api/account/view", &[]).await.ok()["passkeys"][0]["id"]);

    // The thief holds only the cookie: no passkey check, so nothing about passkeys changes.
    let mut thief = world.admin.browser.clone_session();
    let (_, added) = add_passkey(&mut thief, "Thief's key").await;
    assert_eq!(added.error().as_deref(), Some("ReauthenticationRequired"), "{added:?}");
    let revoke = thief.call("/api/account/revoke-passkey", &[("passkey_id", &own)]).await;
    assert_eq!(revoke.error().as_deref(), Some("ReauthenticationRequired"), "{revoke:?}");
    let rename = thief.call("/api/account/rename-passkey", &[("passkey_id", &own), ("name", "Mine")]).await;
    assert_eq!(rename.error().as_deref(), Some("ReauthenticationRequired"), "{rename:?}");
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM passkeys").await, 1, "nothing changed");
    // The account page itself still opens for them: the refusal is of the change, not a broken page.
    assert!(thief.call("/api/account/view", &[]).await.ok()["passkeys"].as_array().is_some_and(|p| p.len() == 1));

    // The owner, with their passkey, adds a second one and signs in with it elsewhere.
    world.admin.reauthenticate().await;
    let (second, done) = add_passkey(&mut world.admin.browser, "Phone").await;
    let second_id = text(&done.ok()["id"]);
    let mut second = second.unwrap_or_else(|| panic!("no passkey"));
    let mut phone = Browser::new(&world.server.base_url);
    phone.sign_in(&mut second).await.ok();
    assert_eq!(phone.who_am_i().await.as_deref(), Some("First Administrator"));

    // Removing the second passkey ends the session it opened, and only that one.
    let removed = world.admin.browser.call("/api/account/revoke-passkey", &[("passkey_id", &second_id)]).await;
    assert!(removed.status < 300, "{removed:?}");
    assert_eq!(phone.who_am_i().await, None, "the session opened with the removed passkey ended");
    assert_eq!(world.admin.browser.who_am_i().await.as_deref(), Some("First Administrator"), "the others go on");
    let last = world.admin.browser.call("/api/account/revoke-passkey", &[("passkey_id", &own)]).await;
    assert_eq!(last.error().as_deref(), Some("Invalid"), "the last passkey stays: {last:?}");

    // Each change was audited and emailed to the owner, content-free.
    for action in ["passkey.add", "passkey.revoke"] {
        assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND outcome = 'success'")).await, 1, "{action}");
    }
    let sent = notices(&db, "admin@roundtable.invalid").await;
    assert!(sent.iter().any(|s| s.contains("added")) && sent.iter().any(|s| s.contains("removed")), "{sent:?}");
    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM email_outbox WHERE copy_id IS NULL").fetch_all(&db).await.unwrap_or_default();
    assert!(bodies.iter().all(|b| !b.contains("/enrol#") && !b.contains("Phone")), "notices carry no link that signs in and no details: {bodies:?}");
}

// 2. An administrator giving themselves case data.
#[tokio::test]
async fn an_administrator_cannot_give_themselves_case_data() {
    let mut world = World::demo().await;
    let base = world.server.base_url.clone();
    let db = open_db(&world.server.db_path()).await;
    let overview = world.admin.browser.call("/api/admin/overview", &[]).await.ok();
    let idva_service = text(&find(&overview["agencies"], "name", "Wyvernshire IDVA Service")["id"]);
    let users = world.admin.browser.call("/api/admin/users", &[]).await.ok();
    let dpo_id = text(&find(&users, "name", "Ifeoma Castellanos")["id"]);
    let admin_id = text(
        &world
            .admin
            .browser
            .call("/api/admin/users", &[])
            .await
            .ok()
            .as_array()
            .into_iter()
            .flatten()
            .find(|u| u["name"] == "First Administrator")
            .map(|u| u["id"].clone())
            .unwrap_or_default(),
    );
    age_passkey_checks(&world.server.db_path()).await;

    // Inviting a "coordinator and DPO" of their own making asks for the passkey first...
    let sock_puppet = json!({"input": {"id": null, "name": "Pat Sock", "email": "pat.sock@idva.wyvernshire.invalid",
        "agency_id": idva_service, "roles": ["coordinator", "data_protection_officer"]}});
    let stale = world.admin.browser.call_json("/api/admin/invite-user", &sock_puppet).await;
    assert_eq!(stale.error().as_deref(), Some("ReauthenticationRequired"), "{stale:?}");
    // ...and even with it, the roles wait for a second person: the link opens an account with none.
    world.admin.reauthenticate().await;
    let link = world.admin.browser.call_json("/api/admin/invite-user", &sock_puppet).await.ok();
    assert_eq!(link["awaiting_approval"].as_array().map(Vec::len), Some(2), "{link}");
    let pat = text(&link["user_id"]);
    assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM user_roles WHERE user_id = '{pat}'")).await, 0, "no role took effect");
    let mut puppet = Browser::new(&base);
    let mut puppet_key = puppet.enrol(&secret_of(text(&link["url"]).as_str())).await;
    puppet.sign_in(&mut puppet_key).await.ok();
    assert_eq!(puppet.who_am_i().await.as_deref(), Some("Pat Sock"), "the account works...");
    let cases = puppet.call("/api/cases/mine", &[]).await;
    assert_eq!(cases.error().as_deref(), Some("NotFound"), "...but opens no case: {cases:?}");

    // The administrator cannot approve their own request; the DPO role is the DPO's to decide.
    let grants = world.admin.browser.call("/api/admin/role-grants", &[]).await.ok();
    let pending = grants["pending"].as_array().cloned().unwrap_or_default();
    assert_eq!(pending.len(), 2, "one grant for the coordinator role, one for the DPO role: {grants}");
    assert!(pending.iter().all(|g| g["may_decide"] == false), "{grants}");
    for g in &pending {
        let own = world.admin.browser.call("/api/admin/approve-grant", &[("grant_id", &text(&g["id"]))]).await;
        assert_eq!(own.error().as_deref(), Some("Invalid"), "{own:?}");
    }
    let dpo_grant = pending.iter().find(|g| g["roles"].to_string().contains("Data protection officer")).cloned().unwrap_or_default();
    let coordinator_grant = pending.iter().find(|g| g["roles"].to_string().contains("coordinator")).cloned().unwrap_or_default();
    let dpo = world.person("Ifeoma Castellanos");
    dpo.reauthenticate().await;
    let seen = dpo.browser.call("/api/admin/role-grants", &[]).await.ok();
    assert_eq!(seen["pending"].as_array().map(Vec::len), Some(1), "the DPO sees the DPO grant only: {seen}");
    let not_hers = dpo.browser.call("/api/admin/approve-grant", &[("grant_id", &text(&coordinator_grant["id"]))]).await;
    assert_eq!(not_hers.error().as_deref(), Some("NotFound"), "{not_hers:?}");
    dpo.browser.call("/api/admin/refuse-grant", &[("grant_id", &text(&dpo_grant["id"]))]).await.ok();
    assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM user_roles WHERE user_id = '{pat}'")).await, 0);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE action = 'role_grant.refuse'").await, 1);

    // Nor can the administrator give a role to themselves.
    let me = json!({"input": {"id": admin_id, "name": "First Administrator", "email": "admin@roundtable.invalid", "agency_id": "platform",
        "roles": ["administrator", "data_protection_officer"]}});
    let self_grant = world.admin.browser.call_json("/api/admin/update-user", &me).await;
    assert_eq!(self_grant.error().as_deref(), Some("InvalidFields"), "{self_grant:?}");

    // A recovery link for the DPO: a passkey check, an email to the DPO, and using it without the
    // DPO's own passkey removes that passkey, so the DPO notices at once.
    age_passkey_checks(&world.server.db_path()).await;
    let stale = world.admin.browser.call("/api/admin/recovery-link", &[("user_id", &dpo_id)]).await;
    assert_eq!(stale.error().as_deref(), Some("ReauthenticationRequired"), "{stale:?}");
    world.admin.reauthenticate().await;
    let recovery = world.admin.browser.call("/api/admin/recovery-link", &[("user_id", &dpo_id)]).await.ok();
    let mut hijack = Browser::new(&base);
    hijack.enrol(&secret_of(&text(&recovery["url"]))).await;
    let dpo = world.person("Ifeoma Castellanos");
    let mut again = Browser::new(&base);
    let refused = again.sign_in(&mut dpo.passkey).await;
    assert_eq!(refused.error().as_deref(), Some("SignInFailed"), "the DPO's old passkey no longer works: {refused:?}");
    let sent = notices(&db, "ifeoma.castellanos@adults.wyvernshire.invalid").await;
    assert!(sent.iter().any(|s| s.contains("recovery link")) && sent.iter().any(|s| s.contains("recovered")), "{sent:?}");
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE action = 'account.recover'").await, 1);

    // A real recovery: the person proves a passkey they still hold and keeps it.
    let zoe = text(&find(&users, "name", "Zoë Brannigan")["id"]);
    let recovery = world.admin.browser.call("/api/admin/recovery-link", &[("user_id", &zoe)]).await.ok();
    let secret = secret_of(&text(&recovery["url"]));
    let zoe_p = world.person("Zoë Brannigan");
    let mut fresh = Browser::new(&base);
    let keep = fresh.call("/api/auth/begin-keep-passkeys", &[("token", &secret)]).await.ok();
    let proof = zoe_p.passkey.assert(keep["options_json"].as_str().unwrap_or_default());
    let ceremony = fresh.call("/api/auth/begin-enrolment", &[("token", &secret)]).await.ok();
    let (_new_key, credential) = SoftPasskey::register(ceremony["options_json"].as_str().unwrap_or_default());
    fresh
        .call(
            "/api/auth/finish-enrolment",
            &[
                ("token", &secret),
                ("ceremony_id", &text(&ceremony["id"])),
                ("credential_json", &credential),
                ("passkey_name", "New phone"),
                ("keep_ceremony_id", &text(&keep["id"])),
                ("keep_credential_json", &proof),
            ],
        )
        .await
        .ok();
    let mut old_device = Browser::new(&base);
    old_device.sign_in(&mut zoe_p.passkey).await.ok();
    assert_eq!(old_device.who_am_i().await.as_deref(), Some("Zoë Brannigan"), "the proven passkey was kept");

    // Coordinators invite agency representatives into current signatories only.
    let coordinator = world.person("Priya Lakeland");
    let withdrawn = text(&find(&overview["agencies"], "name", "Wyvernshire Recovery Partnership")["id"]);
    let person = |roles: &[&str], agency: &str, email: &str| json!({"input": {"id": null, "name": "Alex Fenwick", "email": email, "agency_id": agency, "roles": roles}});
    for role in ["chair", "idva"] {
        let refused = coordinator.browser.call_json("/api/admin/invite-user", &person(&[role], &idva_service, "alex@idva.wyvernshire.invalid")).await;
        assert_eq!(refused.error().as_deref(), Some("NotFound"), "{role}: {refused:?}");
    }
    let outside =
        coordinator.browser.call_json("/api/admin/invite-user", &person(&["agency_representative"], &withdrawn, "alex@recovery.invalid")).await;
    assert_eq!(outside.error().as_deref(), Some("InvalidFields"), "{outside:?}");
    let ok = coordinator
        .browser
        .call_json("/api/admin/invite-user", &person(&["agency_representative"], &idva_service, "alex@idva.wyvernshire.invalid"))
        .await;
    assert!(ok.ok()["url"].as_str().is_some_and(|u| u.contains("/enrol#")));
}

/// Calls a server function as a client behind the TLS proxy (`forwarded` is the address the
/// proxy saw); returns the status and body.
async fn via_proxy(base: &str, path: &str, form: &[(&str, &str)], forwarded: &str, cookie: Option<&str>) -> (u16, String, Option<String>) {
    let mut req = common::client()
        .post(format!("{base}{path}"))
        .header("origin", ORIGIN)
        .header("x-roundtable-request", "1")
        .header("x-forwarded-for", forwarded)
        .form(form);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.unwrap_or_else(|e| panic!("{e}"));
    let status = res.status().as_u16();
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("__Host-roundtable=") && !c.starts_with("__Host-roundtable=;"))
        .map(|c| c.split(';').next().unwrap_or_default().to_string());
    (status, res.text().await.unwrap_or_default(), cookie)
}

async fn sign_in_via_proxy(base: &str, passkey: &mut SoftPasskey, forwarded: &str) -> (u16, String, Option<String>) {
    let (status, body, _) = via_proxy(base, "/api/auth/begin-sign-in", &[], forwarded, None).await;
    if status >= 300 {
        return (status, body, None);
    }
    let ceremony: Value = serde_json::from_str(&body).unwrap_or_default();
    let credential = passkey.assert(ceremony["options_json"].as_str().unwrap_or_default());
    via_proxy(base, "/api/auth/finish-sign-in", &[("ceremony_id", &text(&ceremony["id"])), ("credential_json", &credential)], forwarded, None).await
}

// 3. One client locking everyone out of sign-in.
#[tokio::test]
async fn one_client_behind_the_proxy_cannot_lock_everyone_out_of_sign_in() {
    let mut world = World::admin_only_with(&["--trusted-proxy", "127.0.0.1"]).await;
    let base = world.server.base_url.clone();
    let db = open_db(&world.server.db_path()).await;
    let before = scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE action = 'session.sign_in' AND outcome <> 'success'").await;
    let fake_options = r#"{"publicKey":{"user":{"id":"AAAAAAAAAAAAAAAAAAAAAA"},"challenge":"AAAA","rp":{"id":"localhost"}}}"#;
    let (mut stranger, _) = SoftPasskey::register(fake_options);
    let mut last = (0, String::new(), None);
    for _ in 0..40 {
        last = sign_in_via_proxy(&base, &mut stranger, "203.0.113.66").await;
    }
    assert!(last.1.contains("RateLimited"), "the attacker is slowed: {last:?}");
    // Everyone else shares the proxy's address, yet signs in.
    let (status, body, cookie) = sign_in_via_proxy(&base, &mut world.admin.passkey, "198.51.100.7").await;
    assert!(status < 300 && cookie.is_some(), "{status} {body}");
    // A client cannot choose its own address by sending the header itself.
    let spoofed = sign_in_via_proxy(&base, &mut stranger, "198.51.100.7, 203.0.113.66").await;
    assert!(spoofed.1.contains("RateLimited"), "{spoofed:?}");

    // Ceremony starts are limited too, per client.
    let mut starts = 0;
    loop {
        let (status, body, _) = via_proxy(&base, "/api/auth/begin-sign-in", &[], "203.0.113.99", None).await;
        if body.contains("RateLimited") {
            assert_eq!(status, 429);
            break;
        }
        starts += 1;
        assert!(starts <= 400, "ceremony starts are never refused");
    }
    let (status, _, _) = via_proxy(&base, "/api/auth/begin-sign-in", &[], "198.51.100.8", None).await;
    assert!(status < 300, "another client still starts");

    // Forty refusals and failures leave a handful of audit entries, not forty.
    let after = scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE action IN ('session.sign_in', 'ceremony.start') AND outcome <> 'success'").await;
    assert!(after - before <= 6, "refusals are aggregated: {} entries", after - before);
    assert!(after - before >= 1, "but recorded");
}

// 4. Trimming and forging the audit log: as the file's holder on SQLite, as the app role on PostgreSQL.
#[tokio::test]
async fn trimming_and_forging_the_audit_log_are_refused_or_found() {
    let data = common::fresh_data_dir();
    let app_url = match (common::postgres(), common::database_url(data.path())) {
        (Some(cluster), Some(_)) => Some(common::migrate_for_app_role(&cluster, data.path())),
        _ => None,
    };
    let mut world = World::admin_only_in(data, &[]).await;
    world.server.audit_tampered_on_purpose();
    for _ in 0..3 {
        let mut b = Browser::new(&world.server.base_url);
        b.sign_in(&mut world.admin.passkey).await.ok();
    }
    let checkpoint = run(world.server.data.path(), &["checkpoint"]);
    assert!(checkpoint.status.success(), "{}", String::from_utf8_lossy(&checkpoint.stderr));
    let verify = |world: &World| {
        let out = run(world.server.data.path(), &["verify-audit"]);
        (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    };
    let (ok, printed) = verify(&world);
    assert!(ok && printed.contains("Checked against the latest of 1 signed checkpoints"), "{printed}");
    let db = open_db(&world.server.db_path()).await;
    let head = scalar(&db, "SELECT MAX(seq) FROM audit_log").await;

    // Trimming: a horizon at the head, or past entries younger than the retention period, is refused.
    let hash: String = sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1").bind(head).fetch_one(&db).await.unwrap_or_default();
    let trim_head = format!("INSERT INTO audit_horizon (seq, hash, purged_at, last_at) SELECT seq, hash, 0, at FROM audit_log WHERE seq = {head}");
    let trim_old = "INSERT INTO audit_horizon (seq, hash, purged_at, last_at) SELECT seq, hash, 0, at FROM audit_log WHERE seq = 2";
    for attack in [trim_head.as_str(), trim_old] {
        let refused = sqlx::query(sqlx::AssertSqlSafe(attack.to_string())).execute(&db).await;
        assert!(refused.is_err_and(|e| e.to_string().contains("audit_horizon")), "{attack}");
    }
    assert!(sqlx::query("DELETE FROM audit_log WHERE seq <= 2").execute(&db).await.is_err(), "nothing below a horizon, so nothing goes");
    assert!(!hash.is_empty());

    // Forging: the app role can append, but not seal; the old unkeyed hash does not pass either.
    let prev: String = sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1").bind(head).fetch_one(&db).await.unwrap_or_default();
    let content = shared::audit::AuditContent {
        seq: head + 1,
        at: 1_800_000_000,
        actor_user_id: None,
        actor_agency_id: None,
        action: "case.erase".into(),
        record_type: None,
        record_id: None,
        outcome: "success".into(),
        purpose: None,
        details: "{}".into(),
    };
    // The old unkeyed chain hash, which anyone who can insert could compute before the key.
    let unkeyed = shared::audit::chain_hash(&prev, &content);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, action, outcome, details, prev_hash, hash, chain) VALUES ($1, $2, 'case.erase', 'success', '{}', $3, $4, 1)",
    )
    .bind(content.seq)
    .bind(content.at)
    .bind(&prev)
    .bind(&unkeyed)
    .execute(&db)
    .await
    .unwrap_or_else(|e| panic!("the app role may append: {e}"));
    let (ok, printed) = verify(&world);
    assert!(!ok, "{printed}");
    assert!(printed.contains(&format!("Entry {} was not written by Roundtable", content.seq)), "{printed}");
    // Nor can the forgery be removed again.
    assert!(sqlx::query("DELETE FROM audit_log WHERE seq = $1").bind(content.seq).execute(&db).await.is_err());
    // And the next entry the server writes is sealed, after it: the forgery stays visible.
    let mut b = Browser::new(&world.server.base_url);
    b.sign_in(&mut world.admin.passkey).await.ok();
    assert_eq!(scalar(&db, "SELECT chain FROM audit_log ORDER BY seq DESC LIMIT 1").await, 2);
    drop(db);

    // With the owner's (or the file holder's) power the guards can be lifted; the checkpoint and
    // the seals still tell: entries removed from the end, and a forged horizon under old entries.
    let mut world = World::admin_only().await;
    world.server.audit_tampered_on_purpose();
    for _ in 0..3 {
        let mut b = Browser::new(&world.server.base_url);
        b.sign_in(&mut world.admin.passkey).await.ok();
    }
    assert!(run(world.server.data.path(), &["checkpoint"]).status.success());
    let db = open_db(&world.server.db_path()).await;
    let head = scalar(&db, "SELECT MAX(seq) FROM audit_log").await;
    let lift = if common::postgres().is_some() {
        vec!["ALTER TABLE audit_log DISABLE TRIGGER USER".to_string(), "ALTER TABLE audit_horizon DISABLE TRIGGER USER".to_string()]
    } else {
        vec!["DROP TRIGGER audit_log_no_delete".to_string(), "DROP TRIGGER audit_horizon_guard".to_string()]
    };
    for s in &lift {
        sqlx::query(sqlx::AssertSqlSafe(s.clone())).execute(&db).await.unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    sqlx::query("DELETE FROM audit_log WHERE seq >= $1").bind(head - 1).execute(&db).await.unwrap_or_else(|e| panic!("{e}"));
    let (ok, printed) = verify(&world);
    assert!(!ok && printed.contains(&format!("Entries from {} onward were removed", head - 1)), "truncation: {printed}");
    sqlx::query("INSERT INTO audit_horizon (seq, hash, purged_at, last_at, mac) SELECT seq, hash, at, at, 'forged' FROM audit_log WHERE seq = 3")
        .execute(&db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    sqlx::query("DELETE FROM audit_log WHERE seq <= 3").execute(&db).await.unwrap_or_else(|e| panic!("{e}"));
    let (ok, printed) = verify(&world);
    assert!(!ok && printed.contains("was not set by Roundtable's purge"), "trim from below: {printed}");
    if let Some((owner, _)) = app_url {
        assert!(owner.starts_with("postgres"), "ran as the app role on PostgreSQL");
    }
}

// 5. Oversized input reaching the audit log.
#[tokio::test]
async fn an_oversized_identifier_is_refused_with_422_and_never_logged() {
    let mut world = World::demo().await;
    let db = open_db(&world.server.db_path()).await;
    let longest_before = scalar(&db, "SELECT COALESCE(MAX(LENGTH(record_id)), 0) FROM audit_log").await;
    let rep = world.person("Rowan Ellery");
    let huge = "x".repeat(200 * 1024);
    let refused = rep.browser.call("/api/cases/view", &[("id", &huge)]).await;
    assert_eq!(refused.status, 422, "{}", &refused.text[..refused.text.len().min(300)]);
    assert!(refused.text.len() < 1_000, "the answer does not echo the input");
    let json = rep.browser.call_json("/api/cases/rectify", &json!({"input": {"case_id": huge, "target": "", "value": "", "reason": ""}})).await;
    assert_eq!(json.status, 422);
    let page = rep.browser.get(&format!("/cases/{}", "y".repeat(150))).await;
    assert_eq!(page.status, 422);
    // An ordinary id still gets the ordinary answer, on the same route.
    let normal = rep.browser.call("/api/cases/view", &[("id", "00000000-0000-0000-0000-000000000000")]).await;
    assert_eq!(normal.error().as_deref(), Some("NotFound"));
    let longest = scalar(&db, "SELECT COALESCE(MAX(LENGTH(record_id)), 0) FROM audit_log").await;
    assert!(longest <= longest_before.max(100), "nothing oversized was written: {longest}");
    let details = scalar(&db, "SELECT COALESCE(MAX(LENGTH(details)), 0) FROM audit_log").await;
    assert!(details < 4_000, "{details}");
}

// 6. Subject access redaction on names whose case changes their length.
#[tokio::test]
async fn a_victims_export_leaves_out_other_peoples_names_whatever_their_script() {
    let mut world = World::demo().await;
    let db = open_db(&world.server.db_path()).await;
    let referral: String = sqlx::query_scalar(
        "SELECT r.id FROM referrals r JOIN victims v ON v.referral_id = r.id WHERE v.name = 'Ada Thornbury' AND r.case_id IS NOT NULL LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    sqlx::query("INSERT INTO household_members (id, referral_id, position, name, relationship) VALUES ('hm-ilkay', $1, 9, 'İlkay Yıldız', 'Lodger')")
        .bind(&referral)
        .execute(&db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    sqlx::query("UPDATE referrals SET summary_markdown = COALESCE(summary_markdown, '') || ' İLKAY YILDIZ and ilkay were there; STRAUSS was not.' WHERE id = $1")
        .bind(&referral).execute(&db).await.unwrap_or_else(|e| panic!("{e}"));
    let dpo = world.person("Ifeoma Castellanos");
    dpo.reauthenticate().await;
    let found = dpo.browser.call("/api/subject-access/find", &[("query", "Ada Thornbury")]).await.ok();
    let ada = text(&find(&found, "kind", "victim")["id"]);
    let request = text(&dpo.browser.call("/api/subject-access/prepare", &[("kind", "victim"), ("id", &ada)]).await.ok());
    let view = dpo.browser.call("/api/subject-access/view", &[("id", &request)]).await.ok();
    let export = view["export"].to_string();
    for gone in ["LKAY", "lkay", "ILDIZ", "ıldız"] {
        assert!(!export.contains(gone), "{gone} in {export}");
    }
    assert!(export.contains("withheld: another person") && export.contains("were there"), "{export}");

    // 8. The DPO who prepared it cannot approve it; a second DPO can.
    let own = dpo.browser.call("/api/subject-access/approve", &[("id", &request)]).await;
    assert_eq!(own.error().as_deref(), Some("Invalid"), "{own:?}");
    let second = world.person("Nadia Fairweather");
    second.reauthenticate().await;
    second.browser.call("/api/subject-access/approve", &[("id", &request)]).await.ok();
    let (status, _, _) = second.browser.download(&format!("/subject-access/{request}/export.json")).await;
    assert_eq!(status, 200);
}

// 7. Erasure: legal holds, every table and free text, and the file itself.
#[tokio::test]
async fn erasure_honours_holds_and_leaves_no_trace_of_the_name_in_the_database() {
    let mut world = World::demo().await;
    let db = open_db(&world.server.db_path()).await;
    let cases = world.person("Priya Lakeland").browser.call("/api/cases/mine", &[]).await.ok();
    let ada_case = text(&find(&cases, "victim_name", "Ada Thornbury")["id"]);
    let reference = text(&find(&cases, "victim_name", "Ada Thornbury")["reference"]);
    let (member, name): (String, String) =
        sqlx::query_as("SELECT h.id, h.name FROM household_members h JOIN referrals r ON r.id = h.referral_id WHERE r.case_id = $1 LIMIT 1")
            .bind(&ada_case)
            .fetch_one(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    // The name in free text, as agencies write it, and in a subject access request about them.
    let marker = format!("{name} Zqxwv");
    sqlx::query("UPDATE referrals SET summary_markdown = COALESCE(summary_markdown, '') || $1 WHERE case_id = $2")
        .bind(format!(" {} was at home. ZQXWV too.", name.to_uppercase()))
        .bind(&ada_case)
        .execute(&db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    sqlx::query("UPDATE household_members SET name = $1 WHERE id = $2")
        .bind(&marker)
        .bind(&member)
        .execute(&db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let dpo = world.person("Ifeoma Castellanos");
    dpo.reauthenticate().await;
    let found = dpo.browser.call("/api/subject-access/find", &[("query", "Zqxwv")]).await.ok();
    let hm = text(&find(&found, "kind", "household_member")["id"]);
    dpo.browser.call("/api/subject-access/prepare", &[("kind", "household_member"), ("id", &hm)]).await.ok();

    let erase = json!({"input": {"case_id": ada_case, "target": format!("household:{member}"), "ground": "added_in_error"}});
    dpo.browser.call_json("/api/retention/hold", &json!({"input": {"reference": reference, "reason": "Court order", "hold": true}})).await.ok();
    let held = dpo.browser.call_json("/api/cases/erase", &erase).await;
    assert_eq!(held.error().as_deref(), Some("InvalidFields"), "a legal hold stops erasure: {held:?}");
    assert!(held.text.contains("legal hold"), "{}", held.text);
    assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM household_members WHERE id = '{member}'")).await, 1);
    dpo.browser.call_json("/api/retention/hold", &json!({"input": {"reference": reference, "reason": "", "hold": false}})).await.ok();
    dpo.browser.call_json("/api/cases/erase", &erase).await.ok();

    assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM household_members WHERE id = '{member}'")).await, 0);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM subject_access_requests WHERE subject_name LIKE '%Zqxwv%'").await, 0);
    let summary: String = sqlx::query_scalar("SELECT summary_markdown FROM referrals WHERE case_id = $1 LIMIT 1")
        .bind(&ada_case)
        .fetch_one(&db)
        .await
        .unwrap_or_default();
    assert!(summary.contains("[erased] too.") && !summary.to_lowercase().contains("zqxwv"), "{summary}");
    assert!(!summary.contains(&name.to_uppercase()) && summary.to_lowercase().contains("thornbury"), "the surname others share stays: {summary}");
    drop(db);
    // The whole database, as stored, holds neither the erased name nor the marker.
    let dump = if common::postgres().is_some() {
        let url = common::database_url(world.server.data.path()).unwrap_or_default();
        let out = std::process::Command::new("pg_dump").args(["--data-only", &url]).output().unwrap_or_else(|e| panic!("pg_dump: {e}"));
        out.stdout
    } else {
        let mut bytes = std::fs::read(world.server.db_path()).unwrap_or_default();
        bytes.extend(std::fs::read(format!("{}-wal", world.server.db_path().display())).unwrap_or_default());
        bytes
    };
    assert!(!dump.is_empty());
    for needle in [marker.as_bytes(), b"Zqxwv".as_slice(), b"ZQXWV".as_slice(), name.to_uppercase().as_bytes()] {
        assert!(!dump.windows(needle.len()).any(|w| w == needle), "{} is still in the database file", String::from_utf8_lossy(needle));
    }
}

// 8. The smaller points.
#[tokio::test]
async fn command_line_administration_is_audited_and_serve_prints_no_link() {
    let world = World::admin_only().await;
    assert!(world.server.startup_output.iter().all(|l| !l.contains("/enrol#")), "{:?}", world.server.startup_output);
    let db = open_db(&world.server.db_path()).await;
    // An existing person, disabled, made administrator from the command line.
    sqlx::query(
        "INSERT INTO users (id, name, email, agency_id, active, created_at) VALUES ('u-cli', 'Cli Person', 'cli@roundtable.invalid', NULL, FALSE, 0)",
    )
    .execute(&db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let out = run(world.server.data.path(), &["enrol-link", "--public-url", ORIGIN, "--email", "cli@roundtable.invalid"]);
    assert!(link_in(&String::from_utf8_lossy(&out.stdout)).contains("/enrol#"));
    for action in ["user.grant_roles", "user.enable", "invitation.create"] {
        let n = scalar(&db, &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND (record_id = 'u-cli' OR details LIKE '%u-cli%')"))
            .await;
        assert_eq!(n, 1, "{action} audited");
    }
    let verified = run(world.server.data.path(), &["verify-audit"]);
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
}

#[tokio::test]
async fn a_person_of_a_withdrawn_agency_is_told_why_at_enrolment_and_sign_in() {
    let world = World::admin_only().await;
    let out = run(world.server.data.path(), &["seed-demo", "--public-url", ORIGIN]);
    let text_out = String::from_utf8_lossy(&out.stdout).to_string();
    let lines: Vec<&str> = text_out.lines().collect();
    let i = lines.iter().position(|l| l.contains("Tobias Wren")).unwrap_or_else(|| panic!("{text_out}"));
    let secret = secret_of(lines[i + 1]);
    let mut tobias = Browser::new(&world.server.base_url);
    let ceremony = tobias.call("/api/auth/begin-enrolment", &[("token", &secret)]).await.ok();
    let (mut key, credential) = SoftPasskey::register(ceremony["options_json"].as_str().unwrap_or_default());
    let done = tobias
        .call(
            "/api/auth/finish-enrolment",
            &[("token", &secret), ("ceremony_id", &text(&ceremony["id"])), ("credential_json", &credential), ("passkey_name", "x")],
        )
        .await
        .ok();
    assert!(done.as_str().is_some_and(|t| t.contains("Information Sharing") && t.contains("would not help")), "{done}");
    assert_eq!(tobias.who_am_i().await, None);
    let signed = tobias.sign_in(&mut key).await;
    assert_eq!(signed.error().as_deref(), Some("Invalid"), "{signed:?}");
    assert!(signed.text.contains("Information Sharing Agreement has ended") && !signed.text.contains("new enrolment link."), "{}", signed.text);
    // A stranger's passkey still learns nothing.
    let fake_options = r#"{"publicKey":{"user":{"id":"AAAAAAAAAAAAAAAAAAAAAA"},"challenge":"AAAA","rp":{"id":"localhost"}}}"#;
    let (mut stranger, _) = SoftPasskey::register(fake_options);
    let unknown = Browser::new(&world.server.base_url).sign_in(&mut stranger).await;
    assert_eq!(unknown.error().as_deref(), Some("SignInFailed"));
}

#[tokio::test]
async fn the_dpo_searches_the_audit_log_by_case_reference() {
    let mut world = World::demo().await;
    let cases = world.person("Priya Lakeland").browser.call("/api/cases/mine", &[]).await.ok();
    let case = find(&cases, "victim_name", "Dalia Venn").clone();
    world.person("Sam Okonjo-Reyes").browser.call("/api/cases/view", &[("id", &text(&case["id"]))]).await.ok();
    let dpo = world.person("Ifeoma Castellanos");
    let by = |record: &str| json!({"filter": {"user_id": "", "agency_id": "", "record_id": record, "action": "case.read", "from": "", "to": ""}});
    let by_id = dpo.browser.call_json("/api/audit/search", &by(&text(&case["id"]))).await.ok();
    let by_reference = dpo.browser.call_json("/api/audit/search", &by(&text(&case["reference"]).to_lowercase())).await.ok();
    assert!(by_id["matching"].as_i64().unwrap_or_default() >= 1, "{by_id}");
    assert_eq!(by_reference["matching"], by_id["matching"], "{by_reference}");
    let unknown = dpo.browser.call_json("/api/audit/search", &by("C-1999-99999")).await;
    assert_eq!(unknown.error().as_deref(), Some("InvalidFields"));
}

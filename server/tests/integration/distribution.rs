//! Restricted distribution over real HTTP, with a real SMTP sink: each recipient's copy holds
//! only what their agency may see, marked and watermarked; the email holds no personal data; a
//! copy opens only for its recipient after a passkey check, is logged, expires and can be revoked;
//! a failed email is retried.

use crate::common;

use common::pdf::{info as pdf_info, text as pdf_text};
use common::smtp::SmtpSink;
use common::world::World;
use common::{age_passkey_checks, open_db};
use serde_json::Value;

/// The held meeting at which Ada's case was heard.
async fn adas_meeting(world: &World) -> String {
    let db = open_db(&world.server.db_path()).await;
    sqlx::query_scalar(
        "SELECT ai.meeting_id FROM agenda_items ai JOIN cases c ON c.id = ai.case_id JOIN victims v ON v.id = c.victim_id \
         JOIN meetings m ON m.id = ai.meeting_id WHERE v.name = 'Ada Thornbury' AND m.status = 'minutes_final'",
    )
    .fetch_one(&db)
    .await
    .unwrap_or_else(|e| panic!("Ada's meeting: {e}"))
}

fn copy_of<'a>(view: &'a Value, agency: &str) -> &'a Value {
    view["agencies"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["agency_name"] == agency)
        .map(|a| &a["copies"][0])
        .unwrap_or_else(|| panic!("no copy for {agency} in {view}"))
}

fn id(v: &Value) -> String {
    v["copy_id"].as_str().unwrap_or_default().to_string()
}

const PEOPLE_IN_CASES: [&str; 6] = ["Ada Thornbury", "Callum Thornbury", "Milo", "Isla", "Bea Okafor-Lind", "Larkspur"];

#[tokio::test]
async fn each_agency_gets_only_its_own_copy_by_a_content_free_email_and_a_personal_link() {
    let sink = SmtpSink::start(1).await;
    let url = sink.url();
    let mut world = World::demo_with(&["--smtp-url", &url, "--mail-interval-secs", "1"]).await;
    let meeting = adas_meeting(&world).await;

    // Only the meeting's coordinator sends, and only final minutes.
    let refused = world.person("Rowan Ellery").browser.call("/api/distribution/send", &[("meeting_id", &meeting)]).await;
    assert_eq!(refused.error().as_deref(), Some("NotFound"));
    let sent = world.person("Priya Lakeland").browser.call("/api/distribution/send", &[("meeting_id", &meeting)]).await.ok();
    assert_eq!(sent, 6, "the register's police, children's, homes, health (apologies) and IDVA people, and probation's (none attended); not the DPO");

    // Five emails: one refused at first and retried once its time comes.
    let first = sink.wait_for(5, 20).await;
    assert_eq!(first.len(), 5, "{first:?}");
    let view = world.person("Priya Lakeland").browser.call("/api/distribution/view", &[("meeting_id", &meeting)]).await.ok();
    assert!(view.to_string().contains("Email failed, will retry (attempt 1 of 8): transient error (451)"), "{view}");
    let db = open_db(&world.server.db_path()).await;
    sqlx::query("UPDATE email_outbox SET next_attempt_at = 0 WHERE sent_at IS NULL").execute(&db).await.unwrap_or_else(|e| panic!("{e}"));
    let all = sink.wait_for(6, 20).await;
    assert_eq!(all.len(), 6);
    for mail in &all {
        for name in PEOPLE_IN_CASES.iter().chain(&["C-20", "Wyvern House", "Committee Room"]) {
            assert!(!mail.data.contains(name), "email reveals {name}: {}", mail.data);
        }
        assert!(mail.data.contains(&format!("{}/copies/", common::passkey::ORIGIN)), "{}", mail.data);
        assert!(!mail.data.to_ascii_lowercase().contains("multipart") && !mail.data.contains("attachment"), "no attachment");
    }
    let rowan_mail = all.iter().find(|m| m.to.iter().any(|t| t.starts_with("rowan.ellery"))).unwrap_or_else(|| panic!("no email for Rowan"));
    let view = world.person("Priya Lakeland").browser.call("/api/distribution/view", &[("meeting_id", &meeting)]).await.ok();
    let rowan = id(copy_of(&view, "Wyvern Homes"));
    assert!(rowan_mail.data.contains(&rowan), "the link names Rowan's copy");
    let (zoe, hollis) = (id(copy_of(&view, "Wyvern Valley NHS Trust")), id(copy_of(&view, "Wyvernshire Children's Services")));

    // The download needs a fresh passkey check (signing in was one: let it age), then gives
    // Rowan's agency's copy only.
    age_passkey_checks(&world.server.db_path()).await;
    let path = format!("/copies/{rowan}/minutes.pdf");
    let (status, _, _) = world.person("Rowan Ellery").browser.download(&path).await;
    assert_eq!(status, 403, "a passkey check first");
    world.person("Rowan Ellery").reauthenticate().await;
    let (status, kind, pdf) = world.person("Rowan Ellery").browser.download(&path).await;
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    let text = pdf_text(&pdf);
    for expected in
        ["OFFICIAL-SENSITIVE", "Wyvern Homes", "Rowan Ellery", "Ada Thornbury", "Fit additional locks", "FACT", "OPINION", "Wyvernshire Police"]
    {
        assert!(text.contains(expected), "Rowan's copy lacks {expected}:\n{text}");
    }
    assert!(text.contains(&rowan), "the document id is printed");
    assert!(!text.contains("Larkspur") && !text.contains("Bea Okafor-Lind"), "no victim address, no other case:\n{text}");
    let pages = text.split('\u{c}').filter(|p| !p.trim().is_empty()).count();
    assert_eq!(text.matches("OFFICIAL-SENSITIVE").count(), pages * 2, "marking at the top and bottom of every page");
    let info = pdf_info(&pdf);
    for secret in ["Rowan", "Ada", "Homes", "MARAC minutes"] {
        assert!(!info.contains(secret), "metadata reveals {secret}: {info}");
    }

    // The health representative's agency has no part in Ada's case: nothing of it.
    world.person("Zoë Brannigan").reauthenticate().await;
    let (_, _, pdf) = world.person("Zoë Brannigan").browser.download(&format!("/copies/{zoe}/minutes.pdf")).await;
    let text = pdf_text(&pdf);
    assert!(text.contains("Zoë Brannigan") && text.contains("None of the cases"), "{text}");
    for name in PEOPLE_IN_CASES {
        assert!(!text.contains(name), "health's copy reveals {name}:\n{text}");
    }

    // Another person's link is refused exactly like a link that does not exist.
    world.person("Hollis Varga").reauthenticate().await;
    let theirs = world.person("Hollis Varga").browser.download(&path).await;
    let nothing = world.person("Hollis Varga").browser.download("/copies/00000000-0000-0000-0000-000000000000/minutes.pdf").await;
    assert_eq!((theirs.0, nothing.0), (404, 404));
    assert_eq!(theirs.2, nothing.2);
    let page = world.person("Hollis Varga").browser.call("/api/distribution/copy", &[("copy_id", &rowan)]).await;
    assert_eq!(page.error().as_deref(), Some("NotFound"));

    // Every download is logged and shown to the coordinator.
    let view = world.person("Priya Lakeland").browser.call("/api/distribution/view", &[("meeting_id", &meeting)]).await.ok();
    assert_eq!(copy_of(&view, "Wyvern Homes")["downloads"].as_array().map(Vec::len), Some(1), "{view}");
    let logged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'minutes.download'").fetch_one(&db).await.unwrap_or_default();
    assert_eq!(logged, 2);

    // Expired and revoked copies no longer download.
    sqlx::query("UPDATE minute_copies SET expires_at = 1 WHERE id = $1").bind(&hollis).execute(&db).await.unwrap_or_else(|e| panic!("{e}"));
    let (status, _, body) = world.person("Hollis Varga").browser.download(&format!("/copies/{hollis}/minutes.pdf")).await;
    assert_eq!(status, 410, "{}", String::from_utf8_lossy(&body));
    let homes: String = sqlx::query_scalar("SELECT agency_id FROM minute_copies WHERE id = $1").bind(&rowan).fetch_one(&db).await.unwrap_or_default();
    world.person("Priya Lakeland").browser.call("/api/distribution/revoke", &[("meeting_id", &meeting), ("agency_id", &homes)]).await.ok();
    let (status, _, _) = world.person("Rowan Ellery").browser.download(&path).await;
    assert_eq!(status, 410);
    let view = world.person("Priya Lakeland").browser.call("/api/distribution/view", &[("meeting_id", &meeting)]).await.ok();
    assert_eq!(copy_of(&view, "Wyvern Homes")["state"], "Revoked");
}

#[tokio::test]
async fn an_agency_downloads_its_outstanding_actions() {
    let mut world = World::demo().await;
    age_passkey_checks(&world.server.db_path()).await;
    let (status, _, _) = world.person("Rowan Ellery").browser.download("/actions.pdf").await;
    assert_eq!(status, 403, "a passkey check first");
    world.person("Rowan Ellery").reauthenticate().await;
    let (status, _, pdf) = world.person("Rowan Ellery").browser.download("/actions.pdf").await;
    assert_eq!(status, 200);
    let text = pdf_text(&pdf);
    assert!(text.contains("Fit additional locks") && text.contains("Wyvern Homes"), "{text}");
    assert!(!text.contains("strategy discussion"), "another agency's action:\n{text}");
    world.person("Ifeoma Castellanos").reauthenticate().await;
    let (status, _, _) = world.person("Ifeoma Castellanos").browser.download("/actions.pdf").await;
    assert_eq!(status, 404, "a DPO has no actions to download");
}

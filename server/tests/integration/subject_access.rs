//! Subject access over real HTTP: the DPO finds a person across referrals, prepares the export
//! with other people's data taken out, approves it, and downloads JSON and PDF; each step needs a
//! fresh passkey check and is audited, and the search terms never reach the audit log.

use crate::common;

use common::pdf::text as pdf_text;
use common::world::World;
use common::{age_passkey_checks, open_db};
use serde_json::Value;

fn id_of(found: &Value, kind: &str, name: &str) -> String {
    found
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| m["kind"] == kind && m["name"] == name)
        .and_then(|m| m["id"].as_str())
        .unwrap_or_else(|| panic!("no {kind} {name} in {found}"))
        .to_string()
}

#[tokio::test]
async fn the_dpo_releases_a_redacted_export_after_review_and_approval() {
    let mut world = World::demo().await;
    let db = open_db(&world.server.db_path()).await;
    age_passkey_checks(&world.server.db_path()).await;

    // Nobody else may look, and the DPO needs a fresh passkey check.
    let refused = world.person("Priya Lakeland").browser.call("/api/subject-access/find", &[("query", "Thornbury")]).await;
    assert_eq!(refused.error().as_deref(), Some("NotFound"));
    let dpo = world.person("Ifeoma Castellanos");
    let stale = dpo.browser.call("/api/subject-access/find", &[("query", "Thornbury")]).await;
    assert_eq!(stale.error().as_deref(), Some("ReauthenticationRequired"));
    dpo.reauthenticate().await;
    let found = dpo.browser.call("/api/subject-access/find", &[("query", "Thornbury")]).await.ok();
    let callum = id_of(&found, "perpetrator", "Callum Thornbury");
    let ada = id_of(&found, "victim", "Ada Thornbury");
    id_of(&found, "household_member", "Milo Thornbury");

    // The perpetrator's export: both referrals he appears in, nothing of the victim.
    let request = dpo.browser.call("/api/subject-access/prepare", &[("kind", "perpetrator"), ("id", &callum)]).await.ok();
    let view = dpo.browser.call("/api/subject-access/view", &[("id", request.as_str().unwrap_or_default())]).await.ok();
    let text = view.to_string();
    assert_eq!(view["export"]["appearances"].as_array().map(Vec::len), Some(2), "{text}");
    for secret in ["Ada", "Larkspur", "Refuge", "strangulation", "Milo"] {
        assert!(!text.contains(secret), "the perpetrator's export reveals {secret}: {text}");
    }
    assert!(text.contains("1985") || text.contains("30 September 1985"), "his own date of birth: {text}");

    // The victim's export: her details and what was shared, with everyone else's names removed.
    let request = dpo.browser.call("/api/subject-access/prepare", &[("kind", "victim"), ("id", &ada)]).await.ok();
    let request = request.as_str().unwrap_or_default().to_string();
    let view = dpo.browser.call("/api/subject-access/view", &[("id", &request)]).await.ok();
    let text = view.to_string();
    assert!(text.contains("14 Larkspur Row") && text.contains("strangulation"), "{text}");
    assert!(text.contains("the victim fears the perpetrator will take the children"), "ordinary words are not redacted: {text}");
    for other in ["Callum", "Milo", "Isla"] {
        assert!(!text.contains(other), "the victim's export names {other}: {text}");
    }

    // Reviewing what would be released needs a fresh passkey check too.
    age_passkey_checks(&world.server.db_path()).await;
    let dpo = world.person("Ifeoma Castellanos");
    let stale = dpo.browser.call("/api/subject-access/view", &[("id", &request)]).await;
    assert_eq!(stale.error().as_deref(), Some("ReauthenticationRequired"));
    dpo.reauthenticate().await;

    // Only an approved export is released, and approved by another DPO than the one who prepared it.
    let early = dpo.browser.download(&format!("/subject-access/{request}/export.json")).await;
    assert_eq!(early.0, 404);
    let own = dpo.browser.call("/api/subject-access/approve", &[("id", &request)]).await;
    assert_eq!(own.error().as_deref(), Some("Invalid"), "whoever prepared it cannot approve it: {own:?}");
    let second = world.person("Nadia Fairweather");
    second.reauthenticate().await;
    second.browser.call("/api/subject-access/approve", &[("id", &request)]).await.ok();
    let again = second.browser.call("/api/subject-access/approve", &[("id", &request)]).await;
    assert_eq!(again.error().as_deref(), Some("Conflict"));
    let dpo = world.person("Ifeoma Castellanos");
    let (status, kind, json) = dpo.browser.download(&format!("/subject-access/{request}/export.json")).await;
    assert_eq!((status, kind.as_str()), (200, "application/json"));
    let json: Value = serde_json::from_slice(&json).unwrap_or_default();
    assert_eq!(json["subject"], "Ada Thornbury");
    let (status, _, pdf) = dpo.browser.download(&format!("/subject-access/{request}/export.pdf")).await;
    assert_eq!(status, 200);
    let printed = pdf_text(&pdf);
    assert!(printed.contains("Ada Thornbury") && printed.contains("OFFICIAL-SENSITIVE"), "{printed}");
    assert!(!printed.contains("Callum"), "{printed}");

    // Every step is audited; the search terms are not.
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'subject_access.%' ORDER BY seq").fetch_all(&db).await.unwrap_or_default();
    for step in ["subject_access.search", "subject_access.prepare", "subject_access.review", "subject_access.approve", "subject_access.download"] {
        assert!(actions.iter().any(|a| a == step), "{step} not audited: {actions:?}");
    }
    let leaked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE details LIKE '%hornbury%'").fetch_one(&db).await.unwrap_or(-1);
    assert_eq!(leaked, 0, "search terms or names in the audit log");
}

//! People's rights over real HTTP: rectification keeps the old value with who, when and why and
//! shows it only to those who may see that detail; restriction hides a case from everyone but
//! the coordinator and the DPO and marks it wherever it appears; erasure and objections.

use crate::common;

use common::open_db;
use common::world::World;
use serde_json::{json, Value};

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array().into_iter().flatten().find(|v| v[key] == value).unwrap_or_else(|| panic!("no {key}={value} in {list}"))
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// The value offered for `prefix` ("victim_name", "household_name"...) among `(value, words)` pairs.
fn choice(list: &Value, prefix: &str) -> String {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|p| text(&p[0]))
        .find(|v| v.starts_with(&format!("{prefix}:")))
        .unwrap_or_else(|| panic!("no {prefix} in {list}"))
}

async fn case_id(world: &mut World, victim: &str) -> String {
    let cases = world.person("Priya Lakeland").browser.call("/api/cases/mine", &[]).await.ok();
    text(&find(&cases, "victim_name", victim)["id"])
}

#[tokio::test]
async fn a_correction_keeps_the_old_value_and_shows_it_only_to_those_who_may_see_it() {
    let mut world = World::demo().await;
    let dalia = case_id(&mut world, "Dalia Venn").await;
    // Children's services are not invited to the next meeting, so they hold Dalia's case as its
    // referrer only (not the research list, which would show them her address).
    let meetings = world.person("Priya Lakeland").browser.call("/api/meetings/list", &[]).await.ok();
    let meeting = text(&find(&meetings["meetings"], "status", "agenda_published")["id"]);
    let db = open_db(&world.server.db_path()).await;
    let children: String =
        sqlx::query_scalar("SELECT id FROM agencies WHERE name = 'Wyvernshire Children''s Services'").fetch_one(&db).await.unwrap_or_default();
    world
        .person("Priya Lakeland")
        .browser
        .call("/api/meetings/invite", &[("id", &meeting), ("agency_id", &children), ("invited", "false")])
        .await
        .ok();
    let coordinator = world.person("Priya Lakeland");
    let record = coordinator.browser.call("/api/cases/view", &[("id", &dalia)]).await.ok();
    let name = choice(&record["rectifiable"], "victim_name");
    let address = choice(&record["rectifiable"], "victim_address");
    let fix = |target: &str, value: &str, reason: &str| json!({"input": {"case_id": dalia, "target": target, "value": value, "reason": reason}});

    let same = coordinator.browser.call_json("/api/cases/rectify", &fix(&name, "Dalia Venn", "Spelling")).await;
    assert!(same.text.contains("rectify-value"), "no change is refused: {}", same.text);
    let no_reason = coordinator.browser.call_json("/api/cases/rectify", &fix(&name, "Dahlia Venn", "")).await;
    assert!(no_reason.text.contains("rectify-reason"), "{}", no_reason.text);
    coordinator.browser.call_json("/api/cases/rectify", &fix(&name, "Dahlia Venn", "Victim confirmed the spelling")).await.ok();
    coordinator.browser.call_json("/api/cases/rectify", &fix(&address, "9 Fictional Close, Wyvernbridge", "Moved to a refuge")).await.ok();

    let record = coordinator.browser.call("/api/cases/view", &[("id", &dalia)]).await.ok();
    assert_eq!(record["record"]["parties"]["victim"]["name"], "Dahlia Venn");
    assert_eq!(record["corrections"].as_array().map(Vec::len), Some(2), "{record}");
    let renamed = find(&record["corrections"], "field", "Victim's name");
    assert_eq!(renamed["old_value"], "Dalia Venn");
    assert_eq!(renamed["new_value"], "Dahlia Venn");
    assert_eq!(renamed["by"], "Priya Lakeland");
    assert_eq!(renamed["reason"], "Victim confirmed the spelling");
    assert_eq!(find(&record["corrections"], "field", "Victim's address")["new_value"], "9 Fictional Close, Wyvernbridge");
    // Search follows the corrected name.
    let found = coordinator.browser.call("/api/cases/search", &[("query", "Dahlia")]).await.ok();
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
    let old = coordinator.browser.call("/api/cases/search", &[("query", "Dalia")]).await.ok();
    assert_eq!(old.as_array().map(Vec::len), Some(0), "the wrong name no longer finds the case: {old}");

    // Children's services referred the case: they see the victim's name and its correction, never her address or its old value.
    let hollis = world.person("Hollis Varga");
    let seen = hollis.browser.call("/api/cases/view", &[("id", &dalia)]).await.ok();
    let fields: Vec<String> = seen["corrections"].as_array().into_iter().flatten().map(|c| text(&c["field"])).collect();
    assert_eq!(fields, vec!["Victim's name"], "{seen}");
    assert!(seen["rectifiable"].as_array().is_some_and(Vec::is_empty), "representatives do not correct records");
    assert!(!seen.to_string().contains("Fictional Close") && seen.to_string().contains("Dahlia Venn"));
    let refused = hollis.browser.call_json("/api/cases/rectify", &fix(&name, "Someone Else", "x")).await;
    assert_eq!(refused.error().as_deref(), Some("NotFound"));

    // The audit row names the field, never the values or the reason.
    let details: Vec<String> =
        sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'person.rectify'").fetch_all(&db).await.unwrap_or_default();
    assert_eq!(details.len(), 2);
    assert!(details.iter().all(|d| !d.contains("Venn") && !d.contains("refuge") && d.contains("\"field\"")), "{details:?}");
}

#[tokio::test]
async fn a_restricted_case_is_hidden_from_all_but_the_coordinator_and_the_dpo_and_marked_everywhere() {
    let mut world = World::demo().await;
    let dalia = case_id(&mut world, "Dalia Venn").await;
    let meetings = world.person("Priya Lakeland").browser.call("/api/meetings/list", &[]).await.ok();
    let meeting = text(&find(&meetings["meetings"], "status", "agenda_published")["id"]);
    let hollis = world.person("Hollis Varga");
    hollis.browser.call("/api/cases/view", &[("id", &dalia)]).await.ok();
    hollis.browser.call("/api/meetings/case", &[("id", &meeting), ("case_id", &dalia)]).await.ok();

    let refused = world
        .person("Priya Lakeland")
        .browser
        .call_json("/api/cases/restrict", &json!({"input": {"case_id": dalia, "reason": "x", "restricted": true}}))
        .await;
    assert_eq!(refused.error().as_deref(), Some("NotFound"), "only the DPO restricts");
    let dpo = world.person("Ifeoma Castellanos");
    let no_reason = dpo.browser.call_json("/api/cases/restrict", &json!({"input": {"case_id": dalia, "reason": " ", "restricted": true}})).await;
    assert!(no_reason.text.contains("restriction-reason"), "{}", no_reason.text);
    dpo.browser
        .call_json("/api/cases/restrict", &json!({"input": {"case_id": dalia, "reason": "Victim contests accuracy", "restricted": true}}))
        .await
        .ok();
    let record = dpo.browser.call("/api/cases/view", &[("id", &dalia)]).await.ok();
    assert_eq!(record["record"]["restricted"], true);
    assert_eq!(record["data_protection"]["restriction_reason"], "Victim contests accuracy");

    // Hollis could see it before; now she sees only its reference, marked, in every view.
    let hollis = world.person("Hollis Varga");
    let record = hollis.browser.call("/api/cases/view", &[("id", &dalia)]).await.ok();
    assert_eq!((record["record"]["restricted"].clone(), record["record"]["parties"]["victim"].clone()), (json!(true), Value::Null), "{record}");
    assert!(record["record"]["reference"].as_str().is_some_and(|r| r.starts_with("C-")) && !record.to_string().contains("Venn"), "{record}");
    let at_meeting = hollis.browser.call("/api/meetings/case", &[("id", &meeting), ("case_id", &dalia)]).await.ok();
    assert_eq!((at_meeting["case"]["standing"].clone(), at_meeting["case"]["restricted"].clone()), (json!("restricted"), json!(true)));
    assert!(!at_meeting.to_string().contains("Venn"), "{at_meeting}");
    let mine = hollis.browser.call("/api/cases/mine", &[]).await.ok();
    let listed = find(&mine, "id", &dalia);
    assert_eq!((listed["restricted"].clone(), listed["victim_name"].clone()), (json!(true), Value::Null), "{mine}");
    let agenda = hollis.browser.call("/api/meetings/view", &[("id", &meeting)]).await.ok();
    let item = find(&agenda["agenda"], "case_id", &dalia);
    assert_eq!((item["restricted"].clone(), item["victim_name"].clone()), (json!(true), Value::Null), "marked, and no name: {item}");
    let page = hollis.browser.get(&format!("/meetings/{meeting}")).await.text;
    assert!(page.contains("Restricted") && !page.contains("Dalia Venn"), "the agenda page marks it");
    let chair = world.person("Morgan Ashby");
    let chair_record = chair.browser.call("/api/cases/view", &[("id", &dalia)]).await.ok();
    assert!(chair_record["record"]["restricted"] == true && !chair_record.to_string().contains("Venn"), "{chair_record}");
    let chair_search = chair.browser.call("/api/cases/search", &[("query", "Venn")]).await.ok();
    assert_eq!(chair_search.as_array().map(Vec::len), Some(0), "{chair_search}");

    // The coordinator still sees it, marked, in lists, search and the record.
    let coordinator = world.person("Priya Lakeland");
    let mine = coordinator.browser.call("/api/cases/mine", &[]).await.ok();
    assert_eq!(find(&mine, "id", &dalia)["restricted"], true);
    let search = coordinator.browser.call("/api/cases/search", &[("query", "Venn")]).await.ok();
    assert_eq!(find(&search, "id", &dalia)["restricted"], true);
    let page = coordinator.browser.get(&format!("/cases/{dalia}")).await.text;
    assert!(page.contains("rt-tag--red\">Restricted"), "the record is marked");
    let list_page = coordinator.browser.get("/cases").await.text;
    assert!(list_page.contains("Restricted"), "the case list marks it");
    let dpo_search = world.person("Ifeoma Castellanos").browser.call("/api/cases/search", &[("query", "Venn")]).await.ok();
    assert_eq!(find(&dpo_search, "id", &dalia)["restricted"], true, "the DPO finds it too");

    // Lifting the restriction gives Hollis her view back.
    let dpo = world.person("Ifeoma Castellanos");
    dpo.browser
        .call_json("/api/cases/restrict", &json!({"input": {"case_id": dalia, "reason": "Accuracy confirmed", "restricted": false}}))
        .await
        .ok();
    world.person("Hollis Varga").browser.call("/api/cases/view", &[("id", &dalia)]).await.ok();
}

#[tokio::test]
async fn the_dpo_erases_a_record_added_in_error_and_decides_objections() {
    let mut world = World::demo().await;
    let dalia = case_id(&mut world, "Dalia Venn").await;
    let bea = case_id(&mut world, "Bea Okafor-Lind").await;
    let dpo = world.person("Ifeoma Castellanos");
    let record = dpo.browser.call("/api/cases/view", &[("id", &dalia)]).await.ok();
    let tomas = choice(&record["data_protection"]["erasable"], "household");
    let erase = json!({"input": {"case_id": dalia, "target": tomas, "ground": "added_in_error"}});
    let db = open_db(&world.server.db_path()).await;
    sqlx::query("UPDATE sessions SET reauthenticated_at = reauthenticated_at - 600").execute(&db).await.unwrap_or_else(|e| panic!("{e}"));
    let dpo = world.person("Ifeoma Castellanos");
    assert_eq!(dpo.browser.call_json("/api/cases/erase", &erase).await.error().as_deref(), Some("ReauthenticationRequired"));
    dpo.reauthenticate().await;
    let bad = dpo.browser.call_json("/api/cases/erase", &json!({"input": {"case_id": dalia, "target": tomas, "ground": "because"}})).await;
    assert!(bad.text.contains("erase-ground"), "{}", bad.text);
    dpo.browser.call_json("/api/cases/erase", &erase).await.ok();
    let record = dpo.browser.call("/api/cases/view", &[("id", &dalia)]).await.ok();
    assert_eq!(record["record"]["parties"]["household"], json!([]), "{record}");
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM household_members WHERE name = 'Tomas Venn'").fetch_one(&db).await.unwrap_or(-1);
    assert_eq!(left, 0);

    // A whole case, when the DPO decides erasure applies.
    dpo.browser.call_json("/api/cases/erase", &json!({"input": {"case_id": bea, "target": "case", "ground": "unlawfully_processed"}})).await.ok();
    assert_eq!(dpo.browser.call("/api/cases/view", &[("id", &bea)]).await.error().as_deref(), Some("NotFound"));
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT action, details FROM audit_log WHERE action IN ('case.erase', 'person.erase') ORDER BY seq")
            .fetch_all(&db)
            .await
            .unwrap_or_default();
    assert_eq!(rows.len(), 2);
    assert!(rows[0].1.contains("added_in_error") && rows[1].1.contains("unlawfully_processed"), "{rows:?}");
    assert!(rows.iter().all(|(_, d)| !d.contains("Tomas") && !d.contains("Okafor")), "no personal data in the audit rows");
    let traces: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM victims WHERE name = 'Bea Okafor-Lind'").fetch_one(&db).await.unwrap_or(-1);
    assert_eq!(traces, 0);

    // An objection against the perpetrator, then the decision.
    let perpetrator = choice(&record["data_protection"]["people"], "perpetrator");
    let object = |received: &str| json!({"input": {"case_id": dalia, "person": perpetrator, "received_on": received, "grounds": "Objects to his details being shared with housing"}});
    let future = dpo.browser.call_json("/api/cases/objection", &object("2999-01-01")).await;
    assert!(future.text.contains("objection-received"), "{}", future.text);
    dpo.browser.call_json("/api/cases/objection", &object("2026-01-05")).await.ok();
    let record = dpo.browser.call("/api/cases/view", &[("id", &dalia)]).await.ok();
    let objection = &record["data_protection"]["objections"][0];
    assert_eq!(objection["decision"], "Awaiting decision");
    let id = text(&objection["id"]);
    let decide = |decided_on: &str| json!({"input": {"objection_id": id, "decision": "not_upheld", "reasoning": "Sharing is needed to protect the victim", "decided_on": decided_on}});
    let early = dpo.browser.call_json("/api/cases/decide-objection", &decide("2026-01-01")).await;
    assert!(early.text.contains("objection-decided-on"), "{}", early.text);
    dpo.browser.call_json("/api/cases/decide-objection", &decide("2026-01-20")).await.ok();
    let record = dpo.browser.call("/api/cases/view", &[("id", &dalia)]).await.ok();
    let objection = &record["data_protection"]["objections"][0];
    assert_eq!((objection["decision"].clone(), objection["decided_on"].clone()), (json!("Not upheld"), json!("2026-01-20")));
    assert_eq!(objection["reasoning"], "Sharing is needed to protect the victim");
    let coordinator = world.person("Priya Lakeland").browser.call("/api/cases/view", &[("id", &dalia)]).await.ok();
    assert!(coordinator["data_protection"].is_null(), "objections are the DPO's");
}

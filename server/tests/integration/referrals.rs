//! Referrals and case records over real HTTP: drafting without losing anything, the shared
//! checks, repeat detection and triage, destruction on rejection, need-to-know on the record,
//! and audited, hashed search.

use crate::common;

use common::open_db;
use common::world::World;
use serde_json::{json, Value};

fn form(name: &str, dob: &str, yes: usize) -> Value {
    let mut dash = vec!["no"; 24];
    for a in dash.iter_mut().take(yes) {
        *a = "yes";
    }
    json!({
        "latest_incident_on": "2026-11-20",
        "victim": {"name": name, "other_names": "", "date_of_birth": dob, "gender": "female", "ethnicity": "", "disability": "",
            "sexual_orientation": "", "first_language": "", "interpreter_needed": false, "address": "9 Heron Walk, Wyvernbridge",
            "safe_contact": "Work phone only", "safe_times": "Mornings"},
        "perpetrators": [{"name": "Piers Quillon", "other_names": "", "date_of_birth": "", "gender": "male", "address": "", "relationship": "Ex-partner"}],
        "household": [],
        "dash_completed": true,
        "dash": dash,
        "professional_judgement": "",
        "police_callouts": "",
        "believed_repeat": false,
        "consent": "consented",
        "consent_reason": "",
        "summary": "Threats to kill after separation.",
    })
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array().into_iter().flatten().find(|v| v[key] == value).unwrap_or_else(|| panic!("no {key}={value} in {list}"))
}

#[tokio::test]
async fn a_draft_keeps_everything_typed_and_submits_only_when_it_passes_the_checks() {
    let mut world = World::demo().await;
    let rowan = world.person("Rowan Ellery");
    let id = rowan.browser.call("/api/referrals/new", &[]).await.ok().as_str().unwrap_or_default().to_string();

    let mut incomplete = form("Wren Halloway", "1992-05-06", 10);
    incomplete["victim"]["address"] = json!("Flat 2, 5 Kestrel Court");
    rowan.browser.call_json("/api/referrals/save-draft", &json!({"input": {"id": id, "form": incomplete}})).await.ok();
    let refused = rowan.browser.call_json("/api/referrals/submit", &json!({"input": {"id": id, "form": incomplete}})).await;
    assert_eq!(refused.error().as_deref(), Some("InvalidFields"), "{refused:?}");
    assert!(refused.text.contains("\"criteria\""), "a score of 10 alone meets no criterion: {}", refused.text);
    let kept = rowan.browser.call("/api/referrals/draft", &[("id", &id)]).await.ok();
    assert_eq!(kept["form"]["victim"]["address"], "Flat 2, 5 Kestrel Court", "nothing typed is lost on a refused submission");

    let other = world.person("Jude Marchetti").browser.call("/api/referrals/draft", &[("id", &id)]).await;
    assert_eq!(other.error().as_deref(), Some("NotFound"), "another person's draft does not exist for them");

    let rowan = world.person("Rowan Ellery");
    let reference =
        rowan.browser.call_json("/api/referrals/submit", &json!({"input": {"id": id, "form": form("Wren Halloway", "1992-05-06", 15)}})).await.ok();
    assert!(reference.as_str().unwrap_or_default().starts_with("R-"), "{reference}");
    let mine = rowan.browser.call("/api/referrals/mine", &[]).await.ok();
    assert_eq!(find(&mine, "id", &id)["status"], "submitted");
    assert_eq!(rowan.browser.call("/api/referrals/draft", &[("id", &id)]).await.error().as_deref(), Some("NotFound"), "no longer editable");

    let db = open_db(&world.server.db_path()).await;
    let (draft, score): (Option<String>, Option<i64>) =
        sqlx::query_as("SELECT draft_json, dash_score FROM referrals WHERE id = $1").bind(&id).fetch_one(&db).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((draft, score), (None, Some(15)), "the draft copy is gone once the people are stored apart");
    let victims: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM victims WHERE referral_id = $1").bind(&id).fetch_one(&db).await.unwrap_or_default();
    let perpetrators: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM perpetrators WHERE referral_id = $1").bind(&id).fetch_one(&db).await.unwrap_or_default();
    assert_eq!((victims, perpetrators), (1, 1));
}

#[tokio::test]
async fn the_coordinator_confirms_a_repeat_and_the_referral_joins_the_earlier_case() {
    let mut world = World::demo().await;
    let priya = world.person("Priya Lakeland");
    let list = priya.browser.call("/api/triage/list", &[]).await.ok();
    let again = find(&list, "victim_name", "Ada Thorn").clone();
    assert_eq!(again["repeat_candidates"], 1, "{again}");
    assert_eq!(again["has_household"], true, "{again}");
    let new_victim = find(&list, "victim_name", "Eliza Farrant");
    assert_eq!((&new_victim["repeat_candidates"], &new_victim["has_household"]), (&json!(0), &json!(false)), "each line is its own: {new_victim}");
    let id = again["id"].as_str().unwrap_or_default().to_string();

    let view = priya.browser.call("/api/triage/view", &[("id", &id)]).await.ok();
    let candidate = &view["candidates"][0];
    assert_eq!(candidate["victim_name"], "Ada Thornbury", "found through her other name: {view}");
    assert_eq!(candidate["within_twelve_months"], true);
    let case_id = candidate["case_id"].as_str().unwrap_or_default().to_string();

    let early = priya.browser.call_json("/api/triage/accept", &json!({"input": {"referral_id": id, "meeting_id": ""}})).await;
    assert_eq!(early.error().as_deref(), Some("InvalidFields"), "undecided candidates block acceptance: {early:?}");

    priya.browser.call("/api/triage/decide-repeat", &[("id", &id), ("case_id", &case_id), ("confirmed", "true")]).await.ok();
    let accepted = priya.browser.call_json("/api/triage/accept", &json!({"input": {"referral_id": id, "meeting_id": ""}})).await.ok();
    assert_eq!(accepted, json!(case_id), "the referral joins the earlier case");

    let case = priya.browser.call("/api/cases/view", &[("id", &case_id)]).await.ok();
    let case = &case["record"];
    let history = case["history"].as_array().cloned().unwrap_or_default();
    assert_eq!(history.len(), 2, "{case}");
    assert_eq!(history[1]["repeat"], true);
    let referral = &case["parties"]["referral"];
    assert!(referral["criteria"].as_array().into_iter().flatten().any(|c| c == "Repeat"), "{referral}");
    assert!(!case["upcoming"].as_array().cloned().unwrap_or_default().is_empty(), "on the next agenda");
    assert_eq!(case["parties"]["victim_address"]["address"], "Refuge address held by the IDVA service", "the latest details");
}

#[tokio::test]
async fn rejecting_destroys_the_referral_and_keeps_only_an_anonymous_count() {
    let mut world = World::demo().await;
    let priya = world.person("Priya Lakeland");
    let list = priya.browser.call("/api/triage/list", &[]).await.ok();
    let id = find(&list, "victim_name", "Eliza Farrant")["id"].as_str().unwrap_or_default().to_string();
    let bad = priya.browser.call("/api/triage/reject", &[("id", &id), ("reason", "because")]).await;
    assert_eq!(bad.error().as_deref(), Some("InvalidFields"));
    priya.browser.call("/api/triage/reject", &[("id", &id), ("reason", "no_criterion_met")]).await.ok();

    let db = open_db(&world.server.db_path()).await;
    for table in ["victims", "perpetrators", "household_members"] {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table} WHERE name LIKE '%Farrant%'")))
            .fetch_one(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(n, 0, "{table} holds nothing of the rejected referral");
    }
    let referral: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM referrals WHERE id = $1").bind(&id).fetch_one(&db).await.unwrap_or_default();
    assert_eq!(referral, 0);
    let count: i64 = sqlx::query_scalar("SELECT CAST(SUM(count) AS BIGINT) FROM rejected_referral_counts").fetch_one(&db).await.unwrap_or_default();
    assert_eq!(count, 1);
    let audit: Vec<String> = sqlx::query_scalar("SELECT details FROM audit_log").fetch_all(&db).await.unwrap_or_default();
    assert!(audit.iter().all(|d| !d.contains("Farrant") && !d.contains("Eliza")), "no names in the audit log");
    assert!(audit.iter().any(|d| d.contains("no_criterion_met")));
}

#[tokio::test]
async fn each_agency_sees_only_what_its_work_needs() {
    let mut world = World::demo().await;
    let cases = world.person("Priya Lakeland").browser.call("/api/cases/mine", &[]).await.ok();
    let ada = find(&cases, "victim_name", "Ada Thornbury")["id"].as_str().unwrap_or_default().to_string();
    let view = |v: &Value| v.to_string();

    let record = |v: &Value| v["record"]["parties"].clone();
    let idva = world.person("Sam Okonjo-Reyes").browser.call("/api/cases/view", &[("id", &ada)]).await.ok();
    assert!(view(&idva).contains("14 Larkspur Row") && view(&idva).contains("0417"), "the IDVA sees the victim's address and safe contact");
    assert_eq!(idva["record"]["actions"].as_array().map(Vec::len), Some(3), "the case's actions are on its record: {}", idva["record"]["actions"]);

    // Housing works with the victim: her address and profile, never her safe contact details.
    let housing = world.person("Rowan Ellery").browser.call("/api/cases/view", &[("id", &ada)]).await.ok();
    assert!(record(&housing)["victim_profile"].is_object() && record(&housing)["household"].is_array());
    assert!(view(&housing).contains("Larkspur"), "the victim's address: {housing}");
    assert!(record(&housing)["victim_contact"].is_null() && !view(&housing).contains("0417"), "no safe contact details: {housing}");

    let children = world.person("Hollis Varga").browser.call("/api/cases/view", &[("id", &ada)]).await.ok();
    assert!(view(&children).contains("Milo Thornbury"), "children's services see the children");
    assert!(record(&children)["victim_profile"].is_null() && record(&children)["victim_contact"].is_null() && !view(&children).contains("Larkspur"));
    assert!(record(&children)["perpetrators"][0]["address"].is_null(), "not the perpetrator's address");

    // Probation works with the perpetrator only.
    let probation = world.person("Jude Marchetti").browser.call("/api/cases/view", &[("id", &ada)]).await.ok();
    assert_eq!(record(&probation)["perpetrators"][0]["name"], "Callum Thornbury");
    assert!(record(&probation)["perpetrators"][0]["address"].is_string(), "the perpetrator's address");
    for absent in ["Milo", "Isla", "Larkspur", "Northern Irish or British", "0417"] {
        assert!(!view(&probation).contains(absent), "probation must not see {absent}: {probation}");
    }
    let p = record(&probation);
    assert!(p["household"].is_null() && p["victim_profile"].is_null() && p["consent"].is_null());

    let uninvolved = world.person("Zoë Brannigan").browser.call("/api/cases/view", &[("id", &ada)]).await;
    let missing = world.person("Zoë Brannigan").browser.call("/api/cases/view", &[("id", "00000000-0000-0000-0000-000000000000")]).await;
    assert_eq!((uninvolved.status, uninvolved.text.clone()), (missing.status, missing.text), "an uninvolved agency cannot tell the case exists");

    let db = open_db(&world.server.db_path()).await;
    let reads: Vec<(String, String)> = sqlx::query_as("SELECT outcome, details FROM audit_log WHERE action = 'case.read' AND record_id = $1")
        .bind(&ada)
        .fetch_all(&db)
        .await
        .unwrap_or_default();
    assert_eq!(reads.len(), 5, "every read, allowed or not, is audited: {reads:?}");
    assert!(reads.iter().any(|(o, d)| o == "success" && d.contains("perpetrator_address") && !d.contains("victim_contact")));
    assert!(reads.iter().any(|(o, _)| o == "denied"));
}

#[tokio::test]
async fn coordinators_and_chairs_search_and_the_terms_are_never_stored() {
    let mut world = World::demo().await;
    let chair = world.person("Morgan Ashby");
    for query in ["thornbury", "Ada", "14/03/1988", "1988-03-14"] {
        let hits = chair.browser.call("/api/cases/search", &[("query", query)]).await.ok();
        assert!(hits.as_array().into_iter().flatten().any(|h| h["victim_name"] == "Ada Thornbury"), "{query}: {hits}");
    }
    let reference =
        chair.browser.call("/api/cases/search", &[("query", "thornbury")]).await.ok()[0]["reference"].as_str().unwrap_or_default().to_string();
    let by_reference = chair.browser.call("/api/cases/search", &[("query", &reference.to_lowercase())]).await.ok();
    assert_eq!(by_reference.as_array().map(Vec::len), Some(1));
    let empty = chair.browser.call("/api/cases/search", &[("query", "   ")]).await;
    assert_eq!(empty.error().as_deref(), Some("InvalidFields"));

    let rep = world.person("Rowan Ellery").browser.call("/api/cases/search", &[("query", "thornbury")]).await;
    assert_eq!(rep.error().as_deref(), Some("NotFound"));

    let db = open_db(&world.server.db_path()).await;
    let searches: Vec<String> =
        sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'case.search' ORDER BY seq").fetch_all(&db).await.unwrap_or_default();
    assert_eq!(searches.len(), 6, "{searches:?}");
    assert!(searches.iter().all(|d| d.contains("terms_hash") && !d.to_lowercase().contains("thornbury") && !d.contains("1988")));
    let first: Value = serde_json::from_str(&searches[0]).unwrap_or_default();
    let repeated: Value = serde_json::from_str(&searches[4]).unwrap_or_default();
    assert_eq!(first["terms_hash"], repeated["terms_hash"], "the same terms hash alike, so repeated searches can be seen");
}

#[tokio::test]
async fn the_referrer_is_told_of_a_rejection_and_why_but_nothing_of_its_content_is_kept() {
    let mut world = World::demo().await;
    let rowan = world.person("Rowan Ellery");
    let id = rowan.browser.call("/api/referrals/new", &[]).await.ok().as_str().unwrap_or_default().to_string();
    let reference =
        rowan.browser.call_json("/api/referrals/submit", &json!({"input": {"id": id, "form": form("Wren Halloway", "1992-05-06", 15)}})).await.ok();
    let reference = reference.as_str().unwrap_or_default().to_string();
    world.person("Priya Lakeland").browser.call("/api/triage/reject", &[("id", &id), ("reason", "other_area")]).await.ok();

    let mine = world.person("Rowan Ellery").browser.call("/api/referrals/mine", &[]).await.ok();
    let rejected = find(&mine, "id", &id);
    assert_eq!(rejected["status"], "rejected", "{mine}");
    assert_eq!(rejected["reference"], json!(reference));
    assert_eq!(rejected["rejection_reason"], "Another MARAC area should hear it");
    assert!(rejected["victim_name"].is_null(), "the victim's name went with the referral: {rejected}");
    assert!(!mine.to_string().contains("Halloway"), "{mine}");
    let others = world.person("Jude Marchetti").browser.call("/api/referrals/mine", &[]).await.ok();
    assert!(!others.to_string().contains(&reference), "only the referrer is told: {others}");

    let db = open_db(&world.server.db_path()).await;
    let kept: Vec<(String, String)> =
        sqlx::query_as("SELECT reference, reason FROM rejected_referral_notices").fetch_all(&db).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kept, vec![(reference, "other_area".to_string())], "the notice holds the reference and reason category only");
}

#[tokio::test]
async fn the_coordinator_can_assign_the_idva_when_accepting() {
    let mut world = World::demo().await;
    let priya = world.person("Priya Lakeland");
    let list = priya.browser.call("/api/triage/list", &[]).await.ok();
    let id = find(&list, "victim_name", "Eliza Farrant")["id"].as_str().unwrap_or_default().to_string();
    let view = priya.browser.call("/api/triage/view", &[("id", &id)]).await.ok();
    let idvas = view["idvas"].as_array().cloned().unwrap_or_default();
    let idva =
        idvas.iter().find(|p| p[1] == "Sam Okonjo-Reyes").and_then(|p| p[0].as_str()).unwrap_or_else(|| panic!("no IDVA in {view}")).to_string();
    let not_an_idva =
        priya.browser.call_json("/api/triage/accept", &json!({"input": {"referral_id": id, "meeting_id": "", "idva_user_id": "no-such-user"}})).await;
    assert_eq!(not_an_idva.error().as_deref(), Some("InvalidFields"), "{not_an_idva:?}");
    let case_id =
        priya.browser.call_json("/api/triage/accept", &json!({"input": {"referral_id": id, "meeting_id": "", "idva_user_id": idva}})).await.ok();
    let db = open_db(&world.server.db_path()).await;
    let assigned: Option<String> = sqlx::query_scalar("SELECT idva_user_id FROM cases WHERE id = $1")
        .bind(case_id.as_str())
        .fetch_one(&db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(assigned.as_deref(), Some(idva.as_str()));
}

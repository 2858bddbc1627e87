//! A meeting over real HTTP: scheduling, the agenda, confidentiality before any case opens,
//! research, chair and coordinator minuting at once without losing each other's edits, actions,
//! hearings recorded, finalisation locks, amendments keep the original, and each agency's actions.

use crate::common;

use common::open_db;
use common::passkey::Browser;
use common::world::World;
use serde_json::{json, Value};

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array().into_iter().flatten().find(|v| v[key] == value).unwrap_or_else(|| panic!("no {key}={value} in {list}"))
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// The demo's next meeting (agenda published) and its cases, as the coordinator sees them.
async fn next_meeting(world: &mut World) -> (String, Value) {
    let coordinator = world.person("Priya Lakeland");
    let list = coordinator.browser.call("/api/meetings/list", &[]).await.ok();
    let id = text(&find(&list["meetings"], "status", "agenda_published")["id"]);
    let view = coordinator.browser.call("/api/meetings/view", &[("id", &id)]).await.ok();
    (id, view)
}

#[tokio::test]
async fn coordinators_schedule_a_fortnightly_series_and_others_cannot() {
    let mut world = World::demo().await;
    let input = json!({"input": {"first_date": "2027-02-02", "start_time": "09:30", "place": "Online (link sent separately)", "capacity": "25",
        "every_weeks": "2", "count": "3", "chair_user_id": ""}});
    let made = world.person("Priya Lakeland").browser.call_json("/api/meetings/schedule", &input).await.ok();
    assert_eq!(made, 3);
    let refused = world.person("Rowan Ellery").browser.call_json("/api/meetings/schedule", &input).await;
    assert_eq!(refused.error().as_deref(), Some("NotFound"));
    let bad = json!({"input": {"first_date": "2020-01-01", "start_time": "late", "place": "", "capacity": "0", "every_weeks": "", "count": "99", "chair_user_id": ""}});
    let problems = world.person("Priya Lakeland").browser.call_json("/api/meetings/schedule", &bad).await;
    for field in ["first-date", "start-time", "place", "capacity", "count"] {
        assert!(problems.text.contains(&format!("\"{field}\"")), "{field}: {}", problems.text);
    }
    let far = json!({"input": {"first_date": "9999-12-31", "start_time": "10:00", "place": "Far away", "capacity": "10", "every_weeks": "2", "count": "2", "chair_user_id": ""}});
    let refused = world.person("Priya Lakeland").browser.call_json("/api/meetings/schedule", &far).await;
    assert!(refused.text.contains("within the next two years"), "a date past the calendar's end is refused, not a crash: {}", refused.text);
    let list = world.person("Priya Lakeland").browser.call("/api/meetings/list", &[]).await.ok();
    assert_eq!(list["meetings"].as_array().map(Vec::len), Some(9), "six demo meetings and three new");
}

#[tokio::test]
async fn a_whole_meeting() {
    let mut world = World::demo().await;
    let (id, view) = next_meeting(&mut world).await;
    let agenda = view["agenda"].as_array().cloned().unwrap_or_default();
    assert_eq!(agenda.len(), 2, "{view}");
    assert!(agenda.iter().all(|i| i["victim_name"].is_string()), "the coordinator sees every case");
    let case = text(&agenda[0]["case_id"]);

    // Invited agencies see the published agenda and research its cases; the confidentiality
    // statement is acknowledged at the meeting, which has not started.
    let hollis = world.person("Hollis Varga");
    let seen = hollis.browser.call("/api/meetings/view", &[("id", &id)]).await.ok();
    assert_eq!((seen["rights"]["research_list"].as_bool(), seen["rights"]["acknowledge"].as_bool()), (Some(true), Some(false)), "{}", seen["rights"]);
    let early = hollis.browser.call("/api/meetings/acknowledge", &[("id", &id)]).await;
    assert_eq!(early.error().as_deref(), Some("Conflict"), "{}", early.text);
    let opened = hollis.browser.call("/api/meetings/case", &[("id", &id), ("case_id", &case)]).await.ok();
    assert!(opened["case"]["writes"]["research"] == true, "{}", opened["case"]["writes"]);
    assert_eq!(opened["previous_case"], Value::Null, "the first case on the agenda");
    assert_eq!(opened["next_case"][0], agenda[1]["case_id"], "step to the next case");
    hollis
        .browser
        .call_json(
            "/api/meetings/research",
            &json!({"input": {"meeting_id": id, "case_id": case, "kind": "fact",
        "body": "Child protection plan since March.", "source_agency_id": "", "source_person": ""}}),
        )
        .await
        .ok();

    // The start of the meeting; acknowledging checks the chair and coordinator in.
    let priya = world.person("Priya Lakeland");
    let review = priya.browser.call("/api/meetings/view", &[("id", &id)]).await.ok();
    let outstanding: Vec<String> = review["review_actions"].as_array().into_iter().flatten().map(|a| text(&a["description"])).collect();
    assert!(
        outstanding.iter().any(|d| d.contains("additional locks")) && !outstanding.iter().any(|d| d.contains("strategy discussion")),
        "open actions from earlier meetings come back for review, done ones do not: {outstanding:?}"
    );
    priya.browser.call("/api/meetings/order-children-first", &[("id", &id)]).await.ok();
    priya.browser.call("/api/meetings/advance", &[("id", &id), ("to", "in_progress")]).await.ok();
    for name in ["Priya Lakeland", "Morgan Ashby"] {
        world.person(name).browser.call("/api/meetings/acknowledge", &[("id", &id)]).await.ok();
    }
    let priya = world.person("Priya Lakeland");
    let overview = priya.browser.call("/api/admin/overview", &[]).await.ok();
    let police = text(&find(&overview["agencies"], "name", "Wyvernshire Police")["id"]);
    let children = text(&find(&overview["agencies"], "name", "Wyvernshire Children's Services")["id"]);
    let homes = text(&find(&overview["agencies"], "name", "Wyvern Homes")["id"]);

    // Chair and coordinator minute at once.
    let entry = |body: &str, kind: &str, source: &str| json!({"input": {"meeting_id": id, "case_id": case, "kind": kind, "body": body, "source_agency_id": source, "source_person": ""}});
    priya.browser.call_json("/api/minutes/add-entry", &entry("Two call-outs since the referral.", "fact", &police)).await.ok();
    world.person("Morgan Ashby").browser.call_json("/api/minutes/add-entry", &entry("Risk is escalating.", "opinion", &children)).await.ok();
    let now = world.person("Priya Lakeland").browser.call("/api/meetings/case", &[("id", &id), ("case_id", &case)]).await.ok();
    let entries = now["case"]["entries"].as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 2, "both entries kept: {now}");
    let first = text(&entries[0]["id"]);
    let edit = |body: &str| json!({"input": {"entry_id": first, "kind": "fact", "body": body, "version": 1}});
    world
        .person("Morgan Ashby")
        .browser
        .call_json("/api/minutes/edit-entry", &edit("Two police call-outs since the referral (4 and 9 November)."))
        .await
        .ok();
    let stale = world.person("Priya Lakeland").browser.call_json("/api/minutes/edit-entry", &edit("Two call-outs.")).await;
    assert_eq!(stale.error().as_deref(), Some("Conflict"), "never a silent overwrite: {stale:?}");
    let decision = |d: &str, v: i64| json!({"input": {"meeting_id": id, "case_id": case, "risks": "Escalation", "decision": d, "version": v}});
    assert_eq!(world.person("Priya Lakeland").browser.call_json("/api/minutes/save-case", &decision("Refer to MAPPA.", 0)).await.ok(), 1);
    let late = world.person("Morgan Ashby").browser.call_json("/api/minutes/save-case", &decision("Hold a strategy meeting.", 0)).await;
    assert_eq!(late.error().as_deref(), Some("Conflict"));

    // Actions, one per agency.
    for (agency, what) in [(&homes, "Move the victim to a safe property"), (&children, "Visit the children within 48 hours")] {
        let input = json!({"input": {"meeting_id": id, "case_id": case, "owner_agency_id": agency, "owner_user_id": "", "description": what, "due_on": "2027-03-01"}});
        world.person("Priya Lakeland").browser.call_json("/api/actions/add", &input).await.ok();
    }
    let rep_minutes =
        world.person("Hollis Varga").browser.call_json("/api/minutes/add-entry", &entry("Not a minute-taker.", "fact", &children)).await;
    assert_eq!(rep_minutes.error().as_deref(), Some("NotFound"), "representatives do not minute");

    // Close; finalising waits while a case has nothing minuted, and the chair is told which.
    world.person("Priya Lakeland").browser.call("/api/meetings/advance", &[("id", &id), ("to", "minutes_draft")]).await.ok();
    let other = text(&agenda[1]["case_id"]);
    let check = world.person("Morgan Ashby").browser.call("/api/meetings/view", &[("id", &id)]).await.ok();
    let blank: Vec<String> = check["finalise_check"]["blank"].as_array().into_iter().flatten().map(|c| text(&c["case_id"])).collect();
    assert_eq!(blank, std::slice::from_ref(&other), "only the unminuted case holds finalising back: {}", check["finalise_check"]);
    let early = world.person("Morgan Ashby").browser.call("/api/minutes/finalise", &[("id", &id)]).await;
    assert_eq!(early.error().as_deref(), Some("Conflict"), "{}", early.text);
    assert!(early.text.contains(&text(&agenda[1]["reference"])), "the refusal names the case: {}", early.text);
    let deferred =
        json!({"input": {"meeting_id": id, "case_id": other, "risks": "", "decision": "Deferred: the referrer was not present.", "version": 0}});
    world.person("Morgan Ashby").browser.call_json("/api/minutes/save-case", &deferred).await.ok();
    world.person("Morgan Ashby").browser.call("/api/minutes/finalise", &[("id", &id)]).await.ok();
    let rep_view = world.person("Hollis Varga").browser.call("/api/meetings/view", &[("id", &id)]).await.ok();
    assert!(rep_view["summary"].is_object() && rep_view["finalise_check"].is_null(), "only those who run the meeting see the check");

    // Final minutes lock: an entry or action added now is an amendment, with its reason.
    let locked =
        world.person("Priya Lakeland").browser.call_json("/api/minutes/add-entry", &entry("Sent in after the meeting.", "fact", &police)).await;
    assert_eq!(locked.error().as_deref(), Some("InvalidFields"), "a reason is needed: {}", locked.text);
    let mut late_entry = entry("Sent in after the meeting.", "fact", &police);
    late_entry["input"]["reason"] = json!("Police research arrived after the meeting");
    world.person("Priya Lakeland").browser.call_json("/api/minutes/add-entry", &late_entry).await.ok();
    let late_action = json!({"input": {"meeting_id": id, "case_id": case, "owner_agency_id": police, "owner_user_id": "", "description": "Flag the address for urgent response",
        "due_on": "2027-03-01", "reason": "Agreed at the meeting, not written down"}});
    world.person("Morgan Ashby").browser.call_json("/api/actions/add", &late_action).await.ok();
    let rep_late = world.person("Hollis Varga").browser.call_json("/api/minutes/add-entry", &late_entry).await;
    assert_eq!(rep_late.error().as_deref(), Some("NotFound"), "representatives do not amend");
    let amend = json!({"input": {"meeting_id": id, "case_id": case, "target": "decision", "entry_id": "", "amended": "Refer to MAPPA level 2.", "reason": "Level agreed after the meeting"}});
    world.person("Morgan Ashby").browser.call_json("/api/minutes/amend", &amend).await.ok();
    let after = world.person("Morgan Ashby").browser.call("/api/meetings/case", &[("id", &id), ("case_id", &case)]).await.ok();
    assert_eq!(after["case"]["outcome"]["decision"], "Refer to MAPPA level 2.");
    let amendments: Vec<String> = after["case"]["amendments"].as_array().into_iter().flatten().map(text).collect();
    assert_eq!(amendments.len(), 3, "{amendments:?}");
    let has = |start: &str, words: &[&str]| amendments.iter().any(|a| a.starts_with(start) && words.iter().all(|w| a.contains(w)));
    assert!(has("Entry added", &["Police research arrived after the meeting", "Sent in after the meeting."]), "{amendments:?}");
    assert!(has("Action added", &["Agreed at the meeting, not written down", "Flag the address"]), "{amendments:?}");
    assert!(has("Decision amended", &["Refer to MAPPA.", "Level agreed after the meeting"]), "the original stays: {amendments:?}");
    let entries: Vec<String> = after["case"]["entries"].as_array().into_iter().flatten().map(|e| text(&e["body"])).collect();
    assert!(entries.iter().any(|e| e == "Sent in after the meeting."), "the added entry is in the minutes: {entries:?}");
    let actions: Vec<String> = after["case"]["actions"].as_array().into_iter().flatten().map(|a| text(&a["description"])).collect();
    assert!(actions.iter().any(|a| a.contains("Flag the address")), "and the added action: {actions:?}");

    // The case was heard today's meeting date; each agency sees and updates only its own actions.
    let db = open_db(&world.server.db_path()).await;
    let heard: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM case_hearings WHERE meeting_id = $1").bind(&id).fetch_one(&db).await.unwrap_or_default();
    assert_eq!(heard, 2, "both agenda cases were heard");
    let mine = world.person("Hollis Varga").browser.call("/api/actions/list", &[("scope", "agency")]).await.ok();
    let descriptions: Vec<String> = mine.as_array().into_iter().flatten().map(|a| text(&a["description"])).collect();
    assert!(
        descriptions.contains(&"Visit the children within 48 hours".to_string()) && !descriptions.iter().any(|d| d.contains("safe property")),
        "{descriptions:?}"
    );
    let visit = find(&mine, "description", "Visit the children within 48 hours").clone();
    let update = |v: i64, status: &str, note: &str| json!({"input": {"action_id": visit["id"], "status": status, "note": note, "version": v}});
    let no_reason = world.person("Hollis Varga").browser.call_json("/api/actions/update", &update(1, "not_achievable", "")).await;
    assert_eq!(no_reason.error().as_deref(), Some("InvalidFields"));
    let nothing_said = world.person("Hollis Varga").browser.call_json("/api/actions/update", &update(1, "done", "  ")).await;
    assert_eq!(nothing_said.error().as_deref(), Some("InvalidFields"), "done, with nothing said about what was done");
    assert_eq!(world.person("Hollis Varga").browser.call_json("/api/actions/update", &update(1, "done", "Visited on Monday.")).await.ok(), 2);
    let other = world.person("Rowan Ellery").browser.call_json("/api/actions/update", &update(2, "open", "")).await;
    assert_eq!(other.error().as_deref(), Some("NotFound"), "another agency's action");
    let all = world.person("Morgan Ashby").browser.call("/api/actions/list", &[("scope", "all")]).await.ok();
    assert!(all.as_array().into_iter().flatten().any(|a| a["overdue"] == true), "the demo's overdue action stands out: {all}");
    assert_eq!(world.person("Rowan Ellery").browser.call("/api/actions/list", &[("scope", "all")]).await.error().as_deref(), Some("NotFound"));
}

#[tokio::test]
async fn the_calendar_file_names_no_case_and_needs_access() {
    let mut world = World::demo().await;
    let (id, _) = next_meeting(&mut world).await;
    let rowan = world.person("Rowan Ellery");
    let res = rowan.browser.get(&format!("/meetings/{id}/calendar.ics")).await;
    assert_eq!(res.status, 200);
    assert!(res.text.contains("BEGIN:VEVENT") && res.text.contains("SUMMARY:MARAC meeting"));
    for name in ["Cerys", "Dalia", "Venn", "Mallender"] {
        assert!(!res.text.contains(name));
    }
    let mut anonymous = Browser::new(&world.server.base_url);
    assert_eq!(anonymous.get(&format!("/meetings/{id}/calendar.ics")).await.status, 404);
    assert_eq!(world.person("Ifeoma Castellanos").browser.get(&format!("/meetings/{id}/calendar.ics")).await.status, 404, "the DPO is not invited");
}

#[tokio::test]
async fn a_suspended_agency_loses_the_meeting_at_once() {
    let mut world = World::demo().await;
    let (id, _) = next_meeting(&mut world).await;
    world.person("Hollis Varga").browser.call("/api/meetings/view", &[("id", &id)]).await.ok();
    let overview = world.admin.browser.call("/api/admin/overview", &[]).await.ok();
    let children = text(&find(&overview["agencies"], "name", "Wyvernshire Children's Services")["id"]);
    world.admin.reauthenticate().await;
    world
        .admin
        .browser
        .call_json("/api/admin/change-agency-state", &json!({"input": {"agency_id": children, "state": "suspended", "reason": "Breach"}}))
        .await
        .ok();
    let refused = world.person("Hollis Varga").browser.call("/api/meetings/view", &[("id", &id)]).await;
    assert_eq!(refused.error().as_deref(), Some("SignInRequired"));
    let register = world.person("Priya Lakeland").browser.call("/api/meetings/view", &[("id", &id)]).await.ok();
    let people = register["people"].to_string();
    assert!(!people.contains("Hollis Varga"), "a suspended agency's people cannot be added to the register");
}

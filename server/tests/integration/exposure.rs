//! Who sees what, and when, over real HTTP: one meeting of the demo taken through every phase,
//! asked by each kind of agency (referrer, perpetrator-only, children's, uninvolved, action
//! owner, withdrawn), on every route that shows a case: the meeting view, the case record, the
//! research list, the live view, `/actions` in every scope, the live meeting's review of earlier
//! actions, each person's PDF copy of the minutes and the action-list PDF. Every absence is
//! asserted beside a presence on the same answer, so a broken answer cannot pass.

use crate::common;

use common::pdf::text as pdf_text;
use common::world::World;
use common::{age_passkey_checks, open_db};
use serde_json::{json, Value};

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// Asserts `haystack` holds every one of `present` and none of `absent`.
#[track_caller]
fn shows(what: &str, haystack: &str, present: &[&str], absent: &[&str]) {
    for p in present {
        assert!(haystack.contains(p), "{what} should show {p:?}:\n{haystack}");
    }
    for a in absent {
        assert!(!haystack.contains(a), "{what} must not show {a:?}:\n{haystack}");
    }
}

// Cerys Mallender's case (referred by Wyvern Homes; children's services marked for the household).
const CERYS: &str = "Cerys Mallender";
const CERYS_ADDRESS: &str = "7 Orchard Close";
const CERYS_SAFE_CONTACT: &str = "Mobile ending 0417";
const CERYS_SUMMARY: &str = "Tenancy officer visit";
const CERYS_PERPETRATOR: &str = "Jonah Price";
const CERYS_CHILD: &str = "Noa Price";
const CONSENT_REASON: &str = "The victim agreed to the referral";
// Dalia Venn's case (referred by children's services; the police researched it).
const DALIA: &str = "Dalia Venn";
const DALIA_RESEARCH: &str = "two call-outs to the address in 2025";
const DISCUSSION: &str = "Jonah Price was seen outside the nursery";

struct Ids {
    meeting: String,
    cerys: String,
    dalia: String,
}

async fn ids(world: &World) -> Ids {
    let db = open_db(&world.server.db_path()).await;
    let case = |name: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT c.id FROM cases c JOIN victims v ON v.id = c.victim_id WHERE v.name = $1")
                .bind(name)
                .fetch_one(&db)
                .await
                .unwrap_or_else(|e| panic!("{name}: {e}"))
        }
    };
    let meeting: String = sqlx::query_scalar("SELECT id FROM meetings WHERE status = 'agenda_published'").fetch_one(&db).await.unwrap_or_default();
    Ids { meeting, cerys: case(CERYS).await, dalia: case(DALIA).await }
}

async fn user_id(world: &World, name: &str) -> String {
    let db = open_db(&world.server.db_path()).await;
    sqlx::query_scalar("SELECT id FROM users WHERE name = $1").bind(name).fetch_one(&db).await.unwrap_or_else(|e| panic!("{name}: {e}"))
}

async fn agency_id(world: &World, name: &str) -> String {
    let db = open_db(&world.server.db_path()).await;
    sqlx::query_scalar("SELECT id FROM agencies WHERE name = $1").bind(name).fetch_one(&db).await.unwrap_or_else(|e| panic!("{name}: {e}"))
}

async fn answer(world: &mut World, who: &str, path: &str, args: &[(&str, &str)]) -> String {
    let got = world.person(who).browser.call(path, args).await;
    assert_eq!(got.status, 200, "{who} {path}: {}", got.text);
    got.text
}

/// Refused exactly as a record that does not exist (or, for someone whose agency's access has
/// ended, as someone signed out).
async fn refused(world: &mut World, who: &str, path: &str, args: &[(&str, &str)]) {
    let got = world.person(who).browser.call(path, args).await;
    assert!(matches!(got.error().as_deref(), Some("NotFound" | "SignInRequired")), "{who} {path} should be refused as not found: {}", got.text);
}

#[tokio::test]
async fn each_agency_sees_what_its_part_needs_at_each_phase() {
    let mut world = World::demo().await;
    let Ids { meeting, cerys, dalia } = ids(&world).await;
    let m = [("id", meeting.as_str())];
    let (probation, nhs) = (agency_id(&world, "Wyvernshire Probation Service").await, agency_id(&world, "Wyvern Valley NHS Trust").await);
    // The coordinator marks probation as working with Cerys's perpetrator.
    let involve = json!({"input": {"case_id": cerys, "agency_id": probation, "involvement": "perpetrator", "present": true}});
    world.person("Priya Lakeland").browser.call_json("/api/cases/set-involvement", &involve).await.ok();

    // 1. On the published agenda: every invited agency gets the research list, identifiers only.
    let zoe_list = answer(&mut world, "Zoë Brannigan", "/api/meetings/research-list", &m).await;
    shows(
        "an uninvolved agency's research list",
        &zoe_list,
        &[CERYS, CERYS_ADDRESS, CERYS_PERPETRATOR, CERYS_CHILD, DALIA],
        &[CERYS_SAFE_CONTACT, CERYS_SUMMARY, CONSENT_REASON, DALIA_RESEARCH, "\"dash\":[{"],
    );
    let zoe_case = answer(&mut world, "Zoë Brannigan", "/api/cases/view", &[("id", &cerys)]).await;
    shows("the case record during research", &zoe_case, &[CERYS, CERYS_ADDRESS], &[CERYS_SUMMARY, CERYS_SAFE_CONTACT]);
    let zoe_meeting = answer(&mut world, "Zoë Brannigan", "/api/meetings/view", &m).await;
    shows("the agenda", &zoe_meeting, &[CERYS, "\"research_progress\":[0,2]"], &[CERYS_SUMMARY]);
    let rowan_case = answer(&mut world, "Rowan Ellery", "/api/cases/view", &[("id", &cerys)]).await;
    shows("the referrer's case record", &rowan_case, &[CERYS, CERYS_SUMMARY, CONSENT_REASON, CERYS_CHILD], &[CERYS_SAFE_CONTACT]);
    let coordinator_live = answer(&mut world, "Priya Lakeland", "/api/meetings/case", &[("id", &meeting), ("case_id", &dalia)]).await;
    shows("the coordinator's view of the research", &coordinator_live, &[DALIA, DALIA_RESEARCH, "sensitive intelligence report"], &[]);
    refused(&mut world, "Tobias Wren", "/api/meetings/research-list", &m).await;
    refused(&mut world, "Ifeoma Castellanos", "/api/meetings/research-list", &m).await;

    // Research from the list: the NHS knows neither case; housing knows Dalia, which opens
    // nothing more of her case before the meeting.
    let research = |case: &str, known: &str, about: &[&str], body: &str| json!({"input": {"meeting_id": meeting, "case_id": case, "known": known, "known_about": about, "withheld": "", "kind": "fact", "body": body}});
    world.person("Zoë Brannigan").browser.call_json("/api/meetings/research-answer", &research(&cerys, "not_known", &[], "")).await.ok();
    world.person("Zoë Brannigan").browser.call_json("/api/meetings/research-answer", &research(&dalia, "not_known", &[], "")).await.ok();
    world
        .person("Rowan Ellery")
        .browser
        .call_json("/api/meetings/research-answer", &research(&dalia, "known", &["victim"], "Seen at the housing office in May."))
        .await
        .ok();
    let no_whom = world.person("Zoë Brannigan").browser.call_json("/api/meetings/research-answer", &research(&dalia, "known", &[], "")).await;
    assert_eq!(no_whom.error().as_deref(), Some("InvalidFields"), "known to us about whom: {}", no_whom.text);
    let zoe_list = answer(&mut world, "Zoë Brannigan", "/api/meetings/research-list", &m).await;
    shows("the research list after answering", &zoe_list, &["\"answered\":2", "\"known\":[]"], &[DALIA_RESEARCH, "Seen at the housing office"]);
    let rowan_dalia = answer(&mut world, "Rowan Ellery", "/api/cases/view", &[("id", &dalia)]).await;
    shows("a case the agency knows, before the meeting", &rowan_dalia, &[DALIA], &["coercive control during a school welfare visit", DALIA_RESEARCH]);

    // 2. At the meeting: acknowledging checks in; in the room means hearing the case.
    world.person("Priya Lakeland").browser.call("/api/meetings/advance", &[("id", &meeting), ("to", "in_progress")]).await.ok();
    for who in ["Priya Lakeland", "Morgan Ashby", "Zoë Brannigan", "Hollis Varga", "Rowan Ellery", "Jude Marchetti"] {
        world.person(who).browser.call("/api/meetings/acknowledge", &m).await.ok();
    }
    let zoe_live = answer(&mut world, "Zoë Brannigan", "/api/meetings/case", &[("id", &meeting), ("case_id", &dalia)]).await;
    shows(
        "the case as presented",
        &zoe_live,
        &[DALIA, DALIA_RESEARCH, "coercive control", "sensitive intelligence report", "Seen at the housing office"],
        &[CERYS_SAFE_CONTACT],
    );
    let zoe_id = user_id(&world, "Zoë Brannigan").await;
    let hollis_id = user_id(&world, "Hollis Varga").await;
    let out = json!({"input": {"meeting_id": meeting, "case_id": dalia, "user_id": zoe_id, "in_room": false, "and_later": false}});
    world.person("Priya Lakeland").browser.call_json("/api/meetings/item-attendance", &out).await.ok();
    let zoe_out = answer(&mut world, "Zoë Brannigan", "/api/meetings/case", &[("id", &meeting), ("case_id", &dalia)]).await;
    shows(
        "the case for someone out of the room",
        &zoe_out,
        &[DALIA, "\"stepped_out\":true", "\"known\":[]"],
        &[DALIA_RESEARCH, "coercive control", "Seen at the housing office"],
    );
    let refused_mark = world.person("Rowan Ellery").browser.call_json("/api/meetings/item-attendance", &out).await;
    assert_eq!(refused_mark.error().as_deref(), Some("NotFound"), "only the register's keepers mark who is in the room");
    // Children's services leave after the children's cases: out for Dalia and everything after.
    let leaves = json!({"input": {"meeting_id": meeting, "case_id": dalia, "user_id": hollis_id, "in_room": false, "and_later": true}});
    world.person("Morgan Ashby").browser.call_json("/api/meetings/item-attendance", &leaves).await.ok();
    let room = answer(&mut world, "Priya Lakeland", "/api/meetings/case", &[("id", &meeting), ("case_id", &dalia)]).await;
    shows("the register for the item", &room, &["Morgan Ashby, Wyvernshire Police", "\"in_room\":false"], &[]);
    let present: Vec<String> =
        serde_json::from_str::<Value>(&room).ok().and_then(|v| v["present"].as_array().cloned()).unwrap_or_default().iter().map(text).collect();
    assert!(present.iter().any(|p| p.contains("Morgan Ashby")) && !present.iter().any(|p| p.contains("Zoë") || p.contains("Hollis")), "{present:?}");

    // Minuting and an action for the NHS, which was out of the room for Dalia.
    let police = agency_id(&world, "Wyvernshire Police").await;
    let entry = json!({"input": {"meeting_id": meeting, "case_id": cerys, "kind": "fact", "body": DISCUSSION, "source_agency_id": police, "source_person": ""}});
    world.person("Priya Lakeland").browser.call_json("/api/minutes/add-entry", &entry).await.ok();
    let action = json!({"input": {"meeting_id": meeting, "case_id": dalia, "owner_agency_id": nhs, "owner_user_id": zoe_id, "description": "Flag Dalia's records for a safe route to the IDVA", "due_on": "2027-03-01"}});
    world.person("Priya Lakeland").browser.call_json("/api/actions/add", &action).await.ok();
    let licence = json!({"input": {"meeting_id": meeting, "case_id": cerys, "owner_agency_id": probation, "owner_user_id": "", "description": "Review Jonah Price's licence conditions", "due_on": "2027-03-01"}});
    world.person("Priya Lakeland").browser.call_json("/api/actions/add", &licence).await.ok();
    let wrong_person = json!({"input": {"meeting_id": meeting, "case_id": dalia, "owner_agency_id": nhs, "owner_user_id": hollis_id, "description": "x", "due_on": "2027-03-01"}});
    let refused_person = world.person("Priya Lakeland").browser.call_json("/api/actions/add", &wrong_person).await;
    assert!(refused_person.text.contains("action-person"), "a named person must be of the owning agency: {}", refused_person.text);
    let rep_minute = world.person("Rowan Ellery").browser.call_json("/api/minutes/add-entry", &entry).await;
    assert_eq!(rep_minute.error().as_deref(), Some("NotFound"), "representatives do not minute");

    // 3. After the meeting: only the agencies involved keep the case.
    world.person("Priya Lakeland").browser.call("/api/meetings/advance", &[("id", &meeting), ("to", "minutes_draft")]).await.ok();
    let late = world.person("Tobias Wren").browser.call("/api/meetings/acknowledge", &m).await;
    assert_ne!(late.status, 200, "the withdrawn agency's person is refused");
    let zoe_after = answer(&mut world, "Zoë Brannigan", "/api/meetings/view", &m).await;
    shows("the agenda after the meeting, for the agency owning an action only", &zoe_after, &[DALIA], &[CERYS]);
    refused(&mut world, "Zoë Brannigan", "/api/cases/view", &[("id", &cerys)]).await;
    refused(&mut world, "Zoë Brannigan", "/api/meetings/case", &[("id", &meeting), ("case_id", &cerys)]).await;
    refused(&mut world, "Zoë Brannigan", "/api/meetings/research-list", &m).await;
    let late_ack = world.person("Zoë Brannigan").browser.call("/api/meetings/acknowledge", &m).await;
    assert_eq!(late_ack.error().as_deref(), Some("Conflict"), "a late acknowledgement changes nothing: {}", late_ack.text);
    let zoe_dalia = answer(&mut world, "Zoë Brannigan", "/api/meetings/case", &[("id", &meeting), ("case_id", &dalia)]).await;
    shows(
        "the case for the agency that owns an action on it",
        &zoe_dalia,
        &[DALIA, "Flag Dalia's records"],
        &[DALIA_RESEARCH, "coercive control", "Seen at the housing office"],
    );
    let jude = answer(&mut world, "Jude Marchetti", "/api/meetings/case", &[("id", &meeting), ("case_id", &cerys)]).await;
    shows("the perpetrator-only agency's view", &jude, &[CERYS_PERPETRATOR, DISCUSSION], &[CERYS_ADDRESS, CERYS_CHILD, CERYS_SAFE_CONTACT]);
    let hollis = answer(&mut world, "Hollis Varga", "/api/meetings/case", &[("id", &meeting), ("case_id", &cerys)]).await;
    shows("the children's agency's view", &hollis, &[CERYS_CHILD, DISCUSSION], &[CERYS_ADDRESS, CERYS_SAFE_CONTACT]);
    let rowan = answer(&mut world, "Rowan Ellery", "/api/meetings/case", &[("id", &meeting), ("case_id", &cerys)]).await;
    shows("the referrer's view", &rowan, &[CERYS, DISCUSSION, CERYS_SUMMARY], &[CERYS_SAFE_CONTACT, CERYS_ADDRESS]);
    let rowan_dalia = answer(&mut world, "Rowan Ellery", "/api/meetings/case", &[("id", &meeting), ("case_id", &dalia)]).await;
    shows(
        "a case the agency's research knew, after the meeting",
        &rowan_dalia,
        &[DALIA, DALIA_RESEARCH, "coercive control", "Tomas Venn"],
        &[CERYS_SAFE_CONTACT],
    );
    let zoe_actions = answer(&mut world, "Zoë Brannigan", "/api/actions/list", &[("scope", "agency")]).await;
    shows("the agency's actions", &zoe_actions, &["Flag Dalia's records", "\"may_update\":true"], &[CERYS]);
    refused(&mut world, "Zoë Brannigan", "/api/actions/list", &[("scope", "all")]).await;
    let all = answer(&mut world, "Morgan Ashby", "/api/actions/list", &[("scope", "all")]).await;
    shows("every outstanding action, for the chair", &all, &["Flag Dalia's records", "Fit additional locks"], &[]);

    // Final minutes, sent: each copy holds what the meeting view shows its reader.
    world.person("Morgan Ashby").browser.call("/api/minutes/finalise", &m).await.ok();
    world.person("Priya Lakeland").browser.call("/api/distribution/send", &[("meeting_id", &meeting)]).await.ok();
    age_passkey_checks(&world.server.db_path()).await;
    let db = open_db(&world.server.db_path()).await;
    let copy = |user: String| {
        let db = db.clone();
        let meeting = meeting.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT id FROM minute_copies WHERE meeting_id = $1 AND user_id = $2 AND revoked_at IS NULL")
                .bind(meeting)
                .bind(user)
                .fetch_one(&db)
                .await
                .unwrap_or_else(|e| panic!("copy: {e}"))
        }
    };
    let pdf_of = async |world: &mut World, who: &str| {
        let id = copy(user_id(world, who).await).await;
        world.person(who).reauthenticate().await;
        let (status, _, pdf) = world.person(who).browser.download(&format!("/copies/{id}/minutes.pdf")).await;
        assert_eq!(status, 200, "{who}'s copy");
        pdf_text(&pdf)
    };
    let zoe_copy = pdf_of(&mut world, "Zoë Brannigan").await;
    shows(
        "the action owner's copy",
        &zoe_copy,
        &[DALIA, "Flag Dalia's", "Your agency's actions from this meeting"],
        &[CERYS, DALIA_RESEARCH, "Seen at the housing office"],
    );
    let jude_copy = pdf_of(&mut world, "Jude Marchetti").await;
    shows(
        "the perpetrator-only agency's copy",
        &jude_copy,
        &[CERYS, CERYS_PERPETRATOR, "seen outside the nursery"],
        &[CERYS_ADDRESS, CERYS_CHILD, DALIA],
    );
    let hollis_copy = pdf_of(&mut world, "Hollis Varga").await;
    shows("the children's agency's copy", &hollis_copy, &[CERYS, CERYS_CHILD, DALIA], &[CERYS_ADDRESS, CERYS_SAFE_CONTACT]);

    // Restricted: the coordinator and the DPO only; everyone else sees the reference, marked.
    let dpo = world.person("Ifeoma Castellanos");
    dpo.reauthenticate().await;
    let restrict = json!({"input": {"case_id": cerys, "reason": "The victim contests the accuracy of the referral", "restricted": true}});
    dpo.browser.call_json("/api/cases/restrict", &restrict).await.ok();
    let rowan_restricted = answer(&mut world, "Rowan Ellery", "/api/cases/view", &[("id", &cerys)]).await;
    shows("a restricted case record", &rowan_restricted, &["\"restricted\":true", "\"reference\""], &[CERYS, CERYS_SUMMARY]);
    let coordinator = answer(&mut world, "Priya Lakeland", "/api/cases/view", &[("id", &cerys)]).await;
    shows("the coordinator's restricted case record", &coordinator, &[CERYS, CERYS_SAFE_CONTACT], &[]);
    let hollis_copy = pdf_of(&mut world, "Hollis Varga").await;
    shows(
        "a copy with a restricted case",
        &hollis_copy,
        &["Restricted. This record is restricted", DALIA],
        &[CERYS_CHILD, "seen outside the nursery"],
    );
    let chair_actions = answer(&mut world, "Morgan Ashby", "/api/actions/list", &[("scope", "all")]).await;
    shows("actions on a restricted case", &chair_actions, &["\"case_restricted\":true", "Flag Dalia's records"], &["Review Jonah Price"]);
    let probation_actions = answer(&mut world, "Jude Marchetti", "/api/actions/list", &[("scope", "agency")]).await;
    shows("the owning agency's action on a restricted case", &probation_actions, &["\"case_restricted\":true"], &["Review Jonah Price"]);
}

#[tokio::test]
async fn the_action_list_pdf_marks_restricted_cases_and_keeps_other_agencies_out() {
    let mut world = World::demo().await;
    let db = open_db(&world.server.db_path()).await;
    let ada: String = sqlx::query_scalar("SELECT c.id FROM cases c JOIN victims v ON v.id = c.victim_id WHERE v.name = 'Ada Thornbury'")
        .fetch_one(&db)
        .await
        .unwrap_or_default();
    let rowan = world.person("Rowan Ellery");
    rowan.reauthenticate().await;
    let (_, _, pdf) = rowan.browser.download("/actions.pdf").await;
    shows("the agency's action list", &pdf_text(&pdf), &["Fit additional locks", "Wyvern Homes"], &["strategy discussion", "licence conditions"]);
    let dpo = world.person("Ifeoma Castellanos");
    dpo.reauthenticate().await;
    dpo.browser.call_json("/api/cases/restrict", &json!({"input": {"case_id": ada, "reason": "Accuracy contested", "restricted": true}})).await.ok();
    let rowan = world.person("Rowan Ellery");
    rowan.reauthenticate().await;
    let (_, _, pdf) = rowan.browser.download("/actions.pdf").await;
    shows(
        "a restricted case in the action list",
        &pdf_text(&pdf),
        &["Restricted. This record is restricted", "Wyvern Homes"],
        &["Fit additional locks"],
    );
    let listed = rowan.browser.call("/api/actions/list", &[("scope", "agency")]).await.ok().to_string();
    shows("a restricted case on /actions", &listed, &["\"case_restricted\":true"], &["Fit additional locks", "\"may_update\":true"]);
}

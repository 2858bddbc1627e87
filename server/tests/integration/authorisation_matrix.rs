//! The authorisation matrix: every page and every server function, for every kind of person
//! (anonymous, each role, a user of a suspended agency, a disabled user), over real HTTP.
//! The table must list every address `roundtable routes` prints, so a new route cannot be
//! added without deciding who may use it.

use crate::common;

use std::collections::BTreeSet;

use common::passkey::Browser;
use common::world::World;
use common::{open_db, run};
use serde_json::{json, Value};

/// Who is asking. The order is the order of the letters in the table below.
const WHO: [&str; 10] =
    ["anonymous", "administrator", "coordinator", "chair", "idva", "representative", "dpo", "suspended agency", "disabled user", "other agency"];
/// The demo person playing each signed-in part.
const PLAYER: [Option<&str>; 10] = [
    None,
    None, // the first administrator
    Some("Priya Lakeland"),
    Some("Morgan Ashby"),
    Some("Sam Okonjo-Reyes"),
    Some("Hollis Varga"), // children's services: referred the matrix case
    Some("Ifeoma Castellanos"),
    Some("Jude Marchetti"),
    Some("Zoë Brannigan"),
    Some("Rowan Ellery"), // housing: not involved in the matrix case
];

/// A allowed, D denied (answered exactly as "not found" / "sign in"), R needs re-authentication,
/// P public (the same answer whoever asks). Columns follow `WHO`. A check that finds a server
/// error or a page that is neither its own nor a refusal reports `E`, never `D`.
const TABLE: &[(&str, &str)] = &[
    ("GET /", "PPPPPPPPPP"),
    ("GET /sign-in", "PPPPPPPPPP"),
    ("GET /enrol", "PPPPPPPPPP"),
    ("GET /account", "DAAAAAADDA"),
    ("GET /admin", "DAADDDDDDD"),
    ("GET /admin/agencies", "DAADDDDDDD"),
    ("GET /admin/agencies/{id}", "DAADDDDDDD"),
    ("GET /admin/isa", "DAADDDDDDD"),
    ("GET /admin/people", "DAADDDDDDD"),
    ("GET /admin/people/{id}", "DAADDDDDDD"),
    ("GET /admin/sessions", "DADDDDDDDD"),
    ("GET /audit", "DADDDDADDD"),
    ("GET /referrals", "DDAAAADDDA"),
    ("GET /referrals/{id}", "DDDDADDDDD"),
    ("GET /triage", "DDADDDDDDD"),
    ("GET /triage/{id}", "DDADDDDDDD"),
    ("GET /cases", "DDAAAADDDA"),
    // During the research phase every invited agency's people see the research list's parts.
    ("GET /cases/{id}", "DDAAAAADDA"),
    ("GET /meetings", "DDAAAADDDA"),
    ("GET /meetings/{id}", "DDAAAADDDA"),
    ("GET /meetings/{id}/calendar.ics", "DDAAAADDDA"),
    ("GET /actions", "DDAAAADDDA"),
    ("GET /statistics", "DDAADDADDD"),
    ("GET /statistics.csv", "DDAADDADDD"),
    ("GET /healthz", "PPPPPPPPPP"),
    ("GET /readyz", "PPPPPPPPPP"),
    ("POST /api/auth/who-am-i", "DAAAAAADDA"),
    ("POST /api/session/times", "DAAAAAADDA"),
    ("POST /api/permissions/action-scopes", "DDAAAADDDA"),
    ("POST /api/auth/begin-enrolment", "PPPPPPPPPP"),
    ("POST /api/auth/finish-enrolment", "PPPPPPPPPP"),
    ("POST /api/auth/begin-sign-in", "PPPPPPPPPP"),
    ("POST /api/auth/finish-sign-in", "PPPPPPPPPP"),
    ("POST /api/auth/begin-reauthentication", "DAAAAAADDA"),
    ("POST /api/auth/finish-reauthentication", "DAAAAAADDA"),
    ("POST /api/account/view", "DAAAAAADDA"),
    ("POST /api/account/begin-add-passkey", "DRRRRRRDDR"),
    ("POST /api/account/finish-add-passkey", "DRRRRRRDDR"),
    ("POST /api/account/rename-passkey", "DRRRRRRDDR"),
    ("POST /api/account/revoke-passkey", "DRRRRRRDDR"),
    ("POST /api/audit/verify", "DADDDDADDD"),
    ("POST /api/admin/overview", "DAADDDDDDD"),
    ("POST /api/admin/save-agency", "DADDDDDDDD"),
    ("POST /api/admin/change-agency-state", "DRDDDDDDDD"),
    ("POST /api/admin/record-signature", "DRDDDDDDDD"),
    ("POST /api/admin/publish-isa", "DRDDDDDDDD"),
    ("POST /api/admin/users", "DAADDDDDDD"),
    ("POST /api/admin/invite-user", "DAADDDDDDD"),
    ("POST /api/admin/update-user", "DADDDDDDDD"),
    ("POST /api/admin/set-user-active", "DADDDDDDDD"),
    ("POST /api/admin/recovery-link", "DRDDDDDDDD"),
    ("POST /api/admin/sessions", "DADDDDDDDD"),
    ("POST /api/admin/end-session", "DADDDDDDDD"),
    // Privileged roles granted by one person wait for a second; deciding needs a fresh passkey check.
    ("POST /api/admin/role-grants", "DADDDDADDD"),
    ("POST /api/admin/approve-grant", "DRDDDDDDDD"),
    ("POST /api/admin/refuse-grant", "DRDDDDDDDD"),
    ("POST /api/audit/checkpoint", "DADDDDADDD"),
    ("POST /api/auth/begin-keep-passkeys", "PPPPPPPPPP"),
    ("POST /api/referrals/mine", "DDAAAADDDA"),
    ("POST /api/referrals/new", "DDAAAADDDA"),
    ("POST /api/referrals/draft", "DDDDADDDDD"),
    ("POST /api/referrals/save-draft", "DDDDADDDDD"),
    ("POST /api/referrals/submit", "DDDDADDDDD"),
    ("POST /api/referrals/discard", "DDDDADDDDD"),
    ("POST /api/triage/list", "DDADDDDDDD"),
    ("POST /api/triage/view", "DDADDDDDDD"),
    ("POST /api/triage/decide-repeat", "DDADDDDDDD"),
    ("POST /api/triage/request-information", "DDADDDDDDD"),
    ("POST /api/referrals/reply", "DDDADDDDDD"),
    ("POST /api/triage/accept", "DDADDDDDDD"),
    ("POST /api/triage/reject", "DDADDDDDDD"),
    ("POST /api/cases/mine", "DDAAAADDDA"),
    ("POST /api/cases/view", "DDAAAAADDA"),
    ("POST /api/cases/search", "DDAADDADDD"),
    ("POST /api/cases/set-involvement", "DDADDDDDDD"),
    ("POST /api/cases/assign-idva", "DDADDDDDDD"),
    ("POST /api/cases/close", "DDADDDDDDD"),
    ("POST /api/statistics/quarter", "DDAADDADDD"),
    ("GET /retention", "DDDDDDADDD"),
    ("POST /api/retention/overview", "DDDDDDADDD"),
    ("POST /api/retention/hold", "DDDDDDADDD"),
    ("POST /api/cases/restrict", "DDDDDDADDD"),
    ("POST /api/cases/rectify", "DDADDDADDD"),
    ("POST /api/cases/objection", "DDDDDDADDD"),
    // After the objection above, so there is one to decide.
    ("POST /api/cases/decide-objection", "DDDDDDADDD"),
    ("POST /api/cases/erase", "DDDDDDRDDD"),
    ("POST /api/audit/search", "DDDDDDADDD"),
    ("POST /api/audit/export", "DDDDDDRDDD"),
    ("POST /api/meetings/list", "DDAAAADDDA"),
    ("POST /api/meetings/schedule", "DDADDDDDDD"),
    ("POST /api/meetings/view", "DDAAAADDDA"),
    ("POST /api/meetings/move-item", "DDADDDDDDD"),
    ("POST /api/meetings/order-children-first", "DDADDDDDDD"),
    ("POST /api/meetings/invite", "DDADDDDDDD"),
    // On the published agenda: the research list for invited agencies' people; acknowledging
    // waits for the meeting (refused with a reason, so allowed).
    ("GET /meetings/{id}/research", "DDDAAADDDA"),
    ("POST /api/meetings/research-list", "DDDAAADDDA"),
    ("POST /api/meetings/research-answer", "DDDAAADDDA"),
    ("POST /api/meetings/research", "DDDAAADDDA"),
    ("POST /api/meetings/acknowledge", "DDAAAADDDA"),
    ("GET /meetings/{id}/cases/{case}", "DDAAAADDDA"),
    ("GET /meetings/{id}/events", "DDAAAADDDA"),
    ("POST /api/meetings/attendance", "DDAADDDDDD"),
    ("POST /api/meetings/case", "DDAAAADDDA"),
    ("POST /api/meetings/publish", "DDADDDDDDD"),
    ("POST /api/meetings/item-attendance", "DDAADDDDDD"),
    // The meeting starts (the coordinator, or the meeting's chair); acknowledging checks people in.
    ("POST /api/meetings/advance", "DDAADDDDDD"),
    ("POST /api/meetings/acknowledge", "DDAAAADDDA"),
    ("POST /api/minutes/add-entry", "DDAADDDDDD"),
    ("POST /api/minutes/edit-entry", "DDAADDDDDD"),
    ("POST /api/minutes/save-case", "DDAADDDDDD"),
    ("POST /api/actions/add", "DDAADDDDDD"),
    ("POST /api/actions/update", "DDADDDDDDA"),
    ("POST /api/actions/list", "DDAAAADDDA"),
    // The meeting closes; only its chair finalises; then only amendments.
    ("POST /api/meetings/advance", "DDAADDDDDD"),
    ("POST /api/minutes/finalise", "DDDADDDDDD"),
    ("POST /api/minutes/amend", "DDAADDDDDD"),
    // Distribution of a held meeting's final minutes: sending makes a copy for the representative.
    ("GET /meetings/{id}/distribution", "DDADDDDDDD"),
    ("POST /api/distribution/view", "DDADDDDDDD"),
    ("POST /api/distribution/send", "DDADDDDDDD"),
    ("GET /copies/{id}", "DDDDDADDDD"),
    ("POST /api/distribution/copy", "DDDDDADDDD"),
    ("GET /copies/{id}/minutes.pdf", "DDDDDRDDDD"),
    ("GET /actions.pdf", "DDRRRRDDDR"),
    ("POST /api/distribution/resend", "DDADDDDDDD"),
    ("POST /api/distribution/revoke", "DDADDDDDDD"),
    // Subject access: the DPO only; every step but reviewing after a fresh passkey check.
    ("GET /subject-access", "DDDDDDADDD"),
    ("GET /subject-access/{id}", "DDDDDDRDDD"),
    ("POST /api/subject-access/list", "DDDDDDADDD"),
    ("POST /api/subject-access/view", "DDDDDDRDDD"),
    ("POST /api/subject-access/find", "DDDDDDRDDD"),
    ("POST /api/subject-access/prepare", "DDDDDDRDDD"),
    ("POST /api/subject-access/approve", "DDDDDDRDDD"),
    ("GET /subject-access/{id}/export.json", "DDDDDDRDDD"),
    ("GET /subject-access/{id}/export.pdf", "DDDDDDRDDD"),
    // Last: it ends the sessions of everyone above.
    ("POST /api/auth/sign-out", "PPPPPPPPPP"),
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
    /// A draft written by the IDVA.
    sam_draft: String,
    /// Waiting for triage: a new referral, and a possible repeat.
    eliza_referral: String,
    ada_again_referral: String,
    /// The earlier case of the possible repeat, and the matrix case (referred by children's services).
    ada_case: String,
    dalia_case: String,
    police: String,
    /// The demo's next meeting (agenda published), with the matrix case on its agenda.
    meeting: String,
    /// A subject access request prepared by the DPO, and the victim it is about.
    subject_request: String,
    ada_victim: String,
    /// A held meeting whose minutes are final.
    held_meeting: String,
    /// An action owned by housing (the "other agency").
    homes_action: String,
    /// Where the test reads current versions, as a person with the file could.
    db_path: std::path::PathBuf,
    /// A grant of the coordinator role waiting for approval.
    grant: String,
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
        "GET /account" => [
            "",
            "admin@roundtable.invalid",
            "priya.lakeland@",
            "morgan.ashby@",
            "sam.okonjo-reyes@",
            "hollis.varga@",
            "ifeoma.castellanos@",
            "",
            "",
            "rowan.ellery@",
        ][who],
        "GET /admin" => "href=\"/admin/people\"",
        "GET /admin/agencies" | "GET /admin/agencies/{id}" => "marac@wyvernhomes.invalid",
        "GET /admin/isa" => "Wyvernshire MARAC Information Sharing Agreement",
        "GET /admin/people" | "GET /admin/people/{id}" => "hollis.varga@children.wyvernshire.invalid",
        "GET /admin/sessions" => "id=\"sessions\"",
        "GET /referrals" => "id=\"new-referral\"",
        "GET /referrals/{id}" => "id=\"save-status\"",
        "GET /triage" => "id=\"triage\"",
        "GET /triage/{id}" => "id=\"accept-referral\"",
        "GET /cases" => "id=\"my-cases\"",
        "GET /cases/{id}" | "GET /meetings/{id}/cases/{case}" => "id=\"case-title\"",
        "GET /meetings/{id}/research" => "id=\"research-title\"",
        "GET /meetings" => "id=\"meetings\"",
        "GET /meetings/{id}" => "id=\"meeting-title\"",
        "GET /meetings/{id}/calendar.ics" => "BEGIN:VCALENDAR",
        "GET /actions" => "id=\"action-list\"",
        "GET /statistics" => "id=\"figures\"",
        "GET /statistics.csv" => "quarter,measure,agency,value",
        "GET /audit" => "id=\"verify-audit\"",
        "GET /meetings/{id}/distribution" => "Each person who receives minutes",
        "GET /copies/{id}" => "id=\"download-copy\"",
        "GET /subject-access" => "id=\"find-subject\"",
        "GET /subject-access/{id}" => "id=\"export-preview\"",
        "GET /retention" => "id=\"retention-settings\"",
        _ => "",
    }
}

fn classify(route: &str, status: u16, body: &Value, raw: &str) -> char {
    if status < 300 {
        // "Nobody" from who-am-i and the session's times is a refusal; other functions answer
        // `null` for done.
        let nobody = route.ends_with("/who-am-i") || route.ends_with("/session/times");
        return if nobody && body.is_null() { 'D' } else { 'A' };
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
            let input =
                json!({"input": {"label": "Version 9", "body_markdown": "# ISA", "confidentiality_statement": "Confidential.", "resign_by": ""}});
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
        "/api/admin/approve-grant" | "/api/admin/refuse-grant" => browser.call(path, &[("grant_id", &ids.grant)]).await,
        "/api/referrals/draft" | "/api/referrals/discard" => browser.call(path, &[("id", &ids.sam_draft)]).await,
        "/api/referrals/save-draft" | "/api/referrals/submit" => {
            let form = json!({"latest_incident_on": "", "victim": {"name": "Half Written", "other_names": "", "date_of_birth": "", "gender": "",
                "ethnicity": "", "disability": "", "sexual_orientation": "", "first_language": "", "interpreter_needed": false, "address": "",
                "safe_contact": "", "safe_times": ""}, "perpetrators": [], "household": [], "dash_completed": false, "dash": vec!["not_known"; 24],
                "professional_judgement": "", "police_callouts": "", "believed_repeat": false, "consent": "", "consent_reason": "", "summary": ""});
            browser.call_json(path, &json!({"input": {"id": ids.sam_draft, "form": form}})).await
        }
        "/api/referrals/reply" => {
            browser.call(path, &[("id", &ids.ada_again_referral), ("reply", "The perpetrator was released on bail yesterday.")]).await
        }
        "/api/triage/view" => browser.call(path, &[("id", &ids.eliza_referral)]).await,
        "/api/triage/decide-repeat" => {
            browser.call(path, &[("id", &ids.ada_again_referral), ("case_id", &ids.ada_case), ("confirmed", "true")]).await
        }
        "/api/triage/request-information" => {
            browser.call(path, &[("id", &ids.ada_again_referral), ("request", "Is the victim still at the refuge?")]).await
        }
        "/api/triage/accept" => browser.call_json(path, &json!({"input": {"referral_id": ids.eliza_referral, "meeting_id": ""}})).await,
        "/api/triage/reject" => browser.call(path, &[("id", &ids.ada_again_referral), ("reason", "duplicate")]).await,
        "/api/cases/view" => browser.call(path, &[("id", &ids.dalia_case)]).await,
        "/api/cases/search" => browser.call(path, &[("query", "Venn")]).await,
        "/api/cases/set-involvement" => {
            browser
                .call_json(path, &json!({"input": {"case_id": ids.dalia_case, "agency_id": ids.police, "involvement": "victim", "present": true}}))
                .await
        }
        "/api/cases/assign-idva" => browser.call(path, &[("case_id", &ids.dalia_case), ("user_id", &ids.sam)]).await,
        "/api/cases/close" => browser.call(path, &[("case_id", &ids.dalia_case), ("reason", "Victim moved out of the area")]).await,
        "/api/meetings/schedule" => {
            let input = json!({"input": {"first_date": "2027-06-01", "start_time": "10:00", "place": "Matrix Room", "capacity": "10", "every_weeks": "2", "count": "1", "chair_user_id": ""}});
            browser.call_json(path, &input).await
        }
        "/api/meetings/view" | "/api/meetings/acknowledge" | "/api/meetings/order-children-first" => {
            browser.call(path, &[("id", &ids.meeting)]).await
        }
        "/api/minutes/finalise" => {
            // Finalising waits for every case to have minutes: the rest of the agenda was deferred.
            let db = open_db(&ids.db_path).await;
            sqlx::query(
                "INSERT INTO case_minutes (meeting_id, case_id, risks, decision, version, updated_by, updated_at) \
                 SELECT ai.meeting_id, ai.case_id, '', 'Deferred to the next meeting', 1, m.chair_user_id, 0 FROM agenda_items ai JOIN meetings m ON m.id = ai.meeting_id \
                 WHERE ai.meeting_id = $1 ON CONFLICT (meeting_id, case_id) DO NOTHING",
            )
            .bind(&ids.meeting)
            .execute(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
            browser.call(path, &[("id", &ids.meeting)]).await
        }
        "/api/meetings/move-item" => browser.call(path, &[("id", &ids.meeting), ("case_id", &ids.dalia_case), ("up", "false")]).await,
        "/api/meetings/invite" => browser.call(path, &[("id", &ids.meeting), ("agency_id", &ids.police), ("invited", "true")]).await,
        "/api/meetings/publish" => browser.call(path, &[("id", &ids.meeting), ("research_deadline", "2027-01-01")]).await,
        "/api/meetings/advance" => {
            // The table's first "advance" row starts the meeting, the second closes it.
            let first = TABLE.iter().position(|(r, _)| *r == "POST /api/meetings/advance");
            let to = if Some(n / 10) == first { "in_progress" } else { "minutes_draft" };
            browser.call(path, &[("id", &ids.meeting), ("to", to)]).await
        }
        "/api/meetings/research-list" => browser.call(path, &[("id", &ids.meeting)]).await,
        "/api/meetings/research-answer" => {
            let input = json!({"input": {"meeting_id": ids.meeting, "case_id": ids.dalia_case, "known": "not_known", "known_about": [],
                "withheld": "", "kind": "fact", "body": ""}});
            browser.call_json(path, &input).await
        }
        "/api/meetings/item-attendance" => {
            let input =
                json!({"input": {"meeting_id": ids.meeting, "case_id": ids.dalia_case, "user_id": ids.hollis, "in_room": false, "and_later": false}});
            browser.call_json(path, &input).await
        }
        "/api/meetings/attendance" => {
            browser
                .call_json(path, &json!({"input": {"meeting_id": ids.meeting, "user_id": ids.hollis, "status": "present", "deputy_for": ""}}))
                .await
        }
        "/api/meetings/case" => browser.call(path, &[("id", &ids.meeting), ("case_id", &ids.dalia_case)]).await,
        "/api/meetings/research" | "/api/minutes/add-entry" => {
            let input = json!({"input": {"meeting_id": ids.meeting, "case_id": ids.dalia_case, "kind": "fact", "body": "Known to the agency since 2024.",
                "source_agency_id": ids.police, "source_person": ""}});
            browser.call_json(path, &input).await
        }
        "/api/minutes/edit-entry" => {
            let sql = format!("SELECT id, version FROM minute_entries WHERE meeting_id = '{}' ORDER BY created_at LIMIT 1", ids.meeting);
            let (entry, version) = current(&ids.db_path, &sql).await;
            browser
                .call_json(path, &json!({"input": {"entry_id": entry, "kind": "opinion", "body": "Edited in the matrix.", "version": version}}))
                .await
        }
        "/api/minutes/save-case" => {
            let sql = format!(
                "SELECT case_id, version FROM case_minutes WHERE meeting_id = '{}' AND case_id = '{}' UNION ALL SELECT '', 0 ORDER BY 2 DESC LIMIT 1",
                ids.meeting, ids.dalia_case
            );
            let (_, version) = current(&ids.db_path, &sql).await;
            let input = json!({"input": {"meeting_id": ids.meeting, "case_id": ids.dalia_case, "risks": "Isolation", "decision": "Refer to adult social care", "version": version}});
            browser.call_json(path, &input).await
        }
        "/api/actions/add" => {
            let input = json!({"input": {"meeting_id": ids.meeting, "case_id": ids.dalia_case, "owner_agency_id": ids.police, "owner_user_id": "",
                "description": "Flag the address", "due_on": "2027-06-30"}});
            browser.call_json(path, &input).await
        }
        "/api/actions/update" => {
            let (_, version) = current(&ids.db_path, &format!("SELECT id, version FROM actions WHERE id = '{}'", ids.homes_action)).await;
            browser
                .call_json(
                    path,
                    &json!({"input": {"action_id": ids.homes_action, "status": "in_progress", "note": "Locks ordered", "version": version}}),
                )
                .await
        }
        "/api/actions/list" => browser.call(path, &[("scope", "agency")]).await,
        "/api/statistics/quarter" => browser.call(path, &[("quarter", "")]).await,
        "/api/retention/hold" => browser.call_json(path, &json!({"input": {"reference": "C-1999-00001", "reason": "Matrix", "hold": true}})).await,
        "/api/cases/restrict" => {
            browser.call_json(path, &json!({"input": {"case_id": ids.dalia_case, "reason": "Matrix", "restricted": false}})).await
        }
        "/api/cases/rectify" => {
            browser
                .call_json(path, &json!({"input": {"case_id": ids.dalia_case, "target": "victim_name:none", "value": "X", "reason": "Matrix"}}))
                .await
        }
        "/api/cases/objection" => {
            let sql = format!("SELECT v.id, 0 FROM victims v JOIN referrals r ON r.id = v.referral_id WHERE r.case_id = '{}'", ids.dalia_case);
            let (victim, _) = current(&ids.db_path, &sql).await;
            let input =
                json!({"input": {"case_id": ids.dalia_case, "person": format!("victim:{victim}"), "received_on": "2026-01-05", "grounds": "Matrix"}});
            browser.call_json(path, &input).await
        }
        "/api/cases/decide-objection" => {
            let (objection, _) = current(&ids.db_path, "SELECT id, 0 FROM objections LIMIT 1").await;
            let input = json!({"input": {"objection_id": objection, "decision": "", "reasoning": "", "decided_on": ""}});
            browser.call_json(path, &input).await
        }
        "/api/cases/erase" => {
            browser.call_json(path, &json!({"input": {"case_id": ids.dalia_case, "target": "case", "ground": "added_in_error"}})).await
        }
        "/api/audit/search" | "/api/audit/export" => {
            let filter = json!({"filter": {"user_id": "", "agency_id": "", "record_id": "", "action": "", "from": "", "to": ""}});
            browser.call_json(path, &filter).await
        }
        "/api/distribution/view" | "/api/distribution/send" => browser.call(path, &[("meeting_id", &ids.held_meeting)]).await,
        "/api/distribution/revoke" => browser.call(path, &[("meeting_id", &ids.held_meeting), ("agency_id", "")]).await,
        "/api/distribution/copy" => browser.call(path, &[("copy_id", &hollis_copy(ids).await)]).await,
        "/api/distribution/resend" => {
            // A message that failed every attempt, so there is something to send again.
            let copy = hollis_copy(ids).await;
            let db = open_db(&ids.db_path).await;
            sqlx::query("UPDATE email_outbox SET attempts = 8, last_error = 'refused' WHERE copy_id = $1").bind(&copy).execute(&db).await.ok();
            browser.call(path, &[("meeting_id", &ids.held_meeting), ("copy_id", &copy)]).await
        }
        "/api/subject-access/find" => browser.call(path, &[("query", "Thornbury")]).await,
        "/api/subject-access/prepare" => browser.call(path, &[("kind", "victim"), ("id", &ids.ada_victim)]).await,
        "/api/subject-access/view" | "/api/subject-access/approve" => browser.call(path, &[("id", &ids.subject_request)]).await,
        "/api/minutes/amend" => {
            let input = json!({"input": {"meeting_id": ids.meeting, "case_id": ids.dalia_case, "target": "decision", "entry_id": "",
                "amended": "Refer to adult social care today", "reason": "Agreed wording"}});
            browser.call_json(path, &input).await
        }
        _ => browser.call(path, &[]).await,
    };
    (answer.status, answer.body, answer.text)
}

/// An id and version read from the database at call time.
async fn current(db: &std::path::Path, sql: &str) -> (String, i64) {
    let db = open_db(db).await;
    sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql.to_string())).fetch_optional(&db).await.ok().flatten().unwrap_or_default()
}

/// The representative's live copy of the held meeting's minutes, once the coordinator has sent them.
async fn hollis_copy(ids: &Ids) -> String {
    let sql = format!("SELECT id, 0 FROM minute_copies WHERE user_id = '{}' AND revoked_at IS NULL", ids.hollis);
    let (id, _) = current(&ids.db_path, &sql).await;
    if id.is_empty() {
        "00000000-0000-0000-0000-000000000000".into()
    } else {
        id
    }
}

/// The path of a GET route with real ids in place of its parameters.
async fn path_of(route: &str, ids: &Ids) -> String {
    route
        .trim_start_matches("GET ")
        .replace("/copies/{id}", &format!("/copies/{}", hollis_copy(ids).await))
        .replace("/subject-access/{id}", &format!("/subject-access/{}", ids.subject_request))
        .replace("/meetings/{id}/distribution", &format!("/meetings/{}/distribution", ids.held_meeting))
        .replace("/admin/agencies/{id}", &format!("/admin/agencies/{}", text(&ids.homes["id"])))
        .replace("/admin/people/{id}", &format!("/admin/people/{}", ids.hollis))
        .replace("/referrals/{id}", &format!("/referrals/{}", ids.sam_draft))
        .replace("/triage/{id}", &format!("/triage/{}", ids.eliza_referral))
        .replace("/meetings/{id}/cases/{case}", &format!("/meetings/{}/cases/{}", ids.meeting, ids.dalia_case))
        .replace("/meetings/{id}", &format!("/meetings/{}", ids.meeting))
        .replace("/cases/{id}", &format!("/cases/{}", ids.dalia_case))
}

async fn page(browser: &mut Browser, route: &str, ids: &Ids) -> (u16, String) {
    let path = path_of(route, ids).await;
    let answer = browser.get(&path).await;
    (answer.status, answer.text)
}

/// A page is allowed when it shows its marker, and denied only when it gives one of the two
/// refusals a person is meant to see ("not found", "sign in"). Anything else (a server error,
/// a load error, a page without its marker) is `E`, which no table cell expects, so a broken
/// page cannot pass as a correct refusal.
fn classify_page(status: u16, html: &str, marker: &str) -> char {
    const NOT_FOUND_PAGE: &str = "Page not found</h1>";
    const NOT_FOUND_LOAD: &str = "We could not find that. It may not exist, or you may not have access to it.";
    const SIGN_IN: &str = "You need to sign in to see this page.";
    if status >= 500 {
        return 'E';
    }
    if !marker.is_empty() && html.contains(marker) {
        'A'
    } else if html.contains("id=\"confirm-to-see\"") {
        'R'
    } else if (status == 404 && html.contains(NOT_FOUND_PAGE)) || html.contains(NOT_FOUND_LOAD) || html.contains(SIGN_IN) {
        'D'
    } else {
        'E'
    }
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
    let spare_session = sessions
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["user_name"] == "First Administrator" && s["is_yours"] == false)
        .map(|s| text(&s["id"]))
        .unwrap_or_default();
    let sam_draft = text(&world.person("Sam Okonjo-Reyes").browser.call("/api/referrals/new", &[]).await.ok());
    let triage = world.person("Priya Lakeland").browser.call("/api/triage/list", &[]).await.ok();
    let cases = world.person("Priya Lakeland").browser.call("/api/cases/mine", &[]).await.ok();
    let dpo = world.person("Ifeoma Castellanos");
    dpo.reauthenticate().await;
    let found = dpo.browser.call("/api/subject-access/find", &[("query", "Ada Thornbury")]).await.ok();
    let ada_victim = text(&find(&found, "kind", "victim")["id"]);
    let subject_request = text(&dpo.browser.call("/api/subject-access/prepare", &[("kind", "victim"), ("id", &ada_victim)]).await.ok());
    // A grant of the coordinator role, waiting for a second person.
    world.admin.reauthenticate().await;
    let grantee = json!({"input": {"id": null, "name": "Matrix Grantee", "email": "matrix.grantee@idva.wyvernshire.invalid",
        "agency_id": sam["agency_id"], "roles": ["coordinator"]}});
    world.admin.browser.call_json("/api/admin/invite-user", &grantee).await.ok();
    let (grant, _) = current(&world.server.db_path(), "SELECT id, 0 FROM role_grants WHERE decided_at IS NULL").await;
    let ids = Ids {
        grant,
        subject_request,
        ada_victim,
        sam_draft,
        eliza_referral: text(&find(&triage, "victim_name", "Eliza Farrant")["id"]),
        ada_again_referral: text(&find(&triage, "victim_name", "Ada Thorn")["id"]),
        ada_case: text(&find(&cases, "victim_name", "Ada Thornbury")["id"]),
        dalia_case: text(&find(&cases, "victim_name", "Dalia Venn")["id"]),
        police: text(&find(&overview["agencies"], "name", "Wyvernshire Police")["id"]),
        meeting: text(
            &find(&world.person("Priya Lakeland").browser.call("/api/meetings/list", &[]).await.ok()["meetings"], "status", "agenda_published")["id"],
        ),
        held_meeting: text(
            &find(&world.person("Priya Lakeland").browser.call("/api/meetings/list", &[]).await.ok()["meetings"], "status", "minutes_final")["id"],
        ),
        homes_action: text(
            &find(&world.person("Rowan Ellery").browser.call("/api/actions/list", &[("scope", "agency")]).await.ok(), "status", "open")["id"],
        ),
        db_path: world.server.db_path(),
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
    world
        .admin
        .browser
        .call_json("/api/admin/change-agency-state", &json!({"input": {"agency_id": probation, "state": "suspended", "reason": "Matrix test"}}))
        .await
        .ok();
    let zoe = text(&find(&users, "name", "Zoë Brannigan")["id"]);
    world.admin.browser.call("/api/admin/set-user-active", &[("user_id", &zoe), ("active", "false")]).await.ok();
    // Nobody has checked their passkey in the last five minutes.
    let db = open_db(&world.server.db_path()).await;
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
            let got = if route.ends_with("/events") {
                match browser.status_of(&path_of(route, &ids).await).await {
                    (200, kind) if kind.starts_with("text/event-stream") => 'A',
                    (401 | 404, _) => 'D',
                    _ => 'E',
                }
            } else if [".pdf", ".json", ".ics", ".csv"].iter().any(|file| route.ends_with(file)) {
                match browser.download(&path_of(route, &ids).await).await.0 {
                    200 => 'A',
                    403 => 'R',
                    401 | 404 => 'D',
                    _ => 'E',
                }
            } else if route.starts_with("GET ") {
                let (status, html) = page(browser, route, &ids).await;
                if expected[who] == 'P' {
                    public_answers.insert(format!("{status} {}", html.contains("<main")));
                    'P'
                } else {
                    classify_page(status, &html, page_marker(route, who))
                }
            } else {
                let (status, body, raw) = call(browser, route, &ids, n * 10 + who).await;
                if expected[who] == 'P' {
                    // Every caller here shares one address, so the sign-in rate limit may answer
                    // instead: it counts attempts per address, never per account.
                    let (status, raw) = if raw.contains("RateLimited") { (401, raw.replace("RateLimited", "SignInFailed")) } else { (status, raw) };
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

/// The case-bearing routes along the phases of one meeting: the same route can be allowed
/// before the meeting and denied after it. Columns follow `PHASE_WHO`; the case is Dalia's
/// (referred by children's services, on the next meeting's agenda).
const PHASE_WHO: [&str; 7] =
    ["Priya Lakeland", "Morgan Ashby", "Sam Okonjo-Reyes", "Hollis Varga", "Ifeoma Castellanos", "Rowan Ellery", "Tobias Wren"];
/// (phase, route, expected): coordinator, chair, IDVA, referring agency, DPO, another invited agency, withdrawn agency.
const BY_PHASE: &[(&str, &str, &str)] = &[
    ("research", "POST /api/meetings/case", "AAAADAD"),
    ("research", "POST /api/cases/view", "AAAAAAD"),
    ("research", "POST /api/meetings/research-list", "DAAADAD"),
    ("research", "POST /api/meetings/research-answer", "DAAADAD"),
    ("meeting", "POST /api/meetings/case", "AAAADAD"),
    ("meeting", "POST /api/cases/view", "AAAAAAD"),
    ("meeting", "POST /api/meetings/research-list", "DAAADAD"),
    ("meeting", "POST /api/minutes/add-entry", "AADDDDD"),
    ("after", "POST /api/meetings/case", "AAAADDD"),
    ("after", "POST /api/cases/view", "AAAAADD"),
    ("after", "POST /api/meetings/research-list", "DDDDDDD"),
    ("after", "POST /api/meetings/research-answer", "DDDDDDD"),
    ("after", "POST /api/minutes/add-entry", "AADDDDD"),
];

#[tokio::test]
async fn case_routes_follow_the_meeting_phase() {
    let mut world = World::demo().await;
    let db = open_db(&world.server.db_path()).await;
    let meeting: String = sqlx::query_scalar("SELECT id FROM meetings WHERE status = 'agenda_published'").fetch_one(&db).await.unwrap_or_default();
    let dalia: String = sqlx::query_scalar("SELECT c.id FROM cases c JOIN victims v ON v.id = c.victim_id WHERE v.name = 'Dalia Venn'")
        .fetch_one(&db)
        .await
        .unwrap_or_default();
    let police: String = sqlx::query_scalar("SELECT id FROM agencies WHERE name = 'Wyvernshire Police'").fetch_one(&db).await.unwrap_or_default();
    let mut failures = Vec::new();
    let mut checks = 0;
    for phase in ["research", "meeting", "after"] {
        match phase {
            "meeting" => {
                world.person("Priya Lakeland").browser.call("/api/meetings/advance", &[("id", &meeting), ("to", "in_progress")]).await.ok();
                for who in PHASE_WHO {
                    let _ = world.person(who).browser.call("/api/meetings/acknowledge", &[("id", &meeting)]).await;
                }
            }
            "after" => {
                world.person("Priya Lakeland").browser.call("/api/meetings/advance", &[("id", &meeting), ("to", "minutes_draft")]).await.ok();
            }
            _ => {}
        }
        for (_, route, expected) in BY_PHASE.iter().filter(|(p, _, _)| *p == phase) {
            let path = route.trim_start_matches("POST ");
            for (who, want) in PHASE_WHO.iter().zip(expected.chars()) {
                checks += 1;
                let browser = &mut world.person(who).browser;
                let answer = match path {
                    "/api/meetings/case" => browser.call(path, &[("id", &meeting), ("case_id", &dalia)]).await,
                    "/api/cases/view" => browser.call(path, &[("id", &dalia)]).await,
                    "/api/meetings/research-list" => browser.call(path, &[("id", &meeting)]).await,
                    "/api/meetings/research-answer" => {
                        let input = json!({"input": {"meeting_id": meeting, "case_id": dalia, "known": "not_known", "known_about": [], "withheld": "", "kind": "fact", "body": ""}});
                        browser.call_json(path, &input).await
                    }
                    _ => {
                        let input = json!({"input": {"meeting_id": meeting, "case_id": dalia, "kind": "fact", "body": "Seen in the phase matrix.", "source_agency_id": police, "source_person": ""}});
                        browser.call_json(path, &input).await
                    }
                };
                let got = classify(route, answer.status, &answer.body, &answer.text);
                if got != want {
                    failures.push(format!("{phase}: {route} as {who}: expected {want}, got {got}"));
                }
            }
        }
    }
    eprintln!("phase matrix: {} rows x {} people = {checks} checks", BY_PHASE.len(), PHASE_WHO.len());
    assert!(failures.is_empty(), "{} of {checks} checks failed:\n{}", failures.len(), failures.join("\n"));
}

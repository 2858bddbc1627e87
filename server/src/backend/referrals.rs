//! Referrals: drafts and submission by the referrer; triage by the coordinator.

use std::collections::BTreeMap;

use app::api::referrals::{
    AcceptInput, DraftInput, DraftView, MeetingChoice, ReferralBackend, ReferralSummary, RepeatCandidate, TriageSummary, TriageView,
};
use app::error::AppError;
use shared::dash::Criterion;
use shared::markdown::to_safe_html;
use shared::names::name_keys;
use shared::policy::{Action, Actor};
use shared::referral::{
    self, age_on, criteria_labels, criterion_label, rejection_notice_shown, Consent, ReferralForm, ReferralStatus, RejectionReason,
    REJECTION_NOTICE_DAYS,
};
use shared::repeat::{is_within_repeat_window, PersonKey};
use shared::validation::{iso_date, parse_iso_date, Problems};
use sqlx::AnyConnection;
use uuid::Uuid;

use super::{
    actor_event, check,
    error::{answer, Error, OrInternal},
    ServerBackend,
};
use crate::casework::exposure::per_case;
use crate::casework::{intake, meetings, people, repeat_lookup, StoredJson};
use crate::identity::actor::today;

/// Largest draft accepted (bytes of JSON).
const MAX_DRAFT_BYTES: usize = 256 * 1024;

/// A referral as stored (the columns these operations read).
#[derive(sqlx::FromRow)]
struct ReferralRow {
    id: String,
    reference: Option<String>,
    #[sqlx(try_from = "String")]
    status: ReferralStatus,
    referrer_user_id: String,
    agency_id: String,
    draft_json: Option<String>,
    latest_incident_on: Option<String>,
    dash_score: Option<i64>,
    professional_judgement: Option<String>,
    police_callouts: Option<i64>,
    believed_repeat: i64,
    criteria: Option<String>,
    consent: Option<String>,
    consent_reason: Option<String>,
    summary_markdown: Option<String>,
    repeat_of_case_id: Option<String>,
    #[sqlx(try_from = "String")]
    repeat_decisions: StoredJson<BTreeMap<String, String>>,
    information_request: Option<String>,
    information_reply: Option<String>,
    updated_at: i64,
    submitted_at: Option<i64>,
}

/// One of the referrer's own referrals, with the victim's name once submitted.
#[derive(sqlx::FromRow)]
struct OwnRow {
    id: String,
    reference: Option<String>,
    #[sqlx(try_from = "String")]
    status: ReferralStatus,
    updated_at: i64,
    draft_json: Option<String>,
    victim_name: Option<String>,
}

/// The referral `id` if it belongs to `actor` (as referrer); otherwise not found.
async fn own_referral(conn: &mut AnyConnection, actor: &Actor, id: &str) -> Result<ReferralRow, Error> {
    sqlx::query_as("SELECT * FROM referrals WHERE id = $1 AND referrer_user_id = $2")
        .bind(id)
        .bind(&actor.user_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound.into())
}

/// A referral waiting for triage (submitted or waiting for more information).
async fn triage_row(conn: &mut AnyConnection, id: &str) -> Result<ReferralRow, Error> {
    sqlx::query_as("SELECT * FROM referrals WHERE id = $1 AND status IN ('submitted', 'more_information_requested')")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound.into())
}

/// The victim's matching key, from the stored victim of a referral.
fn person_key(victim: &people::Victim) -> PersonKey {
    PersonKey { name_keys: name_keys(&victim.name, &victim.other_names.0), date_of_birth: victim.date_of_birth.as_deref().and_then(parse_iso_date) }
}

/// The earlier cases that may be the same victim as `referral`'s, as the coordinator sees them.
async fn candidates_for(conn: &mut AnyConnection, referral: &ReferralRow) -> Result<Vec<RepeatCandidate>, Error> {
    match people::victim_of_referral(conn, &referral.id).await? {
        Some(victim) => candidates_of(conn, referral, &victim).await,
        None => Ok(Vec::new()),
    }
}

/// [`candidates_for`] when the referral's victim is at hand.
async fn candidates_of(conn: &mut AnyConnection, referral: &ReferralRow, victim: &people::Victim) -> Result<Vec<RepeatCandidate>, Error> {
    let found = repeat_lookup::candidates(conn, &[person_key(victim)]).await?.pop().unwrap_or_default();
    let victim_ids: Vec<String> = found.iter().filter_map(|c| c.victim_id.clone()).collect();
    let names: BTreeMap<String, String> =
        per_case(conn, "SELECT id, name FROM victims WHERE id IN ({ids})", &[], &victim_ids).await?.into_iter().collect();
    let decided = &referral.repeat_decisions.0;
    Ok(found
        .into_iter()
        .map(|c| RepeatCandidate {
            decision: decided.get(&c.case_id).cloned(),
            victim_name: c.victim_id.as_ref().and_then(|v| names.get(v)).cloned().unwrap_or_default(),
            within_twelve_months: heard_within_a_year(referral, c.last_heard_on.as_deref()),
            case_id: c.case_id,
            reference: c.reference,
            victim_dob: c.victim_dob,
            last_heard_on: c.last_heard_on.unwrap_or_default(),
            strength: match c.strength {
                shared::repeat::MatchStrength::Strong => "Same name and date of birth",
                shared::repeat::MatchStrength::NameOnly => "Same name; a date of birth is missing",
                shared::repeat::MatchStrength::DobAndSurname => "Same date of birth and surname",
            }
            .to_string(),
        })
        .collect())
}

/// Whether an earlier case last heard on `last_heard_on` falls in the repeat window of
/// `referral`'s latest incident (not when either date is unknown).
fn heard_within_a_year(referral: &ReferralRow, last_heard_on: Option<&str>) -> bool {
    match (last_heard_on.and_then(parse_iso_date), referral.latest_incident_on.as_deref().and_then(parse_iso_date)) {
        (Some(heard), Some(incident)) => is_within_repeat_window(heard, incident),
        _ => false,
    }
}

/// A referral waiting for triage, with its agency, its victim and whether it names a household.
#[derive(sqlx::FromRow)]
struct WaitingRow {
    #[sqlx(flatten)]
    referral: ReferralRow,
    agency_name: String,
    victim_id: Option<String>,
    victim_name: Option<String>,
    victim_other_names: Option<String>,
    victim_dob: Option<String>,
    household: i64,
}

impl WaitingRow {
    fn victim(&self) -> Option<people::Victim> {
        Some(people::Victim {
            id: self.victim_id.clone()?,
            name: self.victim_name.clone().unwrap_or_default(),
            other_names: StoredJson::from(self.victim_other_names.clone().unwrap_or_default()),
            date_of_birth: self.victim_dob.clone(),
        })
    }
}

/// The referrals waiting for triage, oldest first (or the one `id`, if it is waiting), each with
/// what the list shows: in one query.
async fn waiting(conn: &mut AnyConnection, id: Option<&str>) -> Result<Vec<WaitingRow>, Error> {
    const SELECT: &str = "SELECT r.*, a.name AS agency_name, v.id AS victim_id, v.name AS victim_name, v.other_names AS victim_other_names, \
         v.date_of_birth AS victim_dob, (SELECT COUNT(*) FROM household_members h WHERE h.referral_id = r.id) AS household \
         FROM referrals r JOIN agencies a ON a.id = r.agency_id LEFT JOIN victims v ON v.referral_id = r.id \
         WHERE r.status IN ('submitted', 'more_information_requested')";
    Ok(match id {
        Some(id) => sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} AND r.id = $1"))).bind(id).fetch_all(&mut *conn).await?,
        None => sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY r.submitted_at LIMIT 500"))).fetch_all(&mut *conn).await?,
    })
}

/// The triage list's line for `w`, which has `repeats` possible repeats heard within a year.
fn summary_of(w: &WaitingRow, repeats: usize) -> TriageSummary {
    let row = &w.referral;
    TriageSummary {
        id: row.id.clone(),
        reference: row.reference.clone().unwrap_or_default(),
        status: row.status,
        agency_name: w.agency_name.clone(),
        submitted_at: row.submitted_at.unwrap_or_default(),
        victim_name: w.victim_name.clone().unwrap_or_default(),
        // Before triage a repeat is only what the referrer believes; the coordinator confirms it.
        criteria: criteria_labels(row.criteria.as_deref())
            .into_iter()
            .map(|c| if c == criterion_label(Criterion::Repeat) { "Repeat, as the referrer believes (not yet confirmed)".to_string() } else { c })
            .collect(),
        repeat_candidates: repeats,
        has_household: w.household > 0,
    }
}

fn describe_person(name: &str, dob: Option<&str>, today: time::Date) -> String {
    match dob.and_then(parse_iso_date) {
        Some(d) => format!("{name}, born {} (age {})", shared::display::date(d), age_on(d, today)),
        None => format!("{name}, date of birth not known"),
    }
}

/// The referrer's referrals that were rejected lately: reference, when and why only, since
/// the rest was destroyed.
async fn rejection_notices(conn: &mut AnyConnection, actor: &Actor, now: i64) -> Result<Vec<ReferralSummary>, Error> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT referral_id, reference, reason, rejected_at FROM rejected_referral_notices WHERE referrer_user_id = $1 AND rejected_at > $2",
    )
    .bind(&actor.user_id)
    .bind(now - REJECTION_NOTICE_DAYS * 86_400)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for (id, reference, reason, rejected_at) in rows {
        if !rejection_notice_shown(rejected_at, now) {
            continue;
        }
        out.push(ReferralSummary {
            id,
            reference: Some(reference),
            status: ReferralStatus::Rejected,
            victim_name: None,
            updated_at: rejected_at,
            rejection_reason: RejectionReason::parse(&reason).map(|reason| reason.label().to_string()),
        });
    }
    Ok(out)
}

/// The IDVAs a case can be given: (user id, name), by name.
async fn idva_choices(conn: &mut AnyConnection) -> Result<Vec<(String, String)>, Error> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.name FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'idva' WHERE u.active = TRUE ORDER BY u.name",
    )
    .fetch_all(&mut *conn)
    .await?)
}

#[async_trait::async_trait]
impl ReferralBackend for ServerBackend {
    async fn my_referrals(&self, actor: &Actor) -> Result<Vec<ReferralSummary>, AppError> {
        answer(async move {
            check(actor, &Action::Refer)?;
            let mut tx = self.read_tx().await?;
            let rows: Vec<OwnRow> = sqlx::query_as(
                "SELECT r.id, r.reference, r.status, r.updated_at, r.draft_json, v.name AS victim_name \
             FROM referrals r LEFT JOIN victims v ON v.referral_id = r.id \
             WHERE r.referrer_user_id = $1 ORDER BY r.updated_at DESC LIMIT 200",
            )
            .bind(&actor.user_id)
            .fetch_all(&mut *tx)
            .await?;
            let mut out = Vec::new();
            for r in rows {
                let draft_name = r
                    .draft_json
                    .and_then(|j| serde_json::from_str::<ReferralForm>(&j).ok())
                    .map(|f| f.victim.name.trim().to_string())
                    .filter(|n| !n.is_empty());
                out.push(ReferralSummary {
                    id: r.id,
                    reference: r.reference,
                    status: r.status,
                    victim_name: r.victim_name.or(draft_name),
                    updated_at: r.updated_at,
                    rejection_reason: None,
                });
            }
            out.extend(rejection_notices(&mut tx, actor, self.clock.unix()).await?);
            out.sort_by_key(|r| std::cmp::Reverse(r.updated_at));
            self.finish_read(tx, vec![actor_event(actor, "referral.list_own").detail("count", out.len())]).await?;
            Ok(out)
        })
        .await
    }

    async fn new_referral(&self, actor: &Actor) -> Result<String, AppError> {
        answer(async move {
        check(actor, &Action::Refer)?;
        let agency = actor.agency_id.clone().ok_or(AppError::NotFound)?;
        let now = self.clock.unix();
        let id = Uuid::new_v4().to_string();
        let mut tx = self.tx().await?;
        let form = ReferralForm::default();
        sqlx::query(
            "INSERT INTO referrals (id, status, referrer_user_id, agency_id, draft_json, created_at, updated_at) VALUES ($1, 'draft', $2, $3, $4, $5, $5)",
        )
        .bind(&id)
        .bind(&actor.user_id)
        .bind(&agency)
        .bind(serde_json::to_string(&form).or_internal()?)
        .bind(now)
        .execute(&mut *tx)
        .await
        ?;
        self.audit_and_commit(tx, actor_event(actor, "referral.create").on("referral", &id)).await?;
        Ok(id)
    }).await
    }

    async fn referral_draft(&self, actor: &Actor, id: &str) -> Result<DraftView, AppError> {
        answer(async move {
            check(actor, &Action::Refer)?;
            let mut tx = self.read_tx().await?;
            let row = own_referral(&mut tx, actor, id).await?;
            if !matches!(row.status, ReferralStatus::Draft | ReferralStatus::MoreInformationRequested) {
                return Err(AppError::NotFound.into());
            }
            let form = row.draft_json.as_deref().and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default();
            let agency_name: String = sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1").bind(&row.agency_id).fetch_one(&mut *tx).await?;
            let view = DraftView {
                id: id.to_string(),
                status: row.status,
                reference: row.reference,
                form,
                information_request: row.information_request,
                agency_name,
                updated_at: row.updated_at,
            };
            self.finish_read(tx, vec![actor_event(actor, "referral.read_own").on("referral", id)]).await?;
            Ok(view)
        })
        .await
    }

    async fn save_draft(&self, actor: &Actor, input: DraftInput) -> Result<i64, AppError> {
        answer(async move {
            check(actor, &Action::Refer)?;
            let json = serde_json::to_string(&input.form).or_internal()?;
            if json.len() > MAX_DRAFT_BYTES {
                return Err(AppError::Invalid("This referral is too long to save. Shorten the longest answers.".into()).into());
            }
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let changed =
                sqlx::query("UPDATE referrals SET draft_json = $1, updated_at = $2 WHERE id = $3 AND referrer_user_id = $4 AND status = 'draft'")
                    .bind(&json)
                    .bind(now)
                    .bind(&input.id)
                    .bind(&actor.user_id)
                    .execute(&mut *tx)
                    .await?;
            if changed.rows_affected() == 0 {
                return Err(AppError::NotFound.into());
            }
            self.audit_and_commit(tx, actor_event(actor, "referral.save_draft").on("referral", &input.id)).await?;
            Ok(now)
        })
        .await
    }

    async fn submit_referral(&self, actor: &Actor, input: DraftInput) -> Result<String, AppError> {
        answer(async move {
            check(actor, &Action::Refer)?;
            let now = self.clock.unix();
            let today = today(now);
            let mut tx = self.tx().await?;
            let row = own_referral(&mut tx, actor, &input.id).await?;
            if row.status != ReferralStatus::Draft {
                return Err(AppError::NotFound.into());
            }
            // Keep what was typed even when it cannot be submitted yet: nothing is lost.
            let json = serde_json::to_string(&input.form).or_internal()?;
            if json.len() > MAX_DRAFT_BYTES {
                return Err(AppError::Invalid("This referral is too long to save. Shorten the longest answers.".into()).into());
            }
            sqlx::query("UPDATE referrals SET draft_json = $1, updated_at = $2 WHERE id = $3")
                .bind(&json)
                .bind(now)
                .bind(&input.id)
                .execute(&mut *tx)
                .await?;
            let checked = match referral::check(&input.form, today) {
                Ok(c) => c,
                Err(problems) => {
                    tx.commit().await?;
                    return Err(AppError::InvalidFields(problems).into());
                }
            };
            let reference = intake::submit(&mut tx, &input.id, &input.form, &checked, today, now).await?;
            self.audit_and_commit(tx, actor_event(actor, "referral.submit").on("referral", &input.id)).await?;
            Ok(reference)
        })
        .await
    }

    async fn discard_draft(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        answer(async move {
            check(actor, &Action::Refer)?;
            let mut tx = self.tx().await?;
            let gone = sqlx::query("DELETE FROM referrals WHERE id = $1 AND referrer_user_id = $2 AND status = 'draft'")
                .bind(id)
                .bind(&actor.user_id)
                .execute(&mut *tx)
                .await?;
            if gone.rows_affected() == 0 {
                return Err(AppError::NotFound.into());
            }
            self.audit_and_commit(tx, actor_event(actor, "referral.discard").on("referral", id)).await
        })
        .await
    }

    async fn reply_to_request(&self, actor: &Actor, id: &str, reply: &str) -> Result<(), AppError> {
        answer(async move {
            check(actor, &Action::Refer)?;
            let mut p = Problems::default();
            let reply = p.text("reply", "Your reply", reply, referral::LONG_TEXT);
            p.finish(())?;
            let mut tx = self.tx().await?;
            let row = own_referral(&mut tx, actor, id).await?;
            if row.status != ReferralStatus::MoreInformationRequested {
                return Err(AppError::NotFound.into());
            }
            sqlx::query("UPDATE referrals SET status = 'submitted', information_reply = $1, updated_at = $2 WHERE id = $3")
                .bind(&reply)
                .bind(self.clock.unix())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            self.audit_and_commit(tx, actor_event(actor, "referral.reply").on("referral", id)).await
        })
        .await
    }

    async fn triage_list(&self, actor: &Actor) -> Result<Vec<TriageSummary>, AppError> {
        answer(async move {
            check(actor, &Action::TriageReferrals)?;
            let mut tx = self.read_tx().await?;
            let rows = waiting(&mut tx, None).await?;
            // A referral without a victim (none is stored so) matches no one.
            let keys: Vec<PersonKey> = rows.iter().map(|w| w.victim().map(|v| person_key(&v)).unwrap_or_default()).collect();
            let found = repeat_lookup::candidates(&mut tx, &keys).await?;
            let out: Vec<TriageSummary> = rows
                .iter()
                .zip(&found)
                .map(|(w, found)| summary_of(w, found.iter().filter(|c| heard_within_a_year(&w.referral, c.last_heard_on.as_deref())).count()))
                .collect();
            self.finish_read(tx, vec![actor_event(actor, "triage.list").detail("count", out.len())]).await?;
            Ok(out)
        })
        .await
    }

    async fn triage_view(&self, actor: &Actor, id: &str) -> Result<TriageView, AppError> {
        answer(async move {
            check(actor, &Action::TriageReferrals)?;
            let now = self.clock.unix();
            let today = today(now);
            let mut tx = self.read_tx().await?;
            let waiting = waiting(&mut tx, Some(id)).await?.pop().ok_or(AppError::NotFound)?;
            let victim = waiting.victim().ok_or_else(|| Error::internal("referral without victim"))?;
            let candidates = candidates_of(&mut tx, &waiting.referral, &victim).await?;
            let summary = summary_of(&waiting, candidates.iter().filter(|c| c.within_twelve_months).count());
            let row = waiting.referral;
            let perpetrators = people::perpetrators(&mut tx, id).await?.iter().map(|p| format!("{} ({})", p.name, p.relationship)).collect();
            let household = people::household(&mut tx, id)
                .await?
                .iter()
                .map(|h| format!("{}; {}", describe_person(&h.name, h.date_of_birth.as_deref(), today), h.relationship))
                .collect();
            let referrer_name: String =
                sqlx::query_scalar("SELECT name FROM users WHERE id = $1").bind(&row.referrer_user_id).fetch_one(&mut *tx).await?;
            let meetings = meetings::upcoming(&mut tx, now)
                .await?
                .into_iter()
                .map(|m| MeetingChoice { label: m.label(), places_left: m.places_left(), id: m.id })
                .collect();
            let consent = row.consent.as_deref().and_then(Consent::parse);
            let view = TriageView {
                summary,
                referrer_name,
                latest_incident_on: row.latest_incident_on.unwrap_or_default(),
                dash_score: row.dash_score.and_then(|s| u8::try_from(s).ok()),
                professional_judgement: row.professional_judgement,
                police_callouts: row.police_callouts,
                believed_repeat: row.believed_repeat != 0,
                consent: consent.map(|c| c.label().to_string()).unwrap_or_default(),
                consent_reason: row.consent_reason,
                summary_html: to_safe_html(row.summary_markdown.as_deref().unwrap_or_default()),
                victim: describe_person(&victim.name, victim.date_of_birth.as_deref(), today),
                perpetrators,
                household,
                information_request: row.information_request,
                information_reply: row.information_reply,
                candidates,
                meetings,
                idvas: idva_choices(&mut tx).await?,
            };
            self.finish_read(tx, vec![actor_event(actor, "referral.read").on("referral", id)]).await?;
            Ok(view)
        })
        .await
    }

    async fn decide_repeat(&self, actor: &Actor, id: &str, case_id: &str, confirmed: bool) -> Result<(), AppError> {
        answer(async move {
            check(actor, &Action::TriageReferrals)?;
            let mut tx = self.tx().await?;
            let row = triage_row(&mut tx, id).await?;
            let candidates = candidates_for(&mut tx, &row).await?;
            let Some(candidate) = candidates.iter().find(|c| c.case_id == case_id) else {
                return Err(AppError::NotFound.into());
            };
            let mut decided = row.repeat_decisions.0.clone();
            let mut repeat_of = row.repeat_of_case_id.clone();
            if confirmed {
                // Only one earlier case can be the same victim: confirming one rules out the others.
                for c in &candidates {
                    if c.case_id != case_id && decided.get(&c.case_id).map(String::as_str) == Some("confirmed") {
                        decided.insert(c.case_id.clone(), "rejected".into());
                    }
                }
                decided.insert(case_id.to_string(), "confirmed".into());
                repeat_of = Some(candidate.case_id.clone());
            } else {
                decided.insert(case_id.to_string(), "rejected".into());
                if repeat_of.as_deref() == Some(case_id) {
                    repeat_of = None;
                }
            }
            sqlx::query("UPDATE referrals SET repeat_decisions = $1, repeat_of_case_id = $2, updated_at = $3 WHERE id = $4")
                .bind(serde_json::to_string(&decided).or_internal()?)
                .bind(&repeat_of)
                .bind(self.clock.unix())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let event = actor_event(actor, "referral.repeat_decision").on("referral", id).detail("case_id", case_id).detail("confirmed", confirmed);
            self.audit_and_commit(tx, event).await
        })
        .await
    }

    async fn accept_referral(&self, actor: &Actor, input: AcceptInput) -> Result<String, AppError> {
        answer(async move {
            check(actor, &Action::TriageReferrals)?;
            let now = self.clock.unix();
            let today = today(now);
            let mut tx = self.tx().await?;
            let row = triage_row(&mut tx, &input.referral_id).await?;
            let candidates = candidates_for(&mut tx, &row).await?;
            if candidates.iter().any(|c| c.decision.is_none()) {
                return Err(AppError::field("repeat-candidates", "Confirm or rule out each possible earlier case before accepting").into());
            }
            let upcoming = meetings::upcoming(&mut tx, now).await?;
            let meeting = match input.meeting_id.trim() {
                "" => upcoming.iter().find(|m| m.places_left() > 0),
                chosen => upcoming.iter().find(|m| m.id == chosen && m.places_left() > 0),
            };
            let Some(meeting) = meeting else {
                return Err(AppError::field("meeting", "Choose a meeting with room on its agenda, or schedule another meeting").into());
            };
            let idva = match input.idva_user_id.trim() {
                "" => None,
                chosen => {
                    check(actor, &Action::ManageCase)?;
                    if !idva_choices(&mut tx).await?.iter().any(|(id, _)| id == chosen) {
                        return Err(AppError::field("idva", "Choose an IDVA from the list, or leave it for later").into());
                    }
                    Some(chosen.to_string())
                }
            };
            let repeat_of = row.repeat_of_case_id.clone();
            let repeat = candidates.iter().any(|c| Some(&c.case_id) == repeat_of.as_ref() && c.within_twelve_months);
            let acceptance = intake::Acceptance {
                referral_id: &input.referral_id,
                same_victim_case: repeat_of.as_deref(),
                repeat,
                meeting_id: &meeting.id,
                decided_by: &actor.user_id,
            };
            let case_id = intake::accept(&mut tx, acceptance, today, now).await?;
            if let Some(idva) = &idva {
                sqlx::query("UPDATE cases SET idva_user_id = $1 WHERE id = $2").bind(idva).bind(&case_id).execute(&mut *tx).await?;
            }
            let event = actor_event(actor, "referral.accept")
                .on("referral", &input.referral_id)
                .detail("case_id", case_id.as_str())
                .detail("meeting_id", meeting.id.as_str())
                .detail("repeat", repeat_of.is_some())
                .detail("idva_user_id", idva.as_deref().unwrap_or(""));
            self.audit_and_commit(tx, event).await?;
            Ok(case_id)
        })
        .await
    }

    async fn request_information(&self, actor: &Actor, id: &str, request: &str) -> Result<(), AppError> {
        answer(async move {
        check(actor, &Action::TriageReferrals)?;
        let mut p = Problems::default();
        let request = p.text("information-request", "What you need to know", request, referral::LONG_TEXT);
        p.finish(())?;
        let mut tx = self.tx().await?;
        triage_row(&mut tx, id).await?;
        sqlx::query("UPDATE referrals SET status = 'more_information_requested', information_request = $1, information_reply = NULL, updated_at = $2 WHERE id = $3")
            .bind(&request)
            .bind(self.clock.unix())
            .bind(id)
            .execute(&mut *tx)
            .await
            ?;
        self.audit_and_commit(tx, actor_event(actor, "referral.request_information").on("referral", id)).await
    }).await
    }

    async fn reject_referral(&self, actor: &Actor, id: &str, reason: &str) -> Result<(), AppError> {
        answer(async move {
            check(actor, &Action::TriageReferrals)?;
            let Some(reason) = RejectionReason::parse(reason) else {
                return Err(AppError::field("rejection-reason", "Choose why the referral is rejected").into());
            };
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let row = triage_row(&mut tx, id).await?;
            let agency = &row.agency_id;
            let month = iso_date(today(now))[..7].to_string();
            // The referrer is told that it was rejected and why; older notices go.
            sqlx::query("DELETE FROM rejected_referral_notices WHERE rejected_at <= $1")
                .bind(now - REJECTION_NOTICE_DAYS * 86_400)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO rejected_referral_notices (referral_id, reference, referrer_user_id, reason, rejected_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(row.reference.clone().unwrap_or_default())
            .bind(&row.referrer_user_id)
            .bind(reason.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO rejected_referral_counts (agency_id, month, count) VALUES ($1, $2, 1) \
             ON CONFLICT (agency_id, month) DO UPDATE SET count = rejected_referral_counts.count + 1",
            )
            .bind(agency)
            .bind(&month)
            .execute(&mut *tx)
            .await?;
            // The people cascade with the referral: nothing personal remains.
            sqlx::query("DELETE FROM referrals WHERE id = $1").bind(id).execute(&mut *tx).await?;
            let event = actor_event(actor, "referral.reject").on("referral", id).detail("reason", reason.as_str());
            self.audit_and_commit(tx, event).await
        })
        .await
    }
}

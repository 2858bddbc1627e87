//! Data protection operations: the retention page and legal holds, restriction, rectification,
//! erasure and objections. Audit rows carry ids and codes only, never the values or reasons typed.

use app::api::data_protection::{
    CorrectionView, DataProtectionBackend, DataProtectionPanel, EraseInput, ErasureNote, HoldInput, ObjectionDecisionInput, ObjectionInput,
    ObjectionView, PurgeRun, RectifyInput, RestrictInput, RetainedCase, RetentionView,
};
use app::error::AppError;
use shared::data_protection::{ErasureGround, ObjectionDecision, PersonField, PersonKind};
use shared::policy::parts::Parts;
use shared::policy::{decide, Action, Actor};
use shared::referral::{LONG_TEXT, SHORT_TEXT};
use shared::retention::{case_due_for_purge, latest_due_start};
use shared::subject_access::{erase_mentions, ThirdParty};
use shared::validation::{iso_date, Problems};
use shared::views::case::CASE_RECORD;
use sqlx::AnyConnection;
use time::Duration;
use uuid::Uuid;

use super::{
    actor_event, check,
    error::{answer, Error},
    ServerBackend,
};
use crate::casework::{exposure, repeat_lookup};
use crate::identity::actor::{parse_date, today};
use crate::retention::{delete_cases, PurgeCounts};

/// Days ahead the retention page looks.
const DUE_WINDOW_DAYS: i64 = 90;

/// A case as the retention page lists it (flags as integers).
#[derive(sqlx::FromRow)]
struct RetainedRow {
    id: String,
    reference: String,
    closed_on: Option<String>,
    legal_hold: i64,
    legal_hold_reason: Option<String>,
    restricted: i64,
}

fn retained(r: RetainedRow, years: u8) -> RetainedCase {
    let due_on = r
        .closed_on
        .as_deref()
        .and_then(parse_date)
        .map(|d| iso_date(case_due_for_purge(d, &shared::retention::RetentionPolicy { case_years_after_closure: years, audit_years: years })));
    RetainedCase {
        case_id: r.id,
        reference: r.reference,
        closed_on: r.closed_on,
        due_on,
        held: r.legal_hold != 0,
        hold_reason: r.legal_hold_reason,
        restricted: r.restricted != 0,
    }
}

/// The details of a person that can be corrected, from any of the three tables.
#[derive(sqlx::FromRow)]
struct PersonRow {
    name: String,
    date_of_birth: Option<String>,
    /// Household members have no address.
    #[sqlx(default)]
    address: Option<String>,
}

impl PersonRow {
    /// The value of `field` as stored (the column [`PersonField::column`] names).
    fn detail(&self, field: PersonField) -> Option<String> {
        match field {
            PersonField::VictimName | PersonField::PerpetratorName | PersonField::HouseholdName => Some(self.name.clone()),
            PersonField::VictimDateOfBirth | PersonField::PerpetratorDateOfBirth | PersonField::HouseholdDateOfBirth => self.date_of_birth.clone(),
            PersonField::VictimAddress | PersonField::PerpetratorAddress => self.address.clone(),
        }
    }
}

/// A correction, with who made it.
#[derive(sqlx::FromRow)]
struct CorrectionRow {
    #[sqlx(try_from = "String")]
    field: PersonField,
    old_value: Option<String>,
    new_value: Option<String>,
    reason: String,
    corrected_at: i64,
    name: String,
}

/// A case's restriction and legal hold (flags as integers).
#[derive(sqlx::FromRow)]
struct ProtectionRow {
    restricted: i64,
    restriction_reason: Option<String>,
    legal_hold: i64,
    legal_hold_reason: Option<String>,
}

/// An objection recorded against a person.
#[derive(sqlx::FromRow)]
struct ObjectionRow {
    id: String,
    #[sqlx(try_from = "String")]
    person_kind: PersonKind,
    person_id: String,
    received_on: String,
    grounds: String,
    #[sqlx(try_from = "String")]
    decision: ObjectionDecision,
    reasoning: Option<String>,
    decided_on: Option<String>,
}

/// A subject access request, as far as erasure searches it.
#[derive(sqlx::FromRow)]
struct SubjectRequestRow {
    id: String,
    subject_id: String,
    subject_name: String,
    export_json: String,
}

/// Whether `person_id` of `kind` belongs to a referral of `case_id`; returns their details.
async fn person_in_case(conn: &mut AnyConnection, kind: PersonKind, person_id: &str, case_id: &str) -> Result<Option<PersonRow>, Error> {
    let sql = format!("SELECT p.* FROM {} p JOIN referrals r ON r.id = p.referral_id WHERE p.id = $1 AND r.case_id = $2", kind.table());
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(person_id).bind(case_id).fetch_optional(&mut *conn).await?)
}

/// The people of a case: (kind, id, name), victims first.
async fn people_of(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<(PersonKind, String, String)>, Error> {
    let mut out = Vec::new();
    for kind in [PersonKind::Victim, PersonKind::Perpetrator, PersonKind::Household] {
        let sql = format!(
            "SELECT p.id, p.name FROM {} p JOIN referrals r ON r.id = p.referral_id WHERE r.case_id = $1 ORDER BY r.submitted_at, p.name",
            kind.table()
        );
        for (id, name) in sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql)).bind(case_id).fetch_all(&mut *conn).await? {
            out.push((kind, id, name));
        }
    }
    Ok(out)
}

fn kind_words(kind: PersonKind) -> &'static str {
    match kind {
        PersonKind::Victim => "Victim",
        PersonKind::Perpetrator => "Perpetrator",
        PersonKind::Household => "Household member",
    }
}

/// Rebuilds the case's search index from its victims' current names.
async fn reindex_names(conn: &mut AnyConnection, case_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM case_name_keys WHERE case_id = $1").bind(case_id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM case_name_words WHERE case_id = $1").bind(case_id).execute(&mut *conn).await?;
    let victims = sqlx::query_as::<_, (String, String)>(
        "SELECT v.name, v.other_names FROM victims v JOIN referrals r ON r.id = v.referral_id WHERE r.case_id = $1",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    for (name, other_names) in &victims {
        let others = crate::casework::StoredJson::<Vec<String>>::from(other_names.clone());
        repeat_lookup::index_names(conn, case_id, name, &others.0).await?;
    }
    Ok(())
}

/// What a case record adds for data protection: corrections the viewer may see, what they may
/// correct, and the DPO's panel.
pub(super) async fn case_extras(
    conn: &mut AnyConnection,
    actor: &Actor,
    case_id: &str,
    parts: Parts,
) -> Result<(Vec<CorrectionView>, Vec<(String, String)>, Option<DataProtectionPanel>), Error> {
    let rows = sqlx::query_as::<_, CorrectionRow>(
        "SELECT x.field, x.old_value, x.new_value, x.reason, x.corrected_at, u.name FROM rectifications x JOIN users u ON u.id = x.corrected_by \
         WHERE x.case_id = $1 ORDER BY x.corrected_at, x.id",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    let corrections = rows
        .into_iter()
        .filter(|r| r.field.visible_with(parts))
        .map(|r| CorrectionView {
            field: r.field.label().to_string(),
            old_value: r.old_value.unwrap_or_else(|| "(blank)".into()),
            new_value: r.new_value.unwrap_or_else(|| "(blank)".into()),
            reason: r.reason,
            by: r.name,
            at: r.corrected_at,
        })
        .collect();
    let may_rectify = decide(Some(actor), &Action::RectifyRecord).is_allowed();
    let is_dpo = decide(Some(actor), &Action::RecordObjection).is_allowed();
    let people = if may_rectify || is_dpo { people_of(conn, case_id).await? } else { Vec::new() };
    let rectifiable = if may_rectify {
        people
            .iter()
            .flat_map(|(kind, id, name)| {
                PersonField::ALL
                    .into_iter()
                    .filter(move |f| f.kind() == *kind && f.visible_with(parts))
                    .map(move |f| (format!("{}:{id}", f.as_str()), format!("{} ({name})", f.label())))
            })
            .collect()
    } else {
        Vec::new()
    };
    let panel = if is_dpo {
        let case =
            sqlx::query_as::<_, ProtectionRow>("SELECT restricted, restriction_reason, legal_hold, legal_hold_reason FROM cases WHERE id = $1")
                .bind(case_id)
                .fetch_one(&mut *conn)
                .await?;
        let name_of = |kind: PersonKind, id: &str| {
            people.iter().find(|(k, i, _)| *k == kind && i == id).map(|(k, _, n)| format!("{}: {n}", kind_words(*k))).unwrap_or_default()
        };
        let objections = sqlx::query_as::<_, ObjectionRow>(
            "SELECT id, person_kind, person_id, received_on, grounds, decision, reasoning, decided_on FROM objections WHERE case_id = $1 ORDER BY recorded_at",
        )
        .bind(case_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| ObjectionView {
            person: name_of(r.person_kind, &r.person_id),
            id: r.id,
            received_on: r.received_on,
            grounds: r.grounds,
            decision: r.decision.label().to_string(),
            decided: r.decision.is_decided(),
            reasoning: r.reasoning,
            decided_on: r.decided_on,
        })
        .collect();
        let erasable = std::iter::once(("case".to_string(), "The whole case and everyone in it".to_string()))
            .chain(
                people
                    .iter()
                    .filter(|(k, _, _)| *k == PersonKind::Household)
                    .map(|(k, id, n)| (format!("{}:{id}", k.as_str()), format!("Household member: {n}"))),
            )
            .collect();
        Some(DataProtectionPanel {
            restriction_reason: case.restriction_reason.filter(|_| case.restricted != 0),
            hold_reason: case.legal_hold_reason.filter(|_| case.legal_hold != 0),
            people: people.iter().map(|(k, id, n)| (format!("{}:{id}", k.as_str()), format!("{}: {n}", kind_words(*k)))).collect(),
            erasable,
            objections,
        })
    } else {
        None
    };
    Ok((corrections, rectifiable, panel))
}

/// Free-text columns of a case that may mention a person, and how to find the rows: (table,
/// row key expression, text columns, condition on `$1` = the case id).
const CASE_TEXT: &[(&str, &str, &[&str], &str)] = &[
    (
        "referrals",
        "id",
        &["summary_markdown", "professional_judgement", "information_request", "information_reply", "consent_reason", "draft_json"],
        "case_id = $1",
    ),
    ("research", "id", &["body"], "case_id = $1"),
    ("minute_entries", "id", &["body"], "case_id = $1"),
    ("case_minutes", "meeting_id || ':' || case_id", &["risks", "decision"], "case_id = $1"),
    ("amendments", "id", &["original", "amended", "reason"], "case_id = $1"),
    ("actions", "id", &["description"], "case_id = $1"),
    ("action_updates", "id", &["note"], "action_id IN (SELECT id FROM actions WHERE case_id = $1)"),
    ("objections", "id", &["grounds", "reasoning"], "case_id = $1"),
    ("rectifications", "id", &["old_value", "new_value", "reason"], "case_id = $1"),
];

/// Replaces every mention of `people` in the case's free text with "[erased]"; how many went.
async fn scrub_case_text(conn: &mut AnyConnection, case_id: &str, people: &[ThirdParty], keep: &[String]) -> Result<u64, Error> {
    let mut total = 0u64;
    for (table, key, columns, condition) in CASE_TEXT {
        // One column at a time, so each row reads as (row key, text).
        for column in *columns {
            let select = format!("SELECT {key} AS row_key, {column} AS text_value FROM {table} WHERE {condition}");
            let rows = sqlx::query_as::<_, (String, Option<String>)>(sqlx::AssertSqlSafe(select)).bind(case_id).fetch_all(&mut *conn).await?;
            for (row_key, text) in rows {
                let Some(text) = text else { continue };
                let (erased, n) = erase_mentions(&text, people, keep);
                if n == 0 {
                    continue;
                }
                total += n as u64;
                let update = format!("UPDATE {table} SET {column} = $1 WHERE {key} = $2");
                sqlx::query(sqlx::AssertSqlSafe(update)).bind(erased).bind(&row_key).execute(&mut *conn).await?;
            }
        }
    }
    Ok(total)
}

/// Deletes the subject access requests about the erased people, and any whose export still
/// names one of them; how many went.
async fn erase_subject_requests(conn: &mut AnyConnection, person_ids: &[String], names: &[ThirdParty]) -> Result<u64, Error> {
    let rows = sqlx::query_as::<_, SubjectRequestRow>("SELECT id, subject_id, subject_name, export_json FROM subject_access_requests")
        .fetch_all(&mut *conn)
        .await?;
    let mut gone = 0;
    for r in &rows {
        let text = format!("{} {}", r.subject_name, r.export_json);
        if person_ids.contains(&r.subject_id) || shared::subject_access::leaks(&text, names, "") {
            sqlx::query("DELETE FROM subject_access_requests WHERE id = $1").bind(&r.id).execute(&mut *conn).await?;
            gone += 1;
        }
    }
    Ok(gone)
}

/// What erasure cannot reach, for the DPO: copies of minutes already downloaded (made for a
/// person and never stored here), and subject access exports already downloaded.
async fn erasure_outside(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<String>, Error> {
    let downloaded: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM copy_downloads d JOIN minute_copies c ON c.id = d.copy_id \
         WHERE c.meeting_id IN (SELECT meeting_id FROM agenda_items WHERE case_id = $1)",
    )
    .bind(case_id)
    .fetch_one(&mut *conn)
    .await?;
    let mut out = Vec::new();
    if downloaded > 0 {
        out.push(format!("minutes_copies_downloaded:{downloaded}"));
    }
    Ok(out)
}

impl ServerBackend {
    /// After an erasure on SQLite: the write-ahead log still holds the old pages, so it is
    /// written back and truncated (secure_delete has already overwritten the freed pages).
    async fn after_erasure(&self) {
        if self.db.backend() == crate::db::Backend::Sqlite {
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(self.db.pool()).await {
                tracing::error!(error = %e, "could not truncate the write-ahead log after an erasure");
            }
        }
    }

    /// Checks `action`, then that the case exists (as not found otherwise).
    async fn begin_case_op(&self, actor: &Actor, action: &Action, case_id: &str) -> Result<crate::db::Tx, Error> {
        check(actor, action)?;
        let mut tx = self.tx().await?;
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE id = $1").bind(case_id).fetch_one(&mut *tx).await?;
        if exists == 0 {
            return Err(AppError::NotFound.into());
        }
        Ok(tx)
    }
}

#[async_trait::async_trait]
impl DataProtectionBackend for ServerBackend {
    async fn retention(&self, actor: &Actor) -> Result<RetentionView, AppError> {
        answer(async move {
            check(actor, &Action::ManageRetention)?;
            let settings = self.config.retention;
            let years = settings.policy.case_years_after_closure;
            let today = today(self.clock.unix());
            let horizon = today.checked_add(Duration::days(DUE_WINDOW_DAYS)).unwrap_or(today);
            let mut tx = self.tx().await?;
            const COLUMNS: &str = "id, reference, closed_on, legal_hold, legal_hold_reason, restricted";
            let due = sqlx::query_as::<_, RetainedRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM cases WHERE status = 'closed' AND closed_on <= $1 ORDER BY closed_on, reference LIMIT 500"
            )))
            .bind(iso_date(latest_due_start(horizon, years)))
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| retained(r, years))
            .collect::<Vec<_>>();
            let held = sqlx::query_as::<_, RetainedRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM cases WHERE legal_hold = 1 ORDER BY reference LIMIT 500"
            )))
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| retained(r, years))
            .collect();
            let runs =
                sqlx::query_as::<_, (i64, String)>("SELECT at, details FROM audit_log WHERE action = 'retention.purge' ORDER BY seq DESC LIMIT 10")
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .map(|(at, details)| {
                        let details: serde_json::Value = serde_json::from_str(&details).unwrap_or_default();
                        let counts = details
                            .as_object()
                            .into_iter()
                            .flatten()
                            .filter_map(|(k, v)| v.as_u64().filter(|n| *n > 0).map(|n| (k.clone(), n)))
                            .collect();
                        PurgeRun { at, counts }
                    })
                    .collect();
            let erasures = sqlx::query_as::<_, (i64, String, String)>(
                "SELECT at, action, details FROM audit_log WHERE action IN ('case.erase', 'person.erase') ORDER BY seq DESC LIMIT 10",
            )
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|(at, action, details)| {
                let details: serde_json::Value = serde_json::from_str(&details).unwrap_or_default();
                let count = |k: &str| details[k].as_u64().unwrap_or(0);
                let removed = [("mentions in free text", "mentions_erased"), ("subject access requests", "subject_access_requests")]
                    .into_iter()
                    .map(|(words, key)| (words.to_string(), count(key)))
                    .filter(|(_, n)| *n > 0)
                    .collect();
                let not_reached = details["not_erasable"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str())
                    .map(|v| match v.split_once(':') {
                        Some(("minutes_copies_downloaded", n)) => {
                            format!("{n} copies of minutes that discussed the case were already downloaded: ask the agencies to delete them")
                        }
                        _ => v.to_string(),
                    })
                    .collect();
                let what = if action == "case.erase" { "A whole case" } else { "A household member" };
                ErasureNote { at, what: what.to_string(), removed, not_reached }
            })
            .collect();
            self.audit_and_commit(tx, actor_event(actor, "retention.read").detail("due", due.len())).await?;
            Ok(RetentionView {
                case_years: years,
                audit_years: settings.policy.audit_years,
                interval_minutes: settings.interval.map(|d| d.as_secs() / 60),
                due,
                held,
                runs,
                erasures,
            })
        })
        .await
    }

    async fn set_hold(&self, actor: &Actor, input: HoldInput) -> Result<(), AppError> {
        answer(async move {
            check(actor, &Action::ManageRetention)?;
            let mut p = Problems::default();
            let reference = p.text("hold-reference", "Case reference", &input.reference, 32).to_ascii_uppercase();
            let reason = if input.hold { p.text("hold-reason", "Reason for the legal hold", &input.reason, LONG_TEXT) } else { String::new() };
            p.finish(())?;
            let mut tx = self.tx().await?;
            let Some(case_id) =
                sqlx::query_scalar::<_, String>("SELECT id FROM cases WHERE reference = $1").bind(&reference).fetch_optional(&mut *tx).await?
            else {
                return Err(AppError::field("hold-reference", "No case has this reference").into());
            };
            let (flag, reason, since) = if input.hold { (1_i64, Some(reason), Some(self.clock.unix())) } else { (0, None, None) };
            sqlx::query("UPDATE cases SET legal_hold = $1, legal_hold_reason = $2, legal_hold_since = $3 WHERE id = $4")
                .bind(flag)
                .bind(reason)
                .bind(since)
                .bind(&case_id)
                .execute(&mut *tx)
                .await?;
            let action = if input.hold { "case.hold_place" } else { "case.hold_lift" };
            self.audit_and_commit(tx, actor_event(actor, action).on("case", case_id)).await
        })
        .await
    }

    async fn set_restriction(&self, actor: &Actor, input: RestrictInput) -> Result<(), AppError> {
        answer(async move {
            let mut p = Problems::default();
            let reason = p.text("restriction-reason", "Reason", &input.reason, LONG_TEXT);
            let mut tx = self.begin_case_op(actor, &Action::RestrictCase, &input.case_id).await?;
            p.finish(())?;
            let (flag, reason, since) = if input.restricted { (1_i64, Some(reason), Some(self.clock.unix())) } else { (0, None, None) };
            sqlx::query("UPDATE cases SET restricted = $1, restriction_reason = $2, restricted_since = $3 WHERE id = $4")
                .bind(flag)
                .bind(reason)
                .bind(since)
                .bind(&input.case_id)
                .execute(&mut *tx)
                .await?;
            let action = if input.restricted { "case.restrict" } else { "case.unrestrict" };
            self.audit_and_commit(tx, actor_event(actor, action).on("case", input.case_id.as_str())).await
        })
        .await
    }

    async fn rectify(&self, actor: &Actor, input: RectifyInput) -> Result<(), AppError> {
        answer(async move {
            check(actor, &Action::RectifyRecord)?;
            let mut tx = self.tx().await?;
            let granted = exposure::record_grant(&mut tx, &input.case_id, actor).await?.map(|(_, g)| g).filter(|g| g.open());
            let Some(parts) = granted.map(|g| shared::views::shown(&g, CASE_RECORD)) else { return Err(AppError::NotFound.into()) };
            let target = input.target.split_once(':').and_then(|(f, id)| PersonField::parse(f).map(|f| (f, id.to_string())));
            let Some((field, person_id)) = target.filter(|(f, _)| f.visible_with(parts)) else {
                return Err(AppError::field("rectify-target", "Choose the detail to correct").into());
            };
            let Some(row) = person_in_case(&mut tx, field.kind(), &person_id, &input.case_id).await? else {
                return Err(AppError::field("rectify-target", "Choose the detail to correct").into());
            };
            let mut p = Problems::default();
            let value = if field.is_date() {
                p.optional_date("rectify-value", "The corrected value", &input.value).map(iso_date)
            } else if field.required() {
                Some(p.text("rectify-value", "The corrected value", &input.value, SHORT_TEXT))
            } else {
                p.optional_text("rectify-value", "The corrected value", &input.value, LONG_TEXT)
            };
            let reason = p.text("rectify-reason", "Reason for the correction", &input.reason, LONG_TEXT);
            let old = row.detail(field);
            if p.is_empty() && old == value {
                p.add("rectify-value", "The corrected value is the same as the value recorded now");
            }
            p.finish(())?;
            let now = self.clock.unix();
            let sql = format!("UPDATE {} SET {} = $1 WHERE id = $2", field.kind().table(), field.column());
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(value.clone()).bind(&person_id).execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO rectifications (id, case_id, person_kind, person_id, field, old_value, new_value, reason, corrected_by, corrected_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(Uuid::new_v4().to_string())
            .bind(&input.case_id)
            .bind(field.kind().as_str())
            .bind(&person_id)
            .bind(field.as_str())
            .bind(old)
            .bind(value.clone())
            .bind(reason)
            .bind(&actor.user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if field == PersonField::VictimName {
                reindex_names(&mut tx, &input.case_id).await?;
            }
            if field == PersonField::VictimDateOfBirth {
                sqlx::query("UPDATE cases SET victim_dob = $1 WHERE id = $2 AND victim_id = $3")
                    .bind(value)
                    .bind(&input.case_id)
                    .bind(&person_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let event = actor_event(actor, "person.rectify")
                .on(field.kind().as_str(), person_id)
                .detail("case_id", input.case_id.as_str())
                .detail("field", field.as_str());
            self.audit_and_commit(tx, event).await
        })
        .await
    }

    async fn erase(&self, actor: &Actor, input: EraseInput) -> Result<(), AppError> {
        answer(async move {
        let mut tx = self.begin_case_op(actor, &Action::EraseRecord, &input.case_id).await?;
        let Some(ground) = ErasureGround::parse(&input.ground) else {
            return Err(AppError::field("erase-ground", "Choose why erasure applies").into());
        };
        // A legal hold stops erasure as it stops the purge.
        let held: i64 =
            sqlx::query_scalar("SELECT legal_hold FROM cases WHERE id = $1").bind(&input.case_id).fetch_one(&mut *tx).await?;
        if held != 0 {
            return Err(AppError::field(
                "erase-target",
                "This case is under a legal hold, so nothing in it can be erased. If the hold no longer applies, lift it on the data protection page first",
            ).into());
        }
        let people = people_of(&mut tx, &input.case_id).await?;
        let outside = erasure_outside(&mut tx, &input.case_id).await?;
        if input.target == "case" {
            let mut counts = PurgeCounts::new();
            let ids: Vec<String> = people.iter().map(|(_, id, _)| id.clone()).collect();
            let names: Vec<ThirdParty> = people.iter().map(|(_, _, n)| ThirdParty::name(n.clone())).collect();
            let requests = erase_subject_requests(&mut tx, &ids, &names).await?;
            delete_cases(&mut tx, std::slice::from_ref(&input.case_id), &mut counts).await?;
            let mut event = actor_event(actor, "case.erase")
                .on("case", input.case_id.as_str())
                .detail("ground", ground.as_str())
                .detail("subject_access_requests", requests)
                .detail("not_erasable", outside.clone());
            for (kind, n) in counts {
                event = event.detail(kind, n);
            }
            self.audit_and_commit(tx, event).await?;
            self.after_erasure().await;
            return Ok(());
        }
        let person = input.target.strip_prefix("household:").unwrap_or_default().to_string();
        let Some(row) = (if person.is_empty() { None } else { person_in_case(&mut tx, PersonKind::Household, &person, &input.case_id).await? })
        else {
            return Err(AppError::field("erase-target", "Choose what to erase").into());
        };
        let name = row.name;
        let keep: Vec<String> = people.iter().filter(|(_, id, _)| *id != person).map(|(_, _, n)| n.clone()).collect();
        let mentions = scrub_case_text(&mut tx, &input.case_id, &[ThirdParty::name(name.clone())], &keep).await?;
        let requests = erase_subject_requests(&mut tx, std::slice::from_ref(&person), &[ThirdParty::name(name)]).await?;
        for sql in [
            "DELETE FROM rectifications WHERE person_kind = 'household' AND person_id = $1",
            "DELETE FROM objections WHERE person_kind = 'household' AND person_id = $1",
            "DELETE FROM household_members WHERE id = $1",
        ] {
            sqlx::query(sql).bind(&person).execute(&mut *tx).await?;
        }
        let event = actor_event(actor, "person.erase")
            .on("household", person)
            .detail("case_id", input.case_id.as_str())
            .detail("ground", ground.as_str())
            .detail("mentions_erased", mentions)
            .detail("subject_access_requests", requests)
            .detail("not_erasable", outside);
        self.audit_and_commit(tx, event).await?;
        self.after_erasure().await;
        Ok(())
    }).await
    }

    async fn record_objection(&self, actor: &Actor, input: ObjectionInput) -> Result<(), AppError> {
        answer(async move {
        let mut tx = self.begin_case_op(actor, &Action::RecordObjection, &input.case_id).await?;
        let mut p = Problems::default();
        let person = input.person.split_once(':').and_then(|(k, id)| PersonKind::parse(k).map(|k| (k, id.to_string())));
        let person = match person {
            Some((kind, id)) if person_in_case(&mut tx, kind, &id, &input.case_id).await?.is_some() => Some((kind, id)),
            _ => {
                p.add("objection-person", "Choose who objects");
                None
            }
        };
        let received = p.date("objection-received", "The date the objection was received", &input.received_on);
        if received.is_some_and(|d| d > today(self.clock.unix())) {
            p.add("objection-received", "The date the objection was received must be today or in the past");
        }
        let grounds = p.text("objection-grounds", "What the person objects to and why", &input.grounds, LONG_TEXT);
        let (Some((kind, person_id)), Some(received)) = (person, received) else { return Err(p.0.into()) };
        p.finish(())?;
        let id = Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO objections (id, case_id, person_kind, person_id, received_on, grounds, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(&input.case_id)
        .bind(kind.as_str())
        .bind(&person_id)
        .bind(iso_date(received))
        .bind(grounds)
        .bind(&actor.user_id)
        .bind(self.clock.unix())
        .execute(&mut *tx)
        .await
        ?;
        let event =
            actor_event(actor, "objection.record").on("objection", id).detail("case_id", input.case_id.as_str()).detail("person_id", person_id);
        self.audit_and_commit(tx, event).await
    }).await
    }

    async fn decide_objection(&self, actor: &Actor, input: ObjectionDecisionInput) -> Result<(), AppError> {
        answer(async move {
            check(actor, &Action::RecordObjection)?;
            let mut tx = self.tx().await?;
            let received: Option<String> =
                sqlx::query_scalar("SELECT received_on FROM objections WHERE id = $1").bind(&input.objection_id).fetch_optional(&mut *tx).await?;
            let Some(received) = received else { return Err(AppError::NotFound.into()) };
            let mut p = Problems::default();
            let decision = ObjectionDecision::parse(&input.decision).filter(|d| d.is_decided());
            if decision.is_none() {
                p.add("objection-decision", "Choose whether the objection is upheld");
            }
            let reasoning = p.text("objection-reasoning", "The reasoning for the decision", &input.reasoning, LONG_TEXT);
            let decided_on = p.date("objection-decided-on", "The date of the decision", &input.decided_on);
            if decided_on.is_some_and(|d| parse_date(&received).is_some_and(|r| d < r)) {
                p.add("objection-decided-on", "The date of the decision must be on or after the date the objection was received");
            }
            let (Some(decision), Some(decided_on)) = (decision, decided_on) else { return Err(p.0.into()) };
            p.finish(())?;
            sqlx::query("UPDATE objections SET decision = $1, reasoning = $2, decided_on = $3, decided_by = $4 WHERE id = $5")
                .bind(decision.as_str())
                .bind(reasoning)
                .bind(iso_date(decided_on))
                .bind(&actor.user_id)
                .bind(&input.objection_id)
                .execute(&mut *tx)
                .await?;
            let event = actor_event(actor, "objection.decide").on("objection", input.objection_id.as_str()).detail("decision", decision.as_str());
            self.audit_and_commit(tx, event).await
        })
        .await
    }
}

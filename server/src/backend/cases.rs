//! Case records: read part by part as the access policy allows, search, and the coordinator's
//! management. Every read and every search is audited (search terms only as a keyed hash).

use app::api::cases::{
    CaseBackend, CaseHit, CaseView, ConsentView, HistoryItem, HouseholdView, InvolvementInput, InvolvementView, ManageChoices, PerpetratorView,
    RiskView, VictimContact, VictimIdentity, VictimProfile,
};
use app::error::AppError;
use shared::equality;
use shared::names::normalise_name;
use shared::policy::cases::{case_parts, CaseParts, Involvement};
use shared::policy::{decide, Action, Actor};
use shared::referral::{Consent, LONG_TEXT};
use shared::validation::{iso_date, parse_iso_date, Problems};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::referrals::criteria_labels;
use super::{actor_event, check, col, internal, internal_db, ServerBackend};
use crate::audit::{self, Outcome};
use crate::casework::{agency_is_active, meetings, people, relation, search_key};
use crate::db::Tx;
use crate::identity::actor::today;

/// Names the parts granted, for the audit row.
fn parts_granted(p: &CaseParts) -> String {
    [
        (p.risk, "risk"),
        (p.victim_identity, "victim_identity"),
        (p.victim_profile, "victim_profile"),
        (p.victim_contact, "victim_contact"),
        (p.perpetrators, "perpetrators"),
        (p.perpetrator_address, "perpetrator_address"),
        (p.household, "household"),
        (p.consent, "consent"),
        (p.agencies, "agencies"),
    ]
    .iter()
    .filter(|(granted, _)| *granted)
    .map(|(_, name)| *name)
    .collect::<Vec<_>>()
    .join(",")
}

/// Cases as hits, for lists and search results (victim's name and date of birth only).
async fn hits(conn: &mut AnyConnection, rows: &[AnyRow], now: i64) -> Result<Vec<CaseHit>, AppError> {
    let mut out = Vec::new();
    for r in rows {
        let id: String = col(r, "id")?;
        let victim_name = match col::<Option<String>>(r, "victim_id")? {
            Some(v) => people::victim(conn, &v).await.map_err(internal_db)?.map(|v| v.name).unwrap_or_default(),
            None => String::new(),
        };
        let next_meeting = meetings::upcoming_for_case(conn, &id, now).await.map_err(internal_db)?.into_iter().next();
        out.push(CaseHit {
            reference: col(r, "reference")?,
            victim_name,
            victim_dob: col(r, "victim_dob")?,
            status: col(r, "status")?,
            last_heard_on: col(r, "last_heard_on")?,
            next_meeting,
            restricted: col::<i64>(r, "restricted")? != 0,
            id,
        });
    }
    Ok(out)
}

const CASE_COLUMNS: &str = "c.id, c.reference, c.victim_id, c.victim_dob, c.status, c.last_heard_on, c.restricted";

/// Whether a search looks like a case reference.
fn looks_like_reference(q: &str) -> bool {
    let q = q.trim().to_ascii_uppercase();
    q.starts_with("C-") && q.len() <= 16 && q[2..].chars().all(|c| c.is_ascii_digit() || c == '-')
}

/// A date typed as `YYYY-MM-DD` or `DD/MM/YYYY`.
fn typed_date(q: &str) -> Option<time::Date> {
    let q = q.trim();
    parse_iso_date(q).or_else(|| {
        let mut parts = q.split('/');
        let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
        parse_iso_date(&format!("{y:0>4}-{m:0>2}-{d:0>2}"))
    })
}

impl ServerBackend {
    async fn load_case(&self, conn: &mut AnyConnection, actor: &Actor, id: &str, parts: CaseParts) -> Result<CaseView, AppError> {
        let now = self.clock.unix();
        let case = sqlx::query("SELECT * FROM cases WHERE id = $1").bind(id).fetch_one(&mut *conn).await.map_err(internal_db)?;
        let victim_id: Option<String> = col(&case, "victim_id")?;
        let victim = match &victim_id {
            Some(v) => people::victim(conn, v).await.map_err(internal_db)?,
            None => None,
        };
        let referral_id = victim.as_ref().map(|v| v.row.try_get::<String, _>("referral_id")).transpose().map_err(internal_db)?;
        let referral = match &referral_id {
            Some(r) => sqlx::query("SELECT * FROM referrals WHERE id = $1").bind(r).fetch_optional(&mut *conn).await.map_err(internal_db)?,
            None => None,
        };
        let risk = match (&referral, parts.risk) {
            (Some(r), true) => Some(RiskView {
                criteria: criteria_labels(col::<Option<String>>(r, "criteria")?.as_deref()),
                dash_score: col::<Option<i64>>(r, "dash_score")?.and_then(|s| u8::try_from(s).ok()),
                police_callouts: col(r, "police_callouts")?,
                professional_judgement: col(r, "professional_judgement")?,
                latest_incident_on: col::<Option<String>>(r, "latest_incident_on")?.unwrap_or_default(),
                summary_html: shared::markdown::to_safe_html(&col::<Option<String>>(r, "summary_markdown")?.unwrap_or_default()),
            }),
            _ => None,
        };
        let opt = |row: &AnyRow, name: &str| row.try_get::<Option<String>, _>(name).map_err(internal_db);
        let victim_view = victim.as_ref().filter(|_| parts.victim_identity).map(|v| VictimIdentity {
            name: v.name.clone(),
            other_names: v.other_names.clone(),
            date_of_birth: v.date_of_birth.clone(),
        });
        let victim_profile = match victim.as_ref().filter(|_| parts.victim_profile) {
            Some(v) => Some(VictimProfile {
                gender: Some(equality::label(equality::GENDERS, &opt(&v.row, "gender")?.unwrap_or_default())),
                ethnicity: Some(equality::label(equality::ETHNIC_GROUPS, &opt(&v.row, "ethnicity")?.unwrap_or_default())),
                disability: Some(equality::label(equality::DISABILITY, &opt(&v.row, "disability")?.unwrap_or_default())),
                sexual_orientation: Some(equality::label(equality::ORIENTATIONS, &opt(&v.row, "sexual_orientation")?.unwrap_or_default())),
                first_language: opt(&v.row, "first_language")?,
                interpreter_needed: col::<i64>(&v.row, "interpreter_needed")? != 0,
            }),
            None => None,
        };
        let victim_contact = match victim.as_ref().filter(|_| parts.victim_contact) {
            Some(v) => Some(VictimContact {
                address: opt(&v.row, "address")?,
                safe_contact: opt(&v.row, "safe_contact")?,
                safe_times: opt(&v.row, "safe_times")?,
            }),
            None => None,
        };
        let perpetrators = match (&referral_id, parts.perpetrators) {
            (Some(r), true) => Some(
                people::perpetrators(conn, r)
                    .await
                    .map_err(internal_db)?
                    .iter()
                    .map(|p| {
                        Ok(PerpetratorView {
                            name: col(p, "name")?,
                            other_names: people::other_names(p).map_err(internal_db)?,
                            date_of_birth: opt(p, "date_of_birth")?,
                            gender: Some(equality::label(equality::GENDERS, &opt(p, "gender")?.unwrap_or_default())),
                            relationship: col(p, "relationship")?,
                            address: if parts.perpetrator_address { opt(p, "address")? } else { None },
                        })
                    })
                    .collect::<Result<Vec<_>, AppError>>()?,
            ),
            _ => None,
        };
        let household = match (&referral_id, parts.household) {
            (Some(r), true) => Some(
                people::household(conn, r)
                    .await
                    .map_err(internal_db)?
                    .iter()
                    .map(|h| {
                        Ok(HouseholdView {
                            name: col(h, "name")?,
                            date_of_birth: opt(h, "date_of_birth")?,
                            relationship: col(h, "relationship")?,
                            involvement: opt(h, "involvement")?,
                        })
                    })
                    .collect::<Result<Vec<_>, AppError>>()?,
            ),
            _ => None,
        };
        let consent = match (&referral, parts.consent) {
            (Some(r), true) => {
                let who = sqlx::query("SELECT u.name AS user_name, a.name AS agency_name FROM users u JOIN agencies a ON a.id = $2 WHERE u.id = $1")
                    .bind(col::<String>(r, "referrer_user_id")?)
                    .bind(col::<String>(r, "agency_id")?)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(internal_db)?;
                Some(ConsentView {
                    consent: col::<Option<String>>(r, "consent")?
                        .as_deref()
                        .and_then(Consent::parse)
                        .map(|c| c.label().to_string())
                        .unwrap_or_default(),
                    reason: col(r, "consent_reason")?,
                    referrer_name: col(&who, "user_name")?,
                    agency_name: col(&who, "agency_name")?,
                })
            }
            _ => None,
        };
        let agencies = if parts.agencies {
            let rows = sqlx::query("SELECT ca.agency_id, a.name, ca.involvement FROM case_agencies ca JOIN agencies a ON a.id = ca.agency_id WHERE ca.case_id = $1 ORDER BY a.name, ca.involvement")
                .bind(id)
                .fetch_all(&mut *conn)
                .await
                .map_err(internal_db)?;
            let list = rows
                .iter()
                .map(|r| {
                    let involvement: String = col(r, "involvement")?;
                    Ok(InvolvementView {
                        agency_id: col(r, "agency_id")?,
                        agency_name: col(r, "name")?,
                        label: Involvement::parse(&involvement).map(|i| i.label().to_string()).unwrap_or_default(),
                        involvement,
                    })
                })
                .collect::<Result<Vec<_>, AppError>>()?;
            let idva: Option<String> = match col::<Option<String>>(&case, "idva_user_id")? {
                Some(u) => {
                    sqlx::query_scalar("SELECT name FROM users WHERE id = $1").bind(u).fetch_optional(&mut *conn).await.map_err(internal_db)?
                }
                None => None,
            };
            Some((list, idva))
        } else {
            None
        };
        let history = sqlx::query(
            "SELECT r.reference, r.referred_on, a.name AS agency_name, r.criteria FROM referrals r JOIN agencies a ON a.id = r.agency_id \
             WHERE r.case_id = $1 AND r.status = 'accepted' ORDER BY r.submitted_at",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await
        .map_err(internal_db)?
        .iter()
        .map(|r| {
            Ok(HistoryItem {
                reference: col::<Option<String>>(r, "reference")?.unwrap_or_default(),
                referred_on: col::<Option<String>>(r, "referred_on")?.unwrap_or_default(),
                agency_name: col(r, "agency_name")?,
                repeat: col::<Option<String>>(r, "criteria")?.unwrap_or_default().contains("repeat"),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
        let hearings = sqlx::query_scalar("SELECT heard_on FROM case_hearings WHERE case_id = $1 ORDER BY heard_on")
            .bind(id)
            .fetch_all(&mut *conn)
            .await
            .map_err(internal_db)?;
        let upcoming = meetings::upcoming_for_case(conn, id, now).await.map_err(internal_db)?;
        let actions = if parts.risk { super::meetings::action_views(conn, actor, "x.case_id = $1", &[id], today(now)).await? } else { Vec::new() };
        let manage = if decide(Some(actor), &Action::ManageCase).is_allowed() {
            let agencies = sqlx::query("SELECT id, name FROM agencies WHERE isa_state = 'active' ORDER BY name")
                .fetch_all(&mut *conn)
                .await
                .map_err(internal_db)?;
            let idvas = sqlx::query(
                "SELECT u.id, u.name FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'idva' \
                 JOIN agencies a ON a.id = u.agency_id AND a.isa_state = 'active' WHERE u.active = TRUE ORDER BY u.name",
            )
            .fetch_all(&mut *conn)
            .await
            .map_err(internal_db)?;
            let pairs =
                |rows: &[AnyRow]| rows.iter().map(|r| Ok((col(r, "id")?, col(r, "name")?))).collect::<Result<Vec<(String, String)>, AppError>>();
            Some(ManageChoices { agencies: pairs(&agencies)?, idvas: pairs(&idvas)? })
        } else {
            None
        };
        let (corrections, rectifiable, data_protection) = super::data_protection::case_extras(conn, actor, id, &parts).await?;
        let status: String = col(&case, "status")?;
        let closed = match (col::<Option<String>>(&case, "closed_on")?, col::<Option<String>>(&case, "closed_reason")?) {
            (Some(on), reason) if status == "closed" => Some((on, reason.unwrap_or_default())),
            _ => None,
        };
        Ok(CaseView {
            id: id.to_string(),
            reference: col(&case, "reference")?,
            status,
            closed,
            restricted: col::<i64>(&case, "restricted")? != 0,
            risk,
            victim: victim_view,
            victim_profile,
            victim_contact,
            perpetrators,
            household,
            consent,
            agencies,
            history,
            hearings,
            upcoming,
            actions,
            manage,
            corrections,
            rectifiable,
            data_protection,
        })
    }

    /// Starts a management change: checks permission and that the case exists.
    async fn begin_manage(&self, actor: &Actor, case_id: &str) -> Result<Tx, AppError> {
        check(actor, &Action::ManageCase)?;
        let mut tx = self.tx().await?;
        if relation::of(&mut tx, case_id, actor).await.map_err(internal_db)?.is_none() {
            return Err(AppError::NotFound);
        }
        Ok(tx)
    }

    /// Finishes a management change: audit row, then commit.
    async fn finish_manage(&self, tx: Tx, actor: &Actor, case_id: &str, action: &'static str) -> Result<(), AppError> {
        self.audit_and_commit(tx, actor_event(actor, action).on("case", case_id)).await
    }
}

#[async_trait::async_trait]
impl CaseBackend for ServerBackend {
    async fn my_cases(&self, actor: &Actor) -> Result<Vec<CaseHit>, AppError> {
        check(actor, &Action::ListCases)?;
        let now = self.clock.unix();
        let mut tx = self.read_tx().await?;
        let everything = decide(Some(actor), &Action::SearchCases).is_allowed();
        let agency = actor.agency_id.clone().unwrap_or_default();
        let rows = if everything {
            let restricted = if decide(Some(actor), &Action::ManageCase).is_allowed() { "" } else { " AND c.restricted = 0" };
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {CASE_COLUMNS} FROM cases c WHERE c.status = 'open'{restricted} ORDER BY c.created_at DESC LIMIT 200"
            )))
            .fetch_all(&mut *tx)
            .await
        } else {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {CASE_COLUMNS} FROM cases c WHERE c.status = 'open' AND c.restricted = 0 AND (c.idva_user_id = $1 \
                 OR c.id IN (SELECT case_id FROM case_agencies WHERE agency_id = $2) \
                 OR c.id IN (SELECT case_id FROM referrals WHERE agency_id = $2 AND case_id IS NOT NULL)) ORDER BY c.created_at DESC LIMIT 200"
            )))
            .bind(&actor.user_id)
            .bind(&agency)
            .fetch_all(&mut *tx)
            .await
        }
        .map_err(internal_db)?;
        let mut out = Vec::new();
        for hit in hits(&mut tx, &rows, now).await? {
            let rel = relation::of(&mut tx, &hit.id, actor).await.map_err(internal_db)?.unwrap_or_default();
            if case_parts(actor, &rel).is_some() {
                out.push(hit);
            }
        }
        audit::append(&mut tx, now, actor_event(actor, "case.list").detail("count", out.len())).await.map_err(internal)?;
        tx.commit().await.map_err(internal_db)?;
        Ok(out)
    }

    async fn case_view(&self, actor: &Actor, id: &str) -> Result<CaseView, AppError> {
        let mut tx = self.read_tx().await?;
        let parts = relation::of(&mut tx, id, actor).await.map_err(internal_db)?.and_then(|rel| case_parts(actor, &rel));
        let Some(parts) = parts else {
            drop(tx);
            self.audit_alone(actor_event(actor, "case.read").on("case", id).outcome(Outcome::Denied)).await;
            return Err(AppError::NotFound);
        };
        let view = self.load_case(&mut tx, actor, id, parts).await?;
        let event = actor_event(actor, "case.read").on("case", id).detail("parts", parts_granted(&parts));
        audit::append(&mut tx, self.clock.unix(), event).await.map_err(internal)?;
        tx.commit().await.map_err(internal_db)?;
        Ok(view)
    }

    async fn search_cases(&self, actor: &Actor, query: &str) -> Result<Vec<CaseHit>, AppError> {
        check(actor, &Action::SearchCases)?;
        let mut p = Problems::default();
        let query = p.text("search", "A name, date of birth or case reference", query, 200);
        if !query.is_empty() && normalise_name(&query).is_empty() {
            p.add("search", "Enter a name, date of birth or case reference using letters or numbers");
        }
        p.finish(())?;
        let now = self.clock.unix();
        let mut tx = self.read_tx().await?;
        let sees_restricted = decide(Some(actor), &Action::ManageCase).is_allowed() || decide(Some(actor), &Action::RestrictCase).is_allowed();
        let restricted = if sees_restricted { "" } else { " AND c.restricted = 0" };
        let (kind, rows) = if looks_like_reference(&query) {
            let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.reference = $1{restricted}");
            ("reference", sqlx::query(sqlx::AssertSqlSafe(sql)).bind(query.to_ascii_uppercase()).fetch_all(&mut *tx).await)
        } else if let Some(dob) = typed_date(&query) {
            let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.victim_dob = $1{restricted} ORDER BY c.created_at DESC LIMIT 100");
            ("date_of_birth", sqlx::query(sqlx::AssertSqlSafe(sql)).bind(iso_date(dob)).fetch_all(&mut *tx).await)
        } else {
            // Every typed word must begin a word of one of the victim's names (index ranges).
            let words: Vec<String> = normalise_name(&query).split(' ').filter(|w| !w.is_empty()).take(6).map(str::to_string).collect();
            let matches = (0..words.len())
                .map(|i| format!("SELECT case_id FROM case_name_words WHERE word >= ${} AND word < ${}", 2 * i + 1, 2 * i + 2))
                .collect::<Vec<_>>()
                .join(" INTERSECT ");
            let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id IN ({matches}){restricted} ORDER BY c.created_at DESC LIMIT 100");
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for w in &words {
                q = q.bind(w.clone()).bind(format!("{w}\u{10FFFF}"));
            }
            ("name", q.fetch_all(&mut *tx).await)
        };
        let rows = rows.map_err(internal_db)?;
        let found = hits(&mut tx, &rows, now).await?;
        let key = search_key::key(&mut tx).await.map_err(internal_db)?;
        let event = actor_event(actor, "case.search")
            .detail("kind", kind)
            .detail("terms_hash", search_key::hash_terms(&key, &normalise_name(&query)))
            .detail("results", found.len());
        audit::append(&mut tx, now, event).await.map_err(internal)?;
        tx.commit().await.map_err(internal_db)?;
        Ok(found)
    }

    async fn set_involvement(&self, actor: &Actor, input: InvolvementInput) -> Result<(), AppError> {
        let Some(involvement) = Involvement::parse(&input.involvement) else {
            return Err(AppError::field("involvement", "Choose how the agency works with the case"));
        };
        let action = if input.present { "case.involvement_add" } else { "case.involvement_remove" };
        let (case_id, agency_id) = (input.case_id.clone(), input.agency_id.clone());
        let mut tx = self.begin_manage(actor, &case_id).await?;
        {
            let conn: &mut AnyConnection = &mut tx;
            if !agency_is_active(conn, &agency_id).await.map_err(internal_db)? {
                return Err(AppError::field("involvement-agency", "Choose an agency that has signed the ISA"));
            }
            let sql = if input.present {
                "INSERT INTO case_agencies (case_id, agency_id, involvement) VALUES ($1, $2, $3) ON CONFLICT (case_id, agency_id, involvement) DO NOTHING"
            } else {
                "DELETE FROM case_agencies WHERE case_id = $1 AND agency_id = $2 AND involvement = $3"
            };
            sqlx::query(sql).bind(&case_id).bind(&agency_id).bind(involvement.as_str()).execute(&mut *conn).await.map_err(internal_db)?;
        }
        self.finish_manage(tx, actor, &case_id, action).await
    }

    async fn assign_idva(&self, actor: &Actor, case_id: &str, user_id: &str) -> Result<(), AppError> {
        let (case, user) = (case_id.to_string(), user_id.trim().to_string());
        let mut tx = self.begin_manage(actor, case_id).await?;
        {
            let conn: &mut AnyConnection = &mut tx;
            if !user.is_empty() {
                let is_idva: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.user_id = $1 AND r.role = 'idva' AND u.active = TRUE",
                )
                .bind(&user)
                .fetch_one(&mut *conn)
                .await
                .map_err(internal_db)?;
                if is_idva == 0 {
                    return Err(AppError::field("idva", "Choose an IDVA"));
                }
            }
            sqlx::query("UPDATE cases SET idva_user_id = $1 WHERE id = $2")
                .bind(Some(user).filter(|u| !u.is_empty()))
                .bind(&case)
                .execute(&mut *conn)
                .await
                .map_err(internal_db)?;
        }
        self.finish_manage(tx, actor, case_id, "case.assign_idva").await
    }

    async fn close_case(&self, actor: &Actor, case_id: &str, reason: &str) -> Result<(), AppError> {
        let mut p = Problems::default();
        let reason = p.text("close-reason", "Reason for closing", reason, LONG_TEXT);
        p.finish(())?;
        let today = iso_date(today(self.clock.unix()));
        let mut tx = self.begin_manage(actor, case_id).await?;
        sqlx::query("UPDATE cases SET status = 'closed', closed_on = $1, closed_reason = $2 WHERE id = $3 AND status = 'open'")
            .bind(&today)
            .bind(&reason)
            .bind(case_id)
            .execute(&mut *tx)
            .await
            .map_err(internal_db)?;
        self.finish_manage(tx, actor, case_id, "case.close").await
    }
}

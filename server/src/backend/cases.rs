//! Case records: read part by part as the access policy allows, search, and the coordinator's
//! management. Every read and every search is audited (search terms only as a keyed hash).

use app::api::cases::{CaseBackend, CaseHit, CaseView, InvolvementInput, ManageChoices};
use app::error::AppError;
use shared::names::normalise_name;
use shared::policy::exposure::{grant, Context, Grant, Involvement};
use shared::policy::{decide, Action, Actor};
use shared::referral::LONG_TEXT;
use shared::validation::{iso_date, parse_iso_date, Problems};
use shared::views::case::{case_hit, case_record, CASE_RECORD};
use shared::views::shown;
use sqlx::AnyConnection;

use super::{
    actor_event, check,
    error::{answer, Error},
    ServerBackend,
};
use crate::audit::{AuditEvent, Outcome};
use crate::casework::{agency_is_active, exposure, file, search_key};
use crate::db::Tx;
use crate::identity::actor::today;

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
    /// `case_ids` as lists show them to `actor`, each decided by the policy, with one audit
    /// entry per case whose victim's name the list discloses.
    async fn case_hits(
        &self,
        tx: &mut AnyConnection,
        actor: &Actor,
        case_ids: &[String],
        via: &'static str,
    ) -> Result<(Vec<CaseHit>, Vec<AuditEvent>), Error> {
        let now = self.clock.unix();
        let facts = exposure::facts(tx, case_ids, actor).await?;
        let files = file::list_files(tx, case_ids, now).await?;
        let mut hits = Vec::new();
        let mut listed = Vec::new();
        for f in &files {
            let Some(facts) = facts.get(&f.head.id) else { continue };
            let g = grant(actor, &Context { facts: facts.clone(), seat: None });
            // A search answers only with cases the person may open: a restricted case matching
            // the terms would otherwise tell them a restricted record of that name exists.
            if via == "case.search" && !g.open() {
                continue;
            }
            if let Some(hit) = case_hit(f, &g) {
                if hit.victim_name.is_some() {
                    listed.push(actor_event(actor, "case.listed").on("case", hit.id.clone()).detail("via", via));
                }
                hits.push(hit);
            }
        }
        Ok((hits, listed))
    }

    /// Agencies and IDVAs the coordinator can choose from.
    async fn manage_choices(&self, conn: &mut AnyConnection) -> Result<ManageChoices, Error> {
        let agencies = sqlx::query_as::<_, (String, String)>("SELECT id, name FROM agencies WHERE isa_state = 'active' ORDER BY name")
            .fetch_all(&mut *conn)
            .await?;
        let idvas = sqlx::query_as::<_, (String, String)>(
            "SELECT u.id, u.name FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'idva' \
             JOIN agencies a ON a.id = u.agency_id AND a.isa_state = 'active' WHERE u.active = TRUE ORDER BY u.name",
        )
        .fetch_all(&mut *conn)
        .await?;
        Ok(ManageChoices { agencies, idvas })
    }

    /// Starts a management change: checks permission and that the case exists.
    async fn begin_manage(&self, actor: &Actor, case_id: &str) -> Result<Tx, Error> {
        check(actor, &Action::ManageCase)?;
        let mut tx = self.tx().await?;
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE id = $1").bind(case_id).fetch_one(&mut *tx).await?;
        if exists == 0 {
            return Err(AppError::NotFound.into());
        }
        Ok(tx)
    }

    /// Finishes a management change: audit row, then commit.
    async fn finish_manage(&self, tx: Tx, actor: &Actor, case_id: &str, action: &'static str) -> Result<(), Error> {
        self.audit_and_commit(tx, actor_event(actor, action).on("case", case_id)).await
    }
}

#[async_trait::async_trait]
impl CaseBackend for ServerBackend {
    async fn my_cases(&self, actor: &Actor) -> Result<Vec<CaseHit>, AppError> {
        answer(async move {
            check(actor, &Action::ListCases)?;
            let mut tx = self.read_tx().await?;
            let agency = actor.agency_id.clone().unwrap_or_default();
            let ids: Vec<String> = if decide(Some(actor), &Action::SearchCases).is_allowed() {
                sqlx::query_scalar("SELECT id FROM cases WHERE status = 'open' ORDER BY created_at DESC LIMIT 200").fetch_all(&mut *tx).await
            } else {
                sqlx::query_scalar(
                    "SELECT id FROM cases WHERE status = 'open' AND (idva_user_id = $1 \
                 OR id IN (SELECT case_id FROM case_agencies WHERE agency_id = $2) \
                 OR id IN (SELECT case_id FROM referrals WHERE agency_id = $2 AND case_id IS NOT NULL) \
                 OR id IN (SELECT case_id FROM actions WHERE owner_agency_id = $2) \
                 OR id IN (SELECT case_id FROM research_answers WHERE agency_id = $2 AND known_about <> '')) ORDER BY created_at DESC LIMIT 200",
                )
                .bind(&actor.user_id)
                .bind(&agency)
                .fetch_all(&mut *tx)
                .await
            }?;
            let (out, mut events) = self.case_hits(&mut tx, actor, &ids, "case.list").await?;
            events.push(actor_event(actor, "case.list").detail("count", out.len()));
            self.finish_read(tx, events).await?;
            Ok(out)
        })
        .await
    }

    async fn case_view(&self, actor: &Actor, id: &str) -> Result<CaseView, AppError> {
        answer(async move {
            let now = self.clock.unix();
            let mut tx = self.read_tx().await?;
            let granted = exposure::record_grant(&mut tx, id, actor).await?.map(|(_, g)| g).filter(Grant::visible);
            let Some(granted) = granted else {
                tx.finish().await?;
                self.audit_alone(actor_event(actor, "case.read").on("case", id).outcome(Outcome::Denied)).await;
                return Err(AppError::NotFound.into());
            };
            let parts = shown(&granted, CASE_RECORD);
            let want = file::Want { meeting: None, agency: actor.agency_id.as_deref(), today: today(now), now };
            let case = file::load(&mut tx, id, parts, want).await?.ok_or(AppError::NotFound)?;
            let record = case_record(&case, &granted, actor).ok_or(AppError::NotFound)?;
            let manage = if granted.writes.manage { Some(self.manage_choices(&mut tx).await?) } else { None };
            let (corrections, rectifiable, data_protection) = super::data_protection::case_extras(&mut tx, actor, id, parts).await?;
            let event = actor_event(actor, "case.read").on("case", id).detail("parts", parts.names());
            self.finish_read(tx, vec![event]).await?;
            Ok(CaseView { record, manage, corrections, rectifiable, data_protection })
        })
        .await
    }

    async fn search_cases(&self, actor: &Actor, query: &str) -> Result<Vec<CaseHit>, AppError> {
        answer(async move {
            check(actor, &Action::SearchCases)?;
            let mut p = Problems::default();
            let query = p.text("search", "A name, date of birth or case reference", query, 200);
            if !query.is_empty() && normalise_name(&query).is_empty() {
                p.add("search", "Enter a name, date of birth or case reference using letters or numbers");
            }
            p.finish(())?;
            let mut tx = self.read_tx().await?;
            let (kind, ids) = if looks_like_reference(&query) {
                (
                    "reference",
                    sqlx::query_scalar("SELECT id FROM cases WHERE reference = $1").bind(query.to_ascii_uppercase()).fetch_all(&mut *tx).await,
                )
            } else if let Some(dob) = typed_date(&query) {
                let sql = "SELECT id FROM cases WHERE victim_dob = $1 ORDER BY created_at DESC LIMIT 100";
                ("date_of_birth", sqlx::query_scalar(sql).bind(iso_date(dob)).fetch_all(&mut *tx).await)
            } else {
                // Every typed word must begin a word of one of the victim's names (index ranges).
                let words: Vec<String> = normalise_name(&query).split(' ').filter(|w| !w.is_empty()).take(6).map(str::to_string).collect();
                let matches = (0..words.len())
                    .map(|i| format!("SELECT case_id FROM case_name_words WHERE word >= ${} AND word < ${}", 2 * i + 1, 2 * i + 2))
                    .collect::<Vec<_>>()
                    .join(" INTERSECT ");
                let sql = format!("SELECT id FROM cases WHERE id IN ({matches}) ORDER BY created_at DESC LIMIT 100");
                let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
                for w in &words {
                    q = q.bind(w.clone()).bind(format!("{w}\u{10FFFF}"));
                }
                ("name", q.fetch_all(&mut *tx).await)
            };
            let ids: Vec<String> = ids?;
            let (found, mut events) = self.case_hits(&mut tx, actor, &ids, "case.search").await?;
            let key = search_key::key(&mut tx).await?;
            events.push(
                actor_event(actor, "case.search")
                    .detail("kind", kind)
                    .detail("terms_hash", search_key::hash_terms(&key, &normalise_name(&query)))
                    .detail("results", found.len()),
            );
            self.finish_read(tx, events).await?;
            Ok(found)
        })
        .await
    }

    async fn set_involvement(&self, actor: &Actor, input: InvolvementInput) -> Result<(), AppError> {
        answer(async move {
        let Some(involvement) = Involvement::parse(&input.involvement) else {
            return Err(AppError::field("involvement", "Choose how the agency works with the case").into());
        };
        let action = if input.present { "case.involvement_add" } else { "case.involvement_remove" };
        let (case_id, agency_id) = (input.case_id.clone(), input.agency_id.clone());
        let mut tx = self.begin_manage(actor, &case_id).await?;
        {
            let conn: &mut AnyConnection = &mut tx;
            if !agency_is_active(conn, &agency_id).await? {
                return Err(AppError::field("involvement-agency", "Choose an agency that has signed the ISA").into());
            }
            let sql = if input.present {
                "INSERT INTO case_agencies (case_id, agency_id, involvement) VALUES ($1, $2, $3) ON CONFLICT (case_id, agency_id, involvement) DO NOTHING"
            } else {
                "DELETE FROM case_agencies WHERE case_id = $1 AND agency_id = $2 AND involvement = $3"
            };
            sqlx::query(sql).bind(&case_id).bind(&agency_id).bind(involvement.as_str()).execute(&mut *conn).await?;
        }
        self.finish_manage(tx, actor, &case_id, action).await
    }).await
    }

    async fn assign_idva(&self, actor: &Actor, case_id: &str, user_id: &str) -> Result<(), AppError> {
        answer(async move {
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
                ?;
                    if is_idva == 0 {
                        return Err(AppError::field("idva", "Choose an IDVA").into());
                    }
                }
                sqlx::query("UPDATE cases SET idva_user_id = $1 WHERE id = $2")
                    .bind(Some(user).filter(|u| !u.is_empty()))
                    .bind(&case)
                    .execute(&mut *conn)
                    .await?;
            }
            self.finish_manage(tx, actor, case_id, "case.assign_idva").await
        })
        .await
    }

    async fn close_case(&self, actor: &Actor, case_id: &str, reason: &str) -> Result<(), AppError> {
        answer(async move {
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
                .await?;
            self.finish_manage(tx, actor, case_id, "case.close").await
        })
        .await
    }
}

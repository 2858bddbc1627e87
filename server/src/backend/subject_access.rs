//! Subject access requests. The DPO finds a person, the server gathers every referral they
//! appear in (same kind of record, same name and date of birth), `shared::subject_access::redact`
//! takes other people's data out, and the result is stored for the DPO to review and approve.
//! Only an approved export is released, as JSON or PDF. Search terms reach the audit log only
//! as a keyed hash.

use app::api::subject_access::{RequestSummary, RequestView, SubjectAccessBackend, SubjectMatch};
use app::error::AppError;
use shared::display::{day_of, instant, iso_date};
use shared::equality::{label, Choice, DISABILITY, ETHNIC_GROUPS, GENDERS, ORIENTATIONS};
use shared::meeting::EntryKind;
use shared::names::normalise_name;
use shared::policy::{Action, Actor};
use shared::subject_access::{export_document, redact, Appearance, HeldPoint, SubjectExport, SubjectKind, ThirdParty};
use sqlx::AnyConnection;
use uuid::Uuid;

use super::meetings::require;
use super::{
    actor_event, check,
    error::{answer, Error, OrInternal},
    render_pdf, ServerBackend,
};
use crate::casework::search_key;

/// The most people a search lists.
const MAX_MATCHES: i64 = 50;

/// The table holding each kind of person.
fn table(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::Victim => "victims",
        SubjectKind::Perpetrator => "perpetrators",
        SubjectKind::HouseholdMember => "household_members",
    }
}

/// A victim, perpetrator or household member as stored (`SELECT *` of their table): the
/// columns a kind's table lacks read as none.
#[derive(sqlx::FromRow)]
struct PersonRow {
    id: String,
    referral_id: String,
    name: String,
    date_of_birth: Option<String>,
    #[sqlx(default)]
    other_names: Option<String>,
    #[sqlx(default)]
    gender: Option<String>,
    #[sqlx(default)]
    ethnicity: Option<String>,
    #[sqlx(default)]
    disability: Option<String>,
    #[sqlx(default)]
    sexual_orientation: Option<String>,
    #[sqlx(default)]
    first_language: Option<String>,
    #[sqlx(default)]
    address: Option<String>,
    #[sqlx(default)]
    safe_contact: Option<String>,
    #[sqlx(default)]
    safe_times: Option<String>,
    #[sqlx(default)]
    relationship: Option<String>,
    #[sqlx(default)]
    involvement: Option<String>,
}

/// Someone else in the same referral, for redaction.
#[derive(sqlx::FromRow)]
struct OtherPersonRow {
    id: String,
    name: Option<String>,
    other_names: Option<String>,
    address: Option<String>,
    safe_contact: Option<String>,
}

/// The referral of an appearance, with its case and the referring agency.
#[derive(sqlx::FromRow)]
struct ReferralRow {
    case_id: Option<String>,
    summary_markdown: Option<String>,
    made_at: i64,
    agency_name: String,
    reference: Option<String>,
}

/// A point of research or of the minutes, with the agency it came from.
#[derive(sqlx::FromRow)]
struct PointRow {
    #[sqlx(try_from = "String")]
    kind: EntryKind,
    body: String,
    agency: String,
}

/// A person found by name, with the case of their referral.
#[derive(sqlx::FromRow)]
struct MatchRow {
    id: String,
    name: String,
    date_of_birth: Option<String>,
    reference: Option<String>,
}

/// A subject access request, with who prepared and who approved it.
#[derive(sqlx::FromRow)]
struct RequestRow {
    id: String,
    subject_name: String,
    export_json: String,
    prepared_by: String,
    prepared_at: i64,
    prepared_name: String,
    approved_at: Option<i64>,
    approved_name: Option<String>,
}

/// How a detail is shown.
enum Shown {
    /// As held.
    Plain,
    /// A JSON list of names, joined.
    Names,
    /// A code of an equality list, in words.
    Coded(&'static [Choice]),
}

/// The person's own details, by kind.
fn own_details(kind: SubjectKind, r: &PersonRow) -> Vec<(String, String)> {
    let mut fields =
        vec![("Name".to_string(), r.name.clone()), ("Date of birth".to_string(), iso_date(r.date_of_birth.as_deref().unwrap_or_default()))];
    let extra: Vec<(&str, &Option<String>, Shown)> = match kind {
        SubjectKind::Victim => vec![
            ("Other names", &r.other_names, Shown::Names),
            ("Gender", &r.gender, Shown::Coded(GENDERS)),
            ("Ethnicity", &r.ethnicity, Shown::Coded(ETHNIC_GROUPS)),
            ("Disability", &r.disability, Shown::Coded(DISABILITY)),
            ("Sexual orientation", &r.sexual_orientation, Shown::Coded(ORIENTATIONS)),
            ("First language", &r.first_language, Shown::Plain),
            ("Address", &r.address, Shown::Plain),
            ("Safe contact", &r.safe_contact, Shown::Plain),
            ("Safe times to call", &r.safe_times, Shown::Plain),
        ],
        SubjectKind::Perpetrator => vec![
            ("Other names", &r.other_names, Shown::Names),
            ("Gender", &r.gender, Shown::Coded(GENDERS)),
            ("Address", &r.address, Shown::Plain),
            ("Relationship", &r.relationship, Shown::Plain),
        ],
        SubjectKind::HouseholdMember => vec![("Relationship", &r.relationship, Shown::Plain), ("Agencies involved", &r.involvement, Shown::Plain)],
    };
    for (name, held, shown) in extra {
        let raw = held.clone().unwrap_or_default();
        if raw.is_empty() || raw == "[]" {
            continue;
        }
        let value = match shown {
            Shown::Names => serde_json::from_str::<Vec<String>>(&raw).map(|n| n.join(", ")).unwrap_or(raw),
            Shown::Coded(list) => label(list, &raw),
            Shown::Plain => raw,
        };
        fields.push((name.to_string(), value));
    }
    fields.into_iter().filter(|(_, v)| !v.is_empty()).collect()
}

/// Everyone else in a referral: names, addresses and contact details, for redaction.
async fn third_parties(conn: &mut AnyConnection, referral_id: &str, subject_row: &str) -> Result<Vec<ThirdParty>, Error> {
    let mut out = Vec::new();
    for sql in [
        "SELECT id, name, other_names, address, safe_contact FROM victims WHERE referral_id = $1",
        "SELECT id, name, other_names, address, '' AS safe_contact FROM perpetrators WHERE referral_id = $1",
        "SELECT id, name, '' AS other_names, '' AS address, '' AS safe_contact FROM household_members WHERE referral_id = $1",
    ] {
        for r in sqlx::query_as::<_, OtherPersonRow>(sql).bind(referral_id).fetch_all(&mut *conn).await? {
            if r.id == subject_row {
                continue;
            }
            out.push(ThirdParty::name(r.name.unwrap_or_default()));
            out.extend(serde_json::from_str::<Vec<String>>(&r.other_names.unwrap_or_default()).unwrap_or_default().into_iter().map(ThirdParty::name));
            out.push(ThirdParty::detail(r.address.unwrap_or_default()));
            out.push(ThirdParty::detail(r.safe_contact.unwrap_or_default()));
        }
    }
    out.retain(|t| !t.text.trim().is_empty());
    Ok(out)
}

/// One referral the person appears in, with its case around it.
async fn appearance(conn: &mut AnyConnection, kind: SubjectKind, person: &PersonRow) -> Result<Appearance, Error> {
    let referral = sqlx::query_as::<_, ReferralRow>(
        "SELECT r.case_id, r.summary_markdown, COALESCE(r.submitted_at, r.created_at) AS made_at, a.name AS agency_name, c.reference \
         FROM referrals r JOIN agencies a ON a.id = r.agency_id LEFT JOIN cases c ON c.id = r.case_id WHERE r.id = $1",
    )
    .bind(&person.referral_id)
    .fetch_one(&mut *conn)
    .await?;
    let mut points = Vec::new();
    let mut decisions = Vec::new();
    let mut actions = Vec::new();
    if let Some(case) = &referral.case_id {
        for sql in [
            "SELECT e.kind, e.body, a.name AS agency FROM research e JOIN agencies a ON a.id = e.agency_id WHERE e.case_id = $1 ORDER BY e.created_at",
            "SELECT e.kind, e.body, a.name AS agency FROM minute_entries e JOIN agencies a ON a.id = e.source_agency_id WHERE e.case_id = $1 ORDER BY e.created_at",
        ] {
            for r in sqlx::query_as::<_, PointRow>(sql).bind(case).fetch_all(&mut *conn).await? {
                points.push(HeldPoint { kind: r.kind, agency: r.agency, body: r.body });
            }
        }
        let minutes = sqlx::query_as::<_, (String, String)>("SELECT risks, decision FROM case_minutes WHERE case_id = $1")
            .bind(case)
            .fetch_all(&mut *conn)
            .await?;
        for (risks, decision) in minutes {
            decisions.push(format!("Risks: {risks} Decision: {decision}"));
        }
        actions =
            sqlx::query_scalar("SELECT description FROM actions WHERE case_id = $1 ORDER BY created_at").bind(case).fetch_all(&mut *conn).await?;
    }
    Ok(Appearance {
        case_reference: referral.reference,
        referred_on: day_of(referral.made_at),
        referring_agency: referral.agency_name,
        own: own_details(kind, person),
        third_parties: third_parties(conn, &person.referral_id, &person.id).await?,
        summary: referral.summary_markdown.unwrap_or_default(),
        points,
        decisions,
        actions,
    })
}

fn summary_of(r: &RequestRow) -> RequestSummary {
    RequestSummary {
        id: r.id.clone(),
        subject: r.subject_name.clone(),
        prepared: format!("{} by {}", instant(r.prepared_at), r.prepared_name),
        approved: r.approved_at.map(|at| format!("{} by {}", instant(at), r.approved_name.as_deref().unwrap_or_default())),
    }
}

const REQUEST_SQL: &str = "SELECT s.*, p.name AS prepared_name, a.name AS approved_name FROM subject_access_requests s \
                           JOIN users p ON p.id = s.prepared_by LEFT JOIN users a ON a.id = s.approved_by";

impl ServerBackend {
    async fn request_row(&self, conn: &mut AnyConnection, id: &str) -> Result<RequestRow, Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{REQUEST_SQL} WHERE s.id = $1")))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(AppError::NotFound.into())
    }
}

#[async_trait::async_trait]
impl SubjectAccessBackend for ServerBackend {
    async fn find_subject(&self, actor: &Actor, query: &str) -> Result<Vec<SubjectMatch>, AppError> {
        answer(async move {
            check(actor, &Action::SubjectAccess)?;
            let terms = normalise_name(query);
            if terms.chars().count() < 2 {
                return Err(AppError::field("subject-query", "Enter at least two letters of the person's name").into());
            }
            let mut tx = self.read_tx().await?;
            let mut found = Vec::new();
            for kind in SubjectKind::ALL {
                let sql = format!(
                    "SELECT p.id, p.name, p.date_of_birth, c.reference FROM {} p JOIN referrals r ON r.id = p.referral_id \
                 LEFT JOIN cases c ON c.id = r.case_id WHERE LOWER(p.name) LIKE $1 ORDER BY p.name LIMIT $2",
                    table(kind)
                );
                for r in sqlx::query_as::<_, MatchRow>(sqlx::AssertSqlSafe(sql))
                    .bind(format!("%{}%", terms.replace(['%', '_'], "")))
                    .bind(MAX_MATCHES)
                    .fetch_all(&mut *tx)
                    .await?
                {
                    found.push(SubjectMatch {
                        kind,
                        id: r.id,
                        name: r.name,
                        date_of_birth: iso_date(r.date_of_birth.as_deref().unwrap_or_default()),
                        reference: r.reference.unwrap_or_else(|| "Referral not heard".into()),
                    });
                }
            }
            let key = search_key::key(&mut tx).await?;
            let event =
                actor_event(actor, "subject_access.search").detail("terms_hash", search_key::hash_terms(&key, &terms)).detail("found", found.len());
            self.finish_read(tx, vec![event]).await?;
            Ok(found)
        })
        .await
    }

    async fn prepare_export(&self, actor: &Actor, kind: &str, id: &str) -> Result<String, AppError> {
        answer(async move {
            check(actor, &Action::SubjectAccess)?;
            let kind = SubjectKind::parse(kind).ok_or(AppError::NotFound)?;
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let person = sqlx::query_as::<_, PersonRow>(sqlx::AssertSqlSafe(format!("SELECT * FROM {} WHERE id = $1", table(kind))))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(AppError::NotFound)?;
            let name = person.name;
            let dob = person.date_of_birth;
            // The same person in every referral: same kind of record, same name, same date of birth.
            let rows = sqlx::query_as::<_, PersonRow>(sqlx::AssertSqlSafe(format!(
                "SELECT * FROM {} WHERE LOWER(TRIM(name)) = LOWER(TRIM($1)) AND COALESCE(date_of_birth, '') = COALESCE($2, '') ORDER BY referral_id",
                table(kind)
            )))
            .bind(&name)
            .bind(&dob)
            .fetch_all(&mut *tx)
            .await?;
            let mut appearances = Vec::with_capacity(rows.len());
            for r in &rows {
                appearances.push(appearance(&mut tx, kind, r).await?);
            }
            let export = redact(&name, kind, &appearances, &day_of(now));
            let request = Uuid::new_v4().to_string();
            sqlx::query(
                "INSERT INTO subject_access_requests (id, subject_kind, subject_id, subject_name, export_json, prepared_by, prepared_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&request)
            .bind(kind.as_str())
            .bind(id)
            .bind(&name)
            .bind(serde_json::to_string(&export).or_internal()?)
            .bind(&actor.user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let event = actor_event(actor, "subject_access.prepare").on("subject_access_request", &request).detail("records", appearances.len());
            self.audit_and_commit(tx, event).await?;
            Ok(request)
        })
        .await
    }

    async fn subject_requests(&self, actor: &Actor) -> Result<Vec<RequestSummary>, AppError> {
        answer(async move {
            check(actor, &Action::ViewSubjectAccess)?;
            let mut tx = self.read_tx().await?;
            let list = sqlx::query_as::<_, RequestRow>(sqlx::AssertSqlSafe(format!("{REQUEST_SQL} ORDER BY s.prepared_at DESC LIMIT 100")))
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(summary_of)
                .collect::<Vec<_>>();
            self.finish_read(tx, vec![actor_event(actor, "subject_access.list").detail("count", list.len())]).await?;
            Ok(list)
        })
        .await
    }

    async fn subject_request(&self, actor: &Actor, id: &str) -> Result<RequestView, AppError> {
        answer(async move {
            check(actor, &Action::SubjectAccess)?;
            let mut tx = self.read_tx().await?;
            let row = self.request_row(&mut tx, id).await?;
            let export: SubjectExport = serde_json::from_str(&row.export_json).or_internal()?;
            let summaries_html = export.appearances.iter().map(|a| a.summary.as_deref().map(shared::markdown::to_safe_html)).collect();
            let view = RequestView { summary: summary_of(&row), export, summaries_html };
            self.finish_read(tx, vec![actor_event(actor, "subject_access.review").on("subject_access_request", id)]).await?;
            Ok(view)
        })
        .await
    }

    async fn approve_export(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        answer(async move {
            check(actor, &Action::SubjectAccess)?;
            let now = self.clock.unix();
            let mut tx = self.tx().await?;
            let row = self.request_row(&mut tx, id).await?;
            // Two people: whoever prepared an export cannot also approve its release.
            if row.prepared_by == actor.user_id {
                return Err(AppError::Invalid(
                    "You prepared this export, so another data protection officer must review and approve it before it is released.".into(),
                )
                .into());
            }
            let n = sqlx::query(
                "UPDATE subject_access_requests SET approved_by = $1, approved_at = $2 WHERE id = $3 AND approved_at IS NULL AND prepared_by <> $1",
            )
            .bind(&actor.user_id)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(AppError::Conflict("This export was already approved.".into()).into());
            }
            self.audit_and_commit(tx, actor_event(actor, "subject_access.approve").on("subject_access_request", id)).await
        })
        .await
    }

    async fn export_file(&self, actor: &Actor, id: &str, format: &str) -> Result<(&'static str, Vec<u8>), AppError> {
        answer(async move {
            check(actor, &Action::SubjectAccess)?;
            let mut tx = self.read_tx().await?;
            let row = self.request_row(&mut tx, id).await?;
            require(row.approved_at.is_some())?;
            let json = row.export_json;
            let file = match format {
                "json" => ("application/json", json.into_bytes()),
                "pdf" => {
                    let export: SubjectExport = serde_json::from_str(&json).or_internal()?;
                    let doc = export_document(&export, &shared::printed::watermark(actor), id);
                    ("application/pdf", render_pdf(doc).await?)
                }
                _ => return Err(AppError::NotFound.into()),
            };
            let event =
                actor_event(actor, "subject_access.download").on("subject_access_request", id).detail("format", format).detail("bytes", file.1.len());
            self.finish_read(tx, vec![event]).await?;
            Ok(file)
        })
        .await
    }
}

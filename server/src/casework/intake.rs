//! The two steps that turn a form into a case: submitting a checked referral (its people into
//! their own tables), and accepting it onto a meeting (a new case, or the earlier case of the
//! same victim). Used by the backend operations and by the demo seed alike.

use shared::dash::{Criterion, DashAnswer, DashAnswers};
use shared::referral::{CheckedReferral, ReferralForm};
use shared::validation::iso_date;
use sqlx::AnyConnection;
use time::Date;
use uuid::Uuid;

use super::{people, references, repeat_lookup};

fn dash_letters(a: &DashAnswers) -> String {
    a.as_slice()
        .iter()
        .map(|x| match x {
            DashAnswer::Yes => 'y',
            DashAnswer::No => 'n',
            DashAnswer::NotKnown => 'k',
        })
        .collect()
}

/// Criteria as stored.
pub fn criteria_text(c: &[Criterion]) -> String {
    c.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(",")
}

fn non_blank(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Stores a checked referral's people and answers and marks it submitted; returns its reference.
pub async fn submit(
    conn: &mut AnyConnection,
    referral_id: &str,
    form: &ReferralForm,
    checked: &CheckedReferral,
    today: Date,
    now: i64,
) -> Result<String, sqlx::Error> {
    let reference = references::next(conn, "R", today.year()).await?;
    people::insert(conn, referral_id, form, &people::People::from_checked(checked)).await?;
    sqlx::query(
        "UPDATE referrals SET status = 'submitted', reference = $1, draft_json = NULL, referred_on = $2, latest_incident_on = $3, \
         dash_answers = $4, dash_score = $5, professional_judgement = $6, police_callouts = $7, believed_repeat = $8, criteria = $9, \
         consent = $10, consent_reason = $11, summary_markdown = $12, submitted_at = $13, updated_at = $13 WHERE id = $14",
    )
    .bind(&reference)
    .bind(iso_date(today))
    .bind(iso_date(checked.latest_incident_on))
    .bind(form.dash_completed.then(|| dash_letters(&form.dash)))
    .bind(checked.dash_score.map(i64::from))
    .bind(non_blank(&form.professional_judgement))
    .bind(checked.police_callouts.map(i64::from))
    .bind(i64::from(form.believed_repeat))
    .bind(criteria_text(&checked.criteria))
    .bind(checked.consent.as_str())
    .bind(non_blank(&form.consent_reason))
    .bind(form.summary.trim())
    .bind(now)
    .bind(referral_id)
    .execute(&mut *conn)
    .await?;
    Ok(reference)
}

/// Where an accepted referral goes.
pub struct Acceptance<'a> {
    /// The referral.
    pub referral_id: &'a str,
    /// The earlier case of the same victim, when the coordinator confirmed one.
    pub same_victim_case: Option<&'a str>,
    /// Whether that case was heard within the 12 months before the new incident (a repeat).
    pub repeat: bool,
    /// The meeting whose agenda it joins.
    pub meeting_id: &'a str,
    /// The coordinator.
    pub decided_by: &'a str,
}

/// Accepts a submitted referral: joins or creates its case, indexes the victim's names, puts
/// the case on the meeting's agenda. Returns the case id.
pub async fn accept(conn: &mut AnyConnection, a: Acceptance<'_>, today: Date, now: i64) -> Result<String, sqlx::Error> {
    let victim = people::victim_of_referral(conn, a.referral_id).await?.ok_or(sqlx::Error::RowNotFound)?;
    let stored: Option<String> = sqlx::query_scalar("SELECT criteria FROM referrals WHERE id = $1").bind(a.referral_id).fetch_one(&mut *conn).await?;
    let mut criteria: Vec<Criterion> =
        stored.unwrap_or_default().split(',').filter_map(Criterion::parse_str).filter(|c| *c != Criterion::Repeat).collect();
    if a.repeat {
        criteria.push(Criterion::Repeat);
    }
    let case_id = match a.same_victim_case {
        Some(case_id) => {
            sqlx::query("UPDATE cases SET victim_id = $1, victim_dob = $2, status = 'open', closed_on = NULL, closed_reason = NULL WHERE id = $3")
                .bind(&victim.id)
                .bind(&victim.date_of_birth)
                .bind(case_id)
                .execute(&mut *conn)
                .await?;
            case_id.to_string()
        }
        None => {
            let case_id = Uuid::new_v4().to_string();
            let reference = references::next(conn, "C", today.year()).await?;
            sqlx::query("INSERT INTO cases (id, reference, status, victim_id, victim_dob, created_at) VALUES ($1, $2, 'open', $3, $4, $5)")
                .bind(&case_id)
                .bind(&reference)
                .bind(&victim.id)
                .bind(&victim.date_of_birth)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            case_id
        }
    };
    repeat_lookup::index_names(conn, &case_id, &victim.name, &victim.other_names.0).await?;
    let position: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM agenda_items WHERE meeting_id = $1")
        .bind(a.meeting_id)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO agenda_items (meeting_id, case_id, referral_id, position) VALUES ($1, $2, $3, $4) ON CONFLICT (meeting_id, case_id) DO NOTHING",
    )
    .bind(a.meeting_id)
    .bind(&case_id)
    .bind(a.referral_id)
    .bind(position)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE referrals SET status = 'accepted', case_id = $1, meeting_id = $2, criteria = $3, decided_at = $4, decided_by = $5, updated_at = $4 WHERE id = $6")
        .bind(&case_id)
        .bind(a.meeting_id)
        .bind(criteria_text(&criteria))
        .bind(now)
        .bind(a.decided_by)
        .bind(a.referral_id)
        .execute(&mut *conn)
        .await?;
    Ok(case_id)
}

//! The people in a referral: the victim, the perpetrators and the household, each in its own
//! table so that what one reader may see never travels with what they may not.

use shared::referral::{split_other_names, ReferralForm};
use shared::validation::iso_date;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::StoredJson;

fn blank_to_none(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn names_json(raw: &str) -> String {
    serde_json::to_string(&split_other_names(raw)).unwrap_or_else(|_| "[]".into())
}

/// Stores the people of a checked form for `referral_id`; returns the victim's id.
pub async fn insert(conn: &mut AnyConnection, referral_id: &str, form: &ReferralForm, dobs: &People) -> Result<String, sqlx::Error> {
    let v = &form.victim;
    let victim_id = Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO victims (id, referral_id, name, other_names, date_of_birth, gender, ethnicity, disability, sexual_orientation, \
         first_language, interpreter_needed, address, safe_contact, safe_times) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&victim_id)
    .bind(referral_id)
    .bind(v.name.trim())
    .bind(names_json(&v.other_names))
    .bind(dobs.victim.clone())
    .bind(blank_to_none(&v.gender))
    .bind(blank_to_none(&v.ethnicity))
    .bind(blank_to_none(&v.disability))
    .bind(blank_to_none(&v.sexual_orientation))
    .bind(blank_to_none(&v.first_language))
    .bind(i64::from(v.interpreter_needed))
    .bind(blank_to_none(&v.address))
    .bind(blank_to_none(&v.safe_contact))
    .bind(blank_to_none(&v.safe_times))
    .execute(&mut *conn)
    .await?;
    for (i, p) in form.perpetrators.iter().enumerate() {
        sqlx::query(
            "INSERT INTO perpetrators (id, referral_id, position, name, other_names, date_of_birth, gender, address, relationship) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(referral_id)
        .bind(i as i64)
        .bind(p.name.trim())
        .bind(names_json(&p.other_names))
        .bind(dobs.perpetrators.get(i).cloned().flatten())
        .bind(blank_to_none(&p.gender))
        .bind(blank_to_none(&p.address))
        .bind(p.relationship.trim())
        .execute(&mut *conn)
        .await?;
    }
    for (i, h) in form.household.iter().enumerate() {
        sqlx::query(
            "INSERT INTO household_members (id, referral_id, position, name, date_of_birth, relationship, involvement) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(referral_id)
        .bind(i as i64)
        .bind(h.name.trim())
        .bind(dobs.household.get(i).cloned().flatten())
        .bind(h.relationship.trim())
        .bind(blank_to_none(&h.involvement))
        .execute(&mut *conn)
        .await?;
    }
    Ok(victim_id)
}

/// Checked dates of birth (ISO), in form order.
#[derive(Clone, Debug, Default)]
pub struct People {
    /// The victim's.
    pub victim: Option<String>,
    /// Each perpetrator's.
    pub perpetrators: Vec<Option<String>>,
    /// Each household member's.
    pub household: Vec<Option<String>>,
}

impl People {
    /// From a checked referral.
    pub fn from_checked(c: &shared::referral::CheckedReferral) -> Self {
        let iso = |d: Option<time::Date>| d.map(iso_date);
        People {
            victim: iso(c.victim.date_of_birth),
            perpetrators: c.perpetrators.iter().map(|p| iso(p.date_of_birth)).collect(),
            household: c.household.iter().map(|p| iso(p.date_of_birth)).collect(),
        }
    }
}

/// A stored victim: who they are (the profile and contact parts are read by `casework::file`).
#[derive(Clone, sqlx::FromRow)]
pub struct Victim {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Other names.
    #[sqlx(try_from = "String")]
    pub other_names: StoredJson<Vec<String>>,
    /// Date of birth (ISO).
    pub date_of_birth: Option<String>,
}

/// The victim of a referral.
pub async fn victim_of_referral(conn: &mut AnyConnection, referral_id: &str) -> Result<Option<Victim>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, other_names, date_of_birth FROM victims WHERE referral_id = $1")
        .bind(referral_id)
        .fetch_optional(&mut *conn)
        .await
}

/// A victim by id.
pub async fn victim(conn: &mut AnyConnection, id: &str) -> Result<Option<Victim>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, other_names, date_of_birth FROM victims WHERE id = $1").bind(id).fetch_optional(&mut *conn).await
}

/// A perpetrator as the coordinator's triage shows them.
#[derive(Clone, sqlx::FromRow)]
pub struct Perpetrator {
    /// Name.
    pub name: String,
    /// How they are related to the victim.
    pub relationship: String,
}

/// A household member as the coordinator's triage shows them.
#[derive(Clone, sqlx::FromRow)]
pub struct HouseholdMember {
    /// Name.
    pub name: String,
    /// Date of birth (ISO), if known.
    pub date_of_birth: Option<String>,
    /// How they are related to the victim.
    pub relationship: String,
}

/// The perpetrators of a referral, in form order.
pub async fn perpetrators(conn: &mut AnyConnection, referral_id: &str) -> Result<Vec<Perpetrator>, sqlx::Error> {
    sqlx::query_as("SELECT name, relationship FROM perpetrators WHERE referral_id = $1 ORDER BY position")
        .bind(referral_id)
        .fetch_all(&mut *conn)
        .await
}

/// The household of a referral, in form order.
pub async fn household(conn: &mut AnyConnection, referral_id: &str) -> Result<Vec<HouseholdMember>, sqlx::Error> {
    sqlx::query_as("SELECT name, date_of_birth, relationship FROM household_members WHERE referral_id = $1 ORDER BY position")
        .bind(referral_id)
        .fetch_all(&mut *conn)
        .await
}

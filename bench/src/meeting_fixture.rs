//! A meeting with a full agenda for the bench: 30 fictional cases accepted onto the demo's next
//! meeting through the server's own intake, the meeting under way, the coordinator's
//! acknowledgement, and a session,
//! so the agenda and live-meeting routes can be measured as the coordinator sees them.

use std::path::Path;

use server::casework::intake::{self, Acceptance};
use server::cli::DatabaseArgs;
use server::db::Db;
use server::identity::sessions;
use shared::dash::{DashAnswer, DashAnswers};
use shared::referral::{self, PerpetratorForm, ReferralForm, VictimForm};
use sqlx::Row;

/// What the measured requests need.
pub struct MeetingFixture {
    /// The meeting.
    pub meeting_id: String,
    /// One case on its agenda.
    pub case_id: String,
    /// The coordinator's session cookie (`name=value`).
    pub cookie: String,
    /// An agency to attribute minute entries to.
    pub agency_id: String,
}

/// Fills the demo's next meeting to `cases` cases and signs the coordinator in.
pub async fn prepare(data_dir: &Path, cases: usize) -> Result<MeetingFixture, Box<dyn std::error::Error>> {
    let args = DatabaseArgs { data_dir: data_dir.to_path_buf(), database_url: crate::database_url() };
    let db = Db::open(&args.resolve()?).await?;
    let now = time::OffsetDateTime::now_utc();
    let (unix, today) = (now.unix_timestamp(), now.date());
    let mut tx = db.begin_write().await?;
    let coordinator: String = sqlx::query_scalar("SELECT user_id FROM user_roles WHERE role = 'coordinator' LIMIT 1").fetch_one(&mut *tx).await?;
    let meeting = sqlx::query("SELECT id FROM meetings WHERE status = 'agenda_published' LIMIT 1").fetch_one(&mut *tx).await?;
    let meeting_id: String = meeting.try_get("id")?;
    let agency_id: String = sqlx::query_scalar("SELECT agency_id FROM users WHERE id = $1").bind(&coordinator).fetch_one(&mut *tx).await?;
    sqlx::query("UPDATE meetings SET capacity = $1, status = 'in_progress' WHERE id = $2")
        .bind(cases as i64 + 10)
        .bind(&meeting_id)
        .execute(&mut *tx)
        .await?;
    let have: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agenda_items WHERE meeting_id = $1").bind(&meeting_id).fetch_one(&mut *tx).await?;
    for i in have as usize..cases {
        add_case(&mut tx, &format!("Bench Victim {i:02}"), &format!("Bench Perpetrator {i:02}"), &coordinator, &agency_id, &meeting_id, today, unix)
            .await?;
    }
    sqlx::query("INSERT INTO attendance (meeting_id, user_id, agency_id, status, acknowledged_at) VALUES ($1, $2, $3, 'present', $4)")
        .bind(&meeting_id)
        .bind(&coordinator)
        .bind(&agency_id)
        .bind(unix)
        .execute(&mut *tx)
        .await?;
    let case_id: String = sqlx::query_scalar("SELECT case_id FROM agenda_items WHERE meeting_id = $1 ORDER BY position LIMIT 1")
        .bind(&meeting_id)
        .fetch_one(&mut *tx)
        .await?;
    let secret = sessions::create(&mut tx, &coordinator, unix).await?;
    tx.commit().await?;
    Ok(MeetingFixture { meeting_id, case_id, cookie: format!("__Host-roundtable={secret}"), agency_id })
}

/// Refers one fictional case (victim and perpetrator named as given, every DASH answer yes) from
/// `agency_id` and accepts it onto `meeting_id` through the server's own intake; its id.
#[allow(clippy::too_many_arguments)]
pub async fn add_case(
    tx: &mut server::db::Tx,
    victim: &str,
    perpetrator: &str,
    coordinator: &str,
    agency_id: &str,
    meeting_id: &str,
    today: time::Date,
    unix: i64,
) -> Result<String, Box<dyn std::error::Error>> {
    let mut dash = DashAnswers::blank();
    for q in 1..=15 {
        dash.set(q, DashAnswer::Yes)?;
    }
    let form = ReferralForm {
        latest_incident_on: shared::validation::iso_date(today),
        victim: VictimForm { name: victim.into(), date_of_birth: "1990-01-01".into(), ..VictimForm::default() },
        perpetrators: vec![PerpetratorForm { name: perpetrator.into(), relationship: "Partner".into(), ..PerpetratorForm::default() }],
        dash,
        consent: "consented".into(),
        summary: "Fictional case for the benchmark.".into(),
        ..ReferralForm::default()
    };
    let checked = referral::check(&form, today).map_err(|p| format!("{p:?}"))?;
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query("INSERT INTO referrals (id, status, referrer_user_id, agency_id, created_at, updated_at) VALUES ($1, 'draft', $2, $3, $4, $4)")
        .bind(&id)
        .bind(coordinator)
        .bind(agency_id)
        .bind(unix)
        .execute(&mut **tx)
        .await?;
    intake::submit(tx, &id, &form, &checked, today, unix).await?;
    let acceptance = Acceptance { referral_id: &id, same_victim_case: None, repeat: false, meeting_id, decided_by: coordinator };
    Ok(intake::accept(tx, acceptance, today, unix).await?)
}

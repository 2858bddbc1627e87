//! Many cases on the lists for the bench: `cases` more fictional cases, each accepted onto a
//! second meeting (agenda published, so its agenda and research list hold them all) and each
//! with one open action, so the case list, search, actions and agenda routes disclose a full
//! page of cases, each of which the server audits.
//!
//! The actions are recorded as agreed at the 30-case meeting of [`crate::meeting_fixture`]: that
//! meeting's review of earlier meetings' actions leaves out its own, so its measured routes show
//! what they showed before these cases existed.

use std::path::Path;

use server::cli::DatabaseArgs;
use server::db::Db;

use crate::meeting_fixture::{add_case, MeetingFixture};

/// What the measured requests need.
pub struct ListFixture {
    /// The meeting with every listed case on its agenda.
    pub meeting_id: String,
    /// Cases on its agenda.
    pub cases: usize,
    /// A session cookie of an agency representative whose agency is invited (the research list
    /// is theirs, not the coordinator's).
    pub representative_cookie: String,
}

/// Adds `cases` cases on a new meeting, each with an open action owned by the coordinator's
/// agency, the meeting open to the same agencies as the fixture's.
pub async fn prepare(data_dir: &Path, meeting: &MeetingFixture, cases: usize) -> Result<ListFixture, Box<dyn std::error::Error>> {
    let args = DatabaseArgs { data_dir: data_dir.to_path_buf(), database_url: crate::database_url() };
    let db = Db::open(&args.resolve()?).await?;
    let now = time::OffsetDateTime::now_utc();
    let (unix, today) = (now.unix_timestamp(), now.date());
    let mut tx = db.begin_write().await?;
    let coordinator: String = sqlx::query_scalar("SELECT user_id FROM user_roles WHERE role = 'coordinator' LIMIT 1").fetch_one(&mut *tx).await?;
    let meeting_id = uuid::Uuid::new_v4().to_string();
    let starts_at = unix + 14 * 86_400;
    sqlx::query(
        "INSERT INTO meetings (id, starts_at, place, capacity, status, chair_user_id, coordinator_user_id, created_at, research_deadline, isa_version_id) \
         SELECT $1, $2, 'Bench Hall', $3, 'agenda_published', chair_user_id, coordinator_user_id, $4, $5, isa_version_id FROM meetings WHERE id = $6",
    )
    .bind(&meeting_id)
    .bind(starts_at)
    .bind(cases as i64 + 10)
    .bind(unix)
    .bind(shared::validation::iso_date(today + time::Duration::days(12)))
    .bind(&meeting.meeting_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO meeting_agencies (meeting_id, agency_id) SELECT $1, agency_id FROM meeting_agencies WHERE meeting_id = $2")
        .bind(&meeting_id)
        .bind(&meeting.meeting_id)
        .execute(&mut *tx)
        .await?;
    let due = shared::validation::iso_date(today + time::Duration::days(7));
    for i in 0..cases {
        let victim = format!("Bench Listed Victim {i:03}");
        let perpetrator = format!("Bench Listed Perpetrator {i:03}");
        let case_id = add_case(&mut tx, &victim, &perpetrator, &coordinator, &meeting.agency_id, &meeting_id, today, unix).await?;
        sqlx::query(
            "INSERT INTO actions (id, case_id, meeting_id, owner_agency_id, description, due_on, status, version, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'Fictional action for the benchmark.', $5, 'open', 1, $6, $7, $7)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&case_id)
        .bind(&meeting.meeting_id)
        .bind(&meeting.agency_id)
        .bind(&due)
        .bind(&coordinator)
        .bind(unix)
        .execute(&mut *tx)
        .await?;
    }
    let representative: String = sqlx::query_scalar(
        "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'agency_representative' \
         JOIN meeting_agencies ma ON ma.agency_id = u.agency_id AND ma.meeting_id = $1 WHERE u.active = TRUE ORDER BY u.name LIMIT 1",
    )
    .bind(&meeting_id)
    .fetch_one(&mut *tx)
    .await?;
    let secret = server::identity::sessions::create(&mut tx, &representative, unix).await?;
    tx.commit().await?;
    Ok(ListFixture { meeting_id, cases, representative_cookie: format!("__Host-roundtable={secret}") })
}

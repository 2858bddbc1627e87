//! A meeting's life: scheduling (one or a series), moving it on from scheduled to final minutes,
//! the register and each attendee's acknowledgement of the confidentiality statement.

use app::api::meetings::{AttendanceInput, ScheduleInput};
use app::error::AppError;
use shared::meeting::{first_date_problem, schedule_starts, Attendance, MeetingStatus};
use shared::policy::{Action, Actor};
use shared::referral::SHORT_TEXT;
use shared::time_zone::area_zone;
use shared::validation::Problems;
use time::Time;
use uuid::Uuid;

use super::loaded::{load, record_hearings, require};
use super::page::register_candidates;
use crate::audit;
use crate::backend::{actor_event, check, error::Error, ServerBackend};
use crate::identity::actor::today;

impl ServerBackend {
    pub(super) async fn schedule_meetings_op(&self, actor: &Actor, input: ScheduleInput) -> Result<usize, Error> {
        check(actor, &Action::ScheduleMeetings)?;
        let now = self.clock.unix();
        let mut p = Problems::default();
        let first = p.date("first-date", "Date of the first meeting", &input.first_date);
        if let Some(problem) = first.and_then(|d| first_date_problem(d, today(now))) {
            p.add("first-date", problem);
        }
        // The time is local to the area (GMT or BST in Europe/London), as people type it.
        let time = {
            let t = input.start_time.trim();
            let parsed = t.split_once(':').and_then(|(h, m)| Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok());
            if parsed.is_none() {
                p.add("start-time", "Enter the start time like 10:00");
            }
            parsed.unwrap_or(Time::MIDNIGHT)
        };
        let place = p.text("place", "Place or online link", &input.place, SHORT_TEXT);
        let number = |p: &mut Problems, field: &str, label: &str, raw: &str, default: u32, max: u32| -> u32 {
            let raw = raw.trim();
            if raw.is_empty() {
                return default;
            }
            match raw.parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => n,
                _ => {
                    p.add(field, format!("{label} must be a whole number from 1 to {max}"));
                    default
                }
            }
        };
        let capacity = number(&mut p, "capacity", "Cases per meeting", &input.capacity, 20, 60);
        let every = number(&mut p, "every-weeks", "Weeks between meetings", &input.every_weeks, 2, 8);
        let count = number(&mut p, "count", "Number of meetings", &input.count, 1, shared::meeting::MAX_RECURRING);
        let mut tx = self.tx().await?;
        let chair = match input.chair_user_id.trim() {
            "" => None,
            id => {
                let ok: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.user_id = $1 AND r.role = 'chair' AND u.active = TRUE")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await
                    ?;
                if ok == 0 {
                    p.add("chair", "Choose a chair");
                }
                Some(id.to_string())
            }
        };
        let first = p.finish(first)?.unwrap_or(today(now));
        let starts = match schedule_starts(area_zone(), first, time.hour(), time.minute(), every, count) {
            Ok(starts) => starts,
            Err((_, problem)) => return Err(AppError::field("start-time", problem).into()),
        };
        let agencies: Vec<String> = sqlx::query_scalar("SELECT id FROM agencies WHERE isa_state = 'active'").fetch_all(&mut *tx).await?;
        for starts_at in &starts {
            let id = Uuid::new_v4().to_string();
            sqlx::query("INSERT INTO meetings (id, starts_at, place, capacity, status, chair_user_id, coordinator_user_id, created_at) VALUES ($1, $2, $3, $4, 'scheduled', $5, $6, $7)")
                .bind(&id)
                .bind(*starts_at)
                .bind(&place)
                .bind(i64::from(capacity))
                .bind(&chair)
                .bind(&actor.user_id)
                .bind(now)
                .execute(&mut *tx)
                .await
                ?;
            for a in &agencies {
                sqlx::query("INSERT INTO meeting_agencies (meeting_id, agency_id) VALUES ($1, $2)").bind(&id).bind(a).execute(&mut *tx).await?;
            }
            audit::append(&mut tx, now, actor_event(actor, "meeting.schedule").on("meeting", id.clone())).await?;
        }
        tx.commit().await?;
        Ok(starts.len())
    }

    pub(super) async fn advance_meeting_op(&self, actor: &Actor, id: &str, to: &str) -> Result<(), Error> {
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, id).await?;
        let target = MeetingStatus::parse(to).ok_or_else(|| AppError::Invalid("That is not a meeting status.".into()))?;
        let allowed = match (m.status(), target) {
            (MeetingStatus::AgendaPublished, MeetingStatus::InProgress) => m.rights.start,
            (MeetingStatus::InProgress, MeetingStatus::MinutesDraft) => m.rights.register,
            _ => false,
        };
        require(m.rights.start || m.rights.register)?;
        if !allowed {
            return Err(AppError::Conflict(format!(
                "The meeting is {}; it cannot move to {} now.",
                m.status().label().to_lowercase(),
                target.label().to_lowercase()
            ))
            .into());
        }
        if target == MeetingStatus::MinutesDraft {
            record_hearings(&mut tx, &m.row).await?;
        }
        sqlx::query("UPDATE meetings SET status = $1 WHERE id = $2").bind(target.as_str()).bind(id).execute(&mut *tx).await?;
        self.audit_and_commit(tx, actor_event(actor, "meeting.advance").on("meeting", id).detail("status", target.as_str())).await?;
        self.live.changed(id);
        Ok(())
    }

    pub(super) async fn acknowledge_op(&self, actor: &Actor, id: &str) -> Result<(), Error> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, id).await?;
        if !m.rights.acknowledge {
            require(m.rights.see)?;
            return Err(AppError::Conflict(
                "The confidentiality statement is acknowledged at the meeting, while it is running. The register of a meeting that has ended does not change."
                    .into(),
            ).into());
        }
        let agency = actor.agency_id.clone().ok_or(AppError::NotFound)?;
        // Acknowledging at a running meeting checks the person in: they are present.
        sqlx::query(
            "INSERT INTO attendance (meeting_id, user_id, agency_id, status, acknowledged_at) VALUES ($1, $2, $3, 'present', $4) \
             ON CONFLICT (meeting_id, user_id) DO UPDATE SET acknowledged_at = $4, status = 'present'",
        )
        .bind(id)
        .bind(&actor.user_id)
        .bind(&agency)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        self.audit_and_commit(tx, actor_event(actor, "meeting.acknowledge_confidentiality").on("meeting", id)).await?;
        self.live.changed(id);
        Ok(())
    }

    pub(super) async fn set_attendance_op(&self, actor: &Actor, input: AttendanceInput) -> Result<(), Error> {
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, &input.meeting_id).await?;
        require(m.rights.register)?;
        if m.status() >= MeetingStatus::MinutesFinal {
            return Err(AppError::Conflict("The minutes are final: the register can no longer change.".into()).into());
        }
        let status = Attendance::parse(&input.status).ok_or_else(|| AppError::field("attendance-status", "Choose present, apologies or absent"))?;
        let candidates = register_candidates(&mut tx, &input.meeting_id).await?;
        if !candidates.iter().any(|(id, _)| *id == input.user_id) {
            return Err(AppError::field("attendance-person", "Choose someone from an invited agency that has signed the ISA").into());
        }
        let agency: String = sqlx::query_scalar("SELECT agency_id FROM users WHERE id = $1").bind(&input.user_id).fetch_one(&mut *tx).await?;
        let deputy = Some(input.deputy_for.trim().to_string()).filter(|d| !d.is_empty());
        sqlx::query(
            "INSERT INTO attendance (meeting_id, user_id, agency_id, status, deputy_for) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (meeting_id, user_id) DO UPDATE SET status = $4, deputy_for = $5",
        )
        .bind(&input.meeting_id)
        .bind(&input.user_id)
        .bind(&agency)
        .bind(status.as_str())
        .bind(&deputy)
        .execute(&mut *tx)
        .await?;
        let event = actor_event(actor, "meeting.attendance")
            .on("meeting", &input.meeting_id)
            .detail("user_id", input.user_id.as_str())
            .detail("status", status.as_str());
        self.audit_and_commit(tx, event).await?;
        self.live.changed(&input.meeting_id);
        Ok(())
    }
}

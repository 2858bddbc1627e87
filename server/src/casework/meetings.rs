//! Meetings a referral can be accepted onto: upcoming, not yet under way, with their room left.

use shared::display::instant;
use sqlx::AnyConnection;

/// An upcoming meeting and how full its agenda is.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Upcoming {
    /// The meeting.
    pub id: String,
    /// When it starts (Unix seconds).
    pub starts_at: i64,
    /// Where.
    pub place: String,
    /// Cases it can hear.
    pub capacity: i64,
    /// Cases on its agenda.
    pub used: i64,
}

impl Upcoming {
    /// Date, time and place in words.
    pub fn label(&self) -> String {
        format!("{}, {}", instant(self.starts_at), self.place)
    }

    /// Places left.
    pub fn places_left(&self) -> i64 {
        (self.capacity - self.used).max(0)
    }
}

/// Upcoming meetings whose agenda can still change, soonest first.
pub async fn upcoming(conn: &mut AnyConnection, now: i64) -> Result<Vec<Upcoming>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id, m.starts_at, m.place, m.capacity, (SELECT COUNT(*) FROM agenda_items a WHERE a.meeting_id = m.id) AS used \
         FROM meetings m WHERE m.starts_at > $1 AND m.status IN ('scheduled', 'agenda_published') ORDER BY m.starts_at LIMIT 20",
    )
    .bind(now)
    .fetch_all(&mut *conn)
    .await
}

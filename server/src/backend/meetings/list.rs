//! The meetings a person may see, a meeting's calendar file, and following a meeting's changes.

use std::collections::BTreeMap;

use app::api::meetings::MeetingList;
use app::error::AppError;
use shared::display::instant;
use shared::policy::{decide, Action, Actor};

use super::loaded::{load, load_visible, require, summary};
use crate::backend::{actor_event, error::Error, ServerBackend};
use crate::casework::exposure::per_case;

impl ServerBackend {
    pub(super) async fn meetings_op(&self, actor: &Actor) -> Result<MeetingList, Error> {
        require(actor.agency_is_current())?;
        let now = self.clock.unix();
        let mut tx = self.read_tx().await?;
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM meetings ORDER BY CASE WHEN starts_at >= $1 THEN 0 ELSE 1 END, ABS(starts_at - $1) LIMIT 200")
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
        // Meetings the actor may not see are left out.
        let shown = load_visible(&mut tx, actor, &ids).await?;
        let visible: Vec<String> = shown.iter().map(|m| m.id.clone()).collect();
        let counts: BTreeMap<String, i64> = per_case::<(String, i64)>(
            &mut tx,
            "SELECT meeting_id, COUNT(*) FROM agenda_items WHERE meeting_id IN ({ids}) GROUP BY meeting_id",
            &[],
            &visible,
        )
        .await?
        .into_iter()
        .collect();
        let out: Vec<_> = shown.iter().map(|m| summary(&m.row, counts.get(&m.id).copied().unwrap_or_default())).collect();
        let may_schedule = decide(Some(actor), &Action::ScheduleMeetings).is_allowed();
        if out.is_empty() && !may_schedule && !decide(Some(actor), &Action::ListCases).is_allowed() {
            return Err(AppError::NotFound.into());
        }
        let copies: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT mc.id, m.starts_at, m.place FROM minute_copies mc JOIN meetings m ON m.id = mc.meeting_id \
         WHERE mc.user_id = $1 AND mc.revoked_at IS NULL AND mc.expires_at > $2 ORDER BY m.starts_at DESC",
        )
        .bind(&actor.user_id)
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        let copies = copies
            .into_iter()
            .map(|(id, starts_at, place)| (app::api::distribution::copy_page_path(&id), format!("{}, {place}", instant(starts_at))))
            .collect();
        self.finish_read(tx, vec![actor_event(actor, "meeting.list").detail("count", out.len())]).await?;
        Ok(MeetingList { meetings: out, may_schedule, copies })
    }

    pub(super) async fn calendar_op(&self, actor: &Actor, id: &str) -> Result<String, Error> {
        let mut tx = self.read_tx().await?;
        let m = load(&mut tx, actor, id).await?;
        let ics = shared::meeting::calendar_file(id, m.row.starts_at, 180, &m.row.place, self.clock.unix());
        self.finish_read(tx, vec![actor_event(actor, "meeting.calendar").on("meeting", id)]).await?;
        Ok(ics)
    }

    pub(super) async fn follow_meeting_op(&self, actor: &Actor, id: &str) -> Result<(), Error> {
        let mut tx = self.read_tx().await?;
        load(&mut tx, actor, id).await?;
        Ok(tx.finish().await?)
    }
}

//! The cases of one meeting: the live view, the research list, research and its answers, and
//! who is in the room for each case. What anyone sees of a case, and may write on it, is the
//! exposure policy's answer for their seat at this meeting; a case hidden from them does not
//! exist for them.

use app::api::meetings::{CaseAtMeeting, EntryInput, InRoom, ItemAttendanceInput, ResearchAnswerInput, ResearchList};
use app::error::AppError;
use shared::meeting::EntryKind;
use shared::policy::exposure::{Grant, Involvement};
use shared::policy::parts::Parts;
use shared::policy::Actor;
use shared::referral::{LONG_TEXT, SUMMARY_TEXT};
use shared::validation::Problems;
use shared::views::meeting::{meeting_case, LIVE_VIEW, RESEARCH_ITEM};
use sqlx::AnyConnection;
use uuid::Uuid;

use super::loaded::{agenda_grants, agenda_ids, case_grant, check_entry, load, meeting_summary, require, Loaded};
use crate::audit;
use crate::backend::{actor_event, error::Error, ServerBackend};
use crate::casework::exposure::{self, stored_involvements};
use crate::casework::file;
use crate::db::Tx;
use crate::identity::actor::today;
use shared::views::shown;

impl ServerBackend {
    /// Records a point of the actor's agency's research.
    async fn insert_research(&self, tx: &mut Tx, actor: &Actor, meeting_id: &str, case_id: &str, kind: EntryKind, body: &str) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO research (id, meeting_id, case_id, agency_id, author_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(meeting_id)
        .bind(case_id)
        .bind(actor.agency_id.clone().unwrap_or_default())
        .bind(&actor.user_id)
        .bind(kind.as_str())
        .bind(body)
        .bind(self.clock.unix())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The cases of `granted` as `route` shows each at meeting `m` to `actor`, in the order
    /// given, read together whatever their number.
    async fn meeting_case_files(
        &self,
        tx: &mut AnyConnection,
        actor: &Actor,
        m: &Loaded,
        granted: &[(&str, &Grant)],
        route: Parts,
    ) -> Result<Vec<shared::views::meeting::MeetingCase>, Error> {
        let now = self.clock.unix();
        let want = file::Want { meeting: Some(&m.id), agency: actor.agency_id.as_deref(), today: today(now), now };
        let wanted: Vec<(String, Parts)> = granted.iter().map(|(id, g)| (id.to_string(), shown(g, route))).collect();
        let files = file::load_many(tx, &wanted, want).await?;
        if files.len() != granted.len() {
            return Err(AppError::NotFound.into());
        }
        files.iter().zip(granted).map(|(case, (_, g))| meeting_case(case, g, actor, route).ok_or(AppError::NotFound.into())).collect()
    }

    pub(super) async fn case_at_meeting_op(&self, actor: &Actor, id: &str, case_id: &str) -> Result<CaseAtMeeting, Error> {
        let mut tx = self.read_tx().await?;
        let m = load(&mut tx, actor, id).await?;
        let g = match case_grant(&mut tx, actor, &m, case_id).await {
            Ok(g) => g,
            Err(e) => {
                tx.finish().await?;
                self.audit_alone(actor_event(actor, "case.read").on("case", case_id).detail("meeting_id", id).outcome(audit::Outcome::Denied)).await;
                return Err(e);
            }
        };
        let case = self.meeting_case_files(&mut tx, actor, &m, &[(case_id, &g)], LIVE_VIEW).await?.pop().ok_or(AppError::NotFound)?;
        let order: Vec<(String, String)> = sqlx::query_as(
            "SELECT ai.case_id, c.reference FROM agenda_items ai JOIN cases c ON c.id = ai.case_id WHERE ai.meeting_id = $1 ORDER BY ai.position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let here = order.iter().position(|(c, _)| c == case_id).unwrap_or_default();
        let room: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT u.id, u.name, ag.name, (SELECT COUNT(*) FROM item_absences x WHERE x.meeting_id = at.meeting_id AND x.case_id = $2 AND x.user_id = u.id) \
             FROM attendance at JOIN users u ON u.id = at.user_id JOIN agencies ag ON ag.id = at.agency_id \
             WHERE at.meeting_id = $1 AND at.status = 'present' ORDER BY ag.name, u.name",
        )
        .bind(id)
        .bind(case_id)
        .fetch_all(&mut *tx)
        .await
        ?;
        let present = room.iter().filter(|r| r.3 == 0).map(|(_, name, agency, _)| format!("{name}, {agency}")).collect();
        let room = if m.rights.register {
            room.into_iter().map(|(user_id, name, agency, out)| InRoom { user_id, name: format!("{name}, {agency}"), in_room: out == 0 }).collect()
        } else {
            Vec::new()
        };
        let writes = g.writes;
        let (agencies, people) = if writes.minute || writes.amend {
            let agencies: Vec<(String, String)> = sqlx::query_as(
                "SELECT a.id, a.name FROM agencies a WHERE a.isa_state = 'active' AND a.id IN (SELECT agency_id FROM meeting_agencies WHERE meeting_id = $1) ORDER BY a.name",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await
            ?;
            let people: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT u.id, u.name, u.agency_id FROM users u JOIN agencies a ON a.id = u.agency_id AND a.isa_state = 'active' \
                 WHERE u.active = TRUE AND u.agency_id IN (SELECT agency_id FROM meeting_agencies WHERE meeting_id = $1) ORDER BY u.name",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            (agencies, people)
        } else {
            (Vec::new(), Vec::new())
        };
        let record_link = exposure::record_grant(&mut tx, case_id, actor).await?.is_some_and(|(_, r)| r.open());
        let view = CaseAtMeeting {
            previous_case: here.checked_sub(1).and_then(|i| order.get(i).cloned()),
            next_case: order.get(here + 1).cloned(),
            stepped_out: m.seat.present && !m.seat.for_case(case_id).present,
            present,
            room,
            agencies,
            people,
            record_link,
            rights: m.rights,
            case,
        };
        let parts = shown(&g, LIVE_VIEW);
        self.finish_read(tx, vec![actor_event(actor, "case.read").on("case", case_id).detail("meeting_id", id).detail("parts", parts.names())])
            .await?;
        Ok(view)
    }

    pub(super) async fn research_list_op(&self, actor: &Actor, id: &str) -> Result<ResearchList, Error> {
        let mut tx = self.read_tx().await?;
        let m = load(&mut tx, actor, id).await?;
        require(m.rights.research_list)?;
        let ids = agenda_ids(&mut tx, id).await?;
        let grants = agenda_grants(&mut tx, actor, &m, &ids).await?;
        let granted: Vec<(&str, &Grant)> = ids.iter().filter_map(|id| grants.get(id).filter(|g| g.visible()).map(|g| (id.as_str(), g))).collect();
        let cases = self.meeting_case_files(&mut tx, actor, &m, &granted, RESEARCH_ITEM).await?;
        let mut read: Vec<_> = granted
            .iter()
            .map(|(case_id, g)| {
                let event = actor_event(actor, "case.read").on("case", *case_id).detail("meeting_id", id).detail("via", "research_list");
                event.detail("parts", shown(g, RESEARCH_ITEM).names())
            })
            .collect();
        let answered = cases.iter().filter(|c| !c.answers.is_empty()).count();
        let view = ResearchList {
            summary: meeting_summary(&m, i64::try_from(ids.len()).unwrap_or_default()),
            research_deadline: m.row.research_deadline.clone(),
            agency_name: actor.agency_name.clone().unwrap_or_default(),
            cases,
            answered,
        };
        read.push(actor_event(actor, "meeting.research_list").on("meeting", id).detail("cases", view.cases.len()));
        self.finish_read(tx, read).await?;
        Ok(view)
    }

    pub(super) async fn add_research_op(&self, actor: &Actor, input: EntryInput) -> Result<(), Error> {
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, &input.meeting_id).await?;
        let g = case_grant(&mut tx, actor, &m, &input.case_id).await?;
        require(g.writes.research)?;
        let (kind, body) = check_entry(&input, "research")?;
        self.insert_research(&mut tx, actor, &input.meeting_id, &input.case_id, kind, &body).await?;
        let event = actor_event(actor, "meeting.research_add").on("case", &input.case_id).detail("meeting_id", input.meeting_id.as_str());
        self.audit_and_commit(tx, event).await?;
        self.live.changed(&input.meeting_id);
        Ok(())
    }

    pub(super) async fn answer_research_op(&self, actor: &Actor, input: ResearchAnswerInput) -> Result<(), Error> {
        let mut p = Problems::default();
        let known = match input.known.as_str() {
            "known" => true,
            "not_known" => false,
            _ => {
                p.add("research-known", "Say whether your agency's records know the people in this case");
                false
            }
        };
        let about: std::collections::BTreeSet<Involvement> = input.known_about.iter().filter_map(|i| Involvement::parse(i)).collect();
        if known && about.is_empty() {
            p.add("research-known-about", "Say whom your records know: the victim, a perpetrator, or the children or household");
        }
        let withheld =
            p.optional_text("research-withheld", "Information held but not shared, and why", &input.withheld, LONG_TEXT).unwrap_or_default();
        let entry = if input.body.trim().is_empty() {
            None
        } else {
            let kind = EntryKind::parse(&input.kind);
            if kind.is_none() {
                p.add("research-kind", "Choose fact or opinion");
            }
            let body = p.text("research-body", "What your records hold", &input.body, SUMMARY_TEXT);
            kind.map(|k| (k, body))
        };
        p.finish(())?;
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, &input.meeting_id).await?;
        let g = case_grant(&mut tx, actor, &m, &input.case_id).await?;
        require(g.writes.research)?;
        let known_about = if known { stored_involvements(&about) } else { String::new() };
        sqlx::query(
            "INSERT INTO research_answers (meeting_id, case_id, agency_id, known_about, withheld, answered_by, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (meeting_id, case_id, agency_id) DO UPDATE SET known_about = $4, withheld = $5, answered_by = $6, answered_at = $7",
        )
        .bind(&input.meeting_id)
        .bind(&input.case_id)
        .bind(actor.agency_id.clone().unwrap_or_default())
        .bind(&known_about)
        .bind(&withheld)
        .bind(&actor.user_id)
        .bind(self.clock.unix())
        .execute(&mut *tx)
        .await
        ?;
        if let Some((kind, body)) = &entry {
            self.insert_research(&mut tx, actor, &input.meeting_id, &input.case_id, *kind, body).await?;
        }
        let event = actor_event(actor, "meeting.research_answer")
            .on("case", &input.case_id)
            .detail("meeting_id", input.meeting_id.as_str())
            .detail("known_about", known_about.as_str())
            .detail("withheld", !withheld.is_empty())
            .detail("entry", entry.is_some());
        self.audit_and_commit(tx, event).await?;
        self.live.changed(&input.meeting_id);
        Ok(())
    }

    pub(super) async fn set_item_attendance_op(&self, actor: &Actor, input: ItemAttendanceInput) -> Result<(), Error> {
        let now = self.clock.unix();
        let mut tx = self.tx().await?;
        let m = load(&mut tx, actor, &input.meeting_id).await?;
        require(m.rights.register)?;
        if m.status() != shared::meeting::MeetingStatus::InProgress {
            return Err(AppError::Conflict("Who is in the room is recorded while the meeting is running.".into()).into());
        }
        let ids = agenda_ids(&mut tx, &input.meeting_id).await?;
        let Some(from) = ids.iter().position(|c| *c == input.case_id) else { return Err(AppError::NotFound.into()) };
        let present: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attendance WHERE meeting_id = $1 AND user_id = $2 AND status = 'present'")
            .bind(&input.meeting_id)
            .bind(&input.user_id)
            .fetch_one(&mut *tx)
            .await?;
        if present == 0 {
            return Err(AppError::field("room-person", "Mark the person present at the meeting first").into());
        }
        let cases = if input.and_later { &ids[from..] } else { &ids[from..=from] };
        for case in cases {
            if input.in_room {
                sqlx::query("DELETE FROM item_absences WHERE meeting_id = $1 AND case_id = $2 AND user_id = $3")
                    .bind(&input.meeting_id)
                    .bind(case)
                    .bind(&input.user_id)
                    .execute(&mut *tx)
                    .await
            } else {
                sqlx::query(
                    "INSERT INTO item_absences (meeting_id, case_id, user_id, marked_by, marked_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (meeting_id, case_id, user_id) DO NOTHING",
                )
                .bind(&input.meeting_id)
                .bind(case)
                .bind(&input.user_id)
                .bind(&actor.user_id)
                .bind(now)
                .execute(&mut *tx)
                .await
            }?;
        }
        let event = actor_event(actor, if input.in_room { "meeting.item_in_room" } else { "meeting.item_out_of_room" })
            .on("meeting", &input.meeting_id)
            .detail("user_id", input.user_id.as_str())
            .detail("case_id", input.case_id.as_str())
            .detail("cases", cases.len());
        self.audit_and_commit(tx, event).await?;
        self.live.changed(&input.meeting_id);
        Ok(())
    }
}

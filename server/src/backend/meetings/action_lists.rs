//! Actions listed across cases (the review at a meeting, an agency's outstanding actions), each
//! as the policy lets the reader see it, with one audit entry per case shown.

use app::api::meetings::ActionView;
use shared::casefile::ActionRecord;
use shared::policy::exposure::{grant, Context};
use shared::policy::Actor;
use shared::views::actions::action_view;

use sqlx::AnyConnection;

use crate::audit;
use crate::backend::{actor_event, error::Error, ServerBackend};
use crate::casework::exposure::{self};
use crate::casework::file;
use crate::identity::actor::today;

impl ServerBackend {
    /// Outstanding actions agreed at earlier meetings, each as the policy lets `actor` see it,
    /// and the audit entries for the cases they show (for the caller to append).
    pub(super) async fn review_actions(
        &self,
        tx: &mut AnyConnection,
        actor: &Actor,
        meeting_id: &str,
    ) -> Result<(Vec<ActionView>, Vec<audit::AuditEvent>), Error> {
        let now = self.clock.unix();
        let case_ids: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT case_id FROM actions WHERE meeting_id <> $1 AND status IN ('open', 'in_progress') ORDER BY case_id LIMIT 500",
        )
        .bind(meeting_id)
        .fetch_all(&mut *tx)
        .await?;
        self.action_views(tx, actor, &case_ids, |a| a.meeting_id != meeting_id && a.status.is_outstanding(), now).await
    }

    /// The actions of `case_ids` that `keep` selects, each as the policy lets `actor` see it on
    /// the case's record, soonest due first, and one audit entry per case whose actions it
    /// shows (for the caller to record).
    pub(in crate::backend) async fn action_views(
        &self,
        tx: &mut AnyConnection,
        actor: &Actor,
        case_ids: &[String],
        keep: impl Fn(&ActionRecord) -> bool,
        now: i64,
    ) -> Result<(Vec<ActionView>, Vec<audit::AuditEvent>), Error> {
        let facts = exposure::facts(tx, case_ids, actor).await?;
        let heads = file::list_files(tx, case_ids, now).await?;
        let mut actions = file::actions_of(tx, case_ids, today(now)).await?;
        let mut out = Vec::new();
        let mut listed = Vec::new();
        for head in heads {
            let Some(facts) = facts.get(&head.head.id) else { continue };
            let g = grant(actor, &Context { facts: facts.clone(), seat: None });
            if !g.visible() {
                continue;
            }
            let actions = actions.remove(&head.head.id).unwrap_or_default();
            let shown: Vec<ActionView> = actions.iter().filter(|a| keep(a)).filter_map(|a| action_view(a, &head.head, &g, actor)).collect();
            if shown.iter().any(|a| !a.case_restricted) {
                listed.push(actor_event(actor, "case.listed").on("case", head.head.id.clone()).detail("via", "action.list"));
            }
            out.extend(shown);
        }
        out.sort_by(|a, b| (a.due_on.as_str(), a.case_reference.as_str()).cmp(&(b.due_on.as_str(), b.case_reference.as_str())));
        Ok((out, listed))
    }
}

//! A case as one meeting holds it: on the agenda, on the research list, in the live meeting
//! and in each person's copy of the minutes. One builder serves them all, each route with its
//! own mask, so the copy holds no more than the meeting view would show the same person.

use serde::{Deserialize, Serialize};

use super::actions::{action_view, ActionView};
use super::case::CaseParties;
use super::Shown;
use crate::casefile::{CaseFile, EntryRecord, HistoryItem, ResearchAnswer};
use crate::meeting::EntryKind;
use crate::policy::exposure::{Grant, Standing, Writes, RESEARCH_LIST};
use crate::policy::parts::{Part, Parts};
use crate::policy::Actor;

/// What the live meeting shows: the case as presented, its history and the agencies working
/// with it, but never the victim's safe contact details, equality data or consent.
pub const LIVE_VIEW: Parts = Parts::ALL.without(Part::VictimContact).without(Part::VictimProfile).without(Part::Consent);

/// What the research list shows: identifiers to check records against, and the agency's own research.
pub const RESEARCH_ITEM: Parts = RESEARCH_LIST;

/// What a copy of the minutes holds: who the case is about and what the meeting heard and agreed.
pub const MINUTES_COPY: Parts = Parts::NONE
    .with(Part::VictimIdentity)
    .with(Part::Perpetrators)
    .with(Part::Household)
    .with(Part::Referral)
    .with(Part::OwnResearch)
    .with(Part::Research)
    .with(Part::Discussion)
    .with(Part::Outcome)
    .with(Part::Actions);

/// What the agenda shows of each case.
pub const AGENDA: Parts = Parts::NONE.with(Part::VictimIdentity).with(Part::Household).with(Part::Referral).with(Part::Actions);

/// A point of research or a minute entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryView {
    /// Its id.
    pub id: String,
    /// Fact or opinion.
    pub kind: EntryKind,
    /// As written (markdown), for editing.
    pub body: String,
    /// As safe HTML.
    pub body_html: crate::markdown::SafeHtml,
    /// Agency (and person) it came from.
    pub source: String,
    /// Version for the concurrency check.
    pub version: i64,
}

impl From<&EntryRecord> for EntryView {
    fn from(e: &EntryRecord) -> Self {
        EntryView {
            id: e.id.clone(),
            kind: e.kind,
            body: e.body.clone(),
            body_html: crate::markdown::to_safe_html(&e.body),
            source: e.source.clone(),
            version: e.version,
        }
    }
}

/// Risks, decision and the amendments made to them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeView {
    /// Risks identified (markdown).
    pub risks: String,
    /// The decision (markdown).
    pub decision: String,
    /// Risks identified, rendered (empty when none were).
    pub risks_html: crate::markdown::SafeHtml,
    /// The decision, rendered (empty when none was).
    pub decision_html: crate::markdown::SafeHtml,
    /// Version of risks and decision.
    pub version: i64,
}

/// A case as one meeting holds it, as far as the reader may see it at the meeting's phase.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingCase {
    /// The meeting.
    pub meeting_id: String,
    /// The case.
    pub case_id: String,
    /// Its reference.
    pub reference: String,
    /// Restricted (data protection).
    pub restricted: bool,
    /// How the case stands to the reader.
    pub standing: Standing,
    /// The people and the referral.
    pub parties: CaseParties,
    /// Referral history (live view).
    pub history: Option<Vec<HistoryItem>>,
    /// Agencies working with the case and its IDVA, in words (live view).
    pub agencies: Option<Vec<String>>,
    /// Research: every agency's, or only the reader's own agency's.
    pub research: Option<Vec<EntryView>>,
    /// Research answers: every agency's, or only the reader's own agency's.
    pub answers: Vec<ResearchAnswer>,
    /// Minute entries.
    pub entries: Option<Vec<EntryView>>,
    /// Risks and decision.
    pub outcome: Option<OutcomeView>,
    /// Amendments after the minutes were finalised, in words: each to the entries (with the
    /// discussion) or to the risks and decision (with the outcome).
    pub amendments: Vec<String>,
    /// Actions agreed at this meeting.
    pub actions: Option<Vec<ActionView>>,
    /// Actions from earlier meetings still outstanding.
    pub earlier_actions: Option<Vec<ActionView>>,
    /// What the reader may write.
    pub writes: Writes,
}

impl MeetingCase {
    /// Whether anything beyond the reference is shown.
    pub fn has_content(&self) -> bool {
        self.standing == Standing::Open
    }
}

/// `file` (seen through its meeting) as `route` shows it to `actor`, or `None` when the case
/// is hidden from them.
pub fn meeting_case(file: &CaseFile, grant: &Grant, actor: &Actor, route: Parts) -> Option<MeetingCase> {
    if grant.standing == Standing::Hidden {
        return None;
    }
    let shown = Shown::new(grant, route);
    let record = file.meeting.as_ref();
    let meeting_id = record.map(|m| m.meeting_id.clone()).unwrap_or_default();
    let own = actor.agency_id.as_deref().unwrap_or_default();
    let mine = |agency_id: &str| agency_id == own;
    let research = if shown.has(Part::Research) {
        Some(record.map(|m| m.research.iter().map(EntryView::from).collect()).unwrap_or_default())
    } else if shown.has(Part::OwnResearch) {
        Some(record.map(|m| m.research.iter().filter(|e| mine(&e.agency_id)).map(EntryView::from).collect()).unwrap_or_default())
    } else {
        None
    };
    let answers = match record {
        Some(m) if shown.has(Part::Research) => m.answers.clone(),
        Some(m) if shown.has(Part::OwnResearch) => m.answers.iter().filter(|a| mine(&a.agency_id)).cloned().collect(),
        _ => Vec::new(),
    };
    let amendments = record.map(|m| m.amendments.iter().filter(|a| shown.has(a.part)).map(|a| a.line.clone()).collect()).unwrap_or_default();
    let actions = |here: bool| {
        shown.only(Part::Actions, || {
            file.actions
                .iter()
                .filter(|a| (a.meeting_id == meeting_id) == here && (here || a.status.is_outstanding()))
                .filter_map(|a| action_view(a, &file.head, grant, actor))
                .collect()
        })
    };
    Some(MeetingCase {
        meeting_id: meeting_id.clone(),
        case_id: file.head.id.clone(),
        reference: file.head.reference.clone(),
        restricted: file.head.restricted,
        standing: grant.standing,
        parties: CaseParties::cut(file, shown),
        history: shown.only(Part::History, || file.history.clone()),
        agencies: shown.only(Part::Agencies, || {
            let mut list: Vec<String> =
                file.agencies.iter().map(|a| format!("{}: {}", a.agency_name, a.involvement.label().to_lowercase())).collect();
            list.extend(file.idva.iter().map(|name| format!("IDVA: {name}")));
            list
        }),
        research,
        answers,
        entries: shown.only(Part::Discussion, || record.map(|m| m.entries.iter().map(EntryView::from).collect()).unwrap_or_default()),
        outcome: shown.only(Part::Outcome, || {
            record
                .map(|m| OutcomeView {
                    risks: m.risks.clone(),
                    decision: m.decision.clone(),
                    risks_html: crate::markdown::to_safe_html(&m.risks),
                    decision_html: crate::markdown::to_safe_html(&m.decision),
                    version: m.minutes_version,
                })
                .unwrap_or_default()
        }),
        amendments,
        actions: actions(true),
        earlier_actions: actions(false),
        writes: grant.writes,
    })
}

/// One case on the agenda.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaEntry {
    /// The case.
    pub case_id: String,
    /// Its reference.
    pub reference: String,
    /// How the case stands to the reader (restricted: reference only).
    pub standing: Standing,
    /// The victim's name, when the reader may see it.
    pub victim_name: Option<String>,
    /// Children or vulnerable adults in the household, when the reader may know.
    pub has_household: bool,
    /// A confirmed repeat, when the reader may see the referral.
    pub repeat: bool,
    /// Open actions from earlier meetings, when the reader may see the actions.
    pub open_actions: usize,
    /// Restricted (data protection).
    pub restricted: bool,
}

/// `file` as the agenda shows it to `actor`, or `None` when the case is hidden from them.
pub fn agenda_entry(file: &CaseFile, grant: &Grant, actor: &Actor) -> Option<AgendaEntry> {
    let case = meeting_case(file, grant, actor, AGENDA)?;
    Some(AgendaEntry {
        has_household: case.parties.household.as_ref().is_some_and(|h| !h.is_empty()),
        repeat: case.parties.referral.as_ref().is_some_and(|r| r.repeat),
        open_actions: case.earlier_actions.as_ref().map_or(0, Vec::len),
        victim_name: case.parties.victim.map(|v| v.name),
        case_id: case.case_id,
        reference: case.reference,
        standing: case.standing,
        restricted: case.restricted,
    })
}

//! A case as held: everything the server loaded about it, before anything is cut for a reader.
//!
//! The server loads a [`CaseFile`] (only the parts the reader was granted, to load no more than
//! it needs) and hands it to a builder in [`crate::views`], which is the only code that copies
//! case data into what a page, list or document shows, and copies only the granted parts.

use serde::{Deserialize, Serialize};

use crate::dash::DashAnswers;
use crate::meeting::{ActionStatus, EntryKind};
use crate::policy::exposure::Involvement;
use crate::policy::parts::Part;

/// Whether a case is open or closed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Open: on agendas, with actions followed up.
    #[default]
    Open,
    /// Closed, with a date and reason; kept until its retention period ends.
    Closed,
}

impl CaseStatus {
    /// Every status.
    pub const ALL: [CaseStatus; 2] = [CaseStatus::Open, CaseStatus::Closed];

    /// Stable stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Closed => "closed",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Open => "Open",
            CaseStatus::Closed => "Closed",
        }
    }
}

/// The case's own row.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseHead {
    /// The case's id.
    pub id: String,
    /// Its reference, e.g. `C-2026-00005`.
    pub reference: String,
    /// Open or closed.
    pub status: CaseStatus,
    /// Closure date (ISO) and reason, when closed.
    pub closed: Option<(String, String)>,
    /// Restricted (data protection).
    pub restricted: bool,
}

/// The victim as recorded on the latest accepted referral.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimRecord {
    /// The victim's record id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Other names.
    pub other_names: Vec<String>,
    /// Date of birth (ISO), if known.
    pub date_of_birth: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Safe contact details.
    pub safe_contact: Option<String>,
    /// Safe times to call.
    pub safe_times: Option<String>,
    /// Gender, in words.
    pub gender: Option<String>,
    /// Ethnicity, in words.
    pub ethnicity: Option<String>,
    /// Disability, in words.
    pub disability: Option<String>,
    /// Sexual orientation, in words.
    pub sexual_orientation: Option<String>,
    /// First language.
    pub first_language: Option<String>,
    /// Whether an interpreter is needed.
    pub interpreter_needed: bool,
}

/// A perpetrator.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerpetratorRecord {
    /// Name.
    pub name: String,
    /// Other names.
    pub other_names: Vec<String>,
    /// Date of birth (ISO), if known.
    pub date_of_birth: Option<String>,
    /// Gender, in words.
    pub gender: Option<String>,
    /// Relationship to the victim.
    pub relationship: String,
    /// Address.
    pub address: Option<String>,
}

/// A child or other member of the household.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdRecord {
    /// Name.
    pub name: String,
    /// Date of birth (ISO), if known.
    pub date_of_birth: Option<String>,
    /// Relationship to the victim.
    pub relationship: String,
    /// School or agency involved.
    pub involvement: Option<String>,
}

/// The latest accepted referral.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralRecord {
    /// Criteria met, in words.
    pub criteria: Vec<String>,
    /// Whether one of the criteria is a repeat.
    pub repeat: bool,
    /// DASH score, when the checklist was completed.
    pub dash_score: Option<u8>,
    /// The DASH answers, when the checklist was completed.
    pub dash_answers: Option<DashAnswers>,
    /// Police call-outs in the last 12 months, if known.
    pub police_callouts: Option<i64>,
    /// Professional-judgement reason, if given.
    pub professional_judgement: Option<String>,
    /// Date of the latest incident (ISO).
    pub latest_incident_on: String,
    /// The referrer's summary (markdown).
    pub summary_markdown: String,
    /// Consent, in words.
    pub consent: String,
    /// Lawful basis or reason given.
    pub consent_reason: Option<String>,
    /// The referrer's name.
    pub referrer_name: String,
    /// The referring agency's name.
    pub referrer_agency: String,
}

/// An agency marked as working with the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvolvementRecord {
    /// The agency.
    pub agency_id: String,
    /// Its name.
    pub agency_name: String,
    /// How it works with the case.
    pub involvement: Involvement,
}

/// A referral in the case's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryItem {
    /// Its reference.
    pub reference: String,
    /// Date referred (ISO).
    pub referred_on: String,
    /// The referring agency.
    pub agency_name: String,
    /// Whether it was a confirmed repeat.
    pub repeat: bool,
}

/// An action agreed at a meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRecord {
    /// Its id.
    pub id: String,
    /// The meeting that agreed it.
    pub meeting_id: String,
    /// The owning agency.
    pub owner_agency_id: String,
    /// Its name.
    pub owner_agency: String,
    /// The named person, if any.
    pub owner_person: Option<String>,
    /// What is to be done.
    pub description: String,
    /// Due date (ISO).
    pub due_on: String,
    /// Status.
    pub status: ActionStatus,
    /// Outstanding and past its due date.
    pub overdue: bool,
    /// Version for the concurrency check.
    pub version: i64,
    /// Updates, oldest first, in words.
    pub history: Vec<String>,
}

/// A point of research or of the minutes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryRecord {
    /// Its id.
    pub id: String,
    /// Fact or opinion.
    pub kind: EntryKind,
    /// What was said (markdown).
    pub body: String,
    /// The agency it came from.
    pub agency_id: String,
    /// Agency (and person) it came from, in words.
    pub source: String,
    /// Version for the concurrency check.
    pub version: i64,
}

/// An agency's answer to the research request for one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResearchAnswer {
    /// The agency.
    pub agency_id: String,
    /// Its name.
    pub agency_name: String,
    /// Whom its records know; empty: "not known to us".
    pub known: Vec<Involvement>,
    /// Information held but not shared, and why (empty when nothing was withheld).
    pub withheld: String,
}

impl ResearchAnswer {
    /// The answer in words.
    pub fn words(&self) -> String {
        if self.known.is_empty() {
            "Not known to us".into()
        } else {
            format!("Known to us: {}", self.known.iter().map(|i| i.known_label()).collect::<Vec<_>>().join(", "))
        }
    }
}

/// A correction made after the minutes were finalised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendmentRecord {
    /// The part of the case it changed: the discussion (an entry), the outcome (risks or
    /// decision) or the actions (an action added); shown only with that part.
    pub part: Part,
    /// The amendment in one sentence.
    pub line: String,
}

/// What one meeting recorded about the case.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingRecord {
    /// The meeting.
    pub meeting_id: String,
    /// Every agency's research.
    pub research: Vec<EntryRecord>,
    /// Every agency's research answer.
    pub answers: Vec<ResearchAnswer>,
    /// Minute entries.
    pub entries: Vec<EntryRecord>,
    /// Risks identified (markdown).
    pub risks: String,
    /// The decision (markdown).
    pub decision: String,
    /// Version of risks and decision.
    pub minutes_version: i64,
    /// Amendments after the minutes were finalised, oldest first.
    pub amendments: Vec<AmendmentRecord>,
}

/// Everything held about a case (or as much of it as the reader was granted).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFile {
    /// The case's row.
    pub head: CaseHead,
    /// The victim.
    pub victim: Option<VictimRecord>,
    /// Perpetrators, in form order.
    pub perpetrators: Vec<PerpetratorRecord>,
    /// The household, in form order.
    pub household: Vec<HouseholdRecord>,
    /// The latest accepted referral.
    pub referral: Option<ReferralRecord>,
    /// Agencies marked as working with the case.
    pub agencies: Vec<InvolvementRecord>,
    /// The case's IDVA's name.
    pub idva: Option<String>,
    /// Accepted referrals, oldest first.
    pub history: Vec<HistoryItem>,
    /// Dates heard (ISO), oldest first.
    pub hearings: Vec<String>,
    /// Meetings it is on the agenda of, in words.
    pub upcoming: Vec<String>,
    /// Every action on the case, soonest due first.
    pub actions: Vec<ActionRecord>,
    /// What the meeting it is seen through recorded, if it is seen through one.
    pub meeting: Option<MeetingRecord>,
}

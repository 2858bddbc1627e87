//! The case record: every part of a case the reader may see, outside any one meeting.

use serde::{Deserialize, Serialize};

use super::actions::{action_view, ActionView};
use super::Shown;
use crate::casefile::{CaseFile, HistoryItem};
use crate::dash::{DashAnswer, DASH_2009};
use crate::policy::exposure::{Grant, Involvement, Standing, Writes};
use crate::policy::parts::{Part, Parts};
use crate::policy::Actor;

/// What the case record shows: everything but what belongs to one meeting.
pub const CASE_RECORD: Parts = Parts::ALL.without(Part::OwnResearch).without(Part::Research).without(Part::Discussion).without(Part::Outcome);

/// Why the case was referred.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralView {
    /// Criteria met, in words.
    pub criteria: Vec<String>,
    /// Whether it is a confirmed repeat.
    pub repeat: bool,
    /// DASH score when completed.
    pub dash_score: Option<u8>,
    /// Police call-outs in the last 12 months, if known.
    pub police_callouts: Option<i64>,
    /// Professional-judgement reason, if given.
    pub professional_judgement: Option<String>,
    /// Date of the latest incident (ISO).
    pub latest_incident_on: String,
    /// The referrer's summary (markdown), for documents.
    pub summary: String,
    /// The referrer's summary, as safe HTML.
    pub summary_html: crate::markdown::SafeHtml,
}

impl ReferralView {
    /// Criteria, DASH score and summary as one piece of markdown (for documents).
    pub fn markdown(&self) -> String {
        let dash = self.dash_score.map(|s| format!(" DASH score {s} of 24.")).unwrap_or_default();
        format!("**Criteria:** {}.{dash}\n\n{}", self.criteria.join("; "), self.summary)
    }
}

/// One DASH question and its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashLine {
    /// 1 to 24.
    pub number: u8,
    /// The question.
    pub question: String,
    /// The answer, in words.
    pub answer: String,
}

/// The victim's identifying details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimIdentity {
    /// Name.
    pub name: String,
    /// Other names.
    pub other_names: Vec<String>,
    /// Date of birth (ISO), if known.
    pub date_of_birth: Option<String>,
}

/// The victim's address (a part of its own: research needs it, not every later reader).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimAddress {
    /// Address, if recorded.
    pub address: Option<String>,
}

/// The victim's profile (equality data).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimProfile {
    /// Gender.
    pub gender: Option<String>,
    /// Ethnicity.
    pub ethnicity: Option<String>,
    /// Disability.
    pub disability: Option<String>,
    /// Sexual orientation.
    pub sexual_orientation: Option<String>,
    /// First language.
    pub first_language: Option<String>,
    /// Whether an interpreter is needed.
    pub interpreter_needed: bool,
}

/// How to reach the victim safely.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimContact {
    /// Safe contact details.
    pub safe_contact: Option<String>,
    /// Safe times to call.
    pub safe_times: Option<String>,
}

/// A perpetrator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerpetratorView {
    /// Name.
    pub name: String,
    /// Other names.
    pub other_names: Vec<String>,
    /// Date of birth (ISO), if known.
    pub date_of_birth: Option<String>,
    /// Gender.
    pub gender: Option<String>,
    /// Relationship to the victim.
    pub relationship: String,
    /// Address, when the reader may see it.
    pub address: Option<String>,
}

/// A child or vulnerable adult in the household.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdView {
    /// Name.
    pub name: String,
    /// Date of birth (ISO), if known.
    pub date_of_birth: Option<String>,
    /// Relationship to the victim.
    pub relationship: String,
    /// School or agency involved.
    pub involvement: Option<String>,
}

/// Consent and who referred.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentView {
    /// Consent in words.
    pub consent: String,
    /// Lawful basis or reason given.
    pub reason: Option<String>,
    /// The referrer.
    pub referrer_name: String,
    /// The referrer's agency.
    pub agency_name: String,
}

/// An agency working with the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvolvementView {
    /// The agency.
    pub agency_id: String,
    /// Its name.
    pub agency_name: String,
    /// How it works with the case.
    pub involvement: Involvement,
    /// Involvement in words.
    pub label: String,
}

/// The people and the referral of a case, as far as the reader may see them. Shared by the
/// case record, the live meeting, the research list and the minutes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseParties {
    /// Why the case was referred.
    pub referral: Option<ReferralView>,
    /// The DASH answers.
    pub dash: Option<Vec<DashLine>>,
    /// The victim's identity.
    pub victim: Option<VictimIdentity>,
    /// The victim's address.
    pub victim_address: Option<VictimAddress>,
    /// The victim's profile.
    pub victim_profile: Option<VictimProfile>,
    /// The victim's safe contact details.
    pub victim_contact: Option<VictimContact>,
    /// Perpetrators.
    pub perpetrators: Option<Vec<PerpetratorView>>,
    /// The household.
    pub household: Option<Vec<HouseholdView>>,
    /// Consent and the referrer.
    pub consent: Option<ConsentView>,
}

impl CaseParties {
    /// The parts of `file` that `shown` allows.
    pub(crate) fn cut(file: &CaseFile, shown: Shown) -> CaseParties {
        let victim = file.victim.as_ref();
        let referral = file.referral.as_ref();
        CaseParties {
            referral: referral.filter(|_| shown.has(Part::Referral)).map(|r| ReferralView {
                criteria: r.criteria.clone(),
                repeat: r.repeat,
                dash_score: r.dash_score,
                police_callouts: r.police_callouts,
                professional_judgement: r.professional_judgement.clone(),
                latest_incident_on: r.latest_incident_on.clone(),
                summary: r.summary_markdown.clone(),
                summary_html: crate::markdown::to_safe_html(&r.summary_markdown),
            }),
            dash: referral.and_then(|r| r.dash_answers.as_ref()).filter(|_| shown.has(Part::DashAnswers)).map(|answers| {
                DASH_2009
                    .questions
                    .iter()
                    .zip(answers.as_slice())
                    .map(|(q, a)| DashLine {
                        number: q.number,
                        question: q.text.into(),
                        answer: match a {
                            DashAnswer::Yes => "Yes",
                            DashAnswer::No => "No",
                            DashAnswer::NotKnown => "Not known",
                        }
                        .into(),
                    })
                    .collect()
            }),
            victim: victim.filter(|_| shown.has(Part::VictimIdentity)).map(|v| VictimIdentity {
                name: v.name.clone(),
                other_names: v.other_names.clone(),
                date_of_birth: v.date_of_birth.clone(),
            }),
            victim_address: victim.filter(|_| shown.has(Part::VictimAddress)).map(|v| VictimAddress { address: v.address.clone() }),
            victim_profile: victim.filter(|_| shown.has(Part::VictimProfile)).map(|v| VictimProfile {
                gender: v.gender.clone(),
                ethnicity: v.ethnicity.clone(),
                disability: v.disability.clone(),
                sexual_orientation: v.sexual_orientation.clone(),
                first_language: v.first_language.clone(),
                interpreter_needed: v.interpreter_needed,
            }),
            victim_contact: victim
                .filter(|_| shown.has(Part::VictimContact))
                .map(|v| VictimContact { safe_contact: v.safe_contact.clone(), safe_times: v.safe_times.clone() }),
            perpetrators: shown.only(Part::Perpetrators, || {
                file.perpetrators
                    .iter()
                    .map(|p| PerpetratorView {
                        name: p.name.clone(),
                        other_names: p.other_names.clone(),
                        date_of_birth: p.date_of_birth.clone(),
                        gender: p.gender.clone(),
                        relationship: p.relationship.clone(),
                        address: p.address.clone().filter(|_| shown.has(Part::PerpetratorAddress)),
                    })
                    .collect()
            }),
            household: shown.only(Part::Household, || {
                file.household
                    .iter()
                    .map(|h| HouseholdView {
                        name: h.name.clone(),
                        date_of_birth: h.date_of_birth.clone(),
                        relationship: h.relationship.clone(),
                        involvement: h.involvement.clone(),
                    })
                    .collect()
            }),
            consent: referral.filter(|_| shown.has(Part::Consent)).map(|r| ConsentView {
                consent: r.consent.clone(),
                reason: r.consent_reason.clone(),
                referrer_name: r.referrer_name.clone(),
                agency_name: r.referrer_agency.clone(),
            }),
        }
    }
}

/// A case as one person may see it outside any meeting: every part they may not see is `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRecord {
    /// The case.
    pub id: String,
    /// Its reference.
    pub reference: String,
    /// Open or closed.
    pub status: crate::casefile::CaseStatus,
    /// Closure date and reason, when closed.
    pub closed: Option<(String, String)>,
    /// Restricted: only the reference is shown (unless the reader is the coordinator or DPO).
    pub restricted: bool,
    /// The people and the referral.
    pub parties: CaseParties,
    /// Agencies working with the case, and the IDVA's name.
    pub agencies: Option<(Vec<InvolvementView>, Option<String>)>,
    /// Referral history, oldest first.
    pub history: Option<Vec<HistoryItem>>,
    /// Dates heard (ISO), oldest first.
    pub hearings: Vec<String>,
    /// Meetings it is on the agenda of, in words.
    pub upcoming: Vec<String>,
    /// Actions agreed on it at meetings, soonest due first.
    pub actions: Option<Vec<ActionView>>,
    /// What the reader may write.
    pub writes: Writes,
}

/// The case record `actor` may see, or `None` when the case is hidden from them.
pub fn case_record(file: &CaseFile, grant: &Grant, actor: &Actor) -> Option<CaseRecord> {
    if grant.standing == Standing::Hidden {
        return None;
    }
    let shown = Shown::new(grant, CASE_RECORD);
    let open = grant.open();
    Some(CaseRecord {
        id: file.head.id.clone(),
        reference: file.head.reference.clone(),
        status: file.head.status,
        closed: file.head.closed.clone().filter(|_| open),
        restricted: file.head.restricted,
        parties: CaseParties::cut(file, shown),
        agencies: shown.only(Part::Agencies, || {
            let list = file
                .agencies
                .iter()
                .map(|a| InvolvementView {
                    agency_id: a.agency_id.clone(),
                    agency_name: a.agency_name.clone(),
                    involvement: a.involvement,
                    label: a.involvement.label().into(),
                })
                .collect();
            (list, file.idva.clone())
        }),
        history: shown.only(Part::History, || file.history.clone()),
        hearings: if open { file.hearings.clone() } else { Vec::new() },
        upcoming: if open { file.upcoming.clone() } else { Vec::new() },
        actions: shown.only(Part::Actions, || file.actions.iter().filter_map(|a| action_view(a, &file.head, grant, actor)).collect()),
        writes: grant.writes,
    })
}

/// What lists and search results show of a case.
pub const CASE_LIST: Parts = Parts::NONE.with(Part::VictimIdentity);

/// A case in a list or search result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseHit {
    /// The case.
    pub id: String,
    /// Its reference.
    pub reference: String,
    /// Its victim's name, when the reader may see it.
    pub victim_name: Option<String>,
    /// Its victim's date of birth (ISO), when known and the reader may see it.
    pub victim_dob: Option<String>,
    /// Open or closed.
    pub status: crate::casefile::CaseStatus,
    /// When it was last heard (ISO), if ever.
    pub last_heard_on: Option<String>,
    /// The next meeting it is on (in words), if any.
    pub next_meeting: Option<String>,
    /// Restricted (data protection): only the reference is shown.
    pub restricted: bool,
}

/// `file` as a list shows it to the reader, or `None` when the case is hidden from them.
pub fn case_hit(file: &CaseFile, grant: &Grant) -> Option<CaseHit> {
    if grant.standing == Standing::Hidden {
        return None;
    }
    let shown = Shown::new(grant, CASE_LIST);
    let victim = file.victim.as_ref().filter(|_| shown.has(Part::VictimIdentity));
    let open = grant.open();
    Some(CaseHit {
        id: file.head.id.clone(),
        reference: file.head.reference.clone(),
        victim_name: victim.map(|v| v.name.clone()),
        victim_dob: victim.and_then(|v| v.date_of_birth.clone()),
        status: file.head.status,
        last_heard_on: file.hearings.last().cloned().filter(|_| open),
        next_meeting: file.upcoming.first().cloned().filter(|_| open),
        restricted: file.head.restricted,
    })
}

//! Documents printed for one person: an agency's copy of a meeting's minutes, and an agency's
//! action list. What each case contributes is what the meeting view would show the same person
//! (`views::meeting::meeting_case` with the policy's grant); this module only lays it out as
//! [`Document`] blocks.

use std::collections::BTreeMap;

use crate::casefile::CaseFile;
use crate::document::{Block, Document};
use crate::marking::PROTECTIVE_MARKING;
use crate::policy::exposure::{Grant, Standing};
use crate::policy::Actor;
use crate::views::actions::ActionView;
use crate::views::meeting::{meeting_case, EntryView, MeetingCase, MINUTES_COPY};

/// A finalised meeting's minutes, in full: the input every copy is cut from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MinutesRecord {
    /// When and where, for people ("Tuesday 3 November 2026 at 10:00, Council Chamber").
    pub held: String,
    /// The chair's name.
    pub chair: String,
    /// The confidentiality statement everyone acknowledged.
    pub statement: String,
    /// "Name, Agency" of those present.
    pub present: Vec<String>,
    /// "Name, Agency" of those who sent apologies.
    pub apologies: Vec<String>,
    /// The cases, in agenda order, each seen through this meeting.
    pub cases: Vec<CaseFile>,
}

/// An action as printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionLine {
    /// The case reference.
    pub reference: String,
    /// The owning agency's name.
    pub owner_agency: String,
    /// What is to be done.
    pub description: String,
    /// Due date, for people.
    pub due: String,
    /// Status, for people.
    pub status: String,
}

impl From<&ActionView> for ActionLine {
    fn from(a: &ActionView) -> Self {
        ActionLine {
            reference: a.case_reference.clone(),
            owner_agency: a.owner_agency.clone(),
            description: if a.case_restricted { RESTRICTED_NOTICE.into() } else { a.description.clone() },
            due: crate::display::iso_date(&a.due_on),
            status: if a.overdue { format!("{} (overdue)", a.status.label()) } else { a.status.label().to_string() },
        }
    }
}

/// The notice printed in place of a restricted case.
pub const RESTRICTED_NOTICE: &str =
    "Restricted. This record is restricted under data protection law and is not shared. Contact the MARAC coordinator if you need it.";

/// The watermark for `recipient`: their agency and name.
pub fn watermark(recipient: &Actor) -> String {
    format!("{} \u{2014} {}", recipient.agency_name.as_deref().unwrap_or_default(), recipient.name)
}

fn point_blocks(heading: &str, points: &[EntryView], blocks: &mut Vec<Block>) {
    if points.is_empty() {
        return;
    }
    blocks.push(Block::Heading { level: 3, text: heading.into() });
    blocks.extend(points.iter().map(|p| Block::Entry { kind: p.kind, source: p.source.clone(), body: p.body.clone() }));
}

fn markdown_section(heading: &str, body: &str, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading { level: 3, text: heading.into() });
    blocks.push(if body.trim().is_empty() { Block::Text("None recorded.".into()) } else { Block::Markdown(body.into()) });
}

fn action_fields(a: &ActionLine) -> Block {
    Block::Fields(vec![
        ("Case".into(), a.reference.clone()),
        ("Action".into(), a.description.clone()),
        ("Owner".into(), a.owner_agency.clone()),
        ("Due".into(), a.due.clone()),
        ("Status".into(), a.status.clone()),
    ])
}

fn case_blocks(case: &MeetingCase, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading { level: 2, text: format!("Case {}", case.reference) });
    if case.standing == Standing::Restricted {
        blocks.push(Block::Notice(RESTRICTED_NOTICE.into()));
        return;
    }
    let p = &case.parties;
    let mut about = Vec::new();
    if let Some(v) = &p.victim {
        about.push(("Victim".to_string(), v.name.clone()));
    }
    if let Some(perpetrators) = p.perpetrators.as_ref().filter(|list| !list.is_empty()) {
        about.push(("Perpetrator".to_string(), perpetrators.iter().map(|x| x.name.clone()).collect::<Vec<_>>().join(", ")));
    }
    if let Some(household) = p.household.as_ref().filter(|list| !list.is_empty()) {
        let people = household.iter().map(|h| match &h.date_of_birth {
            Some(dob) => format!("{} ({}, born {})", h.name, h.relationship, crate::display::iso_date(dob)),
            None => format!("{} ({})", h.name, h.relationship),
        });
        about.push(("Children and household".to_string(), people.collect::<Vec<_>>().join("; ")));
    }
    if !about.is_empty() {
        blocks.push(Block::Fields(about));
    }
    if let Some(referral) = &p.referral {
        blocks.push(Block::Heading { level: 3, text: "Referral".into() });
        blocks.push(Block::Markdown(referral.markdown()));
    }
    if let Some(research) = &case.research {
        point_blocks("Research shared before the meeting", research, blocks);
    }
    if !case.answers.is_empty() {
        blocks.push(Block::Fields(
            case.answers
                .iter()
                .map(|a| {
                    let withheld = if a.withheld.trim().is_empty() { String::new() } else { format!(". Held but not shared: {}", a.withheld) };
                    (a.agency_name.clone(), format!("{}{withheld}", a.words()))
                })
                .collect(),
        ));
    }
    if let Some(entries) = &case.entries {
        point_blocks("Discussion", entries, blocks);
    }
    if p.referral.is_none() && case.entries.is_none() && case.outcome.is_some() {
        blocks.push(Block::Text("Your agency owns an action on this case; only the risks, decision and actions are shared with it.".into()));
    }
    if let Some(outcome) = &case.outcome {
        markdown_section("Risks identified", &outcome.risks, blocks);
        markdown_section("Decision", &outcome.decision, blocks);
    }
    if let Some(actions) = case.actions.as_ref().filter(|a| !a.is_empty()) {
        blocks.push(Block::Heading { level: 3, text: "Actions".into() });
        blocks.extend(actions.iter().map(|a| action_fields(&a.into())));
    }
    if !case.amendments.is_empty() {
        blocks.push(Block::Heading { level: 3, text: "Amendments after the minutes were finalised".into() });
        blocks.push(Block::Markdown(case.amendments.iter().map(|a| format!("- {a}\n")).collect()));
    }
}

fn list_or_none(people: &[String]) -> String {
    if people.is_empty() {
        "None".into()
    } else {
        people.join("; ")
    }
}

/// `recipient`'s copy of the minutes: each case as the meeting view shows it to them after the
/// meeting (`grants` holds the policy's answer per case id; a case without one is left out),
/// then their agency's own actions with due dates.
pub fn minutes_copy(record: &MinutesRecord, recipient: &Actor, grants: &BTreeMap<String, Grant>, id: &str) -> Document {
    let agency = recipient.agency_id.as_deref().unwrap_or_default();
    let mut blocks = vec![
        Block::Notice(record.statement.clone()),
        Block::Fields(vec![
            ("Meeting".into(), record.held.clone()),
            ("Chair".into(), record.chair.clone()),
            ("Copy for".into(), watermark(recipient)),
            ("Present".into(), list_or_none(&record.present)),
            ("Apologies".into(), list_or_none(&record.apologies)),
        ]),
    ];
    let mut own_actions: Vec<ActionLine> = Vec::new();
    let mut shown_cases = 0;
    for file in &record.cases {
        let grant = grants.get(&file.head.id).copied().unwrap_or(Grant::HIDDEN);
        let Some(case) = meeting_case(file, &grant, recipient, MINUTES_COPY) else { continue };
        shown_cases += 1;
        own_actions.extend(case.actions.iter().flatten().filter(|a| a.owner_agency_id == agency).map(ActionLine::from));
        case_blocks(&case, &mut blocks);
    }
    if shown_cases == 0 {
        blocks.push(Block::Text("None of the cases discussed at this meeting is shared with your agency.".into()));
    }
    blocks.push(Block::Heading { level: 1, text: "Your agency's actions from this meeting".into() });
    if own_actions.is_empty() {
        blocks.push(Block::Text("Your agency has no actions from this meeting.".into()));
    }
    blocks.extend(own_actions.iter().map(action_fields));
    Document { id: id.into(), title: "MARAC minutes".into(), marking: PROTECTIVE_MARKING.into(), watermark: watermark(recipient), blocks }
}

/// `recipient`'s agency's outstanding actions, as a document.
pub fn action_list(actions: &[ActionLine], recipient: &Actor, as_of: &str, id: &str) -> Document {
    let mut blocks = vec![Block::Fields(vec![("Agency".into(), recipient.agency_name.clone().unwrap_or_default()), ("As of".into(), as_of.into())])];
    if actions.is_empty() {
        blocks.push(Block::Text("Your agency has no outstanding MARAC actions.".into()));
    }
    blocks.extend(actions.iter().map(action_fields));
    Document { id: id.into(), title: "MARAC actions".into(), marking: PROTECTIVE_MARKING.into(), watermark: watermark(recipient), blocks }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::casefile::{ActionRecord, CaseHead, EntryRecord, MeetingRecord, ReferralRecord, VictimRecord};
    use crate::identity::Role;
    use crate::isa::SignatoryStatus;
    use crate::meeting::{ActionStatus, EntryKind, MeetingStatus};
    use crate::policy::exposure::{grant, CaseFacts, Context, Involvement, Seat};

    fn rep(agency: &str) -> Actor {
        let mut a = crate::policy::test_actor(&[Role::AgencyRepresentative], Some(SignatoryStatus::Current));
        a.agency_id = Some(agency.into());
        a.agency_name = Some(format!("{agency} agency"));
        a.name = "Łucja Nowak".into();
        a
    }

    fn action(id: &str, agency: &str, what: &str) -> ActionRecord {
        ActionRecord {
            id: id.into(),
            meeting_id: "m".into(),
            owner_agency_id: agency.into(),
            owner_agency: format!("{agency} agency"),
            owner_person: None,
            description: what.into(),
            due_on: "2026-12-01".into(),
            status: ActionStatus::Open,
            overdue: false,
            version: 1,
            history: vec![],
        }
    }

    fn case(id: &str, victim: &str, actions: Vec<ActionRecord>) -> CaseFile {
        CaseFile {
            head: CaseHead { id: id.into(), reference: format!("C-{id}"), ..CaseHead::default() },
            victim: Some(VictimRecord { name: victim.into(), ..VictimRecord::default() }),
            referral: Some(ReferralRecord { summary_markdown: format!("Summary about {victim}"), ..ReferralRecord::default() }),
            actions,
            meeting: Some(MeetingRecord {
                meeting_id: "m".into(),
                entries: vec![EntryRecord {
                    id: format!("e{id}"),
                    kind: EntryKind::Fact,
                    body: format!("Incident involving {victim}"),
                    agency_id: "police".into(),
                    source: "Police".into(),
                    version: 1,
                }],
                risks: format!("Risk to {victim}"),
                decision: "Safety plan".into(),
                ..MeetingRecord::default()
            }),
            ..CaseFile::default()
        }
    }

    fn record() -> MinutesRecord {
        MinutesRecord {
            held: "Tuesday 3 November 2026".into(),
            chair: "Chair Person".into(),
            statement: "Everything said here is confidential.".into(),
            cases: vec![
                case("1", "Ada Thorn", vec![action("x1", "homes", "Change the locks")]),
                case("2", "Bea Quill", vec![action("x2", "police", "Flag the address")]),
                case("3", "Cerys Vale", vec![]),
            ],
            ..MinutesRecord::default()
        }
    }

    /// The policy's grant for `actor` after the meeting, for each case's facts.
    fn grants(actor: &Actor, facts: &[(&str, CaseFacts)]) -> BTreeMap<String, Grant> {
        let seat = Seat { status: MeetingStatus::MinutesFinal, invited: true, chair: false, acknowledged: true, present: true };
        facts.iter().map(|(id, f)| (id.to_string(), grant(actor, &Context { facts: f.clone(), seat: Some(seat) }))).collect()
    }

    fn text(doc: &Document) -> String {
        format!("{doc:?}")
    }

    fn involved() -> CaseFacts {
        CaseFacts { marked: [Involvement::Victim].into_iter().collect(), ..CaseFacts::default() }
    }

    #[test]
    fn a_copy_holds_only_the_cases_the_agency_may_see() {
        let homes = rep("homes");
        let owner = CaseFacts { owns_action: true, ..CaseFacts::default() };
        let g = grants(&homes, &[("1", owner), ("2", CaseFacts::default()), ("3", involved())]);
        let t = text(&minutes_copy(&record(), &homes, &g, "D-1"));
        assert!(t.contains("Cerys Vale") && t.contains("Incident involving Cerys Vale"), "involved case in full");
        assert!(t.contains("C-1") && t.contains("Risk to Ada Thorn") && t.contains("Change the locks"), "case it has an action on");
        assert!(!t.contains("Incident involving Ada Thorn") && !t.contains("Summary about Ada"), "only risks, decision, actions");
        assert!(!t.contains("Bea Quill") && !t.contains("C-2") && !t.contains("Flag the address"), "unrelated case left out");
    }

    #[test]
    fn the_agencys_own_actions_close_the_copy_under_their_own_heading() {
        let homes = rep("homes");
        let g = grants(&homes, &[("1", CaseFacts { owns_action: true, ..CaseFacts::default() })]);
        let doc = minutes_copy(&record(), &homes, &g, "D-1");
        let last_heading =
            doc.blocks.iter().rposition(|b| matches!(b, Block::Heading { level: 1, text } if text == "Your agency's actions from this meeting"));
        let tail = format!("{:?}", &doc.blocks[last_heading.unwrap_or_default()..]);
        assert!(last_heading.is_some() && tail.contains("Change the locks") && tail.contains("1 December 2026"));
    }

    #[test]
    fn a_restricted_case_shows_its_reference_and_notice_only() {
        let mut r = record();
        r.cases[0].head.restricted = true;
        let homes = rep("homes");
        let g = grants(&homes, &[("1", CaseFacts { restricted: true, ..involved() }), ("3", involved())]);
        let t = text(&minutes_copy(&r, &homes, &g, "D-1"));
        assert!(t.contains("C-1") && t.contains(RESTRICTED_NOTICE) && t.contains("Cerys Vale"));
        assert!(!t.contains("Ada Thorn") && !t.contains("Change the locks"));
    }

    #[test]
    fn a_copy_with_nothing_shared_says_so() {
        let homes = rep("homes");
        let t = text(&minutes_copy(&record(), &homes, &grants(&homes, &[]), "D-1"));
        assert!(t.contains("None of the cases discussed at this meeting is shared with your agency"));
        assert!(t.contains("Everything said here is confidential.") && !t.contains("C-1"));
    }

    #[test]
    fn every_copy_is_marked_watermarked_and_carries_the_statement() {
        let doc = minutes_copy(&record(), &rep("homes"), &BTreeMap::new(), "D-7");
        assert_eq!(doc.marking, "OFFICIAL-SENSITIVE");
        assert_eq!(doc.watermark, "homes agency \u{2014} Łucja Nowak");
        assert_eq!(doc.id, "D-7");
        assert_eq!(doc.blocks.first(), Some(&Block::Notice("Everything said here is confidential.".into())));
    }

    #[test]
    fn an_action_list_says_so_when_empty() {
        let t = text(&action_list(&[], &rep("homes"), "27 November 2026", "A-1"));
        assert!(t.contains("no outstanding MARAC actions"));
        let line = ActionLine { reference: "C-1".into(), description: "Change the locks".into(), ..ActionLine::default() };
        let t = text(&action_list(&[line], &rep("homes"), "27 November 2026", "A-1"));
        assert!(t.contains("Change the locks") && t.contains("C-1"));
    }
}

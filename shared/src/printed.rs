//! Documents printed for one person: an agency's copy of a meeting's minutes, and an agency's
//! action list. What each case contributes is decided by `policy::minutes::case_in_copy`; this
//! module only lays the permitted content out as [`Document`] blocks.

use std::collections::BTreeMap;

use crate::document::{Block, Document};
use crate::marking::PROTECTIVE_MARKING;
use crate::meeting::EntryKind;
use crate::policy::cases::CaseRelation;
use crate::policy::minutes::{case_in_copy, CaseInCopy};
use crate::policy::Actor;

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
    /// The cases, in agenda order.
    pub cases: Vec<CaseMinutes>,
}

/// One case's minutes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseMinutes {
    /// The case's id (never printed).
    pub case_id: String,
    /// The case reference.
    pub reference: String,
    /// Whether the case is restricted (data protection).
    pub restricted: bool,
    /// The victim's name.
    pub victim_name: String,
    /// Perpetrators' names.
    pub perpetrators: Vec<String>,
    /// Number of children in the household.
    pub children: usize,
    /// Why the case was referred (markdown: criteria, DASH score, summary).
    pub summary: String,
    /// Research shared before the meeting.
    pub research: Vec<Point>,
    /// What was said at the meeting.
    pub entries: Vec<Point>,
    /// Risks identified (markdown).
    pub risks: String,
    /// The decision (markdown).
    pub decision: String,
    /// Actions agreed.
    pub actions: Vec<ActionLine>,
    /// Amendments made after the minutes were finalised.
    pub amendments: Vec<String>,
}

/// A point of research or minutes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Point {
    /// Fact or opinion.
    pub kind: EntryKind,
    /// Source agency, and person where known.
    pub source: String,
    /// What was said (markdown).
    pub body: String,
}

/// An action as printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionLine {
    /// The owning agency's id (never printed).
    pub owner_agency_id: String,
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

/// The notice printed in place of a restricted case.
pub const RESTRICTED_NOTICE: &str =
    "Restricted. This record is restricted under data protection law and is not shared. Contact the MARAC coordinator if you need it.";

/// The watermark for `recipient`: their agency and name.
pub fn watermark(recipient: &Actor) -> String {
    format!("{} \u{2014} {}", recipient.agency_name.as_deref().unwrap_or_default(), recipient.name)
}

fn point_blocks(heading: &str, points: &[Point], blocks: &mut Vec<Block>) {
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

fn case_blocks(case: &CaseMinutes, shown: CaseInCopy, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading { level: 2, text: format!("Case {}", case.reference) });
    let parts = match shown {
        CaseInCopy::Omitted => return,
        CaseInCopy::Restricted => {
            blocks.push(Block::Notice(RESTRICTED_NOTICE.into()));
            return;
        }
        CaseInCopy::ActionsOnly => None,
        CaseInCopy::Parts(parts) => Some(parts),
    };
    let mut about = Vec::new();
    if parts.is_some_and(|p| p.victim_identity) {
        about.push(("Victim".to_string(), case.victim_name.clone()));
    }
    if parts.is_some_and(|p| p.perpetrators) && !case.perpetrators.is_empty() {
        about.push(("Perpetrator".to_string(), case.perpetrators.join(", ")));
    }
    if parts.is_some_and(|p| p.household) {
        about.push(("Children in the household".to_string(), case.children.to_string()));
    }
    if !about.is_empty() {
        blocks.push(Block::Fields(about));
    }
    if parts.is_some_and(|p| p.risk) {
        if !case.summary.trim().is_empty() {
            blocks.push(Block::Heading { level: 3, text: "Referral".into() });
            blocks.push(Block::Markdown(case.summary.clone()));
        }
        point_blocks("Research shared before the meeting", &case.research, blocks);
        point_blocks("Discussion", &case.entries, blocks);
    } else {
        blocks.push(Block::Text("Your agency owns an action on this case; only the risks, decision and actions are shared with it.".into()));
    }
    markdown_section("Risks identified", &case.risks, blocks);
    markdown_section("Decision", &case.decision, blocks);
    if !case.actions.is_empty() {
        blocks.push(Block::Heading { level: 3, text: "Actions".into() });
        blocks.extend(case.actions.iter().map(action_fields));
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

/// `recipient`'s copy of the minutes: only the cases, and parts of cases, their agency may see
/// (`relations` holds their agency's relation to each case id; a case without one is treated
/// as unrelated), then their agency's own actions with due dates.
pub fn minutes_copy(record: &MinutesRecord, recipient: &Actor, relations: &BTreeMap<String, CaseRelation>, id: &str) -> Document {
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
    let unrelated = CaseRelation::default();
    let mut own_actions = Vec::new();
    let mut shown_cases = 0;
    for case in &record.cases {
        let owns_action = case.actions.iter().any(|a| a.owner_agency_id == agency);
        let shown = case_in_copy(recipient, relations.get(&case.case_id).unwrap_or(&unrelated), owns_action);
        if shown == CaseInCopy::Omitted {
            continue;
        }
        shown_cases += 1;
        if shown != CaseInCopy::Restricted {
            own_actions.extend(case.actions.iter().filter(|a| a.owner_agency_id == agency));
        }
        case_blocks(case, shown, &mut blocks);
    }
    if shown_cases == 0 {
        blocks.push(Block::Text("None of the cases discussed at this meeting is shared with your agency.".into()));
    }
    blocks.push(Block::Heading { level: 2, text: "Your agency's actions".into() });
    if own_actions.is_empty() {
        blocks.push(Block::Text("Your agency has no actions from this meeting.".into()));
    }
    blocks.extend(own_actions.into_iter().map(action_fields));
    Document {
        id: id.into(),
        title: "MARAC minutes".into(),
        marking: PROTECTIVE_MARKING.into(),
        watermark: watermark(recipient),
        blocks,
    }
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
    use crate::identity::Role;
    use crate::isa::SignatoryStatus;
    use crate::policy::cases::Involvement;

    fn rep(agency: &str) -> Actor {
        let mut a = crate::policy::test_actor(&[Role::AgencyRepresentative], Some(SignatoryStatus::Current));
        a.agency_id = Some(agency.into());
        a.agency_name = Some(format!("{agency} agency"));
        a.name = "Łucja Nowak".into();
        a
    }

    fn action(reference: &str, agency: &str, what: &str) -> ActionLine {
        ActionLine {
            owner_agency_id: agency.into(),
            reference: reference.into(),
            owner_agency: format!("{agency} agency"),
            description: what.into(),
            due: "1 December 2026".into(),
            status: "Open".into(),
        }
    }

    fn case(id: &str, victim: &str, actions: Vec<ActionLine>) -> CaseMinutes {
        CaseMinutes {
            case_id: id.into(),
            reference: format!("C-{id}"),
            victim_name: victim.into(),
            perpetrators: vec![format!("{victim}'s ex-partner")],
            summary: format!("Summary about {victim}"),
            entries: vec![Point { kind: EntryKind::Fact, source: "Police".into(), body: format!("Incident involving {victim}") }],
            risks: format!("Risk to {victim}"),
            decision: "Safety plan".into(),
            actions,
            ..CaseMinutes::default()
        }
    }

    fn record() -> MinutesRecord {
        MinutesRecord {
            held: "Tuesday 3 November 2026".into(),
            chair: "Chair Person".into(),
            statement: "Everything said here is confidential.".into(),
            cases: vec![
                case("1", "Ada Thorn", vec![action("C-1", "homes", "Change the locks")]),
                case("2", "Bea Quill", vec![action("C-2", "police", "Flag the address")]),
                case("3", "Cerys Vale", vec![]),
            ],
            ..MinutesRecord::default()
        }
    }

    fn text(doc: &Document) -> String {
        format!("{doc:?}")
    }

    #[test]
    fn a_copy_holds_only_the_cases_the_agency_may_see() {
        let relations = BTreeMap::from([(
            "3".to_string(),
            CaseRelation { involvement: [Involvement::Victim].into_iter().collect(), ..CaseRelation::default() },
        )]);
        let doc = minutes_copy(&record(), &rep("homes"), &relations, "D-1");
        let t = text(&doc);
        assert!(t.contains("Cerys Vale") && t.contains("Incident involving Cerys Vale"), "involved case in full");
        assert!(t.contains("C-1") && t.contains("Risk to Ada Thorn") && t.contains("Change the locks"), "case it has an action on");
        assert!(!t.contains("Incident involving Ada Thorn") && !t.contains("Summary about Ada"), "only risks, decision, actions");
        assert!(!t.contains("Bea Quill") && !t.contains("C-2") && !t.contains("Flag the address"), "unrelated case left out");
    }

    #[test]
    fn the_agencys_own_actions_close_the_copy() {
        let doc = minutes_copy(&record(), &rep("homes"), &BTreeMap::new(), "D-1");
        let last_heading = doc.blocks.iter().rposition(|b| matches!(b, Block::Heading { text, .. } if text == "Your agency's actions"));
        let tail = format!("{:?}", &doc.blocks[last_heading.unwrap_or_default()..]);
        assert!(last_heading.is_some() && tail.contains("Change the locks") && tail.contains("1 December 2026"));
    }

    #[test]
    fn a_restricted_case_shows_its_reference_and_notice_only() {
        let mut r = record();
        r.cases[0].restricted = true;
        let relations = BTreeMap::from([(
            "1".to_string(),
            CaseRelation { involvement: [Involvement::Victim].into_iter().collect(), restricted: true, ..CaseRelation::default() },
        )]);
        let t = text(&minutes_copy(&r, &rep("homes"), &relations, "D-1"));
        assert!(t.contains("C-1") && t.contains(RESTRICTED_NOTICE));
        assert!(!t.contains("Ada Thorn") && !t.contains("Change the locks"));
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
        let t = text(&action_list(&[action("C-1", "homes", "Change the locks")], &rep("homes"), "27 November 2026", "A-1"));
        assert!(t.contains("Change the locks") && t.contains("C-1"));
    }
}

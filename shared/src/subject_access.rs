//! Subject access: everything held about one person (a victim, a perpetrator or a household
//! member), with other people's data taken out before the DPO reviews and releases it.
//!
//! A victim receives their own details and what was shared and decided about their safety, with
//! every other person's name replaced. A perpetrator or household member receives their own
//! details and the cases they appear in; what was said about the victim's safety is withheld,
//! as disclosure would be likely to cause serious harm (Data Protection Act 2018, Schedule 2
//! and 3), and a perpetrator's export never holds the victim's name, address or contact details.

use serde::{Deserialize, Serialize};

use crate::document::{Block, Document};
use crate::marking::PROTECTIVE_MARKING;
use crate::meeting::EntryKind;

/// How the person appears in a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// The person referred for their safety.
    Victim,
    /// The person said to cause the harm.
    Perpetrator,
    /// A child or other vulnerable person in the household.
    HouseholdMember,
}

impl SubjectKind {
    /// Every kind.
    pub const ALL: [SubjectKind; 3] = [SubjectKind::Victim, SubjectKind::Perpetrator, SubjectKind::HouseholdMember];

    /// Stable stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Victim => "victim",
            SubjectKind::Perpetrator => "perpetrator",
            SubjectKind::HouseholdMember => "household_member",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<SubjectKind> {
        SubjectKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            SubjectKind::Victim => "Victim",
            SubjectKind::Perpetrator => "Perpetrator",
            SubjectKind::HouseholdMember => "Household member",
        }
    }
}

/// A point of research or minutes, as held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldPoint {
    /// Fact or opinion.
    pub kind: EntryKind,
    /// The agency it came from (professionals' own names are not included).
    pub agency: String,
    /// What was said.
    pub body: String,
}

/// Something that identifies another person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThirdParty {
    /// The text as held.
    pub text: String,
    /// A name (its parts are searched for too), rather than an address or contact detail.
    pub is_name: bool,
}

impl ThirdParty {
    /// A person's name.
    pub fn name(text: impl Into<String>) -> Self {
        ThirdParty { text: text.into(), is_name: true }
    }

    /// An address or contact detail.
    pub fn detail(text: impl Into<String>) -> Self {
        ThirdParty { text: text.into(), is_name: false }
    }
}

/// One appearance of the person in a referral, as the server loaded it: their own details and
/// the case around them, third parties included. [`redact`] decides what leaves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appearance {
    /// The case reference, once the referral was accepted.
    pub case_reference: Option<String>,
    /// When the referral was made (for people).
    pub referred_on: String,
    /// The referring agency.
    pub referring_agency: String,
    /// The person's own details: (label, value).
    pub own: Vec<(String, String)>,
    /// Other people in the referral: names, addresses and contact details to take out of text.
    pub third_parties: Vec<ThirdParty>,
    /// Why the case was referred.
    pub summary: String,
    /// Research and minutes.
    pub points: Vec<HeldPoint>,
    /// Risks identified and decisions, one per meeting.
    pub decisions: Vec<String>,
    /// Actions agreed.
    pub actions: Vec<String>,
}

/// What is released about one appearance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleasedAppearance {
    /// The case reference, if any.
    pub case_reference: Option<String>,
    /// When the referral was made.
    pub referred_on: String,
    /// The referring agency.
    pub referring_agency: String,
    /// The person's own details.
    pub your_details: Vec<(String, String)>,
    /// Why the case was referred, others' details removed (victims only).
    pub summary: Option<String>,
    /// What agencies shared, others' details removed (victims only).
    pub shared_by_agencies: Vec<HeldPoint>,
    /// Risks and decisions, others' details removed (victims only).
    pub decisions: Vec<String>,
    /// Actions, others' details removed (victims only).
    pub actions: Vec<String>,
    /// What was withheld and why, if anything.
    pub withheld: Option<String>,
}

/// The export, ready for the DPO to review: JSON as it is, PDF through [`export_document`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectExport {
    /// The person's name.
    pub subject: String,
    /// How they appear.
    pub kind: SubjectKind,
    /// When the export was prepared (for people).
    pub prepared_on: String,
    /// Every appearance.
    pub appearances: Vec<ReleasedAppearance>,
}

/// What stands in place of another person's details.
pub const REDACTED: &str = "[withheld: another person]";

/// Why a perpetrator's or household member's export leaves out the case discussion.
pub const WITHHELD_HARM: &str = "What agencies shared and decided about another person's safety is withheld: disclosing it would be likely \
     to cause serious harm to that person (Data Protection Act 2018, Schedule 2 and 3).";

/// What to search text for: each other person's details as a whole (names, addresses, contact
/// details), and the parts of their names of three or more letters that are not also part of
/// the subject's own name. Addresses and contact details are never split into words.
fn needles(third_parties: &[ThirdParty], subject: &str) -> Vec<String> {
    let own: Vec<String> = subject.split_whitespace().map(str::to_lowercase).collect();
    let mut out: Vec<String> = Vec::new();
    for t in third_parties {
        let whole = t.text.trim();
        if whole.is_empty() {
            continue;
        }
        out.push(whole.to_lowercase());
        if t.is_name {
            out.extend(
                whole
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
                    .filter(|w| w.chars().count() >= 3 && !own.contains(w)),
            );
        }
    }
    out.sort_by_key(|n| std::cmp::Reverse(n.len()));
    out.dedup();
    out
}

/// Replaces every case-insensitive occurrence of each needle in `text` with [`REDACTED`].
fn scrub(text: &str, needles: &[String]) -> String {
    let mut out = text.to_string();
    for n in needles {
        let mut result = String::with_capacity(out.len());
        let lower = out.to_lowercase();
        if lower.len() != out.len() {
            // Lower-casing changed byte lengths (rare scripts): fall back to exact matches.
            out = out.replace(n.as_str(), REDACTED);
            continue;
        }
        let mut last = 0;
        for (i, _) in lower.match_indices(n.as_str()) {
            if i < last {
                continue;
            }
            let before = lower[..i].chars().next_back();
            let after = lower[i + n.len()..].chars().next();
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric) {
                continue;
            }
            result.push_str(&out[last..i]);
            result.push_str(REDACTED);
            last = i + n.len();
        }
        result.push_str(&out[last..]);
        out = result;
    }
    out
}

/// What may be released about `subject`, who appears as `kind` in `appearances`.
pub fn redact(subject: &str, kind: SubjectKind, appearances: &[Appearance], prepared_on: &str) -> SubjectExport {
    let released = appearances
        .iter()
        .map(|a| {
            let base = ReleasedAppearance {
                case_reference: a.case_reference.clone(),
                referred_on: a.referred_on.clone(),
                referring_agency: a.referring_agency.clone(),
                your_details: a.own.clone(),
                summary: None,
                shared_by_agencies: Vec::new(),
                decisions: Vec::new(),
                actions: Vec::new(),
                withheld: Some(WITHHELD_HARM.into()),
            };
            if kind != SubjectKind::Victim {
                return base;
            }
            let n = needles(&a.third_parties, subject);
            ReleasedAppearance {
                summary: Some(scrub(&a.summary, &n)),
                shared_by_agencies: a.points.iter().map(|p| HeldPoint { body: scrub(&p.body, &n), ..p.clone() }).collect(),
                decisions: a.decisions.iter().map(|d| scrub(d, &n)).collect(),
                actions: a.actions.iter().map(|d| scrub(d, &n)).collect(),
                withheld: (!a.third_parties.is_empty())
                    .then(|| "Other people's names and details are replaced by \u{201c}[withheld: another person]\u{201d}.".to_string()),
                ..base
            }
        })
        .collect();
    SubjectExport { subject: subject.into(), kind, prepared_on: prepared_on.into(), appearances: released }
}

/// The export as a printable document for the DPO to release.
pub fn export_document(export: &SubjectExport, watermark: &str, id: &str) -> Document {
    let mut blocks = vec![
        Block::Notice(format!(
            "This is the information Roundtable holds about {}, prepared in answer to a subject access request on {}. \
             Other people's information has been removed.",
            export.subject, export.prepared_on
        )),
        Block::Fields(vec![("Name".into(), export.subject.clone()), ("Recorded as".into(), export.kind.label().into())]),
    ];
    for (i, a) in export.appearances.iter().enumerate() {
        blocks.push(Block::Heading { level: 2, text: format!("Record {}: {}", i + 1, a.case_reference.as_deref().unwrap_or("referral not heard")) });
        blocks.push(Block::Fields(vec![("Referred on".into(), a.referred_on.clone()), ("Referred by".into(), a.referring_agency.clone())]));
        blocks.push(Block::Heading { level: 3, text: "Your details".into() });
        blocks.push(Block::Fields(a.your_details.clone()));
        if let Some(s) = &a.summary {
            blocks.push(Block::Heading { level: 3, text: "Why you were referred".into() });
            blocks.push(Block::Markdown(s.clone()));
        }
        if !a.shared_by_agencies.is_empty() {
            blocks.push(Block::Heading { level: 3, text: "What agencies shared".into() });
            blocks.extend(a.shared_by_agencies.iter().map(|p| Block::Entry { kind: p.kind, source: p.agency.clone(), body: p.body.clone() }));
        }
        for (heading, items) in [("Risks and decisions", &a.decisions), ("Actions agreed", &a.actions)] {
            if !items.is_empty() {
                blocks.push(Block::Heading { level: 3, text: heading.into() });
                blocks.push(Block::Markdown(items.iter().map(|t| format!("- {}\n", t.replace('\n', " "))).collect()));
            }
        }
        if let Some(w) = &a.withheld {
            blocks.push(Block::Notice(w.clone()));
        }
    }
    Document { id: id.into(), title: "Subject access export".into(), marking: PROTECTIVE_MARKING.into(), watermark: watermark.into(), blocks }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn appearance() -> Appearance {
        Appearance {
            case_reference: Some("C-2026-00001".into()),
            referred_on: "3 October 2026".into(),
            referring_agency: "Wyvernshire Police".into(),
            own: vec![("Name".into(), "Ada Thornbury".into())],
            third_parties: vec![
                ThirdParty::name("Callum Thornbury"),
                ThirdParty::name("Milo Thornbury"),
                ThirdParty::detail("14 Larkspur Row, Wyvernbridge WY4 2QT"),
                ThirdParty::detail("Text first, never leave a voicemail"),
            ],
            summary: "Callum strangled Ada. Milo was at home. Police went to 14 Larkspur Row, Wyvernbridge WY4 2QT. The victim fears the worst.".into(),
            points: vec![HeldPoint { kind: EntryKind::Opinion, agency: "IDVA service".into(), body: "callum THORNBURY is escalating".into() }],
            decisions: vec!["Refer Callum to a perpetrator programme".into()],
            actions: vec!["Strategy discussion about Milo".into()],
        }
    }

    #[test]
    fn a_victim_gets_what_was_shared_with_other_peoples_names_removed() {
        let e = redact("Ada Thornbury", SubjectKind::Victim, &[appearance()], "27 November 2026");
        let a = &e.appearances[0];
        let text = format!("{a:?}");
        assert!(!text.contains("Callum") && !text.to_lowercase().contains("callum") && !text.contains("Milo"), "{text}");
        assert!(!text.contains("Larkspur"), "{text}");
        assert!(text.contains("strangled Ada"), "the victim's own name stays: {text}");
        assert_eq!(
            a.summary.as_deref(),
            Some("[withheld: another person] strangled Ada. [withheld: another person] was at home. Police went to [withheld: another person]. The victim fears the worst."),
            "addresses and contact details are matched whole, never word by word"
        );
        assert_eq!(a.shared_by_agencies[0].body, "[withheld: another person] is escalating");
    }

    #[test]
    fn a_perpetrators_export_never_holds_the_victims_details() {
        let mut a = appearance();
        a.own = vec![("Name".into(), "Callum Thornbury".into())];
        a.third_parties = vec![ThirdParty::name("Ada Thornbury"), ThirdParty::detail("14 Larkspur Row"), ThirdParty::detail("07700 900123")];
        let e = redact("Callum Thornbury", SubjectKind::Perpetrator, &[a], "27 November 2026");
        let text = format!("{e:?}");
        for secret in ["Ada", "Larkspur", "07700", "strangled", "escalating"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(e.appearances[0].withheld.as_deref(), Some(WITHHELD_HARM));
        assert!(text.contains("C-2026-00001"), "the person learns which record holds their data");
    }

    #[test]
    fn a_household_member_gets_their_own_details_only() {
        let mut a = appearance();
        a.own = vec![("Name".into(), "Milo Thornbury".into()), ("Date of birth".into(), "2 June 2017".into())];
        let e = redact("Milo Thornbury", SubjectKind::HouseholdMember, &[a], "27 November 2026");
        assert!(e.appearances[0].summary.is_none() && e.appearances[0].shared_by_agencies.is_empty());
        assert_eq!(e.appearances[0].your_details.len(), 2);
    }

    #[test]
    fn name_parts_inside_other_words_are_left_alone() {
        let n = needles(&[ThirdParty::name("Al Rae"), ThirdParty::name("Ann Lee")], "Bea Quill");
        assert_eq!(scrub("Annual review with Ann Lee; Ann agreed.", &n), "Annual review with [withheld: another person]; [withheld: another person] agreed.");
    }

    #[test]
    fn the_document_is_marked_and_lists_every_record() {
        let e = redact("Ada Thornbury", SubjectKind::Victim, &[appearance(), appearance()], "27 November 2026");
        let d = export_document(&e, "Adult Social Care \u{2014} DPO", "S-1");
        assert_eq!(d.marking, "OFFICIAL-SENSITIVE");
        let headings = d.blocks.iter().filter(|b| matches!(b, Block::Heading { level: 2, .. })).count();
        assert_eq!(headings, 2);
        assert!(!format!("{d:?}").contains("Callum"));
    }

    #[test]
    fn kinds_round_trip() {
        for k in SubjectKind::ALL {
            assert_eq!(SubjectKind::parse(k.as_str()), Some(k));
        }
    }
}

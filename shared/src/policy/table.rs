//! The README's table "Who sees what, and when", worked out from the policy itself, so the
//! two cannot disagree: a test compares the table in the README with [`who_sees_what`].

use super::exposure::{grant, CaseFacts, Context, Grant, Involvement, Seat, Standing, IDENTIFIERS, PRESENTED, RESEARCH_LIST};
use super::parts::{Part, Parts};
use super::Actor;
use crate::identity::Role;
use crate::isa::SignatoryStatus;
use crate::meeting::MeetingStatus;

/// The kinds of person the table has a row for: (words, roles, agency standing, relation).
fn rows() -> Vec<(&'static str, Vec<Role>, SignatoryStatus, CaseFacts)> {
    let current = SignatoryStatus::Current;
    let rep = || vec![Role::AgencyRepresentative];
    let involved = |i: Involvement| CaseFacts { known: [i].into_iter().collect(), ..CaseFacts::default() };
    vec![
        ("Coordinator", vec![Role::Coordinator], current, CaseFacts::default()),
        ("Data protection officer", vec![Role::DataProtectionOfficer], current, CaseFacts::default()),
        ("Chair", vec![Role::Chair], current, CaseFacts::default()),
        ("IDVA", vec![Role::Idva], current, CaseFacts::default()),
        ("Referring agency", rep(), current, CaseFacts { referred: true, ..CaseFacts::default() }),
        ("Agency working with the victim", rep(), current, involved(Involvement::Victim)),
        ("Agency working with the perpetrator only", rep(), current, involved(Involvement::Perpetrator)),
        ("Agency working with the children or household", rep(), current, involved(Involvement::Household)),
        ("Agency owning an action only", rep(), current, CaseFacts { owns_action: true, ..CaseFacts::default() }),
        ("Other invited agency", rep(), current, CaseFacts::default()),
        (
            "Agency whose ISA is withdrawn or suspended",
            rep(),
            SignatoryStatus::Withdrawn,
            CaseFacts { referred: true, owns_action: true, ..CaseFacts::default() },
        ),
        ("Administrator", vec![Role::Administrator], current, CaseFacts::default()),
    ]
}

/// The columns: a heading and the context (`None`: the case record, with no meeting).
fn columns() -> Vec<(&'static str, Option<Seat>, bool)> {
    let seat = |status, present| Some(Seat { status, invited: true, chair: false, acknowledged: true, present });
    vec![
        ("Agenda not yet published", seat(MeetingStatus::Scheduled, false), false),
        ("On a published agenda", seat(MeetingStatus::AgendaPublished, false), false),
        ("At the meeting, in the room", seat(MeetingStatus::InProgress, true), false),
        ("At the meeting, out of the room", seat(MeetingStatus::InProgress, false), false),
        ("After the meeting", seat(MeetingStatus::MinutesFinal, true), false),
        ("Restricted case", seat(MeetingStatus::InProgress, true), true),
    ]
}

/// Named selections of parts, largest first, for short table cells.
fn bundles() -> [(&'static str, Parts); 6] {
    [
        ("everything", Parts::ALL),
        ("everything but safe contact details", Parts::ALL.without(Part::VictimContact)),
        ("the case as presented", PRESENTED),
        ("the research list", RESEARCH_LIST),
        ("identifiers", IDENTIFIERS),
        ("nothing", Parts::NONE),
    ]
}

/// A grant in words: the largest named selection it holds, and what it adds.
fn describe(g: &Grant) -> String {
    match g.standing {
        Standing::Hidden => return "nothing (as if the case did not exist)".into(),
        Standing::Restricted => return "the reference, marked Restricted".into(),
        Standing::Open => {}
    }
    let (name, base) = bundles().into_iter().find(|(_, b)| b.is_subset(g.parts)).unwrap_or(("nothing", Parts::NONE));
    let extra: Vec<&str> = g.parts.iter().filter(|p| !base.has(*p)).map(Part::label).collect();
    match (name, extra.is_empty()) {
        (name, true) => name.to_string(),
        ("nothing", false) => extra.join(", "),
        (name, false) => format!("{name}, {}", extra.join(", ")),
    }
}

fn actor(roles: &[Role], status: SignatoryStatus) -> Actor {
    Actor {
        user_id: "u".into(),
        name: "Someone".into(),
        agency_id: (!roles.contains(&Role::Administrator)).then(|| "a".into()),
        agency_name: None,
        agency_status: Some(status),
        roles: roles.iter().copied().collect(),
        reauthenticated_recently: false,
    }
}

/// The table, in markdown, followed by what each named selection holds.
pub fn who_sees_what() -> String {
    let cols = columns();
    let mut out = format!("| who | {} |\n|---|{}\n", cols.iter().map(|c| c.0).collect::<Vec<_>>().join(" | "), "---|".repeat(cols.len()));
    for (who, roles, status, facts) in rows() {
        let a = actor(&roles, status);
        let cells: Vec<String> = cols
            .iter()
            .map(|(_, seat, restricted)| {
                describe(&grant(&a, &Context { facts: CaseFacts { restricted: *restricted, ..facts.clone() }, seat: *seat }))
            })
            .collect();
        out.push_str(&format!("| {who} | {} |\n", cells.join(" | ")));
    }
    out.push('\n');
    for (name, parts) in bundles().into_iter().filter(|(_, p)| *p != Parts::ALL && !p.is_empty()) {
        out.push_str(&format!("- **{name}**: {}\n", parts.iter().map(Part::label).collect::<Vec<_>>().join("; ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: &str = "<!-- who-sees-what:start -->\n";
    const END: &str = "<!-- who-sees-what:end -->";

    #[test]
    fn the_readme_table_is_the_policys() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap_or_default();
        let table = readme.split_once(START).and_then(|(_, rest)| rest.split_once(END)).map(|(t, _)| t.trim_end().to_string());
        let expected = who_sees_what();
        assert_eq!(
            table.as_deref(),
            Some(expected.trim_end()),
            "the README's \"Who sees what, and when\" table disagrees with the policy; replace it with:\n{expected}"
        );
    }

    #[test]
    fn the_table_tells_the_story() {
        let t = who_sees_what();
        assert!(t.contains("| Other invited agency | nothing (as if the case did not exist) | the research list | the case as presented | the research list | nothing"));
        assert!(t.contains("| Coordinator | everything |"));
        assert!(t.contains("the reference, marked Restricted"));
    }
}

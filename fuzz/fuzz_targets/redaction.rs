//! `shared::subject_access::redact`: whatever the text and whatever the names (any script, any
//! case, combining marks, ligatures, characters whose case changes their length), redaction
//! never panics, and no third party's name or detail survives as a whole word in what a victim
//! receives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roundtable_fuzz::{Budget, Text};
use shared::subject_access::{leaks, redact, Appearance, SubjectKind, ThirdParty};

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    subject: Text,
    names: Vec<Text>,
    detail: Text,
    /// Pieces of text, some of which are made from the names in another case.
    pieces: Vec<(Text, u8)>,
}

fn recase(s: &str, how: u8) -> String {
    match how % 4 {
        0 => s.to_string(),
        1 => s.to_uppercase(),
        2 => s.to_lowercase(),
        _ => s.chars().rev().collect(),
    }
}

fuzz_target!(|input: Input| {
    let mut budget = Budget(2048);
    let subject = input.subject.build(&mut budget);
    let names: Vec<String> = input.names.iter().take(4).map(|n| n.build(&mut budget)).collect();
    let mut third: Vec<ThirdParty> = names.iter().cloned().map(ThirdParty::name).collect();
    third.push(ThirdParty::detail(input.detail.build(&mut budget)));
    let mut summary = String::new();
    for (piece, how) in input.pieces.iter().take(8) {
        let text = piece.build(&mut budget);
        summary.push_str(&recase(&text, *how));
        summary.push(' ');
        if let Some(name) = names.get(usize::from(*how) % names.len().max(1)) {
            summary.push_str(&recase(name, how / 4));
            summary.push_str(". ");
        }
    }
    let appearance = Appearance { summary: summary.clone(), third_parties: third.clone(), ..Appearance::default() };
    let export = redact(&subject, SubjectKind::Victim, &[appearance], "today");
    let out = export.appearances[0].summary.clone().unwrap_or_default();
    assert!(!leaks(&out, &third, &subject), "a third party survived: {summary:?} -> {out:?}");
});

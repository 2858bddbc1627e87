//! `shared::subject_access::redact` and `erase_mentions`: whatever the text and whatever the
//! names (any script, any case, combining marks, ligatures, characters whose case changes their
//! length), redaction never panics, and no third party's name or detail survives as a whole
//! word in what a victim receives.
//!
//! Two checks: `leaks` (the module's own matcher, run again over what is left between the
//! markers), and an independent one that does not share its code: each third party's name or
//! detail, as given, in capitals or in small letters, must not appear verbatim between two word
//! boundaries in what is left. A combining mark belongs to the character before it, so a stray
//! accent after a space or a bracket does not make the name that follows part of a longer word.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roundtable_fuzz::{Budget, Text};
use shared::subject_access::{erase_mentions, leaks, redact, Appearance, SubjectKind, ThirdParty, ERASED, REDACTED};
use unicode_normalization::char::is_combining_mark;

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    subject: Text,
    names: Vec<Text>,
    detail: Text,
    /// Pieces of text, each followed by a separator and one of the names (recased).
    pieces: Vec<(Text, u8, u8)>,
}

/// What may stand between a piece of text and a name.
const SEPARATORS: &[&str] = &[" ", "\n", " (", " \"", ", ", " \u{301}", "(\u{308}", " \u{200b}", "-", "\u{2019}", "\t\u{feff}", ""];

fn recase(s: &str, how: u8) -> String {
    match how % 4 {
        0 => s.to_string(),
        1 => s.to_uppercase(),
        2 => s.to_lowercase(),
        _ => s.chars().rev().collect(),
    }
}

/// A letter or digit that is not a combining mark (a clean first or last character of a word).
fn base_letter(c: char) -> bool {
    c.is_alphanumeric() && !is_combining_mark(c)
}

/// Characters that `redact` treats as not there at all (zero-width and format characters).
fn ignorable(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}')
}

/// Whether `segment[..at]` ends outside a word: the last character that is not a combining
/// mark is not a letter or digit (or there is none).
fn word_ends_before(segment: &str, at: usize) -> bool {
    !segment[..at].chars().rev().find(|c| !is_combining_mark(*c)).is_some_and(|c| c.is_alphanumeric())
}

/// Whether `segment[at..]` starts outside a word: nothing, or a character that is no letter,
/// digit, combining mark or ignorable character.
fn word_starts_after(segment: &str, at: usize) -> bool {
    segment[at..].chars().next().is_none_or(|c| !c.is_alphanumeric() && !is_combining_mark(c) && !ignorable(c))
}

/// The forms of a third party's text the independent check looks for: as given, in capitals
/// and in small letters (where changing the case and back gives the same text), each only if it
/// begins and ends with a plain letter or digit.
fn forms(t: &ThirdParty) -> Vec<String> {
    let given = t.text.trim().to_string();
    let mut out = vec![given.clone(), given.to_lowercase()];
    let upper = given.to_uppercase();
    if upper.to_lowercase() == given.to_lowercase() {
        out.push(upper);
    }
    out.retain(|w| w.chars().next().is_some_and(base_letter) && w.chars().next_back().is_some_and(base_letter));
    out.sort();
    out.dedup();
    out
}

/// The first form of a third party found whole between word boundaries in `out`, outside the
/// `marker`s.
fn survivor<'a>(out: &str, marker: &str, forms: &'a [String]) -> Option<&'a str> {
    for segment in out.split(marker) {
        for w in forms {
            for (at, _) in segment.match_indices(w.as_str()) {
                if word_ends_before(segment, at) && word_starts_after(segment, at + w.len()) {
                    return Some(w);
                }
            }
        }
    }
    None
}

fuzz_target!(|input: Input| {
    let mut budget = Budget(2048);
    let subject = input.subject.build(&mut budget);
    let names: Vec<String> = input.names.iter().take(4).map(|n| n.build(&mut budget)).collect();
    let mut third: Vec<ThirdParty> = names.iter().cloned().map(ThirdParty::name).collect();
    third.push(ThirdParty::detail(input.detail.build(&mut budget)));
    let mut summary = String::new();
    for (piece, how, sep) in input.pieces.iter().take(8) {
        let text = piece.build(&mut budget);
        summary.push_str(&recase(&text, *how));
        summary.push_str(SEPARATORS[usize::from(*sep) % SEPARATORS.len()]);
        if let Some(name) = names.get(usize::from(*how) % names.len().max(1)) {
            summary.push_str(&recase(name, how / 4));
            summary.push_str(". ");
        }
    }
    let all_forms: Vec<String> = third.iter().flat_map(forms).collect();

    let appearance = Appearance { summary: summary.clone(), third_parties: third.clone(), ..Appearance::default() };
    let export = redact(&subject, SubjectKind::Victim, &[appearance], "today");
    let out = export.appearances[0].summary.clone().unwrap_or_default();
    assert!(!leaks(&out, &third, &subject), "a third party survived: {summary:?} -> {out:?}");
    if let Some(w) = survivor(&out, REDACTED, &all_forms) {
        panic!("{w:?} survived whole: {summary:?} -> {out:?}");
    }

    let (erased, _) = erase_mentions(&summary, &third, std::slice::from_ref(&subject));
    if let Some(w) = survivor(&erased, ERASED, &all_forms) {
        panic!("{w:?} survived erasure whole: {summary:?} -> {erased:?}");
    }
});

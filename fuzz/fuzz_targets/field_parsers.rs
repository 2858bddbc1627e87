//! Every other form field parser and check in `shared`: dates, text and email fields, quarters,
//! audit anchors, the stored forms of every enum, names and their matching keys, DASH answers,
//! equality-monitoring codes, and the two places typed text is written out (CSV cells and
//! calendar files). Asserts no panic and the cheap invariants each promises.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use roundtable_fuzz::{any_date, Budget, Text};
use shared::audit::Anchor;
use shared::dash::{self, CriteriaInput, Criterion, DashAnswer, DashAnswers, RiskBand};
use shared::equality;
use shared::identity::{is_plausible_email, normalise_email, AgencyKind, Role};
use shared::isa::IsaState;
use shared::meeting::{ActionStatus, Attendance, EntryKind, MeetingStatus};
use shared::names::{keys_overlap, last_word, name_keys, normalise_name, sorted_key};
use shared::referral::{split_other_names, Consent, ReferralStatus, RejectionReason};
use shared::stats::{csv_field, csv_row, Quarter};
use shared::validation::{iso_date, parse_iso_date, Problems};
use time::Date;

#[derive(Debug, Clone, Copy)]
struct Day(Date);

impl<'a> Arbitrary<'a> for Day {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Day(any_date(u)?))
    }
}

/// A Unix time `time` can represent (what the server stores for meetings).
#[derive(Debug, Clone, Copy)]
struct Instant(i64);

impl<'a> Arbitrary<'a> for Instant {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Instant(u.int_in_range(-377_705_116_800..=253_402_300_799)?))
    }
}

#[derive(Arbitrary, Debug)]
enum Op {
    Date(Text),
    DateOf(Day, i64),
    Text { label: Text, raw: Text, max: u16 },
    Email(Text),
    Quarter(Text),
    QuarterOf(i32, u8, Day),
    Anchor(Text),
    StoredForm(Text),
    Names(Text, Vec<Text>),
    OtherNames(Text),
    Dash { answers: Vec<u8>, typed: Text, number: u8, json: Text, threshold: u8, callouts: Option<u32>, reason: Option<Text>, repeat: bool },
    Equality(Text),
    Csv(Vec<Text>),
    Calendar { uid: Text, place: Text, starts_at: Instant, minutes: u16, stamp: i64 },
}

fn b() -> Budget {
    Budget(16 * 1024)
}

fn date(raw: &str) {
    let parsed = parse_iso_date(raw);
    let _ = shared::display::iso_date(raw);
    let mut p = Problems::default();
    assert_eq!(p.date("d", "Date", raw), parse_iso_date(raw.trim()));
    assert_eq!(p.is_empty(), parse_iso_date(raw.trim()).is_some());
    let mut p = Problems::default();
    assert_eq!(p.optional_date("d", "Date", raw), parse_iso_date(raw.trim()));
    assert_eq!(p.is_empty(), raw.trim().is_empty() || parse_iso_date(raw.trim()).is_some());
    if let Some(d) = parsed {
        // The stored form reads back as the same day (the exact-text round trip is the
        // `iso_date` target's job).
        assert_eq!(parse_iso_date(&iso_date(d)), Some(d), "{raw:?}");
        assert!(raw.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+'), "accepted {raw:?}");
    }
}

fn date_of(d: Date, secs: i64) {
    let stored = iso_date(d);
    let expected = (0..=9999).contains(&d.year()).then_some(d);
    assert_eq!(parse_iso_date(&stored), expected, "{stored}");
    let _ = (shared::display::date(d), shared::display::day_of(secs), shared::display::instant(secs));
    let q = Quarter::from_date(d);
    assert_eq!(Quarter::new(q.year, q.q), Ok(q));
    assert!(q.contains(d));
}

fn text(label: &str, raw: &str, max: usize) {
    let trimmed = raw.trim();
    let bad = trimmed.chars().count() > max || trimmed.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
    let mut p = Problems::default();
    let got = p.optional_text("f", label, raw, max);
    assert_eq!(got.as_deref(), (!trimmed.is_empty()).then_some(trimmed));
    assert_eq!(p.0.len(), usize::from(bad), "{:?}", p.0);
    let mut p = Problems::default();
    assert_eq!(p.text("f", label, raw, max), trimmed);
    assert_eq!(p.is_empty(), !bad && !trimmed.is_empty());
    assert!(p.0.len() <= 1, "one field, one problem: {:?}", p.0);
    assert!(p.0.iter().all(|x| x.field == "f" && !x.message.is_empty()));
}

fn email(raw: &str) {
    let mut p = Problems::default();
    let n = p.email("e", "Work email", raw);
    assert_eq!(n, normalise_email(raw));
    assert_eq!(normalise_email(&n), n, "normalising twice changes {raw:?}");
    if p.is_empty() {
        assert!(is_plausible_email(&n), "accepted {raw:?} normalises to an implausible {n:?}");
        assert!(!n.is_empty() && n.chars().filter(|c| *c == '@').count() == 1);
    }
}

fn quarter(raw: &str) {
    if let Ok(q) = raw.parse::<Quarter>() {
        let (start, end) = (q.start().expect("a parsed quarter starts"), q.end().expect("a parsed quarter ends"));
        assert!(start <= end && q.contains(start) && q.contains(end));
        // Years before 0 print as "-316 Q2", which `from_str` reads as a separator: known,
        // harmless (no MARAC quarter is BC), so the round trip is checked from year 0 on.
        if q.year >= 0 {
            assert_eq!(q.to_string().parse::<Quarter>(), Ok(q));
            assert_eq!(format!("{}-Q{}", q.year, q.q).parse::<Quarter>(), Ok(q));
        }
    }
}

fn quarter_of(year: i32, n: u8) {
    match Quarter::new(year, n) {
        Ok(q) => {
            assert!((1..=4).contains(&n));
            if year >= 0 {
                assert_eq!(q.to_string().parse::<Quarter>(), Ok(q));
            }
            assert_eq!(q.start().map(Quarter::from_date), Some(q));
            assert_eq!(q.end().map(Quarter::from_date), Some(q));
        }
        Err(_) => assert!(!(1..=4).contains(&n) || !(-9999..=9999).contains(&year), "{year} Q{n} refused"),
    }
}

fn anchor(raw: &str) {
    if let Some(a) = Anchor::parse(raw) {
        assert!(a.seq > 0);
        assert!(a.hash.len() == 64 && a.hash.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)), "{a:?}");
        assert_eq!(Anchor::parse(&a.to_string()), Some(a.clone()));
        let v = shared::audit::ChainVerifier::with_anchor(a);
        assert!(v.finish().is_err(), "an empty chain cannot reach an anchor");
    }
}

macro_rules! round_trip {
    ($s:expr, $($parse:expr),+ $(,)?) => {
        $(
            if let Some(x) = $parse($s) {
                assert_eq!(x.as_str(), $s);
                assert_eq!($parse(x.as_str()), Some(x));
            }
        )+
    };
}

fn stored_form(s: &str) {
    round_trip!(
        s,
        Role::parse,
        AgencyKind::parse,
        Consent::parse,
        ReferralStatus::parse,
        RejectionReason::parse,
        IsaState::parse,
        MeetingStatus::parse,
        Attendance::parse,
        EntryKind::parse,
        ActionStatus::parse,
        DashAnswer::parse_str,
        RiskBand::parse_str,
        Criterion::parse_str,
    );
    match s.parse::<DashAnswer>() {
        Ok(a) => assert_eq!(a.as_str(), s.trim()),
        Err(e) => assert_eq!(e, dash::DashError::UnknownAnswer(s.trim().to_string())),
    }
    for r in Role::ALL {
        let _ = r.label();
    }
}

fn names(name: &str, others: &[String]) {
    for raw in std::iter::once(name).chain(others.iter().map(String::as_str)) {
        let key = normalise_name(raw);
        assert!(!key.starts_with(' ') && !key.ends_with(' ') && !key.contains("  "), "{raw:?} -> {key:?}");
        assert!(key.chars().all(|c| c == ' ' || c.is_alphanumeric()), "{raw:?} -> {key:?}");
        assert_eq!(normalise_name(&key), key, "normalising {raw:?} twice changes its key");
        let sorted = sorted_key(&key);
        assert_eq!(sorted_key(&sorted), sorted);
        assert_eq!(sorted.len(), key.len());
        assert_eq!(last_word(&key).is_some(), !key.is_empty());
    }
    let keys = name_keys(name, others);
    assert!(keys.iter().all(|k| !k.is_empty()));
    for (i, k) in keys.iter().enumerate() {
        assert!(!keys[..i].contains(k), "duplicate key {k:?}");
    }
    assert_eq!(keys_overlap(&keys, &keys), !keys.is_empty());
    if !normalise_name(name).is_empty() {
        assert_eq!(keys.first(), Some(&normalise_name(name)));
    }
}

fn other_names(raw: &str) {
    for n in split_other_names(raw) {
        assert!(!n.is_empty() && n == n.trim() && !n.contains(['\n', ',', ';']), "{n:?}");
    }
}

#[allow(clippy::too_many_arguments)]
fn dash_answers(answers: &[u8], typed: &str, number: u8, json: &str, threshold: u8, callouts: Option<u32>, reason: Option<String>, repeat: bool) {
    let list: Vec<DashAnswer> = answers.iter().map(|a| [DashAnswer::Yes, DashAnswer::No, DashAnswer::NotKnown][usize::from(*a % 3)]).collect();
    let yes = list.iter().filter(|a| **a == DashAnswer::Yes).count();
    let mut set = match DashAnswers::new(list.clone()) {
        Ok(set) => {
            assert_eq!(list.len(), dash::DASH_QUESTION_COUNT);
            assert_eq!(usize::from(dash::score(&set)), yes);
            set
        }
        Err(e) => {
            assert_ne!(list.len(), dash::DASH_QUESTION_COUNT);
            assert_eq!(e, dash::DashError::WrongAnswerCount(list.len()));
            DashAnswers::blank()
        }
    };
    let valid = (1..=24).contains(&number);
    assert_eq!(set.get(number).is_ok(), valid);
    assert_eq!(set.set(number, DashAnswer::Yes).is_ok(), valid);
    assert_eq!(dash::DASH_2009.get(number).is_some(), valid);
    let score = dash::score(&set);
    assert!(usize::from(score) <= dash::DASH_QUESTION_COUNT);
    assert_eq!(dash::band(score) == RiskBand::High, dash::meets_visible_high_risk(score));
    if let Ok(a) = typed.parse::<DashAnswer>() {
        assert_eq!(typed.trim().parse::<DashAnswer>(), Ok(a));
    }
    // A stored checklist (JSON) reads back only with exactly 24 known answers.
    if let Ok(stored) = serde_json::from_str::<DashAnswers>(json) {
        assert_eq!(stored.as_slice().len(), dash::DASH_QUESTION_COUNT);
        let again = serde_json::to_string(&stored).expect("answers serialise");
        assert_eq!(serde_json::from_str::<DashAnswers>(&again).ok(), Some(stored));
    }
    let input = CriteriaInput {
        dash_score: Some(score),
        professional_judgement_reason: reason,
        police_callouts_last_12_months: callouts,
        escalation_threshold: threshold,
        is_repeat: repeat,
    };
    let met = dash::criteria_met(&input);
    assert_eq!(dash::referral_eligible(&input), !met.is_empty());
    assert_eq!(met.contains(&Criterion::VisibleHighRisk), score >= dash::VISIBLE_HIGH_RISK_THRESHOLD);
    assert_eq!(met.contains(&Criterion::Repeat), repeat);
    assert_eq!(met.contains(&Criterion::PotentialEscalation), callouts.is_some_and(|n| n > 0 && n >= u32::from(threshold)));
    for c in met {
        assert_eq!(Criterion::parse_str(c.as_str()), Some(c));
        let _ = shared::referral::criterion_label(c);
    }
}

fn equality_code(code: &str) {
    for list in [equality::GENDERS, equality::ETHNIC_GROUPS, equality::ORIENTATIONS, equality::DISABILITY] {
        let known = list.iter().find(|c| c.code == code);
        assert_eq!(equality::is_answer(list, code), code.is_empty() || known.is_some());
        let label = equality::label(list, code);
        match known {
            Some(c) => assert_eq!(label, c.label),
            None if code.is_empty() => assert_eq!(label, "Not recorded"),
            None => assert_eq!(label, code),
        }
    }
    let _ = (equality::is_racially_minoritised(code), equality::is_lgbt(code, code), equality::is_disabled(code), equality::is_male(code));
}

fn csv(fields: &[String]) {
    for s in fields {
        let out = csv_field(s);
        let inner = if out.starts_with('"') {
            assert!(out.len() >= 2 && out.ends_with('"'), "{out:?}");
            let body = &out[1..out.len() - 1];
            assert!(!body.replace("\"\"", "").contains('"'), "unescaped quote in {out:?}");
            body.replace("\"\"", "\"")
        } else {
            assert!(!out.contains([',', '"', '\r', '\n']), "unquoted {out:?}");
            out.clone()
        };
        assert!(!inner.starts_with(['=', '+', '-', '@', '\t', '\r']), "{s:?} opens as a formula: {out:?}");
        let original = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { inner.strip_prefix('\'').expect("prefixed") } else { &inner };
        assert_eq!(original, s, "csv cell does not read back");
    }
    let row = csv_row(fields);
    assert!(fields.len() < 2 || row.contains(','));
}

fn calendar(uid: &str, place: &str, starts_at: i64, minutes: u16, stamp: i64) {
    let minutes = i64::from(minutes % 1441);
    let ics = shared::meeting::calendar_file(uid, starts_at, minutes, place, stamp);
    assert!(ics.ends_with("\r\n"), "{ics:?}");
    let physical: Vec<&str> = ics[..ics.len() - 2].split("\r\n").collect();
    for line in &physical {
        assert!(line.len() <= 75, "line of {} octets: {line:?}", line.len());
        assert!(!line.contains(['\r', '\n']), "bare line break in {line:?}");
    }
    // Unfold (RFC 5545 3.1): a line starting with a space continues the one before.
    let mut logical: Vec<String> = Vec::new();
    for line in physical {
        match line.strip_prefix(' ') {
            Some(rest) if !logical.is_empty() => logical.last_mut().expect("not empty").push_str(rest),
            _ => logical.push(line.to_string()),
        }
    }
    let names: Vec<&str> = logical.iter().map(|l| l.split(':').next().unwrap_or_default()).collect();
    assert_eq!(
        names,
        ["BEGIN", "VERSION", "PRODID", "CALSCALE", "BEGIN", "UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "CLASS", "END", "END"],
        "typed text changed the calendar's properties: {logical:?}"
    );
    assert!(logical.iter().all(|l| !l.chars().any(char::is_control)));
}

fuzz_target!(|op: Op| match op {
    Op::Date(t) => date(&t.build(&mut b())),
    Op::DateOf(d, secs) => date_of(d.0, secs),
    Op::Text { label, raw, max } => text(&label.build(&mut b()), &raw.build(&mut b()), usize::from(max)),
    Op::Email(t) => email(&t.build(&mut b())),
    Op::Quarter(t) => quarter(&t.build(&mut b())),
    Op::QuarterOf(year, n, d) => {
        quarter_of(year, n);
        quarter_of(year % 10_000, n % 6);
        let q = Quarter::from_date(d.0);
        assert!(q.contains(d.0));
    }
    Op::Anchor(t) => anchor(&t.build(&mut b())),
    Op::StoredForm(t) => stored_form(&t.build(&mut b())),
    Op::Names(n, others) => {
        let budget = &mut b();
        let name = n.build(budget);
        let others: Vec<String> = others.iter().take(16).map(|o| o.build(budget)).collect();
        names(&name, &others);
    }
    Op::OtherNames(t) => other_names(&t.build(&mut b())),
    Op::Dash { answers, typed, number, json, threshold, callouts, reason, repeat } => {
        let budget = &mut b();
        let (typed, json, reason) = (typed.build(budget), json.build(budget), reason.map(|r| r.build(budget)));
        dash_answers(&answers, &typed, number, &json, threshold, callouts, reason, repeat);
    }
    Op::Equality(t) => equality_code(&t.build(&mut b())),
    Op::Csv(fields) => {
        let budget = &mut b();
        let fields: Vec<String> = fields.iter().take(32).map(|f| f.build(budget)).collect();
        csv(&fields);
    }
    Op::Calendar { uid, place, starts_at, minutes, stamp } => {
        let budget = &mut b();
        calendar(&uid.build(budget), &place.build(budget), starts_at.0, minutes, stamp);
    }
});

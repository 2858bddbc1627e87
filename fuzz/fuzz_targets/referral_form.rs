//! The referral form checker (`shared::referral::check`) and the draft's JSON form (the server
//! stores drafts as JSON and reads them back).
//!
//! Fields are filled with anything from raw text to well-formed dates and list codes, so both
//! the error paths and the accepted path are reached. Asserts no panic, that checking is
//! deterministic, that a refusal names at least one field, that an accepted referral keeps
//! every rule the checker promises, and that a draft survives a JSON round trip.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use roundtable_fuzz::{any_date, iso, plausible_date, Budget, Text};
use shared::dash::{self, DashAnswer, DashAnswers};
use shared::referral::{check, Consent, HouseholdForm, PerpetratorForm, ReferralForm, VictimForm, LONG_TEXT, MAX_PEOPLE, MIN_VICTIM_AGE, SHORT_TEXT};
use shared::validation::parse_iso_date;
use time::Date;

const CODES: &[&str] = &[
    "female",
    "male",
    "non_binary",
    "other",
    "not_known",
    "white_british",
    "white_other",
    "gypsy_roma_traveller",
    "mixed",
    "asian",
    "black",
    "arab",
    "heterosexual",
    "gay_or_lesbian",
    "bisexual",
    "yes",
    "no",
    "consented",
    "informed",
    "without_consent",
    "Consented",
    "draft",
];

/// A date, mostly near today.
#[derive(Debug, Clone, Copy)]
struct Day(Date);

impl<'a> Arbitrary<'a> for Day {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Day(if u.ratio(1, 8)? { any_date(u)? } else { plausible_date(u)? }))
    }
}

/// What a field holds.
#[derive(Arbitrary, Debug)]
enum V {
    Blank,
    Text(Text),
    Date(Day),
    Code(u8),
    Number(u32),
    Padded(u8, Box<V>),
}

impl V {
    fn build(&self, b: &mut Budget) -> String {
        match self {
            V::Blank => String::new(),
            V::Text(t) => t.build(b),
            V::Date(d) => iso(d.0),
            V::Code(i) => CODES[usize::from(*i) % CODES.len()].to_string(),
            V::Number(n) => n.to_string(),
            V::Padded(n, v) => {
                let pad = " \t\n".chars().cycle().take(usize::from(*n % 5)).collect::<String>();
                format!("{pad}{}{pad}", v.build(b))
            }
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Victim {
    name: V,
    other_names: V,
    date_of_birth: V,
    gender: V,
    ethnicity: V,
    disability: V,
    sexual_orientation: V,
    first_language: V,
    interpreter_needed: bool,
    address: V,
    safe_contact: V,
    safe_times: V,
}

#[derive(Arbitrary, Debug)]
struct Perpetrator {
    name: V,
    other_names: V,
    date_of_birth: V,
    gender: V,
    address: V,
    relationship: V,
}

#[derive(Arbitrary, Debug)]
struct Household {
    name: V,
    date_of_birth: V,
    relationship: V,
    involvement: V,
}

#[derive(Arbitrary, Debug)]
struct Form {
    today: Day,
    latest_incident_on: V,
    victim: Victim,
    perpetrators: Vec<Perpetrator>,
    household: Vec<Household>,
    dash_completed: bool,
    dash: [u8; 24],
    professional_judgement: V,
    police_callouts: V,
    believed_repeat: bool,
    consent: V,
    consent_reason: V,
    summary: V,
}

#[derive(Arbitrary, Debug)]
enum Input {
    Form(Form),
    /// A stored draft as the server reads it back.
    Json(String),
}

impl Form {
    fn build(&self) -> ReferralForm {
        let b = &mut Budget(64 * 1024);
        let v = &self.victim;
        let mut dash = DashAnswers::blank();
        for (i, a) in self.dash.iter().enumerate() {
            let answer = [DashAnswer::Yes, DashAnswer::No, DashAnswer::NotKnown][usize::from(*a % 3)];
            dash.set(i as u8 + 1, answer).expect("1 to 24 is a question number");
        }
        ReferralForm {
            latest_incident_on: self.latest_incident_on.build(b),
            victim: VictimForm {
                name: v.name.build(b),
                other_names: v.other_names.build(b),
                date_of_birth: v.date_of_birth.build(b),
                gender: v.gender.build(b),
                ethnicity: v.ethnicity.build(b),
                disability: v.disability.build(b),
                sexual_orientation: v.sexual_orientation.build(b),
                first_language: v.first_language.build(b),
                interpreter_needed: v.interpreter_needed,
                address: v.address.build(b),
                safe_contact: v.safe_contact.build(b),
                safe_times: v.safe_times.build(b),
            },
            perpetrators: self
                .perpetrators
                .iter()
                .take(MAX_PEOPLE + 3)
                .map(|p| PerpetratorForm {
                    name: p.name.build(b),
                    other_names: p.other_names.build(b),
                    date_of_birth: p.date_of_birth.build(b),
                    gender: p.gender.build(b),
                    address: p.address.build(b),
                    relationship: p.relationship.build(b),
                })
                .collect(),
            household: self
                .household
                .iter()
                .take(MAX_PEOPLE + 3)
                .map(|h| HouseholdForm {
                    name: h.name.build(b),
                    date_of_birth: h.date_of_birth.build(b),
                    relationship: h.relationship.build(b),
                    involvement: h.involvement.build(b),
                })
                .collect(),
            dash_completed: self.dash_completed,
            dash,
            professional_judgement: self.professional_judgement.build(b),
            police_callouts: self.police_callouts.build(b),
            believed_repeat: self.believed_repeat,
            consent: self.consent.build(b),
            consent_reason: self.consent_reason.build(b),
            summary: self.summary.build(b),
        }
    }
}

fn clean_text(s: &str, max: usize) -> bool {
    s == s.trim() && s.chars().count() <= max && !s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

fn check_form(form: &ReferralForm, today: Date) {
    let result = check(form, today);
    assert_eq!(result, check(form, today), "check is not deterministic");
    match &result {
        Err(problems) => {
            assert!(!problems.is_empty(), "refused with no problem");
            for p in problems {
                assert!(!p.field.is_empty() && !p.message.is_empty(), "problem without a field or message: {p:?}");
            }
        }
        Ok(c) => {
            assert!(c.latest_incident_on <= today, "incident after today accepted");
            assert_eq!(parse_iso_date(form.latest_incident_on.trim()), Some(c.latest_incident_on));
            assert!(!c.victim.name.is_empty() && clean_text(&c.victim.name, SHORT_TEXT), "victim name {:?}", c.victim.name);
            assert_eq!(c.victim.name, form.victim.name.trim());
            if let Some(dob) = c.victim.date_of_birth {
                let age = shared::stats::age_on(dob, today);
                assert!(dob <= today && age >= i32::from(MIN_VICTIM_AGE) && age <= 120, "victim dob {dob} accepted on {today}");
            }
            assert!((1..=MAX_PEOPLE).contains(&c.perpetrators.len()), "{} perpetrators accepted", c.perpetrators.len());
            assert!(c.household.len() <= MAX_PEOPLE);
            for (checked, typed) in c.perpetrators.iter().zip(&form.perpetrators) {
                assert!(!checked.name.is_empty() && clean_text(&checked.name, SHORT_TEXT));
                assert!(!typed.relationship.trim().is_empty() && clean_text(typed.relationship.trim(), SHORT_TEXT));
                assert!(clean_text(typed.address.trim(), LONG_TEXT));
            }
            for p in c.perpetrators.iter().chain(&c.household).chain([&c.victim]) {
                assert!(p.date_of_birth.map_or(true, |d| d <= today), "future date of birth accepted");
                assert!(p.other_names.iter().all(|n| !n.is_empty() && n == n.trim() && !n.contains(['\n', ',', ';'])));
            }
            assert_eq!(c.dash_score, form.dash_completed.then(|| dash::score(&form.dash)));
            assert!(c.police_callouts.map_or(true, |n| n <= 365));
            assert!(!c.criteria.is_empty(), "accepted with no criterion");
            assert_eq!(Some(c.consent), Consent::parse(form.consent.trim()));
            if c.consent == Consent::WithoutConsent {
                assert!(!form.consent_reason.trim().is_empty(), "no lawful basis given");
            }
            assert!(!form.summary.trim().is_empty());
        }
    }
}

fn json_round_trip(form: &ReferralForm) {
    let json = serde_json::to_string(form).expect("a form serialises");
    let back: ReferralForm = serde_json::from_str(&json).unwrap_or_else(|e| panic!("draft does not read back: {e}\n{json}"));
    assert_eq!(&back, form, "draft changed through JSON");
}

fuzz_target!(|input: Input| match input {
    Input::Form(f) => {
        let form = f.build();
        check_form(&form, f.today.0);
        json_round_trip(&form);
    }
    Input::Json(s) => {
        if let Ok(form) = serde_json::from_str::<ReferralForm>(&s) {
            check_form(&form, time::macros::date!(2026 - 11 - 27));
            json_round_trip(&form);
        }
    }
});

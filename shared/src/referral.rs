//! A MARAC referral: the form as typed (a draft that may be incomplete) and the checks that turn
//! it into a referral the coordinator can triage. Every problem names the field it belongs to.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::dash::{self, CriteriaInput, Criterion, DashAnswers, ESCALATION_THRESHOLD_DEFAULT};
use crate::equality;
use crate::validation::{Problem, Problems};

/// Longest name, address or similar short text.
pub const SHORT_TEXT: usize = 200;
/// Longest free text (reasons, contact arrangements).
pub const LONG_TEXT: usize = 4_000;
/// Longest summary of the incident and risks.
pub const SUMMARY_TEXT: usize = 20_000;
/// At most this many perpetrators or household members on one referral.
pub const MAX_PEOPLE: usize = 12;
/// The youngest age a MARAC hears a victim at.
pub const MIN_VICTIM_AGE: u8 = 16;

/// The victim as typed on the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimForm {
    /// Full name.
    pub name: String,
    /// Other names or spellings, one per line or separated by commas.
    pub other_names: String,
    /// Date of birth, `YYYY-MM-DD` or blank.
    pub date_of_birth: String,
    /// Gender, in the victim's words.
    pub gender: String,
    /// Ethnicity.
    pub ethnicity: String,
    /// Disability, if any.
    pub disability: String,
    /// Sexual orientation.
    pub sexual_orientation: String,
    /// First language.
    pub first_language: String,
    /// Whether an interpreter is needed.
    pub interpreter_needed: bool,
    /// Address.
    pub address: String,
    /// Safe ways to make contact.
    pub safe_contact: String,
    /// Safe times to call.
    pub safe_times: String,
}

/// A perpetrator as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerpetratorForm {
    /// Full name.
    pub name: String,
    /// Other names or spellings.
    pub other_names: String,
    /// Date of birth, `YYYY-MM-DD` or blank.
    pub date_of_birth: String,
    /// Gender.
    pub gender: String,
    /// Address.
    pub address: String,
    /// Relationship to the victim.
    pub relationship: String,
}

/// A child or other vulnerable adult in the household, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdForm {
    /// Full name.
    pub name: String,
    /// Date of birth, `YYYY-MM-DD` or blank.
    pub date_of_birth: String,
    /// Relationship to the victim.
    pub relationship: String,
    /// School, nursery or agency involved.
    pub involvement: String,
}

/// What the victim knows of, and agreed to, the referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    /// Told about the referral and agreed to it.
    Consented,
    /// Told about the referral; did not agree or was not asked to agree.
    Informed,
    /// Referred without the victim's consent (the referrer gives the lawful basis).
    WithoutConsent,
}

impl Consent {
    /// Every option, in the order the form shows them.
    pub const ALL: [Consent; 3] = [Consent::Consented, Consent::Informed, Consent::WithoutConsent];

    /// Stable stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Consent::Consented => "consented",
            Consent::Informed => "informed",
            Consent::WithoutConsent => "without_consent",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Consent> {
        Consent::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Consent::Consented => "The victim knows of the referral and consented",
            Consent::Informed => "The victim knows of the referral but did not consent",
            Consent::WithoutConsent => "Referred without the victim's knowledge or consent",
        }
    }
}

/// Where a referral is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    /// Being written by the referrer; only they see it.
    Draft,
    /// Sent to the coordinator.
    Submitted,
    /// The coordinator asked the referrer for more information.
    MoreInformationRequested,
    /// Accepted onto a meeting's agenda; part of a case.
    Accepted,
    /// Rejected; its personal data was destroyed.
    Rejected,
}

impl ReferralStatus {
    /// Every status.
    pub const ALL: [ReferralStatus; 5] = [
        ReferralStatus::Draft,
        ReferralStatus::Submitted,
        ReferralStatus::MoreInformationRequested,
        ReferralStatus::Accepted,
        ReferralStatus::Rejected,
    ];

    /// Stable stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ReferralStatus::Draft => "draft",
            ReferralStatus::Submitted => "submitted",
            ReferralStatus::MoreInformationRequested => "more_information_requested",
            ReferralStatus::Accepted => "accepted",
            ReferralStatus::Rejected => "rejected",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<ReferralStatus> {
        ReferralStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            ReferralStatus::Draft => "Draft",
            ReferralStatus::Submitted => "Waiting for the coordinator",
            ReferralStatus::MoreInformationRequested => "More information requested",
            ReferralStatus::Accepted => "Accepted",
            ReferralStatus::Rejected => "Rejected",
        }
    }
}

/// Why a coordinator rejects a referral. Only this category is kept (in the audit log): the
/// referral and its people are destroyed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionReason {
    /// No MARAC criterion is met.
    NoCriterionMet,
    /// The victim is under 16.
    UnderSixteen,
    /// Not domestic abuse.
    NotDomesticAbuse,
    /// Another MARAC area should hear it.
    OtherArea,
    /// A duplicate of a referral already received.
    Duplicate,
}

impl RejectionReason {
    /// Every reason, in the order forms show them.
    pub const ALL: [RejectionReason; 5] = [
        RejectionReason::NoCriterionMet,
        RejectionReason::UnderSixteen,
        RejectionReason::NotDomesticAbuse,
        RejectionReason::OtherArea,
        RejectionReason::Duplicate,
    ];

    /// Stable stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectionReason::NoCriterionMet => "no_criterion_met",
            RejectionReason::UnderSixteen => "under_sixteen",
            RejectionReason::NotDomesticAbuse => "not_domestic_abuse",
            RejectionReason::OtherArea => "other_area",
            RejectionReason::Duplicate => "duplicate",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<RejectionReason> {
        RejectionReason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            RejectionReason::NoCriterionMet => "It meets no MARAC criterion",
            RejectionReason::UnderSixteen => "The victim is under 16",
            RejectionReason::NotDomesticAbuse => "It is not about domestic abuse",
            RejectionReason::OtherArea => "Another MARAC area should hear it",
            RejectionReason::Duplicate => "It duplicates a referral already received",
        }
    }
}

/// How long a referrer is told that a referral of theirs was rejected (days).
pub const REJECTION_NOTICE_DAYS: i64 = 90;

/// Whether the notice of a rejection at `rejected_at` is still shown at `now` (Unix seconds).
pub fn rejection_notice_shown(rejected_at: i64, now: i64) -> bool {
    now >= rejected_at && now - rejected_at < REJECTION_NOTICE_DAYS * 86_400
}

/// Words for a criterion.
pub fn criterion_label(c: Criterion) -> &'static str {
    match c {
        Criterion::VisibleHighRisk => "Visible high risk (DASH 14 or more)",
        Criterion::ProfessionalJudgement => "Professional judgement",
        Criterion::PotentialEscalation => "Potential escalation",
        Criterion::Repeat => "Repeat",
    }
}

/// Criteria as stored (comma-separated), in words; unknown ones are left out.
pub fn criteria_labels(stored: Option<&str>) -> Vec<String> {
    stored.unwrap_or_default().split(',').filter_map(Criterion::parse_str).map(|c| criterion_label(c).to_string()).collect()
}

/// The whole referral form as typed; saved as a draft as the referrer works.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralForm {
    /// Date of the latest incident, `YYYY-MM-DD`.
    pub latest_incident_on: String,
    /// The victim.
    pub victim: VictimForm,
    /// The perpetrators (at least one).
    pub perpetrators: Vec<PerpetratorForm>,
    /// Children and other vulnerable adults in the household.
    pub household: Vec<HouseholdForm>,
    /// Whether the DASH checklist was completed with the victim.
    pub dash_completed: bool,
    /// The 24 DASH answers.
    pub dash: DashAnswers,
    /// The professional-judgement reason, if the referrer relies on it.
    pub professional_judgement: String,
    /// Police call-outs in the last 12 months, as typed (blank if not known).
    pub police_callouts: String,
    /// Whether the referrer believes the victim was heard at MARAC in the last 12 months.
    pub believed_repeat: bool,
    /// Consent: `consented`, `informed`, `without_consent`, or blank.
    pub consent: String,
    /// The lawful basis or reason the referrer gives for sharing.
    pub consent_reason: String,
    /// Summary of the incident and risks (markdown).
    pub summary: String,
}

impl Default for ReferralForm {
    fn default() -> Self {
        ReferralForm {
            latest_incident_on: String::new(),
            victim: VictimForm::default(),
            perpetrators: vec![PerpetratorForm::default()],
            household: Vec::new(),
            dash_completed: true,
            dash: DashAnswers::blank(),
            professional_judgement: String::new(),
            police_callouts: String::new(),
            believed_repeat: false,
            consent: String::new(),
            consent_reason: String::new(),
            summary: String::new(),
        }
    }
}

/// A person's identifying details, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName {
    /// Full name.
    pub name: String,
    /// Other names, one per entry.
    pub other_names: Vec<String>,
    /// Date of birth, if known.
    pub date_of_birth: Option<Date>,
}

/// A referral that passed every check, ready to submit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedReferral {
    /// Date of the latest incident.
    pub latest_incident_on: Date,
    /// The victim's identifying details.
    pub victim: PersonName,
    /// Perpetrators' identifying details, in form order.
    pub perpetrators: Vec<PersonName>,
    /// Household members' identifying details, in form order.
    pub household: Vec<PersonName>,
    /// DASH score, when the checklist was completed.
    pub dash_score: Option<u8>,
    /// Police call-outs in the last 12 months, when known.
    pub police_callouts: Option<u32>,
    /// The criteria met (a repeat only as the referrer believes it, until the coordinator confirms).
    pub criteria: Vec<Criterion>,
    /// Consent.
    pub consent: Consent,
}

/// Splits "other names" typed one per line or separated by commas or semicolons.
pub fn split_other_names(raw: &str) -> Vec<String> {
    raw.split(['\n', ',', ';']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

pub use crate::stats::age_on;

fn check_person(p: &mut Problems, prefix: &str, what: &str, name: &str, other: &str, dob: &str, today: Date) -> PersonName {
    let name = p.text(&format!("{prefix}-name"), &format!("{what}'s full name"), name, SHORT_TEXT);
    p.optional_text(&format!("{prefix}-other-names"), "Other names", other, LONG_TEXT);
    let dob_field = format!("{prefix}-dob");
    let date_of_birth = p.optional_date(&dob_field, "Date of birth", dob);
    if let Some(d) = date_of_birth {
        if d > today {
            p.add(&dob_field, "Date of birth must be in the past");
        } else if age_on(d, today) > 120 {
            p.add(&dob_field, "Date of birth must be within the last 120 years");
        }
    }
    PersonName { name, other_names: split_other_names(other), date_of_birth }
}

/// Checks a referral form on `today` and gives either the checked referral or every problem.
pub fn check(form: &ReferralForm, today: Date) -> Result<CheckedReferral, Vec<Problem>> {
    let mut p = Problems::default();
    let incident = p.date("incident-date", "Date of the latest incident", &form.latest_incident_on);
    if incident.is_some_and(|d| d > today) {
        p.add("incident-date", "Date of the latest incident must be today or in the past");
    }

    let v = &form.victim;
    let victim = check_person(&mut p, "victim", "Victim", &v.name, &v.other_names, &v.date_of_birth, today);
    if victim.date_of_birth.is_some_and(|d| d <= today && age_on(d, today) < i32::from(MIN_VICTIM_AGE)) {
        p.add("victim-dob", format!("MARAC hears victims aged {MIN_VICTIM_AGE} or over; refer younger victims to children's social care"));
    }
    for (field, label, value, max) in [
        ("victim-language", "First language", &v.first_language, SHORT_TEXT),
        ("victim-address", "Address", &v.address, LONG_TEXT),
        ("victim-safe-contact", "Safe contact details", &v.safe_contact, LONG_TEXT),
        ("victim-safe-times", "Safe times to call", &v.safe_times, LONG_TEXT),
    ] {
        p.optional_text(field, label, value, max);
    }

    for (field, list, value) in [
        ("victim-gender", equality::GENDERS, &v.gender),
        ("victim-ethnicity", equality::ETHNIC_GROUPS, &v.ethnicity),
        ("victim-disability", equality::DISABILITY, &v.disability),
        ("victim-orientation", equality::ORIENTATIONS, &v.sexual_orientation),
    ] {
        if !equality::is_answer(list, value) {
            p.add(field, "Choose one of the answers listed");
        }
    }

    if form.perpetrators.is_empty() {
        p.add("perpetrator-0-name", "Enter the perpetrator's full name");
    }
    if form.perpetrators.len() > MAX_PEOPLE {
        p.add("perpetrator-0-name", format!("A referral can name at most {MAX_PEOPLE} perpetrators"));
    }
    let perpetrators = form
        .perpetrators
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let prefix = format!("perpetrator-{i}");
            let checked = check_person(&mut p, &prefix, "Perpetrator", &x.name, &x.other_names, &x.date_of_birth, today);
            if !equality::is_answer(equality::GENDERS, &x.gender) {
                p.add(&format!("{prefix}-gender"), "Choose one of the answers listed");
            }
            p.optional_text(&format!("{prefix}-address"), "Address", &x.address, LONG_TEXT);
            p.text(&format!("{prefix}-relationship"), "Relationship to the victim", &x.relationship, SHORT_TEXT);
            checked
        })
        .collect();

    if form.household.len() > MAX_PEOPLE {
        p.add("household-0-name", format!("A referral can name at most {MAX_PEOPLE} people in the household"));
    }
    let household = form
        .household
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let prefix = format!("household-{i}");
            let checked = check_person(&mut p, &prefix, "Household member", &x.name, "", &x.date_of_birth, today);
            p.text(&format!("{prefix}-relationship"), "Relationship to the victim", &x.relationship, SHORT_TEXT);
            p.optional_text(&format!("{prefix}-involvement"), "School or agency involved", &x.involvement, SHORT_TEXT);
            checked
        })
        .collect();

    let dash_score = form.dash_completed.then(|| dash::score(&form.dash));
    let pj = p.optional_text("professional-judgement", "Professional judgement", &form.professional_judgement, LONG_TEXT);
    let callouts_raw = form.police_callouts.trim();
    let police_callouts = if callouts_raw.is_empty() {
        None
    } else {
        match callouts_raw.parse::<u32>() {
            Ok(n) if n <= 365 => Some(n),
            _ => {
                p.add("police-callouts", "Police call-outs must be a whole number from 0 to 365");
                None
            }
        }
    };
    let criteria = dash::criteria_met(&CriteriaInput {
        dash_score,
        professional_judgement_reason: pj,
        police_callouts_last_12_months: police_callouts,
        escalation_threshold: ESCALATION_THRESHOLD_DEFAULT,
        is_repeat: form.believed_repeat,
    });
    if criteria.is_empty() && p.0.iter().all(|x| x.field != "professional-judgement" && x.field != "police-callouts") {
        p.add(
            "criteria",
            "This referral meets no MARAC criterion yet: a DASH score of 14 or more, a professional judgement with its reason, \
             3 or more police call-outs in 12 months, or a believed repeat",
        );
    }

    let consent = Consent::parse(form.consent.trim());
    if consent.is_none() {
        p.add("consent", "Select what the victim knows of the referral");
    }
    let reason = p.optional_text("consent-reason", "Reason for sharing", &form.consent_reason, LONG_TEXT);
    if consent == Some(Consent::WithoutConsent) && reason.is_none() {
        p.add("consent-reason", "Give the lawful basis for referring without consent, for example a risk of serious harm");
    }
    p.text("summary", "Summary of the incident and risks", &form.summary, SUMMARY_TEXT);

    match (incident, consent) {
        (Some(latest_incident_on), Some(consent)) if p.is_empty() => {
            Ok(CheckedReferral { latest_incident_on, victim, perpetrators, household, dash_score, police_callouts, criteria, consent })
        }
        _ => Err(p.0),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn stored_criteria_read_as_words_and_unknown_ones_are_left_out() {
        assert_eq!(super::criteria_labels(Some("professional_judgement,nonsense,repeat")), vec!["Professional judgement", "Repeat"]);
        assert!(super::criteria_labels(None).is_empty());
    }

    use super::*;
    use crate::dash::DashAnswer;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 27);

    fn complete() -> ReferralForm {
        let mut form = ReferralForm {
            latest_incident_on: "2026-11-20".into(),
            victim: VictimForm { name: "Ada Thornbury".into(), date_of_birth: "1990-04-02".into(), ..VictimForm::default() },
            perpetrators: vec![PerpetratorForm { name: "Cal Thornbury".into(), relationship: "Husband".into(), ..PerpetratorForm::default() }],
            consent: "consented".into(),
            summary: "Strangulation on 20 November.".into(),
            ..ReferralForm::default()
        };
        for q in 1..=14 {
            form.dash.set(q, DashAnswer::Yes).unwrap_or_else(|e| panic!("{e}"));
        }
        form
    }

    fn fields(result: Result<CheckedReferral, Vec<Problem>>) -> Vec<String> {
        result.err().unwrap_or_default().into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_complete_referral_passes_with_its_criteria() {
        let checked = check(&complete(), TODAY).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(checked.dash_score, Some(14));
        assert_eq!(checked.criteria, vec![Criterion::VisibleHighRisk]);
        assert_eq!(checked.victim.date_of_birth, Some(date!(1990 - 04 - 02)));
    }

    #[test]
    fn a_score_of_13_alone_meets_no_criterion() {
        let mut form = complete();
        form.dash.set(14, DashAnswer::No).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fields(check(&form, TODAY)), vec!["criteria"]);
        form.police_callouts = "3".into();
        assert_eq!(check(&form, TODAY).map(|c| c.criteria), Ok(vec![Criterion::PotentialEscalation]));
    }

    #[test]
    fn professional_judgement_with_its_reason_can_stand_alone() {
        let mut form = complete();
        form.dash_completed = false;
        form.professional_judgement = "   ".into();
        assert_eq!(fields(check(&form, TODAY)), vec!["criteria"], "a blank reason is no judgement");
        form.professional_judgement = "Non-fatal strangulation last week and threats to kill the victim.".into();
        assert_eq!(check(&form, TODAY).map(|c| c.criteria), Ok(vec![Criterion::ProfessionalJudgement]));
    }

    #[test]
    fn each_problem_names_its_field() {
        let mut form = ReferralForm::default();
        form.household.push(HouseholdForm { date_of_birth: "2030-01-01".into(), ..HouseholdForm::default() });
        form.consent = "without_consent".into();
        let got = fields(check(&form, TODAY));
        for f in [
            "incident-date",
            "victim-name",
            "perpetrator-0-name",
            "perpetrator-0-relationship",
            "household-0-name",
            "household-0-dob",
            "household-0-relationship",
            "criteria",
            "consent-reason",
            "summary",
        ] {
            assert!(got.contains(&f.to_string()), "{f} in {got:?}");
        }
    }

    #[test]
    fn victims_under_16_and_future_dates_are_refused() {
        let mut form = complete();
        form.victim.date_of_birth = "2011-01-01".into();
        assert_eq!(fields(check(&form, TODAY)), vec!["victim-dob"]);
        form.victim.date_of_birth = "2010-11-27".into();
        assert!(check(&form, TODAY).is_ok(), "16 today");
        form.latest_incident_on = "2026-11-28".into();
        assert_eq!(fields(check(&form, TODAY)), vec!["incident-date"]);
    }

    #[test]
    fn oversize_and_control_characters_are_refused() {
        let mut form = complete();
        form.victim.address = "x".repeat(LONG_TEXT + 1);
        form.victim.name = "Ada\u{0}Thornbury".into();
        let got = fields(check(&form, TODAY));
        assert!(got.contains(&"victim-address".to_string()) && got.contains(&"victim-name".to_string()), "{got:?}");
    }

    #[test]
    fn monitoring_answers_come_from_the_lists() {
        let mut form = complete();
        form.victim.ethnicity = "black".into();
        form.victim.gender = "female".into();
        assert!(check(&form, TODAY).is_ok());
        form.victim.ethnicity = "Black British".into();
        form.perpetrators[0].gender = "bloke".into();
        assert_eq!(fields(check(&form, TODAY)), vec!["victim-ethnicity", "perpetrator-0-gender"]);
    }

    #[test]
    fn other_names_split_on_lines_commas_and_semicolons() {
        assert_eq!(split_other_names("Ada T, Addie\nA. Thorn; "), vec!["Ada T", "Addie", "A. Thorn"]);
    }

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_on(date!(2000 - 02 - 29), date!(2016 - 02 - 28)), 15);
        assert_eq!(age_on(date!(2000 - 02 - 29), date!(2016 - 03 - 01)), 16);
    }

    #[test]
    fn a_rejection_is_told_for_ninety_days() {
        let at = 1_800_000_000;
        assert!(rejection_notice_shown(at, at));
        assert!(rejection_notice_shown(at, at + REJECTION_NOTICE_DAYS * 86_400 - 1));
        assert!(!rejection_notice_shown(at, at + REJECTION_NOTICE_DAYS * 86_400));
        assert!(!rejection_notice_shown(at, at - 1), "a rejection in the future is not shown");
    }
}

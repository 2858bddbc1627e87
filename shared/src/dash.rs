//! The SafeLives DASH risk identification checklist and the MARAC referral criteria.
//!
//! The checklist has 24 questions answered Yes, No or Not known. The score is the number
//! of Yes answers; 14 or more is "visible high risk". The questions are kept as versioned
//! data in our own plain wording. Referral criteria: visible high risk, professional
//! judgement (with a written reason), potential escalation (police call-outs in the last
//! 12 months at or above a local threshold) and repeat.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Number of questions in the DASH checklist.
pub const DASH_QUESTION_COUNT: usize = 24;

/// Score at or above which a case is "visible high risk" (a MARAC criterion).
pub const VISIBLE_HIGH_RISK_THRESHOLD: u8 = 14;

/// Default number of police call-outs in 12 months that counts as potential escalation.
pub const ESCALATION_THRESHOLD_DEFAULT: u8 = 3;

/// One question of a DASH question set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DashQuestion {
    /// Position in the checklist, 1 to 24.
    pub number: u8,
    /// Stable machine code for the question.
    pub code: &'static str,
    /// Plain-language wording, asked of the victim.
    pub text: &'static str,
}

/// A versioned set of DASH questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DashQuestionSet {
    /// Version label of this wording.
    pub version: &'static str,
    /// The questions, in checklist order.
    pub questions: &'static [DashQuestion],
}

impl DashQuestionSet {
    /// The question with this number (1-based), if any.
    pub fn get(&self, number: u8) -> Option<&DashQuestion> {
        self.questions.iter().find(|q| q.number == number)
    }
}

const fn q(number: u8, code: &'static str, text: &'static str) -> DashQuestion {
    DashQuestion { number, code, text }
}

#[rustfmt::skip]
const DASH_2009_QUESTIONS: [DashQuestion; DASH_QUESTION_COUNT] = [
    q(1, "current_injury", "Has the current incident resulted in injury?"),
    q(2, "very_frightened", "Are you very frightened?"),
    q(3, "afraid_of_harm", "Are you afraid of further injury or violence, to you or to someone else?"),
    q(4, "isolated", "Do you feel isolated from family or friends?"),
    q(5, "depressed_or_suicidal", "Are you feeling depressed or having suicidal thoughts?"),
    q(6, "separation", "Have you separated, or tried to separate, from the abuser in the past year?"),
    q(7, "child_contact_conflict", "Is there conflict over contact with the children?"),
    q(8, "stalking_harassment", "Does the abuser constantly text, call, contact, follow, stalk or harass you?"),
    q(9, "pregnancy_or_new_baby", "Are you pregnant, or have you had a baby in the last 18 months?"),
    q(10, "abuse_more_often", "Is the abuse happening more often?"),
    q(11, "abuse_getting_worse", "Is the abuse getting worse?"),
    q(12, "control_or_jealousy", "Does the abuser try to control everything you do and/or are they excessively jealous?"),
    q(13, "weapons_or_objects", "Has the abuser ever used weapons or objects to hurt you?"),
    q(14, "threats_to_kill", "Has the abuser ever threatened to kill you or someone else, and did you believe them?"),
    q(15, "strangle_choke_suffocate_drown", "Has the abuser ever attempted to strangle, choke, suffocate or drown you?"),
    q(16, "sexual_abuse", "Does the abuser do or say things of a sexual nature that make you feel bad or that physically hurt you or someone else?"),
    q(17, "other_person_threat", "Is there any other person who has threatened you or whom you are afraid of?"),
    q(18, "hurt_others", "Do you know if the abuser has hurt anyone else, such as children, siblings, an elderly relative or a stranger?"),
    q(19, "animal_abuse", "Has the abuser ever mistreated an animal or the family pet?"),
    q(20, "financial_issues", "Are there any financial issues, such as dependence on the abuser for money or the abuser recently losing a job?"),
    q(21, "drugs_alcohol_mental_health", "Has the abuser had problems in the past year with drugs, alcohol or mental health?"),
    q(22, "abuser_suicide", "Has the abuser ever threatened or attempted suicide?"),
    q(23, "breach_bail_or_order", "Has the abuser ever broken bail, an injunction or a formal agreement about contact?"),
    q(24, "criminal_history", "Do you know if the abuser has ever been in trouble with the police or has a criminal history?"),
];

/// The 24-question DASH (2009) checklist in Roundtable's own plain wording.
pub const DASH_2009: DashQuestionSet = DashQuestionSet { version: "DASH 2009", questions: &DASH_2009_QUESTIONS };

/// Errors from DASH input validation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DashError {
    /// A set of answers did not have exactly 24 entries.
    #[error("a DASH checklist needs exactly {DASH_QUESTION_COUNT} answers, got {0}")]
    WrongAnswerCount(usize),
    /// A question number outside 1 to 24.
    #[error("DASH question number must be 1 to {DASH_QUESTION_COUNT}, got {0}")]
    NoSuchQuestion(u8),
    /// An answer string that is not "yes", "no" or "not_known".
    #[error("unknown DASH answer {0:?} (expected yes, no or not_known)")]
    UnknownAnswer(String),
}

/// An answer to one DASH question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DashAnswer {
    /// The victim said yes.
    Yes,
    /// The victim said no.
    No,
    /// Not known, declined or not asked.
    #[default]
    NotKnown,
}

impl FromStr for DashAnswer {
    type Err = DashError;
    /// Parses exactly "yes", "no" or "not_known" (surrounding whitespace ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_str(s.trim()).ok_or_else(|| DashError::UnknownAnswer(s.trim().to_string()))
    }
}

/// Exactly 24 DASH answers, in question order. Serialises as a list of answer strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<DashAnswer>", into = "Vec<DashAnswer>")]
pub struct DashAnswers([DashAnswer; DASH_QUESTION_COUNT]);

impl DashAnswers {
    /// Builds from a list that must have exactly 24 answers.
    pub fn new(answers: Vec<DashAnswer>) -> Result<Self, DashError> {
        let len = answers.len();
        <[DashAnswer; DASH_QUESTION_COUNT]>::try_from(answers).map(DashAnswers).map_err(|_| DashError::WrongAnswerCount(len))
    }

    /// All 24 answers "not known" (an unanswered checklist).
    pub fn blank() -> Self {
        DashAnswers([DashAnswer::NotKnown; DASH_QUESTION_COUNT])
    }

    /// The answer to question `number` (1-based).
    pub fn get(&self, number: u8) -> Result<DashAnswer, DashError> {
        Self::index(number).map(|i| self.0[i])
    }

    /// Sets the answer to question `number` (1-based).
    pub fn set(&mut self, number: u8, answer: DashAnswer) -> Result<(), DashError> {
        let i = Self::index(number)?;
        self.0[i] = answer;
        Ok(())
    }

    /// The answers in question order.
    pub fn as_slice(&self) -> &[DashAnswer] {
        &self.0
    }

    fn index(number: u8) -> Result<usize, DashError> {
        match usize::from(number) {
            n @ 1..=DASH_QUESTION_COUNT => Ok(n - 1),
            _ => Err(DashError::NoSuchQuestion(number)),
        }
    }
}

impl Default for DashAnswers {
    fn default() -> Self {
        Self::blank()
    }
}

impl TryFrom<Vec<DashAnswer>> for DashAnswers {
    type Error = DashError;
    fn try_from(v: Vec<DashAnswer>) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}

impl From<DashAnswers> for Vec<DashAnswer> {
    fn from(a: DashAnswers) -> Self {
        a.0.to_vec()
    }
}

/// Local risk band derived from the DASH score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskBand {
    /// Score 0.
    None,
    /// Score 1 to 9.
    Standard,
    /// Score 10 to 13.
    Medium,
    /// Score 14 or more.
    High,
}

/// The DASH score: the number of Yes answers (0 to 24).
pub fn score(answers: &DashAnswers) -> u8 {
    // At most 24, so the conversion cannot fail; saturate defensively anyway.
    let n = answers.0.iter().filter(|a| **a == DashAnswer::Yes).count();
    u8::try_from(n).unwrap_or(u8::MAX)
}

/// The local band for a score: 0 none, 1-9 standard, 10-13 medium, 14+ high.
pub fn band(score: u8) -> RiskBand {
    match score {
        0 => RiskBand::None,
        1..=9 => RiskBand::Standard,
        10..=13 => RiskBand::Medium,
        _ => RiskBand::High,
    }
}

/// Whether a score is "visible high risk" (14 or more Yes answers).
pub fn meets_visible_high_risk(score: u8) -> bool {
    score >= VISIBLE_HIGH_RISK_THRESHOLD
}

/// Whether police call-outs in the last 12 months reach the local escalation threshold.
/// Zero call-outs never meet it: a threshold of 0 behaves as 1.
pub fn meets_potential_escalation(police_callouts_last_12_months: u32, threshold: u8) -> bool {
    police_callouts_last_12_months >= u32::from(threshold.max(1))
}

/// Whether a professional judgement reason is acceptable: it must not be blank.
pub fn professional_judgement_reason_valid(reason: &str) -> bool {
    !reason.trim().is_empty()
}

/// A MARAC referral criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// DASH score of 14 or more.
    VisibleHighRisk,
    /// A professional's judgement, with a written reason.
    ProfessionalJudgement,
    /// Police call-outs in 12 months at or above the local threshold.
    PotentialEscalation,
    /// Heard at MARAC within the 12 months before the new incident.
    Repeat,
}

/// The facts about a referral that the criteria are judged on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriteriaInput {
    /// DASH score, if a checklist was completed.
    pub dash_score: Option<u8>,
    /// Reason given for a professional-judgement referral, if any.
    pub professional_judgement_reason: Option<String>,
    /// Police call-outs in the last 12 months, if known.
    pub police_callouts_last_12_months: Option<u32>,
    /// Local escalation threshold (see [`ESCALATION_THRESHOLD_DEFAULT`]).
    pub escalation_threshold: u8,
    /// Whether the referral is a repeat (see the `repeat` module).
    pub is_repeat: bool,
}

impl Default for CriteriaInput {
    fn default() -> Self {
        CriteriaInput {
            dash_score: None,
            professional_judgement_reason: None,
            police_callouts_last_12_months: None,
            escalation_threshold: ESCALATION_THRESHOLD_DEFAULT,
            is_repeat: false,
        }
    }
}

/// Every criterion the referral meets, in [`Criterion`] order. Criteria are independent:
/// professional judgement can add a case below 14 but never removes visible high risk.
pub fn criteria_met(input: &CriteriaInput) -> Vec<Criterion> {
    let mut met = Vec::new();
    if input.dash_score.is_some_and(meets_visible_high_risk) {
        met.push(Criterion::VisibleHighRisk);
    }
    if input.professional_judgement_reason.as_deref().is_some_and(professional_judgement_reason_valid) {
        met.push(Criterion::ProfessionalJudgement);
    }
    if input.police_callouts_last_12_months.is_some_and(|n| meets_potential_escalation(n, input.escalation_threshold)) {
        met.push(Criterion::PotentialEscalation);
    }
    if input.is_repeat {
        met.push(Criterion::Repeat);
    }
    met
}

/// Whether the referral meets at least one MARAC criterion.
pub fn referral_eligible(input: &CriteriaInput) -> bool {
    !criteria_met(input).is_empty()
}

/// Gives a unit enum `as_str`, `parse_str` and `Display`, matching its serde names.
macro_rules! string_forms {
    ($t:ident { $($v:ident => $s:literal),+ $(,)? }) => {
        impl $t {
            /// Stable string form, the same as the serde name.
            pub fn as_str(self) -> &'static str {
                match self { $($t::$v => $s),+ }
            }
            /// Parses the stable string form exactly; `None` for anything else.
            pub fn parse_str(s: &str) -> Option<Self> {
                match s { $($s => Some($t::$v),)+ _ => None }
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_forms!(DashAnswer { Yes => "yes", No => "no", NotKnown => "not_known" });
string_forms!(RiskBand { None => "none", Standard => "standard", Medium => "medium", High => "high" });
string_forms!(Criterion {
    VisibleHighRisk => "visible_high_risk",
    ProfessionalJudgement => "professional_judgement",
    PotentialEscalation => "potential_escalation",
    Repeat => "repeat",
});

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde::de::value::{Error as DeError, SeqDeserializer};
    use serde::de::IntoDeserializer;
    use std::collections::HashSet;
    use DashAnswer::{No, NotKnown, Yes};

    fn with_yes(n: usize) -> DashAnswers {
        let v = (0..DASH_QUESTION_COUNT).map(|i| if i < n { Yes } else { No }).collect();
        DashAnswers::new(v).unwrap()
    }

    #[test]
    fn question_set_is_complete_and_ordered() {
        assert_eq!(DASH_2009.questions.len(), 24);
        for (i, q) in DASH_2009.questions.iter().enumerate() {
            assert_eq!(usize::from(q.number), i + 1);
            assert!(q.text.ends_with('?'), "question {} is not a question", q.number);
        }
        let codes: HashSet<_> = DASH_2009.questions.iter().map(|q| q.code).collect();
        assert_eq!(codes.len(), 24, "codes must be unique");
        assert_eq!(DASH_2009.get(1).unwrap().code, "current_injury");
        assert_eq!(DASH_2009.get(15).unwrap().code, "strangle_choke_suffocate_drown");
        assert_eq!(DASH_2009.get(24).unwrap().code, "criminal_history");
        assert!(DASH_2009.get(0).is_none() && DASH_2009.get(25).is_none());
    }

    #[test]
    fn answers_need_exactly_24() {
        for n in [0, 23, 25] {
            let err = Err(DashError::WrongAnswerCount(n));
            assert_eq!(DashAnswers::new(vec![Yes; n]), err);
        }
        assert_eq!(score(&DashAnswers::new(vec![Yes; 24]).unwrap()), 24);
    }

    #[test]
    fn blank_get_set_and_bounds() {
        let mut a = DashAnswers::blank();
        assert_eq!(score(&a), 0);
        assert!(a.as_slice().iter().all(|x| *x == NotKnown));
        a.set(24, Yes).unwrap();
        a.set(1, Yes).unwrap();
        assert_eq!((a.get(24), a.get(2)), (Ok(Yes), Ok(NotKnown)));
        assert_eq!(score(&a), 2);
        assert_eq!(a.set(0, Yes), Err(DashError::NoSuchQuestion(0)));
        assert_eq!(a.get(25), Err(DashError::NoSuchQuestion(25)));
    }

    #[test]
    fn only_yes_counts() {
        let v = [vec![NotKnown; 12], vec![No; 5], vec![Yes; 7]].concat();
        assert_eq!(score(&DashAnswers::new(v).unwrap()), 7);
    }

    #[test]
    fn band_and_threshold_boundaries() {
        use RiskBand::{High, Medium, Standard};
        let bands = [0, 1, 9, 10, 13, 14, 24].map(band);
        assert_eq!(bands, [RiskBand::None, Standard, Standard, Medium, Medium, High, High]);
        assert!(!meets_visible_high_risk(score(&with_yes(13))));
        assert!(meets_visible_high_risk(score(&with_yes(14))));
    }

    #[test]
    fn escalation_threshold() {
        assert!(!meets_potential_escalation(2, ESCALATION_THRESHOLD_DEFAULT));
        assert!(meets_potential_escalation(3, ESCALATION_THRESHOLD_DEFAULT));
        assert!(!meets_potential_escalation(3, 4));
        assert!(!meets_potential_escalation(0, 0));
        assert!(meets_potential_escalation(1, 0));
    }

    #[test]
    fn string_forms_round_trip() {
        for a in [Yes, No, NotKnown] {
            assert_eq!(a.as_str().parse::<DashAnswer>(), Ok(a));
        }
        assert_eq!(" not_known ".parse::<DashAnswer>(), Ok(NotKnown));
        assert!("maybe".parse::<DashAnswer>().is_err() && "Yes".parse::<DashAnswer>().is_err());
        assert_eq!(RiskBand::parse_str("medium"), Some(RiskBand::Medium));
        assert_eq!(Criterion::PotentialEscalation.to_string(), "potential_escalation");
    }

    fn input(score: Option<u8>, reason: Option<&str>, calls: Option<u32>, rep: bool) -> CriteriaInput {
        let professional_judgement_reason = reason.map(str::to_string);
        let (dash_score, police_callouts_last_12_months) = (score, calls);
        CriteriaInput { dash_score, professional_judgement_reason, police_callouts_last_12_months, is_repeat: rep, ..CriteriaInput::default() }
    }

    #[test]
    fn criteria_are_independent() {
        use Criterion::*;
        assert!(!referral_eligible(&input(None, None, None, false)));
        assert!(!referral_eligible(&input(Some(13), None, Some(2), false)));
        assert_eq!(criteria_met(&input(Some(14), None, None, false)), [VisibleHighRisk]);
        // Professional judgement raises a 13, but only with a non-blank reason.
        assert!(!referral_eligible(&input(Some(13), Some(" \n\t"), None, false)));
        let pj = input(Some(13), Some("Fictional: threats rising"), None, false);
        assert_eq!(criteria_met(&pj), [ProfessionalJudgement]);
        // Judgement never removes visible high risk.
        let both = input(Some(20), Some("Fictional"), None, false);
        assert_eq!(criteria_met(&both), [VisibleHighRisk, ProfessionalJudgement]);
        let all = input(Some(20), Some("Fictional"), Some(3), true);
        let every = [VisibleHighRisk, ProfessionalJudgement, PotentialEscalation, Repeat];
        assert_eq!(criteria_met(&all), every);
        let esc = input(None, None, Some(3), false);
        assert_eq!(criteria_met(&esc), [PotentialEscalation]);
        assert!(!referral_eligible(&CriteriaInput { escalation_threshold: 4, ..esc }));
        assert_eq!(criteria_met(&input(Some(0), None, None, true)), [Repeat]);
    }

    #[test]
    fn answers_deserialise_with_length_check() {
        let mut words = vec!["no"; 24];
        (words[0], words[23]) = ("yes", "not_known");
        let d: SeqDeserializer<_, DeError> = words.clone().into_deserializer();
        let a = DashAnswers::deserialize(d).unwrap();
        assert_eq!((score(&a), a.get(24)), (1, Ok(NotKnown)));
        words.pop();
        let d: SeqDeserializer<_, DeError> = words.into_deserializer();
        assert!(DashAnswers::deserialize(d).is_err());
        let d: SeqDeserializer<_, DeError> = vec!["maybe"; 24].into_deserializer();
        assert!(DashAnswers::deserialize(d).is_err());
    }
}

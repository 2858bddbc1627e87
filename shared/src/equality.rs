//! Equality monitoring answers, as closed lists, so the quarterly figures MARACs return (victims
//! who are racially minoritised, LGBT+, disabled, male) can be counted rather than guessed from
//! free text. Every list has "not known"; a blank answer means not asked.

/// One answer: its stored code and its words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    /// Stored code.
    pub code: &'static str,
    /// Words for people.
    pub label: &'static str,
}

const fn c(code: &'static str, label: &'static str) -> Choice {
    Choice { code, label }
}

/// Gender.
pub const GENDERS: &[Choice] = &[
    c("female", "Female"),
    c("male", "Male"),
    c("non_binary", "Non-binary"),
    c("other", "In another way"),
    c("not_known", "Not known or prefers not to say"),
];

/// Ethnic group (the census's top-level groups).
pub const ETHNIC_GROUPS: &[Choice] = &[
    c("white_british", "White: English, Welsh, Scottish, Northern Irish or British"),
    c("white_other", "White: any other White background"),
    c("gypsy_roma_traveller", "Gypsy, Irish Traveller or Roma"),
    c("mixed", "Mixed or multiple ethnic groups"),
    c("asian", "Asian or Asian British"),
    c("black", "Black, Black British, Caribbean or African"),
    c("arab", "Arab"),
    c("other", "Another ethnic group"),
    c("not_known", "Not known or prefers not to say"),
];

/// Sexual orientation.
pub const ORIENTATIONS: &[Choice] = &[
    c("heterosexual", "Heterosexual or straight"),
    c("gay_or_lesbian", "Gay or lesbian"),
    c("bisexual", "Bisexual"),
    c("other", "Another sexual orientation"),
    c("not_known", "Not known or prefers not to say"),
];

/// Whether the person has a disability.
pub const DISABILITY: &[Choice] = &[c("yes", "Yes"), c("no", "No"), c("not_known", "Not known or prefers not to say")];

/// Whether `code` is one of `list`'s answers (blank counts: not asked).
pub fn is_answer(list: &[Choice], code: &str) -> bool {
    code.is_empty() || list.iter().any(|c| c.code == code)
}

/// The words for `code` in `list`; "Not recorded" when blank, the code itself when unknown.
pub fn label(list: &[Choice], code: &str) -> String {
    if code.is_empty() {
        return "Not recorded".into();
    }
    list.iter().find(|c| c.code == code).map_or_else(|| code.to_string(), |c| c.label.to_string())
}

/// Black, Asian or racially minoritised (SafeLives' measure).
pub fn is_racially_minoritised(ethnic_group: &str) -> bool {
    matches!(ethnic_group, "gypsy_roma_traveller" | "mixed" | "asian" | "black" | "arab" | "other")
}

/// Lesbian, gay, bisexual or trans / non-binary.
pub fn is_lgbt(orientation: &str, gender: &str) -> bool {
    matches!(orientation, "gay_or_lesbian" | "bisexual" | "other") || matches!(gender, "non_binary" | "other")
}

/// Has a disability.
pub fn is_disabled(disability: &str) -> bool {
    disability == "yes"
}

/// Male.
pub fn is_male(gender: &str) -> bool {
    gender == "male"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_closed_lists_with_blank_allowed() {
        assert!(is_answer(GENDERS, "") && is_answer(GENDERS, "male") && !is_answer(GENDERS, "Male"));
        assert!(!is_answer(ETHNIC_GROUPS, "=HYPERLINK(\"x\")"));
        assert_eq!(label(DISABILITY, "yes"), "Yes");
        assert_eq!(label(DISABILITY, ""), "Not recorded");
    }

    #[test]
    fn the_monitoring_measures() {
        assert!(is_racially_minoritised("black") && is_racially_minoritised("mixed"));
        assert!(!is_racially_minoritised("white_british") && !is_racially_minoritised("not_known") && !is_racially_minoritised(""));
        assert!(is_lgbt("bisexual", "female") && is_lgbt("heterosexual", "non_binary") && !is_lgbt("heterosexual", "male"));
        assert!(is_disabled("yes") && !is_disabled("not_known"));
        assert!(is_male("male") && !is_male("female"));
    }
}

//! Checking what people type: each problem names its field, so forms can show an error summary
//! that links to the field and a message beside it (GOV.UK pattern).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::identity::{is_plausible_email, normalise_email};

/// One thing wrong with one field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The field's id in the form.
    pub field: String,
    /// What to do about it, in plain words.
    pub message: String,
}

/// Collects problems while reading a form's values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// Records a problem.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(Problem { field: field.to_string(), message: message.into() });
    }

    /// Whether nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Required text: trimmed, at most `max` characters, no control characters.
    pub fn text(&mut self, field: &str, label: &str, raw: &str, max: usize) -> String {
        let value = self.optional_text(field, label, raw, max).unwrap_or_default();
        if value.is_empty() && !self.0.iter().any(|p| p.field == field) {
            self.add(field, format!("Enter {}", lower_first(label)));
        }
        value
    }

    /// Optional text: trimmed; blank is `None`.
    pub fn optional_text(&mut self, field: &str, label: &str, raw: &str, max: usize) -> Option<String> {
        let value = raw.trim();
        if value.chars().count() > max {
            self.add(field, format!("{label} must be {max} characters or fewer"));
        } else if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            self.add(field, format!("{label} must not contain control characters"));
        }
        (!value.is_empty()).then(|| value.to_string())
    }

    /// A required work email, normalised.
    pub fn email(&mut self, field: &str, label: &str, raw: &str) -> String {
        if raw.trim().is_empty() {
            self.add(field, format!("Enter {}", lower_first(label)));
        } else if !is_plausible_email(raw) || raw.trim().len() > 254 {
            self.add(field, format!("Enter {} in the correct format, like name@agency.example", lower_first(label)));
        }
        normalise_email(raw)
    }

    /// A required date typed as `YYYY-MM-DD` (what a date input sends).
    pub fn date(&mut self, field: &str, label: &str, raw: &str) -> Option<Date> {
        let raw = raw.trim();
        if raw.is_empty() {
            self.add(field, format!("Enter {}", lower_first(label)));
            return None;
        }
        self.optional_date(field, label, raw)
    }

    /// An optional date: blank is `None`.
    pub fn optional_date(&mut self, field: &str, label: &str, raw: &str) -> Option<Date> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let parsed = parse_iso_date(raw);
        if parsed.is_none() {
            self.add(field, format!("{label} must be a real date"));
        }
        parsed
    }

    /// `Ok(value)` when nothing is wrong, otherwise the problems.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<Problem>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }
}

/// Parses `YYYY-MM-DD`.
pub fn parse_iso_date(raw: &str) -> Option<Date> {
    let mut parts = raw.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    // Digits only: Rust's number parsing would also take a sign ("+202-01-01").
    if ![y, m, d].iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// Formats a date as `YYYY-MM-DD`, as stored.
pub fn iso_date(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_is_trimmed_and_named() {
        let mut p = Problems::default();
        assert_eq!(p.text("name", "Agency name", "  Wyvern  ", 10), "Wyvern");
        assert!(p.is_empty());
        p.text("name", "Agency name", "   ", 10);
        assert_eq!(p.0, vec![Problem { field: "name".into(), message: "Enter agency name".into() }]);
    }

    #[test]
    fn too_long_and_control_characters_are_refused_once() {
        let mut p = Problems::default();
        p.text("a", "Name", "abcdefghijk", 10);
        p.text("b", "Name", "a\u{0}b", 10);
        assert_eq!(p.0.len(), 2);
        assert_eq!(p.0[0].message, "Name must be 10 characters or fewer");
        assert_eq!(p.0[1].field, "b");
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        let mut p = Problems::default();
        assert_eq!(p.email("e", "Work email", " A@B.Example "), "a@b.example");
        assert!(p.is_empty());
        p.email("e", "Work email", "nope");
        assert!(p.0[0].message.contains("correct format"));
    }

    #[test]
    fn dates_must_be_real() {
        let mut p = Problems::default();
        assert_eq!(p.date("d", "Signed on", "2026-02-28").map(iso_date).as_deref(), Some("2026-02-28"));
        assert_eq!(p.date("d", "Signed on", "2026-02-30"), None);
        assert_eq!(p.optional_date("d", "Signed on", ""), None);
        assert_eq!(p.0.len(), 1);
        assert_eq!(parse_iso_date("26-1-1"), None);
    }

    #[test]
    fn finish_returns_problems_or_value() {
        assert_eq!(Problems::default().finish(3), Ok(3));
        let mut p = Problems::default();
        p.add("x", "bad");
        assert!(p.finish(3).is_err());
    }

    #[test]
    fn dates_are_digits_only() {
        for raw in ["+202-01-01", "2026-+1-01", "2026-01-+1", " 2026-01-01", "2026-01-0x"] {
            assert_eq!(parse_iso_date(raw), None, "{raw}");
        }
        assert!(parse_iso_date("2026-01-01").is_some());
    }
}

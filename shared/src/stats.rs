//! Helpers for anonymised statistics: small-cell suppression, rates, calendar quarters,
//! spreadsheet-safe CSV fields and ages.
//!
//! Suppression hides counts from 1 up to one below the threshold, shown as "<N". Zero is
//! shown as 0: it identifies no one. Suppressing single cells does not stop a hidden
//! count being worked out from a published total and the other cells of its row or
//! column; callers publishing totals must suppress a second cell or round the total.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::{Date, Month};

/// Default small-cell threshold: counts from 1 to 4 are suppressed.
pub const DEFAULT_SMALL_CELL_THRESHOLD: u32 = 5;

/// A published count: its value, or suppressed because it is small.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    /// A count safe to show.
    Value(u32),
    /// A count from 1 to `threshold - 1`, shown as "<threshold".
    Suppressed {
        /// The threshold it fell below.
        threshold: u32,
    },
}

impl Cell {
    /// The count, if it is shown.
    pub fn value(self) -> Option<u32> {
        match self {
            Cell::Value(v) => Some(v),
            Cell::Suppressed { .. } => None,
        }
    }
}

impl fmt::Display for Cell {
    /// A value as a number; a suppressed count as "<N", e.g. "<5".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Value(v) => write!(f, "{v}"),
            Cell::Suppressed { threshold } => write!(f, "<{threshold}"),
        }
    }
}

/// Whether a count is hidden under `threshold`: 1 to `threshold - 1`. Zero never is.
pub fn is_small(count: u32, threshold: u32) -> bool {
    count > 0 && count < threshold
}

/// Suppresses a small count. A threshold of 0 or 1 suppresses nothing.
pub fn suppress(count: u32, threshold: u32) -> Cell {
    if is_small(count, threshold) {
        Cell::Suppressed { threshold }
    } else {
        Cell::Value(count)
    }
}

/// `numerator` as a percentage of `denominator`, or `None` if the denominator is 0 or
/// either count would be suppressed. Not clamped: it can exceed 100.
pub fn rate_percent(numerator: u32, denominator: u32, threshold: u32) -> Option<f64> {
    if denominator == 0 || is_small(numerator, threshold) || is_small(denominator, threshold) {
        return None;
    }
    Some(f64::from(numerator) * 100.0 / f64::from(denominator))
}

/// Errors from building or parsing a [`Quarter`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuarterError {
    /// Not of the form "2026 Q3".
    #[error("expected a quarter like \"2026 Q3\", got {0:?}")]
    Malformed(String),
    /// A quarter number outside 1 to 4, or a year out of the date range.
    #[error("no such quarter: {year} Q{q}")]
    OutOfRange {
        /// The year given.
        year: i32,
        /// The quarter number given.
        q: u8,
    },
}

/// A calendar quarter: Q1 is January to March, Q4 October to December.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Quarter {
    /// Calendar year.
    pub year: i32,
    /// Quarter number, 1 to 4.
    pub q: u8,
}

impl Quarter {
    /// A quarter, checking `q` is 1 to 4 and the year's dates exist.
    pub fn new(year: i32, q: u8) -> Result<Self, QuarterError> {
        let quarter = Quarter { year, q };
        match (quarter.start(), quarter.end()) {
            (Some(_), Some(_)) => Ok(quarter),
            _ => Err(QuarterError::OutOfRange { year, q }),
        }
    }

    /// The quarter a date falls in.
    pub fn from_date(date: Date) -> Self {
        let q = (u8::from(date.month()) - 1) / 3 + 1;
        Quarter { year: date.year(), q }
    }

    /// First day of the quarter; `None` if `q` is not 1 to 4 or the year is out of range.
    pub fn start(&self) -> Option<Date> {
        let month = self.month(0)?;
        Date::from_calendar_date(self.year, month, 1).ok()
    }

    /// Last day of the quarter (inclusive); `None` as for [`Quarter::start`].
    pub fn end(&self) -> Option<Date> {
        let month = self.month(2)?;
        Date::from_calendar_date(self.year, month, month.length(self.year)).ok()
    }

    /// Whether `date` falls in this quarter.
    pub fn contains(&self, date: Date) -> bool {
        Quarter::from_date(date) == *self
    }

    /// The `offset`th month (0 to 2) of the quarter.
    fn month(&self, offset: u8) -> Option<Month> {
        if !(1..=4).contains(&self.q) {
            return None;
        }
        Month::try_from((self.q - 1) * 3 + 1 + offset).ok()
    }
}

impl fmt::Display for Quarter {
    /// "2026 Q3".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} Q{}", self.year, self.q)
    }
}

impl FromStr for Quarter {
    type Err = QuarterError;
    /// Parses "2026 Q3" (also "2026-Q3" and a lowercase "q").
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let malformed = || QuarterError::Malformed(s.to_string());
        let (year, q) = s.trim().split_once([' ', '-']).ok_or_else(malformed)?;
        let q = q.strip_prefix(['Q', 'q']).ok_or_else(malformed)?;
        let year: i32 = year.parse().map_err(|_| malformed())?;
        let q: u8 = q.parse().map_err(|_| malformed())?;
        Quarter::new(year, q)
    }
}

/// A CSV field that is safe to open in a spreadsheet.
///
/// A field starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`
/// so it is not run as a formula (OWASP CSV injection guidance; this also applies to
/// negative numbers). The field is then quoted if it contains a comma, double quote,
/// carriage return or line feed, with inner double quotes doubled.
pub fn csv_field(s: &str) -> String {
    let needs_prefix = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let needs_quotes = s.contains([',', '"', '\r', '\n']);
    let mut out = String::with_capacity(s.len() + 3);
    if needs_quotes {
        out.push('"');
    }
    if needs_prefix {
        out.push('\'');
    }
    out.push_str(&s.replace('"', "\"\""));
    if needs_quotes {
        out.push('"');
    }
    out
}

/// One CSV line (without a line ending) of fields made safe by [`csv_field`].
pub fn csv_row<S: AsRef<str>>(fields: &[S]) -> String {
    let cells: Vec<String> = fields.iter().map(|f| csv_field(f.as_ref())).collect();
    cells.join(",")
}

/// Age in completed years on `on`. Someone born on 29 February gains a year on 1 March
/// in a common year. Negative if `on` is before `dob`.
pub fn age_on(dob: Date, on: Date) -> i32 {
    let years = on.year() - dob.year();
    let birthday_passed = (u8::from(on.month()), on.day()) >= (u8::from(dob.month()), dob.day());
    if birthday_passed {
        years
    } else {
        years - 1
    }
}

/// Whether someone is aged 16 or 17 on `on` (a young person for MARAC statistics).
pub fn is_aged_16_or_17(dob: Date, on: Date) -> bool {
    matches!(age_on(dob, on), 16 | 17)
}

/// One hearing of a case at a MARAC, with what the figures count about its victim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeardCase {
    /// The day it was heard.
    pub heard_on: Date,
    /// It was a confirmed repeat.
    pub repeat: bool,
    /// Equality answers (codes from `equality`).
    pub gender: String,
    /// Ethnic group code.
    pub ethnic_group: String,
    /// Sexual orientation code.
    pub orientation: String,
    /// Disability code.
    pub disability: String,
    /// The victim's date of birth, if known.
    pub victim_dob: Option<Date>,
    /// Children (under 18 on the day) in the household.
    pub children: u32,
}

/// The quarterly MARAC figures, each small count suppressed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarterReport {
    /// The quarter.
    pub quarter: Quarter,
    /// (label, figure) in the order SafeLives asks for them.
    pub figures: Vec<(String, Cell)>,
    /// Repeat rate, percent, when both counts are shown.
    pub repeat_rate: Option<f64>,
    /// Referrals received by referring agency: (agency, count), largest first.
    pub referrals_by_agency: Vec<(String, Cell)>,
}

/// Builds the quarter's figures from its hearings and referrals, suppressing small counts.
pub fn quarter_report(quarter: Quarter, heard: &[HeardCase], referrals_by_agency: &[(String, u32)], threshold: u32) -> QuarterReport {
    use crate::equality::{is_disabled, is_lgbt, is_male, is_racially_minoritised};
    let cases: Vec<&HeardCase> = heard.iter().filter(|h| quarter.contains(h.heard_on)).collect();
    let count = |f: &dyn Fn(&HeardCase) -> bool| cases.iter().filter(|h| f(h)).count() as u32;
    let total = cases.len() as u32;
    let repeats = count(&|h| h.repeat);
    let children: u32 = cases.iter().map(|h| h.children).sum();
    let figures = vec![
        ("Cases discussed", total),
        ("Repeat cases", repeats),
        ("Victims who are Black, Asian or racially minoritised", count(&|h| is_racially_minoritised(&h.ethnic_group))),
        ("LGBT+ victims", count(&|h| is_lgbt(&h.orientation, &h.gender))),
        ("Disabled victims", count(&|h| is_disabled(&h.disability))),
        ("Male victims", count(&|h| is_male(&h.gender))),
        ("Victims aged 16 or 17", count(&|h| h.victim_dob.is_some_and(|d| is_aged_16_or_17(d, h.heard_on)))),
        ("Children in the households", children),
    ];
    let mut by_agency: Vec<(String, u32)> = referrals_by_agency.to_vec();
    by_agency.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    QuarterReport {
        quarter,
        figures: figures.into_iter().map(|(l, n)| (l.to_string(), suppress(n, threshold))).collect(),
        repeat_rate: rate_percent(repeats, total, threshold),
        referrals_by_agency: by_agency.into_iter().map(|(a, n)| (a, suppress(n, threshold))).collect(),
    }
}

/// The report as CSV (safe to open in a spreadsheet), with a header line.
pub fn report_csv(report: &QuarterReport) -> String {
    let label = format!("{}-Q{}", report.quarter.year, report.quarter.q);
    let mut lines = vec![csv_row(&["quarter", "measure", "agency", "value"])];
    for (measure, cell) in &report.figures {
        lines.push(csv_row(&[label.as_str(), measure.as_str(), "", &cell.to_string()]));
    }
    let rate = report.repeat_rate.map_or_else(|| "not shown".to_string(), |r| format!("{r:.1}%"));
    lines.push(csv_row(&[label.as_str(), "Repeat rate", "", &rate]));
    for (agency, cell) in &report.referrals_by_agency {
        lines.push(csv_row(&[label.as_str(), "Referrals received", agency.as_str(), &cell.to_string()]));
    }
    lines.join("\r\n") + "\r\n"
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use time::macros::date;

    const T: u32 = DEFAULT_SMALL_CELL_THRESHOLD;

    #[test]
    fn suppression_boundaries() {
        assert_eq!(suppress(0, T), Cell::Value(0));
        assert_eq!(suppress(1, T), Cell::Suppressed { threshold: 5 });
        assert_eq!(suppress(4, T), Cell::Suppressed { threshold: 5 });
        assert_eq!(suppress(5, T), Cell::Value(5));
        assert_eq!(suppress(1, 1), Cell::Value(1));
        assert_eq!(suppress(1, 0), Cell::Value(1));
        assert_eq!(suppress(9, 10).value(), None);
        assert_eq!(suppress(10, 10).value(), Some(10));
    }

    #[test]
    fn cell_display() {
        assert_eq!(suppress(3, T).to_string(), "<5");
        assert_eq!(suppress(3, 10).to_string(), "<10");
        assert_eq!(suppress(0, T).to_string(), "0");
        assert_eq!(suppress(1234, T).to_string(), "1234");
    }

    #[test]
    fn rates() {
        assert_eq!(rate_percent(5, 20, T), Some(25.0));
        assert_eq!(rate_percent(0, 20, T), Some(0.0));
        assert_eq!(rate_percent(4, 20, T), None);
        assert_eq!(rate_percent(5, 4, T), None);
        assert_eq!(rate_percent(0, 0, T), None);
        assert_eq!(rate_percent(30, 20, T), Some(150.0));
        let third = rate_percent(10, 30, T).unwrap();
        assert!((third - 33.333_333).abs() < 1e-4);
    }

    #[test]
    fn quarters_from_dates() {
        let q = |d| Quarter::from_date(d);
        assert_eq!(q(date!(2026 - 01 - 01)), Quarter { year: 2026, q: 1 });
        assert_eq!(q(date!(2026 - 03 - 31)), Quarter { year: 2026, q: 1 });
        assert_eq!(q(date!(2026 - 04 - 01)), Quarter { year: 2026, q: 2 });
        assert_eq!(q(date!(2026 - 09 - 30)), Quarter { year: 2026, q: 3 });
        assert_eq!(q(date!(2026 - 12 - 31)), Quarter { year: 2026, q: 4 });
        assert!(Quarter { year: 2026, q: 3 }.contains(date!(2026 - 07 - 01)));
        assert!(!Quarter { year: 2026, q: 3 }.contains(date!(2025 - 07 - 01)));
    }

    #[test]
    fn quarter_bounds() {
        let q1 = Quarter { year: 2024, q: 1 };
        assert_eq!((q1.start(), q1.end()), (Some(date!(2024 - 01 - 01)), Some(date!(2024 - 03 - 31))));
        assert_eq!(Quarter { year: 2026, q: 2 }.end(), Some(date!(2026 - 06 - 30)));
        assert_eq!(Quarter { year: 2026, q: 3 }.start(), Some(date!(2026 - 07 - 01)));
        assert_eq!(Quarter { year: 2026, q: 4 }.end(), Some(date!(2026 - 12 - 31)));
        assert_eq!(Quarter { year: 2026, q: 0 }.start(), None);
        assert_eq!(Quarter { year: 2026, q: 5 }.end(), None);
        assert!(Quarter::new(2026, 5).is_err() && Quarter::new(2026, 4).is_ok());
    }

    #[test]
    fn quarter_text() {
        assert_eq!(Quarter { year: 2026, q: 3 }.to_string(), "2026 Q3");
        assert_eq!("2026 Q3".parse(), Ok(Quarter { year: 2026, q: 3 }));
        assert_eq!("2026-q1".parse(), Ok(Quarter { year: 2026, q: 1 }));
        assert!("2026 Q5".parse::<Quarter>().is_err());
        assert!("2026Q3".parse::<Quarter>().is_err());
        assert!("Q3 2026".parse::<Quarter>().is_err());
    }

    #[test]
    fn csv_plain_and_quoted() {
        assert_eq!(csv_field("Fictional Borough"), "Fictional Borough");
        assert_eq!(csv_field(""), "");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_row(&["x", "y,z", "=1"]), "x,\"y,z\",'=1");
    }

    #[test]
    fn csv_formula_injection() {
        assert_eq!(csv_field("=SUM(A1:A2)"), "'=SUM(A1:A2)");
        assert_eq!(csv_field("+1"), "'+1");
        assert_eq!(csv_field("-3"), "'-3");
        assert_eq!(csv_field("@cmd"), "'@cmd");
        assert_eq!(csv_field("\tx"), "'\tx");
        assert_eq!(csv_field("\rx"), "\"'\rx\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\",\"y\")"), "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
        assert_eq!(csv_field("a=b"), "a=b");
    }

    #[test]
    fn ages() {
        let dob = date!(2010 - 06 - 15);
        assert_eq!(age_on(dob, date!(2026 - 06 - 14)), 15);
        assert_eq!(age_on(dob, date!(2026 - 06 - 15)), 16);
        assert_eq!(age_on(dob, dob), 0);
        assert_eq!(age_on(dob, date!(2010 - 06 - 14)), -1);
        assert!(!is_aged_16_or_17(dob, date!(2026 - 06 - 14)));
        assert!(is_aged_16_or_17(dob, date!(2026 - 06 - 15)));
        assert!(is_aged_16_or_17(dob, date!(2028 - 06 - 14)));
        assert!(!is_aged_16_or_17(dob, date!(2028 - 06 - 15)));
    }

    #[test]
    fn leap_day_birthdays() {
        let dob = date!(2008 - 02 - 29);
        assert_eq!(age_on(dob, date!(2025 - 02 - 28)), 16);
        assert_eq!(age_on(dob, date!(2025 - 03 - 01)), 17);
        assert_eq!(age_on(dob, date!(2024 - 02 - 28)), 15);
        assert_eq!(age_on(dob, date!(2024 - 02 - 29)), 16);
    }

    fn heard(day: Date, repeat: bool, gender: &str, ethnic: &str) -> HeardCase {
        HeardCase {
            heard_on: day,
            repeat,
            gender: gender.into(),
            ethnic_group: ethnic.into(),
            orientation: "heterosexual".into(),
            disability: "no".into(),
            victim_dob: None,
            children: 1,
        }
    }

    #[test]
    fn a_quarter_counts_its_own_hearings_and_hides_small_cells() {
        use time::macros::date;
        let q4 = Quarter::new(2026, 4).unwrap_or_else(|e| panic!("{e}"));
        let mut cases: Vec<HeardCase> = (0..12).map(|i| heard(date!(2026 - 11 - 10), i < 6, "female", "white_british")).collect();
        cases.push(heard(date!(2026 - 11 - 24), false, "male", "black"));
        cases.push(heard(date!(2026 - 09 - 30), true, "male", "black"));
        let report = quarter_report(q4, &cases, &[("Police".into(), 9), ("Housing".into(), 2)], 5);
        let figure = |l: &str| report.figures.iter().find(|(x, _)| x == l).map(|(_, c)| *c);
        assert_eq!(figure("Cases discussed"), Some(Cell::Value(13)), "the September hearing is in Q3");
        assert_eq!(figure("Repeat cases"), Some(Cell::Value(6)));
        assert_eq!(figure("Male victims"), Some(Cell::Suppressed { threshold: 5 }));
        assert_eq!(figure("Victims who are Black, Asian or racially minoritised"), Some(Cell::Suppressed { threshold: 5 }));
        assert_eq!(figure("Children in the households"), Some(Cell::Value(13)));
        assert_eq!(figure("Disabled victims"), Some(Cell::Value(0)), "zero identifies no one");
        assert!(report.repeat_rate.is_some_and(|r| (r - 46.15).abs() < 0.1));
        assert_eq!(
            report.referrals_by_agency,
            vec![("Police".to_string(), Cell::Value(9)), ("Housing".to_string(), Cell::Suppressed { threshold: 5 })]
        );
        let csv = report_csv(&report);
        assert!(csv.contains("2026-Q4,Male victims,,<5\r\n") && csv.contains("Referrals received,Police,9"), "{csv}");
    }

    #[test]
    fn agency_names_cannot_smuggle_formulas_into_the_csv() {
        let q = Quarter::new(2026, 1).unwrap_or_else(|e| panic!("{e}"));
        let report = quarter_report(q, &[], &[("=HYPERLINK(\"http://x\")".into(), 7)], 5);
        let csv = report_csv(&report);
        assert!(csv.contains("Referrals received,\"'=HYPERLINK(\"\"http://x\"\")\",7"), "{csv}");
    }
}

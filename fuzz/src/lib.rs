//! Helpers shared by the fuzz targets: structured text that reaches the interesting cases
//! (huge words, control characters, emoji, right-to-left text, markup), dates, and a checker
//! for the markdown sanitiser's promise.

use arbitrary::{Arbitrary, Result, Unstructured};
use time::Date;

pub mod html;

/// Snippets worth combining: scripts, marks, spacing and markup the renderers must survive.
pub const SNIPPETS: &[&str] = &[
    "",
    " ",
    "  ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\n\n",
    "\u{0}",
    "\u{7}",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{85}",
    "\u{a0}",
    "\u{ad}",
    "\u{200b}",
    "\u{200d}",
    "\u{2028}",
    "\u{202e}",
    "\u{2066}",
    "\u{feff}",
    "\u{fffd}",
    "\u{ffff}",
    "\u{10ffff}",
    "\u{e000}",
    "Zoë",
    "Zo\u{0065}\u{0308}",
    "e\u{301}\u{301}\u{301}\u{301}\u{301}",
    "İlkay",
    "STRAUẞ",
    "Łukasz-Đorđević",
    "O'Brien",
    "Анна Иванова",
    "李小龍",
    "山田 太郎",
    "שלום עליכם",
    "مرحبا بالعالم",
    "\u{202b}abc\u{202c}",
    "नमस्ते",
    "ไทย",
    "😀",
    "👩‍👩‍👧‍👦",
    "🏳️‍🌈",
    "🇬🇧",
    "ｊｏｈｎ",
    "ﬁ",
    "Ⅻ",
    "𝔄𝔡𝔞",
    "# ",
    "### ",
    "- ",
    "* ",
    "1. ",
    "> ",
    "**",
    "*",
    "_",
    "~~",
    "`",
    "```",
    "    ",
    "---",
    "|a|b|\n|-|-|\n|c|d|",
    "[link](https://example.org/a)",
    "[x](javascript:alert(1))",
    "![img](https://t.example/p.png)",
    "<https://example.org>",
    "<script>alert(1)</script>",
    "<div onclick=x>",
    "&amp;",
    "&#58;",
    "\\",
    "yes",
    "no",
    "not_known",
    "2026-11-27",
    "1990-02-29",
    "2000-02-29",
    "9999-12-31",
    "0000-01-01",
    "+202-01-01",
    "2026-Q3",
    "2026 q4",
    "=HYPERLINK(\"x\")",
    "@SUM(1)",
    "a@b.example",
    ",",
    ";",
    ":",
    "\"",
    "'",
];

/// A piece of text.
#[derive(Arbitrary, Debug, Clone)]
pub enum Piece {
    /// Any string.
    Raw(String),
    /// One of [`SNIPPETS`].
    Snippet(u8),
    /// One character repeated: a word wider than any line, or a long run of spaces.
    Repeat {
        /// The character.
        c: char,
        /// How many times (capped by the budget).
        n: u16,
    },
    /// A single character, often a control character.
    Char(char),
}

/// Text assembled from pieces.
#[derive(Arbitrary, Debug, Clone)]
pub struct Text(pub Vec<Piece>);

/// A limit on the total text built from one input, so each run stays fast.
#[derive(Debug)]
pub struct Budget(pub usize);

impl Budget {
    /// Takes up to `n` bytes from the budget, returning how many may be used.
    fn take(&mut self, n: usize) -> usize {
        let n = n.min(self.0);
        self.0 -= n;
        n
    }
}

impl Text {
    /// The text, using at most what is left of `budget` (in bytes).
    pub fn build(&self, budget: &mut Budget) -> String {
        let mut out = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Raw(s) => push_capped(&mut out, s, budget),
                Piece::Snippet(i) => push_capped(&mut out, SNIPPETS[usize::from(*i) % SNIPPETS.len()], budget),
                Piece::Repeat { c, n } => {
                    let n = budget.take(usize::from(*n) * c.len_utf8()) / c.len_utf8();
                    out.extend(std::iter::repeat(*c).take(n));
                }
                Piece::Char(c) => push_capped(&mut out, c.encode_utf8(&mut [0; 4]), budget),
            }
            if budget.0 == 0 {
                break;
            }
        }
        out
    }
}

fn push_capped(out: &mut String, s: &str, budget: &mut Budget) {
    let n = budget.take(s.len());
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    budget.0 += n - end;
    out.push_str(&s[..end]);
}

/// A date anywhere in the range `time` supports (years -9999 to 9999).
pub fn any_date(u: &mut Unstructured<'_>) -> Result<Date> {
    let (min, max) = (Date::MIN.to_julian_day(), Date::MAX.to_julian_day());
    let day = u.int_in_range(min..=max)?;
    Ok(Date::from_julian_day(day).unwrap_or(Date::MIN))
}

/// A date near today's (1900 to 2100), where the forms' rules on ages and the past bite.
pub fn plausible_date(u: &mut Unstructured<'_>) -> Result<Date> {
    let min = time::macros::date!(1900 - 01 - 01).to_julian_day();
    let max = time::macros::date!(2100 - 12 - 31).to_julian_day();
    let day = u.int_in_range(min..=max)?;
    Ok(Date::from_julian_day(day).unwrap_or(Date::MIN))
}

/// `YYYY-MM-DD`, as a date input sends it.
pub fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

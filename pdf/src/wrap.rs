//! Line breaking by measured glyph widths: greedy, at spaces, breaking a word only when it
//! alone is wider than the line.

use crate::fonts::{printable, Face, Measure};

/// A piece of inline text in one face.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    /// The face it is printed in.
    pub face: Face,
    /// The text; `'\n'` forces a line break.
    pub text: String,
}

impl Span {
    /// A span of `text` in `face`.
    pub fn new(face: Face, text: impl Into<String>) -> Span {
        Span { face, text: text.into() }
    }
}

/// Text on one line in one face, `x` points from the start of the line.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The face.
    pub face: Face,
    /// The characters as printed (unprintable ones already replaced).
    pub text: String,
    /// Offset from the start of the line, in points.
    pub x: f32,
    /// Width, in points.
    pub width: f32,
}

/// One wrapped line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Line {
    /// Its runs, left to right.
    pub runs: Vec<Run>,
    /// Its width in points (trailing space excluded).
    pub width: f32,
}

#[cfg(test)]
impl Line {
    /// The line's text, runs joined.
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

/// Slack for float rounding when comparing widths.
const EPSILON: f32 = 0.001;

/// Spaces that must not become a line break.
fn is_non_breaking(c: char) -> bool {
    matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}')
}

/// Wraps `spans` at `size` points into lines no wider than `width` points.
///
/// Runs of whitespace collapse to one space; `'\n'` (and a lone `'\r'`) break the line; a
/// word wider than the line is broken between characters (never before a zero-width mark,
/// so accents stay on their letter). Every line holds at least one character, so the only
/// way a line can exceed `width` is a single character wider than `width` itself.
pub fn wrap(m: &dyn Measure, spans: &[Span], size: f32, width: f32) -> Vec<Line> {
    let mut b = Builder { width, ..Builder::default() };
    let mut word: Vec<(Face, char, f32)> = Vec::new();
    for span in spans {
        let mut chars = span.text.chars().peekable();
        while let Some(c) = chars.next() {
            let c = if c == '\r' && chars.peek() == Some(&'\n') {
                continue;
            } else if c == '\r' {
                '\n'
            } else {
                c
            };
            if c == '\n' || (c.is_whitespace() && !is_non_breaking(c)) {
                b.place(&word);
                word.clear();
                if c == '\n' {
                    b.finish_line();
                } else if b.space.is_none() && !b.runs.is_empty() {
                    b.space = Some((span.face, printable(m, span.face, ' ').1 * size));
                }
                continue;
            }
            let (c, em) = printable(m, span.face, c);
            word.push((span.face, c, em * size));
        }
    }
    b.place(&word);
    if !b.runs.is_empty() {
        b.finish_line();
    }
    b.lines
}

#[derive(Default)]
struct Builder {
    width: f32,
    lines: Vec<Line>,
    runs: Vec<Run>,
    x: f32,
    /// A space waiting to be printed before the next word on this line: its face and width.
    space: Option<(Face, f32)>,
}

impl Builder {
    fn place(&mut self, word: &[(Face, char, f32)]) {
        if word.is_empty() {
            return;
        }
        let w: f32 = word.iter().map(|g| g.2).sum();
        if !self.runs.is_empty() {
            let space = self.space.map_or(0.0, |s| s.1);
            if self.x + space + w <= self.width + EPSILON {
                if let Some((face, sw)) = self.space.take() {
                    self.push(face, ' ', sw);
                }
                word.iter().for_each(|&(f, c, cw)| self.push(f, c, cw));
                return;
            }
            self.finish_line();
        }
        for &(face, c, cw) in word {
            if cw > 0.0 && !self.runs.is_empty() && self.x + cw > self.width + EPSILON {
                self.finish_line();
            }
            self.push(face, c, cw);
        }
    }

    fn push(&mut self, face: Face, c: char, w: f32) {
        match self.runs.last_mut() {
            Some(run) if run.face == face => {
                run.text.push(c);
                run.width += w;
            }
            _ => self.runs.push(Run { face, text: c.to_string(), x: self.x, width: w }),
        }
        self.x += w;
    }

    fn finish_line(&mut self) {
        let runs = std::mem::take(&mut self.runs);
        self.lines.push(Line { runs, width: self.x });
        self.x = 0.0;
        self.space = None;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every printable character is 1 em wide, a space half that; bold is 1.2 em; '\u{301}' is a zero-width accent.
    pub struct Fixed;

    impl Measure for Fixed {
        fn advance(&self, face: Face, c: char) -> Option<f32> {
            match c {
                ' ' => Some(0.5),
                '\u{301}' => Some(0.0),
                '\u{1F600}' => None,
                _ if face == Face::Bold => Some(1.2),
                _ => Some(1.0),
            }
        }
    }

    fn plain(text: &str) -> Vec<Span> {
        vec![Span::new(Face::Regular, text)]
    }

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(Line::text).collect()
    }

    /// A small deterministic generator, so the property tests need no dependency.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, below: usize) -> usize {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % below.max(1)
        }
    }

    fn random_text(rng: &mut Lcg) -> String {
        let words = rng.next(40);
        let mut text = String::new();
        for _ in 0..words {
            let longest = if rng.next(10) == 0 { 60 } else { 9 };
            let len = 1 + rng.next(longest);
            for _ in 0..len {
                text.push(char::from(b'a' + rng.next(26) as u8));
            }
            text.push_str([" ", "  ", "\t", " \u{A0}x "][rng.next(4)]);
        }
        text
    }

    #[test]
    fn fills_lines_greedily_at_spaces() {
        let lines = wrap(&Fixed, &plain("aaa bbb ccc dd"), 1.0, 7.5);
        assert_eq!(texts(&lines), ["aaa bbb", "ccc dd"]);
        assert_eq!(lines[0].width, 6.5);
    }

    #[test]
    fn collapses_whitespace_and_drops_it_at_line_ends() {
        let lines = wrap(&Fixed, &plain("  a \t  b   "), 10.0, 1000.0);
        assert_eq!(texts(&lines), ["a b"]);
    }

    #[test]
    fn breaks_a_word_wider_than_the_line() {
        let lines = wrap(&Fixed, &plain("ab abcdefghij k"), 1.0, 4.0);
        assert_eq!(texts(&lines), ["ab", "abcd", "efgh", "ij k"]);
    }

    #[test]
    fn never_separates_an_accent_from_its_letter() {
        let lines = wrap(&Fixed, &plain("abe\u{301}cd"), 1.0, 3.0);
        assert_eq!(texts(&lines), ["abe\u{301}", "cd"]);
    }

    #[test]
    fn newlines_force_breaks_and_keep_blank_lines() {
        let lines = wrap(&Fixed, &plain("one\r\ntwo\n\nthree\rfour"), 1.0, 100.0);
        assert_eq!(texts(&lines), ["one", "two", "", "three", "four"]);
    }

    #[test]
    fn unprintable_characters_are_replaced_not_dropped() {
        let lines = wrap(&Fixed, &plain("a\u{1F600}b\u{7}"), 1.0, 100.0);
        assert_eq!(texts(&lines), ["a?b?"]);
    }

    #[test]
    fn a_word_spanning_faces_stays_together_and_keeps_its_faces() {
        let spans = [Span::new(Face::Regular, "see "), Span::new(Face::Bold, "bold"), Span::new(Face::Regular, ", then")];
        let lines = wrap(&Fixed, &spans, 1.0, 9.0);
        assert_eq!(texts(&lines), ["see", "bold,", "then"]);
        let faces: Vec<Face> = lines[1].runs.iter().map(|r| r.face).collect();
        assert_eq!(faces, [Face::Bold, Face::Regular]);
        assert_eq!(lines[1].runs[1].x, 4.8);
    }

    #[test]
    fn empty_input_gives_no_lines() {
        assert!(wrap(&Fixed, &plain(""), 10.0, 100.0).is_empty());
        assert!(wrap(&Fixed, &plain(" \t "), 10.0, 100.0).is_empty());
        assert!(wrap(&Fixed, &[], 10.0, 100.0).is_empty());
    }

    #[test]
    fn no_line_is_too_wide_and_no_character_is_lost() {
        let mut rng = Lcg(7);
        for _ in 0..500 {
            let text = random_text(&mut rng);
            let width = 1.0 + rng.next(30) as f32;
            let size = 1.0;
            let lines = wrap(&Fixed, &plain(&text), size, width);
            for line in &lines {
                assert!(line.width <= width + EPSILON, "{:?} is {} wide, limit {width}", line.text(), line.width);
                let measured: f32 = line.text().chars().map(|c| Fixed.advance(Face::Regular, c).unwrap_or(1.0)).sum();
                assert!((measured - line.width).abs() < 0.01);
            }
            let kept: String = lines.iter().map(Line::text).collect::<String>().chars().filter(|c| !c.is_whitespace() || *c == '\u{A0}').collect();
            let input: String = text.chars().filter(|c| !c.is_whitespace() || *c == '\u{A0}').collect();
            assert_eq!(kept, input);
            let joined = texts(&lines).join(" ");
            for w in text.split_whitespace().filter(|w| w.chars().count() as f32 <= width) {
                assert!(joined.contains(w), "short word {w:?} was broken or lost");
            }
        }
    }
}

//! Markdown to paragraphs of styled spans. Raw HTML is dropped, never interpreted; links
//! print as their text followed by the address in brackets; images print their alt text.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::fonts::Face;
use crate::wrap::Span;

/// What kind of paragraph a [`Para`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A heading, level 1 (largest) to 3.
    Heading(u8),
    /// Running text, a list item's text, a table row.
    Body,
    /// A code block: printed as plain text, its line breaks kept.
    Code,
    /// A thematic break: a thin rule.
    Rule,
}

/// One paragraph of the markdown.
#[derive(Clone, Debug, PartialEq)]
pub struct Para {
    /// What it is.
    pub kind: Kind,
    /// Its text.
    pub spans: Vec<Span>,
    /// How deep it sits in lists and block quotes (0 = not indented).
    pub depth: usize,
    /// The list marker ("•", "3.") printed before its first line, if it starts a list item.
    pub marker: Option<String>,
    /// Whether it is part of a list (lists are set tighter than paragraphs).
    pub in_list: bool,
}

/// Parses `text` as markdown into paragraphs; `italic` sets the running text in italics
/// (emphasis inside it then prints upright).
pub fn parse(text: &str, italic: bool) -> Vec<Para> {
    let mut p = State { italic_base: italic, ..State::default() };
    for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
        p.event(event);
    }
    p.flush();
    p.out
}

#[derive(Default)]
struct State {
    out: Vec<Para>,
    current: Option<Para>,
    italic_base: bool,
    strong: usize,
    emphasis: usize,
    quotes: usize,
    /// Open lists: the next number of an ordered list, `None` for bullets.
    lists: Vec<Option<u64>>,
    /// The marker for the next paragraph that starts in the current list item.
    marker: Option<String>,
    heading: Option<u8>,
    code: bool,
    /// Open links: their address and the text printed for them so far.
    links: Vec<(String, String)>,
    /// Inside an inline `<script>` or `<style>` element, whose content is not text.
    hidden: bool,
    cell: usize,
}

impl State {
    fn face(&self) -> Face {
        if self.strong > 0 || self.heading.is_some() {
            Face::Bold
        } else if self.italic_base != (self.emphasis > 0) {
            Face::Italic
        } else {
            Face::Regular
        }
    }

    fn depth(&self) -> usize {
        self.lists.len() + self.quotes
    }

    fn open(&mut self, kind: Kind) {
        self.flush();
        self.current = Some(Para { kind, spans: Vec::new(), depth: self.depth(), marker: self.marker.take(), in_list: !self.lists.is_empty() });
    }

    fn flush(&mut self) {
        if let Some(para) = self.current.take() {
            if para.kind == Kind::Rule || para.spans.iter().any(|s| !s.text.trim().is_empty()) || para.marker.is_some() {
                self.out.push(para);
            }
        }
    }

    fn text(&mut self, text: &str) {
        if self.hidden || text.is_empty() {
            return;
        }
        if self.current.is_none() {
            self.open(if self.code { Kind::Code } else { Kind::Body });
        }
        let face = self.face();
        if let Some((_, shown)) = self.links.last_mut() {
            shown.push_str(text);
        }
        if let Some(para) = self.current.as_mut() {
            match para.spans.last_mut() {
                Some(last) if last.face == face => last.text.push_str(text),
                _ => para.spans.push(Span::new(face, text)),
            }
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.text("\n"),
            Event::Rule => {
                self.open(Kind::Rule);
                self.flush();
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(name) => self.text(&format!("[{name}]")),
            Event::InlineHtml(html) => {
                let tag = html.trim_start_matches('<').to_ascii_lowercase();
                if tag.starts_with("script") || tag.starts_with("style") {
                    self.hidden = true;
                } else if tag.starts_with("/script") || tag.starts_with("/style") {
                    self.hidden = false;
                }
            }
            Event::Html(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.open(Kind::Body),
            Tag::Heading { level, .. } => {
                self.heading = Some(match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    _ => 3,
                });
                self.open(Kind::Heading(self.heading.unwrap_or(3)));
            }
            Tag::CodeBlock(_) => {
                self.code = true;
                self.open(Kind::Code);
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.quotes += 1;
            }
            Tag::List(start) => {
                self.flush();
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let marker = format!("{n}.");
                        *n = n.saturating_add(1);
                        marker
                    }
                    _ => if self.lists.len() % 2 == 1 { "•" } else { "◦" }.to_string(),
                };
                self.marker = Some(marker);
            }
            Tag::Emphasis => self.emphasis += 1,
            Tag::Strong => self.strong += 1,
            Tag::Link { dest_url, .. } => self.links.push((dest_url.to_string(), String::new())),
            Tag::TableHead | Tag::TableRow => {
                self.open(Kind::Body);
                self.cell = 0;
            }
            Tag::TableCell => {
                if self.cell > 0 {
                    self.text(" | ");
                }
                self.cell += 1;
            }
            Tag::HtmlBlock
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Table(_)
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Image { .. }
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::TableHead | TagEnd::TableRow => self.flush(),
            TagEnd::Heading(_) => {
                self.flush();
                self.heading = None;
            }
            TagEnd::CodeBlock => {
                if let Some(last) = self.current.as_mut().and_then(|p| p.spans.last_mut()) {
                    let trimmed = last.text.trim_end_matches('\n').len();
                    last.text.truncate(trimmed);
                }
                self.flush();
                self.code = false;
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quotes = self.quotes.saturating_sub(1);
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.flush();
                self.marker = None;
            }
            TagEnd::Emphasis => self.emphasis = self.emphasis.saturating_sub(1),
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::Link => {
                if let Some((url, shown)) = self.links.pop() {
                    let url = url.trim();
                    if !url.is_empty() && url != shown.trim() && url.strip_prefix("mailto:") != Some(shown.trim()) {
                        self.text(&format!(" ({url})"));
                    }
                }
            }
            TagEnd::HtmlBlock
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Table
            | TagEnd::TableCell
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Image
            | TagEnd::MetadataBlock(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: &Para) -> String {
        p.spans.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn headings_paragraphs_and_emphasis() {
        let paras = parse("# Risks\n\nShe said *never* and **always**.", false);
        assert_eq!(paras.len(), 2);
        assert_eq!(paras[0].kind, Kind::Heading(1));
        assert_eq!(text(&paras[0]), "Risks");
        assert_eq!(paras[0].spans[0].face, Face::Bold);
        assert_eq!(
            paras[1].spans,
            [
                Span::new(Face::Regular, "She said "),
                Span::new(Face::Italic, "never"),
                Span::new(Face::Regular, " and "),
                Span::new(Face::Bold, "always"),
                Span::new(Face::Regular, "."),
            ]
        );
    }

    #[test]
    fn emphasis_inside_italic_text_prints_upright() {
        let paras = parse("in her *own* words", true);
        let faces: Vec<Face> = paras[0].spans.iter().map(|s| s.face).collect();
        assert_eq!(faces, [Face::Italic, Face::Regular, Face::Italic]);
    }

    #[test]
    fn lists_have_markers_and_depth() {
        let paras = parse("- one\n- two\n  1. inner\n  2. second\n\n3. three\n4. four", false);
        let got: Vec<(Option<&str>, usize, String)> = paras.iter().map(|p| (p.marker.as_deref(), p.depth, text(p))).collect();
        assert_eq!(
            got,
            [
                (Some("•"), 1, "one".to_string()),
                (Some("•"), 1, "two".to_string()),
                (Some("1."), 2, "inner".to_string()),
                (Some("2."), 2, "second".to_string()),
                (Some("3."), 1, "three".to_string()),
                (Some("4."), 1, "four".to_string()),
            ]
        );
        assert!(paras.iter().all(|p| p.in_list));
    }

    #[test]
    fn raw_html_prints_nothing() {
        let paras = parse("<script>alert(1)</script>\n\nBefore <b>bold</b> <script>alert(2)</script>after <!-- note -->", false);
        let all: String = paras.iter().map(text).collect::<Vec<_>>().join("\n");
        assert_eq!(all, "Before bold after ");
    }

    #[test]
    fn links_print_their_text_then_the_address() {
        let paras = parse("See [the policy](https://example.org/p) and <https://example.org/q>.", false);
        assert_eq!(text(&paras[0]), "See the policy (https://example.org/p) and https://example.org/q.");
    }

    #[test]
    fn code_and_tables_print_as_text() {
        let paras = parse("Use `ref 12`.\n\n```\nline one\nline two\n```\n\n| A | B |\n|---|---|\n| 1 | 2 |", false);
        let texts: Vec<String> = paras.iter().map(text).collect();
        assert_eq!(texts, ["Use ref 12.", "line one\nline two", "A | B", "1 | 2"]);
        assert_eq!(paras[1].kind, Kind::Code);
    }

    #[test]
    fn empty_and_pathological_input() {
        assert!(parse("", false).is_empty());
        assert!(parse("   \n\n  ", false).is_empty());
        let deep = format!("{}x", "> ".repeat(500));
        assert_eq!(parse(&deep, false).last().map(|p| p.depth), Some(500));
        let nested = format!("{}x", "- ".repeat(200));
        assert!(!parse(&nested, false).is_empty());
    }
}

//! How the title and each kind of [`Block`] are laid out on the page.

use shared::document::{Block, Document};
use shared::meeting::EntryKind;

use crate::fonts::{text_width, Face};
use crate::markdown::{self, Kind, Para};
use crate::page::{baseline, Flow, FrameKind, Item, CONTENT, LEFT, RIGHT};
use crate::wrap::{wrap, Span};

/// A text size and the height of its lines, in points.
#[derive(Clone, Copy)]
struct Style {
    size: f32,
    leading: f32,
}

const BODY: Style = Style { size: 10.0, leading: 14.0 };
const SMALL: Style = Style { size: 8.5, leading: 12.0 };
const TITLE: Style = Style { size: 19.0, leading: 24.0 };
const HEADINGS: [Style; 3] = [Style { size: 15.0, leading: 19.0 }, Style { size: 12.5, leading: 16.0 }, Style { size: 11.0, leading: 14.5 }];

/// Indent per level of list or quote nesting.
const INDENT: f32 = 16.0;
/// Lists never nest so deep that less than this width is left for their text.
const MIN_TEXT_WIDTH: f32 = 150.0;
/// Space between blocks.
const BLOCK_GAP: f32 = 8.0;
/// How far opinions are indented, leaving room for their bar.
const OPINION_INDENT: f32 = 16.0;
/// Height of an entry's label and first line of source.
const LABEL_ROW: f32 = 16.0;
/// The most of a paragraph's first lines kept together (see [`Flow::lines`]).
const FIRST_LINES: f32 = 3.0 * BODY.leading;

/// Lays out the title and every block of `doc` in `flow`.
pub fn layout(flow: &mut Flow, doc: &Document) {
    title(flow, &doc.title);
    for (i, block) in doc.blocks.iter().enumerate() {
        match block {
            Block::Heading { level, text } => {
                let follow = start_height(doc.blocks.get(i + 1..).unwrap_or_default());
                heading(flow, *level, &[Span::new(Face::Bold, text.as_str())], LEFT, CONTENT, follow);
            }
            Block::Text(text) => {
                flow.gap(BLOCK_GAP);
                paragraph(flow, &[Span::new(Face::Regular, text.as_str())], LEFT, CONTENT, None);
            }
            Block::Markdown(text) => {
                flow.gap(BLOCK_GAP);
                paras(flow, &markdown::parse(text, false), LEFT, CONTENT);
            }
            Block::Entry { kind, source, body } => entry(flow, *kind, source, body),
            Block::Notice(text) => notice(flow, text),
            Block::Fields(pairs) => fields(flow, pairs),
            Block::PageBreak => flow.page_break(),
        }
    }
}

fn title(flow: &mut Flow, text: &str) {
    let lines = wrap(flow.m, &[Span::new(Face::Bold, text)], TITLE.size, CONTENT);
    if lines.is_empty() {
        return;
    }
    flow.lines(&lines, LEFT, TITLE.size, TITLE.leading, 0.0);
    let top = flow.take(8.0);
    flow.draw(Item::Line { x1: LEFT, y1: top + 5.0, x2: RIGHT, y2: top + 5.0, width: 1.2, grey: 0.15 });
    flow.gap(6.0);
}

fn heading_style(level: u8) -> Style {
    HEADINGS.get(usize::from(level.clamp(1, 3)) - 1).copied().unwrap_or(BODY)
}

/// About how much room the start of `blocks` needs, so that a heading before them is never
/// left at the foot of a page: what the first block keeps together, plus any headings
/// (up to three) leading up to it.
fn start_height(blocks: &[Block]) -> f32 {
    let mut height = 0.0;
    for block in blocks.iter().take(4) {
        height += match block {
            Block::Heading { level, .. } => {
                let style = heading_style(*level);
                style.size + style.leading + 2.0
            }
            Block::Text(_) | Block::Markdown(_) => BLOCK_GAP + FIRST_LINES,
            Block::Entry { .. } => BLOCK_GAP + 2.0 + LABEL_ROW + 3.0 + FIRST_LINES + 2.0,
            Block::Notice(_) => BLOCK_GAP + 2.0 + 16.0 + 2.0 * BODY.leading,
            Block::Fields(_) => BLOCK_GAP + 2.0 + 4.0 + 2.0 * BODY.leading,
            Block::PageBreak => 0.0,
        };
        if !matches!(block, Block::Heading { .. }) {
            break;
        }
    }
    height
}

/// A heading, kept on the same page as the first `follow` points of what comes after it.
fn heading(flow: &mut Flow, level: u8, spans: &[Span], x: f32, width: f32, follow: f32) {
    let style = heading_style(level);
    let lines = wrap(flow.m, spans, style.size, width);
    if lines.is_empty() {
        return;
    }
    flow.gap(style.size);
    flow.keep(lines.len().min(3) as f32 * style.leading + 2.0 + follow);
    flow.lines(&lines, x, style.size, style.leading, 0.1);
    flow.gap(2.0);
}

/// One paragraph at `x`, `width` wide, with an optional list marker hanging to its left.
fn paragraph(flow: &mut Flow, spans: &[Span], x: f32, width: f32, marker: Option<&str>) {
    let lines = wrap(flow.m, spans, BODY.size, width);
    flow.keep(if lines.len() <= 3 { lines.len() } else { 2 } as f32 * BODY.leading);
    let mut rest = lines.as_slice();
    if let Some(marker) = marker {
        let top = flow.take(BODY.leading);
        let y = baseline(top, BODY.size, BODY.leading);
        let w = text_width(flow.m, Face::Regular, BODY.size, marker);
        flow.draw(Item::Text { x: x - w - 5.0, y, angle: 0.0, face: Face::Regular, size: BODY.size, grey: 0.0, text: marker.into() });
        if let Some((first, others)) = lines.split_first() {
            flow.line_at(first, x, y, BODY.size, 0.0);
            rest = others;
        }
    }
    flow.lines(rest, x, BODY.size, BODY.leading, 0.0);
}

/// Markdown paragraphs at `x`, `width` wide, nested lists and quotes indented.
fn paras(flow: &mut Flow, paras: &[Para], x: f32, width: f32) {
    let max_depth = ((width - MIN_TEXT_WIDTH) / INDENT).max(0.0) as usize;
    let mut previous: Option<&Para> = None;
    for p in paras {
        let depth = p.depth.min(max_depth);
        let px = x + depth as f32 * INDENT + if p.in_list { 4.0 } else { 0.0 };
        let pw = x + width - px;
        match p.kind {
            Kind::Heading(level) => heading(flow, level, &p.spans, px, pw, 7.0 + FIRST_LINES),
            Kind::Rule => {
                flow.gap(4.0);
                let top = flow.take(8.0);
                flow.draw(Item::Line { x1: px, y1: top + 4.0, x2: px + pw, y2: top + 4.0, width: 0.5, grey: 0.6 });
            }
            Kind::Body | Kind::Code => {
                if let Some(before) = previous {
                    let tight = p.in_list && before.in_list;
                    flow.gap(if tight { 3.0 } else { 7.0 });
                }
                paragraph(flow, &p.spans, px, pw, p.marker.as_deref());
            }
        }
        previous = Some(p);
    }
}

/// A FACT or OPINION: a label with the source beside it, then the body. Opinions are
/// indented, set in italics and carry a bar down their left side.
fn entry(flow: &mut Flow, kind: EntryKind, source: &str, body: &str) {
    let opinion = kind == EntryKind::Opinion;
    let x = if opinion { LEFT + OPINION_INDENT } else { LEFT };
    let width = RIGHT - x;
    let label = kind.label();
    let tag_size = 7.5;
    let tag_w = text_width(flow.m, Face::Bold, tag_size, label) + 9.0;
    let source = source.trim();
    let source = format!("Source: {}", if source.is_empty() { "not recorded" } else { source });
    let source_x = x + tag_w + 7.0;
    let source_lines = wrap(flow.m, &[Span::new(Face::Regular, source)], SMALL.size, RIGHT - source_x);
    let body = markdown::parse(body, opinion);

    flow.gap(BLOCK_GAP + 2.0);
    let first_lines = if body.is_empty() { 0.0 } else { 3.0 + FIRST_LINES };
    flow.keep(LABEL_ROW + (source_lines.len().max(1) - 1) as f32 * SMALL.leading + first_lines + 2.0);
    if opinion {
        flow.open(FrameKind::Bar { x: LEFT + 5.0 }, 1.0);
    }
    let top = flow.take(LABEL_ROW);
    let y = baseline(top, SMALL.size, LABEL_ROW);
    let cap = 0.73 * tag_size;
    let (tag_top, tag_h) = (y - cap - 3.2, cap + 6.4);
    if opinion {
        flow.draw(Item::Outline { x, y: tag_top, w: tag_w, h: tag_h, width: 0.9, grey: 0.15 });
    } else {
        flow.draw(Item::Fill { x, y: tag_top, w: tag_w, h: tag_h, grey: 0.15 });
    }
    let tag_grey = if opinion { 0.15 } else { 1.0 };
    flow.draw(Item::Text { x: x + 4.5, y, angle: 0.0, face: Face::Bold, size: tag_size, grey: tag_grey, text: label.into() });
    if let Some((first, others)) = source_lines.split_first() {
        flow.line_at(first, source_x, y, SMALL.size, 0.3);
        flow.lines(others, source_x, SMALL.size, SMALL.leading, 0.3);
    }
    flow.gap(3.0);
    paras(flow, &body, x, width);
    if opinion {
        flow.close();
    }
}

/// Text in a ruled box.
fn notice(flow: &mut Flow, text: &str) {
    let pad = 8.0;
    let lines = wrap(flow.m, &[Span::new(Face::Regular, text)], BODY.size, CONTENT - 2.0 * pad);
    if lines.is_empty() {
        return;
    }
    flow.gap(BLOCK_GAP + 2.0);
    flow.keep(2.0 * pad + lines.len().min(2) as f32 * BODY.leading);
    flow.open(FrameKind::Box { x: LEFT, w: CONTENT }, pad);
    flow.lines(&lines, LEFT + pad, BODY.size, BODY.leading, 0.0);
    flow.close();
}

/// Label and value pairs: labels in bold in a column of their own, values wrapped beside them.
fn fields(flow: &mut Flow, pairs: &[(String, String)]) {
    if pairs.is_empty() {
        return;
    }
    let gutter = 12.0;
    let widest = pairs.iter().map(|(l, _)| text_width(flow.m, Face::Bold, BODY.size, l.trim())).fold(0.0, f32::max);
    let column = (widest + gutter).clamp(110.0, CONTENT * 0.36);
    flow.gap(BLOCK_GAP + 2.0);
    flow.keep(2.0 * BODY.leading + 4.0);
    let top = flow.take(4.0);
    flow.draw(Item::Line { x1: LEFT, y1: top + 1.0, x2: RIGHT, y2: top + 1.0, width: 0.6, grey: 0.45 });
    for (i, (label, value)) in pairs.iter().enumerate() {
        let value = if value.trim().is_empty() { "\u{2014}" } else { value.as_str() };
        let labels = wrap(flow.m, &[Span::new(Face::Bold, label.as_str())], BODY.size, column - gutter);
        let values = wrap(flow.m, &[Span::new(Face::Regular, value)], BODY.size, CONTENT - column);
        let rows = labels.len().max(values.len()).max(1);
        if i > 0 {
            flow.gap(3.0);
            if !flow.is_fresh() {
                let y = flow.y() - 1.5;
                flow.draw(Item::Line { x1: LEFT, y1: y, x2: RIGHT, y2: y, width: 0.4, grey: 0.82 });
            }
            flow.gap(2.0);
        }
        flow.keep(rows.min(2) as f32 * BODY.leading);
        for row in 0..rows {
            let top = flow.take(BODY.leading);
            let y = baseline(top, BODY.size, BODY.leading);
            if let Some(line) = labels.get(row) {
                flow.line_at(line, LEFT, y, BODY.size, 0.0);
            }
            if let Some(line) = values.get(row) {
                flow.line_at(line, LEFT + column, y, BODY.size, 0.0);
            }
        }
    }
}

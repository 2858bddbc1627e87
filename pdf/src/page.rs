//! A4 geometry, the things drawn on a page, and [`Flow`]: the cursor that fills pages top
//! to bottom and starts a new one when content runs out of room.

use crate::fonts::{Face, Measure};
use crate::wrap::Line;

/// A4 width in points.
pub const WIDTH: f32 = 595.276;
/// A4 height in points.
pub const HEIGHT: f32 = 841.89;
/// Left edge of the content (20 mm margin).
pub const LEFT: f32 = 56.69;
/// Right edge of the content.
pub const RIGHT: f32 = WIDTH - LEFT;
/// Width of the content.
pub const CONTENT: f32 = RIGHT - LEFT;
/// Top of the content, below the marking (25 mm), measured from the top of the page.
pub const TOP: f32 = 70.87;
/// Bottom of the content, above the footer (24 mm from the bottom edge), from the top of the page.
pub const BOTTOM: f32 = HEIGHT - 68.0;

/// Something drawn on a page. `y` is measured down from the top edge of the page; grey is
/// 0 for black to 1 for white.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// Text on a baseline starting at (`x`, `y`), turned `angle` degrees anticlockwise.
    Text { x: f32, y: f32, angle: f32, face: Face, size: f32, grey: f32, text: String },
    /// A straight line.
    Line { x1: f32, y1: f32, x2: f32, y2: f32, width: f32, grey: f32 },
    /// A filled rectangle with its top left corner at (`x`, `y`).
    Fill { x: f32, y: f32, w: f32, h: f32, grey: f32 },
    /// An outlined rectangle with its top left corner at (`x`, `y`).
    Outline { x: f32, y: f32, w: f32, h: f32, width: f32, grey: f32 },
}

/// What an open frame draws around the content laid out inside it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FrameKind {
    /// A ruled box from `x`, `w` wide; content is expected `pad` inside it.
    Box { x: f32, w: f32 },
    /// A vertical bar at `x`, beside the content.
    Bar { x: f32 },
}

/// Decoration around content that may run over several pages: drawn once per page it touches.
#[derive(Clone, Copy, Debug)]
struct Frame {
    kind: FrameKind,
    pad: f32,
    /// Where the frame's part on the current page starts.
    start: f32,
}

/// Lays content out on pages, one line at a time.
pub struct Flow<'m> {
    /// The font metrics content is measured with.
    pub m: &'m dyn Measure,
    pages: Vec<Vec<Item>>,
    y: f32,
    /// Nothing has been placed on the current page yet.
    fresh: bool,
    /// A page break was asked for; it happens when more content arrives.
    pending: bool,
    frames: Vec<Frame>,
}

impl<'m> Flow<'m> {
    /// A flow positioned at the top of an empty first page.
    pub fn new(m: &'m dyn Measure) -> Flow<'m> {
        Flow { m, pages: vec![Vec::new()], y: TOP, fresh: true, pending: false, frames: Vec::new() }
    }

    fn limit(&self) -> f32 {
        BOTTOM - self.frames.iter().map(|f| f.pad).sum::<f32>()
    }

    /// Asks for a new page before the next content; if no content follows, no page is added.
    pub fn page_break(&mut self) {
        self.pending = true;
    }

    fn settle(&mut self) {
        if self.pending {
            self.pending = false;
            if !self.fresh {
                self.break_page();
            }
        }
    }

    /// Starts a new page unless the current page is still empty, so the next `h` points are
    /// kept together (a heading with the first lines below it).
    pub fn keep(&mut self, h: f32) {
        self.settle();
        if !self.fresh && self.y + h > self.limit() {
            self.break_page();
        }
    }

    /// Vertical space, dropped at the top of a page.
    pub fn gap(&mut self, h: f32) {
        if !self.fresh && !self.pending {
            self.y = (self.y + h).min(self.limit());
        }
    }

    /// Takes `h` points of height for one line or strip, on a new page if it does not fit;
    /// returns the top of the space taken.
    pub fn take(&mut self, h: f32) -> f32 {
        self.settle();
        if !self.fresh && self.y + h > self.limit() {
            self.break_page();
        }
        self.fresh = false;
        let top = self.y;
        self.y += h;
        top
    }

    /// Draws `item` on the current page.
    pub fn draw(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.push(item);
        }
    }

    /// Places wrapped `lines` at `x`, each `leading` tall, in `size` points of `grey`. A page
    /// never ends after the first line or before the last one (no orphans, no widows).
    pub fn lines(&mut self, lines: &[Line], x: f32, size: f32, leading: f32, grey: f32) {
        let n = lines.len();
        self.keep(if n <= 3 { n } else { 2 } as f32 * leading);
        for (i, line) in lines.iter().enumerate() {
            if n >= 4 && i == n - 2 {
                self.keep(2.0 * leading);
            }
            let top = self.take(leading);
            self.line_at(line, x, baseline(top, size, leading), size, grey);
        }
    }

    /// Draws one wrapped line with its baseline at `y`, without moving the flow.
    pub fn line_at(&mut self, line: &Line, x: f32, y: f32, size: f32, grey: f32) {
        for run in &line.runs {
            self.draw(Item::Text { x: x + run.x, y, angle: 0.0, face: run.face, size, grey, text: run.text.clone() });
        }
    }

    /// Ends the current page and continues at the top of a new one, carrying open frames over.
    fn break_page(&mut self) {
        let frames = std::mem::take(&mut self.frames);
        for f in frames.iter().rev() {
            self.close_part(f);
        }
        self.pages.push(Vec::new());
        self.y = TOP;
        self.fresh = true;
        self.pending = false;
        for mut f in frames {
            f.start = self.y;
            self.y += f.pad;
            self.frames.push(f);
        }
    }

    /// Opens a frame; content follows `pad` points below its top.
    pub fn open(&mut self, kind: FrameKind, pad: f32) {
        self.settle();
        self.frames.push(Frame { kind, pad, start: self.y });
        self.y += pad;
    }

    /// Closes the innermost frame, `pad` points below the content.
    pub fn close(&mut self) {
        if let Some(f) = self.frames.pop() {
            self.y += f.pad;
            self.draw_part(&f, self.y);
        }
    }

    fn close_part(&mut self, f: &Frame) {
        if self.y > f.start + f.pad + 0.01 {
            self.draw_part(f, self.y + f.pad);
        }
    }

    fn draw_part(&mut self, f: &Frame, end: f32) {
        let h = end - f.start;
        match f.kind {
            FrameKind::Box { x, w } => self.draw(Item::Outline { x, y: f.start, w, h, width: 0.8, grey: 0.25 }),
            FrameKind::Bar { x } => self.draw(Item::Line { x1: x, y1: f.start, x2: x, y2: end, width: 2.2, grey: 0.55 }),
        }
    }

    /// Whether nothing has been placed on the current page.
    pub fn is_fresh(&self) -> bool {
        self.fresh
    }

    /// The current position, from the top of the page.
    pub fn y(&self) -> f32 {
        self.y
    }

    /// The pages laid out so far (open frames are closed first).
    pub fn finish(mut self) -> Vec<Vec<Item>> {
        while !self.frames.is_empty() {
            self.close();
        }
        self.pages
    }
}

/// The baseline of a line of `size`-point text centred in a strip `leading` tall at `top`.
pub fn baseline(top: f32, size: f32, leading: f32) -> f32 {
    top + (leading + 0.72 * size) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wrap::tests::Fixed;

    fn text_ys(pages: &[Vec<Item>]) -> Vec<Vec<f32>> {
        pages.iter().map(|p| p.iter().filter_map(|i| if let Item::Text { y, .. } = i { Some(*y) } else { None }).collect()).collect()
    }

    fn strip(flow: &mut Flow, n: usize) {
        for _ in 0..n {
            let top = flow.take(14.0);
            flow.draw(Item::Text { x: LEFT, y: baseline(top, 10.0, 14.0), angle: 0.0, face: Face::Regular, size: 10.0, grey: 0.0, text: "x".into() });
        }
    }

    #[test]
    fn lines_stay_inside_the_content_area_and_pages_grow_with_content() {
        let mut last = 0;
        for n in [0, 1, 10, 50, 51, 100, 500, 3000] {
            let mut flow = Flow::new(&Fixed);
            strip(&mut flow, n);
            let pages = flow.finish();
            let ys = text_ys(&pages);
            assert_eq!(ys.iter().map(Vec::len).sum::<usize>(), n, "lines lost");
            for y in ys.iter().flatten() {
                assert!(*y > TOP && *y < BOTTOM, "baseline {y} outside the content area");
            }
            let per_page = ((BOTTOM - TOP) / 14.0).floor() as usize;
            assert_eq!(pages.len(), n.div_ceil(per_page).max(1), "{n} lines");
            assert!(pages.len() >= last);
            last = pages.len();
        }
    }

    #[test]
    fn keep_moves_a_group_that_does_not_fit_and_gaps_vanish_at_the_top() {
        let mut flow = Flow::new(&Fixed);
        strip(&mut flow, 49);
        flow.keep(3.0 * 14.0);
        assert!(flow.is_fresh());
        flow.gap(20.0);
        assert_eq!(flow.y(), TOP);
        flow.keep(10_000.0);
        assert!(flow.is_fresh(), "an empty page is never abandoned");
        assert_eq!(flow.finish().len(), 2);
    }

    #[test]
    fn a_page_break_waits_for_content_and_never_leaves_an_empty_page() {
        let mut flow = Flow::new(&Fixed);
        flow.page_break();
        strip(&mut flow, 1);
        flow.page_break();
        flow.page_break();
        flow.gap(30.0);
        strip(&mut flow, 1);
        flow.page_break();
        let pages = flow.finish();
        assert_eq!(text_ys(&pages), [vec![baseline(TOP, 10.0, 14.0)], vec![baseline(TOP, 10.0, 14.0)]]);
    }

    #[test]
    fn a_frame_is_drawn_on_every_page_it_spans() {
        let mut flow = Flow::new(&Fixed);
        strip(&mut flow, 40);
        flow.open(FrameKind::Box { x: LEFT, w: CONTENT }, 8.0);
        strip(&mut flow, 100);
        flow.close();
        let pages = flow.finish();
        assert_eq!(pages.len(), 3);
        for page in &pages {
            let boxes: Vec<(f32, f32)> =
                page.iter().filter_map(|i| if let Item::Outline { y, h, .. } = i { Some((*y, y + h)) } else { None }).collect();
            assert_eq!(boxes.len(), 1);
            let (top, bottom) = boxes[0];
            assert!(top >= TOP - 0.01 && bottom <= BOTTOM + 0.01, "box {top}..{bottom} leaves the content area");
            for y in text_ys(std::slice::from_ref(page)).concat() {
                if y > top {
                    assert!(y < bottom, "text at {y} is outside its box {top}..{bottom}");
                }
            }
        }
    }
}

//! What every page carries (marking, watermark, footer), and turning laid-out pages into PDF
//! bytes with printpdf.

use std::collections::BTreeSet;
use std::io::Write as _;

use flate2::write::ZlibEncoder;
use flate2::Compression;

use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem,
    TextMatrix,
};
use shared::document::Document;

use crate::fonts::{printable_text, text_width, Face, Fonts, Measure};
use crate::page::{Item, CONTENT, HEIGHT, LEFT, RIGHT, WIDTH};
use crate::wrap::{wrap, Span};
use crate::PdfError;

/// The only title written into the file's metadata: the document's own title may name people.
pub const METADATA_TITLE: &str = "Roundtable document";

const MARKING_SIZE: f32 = 10.0;
const FOOTER_SIZE: f32 = 8.0;
const WATERMARK_GREY: f32 = 0.87;

/// Adds to every page its marking at top and bottom, its footer, and the watermark (first,
/// so it lies behind the content).
pub fn decorate(m: &dyn Measure, doc: &Document, pages: &mut [Vec<Item>]) {
    let watermark = watermark(m, &doc.watermark);
    let (marking, marking_size) = fit(m, Face::Bold, &doc.marking, MARKING_SIZE, 6.0, CONTENT);
    let marking_x = (WIDTH - text_width(m, Face::Bold, marking_size, &marking)) / 2.0;
    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        page.splice(0..0, watermark.iter().cloned());
        for y in [34.0, HEIGHT - 24.0] {
            page.push(Item::Text { x: marking_x, y, angle: 0.0, face: Face::Bold, size: marking_size, grey: 0.0, text: marking.clone() });
        }
        page.push(Item::Line { x1: LEFT, y1: 44.0, x2: RIGHT, y2: 44.0, width: 0.4, grey: 0.6 });
        page.push(Item::Line { x1: LEFT, y1: HEIGHT - 54.0, x2: RIGHT, y2: HEIGHT - 54.0, width: 0.4, grey: 0.6 });
        let number = format!("Page {} of {}", i + 1, total);
        let number_w = text_width(m, Face::Regular, FOOTER_SIZE, &number);
        let footer_y = HEIGHT - 42.0;
        page.push(Item::Text { x: RIGHT - number_w, y: footer_y, angle: 0.0, face: Face::Regular, size: FOOTER_SIZE, grey: 0.25, text: number });
        let (id, id_size) = fit(m, Face::Regular, &format!("Document {}", doc.id), FOOTER_SIZE, 5.0, CONTENT - number_w - 24.0);
        page.push(Item::Text { x: LEFT, y: footer_y, angle: 0.0, face: Face::Regular, size: id_size, grey: 0.25, text: id });
    }
}

/// `text` on one line (whitespace collapsed, unprintable characters replaced) at the largest
/// size from `size` down to `min` that fits `width`; cut short with an ellipsis if even
/// `min` is too wide.
fn fit(m: &dyn Measure, face: Face, text: &str, size: f32, min: f32, width: f32) -> (String, f32) {
    let text = printable_text(m, face, &text.split_whitespace().collect::<Vec<_>>().join(" "));
    let natural = text_width(m, face, 1.0, &text);
    if natural * min <= width {
        return (text, if natural * size <= width { size } else { width / natural });
    }
    let ellipsis = '\u{2026}';
    let mut room = width - text_width(m, face, min, &ellipsis.to_string());
    let mut cut = String::new();
    for c in text.chars() {
        room -= text_width(m, face, min, &c.to_string());
        if room < 0.0 {
            break;
        }
        cut.push(c);
    }
    cut.push(ellipsis);
    (cut, min)
}

/// The watermark: light grey, large, along the page's rising diagonal, centred; long text
/// is set smaller and, if need be, on several lines.
fn watermark(m: &dyn Measure, text: &str) -> Vec<Item> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let natural = text_width(m, Face::Bold, 1.0, &text);
    if natural <= 0.0 {
        return Vec::new();
    }
    let angle = HEIGHT.atan2(WIDTH);
    let span = 0.7 * WIDTH.hypot(HEIGHT);
    let size = (span / natural).clamp(16.0, 44.0);
    let leading = size * 1.25;
    let lines: Vec<_> = wrap(m, &[Span::new(Face::Bold, text)], size, span).into_iter().take(6).collect();
    let (sin, cos) = angle.sin_cos();
    let (cx, cy) = (WIDTH / 2.0, HEIGHT / 2.0);
    let middle = (lines.len() as f32 - 1.0) / 2.0;
    lines
        .iter()
        .enumerate()
        .flat_map(|(i, line)| {
            // Offset across the diagonal (towards the top left for earlier lines), then back
            // half the line's length along it; the page's y axis points down.
            let across = (middle - i as f32) * leading - 0.36 * size;
            let along = -line.width / 2.0;
            let x = cx + along * cos - across * sin;
            let y = cy - along * sin - across * cos;
            // Each run ends with a space: poppler otherwise runs the next upright word
            // into the rotated one, and `pdftotext -nodiag` drops it with the watermark.
            line.runs.iter().map(move |run| Item::Text {
                x: x + run.x * cos,
                y: y - run.x * sin,
                angle: angle.to_degrees(),
                face: run.face,
                size,
                grey: WATERMARK_GREY,
                text: format!("{} ", run.text),
            })
        })
        .collect()
}

/// The PDF file for `pages`: fonts subset to the characters used, neutral metadata.
pub fn to_pdf(fonts: &Fonts, pages: &[Vec<Item>]) -> Result<Vec<u8>, PdfError> {
    let mut used: [BTreeSet<char>; 3] = Default::default();
    let pages: Vec<Vec<Item>> = pages
        .iter()
        .map(|page| {
            page.iter()
                .filter_map(|item| {
                    let mut item = item.clone();
                    if let Item::Text { text, face, .. } = &mut item {
                        *text = printable_text(fonts, *face, text);
                        if text.is_empty() {
                            return None;
                        }
                        if let Some(set) = used.get_mut(face.index()) {
                            set.extend(text.chars());
                        }
                    }
                    Some(item)
                })
                .collect()
        })
        .collect();

    let mut doc = PdfDocument::new(METADATA_TITLE);
    doc.metadata.info.producer = "Roundtable".into();
    doc.metadata.info.creator = "Roundtable".into();
    let ids = fonts.embed(&mut doc, &used)?;
    let pages: Vec<PdfPage> = pages.iter().map(|items| PdfPage::new(Mm(210.0), Mm(297.0), ops(items, &ids))).collect();
    let options = PdfSaveOptions { optimize: false, subset_fonts: false, secure: true, image_optimization: None };
    let mut file = doc.with_pages(pages).to_lopdf_document(&options, &mut Vec::new());
    compress_streams(&mut file);
    let mut bytes = Vec::new();
    file.save_to(&mut bytes).map_err(|_| PdfError::Write)?;
    if bytes.is_empty() {
        return Err(PdfError::Write);
    }
    Ok(bytes)
}

/// Deflates every stream that may be compressed and is not already, as printpdf's `optimize`
/// does, but at zlib's default level: its slowest level took half of each render's time for
/// files a few per cent smaller.
fn compress_streams(file: &mut lopdf::Document) {
    for object in file.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else { continue };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        if encoder.write_all(&stream.content).is_err() {
            continue;
        }
        let Ok(compressed) = encoder.finish() else { continue };
        if compressed.len() < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
}

fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale::new(level.clamp(0.0, 1.0), None))
}

fn point(x: f32, y: f32) -> LinePoint {
    LinePoint { p: Point { x: Pt(x), y: Pt(HEIGHT - y) }, bezier: false }
}

/// The content stream operations for one page's items, in order.
fn ops(items: &[Item], ids: &[FontId; 3]) -> Vec<Op> {
    let mut ops = Vec::new();
    let mut in_text = false;
    let mut font: Option<(Face, f32)> = None;
    let mut fill: Option<f32> = None;
    for item in items {
        if let Item::Text { x, y, angle, face, size, grey: g, text } = item {
            if !in_text {
                ops.push(Op::StartTextSection);
                in_text = true;
            }
            if font != Some((*face, *size)) {
                let id = ids.get(face.index()).cloned().unwrap_or_else(|| FontId("FR".into()));
                ops.push(Op::SetFont { font: PdfFontHandle::External(id), size: Pt(*size) });
                font = Some((*face, *size));
            }
            if fill != Some(*g) {
                ops.push(Op::SetFillColor { col: grey(*g) });
                fill = Some(*g);
            }
            let matrix = if *angle == 0.0 {
                TextMatrix::Translate(Pt(*x), Pt(HEIGHT - y))
            } else {
                TextMatrix::TranslateRotate(Pt(*x), Pt(HEIGHT - y), *angle)
            };
            ops.push(Op::SetTextMatrix { matrix });
            ops.push(Op::ShowText { items: vec![TextItem::Text(text.clone())] });
            continue;
        }
        if in_text {
            ops.push(Op::EndTextSection);
            in_text = false;
        }
        match item {
            Item::Line { x1, y1, x2, y2, width, grey: g } => {
                ops.push(Op::SetOutlineColor { col: grey(*g) });
                ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                ops.push(Op::DrawLine { line: Line { points: vec![point(*x1, *y1), point(*x2, *y2)], is_closed: false } });
            }
            Item::Fill { x, y, w, h, grey: g } => {
                ops.push(Op::SetFillColor { col: grey(*g) });
                fill = Some(*g);
                ops.push(Op::DrawRectangle { rectangle: rect(*x, *y, *w, *h, PaintMode::Fill) });
            }
            Item::Outline { x, y, w, h, width, grey: g } => {
                ops.push(Op::SetOutlineColor { col: grey(*g) });
                ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                ops.push(Op::DrawRectangle { rectangle: rect(*x, *y, *w, *h, PaintMode::Stroke) });
            }
            Item::Text { .. } => {}
        }
    }
    if in_text {
        ops.push(Op::EndTextSection);
    }
    ops
}

fn rect(x: f32, y: f32, w: f32, h: f32, mode: PaintMode) -> Rect {
    Rect { mode: Some(mode), ..Rect::from_xywh(Pt(x), Pt(HEIGHT - y - h), Pt(w), Pt(h)) }
}

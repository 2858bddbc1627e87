//! What every page carries (marking, watermark, footer), and turning laid-out pages into PDF
//! bytes.

use flate2::{Compress, Compression, FlushCompress, Status};
use lopdf::dictionary;
use shared::document::Document;

use crate::fonts::{printable, printable_text, text_width, CharMap, Face, Fonts, Measure, Subset};
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

/// Resource names of the faces in content streams, indexed by [`Face`].
const FONT_NAMES: [&str; 3] = ["FR", "FB", "FI"];

/// The PDF file for `pages`: fonts subset to the characters used, neutral metadata. The
/// content streams are written directly, as bytes, rather than through a writer's
/// operation objects; every stream is deflated.
pub fn to_pdf(fonts: &Fonts, pages: &[Vec<Item>]) -> Result<Vec<u8>, PdfError> {
    let mut used: [CharMap<bool>; 3] = Default::default();
    for item in pages.iter().flatten() {
        if let Item::Text { text, face, .. } = item {
            if let Some(set) = used.get_mut(face.index()) {
                text.chars().for_each(|c| set.set(printable(fonts, *face, c).0, true));
            }
        }
    }
    let mut deflate = Deflate::new();
    let mut file = lopdf::Document::with_version("1.7");
    let mut font_dict = lopdf::Dictionary::new();
    let mut codes: [CharMap<u16>; 3] = Default::default();
    for face in Face::ALL {
        let Some(chars) = used.get(face.index()).map(CharMap::chars).filter(|c| !c.is_empty()) else { continue };
        let subset = fonts.subset(face, &chars)?;
        let id = embed(&mut file, &mut deflate, &subset);
        if let (Some(name), Some(slot)) = (FONT_NAMES.get(face.index()), codes.get_mut(face.index())) {
            font_dict.set(*name, id);
            *slot = subset.codes;
        }
    }
    let resources = file.add_object(dictionary! { "Font" => font_dict });
    let tree = file.new_object_id();
    let mut kids = Vec::with_capacity(pages.len());
    let mut buf = Vec::new();
    for items in pages {
        buf.clear();
        content(&mut buf, fonts, items, &codes);
        let contents = file.add_object(deflate.stream(dictionary! {}, &buf));
        let page = file.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => tree,
            "MediaBox" => vec![0.into(), 0.into(), WIDTH.into(), HEIGHT.into()],
            "Resources" => resources,
            "Contents" => contents,
        });
        kids.push(page.into());
    }
    let count = kids.len() as i64;
    file.objects.insert(tree, dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }.into());
    let catalog = file.add_object(dictionary! { "Type" => "Catalog", "Pages" => tree });
    let literal = |s: &str| lopdf::Object::String(s.as_bytes().to_vec(), lopdf::StringFormat::Literal);
    let info = file.add_object(dictionary! {
        "Title" => literal(METADATA_TITLE),
        "Producer" => literal("Roundtable"),
        "Creator" => literal("Roundtable"),
    });
    file.trailer.set("Root", catalog);
    file.trailer.set("Info", info);
    let mut bytes = Vec::new();
    file.save_to(&mut bytes).map_err(|_| PdfError::Write)?;
    if bytes.is_empty() {
        return Err(PdfError::Write);
    }
    Ok(bytes)
}

/// Adds `subset` as a Type 0 font with Identity-H coding (codes are glyph ids), widths and a
/// ToUnicode map, and returns the font's object.
fn embed(file: &mut lopdf::Document, deflate: &mut Deflate, subset: &Subset) -> lopdf::ObjectId {
    let length1 = subset.program.len() as i64;
    let program = file.add_object(deflate.stream(dictionary! { "Length1" => length1 }, &subset.program));
    let m = &subset.metrics;
    let flags = 32 | if m.italic_angle != 0 { 64 } else { 0 };
    let descriptor = file.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => subset.name.clone(),
        "Ascent" => m.ascent,
        "Descent" => m.descent,
        "CapHeight" => m.ascent,
        "ItalicAngle" => m.italic_angle,
        "Flags" => flags,
        "StemV" => m.stem_v,
        "FontBBox" => m.bbox.iter().map(|&v| v.into()).collect::<Vec<lopdf::Object>>(),
        "FontFile2" => program,
    });
    let to_unicode = file.add_object(deflate.stream(dictionary! {}, &cmap(&subset.glyphs)));
    let cid_font = dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => subset.name.clone(),
        "CIDSystemInfo" => dictionary! {
            "Registry" => lopdf::Object::String(b"Adobe".to_vec(), lopdf::StringFormat::Literal),
            "Ordering" => lopdf::Object::String(b"Identity".to_vec(), lopdf::StringFormat::Literal),
            "Supplement" => 0,
        },
        "W" => widths(&subset.glyphs),
        "DW" => 1000,
        "FontDescriptor" => descriptor,
        "CIDToGIDMap" => "Identity",
    };
    file.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => subset.name.clone(),
        "Encoding" => "Identity-H",
        "ToUnicode" => to_unicode,
        "DescendantFonts" => vec![cid_font.into()],
    })
}

/// The `/W` array: each run of consecutive codes as its first code and their widths.
fn widths(glyphs: &[(u16, i64, char)]) -> Vec<lopdf::Object> {
    let mut out = Vec::new();
    let mut run: Vec<lopdf::Object> = Vec::new();
    let mut next = None;
    for &(code, width, _) in glyphs {
        if next != Some(code) {
            if !run.is_empty() {
                out.push(std::mem::take(&mut run).into());
            }
            out.push(i64::from(code).into());
        }
        run.push(width.into());
        next = code.checked_add(1);
    }
    if !run.is_empty() {
        out.push(run.into());
    }
    out
}

/// The ToUnicode CMap: which character each code prints.
fn cmap(glyphs: &[(u16, i64, char)]) -> Vec<u8> {
    let mut out = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in glyphs.chunks(100) {
        out.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for &(code, _, c) in chunk {
            out.push_str(&format!("<{code:04X}> <"));
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("{u:04X}"));
            }
            out.push_str(">\n");
        }
        out.push_str("endbfchar\n");
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out.into_bytes()
}

/// One zlib compressor, reset for each stream: setting one up costs more than deflating a
/// short page.
struct Deflate(Compress);

impl Deflate {
    fn new() -> Deflate {
        Deflate(Compress::new(Compression::default(), true))
    }

    /// A stream of `data`, deflated unless that fails or does not make it smaller.
    fn stream(&mut self, dict: lopdf::Dictionary, data: &[u8]) -> lopdf::Stream {
        self.0.reset();
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        loop {
            let before = self.0.total_in();
            let offset = usize::try_from(before).unwrap_or(usize::MAX);
            match self.0.compress_vec(data.get(offset..).unwrap_or_default(), &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => break,
                Ok(_) if out.len() < data.len() => out.reserve(out.capacity().max(64)),
                _ => return lopdf::Stream::new(dict, data.to_vec()),
            }
        }
        if out.len() >= data.len() {
            return lopdf::Stream::new(dict, data.to_vec());
        }
        let mut dict = dict;
        dict.set("Filter", "FlateDecode");
        lopdf::Stream::new(dict, out)
    }
}

/// Appends `v` to `out` in decimal with at most `places` decimals (trailing zeros dropped).
fn num(out: &mut Vec<u8>, v: f32, places: u32) {
    let scale = 10i64.pow(places);
    let mut n = (f64::from(v) * scale as f64).round() as i64;
    if n < 0 {
        out.push(b'-');
        n = -n;
    }
    let (int, mut frac) = (n / scale, n % scale);
    int_to(out, int);
    if frac == 0 {
        return;
    }
    let mut places = places;
    while frac % 10 == 0 {
        frac /= 10;
        places -= 1;
    }
    out.push(b'.');
    let digits = out.len();
    int_to(out, frac);
    let short = places as usize - (out.len() - digits);
    out.splice(digits..digits, std::iter::repeat_n(b'0', short));
}

fn int_to(out: &mut Vec<u8>, mut n: i64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(d) = buf.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    out.extend_from_slice(buf.get(i..).unwrap_or_default());
}

/// Coordinates to a thousandth of a point; matrix coefficients to six places.
fn coord(out: &mut Vec<u8>, v: f32) {
    num(out, v, 3);
    out.push(b' ');
}

fn grey_op(out: &mut Vec<u8>, level: f32, op: &[u8]) {
    coord(out, level.clamp(0.0, 1.0));
    out.extend_from_slice(op);
}

fn stroke_style(out: &mut Vec<u8>, level: f32, width: f32) {
    grey_op(out, level, b"G\n");
    coord(out, width);
    out.extend_from_slice(b"w\n");
}

/// Appends the content stream for one page's items, in order, to `out`. Each text is a
/// literal string of two-byte codes (half the bytes of a hex string, so less to deflate),
/// the codes `codes` gives its characters in their face.
fn content(out: &mut Vec<u8>, m: &dyn Measure, items: &[Item], codes: &[CharMap<u16>; 3]) {
    let mut in_text = false;
    let mut font: Option<(Face, f32)> = None;
    let mut fill: Option<f32> = None;
    for item in items {
        if let Item::Text { x, y, angle, face, size, grey: g, text } = item {
            if text.is_empty() {
                continue;
            }
            if !in_text {
                out.extend_from_slice(b"BT\n");
                in_text = true;
            }
            if font != Some((*face, *size)) {
                out.push(b'/');
                out.extend_from_slice(FONT_NAMES.get(face.index()).unwrap_or(&"FR").as_bytes());
                out.push(b' ');
                coord(out, *size);
                out.extend_from_slice(b"Tf\n");
                font = Some((*face, *size));
            }
            if fill != Some(*g) {
                grey_op(out, *g, b"g\n");
                fill = Some(*g);
            }
            let (sin, cos) = if *angle == 0.0 { (0.0, 1.0) } else { angle.to_radians().sin_cos() };
            for v in [cos, sin, -sin, cos] {
                num(out, v, 6);
                out.push(b' ');
            }
            coord(out, *x);
            coord(out, HEIGHT - y);
            let map = codes.get(face.index());
            out.extend_from_slice(b"Tm\n(");
            for c in text.chars() {
                let c = printable(m, *face, c).0;
                let code = map.map_or(0, |m| m.get(c));
                for b in code.to_be_bytes() {
                    match b {
                        b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                        b'\r' => out.extend_from_slice(b"\\r"),
                        b'\n' => out.extend_from_slice(b"\\n"),
                        _ => out.push(b),
                    }
                }
            }
            out.extend_from_slice(b") Tj\n");
            continue;
        }
        if in_text {
            out.extend_from_slice(b"ET\n");
            in_text = false;
        }
        match item {
            Item::Line { x1, y1, x2, y2, width, grey: g } => {
                stroke_style(out, *g, *width);
                for v in [*x1, HEIGHT - y1] {
                    coord(out, v);
                }
                out.extend_from_slice(b"m\n");
                for v in [*x2, HEIGHT - y2] {
                    coord(out, v);
                }
                out.extend_from_slice(b"l\nS\n");
            }
            Item::Fill { x, y, w, h, grey: g } => {
                grey_op(out, *g, b"g\n");
                fill = Some(*g);
                for v in [*x, HEIGHT - y - h, *w, *h] {
                    coord(out, v);
                }
                out.extend_from_slice(b"re\nf\n");
            }
            Item::Outline { x, y, w, h, width, grey: g } => {
                stroke_style(out, *g, *width);
                for v in [*x, HEIGHT - y - h, *w, *h] {
                    coord(out, v);
                }
                out.extend_from_slice(b"re\nS\n");
            }
            Item::Text { .. } => {}
        }
    }
    if in_text {
        out.extend_from_slice(b"ET\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(v: f32, places: u32) -> String {
        let mut out = Vec::new();
        num(&mut out, v, places);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn numbers_are_written_short_and_exact_to_their_places() {
        assert_eq!(written(0.0, 3), "0");
        assert_eq!(written(-0.0001, 3), "0");
        assert_eq!(written(56.69, 3), "56.69");
        assert_eq!(written(841.89, 3), "841.89");
        assert_eq!(written(-12.5, 3), "-12.5");
        assert_eq!(written(0.05, 3), "0.05");
        assert_eq!(written(1000.0, 3), "1000");
        assert_eq!(written(0.577_331, 6), "0.577331");
        assert_eq!(written(-0.000_004, 6), "-0.000004");
    }

    #[test]
    fn widths_group_consecutive_codes() {
        let w = widths(&[(1, 500, 'a'), (2, 600, 'b'), (5, 700, 'c')]);
        assert_eq!(w, vec![1.into(), vec![500.into(), 600.into()].into(), 5.into(), vec![700.into()].into()]);
    }
}

//! The embedded DejaVu Sans faces: glyph widths for measuring, and subsets for embedding.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};
use printpdf::ParsedFont;

use crate::PdfError;

/// A typeface of the embedded family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Face {
    /// DejaVu Sans.
    Regular,
    /// DejaVu Sans Bold.
    Bold,
    /// DejaVu Sans Oblique.
    Italic,
}

impl Face {
    /// Every face, in index order.
    pub const ALL: [Face; 3] = [Face::Regular, Face::Bold, Face::Italic];

    /// Its position in per-face arrays.
    pub fn index(self) -> usize {
        match self {
            Face::Regular => 0,
            Face::Bold => 1,
            Face::Italic => 2,
        }
    }
}

/// Widths of characters in a face, in ems; `None` when the face has no glyph for it.
pub trait Measure {
    /// The advance width of `c` in `face`, in ems, or `None` if the face cannot print it.
    fn advance(&self, face: Face, c: char) -> Option<f32>;
}

/// What stands in for a character the face cannot print.
pub const REPLACEMENT: char = '?';

/// The character actually printed for `c` in `face`, and its width in ems.
///
/// Tabs and other spacing become a plain space; control characters and characters the
/// face has no glyph for become [`REPLACEMENT`], so nothing is dropped silently.
pub fn printable(m: &dyn Measure, face: Face, c: char) -> (char, f32) {
    let c = if c == '\t' { ' ' } else { c };
    if !c.is_control() {
        if let Some(w) = m.advance(face, c) {
            return (c, w);
        }
    }
    (REPLACEMENT, m.advance(face, REPLACEMENT).unwrap_or(0.6))
}

/// The width of `text` in `face` at `size` points, as it will be printed.
pub fn text_width(m: &dyn Measure, face: Face, size: f32, text: &str) -> f32 {
    text.chars().map(|c| printable(m, face, c).1).sum::<f32>() * size
}

/// `text` as it will be printed in `face` (see [`printable`]).
pub fn printable_text(m: &dyn Measure, face: Face, text: &str) -> String {
    text.chars().map(|c| printable(m, face, c).0).collect()
}

struct FaceData {
    name: &'static str,
    bytes: &'static [u8],
    font: ParsedFont,
    units_per_em: f32,
    /// Glyph and advance (ems) of every character below [`TABLE_END`]; glyph 0 where the
    /// face has none. Measuring looks characters up here rather than in the font's maps.
    table: Vec<(u16, f32)>,
}

/// Characters below this (Latin, Greek, Cyrillic, combining marks, general punctuation)
/// are measured from a table built once; the rest are looked up in the font each time.
const TABLE_END: u32 = 0x2500;

impl FaceData {
    fn lookup(&self, code: u32) -> (u16, f32) {
        let glyph = self.font.lookup_glyph_index(code).unwrap_or(0);
        match self.font.get_glyph_width(glyph) {
            Some(width) if glyph != 0 => (glyph, f32::from(width) / self.units_per_em),
            _ => (0, 0.0),
        }
    }

    /// The glyph for `c` and its advance in ems, if the face has one.
    fn glyph(&self, c: char) -> Option<(u16, f32)> {
        let code = u32::from(c);
        let (glyph, width) = match self.table.get(code as usize) {
            Some(&entry) => entry,
            None => self.lookup(code),
        };
        (glyph != 0).then_some((glyph, width))
    }

    /// The advance of `glyph` in thousandths of an em, as PDF font widths are given.
    fn width_1000(&self, glyph: u16) -> i64 {
        self.font.get_glyph_width(glyph).map_or(0, |w| (f32::from(w) * 1000.0 / self.units_per_em).round() as i64)
    }
}

/// Values by character: a flat table for characters below [`TABLE_END`], a map for the rest.
#[derive(Clone, Debug)]
pub struct CharMap<T> {
    low: Vec<T>,
    high: HashMap<char, T>,
}

impl<T: Copy + Default> Default for CharMap<T> {
    fn default() -> Self {
        CharMap { low: vec![T::default(); TABLE_END as usize], high: HashMap::new() }
    }
}

impl<T: Copy + Default> CharMap<T> {
    /// The value for `c` (the default if none was set).
    pub fn get(&self, c: char) -> T {
        match self.low.get(u32::from(c) as usize) {
            Some(&v) => v,
            None => self.high.get(&c).copied().unwrap_or_default(),
        }
    }

    /// Sets the value for `c`.
    pub fn set(&mut self, c: char, v: T) {
        match self.low.get_mut(u32::from(c) as usize) {
            Some(slot) => *slot = v,
            None => {
                self.high.insert(c, v);
            }
        }
    }
}

impl CharMap<bool> {
    /// The characters set to `true`, in order.
    pub fn chars(&self) -> BTreeSet<char> {
        let low = self.low.iter().zip(0u32..).filter(|(&on, _)| on).filter_map(|(_, code)| char::from_u32(code));
        low.chain(self.high.iter().filter(|(_, &on)| on).map(|(&c, _)| c)).collect()
    }
}

/// One face cut down to the characters a file uses, ready to embed.
pub struct Subset {
    /// The PostScript name, with its subset tag.
    pub name: String,
    /// The TrueType font program.
    pub program: Vec<u8>,
    /// The code (glyph id in `program`) each character is written with; 0 for none.
    pub codes: CharMap<u16>,
    /// Each code with its advance in thousandths of an em and the character it stands for,
    /// in code order.
    pub glyphs: Vec<(u16, i64, char)>,
    /// The face's font descriptor metrics, in thousandths of an em.
    pub metrics: Metrics,
}

/// What a PDF font descriptor says about a face, in thousandths of an em.
#[derive(Clone, Copy, Debug)]
pub struct Metrics {
    /// Height above the baseline.
    pub ascent: i64,
    /// Depth below the baseline (negative).
    pub descent: i64,
    /// Slant in degrees, anticlockwise from vertical (negative for italics).
    pub italic_angle: i64,
    /// Estimated vertical stem thickness.
    pub stem_v: i64,
    /// The bounding box of all glyphs: x min, y min, x max, y max.
    pub bbox: [i64; 4],
}

/// The three faces, parsed once.
pub struct Fonts {
    faces: Vec<FaceData>,
}

const SOURCES: [(&str, &[u8]); 3] = [
    ("DejaVuSans", include_bytes!("../fonts/DejaVuSans.ttf")),
    ("DejaVuSans-Bold", include_bytes!("../fonts/DejaVuSans-Bold.ttf")),
    ("DejaVuSans-Oblique", include_bytes!("../fonts/DejaVuSans-Oblique.ttf")),
];

static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();

/// The embedded fonts, parsed on first use.
pub fn fonts() -> Result<&'static Fonts, PdfError> {
    FONTS.get_or_init(Fonts::parse).as_ref().ok_or(PdfError::Font)
}

impl Fonts {
    fn parse() -> Option<Fonts> {
        let mut faces = Vec::with_capacity(SOURCES.len());
        for (name, bytes) in SOURCES {
            let font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())?;
            let units_per_em = f32::from(font.units_per_em.max(1));
            let mut face = FaceData { name, bytes, font, units_per_em, table: Vec::new() };
            face.table = (0..TABLE_END).map(|code| face.lookup(code)).collect();
            faces.push(face);
        }
        Some(Fonts { faces })
    }

    fn face(&self, face: Face) -> Option<&FaceData> {
        self.faces.get(face.index())
    }

    /// `face` cut down to the characters in `chars` (those it has a glyph for; the rest
    /// are left out). Falls back to the whole face if subsetting fails.
    pub fn subset(&self, face: Face, chars: &BTreeSet<char>) -> Result<Subset, PdfError> {
        let data = self.face(face).ok_or(PdfError::Font)?;
        let mapped: Vec<(char, u16)> = chars.iter().filter_map(|&c| data.glyph(c).map(|(g, _)| (c, g))).collect();
        let glyphs: BTreeSet<u16> = mapped.iter().map(|&(_, g)| g).collect();
        // The subset numbers its glyphs in the order asked for: 0 first, then `glyphs`.
        let renumbered: HashMap<u16, u16> = glyphs.iter().zip(1u16..).map(|(&g, new)| (g, new)).collect();
        let (name, program, code_of) = match subset_bytes(data.bytes, &glyphs) {
            Some(program) => (format!("{}+{}", subset_tag(&glyphs), data.name), program, Some(renumbered)),
            None => (data.name.to_string(), data.bytes.to_vec(), None),
        };
        let code = |g: u16| code_of.as_ref().map_or(Some(g), |m| m.get(&g).copied());
        let mut codes = CharMap::default();
        let mut glyphs: Vec<(u16, i64, char)> = Vec::with_capacity(mapped.len());
        for &(c, g) in &mapped {
            if let Some(code) = code(g) {
                codes.set(c, code);
                glyphs.push((code, data.width_1000(g), c));
            }
        }
        glyphs.sort_by_key(|&(code, _, _)| code);
        glyphs.dedup_by_key(|&mut (code, _, _)| code);
        Ok(Subset { name, program, codes, glyphs, metrics: data.metrics() })
    }
}

impl FaceData {
    fn metrics(&self) -> Metrics {
        let scale = |v: i16| (f32::from(v) * 1000.0 / self.units_per_em).round() as i64;
        let m = &self.font.pdf_font_metrics;
        let italic_angle = if m.caret_slope_rise == 0 {
            0
        } else {
            (-f32::from(m.caret_slope_run).atan2(f32::from(m.caret_slope_rise)).to_degrees()).round() as i64
        };
        let stem_v = if m.us_weight_class == 0 { 80 } else { 50 + (f32::from(m.us_weight_class) / 65.0).powi(2).round() as i64 };
        Metrics {
            ascent: scale(self.font.font_metrics.ascent),
            descent: scale(self.font.font_metrics.descent),
            italic_angle,
            stem_v,
            bbox: [scale(m.x_min), scale(m.y_min), scale(m.x_max), scale(m.y_max)],
        }
    }
}

/// The six capital letters that name a subset (PDF 32000-1, 9.6.4), derived from its glyphs
/// so that different subsets get different names.
fn subset_tag(glyphs: &BTreeSet<u16>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for g in glyphs {
        for b in g.to_be_bytes() {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6).map(|i| char::from(b'A' + ((hash >> (i * 8)) % 26) as u8)).collect()
}

/// A TrueType font holding glyph 0 and `glyphs` (and their components), with a Unicode cmap.
fn subset_bytes(bytes: &[u8], glyphs: &BTreeSet<u16>) -> Option<Vec<u8>> {
    let data = ReadScope::new(bytes).read::<FontData<'_>>().ok()?;
    let provider = data.table_provider(0).ok()?;
    let ids: Vec<u16> = std::iter::once(0).chain(glyphs.iter().copied()).collect();
    subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode).ok()
}

impl Measure for Fonts {
    fn advance(&self, face: Face, c: char) -> Option<f32> {
        self.face(face)?.glyph(c).map(|(_, width)| width)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn accented_letters_have_glyphs_in_every_face() {
        let fonts = fonts().unwrap();
        for face in Face::ALL {
            for c in "ZoëŁucjaŞükrüAdébáyọ̀".chars() {
                assert!(fonts.advance(face, c).is_some(), "{c:?} missing in {face:?}");
            }
        }
    }

    #[test]
    fn unprintable_characters_become_a_visible_replacement() {
        let fonts = fonts().unwrap();
        assert_eq!(printable(fonts, Face::Regular, '\u{7}').0, REPLACEMENT);
        assert_eq!(printable(fonts, Face::Regular, '中').0, REPLACEMENT);
        assert_eq!(printable(fonts, Face::Regular, '\t').0, ' ');
        assert_eq!(printable_text(fonts, Face::Bold, "Zoë\u{0}"), "Zoë?");
    }

    #[test]
    fn subset_tags_are_six_capitals_and_differ_between_subsets() {
        let a = subset_tag(&[1, 2, 3].into());
        let b = subset_tag(&[1, 2, 4].into());
        assert!(a.len() == 6 && a.chars().all(|c| c.is_ascii_uppercase()), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn subset_codes_are_the_glyph_ids_the_subset_maps_its_characters_to() {
        let fonts = fonts().unwrap();
        let chars: BTreeSet<char> = "Łucja Zoë Şükrü Anaïs Bjørn Hélène Oisín Adébáyọ̀ ?".chars().collect();
        for face in Face::ALL {
            let subset = fonts.subset(face, &chars).unwrap();
            assert!(subset.name.ends_with(fonts.face(face).unwrap().name) && subset.name.len() > 7, "{}", subset.name);
            let font = ParsedFont::from_bytes(&subset.program, 0, &mut Vec::new()).unwrap();
            for &c in &chars {
                let code = subset.codes.get(c);
                assert!(code != 0, "{c:?} has no code in {face:?}");
                assert_eq!(font.lookup_glyph_index(u32::from(c)), Some(code), "{c:?} in {face:?}");
            }
            assert!(subset.glyphs.windows(2).all(|w| w[0].0 < w[1].0), "codes in order, once each");
        }
    }

    #[test]
    fn bold_is_wider_than_regular() {
        let fonts = fonts().unwrap();
        let text = "Multi-agency risk assessment conference";
        assert!(text_width(fonts, Face::Bold, 10.0, text) > text_width(fonts, Face::Regular, 10.0, text));
    }

    #[test]
    fn a_subset_is_much_smaller_and_still_maps_its_characters() {
        let fonts = fonts().unwrap();
        let data = fonts.face(Face::Regular).unwrap();
        let chars: BTreeSet<char> = "Zoë Brannigan ọ̀".chars().collect();
        let glyphs: BTreeSet<u16> = chars.iter().filter_map(|&c| data.font.lookup_glyph_index(u32::from(c))).collect();
        let bytes = subset_bytes(data.bytes, &glyphs).unwrap();
        assert!(bytes.len() < data.bytes.len() / 10, "{} bytes", bytes.len());
        let font = ParsedFont::from_bytes(&bytes, 0, &mut Vec::new()).unwrap();
        for c in chars {
            assert!(font.lookup_glyph_index(u32::from(c)).is_some_and(|g| g != 0), "{c:?} lost");
        }
    }
}

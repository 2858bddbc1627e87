//! The embedded DejaVu Sans faces: glyph widths for measuring, and subsets for embedding.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};
use printpdf::{FontId, ParsedFont, PdfDocument, PdfFont};

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
    const ALL: [Face; 3] = [Face::Regular, Face::Bold, Face::Italic];

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
            faces.push(FaceData { name, bytes, font, units_per_em });
        }
        Some(Fonts { faces })
    }

    fn face(&self, face: Face) -> Option<&FaceData> {
        self.faces.get(face.index())
    }

    /// Adds a subset of each face holding the characters `used` lists for it, and returns
    /// the resource id of each face (index by [`Face`]). Falls back to embedding the whole
    /// face if subsetting fails.
    pub fn embed(&self, doc: &mut PdfDocument, used: &[BTreeSet<char>; 3]) -> Result<[FontId; 3], PdfError> {
        let ids = [FontId("FR".into()), FontId("FB".into()), FontId("FI".into())];
        for face in Face::ALL {
            let (Some(data), Some(chars), Some(id)) = (self.face(face), used.get(face.index()), ids.get(face.index())) else {
                return Err(PdfError::Font);
            };
            if chars.is_empty() {
                continue;
            }
            let glyphs: BTreeSet<u16> = chars.iter().filter_map(|&c| data.font.lookup_glyph_index(u32::from(c))).filter(|&g| g != 0).collect();
            let mut font = subset_bytes(data.bytes, &glyphs)
                .and_then(|bytes| ParsedFont::from_bytes(&bytes, 0, &mut Vec::new()))
                .map(|mut font| {
                    font.font_name = Some(format!("{}+{}", subset_tag(&glyphs), data.name));
                    font
                })
                .unwrap_or_else(|| data.font.clone());
            if font.font_name.is_none() {
                font.font_name = Some(data.name.to_string());
            }
            doc.resources.fonts.map.insert(id.clone(), PdfFont::new(font));
        }
        Ok(ids)
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
        let data = self.face(face)?;
        let glyph = data.font.lookup_glyph_index(u32::from(c)).filter(|&g| g != 0)?;
        let width = data.font.get_glyph_width(glyph)?;
        Some(f32::from(width) / data.units_per_em)
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

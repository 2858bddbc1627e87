//! Roundtable's PDF builder: lays out a [`Document`] on A4 pages and returns the file.
//!
//! Text is set in DejaVu Sans (regular, bold, oblique), compiled in and embedded as subsets,
//! so accented and non-Latin names print as written; a character the font lacks, and any
//! control character, prints as `?`. Every page carries the protective marking at top and
//! bottom, the recipient's watermark in light grey across it (behind the text), and a footer
//! with "Document <id>" and "Page X of Y". Nothing from the document is written into the
//! file's metadata: its title is always "Roundtable document".
//!
//! Entries are labelled FACT (a solid tag, plain text) or OPINION (an outlined tag, the text
//! indented and in italics beside a grey bar), each with its source. Markdown links print as
//! their text followed by the address in brackets; raw HTML prints nothing.

mod blocks;
mod draw;
mod fonts;
mod markdown;
mod page;
mod wrap;

use shared::document::Document;

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The compiled-in fonts could not be read.
    #[error("the embedded fonts could not be read")]
    Font,
    /// The PDF writer produced no bytes.
    #[error("the PDF writer produced no output")]
    Write,
}

/// The PDF file for `doc`. Pure: reads nothing but the compiled-in fonts.
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts::fonts()?;
    let mut flow = page::Flow::new(fonts);
    blocks::layout(&mut flow, doc);
    let mut pages = flow.finish();
    draw::decorate(fonts, doc, &mut pages);
    draw::to_pdf(fonts, &pages)
}

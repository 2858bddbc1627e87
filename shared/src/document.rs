//! A printable document, independent of its file format: what the PDF builder lays out.
//!
//! Pages, line breaks and fonts are the builder's business; this model says only what is
//! printed and how it is marked. Nothing here is written into a file's metadata.

use serde::{Deserialize, Serialize};

use crate::meeting::EntryKind;

/// A document for one recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// The document's id, printed on every page (it traces the copy).
    pub id: String,
    /// The heading on the first page. Never placed in the file's metadata.
    pub title: String,
    /// The protective marking, printed at the top and bottom of every page.
    pub marking: String,
    /// Who the copy is for (agency and name), printed faintly across every page.
    pub watermark: String,
    /// The content, in reading order.
    pub blocks: Vec<Block>,
}

/// One piece of content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    /// A heading; `level` 1 is the largest, 3 the smallest.
    Heading {
        /// 1, 2 or 3.
        level: u8,
        /// The heading's words.
        text: String,
    },
    /// Plain text, wrapped as one paragraph.
    Text(String),
    /// Markdown (headings, paragraphs, lists, emphasis, links printed as their text).
    Markdown(String),
    /// A point of the minutes, marked FACT or OPINION so the two are visibly distinct.
    Entry {
        /// Fact or opinion.
        kind: EntryKind,
        /// Who said it: the source agency, and the person where known.
        source: String,
        /// What was said, as markdown.
        body: String,
    },
    /// Text in a ruled box: the confidentiality statement, a restriction notice.
    Notice(String),
    /// Label and value pairs, one per line.
    Fields(Vec<(String, String)>),
    /// Start a new page.
    PageBreak,
}

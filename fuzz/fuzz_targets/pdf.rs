//! The PDF builder: any document (huge words, control characters, emoji, right-to-left text,
//! empty strings, many blocks, any heading level) must render to a PDF file.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use roundtable_fuzz::{Budget, Text};
use shared::document::{Block, Document};
use shared::meeting::EntryKind;

/// Total bytes of text in one document, so each run stays fast.
const BUDGET: usize = 64 * 1024;
/// At most this many blocks (page breaks alone would otherwise make thousands of pages).
const MAX_BLOCKS: usize = 256;

#[derive(Arbitrary, Debug)]
struct Doc {
    id: Text,
    title: Text,
    marking: Text,
    watermark: Text,
    blocks: Vec<B>,
}

#[derive(Arbitrary, Debug)]
enum B {
    Heading { level: u8, text: Text },
    Text(Text),
    Markdown(Text),
    Entry { opinion: bool, source: Text, body: Text },
    Notice(Text),
    Fields(Vec<(Text, Text)>),
    PageBreak,
}

impl Doc {
    fn build(&self) -> Document {
        let mut budget = Budget(BUDGET);
        let b = &mut budget;
        Document {
            id: self.id.build(b),
            title: self.title.build(b),
            marking: self.marking.build(b),
            watermark: self.watermark.build(b),
            blocks: self
                .blocks
                .iter()
                .take(MAX_BLOCKS)
                .map(|block| match block {
                    B::Heading { level, text } => Block::Heading { level: *level, text: text.build(b) },
                    B::Text(t) => Block::Text(t.build(b)),
                    B::Markdown(t) => Block::Markdown(t.build(b)),
                    B::Entry { opinion, source, body } => Block::Entry {
                        kind: if *opinion { EntryKind::Opinion } else { EntryKind::Fact },
                        source: source.build(b),
                        body: body.build(b),
                    },
                    B::Notice(t) => Block::Notice(t.build(b)),
                    B::Fields(pairs) => Block::Fields(pairs.iter().map(|(l, v)| (l.build(b), v.build(b))).collect()),
                    B::PageBreak => Block::PageBreak,
                })
                .collect(),
        }
    }
}

fuzz_target!(|input: Doc| {
    let doc = input.build();
    match pdf::render(&doc) {
        Ok(bytes) => {
            assert!(bytes.starts_with(b"%PDF-"), "output does not start with %PDF- for {doc:?}");
            let tail = &bytes[bytes.len().saturating_sub(32)..];
            assert!(tail.windows(5).any(|w| w == b"%%EOF"), "output does not end with %%EOF for {doc:?}");
        }
        Err(e) => panic!("render failed: {e} for {doc:?}"),
    }
});

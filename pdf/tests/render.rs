//! Renders documents and reads them back with poppler (`pdftotext`, `pdfinfo`), as a reader would.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use shared::document::{Block, Document};
use shared::meeting::EntryKind;

const PDFTOTEXT: &str = "/usr/bin/pdftotext";
const PDFINFO: &str = "/usr/bin/pdfinfo";
const NAMES: [&str; 5] = ["Zoë Brannigan", "Ifeoma Castellanos", "Łucja Nowak", "Ngozi Adébáyọ̀", "Şükrü"];

/// A rendered file on disk, removed when dropped.
struct Rendered {
    path: PathBuf,
    bytes: Vec<u8>,
}

impl Drop for Rendered {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn render(doc: &Document) -> Rendered {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let bytes = pdf::render(doc).expect("render");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let path = std::env::temp_dir().join(format!("roundtable-pdf-{}-{}.pdf", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
    std::fs::write(&path, &bytes).expect("write the PDF");
    Rendered { path, bytes }
}

fn run(tool: &str, args: &[&str], file: &Path) -> String {
    assert!(Path::new(tool).exists(), "{tool} is missing: these tests read the PDF back with poppler-utils (apt-get install poppler-utils)");
    let out = Command::new(tool).args(args).arg(file).args(if tool == PDFTOTEXT { &["-"][..] } else { &[][..] }).output().expect("run poppler");
    assert!(out.status.success(), "{tool} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The text of each page, laid out, without the diagonal watermark.
fn pages(r: &Rendered) -> Vec<String> {
    let text = run(PDFTOTEXT, &["-layout", "-nodiag", "-enc", "UTF-8"], &r.path);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

fn info(r: &Rendered) -> String {
    run(PDFINFO, &["-enc", "UTF-8"], &r.path)
}

fn page_count(r: &Rendered) -> usize {
    info(r).lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).expect("a page count")
}

fn doc(blocks: Vec<Block>) -> Document {
    Document {
        id: "D-2026-0042".into(),
        title: "MARAC minutes for Zoë Brannigan".into(),
        marking: "OFFICIAL-SENSITIVE".into(),
        watermark: "Housing \u{2014} Şükrü Demir".into(),
        blocks,
    }
}

fn entry(kind: EntryKind, source: &str, body: &str) -> Block {
    Block::Entry { kind, source: source.into(), body: body.into() }
}

fn filler(n: usize) -> String {
    format!("Paragraph {n:04} of the minutes records who said what and when, so that the next meeting can check the actions. ").repeat(3)
}

/// A document long enough for several pages, using every kind of block.
fn long_doc() -> Document {
    let mut blocks = vec![Block::Notice("Confidential: shared only to reduce the risk of serious harm.".into())];
    for n in 0..40 {
        blocks.push(Block::Heading { level: 2, text: format!("Case C-{n}") });
        blocks.push(Block::Fields(vec![("Victim".into(), NAMES[n % NAMES.len()].into()), ("Children".into(), "2".into())]));
        blocks.push(entry(EntryKind::Fact, "Police — DC Ash Example", &filler(n)));
        blocks.push(entry(EntryKind::Opinion, "IDVA — Ngozi Adébáyọ̀", "Risk is *rising*."));
    }
    doc(blocks)
}

#[test]
fn accented_names_come_back_exactly() {
    let r = render(&doc(vec![
        Block::Text(format!("Present: {}.", NAMES.join(", "))),
        Block::Fields(NAMES.iter().map(|n| ("Name".to_string(), n.to_string())).collect()),
        Block::Markdown(NAMES.iter().map(|n| format!("- **{n}**\n")).collect()),
        entry(EntryKind::Opinion, "Housing — Şükrü Demir", "Łucja Nowak agreed."),
        Block::Markdown("Anaïs, Bjørn, **Hélène**, *Oisín*".into()),
    ]));
    let text = pages(&r).concat();
    for name in NAMES {
        assert!(text.matches(name).count() >= 3, "{name:?} did not come back three times:\n{text}");
    }
    assert!(text.contains("Anaïs, Bjørn, Hélène, Oisín"), "regular, bold and italic names come back:\n{text}");
    assert!(text.contains("MARAC minutes for Zoë Brannigan"), "the title is printed");
}

#[test]
fn marking_id_and_page_numbers_are_on_every_page() {
    let r = render(&long_doc());
    let pages = pages(&r);
    let n = pages.len();
    assert!(n >= 3, "expected several pages, got {n}");
    assert_eq!(n, page_count(&r));
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(page.matches("OFFICIAL-SENSITIVE").count(), 2, "page {} must be marked at top and bottom:\n{page}", i + 1);
        let lines: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.first().map(|l| l.trim()), Some("OFFICIAL-SENSITIVE"), "page {} starts with the marking", i + 1);
        assert_eq!(lines.last().map(|l| l.trim()), Some("OFFICIAL-SENSITIVE"), "page {} ends with the marking", i + 1);
        assert!(page.contains(&format!("Page {} of {n}", i + 1)), "page {} has no page number:\n{page}", i + 1);
        assert_eq!(page.matches("Document D-2026-0042").count(), 1, "page {} has no document id", i + 1);
    }
}

#[test]
fn the_watermark_is_on_every_page() {
    let r = render(&long_doc());
    let text = run(PDFTOTEXT, &["-raw", "-enc", "UTF-8"], &r.path);
    let pages: Vec<String> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).map(|p| p.split_whitespace().collect()).collect();
    assert_eq!(pages.len(), page_count(&r));
    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains("Housing—ŞükrüDemir"), "page {} has no watermark", i + 1);
    }
    let upright = pages_text(&r);
    assert!(!upright.contains("Şükrü Demir"), "the watermark is diagonal, not part of the running text");
}

fn pages_text(r: &Rendered) -> String {
    pages(r).concat()
}

#[test]
fn facts_and_opinions_are_labelled_with_their_sources() {
    let r = render(&doc(vec![
        entry(EntryKind::Fact, "Police — DC Ash Example", "Three call-outs since May."),
        entry(EntryKind::Opinion, "Health Visiting — Aoife Ní Bhriain", "Mum seemed *withdrawn*."),
        entry(EntryKind::Fact, "  ", "No source given."),
    ]));
    let text = pages_text(&r);
    let fact = text.lines().find(|l| l.contains("Source: Police — DC Ash Example")).expect("the fact's source");
    assert!(fact.trim_start().starts_with("FACT"), "the FACT label leads its source line: {fact:?}");
    let opinion = text.lines().find(|l| l.contains("Source: Health Visiting — Aoife Ní Bhriain")).expect("the opinion's source");
    assert!(opinion.trim_start().starts_with("OPINION"), "the OPINION label leads its source line: {opinion:?}");
    assert!(text.contains("Three call-outs since May.") && text.contains("Mum seemed withdrawn."));
    assert!(text.contains("Source: not recorded"));
    let indent = |needle: &str| text.lines().find(|l| l.contains(needle)).map(|l| l.len() - l.trim_start().len()).unwrap_or_default();
    assert!(indent("Mum seemed") > indent("Three call-outs"), "opinions are indented, facts are not:\n{text}");
}

#[test]
fn markdown_prints_lists_and_emphasis_and_never_raw_html() {
    let r = render(&doc(vec![Block::Markdown(
        "## Risks\n\nShe is *frightened* and **isolated**.\n\n- first bullet\n- second bullet\n\n1. first step\n2. second step\n\n\
         <script>alert(1)</script>\n\n<div onclick=\"steal()\">inline <b>bold</b></div>\n\nText with <img src=x onerror=alert(2)> inside."
            .into(),
    )]));
    let text = pages_text(&r);
    for needle in
        ["Risks", "She is frightened and isolated.", "• first bullet", "• second bullet", "1. first step", "2. second step", "Text with inside."]
    {
        assert!(text.contains(needle), "{needle:?} missing:\n{text}");
    }
    for markup in ["<script", "alert(", "<div", "onclick", "<b>", "<img", "onerror"] {
        assert!(!text.contains(markup), "raw HTML {markup:?} was printed:\n{text}");
    }
}

#[test]
fn three_hundred_blocks_paginate_without_losing_a_paragraph() {
    let blocks: Vec<Block> = (0..300)
        .map(|n| match n % 3 {
            0 => Block::Text(format!("marker-{n:03}-end {}", filler(n))),
            1 => Block::Markdown(format!("Some *markdown* marker-{n:03}-end {}", filler(n))),
            _ => entry(EntryKind::Fact, "Police", &format!("marker-{n:03}-end {}", filler(n))),
        })
        .collect();
    let r = render(&doc(blocks));
    let pages = pages(&r);
    assert!(pages.len() >= 20, "300 long paragraphs on only {} pages", pages.len());
    let text = pages.concat();
    for n in 0..300 {
        assert_eq!(text.matches(&format!("marker-{n:03}-end")).count(), 1, "paragraph {n} lost or repeated");
    }
    let mut last = 0;
    for (i, page) in pages.iter().enumerate() {
        for m in page.match_indices("marker-").filter_map(|(at, _)| page.get(at + 7..at + 10)?.parse::<usize>().ok()) {
            assert!(m >= last, "paragraph {m} on page {} comes after {last}", i + 1);
            last = m;
        }
    }
}

#[test]
fn page_count_grows_with_content() {
    let counts: Vec<usize> = [0, 5, 40, 160].iter().map(|&n| page_count(&render(&doc((0..n).map(|i| Block::Text(filler(i))).collect())))).collect();
    assert_eq!(counts[0], 1);
    assert!(counts.windows(2).all(|w| w[0] <= w[1]) && counts[3] > counts[2] && counts[2] > counts[0], "{counts:?}");
}

#[test]
fn a_page_break_starts_a_new_page_but_never_an_empty_one() {
    let r = render(&doc(vec![
        Block::Text("before the break".into()),
        Block::PageBreak,
        Block::PageBreak,
        Block::Text("after the break".into()),
        Block::PageBreak,
    ]));
    let pages = pages(&r);
    assert_eq!(pages.len(), 2);
    assert!(pages[0].contains("before the break") && pages[1].contains("after the break"));
}

#[test]
fn no_personal_data_in_the_metadata() {
    let mut d = long_doc();
    d.watermark = "Children's Social Care — Łucja Nowak".into();
    let r = render(&d);
    let info = info(&r);
    let field = |name: &str| info.lines().find_map(|l| l.strip_prefix(&format!("{name}:"))).map(str::trim).unwrap_or_default().to_string();
    assert_eq!(field("Title"), "Roundtable document");
    assert_eq!(field("Producer"), "Roundtable");
    for empty in ["Author", "Subject", "Keywords"] {
        assert_eq!(field(empty), "", "{empty} must be empty:\n{info}");
    }
    assert!(field("Metadata Stream").starts_with("no"), "no XMP metadata:\n{info}");
    assert_eq!(run(PDFINFO, &["-meta"], &r.path).trim(), "", "no XMP metadata");
    for secret in ["Łucja", "Nowak", "Zoë", "Brannigan", "MARAC", "D-2026-0042", "Social Care"] {
        assert!(!info.contains(secret), "{secret:?} is in the metadata:\n{info}");
        let utf16: Vec<u8> = secret.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for needle in [secret.as_bytes(), &utf16[..]] {
            assert!(!r.bytes.windows(needle.len()).any(|w| w == needle), "{secret:?} appears in the file's raw bytes");
        }
    }
}

#[test]
fn hostile_input_renders_and_missing_characters_show_as_question_marks() {
    let huge_word = "x".repeat(20_000);
    let controls: String = (0u8..32).map(char::from).chain(['\u{7f}', '\u{85}', '\u{200b}', '\u{feff}', '\u{202e}']).collect();
    let d = Document {
        id: format!("{}{}", "id-".repeat(200), controls),
        title: format!("Title {controls} {huge_word}"),
        marking: format!("{}{}", "OFFICIAL-SENSITIVE ".repeat(30), controls),
        watermark: "Agency — 名前 ".repeat(40),
        blocks: vec![
            Block::Text(format!("Before 中文 after {controls}")),
            Block::Text(huge_word.clone()),
            Block::Heading { level: 0, text: "level zero".into() },
            Block::Heading { level: 200, text: "level two hundred".into() },
            Block::Markdown(format!("{}deep", "> - ".repeat(300))),
            Block::Markdown("[](javascript:alert(1)) ![alt words](x.png) | a | b |\n|--|--|\n| 1 | 2 |\n\n***\n\n```\ncode\n```".into()),
            Block::Entry { kind: EntryKind::Opinion, source: huge_word.clone(), body: huge_word.clone() },
            Block::Notice(String::new()),
            Block::Notice(huge_word.clone()),
            Block::Fields(vec![(huge_word.clone(), huge_word.clone()), (String::new(), String::new())]),
            Block::Fields(Vec::new()),
            Block::Markdown(String::new()),
            Block::Text("\n\n\n".into()),
        ],
    };
    let r = render(&d);
    let text = pages_text(&r);
    assert!(text.contains("Before ?? after"), "missing glyphs become '?':\n{}", &text[..text.len().min(2000)]);
    assert!(text.contains("level zero") && text.contains("level two hundred") && text.contains("deep") && text.contains("alt words"));
    assert_eq!(text.matches('x').count(), 20_000 * 7, "every character of the huge words is printed");
    let empty = render(&Document { id: String::new(), title: String::new(), marking: String::new(), watermark: String::new(), blocks: Vec::new() });
    assert_eq!(page_count(&empty), 1);
}

#[test]
fn no_text_leaves_the_page_margins() {
    let r = render(&long_doc());
    let bbox = run(PDFTOTEXT, &["-bbox", "-nodiag"], &r.path);
    let attr = |word: &str, name: &str| -> f32 {
        let at = word.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
        word[at..].split('"').next().and_then(|v| v.parse().ok()).expect("a number")
    };
    let mut words = 0;
    for word in bbox.lines().filter(|l| l.trim_start().starts_with("<word")) {
        let (x0, x1, y0, y1) = (attr(word, "xMin"), attr(word, "xMax"), attr(word, "yMin"), attr(word, "yMax"));
        assert!(x0 >= 56.0 && x1 <= 539.5, "word outside the 20 mm side margins: {word}");
        assert!(y0 >= 20.0 && y1 <= 822.0, "word outside the page's top and bottom margins: {word}");
        words += 1;
    }
    assert!(words > 1000);
}

#[test]
fn a_thirty_case_document_renders_quickly_enough() {
    let mut blocks = Vec::new();
    for n in 0..30 {
        blocks.push(Block::Heading { level: 2, text: format!("Case M-2026-{n:04}") });
        blocks.push(Block::Fields(vec![
            ("Victim".into(), NAMES[n % 5].into()),
            ("Perpetrator".into(), "Unknown".into()),
            ("Children in the household".into(), "1".into()),
        ]));
        blocks.push(Block::Markdown(format!("Referred after a DASH of **{}**.\n\n- escalation\n- *isolation*", 14 + n % 5)));
        for i in 0..6 {
            let kind = if i % 2 == 0 { EntryKind::Fact } else { EntryKind::Opinion };
            blocks.push(entry(kind, "Police — DC Ash Example", &filler(i)));
        }
        blocks.push(Block::Fields(vec![("Action".into(), filler(n)), ("Owner".into(), "Housing".into()), ("Due".into(), "1 December 2026".into())]));
    }
    let d = doc(blocks);
    let started = Instant::now();
    let bytes = pdf::render(&d).expect("render");
    let took = started.elapsed();
    let r = render(&d);
    eprintln!("30 cases: {} pages, {} KiB, rendered in {took:?}", page_count(&r), bytes.len() / 1024);
}

/// A small deterministic generator, so the fuzz-style test needs no dependency.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }

    fn text(&mut self, max: usize) -> String {
        const POOL: &[&str] = &[
            "a",
            "Z",
            " ",
            "  ",
            "\n",
            "\n\n",
            "\t",
            "\r",
            "\0",
            "\u{1b}",
            "\u{7f}",
            "ë",
            "Ł",
            "ọ̀",
            "\u{301}",
            "\u{200d}",
            "\u{202e}",
            "\u{fffd}",
            "中",
            "😀",
            "🏳️‍🌈",
            "ש",
            "ع",
            "*",
            "**",
            "_",
            "`",
            "#",
            "- ",
            "1. ",
            "> ",
            "[",
            "](",
            ")",
            "<script>",
            "</script>",
            "<b>",
            "&amp;",
            "|",
            "---",
            "```",
            "\\",
            "%",
            "(",
            "word",
            "Ngozi Adébáyọ̀",
            "LONG",
        ];
        let n = self.below(max);
        (0..n).map(|_| POOL[self.below(POOL.len())]).map(|s| if s == "LONG" { "x".repeat(300) } else { s.to_string() }).collect()
    }
}

#[test]
fn random_documents_always_render() {
    let mut rng = Lcg(2026);
    for round in 0..40 {
        let blocks = (0..rng.below(60))
            .map(|_| match rng.below(7) {
                0 => Block::Heading { level: rng.below(6) as u8, text: rng.text(20) },
                1 => Block::Text(rng.text(200)),
                2 => Block::Markdown(rng.text(300)),
                3 => entry(if rng.below(2) == 0 { EntryKind::Fact } else { EntryKind::Opinion }, &rng.text(10), &rng.text(200)),
                4 => Block::Notice(rng.text(100)),
                5 => Block::Fields((0..rng.below(6)).map(|_| (rng.text(8), rng.text(40))).collect()),
                _ => Block::PageBreak,
            })
            .collect();
        let d = Document { id: rng.text(10), title: rng.text(30), marking: rng.text(10), watermark: rng.text(30), blocks };
        let bytes = pdf::render(&d).unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert!(bytes.starts_with(b"%PDF-"), "round {round}");
        if round % 10 == 0 {
            assert!(page_count(&render(&d)) >= 1);
        }
    }
}

//! Builds every agency's copy of a 30-case meeting's minutes as PDF (cutting each copy by the
//! access policy, then laying it out), and converts the same copies written as HTML with
//! LibreOffice, which is how coordinators make PDFs today, for the ratio.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde::Serialize;
use shared::casefile::{
    ActionRecord, CaseFile, CaseHead, EntryRecord, HouseholdRecord, MeetingRecord, PerpetratorRecord, ReferralRecord, VictimRecord,
};
use shared::document::{Block, Document};
use shared::identity::Role;
use shared::isa::SignatoryStatus;
use shared::meeting::{ActionStatus, EntryKind, MeetingStatus};
use shared::policy::exposure::{grant, CaseFacts, Context, Grant, Involvement, Seat};
use shared::policy::Actor;
use shared::printed::{minutes_copy, MinutesRecord};

/// The figures.
#[derive(Debug, Serialize)]
pub struct PdfFigures {
    /// Cases on the agenda.
    pub cases: usize,
    /// Copies built (one per agency).
    pub copies: usize,
    /// Pages in all copies together.
    pub pages: usize,
    /// Bytes of all copies together.
    pub bytes: usize,
    /// Time to cut and build every copy, in milliseconds.
    pub build_ms: f64,
    /// Time LibreOffice took to convert the same copies from HTML, when it is installed.
    pub libreoffice_ms: Option<f64>,
}

const AGENCIES: [&str; 8] = [
    "Wyvernshire Police",
    "Wyvernshire Probation Service",
    "Wyvernshire Children's Services",
    "Wyvernshire Adult Social Care",
    "Wyvern Homes",
    "Wyvern Valley NHS Trust",
    "Wyvernshire Education Safeguarding",
    "Wyvernshire IDVA Service",
];

fn recipient(i: usize) -> Actor {
    let idva = i == AGENCIES.len() - 1;
    Actor {
        user_id: format!("user-{i}"),
        name: format!("Representative {}", ["Łucja", "Zoë", "Ngozi", "Şükrü", "Anaïs", "Bjørn", "Hélène", "Oisín"][i]),
        agency_id: Some(format!("agency-{i}")),
        agency_name: Some(AGENCIES[i].into()),
        agency_status: Some(SignatoryStatus::Current),
        roles: [if idva { Role::Idva } else { Role::AgencyRepresentative }].into_iter().collect(),
        reauthenticated_recently: true,
    }
}

fn record(cases: usize) -> MinutesRecord {
    let entry = |kind, n: usize| EntryRecord {
        id: format!("e-{n}"),
        kind,
        agency_id: format!("agency-{n}"),
        source: AGENCIES[n].into(),
        version: 1,
        body: format!(
            "Point {n}: the agency reported contact with the victim on three occasions this month. **Escalation** in the frequency of incidents, \
             with the perpetrator attending the victim's workplace twice. The victim has asked that contact is made only through the IDVA."
        ),
    };
    MinutesRecord {
        held: "Tuesday 3 November 2026, 10:00 UTC, Wyvern House, Committee Room 2".into(),
        chair: "Morgan Ashby".into(),
        statement: "Everything shared at this meeting is confidential and may be used only to keep victims and their children safe.".into(),
        present: AGENCIES.iter().enumerate().map(|(i, a)| format!("Representative {i}, {a}")).collect(),
        apologies: Vec::new(),
        cases: (0..cases)
            .map(|c| CaseFile {
                head: CaseHead { id: format!("case-{c}"), reference: format!("C-2026-{:05}", c + 1), ..CaseHead::default() },
                victim: Some(VictimRecord { name: format!("Victim Adébáyọ̀ {c}"), ..VictimRecord::default() }),
                perpetrators: vec![PerpetratorRecord {
                    name: format!("Perpetrator Ó Briain {c}"),
                    relationship: "Ex-partner".into(),
                    ..PerpetratorRecord::default()
                }],
                household: (0..c % 3)
                    .map(|k| HouseholdRecord { name: format!("Child {k} of case {c}"), relationship: "Child".into(), ..HouseholdRecord::default() })
                    .collect(),
                referral: Some(ReferralRecord {
                    criteria: vec!["Visible high risk (DASH 14 or more)".into()],
                    dash_score: Some(16),
                    summary_markdown: "Police attended after a neighbour called.\n\n- Separation two months ago\n- Breach of a non-molestation order"
                        .into(),
                    ..ReferralRecord::default()
                }),
                actions: (0..4)
                    .map(|n| {
                        let owner = (c + n) % AGENCIES.len();
                        ActionRecord {
                            id: format!("a-{c}-{n}"),
                            meeting_id: "m".into(),
                            owner_agency_id: format!("agency-{owner}"),
                            owner_agency: AGENCIES[owner].into(),
                            owner_person: None,
                            description: "Fit additional locks and a door camera, and confirm with the IDVA when done.".into(),
                            due_on: "2026-11-17".into(),
                            status: ActionStatus::Open,
                            overdue: false,
                            version: 1,
                            history: Vec::new(),
                        }
                    })
                    .collect(),
                meeting: Some(MeetingRecord {
                    meeting_id: "m".into(),
                    research: (0..3).map(|n| entry(EntryKind::Fact, n)).collect(),
                    entries: (0..6).map(|n| entry(if n % 2 == 0 { EntryKind::Fact } else { EntryKind::Opinion }, n)).collect(),
                    risks: "- Non-fatal strangulation\n- Threats to kill\n- Children present during incidents".into(),
                    decision: "Safety plan agreed through the IDVA. Sanctuary measures at the home; police to flag the address.".into(),
                    ..MeetingRecord::default()
                }),
                ..CaseFile::default()
            })
            .collect(),
    }
}

/// The policy's grants for agency `i` after the meeting: it works with a third of the cases,
/// in turn with the victim, perpetrator or household, and owns the actions the record gives it.
fn grants(i: usize, record: &MinutesRecord) -> BTreeMap<String, Grant> {
    let actor = recipient(i);
    let seat = Seat { status: MeetingStatus::MinutesFinal, invited: true, chair: false, acknowledged: true, present: true };
    record
        .cases
        .iter()
        .enumerate()
        .map(|(c, f)| {
            let marked = if (c + i).is_multiple_of(3) {
                [[Involvement::Victim, Involvement::Perpetrator, Involvement::Household][(c + i) % 3]].into_iter().collect()
            } else {
                Default::default()
            };
            let owns_action = f.actions.iter().any(|a| a.owner_agency_id == format!("agency-{i}"));
            let facts = CaseFacts { marked, owns_action, ..CaseFacts::default() };
            (f.head.id.clone(), grant(&actor, &Context { facts, seat: Some(seat) }))
        })
        .collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn markdown(s: &str) -> String {
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new(s));
    out
}

/// The same copy as a plain HTML page, as a coordinator would write it for an office suite.
fn html(doc: &Document) -> String {
    let mut out = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Minutes</title></head><body>\
         <p style=\"text-align:center\"><b>{m}</b></p><p>{w}</p><h1>{t}</h1>",
        m = escape(&doc.marking),
        w = escape(&doc.watermark),
        t = escape(&doc.title)
    );
    for b in &doc.blocks {
        out.push_str(&match b {
            Block::Heading { level, text } => format!("<h{l}>{}</h{l}>", escape(text), l = level + 1),
            Block::Text(t) | Block::Notice(t) => format!("<p>{}</p>", escape(t)),
            Block::Markdown(m) => markdown(m),
            Block::Entry { kind, source, body } => format!("<p><b>{}</b> Source: {}</p>{}", kind.label(), escape(source), markdown(body)),
            Block::Fields(f) => {
                format!(
                    "<table>{}</table>",
                    f.iter().map(|(k, v)| format!("<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(v))).collect::<String>()
                )
            }
            Block::PageBreak => "<p style=\"page-break-after:always\"></p>".into(),
        });
    }
    out.push_str(&format!("<p style=\"text-align:center\"><b>{}</b></p></body></html>", escape(&doc.marking)));
    out
}

/// Pages of a PDF, counted from its page objects (`/Type /Page`, not `/Type /Pages`).
fn pages(pdf: &[u8]) -> usize {
    [&b"/Type /Page"[..], &b"/Type/Page"[..]]
        .iter()
        .map(|needle| pdf.windows(needle.len() + 1).filter(|w| w.starts_with(needle) && w[needle.len()] != b's').count())
        .sum()
}

/// Measures building every agency's copy, then LibreOffice converting the same copies from HTML.
pub fn measure(cases: usize, work: &Path) -> Result<PdfFigures, Box<dyn std::error::Error>> {
    let record = record(cases);
    let start = Instant::now();
    let (mut docs, mut built) = (Vec::new(), Vec::new());
    for i in 0..AGENCIES.len() {
        let doc = minutes_copy(&record, &recipient(i), &grants(i, &record), &format!("D-{i}"));
        built.push(pdf::render(&doc)?);
        docs.push(doc);
    }
    let build_ms = start.elapsed().as_secs_f64() * 1000.0;
    let libreoffice_ms = libreoffice(&docs, work)?;
    Ok(PdfFigures {
        cases,
        copies: built.len(),
        pages: built.iter().map(|b| pages(b)).sum(),
        bytes: built.iter().map(Vec::len).sum(),
        build_ms,
        libreoffice_ms,
    })
}

/// Converts each copy's HTML to PDF in one LibreOffice run; `None` when LibreOffice is missing.
fn libreoffice(docs: &[Document], work: &Path) -> Result<Option<f64>, Box<dyn std::error::Error>> {
    let Some(office) = ["soffice", "libreoffice"].into_iter().find(|b| Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
    else {
        eprintln!("LibreOffice is not installed (apt-get install libreoffice-writer-nogui): no comparison");
        return Ok(None);
    };
    let dir = work.join("html");
    std::fs::create_dir_all(&dir)?;
    let mut files = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let f = dir.join(format!("copy-{i}.html"));
        std::fs::write(&f, html(d))?;
        files.push(f);
    }
    let profile = format!("-env:UserInstallation=file://{}", work.join("lo-profile").display());
    // A first run creates LibreOffice's profile; it is not counted.
    Command::new(office).args([&profile, "--headless", "--convert-to", "pdf", "--outdir"]).arg(work.join("warm")).arg(&files[0]).output()?;
    let start = Instant::now();
    let out = Command::new(office).args([&profile, "--headless", "--convert-to", "pdf", "--outdir"]).arg(work.join("pdf")).args(&files).output()?;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let made = std::fs::read_dir(work.join("pdf")).map(|d| d.count()).unwrap_or(0);
    if !out.status.success() || made != docs.len() {
        return Err(format!("LibreOffice made {made} of {} PDFs: {}", docs.len(), String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(Some(ms))
}

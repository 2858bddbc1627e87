//! Prints the figures and writes them as JSON.

use std::path::Path;

use crate::audit::AuditFigures;
use crate::load::RouteResult;
use crate::repeat::RepeatFigures;

/// Prints one row per route and each route's throughput as a fraction of the bare handler's.
pub fn print(results: &[RouteResult], records: u32, audit: Option<&AuditFigures>, repeat: Option<&RepeatFigures>) {
    let baseline = results.first().map(|r| r.rps).unwrap_or(f64::NAN);
    println!("\nRoundtable bench: {records} seeded records, loopback, closed loop\n");
    println!(
        "{:<36} {:>10} {:>8} {:>10} {:>10} {:>10} {:>10} {:>12}",
        "route", "requests", "errors", "req/s", "p50 ms", "p99 ms", "audit/req", "reads/commit"
    );
    for r in results {
        let audit = r.audit_entries.map(|n| n.to_string()).unwrap_or_default();
        let batched = r.reads_per_commit.map(|n| format!("{n:.1}")).unwrap_or_default();
        println!(
            "{:<36} {:>10} {:>8} {:>10.0} {:>10.2} {:>10.2} {:>10} {:>12}",
            r.name, r.requests, r.errors, r.rps, r.p50_ms, r.p99_ms, audit, batched
        );
    }
    println!("\nthroughput relative to the bare axum handler:");
    for r in results.iter().skip(1) {
        println!("  {:<36} {:>6.3}", r.name, r.rps / baseline);
    }
    if let Some(a) = audit {
        println!("\naudit chain: {} entries appended in {} ms, verified in {} ms", a.rows, a.fill_ms, a.verify_ms);
    }
    if let Some(r) = repeat {
        println!(
            "repeat lookup: {} cases on record (loaded in {} ms); {} lookups, p50 {:.3} ms, p99 {:.3} ms",
            r.cases, r.fill_ms, r.lookups, r.p50_ms, r.p99_ms
        );
    }
}

/// Prints the minutes PDF figures and the ratio to LibreOffice.
pub fn print_pdf(f: &crate::minutes_pdf::PdfFigures) {
    println!(
        "\nminutes PDFs: {} copies ({} cases, {} pages, {} KB) built in {:.0} ms ({:.1} ms a copy)",
        f.copies,
        f.cases,
        f.pages,
        f.bytes / 1024,
        f.build_ms,
        f.build_ms / f.copies.max(1) as f64
    );
    match f.libreoffice_ms {
        Some(lo) => println!("LibreOffice converting the same copies from HTML: {lo:.0} ms, {:.1} times as long", lo / f.build_ms),
        None => println!("LibreOffice not installed: no comparison"),
    }
}

/// Writes the figures to `path` as JSON.
pub fn write_json(
    path: &Path,
    results: &[RouteResult],
    records: u32,
    audit: Option<&AuditFigures>,
    repeat: Option<&RepeatFigures>,
) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let json = serde_json::json!({ "records": records, "routes": results, "audit": audit, "repeat_lookup": repeat });
    std::fs::write(path, serde_json::to_string_pretty(&json).unwrap_or_default())
}

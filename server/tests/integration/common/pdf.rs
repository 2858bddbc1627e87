//! Reading PDFs the server sent, with poppler's tools (Debian package poppler-utils).

use std::io::Write;
use std::process::Command;

/// Text of a PDF laid out as printed, one form feed between pages. Each PDF is also kept under
/// the tests' temporary folder, to look at with `pdftoppm`.
pub fn text(pdf: &[u8]) -> String {
    let _ = std::fs::write(format!("{}/document-{}.pdf", env!("CARGO_TARGET_TMPDIR"), pdf.len()), pdf);
    tool_output("pdftotext", pdf, &["-layout"], true)
}

/// `pdfinfo`'s report on a PDF (its metadata).
pub fn info(pdf: &[u8]) -> String {
    tool_output("pdfinfo", pdf, &[], false)
}

fn tool_output(tool: &str, pdf: &[u8], args: &[&str], to_stdout: bool) -> String {
    let mut file = tempfile::NamedTempFile::new().unwrap_or_else(|e| panic!("temp file: {e}"));
    file.write_all(pdf).unwrap_or_else(|e| panic!("write pdf: {e}"));
    let mut cmd = Command::new(tool);
    cmd.args(args).arg(file.path());
    if to_stdout {
        cmd.arg("-");
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("{tool} (Debian package poppler-utils) is needed: {e}"));
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

//! Every page sets markup (`inner_html`) only from [`shared::markdown::SafeHtml`], the
//! sanitiser's output: each use must end in `.into_string()`, which a plain `String` does not
//! have, so markup built any other way fails here (and, mostly, to compile).

// A failed expectation in a test is a panic by design.
#![allow(clippy::panic)]

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn markup_is_set_only_from_the_sanitiser() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut uses = 0;
    let mut wrong = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (i, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find("inner_html=") {
                uses += 1;
                let value = &rest[at + "inner_html=".len()..];
                let end = value.find("></").or_else(|| value.find('>')).unwrap_or(value.len());
                if !value[..end].trim_end().ends_with(".into_string()") {
                    wrong.push(format!("{}:{}: {}", file.display(), i + 1, line.trim()));
                }
                rest = &value[end..];
            }
        }
    }
    assert!(uses >= 7, "found only {uses} uses of inner_html: is the scan still reading app/src?");
    assert!(wrong.is_empty(), "markup not from the sanitiser:\n{}", wrong.join("\n"));
}

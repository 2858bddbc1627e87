//! `cargo run --release -p xtask -- site`: builds `target/site` the way `cargo leptos build
//! --release` does (the same layout and file names), without installing cargo-leptos.
//!
//! Why our own: on a fresh 2-core machine installing cargo-leptos took 12 minutes and
//! wasm-bindgen-cli several more, for three steps a release build needs: compile `app` for
//! wasm with `hydrate`, run wasm-bindgen (its own library, pinned to Cargo.lock's version),
//! and shrink the result with wasm-opt (npm `binaryen`, installed by `scripts/lib.sh`). The
//! stylesheet is copied as written: it needs no vendor prefixes for the browsers we support.
//! `cargo leptos watch` still works for development from the same `[[workspace.metadata.leptos]]`.

mod site;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["site"] => site::build(&site::Layout::workspace()),
        _ => {
            eprintln!("usage: cargo run --release -p xtask -- site");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("xtask: {error}");
            ExitCode::FAILURE
        }
    }
}

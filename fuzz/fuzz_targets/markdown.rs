//! Markdown to safe HTML: any text must render, and the HTML must keep the sanitiser's promise
//! (no script, no event handler, no tag markdown cannot make, no javascript:/data: link).
#![no_main]

use libfuzzer_sys::fuzz_target;
use roundtable_fuzz::{html::check_safe_html, Budget, Text};

#[derive(arbitrary::Arbitrary, Debug)]
enum Input {
    /// The bytes as text, exactly as typed.
    Raw(String),
    /// Text assembled from markup, schemes and scripts the sanitiser must handle.
    Built(Text),
}

fuzz_target!(|input: Input| {
    let source = match &input {
        Input::Raw(s) => s.clone(),
        Input::Built(t) => t.build(&mut Budget(64 * 1024)),
    };
    let html = shared::markdown::to_safe_html(&source).into_string();
    if let Err(why) = check_safe_html(&html) {
        panic!("unsafe HTML ({why})\nsource: {source:?}\nhtml: {html:?}");
    }
});

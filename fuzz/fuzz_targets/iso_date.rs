//! `shared::validation::parse_iso_date`, strictly: a date it accepts must be written exactly
//! as it is stored (`YYYY-MM-DD`, digits only), so what a person typed and what is saved and
//! compared never differ.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roundtable_fuzz::{Budget, Text};
use shared::validation::{iso_date, parse_iso_date};

#[derive(arbitrary::Arbitrary, Debug)]
enum Input {
    Raw(String),
    Built(Text),
    /// Four, two and two characters around the dashes, as the parser checks.
    Shaped([char; 4], [char; 2], [char; 2]),
}

fuzz_target!(|input: Input| {
    let raw = match input {
        Input::Raw(s) => s,
        Input::Built(t) => t.build(&mut Budget(1024)),
        Input::Shaped(y, m, d) => format!("{}-{}-{}", String::from_iter(y), String::from_iter(m), String::from_iter(d)),
    };
    if let Some(d) = parse_iso_date(&raw) {
        assert_eq!(iso_date(d), raw, "parse_iso_date accepted {raw:?} as {d}, which is stored as {:?}", iso_date(d));
    }
});

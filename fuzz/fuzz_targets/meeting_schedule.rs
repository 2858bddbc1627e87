//! The "schedule meetings" form: a first date typed as `YYYY-MM-DD` (refused if before today or
//! more than two years ahead, by the same rule the server uses),
//! every 1 to 8 weeks, 1 to `MAX_RECURRING` meetings: the bounds the server checks before it
//! calls `shared::meeting::recurring_dates`. Asserts no panic and that the dates are the ones
//! asked for.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use roundtable_fuzz::{any_date, iso, plausible_date, Budget, Text};
use shared::meeting::{first_date_problem, recurring_dates, MAX_RECURRING};
use shared::validation::Problems;

#[derive(Debug)]
struct Input {
    today: time::Date,
    first: String,
    every: u32,
    count: u32,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let today = plausible_date(u)?;
        let first = if u.ratio(1, 4)? { Text::arbitrary(u)?.build(&mut Budget(256)) } else { iso(any_date(u)?) };
        Ok(Input { today, first, every: u.int_in_range(1..=8)?, count: u.int_in_range(1..=MAX_RECURRING)? })
    }
}

fuzz_target!(|input: Input| {
    let mut p = Problems::default();
    let first = p.date("first-date", "Date of the first meeting", &input.first);
    if let Some(problem) = first.and_then(|d| first_date_problem(d, input.today)) {
        p.add("first-date", problem);
    }
    let Ok(first) = p.finish(first) else { return };
    let first = first.unwrap_or(input.today);
    let dates = recurring_dates(first, input.every, input.count);
    assert_eq!(dates.len(), input.count as usize);
    assert_eq!(dates.first(), Some(&first));
    for pair in dates.windows(2) {
        assert_eq!((pair[1] - pair[0]).whole_days(), 7 * i64::from(input.every));
    }
});

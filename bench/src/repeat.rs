//! Repeat-candidate lookup at scale: fills a fresh SQLite database with N fictional cases (name
//! keys and dates of birth, as accepted referrals leave them), then times the server's own
//! lookup for victims who are and are not on record.

use std::time::{Duration, Instant};

use server::casework::repeat_lookup;
use server::cli::DatabaseArgs;
use server::db::Db;
use shared::names::name_keys;
use shared::repeat::PersonKey;
use shared::validation::{iso_date, parse_iso_date};

const FIRST: [&str; 24] = [
    "Ada", "Bea", "Cerys", "Dalia", "Eliza", "Fern", "Greta", "Hana", "Iris", "Juno", "Kit", "Lena", "Mira", "Nell", "Orla", "Pia", "Quinn", "Rosa",
    "Sian", "Tess", "Uma", "Vera", "Wren", "Yara",
];
const LAST: [&str; 24] = [
    "Ashgrove",
    "Brackenridge",
    "Carrow",
    "Dunmore",
    "Elstree",
    "Farrow",
    "Galloway",
    "Hollins",
    "Ingram",
    "Jessop",
    "Kestle",
    "Lowther",
    "Marchbank",
    "Northcott",
    "Oakham",
    "Penhallow",
    "Quarry",
    "Redfern",
    "Stainton",
    "Thornley",
    "Upcott",
    "Varley",
    "Whitcombe",
    "Yelland",
];

/// The figures of one run.
#[derive(Debug, serde::Serialize)]
pub struct RepeatFigures {
    /// Cases on record.
    pub cases: u64,
    /// Time to load them.
    pub fill_ms: u128,
    /// Lookups timed.
    pub lookups: usize,
    /// Median lookup time.
    pub p50_ms: f64,
    /// 99th percentile lookup time.
    pub p99_ms: f64,
}

/// A fictional person: name and date of birth from the index.
pub(crate) fn person(i: u64) -> (String, String) {
    let first = FIRST[(i % 24) as usize];
    let last = LAST[((i / 24) % 24) as usize];
    let suffix = i / 576;
    let name = format!("{first} {last}-{suffix}");
    let base = parse_iso_date("1950-01-01").unwrap_or(time::Date::MIN);
    let dob = base + time::Duration::days((i.wrapping_mul(2_654_435_761) % 20_000) as i64);
    (name, iso_date(dob))
}

/// Loads `cases` cases and times `lookups` lookups (half of people on record, half not).
pub async fn measure(cases: u64, lookups: usize) -> Result<RepeatFigures, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let args = DatabaseArgs { data_dir: dir.path().to_path_buf(), database_url: None };
    let db = Db::open(&args.resolve()?).await?;
    db.migrate().await?;
    let started = Instant::now();
    let mut done = 0;
    while done < cases {
        let mut tx = db.begin_write().await?;
        for i in done..(done + 20_000).min(cases) {
            let (name, dob) = person(i);
            let id = format!("case-{i:09}");
            sqlx::query(
                "INSERT INTO cases (id, reference, status, victim_dob, last_heard_on, created_at) VALUES ($1, $2, 'open', $3, '2026-06-01', 0)",
            )
            .bind(&id)
            .bind(format!("C-B-{i:09}"))
            .bind(&dob)
            .execute(&mut *tx)
            .await?;
            repeat_lookup::add_keys(&mut tx, &id, &name_keys(&name, &[])).await?;
        }
        done = (done + 20_000).min(cases);
        tx.commit().await?;
    }
    let fill = started.elapsed();
    let mut times = Vec::with_capacity(lookups);
    let mut conn = db.pool().acquire().await?;
    for n in 0..lookups {
        let i = (n as u64).wrapping_mul(7_919) % cases.max(1);
        let (name, dob) = if n % 2 == 0 { person(i) } else { (format!("Nobody Onrecord-{n}"), "1901-01-01".to_string()) };
        let key = PersonKey { name_keys: name_keys(&name, &[]), date_of_birth: parse_iso_date(&dob) };
        let t = Instant::now();
        let found = repeat_lookup::candidates(&mut conn, std::slice::from_ref(&key)).await?.concat();
        times.push(t.elapsed());
        if n % 2 == 0 && found.is_empty() {
            return Err(format!("case {i} on record was not found").into());
        }
    }
    times.sort();
    let pct = |p: f64| times.get(((times.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(Duration::ZERO).as_secs_f64() * 1000.0;
    Ok(RepeatFigures { cases, fill_ms: fill.as_millis(), lookups, p50_ms: pct(0.5), p99_ms: pct(0.99) })
}

//! `roundtable-bench`: seeds fictional records, starts the real server and a bare axum handler
//! (each in its own process), drives each route with the same closed-loop load generator on
//! loopback, and prints requests/s, p50 and p99, with the ratio to the bare handler.

mod audit;
mod list_fixture;
mod load;
mod meeting_fixture;
mod minutes_pdf;
mod mixed;
mod national;
mod repeat;
mod report;
mod servers;

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Command-line flags.
#[derive(Debug, Parser)]
#[command(name = "roundtable-bench")]
struct Args {
    /// The roundtable binary to measure.
    #[arg(long, default_value = "target/release/roundtable")]
    roundtable: PathBuf,
    /// The built site folder.
    #[arg(long, default_value = "target/site")]
    site_root: PathBuf,
    /// Fictional records (agencies with signatures) to seed before measuring.
    #[arg(long, default_value_t = 1000)]
    records: u32,
    /// Concurrent connections per route.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Seconds of load per route (bounded: at most 120).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Audit entries to verify in the audit-chain measurement (0 skips it).
    #[arg(long, default_value_t = 100_000)]
    audit_rows: u64,
    /// Cases on record for the repeat-lookup measurement (0 skips it).
    #[arg(long, default_value_t = 1_000_000)]
    repeat_cases: u64,
    /// Where to write the JSON figures.
    #[arg(long, default_value = "bench-results/latest.json")]
    output: PathBuf,
    /// Simulated people in the mixed-load scenario (0 skips it; 200, or 1 000 in the national run).
    #[arg(long)]
    mixed_users: Option<usize>,
    /// Seconds of mixed load (bounded: at most 300).
    #[arg(long, default_value_t = 60)]
    mixed_seconds: u64,
    /// Cases added (each on a second meeting's agenda, each with an open action) for the list
    /// routes: case list, search, actions, a long agenda and its research list (0 skips them).
    #[arg(long, default_value_t = 200)]
    list_cases: usize,
    /// Measure only the bare handler and the list routes (skips the PDFs, the other routes,
    /// the audit chain, the repeat lookup and the mixed load).
    #[arg(long)]
    lists_only: bool,
    /// Measure only the minutes PDFs (every agency's copy of a 30-case meeting, and LibreOffice).
    #[arg(long)]
    pdf_only: bool,
    /// The national-scale run (PostgreSQL only, `ROUNDTABLE_DATABASE_URL`): adds
    /// `--national-cases` cases heard at `--national-meetings` past meetings and
    /// `--national-audit` audit entries before the server starts, then measures the list,
    /// agenda and live routes and the mixed load (`--mixed-users`, 1 000 if not given), with the
    /// database's size and the server's memory. Skips the PDFs, the audit-chain and repeat
    /// measurements (their own databases).
    #[arg(long)]
    national: bool,
    /// Cases in the national run.
    #[arg(long, default_value_t = 1_000_000)]
    national_cases: u64,
    /// Past meetings in the national run.
    #[arg(long, default_value_t = 60_000)]
    national_meetings: u64,
    /// Audit entries in the national run.
    #[arg(long, default_value_t = 10_000_000)]
    national_audit: u64,
    /// Internal: serve the bare axum baseline on this port and nothing else.
    #[arg(long, hide = true)]
    baseline_port: Option<u16>,
}

/// The database the measured server uses: `ROUNDTABLE_DATABASE_URL` (an empty PostgreSQL
/// database, for example) or, when unset, a new SQLite file. The server processes inherit it.
pub fn database_url() -> Option<String> {
    std::env::var("ROUNDTABLE_DATABASE_URL").ok().filter(|u| !u.trim().is_empty())
}

/// Cases on the measured meeting's agenda.
const AGENDA_CASES: usize = 30;
/// The origin the server expects on state-changing requests (its default public address).
const ORIGIN: &str = "http://localhost:3000";

/// The agenda and live-meeting routes, as the coordinator of a meeting of 30 cases uses them.
async fn meeting_routes(
    base: &str,
    f: &meeting_fixture::MeetingFixture,
    connections: usize,
    duration: Duration,
) -> Result<Vec<load::RouteResult>, reqwest::Error> {
    let mut out = Vec::new();
    let (cookie, meeting, case, agency) = (f.cookie.clone(), f.meeting_id.clone(), f.case_id.clone(), f.agency_id.clone());
    let page = format!("{base}/meetings/{meeting}");
    let name = format!("GET /meetings/{{id}} ({AGENDA_CASES} cases)");
    eprintln!("measuring {name}...");
    let c = cookie.clone();
    out.push(load::run_with(&name, connections, duration, move |client| client.get(&page).header("cookie", &c)).await?);
    let post = |path: &str| format!("{base}/api/{path}");
    for (name, url, form) in [
        ("POST meetings/view (agenda data)", post("meetings/view"), vec![("id", meeting.clone())]),
        ("POST meetings/case (live view)", post("meetings/case"), vec![("id", meeting.clone()), ("case_id", case.clone())]),
    ] {
        eprintln!("measuring {name}...");
        let c = cookie.clone();
        out.push(
            load::run_with(name, connections, duration, move |client| {
                client.post(&url).header("cookie", &c).header("origin", ORIGIN).header("x-roundtable-request", "1").form(&form)
            })
            .await?,
        );
    }
    let url = post("minutes/add-entry");
    let body = serde_json::json!({"input": {"meeting_id": meeting, "case_id": case, "kind": "fact", "body": "Recorded under load.", "source_agency_id": agency, "source_person": ""}});
    eprintln!("measuring POST minutes/add-entry (write)...");
    out.push(
        load::run_with("POST minutes/add-entry (write)", connections, duration, move |client| {
            client.post(&url).header("cookie", &cookie).header("origin", ORIGIN).header("x-roundtable-request", "1").json(&body)
        })
        .await?,
    );
    Ok(out)
}

/// Audit entries the server appends for one request `make` builds (counted in the database).
async fn audit_entries_per_request(
    data_dir: &std::path::Path,
    client: &reqwest::Client,
    make: &(impl Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync + Clone + 'static),
) -> Result<i64, Box<dyn std::error::Error>> {
    let args = server::cli::DatabaseArgs { data_dir: data_dir.to_path_buf(), database_url: database_url() };
    let db = server::db::Db::open(&args.resolve()?).await?;
    let count = || async {
        let mut conn = db.pool().acquire().await?;
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log").fetch_one(&mut *conn).await
    };
    let before = count().await?;
    let res = make(client).send().await?;
    if !res.status().is_success() {
        return Err(format!("{} answered {}", res.url(), res.status()).into());
    }
    res.bytes().await?;
    Ok(count().await? - before)
}

/// One list route: its name, address, form (None: a GET) and whose cookie it carries.
type ListRoute = (String, String, Option<Vec<(&'static str, String)>>, String);

/// The routes that disclose a page of cases, each of which the server audits: the case list,
/// a name search, every outstanding action (API and page), and a long agenda with its research list.
async fn list_routes(
    base: &str,
    data_dir: &std::path::Path,
    f: &meeting_fixture::MeetingFixture,
    lists: &list_fixture::ListFixture,
    connections: usize,
    duration: Duration,
) -> Result<Vec<load::RouteResult>, Box<dyn std::error::Error>> {
    let n = lists.cases;
    let post = |path: &str| format!("{base}/api/{path}");
    let meeting = lists.meeting_id.clone();
    let (coordinator, representative) = (f.cookie.clone(), lists.representative_cookie.clone());
    let routes: Vec<ListRoute> = vec![
        ("POST cases/mine (case list)".into(), post("cases/mine"), Some(vec![]), coordinator.clone()),
        ("POST cases/search (name)".into(), post("cases/search"), Some(vec![("query", "bench".to_string())]), coordinator.clone()),
        ("POST actions/list (all)".into(), post("actions/list"), Some(vec![("scope", "all".to_string())]), coordinator.clone()),
        ("GET /actions?scope=all (SSR)".into(), format!("{base}/actions?scope=all"), None, coordinator.clone()),
        ("GET /cases (SSR)".into(), format!("{base}/cases"), None, coordinator.clone()),
        (format!("POST meetings/view ({n} cases)"), post("meetings/view"), Some(vec![("id", meeting.clone())]), coordinator),
        (format!("POST meetings/research-list ({n})"), post("meetings/research-list"), Some(vec![("id", meeting.clone())]), representative),
    ];
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    for (name, url, form, cookie) in routes {
        let make = move |client: &reqwest::Client| match &form {
            Some(form) => client.post(&url).header("cookie", &cookie).header("origin", ORIGIN).header("x-roundtable-request", "1").form(form),
            None => client.get(&url).header("cookie", &cookie),
        };
        let entries = audit_entries_per_request(data_dir, &client, &make).await?;
        eprintln!("measuring {name} ({entries} audit entries a request)...");
        let mut result = load::run_with(&name, connections, duration, make).await?;
        result.audit_entries = Some(entries);
        out.push(result);
    }
    Ok(out)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    if let Some(port) = args.baseline_port {
        return Ok(servers::serve_baseline(port).await?);
    }
    if !args.lists_only && !args.national {
        eprintln!("measuring every agency's minutes PDF for a {AGENDA_CASES}-case meeting...");
        let work = tempfile::tempdir()?;
        let pdfs = minutes_pdf::measure(AGENDA_CASES, work.path())?;
        report::print_pdf(&pdfs);
    }
    if args.pdf_only {
        return Ok(());
    }
    let duration = Duration::from_secs(args.seconds.clamp(1, 120));
    let data = servers::Roundtable::seed(&args.roundtable, args.records)?;
    let fixture = meeting_fixture::prepare(data.path(), AGENDA_CASES).await?;
    let lists = if args.list_cases > 0 { Some(list_fixture::prepare(data.path(), &fixture, args.list_cases).await?) } else { None };
    let national = if args.national {
        let scale = national::Scale { cases: args.national_cases, meetings: args.national_meetings, audit_entries: args.national_audit };
        eprintln!("national: adding {scale:?}...");
        Some(national::fill(data.path(), scale).await?)
    } else {
        None
    };
    let roundtable = servers::Roundtable::start(&args.roundtable, &args.site_root, data)?;
    let baseline = servers::Baseline::start()?;
    let mut routes = vec![
        ("bare axum handler", format!("{}/", baseline.base_url)),
        ("GET /healthz", format!("{}/healthz", roundtable.base_url)),
        ("GET /readyz (database)", format!("{}/readyz", roundtable.base_url)),
        ("GET / (start page, SSR)", format!("{}/", roundtable.base_url)),
    ];
    if args.lists_only {
        routes.truncate(1);
    }
    let mut results = Vec::new();
    for (name, url) in routes {
        eprintln!("measuring {name} for {}s with {} connections...", duration.as_secs(), args.connections);
        results.push(load::run(name, &url, args.connections, duration).await?);
    }
    if let Some(lists) = &lists {
        results.extend(list_routes(&roundtable.base_url, roundtable.data_dir(), &fixture, lists, args.connections, duration).await?);
    }
    if args.lists_only {
        report::print(&results, args.records, None, None);
        report::write_json(&args.output, &results, args.records, None, None)?;
        return Ok(());
    }
    let audit = if args.audit_rows > 0 && !args.national {
        eprintln!("measuring audit chain verification over {} entries...", args.audit_rows);
        Some(audit::measure(args.audit_rows).await?)
    } else {
        None
    };
    let repeat = if args.repeat_cases > 0 && !args.national {
        eprintln!("measuring repeat lookup with {} cases on record...", args.repeat_cases);
        Some(repeat::measure(args.repeat_cases, 2_000).await?)
    } else {
        None
    };
    results.extend(meeting_routes(&roundtable.base_url, &fixture, args.connections, duration).await?);
    let mixed_users = args.mixed_users.unwrap_or(if args.national { 1_000 } else { 200 });
    if mixed_users > 0 {
        let people = mixed::prepare(roundtable.data_dir(), &fixture.meeting_id, mixed_users).await?;
        eprintln!("mixed load: {mixed_users} people for {}s...", args.mixed_seconds.clamp(1, 300));
        results.extend(mixed::run(&roundtable.base_url, people, Duration::from_secs(args.mixed_seconds.clamp(1, 300))).await?);
    }
    report::print(&results, args.records, audit.as_ref(), repeat.as_ref());
    report::write_json(&args.output, &results, args.records, audit.as_ref(), repeat.as_ref())?;
    if let Some(n) = national {
        let rss = national::rss_mb(roundtable.pid()).map_or_else(|| "unknown".to_string(), |mb| format!("{mb:.0} MB"));
        println!(
            "national: {} cases, {} meetings, {} audit entries; filled in {:.0} s (cases) + {:.0} s (audit); database {:.0} MB; server RSS after the load {rss}",
            n.cases, n.meetings, n.audit_entries, n.cases_seconds, n.audit_seconds, n.database_mb
        );
    }
    Ok(())
}

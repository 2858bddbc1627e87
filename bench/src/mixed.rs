//! Mixed load: a fixed number of simulated people, each with their own session, working a
//! meeting day at once for a fixed time: starting sign-in, reading the agenda and cases,
//! minuting (coordinators) and updating their agency's action (representatives). Closed loop,
//! bounded in people and time; per route requests/s, p50 and p99 and errors.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use server::cli::DatabaseArgs;
use server::db::Db;
use server::identity::sessions;

use crate::load::RouteResult;
use crate::ORIGIN;

/// One simulated person.
struct Person {
    cookie: String,
    coordinator: bool,
    agency_id: String,
    action_id: String,
}

/// The people, the meeting and a case on it.
pub struct MixedFixture {
    people: Vec<Person>,
    meeting_id: String,
    case_ids: Vec<String>,
}

/// Adds `users` people (one in ten a coordinator, the rest representatives of the meeting's
/// invited agencies), each acknowledged at the meeting, signed in, and owning one action.
pub async fn prepare(data_dir: &Path, meeting_id: &str, users: usize) -> Result<MixedFixture, Box<dyn std::error::Error>> {
    let args = DatabaseArgs { data_dir: data_dir.to_path_buf(), database_url: crate::database_url() };
    let db = Db::open(&args.resolve()?).await?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut tx = db.begin_write().await?;
    let agencies: Vec<String> = sqlx::query_scalar("SELECT agency_id FROM meeting_agencies WHERE meeting_id = $1 ORDER BY agency_id")
        .bind(meeting_id)
        .fetch_all(&mut *tx)
        .await?;
    let case_ids: Vec<String> =
        sqlx::query_scalar("SELECT case_id FROM agenda_items WHERE meeting_id = $1 ORDER BY position").bind(meeting_id).fetch_all(&mut *tx).await?;
    let coordinator_agency: String =
        sqlx::query_scalar("SELECT u.agency_id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = 'coordinator' LIMIT 1")
            .fetch_one(&mut *tx)
            .await?;
    let mut people = Vec::with_capacity(users);
    for i in 0..users {
        let coordinator = i % 10 == 0;
        let agency = if coordinator { coordinator_agency.clone() } else { agencies[i % agencies.len()].clone() };
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query("INSERT INTO users (id, name, email, agency_id, active, created_at) VALUES ($1, $2, $3, $4, TRUE, $5)")
            .bind(&id)
            .bind(format!("Load Person {i:03}"))
            .bind(format!("load{i:03}@bench.invalid"))
            .bind(&agency)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(&id)
            .bind(if coordinator { "coordinator" } else { "agency_representative" })
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO attendance (meeting_id, user_id, agency_id, status, acknowledged_at) VALUES ($1, $2, $3, 'present', $4)")
            .bind(meeting_id)
            .bind(&id)
            .bind(&agency)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let action_id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO actions (id, case_id, meeting_id, owner_agency_id, owner_user_id, description, due_on, status, version, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'Bench action', '2027-01-31', 'open', 0, $5, $6, $6)",
        )
        .bind(&action_id)
        .bind(&case_ids[i % case_ids.len()])
        .bind(meeting_id)
        .bind(&agency)
        .bind(&id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let secret = sessions::create(&mut tx, &id, now).await?;
        people.push(Person { cookie: format!("__Host-roundtable={secret}"), coordinator, agency_id: agency, action_id });
    }
    tx.commit().await?;
    Ok(MixedFixture { people, meeting_id: meeting_id.into(), case_ids })
}

/// What one person does next, in turn: coordinators read the agenda, open a case and minute it;
/// representatives start a sign-in, read the agenda, open a case and update their action.
const COORDINATOR_ROUND: [&str; 4] = ["GET /meetings/{id}", "POST meetings/case", "POST minutes/add-entry", "POST meetings/view"];
const REPRESENTATIVE_ROUND: [&str; 4] = ["POST auth/begin-sign-in", "POST meetings/view", "POST meetings/case", "POST actions/update"];

/// Runs every person at once for `duration`.
pub async fn run(base: &str, f: MixedFixture, duration: Duration) -> Result<Vec<RouteResult>, reqwest::Error> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(f.people.len()).build()?;
    let batches = crate::servers::BatchWindow::open().await;
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::new();
    for (n, p) in f.people.into_iter().enumerate() {
        let (client, base, meeting, cases) = (client.clone(), base.to_string(), f.meeting_id.clone(), f.case_ids.clone());
        tasks.push(tokio::spawn(async move {
            let mut seen: BTreeMap<&'static str, (Vec<u32>, u64)> = BTreeMap::new();
            let round = if p.coordinator { COORDINATOR_ROUND } else { REPRESENTATIVE_ROUND };
            let mut version = 0i64;
            let mut step = n;
            // Each person comes from their own address, as people do behind the TLS proxy.
            let address = format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255);
            while Instant::now() < deadline {
                let route = round[step % round.len()];
                let case = &cases[step % cases.len()];
                step += 1;
                let post = |path: &str| {
                    client.post(format!("{base}/api/{path}")).header("cookie", &p.cookie).header("origin", ORIGIN).header("x-roundtable-request", "1")
                };
                let request = match route {
                    "GET /meetings/{id}" => client.get(format!("{base}/meetings/{meeting}")).header("cookie", &p.cookie),
                    "POST auth/begin-sign-in" => {
                        client.post(format!("{base}/api/auth/begin-sign-in")).header("origin", ORIGIN).header("x-roundtable-request", "1")
                    }
                    "POST meetings/view" => post("meetings/view").form(&[("id", &meeting)]),
                    "POST meetings/case" => post("meetings/case").form(&[("id", &meeting), ("case_id", case)]),
                    "POST minutes/add-entry" => post("minutes/add-entry").json(&serde_json::json!({"input": {"meeting_id": meeting, "case_id": case,
                        "kind": "fact", "body": "Recorded under mixed load.", "source_agency_id": p.agency_id, "source_person": ""}})),
                    _ => post("actions/update").json(&serde_json::json!({"input": {"action_id": p.action_id, "status": "in_progress",
                        "note": "Progress under mixed load.", "version": version}})),
                };
                let request = request.header("x-forwarded-for", &address);
                let t = Instant::now();
                let ok = match request.send().await {
                    Ok(res) if res.status().is_success() => {
                        let body = res.bytes().await.unwrap_or_default();
                        if route == "POST actions/update" {
                            version = serde_json::from_slice(&body).unwrap_or(version + 1);
                        }
                        true
                    }
                    _ => false,
                };
                let entry = seen.entry(route).or_default();
                if ok {
                    entry.0.push(t.elapsed().as_micros() as u32);
                } else {
                    entry.1 += 1;
                }
            }
            seen
        }));
    }
    let mut all: BTreeMap<&'static str, (Vec<u32>, u64)> = BTreeMap::new();
    for t in tasks {
        if let Ok(seen) = t.await {
            for (route, (lat, err)) in seen {
                let e = all.entry(route).or_default();
                e.0.extend(lat);
                e.1 += err;
            }
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let reads_per_commit = batches.close().await;
    Ok(all
        .into_iter()
        .map(|(route, (mut lat, errors))| {
            lat.sort_unstable();
            let pct = |p: f64| lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1))).map_or(0.0, |v| f64::from(*v) / 1000.0);
            RouteResult {
                name: format!("mixed: {route}"),
                requests: lat.len() as u64,
                errors,
                rps: lat.len() as f64 / elapsed,
                p50_ms: pct(0.50),
                p99_ms: pct(0.99),
                audit_entries: None,
                reads_per_commit,
            }
        })
        .collect())
}

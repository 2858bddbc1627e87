//! The two servers under test, each in its own process, on free loopback ports.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The real roundtable server with a seeded temporary database.
pub struct Roundtable {
    child: Child,
    data: tempfile::TempDir,
    /// Its address.
    pub base_url: String,
}

impl Roundtable {
    /// Seeds the demo and `records` extra fictional records into a new data folder.
    pub fn seed(bin: &Path, records: u32) -> std::io::Result<tempfile::TempDir> {
        let data = tempfile::tempdir()?;
        let status = Command::new(bin)
            .args(["seed-demo", "--extra-records", &records.to_string()])
            .env("ROUNDTABLE_DATA_DIR", data.path())
            .stdout(Stdio::null())
            .status()?;
        if !status.success() {
            return Err(std::io::Error::other("seed-demo failed"));
        }
        Ok(data)
    }

    /// Starts `roundtable serve` on a seeded data folder.
    pub fn start(bin: &Path, site_root: &Path, data: tempfile::TempDir) -> std::io::Result<Self> {
        let mut child = Command::new(bin)
            .args(["serve", "--bind", "127.0.0.1:0", "--trusted-proxy", "127.0.0.1"])
            .arg("--site-root")
            .arg(site_root)
            .env("ROUNDTABLE_DATA_DIR", data.path())
            .env("RUST_LOG", "warn,roundtable::audit_batches=debug")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        if let Some(stderr) = child.stderr.take() {
            std::thread::spawn(move || follow_batches(stderr));
        }
        let stdout = child.stdout.take().ok_or_else(|| std::io::Error::other("no stdout"))?;
        let mut base_url = None;
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            if let Some(addr) = line.strip_prefix("roundtable: listening on ") {
                base_url = Some(addr.trim().to_string());
                break;
            }
        }
        let base_url = base_url.ok_or_else(|| std::io::Error::other("roundtable did not start"))?;
        Ok(Self { child, data, base_url })
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's data folder (for preparing records while it runs).
    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }
}

impl Drop for Roundtable {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server's latest running totals of audited read requests and audit commits.
static BATCHES: Mutex<(u64, u64)> = Mutex::new((0, 0));

/// Audited read requests and commits the appender reported so far (it reports at most once a
/// second, so read this a second after a route's load ends).
fn audit_batches() -> (u64, u64) {
    BATCHES.lock().map(|b| *b).unwrap_or_default()
}

/// Audited reads per audit commit over a stretch of load: opened before the load and closed
/// after it, each a second apart from it so the appender's once-a-second totals cover it.
pub struct BatchWindow((u64, u64));

impl BatchWindow {
    /// Waits for the totals to settle, then notes them.
    pub async fn open() -> Self {
        tokio::time::sleep(Duration::from_millis(1_100)).await;
        Self(audit_batches())
    }

    /// Waits for the load's totals to be reported; reads per commit since [`BatchWindow::open`].
    pub async fn close(self) -> Option<f64> {
        tokio::time::sleep(Duration::from_millis(1_100)).await;
        let after = audit_batches();
        let (reads, commits) = (after.0 - self.0 .0, after.1 - self.0 .1);
        (commits > 0).then(|| reads as f64 / commits as f64)
    }
}

/// Reads the server's log: keeps the appender's totals, passes every other line on.
fn follow_batches(stderr: std::process::ChildStderr) {
    let number =
        |line: &str, key: &str| line.split(key).nth(1).and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse::<u64>().ok());
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        match (line.contains("audit batches"), number(&line, "requests="), number(&line, "commits=")) {
            (true, Some(requests), Some(commits)) => {
                if let Ok(mut b) = BATCHES.lock() {
                    *b = (requests, commits);
                }
            }
            _ => eprintln!("{line}"),
        }
    }
}

/// A bare axum "hello" handler, run by re-executing this binary.
pub struct Baseline {
    child: Child,
    /// Its address.
    pub base_url: String,
}

impl Baseline {
    /// Starts the baseline on a free port and waits until it accepts connections.
    pub fn start() -> std::io::Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new(std::env::current_exe()?).args(["--baseline-port", &port.to_string()]).spawn()?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err(std::io::Error::other("baseline did not start"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(Self { child, base_url: format!("http://127.0.0.1:{port}") })
    }
}

impl Drop for Baseline {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves `GET /` with a fixed body until killed.
pub async fn serve_baseline(port: u16) -> std::io::Result<()> {
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await
}

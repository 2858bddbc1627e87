//! Starts the real `roundtable` binary on a free loopback port with a temporary database: an
//! SQLite file, or, when `ROUNDTABLE_TEST_POSTGRES` names a PostgreSQL server
//! (`postgres://user@host:port`), a new database on it for each server.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Path of the binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_roundtable")
}

/// The PostgreSQL server the tests run against, if any.
pub fn postgres() -> Option<String> {
    std::env::var("ROUNDTABLE_TEST_POSTGRES").ok().filter(|u| !u.trim().is_empty())
}

/// The file in a data folder naming its PostgreSQL database.
const DATABASE_URL_FILE: &str = "database-url";

/// The database URL a data folder uses, when it is not the SQLite default.
pub fn database_url(data: &Path) -> Option<String> {
    std::fs::read_to_string(data.join(DATABASE_URL_FILE)).ok().map(|s| s.trim().to_string())
}

/// A new data folder; under PostgreSQL also a new, empty database, named in the folder.
pub fn fresh_data_dir() -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    if let Some(server) = postgres() {
        let name = format!("rt_{}", uuid::Uuid::new_v4().simple());
        psql(&format!("{server}/postgres"), &format!("CREATE DATABASE {name}")).unwrap_or_else(|e| panic!("create database: {e}"));
        use_database_url(data.path(), &format!("{server}/{name}"));
    }
    data
}

/// On PostgreSQL (`cluster`): migrates `data`'s new database as its owner, granting a new login
/// role only the application's rights, and makes the folder connect as that role from now on.
/// Returns the owner's URL and the application role's.
pub fn migrate_for_app_role(cluster: &str, data: &Path) -> (String, String) {
    let owner = database_url(data).unwrap_or_else(|| panic!("the data folder names no PostgreSQL database"));
    let role = format!("rt_app_{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    psql(&format!("{cluster}/postgres"), &format!("CREATE ROLE {role} LOGIN")).unwrap_or_else(|e| panic!("{e}"));
    let migrated = run(data, &["migrate", "--app-role", &role]);
    assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));
    let mut app = url::Url::parse(&owner).unwrap_or_else(|e| panic!("{e}"));
    app.set_username(&role).unwrap_or_else(|()| panic!("username"));
    use_database_url(data, app.as_str());
    (owner, app.to_string())
}

/// Makes the server and commands of a data folder connect with `url` from now on.
pub fn use_database_url(data: &Path, url: &str) {
    std::fs::write(data.join(DATABASE_URL_FILE), url).unwrap_or_else(|e| panic!("{e}"));
}

/// Runs SQL with `psql` on PostgreSQL `url`: what it printed (unaligned, no headers), or its error.
pub fn psql(url: &str, sql: &str) -> Result<String, String> {
    let out = Command::new("psql").args([url, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql]).output().unwrap_or_else(|e| panic!("psql: {e}"));
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A `roundtable` command for a data folder (and its database).
fn command(data: &Path) -> Command {
    let mut cmd = Command::new(bin());
    cmd.env("ROUNDTABLE_DATA_DIR", data).env("RUST_LOG", "warn");
    // Checkpoints stay inside the temporary folder (by default they go beside the data folder).
    cmd.env("ROUNDTABLE_AUDIT_WITNESS", witness_path(data));
    if let Some(url) = database_url(data) {
        cmd.env("ROUNDTABLE_DATABASE_URL", url);
    }
    cmd
}

/// Where a test data folder's audit checkpoints are written.
pub fn witness_path(data: &Path) -> PathBuf {
    data.join("witness").join("audit-checkpoints.jsonl")
}

/// A running server; stopped and its data removed when dropped. Before the data goes, the drop
/// checks what every test must leave intact: the audit chain verifies, and no row points at a
/// missing one.
pub struct TestServer {
    child: Child,
    /// Whether the drop checks the data (not after `kill`, nor after a test broke the chain on purpose).
    check_on_drop: bool,
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    /// The temporary data folder.
    pub data: tempfile::TempDir,
    /// Lines the server printed on stdout before it was ready.
    pub startup_output: Vec<String>,
    /// What it prints on stdout after that.
    later_output: mpsc::Receiver<String>,
}

impl TestServer {
    /// Starts `roundtable serve` with extra arguments and waits until it listens.
    pub fn start(extra: &[&str]) -> TestServer {
        Self::start_in(fresh_data_dir(), extra)
    }

    /// Starts the server on an existing data folder.
    pub fn start_in(data: tempfile::TempDir, extra: &[&str]) -> TestServer {
        let mut child = command(data.path())
            .arg("serve")
            .args(["--bind", "127.0.0.1:0", "--site-root", "/nonexistent-site-root"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn roundtable: {e}"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut startup_output = Vec::new();
        let base_url = loop {
            let line = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|e| panic!("server did not start: {e}; printed {startup_output:?}"));
            if let Some(addr) = line.strip_prefix("roundtable: listening on ") {
                break addr.trim().to_string();
            }
            startup_output.push(line);
        };
        TestServer { child, check_on_drop: true, base_url, data, startup_output, later_output: rx }
    }

    /// The URL of a path on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Sends SIGTERM, as a service manager stops a service, and waits up to `within` for the
    /// process to end: its exit status (None if it did not end) and what it printed meanwhile.
    pub fn terminate(&mut self, within: Duration) -> (Option<std::process::ExitStatus>, Vec<String>) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap_or_else(|e| panic!("kill: {e}"));
        assert!(sent.success(), "kill -TERM {pid}");
        let deadline = std::time::Instant::now() + within;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap_or_else(|e| panic!("wait: {e}")) {
                break Some(status);
            }
            if std::time::Instant::now() > deadline {
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        (status, self.later_output.try_iter().collect())
    }

    /// Kills the server at once (SIGKILL: no shutdown, no flushing) and hands back its data folder.
    pub fn kill(mut self) -> tempfile::TempDir {
        self.check_on_drop = false;
        let _ = self.child.kill();
        let _ = self.child.wait();
        let empty = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        std::mem::replace(&mut self.data, empty)
    }

    /// Whether this server runs on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        database_url(self.data.path()).is_some()
    }

    /// The SQLite file (its folder also says which PostgreSQL database is used, if one is).
    pub fn db_path(&self) -> PathBuf {
        self.data.path().join("roundtable.db")
    }
}

impl TestServer {
    /// For a test that tampers with the audit log on purpose: the drop does not verify it.
    pub fn audit_tampered_on_purpose(&mut self) {
        self.check_on_drop = false;
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if self.check_on_drop && !std::thread::panicking() {
            check_integrity(self.data.path());
        }
    }
}

/// The audit chain verifies and, on SQLite, `PRAGMA foreign_key_check` finds nothing.
/// (PostgreSQL enforces its foreign keys on every statement.)
fn check_integrity(data: &Path) {
    let out = run(data, &["verify-audit"]);
    assert!(
        out.status.success(),
        "the audit log does not verify after this test:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let file = data.join("roundtable.db");
    if database_url(data).is_some() || !file.exists() {
        return;
    }
    // The drop may run inside the test's runtime: the check gets a thread and a runtime of its own.
    let dangling = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| panic!("runtime: {e}"));
        runtime.block_on(async {
            let db = open_db(&file).await;
            let rows: Vec<(String, i64, String)> = sqlx::query_as("SELECT \"table\", CAST(rowid AS INTEGER), parent FROM pragma_foreign_key_check")
                .fetch_all(&db)
                .await
                .unwrap_or_else(|e| panic!("foreign_key_check: {e}"));
            rows
        })
    })
    .join()
    .unwrap_or_else(|_| panic!("foreign key check panicked"));
    assert!(dangling.is_empty(), "rows point at missing rows after this test (table, rowid, parent): {dangling:?}");
}

/// Runs a subcommand against a data folder and returns its output.
pub fn run(data: &Path, args: &[&str]) -> Output {
    command(data).args(args).output().unwrap_or_else(|e| panic!("run roundtable: {e}"))
}

/// An HTTP client that does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap_or_else(|e| panic!("client: {e}"))
}

/// Opens the server's database directly (as someone with access to the files would): the SQLite
/// file at `path`, or the PostgreSQL database its folder names.
pub async fn open_db(path: &Path) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    let url = path.parent().and_then(database_url).unwrap_or_else(|| format!("sqlite://{}", path.display()));
    sqlx::any::AnyPoolOptions::new().max_connections(2).connect(&url).await.unwrap_or_else(|e| panic!("open database: {e}"))
}

/// Makes every session's last passkey check an old one (signing in counts as one).
pub async fn age_passkey_checks(db_path: &Path) {
    let db = open_db(db_path).await;
    sqlx::query("UPDATE sessions SET reauthenticated_at = 0").execute(&db).await.unwrap_or_else(|e| panic!("{e}"));
}

/// The application's tables, on either engine (migration bookkeeping left out).
pub async fn table_names(db: &sqlx::AnyPool) -> Vec<String> {
    let sql = if postgres().is_some() {
        "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations' ORDER BY table_name"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name"
    };
    sqlx::query_scalar(sql).fetch_all(db).await.unwrap_or_else(|e| panic!("tables: {e}"))
}

/// A table's columns, on either engine.
pub async fn column_names(db: &sqlx::AnyPool, table: &str) -> Vec<String> {
    let sql = if postgres().is_some() {
        format!("SELECT CAST(column_name AS TEXT) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}'")
    } else {
        format!("SELECT name FROM pragma_table_info('{table}')")
    };
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_all(db).await.unwrap_or_else(|e| panic!("columns: {e}"))
}

pub mod passkey;
pub mod pdf;
pub mod smtp;
pub mod world;

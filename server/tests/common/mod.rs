//! Starts the real `roundtable` binary on a free loopback port with a temporary database.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Path of the binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_roundtable")
}

/// A running server; stopped and its data removed when dropped.
pub struct TestServer {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    /// The temporary data folder.
    pub data: tempfile::TempDir,
    /// Lines the server printed on stdout before it was ready.
    pub startup_output: Vec<String>,
}

impl TestServer {
    /// Starts `roundtable serve` with extra arguments and waits until it listens.
    pub fn start(extra: &[&str]) -> TestServer {
        let data = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        Self::start_in(data, extra)
    }

    /// Starts the server on an existing data folder.
    pub fn start_in(data: tempfile::TempDir, extra: &[&str]) -> TestServer {
        let mut child = Command::new(bin())
            .arg("serve")
            .args(["--bind", "127.0.0.1:0", "--site-root", "/nonexistent-site-root"])
            .args(extra)
            .env("ROUNDTABLE_DATA_DIR", data.path())
            .env("RUST_LOG", "warn")
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
        TestServer { child, base_url, data, startup_output }
    }

    /// The URL of a path on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Kills the server at once (SIGKILL: no shutdown, no flushing) and hands back its data folder.
    pub fn kill(mut self) -> tempfile::TempDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let empty = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        std::mem::replace(&mut self.data, empty)
    }

    /// The SQLite file.
    pub fn db_path(&self) -> PathBuf {
        self.data.path().join("roundtable.db")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a subcommand against a data folder and returns its output.
pub fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(bin()).args(args).env("ROUNDTABLE_DATA_DIR", data).env("RUST_LOG", "warn").output().unwrap_or_else(|e| panic!("run roundtable: {e}"))
}

/// An HTTP client that does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap_or_else(|e| panic!("client: {e}"))
}

/// Opens the server's SQLite file directly (as an attacker with file access would).
pub async fn open_sqlite(path: &Path) -> sqlx::SqlitePool {
    let url = format!("sqlite://{}", path.display());
    sqlx::SqlitePool::connect(&url).await.unwrap_or_else(|e| panic!("open sqlite: {e}"))
}

pub mod passkey;
pub mod smtp;
pub mod world;

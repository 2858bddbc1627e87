//! The command line: subcommands, flags and their `ROUNDTABLE_*` environment variables.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Roundtable: a platform for running MARACs (multi-agency risk assessment conferences).
#[derive(Debug, Parser)]
#[command(name = "roundtable", version, about)]
pub struct Cli {
    /// Where the data lives.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The audit key and the checkpoint witness.
    #[command(flatten)]
    pub audit: AuditArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database, then serve the app over HTTP.
    Serve(ServeArgs),
    /// Create or migrate the database, then exit.
    Migrate(MigrateArgs),
    /// Print a one-time link that enrols an administrator's passkey (creating the administrator if new).
    EnrolLink(EnrolLinkArgs),
    /// Verify the audit log's hash chain; exits with failure and names the first altered entry.
    VerifyAudit(VerifyAuditArgs),
    /// Print every address the application answers (pages and server functions).
    Routes,
    /// Load fictional demonstration data and print each demo user's enrolment link.
    SeedDemo(SeedDemoArgs),
    /// Write a consistent copy of the database to a new file while the server runs, and check it.
    Backup {
        /// The new file.
        path: PathBuf,
    },
    /// Replace the database with a checked backup (stop the server first; the old file is kept).
    Restore {
        /// The backup file.
        path: PathBuf,
    },
    /// Purge what is due under the retention settings once, then exit (`serve` also does it on a schedule).
    Purge(PurgeArgs),
    /// Verify the audit chain from the latest checkpoint and write a new signed checkpoint to the witness.
    Checkpoint,
}

/// The audit key and the witness, shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// The file holding the audit key (64 hex digits; created, mode 0600, when missing). Keep it
    /// where the database cannot be read from, and back it up apart from the database: without
    /// it the audit log cannot be verified. `ROUNDTABLE_AUDIT_KEY` (the key itself) takes precedence.
    #[arg(long, global = true, env = "ROUNDTABLE_AUDIT_KEY_FILE")]
    pub audit_key_file: Option<PathBuf>,
    /// The append-only file signed checkpoints of the audit chain are written to; defaults to
    /// `<data-dir>-witness/audit-checkpoints.jsonl`, beside the data folder, not in it.
    #[arg(long, global = true, env = "ROUNDTABLE_AUDIT_WITNESS")]
    pub audit_witness: Option<PathBuf>,
}

impl AuditArgs {
    /// The key file to use for a data folder.
    pub fn key_file(&self, database: &DatabaseArgs) -> PathBuf {
        self.audit_key_file.clone().unwrap_or_else(|| crate::audit_keys::default_key_file(&database.data_dir))
    }

    /// The witness file to use for a data folder.
    pub fn witness(&self, database: &DatabaseArgs) -> PathBuf {
        self.audit_witness.clone().unwrap_or_else(|| crate::witness::default_path(&database.data_dir))
    }
}

/// Retention settings, shared by `serve` and `purge`.
#[derive(Debug, Clone, Args)]
pub struct RetentionArgs {
    /// Whole years a closed case is kept after it closes, unless under a legal hold.
    #[arg(long, env = "ROUNDTABLE_CASE_RETENTION_YEARS", default_value_t = 7)]
    pub case_retention_years: u8,
    /// Whole years an audit log entry is kept.
    #[arg(long, env = "ROUNDTABLE_AUDIT_RETENTION_YEARS", default_value_t = 7)]
    pub audit_retention_years: u8,
    /// Minutes between the server's purge runs (0: the server never purges on its own).
    #[arg(long, env = "ROUNDTABLE_PURGE_INTERVAL_MINUTES", default_value_t = 60)]
    pub purge_interval_minutes: u32,
    /// Cases purged per transaction.
    #[arg(long, env = "ROUNDTABLE_PURGE_BATCH_SIZE", default_value_t = 100)]
    pub purge_batch_size: u32,
}

/// Flags of `purge`.
#[derive(Debug, Clone, Args)]
pub struct PurgeArgs {
    /// Retention settings.
    #[command(flatten)]
    pub retention: RetentionArgs,
    /// Minutes of inactivity after which a session has ended (as given to `serve`).
    #[arg(long, env = "ROUNDTABLE_SESSION_IDLE_MINUTES", default_value_t = 15)]
    pub session_idle_minutes: u32,
    /// Hours after sign-in at which a session has ended (as given to `serve`).
    #[arg(long, env = "ROUNDTABLE_SESSION_ABSOLUTE_HOURS", default_value_t = 8)]
    pub session_absolute_hours: u32,
}

/// Flags of `migrate`.
#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    /// Whole years an audit entry must be kept before the purge may remove it: recorded in the
    /// database, where the application role can only read it, and enforced by a trigger.
    #[arg(long, env = "ROUNDTABLE_AUDIT_RETENTION_YEARS", default_value_t = 7)]
    pub audit_retention_years: u8,
    /// PostgreSQL: after migrating (as the tables' owner), grant this existing role what the
    /// server needs and no more, so that serving as it, audit entries cannot be changed.
    #[arg(long, env = "ROUNDTABLE_APP_ROLE")]
    pub app_role: Option<String>,
}

/// `verify-audit` flags.
#[derive(Debug, Clone, Args)]
pub struct VerifyAuditArgs {
    /// A chain head printed by an earlier run (`SEQ:HASH`); entries removed since are then detected.
    #[arg(long, env = "ROUNDTABLE_AUDIT_EXPECT_HEAD")]
    pub expect_head: Option<String>,
}

/// Database location flags, shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Folder for the SQLite database and other local files.
    #[arg(long, global = true, env = "ROUNDTABLE_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Database URL; defaults to `sqlite://<data-dir>/roundtable.db`.
    #[arg(long, global = true, env = "ROUNDTABLE_DATABASE_URL")]
    pub database_url: Option<String>,
}

/// Flags of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "ROUNDTABLE_BIND", default_value = "127.0.0.1:3000")]
    pub bind: String,
    /// The address people use to reach Roundtable; it is the WebAuthn origin and must match exactly.
    #[arg(long, env = "ROUNDTABLE_PUBLIC_URL", default_value = "http://localhost:3000")]
    pub public_url: String,
    /// Folder holding the built site (`pkg/` with the wasm, JavaScript and CSS).
    #[arg(long, env = "ROUNDTABLE_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "ROUNDTABLE_SESSION_IDLE_MINUTES", default_value_t = 15)]
    pub session_idle_minutes: u32,
    /// Hours after sign-in at which a session ends whatever the activity.
    #[arg(long, env = "ROUNDTABLE_SESSION_ABSOLUTE_HOURS", default_value_t = 8)]
    pub session_absolute_hours: u32,
    /// The area's time zone (an IANA name): meeting times are typed and shown in it.
    #[arg(long, env = "ROUNDTABLE_TIME_ZONE", default_value = "Europe/London")]
    pub time_zone: String,
    /// Statistics counts below this are not shown, so no one can be recognised.
    #[arg(long, env = "ROUNDTABLE_SMALL_CELL_THRESHOLD", default_value_t = 5)]
    pub small_cell_threshold: u32,
    /// Days a copy of the minutes can be downloaded after it is sent.
    #[arg(long, env = "ROUNDTABLE_COPY_LINK_DAYS", default_value_t = shared::distribution::DEFAULT_LINK_DAYS)]
    pub copy_link_days: u32,
    /// SMTP server for notification emails: `smtp://host:25` (plain, for a local relay),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS) or `smtps://user:password@host` (TLS).
    /// Without it no email is sent; recipients still find their copies in Roundtable.
    #[arg(long, env = "ROUNDTABLE_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of notification emails.
    #[arg(long, env = "ROUNDTABLE_MAIL_FROM", default_value = "Roundtable <roundtable@localhost>")]
    pub mail_from: String,
    /// Seconds between passes over the email outbox (new messages go at once).
    #[arg(long, env = "ROUNDTABLE_MAIL_INTERVAL_SECS", default_value_t = 30)]
    pub mail_interval_secs: u64,
    /// Retention settings.
    #[command(flatten)]
    pub retention: RetentionArgs,
    /// A TLS proxy in front of Roundtable (an address or CIDR block, repeatable): only for
    /// requests from these is the client taken from `X-Forwarded-For`, for rate limiting.
    #[arg(long = "trusted-proxy", env = "ROUNDTABLE_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,
    /// Minutes between signed checkpoints of the audit chain written to the witness (0: only at
    /// start and when asked).
    #[arg(long, env = "ROUNDTABLE_CHECKPOINT_INTERVAL_MINUTES", default_value_t = 10)]
    pub checkpoint_interval_minutes: u32,
    /// Privileged roles (coordinator, chair, IDVA, DPO, administrator) granted by one person take
    /// effect only once a second person approves. Turning this off lets a single administrator
    /// give anyone, themselves included by way of a new account, access to every case.
    #[arg(long, env = "ROUNDTABLE_TWO_PERSON_APPROVAL", default_value_t = true, action = clap::ArgAction::Set)]
    pub two_person_approval: bool,
}

/// Flags of `enrol-link`.
#[derive(Debug, Clone, Args)]
pub struct EnrolLinkArgs {
    /// Work email of the administrator.
    #[arg(long, env = "ROUNDTABLE_ADMIN_EMAIL", default_value = "admin@roundtable.invalid")]
    pub email: String,
    /// Name of the administrator, used when the administrator is new.
    #[arg(long, env = "ROUNDTABLE_ADMIN_NAME", default_value = "First Administrator")]
    pub name: String,
    /// The public address, used to build the link.
    #[arg(long, env = "ROUNDTABLE_PUBLIC_URL", default_value = "http://localhost:3000")]
    pub public_url: String,
    /// Print the link only when no administrator has enrolled a passkey yet.
    #[arg(long)]
    pub if_no_admin: bool,
}

/// Flags of `seed-demo`.
#[derive(Debug, Clone, Args)]
pub struct SeedDemoArgs {
    /// The public address, used to build the enrolment links.
    #[arg(long, env = "ROUNDTABLE_PUBLIC_URL", default_value = "http://localhost:3000")]
    pub public_url: String,
    /// Extra fictional agencies and users to add (for benchmarks).
    #[arg(long, default_value_t = 0)]
    pub extra_records: u32,
}

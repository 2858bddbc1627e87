use std::process::ExitCode;

use clap::Parser;
use server::cli::{Cli, Command};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    server::telemetry::init();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("roundtable: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), server::error::Error> {
    if !matches!(cli.command, Command::Routes) {
        let env_key = std::env::var("ROUNDTABLE_AUDIT_KEY").ok();
        server::audit_keys::install(server::audit_keys::load(env_key.as_deref(), &cli.audit.key_file(&cli.database))?);
    }
    let witness = cli.audit.witness(&cli.database);
    match cli.command {
        Command::Serve(args) => server::http::serve(cli.database, args, witness).await,
        Command::Migrate(args) => {
            let db = server::db::Db::open(&cli.database.resolve()?).await?;
            db.migrate().await?;
            db.set_audit_retention_floor(i64::from(args.audit_retention_years.max(1)) * 365).await?;
            println!("Database is up to date.");
            if let Some(role) = args.app_role {
                db.grant_app_role(&role).await?;
                println!("Role {role} may now run Roundtable; it cannot change or remove audit entries.");
            }
            Ok(())
        }
        Command::EnrolLink(args) => server::invitations::print_admin_link(cli.database, args).await,
        Command::VerifyAudit(args) => server::audit_commands::print_verification(cli.database, args.expect_head, witness).await,
        Command::Checkpoint => server::audit_commands::print_checkpoint(cli.database, witness).await,
        Command::Routes => {
            server::http::route_table().iter().for_each(|r| println!("{r}"));
            Ok(())
        }
        Command::SeedDemo(args) => server::seed::seed_demo(cli.database, args).await,
        Command::Backup { path } => server::backup::print_backup(cli.database, path).await,
        Command::Restore { path } => server::backup::print_restore(cli.database, path).await,
        Command::Purge(args) => server::retention::purge_once(cli.database, args).await,
    }
}

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
    match cli.command {
        Command::Serve(args) => server::http::serve(cli.database, args).await,
        Command::Migrate(args) => {
            let db = server::db::Db::open(&cli.database.resolve()?).await?;
            db.migrate().await?;
            println!("Database is up to date.");
            if let Some(role) = args.app_role {
                db.grant_app_role(&role).await?;
                println!("Role {role} may now run Roundtable; it cannot change or remove audit entries.");
            }
            Ok(())
        }
        Command::EnrolLink(args) => server::invitations::print_admin_link(cli.database, args).await,
        Command::VerifyAudit(args) => server::audit::print_verification(cli.database, args.expect_head).await,
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

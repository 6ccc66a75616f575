//! The `ferry` command: runs the services, applies migrations, and offers the
//! operator tools.

mod bench;
mod check;
mod config;
mod demo;
mod import;
mod import_camt054;
mod import_settlement;
mod migrate;
mod ops;
mod sandbox_link;
mod serve;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "ferry",
    version,
    about = "Cross-border collection for marketplace sellers, with a marketplace sandbox"
)]
struct Cli {
    /// Configuration file (TOML); `FERRY__SECTION__KEY` variables override it.
    #[arg(long, global = true, env = "FERRY_CONFIG")]
    config: Option<PathBuf>,
    /// Print logs as JSON lines.
    #[arg(long, global = true)]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run everything on this machine: the provider and the marketplace sandbox
    /// in one process, with SQLite files under the data folder.
    Up(serve::UpArgs),
    /// Run the provider service alone.
    Serve,
    /// The marketplace sandbox.
    Marketplace {
        #[command(subcommand)]
        command: MarketplaceCommand,
    },
    /// Check identifiers (bank details, Chinese IDs, seller IDs) in bulk.
    Check(check::CheckArgs),
    /// Apply a service's database migrations and exit.
    Migrate(migrate::MigrateArgs),
    /// Measure performance, printing figures beside their baselines.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Operator tools (e.g. `ops verify-audit`).
    Ops(ops::OpsArgs),
    /// Import files by hand (e.g. `import settlement-report FILE`).
    Import(import::ImportArgs),
    /// The seller's whole journey, end to end, through both services' HTTP
    /// interfaces (starts its own services unless given their URLs).
    Demo(demo::DemoArgs),
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Durable ledger transfers per second (SQLite, PostgreSQL, in memory).
    Ledger(bench::BenchArgs),
}

#[derive(Subcommand)]
enum MarketplaceCommand {
    /// Run the marketplace sandbox alone.
    Serve,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Check(args) = cli.command {
        return check::run(args);
    }
    let log_format = if cli.log_json {
        ferry_platform::telemetry::LogFormat::Json
    } else {
        ferry_platform::telemetry::LogFormat::Text
    };
    // The demo's own lines are its output; the services' logs would bury them.
    let default_filter = match cli.command {
        Command::Demo(_) => "warn",
        _ => "info,sqlx=warn",
    };
    ferry_platform::telemetry::init_with_default(log_format, default_filter);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("ferry: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let config = config::FerryConfig::load(cli.config.as_deref())?;
        match cli.command {
            Command::Up(args) => serve::up(config, args).await,
            Command::Serve => serve::provider(config).await,
            Command::Marketplace {
                command: MarketplaceCommand::Serve,
            } => serve::marketplace(config).await,
            Command::Check(_) => unreachable!("handled before the runtime starts"),
            Command::Migrate(args) => migrate::run(config, args).await,
            Command::Ops(args) => ops::run(config, args).await,
            Command::Import(args) => import::run(config, args).await,
            Command::Demo(args) => demo::run(config, args).await,
            Command::Bench {
                command: BenchCommand::Ledger(args),
            } => bench::ledger(args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ferry: {error:#}");
            ExitCode::FAILURE
        }
    }
}

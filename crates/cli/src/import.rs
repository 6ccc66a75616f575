//! `ferry import …`: files delivered outside any API, read into the
//! provider's database through the same code as the online endpoints.

use crate::config::FerryConfig;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    command: ImportCommand,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Record the credits of a bank's camt.054 notification file (001.02
    /// or 001.08) as payouts, exactly as `POST /bank/v1/notifications`
    /// does: importing the same file again changes nothing.
    Camt054 {
        /// The XML file.
        file: PathBuf,
        /// Database URL; defaults to the provider's configured one.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Import an Amazon settlement report (Flat File V2, or legacy V1) as
    /// downloaded from Seller Central, for a receiving account. The detail
    /// rows must add up to the report's total; importing the same file
    /// again changes nothing.
    SettlementReport {
        /// The report file (tab-separated text).
        file: PathBuf,
        /// The receiving account (`ra_…`) the settlement pays into.
        #[arg(long)]
        account: String,
        /// Database URL; defaults to the provider's configured one.
        #[arg(long)]
        database_url: Option<String>,
    },
}

pub async fn run(config: FerryConfig, args: ImportArgs) -> anyhow::Result<()> {
    match args.command {
        ImportCommand::Camt054 { file, database_url } => {
            crate::import_camt054::run(&config, &file, database_url).await
        }
        ImportCommand::SettlementReport {
            file,
            account,
            database_url,
        } => {
            let url = database_url.unwrap_or(config.provider.database_url);
            crate::import_settlement::run(&url, &file, &account).await
        }
    }
}

//! `ferry ops …`: operator tools.

use crate::config::FerryConfig;
use clap::{Args, Subcommand};
use ferry_platform::db::{Db, redact_url};
use ferry_provider::audit::{self, Verdict};

#[derive(Args)]
pub struct OpsArgs {
    #[command(subcommand)]
    command: OpsCommand,
}

#[derive(Subcommand)]
enum OpsCommand {
    /// Check the provider's hash-chained audit log and name the first entry
    /// that was changed or removed.
    VerifyAudit {
        /// Database URL; defaults to the provider's configured one.
        #[arg(long)]
        database_url: Option<String>,
    },
}

pub async fn run(config: FerryConfig, args: OpsArgs) -> anyhow::Result<()> {
    match args.command {
        OpsCommand::VerifyAudit { database_url } => {
            let url = database_url.unwrap_or(config.provider.database_url);
            let db = Db::connect(&url).await?;
            let verdict = audit::verify(&db).await;
            db.close().await;
            match verdict? {
                Verdict::Intact { entries } => {
                    println!(
                        "audit log of {} intact: {entries} entries",
                        redact_url(&url)
                    );
                    Ok(())
                }
                Verdict::Broken { seq, reason } => {
                    anyhow::bail!("audit log broken at entry {seq}: {reason}")
                }
            }
        }
    }
}

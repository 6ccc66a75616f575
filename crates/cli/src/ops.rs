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
    /// Check the ledger's invariants over the whole provider database: debits
    /// equal credits per currency, every balance equals the sum of its
    /// transfers, no wallet is below zero, pending statuses match.
    VerifyLedger {
        /// Database URL; defaults to the provider's configured one.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Flag a seller's password as compromised: every session ends and the
    /// next sign-in must change it.
    FlagCompromised {
        /// The user's e-mail address.
        #[arg(long)]
        email: String,
        /// Database URL; defaults to the provider's configured one.
        #[arg(long)]
        database_url: Option<String>,
    },
}

pub async fn run(config: FerryConfig, args: OpsArgs) -> anyhow::Result<()> {
    match args.command {
        OpsCommand::FlagCompromised {
            email,
            database_url,
        } => {
            let url = database_url.unwrap_or(config.provider.database_url);
            let db = Db::connect(&url).await?;
            let flagged =
                ferry_provider::accounts::credentials::flag_compromised(&db, &email).await;
            db.close().await;
            match flagged {
                Ok(true) => {
                    println!("{email}: sessions ended; a password change is required");
                    Ok(())
                }
                Ok(false) => anyhow::bail!("no user has the address {email}"),
                Err(failure) => anyhow::bail!("cannot flag {email}: {failure:?}"),
            }
        }
        OpsCommand::VerifyLedger { database_url } => {
            let url = database_url.unwrap_or(config.provider.database_url);
            verify_ledger(&url).await
        }
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

async fn verify_ledger(url: &str) -> anyhow::Result<()> {
    let db = Db::connect(url).await?;
    let violations = ferry_ledger::verify(&db).await;
    db.close().await;
    let violations = violations?;
    if violations.is_empty() {
        println!(
            "ledger of {} verified: every invariant holds",
            redact_url(url)
        );
        return Ok(());
    }
    for violation in &violations {
        println!("{}", violation.0);
    }
    anyhow::bail!("{} ledger invariant(s) broken", violations.len())
}

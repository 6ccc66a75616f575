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
    /// Create an operator (a reviewer in the console at /ops) and print a
    /// one-time password; two-factor is set up at the first sign-in.
    CreateOperator {
        /// The operator's e-mail address.
        #[arg(long)]
        email: String,
        /// Database URL; defaults to the provider's configured one.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Re-wrap every document data key with the current master key
    /// (`provider.documents.current_key_id`); the encrypted files are not
    /// touched. With local keys, `--new-local-key` first adds a new key
    /// under the data folder and makes it current.
    RotateDocumentKey {
        #[arg(long)]
        new_local_key: bool,
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
        OpsCommand::CreateOperator {
            email,
            database_url,
        } => {
            let url = database_url.unwrap_or(config.provider.database_url.clone());
            create_operator(&config, &url, &email).await
        }
        OpsCommand::RotateDocumentKey {
            new_local_key,
            database_url,
        } => {
            let url = database_url.unwrap_or(config.provider.database_url.clone());
            rotate_document_key(&config, &url, new_local_key).await
        }
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

async fn create_operator(config: &FerryConfig, url: &str, email: &str) -> anyhow::Result<()> {
    let db = Db::connect(url).await?;
    ferry_provider::migrate(&db).await?;
    let hasher = ferry_provider::password::Hasher::new(&config.provider.security);
    let now_ms = ferry_platform::db::unix_ms(time::OffsetDateTime::now_utc());
    let created = ferry_provider::ops::operators::create(&db, hasher, email, now_ms).await;
    db.close().await;
    match created {
        Ok(password) => {
            println!("operator {email} created; one-time password (shown once): {password}");
            println!("sign in at /ops, then choose a password and set up two-factor");
            Ok(())
        }
        Err(failure) => anyhow::bail!("cannot create operator {email}: {failure:?}"),
    }
}

async fn rotate_document_key(
    config: &FerryConfig,
    url: &str,
    new_local_key: bool,
) -> anyhow::Result<()> {
    use ferry_provider::documents::keys;
    if new_local_key {
        let id = keys::add_local_key(&config.provider)?;
        println!("added local document key {id}");
    }
    let master_keys = keys::load(&config.provider)?;
    let db = Db::connect(url).await?;
    let rewrapped = ferry_provider::documents::rewrap_all(&db, &master_keys).await;
    db.close().await;
    match rewrapped {
        Ok(count) => {
            println!(
                "{count} document key(s) re-wrapped with master key {}",
                master_keys.current_id()
            );
            Ok(())
        }
        Err(fault) => anyhow::bail!("rotation stopped: {fault:?}"),
    }
}

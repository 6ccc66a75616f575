//! `ferry import camt054 FILE`: the credits of a camt.054 notification file
//! recorded as payouts through the same code as `POST /bank/v1/notifications`
//! (`ferry_provider::payouts::intake`), so importing a file the bank also
//! sent online, or importing it twice, changes nothing.

use crate::config::FerryConfig;
use anyhow::Context;
use ferry_ledger::LedgerWriter;
use ferry_platform::db::{Db, redact_url, unix_ms};
use ferry_provider::payouts::Books;
use ferry_provider::payouts::intake::{self, IntakeError, Outcome};
use std::path::Path;

/// The payout's `source` for imported files.
const SOURCE: &str = "import";

pub async fn run(
    config: &FerryConfig,
    file: &Path,
    database_url: Option<String>,
) -> anyhow::Result<()> {
    let url = database_url.unwrap_or(config.provider.database_url.clone());
    let xml =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let public_url = config.provider.public_url.clone().unwrap_or_default();
    let db = Db::connect(&url).await?;
    ferry_provider::migrate(&db).await?;
    let ledger = LedgerWriter::start(db.clone());
    let books = Books {
        db: &db,
        ledger: &ledger,
        public_url: public_url.trim_end_matches('/'),
    };
    let now_ms = unix_ms(time::OffsetDateTime::now_utc());
    let received = intake::receive(&books, SOURCE, &xml, now_ms).await;
    db.close().await;
    let outcomes = match received {
        Ok(outcomes) => outcomes,
        Err(IntakeError::Unreadable(error)) => {
            anyhow::bail!("{}: {error} ({})", file.display(), error.code())
        }
        Err(IntakeError::Sync(error)) => anyhow::bail!("nothing more recorded: {error}"),
    };
    println!("{} into {}:", file.display(), redact_url(&url));
    for outcome in &outcomes {
        println!(
            "  entry {} transaction {}: {}",
            outcome.entry,
            outcome.transaction,
            describe(&outcome.result)
        );
    }
    Ok(())
}

fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Credited { payout_id } => format!("credited ({payout_id})"),
        Outcome::Held { payout_id, reason } => format!("held: {} ({payout_id})", reason.code()),
        Outcome::Duplicate { payout_id, state } => {
            format!("already recorded, {} ({payout_id})", state.code())
        }
        Outcome::Conflict { payout_id } => {
            format!("conflicts with {payout_id}, recorded with other fields: not applied")
        }
        Outcome::Ignored { reason } => format!("ignored: {reason}"),
    }
}

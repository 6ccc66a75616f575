//! The `payouts` rows and the ledger transfers that follow from them.
//!
//! Order of writes (why a crash is harmless): the row is committed first, in
//! one transaction with its e-mail; it records the decision (credited or
//! held, to whom). Its ledger transfers are then derived from the row alone,
//! with ids made from the payout id, and applied; only then is
//! `ledger_synced_at_ms` set. A crash in between leaves a row with a null
//! `ledger_synced_at_ms`, which the bank's next delivery of the same
//! notification (it retries until acknowledged with a 2xx, and Ferry answers
//! only after the ledger) or the startup [`sweep`] completes; applying a
//! transfer again answers `exists`. Deciding again instead could disagree
//! with the first decision (a store bound in between), which the row rules
//! out.

use super::{HoldReason, PayoutState};
use crate::wallets::{self, transfer_code};
use ferry_domain::{Currency, Money};
use ferry_ledger::{LedgerError, LedgerWriter, Transfer, TransferFlags};
use ferry_platform::db::Db;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// One recorded payout.
#[derive(Debug, Clone, Serialize)]
pub struct Payout {
    pub id: String,
    #[serde(skip)]
    pub dedupe_key: String,
    pub source: String,
    #[serde(skip)]
    pub amount: Money,
    pub creditor_account: String,
    pub receiving_account_id: Option<String>,
    pub seller_account_id: Option<String>,
    pub debtor_name: Option<String>,
    pub end_to_end_id: Option<String>,
    pub bank_reference: Option<String>,
    pub uetr: Option<String>,
    pub remittance: String,
    pub state: PayoutState,
    pub hold_reason: Option<HoldReason>,
    pub resolved_by: Option<String>,
    pub resolved_at_ms: Option<i64>,
    pub received_at_ms: i64,
    pub ledger_synced_at_ms: Option<i64>,
}

impl Payout {
    pub fn to_json(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        value["amount"] = serde_json::json!({
            "currency": self.amount.currency().code(),
            "amount_minor": self.amount.amount_minor(),
        });
        value
    }

    /// The ledger transfers its state implies, in the order they apply:
    /// the arrival (to the wallet, or to suspense), then compliance's
    /// release or return. Ids derive from the payout id, so applying them
    /// again changes nothing.
    pub fn transfers(&self) -> Vec<Transfer> {
        let currency = self.amount.currency();
        let transfer = |id: String, debit: String, credit: String, code| Transfer {
            id,
            debit_account_id: debit,
            credit_account_id: credit,
            amount: self.amount.amount_minor(),
            ledger: wallets::ledger_of(currency),
            code,
            flags: TransferFlags::default(),
            pending_id: None,
            expires_at_ms: 0,
            // The wallet pages group payouts per store by the receiving account.
            reference: self.receiving_account_id.clone(),
        };
        let arrival_id = format!("payout:{}", self.id);
        let bank = wallets::bank_id(currency);
        let suspense = wallets::suspense_id(currency);
        let wallet = |seller: &Option<String>| {
            wallets::wallet_id(seller.as_deref().unwrap_or_default(), currency)
        };
        match self.state {
            PayoutState::Credited => vec![transfer(
                arrival_id,
                bank,
                wallet(&self.seller_account_id),
                transfer_code::PAYOUT_RECEIVED,
            )],
            PayoutState::Held => vec![transfer(
                arrival_id,
                bank,
                suspense,
                transfer_code::PAYOUT_HELD,
            )],
            PayoutState::Released => vec![
                transfer(
                    arrival_id,
                    bank,
                    suspense.clone(),
                    transfer_code::PAYOUT_HELD,
                ),
                transfer(
                    format!("release:{}", self.id),
                    suspense,
                    wallet(&self.seller_account_id),
                    transfer_code::HOLD_RELEASED,
                ),
            ],
            PayoutState::Returned => vec![
                transfer(
                    arrival_id,
                    bank.clone(),
                    suspense.clone(),
                    transfer_code::PAYOUT_HELD,
                ),
                transfer(
                    format!("return:{}", self.id),
                    suspense,
                    bank,
                    transfer_code::HOLD_RETURNED,
                ),
            ],
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A transfer id exists with other fields, or an account is missing:
    /// a bug, never a retryable condition.
    #[error("the ledger refused payout {payout}'s transfer {transfer}: {result}")]
    Refused {
        payout: String,
        transfer: String,
        result: &'static str,
    },
}

/// The payout's transfers are applied (again, harmlessly, if they were)
/// and the row is marked synced, unless its state changed meanwhile (then
/// whoever changed it syncs the new state).
pub async fn sync_ledger(
    db: &Db,
    ledger: &LedgerWriter,
    payout: &Payout,
    now_ms: i64,
) -> Result<(), SyncError> {
    let currency = payout.amount.currency();
    match &payout.seller_account_id {
        Some(seller) => wallets::open(db, seller, currency, now_ms).await?,
        None => wallets::open_house(db, currency, now_ms).await?,
    }
    let transfers = payout.transfers();
    let results = ledger.submit(transfers.clone()).await?;
    if let Some((transfer, result)) = transfers
        .iter()
        .zip(&results)
        .find(|(_, result)| !result.is_ok())
    {
        return Err(SyncError::Refused {
            payout: payout.id.clone(),
            transfer: transfer.id.clone(),
            result: result.code(),
        });
    }
    sqlx::query(
        "UPDATE payouts SET ledger_synced_at_ms = $1 \
         WHERE id = $2 AND state = $3 AND ledger_synced_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(&payout.id)
    .bind(payout.state.code())
    .execute(db.writer())
    .await?;
    Ok(())
}

/// Applies the transfers of every payout whose ledger is behind its row
/// (after a crash between the two); returns how many it synced.
pub async fn sweep(db: &Db, ledger: &LedgerWriter, now_ms: i64) -> Result<usize, SyncError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payouts WHERE ledger_synced_at_ms IS NULL ORDER BY received_at_ms"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(db.reader())
        .await?;
    let mut synced = 0;
    for row in &rows {
        sync_ledger(db, ledger, &from_row(row)?, now_ms).await?;
        synced += 1;
    }
    Ok(synced)
}

/// [`sweep`] once, for a starting process: a payout recorded just before a
/// crash reaches the ledger even if its bank never sends it again.
pub async fn sweep_at_startup(db: Db, ledger: LedgerWriter) {
    match sweep(&db, &ledger, crate::app::now_ms()).await {
        Ok(0) => {}
        Ok(synced) => tracing::info!(synced, "payouts completed in the ledger after a restart"),
        Err(error) => tracing::error!(%error, "cannot complete payouts in the ledger"),
    }
}

const COLUMNS: &str = "id, dedupe_key, source, currency, amount_minor, creditor_account, \
     receiving_account_id, seller_account_id, debtor_name, end_to_end_id, bank_reference, uetr, \
     remittance, state, hold_reason, resolved_by, resolved_at_ms, received_at_ms, \
     ledger_synced_at_ms";

fn from_row(row: &AnyRow) -> Result<Payout, sqlx::Error> {
    let corrupt = |what: &str| sqlx::Error::Protocol(format!("stored payout {what} is unknown"));
    let currency: String = row.try_get("currency")?;
    let currency = Currency::parse(&currency).map_err(|_| corrupt("currency"))?;
    let state: String = row.try_get("state")?;
    let hold_reason: Option<String> = row.try_get("hold_reason")?;
    Ok(Payout {
        id: row.try_get("id")?,
        dedupe_key: row.try_get("dedupe_key")?,
        source: row.try_get("source")?,
        amount: Money::from_minor(row.try_get("amount_minor")?, currency),
        creditor_account: row.try_get("creditor_account")?,
        receiving_account_id: row.try_get("receiving_account_id")?,
        seller_account_id: row.try_get("seller_account_id")?,
        debtor_name: row.try_get("debtor_name")?,
        end_to_end_id: row.try_get("end_to_end_id")?,
        bank_reference: row.try_get("bank_reference")?,
        uetr: row.try_get("uetr")?,
        remittance: row.try_get("remittance")?,
        state: PayoutState::parse(&state).ok_or_else(|| corrupt("state"))?,
        hold_reason: hold_reason
            .map(|code| HoldReason::parse(&code).ok_or_else(|| corrupt("hold reason")))
            .transpose()?,
        resolved_by: row.try_get("resolved_by")?,
        resolved_at_ms: row.try_get("resolved_at_ms")?,
        received_at_ms: row.try_get("received_at_ms")?,
        ledger_synced_at_ms: row.try_get("ledger_synced_at_ms")?,
    })
}

/// Records `payout` unless its dedupe key is known; true when it did.
pub async fn insert(conn: &mut AnyConnection, payout: &Payout) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO payouts (id, dedupe_key, source, currency, amount_minor, creditor_account, \
         receiving_account_id, seller_account_id, debtor_name, end_to_end_id, bank_reference, uetr, \
         remittance, state, hold_reason, received_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(&payout.id)
    .bind(&payout.dedupe_key)
    .bind(&payout.source)
    .bind(payout.amount.currency().code())
    .bind(payout.amount.amount_minor())
    .bind(&payout.creditor_account)
    .bind(&payout.receiving_account_id)
    .bind(&payout.seller_account_id)
    .bind(&payout.debtor_name)
    .bind(&payout.end_to_end_id)
    .bind(&payout.bank_reference)
    .bind(&payout.uetr)
    .bind(&payout.remittance)
    .bind(payout.state.code())
    .bind(payout.hold_reason.map(HoldReason::code))
    .bind(payout.received_at_ms)
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

pub async fn by_dedupe_key(
    conn: &mut AnyConnection,
    dedupe_key: &str,
) -> Result<Option<Payout>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM payouts WHERE dedupe_key = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(dedupe_key)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<Payout>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM payouts WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Payouts in `state`, oldest first (the compliance queue for `held`).
pub async fn in_state(db: &Db, state: PayoutState, limit: i64) -> Result<Vec<Payout>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payouts WHERE state = $1 ORDER BY received_at_ms, id LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(state.code())
        .bind(limit)
        .fetch_all(db.reader())
        .await?;
    rows.iter().map(from_row).collect()
}

//! Reading an account's transfers back: its history, page by page, and what
//! its posted balance was at a moment in the past.
//!
//! Transfers are ordered by `(created_at_ms, id)`: a batch's transfers share
//! one timestamp, so the id breaks ties and the order is total and stable,
//! which is what a cursor needs.

use crate::engine::StoredTransfer;
use crate::model::TransferFlags;
use crate::store::{LedgerError, transfer_from_row};
use ferry_platform::db::Db;

/// Where a page of history starts: strictly older than this transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub created_at_ms: i64,
    pub id: String,
}

impl StoredTransfer {
    /// The cursor that continues after this transfer.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            created_at_ms: self.created_at_ms,
            id: self.transfer.id.clone(),
        }
    }

    /// How this transfer changed `account_id`'s posted credit balance
    /// (credits minus debits): plain and post-pending transfers move posted
    /// money; pending, void and expiry transfers only move reservations.
    pub fn posted_effect(&self, account_id: &str) -> i64 {
        let flags = self.transfer.flags;
        let reserves_only = flags.contains(TransferFlags::PENDING)
            || flags.contains(TransferFlags::VOID_PENDING)
            || flags.contains(TransferFlags::EXPIRE_PENDING);
        if reserves_only {
            0
        } else if self.transfer.credit_account_id == account_id {
            self.transfer.amount
        } else if self.transfer.debit_account_id == account_id {
            -self.transfer.amount
        } else {
            0
        }
    }
}

/// The flags of transfers that move only reservations, as one mask for SQL.
const RESERVATION_ONLY: i64 =
    TransferFlags::PENDING | TransferFlags::VOID_PENDING | TransferFlags::EXPIRE_PENDING;

const COLUMNS: &str = "id, debit_account_id, credit_account_id, amount, ledger, code, \
                       flags, pending_id, expires_at_ms, reference, created_at_ms";

/// Up to `limit` transfers that debit or credit `account_id`, newest first,
/// starting after `before` (the first page when `None`).
pub async fn history(
    db: &Db,
    account_id: &str,
    before: Option<&Cursor>,
    limit: i64,
) -> Result<Vec<StoredTransfer>, LedgerError> {
    // No cursor: everything is older than the end of time.
    let (before_ms, before_id) = before.map_or((i64::MAX, ""), |c| (c.created_at_ms, &c.id));
    let sql = format!(
        "SELECT {COLUMNS} FROM ledger_transfers \
         WHERE (debit_account_id = $1 OR credit_account_id = $1) \
           AND (created_at_ms < $2 OR (created_at_ms = $2 AND id < $3)) \
         ORDER BY created_at_ms DESC, id DESC LIMIT $4"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(account_id)
        .bind(before_ms)
        .bind(before_id)
        .bind(limit)
        .fetch_all(db.reader())
        .await?;
    rows.iter().map(transfer_from_row).collect()
}

/// Every transfer of `account_id` created in `[from_ms, to_ms)`, oldest
/// first (for statements and charts).
pub async fn history_between(
    db: &Db,
    account_id: &str,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<StoredTransfer>, LedgerError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM ledger_transfers \
         WHERE (debit_account_id = $1 OR credit_account_id = $1) \
           AND created_at_ms >= $2 AND created_at_ms < $3 \
         ORDER BY created_at_ms, id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(account_id)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(db.reader())
        .await?;
    rows.iter().map(transfer_from_row).collect()
}

/// `account_id`'s posted credit balance (credits minus debits) just before
/// `at_ms`: the opening balance of a statement that starts then.
pub async fn posted_credit_balance_before(
    db: &Db,
    account_id: &str,
    at_ms: i64,
) -> Result<i64, LedgerError> {
    let (credits, debits): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT \
           CAST(SUM(CASE WHEN credit_account_id = $1 THEN amount ELSE 0 END) AS BIGINT), \
           CAST(SUM(CASE WHEN debit_account_id = $1 THEN amount ELSE 0 END) AS BIGINT) \
         FROM ledger_transfers \
         WHERE (debit_account_id = $1 OR credit_account_id = $1) \
           AND created_at_ms < $2 AND (flags & $3) = 0",
    )
    .bind(account_id)
    .bind(at_ms)
    .bind(RESERVATION_ONLY)
    .fetch_one(db.reader())
    .await?;
    Ok(credits.unwrap_or(0) - debits.unwrap_or(0))
}

//! The ledger's invariants, checked against the whole database: what
//! `ferry ops verify-ledger` runs.
//!
//! 1. Per ledger, total debits equal total credits (posted, and pending).
//! 2. Every account's four counters equal what its transfers add up to.
//! 3. No account breaks its balance flags (no wallet below zero).
//! 4. Every pending transfer's status matches the transfer that resolved it.

use crate::model::{AccountFlags, PendingStatus, TransferFlags};
use crate::store::LedgerError;
use ferry_platform::db::Db;
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

/// One broken invariant, said so an operator can find the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation(pub String);

/// Checks every invariant; an empty list means the ledger is sound.
pub async fn verify(db: &Db) -> Result<Vec<Violation>, LedgerError> {
    let mut violations = verify_ledger_totals(db).await?;
    violations.extend(verify_account_balances(db).await?);
    violations.extend(verify_balance_flags(db).await?);
    violations.extend(verify_pending_statuses(db).await?);
    Ok(violations)
}

async fn verify_ledger_totals(db: &Db) -> Result<Vec<Violation>, LedgerError> {
    let rows = sqlx::query(
        "SELECT ledger, CAST(SUM(debits_posted) AS BIGINT), CAST(SUM(credits_posted) AS BIGINT), \
                CAST(SUM(debits_pending) AS BIGINT), CAST(SUM(credits_pending) AS BIGINT) \
         FROM ledger_accounts GROUP BY ledger ORDER BY ledger",
    )
    .fetch_all(db.reader())
    .await?;
    let mut violations = Vec::new();
    for row in rows {
        let ledger: String = row.try_get(0)?;
        let [
            debits_posted,
            credits_posted,
            debits_pending,
            credits_pending,
        ]: [i64; 4] = [
            row.try_get(1)?,
            row.try_get(2)?,
            row.try_get(3)?,
            row.try_get(4)?,
        ];
        if debits_posted != credits_posted {
            violations.push(Violation(format!(
                "ledger {ledger}: posted debits {debits_posted} != posted credits {credits_posted}"
            )));
        }
        if debits_pending != credits_pending {
            violations.push(Violation(format!(
                "ledger {ledger}: pending debits {debits_pending} != pending credits {credits_pending}"
            )));
        }
    }
    Ok(violations)
}

type Counters = [i64; 4];

async fn verify_account_balances(db: &Db) -> Result<Vec<Violation>, LedgerError> {
    let expected = expected_counters(db).await?;
    let rows = sqlx::query(
        "SELECT id, debits_pending, debits_posted, credits_pending, credits_posted \
         FROM ledger_accounts ORDER BY id",
    )
    .fetch_all(db.reader())
    .await?;
    let mut violations = Vec::new();
    for row in rows {
        let id: String = row.try_get(0)?;
        let stored: Counters = [
            row.try_get(1)?,
            row.try_get(2)?,
            row.try_get(3)?,
            row.try_get(4)?,
        ];
        let computed = expected.get(&id).copied().unwrap_or_default();
        if stored != computed {
            violations.push(Violation(format!(
                "account {id}: balances [debits pending, debits posted, credits pending, \
                 credits posted] are {stored:?} but its transfers add up to {computed:?}"
            )));
        }
    }
    Ok(violations)
}

/// Each account's counters as its transfers define them.
async fn expected_counters(db: &Db) -> Result<HashMap<String, Counters>, LedgerError> {
    let not_posted =
        TransferFlags::PENDING | TransferFlags::VOID_PENDING | TransferFlags::EXPIRE_PENDING;
    let pending = TransferFlags::PENDING;
    // Posted: plain transfers and posts of pending transfers. Pending:
    // pending transfers nothing has resolved yet.
    let sums = [
        (
            1,
            format!(
                "SELECT debit_account_id, CAST(SUM(amount) AS BIGINT) FROM ledger_transfers WHERE (flags & {not_posted}) = 0 GROUP BY debit_account_id"
            ),
        ),
        (
            3,
            format!(
                "SELECT credit_account_id, CAST(SUM(amount) AS BIGINT) FROM ledger_transfers WHERE (flags & {not_posted}) = 0 GROUP BY credit_account_id"
            ),
        ),
        (
            0,
            format!(
                "SELECT t.debit_account_id, CAST(SUM(t.amount) AS BIGINT) FROM ledger_transfers t WHERE (t.flags & {pending}) <> 0 AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = t.id) GROUP BY t.debit_account_id"
            ),
        ),
        (
            2,
            format!(
                "SELECT t.credit_account_id, CAST(SUM(t.amount) AS BIGINT) FROM ledger_transfers t WHERE (t.flags & {pending}) <> 0 AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = t.id) GROUP BY t.credit_account_id"
            ),
        ),
    ];
    let mut expected: HashMap<String, Counters> = HashMap::new();
    for (slot, sql) in sums {
        for row in sqlx::query(AssertSqlSafe(sql))
            .fetch_all(db.reader())
            .await?
        {
            let id: String = row.try_get(0)?;
            expected.entry(id).or_default()[slot] = row.try_get(1)?;
        }
    }
    Ok(expected)
}

async fn verify_balance_flags(db: &Db) -> Result<Vec<Violation>, LedgerError> {
    let sql = format!(
        "SELECT id FROM ledger_accounts \
         WHERE ((flags & {}) <> 0 AND debits_pending + debits_posted > credits_posted) \
            OR ((flags & {}) <> 0 AND credits_pending + credits_posted > debits_posted) \
         ORDER BY id",
        AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS,
        AccountFlags::CREDITS_MUST_NOT_EXCEED_DEBITS,
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .fetch_all(db.reader())
        .await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get(0)?;
            Ok(Violation(format!("account {id} breaks its balance limit")))
        })
        .collect()
}

async fn verify_pending_statuses(db: &Db) -> Result<Vec<Violation>, LedgerError> {
    let rows = sqlx::query(
        "SELECT p.id, p.status, r.flags FROM ledger_pending p \
         LEFT JOIN ledger_transfers r ON r.pending_id = p.id ORDER BY p.id",
    )
    .fetch_all(db.reader())
    .await?;
    let mut violations = Vec::new();
    for row in rows {
        let id: String = row.try_get(0)?;
        let status: String = row.try_get(1)?;
        let resolution: Option<i64> = row.try_get(2)?;
        let expected = match resolution.map(TransferFlags) {
            None => PendingStatus::Pending,
            Some(f) if f.contains(TransferFlags::POST_PENDING) => PendingStatus::Posted,
            Some(f) if f.contains(TransferFlags::EXPIRE_PENDING) => PendingStatus::Expired,
            Some(_) => PendingStatus::Voided,
        };
        if status != expected.as_str() {
            violations.push(Violation(format!(
                "pending transfer {id} is marked {status} but its transfers say {}",
                expected.as_str()
            )));
        }
    }
    Ok(violations)
}

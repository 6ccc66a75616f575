//! Creating and reading accounts.

use crate::model::{Account, NewAccount};
use crate::store::{LedgerError, account_from_row, select_accounts};
use ferry_platform::db::{Backend, Db};

/// The outcome of creating one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountResult {
    Created,
    /// An account with this id and these fields exists already.
    Exists,
    ExistsWithDifferentFields,
}

/// Creates accounts; creating the same account again is harmless.
pub async fn create_accounts(
    db: &Db,
    accounts: &[NewAccount],
    now_ms: i64,
) -> Result<Vec<AccountResult>, LedgerError> {
    let mut tx = db.begin().await?;
    let mut results = Vec::with_capacity(accounts.len());
    for account in accounts {
        let inserted = sqlx::query(
            "INSERT INTO ledger_accounts (id, ledger, code, flags, owner, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&account.id)
        .bind(account.ledger.as_str())
        .bind(account.code as i64)
        .bind(account.flags.0)
        .bind(&account.owner)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let result = if inserted == 1 {
            AccountResult::Created
        } else {
            let existing =
                select_accounts(&mut tx, std::slice::from_ref(&account.id), Backend::Sqlite)
                    .await?
                    .pop()
                    .ok_or_else(|| {
                        LedgerError::Corrupt(format!("account {} vanished", account.id))
                    })?;
            if same_fields(&existing, account) {
                AccountResult::Exists
            } else {
                AccountResult::ExistsWithDifferentFields
            }
        };
        results.push(result);
    }
    tx.commit().await?;
    Ok(results)
}

fn same_fields(existing: &Account, new: &NewAccount) -> bool {
    existing.ledger == new.ledger
        && existing.code == new.code as i64
        && existing.flags == new.flags
        && existing.owner == new.owner
}

/// The accounts with these ids that exist, in id order.
pub async fn lookup_accounts(db: &Db, ids: &[String]) -> Result<Vec<Account>, LedgerError> {
    let mut conn = db.reader().acquire().await?;
    select_accounts(&mut conn, ids, Backend::Sqlite).await
}

/// Every account of one owner (a merchant's wallets), by ledger.
pub async fn accounts_of_owner(db: &Db, owner: &str) -> Result<Vec<Account>, LedgerError> {
    let rows = sqlx::query(
        "SELECT id, ledger, code, flags, owner, debits_pending, debits_posted, \
                credits_pending, credits_posted \
         FROM ledger_accounts WHERE owner = $1 ORDER BY ledger, id",
    )
    .bind(owner)
    .fetch_all(db.reader())
    .await?;
    rows.iter().map(account_from_row).collect()
}

//! Loading a batch's rows, applying the engine, and writing the changes back,
//! all in one database transaction.
//!
//! On PostgreSQL the touched accounts are locked (`FOR UPDATE`, in id order
//! so two processes never deadlock) before anything that depends on them is
//! read, so several Ferry processes can share one ledger. On SQLite the single
//! writer connection serializes batches.

use crate::engine::{BatchChanges, BatchState, StoredTransfer, apply_batch};
use crate::model::{
    Account, AccountFlags, LedgerCode, PendingStatus, Transfer, TransferFlags, TransferResult,
};
use ferry_platform::db::{Backend, Db};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use std::collections::{HashMap, HashSet};

/// Rows per multi-row statement; keeps bound parameters far below either
/// backend's limit (11 columns x 500 rows = 5,500).
const ROWS_PER_STATEMENT: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("ledger storage failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("ledger data is corrupt: {0}")]
    Corrupt(String),
    #[error("the batch was not applied: {0}")]
    BatchFailed(String),
    #[error("the ledger writer has stopped")]
    WriterStopped,
}

/// Applies `segments` durably. Each segment's results come back in order.
pub async fn apply(
    db: &Db,
    segments: &[&[Transfer]],
    now_ms: i64,
) -> Result<Vec<Vec<TransferResult>>, LedgerError> {
    match apply_once(db, segments, now_ms).await {
        // Another process inserted one of our ids between our read and our
        // write (possible only for ids whose accounts differ, as same-account
        // transfers wait on the row locks). A second pass sees that row and
        // answers `exists` or `exists_with_different_fields`.
        Err(LedgerError::Database(error)) if is_unique_violation(&error) => {
            apply_once(db, segments, now_ms).await
        }
        other => other,
    }
}

async fn apply_once(
    db: &Db,
    segments: &[&[Transfer]],
    now_ms: i64,
) -> Result<Vec<Vec<TransferResult>>, LedgerError> {
    let mut tx = db.begin().await?;
    let mut state = load_state(&mut tx, db.backend(), segments).await?;
    let (results, changes) = apply_batch(&mut state, segments, now_ms);
    debug_assert_balance_limits(&state, &changes);
    write_changes(&mut tx, &state, &changes, now_ms).await?;
    tx.commit().await?;
    Ok(results)
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}

async fn load_state(
    conn: &mut AnyConnection,
    backend: Backend,
    segments: &[&[Transfer]],
) -> Result<BatchState, LedgerError> {
    let transfers = segments.iter().flat_map(|s| s.iter());
    let transfer_ids: Vec<String> = transfers.clone().map(|t| t.id.clone()).collect();
    let pending_ids: Vec<String> = transfers
        .clone()
        .filter_map(|t| t.pending_id.clone())
        .collect();
    // The accounts of the pending transfers being resolved are needed to
    // know which rows to lock; their status is read again after locking.
    let pendings_before_lock = select_transfers(conn, &pending_ids).await?;
    let mut account_ids: Vec<String> = transfers
        .flat_map(|t| [t.debit_account_id.clone(), t.credit_account_id.clone()])
        .chain(pendings_before_lock.iter().flat_map(|p| {
            [
                p.transfer.debit_account_id.clone(),
                p.transfer.credit_account_id.clone(),
            ]
        }))
        .filter(|id| !id.is_empty())
        .collect();
    account_ids.sort();
    account_ids.dedup();

    let mut state = BatchState::default();
    for account in select_accounts(conn, &account_ids, backend).await? {
        state.accounts.insert(account.id.clone(), account);
    }
    for stored in select_transfers(conn, &transfer_ids).await? {
        state.transfers.insert(stored.transfer.id.clone(), stored);
    }
    state.pendings = select_pendings(conn, &pending_ids).await?;
    state.failed_ids = select_failed_ids(conn, &transfer_ids).await?;
    Ok(state)
}

/// Parameter markers for `count` parameters starting at number `first`:
/// `$first, $first+1, …` on PostgreSQL, and anonymous `?, ?, …` on SQLite.
///
/// Why not `$n` on SQLite too: SQLite finds a named parameter's index by a
/// linear scan of the statement's names (`sqlite3_bind_parameter_name`,
/// which sqlx calls for every parameter), so binding a 5,500-parameter
/// statement costs 5,500² comparisons, about 40 ms; anonymous markers bind
/// in order at no cost. The values are bound in the same order either way.
fn placeholders(conn: &AnyConnection, first: usize, count: usize) -> String {
    if conn.backend_name().eq_ignore_ascii_case("sqlite") {
        return vec!["?"; count].join(", ");
    }
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn unique(ids: &[String]) -> Vec<&String> {
    let mut seen = HashSet::new();
    ids.iter().filter(|id| seen.insert(*id)).collect()
}

const ACCOUNT_COLUMNS: &str = "id, ledger, code, flags, owner, debits_pending, debits_posted, \
                               credits_pending, credits_posted";

pub(crate) async fn select_accounts(
    conn: &mut AnyConnection,
    ids: &[String],
    backend: Backend,
) -> Result<Vec<Account>, LedgerError> {
    let lock = match backend {
        Backend::Postgres => "FOR UPDATE",
        Backend::Sqlite => "",
    };
    let mut accounts = Vec::with_capacity(ids.len());
    for chunk in unique(ids).chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS} FROM ledger_accounts WHERE id IN ({}) ORDER BY id {lock}",
            placeholders(conn, 1, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            accounts.push(account_from_row(&row)?);
        }
    }
    Ok(accounts)
}

pub(crate) fn account_from_row(row: &AnyRow) -> Result<Account, LedgerError> {
    let ledger: String = row.try_get("ledger")?;
    Ok(Account {
        id: row.try_get("id")?,
        ledger: LedgerCode::currency(&ledger)
            .ok_or_else(|| LedgerError::Corrupt(format!("account ledger {ledger:?}")))?,
        code: row.try_get("code")?,
        flags: AccountFlags(row.try_get("flags")?),
        owner: row.try_get("owner")?,
        debits_pending: row.try_get("debits_pending")?,
        debits_posted: row.try_get("debits_posted")?,
        credits_pending: row.try_get("credits_pending")?,
        credits_posted: row.try_get("credits_posted")?,
    })
}

const TRANSFER_COLUMNS: &str = "id, debit_account_id, credit_account_id, amount, ledger, code, \
                                flags, pending_id, expires_at_ms, reference, created_at_ms";

pub(crate) async fn select_transfers(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<StoredTransfer>, LedgerError> {
    let mut transfers = Vec::new();
    for chunk in unique(ids).chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT {TRANSFER_COLUMNS} FROM ledger_transfers WHERE id IN ({})",
            placeholders(conn, 1, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            transfers.push(transfer_from_row(&row)?);
        }
    }
    Ok(transfers)
}

pub(crate) fn transfer_from_row(row: &AnyRow) -> Result<StoredTransfer, LedgerError> {
    let ledger: String = row.try_get("ledger")?;
    Ok(StoredTransfer {
        transfer: Transfer {
            id: row.try_get("id")?,
            debit_account_id: row.try_get("debit_account_id")?,
            credit_account_id: row.try_get("credit_account_id")?,
            amount: row.try_get("amount")?,
            ledger: LedgerCode::currency(&ledger)
                .ok_or_else(|| LedgerError::Corrupt(format!("transfer ledger {ledger:?}")))?,
            code: row.try_get("code")?,
            flags: TransferFlags(row.try_get("flags")?),
            pending_id: row.try_get("pending_id")?,
            expires_at_ms: row.try_get("expires_at_ms")?,
            reference: row.try_get("reference")?,
        },
        created_at_ms: row.try_get("created_at_ms")?,
    })
}

async fn select_pendings(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<HashMap<String, (Transfer, PendingStatus)>, LedgerError> {
    let statuses = select_id_text_pairs(conn, "SELECT id, status FROM ledger_pending", ids).await?;
    let mut pendings = HashMap::new();
    for stored in select_transfers(conn, ids).await? {
        let status = match statuses.get(&stored.transfer.id) {
            Some(text) => PendingStatus::parse(text)
                .ok_or_else(|| LedgerError::Corrupt(format!("pending status {text:?}")))?,
            // A transfer that is not pending: the engine answers
            // `pending_transfer_not_pending` from its flags.
            None => PendingStatus::Posted,
        };
        pendings.insert(stored.transfer.id.clone(), (stored.transfer, status));
    }
    Ok(pendings)
}

async fn select_failed_ids(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<HashMap<String, TransferResult>, LedgerError> {
    let failed =
        select_id_text_pairs(conn, "SELECT id, result FROM ledger_failed_ids", ids).await?;
    Ok(failed
        .into_iter()
        .map(|(id, result)| {
            let result = if result == TransferResult::ExceedsDebits.code() {
                TransferResult::ExceedsDebits
            } else {
                TransferResult::ExceedsCredits
            };
            (id, result)
        })
        .collect())
}

/// Runs `select` (which yields `id` and one text column) for the given ids.
async fn select_id_text_pairs(
    conn: &mut AnyConnection,
    select: &str,
    ids: &[String],
) -> Result<HashMap<String, String>, LedgerError> {
    let mut pairs = HashMap::new();
    for chunk in unique(ids).chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "{select} WHERE id IN ({})",
            placeholders(conn, 1, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            pairs.insert(row.try_get(0)?, row.try_get(1)?);
        }
    }
    Ok(pairs)
}

async fn write_changes(
    conn: &mut AnyConnection,
    state: &BatchState,
    changes: &BatchChanges,
    now_ms: i64,
) -> Result<(), LedgerError> {
    insert_transfers(conn, &changes.created).await?;
    upsert_pending_statuses(conn, state, &changes.pending_status).await?;
    insert_failed_ids(conn, &changes.failed_ids, now_ms).await?;
    let accounts: Vec<&Account> = changes
        .touched_accounts
        .iter()
        .map(|id| &state.accounts[id])
        .collect();
    update_balances(conn, &accounts).await
}

async fn insert_transfers(
    conn: &mut AnyConnection,
    created: &[StoredTransfer],
) -> Result<(), LedgerError> {
    const COLUMNS: usize = 11;
    for chunk in created.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("({})", placeholders(conn, i * COLUMNS + 1, COLUMNS)))
            .collect();
        let sql = format!(
            "INSERT INTO ledger_transfers ({TRANSFER_COLUMNS}) VALUES {}",
            rows.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for stored in chunk {
            let t = &stored.transfer;
            query = query
                .bind(&t.id)
                .bind(&t.debit_account_id)
                .bind(&t.credit_account_id)
                .bind(t.amount)
                .bind(t.ledger.as_str())
                .bind(t.code)
                .bind(t.flags.0)
                .bind(&t.pending_id)
                .bind(t.expires_at_ms)
                .bind(&t.reference)
                .bind(stored.created_at_ms);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn upsert_pending_statuses(
    conn: &mut AnyConnection,
    state: &BatchState,
    statuses: &[(String, PendingStatus)],
) -> Result<(), LedgerError> {
    // A pending transfer created and resolved in one batch appears twice;
    // only its last status is written.
    let mut last: HashMap<&str, PendingStatus> = HashMap::new();
    let mut order = Vec::new();
    for (id, status) in statuses {
        if last.insert(id, *status).is_none() {
            order.push(id.as_str());
        }
    }
    for chunk in order.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("({})", placeholders(conn, i * 3 + 1, 3)))
            .collect();
        let sql = format!(
            "INSERT INTO ledger_pending (id, status, expires_at_ms) VALUES {} \
             ON CONFLICT (id) DO UPDATE SET status = excluded.status",
            rows.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            let expires_at_ms = state.pendings.get(*id).map_or(0, |(t, _)| t.expires_at_ms);
            query = query.bind(*id).bind(last[id].as_str()).bind(expires_at_ms);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_failed_ids(
    conn: &mut AnyConnection,
    failed: &[(String, TransferResult)],
    now_ms: i64,
) -> Result<(), LedgerError> {
    for (id, result) in failed {
        sqlx::query(
            "INSERT INTO ledger_failed_ids (id, result, failed_at_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(result.code())
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

async fn update_balances(
    conn: &mut AnyConnection,
    accounts: &[&Account],
) -> Result<(), LedgerError> {
    const COLUMNS: usize = 5;
    for chunk in accounts.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("({})", placeholders(conn, i * COLUMNS + 1, COLUMNS)))
            .collect();
        let sql = format!(
            "WITH v (id, debits_pending, debits_posted, credits_pending, credits_posted) \
             AS (VALUES {}) \
             UPDATE ledger_accounts SET debits_pending = v.debits_pending, \
                debits_posted = v.debits_posted, credits_pending = v.credits_pending, \
                credits_posted = v.credits_posted \
             FROM v WHERE ledger_accounts.id = v.id",
            rows.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for account in chunk {
            query = query
                .bind(&account.id)
                .bind(account.debits_pending)
                .bind(account.debits_posted)
                .bind(account.credits_pending)
                .bind(account.credits_posted);
        }
        let updated = query.execute(&mut *conn).await?.rows_affected();
        if updated != chunk.len() as u64 {
            return Err(LedgerError::Corrupt(format!(
                "updated {updated} of {} account balances",
                chunk.len()
            )));
        }
    }
    Ok(())
}

/// In debug builds, re-checks every touched account against its flags
/// after the batch: the engine must never produce a state it forbids.
fn debug_assert_balance_limits(state: &BatchState, changes: &BatchChanges) {
    if !cfg!(debug_assertions) {
        return;
    }
    for id in &changes.touched_accounts {
        let account = &state.accounts[id];
        assert!(account.debits_pending >= 0 && account.credits_pending >= 0);
        if account
            .flags
            .contains(AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS)
        {
            assert!(account.debits_pending + account.debits_posted <= account.credits_posted);
        }
        if account
            .flags
            .contains(AccountFlags::CREDITS_MUST_NOT_EXCEED_DEBITS)
        {
            assert!(account.credits_pending + account.credits_posted <= account.debits_posted);
        }
    }
}

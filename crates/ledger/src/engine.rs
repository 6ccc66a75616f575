//! The pure state machine: applies a batch of transfers to the accounts and
//! pending transfers it touches, in memory, with no IO.
//!
//! The storage layer loads exactly the rows a batch can touch into a
//! [`BatchState`], calls [`apply_batch`], and writes back what changed, all in
//! one database transaction. Keeping the rules here makes them testable
//! without a database and gives the benchmark its in-memory ceiling.

use crate::model::{Account, AccountFlags, PendingStatus, Transfer, TransferFlags, TransferResult};
use std::collections::HashMap;

/// A transfer as stored: post and void transfers carry the pending
/// transfer's accounts and ledger, and voids its amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTransfer {
    pub transfer: Transfer,
    pub created_at_ms: i64,
}

/// Everything a batch may read or change.
#[derive(Debug, Default, Clone)]
pub struct BatchState {
    pub accounts: HashMap<String, Account>,
    /// Stored transfers whose ids appear in the batch, plus those created
    /// by the batch so far.
    pub transfers: HashMap<String, StoredTransfer>,
    /// Pending transfers the batch refers to, with their status.
    pub pendings: HashMap<String, (Transfer, PendingStatus)>,
    /// Ids that failed before with a transient error.
    pub failed_ids: HashMap<String, TransferResult>,
}

/// What a batch changed, for the storage layer to write.
#[derive(Debug, Default)]
pub struct BatchChanges {
    pub created: Vec<StoredTransfer>,
    pub pending_status: Vec<(String, PendingStatus)>,
    pub failed_ids: Vec<(String, TransferResult)>,
    pub touched_accounts: Vec<String>,
}

/// Applies `segments` (each a client request whose linked chains must close
/// inside it) to `state`. Returns one result per transfer, in order.
pub fn apply_batch(
    state: &mut BatchState,
    segments: &[&[Transfer]],
    now_ms: i64,
) -> (Vec<Vec<TransferResult>>, BatchChanges) {
    let mut changes = BatchChanges::default();
    let results = segments
        .iter()
        .map(|segment| apply_segment(state, segment, now_ms, &mut changes))
        .collect();
    changes.touched_accounts.sort();
    changes.touched_accounts.dedup();
    (results, changes)
}

/// Undo records for rolling back a linked chain that failed part-way.
enum Undo {
    Account(Account),
    Created(String),
    Pending(String, (Transfer, PendingStatus)),
}

fn apply_segment(
    state: &mut BatchState,
    segment: &[Transfer],
    now_ms: i64,
    changes: &mut BatchChanges,
) -> Vec<TransferResult> {
    let mut results = vec![TransferResult::Created; segment.len()];
    let mut chain_start = 0;
    let mut undo: Vec<Undo> = Vec::new();
    let mut chain_failed: Option<usize> = None;
    for (index, transfer) in segment.iter().enumerate() {
        let linked = transfer.flags.contains(TransferFlags::LINKED);
        let is_last = index + 1 == segment.len();
        let outcome = if chain_failed.is_some() {
            Err(TransferResult::LinkedEventFailed)
        } else if linked && is_last {
            Err(TransferResult::LinkedEventChainOpen)
        } else {
            apply_one(state, transfer, now_ms, &mut undo)
        };
        match outcome {
            Ok(result) => results[index] = result,
            Err(result) => {
                results[index] = result;
                if chain_failed.is_none() && result.is_transient() {
                    state.failed_ids.insert(transfer.id.clone(), result);
                    changes.failed_ids.push((transfer.id.clone(), result));
                }
                chain_failed.get_or_insert(index);
            }
        }
        if linked && !is_last {
            continue;
        }
        // The chain (or lone transfer) ends here: keep it or roll it back.
        match chain_failed.take() {
            Some(failed_at) => {
                roll_back(state, &mut undo);
                for result in &mut results[chain_start..=index] {
                    if result.is_ok() {
                        *result = TransferResult::LinkedEventFailed;
                    }
                }
                debug_assert!(!results[failed_at].is_ok());
            }
            None => record_changes(state, &mut undo, changes),
        }
        chain_start = index + 1;
    }
    results
}

fn roll_back(state: &mut BatchState, undo: &mut Vec<Undo>) {
    while let Some(entry) = undo.pop() {
        match entry {
            Undo::Account(account) => {
                state.accounts.insert(account.id.clone(), account);
            }
            Undo::Created(id) => {
                state.transfers.remove(&id);
                // A pending transfer created by the chain goes with it.
                state.pendings.remove(&id);
            }
            Undo::Pending(id, before) => {
                state.pendings.insert(id, before);
            }
        }
    }
}

fn record_changes(state: &BatchState, undo: &mut Vec<Undo>, changes: &mut BatchChanges) {
    for entry in undo.drain(..) {
        match entry {
            Undo::Account(account) => changes.touched_accounts.push(account.id),
            Undo::Created(id) => {
                let stored = state.transfers[&id].clone();
                if stored.transfer.flags.contains(TransferFlags::PENDING) {
                    changes.pending_status.push((id, PendingStatus::Pending));
                }
                changes.created.push(stored);
            }
            Undo::Pending(id, _) => {
                let status = state.pendings[&id].1;
                changes.pending_status.push((id, status));
            }
        }
    }
}

/// Applies one transfer, or explains why not. Changes are logged in `undo`.
fn apply_one(
    state: &mut BatchState,
    submitted: &Transfer,
    now_ms: i64,
    undo: &mut Vec<Undo>,
) -> Result<TransferResult, TransferResult> {
    let transfer = normalize(state, submitted)?;
    if let Some(existing) = state.transfers.get(&transfer.id) {
        return if existing.transfer == transfer {
            Ok(TransferResult::Exists)
        } else {
            Err(TransferResult::ExistsWithDifferentFields)
        };
    }
    if state.failed_ids.contains_key(&transfer.id) {
        return Err(TransferResult::IdAlreadyFailed);
    }
    validate_shape(&transfer)?;
    let (debit, credit) = load_accounts(state, &transfer)?;
    let (debit, credit) = match pending_being_resolved(state, &transfer, now_ms)? {
        Some(pending) => resolve_pending(&transfer, &pending, debit, credit)?,
        None => add_amount(&transfer, debit, credit)?,
    };
    check_balance_limits(&debit, &credit)?;
    commit(state, transfer, debit, credit, now_ms, undo);
    Ok(TransferResult::Created)
}

/// Fills in what post and void transfers inherit from their pending
/// transfer, so a retry compares equal to what was stored.
fn normalize(state: &BatchState, submitted: &Transfer) -> Result<Transfer, TransferResult> {
    if submitted.id.is_empty() {
        return Err(TransferResult::IdMustNotBeEmpty);
    }
    let flags = submitted.flags;
    let kinds = [
        TransferFlags::PENDING,
        TransferFlags::POST_PENDING,
        TransferFlags::VOID_PENDING,
        TransferFlags::EXPIRE_PENDING,
    ];
    if kinds.iter().filter(|bit| flags.contains(**bit)).count() > 1 {
        return Err(TransferResult::FlagsAreMutuallyExclusive);
    }
    let resolves = flags.resolves_pending();
    let mut transfer = submitted.clone();
    match (resolves, &submitted.pending_id) {
        (false, None) => Ok(transfer),
        (false, Some(_)) => Err(TransferResult::PendingIdNotAllowed),
        (true, None) => Err(TransferResult::PendingIdRequired),
        (true, Some(pending_id)) => {
            let (pending, _) = state
                .pendings
                .get(pending_id)
                .ok_or(TransferResult::PendingTransferNotFound)?;
            inherit(&mut transfer.debit_account_id, &pending.debit_account_id);
            inherit(&mut transfer.credit_account_id, &pending.credit_account_id);
            if !flags.contains(TransferFlags::POST_PENDING) && transfer.amount == 0 {
                transfer.amount = pending.amount;
            }
            Ok(transfer)
        }
    }
}

fn inherit(field: &mut String, from_pending: &str) {
    if field.is_empty() {
        *field = from_pending.to_string();
    }
}

fn validate_shape(transfer: &Transfer) -> Result<(), TransferResult> {
    if transfer.amount <= 0 {
        return Err(TransferResult::AmountMustBePositive);
    }
    if transfer.debit_account_id == transfer.credit_account_id {
        return Err(TransferResult::AccountsMustBeDifferent);
    }
    Ok(())
}

fn load_accounts(
    state: &BatchState,
    transfer: &Transfer,
) -> Result<(Account, Account), TransferResult> {
    let debit = state
        .accounts
        .get(&transfer.debit_account_id)
        .ok_or(TransferResult::DebitAccountNotFound)?;
    let credit = state
        .accounts
        .get(&transfer.credit_account_id)
        .ok_or(TransferResult::CreditAccountNotFound)?;
    if debit.ledger != transfer.ledger || credit.ledger != transfer.ledger {
        return Err(TransferResult::LedgerMustMatchAccounts);
    }
    Ok((debit.clone(), credit.clone()))
}

/// For post and void: the pending transfer, if it can still be resolved.
fn pending_being_resolved(
    state: &BatchState,
    transfer: &Transfer,
    now_ms: i64,
) -> Result<Option<Transfer>, TransferResult> {
    let Some(pending_id) = &transfer.pending_id else {
        return Ok(None);
    };
    let (pending, status) = &state.pendings[pending_id];
    if !pending.flags.contains(TransferFlags::PENDING) {
        return Err(TransferResult::PendingTransferNotPending);
    }
    match status {
        PendingStatus::Posted => return Err(TransferResult::PendingTransferAlreadyPosted),
        PendingStatus::Voided => return Err(TransferResult::PendingTransferAlreadyVoided),
        PendingStatus::Expired => return Err(TransferResult::PendingTransferExpired),
        PendingStatus::Pending => {}
    }
    let deadline_passed = pending.expires_at_ms != 0 && now_ms >= pending.expires_at_ms;
    let expiring = transfer.flags.contains(TransferFlags::EXPIRE_PENDING);
    if deadline_passed && !expiring {
        return Err(TransferResult::PendingTransferExpired);
    }
    if expiring && !deadline_passed {
        return Err(TransferResult::PendingTransferNotExpired);
    }
    if pending.debit_account_id != transfer.debit_account_id
        || pending.credit_account_id != transfer.credit_account_id
    {
        return Err(TransferResult::PendingTransferHasDifferentAccounts);
    }
    Ok(Some(pending.clone()))
}

fn add_amount(
    transfer: &Transfer,
    mut debit: Account,
    mut credit: Account,
) -> Result<(Account, Account), TransferResult> {
    let amount = transfer.amount;
    if transfer.flags.contains(TransferFlags::PENDING) {
        debit.debits_pending = checked(debit.debits_pending.checked_add(amount))?;
        credit.credits_pending = checked(credit.credits_pending.checked_add(amount))?;
    } else {
        debit.debits_posted = checked(debit.debits_posted.checked_add(amount))?;
        credit.credits_posted = checked(credit.credits_posted.checked_add(amount))?;
    }
    Ok((debit, credit))
}

/// Releases the whole pending amount and, for a post, posts `amount` of it.
fn resolve_pending(
    transfer: &Transfer,
    pending: &Transfer,
    mut debit: Account,
    mut credit: Account,
) -> Result<(Account, Account), TransferResult> {
    if transfer.amount > pending.amount {
        return Err(TransferResult::ExceedsPendingAmount);
    }
    debit.debits_pending = checked(debit.debits_pending.checked_sub(pending.amount))?;
    credit.credits_pending = checked(credit.credits_pending.checked_sub(pending.amount))?;
    if transfer.flags.contains(TransferFlags::POST_PENDING) {
        debit.debits_posted = checked(debit.debits_posted.checked_add(transfer.amount))?;
        credit.credits_posted = checked(credit.credits_posted.checked_add(transfer.amount))?;
    }
    Ok((debit, credit))
}

fn checked(value: Option<i64>) -> Result<i64, TransferResult> {
    value.ok_or(TransferResult::Overflow)
}

fn check_balance_limits(debit: &Account, credit: &Account) -> Result<(), TransferResult> {
    let debit_total = debit.debits_pending.checked_add(debit.debits_posted);
    if debit
        .flags
        .contains(AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS)
        && checked(debit_total)? > debit.credits_posted
    {
        return Err(TransferResult::ExceedsCredits);
    }
    let credit_total = credit.credits_pending.checked_add(credit.credits_posted);
    if credit
        .flags
        .contains(AccountFlags::CREDITS_MUST_NOT_EXCEED_DEBITS)
        && checked(credit_total)? > credit.debits_posted
    {
        return Err(TransferResult::ExceedsDebits);
    }
    Ok(())
}

fn commit(
    state: &mut BatchState,
    transfer: Transfer,
    debit: Account,
    credit: Account,
    now_ms: i64,
    undo: &mut Vec<Undo>,
) {
    for account in [debit, credit] {
        let before = state.accounts.insert(account.id.clone(), account);
        undo.push(Undo::Account(before.expect("the account was loaded")));
    }
    if let Some(pending_id) = &transfer.pending_id {
        let status = if transfer.flags.contains(TransferFlags::POST_PENDING) {
            PendingStatus::Posted
        } else if transfer.flags.contains(TransferFlags::EXPIRE_PENDING) {
            PendingStatus::Expired
        } else {
            PendingStatus::Voided
        };
        let entry = state.pendings.get_mut(pending_id).expect("checked above");
        undo.push(Undo::Pending(pending_id.clone(), entry.clone()));
        entry.1 = status;
    }
    if transfer.flags.contains(TransferFlags::PENDING) {
        state.pendings.insert(
            transfer.id.clone(),
            (transfer.clone(), PendingStatus::Pending),
        );
    }
    undo.push(Undo::Created(transfer.id.clone()));
    state.transfers.insert(
        transfer.id.clone(),
        StoredTransfer {
            transfer,
            created_at_ms: now_ms,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AccountFlags, LedgerCode};
    use proptest::prelude::*;

    const ACCOUNTS: usize = 4;

    fn state() -> BatchState {
        let mut state = BatchState::default();
        for i in 0..ACCOUNTS {
            // Account 0 is unconstrained (the bank); the rest are wallets.
            let flags = if i == 0 {
                AccountFlags::default()
            } else {
                AccountFlags(AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS)
            };
            let account = Account {
                id: format!("a{i}"),
                ledger: LedgerCode::currency("EUR").unwrap(),
                code: 1,
                flags,
                owner: None,
                debits_pending: 0,
                debits_posted: 0,
                credits_pending: 0,
                credits_posted: 0,
            };
            state.accounts.insert(account.id.clone(), account);
        }
        state
    }

    /// A random transfer between random accounts, sometimes pending, linked,
    /// or resolving an earlier id, and sometimes reusing an id.
    fn arbitrary_transfer() -> impl Strategy<Value = Transfer> {
        (
            0..20_usize,
            0..ACCOUNTS,
            0..ACCOUNTS,
            0..2_000_i64,
            0..6_u8,
            0..20_usize,
        )
            .prop_map(|(id, debit, credit, amount, kind, pending)| {
                let flags = match kind {
                    0 => TransferFlags::PENDING,
                    1 => TransferFlags::POST_PENDING,
                    2 => TransferFlags::VOID_PENDING,
                    3 => TransferFlags::LINKED,
                    _ => 0,
                };
                let resolves =
                    flags == TransferFlags::POST_PENDING || flags == TransferFlags::VOID_PENDING;
                Transfer {
                    id: format!("t{id}"),
                    debit_account_id: format!("a{debit}"),
                    credit_account_id: format!("a{credit}"),
                    amount,
                    ledger: LedgerCode::currency("EUR").unwrap(),
                    code: 1,
                    flags: TransferFlags(flags),
                    pending_id: resolves.then(|| format!("t{pending}")),
                    expires_at_ms: 0,
                    reference: None,
                }
            })
    }

    proptest! {
        /// Whatever is submitted, debits equal credits, no wallet goes below
        /// zero, and counters equal the sum of the transfers created.
        #[test]
        fn invariants_hold_for_any_sequence_of_batches(
            batches in proptest::collection::vec(proptest::collection::vec(arbitrary_transfer(), 1..12), 1..8)
        ) {
            let mut state = state();
            let mut created = Vec::new();
            for batch in &batches {
                let (_, changes) = apply_batch(&mut state, &[batch.as_slice()], 0);
                created.extend(changes.created);
            }
            let accounts: Vec<&Account> = state.accounts.values().collect();
            let total = |f: fn(&Account) -> i64| accounts.iter().map(|a| f(a)).sum::<i64>();
            prop_assert_eq!(total(|a| a.debits_posted), total(|a| a.credits_posted));
            prop_assert_eq!(total(|a| a.debits_pending), total(|a| a.credits_pending));
            for account in &accounts {
                if account.flags.contains(AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS) {
                    prop_assert!(account.debits_pending + account.debits_posted <= account.credits_posted);
                }
                prop_assert!(account.debits_pending >= 0 && account.credits_pending >= 0);
            }
            let posted_credits: i64 = created
                .iter()
                .filter(|s| {
                    let f = s.transfer.flags;
                    !f.contains(TransferFlags::PENDING) && !f.contains(TransferFlags::VOID_PENDING)
                })
                .map(|s| s.transfer.amount)
                .sum();
            prop_assert_eq!(total(|a| a.credits_posted), posted_credits);
        }
    }
}

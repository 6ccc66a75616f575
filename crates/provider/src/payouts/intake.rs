//! Reading a camt.054 notification and recording each credit in it as a
//! payout, exactly once. The bank's endpoint and `ferry import camt054` both
//! come here.
//!
//! Each `TxDtls` of a booked credit entry is one payout. Debit entries and
//! entries not booked yet (pending, information only) move no money and are
//! reported as ignored. A transaction is matched to the receiving account by
//! its creditor account (the IBAN for euro accounts, the domestic number
//! otherwise); it is credited to the account's seller when the account is
//! open, in the same currency, its store is bound, and the debtor is the
//! paying entity of the store's marketplace. Otherwise it is held in
//! suspense with the reason, for compliance.

use super::mails;
use super::payer::is_paying_entity;
use super::store::{self, Payout, SyncError};
use super::{Books, HoldReason, PayoutState};
use crate::stores::BindingState;
use crate::tokens;
use ferry_domain::{Marketplace, Money};
use ferry_formats::iso20022::camt054::{
    self, AccountId, Camt054Error, CreditDebit, CreditNotification, Entry, EntryStatus,
    TransactionDetails,
};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

/// What became of one transaction of the notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransactionOutcome {
    /// 1-based positions of the entry and of the transaction in it.
    pub entry: usize,
    pub transaction: usize,
    #[serde(flatten)]
    pub result: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Recorded now: in the seller's wallet.
    Credited { payout_id: String },
    /// Recorded now: in suspense for compliance.
    Held {
        payout_id: String,
        reason: HoldReason,
    },
    /// Recorded before (a redelivery); nothing changed.
    Duplicate {
        payout_id: String,
        state: PayoutState,
    },
    /// The same reference was recorded with another amount or account;
    /// nothing changed, and an operator must look.
    Conflict { payout_id: String },
    /// Not a booked credit: no money moved.
    Ignored { reason: &'static str },
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The message is not a camt.054 this reader accepts; nothing changed.
    #[error(transparent)]
    Unreadable(#[from] Camt054Error),
    #[error(transparent)]
    Sync(#[from] SyncError),
}

impl From<sqlx::Error> for IntakeError {
    fn from(error: sqlx::Error) -> Self {
        Self::Sync(SyncError::Database(error))
    }
}

/// Parses `xml` and records every credit in it; `source` names the bank
/// whose signature carried it (or the file import).
pub async fn receive(
    books: &Books<'_>,
    source: &str,
    xml: &str,
    now_ms: i64,
) -> Result<Vec<TransactionOutcome>, IntakeError> {
    let notification = camt054::parse(xml)?;
    let mut outcomes = Vec::new();
    for (entry_index, entry) in notification.entries.iter().enumerate() {
        for (tx_index, details) in entry.transactions.iter().enumerate() {
            let position = Position {
                notification: &notification,
                entry,
                entry_index: entry_index + 1,
                details,
                tx_index: tx_index + 1,
            };
            let result = match ignored_because(entry) {
                Some(reason) => Outcome::Ignored { reason },
                None => record(books, source, &position, now_ms).await?,
            };
            outcomes.push(TransactionOutcome {
                entry: position.entry_index,
                transaction: position.tx_index,
                result,
            });
        }
    }
    Ok(outcomes)
}

fn ignored_because(entry: &Entry) -> Option<&'static str> {
    if entry.direction == CreditDebit::Debit {
        return Some("debit_entry");
    }
    match entry.status {
        EntryStatus::Booked => None,
        EntryStatus::Pending => Some("entry_not_booked"),
        EntryStatus::Info => Some("entry_information_only"),
    }
}

struct Position<'a> {
    notification: &'a CreditNotification,
    entry: &'a Entry,
    entry_index: usize,
    details: &'a TransactionDetails,
    tx_index: usize,
}

impl Position<'_> {
    fn bank_reference(&self) -> Option<&str> {
        self.entry
            .bank_reference
            .as_ref()
            .or(self.details.instruction_id.as_ref())
            .map(|text| text.as_str())
    }

    fn end_to_end_id(&self) -> Option<&str> {
        self.details
            .end_to_end_id
            .as_ref()
            .map(|text| text.as_str())
            // "NOTPROVIDED" is the ISO placeholder, not an id.
            .filter(|id| *id != "NOTPROVIDED")
    }

    /// What makes a redelivery recognisable: the UETR (unique per
    /// transfer end to end), else the bank's reference with the end-to-end
    /// id, else the message's own ids and the transaction's position (a
    /// redelivery of the same message repeats them).
    fn dedupe_key(&self) -> String {
        if let Some(uetr) = &self.details.uetr {
            return format!("uetr:{}", uetr.as_str().to_ascii_lowercase());
        }
        if let (Some(reference), Some(end_to_end)) = (self.bank_reference(), self.end_to_end_id()) {
            return format!("ref:{reference}|e2e:{end_to_end}");
        }
        format!(
            "msg:{}|{}|{}|{}",
            self.notification.message_id.as_str(),
            self.notification.notification_id.as_str(),
            self.entry_index,
            self.tx_index
        )
    }
}

/// The creditor account as Ferry stores numbers: no spaces or dashes,
/// upper case.
fn creditor_account(account: &AccountId) -> String {
    let raw = match account {
        AccountId::Iban(iban) => iban.as_str().to_string(),
        AccountId::Other { id, .. } => id.as_str().to_string(),
    };
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Who the money is for, and whether it can go to the wallet.
struct Decision {
    receiving_account_id: Option<String>,
    seller_account_id: Option<String>,
    hold: Option<HoldReason>,
}

impl Decision {
    fn held(reason: HoldReason) -> Self {
        Self {
            receiving_account_id: None,
            seller_account_id: None,
            hold: Some(reason),
        }
    }
}

async fn decide(
    conn: &mut AnyConnection,
    amount: Money,
    creditor: &str,
    debtor_name: Option<&str>,
) -> Result<Decision, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.id, r.account_id, r.currency, r.store_marketplace_id, r.closed_at_ms, \
         b.state AS binding_state FROM receiving_accounts r \
         LEFT JOIN store_bindings b ON b.receiving_account_id = r.id \
         WHERE r.account_number = $1 ORDER BY r.id",
    )
    .bind(creditor)
    .fetch_all(conn)
    .await?;
    let currency = amount.currency().code();
    let same_currency: Vec<_> = rows
        .iter()
        .filter(|row| {
            row.try_get::<String, _>("currency")
                .is_ok_and(|c| c == currency)
        })
        .collect();
    let row = match (rows.len(), same_currency.as_slice()) {
        (0, _) => return Ok(Decision::held(HoldReason::UnknownAccount)),
        (_, []) => return Ok(Decision::held(HoldReason::CurrencyMismatch)),
        (_, [row]) => *row,
        // Two programmes issued the same number in one currency: only a
        // person can tell which account is meant.
        (_, [..]) => return Ok(Decision::held(HoldReason::UnknownAccount)),
    };
    // The account is known: whatever happens, it is this seller's money.
    let for_account = |hold| Decision {
        receiving_account_id: row.try_get("id").ok(),
        seller_account_id: row.try_get("account_id").ok(),
        hold,
    };
    if row.try_get::<Option<i64>, _>("closed_at_ms")?.is_some() {
        return Ok(for_account(Some(HoldReason::AccountClosed)));
    }
    let bound = row
        .try_get::<Option<String>, _>("binding_state")?
        .is_some_and(|state| state == BindingState::Bound.code());
    let marketplace = row
        .try_get::<Option<String>, _>("store_marketplace_id")?
        .and_then(|id| Marketplace::by_id(&id));
    let Some(marketplace) = marketplace.filter(|_| bound) else {
        return Ok(for_account(Some(HoldReason::StoreNotBound)));
    };
    if !debtor_name.is_some_and(|name| is_paying_entity(marketplace, name)) {
        return Ok(for_account(Some(HoldReason::UnknownDebtor)));
    }
    Ok(for_account(None))
}

async fn record(
    books: &Books<'_>,
    source: &str,
    position: &Position<'_>,
    now_ms: i64,
) -> Result<Outcome, IntakeError> {
    let details = position.details;
    let amount = details.amount.money();
    let creditor = creditor_account(&details.creditor_account);
    let debtor_name = details.debtor_name.as_ref().map(|name| name.as_str());
    let dedupe_key = position.dedupe_key();
    let mut conn = books.db.reader().acquire().await?;
    // Cheap early answer for a redelivery; the unique key decides races.
    if let Some(existing) = store::by_dedupe_key(&mut conn, &dedupe_key).await? {
        drop(conn);
        return known(books, existing, amount, &creditor, now_ms).await;
    }
    let decision = decide(&mut conn, amount, &creditor, debtor_name).await?;
    drop(conn);
    let payout = Payout {
        id: tokens::new_id("pay"),
        dedupe_key,
        source: source.to_string(),
        amount,
        creditor_account: creditor.clone(),
        receiving_account_id: decision.receiving_account_id,
        seller_account_id: decision.seller_account_id,
        debtor_name: debtor_name.map(str::to_string),
        end_to_end_id: position.end_to_end_id().map(str::to_string),
        bank_reference: position.bank_reference().map(str::to_string),
        uetr: details.uetr.as_ref().map(|uetr| uetr.as_str().to_string()),
        remittance: details
            .remittance_info
            .iter()
            .map(|line| line.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        state: if decision.hold.is_some() {
            PayoutState::Held
        } else {
            PayoutState::Credited
        },
        hold_reason: decision.hold,
        resolved_by: None,
        resolved_at_ms: None,
        received_at_ms: now_ms,
        ledger_synced_at_ms: None,
    };
    let mut tx = books.db.begin().await?;
    if !store::insert(&mut tx, &payout).await? {
        // Another delivery of the same payout won the race.
        let existing = store::by_dedupe_key(&mut tx, &payout.dedupe_key)
            .await?
            .ok_or_else(|| sqlx::Error::Protocol("a conflicting payout vanished".into()))?;
        tx.commit().await?;
        return known(books, existing, amount, &creditor, now_ms).await;
    }
    mails::arrived(&mut tx, books.public_url, &payout, now_ms).await?;
    mails::announce(&mut tx, &payout, now_ms).await?;
    tx.commit().await?;
    store::sync_ledger(books.db, books.ledger, &payout, now_ms).await?;
    tracing::info!(payout = %payout.id, state = payout.state.code(), "payout recorded");
    Ok(match payout.hold_reason {
        Some(reason) => Outcome::Held {
            payout_id: payout.id,
            reason,
        },
        None => Outcome::Credited {
            payout_id: payout.id,
        },
    })
}

/// A redelivery: finishes the ledger if a crash interrupted it, and says
/// what was recorded.
async fn known(
    books: &Books<'_>,
    existing: Payout,
    amount: Money,
    creditor: &str,
    now_ms: i64,
) -> Result<Outcome, IntakeError> {
    if existing.amount != amount || existing.creditor_account != creditor {
        tracing::error!(payout = %existing.id, "a payout reference came again with other fields");
        return Ok(Outcome::Conflict {
            payout_id: existing.id,
        });
    }
    if existing.ledger_synced_at_ms.is_none() {
        store::sync_ledger(books.db, books.ledger, &existing, now_ms).await?;
    }
    Ok(Outcome::Duplicate {
        payout_id: existing.id,
        state: existing.state,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creditor_accounts_are_compared_without_separators() {
        let other = AccountId::Other {
            id: ferry_formats::iso20022::IsoText::parse("0001-2345 678").unwrap(),
            scheme: None,
        };
        assert_eq!(creditor_account(&other), "00012345678");
    }
}

//! A seller's balances per currency, read from the ledger's wallet accounts.

use super::wallet_id;
use ferry_domain::{Currency, Money};
use ferry_ledger::{Account, AccountCode, LedgerError};
use ferry_platform::db::Db;

/// One wallet as the seller sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wallet {
    /// The ledger account (`wallet:{seller}:{C}`).
    pub account_id: String,
    pub currency: Currency,
    /// Posted credits minus posted debits.
    pub posted: Money,
    /// Posted, minus money reserved by debits in flight (withdrawals).
    pub available: Money,
    /// The reserved debits: posted minus available.
    pub pending: Money,
}

impl Wallet {
    fn from_account(account: &Account) -> Option<Self> {
        if account.code != AccountCode::SellerWallet as i64 {
            return None;
        }
        let currency = Currency::parse(account.ledger.as_str()).ok()?;
        Some(Self {
            account_id: account.id.clone(),
            currency,
            posted: Money::from_minor(account.credit_balance_posted(), currency),
            available: Money::from_minor(account.credit_balance_available(), currency),
            pending: Money::from_minor(account.debits_pending, currency),
        })
    }
}

/// Every wallet of the seller account, in currency-code order.
pub async fn wallets_of(db: &Db, seller_account_id: &str) -> Result<Vec<Wallet>, LedgerError> {
    let accounts = ferry_ledger::accounts_of_owner(db, seller_account_id).await?;
    let mut wallets: Vec<Wallet> = accounts.iter().filter_map(Wallet::from_account).collect();
    wallets.sort_by_key(|wallet| wallet.currency.code());
    Ok(wallets)
}

/// The seller's wallet in `currency`, if it has one. The id is built from
/// the caller's own account, and the owner is checked again, so another
/// seller's wallet can never come back.
pub async fn wallet_in(
    db: &Db,
    seller_account_id: &str,
    currency: Currency,
) -> Result<Option<Wallet>, LedgerError> {
    let id = wallet_id(seller_account_id, currency);
    let accounts = ferry_ledger::lookup_accounts(db, &[id]).await?;
    Ok(accounts
        .iter()
        .filter(|account| account.owner.as_deref() == Some(seller_account_id))
        .find_map(Wallet::from_account))
}

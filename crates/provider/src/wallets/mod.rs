//! Wallets: a seller's money, per currency, kept only in the ledger.
//!
//! This module names the ledger accounts every money feature shares, so
//! that payouts, conversions and withdrawals agree on where money sits:
//!
//! | account id            | code            | what it is                                        |
//! |-----------------------|-----------------|---------------------------------------------------|
//! | `wallet:{seller}:{C}` | SellerWallet    | what Ferry owes the seller in currency C          |
//! | `bank:{C}`            | BankSettlement  | what Ferry holds at its partner bank in C (asset) |
//! | `suspense:{C}`        | Suspense        | money received that is not attributed yet         |
//! | `fees:{C}`            | FeeRevenue      | fees earned in C                                  |
//! | `fx:{C}`              | FxPosition      | the FX desk's position in C                       |
//! | `clearing:{C}`        | PayoutClearing  | withdrawals on their way to a mainland bank       |
//!
//! A wallet is a liability with its balance on the credit side, so it carries
//! "debits must not exceed credits": no transfer can take it below zero,
//! counting pending debits. The house accounts carry no limit (the bank
//! account's balance is on the debit side and grows with every payout).
//!
//! `{seller}` is the seller account's id, which is also the wallet's `owner`
//! (closing an account reads wallets by owner).

mod api;
pub mod balances;
mod chart;
pub mod entries;
mod pages;
pub mod payouts;
pub mod problem;
pub mod statement;

use crate::app::AppState;
use axum::Router;
use ferry_domain::Currency;
use ferry_ledger::{AccountCode, AccountFlags, LedgerCode, LedgerError, NewAccount};
use ferry_platform::db::Db;

/// The wallets page and the JSON API of balances, history and statements.
pub fn routes() -> Router<AppState> {
    Router::new().merge(api::routes()).merge(pages::routes())
}

/// Why money moved; stored as the transfer's `code`. Numbers never change.
pub mod transfer_code {
    /// A marketplace payout credited to a seller's wallet.
    pub const PAYOUT_RECEIVED: i64 = 1;
    /// A payout that could not be attributed, parked in suspense.
    pub const PAYOUT_HELD: i64 = 2;
    /// A held payout released to the seller's wallet by compliance.
    pub const HOLD_RELEASED: i64 = 3;
    /// A held payout sent back to the payer.
    pub const HOLD_RETURNED: i64 = 4;
    /// One leg of a currency conversion.
    pub const FX_CONVERSION: i64 = 10;
    /// The fee of a conversion.
    pub const FX_FEE: i64 = 11;
    /// A withdrawal to a mainland bank account.
    pub const WITHDRAWAL: i64 = 20;
    /// The fee of a withdrawal.
    pub const WITHDRAWAL_FEE: i64 = 21;
    /// A posted withdrawal that the beneficiary's bank returned later.
    pub const WITHDRAWAL_RETURNED: i64 = 22;
}

pub fn wallet_id(seller_account_id: &str, currency: Currency) -> String {
    format!("wallet:{seller_account_id}:{}", currency.code())
}

pub fn bank_id(currency: Currency) -> String {
    format!("bank:{}", currency.code())
}

pub fn suspense_id(currency: Currency) -> String {
    format!("suspense:{}", currency.code())
}

pub fn fees_id(currency: Currency) -> String {
    format!("fees:{}", currency.code())
}

pub fn fx_position_id(currency: Currency) -> String {
    format!("fx:{}", currency.code())
}

pub fn clearing_id(currency: Currency) -> String {
    format!("clearing:{}", currency.code())
}

/// The currency's ledger.
pub fn ledger_of(currency: Currency) -> LedgerCode {
    LedgerCode::currency(currency.code()).expect("ISO 4217 codes are three upper-case letters")
}

/// Creates the house accounts of `currency` and the seller's wallet in it,
/// if they do not exist yet (creating them again is harmless).
pub async fn open(
    db: &Db,
    seller_account_id: &str,
    currency: Currency,
    now_ms: i64,
) -> Result<(), LedgerError> {
    let mut accounts = house_accounts(currency);
    accounts.push(NewAccount {
        id: wallet_id(seller_account_id, currency),
        ledger: ledger_of(currency),
        code: AccountCode::SellerWallet,
        flags: AccountFlags(AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS),
        owner: Some(seller_account_id.to_string()),
    });
    ferry_ledger::create_accounts(db, &accounts, now_ms).await?;
    Ok(())
}

/// Creates the house accounts of `currency` if they do not exist yet.
pub async fn open_house(db: &Db, currency: Currency, now_ms: i64) -> Result<(), LedgerError> {
    ferry_ledger::create_accounts(db, &house_accounts(currency), now_ms).await?;
    Ok(())
}

fn house_accounts(currency: Currency) -> Vec<NewAccount> {
    let house = |id: String, code| NewAccount {
        id,
        ledger: ledger_of(currency),
        code,
        flags: AccountFlags::default(),
        owner: None,
    };
    vec![
        house(bank_id(currency), AccountCode::BankSettlement),
        house(suspense_id(currency), AccountCode::Suspense),
        house(fees_id(currency), AccountCode::FeeRevenue),
        house(fx_position_id(currency), AccountCode::FxPosition),
        house(clearing_id(currency), AccountCode::PayoutClearing),
    ]
}

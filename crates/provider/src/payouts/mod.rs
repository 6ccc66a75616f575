//! Inbound payouts: a partner bank tells Ferry that a marketplace's payout
//! landed on one of Ferry's receiving accounts (ISO 20022 camt.054), and the
//! money is credited to the seller's wallet exactly once, or parked in
//! suspense for compliance when it cannot be attributed.
//!
//! - [`intake`] reads a notification and records each credit transaction.
//! - [`store`] keeps the `payouts` rows and applies their ledger transfers.
//! - [`signature`] checks the partner bank's signature.
//! - [`holds`] is compliance's release and return of held payouts.
//! - [`api`] and [`pages`] are the bank's endpoint and the ops console.
//!
//! See docs/payouts.md for the flow, the idempotency keys and the order of
//! writes that makes a crash harmless.

mod api;
pub mod holds;
pub mod intake;
mod mails;
mod pages;
pub mod payer;
pub mod signature;
pub mod store;

use crate::app::AppState;
use axum::Router;
use ferry_ledger::LedgerWriter;
use ferry_platform::Secret;
use ferry_platform::db::Db;
use serde::{Deserialize, Serialize};

pub use api::NOTIFICATIONS_PATH;

/// A partner bank allowed to notify credits, with the secret it signs them
/// with (`[[provider.receiving.partner_banks]]`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PartnerBank {
    pub name: String,
    pub signing_secret: Secret<String>,
}

/// What recording and deciding payouts need: the database, the process's
/// ledger writer, and the portal's address for links in e-mails.
pub struct Books<'a> {
    pub db: &'a Db,
    pub ledger: &'a LedgerWriter,
    pub public_url: &'a str,
}

impl<'a> Books<'a> {
    pub fn of(app: &'a AppState) -> Self {
        Self {
            db: &app.db,
            ledger: &app.ledger,
            public_url: &app.public_url,
        }
    }
}

/// The bank's endpoint, the ops JSON API and the ops page.
pub fn routes() -> Router<AppState> {
    Router::new().merge(api::routes()).merge(pages::routes())
}

/// Where a payout stands. Codes are stored; they never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutState {
    /// In the seller's wallet.
    Credited,
    /// In suspense, waiting for compliance.
    Held,
    /// Released from suspense to a seller's wallet by compliance.
    Released,
    /// Sent back to the payer by compliance.
    Returned,
}

impl PayoutState {
    pub const ALL: [Self; 4] = [Self::Credited, Self::Held, Self::Released, Self::Returned];

    pub fn code(self) -> &'static str {
        match self {
            Self::Credited => "credited",
            Self::Held => "held",
            Self::Released => "released",
            Self::Returned => "returned",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.code() == code)
    }
}

/// Why a payout was held rather than credited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldReason {
    /// No receiving account has the creditor account's number.
    UnknownAccount,
    /// The account is closed.
    AccountClosed,
    /// The money is not in the account's currency.
    CurrencyMismatch,
    /// The account's store is not bound (or the account has no store).
    StoreNotBound,
    /// The payer is not the paying entity of the store's marketplace.
    UnknownDebtor,
}

impl HoldReason {
    pub const ALL: [Self; 5] = [
        Self::UnknownAccount,
        Self::AccountClosed,
        Self::CurrencyMismatch,
        Self::StoreNotBound,
        Self::UnknownDebtor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownAccount => "unknown_account",
            Self::AccountClosed => "account_closed",
            Self::CurrencyMismatch => "currency_mismatch",
            Self::StoreNotBound => "store_not_bound",
            Self::UnknownDebtor => "unknown_debtor",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.code() == code)
    }

    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            Self::UnknownAccount => lang.pick("收款账号不存在", "no such receiving account"),
            Self::AccountClosed => lang.pick("收款账户已关闭", "the receiving account is closed"),
            Self::CurrencyMismatch => lang.pick("币种与账户不符", "not in the account's currency"),
            Self::StoreNotBound => lang.pick("账户未绑定店铺", "the account's store is not bound"),
            Self::UnknownDebtor => lang.pick(
                "付款方不是该站点的亚马逊付款主体",
                "the payer is not the marketplace's paying entity",
            ),
        }
    }
}

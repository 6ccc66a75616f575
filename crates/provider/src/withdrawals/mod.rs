//! Withdrawals from a seller's wallet to a mainland bank account.
//!
//! A destination is a UnionPay card with its bank and a holder name equal
//! to the verified legal name ([`destinations`]). A withdrawal, confirmed
//! with the seller's two-factor code, places a pending hold in the ledger
//! (amount to `clearing:{C}`, fee to `fees:{C}`); the bank desk ([`bank`])
//! sends it to the bank adapter and posts the hold when the bank pays or
//! voids it when the bank refuses; a return after payment is a new
//! reversing transfer ([`requests`]). Each status is e-mailed ([`mails`]).
//!
//! Fee: `amount × fee_bps / 10000` rounded down to the minor unit, then
//! raised to `fee_min_minor` and capped at `fee_cap_minor`; it is charged on
//! top of the amount, which arrives in full. Limits per withdrawal and per
//! day (a calendar day in China, UTC+8) count the amount without the fee.

pub mod api;
pub mod bank;
pub mod destinations;
pub mod mails;
pub mod pages;
pub mod problem;
pub mod requests;

use bank::{BankAdapter, SandboxBank};
use ferry_domain::{Currency, Money};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub fn routes() -> axum::Router<crate::app::AppState> {
    axum::Router::new()
        .merge(api::routes())
        .merge(pages::routes())
}

/// Fee and limits of withdrawals in one currency.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Terms {
    pub currency: String,
    pub fee_bps: i64,
    pub fee_min_minor: i64,
    pub fee_cap_minor: i64,
    pub per_transaction_max_minor: i64,
    pub per_day_max_minor: i64,
}

impl Terms {
    /// The fee of withdrawing `amount` (see the module's rule).
    pub fn fee(&self, amount: Money) -> Money {
        let proportional = i128::from(amount.amount_minor()) * i128::from(self.fee_bps) / 10_000;
        let proportional = i64::try_from(proportional).unwrap_or(i64::MAX);
        let fee = proportional.max(self.fee_min_minor).min(self.fee_cap_minor);
        Money::from_minor(fee, amount.currency())
    }
}

/// `[provider.withdrawals]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct WithdrawalSettings {
    /// One entry per currency that can be withdrawn.
    pub terms: Vec<Terms>,
    /// How often the bank desk looks for work.
    pub desk_poll_ms: u64,
    /// The sandbox bank returns a payment to a card ending in 0036 this
    /// long after paying it ("days later").
    pub sandbox_return_after_secs: u64,
}

impl Default for WithdrawalSettings {
    fn default() -> Self {
        Self {
            terms: vec![
                Terms {
                    currency: "CNY".into(),
                    fee_bps: 10,
                    fee_min_minor: 200,                    // 2.00 CNY
                    fee_cap_minor: 5_000,                  // 50.00 CNY
                    per_transaction_max_minor: 50_000_000, // 500,000.00 CNY
                    per_day_max_minor: 100_000_000,        // 1,000,000.00 CNY
                },
                Terms {
                    currency: "USD".into(),
                    fee_bps: 10,
                    fee_min_minor: 100,                   // 1.00 USD
                    fee_cap_minor: 2_000,                 // 20.00 USD
                    per_transaction_max_minor: 5_000_000, // 50,000.00 USD
                    per_day_max_minor: 10_000_000,        // 100,000.00 USD
                },
            ],
            desk_poll_ms: 1_000,
            sandbox_return_after_secs: 3 * 24 * 60 * 60,
        }
    }
}

/// The withdrawal settings and the bank adapter of the process.
#[derive(Clone)]
pub struct WithdrawalDesk {
    pub settings: WithdrawalSettings,
    pub bank: Arc<dyn BankAdapter>,
}

impl WithdrawalDesk {
    pub fn from_settings(settings: &WithdrawalSettings) -> Result<Self, String> {
        for terms in &settings.terms {
            Currency::parse(&terms.currency)
                .map_err(|_| format!("withdrawals.terms: unknown currency {}", terms.currency))?;
            let ordered = 0 <= terms.fee_min_minor
                && terms.fee_min_minor <= terms.fee_cap_minor
                && (0..10_000).contains(&terms.fee_bps)
                && 0 < terms.per_transaction_max_minor
                && terms.per_transaction_max_minor <= terms.per_day_max_minor;
            if !ordered {
                return Err(format!(
                    "withdrawals.terms for {}: need 0 <= fee_min <= fee_cap, 0 <= fee_bps < 10000, 0 < per_transaction_max <= per_day_max",
                    terms.currency
                ));
            }
        }
        let return_after_ms =
            i64::try_from(settings.sandbox_return_after_secs.saturating_mul(1000))
                .unwrap_or(i64::MAX);
        Ok(Self {
            settings: settings.clone(),
            bank: Arc::new(SandboxBank { return_after_ms }),
        })
    }

    /// The terms of withdrawing `currency`, if it can be withdrawn.
    pub fn terms(&self, currency: Currency) -> Option<&Terms> {
        self.settings
            .terms
            .iter()
            .find(|terms| terms.currency == currency.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny_terms() -> Terms {
        Terms {
            currency: "CNY".into(),
            fee_bps: 10,
            fee_min_minor: 200,
            fee_cap_minor: 5_000,
            per_transaction_max_minor: 50_000_000,
            per_day_max_minor: 100_000_000,
        }
    }

    #[test]
    fn the_fee_is_the_rate_rounded_down_within_minimum_and_cap() {
        let terms = cny_terms();
        let fee = |minor| {
            terms
                .fee(Money::from_minor(minor, Currency::CNY))
                .amount_minor()
        };
        assert_eq!(fee(100_000), 200); // 1.00 under the 2.00 minimum
        assert_eq!(fee(1_234_567), 1_234); // 12.34567 rounded down
        assert_eq!(fee(10_000_000), 5_000); // 100.00 over the 50.00 cap
    }

    #[test]
    fn terms_out_of_order_are_refused_at_startup() {
        let mut settings = WithdrawalSettings::default();
        settings.terms[0].fee_min_minor = 10_000;
        assert!(WithdrawalDesk::from_settings(&settings).is_err());
        assert!(WithdrawalDesk::from_settings(&WithdrawalSettings::default()).is_ok());
    }
}

//! The arithmetic of a quote, in integers only.
//!
//! The seller sells `sell` (minor units of the sell currency). The fee comes
//! off first, in the sell currency; the rest (`converted`) is converted at
//! the customer rate, which is the mid rate less the margin:
//!
//! ```text
//! converted  = sell − fee
//! at_mid     = ⌊converted × mid⌋                       (buy minor units)
//! buy        = ⌊converted × mid × (10000 − bps) / 10000⌋
//! margin     = at_mid − buy                            (the margin as money)
//! ```
//!
//! Rounding: each amount is computed exactly (in `i128`) and rounded once,
//! **down** to the buy currency's minor unit, as banks round the customer's
//! amount; what is cut off (under one minor unit) stays with the FX desk.
//! `margin` is the difference of two rounded amounts, so `buy + margin`
//! is exactly the amount at the mid rate that the page shows.

use super::rate::{RATE_SCALE, Rate};
use ferry_domain::{Currency, Money};

/// One basis point is 1/10000.
pub const BPS_PER_UNIT: i128 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pricing {
    pub sell: Money,
    pub fee: Money,
    pub converted: Money,
    /// `converted` at the mid rate, in the buy currency.
    pub at_mid: Money,
    /// The net amount the seller receives.
    pub buy: Money,
    /// `at_mid − buy`: what the margin costs the seller, in the buy currency.
    pub margin: Money,
    pub margin_bps: i64,
    pub mid_rate: Rate,
    /// The mid rate less the margin, rounded down at the tenth decimal
    /// (shown; `buy` is computed from the mid rate and the margin directly).
    pub customer_rate: Rate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PricingError {
    /// The fee takes the whole amount.
    FeeExceedsAmount,
    /// The amount would buy less than one minor unit.
    NothingToBuy,
    /// Too large to compute exactly.
    TooLarge,
}

/// Prices selling `sell` for `buy_currency` at `mid` (buy units per sell
/// unit) with `margin_bps` and a fee of `fee` (in the sell currency).
pub fn price(
    sell: Money,
    buy_currency: Currency,
    mid: Rate,
    margin_bps: i64,
    fee: Money,
) -> Result<Pricing, PricingError> {
    let converted = sell.checked_sub(fee).map_err(|_| PricingError::TooLarge)?;
    if converted.amount_minor() <= 0 {
        return Err(PricingError::FeeExceedsAmount);
    }
    let keep_bps = BPS_PER_UNIT - i128::from(margin_bps);
    let sell_scale = i128::from(sell.currency().minor_per_major());
    let buy_scale = i128::from(buy_currency.minor_per_major());
    // converted × mid × buy_scale / (RATE_SCALE × sell_scale), exactly.
    let numerator = i128::from(converted.amount_minor())
        .checked_mul(mid.mantissa())
        .and_then(|n| n.checked_mul(buy_scale))
        .ok_or(PricingError::TooLarge)?;
    let denominator = RATE_SCALE * sell_scale;
    let at_mid = numerator / denominator;
    let buy = numerator
        .checked_mul(keep_bps)
        .ok_or(PricingError::TooLarge)?
        / (denominator * BPS_PER_UNIT);
    if buy <= 0 {
        return Err(PricingError::NothingToBuy);
    }
    let to_money = |minor: i128| {
        i64::try_from(minor)
            .map(|minor| Money::from_minor(minor, buy_currency))
            .map_err(|_| PricingError::TooLarge)
    };
    let customer_rate = Rate::from_mantissa(mid.mantissa() * keep_bps / BPS_PER_UNIT)
        .ok_or(PricingError::NothingToBuy)?;
    Ok(Pricing {
        sell,
        fee,
        converted,
        at_mid: to_money(at_mid)?,
        buy: to_money(buy)?,
        margin: to_money(at_mid - buy)?,
        margin_bps,
        mid_rate: mid,
        customer_rate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(minor: i64) -> Money {
        Money::from_minor(minor, Currency::USD)
    }

    #[test]
    fn the_customer_amount_is_rounded_down_once() {
        let mid = Rate::parse("7.2").unwrap();
        let priced = price(usd(100_000), Currency::CNY, mid, 50, usd(100)).unwrap();
        assert_eq!(priced.converted, usd(99_900));
        // 999.00 × 7.2 = 7192.80; × 0.995 = 7156.836 → 7156.83.
        assert_eq!(priced.at_mid.amount_minor(), 719_280);
        assert_eq!(priced.buy.amount_minor(), 715_683);
        assert_eq!(priced.margin.amount_minor(), 3_597);
        assert_eq!(priced.customer_rate.to_string(), "7.164");
    }

    #[test]
    fn minor_units_of_each_side_are_respected() {
        // 1000 JPY at 0.0062 USD/JPY, no fee, no margin = 6.20 USD.
        let mid = Rate::parse("0.0062").unwrap();
        let yen = Money::from_minor(1_000, Currency::JPY);
        let priced = price(yen, Currency::USD, mid, 0, Money::zero(Currency::JPY)).unwrap();
        assert_eq!(priced.buy, usd(620));
        assert_eq!(priced.margin, usd(0));
    }

    #[test]
    fn a_fee_as_large_as_the_amount_is_refused() {
        let mid = Rate::parse("7.2").unwrap();
        assert_eq!(
            price(usd(100), Currency::CNY, mid, 50, usd(100)),
            Err(PricingError::FeeExceedsAmount)
        );
    }

    #[test]
    fn amounts_too_large_to_compute_exactly_are_refused() {
        let mid = Rate::parse("19352.41").unwrap();
        let huge = Money::from_minor(i64::MAX, Currency::EUR);
        let priced = price(huge, Currency::IDR, mid, 50, Money::zero(Currency::EUR));
        assert_eq!(priced, Err(PricingError::TooLarge));
    }
}

//! `Money`: an integer amount of a currency's minor unit.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::currency::Currency;
use super::parse::{self, DecimalStyle, ParseMoneyError};

/// An amount in a currency's minor unit (cents for USD, yen for JPY, fils for
/// KWD). Integer only, so sums are exact; arithmetic is checked and refuses to
/// mix currencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    amount_minor: i64,
    currency: Currency,
}

/// Why an arithmetic operation on [`Money`] was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Amounts in different currencies cannot be combined without an FX rate.
    #[error("cannot combine {left} with {right}")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: Currency,
        /// Currency of the right operand.
        right: Currency,
    },
    /// The result does not fit in an `i64` of minor units.
    #[error("amount out of range")]
    Overflow,
}

impl Money {
    /// `amount_minor` minor units of `currency`.
    pub const fn from_minor(amount_minor: i64, currency: Currency) -> Self {
        Self {
            amount_minor,
            currency,
        }
    }

    /// Zero in `currency`.
    pub const fn zero(currency: Currency) -> Self {
        Self::from_minor(0, currency)
    }

    /// The amount in minor units.
    pub const fn amount_minor(self) -> i64 {
        self.amount_minor
    }

    /// The currency.
    pub const fn currency(self) -> Currency {
        self.currency
    }

    /// True for a zero amount.
    pub const fn is_zero(self) -> bool {
        self.amount_minor == 0
    }

    /// True for an amount below zero.
    pub const fn is_negative(self) -> bool {
        self.amount_minor < 0
    }

    /// `self + other`, refusing different currencies and overflow.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        let currency = self.same_currency(other)?;
        self.amount_minor
            .checked_add(other.amount_minor)
            .map(|amount| Money::from_minor(amount, currency))
            .ok_or(MoneyError::Overflow)
    }

    /// `self - other`, refusing different currencies and overflow.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        let currency = self.same_currency(other)?;
        self.amount_minor
            .checked_sub(other.amount_minor)
            .map(|amount| Money::from_minor(amount, currency))
            .ok_or(MoneyError::Overflow)
    }

    /// `-self`; only `i64::MIN` minor units overflows.
    pub fn checked_neg(self) -> Result<Money, MoneyError> {
        self.amount_minor
            .checked_neg()
            .map(|amount| Money::from_minor(amount, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    /// Parses an amount in major units written with a decimal point and
    /// optional comma grouping: `"1234.56"`, `"-1,234.5"`, `" 12 "`.
    /// See [`Money::parse_major_with_style`] for the rules.
    pub fn parse_major(input: &str, currency: Currency) -> Result<Money, ParseMoneyError> {
        Self::parse_major_with_style(input, currency, DecimalStyle::Point)
    }

    /// Parses an amount in major units in the given style.
    ///
    /// Accepted: surrounding whitespace; one leading `-` or `+`; integer
    /// digits, either ungrouped or grouped in threes by the style's grouping
    /// separator from the first separator on (`1,234,567` but not `12,34`);
    /// then optionally the decimal separator and 1 to `minor_units` digits.
    /// Refused, with the 1-based character position of the culprit: more
    /// decimals than the currency has (`"1.005"` USD, `"12.5"` JPY), a
    /// separator with no digits before or after it, any other character.
    pub fn parse_major_with_style(
        input: &str,
        currency: Currency,
        style: DecimalStyle,
    ) -> Result<Money, ParseMoneyError> {
        parse::parse_major(input, currency, style)
            .map(|amount_minor| Money::from_minor(amount_minor, currency))
    }

    /// Parses an amount whose decimal style is unknown (report files from
    /// different locales), guessing the style with [`DecimalStyle::detect`].
    pub fn parse_major_auto(input: &str, currency: Currency) -> Result<Money, ParseMoneyError> {
        let style = DecimalStyle::detect(input, currency)?;
        Self::parse_major_with_style(input, currency, style)
    }

    /// The amount in major units without grouping, for machine-readable
    /// output: `"-1234.56"` ([`DecimalStyle::Point`]) or `"-1234,56"`
    /// ([`DecimalStyle::Comma`]); `"1234"` for JPY.
    pub fn format_major(self, style: DecimalStyle) -> String {
        let mut text = String::with_capacity(24);
        // Writing into a String cannot fail.
        let _ = self.write_major(&mut text, style.decimal_separator(), None);
        text
    }

    fn same_currency(self, other: Money) -> Result<Currency, MoneyError> {
        if self.currency == other.currency {
            Ok(self.currency)
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }

    fn write_major(
        self,
        out: &mut impl fmt::Write,
        decimal_separator: char,
        grouping_separator: Option<char>,
    ) -> fmt::Result {
        let minor_per_major = self.currency.minor_per_major();
        let magnitude = self.amount_minor.unsigned_abs();
        if self.amount_minor < 0 {
            out.write_char('-')?;
        }
        write_integer(out, magnitude / minor_per_major, grouping_separator)?;
        let decimals = usize::from(self.currency.minor_units());
        if decimals > 0 {
            out.write_char(decimal_separator)?;
            write!(out, "{:0decimals$}", magnitude % minor_per_major)?;
        }
        Ok(())
    }
}

/// Writes `value` in decimal, with `grouping_separator` between groups of
/// three digits if given.
fn write_integer(
    out: &mut impl fmt::Write,
    value: u64,
    grouping_separator: Option<char>,
) -> fmt::Result {
    let Some(separator) = grouping_separator else {
        return write!(out, "{value}");
    };
    // u64::MAX has 20 digits.
    let mut digits = [0_u8; 20];
    let mut count = 0;
    let mut rest = value;
    loop {
        digits[count] = b'0' + (rest % 10) as u8;
        count += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for (index, &digit) in digits[..count].iter().rev().enumerate() {
        let remaining = count - index;
        if index > 0 && remaining % 3 == 0 {
            out.write_char(separator)?;
        }
        out.write_char(char::from(digit))?;
    }
    Ok(())
}

/// `USD 1,234.56`, `JPY -1,234`: the code, then the amount grouped in the
/// English style, for people and logs.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.currency)?;
        self.write_major(f, '.', Some(','))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(amount_minor: i64) -> Money {
        Money::from_minor(amount_minor, Currency::USD)
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(usd(150).checked_add(usd(-50)), Ok(usd(100)));
        assert_eq!(usd(150).checked_sub(usd(200)), Ok(usd(-50)));
        assert_eq!(usd(7).checked_neg(), Ok(usd(-7)));
        assert_eq!(usd(i64::MAX).checked_add(usd(1)), Err(MoneyError::Overflow));
        assert_eq!(usd(i64::MIN).checked_sub(usd(1)), Err(MoneyError::Overflow));
        assert_eq!(usd(i64::MIN).checked_neg(), Err(MoneyError::Overflow));
    }

    #[test]
    fn arithmetic_refuses_mixed_currencies() {
        let eur = Money::from_minor(1, Currency::EUR);
        let mismatch = MoneyError::CurrencyMismatch {
            left: Currency::USD,
            right: Currency::EUR,
        };
        assert_eq!(usd(1).checked_add(eur), Err(mismatch));
        assert_eq!(usd(1).checked_sub(eur), Err(mismatch));
        assert_eq!(mismatch.to_string(), "cannot combine USD with EUR");
    }

    #[test]
    fn format_major_has_no_grouping() {
        assert_eq!(usd(-123_456).format_major(DecimalStyle::Point), "-1234.56");
        assert_eq!(usd(-123_456).format_major(DecimalStyle::Comma), "-1234,56");
        assert_eq!(usd(5).format_major(DecimalStyle::Point), "0.05");
        assert_eq!(usd(0).format_major(DecimalStyle::Point), "0.00");
        let yen = Money::from_minor(-1234, Currency::JPY);
        assert_eq!(yen.format_major(DecimalStyle::Point), "-1234");
        let dinar = Money::from_minor(1_234_567, Currency::KWD);
        assert_eq!(dinar.format_major(DecimalStyle::Comma), "1234,567");
        assert_eq!(
            usd(i64::MIN).format_major(DecimalStyle::Point),
            "-92233720368547758.08"
        );
    }

    #[test]
    fn display_groups_thousands() {
        assert_eq!(usd(123_456).to_string(), "USD 1,234.56");
        assert_eq!(usd(-99).to_string(), "USD -0.99");
        assert_eq!(usd(100_000_000).to_string(), "USD 1,000,000.00");
        assert_eq!(
            Money::from_minor(1_234_567, Currency::JPY).to_string(),
            "JPY 1,234,567"
        );
        assert_eq!(Money::from_minor(999, Currency::JPY).to_string(), "JPY 999");
        assert_eq!(
            Money::from_minor(1_234_567, Currency::BHD).to_string(),
            "BHD 1,234.567"
        );
        assert_eq!(usd(i64::MAX).to_string(), "USD 92,233,720,368,547,758.07");
    }

    #[test]
    fn serde_keeps_minor_units_and_code() {
        let json = serde_json::to_string(&usd(-1050)).unwrap();
        assert_eq!(json, r#"{"amount_minor":-1050,"currency":"USD"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), usd(-1050));
    }
}

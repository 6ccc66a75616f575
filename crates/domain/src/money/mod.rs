//! Money in integer minor units, ISO 4217 currencies, and parsing/formatting
//! of major-unit amounts in both decimal styles. No floating point anywhere.

mod amount;
mod currency;
mod parse;

pub use amount::{Money, MoneyError};
pub use currency::{Currency, CurrencyError};
pub use parse::{DecimalStyle, ParseMoneyError};

//! ISO 20022 cash-management messages.

pub mod camt054;
mod types;
mod xml;

pub use types::{
    AmountTextError, IsoAmount, IsoAmountError, IsoDateTime, IsoDateTimeError, IsoText,
    IsoTextError, Max35Text, Max140Text, Uetr, UetrError,
};

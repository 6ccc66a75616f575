//! Ferry's domain vocabulary: pure types and rules, no I/O.
//!
//! - [`money`]: [`Money`] as an `i64` of a currency's minor unit with checked
//!   arithmetic, ISO 4217 [`Currency`] with minor units, and parsing and
//!   formatting of major-unit amounts in both decimal styles. No floats.
//! - [`cn`]: mainland-China KYC/KYB identifiers (resident ID, unified social
//!   credit code, organization code) and bank cards.
//! - [`bank`]: receiving-account details by country (ABA, IBAN, BIC, UK sort
//!   code and account number, Canadian routing number, Australian BSB,
//!   Zengin account and katakana holder name).
//! - [`marketplace`]: Amazon marketplace table, seller IDs, MWS tokens.
//! - [`mod@check`]: the logic behind `ferry check`.
//!
//! # Identifiers parse; they are not strings checked later
//!
//! Every identifier is a newtype with a private field, built only by
//! `parse(&str) -> Result<Self, XxxError>` (also `FromStr` and serde
//! deserialisation, which call the same parser). Holding one means it passed
//! every rule, check digit included. Conventions shared by all of them:
//!
//! - **Normalisation.** Surrounding whitespace is trimmed; where people
//!   customarily type them, spaces and hyphens inside numbers are dropped
//!   (`GB82 WEST …`, `12-34-56`); letters are upper-cased where the standard
//!   is upper-case (lower-cased for MWS tokens). `as_str()` and `Display`
//!   give the normalised, compact form, and `parse(x.to_string()) == x`.
//!   Printed forms with separators have their own methods
//!   (`Iban::print_format`, `UkSortCode::hyphenated`, ...).
//! - **Errors** are `thiserror` enums saying what is wrong and where:
//!   lengths as expected/found, and characters with their 1-based
//!   *character* position in the input as given (leading spaces and dropped
//!   separators included), so a form can point at the culprit. Check-digit
//!   errors give the expected and the found character.
//! - **Generators.** Types with a check algorithm expose it
//!   (`check_char_for`, `check_digit_for`, `Iban::from_bban`) so tests and
//!   issuers can build valid values.
//! - **Privacy.** `Debug` of resident IDs and card numbers is masked.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bank;
pub mod check;
pub mod cn;
mod ident;
pub mod marketplace;
pub mod money;

pub use bank::{
    AbaRoutingNumber, AuBsb, Bic, CaRoutingNumber, Iban, JpAccountNumber, JpBankCode, JpBranchCode,
    JpZenginAccount, KatakanaHolderName, UkAccountNumber, UkBankAccount, UkSortCode,
};
pub use check::{CheckKind, check, run_check};
pub use cn::{CnOrgCode, CnResidentId, CnUscc, Sex, UnionPayCard};
pub use ident::CharClass;
pub use marketplace::{Marketplace, MarketplaceId, MwsAuthToken, Region, SellerId};
pub use money::{Currency, DecimalStyle, Money};

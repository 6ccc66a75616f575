//! Bank account details by country: the formats of the receiving accounts a
//! seller enters in Seller Central, with their check algorithms where one is
//! public.

mod aba;
mod au;
mod bic;
mod ca;
mod country;
mod digits;
mod iban;
mod jp;
mod katakana;
mod uk;

pub use aba::{AbaRoutingNumber, AbaRoutingNumberError};
pub use au::AuBsb;
pub use bic::{Bic, BicError};
pub use ca::{CaRoutingNumber, CaRoutingNumberError};
pub use digits::DigitCodeError;
pub use iban::{Iban, IbanError};
pub use jp::{JpAccountNumber, JpBankCode, JpBranchCode, JpZenginAccount, JpZenginAccountError};
pub use katakana::{KatakanaHolderName, KatakanaHolderNameError, to_half_width_katakana};
pub use uk::{UkAccountNumber, UkBankAccount, UkSortCode};

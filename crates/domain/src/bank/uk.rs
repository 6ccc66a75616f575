//! UK sort codes and account numbers.
//!
//! Vocalink modulus checking is not applied: it needs Vocalink's weight and
//! substitution tables (`valacdos.txt`, `scsubtab.txt`), which change
//! several times a year and are not bundled. A structurally valid account can
//! therefore still be refused by the bank.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::bank::digits::{DigitCodeError, parse_fixed_digits};
use crate::ident::string_identifier;

/// A 6-digit sort code; `12-34-56` and `12 34 56` are accepted, stored as
/// `123456`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UkSortCode(String);

impl UkSortCode {
    /// Parses `12-34-56`.
    pub fn parse(input: &str) -> Result<Self, DigitCodeError> {
        parse_fixed_digits(input, 6).map(Self)
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form `12-34-56`.
    pub fn hyphenated(&self) -> String {
        format!("{}-{}-{}", &self.0[..2], &self.0[2..4], &self.0[4..])
    }
}

string_identifier!(UkSortCode, DigitCodeError);

/// An 8-digit account number, the standard length for Bacs and Faster
/// Payments. (Banks with 6, 7, 9 or 10-digit legacy numbers publish their
/// own conversion to 8 digits; that conversion is the customer's to make.)
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UkAccountNumber(String);

impl UkAccountNumber {
    /// Parses `31926819`.
    pub fn parse(input: &str) -> Result<Self, DigitCodeError> {
        parse_fixed_digits(input, 8).map(Self)
    }

    /// The eight digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_identifier!(UkAccountNumber, DigitCodeError);

/// A UK domestic account: sort code plus account number, as a GBP receiving
/// account is shown to a seller.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UkBankAccount {
    sort_code: UkSortCode,
    account_number: UkAccountNumber,
}

impl UkBankAccount {
    /// Pairs a sort code with an account number.
    pub fn new(sort_code: UkSortCode, account_number: UkAccountNumber) -> Self {
        Self {
            sort_code,
            account_number,
        }
    }

    /// The sort code.
    pub fn sort_code(&self) -> &UkSortCode {
        &self.sort_code
    }

    /// The account number.
    pub fn account_number(&self) -> &UkAccountNumber {
        &self.account_number
    }
}

/// `12-34-56 31926819`.
impl fmt::Display for UkBankAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.sort_code.hyphenated(), self.account_number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_codes_accept_the_printed_form() {
        let sort_code = UkSortCode::parse("20-29-59").unwrap();
        assert_eq!(sort_code.as_str(), "202959");
        assert_eq!(sort_code.hyphenated(), "20-29-59");
        assert_eq!(UkSortCode::parse("089999").unwrap().to_string(), "089999");
        assert_eq!(
            UkSortCode::parse("20-29-5"),
            Err(DigitCodeError::WrongLength {
                expected: 6,
                found: 5
            })
        );
    }

    #[test]
    fn account_numbers_have_eight_digits() {
        // Vocalink test vectors 089999/66374958 and 107999/88837491.
        assert_eq!(
            UkAccountNumber::parse("66374958").unwrap().as_str(),
            "66374958"
        );
        assert!(UkAccountNumber::parse("8883749").is_err());
        assert_eq!(
            UkAccountNumber::parse("8883749O"),
            Err(DigitCodeError::InvalidCharacter {
                position: 8,
                found: 'O'
            })
        );
    }

    #[test]
    fn accounts_display_and_serialise() {
        let account = UkBankAccount::new(
            UkSortCode::parse("107999").unwrap(),
            UkAccountNumber::parse("88837491").unwrap(),
        );
        assert_eq!(account.to_string(), "10-79-99 88837491");
        assert_eq!(account.sort_code().as_str(), "107999");
        assert_eq!(account.account_number().as_str(), "88837491");
        let json = serde_json::to_string(&account).unwrap();
        assert_eq!(
            json,
            r#"{"sort_code":"107999","account_number":"88837491"}"#
        );
        assert_eq!(
            serde_json::from_str::<UkBankAccount>(&json).unwrap(),
            account
        );
        assert!(
            serde_json::from_str::<UkBankAccount>(
                r#"{"sort_code":"1","account_number":"88837491"}"#
            )
            .is_err()
        );
    }
}

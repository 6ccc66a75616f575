//! Japanese Zengin bank accounts.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::bank::digits::{DigitCodeError, parse_digits, parse_fixed_digits};
use crate::ident::{DigitGroup, digit_groups, string_identifier};

const ACCOUNT_NUMBER_LENGTH: usize = 7;

/// A 4-digit Zengin financial institution code (`0001` Mizuho).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JpBankCode(String);

impl JpBankCode {
    /// Parses four digits.
    pub fn parse(input: &str) -> Result<Self, DigitCodeError> {
        parse_fixed_digits(input, 4).map(Self)
    }

    /// The four digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_identifier!(JpBankCode, DigitCodeError);

/// A 3-digit Zengin branch code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JpBranchCode(String);

impl JpBranchCode {
    /// Parses three digits.
    pub fn parse(input: &str) -> Result<Self, DigitCodeError> {
        parse_fixed_digits(input, 3).map(Self)
    }

    /// The three digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_identifier!(JpBranchCode, DigitCodeError);

/// A Zengin account number: up to 7 digits, stored zero-padded on the left
/// to 7 as Seller Central JP requires (`9876` → `0009876`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JpAccountNumber(String);

impl JpAccountNumber {
    /// Parses 1-7 digits and pads them to 7.
    pub fn parse(input: &str) -> Result<Self, DigitCodeError> {
        let digits = parse_digits(input, 1..=ACCOUNT_NUMBER_LENGTH, ACCOUNT_NUMBER_LENGTH)?;
        Ok(Self(format!("{digits:0>ACCOUNT_NUMBER_LENGTH$}")))
    }

    /// The seven digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_identifier!(JpAccountNumber, DigitCodeError);

/// A Zengin (全銀) account: bank code, branch code and account number.
/// Displayed and parsed as `0001-001-1234567`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct JpZenginAccount {
    bank_code: JpBankCode,
    branch_code: JpBranchCode,
    account_number: JpAccountNumber,
}

/// Why a combined Zengin account was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JpZenginAccountError {
    /// Not a digit, space or hyphen.
    #[error("invalid character {found:?} at position {position}: expected a digit")]
    InvalidCharacter {
        /// 1-based position in the input.
        position: usize,
        /// The character found.
        found: char,
    },
    /// Neither three groups nor 14 digits.
    #[error("expected bank-branch-account such as 0001-001-1234567, or 14 digits")]
    UnrecognizedLayout,
    /// The first group is not a bank code.
    #[error("bank code: {0}")]
    BankCode(DigitCodeError),
    /// The second group is not a branch code.
    #[error("branch code: {0}")]
    BranchCode(DigitCodeError),
    /// The third group is not an account number.
    #[error("account number: {0}")]
    AccountNumber(DigitCodeError),
}

impl JpZenginAccount {
    /// Combines already-parsed parts.
    pub fn new(
        bank_code: JpBankCode,
        branch_code: JpBranchCode,
        account_number: JpAccountNumber,
    ) -> Self {
        Self {
            bank_code,
            branch_code,
            account_number,
        }
    }

    /// Parses `0001-001-1234567`, `0001 001 9876` (the account number is
    /// padded) or 14 digits `00010011234567`.
    pub fn parse(input: &str) -> Result<Self, JpZenginAccountError> {
        let groups =
            digit_groups(input).map_err(|mismatch| JpZenginAccountError::InvalidCharacter {
                position: mismatch.position,
                found: mismatch.found,
            })?;
        let (bank, branch, account) = match groups.as_slice() {
            [DigitGroup { digits, .. }] if digits.len() == 14 => {
                (&digits[..4], &digits[4..7], &digits[7..])
            }
            [bank, branch, account] => (bank.digits, branch.digits, account.digits),
            _ => return Err(JpZenginAccountError::UnrecognizedLayout),
        };
        Ok(Self::new(
            JpBankCode::parse(bank).map_err(JpZenginAccountError::BankCode)?,
            JpBranchCode::parse(branch).map_err(JpZenginAccountError::BranchCode)?,
            JpAccountNumber::parse(account).map_err(JpZenginAccountError::AccountNumber)?,
        ))
    }

    /// The bank code.
    pub fn bank_code(&self) -> &JpBankCode {
        &self.bank_code
    }

    /// The branch code.
    pub fn branch_code(&self) -> &JpBranchCode {
        &self.branch_code
    }

    /// The account number.
    pub fn account_number(&self) -> &JpAccountNumber {
        &self.account_number
    }
}

/// `0001-001-1234567`.
impl fmt::Display for JpZenginAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{}",
            self.bank_code, self.branch_code, self.account_number
        )
    }
}

impl FromStr for JpZenginAccount {
    type Err = JpZenginAccountError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_numbers_are_zero_padded_to_seven() {
        assert_eq!(JpAccountNumber::parse("9876").unwrap().as_str(), "0009876");
        assert_eq!(
            JpAccountNumber::parse("1234567").unwrap().as_str(),
            "1234567"
        );
        assert_eq!(
            JpAccountNumber::parse("12345678"),
            Err(DigitCodeError::WrongLength {
                expected: 7,
                found: 8
            })
        );
        assert!(JpAccountNumber::parse("").is_err());
    }

    #[test]
    fn parses_the_combined_forms() {
        for input in [
            "0001-001-1234567",
            "0001 001 1234567",
            "00010011234567",
            " 0001 - 001 - 1234567 ",
        ] {
            let account = JpZenginAccount::parse(input).unwrap();
            assert_eq!(account.to_string(), "0001-001-1234567", "{input}");
            assert_eq!(account.bank_code().as_str(), "0001");
            assert_eq!(account.branch_code().as_str(), "001");
            assert_eq!(account.account_number().as_str(), "1234567");
        }
        assert_eq!(
            JpZenginAccount::parse("0005-123-9876").unwrap().to_string(),
            "0005-123-0009876"
        );
    }

    #[test]
    fn names_the_faulty_part() {
        assert_eq!(
            JpZenginAccount::parse("001-001-1234567"),
            Err(JpZenginAccountError::BankCode(
                DigitCodeError::WrongLength {
                    expected: 4,
                    found: 3
                }
            ))
        );
        assert_eq!(
            JpZenginAccount::parse("0001-01-1234567"),
            Err(JpZenginAccountError::BranchCode(
                DigitCodeError::WrongLength {
                    expected: 3,
                    found: 2
                }
            ))
        );
        assert_eq!(
            JpZenginAccount::parse("0001-001-12345678")
                .unwrap_err()
                .to_string(),
            "account number: expected 7 digits, found 8"
        );
        assert_eq!(
            JpZenginAccount::parse("0001001123456"),
            Err(JpZenginAccountError::UnrecognizedLayout)
        );
        assert_eq!(
            JpZenginAccount::parse("0001-001-12345６"),
            Err(JpZenginAccountError::InvalidCharacter {
                position: 15,
                found: '６'
            })
        );
    }

    #[test]
    fn serialises_as_parts() {
        let account = JpZenginAccount::parse("0001-001-1234567").unwrap();
        let json = serde_json::to_string(&account).unwrap();
        assert_eq!(
            json,
            r#"{"bank_code":"0001","branch_code":"001","account_number":"1234567"}"#
        );
        assert_eq!(
            serde_json::from_str::<JpZenginAccount>(&json).unwrap(),
            account
        );
    }
}

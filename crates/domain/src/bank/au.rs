//! Australian BSB numbers.

use crate::bank::digits::{DigitCodeError, parse_fixed_digits};
use crate::ident::string_identifier;

/// A 6-digit Bank-State-Branch number; `062-000` is accepted, stored as
/// `062000`. There is no check digit. Under the APCA numbering plan the
/// first two digits identify the financial institution and the third the
/// state; the last three the branch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AuBsb(String);

impl AuBsb {
    /// Parses `062-000`.
    pub fn parse(input: &str) -> Result<Self, DigitCodeError> {
        parse_fixed_digits(input, 6).map(Self)
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form `062-000`.
    pub fn hyphenated(&self) -> String {
        format!("{}-{}", &self.0[..3], &self.0[3..])
    }

    /// The institution code, the first two digits (`06` for `062-000`).
    pub fn bank_code(&self) -> &str {
        &self.0[..2]
    }

    /// The state digit, the third digit (`2` for `062-000`).
    pub fn state_digit(&self) -> u8 {
        self.0.as_bytes()[2] - b'0'
    }
}

string_identifier!(AuBsb, DigitCodeError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_printed_form() {
        let bsb = AuBsb::parse("062-000").unwrap();
        assert_eq!(bsb.as_str(), "062000");
        assert_eq!(bsb.hyphenated(), "062-000");
        assert_eq!(bsb.bank_code(), "06");
        assert_eq!(bsb.state_digit(), 2);
        assert_eq!(AuBsb::parse(" 083 004 ").unwrap().to_string(), "083004");
    }

    #[test]
    fn refuses_other_lengths_and_characters() {
        assert_eq!(
            AuBsb::parse("062-00"),
            Err(DigitCodeError::WrongLength {
                expected: 6,
                found: 5
            })
        );
        assert_eq!(
            AuBsb::parse("062/000"),
            Err(DigitCodeError::WrongLength {
                expected: 6,
                found: 7
            })
        );
        assert_eq!(
            AuBsb::parse("06a000"),
            Err(DigitCodeError::InvalidCharacter {
                position: 3,
                found: 'a'
            })
        );
    }
}

//! US ABA routing transit numbers.

use crate::ident::{CharClass, Compact, SPACES_AND_HYPHENS, digit_value, string_identifier};

/// Weights 3, 7, 1 repeated over the nine digits.
const WEIGHTS: [u32; 9] = [3, 7, 1, 3, 7, 1, 3, 7, 1];

const LENGTH: usize = 9;

/// A 9-digit ABA routing number whose weighted digit sum (3, 7, 1 repeated)
/// is a multiple of 10.
///
/// The Federal Reserve prefix ranges of the first two digits are not
/// checked: the research facts do not document them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AbaRoutingNumber(String);

/// Why a routing number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AbaRoutingNumberError {
    /// Not 9 digits (8 for [`AbaRoutingNumber::check_digit_for`]).
    #[error("expected {expected} digits, found {found}")]
    WrongLength {
        /// Required number of digits.
        expected: usize,
        /// Characters after removing spaces and hyphens.
        found: usize,
    },
    /// Not a digit.
    #[error("invalid character {found:?} at position {position}: expected {expected}")]
    InvalidCharacter {
        /// 1-based position in the input.
        position: usize,
        /// The character found.
        found: char,
        /// Always a digit.
        expected: CharClass,
    },
    /// The ninth digit does not complete the weighted sum.
    #[error("check digit {found:?} does not match the other digits (expected {expected:?})")]
    CheckDigitMismatch {
        /// Computed from the first eight digits.
        expected: char,
        /// The ninth digit.
        found: char,
    },
}

impl AbaRoutingNumber {
    /// Parses `021000021`.
    pub fn parse(input: &str) -> Result<Self, AbaRoutingNumberError> {
        let compact = Compact::new(input, SPACES_AND_HYPHENS);
        check_digits(&compact, LENGTH)?;
        let (body, check) = compact.as_str().split_at(LENGTH - 1);
        let expected = check_digit(body);
        let found = char::from(check.as_bytes()[0]);
        if expected != found {
            return Err(AbaRoutingNumberError::CheckDigitMismatch { expected, found });
        }
        Ok(Self(compact.into_string()))
    }

    /// The ninth digit for eight leading digits.
    pub fn check_digit_for(first_8: &str) -> Result<char, AbaRoutingNumberError> {
        let compact = Compact::new(first_8, SPACES_AND_HYPHENS);
        check_digits(&compact, LENGTH - 1)?;
        Ok(check_digit(compact.as_str()))
    }

    /// The nine digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_identifier!(AbaRoutingNumber, AbaRoutingNumberError);

fn check_digits(compact: &Compact<'_>, length: usize) -> Result<(), AbaRoutingNumberError> {
    let found = compact.char_count();
    if found != length {
        return Err(AbaRoutingNumberError::WrongLength {
            expected: length,
            found,
        });
    }
    match compact.first_mismatch(|_| CharClass::Digit) {
        Some(mismatch) => Err(AbaRoutingNumberError::InvalidCharacter {
            position: mismatch.position,
            found: mismatch.found,
            expected: mismatch.expected,
        }),
        None => Ok(()),
    }
}

/// The digit that makes `Σ digit·weight ≡ 0 (mod 10)`; the ninth weight is 1.
fn check_digit(first_8: &str) -> char {
    let sum: u32 = first_8
        .bytes()
        .zip(WEIGHTS)
        .map(|(digit, weight)| digit_value(digit) * weight)
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_published_vectors() {
        for valid in ["111000025", "021000021", " 0210 00021 "] {
            assert!(AbaRoutingNumber::parse(valid).is_ok(), "{valid}");
        }
        assert_eq!(
            AbaRoutingNumber::parse(" 0210 00021 ").unwrap().as_str(),
            "021000021"
        );
    }

    #[test]
    fn refuses_the_published_invalid_vector() {
        assert_eq!(
            AbaRoutingNumber::parse("021000022"),
            Err(AbaRoutingNumberError::CheckDigitMismatch {
                expected: '1',
                found: '2'
            })
        );
    }

    #[test]
    fn refuses_bad_shapes() {
        assert_eq!(
            AbaRoutingNumber::parse("02100002"),
            Err(AbaRoutingNumberError::WrongLength {
                expected: 9,
                found: 8
            })
        );
        assert_eq!(
            AbaRoutingNumber::parse("02100002I"),
            Err(AbaRoutingNumberError::InvalidCharacter {
                position: 9,
                found: 'I',
                expected: CharClass::Digit
            })
        );
    }

    #[test]
    fn check_digit_for_completes_a_number() {
        assert_eq!(AbaRoutingNumber::check_digit_for("02100002"), Ok('1'));
        assert_eq!(AbaRoutingNumber::check_digit_for("11100002"), Ok('5'));
    }
}

//! Fixed-length numeric bank codes without a public check algorithm
//! (sort codes, BSBs, Zengin codes, account numbers).

use crate::ident::{CharClass, Compact, SPACES_AND_HYPHENS};

/// Why a numeric bank code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigitCodeError {
    /// The wrong number of digits.
    #[error("expected {expected} digits, found {found}")]
    WrongLength {
        /// Required number of digits.
        expected: usize,
        /// Characters after removing spaces and hyphens.
        found: usize,
    },
    /// Not a digit.
    #[error("invalid character {found:?} at position {position}: expected a digit")]
    InvalidCharacter {
        /// 1-based position in the input.
        position: usize,
        /// The character found.
        found: char,
    },
}

/// Reads `input` as digits, ignoring spaces and hyphens, and requires a
/// length in `lengths`; `expected` is the length named in the error.
pub(crate) fn parse_digits(
    input: &str,
    lengths: std::ops::RangeInclusive<usize>,
    expected: usize,
) -> Result<String, DigitCodeError> {
    let compact = Compact::new(input, SPACES_AND_HYPHENS);
    let found = compact.char_count();
    if !lengths.contains(&found) {
        return Err(DigitCodeError::WrongLength { expected, found });
    }
    match compact.first_mismatch(|_| CharClass::Digit) {
        Some(mismatch) => Err(DigitCodeError::InvalidCharacter {
            position: mismatch.position,
            found: mismatch.found,
        }),
        None => Ok(compact.into_string()),
    }
}

/// Reads exactly `length` digits.
pub(crate) fn parse_fixed_digits(input: &str, length: usize) -> Result<String, DigitCodeError> {
    parse_digits(input, length..=length, length)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_digits_ignoring_separators() {
        assert_eq!(parse_fixed_digits(" 12-34 56 ", 6), Ok("123456".to_owned()));
    }

    #[test]
    fn reports_length_then_characters() {
        assert_eq!(
            parse_fixed_digits("12345", 6),
            Err(DigitCodeError::WrongLength {
                expected: 6,
                found: 5
            })
        );
        assert_eq!(
            parse_fixed_digits("12-3A-56", 6),
            Err(DigitCodeError::InvalidCharacter {
                position: 5,
                found: 'A'
            })
        );
    }
}

//! Mainland-China bank card numbers, the withdrawal destination.

use std::fmt;

use crate::ident::{CharClass, Compact, SPACES_AND_HYPHENS, digit_value, string_identifier};

const MIN_LENGTH: usize = 16;
const MAX_LENGTH: usize = 19;

/// A 16-19 digit bank card number with a valid Luhn (ISO/IEC 7812) check
/// digit, as issued by mainland-China banks for debit cards.
///
/// Not every such card starts with the UnionPay prefix 62 (older cards carry
/// other BINs, and the research facts set no prefix rule), so any prefix is
/// accepted; [`UnionPayCard::is_unionpay_prefix`] tells them apart. Stored as
/// digits only. `Debug` shows the masked form so that logs do not carry
/// full card numbers.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UnionPayCard(String);

/// Why a card number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnionPayCardError {
    /// Fewer than 16 or more than 19 digits.
    #[error("expected {min} to {max} digits, found {found}")]
    WrongLength {
        /// Shortest allowed.
        min: usize,
        /// Longest allowed.
        max: usize,
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
    /// The last digit is not the Luhn check digit of the others.
    #[error("check digit {found:?} does not match the other digits (expected {expected:?})")]
    CheckDigitMismatch {
        /// Computed from the other digits.
        expected: char,
        /// The last digit.
        found: char,
    },
}

impl UnionPayCard {
    /// Parses `6222 0212 3456 7890 128`-style input.
    pub fn parse(input: &str) -> Result<Self, UnionPayCardError> {
        let compact = Compact::new(input, SPACES_AND_HYPHENS);
        check_digits(&compact, MIN_LENGTH..=MAX_LENGTH)?;
        let (body, check) = compact.as_str().split_at(compact.char_count() - 1);
        let expected = luhn_check_digit(body);
        let found = char::from(check.as_bytes()[0]);
        if expected != found {
            return Err(UnionPayCardError::CheckDigitMismatch { expected, found });
        }
        Ok(Self(compact.into_string()))
    }

    /// The Luhn check digit to append to 15-18 leading digits.
    pub fn check_digit_for(body: &str) -> Result<char, UnionPayCardError> {
        let compact = Compact::new(body, SPACES_AND_HYPHENS);
        check_digits(&compact, MIN_LENGTH - 1..=MAX_LENGTH - 1)?;
        Ok(luhn_check_digit(compact.as_str()))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True if the number starts with 62, the UnionPay IIN range.
    pub fn is_unionpay_prefix(&self) -> bool {
        self.0.starts_with("62")
    }

    /// The last four digits, as shown to confirm a card.
    pub fn last4(&self) -> &str {
        &self.0[self.0.len() - 4..]
    }

    /// First four and last four digits with the rest starred, in groups of
    /// four: `6222 **** **** 1234` (16 digits), `6222 **** **** *** 1234`
    /// (19 digits).
    pub fn masked(&self) -> String {
        let hidden = self.0.len() - 8;
        let mut masked = String::with_capacity(self.0.len() + 6);
        masked.push_str(&self.0[..4]);
        for group_start in (0..hidden).step_by(4) {
            masked.push(' ');
            masked.extend(std::iter::repeat_n('*', (hidden - group_start).min(4)));
        }
        masked.push(' ');
        masked.push_str(self.last4());
        masked
    }
}

string_identifier!(UnionPayCard, UnionPayCardError);

impl fmt::Debug for UnionPayCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UnionPayCard").field(&self.masked()).finish()
    }
}

fn check_digits(
    compact: &Compact<'_>,
    lengths: std::ops::RangeInclusive<usize>,
) -> Result<(), UnionPayCardError> {
    let found = compact.char_count();
    if !lengths.contains(&found) {
        return Err(UnionPayCardError::WrongLength {
            min: *lengths.start(),
            max: *lengths.end(),
            found,
        });
    }
    match compact.first_mismatch(|_| CharClass::Digit) {
        Some(mismatch) => Err(UnionPayCardError::InvalidCharacter {
            position: mismatch.position,
            found: mismatch.found,
            expected: mismatch.expected,
        }),
        None => Ok(()),
    }
}

/// Luhn: double every second digit from the right of the full number (so
/// the rightmost body digit is doubled), subtract 9 from products above 9;
/// the check digit brings the sum to a multiple of 10.
fn luhn_check_digit(body: &str) -> char {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(index, digit)| {
            let value = digit_value(digit);
            match (index % 2 == 0, value * 2) {
                (true, doubled) if doubled > 9 => doubled - 9,
                (true, doubled) => doubled,
                (false, _) => value,
            }
        })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_luhn_valid_numbers_of_16_to_19_digits() {
        // Made-up 62... numbers completed with their Luhn digit, and the
        // classic 4111... test number.
        for (input, digits) in [
            ("6222 0212 3456 7890 128", "6222021234567890128"),
            ("6222-0212-3456-7894", "6222021234567894"),
            ("4111111111111111", "4111111111111111"),
        ] {
            assert_eq!(
                UnionPayCard::parse(input).map(|c| c.to_string()),
                Ok(digits.to_owned())
            );
        }
    }

    #[test]
    fn tells_unionpay_prefixes_apart() {
        assert!(
            UnionPayCard::parse("6222021234567894")
                .unwrap()
                .is_unionpay_prefix()
        );
        assert!(
            !UnionPayCard::parse("4111111111111111")
                .unwrap()
                .is_unionpay_prefix()
        );
    }

    #[test]
    fn refuses_a_wrong_check_digit() {
        assert_eq!(
            UnionPayCard::parse("6222021234567898"),
            Err(UnionPayCardError::CheckDigitMismatch {
                expected: '4',
                found: '8'
            })
        );
    }

    #[test]
    fn refuses_bad_lengths_and_characters() {
        assert_eq!(
            UnionPayCard::parse("622202123456789"),
            Err(UnionPayCardError::WrongLength {
                min: 16,
                max: 19,
                found: 15
            })
        );
        assert_eq!(
            UnionPayCard::parse("6222 0212 3456 789O"),
            Err(UnionPayCardError::InvalidCharacter {
                position: 19,
                found: 'O',
                expected: CharClass::Digit
            })
        );
    }

    #[test]
    fn masks_all_but_the_first_and_last_four() {
        let card = UnionPayCard::parse("6222021234567894").unwrap();
        assert_eq!(card.masked(), "6222 **** **** 7894");
        assert_eq!(card.last4(), "7894");
        assert_eq!(format!("{card:?}"), "UnionPayCard(\"6222 **** **** 7894\")");
        let long = UnionPayCard::parse("6222021234567890128").unwrap();
        assert_eq!(long.masked(), "6222 **** **** *** 0128");
    }

    #[test]
    fn check_digit_for_completes_a_number() {
        assert_eq!(UnionPayCard::check_digit_for("622202123456789"), Ok('4'));
        assert!(UnionPayCard::check_digit_for("6222").is_err());
    }
}

//! Organization code (组织机构代码), GB 11714-1997.

use crate::ident::{CharClass, Compact, SPACES_AND_HYPHENS, string_identifier};

/// Weights of body positions 1-8: `2^(9-i) mod 11`.
const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

const BODY_LENGTH: usize = 8;

/// A 9-character organization code: 8 body characters `0`-`9`/`A`-`Z` and a
/// check character `0`-`9` or `X`.
///
/// Certificates print it as `XXXXXXXX-X`; that hyphen (and spaces) are
/// accepted and dropped, so the stored form is the 9 characters without a
/// hyphen, as embedded in positions 9-17 of a unified social credit code.
/// [`CnOrgCode::hyphenated`] gives the printed form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CnOrgCode(String);

/// Why an organization code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CnOrgCodeError {
    /// Not 9 characters (8 for [`CnOrgCode::check_char_for`]).
    #[error("expected {expected} characters, found {found}")]
    WrongLength {
        /// Required length.
        expected: usize,
        /// Length after removing spaces and hyphens.
        found: usize,
    },
    /// A character outside the allowed set for its position.
    #[error("invalid character {found:?} at position {position}: expected {expected}")]
    InvalidCharacter {
        /// 1-based position in the input.
        position: usize,
        /// The character found.
        found: char,
        /// What the position allows.
        expected: CharClass,
    },
    /// The check character does not match the body.
    #[error(
        "check character {found:?} does not match the other characters (expected {expected:?})"
    )]
    CheckDigitMismatch {
        /// Computed from the body.
        expected: char,
        /// Found in position 9.
        found: char,
    },
}

impl CnOrgCode {
    /// Parses `12345678-9`, `123456789` or with spaces.
    pub fn parse(input: &str) -> Result<Self, CnOrgCodeError> {
        let compact = Compact::new(input, SPACES_AND_HYPHENS);
        check_shape(&compact, BODY_LENGTH + 1)?;
        let (body, check) = compact.as_str().split_at(BODY_LENGTH);
        let found = char::from(check.as_bytes()[0]);
        let expected = check_character(body);
        if expected != found {
            return Err(CnOrgCodeError::CheckDigitMismatch { expected, found });
        }
        Ok(Self(compact.into_string()))
    }

    /// The check character for an 8-character body.
    pub fn check_char_for(body: &str) -> Result<char, CnOrgCodeError> {
        let compact = Compact::new(body, &[]);
        check_shape(&compact, BODY_LENGTH)?;
        Ok(check_character(compact.as_str()))
    }

    /// The 9 characters without a hyphen.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form `XXXXXXXX-X`.
    pub fn hyphenated(&self) -> String {
        format!("{}-{}", &self.0[..BODY_LENGTH], &self.0[BODY_LENGTH..])
    }

    /// Wraps 9 characters already known to be a valid code (positions 9-17
    /// of a parsed unified social credit code).
    pub(crate) fn from_checked(code: &str) -> Self {
        Self(code.to_owned())
    }
}

string_identifier!(CnOrgCode, CnOrgCodeError);

/// `length` characters: body characters from `0-9A-Z`, then (for a full
/// code) the check character `0`-`9` or `X`.
fn check_shape(compact: &Compact<'_>, length: usize) -> Result<(), CnOrgCodeError> {
    let found = compact.char_count();
    if found != length {
        return Err(CnOrgCodeError::WrongLength {
            expected: length,
            found,
        });
    }
    let class_at = |index| {
        if index < BODY_LENGTH {
            CharClass::LetterOrDigit
        } else {
            CharClass::DigitOrX
        }
    };
    match compact.first_mismatch(class_at) {
        Some(mismatch) => Err(CnOrgCodeError::InvalidCharacter {
            position: mismatch.position,
            found: mismatch.found,
            expected: mismatch.expected,
        }),
        None => Ok(()),
    }
}

/// GB 11714 check character of an 8-character body: `11 - (Σ v·w mod 11)`,
/// where digits count as themselves and `A`-`Z` as 10-35; 10 is written `X`
/// and 11 is written `0`.
pub(crate) fn check_character(body: &str) -> char {
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, weight)| c.to_digit(36).unwrap_or(0) * weight)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        value => char::from_digit(value, 10).unwrap_or('0'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_codes_embedded_in_published_usccs() {
        for (input, stored) in [
            ("60003734-1", "600037341"),
            ("MA1K3BTP-2", "MA1K3BTP2"),
            ("56852049-8", "568520498"),
            ("56010553-X", "56010553X"),
            ("55138508-2", "551385082"),
            ("551385082", "551385082"),
            (" ma1k3btp 2 ", "MA1K3BTP2"),
        ] {
            let code = CnOrgCode::parse(input).unwrap();
            assert_eq!(code.as_str(), stored);
        }
        assert_eq!(
            CnOrgCode::parse("56010553X").unwrap().hyphenated(),
            "56010553-X"
        );
    }

    #[test]
    fn check_character_maps_10_to_x_and_11_to_0() {
        assert_eq!(check_character("56010553"), 'X');
        // Σ = 1·7 + 2·2 = 11 ≡ 0 (mod 11) → 11 → '0'.
        assert_eq!(check_character("01000002"), '0');
        assert_eq!(
            CnOrgCode::parse("01000002-0").unwrap().as_str(),
            "010000020"
        );
    }

    #[test]
    fn refuses_wrong_check_characters() {
        assert_eq!(
            CnOrgCode::parse("60003734-2"),
            Err(CnOrgCodeError::CheckDigitMismatch {
                expected: '1',
                found: '2'
            })
        );
    }

    #[test]
    fn refuses_bad_shapes_with_positions() {
        assert_eq!(
            CnOrgCode::parse("6000373-1"),
            Err(CnOrgCodeError::WrongLength {
                expected: 9,
                found: 8
            })
        );
        assert_eq!(
            CnOrgCode::parse("6000_734-1"),
            Err(CnOrgCodeError::InvalidCharacter {
                position: 5,
                found: '_',
                expected: CharClass::LetterOrDigit
            })
        );
        assert_eq!(
            CnOrgCode::parse("60003734-A"),
            Err(CnOrgCodeError::InvalidCharacter {
                position: 10,
                found: 'A',
                expected: CharClass::DigitOrX
            })
        );
    }

    #[test]
    fn check_char_for_matches_parse() {
        assert_eq!(CnOrgCode::check_char_for("MA1K3BTP"), Ok('2'));
        assert!(CnOrgCode::check_char_for("MA1K3BT").is_err());
    }
}

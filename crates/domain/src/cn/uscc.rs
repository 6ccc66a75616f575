//! Unified social credit code (统一社会信用代码), GB 32100-2015.

use crate::cn::org_code::{self, CnOrgCode};
use crate::ident::{CharClass, Compact, SPACES_AND_HYPHENS, string_identifier};

/// The GB 32100 alphabet; a character's value is its index.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1-17: `3^(i-1) mod 31`.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

const LENGTH: usize = 18;

/// Positions 9-17 (0-based 8..17): the GB 11714 organization code.
const ORGANIZATION_CODE: std::ops::Range<usize> = 8..17;

/// An 18-character unified social credit code: registration authority,
/// entity type, 6-digit administrative division (GB/T 2260), 9-character
/// organization code (GB 11714, with its own check character) and the
/// GB 32100 check character.
///
/// Parsing checks the character set of every position, the mod-31 check
/// character, and the embedded organization code's check character (the
/// standard defines positions 9-17 as a complete GB 11714 code; every
/// published real code verified here satisfies it). Stored upper-case,
/// spaces and hyphens removed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CnUscc(String);

/// Why a unified social credit code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CnUsccError {
    /// Not 18 characters (17 for [`CnUscc::check_char_for`]).
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
    /// The GB 32100 check character does not match positions 1-17.
    #[error(
        "check character {found:?} does not match the other characters (expected {expected:?})"
    )]
    CheckDigitMismatch {
        /// Computed from positions 1-17.
        expected: char,
        /// Found in position 18.
        found: char,
    },
    /// Position 17, the check character of the embedded organization code,
    /// does not match positions 9-16.
    #[error(
        "the organization code in positions 9-17 fails its GB 11714 check: \
         position 17 is {found:?}, expected {expected:?}"
    )]
    OrganizationCodeMismatch {
        /// Computed by GB 11714 from positions 9-16.
        expected: char,
        /// Found in position 17.
        found: char,
    },
}

impl CnUscc {
    /// Parses a code such as `91110000600037341L`.
    pub fn parse(input: &str) -> Result<Self, CnUsccError> {
        let compact = Compact::new(input, SPACES_AND_HYPHENS);
        check_shape(&compact, LENGTH, class_at)?;
        let text = compact.as_str();
        let expected = check_character(&text[..LENGTH - 1]);
        let found = char::from(text.as_bytes()[LENGTH - 1]);
        if expected != found {
            return Err(CnUsccError::CheckDigitMismatch { expected, found });
        }
        let organization_code = &text[ORGANIZATION_CODE];
        let expected = org_code::check_character(&organization_code[..8]);
        let found = char::from(organization_code.as_bytes()[8]);
        if expected != found {
            return Err(CnUsccError::OrganizationCodeMismatch { expected, found });
        }
        Ok(Self(compact.into_string()))
    }

    /// The GB 32100 check character for the first 17 characters (only the
    /// alphabet is checked, so generators can build any layout).
    pub fn check_char_for(first_17: &str) -> Result<char, CnUsccError> {
        let compact = Compact::new(first_17, &[]);
        check_shape(&compact, LENGTH - 1, |_| CharClass::UsccCharacter)?;
        Ok(check_character(compact.as_str()))
    }

    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit administrative division code (positions 3-8).
    pub fn admin_division_code(&self) -> &str {
        &self.0[2..8]
    }

    /// The organization code embedded in positions 9-17.
    pub fn organization_code(&self) -> CnOrgCode {
        CnOrgCode::from_checked(&self.0[ORGANIZATION_CODE])
    }
}

string_identifier!(CnUscc, CnUsccError);

/// The value of `c` in the GB 32100 alphabet.
pub(crate) fn uscc_value(c: char) -> Option<u32> {
    let byte = u8::try_from(c).ok()?;
    ALPHABET
        .iter()
        .position(|&letter| letter == byte)
        .map(|index| index as u32)
}

/// Allowed characters by position (uscc-utils' pattern
/// `[1-9ANY][1-59]\d{6}[\dA-Z]{8}[\dX][\dA-HJ-NP-RTUW-Y]`, with the
/// organization-code body restricted to the GB 32100 alphabet).
fn class_at(index: usize) -> CharClass {
    match index {
        0 => CharClass::UsccRegistrationAuthority,
        1 => CharClass::UsccEntityType,
        2..=7 => CharClass::Digit,
        16 => CharClass::DigitOrX,
        _ => CharClass::UsccCharacter,
    }
}

fn check_shape(
    compact: &Compact<'_>,
    length: usize,
    class_at: impl Fn(usize) -> CharClass,
) -> Result<(), CnUsccError> {
    let found = compact.char_count();
    if found != length {
        return Err(CnUsccError::WrongLength {
            expected: length,
            found,
        });
    }
    match compact.first_mismatch(class_at) {
        Some(mismatch) => Err(CnUsccError::InvalidCharacter {
            position: mismatch.position,
            found: mismatch.found,
            expected: mismatch.expected,
        }),
        None => Ok(()),
    }
}

/// GB 32100 check character: `31 - (Σ v·w mod 31)`, 31 written as `0`.
fn check_character(first_17: &str) -> char {
    let sum: u32 = first_17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, weight)| uscc_value(c).unwrap_or(0) * weight)
        .sum();
    char::from(ALPHABET[((31 - sum % 31) % 31) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_published_vectors() {
        // python-stdnum cn.uscc doctests and the uscc-utils README (Xiaomi).
        for valid in [
            "91110000600037341L",
            "91310115MA1K3BTP2B",
            "121200004013590816",
            "92340603MA2PBQBC2X",
            "9131012056010553X5",
            "91110108551385082Q",
            "91620105L015101280",
        ] {
            assert_eq!(
                CnUscc::parse(valid).map(|c| c.to_string()),
                Ok(valid.to_owned())
            );
        }
    }

    #[test]
    fn normalises_spaces_and_case() {
        let code = CnUscc::parse(" 91 310115 ma1k3btp2b").unwrap();
        assert_eq!(code.as_str(), "91310115MA1K3BTP2B");
        assert_eq!(code.admin_division_code(), "310115");
        assert_eq!(code.organization_code().hyphenated(), "MA1K3BTP-2");
    }

    #[test]
    fn exposes_the_embedded_organization_code() {
        let pairs = [
            ("91110000600037341L", "60003734-1"),
            ("9131012056010553X5", "56010553-X"),
            ("91110108551385082Q", "55138508-2"),
        ];
        for (uscc, org) in pairs {
            let code = CnUscc::parse(uscc).unwrap().organization_code();
            assert_eq!(code.hyphenated(), org);
            assert_eq!(CnOrgCode::parse(org), Ok(code));
        }
    }

    #[test]
    fn refuses_the_published_invalid_checksum() {
        assert_eq!(
            CnUscc::parse("91110000600037341N"),
            Err(CnUsccError::CheckDigitMismatch {
                expected: 'L',
                found: 'N'
            })
        );
    }

    #[test]
    fn refuses_an_embedded_organization_code_that_fails_gb_11714() {
        // Positions 9-17 "600037342" with the GB 32100 check recomputed.
        let first_17 = "91110000600037342";
        let check = CnUscc::check_char_for(first_17).unwrap();
        assert_eq!(
            CnUscc::parse(&format!("{first_17}{check}")),
            Err(CnUsccError::OrganizationCodeMismatch {
                expected: '1',
                found: '2'
            })
        );
    }

    #[test]
    fn refuses_characters_outside_the_alphabet_by_position() {
        assert_eq!(
            CnUscc::parse("9111000060003IOZSV"),
            Err(CnUsccError::InvalidCharacter {
                position: 14,
                found: 'I',
                expected: CharClass::UsccCharacter
            })
        );
        assert_eq!(
            CnUscc::parse("B1110000600037341L"),
            Err(CnUsccError::InvalidCharacter {
                position: 1,
                found: 'B',
                expected: CharClass::UsccRegistrationAuthority
            })
        );
        assert_eq!(
            CnUscc::parse("97110000600037341L"),
            Err(CnUsccError::InvalidCharacter {
                position: 2,
                found: '7',
                expected: CharClass::UsccEntityType
            })
        );
        assert_eq!(
            CnUscc::parse("911100A0600037341L"),
            Err(CnUsccError::InvalidCharacter {
                position: 7,
                found: 'A',
                expected: CharClass::Digit
            })
        );
        assert_eq!(
            CnUscc::parse("91110000600037341"),
            Err(CnUsccError::WrongLength {
                expected: 18,
                found: 17
            })
        );
    }

    #[test]
    fn accepts_non_numeric_registration_authorities() {
        // Authorities A, N and Y exist (GB 32100 table); python-stdnum refuses
        // them, this parser does not.
        let first_17 = "N2110000600037341";
        let check = CnUscc::check_char_for(first_17).unwrap();
        assert!(CnUscc::parse(&format!("{first_17}{check}")).is_ok());
    }
}

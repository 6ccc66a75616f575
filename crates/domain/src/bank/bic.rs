//! Business Identifier Codes (SWIFT BIC), ISO 9362.

use crate::bank::country::is_country_code;
use crate::ident::{CharClass, Compact, SPACES_AND_HYPHENS, string_identifier};

/// A BIC: 4-letter institution code, 2-letter ISO 3166 country code,
/// 2-character location code and an optional 3-character branch code.
///
/// Only the structure and the country are checked: no public source can
/// confirm that a BIC is registered. Stored upper-case without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bic(String);

/// Why a BIC was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BicError {
    /// Neither 8 nor 11 characters.
    #[error("expected 8 or 11 characters, found {found}")]
    WrongLength {
        /// Characters after removing spaces and hyphens.
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
    /// Positions 5-6 are letters but no ISO 3166 country.
    #[error("{country:?} is not an ISO 3166 country code")]
    UnknownCountry {
        /// Positions 5-6.
        country: String,
    },
}

impl Bic {
    /// Parses `DEUTDEFF`, `deutdeff500`, `DEUT DE FF 500`.
    pub fn parse(input: &str) -> Result<Self, BicError> {
        let compact = Compact::new(input, SPACES_AND_HYPHENS);
        let found = compact.char_count();
        if found != 8 && found != 11 {
            return Err(BicError::WrongLength { found });
        }
        let class_at = |index| {
            if index < 6 {
                CharClass::Letter
            } else {
                CharClass::LetterOrDigit
            }
        };
        if let Some(mismatch) = compact.first_mismatch(class_at) {
            return Err(BicError::InvalidCharacter {
                position: mismatch.position,
                found: mismatch.found,
                expected: mismatch.expected,
            });
        }
        let country = &compact.as_str()[4..6];
        if !is_country_code(country) {
            return Err(BicError::UnknownCountry {
                country: country.to_owned(),
            });
        }
        Ok(Self(compact.into_string()))
    }

    /// The 8 or 11 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Institution (bank) code, positions 1-4.
    pub fn bank_code(&self) -> &str {
        &self.0[..4]
    }

    /// ISO 3166 country code, positions 5-6.
    pub fn country(&self) -> &str {
        &self.0[4..6]
    }

    /// Location code, positions 7-8.
    pub fn location_code(&self) -> &str {
        &self.0[6..8]
    }

    /// Branch code, positions 9-11, if present.
    pub fn branch_code(&self) -> Option<&str> {
        (self.0.len() == 11).then(|| &self.0[8..])
    }

    /// True for the head office: no branch code, or branch `XXX`.
    pub fn is_primary_office(&self) -> bool {
        matches!(self.branch_code(), None | Some("XXX"))
    }
}

string_identifier!(Bic, BicError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_published_vectors() {
        for valid in ["AGRIFRPP882", "AGRIFRPP", "DEUTDEFF500", "CITIHKHX"] {
            assert_eq!(
                Bic::parse(valid).map(|bic| bic.to_string()),
                Ok(valid.to_owned())
            );
        }
    }

    #[test]
    fn exposes_parts() {
        let bic = Bic::parse("deut de ff 500").unwrap();
        assert_eq!(bic.as_str(), "DEUTDEFF500");
        assert_eq!(bic.bank_code(), "DEUT");
        assert_eq!(bic.country(), "DE");
        assert_eq!(bic.location_code(), "FF");
        assert_eq!(bic.branch_code(), Some("500"));
        assert!(!bic.is_primary_office());
        assert!(Bic::parse("DEUTDEFF").unwrap().is_primary_office());
        assert!(Bic::parse("DEUTDEFFXXX").unwrap().is_primary_office());
    }

    #[test]
    fn refuses_the_published_invalid_vectors() {
        assert_eq!(
            Bic::parse("AGRIFRPP8"),
            Err(BicError::WrongLength { found: 9 })
        );
        assert_eq!(
            Bic::parse("AGRIF2PP"),
            Err(BicError::InvalidCharacter {
                position: 6,
                found: '2',
                expected: CharClass::Letter
            })
        );
    }

    #[test]
    fn refuses_unknown_countries_and_stray_characters() {
        assert_eq!(
            Bic::parse("DEUTUKFF"),
            Err(BicError::UnknownCountry {
                country: "UK".into()
            })
        );
        assert_eq!(
            Bic::parse("DEUTDEF_"),
            Err(BicError::InvalidCharacter {
                position: 8,
                found: '_',
                expected: CharClass::LetterOrDigit
            })
        );
    }
}

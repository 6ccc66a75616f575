//! Amazon seller IDs (merchant tokens, `selling_partner_id`).

use crate::ident::{CharClass, Compact, string_identifier};
use crate::marketplace::table::{Marketplace, MarketplaceId};

/// Amazon documents no format; public validators use `A` + 12-14 upper-case
/// alphanumerics and Amazon Pay examples run to 16 characters, so this is
/// lenient: 13 to 16 characters in all.
const MIN_LENGTH: usize = 13;
const MAX_LENGTH: usize = 16;

/// A seller ID such as `A3FHEXAMPLEYWS`: `A` followed by 12-15 upper-case
/// letters or digits, and never one of the marketplace IDs, which look the
/// same and are a common copy-paste mistake. Trimmed and upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SellerId(String);

/// Why a seller ID was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SellerIdError {
    /// Not 13 to 16 characters.
    #[error("a seller ID has {min} to {max} characters, found {found}")]
    WrongLength {
        /// Shortest allowed.
        min: usize,
        /// Longest allowed.
        max: usize,
        /// Characters after trimming.
        found: usize,
    },
    /// The first character is not `A`.
    #[error("a seller ID starts with 'A', found {found:?}")]
    MustStartWithA {
        /// The first character.
        found: char,
    },
    /// Not a letter or digit.
    #[error("invalid character {found:?} at position {position}: expected {expected}")]
    InvalidCharacter {
        /// 1-based position in the input.
        position: usize,
        /// The character found.
        found: char,
        /// Always a letter or digit.
        expected: CharClass,
    },
    /// The input is a marketplace ID, not a seller ID.
    #[error(
        "this is the marketplace ID of Amazon {} ({}), not a seller ID",
        marketplace.marketplace().country_name(),
        marketplace.marketplace().country_code()
    )]
    LooksLikeMarketplaceId {
        /// The marketplace whose ID was given.
        marketplace: MarketplaceId,
    },
}

impl SellerId {
    /// Parses a seller ID.
    pub fn parse(input: &str) -> Result<Self, SellerIdError> {
        let compact = Compact::new(input, &[]);
        let found = compact.char_count();
        if !(MIN_LENGTH..=MAX_LENGTH).contains(&found) {
            return Err(SellerIdError::WrongLength {
                min: MIN_LENGTH,
                max: MAX_LENGTH,
                found,
            });
        }
        if let Some(mismatch) = compact.first_mismatch(|_| CharClass::LetterOrDigit) {
            return Err(SellerIdError::InvalidCharacter {
                position: mismatch.position,
                found: mismatch.found,
                expected: mismatch.expected,
            });
        }
        let text = compact.as_str();
        if !text.starts_with('A') {
            return Err(SellerIdError::MustStartWithA {
                found: char::from(text.as_bytes()[0]),
            });
        }
        if let Some(marketplace) = Marketplace::by_id(text) {
            return Err(SellerIdError::LooksLikeMarketplaceId {
                marketplace: MarketplaceId::from(marketplace),
            });
        }
        Ok(Self(compact.into_string()))
    }

    /// The ID.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_identifier!(SellerId, SellerIdError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_amazons_examples() {
        for valid in [
            "A3FHEXAMPLEYWS",
            "AXXXXXXXXXXXXX",
            "A1IMEXAMPLEWRC",
            "A1XX111XXX111XXX",
        ] {
            assert_eq!(
                SellerId::parse(valid).map(|id| id.to_string()),
                Ok(valid.to_owned())
            );
        }
        assert_eq!(
            SellerId::parse(" a3fhexampleyws ").unwrap().as_str(),
            "A3FHEXAMPLEYWS"
        );
    }

    #[test]
    fn refuses_every_marketplace_id() {
        for marketplace in Marketplace::all() {
            assert_eq!(
                SellerId::parse(marketplace.id()),
                Err(SellerIdError::LooksLikeMarketplaceId {
                    marketplace: MarketplaceId::from(marketplace)
                })
            );
        }
        assert_eq!(
            SellerId::parse("A1PA6795UKMFR9").unwrap_err().to_string(),
            "this is the marketplace ID of Amazon Germany (DE), not a seller ID"
        );
    }

    #[test]
    fn refuses_bad_shapes() {
        assert_eq!(
            SellerId::parse("A3FHEXAMPLEY"),
            Err(SellerIdError::WrongLength {
                min: 13,
                max: 16,
                found: 12
            })
        );
        assert_eq!(
            SellerId::parse("B3FHEXAMPLEYWS"),
            Err(SellerIdError::MustStartWithA { found: 'B' })
        );
        assert_eq!(
            SellerId::parse("A3FH EXAMPLEYWS"),
            Err(SellerIdError::InvalidCharacter {
                position: 5,
                found: ' ',
                expected: CharClass::LetterOrDigit
            })
        );
    }
}

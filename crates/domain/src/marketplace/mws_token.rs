//! Legacy MWS authorization tokens.

use crate::ident::{CharClass, Compact, string_identifier};

const PREFIX: &str = "amzn.mws.";

/// Offsets of the hyphens in the 8-4-4-4-12 UUID after the prefix.
const HYPHENS: [usize; 4] = [8, 13, 18, 23];
const UUID_LENGTH: usize = 36;

/// An MWS auth token, `amzn.mws.` followed by a UUID in 8-4-4-4-12 form.
/// Hex digits of either case are accepted; stored in lower case, as Amazon
/// issued them.
///
/// MWS was retired (all sections gone after 2024-03-31, credentials deleted
/// from 2024-04-22); this type exists to recognise the token in the legacy
/// "Seller ID + MWS auth token" hand-off so the platform can explain that
/// the flow is now SP-API authorization.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MwsAuthToken(String);

/// Why an MWS auth token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MwsAuthTokenError {
    /// The token does not start with `amzn.mws.`.
    #[error("an MWS auth token starts with \"amzn.mws.\"")]
    MissingPrefix,
    /// The UUID part is not 36 characters.
    #[error("expected a 36-character UUID after \"amzn.mws.\", found {found} characters")]
    WrongLength {
        /// Characters after the prefix.
        found: usize,
    },
    /// A character out of place in the UUID.
    #[error("invalid character {found:?} at position {position}: expected {expected}")]
    InvalidCharacter {
        /// 1-based position in the input.
        position: usize,
        /// The character found.
        found: char,
        /// A hexadecimal digit or a hyphen.
        expected: CharClass,
    },
}

impl MwsAuthToken {
    /// Parses `amzn.mws.4ea38b7b-f563-7709-4bae-87aeaEXAMPLE`-shaped tokens
    /// (with real hex digits).
    pub fn parse(input: &str) -> Result<Self, MwsAuthTokenError> {
        let compact = Compact::new(input, &[]);
        let token = compact.as_str();
        if !token.is_char_boundary(PREFIX.len())
            || !token[..PREFIX.len()].eq_ignore_ascii_case(PREFIX)
        {
            return Err(MwsAuthTokenError::MissingPrefix);
        }
        let found = compact.char_count() - PREFIX.len();
        if found != UUID_LENGTH {
            return Err(MwsAuthTokenError::WrongLength { found });
        }
        let class_at = |index: usize| {
            if HYPHENS.contains(&(index - PREFIX.len())) {
                CharClass::Hyphen
            } else {
                CharClass::HexDigit
            }
        };
        if let Some(mismatch) = compact.first_mismatch_after(PREFIX.len(), class_at) {
            return Err(MwsAuthTokenError::InvalidCharacter {
                position: mismatch.position,
                found: mismatch.found,
                expected: mismatch.expected,
            });
        }
        Ok(Self(compact.into_string().to_ascii_lowercase()))
    }

    /// The token in lower case.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_identifier!(MwsAuthToken, MwsAuthTokenError);

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "amzn.mws.4ea38b7b-f563-7709-4bae-87aea15c5b2a";

    #[test]
    fn accepts_and_lower_cases_tokens() {
        assert_eq!(MwsAuthToken::parse(VALID).unwrap().as_str(), VALID);
        let upper = MwsAuthToken::parse(" AMZN.MWS.4EA38B7B-F563-7709-4BAE-87AEA15C5B2A ").unwrap();
        assert_eq!(upper.to_string(), VALID);
    }

    #[test]
    fn refuses_other_shapes() {
        assert_eq!(
            MwsAuthToken::parse("amzn1.application-oa2-client.1234"),
            Err(MwsAuthTokenError::MissingPrefix)
        );
        assert_eq!(
            MwsAuthToken::parse("Atzr|IwEB"),
            Err(MwsAuthTokenError::MissingPrefix)
        );
        assert_eq!(
            MwsAuthToken::parse("amzn.mws"),
            Err(MwsAuthTokenError::MissingPrefix)
        );
        assert_eq!(
            MwsAuthToken::parse("amzn.mws.4ea38b7b-f563-7709-4bae-87aea15c5b2"),
            Err(MwsAuthTokenError::WrongLength { found: 35 })
        );
        assert_eq!(
            MwsAuthToken::parse("amzn.mws.4ea38b7b-f563-7709-4bae-87aeaEXAMPLE"),
            Err(MwsAuthTokenError::InvalidCharacter {
                position: 40,
                found: 'X',
                expected: CharClass::HexDigit
            })
        );
        assert_eq!(
            MwsAuthToken::parse("amzn.mws.4ea38b7bf-563-7709-4bae-87aea15c5b2a"),
            Err(MwsAuthTokenError::InvalidCharacter {
                position: 18,
                found: 'f',
                expected: CharClass::Hyphen
            })
        );
    }
}

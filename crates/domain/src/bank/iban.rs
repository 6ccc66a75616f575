//! International Bank Account Numbers, ISO 13616.

use iban::{IbanLike, ParseIbanError};

use crate::ident::{CharClass, Compact, SPACES_AND_HYPHENS, digit_value, string_identifier};

/// Country code, check digits and at least one BBAN character.
const MIN_LENGTH: usize = 5;
/// ISO 13616 maximum.
const MAX_LENGTH: usize = 34;

/// An IBAN with valid mod-97 check digits whose BBAN matches its country's
/// entry in the SWIFT IBAN registry (as bundled by `iban_validate`).
///
/// Stored in electronic form (no spaces, upper case); `Display` and
/// `as_str` give that form, [`Iban::print_format`] the spaced paper form.
/// National check digits inside the BBAN are not checked. Countries missing
/// from `iban_validate` 5.0.1's registry copy (Honduras `HN` and Pakistan
/// `PK`, both in SWIFT's registry) are refused as unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Iban(iban::Iban);

/// Why an IBAN was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    /// Shorter than 5 or longer than 34 characters.
    #[error("an IBAN has 5 to 34 characters, found {found}")]
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
    /// The country does not issue IBANs (or is not a country).
    #[error("{country:?} is not a country in the IBAN registry")]
    UnknownCountry {
        /// Positions 1-2.
        country: String,
    },
    /// The account part does not match the country's registered format
    /// (length or letter/digit layout).
    #[error("the account part does not match the IBAN format of {country}")]
    InvalidBban {
        /// Positions 1-2.
        country: String,
    },
    /// The check digits do not match the rest of the IBAN.
    #[error("check digits {found:02} do not match the rest of the IBAN (expected {expected:02})")]
    CheckDigitMismatch {
        /// Computed by ISO 7064 MOD 97-10 from country and BBAN.
        expected: u8,
        /// Positions 3-4.
        found: u8,
    },
}

impl Iban {
    /// Parses an IBAN in electronic or paper form:
    /// `GB82WEST12345698765432`, `gb82 west 1234 5698 7654 32`.
    pub fn parse(input: &str) -> Result<Self, IbanError> {
        let compact = Compact::new(input, SPACES_AND_HYPHENS);
        check_shape(&compact)?;
        let text = compact.as_str();
        let (country, bban) = (&text[..2], &text[4..]);
        let found = (digit_value(text.as_bytes()[2]) * 10 + digit_value(text.as_bytes()[3])) as u8;
        let expected = check_digits(country, bban);
        // Country and BBAN are judged first, so that "XX…" reads "unknown
        // country" rather than "wrong check digits".
        let iban = registry_check(country, expected, bban)?;
        if expected != found {
            return Err(IbanError::CheckDigitMismatch { expected, found });
        }
        Ok(iban)
    }

    /// Builds the IBAN of an account from its country and BBAN, computing the
    /// check digits: `Iban::from_bban("DE", "370400440532013000")` is
    /// `DE89370400440532013000`. Error positions count in
    /// `country + "00" + bban`.
    pub fn from_bban(country: &str, bban: &str) -> Result<Self, IbanError> {
        let candidate = format!("{}00{bban}", country.trim());
        let compact = Compact::new(&candidate, SPACES_AND_HYPHENS);
        check_shape(&compact)?;
        let text = compact.as_str();
        let (country, bban) = (&text[..2], &text[4..]);
        registry_check(country, check_digits(country, bban), bban)
    }

    /// The electronic form.
    pub fn as_str(&self) -> &str {
        self.0.electronic_str()
    }

    /// The paper form, in groups of four: `GB82 WEST 1234 5698 7654 32`.
    pub fn print_format(&self) -> String {
        self.0.to_string()
    }

    /// ISO 3166 country code, positions 1-2.
    pub fn country_code(&self) -> &str {
        self.0.country_code()
    }

    /// The two check digits, positions 3-4.
    pub fn check_digits(&self) -> &str {
        self.0.check_digits_str()
    }

    /// The country-specific account part, from position 5.
    pub fn bban(&self) -> &str {
        self.0.bban()
    }

    /// The bank identifier within the BBAN, where the registry defines one
    /// (`WEST` for `GB82WEST…`, `37040044` for `DE89370400440532013000`).
    pub fn bank_identifier(&self) -> Option<&str> {
        self.0.bank_identifier()
    }

    /// The branch identifier within the BBAN, where the registry defines one
    /// (the sort code `123456` for `GB82WEST12345698765432`).
    pub fn branch_identifier(&self) -> Option<&str> {
        self.0.branch_identifier()
    }
}

string_identifier!(Iban, IbanError);

/// Length, then letters in 1-2, digits in 3-4, letters or digits after.
fn check_shape(compact: &Compact<'_>) -> Result<(), IbanError> {
    let found = compact.char_count();
    if !(MIN_LENGTH..=MAX_LENGTH).contains(&found) {
        return Err(IbanError::WrongLength { found });
    }
    let class_at = |index| match index {
        0 | 1 => CharClass::Letter,
        2 | 3 => CharClass::Digit,
        _ => CharClass::LetterOrDigit,
    };
    match compact.first_mismatch(class_at) {
        Some(mismatch) => Err(IbanError::InvalidCharacter {
            position: mismatch.position,
            found: mismatch.found,
            expected: mismatch.expected,
        }),
        None => Ok(()),
    }
}

/// ISO 7064 MOD 97-10 as ISO 13616 applies it: the number formed by BBAN,
/// country and `00` (letters as 10-35) taken mod 97, subtracted from 98.
/// Always 2-98, so `00`, `01` and `99` never verify.
fn check_digits(country: &str, bban: &str) -> u8 {
    let remainder = bban
        .bytes()
        .chain(country.bytes())
        .chain(*b"00")
        .fold(0_u32, |acc, c| {
            if c.is_ascii_digit() {
                (acc * 10 + digit_value(c)) % 97
            } else {
                (acc * 100 + u32::from(c - b'A') + 10) % 97
            }
        });
    (98 - remainder) as u8
}

/// Checks country and BBAN against the IBAN registry, on the IBAN rebuilt
/// with correct check digits.
fn registry_check(country: &str, check_digits: u8, bban: &str) -> Result<Iban, IbanError> {
    let electronic = format!("{country}{check_digits:02}{bban}");
    match electronic.parse::<iban::Iban>() {
        Ok(iban) => Ok(Iban(iban)),
        Err(ParseIbanError::UnknownCountry(_)) => Err(IbanError::UnknownCountry {
            country: country.to_owned(),
        }),
        Err(_) => Err(IbanError::InvalidBban {
            country: country.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_published_vectors() {
        for valid in [
            "GB82WEST12345698765432",
            "DE89370400440532013000",
            "DE44500105175407324931",
            "GR1601101050000010547023795",
            "BE31435411161155",
            "GB06MODR00000003345102",
        ] {
            assert_eq!(
                Iban::parse(valid).map(|iban| iban.to_string()),
                Ok(valid.to_owned())
            );
        }
    }

    #[test]
    fn reads_the_paper_form_and_prints_it_back() {
        let iban = Iban::parse(" gb82 west 1234 5698 7654 32 ").unwrap();
        assert_eq!(iban.as_str(), "GB82WEST12345698765432");
        assert_eq!(iban.print_format(), "GB82 WEST 1234 5698 7654 32");
        assert_eq!(iban.country_code(), "GB");
        assert_eq!(iban.check_digits(), "82");
        assert_eq!(iban.bban(), "WEST12345698765432");
        assert_eq!(iban.bank_identifier(), Some("WEST"));
        assert_eq!(iban.branch_identifier(), Some("123456"));
        let german = Iban::parse("DE89 3704 0044 0532 0130 00").unwrap();
        assert_eq!(german.bank_identifier(), Some("37040044"));
    }

    #[test]
    fn refuses_a_mutated_last_digit() {
        assert_eq!(
            Iban::parse("GB82WEST12345698765433"),
            Err(IbanError::CheckDigitMismatch {
                expected: 55,
                found: 82
            })
        );
    }

    #[test]
    fn refuses_non_canonical_check_digits() {
        // 97 ≡ 0 (mod 97), so "00" would pass a bare mod-97 test when "97" is right.
        let iban = Iban::from_bban("DE", "370400440532013050").unwrap();
        assert_eq!(iban.check_digits(), "97");
        assert_eq!(
            Iban::parse("DE00370400440532013050"),
            Err(IbanError::CheckDigitMismatch {
                expected: 97,
                found: 0
            })
        );
    }

    #[test]
    fn refuses_unknown_countries_and_bad_bbans() {
        assert_eq!(
            Iban::parse("XX89370400440532013000"),
            Err(IbanError::UnknownCountry {
                country: "XX".into()
            })
        );
        assert_eq!(
            Iban::parse("DE8937040044053201300"),
            Err(IbanError::InvalidBban {
                country: "DE".into()
            })
        );
        assert_eq!(
            Iban::parse("GB82W3ST12345698765432"),
            Err(IbanError::InvalidBban {
                country: "GB".into()
            })
        );
    }

    #[test]
    fn refuses_bad_shapes_with_positions() {
        assert_eq!(Iban::parse("DE8"), Err(IbanError::WrongLength { found: 3 }));
        assert_eq!(
            Iban::parse("D189370400440532013000"),
            Err(IbanError::InvalidCharacter {
                position: 2,
                found: '1',
                expected: CharClass::Letter
            })
        );
        assert_eq!(
            Iban::parse("DE8X370400440532013000"),
            Err(IbanError::InvalidCharacter {
                position: 4,
                found: 'X',
                expected: CharClass::Digit
            })
        );
        assert_eq!(
            Iban::parse("DE89 3704 0044 0532 0130 0_"),
            Err(IbanError::InvalidCharacter {
                position: 27,
                found: '_',
                expected: CharClass::LetterOrDigit
            })
        );
    }

    #[test]
    fn from_bban_computes_check_digits() {
        assert_eq!(
            Iban::from_bban("DE", "370400440532013000").map(|iban| iban.to_string()),
            Ok("DE89370400440532013000".to_owned())
        );
        assert_eq!(
            Iban::from_bban("GB", "WEST 1234 5698 7654 32").map(|iban| iban.to_string()),
            Ok("GB82WEST12345698765432".to_owned())
        );
        assert_eq!(
            Iban::from_bban("DE", "37040044"),
            Err(IbanError::InvalidBban {
                country: "DE".into()
            })
        );
    }
}

//! Canadian routing numbers (institution + transit).

use crate::ident::{DigitGroup, digit_groups};

/// A Canadian routing number: 3-digit financial institution number and
/// 5-digit branch transit number.
///
/// Accepted layouts (spaces or hyphens between the groups):
/// - paper (MICR) form, transit then institution: `12345-003`;
/// - transit then the 4-digit institution Amazon asks for: `12345 0003`;
/// - institution then transit: `003 12345`, `0003-12345`;
/// - the 9-digit EFT form, `0` + institution + transit: `000312345`.
///
/// Eight digits without a separator are refused: they could be either order.
/// Stored in the EFT form `0IIITTTTT`; [`CaRoutingNumber::paper_form`] gives
/// `TTTTT-III`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CaRoutingNumber(String);

/// Why a Canadian routing number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaRoutingNumberError {
    /// Not a digit, space or hyphen.
    #[error("invalid character {found:?} at position {position}: expected a digit")]
    InvalidCharacter {
        /// 1-based position in the input.
        position: usize,
        /// The character found.
        found: char,
    },
    /// The digit groups match none of the accepted layouts.
    #[error(
        "expected transit-institution (12345-003), institution and transit (003 12345) \
         or the 9-digit EFT form (000312345)"
    )]
    UnrecognizedLayout,
    /// A 9-digit EFT form or a 4-digit institution number must start with 0.
    #[error("expected a 0 at position {position}")]
    MissingLeadingZero {
        /// Position of the first digit of the group.
        position: usize,
    },
}

impl CaRoutingNumber {
    /// Parses any of the accepted layouts.
    pub fn parse(input: &str) -> Result<Self, CaRoutingNumberError> {
        let groups =
            digit_groups(input).map_err(|mismatch| CaRoutingNumberError::InvalidCharacter {
                position: mismatch.position,
                found: mismatch.found,
            })?;
        let (institution, transit) = match groups.as_slice() {
            [eft] if eft.digits.len() == 9 => (without_leading_zero(eft)?, &eft.digits[4..]),
            [transit, institution] if transit.digits.len() == 5 => {
                (institution_number(institution)?, transit.digits)
            }
            [institution, transit] if transit.digits.len() == 5 => {
                (institution_number(institution)?, transit.digits)
            }
            _ => return Err(CaRoutingNumberError::UnrecognizedLayout),
        };
        Ok(Self(format!("0{institution}{transit}")))
    }

    /// The EFT form `0IIITTTTT`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 3-digit financial institution number.
    pub fn institution(&self) -> &str {
        &self.0[1..4]
    }

    /// The 5-digit branch transit number.
    pub fn transit(&self) -> &str {
        &self.0[4..]
    }

    /// The paper (MICR) form `TTTTT-III`.
    pub fn paper_form(&self) -> String {
        format!("{}-{}", self.transit(), self.institution())
    }
}

crate::ident::string_identifier!(CaRoutingNumber, CaRoutingNumberError);

/// A 3-digit institution number, or a 4-digit one with its leading 0.
fn institution_number<'a>(group: &DigitGroup<'a>) -> Result<&'a str, CaRoutingNumberError> {
    match group.digits.len() {
        3 => Ok(group.digits),
        4 => without_leading_zero(group),
        _ => Err(CaRoutingNumberError::UnrecognizedLayout),
    }
}

/// The three digits after a required leading 0.
fn without_leading_zero<'a>(group: &DigitGroup<'a>) -> Result<&'a str, CaRoutingNumberError> {
    match group.digits.strip_prefix('0') {
        Some(rest) => Ok(&rest[..3]),
        None => Err(CaRoutingNumberError::MissingLeadingZero {
            position: group.position,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layout_gives_the_same_number() {
        for input in [
            "12345-003",
            "12345 0003",
            "003 12345",
            "0003-12345",
            " 000312345 ",
            "12345 - 003",
        ] {
            let routing = CaRoutingNumber::parse(input).unwrap();
            assert_eq!(routing.as_str(), "000312345", "{input}");
            assert_eq!(routing.institution(), "003");
            assert_eq!(routing.transit(), "12345");
            assert_eq!(routing.paper_form(), "12345-003");
        }
    }

    #[test]
    fn reads_amazons_example_fields() {
        // Seller Central CA: transit 10202, bank number 0004.
        let routing = CaRoutingNumber::parse("10202 0004").unwrap();
        assert_eq!(routing.to_string(), "000410202");
    }

    #[test]
    fn refuses_ambiguous_or_unknown_layouts() {
        for input in [
            "12345003",
            "1234-5003",
            "12345-03",
            "0003-12345-1",
            "",
            "123456789-1",
        ] {
            assert_eq!(
                CaRoutingNumber::parse(input),
                Err(CaRoutingNumberError::UnrecognizedLayout),
                "{input}"
            );
        }
    }

    #[test]
    fn refuses_a_missing_leading_zero() {
        assert_eq!(
            CaRoutingNumber::parse("100312345"),
            Err(CaRoutingNumberError::MissingLeadingZero { position: 1 })
        );
        assert_eq!(
            CaRoutingNumber::parse("12345 1003"),
            Err(CaRoutingNumberError::MissingLeadingZero { position: 7 })
        );
    }

    #[test]
    fn refuses_stray_characters() {
        assert_eq!(
            CaRoutingNumber::parse("12345/003"),
            Err(CaRoutingNumberError::InvalidCharacter {
                position: 6,
                found: '/'
            })
        );
    }
}

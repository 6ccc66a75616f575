//! ISO 20022 data types shared by messages: bounded texts, UETRs, date-times
//! and non-negative amounts. Each parses, so a value held is schema-valid.

use std::fmt;

use ferry_domain::{Currency, DecimalStyle, Money, money::ParseMoneyError};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, PrimitiveDateTime, UtcOffset};

/// `MaxNText`: 1 to `MAX` characters after trimming (ISO 20022 texts have
/// `minLength 1`). `Max35Text` ids, `Max140Text` names and remittance lines.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IsoText<const MAX: usize>(String);

/// Identifiers: message id, end-to-end id, bank reference, ...
pub type Max35Text = IsoText<35>;
/// Names and unstructured remittance lines.
pub type Max140Text = IsoText<140>;

/// Why a text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IsoTextError {
    /// Nothing but whitespace.
    #[error("the text is empty")]
    Empty,
    /// A control character (line break, tab, NUL, ...): identifiers and
    /// names never carry one, and most cannot be written in XML at all.
    #[error("control character {found:?} at position {position}")]
    ControlCharacter {
        /// 1-based character position in the input as given.
        position: usize,
        /// The character.
        found: char,
    },
    /// Longer than the element allows.
    #[error("at most {max_chars} characters are allowed, found {found_chars}")]
    TooLong {
        /// The element's limit.
        max_chars: usize,
        /// Characters found after trimming.
        found_chars: usize,
    },
}

impl<const MAX: usize> IsoText<MAX> {
    /// Trims `input`, refuses control characters and checks its length (in
    /// characters, as the schema counts them).
    pub fn parse(input: &str) -> Result<Self, IsoTextError> {
        let text = input.trim();
        let leading = input.len() - input.trim_start().len();
        let leading_chars = input[..leading].chars().count();
        if let Some((found, position)) = text
            .chars()
            .zip(leading_chars + 1..)
            .find(|(c, _)| c.is_control())
        {
            return Err(IsoTextError::ControlCharacter { position, found });
        }
        let found_chars = text.chars().count();
        match found_chars {
            0 => Err(IsoTextError::Empty),
            n if n > MAX => Err(IsoTextError::TooLong {
                max_chars: MAX,
                found_chars,
            }),
            _ => Ok(Self(text.to_owned())),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> fmt::Display for IsoText<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Unique End-to-end Transaction Reference (SWIFT gpi), a UUID version 4 in
/// lower-case hex as the schema pattern requires; upper case is accepted and
/// normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Uetr([u8; 36]);

/// The value is not a version-4 UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a UETR is a version-4 UUID like 3f1a9c4e-2b7d-4e8a-9c01-5d6e7f8a9b0c")]
pub struct UetrError;

impl Uetr {
    /// Parses `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`.
    pub fn parse(input: &str) -> Result<Self, UetrError> {
        let lower = input.trim().to_ascii_lowercase();
        let bytes: [u8; 36] = lower.as_bytes().try_into().map_err(|_| UetrError)?;
        let shape_ok = bytes.iter().enumerate().all(|(index, &b)| match index {
            8 | 13 | 18 | 23 => b == b'-',
            14 => b == b'4',
            19 => matches!(b, b'8' | b'9' | b'a' | b'b'),
            _ => b.is_ascii_hexdigit(),
        });
        if shape_ok {
            Ok(Self(bytes))
        } else {
            Err(UetrError)
        }
    }

    /// The 36-character lower-case form.
    pub fn as_str(&self) -> &str {
        // Only ASCII passes `parse`.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for Uetr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `ISODateTime` as written: a local date-time with an optional UTC offset.
/// Banks often omit the offset (meaning their local time); keeping it
/// optional avoids inventing a zone the sender never stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IsoDateTime {
    /// Date and time of day as written.
    pub local: PrimitiveDateTime,
    /// The offset, if written (`Z` is UTC).
    pub offset: Option<UtcOffset>,
}

/// The value is not an ISO 8601 date or date-time of the accepted shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("expected an ISO 8601 date-time like 2026-11-24T09:30:00+01:00")]
pub struct IsoDateTimeError;

const LOCAL_DATE_TIME: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]");
const LOCAL_DATE_TIME_OUT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
const SUBSECOND_OUT: &[BorrowedFormatItem<'static>] = format_description!("[subsecond]");
const OFFSET: &[BorrowedFormatItem<'static>] =
    format_description!("[offset_hour sign:mandatory]:[offset_minute]");
const DATE: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

impl IsoDateTime {
    /// Parses `2026-11-24T09:30:00`, `…T09:30:00.123`, `…Z`, `…+01:00`.
    pub fn parse(input: &str) -> Result<Self, IsoDateTimeError> {
        let text = input.trim();
        let (local, offset) = split_offset(text)?;
        let local =
            PrimitiveDateTime::parse(local, LOCAL_DATE_TIME).map_err(|_| IsoDateTimeError)?;
        Ok(Self { local, offset })
    }

    /// The schema form, with fractional seconds only when non-zero and `Z`
    /// for UTC.
    pub fn to_iso_string(&self) -> String {
        let mut text = self.local.format(LOCAL_DATE_TIME_OUT).unwrap_or_default();
        if self.local.nanosecond() != 0 {
            text.push('.');
            text.push_str(&self.local.format(SUBSECOND_OUT).unwrap_or_default());
        }
        match self.offset {
            Some(offset) if offset.is_utc() => text.push('Z'),
            Some(offset) => text.push_str(&offset.format(OFFSET).unwrap_or_default()),
            None => {}
        }
        text
    }
}

/// Splits a trailing `Z` or `±hh:mm` off a date-time.
fn split_offset(text: &str) -> Result<(&str, Option<UtcOffset>), IsoDateTimeError> {
    if let Some(local) = text.strip_suffix('Z') {
        return Ok((local, Some(UtcOffset::UTC)));
    }
    // The offset sign comes after the `T`; a `-` before it belongs to the date.
    let time_start = text.find('T').ok_or(IsoDateTimeError)?;
    match text[time_start..].rfind(['+', '-']) {
        Some(relative) => {
            let split = time_start + relative;
            let offset = UtcOffset::parse(&text[split..], OFFSET).map_err(|_| IsoDateTimeError)?;
            Ok((&text[..split], Some(offset)))
        }
        None => Ok((text, None)),
    }
}

/// Parses an `ISODate` (`2026-11-24`).
pub(crate) fn parse_iso_date(input: &str) -> Result<Date, IsoDateTimeError> {
    Date::parse(input.trim(), DATE).map_err(|_| IsoDateTimeError)
}

/// Formats an `ISODate`.
pub(crate) fn format_iso_date(date: Date) -> String {
    date.format(DATE).unwrap_or_default()
}

/// `ActiveOrHistoricCurrencyAndAmount`: a non-negative amount of at most 18
/// digits in its currency's minor units. The sign of a booking is carried by
/// the credit/debit indicator, never by the amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IsoAmount(Money);

/// Schema limit on the digits of an amount (`totalDigits 18`).
const MAX_AMOUNT_DIGITS: u32 = 18;

/// Why an amount cannot be an ISO 20022 amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IsoAmountError {
    /// Below zero.
    #[error(
        "an ISO 20022 amount cannot be negative; the credit/debit indicator carries the direction"
    )]
    Negative,
    /// More than 18 digits.
    #[error("an ISO 20022 amount has at most 18 digits")]
    TooManyDigits,
}

impl IsoAmount {
    /// Checks `money` is non-negative and within 18 digits.
    pub fn new(money: Money) -> Result<Self, IsoAmountError> {
        let minor = money.amount_minor();
        if minor < 0 {
            return Err(IsoAmountError::Negative);
        }
        if minor.checked_ilog10().unwrap_or(0) + 1 > MAX_AMOUNT_DIGITS {
            return Err(IsoAmountError::TooManyDigits);
        }
        Ok(Self(money))
    }

    /// The amount.
    pub fn money(self) -> Money {
        self.0
    }

    /// Parses the element text of `<Amt Ccy="…">`: `xs:decimal` digits with
    /// an optional `.` and at most the currency's minor-unit decimals. No
    /// sign, no grouping: those are not valid `xs:decimal` amounts here.
    pub(crate) fn parse_decimal(text: &str, currency: Currency) -> Result<Self, AmountTextError> {
        let stray = text
            .chars()
            .zip(1..)
            .find(|(c, _)| !c.is_ascii_digit() && *c != '.' && !c.is_whitespace());
        if let Some((found, position)) = stray {
            return Err(AmountTextError::Syntax(
                ParseMoneyError::UnexpectedCharacter { position, found },
            ));
        }
        let money = Money::parse_major_with_style(text, currency, DecimalStyle::Point)
            .map_err(AmountTextError::Syntax)?;
        Self::new(money).map_err(AmountTextError::Range)
    }

    /// The `xs:decimal` text, with exactly the currency's decimals.
    pub(crate) fn to_decimal(self) -> String {
        self.0.format_major(DecimalStyle::Point)
    }
}

/// Why the text of an amount element was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountTextError {
    /// Not a decimal with at most the currency's minor-unit decimals.
    #[error(transparent)]
    Syntax(ParseMoneyError),
    /// A decimal, but out of the schema's range.
    #[error(transparent)]
    Range(IsoAmountError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{datetime, offset};

    #[test]
    fn texts_are_bounded_and_trimmed() {
        assert_eq!(Max35Text::parse("  ab ").unwrap().as_str(), "ab");
        assert_eq!(Max35Text::parse(" "), Err(IsoTextError::Empty));
        assert_eq!(
            IsoText::<3>::parse("abcd"),
            Err(IsoTextError::TooLong {
                max_chars: 3,
                found_chars: 4
            })
        );
        assert!(IsoText::<3>::parse("äöü").is_ok());
        assert_eq!(
            Max35Text::parse(" a\tb"),
            Err(IsoTextError::ControlCharacter {
                position: 3,
                found: '\t'
            })
        );
        assert!(Max35Text::parse("a\u{0}").is_err());
    }

    #[test]
    fn uetr_must_be_a_v4_uuid() {
        let uetr = Uetr::parse("EB6305C9-1F7F-49DE-AED0-16487C27B42D").unwrap();
        assert_eq!(uetr.as_str(), "eb6305c9-1f7f-49de-aed0-16487c27b42d");
        assert_eq!(
            Uetr::parse("eb6305c9-1f7f-39de-aed0-16487c27b42d"),
            Err(UetrError)
        );
        assert_eq!(
            Uetr::parse("eb6305c9-1f7f-49de-ced0-16487c27b42d"),
            Err(UetrError)
        );
        assert_eq!(
            Uetr::parse("eb6305c91f7f49deaed016487c27b42d"),
            Err(UetrError)
        );
        assert_eq!(
            Uetr::parse("eb6305c9-1f7f-49de-aed0-16487c27b42g"),
            Err(UetrError)
        );
    }

    #[test]
    fn date_times_keep_what_was_written() {
        let plain = IsoDateTime::parse("2026-11-24T09:30:00").unwrap();
        assert_eq!(plain.local, datetime!(2026-11-24 09:30:00));
        assert_eq!(plain.offset, None);
        assert_eq!(plain.to_iso_string(), "2026-11-24T09:30:00");
        let zoned = IsoDateTime::parse("2026-11-24T09:30:00.250-05:00").unwrap();
        assert_eq!(zoned.local, datetime!(2026-11-24 09:30:00.25));
        assert_eq!(zoned.offset, Some(offset!(-5)));
        assert_eq!(zoned.to_iso_string(), "2026-11-24T09:30:00.25-05:00");
        let utc = IsoDateTime::parse("2026-11-24T09:30:00+00:00").unwrap();
        assert_eq!(utc.to_iso_string(), "2026-11-24T09:30:00Z");
        assert_eq!(IsoDateTime::parse("2026-11-24"), Err(IsoDateTimeError));
        assert_eq!(
            IsoDateTime::parse("2026-11-24T25:00:00"),
            Err(IsoDateTimeError)
        );
    }

    #[test]
    fn amounts_are_plain_decimals_within_the_minor_unit() {
        let parse = |text, currency| IsoAmount::parse_decimal(text, currency).map(|a| a.money());
        assert_eq!(
            parse("1234.56", Currency::USD),
            Ok(Money::from_minor(123_456, Currency::USD))
        );
        assert_eq!(
            parse("1234.5", Currency::USD),
            Ok(Money::from_minor(123_450, Currency::USD))
        );
        assert_eq!(
            parse("1500", Currency::JPY),
            Ok(Money::from_minor(1500, Currency::JPY))
        );
        assert!(matches!(
            parse("1500.5", Currency::JPY),
            Err(AmountTextError::Syntax(
                ParseMoneyError::TooManyDecimals { .. }
            ))
        ));
        assert_eq!(
            parse("1,234.56", Currency::USD),
            Err(AmountTextError::Syntax(
                ParseMoneyError::UnexpectedCharacter {
                    position: 2,
                    found: ','
                }
            ))
        );
        assert!(matches!(
            parse("-5", Currency::USD),
            Err(AmountTextError::Syntax(_))
        ));
        assert_eq!(
            IsoAmount::new(Money::from_minor(-1, Currency::USD)),
            Err(IsoAmountError::Negative)
        );
        assert_eq!(
            IsoAmount::new(Money::from_minor(1_000_000_000_000_000_000, Currency::USD)),
            Err(IsoAmountError::TooManyDigits)
        );
        assert!(IsoAmount::new(Money::from_minor(999_999_999_999_999_999, Currency::USD)).is_ok());
    }
}

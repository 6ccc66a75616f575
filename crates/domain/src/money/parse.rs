//! Parsing amounts written in major units ("1,234.56", "1.234,56").

use std::iter::Peekable;

use super::currency::Currency;

/// Which character separates the decimals, and therefore which one groups
/// thousands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecimalStyle {
    /// `1,234.56`: decimal point, comma grouping (US, UK, JP, CN).
    Point,
    /// `1.234,56`: decimal comma, point grouping (DE, FR, ES, IT, ... and the
    /// amounts in EU settlement reports, e.g. `95,00`).
    Comma,
}

impl DecimalStyle {
    /// The decimal separator: `.` or `,`.
    pub const fn decimal_separator(self) -> char {
        match self {
            Self::Point => '.',
            Self::Comma => ',',
        }
    }

    /// The thousands separator: `,` or `.`.
    pub const fn grouping_separator(self) -> char {
        match self {
            Self::Point => ',',
            Self::Comma => '.',
        }
    }

    /// Guesses the style of an amount whose locale is unknown.
    ///
    /// The rule, in order:
    /// 1. No `.` and no `,`: either style reads it the same; `Point`.
    /// 2. Both appear: the one appearing last is the decimal separator
    ///    (`1,234.56`, `1.234,56`).
    /// 3. Only one of them, more than once: it groups thousands
    ///    (`1,234,567`, `1.234.567`).
    /// 4. Only one of them, once, followed by exactly three digits and nothing
    ///    else: it groups thousands (`1,234` USD is 1234 dollars), unless the
    ///    currency has three decimals, where `1.234` BHD could be either:
    ///    refused as [`ParseMoneyError::AmbiguousSeparator`].
    /// 5. Only one of them, once, otherwise: it is the decimal separator
    ///    (`95,00`, `12.5`).
    ///
    /// The guess only picks the style; the full parse then validates grouping
    /// and decimals as usual.
    pub fn detect(input: &str, currency: Currency) -> Result<DecimalStyle, ParseMoneyError> {
        match (input.rfind('.'), input.rfind(',')) {
            (None, None) => Ok(Self::Point),
            (Some(point), Some(comma)) if point > comma => Ok(Self::Point),
            (Some(_), Some(_)) => Ok(Self::Comma),
            (Some(index), None) => Self::detect_single(input, index, Self::Point, currency),
            (None, Some(index)) => Self::detect_single(input, index, Self::Comma, currency),
        }
    }

    /// Rules 3-5 of [`DecimalStyle::detect`] for the only separator kind
    /// present, last seen at byte `index`; `as_decimal` is the style in which
    /// that separator is the decimal one.
    fn detect_single(
        input: &str,
        index: usize,
        as_decimal: DecimalStyle,
        currency: Currency,
    ) -> Result<DecimalStyle, ParseMoneyError> {
        let separator = as_decimal.decimal_separator();
        let as_grouping = as_decimal.other();
        if input.matches(separator).count() > 1 {
            return Ok(as_grouping);
        }
        let after = input[index + separator.len_utf8()..].trim_end();
        let three_digits_follow = after.len() == 3 && after.bytes().all(|b| b.is_ascii_digit());
        match (three_digits_follow, currency.minor_units()) {
            (true, 3) => Err(ParseMoneyError::AmbiguousSeparator {
                position: input[..index].chars().count() + 1,
                currency,
            }),
            (true, _) => Ok(as_grouping),
            (false, _) => Ok(as_decimal),
        }
    }

    const fn other(self) -> DecimalStyle {
        match self {
            Self::Point => Self::Comma,
            Self::Comma => Self::Point,
        }
    }
}

/// Why an amount could not be read. Positions are 1-based character
/// positions in the input as given (leading spaces included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ParseMoneyError {
    /// Nothing but whitespace.
    #[error("the amount is empty")]
    Empty,
    /// No digit before the decimal separator or the end (`".5"`, `"-"`).
    #[error("a digit is missing at position {position}")]
    MissingIntegerDigits {
        /// Where a digit was expected.
        position: usize,
    },
    /// A decimal separator with no digit after it (`"12."`).
    #[error("the decimal separator at position {position} has no digits after it")]
    MissingDecimalDigits {
        /// Position of the decimal separator.
        position: usize,
    },
    /// A thousands separator that does not close a group of exactly three
    /// digits, or opens with a group longer than three (`"12,34"`,
    /// `"1234,567"`, `",123"`).
    #[error("the thousands separator at position {position} is misplaced")]
    MisplacedGroupingSeparator {
        /// Position of the separator.
        position: usize,
    },
    /// A thousands separator among the decimals (`"1.234,5"` read with a
    /// decimal point).
    #[error("thousands separator at position {position} after the decimal separator")]
    GroupingSeparatorInDecimals {
        /// Position of the separator.
        position: usize,
    },
    /// More decimals than the currency's minor unit has.
    #[error(
        "{currency} has {max_decimals} decimal places; the digit at position {position} is one too many"
    )]
    TooManyDecimals {
        /// The currency of the amount.
        currency: Currency,
        /// Its minor units.
        max_decimals: u8,
        /// Position of the first excess digit.
        position: usize,
    },
    /// A character that has no place in an amount.
    #[error("unexpected character {found:?} at position {position}")]
    UnexpectedCharacter {
        /// Its position.
        position: usize,
        /// The character.
        found: char,
    },
    /// The amount does not fit in an `i64` of minor units.
    #[error("the amount is too large")]
    Overflow,
    /// [`DecimalStyle::detect`] cannot tell whether a separator groups
    /// thousands or starts the decimals.
    #[error(
        "the separator at position {position} could start {currency} decimals or group thousands; state the decimal style"
    )]
    AmbiguousSeparator {
        /// Position of the separator.
        position: usize,
        /// The currency, which has three decimals.
        currency: Currency,
    },
}

/// A character of the trimmed input with its 1-based position in the raw input.
type Positioned<I> = Peekable<std::iter::Zip<I, std::ops::RangeFrom<usize>>>;

/// Parses `input` (major units, `style`) into minor units of `currency`.
pub(super) fn parse_major(
    input: &str,
    currency: Currency,
    style: DecimalStyle,
) -> Result<i64, ParseMoneyError> {
    let body = input.trim_start();
    let first_position = input[..input.len() - body.len()].chars().count() + 1;
    let body = body.trim_end();
    if body.is_empty() {
        return Err(ParseMoneyError::Empty);
    }
    let end_position = first_position + body.chars().count();
    let mut chars: Positioned<_> = body.chars().zip(first_position..).peekable();
    let negative = match chars.peek() {
        Some(('-', _)) => true,
        Some(('+', _)) => false,
        _ => return read_amount(&mut chars, end_position, currency, style, false),
    };
    chars.next();
    read_amount(&mut chars, end_position, currency, style, negative)
}

fn read_amount(
    chars: &mut Positioned<impl Iterator<Item = char>>,
    end_position: usize,
    currency: Currency,
    style: DecimalStyle,
    negative: bool,
) -> Result<i64, ParseMoneyError> {
    let mut magnitude = Magnitude::default();
    let decimals = match read_integer_part(chars, end_position, style, &mut magnitude)? {
        Some(separator_position) => {
            read_decimals(chars, separator_position, currency, style, &mut magnitude)?
        }
        None => 0,
    };
    magnitude.scale_by_ten(currency.minor_units() - decimals)?;
    magnitude.signed(negative)
}

/// Reads the integer digits and their grouping; returns the position of the
/// decimal separator if one ends the integer part.
fn read_integer_part(
    chars: &mut Positioned<impl Iterator<Item = char>>,
    end_position: usize,
    style: DecimalStyle,
    magnitude: &mut Magnitude,
) -> Result<Option<usize>, ParseMoneyError> {
    let mut grouping = Grouping::default();
    for (c, position) in chars.by_ref() {
        if c.is_ascii_digit() {
            magnitude.push_digit(c)?;
            grouping.digit();
        } else if c == style.grouping_separator() {
            grouping.separator(position)?;
        } else if c == style.decimal_separator() {
            grouping.finish(position)?;
            return Ok(Some(position));
        } else {
            return Err(ParseMoneyError::UnexpectedCharacter { position, found: c });
        }
    }
    grouping.finish(end_position)?;
    Ok(None)
}

/// Reads the decimals after the separator at `separator_position`; returns
/// how many there were.
fn read_decimals(
    chars: &mut Positioned<impl Iterator<Item = char>>,
    separator_position: usize,
    currency: Currency,
    style: DecimalStyle,
    magnitude: &mut Magnitude,
) -> Result<u8, ParseMoneyError> {
    let max_decimals = currency.minor_units();
    let mut decimals = 0;
    for (c, position) in chars {
        if c.is_ascii_digit() {
            if decimals == max_decimals {
                return Err(ParseMoneyError::TooManyDecimals {
                    currency,
                    max_decimals,
                    position,
                });
            }
            magnitude.push_digit(c)?;
            decimals += 1;
        } else if c == style.grouping_separator() {
            return Err(ParseMoneyError::GroupingSeparatorInDecimals { position });
        } else {
            return Err(ParseMoneyError::UnexpectedCharacter { position, found: c });
        }
    }
    if decimals == 0 {
        return Err(ParseMoneyError::MissingDecimalDigits {
            position: separator_position,
        });
    }
    Ok(decimals)
}

/// Tracks thousands grouping in the integer part: once a separator appears,
/// the first group has 1-3 digits and every later group exactly 3.
#[derive(Default)]
struct Grouping {
    total_digits: usize,
    digits_in_group: usize,
    last_separator: Option<usize>,
}

impl Grouping {
    fn digit(&mut self) {
        self.total_digits += 1;
        self.digits_in_group += 1;
    }

    fn separator(&mut self, position: usize) -> Result<(), ParseMoneyError> {
        let group_is_complete = match self.last_separator {
            None => (1..=3).contains(&self.digits_in_group),
            Some(_) => self.digits_in_group == 3,
        };
        if !group_is_complete {
            return Err(ParseMoneyError::MisplacedGroupingSeparator { position });
        }
        self.last_separator = Some(position);
        self.digits_in_group = 0;
        Ok(())
    }

    /// Closes the integer part where the decimal separator or the end is.
    fn finish(&self, position: usize) -> Result<(), ParseMoneyError> {
        if self.total_digits == 0 {
            return Err(ParseMoneyError::MissingIntegerDigits { position });
        }
        match self.last_separator {
            Some(separator) if self.digits_in_group != 3 => {
                Err(ParseMoneyError::MisplacedGroupingSeparator {
                    position: separator,
                })
            }
            _ => Ok(()),
        }
    }
}

/// The unsigned amount in minor units, accumulated digit by digit.
#[derive(Default)]
struct Magnitude(u64);

impl Magnitude {
    fn push_digit(&mut self, digit: char) -> Result<(), ParseMoneyError> {
        let value = u64::from(digit.to_digit(10).unwrap_or(0));
        self.0 = self
            .0
            .checked_mul(10)
            .and_then(|shifted| shifted.checked_add(value))
            .ok_or(ParseMoneyError::Overflow)?;
        Ok(())
    }

    /// Pads missing decimals: "12.5" USD has one decimal of two.
    fn scale_by_ten(&mut self, missing_decimals: u8) -> Result<(), ParseMoneyError> {
        self.0 = 10_u64
            .checked_pow(u32::from(missing_decimals))
            .and_then(|factor| self.0.checked_mul(factor))
            .ok_or(ParseMoneyError::Overflow)?;
        Ok(())
    }

    fn signed(&self, negative: bool) -> Result<i64, ParseMoneyError> {
        let signed = if negative {
            0_i64.checked_sub_unsigned(self.0)
        } else {
            i64::try_from(self.0).ok()
        };
        signed.ok_or(ParseMoneyError::Overflow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;

    use Currency::{BHD, EUR, JPY, KWD, USD};
    use DecimalStyle::{Comma, Point};
    use ParseMoneyError as E;

    fn minor(input: &str, currency: Currency, style: DecimalStyle) -> Result<i64, E> {
        parse_major(input, currency, style)
    }

    #[test]
    fn reads_plain_and_grouped_amounts() {
        assert_eq!(minor("1234.56", USD, Point), Ok(123_456));
        assert_eq!(minor("1,234.56", USD, Point), Ok(123_456));
        assert_eq!(minor("1.234,56", EUR, Comma), Ok(123_456));
        assert_eq!(minor("1234,56", EUR, Comma), Ok(123_456));
        assert_eq!(minor("1,234,567", USD, Point), Ok(123_456_700));
        assert_eq!(minor("12.5", USD, Point), Ok(1250));
        assert_eq!(minor("0.05", USD, Point), Ok(5));
        assert_eq!(minor("007", USD, Point), Ok(700));
        assert_eq!(minor("95,00", EUR, Comma), Ok(9500));
        assert_eq!(minor("1,234", JPY, Point), Ok(1234));
        assert_eq!(minor("1.234", KWD, Point), Ok(1234));
    }

    #[test]
    fn reads_signs_and_surrounding_spaces() {
        assert_eq!(minor("  -1,234.56 ", USD, Point), Ok(-123_456));
        assert_eq!(minor("+5", USD, Point), Ok(500));
        assert_eq!(minor("-0", USD, Point), Ok(0));
        assert_eq!(minor("62.31    ", USD, Point), Ok(6231));
    }

    #[test]
    fn refuses_too_many_decimals() {
        assert_eq!(
            minor("1.005", USD, Point),
            Err(E::TooManyDecimals {
                currency: USD,
                max_decimals: 2,
                position: 5
            })
        );
        assert_eq!(
            minor("12.5", JPY, Point),
            Err(E::TooManyDecimals {
                currency: JPY,
                max_decimals: 0,
                position: 4
            })
        );
        assert_eq!(
            minor("1,2345", BHD, Comma),
            Err(E::TooManyDecimals {
                currency: BHD,
                max_decimals: 3,
                position: 6
            })
        );
    }

    #[test]
    fn refuses_misplaced_grouping_with_its_position() {
        let misplaced = |position| Err(E::MisplacedGroupingSeparator { position });
        assert_eq!(minor("12,34.56", USD, Point), misplaced(3));
        assert_eq!(minor("1234,567", USD, Point), misplaced(5));
        assert_eq!(minor(",123", USD, Point), misplaced(1));
        assert_eq!(minor("1,,234", USD, Point), misplaced(3));
        assert_eq!(minor("1,234,56", USD, Point), misplaced(6));
        assert_eq!(minor("1,2345", USD, Point), misplaced(2));
        assert_eq!(minor("1.23.456", EUR, Comma), misplaced(5));
        assert_eq!(
            minor("1,234.5,6", USD, Point),
            Err(E::GroupingSeparatorInDecimals { position: 8 })
        );
    }

    #[test]
    fn refuses_missing_digits() {
        assert_eq!(minor("", USD, Point), Err(E::Empty));
        assert_eq!(minor("   ", USD, Point), Err(E::Empty));
        assert_eq!(
            minor("-", USD, Point),
            Err(E::MissingIntegerDigits { position: 2 })
        );
        assert_eq!(
            minor(".5", USD, Point),
            Err(E::MissingIntegerDigits { position: 1 })
        );
        assert_eq!(
            minor("12.", USD, Point),
            Err(E::MissingDecimalDigits { position: 3 })
        );
        assert_eq!(
            minor("12.", JPY, Point),
            Err(E::MissingDecimalDigits { position: 3 })
        );
    }

    #[test]
    fn refuses_stray_characters() {
        let unexpected = |position, found| Err(E::UnexpectedCharacter { position, found });
        assert_eq!(minor("12a", USD, Point), unexpected(3, 'a'));
        assert_eq!(minor(" $12", USD, Point), unexpected(2, '$'));
        assert_eq!(minor("1 234", USD, Point), unexpected(2, ' '));
        assert_eq!(minor("12-", USD, Point), unexpected(3, '-'));
        assert_eq!(minor("--1", USD, Point), unexpected(2, '-'));
        assert_eq!(minor("1.2.3", USD, Point), unexpected(4, '.'));
        assert_eq!(minor("１2", USD, Point), unexpected(1, '１'));
    }

    #[test]
    fn handles_the_i64_limits() {
        assert_eq!(minor("92233720368547758.07", USD, Point), Ok(i64::MAX));
        assert_eq!(minor("-92233720368547758.08", USD, Point), Ok(i64::MIN));
        assert_eq!(minor("92233720368547758.08", USD, Point), Err(E::Overflow));
        assert_eq!(minor("-92233720368547758.09", USD, Point), Err(E::Overflow));
        assert_eq!(
            minor("99999999999999999999999", JPY, Point),
            Err(E::Overflow)
        );
        assert_eq!(minor("184467440737095516", USD, Point), Err(E::Overflow));
    }

    #[test]
    fn detect_follows_the_documented_rule() {
        let detect = |input| DecimalStyle::detect(input, USD);
        assert_eq!(detect("1234"), Ok(Point));
        assert_eq!(detect("1,234.56"), Ok(Point));
        assert_eq!(detect("1.234,56"), Ok(Comma));
        assert_eq!(detect("1,234,567"), Ok(Point));
        assert_eq!(detect("1.234.567"), Ok(Comma));
        assert_eq!(detect("1,234"), Ok(Point));
        assert_eq!(detect("1.234"), Ok(Comma));
        assert_eq!(detect("95,00"), Ok(Comma));
        assert_eq!(detect("12.5"), Ok(Point));
        assert_eq!(detect("1,5 "), Ok(Comma));
        assert_eq!(
            DecimalStyle::detect(" 1.234", BHD),
            Err(E::AmbiguousSeparator {
                position: 3,
                currency: BHD
            })
        );
        assert_eq!(DecimalStyle::detect("1,234", JPY), Ok(Point));
    }

    #[test]
    fn parse_major_auto_reads_report_amounts() {
        let auto =
            |input, currency| Money::parse_major_auto(input, currency).map(Money::amount_minor);
        assert_eq!(auto("1141,18", EUR), Ok(114_118));
        assert_eq!(auto("-62.31", USD), Ok(-6231));
        assert_eq!(auto("1.234.567,89", EUR), Ok(123_456_789));
        assert_eq!(auto("1,234", USD), Ok(123_400));
        // A lone separator followed by three digits groups thousands.
        assert_eq!(auto("1.005", USD), Ok(100_500));
        assert_eq!(
            auto("1.005", KWD),
            Err(E::AmbiguousSeparator {
                position: 2,
                currency: KWD
            })
        );
    }

    #[test]
    fn errors_read_well() {
        assert_eq!(
            E::TooManyDecimals {
                currency: USD,
                max_decimals: 2,
                position: 5
            }
            .to_string(),
            "USD has 2 decimal places; the digit at position 5 is one too many"
        );
    }
}

//! Plumbing shared by the identifier parsers: input normalisation that keeps
//! error positions pointing into what the user typed, the character classes
//! named in errors, and string-based serde.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};

/// What a position in an identifier may hold. Named by `InvalidCharacter`
/// errors so a message can say what was expected, not only what was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CharClass {
    /// `0`-`9`.
    Digit,
    /// `0`-`9` or `X` (ISO 7064 and GB 11714 check characters).
    DigitOrX,
    /// `A`-`Z`.
    Letter,
    /// `A`-`Z` or `0`-`9`.
    LetterOrDigit,
    /// `0`-`9`, `a`-`f` (either case).
    HexDigit,
    /// `-`.
    Hyphen,
    /// The 31-character GB 32100 alphabet: digits and letters except I, O, S, V, Z.
    UsccCharacter,
    /// GB 32100 position 1: registration authority `1`-`9`, `A`, `N` or `Y`.
    UsccRegistrationAuthority,
    /// GB 32100 position 2: entity type `1`-`5` or `9`.
    UsccEntityType,
}

impl fmt::Display for CharClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Digit => "a digit",
            Self::DigitOrX => "a digit or X",
            Self::Letter => "a letter A-Z",
            Self::LetterOrDigit => "a letter A-Z or a digit",
            Self::HexDigit => "a hexadecimal digit",
            Self::Hyphen => "a hyphen",
            Self::UsccCharacter => "a digit or a letter other than I, O, S, V, Z",
            Self::UsccRegistrationAuthority => "a registration authority code (1-9, A, N or Y)",
            Self::UsccEntityType => "an entity type code (1-5 or 9)",
        })
    }
}

impl CharClass {
    /// True if `c` belongs to the class. Letters must be upper case (the
    /// input is normalised first), except in hexadecimal digits.
    pub(crate) fn matches(self, c: char) -> bool {
        match self {
            Self::Digit => c.is_ascii_digit(),
            Self::DigitOrX => c.is_ascii_digit() || c == 'X',
            Self::Letter => c.is_ascii_uppercase(),
            Self::LetterOrDigit => c.is_ascii_uppercase() || c.is_ascii_digit(),
            Self::HexDigit => c.is_ascii_hexdigit(),
            Self::Hyphen => c == '-',
            Self::UsccCharacter => crate::cn::uscc_value(c).is_some(),
            Self::UsccRegistrationAuthority => "123456789ANY".contains(c),
            Self::UsccEntityType => "123459".contains(c),
        }
    }
}

/// A character that does not belong where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mismatch {
    /// 1-based position in the raw input.
    pub(crate) position: usize,
    pub(crate) found: char,
    pub(crate) expected: CharClass,
}

/// Separators people customarily type inside bank and registry numbers
/// ("6222 0212 3456 7890", "12-34-56"); they carry no meaning and are dropped.
pub(crate) const SPACES_AND_HYPHENS: &[char] = &[' ', '-'];

/// An identifier as typed, normalised for parsing: surrounding whitespace
/// trimmed, `separators` removed, ASCII letters upper-cased. Keeps the raw
/// input so that an index into the normalised text can be reported as the
/// position the user sees.
pub(crate) struct Compact<'a> {
    raw: &'a str,
    text: String,
    separators: &'static [char],
}

impl<'a> Compact<'a> {
    pub(crate) fn new(raw: &'a str, separators: &'static [char]) -> Self {
        let text = raw
            .trim()
            .chars()
            .filter(|c| !separators.contains(c))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        Self {
            raw,
            text,
            separators,
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    pub(crate) fn into_string(self) -> String {
        self.text
    }

    /// Number of characters (not bytes) in the normalised text.
    pub(crate) fn char_count(&self) -> usize {
        self.text.chars().count()
    }

    /// 1-based character position in the raw input of the character at
    /// `index` (0-based, in characters) of the normalised text. An index past
    /// the end maps to the position just after the raw input.
    pub(crate) fn position(&self, index: usize) -> usize {
        let body = self.raw.trim_start();
        let leading_chars = self.raw.len() - body.len();
        let leading_chars = self.raw[..leading_chars].chars().count();
        body.chars()
            .enumerate()
            .filter(|(_, c)| !self.separators.contains(c))
            .nth(index)
            .map_or(self.raw.chars().count() + 1, |(offset, _)| {
                leading_chars + offset + 1
            })
    }

    /// The first character outside the class that `class_at` requires at
    /// its index (0-based, in the normalised text).
    pub(crate) fn first_mismatch(&self, class_at: impl Fn(usize) -> CharClass) -> Option<Mismatch> {
        self.first_mismatch_after(0, class_at)
    }

    /// [`Compact::first_mismatch`] ignoring the first `skip` characters
    /// (a prefix checked otherwise).
    pub(crate) fn first_mismatch_after(
        &self,
        skip: usize,
        class_at: impl Fn(usize) -> CharClass,
    ) -> Option<Mismatch> {
        self.text
            .chars()
            .enumerate()
            .skip(skip)
            .find(|&(index, c)| !class_at(index).matches(c))
            .map(|(index, normalised)| {
                let position = self.position(index);
                Mismatch {
                    position,
                    // Report the character as typed, before upper-casing.
                    found: self.raw.chars().nth(position - 1).unwrap_or(normalised),
                    expected: class_at(index),
                }
            })
    }
}

/// A run of digits in input such as `12345-003` or `0001 001 1234567`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DigitGroup<'a> {
    /// 1-based position of the group's first digit in the raw input.
    pub(crate) position: usize,
    pub(crate) digits: &'a str,
}

/// Splits `input` into runs of digits separated by spaces or hyphens, for
/// identifiers whose parts are told apart by their grouping.
pub(crate) fn digit_groups(input: &str) -> Result<Vec<DigitGroup<'_>>, Mismatch> {
    let body = input.trim_start();
    let leading_chars = input[..input.len() - body.len()].chars().count();
    let body = body.trim_end();
    let mut groups = Vec::with_capacity(3);
    let mut open: Option<(usize, usize)> = None;
    for ((byte, c), position) in body.char_indices().zip(leading_chars + 1..) {
        if c.is_ascii_digit() {
            open.get_or_insert((byte, position));
        } else if SPACES_AND_HYPHENS.contains(&c) {
            if let Some((start, position)) = open.take() {
                groups.push(DigitGroup {
                    position,
                    digits: &body[start..byte],
                });
            }
        } else {
            return Err(Mismatch {
                position,
                found: c,
                expected: CharClass::Digit,
            });
        }
    }
    if let Some((start, position)) = open {
        groups.push(DigitGroup {
            position,
            digits: &body[start..],
        });
    }
    Ok(groups)
}

/// The numeric value of an ASCII digit.
pub(crate) fn digit_value(byte: u8) -> u32 {
    u32::from(byte.wrapping_sub(b'0'))
}

/// Deserialises a string through `FromStr`, so that a value read from JSON or
/// a database goes through exactly the same checks as user input.
pub(crate) fn deserialize_parsed<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: fmt::Display,
{
    struct ParsedVisitor<T>(PhantomData<T>);

    impl<T> Visitor<'_> for ParsedVisitor<T>
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        type Value = T;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            value.parse().map_err(E::custom)
        }
    }

    deserializer.deserialize_str(ParsedVisitor(PhantomData))
}

/// Implements `FromStr` (via `parse`), `Display` and `AsRef<str>` (via
/// `as_str`) and string serde for an identifier newtype.
macro_rules! string_identifier {
    ($type:ty, $error:ty) => {
        impl ::std::str::FromStr for $type {
            type Err = $error;

            fn from_str(input: &str) -> Result<Self, Self::Err> {
                Self::parse(input)
            }
        }

        impl ::std::fmt::Display for $type {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl AsRef<str> for $type {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::serde::Serialize for $type {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $type {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                $crate::ident::deserialize_parsed(deserializer)
            }
        }
    };
}

pub(crate) use string_identifier;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_trims_drops_separators_and_upper_cases() {
        let compact = Compact::new("  ab-12 c ", SPACES_AND_HYPHENS);
        assert_eq!(compact.as_str(), "AB12C");
        assert_eq!(compact.char_count(), 5);
    }

    #[test]
    fn positions_point_into_the_raw_input() {
        let compact = Compact::new("  ab-12 c ", SPACES_AND_HYPHENS);
        // 'A' is the 3rd raw character, '1' the 6th, 'C' the 9th.
        assert_eq!(compact.position(0), 3);
        assert_eq!(compact.position(2), 6);
        assert_eq!(compact.position(4), 9);
        assert_eq!(compact.position(5), 11);
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let compact = Compact::new("é1Ω", &[]);
        assert_eq!(
            compact.first_mismatch(|_| CharClass::Digit),
            Some(Mismatch {
                position: 1,
                found: 'é',
                expected: CharClass::Digit
            })
        );
        assert_eq!(compact.position(2), 3);
    }

    #[test]
    fn digit_groups_split_on_spaces_and_hyphens() {
        let groups = digit_groups(" 0001 - 001-1234567 ").unwrap();
        let found: Vec<_> = groups.iter().map(|g| (g.position, g.digits)).collect();
        assert_eq!(found, [(2, "0001"), (9, "001"), (13, "1234567")]);
        assert_eq!(digit_groups("  ").unwrap(), []);
        assert_eq!(
            digit_groups("12/34"),
            Err(Mismatch {
                position: 3,
                found: '/',
                expected: CharClass::Digit
            })
        );
    }

    #[test]
    fn first_mismatch_uses_the_class_of_each_index() {
        let compact = Compact::new("12-3X", SPACES_AND_HYPHENS);
        let class_at = |index| {
            if index == 3 {
                CharClass::DigitOrX
            } else {
                CharClass::Digit
            }
        };
        assert_eq!(compact.first_mismatch(class_at), None);
        let compact = Compact::new("1X-34", SPACES_AND_HYPHENS);
        assert_eq!(
            compact.first_mismatch(class_at),
            Some(Mismatch {
                position: 2,
                found: 'X',
                expected: CharClass::Digit
            })
        );
    }
}

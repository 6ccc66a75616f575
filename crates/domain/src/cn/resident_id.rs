//! Resident Identity Card number (居民身份证号码), GB 11643-1999.

use std::fmt;

use time::{Date, Month, OffsetDateTime};

use crate::ident::{CharClass, Compact, SPACES_AND_HYPHENS, digit_value, string_identifier};

/// Weights of positions 1-17: `2^(18-i) mod 11` (ISO 7064 MOD 11-2).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check character indexed by the weighted sum mod 11.
const CHECK_CHARACTERS: &[u8; 11] = b"10X98765432";

const LENGTH: usize = 18;

/// Province-level codes (GB/T 2260) that open an address code, plus 81-83
/// used in the numbers of residence permits for Hong Kong, Macao and Taiwan
/// residents. The county-level table (which changes yearly) is not bundled.
const PROVINCE_CODES: [u8; 35] = [
    11, 12, 13, 14, 15, // 北京 天津 河北 山西 内蒙古
    21, 22, 23, // 辽宁 吉林 黑龙江
    31, 32, 33, 34, 35, 36, 37, // 上海 江苏 浙江 安徽 福建 江西 山东
    41, 42, 43, 44, 45, 46, // 河南 湖北 湖南 广东 广西 海南
    50, 51, 52, 53, 54, // 重庆 四川 贵州 云南 西藏
    61, 62, 63, 64, 65, // 陕西 甘肃 青海 宁夏 新疆
    71, 81, 82, 83, // 台湾 香港 澳门, 83 台湾居民居住证
];

/// An 18-character mainland-China resident ID number: 6-digit address code,
/// birth date `YYYYMMDD`, 3-digit order code (odd for men), check character
/// `0`-`9` or `X`.
///
/// Parsing checks the ISO 7064 MOD 11-2 check character, the province of the
/// address code, and that the birth date exists and is not in the future.
/// Stored upper-case (`x` is accepted), spaces and hyphens removed.
/// `Debug` masks the birth date and order code.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CnResidentId {
    value: String,
    birth_date: Date,
}

/// Sex as encoded by the order code's last digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Odd order code.
    Male,
    /// Even order code.
    Female,
}

/// Why a resident ID number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CnResidentIdError {
    /// Not 18 characters (17 for [`CnResidentId::check_char_for`]).
    #[error("expected {expected} characters, found {found}")]
    WrongLength {
        /// Required length.
        expected: usize,
        /// Length after removing spaces and hyphens.
        found: usize,
    },
    /// A character other than a digit, or `X` anywhere but last.
    #[error("invalid character {found:?} at position {position}: expected {expected}")]
    InvalidCharacter {
        /// 1-based position in the input.
        position: usize,
        /// The character found.
        found: char,
        /// What the position allows.
        expected: CharClass,
    },
    /// The MOD 11-2 check character does not match the first 17 digits.
    #[error(
        "check character {found:?} does not match the other characters (expected {expected:?})"
    )]
    CheckDigitMismatch {
        /// Computed from the first 17 digits.
        expected: char,
        /// Found in position 18.
        found: char,
    },
    /// The address code does not start with a province-level code.
    #[error("{code:02} is not a province code (GB/T 2260)")]
    UnknownProvince {
        /// The first two digits.
        code: u8,
    },
    /// Positions 7-14 are not a calendar date.
    #[error("birth date {year:04}-{month:02}-{day:02} does not exist")]
    InvalidBirthDate {
        /// Positions 7-10.
        year: u16,
        /// Positions 11-12.
        month: u8,
        /// Positions 13-14.
        day: u8,
    },
    /// The birth date is after the day of parsing.
    #[error("birth date {birth_date} is in the future (today is {today})")]
    BirthDateInFuture {
        /// The encoded birth date.
        birth_date: Date,
        /// The reference date used.
        today: Date,
    },
}

impl CnResidentId {
    /// Parses a resident ID number, judging "future" birth dates against the
    /// current UTC date.
    pub fn parse(input: &str) -> Result<Self, CnResidentIdError> {
        Self::parse_at(input, OffsetDateTime::now_utc().date())
    }

    /// Parses a resident ID number, judging "future" birth dates against
    /// `today`.
    pub fn parse_at(input: &str, today: Date) -> Result<Self, CnResidentIdError> {
        let compact = Compact::new(input, SPACES_AND_HYPHENS);
        check_characters(&compact, LENGTH)?;
        let text = compact.as_str();
        let (body, check) = text.split_at(LENGTH - 1);
        let expected = check_character(body);
        let found = char::from(check.as_bytes()[0]);
        if expected != found {
            return Err(CnResidentIdError::CheckDigitMismatch { expected, found });
        }
        check_province(text)?;
        let birth_date = birth_date(text)?;
        if birth_date > today {
            return Err(CnResidentIdError::BirthDateInFuture { birth_date, today });
        }
        Ok(Self {
            value: compact.into_string(),
            birth_date,
        })
    }

    /// The check character for the first 17 digits of a number, e.g. to
    /// generate test data.
    pub fn check_char_for(first_17_digits: &str) -> Result<char, CnResidentIdError> {
        let compact = Compact::new(first_17_digits, &[]);
        check_characters(&compact, LENGTH - 1)?;
        Ok(check_character(compact.as_str()))
    }

    /// The 18-character number.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The 6-digit address code (GB/T 2260 county at registration).
    pub fn address_code(&self) -> &str {
        &self.value[..6]
    }

    /// The encoded birth date.
    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// Age in completed years on `date`, or `None` before the birth date.
    /// Someone born on 29 February turns a year older on 1 March in common
    /// years.
    pub fn age_on(&self, date: Date) -> Option<u32> {
        let years = date.year() - self.birth_date.year();
        let before_birthday = (date.month() as u8, date.day())
            < (self.birth_date.month() as u8, self.birth_date.day());
        u32::try_from(years - i32::from(before_birthday)).ok()
    }

    /// Sex from the parity of the order code (position 17).
    pub fn sex(&self) -> Sex {
        if digit_value(self.value.as_bytes()[16]) % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The number with birth date and order code hidden, for logs and
    /// screens: `360426********0071`.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.value[..6], &self.value[14..])
    }
}

string_identifier!(CnResidentId, CnResidentIdError);

impl fmt::Debug for CnResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CnResidentId").field(&self.masked()).finish()
    }
}

/// `length` characters, all digits except an `X` in position 18.
fn check_characters(compact: &Compact<'_>, length: usize) -> Result<(), CnResidentIdError> {
    let found = compact.char_count();
    if found != length {
        return Err(CnResidentIdError::WrongLength {
            expected: length,
            found,
        });
    }
    let class_at = |index| {
        if index == LENGTH - 1 {
            CharClass::DigitOrX
        } else {
            CharClass::Digit
        }
    };
    match compact.first_mismatch(class_at) {
        Some(mismatch) => Err(CnResidentIdError::InvalidCharacter {
            position: mismatch.position,
            found: mismatch.found,
            expected: mismatch.expected,
        }),
        None => Ok(()),
    }
}

/// ISO 7064 MOD 11-2 check character of 17 ASCII digits.
fn check_character(body: &str) -> char {
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(digit, weight)| digit_value(digit) * weight)
        .sum();
    char::from(CHECK_CHARACTERS[(sum % 11) as usize])
}

fn check_province(text: &str) -> Result<(), CnResidentIdError> {
    let code = two_digits(&text[..2]);
    if PROVINCE_CODES.contains(&code) {
        Ok(())
    } else {
        Err(CnResidentIdError::UnknownProvince { code })
    }
}

fn birth_date(text: &str) -> Result<Date, CnResidentIdError> {
    let year = text[6..10]
        .bytes()
        .fold(0_u16, |acc, digit| acc * 10 + digit_value(digit) as u16);
    let month = two_digits(&text[10..12]);
    let day = two_digits(&text[12..14]);
    Month::try_from(month)
        .and_then(|month| Date::from_calendar_date(i32::from(year), month, day))
        .map_err(|_| CnResidentIdError::InvalidBirthDate { year, month, day })
}

fn two_digits(text: &str) -> u8 {
    text.bytes()
        .fold(0_u8, |acc, digit| acc * 10 + digit_value(digit) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 06 - 01);

    fn parse(input: &str) -> Result<CnResidentId, CnResidentIdError> {
        CnResidentId::parse_at(input, TODAY)
    }

    #[test]
    fn accepts_the_published_vectors() {
        // python-stdnum cn.ric doctests, and the china_identification_card crate.
        for valid in [
            "360426199101010071",
            "44011320141005001X",
            "412723199010050012",
            "110102199101010078",
            "110101202311012176",
        ] {
            assert_eq!(parse(valid).map(|id| id.to_string()), Ok(valid.to_owned()));
        }
    }

    #[test]
    fn normalises_lower_case_x_and_spaces() {
        let id = parse(" 440113 20141005 001x ").unwrap();
        assert_eq!(id.as_str(), "44011320141005001X");
    }

    #[test]
    fn exposes_birth_date_sex_and_age() {
        let id = parse("360426199101010071").unwrap();
        assert_eq!(id.birth_date(), date!(1991 - 01 - 01));
        assert_eq!(id.address_code(), "360426");
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(id.age_on(date!(2024 - 12 - 31)), Some(33));
        assert_eq!(id.age_on(date!(2025 - 01 - 01)), Some(34));
        assert_eq!(id.age_on(date!(1990 - 12 - 31)), None);
        assert_eq!(parse("412723199010050012").unwrap().sex(), Sex::Male);
        assert_eq!(parse("110101202311012176").unwrap().sex(), Sex::Male);
    }

    #[test]
    fn leap_day_birthdays_count_from_march_in_common_years() {
        let body = "11010120000229002";
        let check = CnResidentId::check_char_for(body).unwrap();
        let id = parse(&format!("{body}{check}")).unwrap();
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.age_on(date!(2001 - 02 - 28)), Some(0));
        assert_eq!(id.age_on(date!(2001 - 03 - 01)), Some(1));
        assert_eq!(id.age_on(date!(2004 - 02 - 29)), Some(4));
    }

    #[test]
    fn refuses_the_published_invalid_vectors() {
        assert_eq!(
            parse("36042619910102009X"),
            Err(CnResidentIdError::CheckDigitMismatch {
                expected: '3',
                found: 'X'
            })
        );
        // Month 13 and an unknown place, with their check characters valid.
        assert_eq!(
            parse("360426199113010079"),
            Err(CnResidentIdError::InvalidBirthDate {
                year: 1991,
                month: 13,
                day: 1
            })
        );
        assert_eq!(
            parse("990426199112010074"),
            Err(CnResidentIdError::UnknownProvince { code: 99 })
        );
    }

    #[test]
    fn refuses_bad_shapes_with_positions() {
        assert_eq!(
            parse("36042619910101007"),
            Err(CnResidentIdError::WrongLength {
                expected: 18,
                found: 17
            })
        );
        assert_eq!(
            parse("3604261991010100X1"),
            Err(CnResidentIdError::InvalidCharacter {
                position: 17,
                found: 'X',
                expected: CharClass::Digit
            })
        );
        assert_eq!(
            parse("360426 1991O1010071"),
            Err(CnResidentIdError::InvalidCharacter {
                position: 12,
                found: 'O',
                expected: CharClass::Digit
            })
        );
    }

    #[test]
    fn refuses_impossible_and_future_birth_dates() {
        let with_check =
            |body: &str| format!("{body}{}", CnResidentId::check_char_for(body).unwrap());
        assert_eq!(
            parse(&with_check("11010120230229001")),
            Err(CnResidentIdError::InvalidBirthDate {
                year: 2023,
                month: 2,
                day: 29
            })
        );
        assert_eq!(
            parse(&with_check("11010120250602001")),
            Err(CnResidentIdError::BirthDateInFuture {
                birth_date: date!(2025 - 06 - 02),
                today: TODAY
            })
        );
        assert!(parse(&with_check("11010120250601001")).is_ok());
    }

    #[test]
    fn check_char_for_computes_the_published_check_characters() {
        assert_eq!(CnResidentId::check_char_for("36042619910101007"), Ok('1'));
        assert_eq!(CnResidentId::check_char_for("44011320141005001"), Ok('X'));
        assert!(CnResidentId::check_char_for("4401132014100500").is_err());
        assert!(CnResidentId::check_char_for("4401132014100500X").is_err());
    }

    #[test]
    fn debug_masks_personal_data() {
        let id = parse("360426199101010071").unwrap();
        assert_eq!(format!("{id:?}"), "CnResidentId(\"360426********0071\")");
    }

    #[test]
    fn serde_round_trips_through_parse() {
        let id = parse("44011320141005001X").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"44011320141005001X\"");
        assert_eq!(serde_json::from_str::<CnResidentId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<CnResidentId>("\"44011320141005001Y\"").is_err());
    }
}

//! Account-holder names in half-width katakana, as Zengin transfers and
//! Seller Central JP require them.

use crate::ident::{Compact, string_identifier};

/// Seller Central JP: "at most 16 half-width characters"; voiced and
/// semi-voiced marks count as characters of their own.
const MAX_LENGTH: usize = 16;

/// `ｦ`, the only large kana before `ｱ` in the half-width block.
const KANA_WO: char = '\u{FF66}';
/// `ｧ`..`ｯ`: small kana, not in the Zengin character set.
const SMALL_KANA: std::ops::RangeInclusive<char> = '\u{FF67}'..='\u{FF6F}';
/// `ｰ`: the long-vowel mark, not in the Zengin character set.
const LONG_VOWEL_MARK: char = '\u{FF70}';
/// `ｱ`..`ﾝ`.
const LARGE_KANA: std::ops::RangeInclusive<char> = '\u{FF71}'..='\u{FF9D}';
/// `ﾞ` (dakuten).
const VOICED_MARK: char = '\u{FF9E}';
/// `ﾟ` (handakuten).
const SEMI_VOICED_MARK: char = '\u{FF9F}';
/// `ｶ`..`ﾄ` (ka, sa and ta rows) take the voiced mark.
const KA_TO_TO: std::ops::RangeInclusive<char> = '\u{FF76}'..='\u{FF84}';
/// `ﾊ`..`ﾎ` (ha row) take both marks.
const HA_ROW: std::ops::RangeInclusive<char> = '\u{FF8A}'..='\u{FF8E}';
/// `ｳ` takes the voiced mark (ｳﾞ, "vu").
const KANA_U: char = '\u{FF73}';

/// An account-holder name as Seller Central JP and Zengin accept it: at most
/// 16 characters from half-width large katakana (`ｦ`, `ｱ`-`ﾝ`), the voiced
/// and semi-voiced marks `ﾞ` `ﾟ` after a kana that takes them, `A`-`Z`,
/// `0`-`9`, space and `( ) -`.
///
/// Surrounding whitespace is trimmed and ASCII letters are upper-cased;
/// anything else that is wrong is refused with its position, so the form can
/// point at it. [`to_half_width_katakana`] converts typical full-width input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KatakanaHolderName(String);

/// Why a holder name was refused. Positions are 1-based character positions
/// in the input as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KatakanaHolderNameError {
    /// Nothing but whitespace.
    #[error("the account holder name is empty")]
    Empty,
    /// More than 16 characters (checked after the characters).
    #[error("at most {max} half-width characters, found {found}")]
    TooLong {
        /// The limit.
        max: usize,
        /// Characters after trimming.
        found: usize,
    },
    /// Full-width kana, letters, digits, symbols or spaces.
    #[error("full-width character {found:?} at position {position}: use half-width characters")]
    FullWidth {
        /// 1-based position in the input.
        position: usize,
        /// The character found.
        found: char,
    },
    /// Small kana (`ｬ`, `ｯ`, ...) are written large in bank names (`ｷﾕｳﾖ`).
    #[error("small kana {found:?} at position {position}: write it full-size")]
    SmallKana {
        /// 1-based position in the input.
        position: usize,
        /// The character found.
        found: char,
    },
    /// `ｰ` is not allowed; banks write `-`.
    #[error("long vowel mark at position {position}: use '-'")]
    LongVowelMark {
        /// 1-based position in the input.
        position: usize,
    },
    /// `ﾞ` or `ﾟ` not after a kana that takes it.
    #[error("{found:?} at position {position} does not follow a kana that takes it")]
    MisplacedVoicingMark {
        /// 1-based position in the input.
        position: usize,
        /// The mark.
        found: char,
    },
    /// Any other character.
    #[error("invalid character {found:?} at position {position}")]
    InvalidCharacter {
        /// 1-based position in the input.
        position: usize,
        /// The character found.
        found: char,
    },
}

impl KatakanaHolderName {
    /// Parses a half-width name such as `ﾔﾏﾀﾞ ﾀﾛｳ` or `ｶ)ﾌｪﾘｰ`.
    pub fn parse(input: &str) -> Result<Self, KatakanaHolderNameError> {
        let compact = Compact::new(input, &[]);
        let mut previous = None;
        for (index, c) in compact.as_str().chars().enumerate() {
            check_character(c, previous, || compact.position(index))?;
            previous = Some(c);
        }
        match compact.char_count() {
            0 => Err(KatakanaHolderNameError::Empty),
            found if found > MAX_LENGTH => Err(KatakanaHolderNameError::TooLong {
                max: MAX_LENGTH,
                found,
            }),
            _ => Ok(Self(compact.into_string())),
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_identifier!(KatakanaHolderName, KatakanaHolderNameError);

fn check_character(
    c: char,
    previous: Option<char>,
    position: impl Fn() -> usize,
) -> Result<(), KatakanaHolderNameError> {
    use KatakanaHolderNameError as E;
    let takes =
        |range: &std::ops::RangeInclusive<char>| previous.is_some_and(|p| range.contains(&p));
    match c {
        'A'..='Z' | '0'..='9' | ' ' | '(' | ')' | '-' => Ok(()),
        KANA_WO => Ok(()),
        c if LARGE_KANA.contains(&c) => Ok(()),
        VOICED_MARK if takes(&KA_TO_TO) || takes(&HA_ROW) || previous == Some(KANA_U) => Ok(()),
        SEMI_VOICED_MARK if takes(&HA_ROW) => Ok(()),
        VOICED_MARK | SEMI_VOICED_MARK => Err(E::MisplacedVoicingMark {
            position: position(),
            found: c,
        }),
        c if SMALL_KANA.contains(&c) => Err(E::SmallKana {
            position: position(),
            found: c,
        }),
        LONG_VOWEL_MARK => Err(E::LongVowelMark {
            position: position(),
        }),
        c if is_full_width(c) => Err(E::FullWidth {
            position: position(),
            found: c,
        }),
        c => Err(E::InvalidCharacter {
            position: position(),
            found: c,
        }),
    }
}

/// Ideographic space, CJK punctuation, hiragana and full-width katakana, and
/// full-width ASCII forms.
fn is_full_width(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{30FF}' | '\u{FF01}'..='\u{FF5E}')
}

/// Half-width forms of the full-width katakana U+30A1 (`ァ`) to U+30F6
/// (`ヶ`), in code point order. Voiced kana become kana + `ﾞ`/`ﾟ`; small kana
/// become large, as Zengin writes them; `ヰ` and `ヱ` become `ｲ` and `ｴ`.
const HALF_WIDTH_KATAKANA: [&str; 86] = [
    "ｱ", "ｱ", "ｲ", "ｲ", "ｳ", "ｳ", "ｴ", "ｴ", "ｵ", "ｵ", // ァアィイゥウェエォオ
    "ｶ", "ｶﾞ", "ｷ", "ｷﾞ", "ｸ", "ｸﾞ", "ｹ", "ｹﾞ", "ｺ", "ｺﾞ", // カガキギクグケゲコゴ
    "ｻ", "ｻﾞ", "ｼ", "ｼﾞ", "ｽ", "ｽﾞ", "ｾ", "ｾﾞ", "ｿ", "ｿﾞ", // サザシジスズセゼソゾ
    "ﾀ", "ﾀﾞ", "ﾁ", "ﾁﾞ", "ﾂ", "ﾂ", "ﾂﾞ", "ﾃ", "ﾃﾞ", "ﾄ",
    "ﾄﾞ", // タダチヂッツヅテデトド
    "ﾅ", "ﾆ", "ﾇ", "ﾈ", "ﾉ", // ナニヌネノ
    "ﾊ", "ﾊﾞ", "ﾊﾟ", "ﾋ", "ﾋﾞ", "ﾋﾟ", "ﾌ", "ﾌﾞ", "ﾌﾟ", // ハバパヒビピフブプ
    "ﾍ", "ﾍﾞ", "ﾍﾟ", "ﾎ", "ﾎﾞ", "ﾎﾟ", // ヘベペホボポ
    "ﾏ", "ﾐ", "ﾑ", "ﾒ", "ﾓ", // マミムメモ
    "ﾔ", "ﾔ", "ﾕ", "ﾕ", "ﾖ", "ﾖ", // ャヤュユョヨ
    "ﾗ", "ﾘ", "ﾙ", "ﾚ", "ﾛ", // ラリルレロ
    "ﾜ", "ﾜ", "ｲ", "ｴ", "ｦ", "ﾝ", "ｳﾞ", "ｶ", "ｹ", // ヮワヰヱヲンヴヵヶ
];

/// Large half-width forms of the small half-width kana `ｧ`..`ｯ`.
const LARGE_FOR_SMALL: [char; 9] = ['ｱ', 'ｲ', 'ｳ', 'ｴ', 'ｵ', 'ﾔ', 'ﾕ', 'ﾖ', 'ﾂ'];

/// Converts what people usually type into the form
/// [`KatakanaHolderName::parse`] accepts: hiragana and full-width katakana
/// to half-width katakana (small kana made large), `ー` and `ｰ` to `-`,
/// full-width ASCII and the ideographic space to ASCII, letters to upper
/// case. Other characters (kanji, `・`) pass through for the parser to
/// point at.
pub fn to_half_width_katakana(input: &str) -> String {
    let mut output = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            // Hiragana sit 0x60 below their katakana.
            '\u{3041}'..='\u{3096}' => push_katakana(&mut output, u32::from(c) + 0x60),
            '\u{30A1}'..='\u{30F6}' => push_katakana(&mut output, u32::from(c)),
            '\u{30FC}' | LONG_VOWEL_MARK => output.push('-'),
            '\u{3099}' | '\u{309B}' => output.push(VOICED_MARK),
            '\u{309A}' | '\u{309C}' => output.push(SEMI_VOICED_MARK),
            '\u{3000}' => output.push(' '),
            // Full-width ASCII sits 0xFEE0 above ASCII.
            '\u{FF01}'..='\u{FF5E}' => output.extend(
                char::from_u32(u32::from(c) - 0xFEE0).map(|ascii| ascii.to_ascii_uppercase()),
            ),
            c if SMALL_KANA.contains(&c) => {
                output.push(
                    LARGE_FOR_SMALL[(u32::from(c) - u32::from(*SMALL_KANA.start())) as usize],
                );
            }
            c => output.push(c.to_ascii_uppercase()),
        }
    }
    output
}

fn push_katakana(output: &mut String, code_point: u32) {
    let index = (code_point - 0x30A1) as usize;
    output.push_str(HALF_WIDTH_KATAKANA[index]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_zengin_names() {
        for name in [
            "ﾔﾏﾀﾞ ﾀﾛｳ",
            "ｶ)ﾌｴﾘ-",
            "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ",
            "ｳﾞｲ",
            "FERRY(ｶ",
            "ｦ",
            "ABC 123",
        ] {
            assert_eq!(
                KatakanaHolderName::parse(name).map(|n| n.to_string()),
                Ok(name.to_owned())
            );
        }
    }

    #[test]
    fn trims_and_upper_cases_ascii() {
        let name = KatakanaHolderName::parse("  ferry ｶ)  ").unwrap();
        assert_eq!(name.as_str(), "FERRY ｶ)");
    }

    #[test]
    fn counts_voicing_marks_as_characters() {
        // 8 kana with 8 marks: 16 characters, the limit.
        assert!(KatakanaHolderName::parse("ｶﾞｷﾞｸﾞｹﾞｺﾞｻﾞｼﾞｽﾞ").is_ok());
        assert_eq!(
            KatakanaHolderName::parse("ｶﾞｷﾞｸﾞｹﾞｺﾞｻﾞｼﾞｽﾞｾ"),
            Err(KatakanaHolderNameError::TooLong { max: 16, found: 17 })
        );
    }

    #[test]
    fn refuses_with_the_position_of_the_first_bad_character() {
        use KatakanaHolderNameError as E;
        assert_eq!(KatakanaHolderName::parse("  "), Err(E::Empty));
        assert_eq!(
            KatakanaHolderName::parse(" ﾔﾏﾀﾞ タロウ"),
            Err(E::FullWidth {
                position: 7,
                found: 'タ'
            })
        );
        assert_eq!(
            KatakanaHolderName::parse("ﾔﾏﾀﾞ\u{3000}ﾀﾛｳ"),
            Err(E::FullWidth {
                position: 5,
                found: '\u{3000}'
            })
        );
        assert_eq!(
            KatakanaHolderName::parse("ｷｭｳﾖ"),
            Err(E::SmallKana {
                position: 2,
                found: 'ｭ'
            })
        );
        assert_eq!(
            KatakanaHolderName::parse("ﾌｪﾘｰ"),
            Err(E::SmallKana {
                position: 2,
                found: 'ｪ'
            })
        );
        assert_eq!(
            KatakanaHolderName::parse("ﾌｴﾘｰ"),
            Err(E::LongVowelMark { position: 4 })
        );
        assert_eq!(
            KatakanaHolderName::parse("ﾏﾞ"),
            Err(E::MisplacedVoicingMark {
                position: 2,
                found: 'ﾞ'
            })
        );
        assert_eq!(
            KatakanaHolderName::parse("ｶﾟ"),
            Err(E::MisplacedVoicingMark {
                position: 2,
                found: 'ﾟ'
            })
        );
        assert_eq!(
            KatakanaHolderName::parse("ﾞｱ"),
            Err(E::MisplacedVoicingMark {
                position: 1,
                found: 'ﾞ'
            })
        );
        assert_eq!(
            KatakanaHolderName::parse("ﾔﾏﾀﾞ.ﾀﾛｳ"),
            Err(E::InvalidCharacter {
                position: 5,
                found: '.'
            })
        );
        assert_eq!(
            KatakanaHolderName::parse("山田"),
            Err(E::InvalidCharacter {
                position: 1,
                found: '山'
            })
        );
    }

    #[test]
    fn converts_full_width_input() {
        assert_eq!(to_half_width_katakana("ヤマダ タロウ"), "ﾔﾏﾀﾞ ﾀﾛｳ");
        assert_eq!(to_half_width_katakana("やまだ　たろう"), "ﾔﾏﾀﾞ ﾀﾛｳ");
        assert_eq!(to_half_width_katakana("キュウヨイチロウ"), "ｷﾕｳﾖｲﾁﾛｳ");
        assert_eq!(to_half_width_katakana("カ）フェリー"), "ｶ)ﾌｴﾘ-");
        assert_eq!(to_half_width_katakana("パピプペポ・ヴ"), "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ・ｳﾞ");
        assert_eq!(to_half_width_katakana("ｆｅｒｒｙ１２"), "FERRY12");
        assert_eq!(to_half_width_katakana("ｷｭｳﾖ ｰ"), "ｷﾕｳﾖ -");
        assert_eq!(to_half_width_katakana("ｶ\u{3099}"), "ｶﾞ");
    }

    #[test]
    fn every_converted_katakana_is_accepted() {
        for code_point in 0x30A1..=0x30F6 {
            let full = char::from_u32(code_point).unwrap();
            let half = to_half_width_katakana(&full.to_string());
            assert!(KatakanaHolderName::parse(&half).is_ok(), "{full} -> {half}");
        }
    }
}

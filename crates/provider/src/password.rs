//! Password policy (NIST SP 800-63B, ASVS 6.2): 12 to 128 characters of
//! anything, no composition rules, and a zxcvbn score of at least 3 with the
//! account's own words (e-mail, names) as known inputs. Hashing is Argon2id
//! with OWASP parameters, run on the blocking pool.

use crate::error::{Failure, Problem};
use crate::i18n::Lang;
use crate::settings::SecuritySettings;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use zxcvbn::feedback::Warning;

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;
const MIN_ZXCVBN_SCORE: u8 = 3;

/// A password that passed the policy. Never printed.
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

impl NewPassword {
    /// Checks `candidate` against the policy; `user_inputs` are words the
    /// account is known by, which make a password guessable.
    pub fn parse(candidate: &str, user_inputs: &[&str]) -> Result<Self, Problem> {
        let chars = candidate.chars().count();
        if chars < MIN_CHARS {
            return Err(Problem::PasswordTooShort);
        }
        if chars > MAX_CHARS {
            return Err(Problem::PasswordTooLong);
        }
        let entropy = zxcvbn::zxcvbn(candidate, user_inputs);
        if u8::from(entropy.score()) < MIN_ZXCVBN_SCORE {
            let warning = entropy.feedback().and_then(|feedback| feedback.warning());
            return Err(Problem::PasswordTooWeak(Weakness(warning)));
        }
        Ok(Self(candidate.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Why zxcvbn found a password weak, when it says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weakness(pub Option<Warning>);

impl Weakness {
    pub fn reason(self, lang: Lang) -> &'static str {
        use Warning as W;
        let Some(warning) = self.0 else { return "" };
        match warning {
            W::StraightRowsOfKeysAreEasyToGuess => lang.pick(
                "键盘上连续的一排键很容易被猜到。",
                "Straight rows of keys are easy to guess.",
            ),
            W::ShortKeyboardPatternsAreEasyToGuess => lang.pick(
                "简短的键盘图案很容易被猜到。",
                "Short keyboard patterns are easy to guess.",
            ),
            W::RepeatsLikeAaaAreEasyToGuess => lang.pick(
                "像“aaa”这样的重复很容易被猜到。",
                "Repeats like \"aaa\" are easy to guess.",
            ),
            W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => lang.pick(
                "像“abcabc”这样的重复只比“abc”难猜一点。",
                "Repeats like \"abcabc\" are only slightly harder to guess than \"abc\".",
            ),
            W::ThisIsATop10Password => lang.pick(
                "这是最常见的 10 个密码之一。",
                "This is one of the 10 most common passwords.",
            ),
            W::ThisIsATop100Password => lang.pick(
                "这是最常见的 100 个密码之一。",
                "This is one of the 100 most common passwords.",
            ),
            W::ThisIsACommonPassword => lang.pick(
                "这是一个非常常见的密码。",
                "This is a very common password.",
            ),
            W::ThisIsSimilarToACommonlyUsedPassword => lang.pick(
                "这与常用密码很相似。",
                "This is similar to a commonly used password.",
            ),
            W::SequencesLikeAbcAreEasyToGuess => lang.pick(
                "像 abc 或 6543 这样的序列很容易被猜到。",
                "Sequences like abc or 6543 are easy to guess.",
            ),
            W::RecentYearsAreEasyToGuess => lang.pick(
                "最近的年份很容易被猜到。",
                "Recent years are easy to guess.",
            ),
            W::AWordByItselfIsEasyToGuess => lang.pick(
                "单独一个单词很容易被猜到。",
                "A word by itself is easy to guess.",
            ),
            W::DatesAreOftenEasyToGuess => {
                lang.pick("日期通常很容易被猜到。", "Dates are often easy to guess.")
            }
            W::NamesAndSurnamesByThemselvesAreEasyToGuess => lang.pick(
                "单独的姓名很容易被猜到。",
                "Names and surnames by themselves are easy to guess.",
            ),
            W::CommonNamesAndSurnamesAreEasyToGuess => lang.pick(
                "常见的姓名很容易被猜到。",
                "Common names and surnames are easy to guess.",
            ),
        }
    }
}

/// Argon2id with the configured cost.
#[derive(Clone, Copy, Debug)]
pub struct Hasher {
    memory_kib: u32,
    iterations: u32,
}

impl Hasher {
    pub fn new(security: &SecuritySettings) -> Self {
        Self {
            memory_kib: security.argon2_memory_kib,
            iterations: security.argon2_iterations,
        }
    }

    fn argon2(self) -> Result<Argon2<'static>, Failure> {
        let params = Params::new(self.memory_kib, self.iterations, 1, None)
            .map_err(|error| Failure::Internal(format!("argon2 parameters: {error}")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// A PHC string (`$argon2id$v=19$m=…`), computed off the async threads.
    pub async fn hash(self, password: String) -> Result<String, Failure> {
        tokio::task::spawn_blocking(move || {
            self.argon2()?
                .hash_password(password.as_bytes())
                .map(|hash| hash.to_string())
                .map_err(|error| Failure::Internal(format!("argon2: {error}")))
        })
        .await?
    }

    /// Whether `password` matches `phc`. The parameters come from the PHC
    /// string, so hashes made with older costs still verify.
    pub async fn verify(self, password: String, phc: String) -> Result<bool, Failure> {
        Ok(tokio::task::spawn_blocking(move || {
            Argon2::default()
                .verify_password(password.as_bytes(), phc.as_str())
                .is_ok()
        })
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_and_strength_are_enforced_without_composition_rules() {
        assert_eq!(
            NewPassword::parse("short", &[]).unwrap_err(),
            Problem::PasswordTooShort
        );
        assert_eq!(
            NewPassword::parse(&"x".repeat(129), &[]).unwrap_err(),
            Problem::PasswordTooLong
        );
        assert!(matches!(
            NewPassword::parse("password1234", &[]).unwrap_err(),
            Problem::PasswordTooWeak(_)
        ));
        // All lower case, no digits: fine when long and unusual.
        assert!(NewPassword::parse("correct horse battery staple", &[]).is_ok());
        // Counted in characters, not bytes.
        assert!(NewPassword::parse("跨境收款很安全的密码呀好", &[]).is_ok());
    }

    #[test]
    fn the_account_s_own_words_weaken_a_password() {
        let own = "wangxiaoming2024shop";
        assert!(NewPassword::parse(own, &[]).is_ok());
        assert!(
            NewPassword::parse(
                own,
                &["wangxiaoming2024shop@example.com", "wangxiaoming2024shop"]
            )
            .is_err()
        );
    }
}

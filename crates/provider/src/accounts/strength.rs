//! The password strength meter's verdict. The pages show it while the user
//! types; the verdict itself comes from [`NewPassword::parse`], the same
//! check that registration, reset and change apply, so the meter can never
//! promise a password the server then refuses.

use crate::i18n::Lang;
use crate::password::{MAX_CHARS, NewPassword};
use serde::Serialize;

/// What the meter shows: zxcvbn's score (0 to 4), whether the policy
/// accepts the password, and why not in the user's language.
#[derive(Debug, Serialize)]
pub struct Strength {
    pub score: u8,
    pub acceptable: bool,
    pub reason: String,
}

/// Rates `candidate`; `user_inputs` are the account's own words (e-mail,
/// names), which make a password guessable.
pub fn rate(candidate: &str, user_inputs: &[&str], lang: Lang) -> Strength {
    // zxcvbn's cost grows with length; past the policy's limit the score
    // says nothing useful, so it is not computed.
    let score = if candidate.chars().count() > MAX_CHARS {
        0
    } else {
        u8::from(zxcvbn::zxcvbn(candidate, user_inputs).score())
    };
    match NewPassword::parse(candidate, user_inputs) {
        Ok(_) => Strength {
            score,
            acceptable: true,
            reason: String::new(),
        },
        Err(problem) => Strength {
            score,
            acceptable: false,
            reason: problem.message(lang),
        },
    }
}

//! The two languages of the portal and how a request picks one: the `lang`
//! query parameter, then the `lang` cookie (set when the user switches), then
//! `Accept-Language`, then the signed-in user's stored language, then
//! Simplified Chinese.

use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use std::convert::Infallible;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// The BCP 47 tag stored with a user and put in `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::En => "en",
        }
    }

    /// `zh`, `zh-CN`, `zh-Hans`, `en`, `en-GB`, … (case-insensitive).
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Self::ZhCn),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// Picks `zh` or `en` text.
    pub fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Self::ZhCn => zh,
            Self::En => en,
        }
    }

    fn from_accept_language(header: &str) -> Option<Self> {
        // Entries are in the client's order of preference; q-values are
        // rarely out of order in practice, so the first known one wins.
        header
            .split(',')
            .filter_map(|entry| entry.split(';').next())
            .find_map(Self::parse)
    }
}

fn query_lang(parts: &Parts) -> Option<Lang> {
    parts
        .uri
        .query()?
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .and_then(Lang::parse)
}

fn cookie_lang(parts: &Parts) -> Option<Lang> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix("lang="))
        .and_then(Lang::parse)
}

/// The signed-in user's stored language, put in the request's extensions
/// by the extractor that recognised them, for [`Lang`] to fall back on.
#[derive(Debug, Clone, Copy)]
pub struct UserLanguage(pub Lang);

impl Lang {
    /// The language the request itself asks for, if any.
    pub fn chosen(parts: &Parts) -> Option<Self> {
        let from_header = || {
            parts
                .headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(Lang::from_accept_language)
        };
        query_lang(parts)
            .or_else(|| cookie_lang(parts))
            .or_else(from_header)
    }
}

/// The request's own choice, then the signed-in user's language (when an
/// extractor that ran before recognised them), then Simplified Chinese.
impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        let stored = || parts.extensions.get::<UserLanguage>().map(|user| user.0);
        Ok(Lang::chosen(parts).or_else(stored).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_first_known_language() {
        assert_eq!(
            Lang::from_accept_language("fr-FR, en-US;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("zh-Hans-CN,en;q=0.5"),
            Some(Lang::ZhCn)
        );
        assert_eq!(Lang::from_accept_language("de"), None);
    }
}

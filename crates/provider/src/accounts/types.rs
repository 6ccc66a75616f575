//! The parsed shapes of account input: a value of these types is valid.

use crate::error::Problem;
use crate::i18n::Lang;

/// A normalized e-mail address (trimmed, lower-cased), at most 254
/// characters, one `@`, a dotted domain, no spaces or control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let email = raw.trim().to_lowercase();
        let (local, domain) = email.split_once('@').ok_or(Problem::InvalidEmail)?;
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && !"@<>()[]\\,;:\"".contains(c));
        if email.len() > 254 || !domain_ok || !local_ok {
            return Err(Problem::InvalidEmail);
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before `@`, a word the owner is likely to reuse in a password.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

/// A person's or company's name as shown in the portal: 1 to 100
/// characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let name = raw.trim();
        let chars = name.chars().count();
        if chars == 0 || chars > 100 || name.chars().any(char::is_control) {
            return Err(Problem::InvalidDisplayName);
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    Individual,
    Company,
}

impl AccountKind {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        match raw {
            "individual" => Ok(Self::Individual),
            "company" => Ok(Self::Company),
            _ => Err(Problem::InvalidAccountKind),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Individual => "individual",
            Self::Company => "company",
        }
    }
}

/// A language a user chose (stored with the user; e-mails use it).
pub fn parse_language(raw: Option<&str>) -> Result<Lang, Problem> {
    match raw {
        None | Some("") => Ok(Lang::ZhCn),
        Some("zh-CN") => Ok(Lang::ZhCn),
        Some("en") => Ok(Lang::En),
        Some(_) => Err(Problem::InvalidLanguage),
    }
}

/// A stored language tag; anything unknown reads as the default.
pub fn stored_language(tag: &str) -> Lang {
    Lang::parse(tag).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            Email::parse("  Li.Wei@Example.COM ").unwrap().as_str(),
            "li.wei@example.com"
        );
        for bad in [
            "",
            "no-at",
            "a@b",
            "a b@example.com",
            "@example.com",
            "a@-x.com",
            "a@x..com",
        ] {
            assert_eq!(Email::parse(bad), Err(Problem::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn display_names_are_bounded() {
        assert!(DisplayName::parse("深圳市某某贸易有限公司").is_ok());
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"名".repeat(101)).is_err());
    }
}

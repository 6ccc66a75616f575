//! CSRF protection for the HTML forms. Signed-in forms carry the session's
//! synchronizer token; forms before sign-in (register, sign in, reset) carry
//! a random token that must match the `ferry_csrf` cookie (double submit:
//! another site can neither read nor set that cookie). On top, the
//! same-origin check refuses cross-site posts outright.

use crate::accounts::sessions::Current;
use crate::tokens;
use axum::http::HeaderMap;
use axum::http::header::COOKIE;

pub const CSRF_COOKIE: &str = "ferry_csrf";

/// The token a page puts in its forms, and a cookie to set when the
/// browser has none yet.
pub struct FormToken {
    pub value: String,
    pub set_cookie: Option<String>,
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(name)?
                .strip_prefix('=')
                .map(str::to_string)
        })
        .filter(|value| !value.is_empty())
}

/// The token for forms on a page.
pub fn form_token(headers: &HeaderMap, current: Option<&Current>, secure: bool) -> FormToken {
    if let Some(current) = current {
        return FormToken {
            value: current.csrf_token.clone(),
            set_cookie: None,
        };
    }
    match cookie(headers, CSRF_COOKIE) {
        Some(value) => FormToken {
            value,
            set_cookie: None,
        },
        None => {
            let value = tokens::generate();
            let secure = if secure { "; Secure" } else { "" };
            let set_cookie =
                format!("{CSRF_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict{secure}");
            FormToken {
                value,
                set_cookie: Some(set_cookie),
            }
        }
    }
}

/// Whether a submitted form's token is the one its page was given.
pub fn is_valid(headers: &HeaderMap, current: Option<&Current>, submitted: &str) -> bool {
    let expected = match current {
        Some(current) => Some(current.csrf_token.clone()),
        None => cookie(headers, CSRF_COOKIE),
    };
    expected.is_some_and(|expected| constant_time_eq(expected.as_bytes(), submitted.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

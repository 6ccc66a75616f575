//! The Payment Service Provider Program's bank directory and the call to a
//! participating provider's account-verification endpoint.
//!
//! Amazon pays out only to accounts at deposit-taking banks or at providers
//! participating in the program, and holds disbursements to others
//! (MARKETPLACE-FACTS §1.4). How Amazon checks an account with a provider is
//! not published; the verification call is the **sandbox's model**:
//!
//! `POST {account_verification_url}` with JSON
//! `{request_id, seller_id, marketplace_id, bank_location, bank_code,
//! account_number, account_holder_name}` and the header
//! `X-Marketplace-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
//! "<t>.<body>" with the provider's signing secret>`; the provider answers
//! `{"exists": bool, "active": bool, "account_holder_name": string|null}`.

use crate::deposits::BankAccount;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use sqlx::{AnyConnection, Row};
use std::time::Duration;

pub const SIGNATURE_HEADER: &str = "x-marketplace-signature";
/// How long a provider may take to answer before the check counts as
/// unreachable.
pub const VERIFICATION_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bank,
    PaymentProvider,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Bank => "bank",
            Self::PaymentProvider => "payment_provider",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Bank, Self::PaymentProvider]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

pub const CODE_TYPES: [&str; 6] = [
    "aba",
    "ca_institution",
    "sort_code",
    "bic8",
    "zengin_bank",
    "bsb",
];

/// Where a bank account's bank sits in the directory: (code type, code).
pub fn directory_key(account: &BankAccount) -> (&'static str, String) {
    match account {
        BankAccount::Us { routing, .. } => ("aba", routing.as_str().to_string()),
        BankAccount::Ca { routing, .. } => ("ca_institution", routing.institution().to_string()),
        BankAccount::Uk(account) => ("sort_code", account.sort_code().as_str().to_string()),
        BankAccount::Euro { bic, .. } => ("bic8", bic.as_str().chars().take(8).collect()),
        BankAccount::Jp { account, .. } => {
            ("zengin_bank", account.bank_code().as_str().to_string())
        }
        BankAccount::Au { bsb, .. } => ("bsb", bsb.as_str().to_string()),
    }
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub institution_name: String,
    pub kind: Kind,
    pub participating: bool,
    pub account_verification_url: Option<String>,
    pub signing_secret: Option<String>,
}

pub async fn lookup(
    conn: &mut AnyConnection,
    code_type: &str,
    code: &str,
) -> Result<Option<Entry>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT institution_name, kind, participating_since_at_ms, account_verification_url, \
         signing_secret FROM banks WHERE code_type = $1 AND code = $2",
    )
    .bind(code_type)
    .bind(code)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(Entry {
            institution_name: row.try_get("institution_name")?,
            kind: Kind::parse(&row.try_get::<String, _>("kind")?).unwrap_or(Kind::Bank),
            participating: row
                .try_get::<Option<i64>, _>("participating_since_at_ms")?
                .is_some(),
            account_verification_url: row.try_get("account_verification_url")?,
            signing_secret: row.try_get("signing_secret")?,
        })
    })
    .transpose()
}

/// Whether the account sits at a payment provider outside the program,
/// whose disbursements are held.
pub async fn at_non_participating_provider(
    conn: &mut AnyConnection,
    deposit_method_id: &str,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT b.kind, b.participating_since_at_ms FROM deposit_methods m \
         JOIN banks b ON b.code_type = m.directory_code_type AND b.code = m.directory_code \
         WHERE m.deposit_method_id = $1",
    )
    .bind(deposit_method_id)
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else { return Ok(false) };
    let kind: String = row.try_get("kind")?;
    let participating = row
        .try_get::<Option<i64>, _>("participating_since_at_ms")?
        .is_some();
    Ok(kind == Kind::PaymentProvider.code() && !participating)
}

/// What a provider said about an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderCheck {
    Confirmed {
        holder_name: Option<String>,
    },
    Inactive {
        holder_name: Option<String>,
    },
    NotFound,
    /// No usable answer: connection failure, timeout, non-2xx status or a
    /// body that is not the expected JSON. The reason is for the page.
    Unreachable(String),
}

impl ProviderCheck {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Confirmed { .. } => "confirmed",
            Self::Inactive { .. } => "inactive",
            Self::NotFound => "not_found",
            Self::Unreachable(_) => "unreachable",
        }
    }

    pub fn holder_name(&self) -> Option<&str> {
        match self {
            Self::Confirmed { holder_name } | Self::Inactive { holder_name } => {
                holder_name.as_deref()
            }
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct Answer {
    exists: bool,
    active: bool,
    account_holder_name: Option<String>,
}

/// `t=<unix seconds>,v1=<hex HMAC-SHA256("<t>.<body>")>`.
pub fn signature(secret: &str, unix_s: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{unix_s}.{body}").as_bytes());
    format!("t={unix_s},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Asks the provider about the account; never fails, an unusable answer is
/// `Unreachable`.
pub async fn ask_provider(
    http: &reqwest::Client,
    url: &str,
    secret: &str,
    body: &serde_json::Value,
) -> ProviderCheck {
    let body = body.to_string();
    let unix_s = crate::clock::real_now_ms() / 1000;
    let response = http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature(secret, unix_s, &body))
        .timeout(VERIFICATION_TIMEOUT)
        .body(body)
        .send()
        .await;
    let response = match response {
        Ok(response) if response.status().is_success() => response,
        Ok(response) => {
            return ProviderCheck::Unreachable(format!(
                "the provider answered HTTP {}",
                response.status().as_u16()
            ));
        }
        Err(error) if error.is_timeout() => {
            return ProviderCheck::Unreachable("the provider did not answer in time".into());
        }
        Err(_) => {
            return ProviderCheck::Unreachable(
                "the provider's endpoint could not be reached".into(),
            );
        }
    };
    match response.json::<Answer>().await {
        Ok(Answer { exists: false, .. }) => ProviderCheck::NotFound,
        Ok(Answer {
            active: false,
            account_holder_name,
            ..
        }) => ProviderCheck::Inactive {
            holder_name: account_holder_name,
        },
        Ok(Answer {
            account_holder_name,
            ..
        }) => ProviderCheck::Confirmed {
            holder_name: account_holder_name,
        },
        Err(_) => {
            ProviderCheck::Unreachable("the provider's answer was not the expected JSON".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_covers_time_and_body() {
        let a = signature("secret", 1_700_000_000, "{}");
        assert!(a.starts_with("t=1700000000,v1="));
        assert_eq!(a.len(), "t=1700000000,v1=".len() + 64);
        assert_ne!(a, signature("secret", 1_700_000_001, "{}"));
        assert_ne!(a, signature("secret", 1_700_000_000, "{ }"));
        assert_ne!(a, signature("other", 1_700_000_000, "{}"));
    }
}

//! Sellers, their users and the second sign-in step.

use crate::crypto::{self, UPPER_ALPHANUMERIC};
use ferry_domain::SellerId;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

/// The business types of SP-API's `getAccount` (`Account.businessType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BusinessType {
    Charity,
    Craftsman,
    NaturalPersonCompany,
    PublicListed,
    PrivateLimited,
    SoleProprietorship,
    StateOwned,
    Individual,
}

impl BusinessType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Charity => "CHARITY",
            Self::Craftsman => "CRAFTSMAN",
            Self::NaturalPersonCompany => "NATURAL_PERSON_COMPANY",
            Self::PublicListed => "PUBLIC_LISTED",
            Self::PrivateLimited => "PRIVATE_LIMITED",
            Self::SoleProprietorship => "SOLE_PROPRIETORSHIP",
            Self::StateOwned => "STATE_OWNED",
            Self::Individual => "INDIVIDUAL",
        }
    }
}

/// SP-API's `Account.sellingPlan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SellingPlan {
    #[default]
    Professional,
    Individual,
}

impl SellingPlan {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Professional => "PROFESSIONAL",
            Self::Individual => "INDIVIDUAL",
        }
    }
}

/// A new Seller ID (Merchant Token): `A` and 13 upper-case alphanumerics,
/// the 14-character shape of Amazon's own examples (`A3FHEXAMPLEYWS`).
/// Drawn until it parses as a `SellerId`, which also rules out the rare
/// draw that equals a marketplace ID. Uniqueness is the caller's check.
pub fn new_seller_id() -> SellerId {
    loop {
        let drawn = format!("A{}", crypto::random_from(UPPER_ALPHANUMERIC, 13));
        if let Ok(seller_id) = SellerId::parse(&drawn) {
            return seller_id;
        }
    }
}

/// Who a user is to the account. Only the primary user may change payment
/// information (Seller Central help 20191).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserRole {
    Primary,
    Secondary,
}

impl UserRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Primary => "primary",
            Self::Secondary => "secondary",
        }
    }

    fn from_column(value: &str) -> Self {
        if value == "primary" {
            Self::Primary
        } else {
            Self::Secondary
        }
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub user_id: String,
    pub seller_id: String,
    pub email: String,
    pub name: String,
    pub role: UserRole,
    pub password_hash: String,
    pub totp_secret: String,
}

impl User {
    fn from_row(row: &sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            user_id: row.try_get("user_id")?,
            seller_id: row.try_get("seller_id")?,
            email: row.try_get("email")?,
            name: row.try_get("name")?,
            role: UserRole::from_column(&row.try_get::<String, _>("role")?),
            password_hash: row.try_get("password_hash")?,
            totp_secret: row.try_get("totp_secret")?,
        })
    }
}

const USER_COLUMNS: &str = "user_id, seller_id, email, name, role, password_hash, totp_secret";

pub async fn user_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<User>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM seller_users WHERE email = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(email.trim().to_lowercase())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(User::from_row).transpose()
}

pub async fn user_by_id(
    conn: &mut AnyConnection,
    user_id: &str,
) -> Result<Option<User>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM seller_users WHERE user_id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(User::from_row).transpose()
}

/// A well-formed e-mail address, lower-cased (addresses are unique without
/// regard to case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Option<Self> {
        let trimmed = raw.trim().to_lowercase();
        let (local, domain) = trimmed.split_once('@')?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@');
        let no_spaces = !trimmed.chars().any(char::is_whitespace);
        (!local.is_empty() && domain_ok && no_spaces).then_some(Self(trimmed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Amazon asks for at least 8 characters on new seller passwords; the
/// sandbox asks the same and no more.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// A new user's credentials as stored: the password hash and a fresh TOTP
/// secret (base32), because two-step verification is required from the
/// first sign-in.
pub struct NewCredentials {
    pub password_hash: String,
    pub totp_secret: String,
}

pub fn new_credentials(password: &str) -> Result<NewCredentials, argon2::password_hash::Error> {
    Ok(NewCredentials {
        password_hash: crypto::hash_password(password)?,
        totp_secret: totp_rs::Secret::generate().to_base32(),
    })
}

/// The `otpauth://` URL an authenticator app scans.
pub fn otpauth_url(secret_base32: &str, email: &str) -> Option<String> {
    totp(secret_base32, email)?.to_url().ok()
}

fn totp(secret_base32: &str, account: &str) -> Option<totp_rs::Totp> {
    let secret = totp_rs::Secret::try_from_base32(secret_base32).ok()?;
    totp_rs::Builder::new()
        .with_secret(secret)
        .with_account_name(account.replace(':', ""))
        .with_issuer(Some("Seller Central sandbox"))
        .build()
        .ok()
}

/// Checks a one-time code and burns its time step, so a code is accepted
/// once only (RFC 6238 §5.2). Returns whether it was accepted.
pub async fn accept_totp_code(
    conn: &mut AnyConnection,
    user: &User,
    code: &str,
) -> Result<bool, sqlx::Error> {
    let Some(totp) = totp(&user.totp_secret, &user.email) else {
        return Ok(false);
    };
    let now_s = u64::try_from(crate::clock::real_now_ms() / 1000).unwrap_or_default();
    // `check` accepts the previous, current and next 30-second step; each of
    // them may be used once.
    let origin = now_s / 30;
    for step in [origin.saturating_sub(1), origin, origin + 1] {
        if totp.generate(step * 30).to_string() != code.trim() {
            continue;
        }
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        let inserted = sqlx::query(
            "INSERT INTO totp_used_steps (user_id, step) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(&user.user_id)
        .bind(step)
        .execute(&mut *conn)
        .await?;
        return Ok(inserted.rows_affected() == 1);
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seller_ids_are_a_and_thirteen_upper_alphanumerics() {
        let id = new_seller_id().as_str().to_string();
        assert_eq!(id.len(), 14);
        assert!(id.starts_with('A'));
        assert!(id.bytes().all(|b| UPPER_ALPHANUMERIC.contains(&b)));
    }

    #[test]
    fn emails_are_lowercased_and_need_a_domain() {
        assert_eq!(
            Email::parse(" Ops@Shop.Example ").unwrap().as_str(),
            "ops@shop.example"
        );
        assert!(Email::parse("ops@localhost").is_none());
        assert!(Email::parse("no-at.example").is_none());
        assert!(Email::parse("a b@x.example").is_none());
    }
}

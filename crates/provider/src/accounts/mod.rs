//! Seller accounts and the people who sign in to them: registration,
//! activation by e-mail, sign-in with lockout, sessions, passwords.

pub mod api;
pub mod api_keys;
pub mod closure;
pub mod credentials;
pub mod policy;
pub mod registration;
pub mod sessions;
pub mod strength;
pub mod team;
pub mod two_factor;
pub mod types;

use crate::i18n::Lang;
use sqlx::{AnyConnection, Row};
use types::stored_language;

/// What a user row says about its owner.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub account_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub language: Lang,
    pub password_hash: String,
    pub password_changed_at_ms: i64,
    pub password_change_required_at_ms: Option<i64>,
    pub activated_at_ms: Option<i64>,
    pub locked_until_ms: Option<i64>,
    /// Base32 TOTP secret once two-factor is enabled.
    pub totp_secret: Option<String>,
    /// Set when an owner removed this member; such a login is dead.
    pub removed_at_ms: Option<i64>,
    /// Since when the account requires two-factor of its members.
    pub account_two_factor_required_at_ms: Option<i64>,
    /// Set when the owner closed the account; nobody signs in to it any more.
    pub account_closed_at_ms: Option<i64>,
}

impl User {
    pub fn two_factor_enabled(&self) -> bool {
        self.totp_secret.is_some()
    }

    /// The account's policy requires two-factor of members and this member
    /// has none yet: they may only enrol or sign out.
    pub fn must_enrol_two_factor(&self) -> bool {
        self.account_two_factor_required_at_ms.is_some()
            && self.role != team::Role::Owner.as_str()
            && !self.two_factor_enabled()
    }
}

const USER_COLUMNS: &str = "id, account_id, email, display_name, role, language, password_hash, \
     password_changed_at_ms, password_change_required_at_ms, activated_at_ms, locked_until_ms, totp_secret, removed_at_ms, \
     (SELECT two_factor_required_at_ms FROM seller_accounts WHERE seller_accounts.id = users.account_id) AS account_two_factor_required_at_ms, \
     (SELECT closed_at_ms FROM seller_accounts WHERE seller_accounts.id = users.account_id) AS account_closed_at_ms";

fn user_from_row(row: &sqlx::any::AnyRow) -> Result<User, sqlx::Error> {
    let language: String = row.try_get("language")?;
    Ok(User {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: row.try_get("role")?,
        language: stored_language(&language),
        password_hash: row.try_get("password_hash")?,
        password_changed_at_ms: row.try_get("password_changed_at_ms")?,
        password_change_required_at_ms: row.try_get("password_change_required_at_ms")?,
        activated_at_ms: row.try_get("activated_at_ms")?,
        locked_until_ms: row.try_get("locked_until_ms")?,
        totp_secret: row.try_get("totp_secret")?,
        removed_at_ms: row.try_get("removed_at_ms")?,
        account_two_factor_required_at_ms: row.try_get("account_two_factor_required_at_ms")?,
        account_closed_at_ms: row.try_get("account_closed_at_ms")?,
    })
}

pub async fn user_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<User>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(email)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn user_by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<User>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

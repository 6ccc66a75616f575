//! E-mailed single-use tokens (activation, password reset) and password
//! changes.

use super::{User, sessions, user_by_email, user_by_id};
use crate::accounts::types::Email;
use crate::app::{AppState, now_ms};
use crate::audit::{self, Event};
use crate::emails::{self, Mail};
use crate::error::{Failure, Problem};
use crate::password::NewPassword;
use crate::tokens;
use serde_json::json;
use sqlx::{AnyConnection, Row};

/// An e-mailed link is valid for 24 hours.
pub const TOKEN_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Activation,
    PasswordReset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Activation => "activation",
            Self::PasswordReset => "password_reset",
        }
    }
}

/// Issues a new token for `user_id`; earlier unused ones of the same
/// purpose stop working, so only the latest e-mail's link is live.
pub async fn issue(
    conn: &mut AnyConnection,
    user_id: &str,
    purpose: Purpose,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    sqlx::query(
        "UPDATE email_tokens SET expires_at_ms = $1 \
         WHERE user_id = $2 AND purpose = $3 AND used_at_ms IS NULL AND expires_at_ms > $1",
    )
    .bind(now_ms)
    .bind(user_id)
    .bind(purpose.as_str())
    .execute(&mut *conn)
    .await?;
    let token = tokens::generate();
    sqlx::query(
        "INSERT INTO email_tokens (token_hash, user_id, purpose, created_at_ms, expires_at_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(tokens::hash(&token))
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(now_ms)
    .bind(now_ms + TOKEN_LIFETIME_MS)
    .execute(&mut *conn)
    .await?;
    Ok(token)
}

/// Whether a token of `purpose` was issued to `user_id` since `since_ms`
/// (the resend throttle).
pub async fn issued_since(
    conn: &mut AnyConnection,
    user_id: &str,
    purpose: Purpose,
    since_ms: i64,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM email_tokens WHERE user_id = $1 AND purpose = $2 AND created_at_ms > $3",
    )
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(since_ms)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Marks `token` used and returns its user, or says why it cannot be used.
pub async fn consume(
    conn: &mut AnyConnection,
    token: &str,
    purpose: Purpose,
    now_ms: i64,
) -> Result<String, Failure> {
    let token_hash = tokens::hash(token.trim());
    let row = sqlx::query(
        "SELECT user_id, expires_at_ms, used_at_ms FROM email_tokens WHERE token_hash = $1 AND purpose = $2",
    )
    .bind(&token_hash)
    .bind(purpose.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Problem::TokenInvalid)?;
    if row.try_get::<Option<i64>, _>("used_at_ms")?.is_some() {
        return Err(Problem::TokenUsed.into());
    }
    if row.try_get::<i64, _>("expires_at_ms")? <= now_ms {
        return Err(Problem::TokenExpired.into());
    }
    // The guard on used_at_ms makes two concurrent uses yield one winner.
    let marked = sqlx::query(
        "UPDATE email_tokens SET used_at_ms = $1 WHERE token_hash = $2 AND used_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(&token_hash)
    .execute(&mut *conn)
    .await?;
    if marked.rows_affected() != 1 {
        return Err(Problem::TokenUsed.into());
    }
    Ok(row.try_get("user_id")?)
}

/// Sends a reset link when the address belongs to an activated user whose
/// login is alive (not removed, account not closed) and none was sent within
/// the resend interval. Says nothing either way.
pub async fn request_reset(app: &AppState, raw_email: &str) -> Result<(), Failure> {
    let email = Email::parse(raw_email)?;
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    let Some(user) = user_by_email(&mut tx, email.as_str()).await? else {
        return Ok(());
    };
    let throttle_from = now - app.security.email_resend_interval_secs * 1000;
    let login_dead = user.removed_at_ms.is_some() || user.account_closed_at_ms.is_some();
    if user.activated_at_ms.is_none()
        || login_dead
        || issued_since(&mut tx, &user.id, Purpose::PasswordReset, throttle_from).await?
    {
        return Ok(());
    }
    let token = issue(&mut tx, &user.id, Purpose::PasswordReset, now).await?;
    let link = app.link(&format!("/reset-password?token={token}"));
    emails::enqueue(
        &mut tx,
        &Mail::PasswordReset { link: &link },
        &user.email,
        user.language,
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        event(&user, "password.reset_requested", json!({})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password from a reset link, ends every session and lifts a
/// lockout (the owner proved control of the mailbox).
pub async fn reset(app: &AppState, token: &str, new_password: &str) -> Result<(), Failure> {
    let now = now_ms();
    // The token is checked before the (slow) hash and again when consumed.
    let user = {
        let mut conn = app.db.reader().acquire().await?;
        let row =
            sqlx::query("SELECT user_id FROM email_tokens WHERE token_hash = $1 AND purpose = $2")
                .bind(tokens::hash(token.trim()))
                .bind(Purpose::PasswordReset.as_str())
                .fetch_optional(&mut *conn)
                .await?
                .ok_or(Problem::TokenInvalid)?;
        let user_id: String = row.try_get("user_id")?;
        user_by_id(&mut conn, &user_id)
            .await?
            .ok_or(Problem::TokenInvalid)?
    };
    let password = NewPassword::parse(new_password, &user_inputs(&user))?;
    let hash = app.hasher.hash(password.expose().to_string()).await?;
    let mut tx = app.db.begin().await?;
    consume(&mut tx, token, Purpose::PasswordReset, now).await?;
    store_password(&mut tx, &user.id, &hash, now).await?;
    sqlx::query(
        "UPDATE users SET failed_logins = 0, lockouts = 0, locked_until_ms = NULL WHERE id = $1",
    )
    .bind(&user.id)
    .execute(&mut *tx)
    .await?;
    sessions::revoke_all(&mut tx, &user.id, None, now).await?;
    let reset_link = app.link("/forgot-password");
    emails::enqueue(
        &mut tx,
        &Mail::PasswordChanged { reset: &reset_link },
        &user.email,
        user.language,
        now,
    )
    .await?;
    audit::record(&mut tx, event(&user, "password.reset", json!({})), now).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the signed-in user's password; the current one is required.
/// Other sessions end (ASVS 7.4.3); this one stays.
pub async fn change(
    app: &AppState,
    user_id: &str,
    session_id: &str,
    current: &str,
    new_password: &str,
) -> Result<(), Failure> {
    let user = {
        let mut conn = app.db.reader().acquire().await?;
        user_by_id(&mut conn, user_id)
            .await?
            .ok_or(Problem::NotSignedIn)?
    };
    if !app
        .hasher
        .verify(current.to_string(), user.password_hash.clone())
        .await?
    {
        return Err(Problem::CurrentPasswordWrong.into());
    }
    let password = NewPassword::parse(new_password, &user_inputs(&user))?;
    let hash = app.hasher.hash(password.expose().to_string()).await?;
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    store_password(&mut tx, &user.id, &hash, now).await?;
    sessions::revoke_all(&mut tx, &user.id, Some(session_id), now).await?;
    let reset_link = app.link("/forgot-password");
    emails::enqueue(
        &mut tx,
        &Mail::PasswordChanged { reset: &reset_link },
        &user.email,
        user.language,
        now,
    )
    .await?;
    audit::record(&mut tx, event(&user, "password.changed", json!({})), now).await?;
    tx.commit().await?;
    Ok(())
}

/// An operator's flag on evidence of compromise: every session ends and
/// the next sign-in must change the password (NIST 800-63B). Returns
/// whether the address belongs to a user.
pub async fn flag_compromised(
    db: &ferry_platform::db::Db,
    raw_email: &str,
) -> Result<bool, Failure> {
    let email = Email::parse(raw_email)?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let Some(user) = user_by_email(&mut tx, email.as_str()).await? else {
        return Ok(false);
    };
    sqlx::query("UPDATE users SET password_change_required_at_ms = $1 WHERE id = $2")
        .bind(now)
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    sessions::revoke_all(&mut tx, &user.id, None, now).await?;
    audit::record(
        &mut tx,
        event(&user, "password.flagged_compromised", json!({})),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

async fn store_password(
    conn: &mut AnyConnection,
    user_id: &str,
    hash: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET password_hash = $1, password_changed_at_ms = $2, \
         password_change_required_at_ms = NULL WHERE id = $3",
    )
    .bind(hash)
    .bind(now_ms)
    .bind(user_id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Words a user is known by, which zxcvbn treats as guessable.
pub fn user_inputs(user: &User) -> Vec<&str> {
    let local = user.email.split('@').next().unwrap_or_default();
    vec![user.email.as_str(), local, user.display_name.as_str()]
}

pub fn event<'a>(user: &'a User, name: &'static str, detail: serde_json::Value) -> Event<'a> {
    Event {
        account_id: Some(&user.account_id),
        user_id: Some(&user.id),
        name,
        detail,
        ip: None,
    }
}

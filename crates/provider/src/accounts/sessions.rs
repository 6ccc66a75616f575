//! Signing in and the sessions it creates.
//!
//! A session is a 256-bit random token in an HttpOnly, SameSite=Lax cookie;
//! the database keeps its SHA-256. Every sign-in makes a new token (and ends
//! a session the browser already had), so a token planted before sign-in is
//! worth nothing (session fixation). Sessions end after the idle limit, the
//! absolute limit, sign-out, revocation, or a password reset.

use super::types::Email;
use super::{User, user_by_email};
use super::{credentials, two_factor};
use crate::app::{AppState, now_ms};
use crate::audit::{self, Event};
use crate::emails::{self, Mail};
use crate::error::{Failure, Problem};
use crate::tokens;
use serde_json::json;
use sqlx::{AnyConnection, Row};

pub const SESSION_COOKIE: &str = "ferry_session";

/// Consecutive failures that lock an account.
pub const LOCKOUT_AFTER_FAILURES: i64 = 5;
/// The first lockout; each further one doubles it (up to 64 times).
const FIRST_LOCKOUT_MS: i64 = 15 * 60 * 1000;

/// Who is calling and from where, as recorded with sessions and the log.
#[derive(Debug, Clone)]
pub struct Client {
    pub ip: String,
    pub user_agent: String,
}

/// A new session: the token goes into the cookie, never into storage.
pub struct NewSession {
    pub token: String,
    pub user: User,
}

/// What a correct password leads to.
pub enum SignIn {
    Session(Box<NewSession>),
    /// Two-factor is enabled: the code must follow, with this challenge.
    TwoFactorRequired {
        challenge: String,
    },
}

/// Checks the password (Argon2id, the same work for unknown addresses) and
/// opens a session. `previous_token` is the session cookie the browser
/// already had, which is ended.
pub async fn sign_in(
    app: &AppState,
    raw_email: &str,
    password: &str,
    client: &Client,
    previous_token: Option<&str>,
) -> Result<SignIn, Failure> {
    let email = Email::parse(raw_email).map_err(|_| Problem::InvalidCredentials)?;
    let user = {
        let mut conn = app.db.reader().acquire().await?;
        user_by_email(&mut conn, email.as_str()).await?
    };
    // A removed member, or anyone of a closed account, is answered like an
    // unknown address.
    let Some(user) =
        user.filter(|user| user.removed_at_ms.is_none() && user.account_closed_at_ms.is_none())
    else {
        app.hasher
            .verify(password.to_string(), app.dummy_hash.clone())
            .await?;
        return Err(Problem::InvalidCredentials.into());
    };
    let matches = app
        .hasher
        .verify(password.to_string(), user.password_hash.clone())
        .await?;
    let now = now_ms();
    if user.locked_until_ms.is_some_and(|until| until > now) {
        record(app, &user, client, "login.refused_locked", now).await?;
        return Err(Problem::InvalidCredentials.into());
    }
    if !matches {
        count_failure(app, &user, client, now).await?;
        return Err(Problem::InvalidCredentials.into());
    }
    if user.activated_at_ms.is_none() {
        return Err(Problem::NotActivated.into());
    }
    let user = force_change_if_too_old(app, user, now).await?;
    if user.two_factor_enabled() {
        let challenge = two_factor::open_challenge(app, &user, now).await?;
        return Ok(SignIn::TwoFactorRequired { challenge });
    }
    open(app, user, client, previous_token, None, now)
        .await
        .map(|session| SignIn::Session(Box::new(session)))
}

/// In `enforce` mode a password past its maximum age must be changed
/// before anything else (the default only reminds).
async fn force_change_if_too_old(
    app: &AppState,
    mut user: User,
    now: i64,
) -> Result<User, Failure> {
    let max_age_ms = app.security.password_max_age_days * 24 * 60 * 60 * 1000;
    let too_old = now - user.password_changed_at_ms >= max_age_ms;
    if app.security.enforce_password_max_age
        && too_old
        && user.password_change_required_at_ms.is_none()
    {
        sqlx::query("UPDATE users SET password_change_required_at_ms = $1 WHERE id = $2")
            .bind(now)
            .bind(&user.id)
            .execute(app.db.writer())
            .await?;
        user.password_change_required_at_ms = Some(now);
    }
    Ok(user)
}

/// The second step: a TOTP or recovery code for a pending sign-in.
pub async fn sign_in_second_step(
    app: &AppState,
    challenge: &str,
    code: &str,
    client: &Client,
    previous_token: Option<&str>,
) -> Result<NewSession, Failure> {
    let now = now_ms();
    let user = two_factor::answer_challenge(app, challenge, code, client, now).await?;
    open(app, user, client, previous_token, Some(now), now).await
}

async fn record(
    app: &AppState,
    user: &User,
    client: &Client,
    name: &'static str,
    now: i64,
) -> Result<(), Failure> {
    let mut tx = app.db.begin().await?;
    let event = Event {
        ip: Some(&client.ip),
        ..credentials::event(user, name, json!({}))
    };
    audit::record(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Counts a wrong password; the fifth in a row locks the account for 15
/// minutes, doubling with each lockout, and e-mails the owner.
async fn count_failure(
    app: &AppState,
    user: &User,
    client: &Client,
    now: i64,
) -> Result<(), Failure> {
    let mut tx = app.db.begin().await?;
    let row = sqlx::query("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins, lockouts")
        .bind(&user.id)
        .fetch_one(&mut *tx)
        .await?;
    let failures: i64 = row.try_get("failed_logins")?;
    let lockouts: i64 = row.try_get("lockouts")?;
    let event = Event {
        ip: Some(&client.ip),
        ..credentials::event(user, "login.failed", json!({ "consecutive": failures }))
    };
    audit::record(&mut tx, event, now).await?;
    if failures >= LOCKOUT_AFTER_FAILURES {
        let lock_ms = FIRST_LOCKOUT_MS.saturating_mul(1_i64 << lockouts.clamp(0, 6));
        sqlx::query("UPDATE users SET failed_logins = 0, lockouts = lockouts + 1, locked_until_ms = $1 WHERE id = $2")
            .bind(now + lock_ms)
            .bind(&user.id)
            .execute(&mut *tx)
            .await?;
        let reset = app.link("/forgot-password");
        let mail = Mail::Lockout {
            minutes: lock_ms / 60_000,
            reset: &reset,
        };
        emails::enqueue(&mut tx, &mail, &user.email, user.language, now).await?;
        let event = Event {
            ip: Some(&client.ip),
            ..credentials::event(
                user,
                "account.locked",
                json!({ "minutes": lock_ms / 60_000 }),
            )
        };
        audit::record(&mut tx, event, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn open(
    app: &AppState,
    user: User,
    client: &Client,
    previous_token: Option<&str>,
    two_factor_at_ms: Option<i64>,
    now: i64,
) -> Result<NewSession, Failure> {
    let mut tx = app.db.begin().await?;
    sqlx::query(
        "UPDATE users SET failed_logins = 0, lockouts = 0, locked_until_ms = NULL WHERE id = $1",
    )
    .bind(&user.id)
    .execute(&mut *tx)
    .await?;
    if let Some(previous) = previous_token {
        sqlx::query("UPDATE sessions SET revoked_at_ms = $1 WHERE token_hash = $2 AND revoked_at_ms IS NULL")
            .bind(now)
            .bind(tokens::hash(previous))
            .execute(&mut *tx)
            .await?;
    }
    warn_if_new_device(app, &mut tx, &user, client, now).await?;
    remind_if_password_old(app, &mut tx, &user, now).await?;
    let token = tokens::generate();
    let session_id = tokens::new_id("ses");
    sqlx::query(
        "INSERT INTO sessions (id, token_hash, user_id, csrf_token, user_agent, ip, created_at_ms, last_seen_at_ms, expires_at_ms, two_factor_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9)",
    )
    .bind(&session_id)
    .bind(tokens::hash(&token))
    .bind(&user.id)
    .bind(tokens::generate())
    .bind(truncate(&client.user_agent, 300))
    .bind(&client.ip)
    .bind(now)
    .bind(now + app.security.session_absolute_secs * 1000)
    .bind(two_factor_at_ms)
    .execute(&mut *tx)
    .await?;
    let event = Event {
        ip: Some(&client.ip),
        ..credentials::event(&user, "session.created", json!({ "session": session_id }))
    };
    audit::record(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(NewSession { token, user })
}

/// Once per password, a sign-in with a password older than the policy's
/// maximum age sends a reminder (a nudge, not a forced expiry).
async fn remind_if_password_old(
    app: &AppState,
    conn: &mut AnyConnection,
    user: &User,
    now: i64,
) -> Result<(), Failure> {
    let days = app.security.password_max_age_days;
    let due = sqlx::query(
        "UPDATE users SET password_reminder_sent_at_ms = $1 WHERE id = $2 AND password_changed_at_ms <= $3 \
         AND (password_reminder_sent_at_ms IS NULL OR password_reminder_sent_at_ms < password_changed_at_ms)",
    )
    .bind(now)
    .bind(&user.id)
    .bind(now - days * 24 * 60 * 60 * 1000)
    .execute(&mut *conn)
    .await?;
    if due.rows_affected() == 1 {
        let security = app.link("/security");
        emails::enqueue(
            conn,
            &Mail::PasswordReminder {
                days,
                security: &security,
            },
            &user.email,
            user.language,
            now,
        )
        .await?;
    }
    Ok(())
}

/// E-mails the owner when a browser signs in that never had a session
/// before (ASVS 6.3.5). The very first sign-in is not news.
async fn warn_if_new_device(
    app: &AppState,
    conn: &mut AnyConnection,
    user: &User,
    client: &Client,
    now: i64,
) -> Result<(), Failure> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS total, \
         CAST(SUM(CASE WHEN user_agent = $2 THEN 1 ELSE 0 END) AS BIGINT) AS same_device \
         FROM sessions WHERE user_id = $1",
    )
    .bind(&user.id)
    .bind(truncate(&client.user_agent, 300))
    .fetch_one(&mut *conn)
    .await?;
    let total: i64 = row.try_get("total")?;
    let same_device: Option<i64> = row.try_get("same_device")?;
    if total == 0 || same_device.unwrap_or(0) > 0 {
        return Ok(());
    }
    let device = if client.user_agent.is_empty() {
        "?"
    } else {
        client.user_agent.as_str()
    };
    let sessions = app.link("/security");
    let mail = Mail::NewDevice {
        device,
        ip: &client.ip,
        sessions: &sessions,
    };
    emails::enqueue(conn, &mail, &user.email, user.language, now).await?;
    Ok(())
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

/// A live session and its user.
#[derive(Debug, Clone)]
pub struct Current {
    pub session_id: String,
    pub csrf_token: String,
    /// When this session's holder proved the second factor.
    pub two_factor_at_ms: Option<i64>,
    /// Set when the caller used an API key instead of a session.
    pub api_key_id: Option<String>,
    pub user: User,
}

/// Writing `last_seen_at_ms` on every request would put a write on every
/// read; this much staleness is negligible against a 30-minute idle limit.
const TOUCH_EVERY_MS: i64 = 5_000;

/// The session a cookie token belongs to, if it is still live.
pub async fn current(app: &AppState, token: &str) -> Result<Option<Current>, Failure> {
    let now = now_ms();
    let row = sqlx::query(
        "SELECT id, user_id, csrf_token, last_seen_at_ms, expires_at_ms, two_factor_at_ms FROM sessions \
         WHERE token_hash = $1 AND revoked_at_ms IS NULL",
    )
    .bind(tokens::hash(token))
    .fetch_optional(app.db.reader())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let session_id: String = row.try_get("id")?;
    let last_seen: i64 = row.try_get("last_seen_at_ms")?;
    let expires: i64 = row.try_get("expires_at_ms")?;
    if now >= expires || now - last_seen >= app.security.session_idle_secs * 1000 {
        revoke(app.db.writer().acquire().await?.as_mut(), &session_id, now).await?;
        return Ok(None);
    }
    if now - last_seen >= TOUCH_EVERY_MS {
        sqlx::query("UPDATE sessions SET last_seen_at_ms = $1 WHERE id = $2")
            .bind(now)
            .bind(&session_id)
            .execute(app.db.writer())
            .await?;
    }
    let user_id: String = row.try_get("user_id")?;
    let mut conn = app.db.reader().acquire().await?;
    let Some(user) = super::user_by_id(&mut conn, &user_id).await? else {
        return Ok(None);
    };
    Ok(Some(Current {
        session_id,
        csrf_token: row.try_get("csrf_token")?,
        two_factor_at_ms: row.try_get("two_factor_at_ms")?,
        api_key_id: None,
        user,
    }))
}

async fn revoke(conn: &mut AnyConnection, session_id: &str, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now)
    .bind(session_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Ends every live session of `user_id` except `keep`.
pub async fn revoke_all(
    conn: &mut AnyConnection,
    user_id: &str,
    keep: Option<&str>,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at_ms = $1 WHERE user_id = $2 AND revoked_at_ms IS NULL AND id <> $3",
    )
    .bind(now)
    .bind(user_id)
    .bind(keep.unwrap_or(""))
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Ends one of the caller's own sessions; another user's id is "not found".
pub async fn revoke_own(
    app: &AppState,
    current: &Current,
    session_id: &str,
    ip: &str,
) -> Result<(), Failure> {
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at_ms = $1 WHERE id = $2 AND user_id = $3 AND revoked_at_ms IS NULL",
    )
    .bind(now)
    .bind(session_id)
    .bind(&current.user.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(Problem::NotFound.into());
    }
    let name = if session_id == current.session_id {
        "session.signed_out"
    } else {
        "session.revoked"
    };
    let event = Event {
        ip: Some(ip),
        ..credentials::event(&current.user, name, json!({ "session": session_id }))
    };
    audit::record(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends all the caller's other sessions.
pub async fn revoke_others(app: &AppState, current: &Current, ip: &str) -> Result<u64, Failure> {
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    let ended = revoke_all(&mut tx, &current.user.id, Some(&current.session_id), now).await?;
    let event = Event {
        ip: Some(ip),
        ..credentials::event(
            &current.user,
            "session.revoked_others",
            json!({ "ended": ended }),
        )
    };
    audit::record(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(ended)
}

/// A live session as listed to its owner.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SessionView {
    pub id: String,
    pub user_agent: String,
    pub ip: String,
    pub created_at_ms: i64,
    pub last_seen_at_ms: i64,
    pub current: bool,
}

pub async fn list(app: &AppState, current: &Current) -> Result<Vec<SessionView>, Failure> {
    let now = now_ms();
    let rows = sqlx::query(
        "SELECT id, user_agent, ip, created_at_ms, last_seen_at_ms FROM sessions \
         WHERE user_id = $1 AND revoked_at_ms IS NULL AND expires_at_ms > $2 AND last_seen_at_ms > $3 \
         ORDER BY last_seen_at_ms DESC",
    )
    .bind(&current.user.id)
    .bind(now)
    .bind(now - app.security.session_idle_secs * 1000)
    .fetch_all(app.db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("id")?;
            Ok(SessionView {
                current: id == current.session_id,
                id,
                user_agent: row.try_get("user_agent")?,
                ip: row.try_get("ip")?,
                created_at_ms: row.try_get("created_at_ms")?,
                last_seen_at_ms: row.try_get("last_seen_at_ms")?,
            })
        })
        .collect()
}

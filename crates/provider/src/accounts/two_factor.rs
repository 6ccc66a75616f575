//! TOTP two-factor authentication (RFC 6238: SHA-1, 6 digits, 30-second
//! steps). A code is accepted for the current step or the one before (the
//! network delay RFC 6238 §5.2 allows), never a later one, and only for a
//! step after the last accepted one, so each code works once.
//!
//! Enabling needs the password (re-authentication, ASVS 7.5.1) and then a
//! correct code; it hands out 10 single-use recovery codes, stored hashed.

use super::sessions::{Client, Current};
use super::{User, credentials, user_by_id};
use crate::app::{AppState, now_ms};
use crate::audit::{self, Event};
use crate::error::{Failure, Problem};
use crate::tokens;
use qrcode::QrCode;
use qrcode::render::svg;
use rand::Rng;
use serde_json::json;
use sqlx::{AnyConnection, Row};
use totp_rs::{Builder, Secret, Totp};

const STEP_SECS: i64 = 30;
const RECOVERY_CODES: usize = 10;
const ISSUER: &str = "Ferry";

/// What a user needs to add Ferry to an authenticator app.
#[derive(Debug, serde::Serialize)]
pub struct Enrollment {
    /// Base32, for typing in by hand.
    pub secret: String,
    pub otpauth_url: String,
    /// The same URL as a QR code.
    pub qr_svg: String,
}

fn totp(secret_base32: &str, account_name: &str) -> Result<Totp, Failure> {
    let secret = Secret::try_from_base32(secret_base32)
        .map_err(|error| Failure::Internal(format!("stored TOTP secret: {error}")))?;
    Builder::new()
        .with_secret(secret)
        // Skew is handled here (T and T−1 only), not by the library (T±1).
        .with_skew(0)
        .with_account_name(account_name)
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|error| Failure::Internal(format!("TOTP: {error}")))
}

/// The step a code belongs to, if it is the current or the previous one.
fn matching_step(totp: &Totp, code: &str, now_ms: i64) -> Option<i64> {
    let now_secs = u64::try_from(now_ms / 1000).ok()?;
    let step_secs = STEP_SECS.unsigned_abs();
    [now_secs, now_secs.saturating_sub(step_secs)]
        .into_iter()
        .find_map(|at| totp.check(code.trim(), at))
        .and_then(|step| i64::try_from(step).ok())
}

/// Starts enrolment: a new secret (160 bits from the CSPRNG) waits for a
/// correct code. Needs the password.
pub async fn start(
    app: &AppState,
    current: &Current,
    password: &str,
) -> Result<Enrollment, Failure> {
    let user = &current.user;
    if user.two_factor_enabled() {
        return Err(Problem::TwoFactorAlreadyEnabled.into());
    }
    if !app
        .hasher
        .verify(password.to_string(), user.password_hash.clone())
        .await?
    {
        return Err(Problem::CurrentPasswordWrong.into());
    }
    let secret = Secret::generate().to_base32();
    let totp = totp(&secret, &user.email)?;
    let otpauth_url = totp
        .to_url()
        .map_err(|error| Failure::Internal(format!("otpauth URL: {error}")))?;
    let qr_svg = QrCode::new(otpauth_url.as_bytes())
        .map_err(|error| Failure::Internal(format!("QR code: {error}")))?
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build();
    sqlx::query("UPDATE users SET totp_pending_secret = $1 WHERE id = $2")
        .bind(&secret)
        .bind(&user.id)
        .execute(app.db.writer())
        .await?;
    Ok(Enrollment {
        secret,
        otpauth_url,
        qr_svg,
    })
}

/// Enables two-factor when `code` matches the pending secret; returns the
/// recovery codes (shown once). This session counts as two-factor verified.
pub async fn confirm(
    app: &AppState,
    current: &Current,
    code: &str,
    client: &Client,
) -> Result<Vec<String>, Failure> {
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    let row = sqlx::query("SELECT totp_pending_secret, totp_secret FROM users WHERE id = $1")
        .bind(&current.user.id)
        .fetch_one(&mut *tx)
        .await?;
    if row.try_get::<Option<String>, _>("totp_secret")?.is_some() {
        return Err(Problem::TwoFactorAlreadyEnabled.into());
    }
    let pending: String = row
        .try_get::<Option<String>, _>("totp_pending_secret")?
        .ok_or(Problem::NoEnrollmentPending)?;
    let step = matching_step(&totp(&pending, &current.user.email)?, code, now)
        .ok_or(Problem::InvalidCode)?;
    sqlx::query(
        "UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, \
         totp_enabled_at_ms = $1, totp_last_step = $2 WHERE id = $3",
    )
    .bind(now)
    .bind(step)
    .bind(&current.user.id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE sessions SET two_factor_at_ms = $1 WHERE id = $2")
        .bind(now)
        .bind(&current.session_id)
        .execute(&mut *tx)
        .await?;
    let codes = replace_recovery_codes(&mut tx, &current.user.id, now).await?;
    record(&mut tx, &current.user, "two_factor.enabled", client, now).await?;
    tx.commit().await?;
    Ok(codes)
}

/// Turns two-factor off; needs the password and a code.
pub async fn disable(
    app: &AppState,
    current: &Current,
    password: &str,
    code: &str,
    client: &Client,
) -> Result<(), Failure> {
    let user = &current.user;
    if !user.two_factor_enabled() {
        return Err(Problem::TwoFactorRequired.into());
    }
    if !app
        .hasher
        .verify(password.to_string(), user.password_hash.clone())
        .await?
    {
        return Err(Problem::CurrentPasswordWrong.into());
    }
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    if !accept_code(&mut tx, user, code, now).await? {
        return Err(Problem::InvalidCode.into());
    }
    sqlx::query(
        "UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_enabled_at_ms = NULL, \
         totp_last_step = NULL WHERE id = $1",
    )
    .bind(&user.id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    record(&mut tx, user, "two_factor.disabled", client, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The server-side guard for sensitive actions (binding a store, changing
/// receiving or withdrawal details, moving money): the user has two-factor
/// enabled and proved it for this session.
pub fn require_two_factor(current: &Current) -> Result<(), Problem> {
    if current.user.two_factor_enabled() && current.two_factor_at_ms.is_some() {
        Ok(())
    } else {
        Err(Problem::TwoFactorRequired)
    }
}

/// New recovery codes, replacing the old ones; needs a two-factor session.
pub async fn regenerate_recovery_codes(
    app: &AppState,
    current: &Current,
    client: &Client,
) -> Result<Vec<String>, Failure> {
    require_two_factor(current)?;
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    let codes = replace_recovery_codes(&mut tx, &current.user.id, now).await?;
    record(
        &mut tx,
        &current.user,
        "two_factor.recovery_codes_replaced",
        client,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// Accepts a TOTP code (once per step) or an unused recovery code.
pub async fn accept_code(
    conn: &mut AnyConnection,
    user: &User,
    code: &str,
    now: i64,
) -> Result<bool, Failure> {
    let code = code.trim();
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        let Some(secret) = &user.totp_secret else {
            return Ok(false);
        };
        let Some(step) = matching_step(&totp(secret, &user.email)?, code, now) else {
            return Ok(false);
        };
        // Only a step after the last accepted one: a replayed or older code
        // changes no row.
        let accepted = sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(&user.id)
        .execute(&mut *conn)
        .await?;
        return Ok(accepted.rows_affected() == 1);
    }
    let used = sqlx::query(
        "UPDATE recovery_codes SET used_at_ms = $1 WHERE code_hash = $2 AND user_id = $3 AND used_at_ms IS NULL",
    )
    .bind(now)
    .bind(tokens::hash(&normalize_recovery_code(code)))
    .bind(&user.id)
    .execute(&mut *conn)
    .await?;
    Ok(used.rows_affected() == 1)
}

fn normalize_recovery_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Ten codes like `k3f9q-x7m2p` (50 random bits each).
fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: String = (0..10)
                .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

async fn replace_recovery_codes(
    conn: &mut AnyConnection,
    user_id: &str,
    now: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    let codes = new_recovery_codes();
    for code in &codes {
        sqlx::query(
            "INSERT INTO recovery_codes (code_hash, user_id, created_at_ms) VALUES ($1, $2, $3)",
        )
        .bind(tokens::hash(&normalize_recovery_code(code)))
        .bind(user_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(codes)
}

async fn record(
    conn: &mut AnyConnection,
    user: &User,
    name: &'static str,
    client: &Client,
    now: i64,
) -> Result<(), sqlx::Error> {
    let event = Event {
        ip: Some(&client.ip),
        ..credentials::event(user, name, json!({}))
    };
    audit::record(conn, event, now).await
}

/// A pending sign-in lasts five minutes and allows five wrong codes.
const CHALLENGE_LIFETIME_MS: i64 = 5 * 60 * 1000;
const CHALLENGE_ATTEMPTS: i64 = 5;

/// Opens the second step of a sign-in; the token goes to the client.
pub async fn open_challenge(app: &AppState, user: &User, now: i64) -> Result<String, Failure> {
    let token = tokens::generate();
    sqlx::query("INSERT INTO login_challenges (token_hash, user_id, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4)")
        .bind(tokens::hash(&token))
        .bind(&user.id)
        .bind(now)
        .bind(now + CHALLENGE_LIFETIME_MS)
        .execute(app.db.writer())
        .await?;
    Ok(token)
}

/// Checks the code for a pending sign-in; returns the user when it passes.
/// A wrong code uses up one attempt (and is logged).
pub async fn answer_challenge(
    app: &AppState,
    challenge: &str,
    code: &str,
    client: &Client,
    now: i64,
) -> Result<User, Failure> {
    let challenge_hash = tokens::hash(challenge.trim());
    let mut tx = app.db.begin().await?;
    let row = sqlx::query(
        "SELECT user_id FROM login_challenges WHERE token_hash = $1 AND used_at_ms IS NULL \
         AND expires_at_ms > $2 AND failed_attempts < $3",
    )
    .bind(&challenge_hash)
    .bind(now)
    .bind(CHALLENGE_ATTEMPTS)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Problem::ChallengeInvalid)?;
    let user_id: String = row.try_get("user_id")?;
    let user = user_by_id(&mut tx, &user_id)
        .await?
        .ok_or(Problem::ChallengeInvalid)?;
    if !accept_code(&mut tx, &user, code, now).await? {
        // The failure must be kept even though the sign-in fails, so it is
        // committed in this transaction rather than rolled back.
        sqlx::query("UPDATE login_challenges SET failed_attempts = failed_attempts + 1 WHERE token_hash = $1")
            .bind(&challenge_hash)
            .execute(&mut *tx)
            .await?;
        record(&mut tx, &user, "login.two_factor_failed", client, now).await?;
        tx.commit().await?;
        return Err(Problem::InvalidCode.into());
    }
    sqlx::query("UPDATE login_challenges SET used_at_ms = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(&challenge_hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(user)
}

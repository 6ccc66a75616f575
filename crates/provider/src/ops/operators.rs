//! Operator accounts: separate from sellers (own table, own cookie), created
//! from the command line with a one-time password, and unusable until the
//! operator has chosen a password and enrolled TOTP two-factor at the first
//! sign-in. Every sign-in after that needs a code.

use crate::accounts::sessions::Client;
use crate::accounts::two_factor::Enrollment;
use crate::accounts::types::Email;
use crate::app::AppState;
use crate::audit::{self, Event};
use crate::error::{Failure, Problem};
use crate::kyc::problem::{Fault, KycProblem};
use crate::password::{Hasher, NewPassword};
use crate::tokens;
use ferry_platform::db::Db;
use qrcode::QrCode;
use qrcode::render::svg;
use serde_json::json;
use sqlx::{AnyConnection, Row};
use totp_rs::{Builder, Secret, Totp};

pub const OPS_SESSION_COOKIE: &str = "ferry_ops_session";
/// Operator sessions are shorter than sellers': 8 hours, 15 minutes idle.
const SESSION_ABSOLUTE_MS: i64 = 8 * 60 * 60 * 1000;
const SESSION_IDLE_MS: i64 = 15 * 60 * 1000;
const LOCKOUT_AFTER_FAILURES: i64 = 5;
const LOCKOUT_MS: i64 = 15 * 60 * 1000;
const STEP_SECS: i64 = 30;

#[derive(Debug, Clone)]
pub struct Operator {
    pub id: String,
    pub email: String,
    password_hash: String,
    pub password_change_required: bool,
    totp_secret: Option<String>,
    totp_pending_secret: Option<String>,
    failed_logins: i64,
    locked_until_ms: Option<i64>,
}

const OPERATOR_COLUMNS: &str = "id, email, password_hash, password_change_required_at_ms, totp_secret, totp_pending_secret, failed_logins, locked_until_ms";

fn operator_from_row(row: &sqlx::any::AnyRow) -> Result<Operator, sqlx::Error> {
    Ok(Operator {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        password_hash: row.try_get("password_hash")?,
        password_change_required: row
            .try_get::<Option<i64>, _>("password_change_required_at_ms")?
            .is_some(),
        totp_secret: row.try_get("totp_secret")?,
        totp_pending_secret: row.try_get("totp_pending_secret")?,
        failed_logins: row.try_get("failed_logins")?,
        locked_until_ms: row.try_get("locked_until_ms")?,
    })
}

async fn operator_where(
    conn: &mut AnyConnection,
    column: &str,
    value: &str,
) -> Result<Option<Operator>, sqlx::Error> {
    let sql = format!("SELECT {OPERATOR_COLUMNS} FROM operators WHERE {column} = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(operator_from_row).transpose()
}

fn operator_event<'a>(operator_id: &'a str, name: &'static str, ip: Option<&'a str>) -> Event<'a> {
    Event {
        account_id: None,
        user_id: None,
        name,
        detail: json!({ "operator": operator_id }),
        ip,
    }
}

/// Creates an operator with a random one-time password, which is returned
/// (to be printed once) and must be changed at the first sign-in.
pub async fn create(
    db: &Db,
    hasher: Hasher,
    raw_email: &str,
    now_ms: i64,
) -> Result<String, Failure> {
    let email = Email::parse(raw_email)?;
    let one_time_password = tokens::generate();
    let hash = hasher.hash(one_time_password.clone()).await?;
    let id = tokens::new_id("opr");
    let mut tx = db.begin().await?;
    if operator_where(&mut tx, "email", email.as_str())
        .await?
        .is_some()
    {
        return Err(Failure::Internal(format!(
            "an operator {} exists already",
            email.as_str()
        )));
    }
    sqlx::query(
        "INSERT INTO operators (id, email, password_hash, password_change_required_at_ms, created_at_ms) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(&id)
    .bind(email.as_str())
    .bind(&hash)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        operator_event(&id, "operator.created", None),
        now_ms,
    )
    .await?;
    tx.commit().await?;
    Ok(one_time_password)
}

/// For `ferry up`: creates `email` as the first operator when there is no
/// operator yet, returning its one-time password.
pub async fn create_first(
    db: &Db,
    hasher: Hasher,
    email: &str,
    now_ms: i64,
) -> Result<Option<String>, Failure> {
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM operators")
        .fetch_one(db.reader())
        .await?
        .try_get("n")?;
    if count > 0 {
        return Ok(None);
    }
    create(db, hasher, email, now_ms).await.map(Some)
}

fn totp(secret_base32: &str, email: &str) -> Result<Totp, Failure> {
    let secret = Secret::try_from_base32(secret_base32)
        .map_err(|error| Failure::Internal(format!("stored TOTP secret: {error}")))?;
    Builder::new()
        .with_secret(secret)
        .with_skew(0)
        .with_account_name(email)
        .with_issuer(Some("Ferry ops"))
        .build()
        .map_err(|error| Failure::Internal(format!("TOTP: {error}")))
}

/// Accepts a code for the current or the previous 30-second step, once.
async fn accept_code(
    conn: &mut AnyConnection,
    operator_id: &str,
    secret: &str,
    email: &str,
    code: &str,
    now_ms: i64,
) -> Result<bool, Failure> {
    let totp = totp(secret, email)?;
    let Ok(now_secs) = u64::try_from(now_ms / 1000) else {
        return Ok(false);
    };
    let step = [now_secs, now_secs.saturating_sub(STEP_SECS.unsigned_abs())]
        .into_iter()
        .find_map(|at| totp.check(code.trim(), at))
        .and_then(|step| i64::try_from(step).ok());
    let Some(step) = step else { return Ok(false) };
    let accepted = sqlx::query(
        "UPDATE operators SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(operator_id)
    .execute(&mut *conn)
    .await?;
    Ok(accepted.rows_affected() == 1)
}

/// What a correct sign-in opens.
pub struct OpsSignIn {
    pub token: String,
    /// The session may only enrol two-factor (and set a password).
    pub enrollment_required: bool,
}

/// Password, then (once enrolled) a TOTP code, in one request.
pub async fn sign_in(
    app: &AppState,
    raw_email: &str,
    password: &str,
    code: Option<&str>,
    client: &Client,
    now_ms: i64,
) -> Result<OpsSignIn, Failure> {
    let email = Email::parse(raw_email).map_err(|_| Problem::InvalidCredentials)?;
    let operator = {
        let mut conn = app.db.reader().acquire().await?;
        operator_where(&mut conn, "email", email.as_str()).await?
    };
    let Some(operator) = operator else {
        app.hasher
            .verify(password.to_string(), app.dummy_hash.clone())
            .await?;
        return Err(Problem::InvalidCredentials.into());
    };
    let matches = app
        .hasher
        .verify(password.to_string(), operator.password_hash.clone())
        .await?;
    if operator.locked_until_ms.is_some_and(|until| until > now_ms) {
        return Err(Problem::InvalidCredentials.into());
    }
    let mut tx = app.db.begin().await?;
    if !matches {
        count_failure(&mut tx, &operator, client, now_ms).await?;
        tx.commit().await?;
        return Err(Problem::InvalidCredentials.into());
    }
    let two_factor_at_ms = match (&operator.totp_secret, code) {
        (None, _) => None,
        (Some(_), None) => return Err(Problem::TwoFactorRequired.into()),
        (Some(secret), Some(code)) => {
            if !accept_code(&mut tx, &operator.id, secret, &operator.email, code, now_ms).await? {
                count_failure(&mut tx, &operator, client, now_ms).await?;
                tx.commit().await?;
                return Err(Problem::InvalidCode.into());
            }
            Some(now_ms)
        }
    };
    sqlx::query("UPDATE operators SET failed_logins = 0, locked_until_ms = NULL WHERE id = $1")
        .bind(&operator.id)
        .execute(&mut *tx)
        .await?;
    let token = tokens::generate();
    sqlx::query(
        "INSERT INTO operator_sessions (id, token_hash, operator_id, csrf_token, created_at_ms, last_seen_at_ms, expires_at_ms, two_factor_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7)",
    )
    .bind(tokens::new_id("ops"))
    .bind(tokens::hash(&token))
    .bind(&operator.id)
    .bind(tokens::generate())
    .bind(now_ms)
    .bind(now_ms + SESSION_ABSOLUTE_MS)
    .bind(two_factor_at_ms)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        operator_event(&operator.id, "operator.signed_in", Some(&client.ip)),
        now_ms,
    )
    .await?;
    tx.commit().await?;
    Ok(OpsSignIn {
        token,
        enrollment_required: two_factor_at_ms.is_none(),
    })
}

async fn count_failure(
    conn: &mut AnyConnection,
    operator: &Operator,
    client: &Client,
    now_ms: i64,
) -> Result<(), Failure> {
    let failures = operator.failed_logins + 1;
    let locked_until = (failures >= LOCKOUT_AFTER_FAILURES).then_some(now_ms + LOCKOUT_MS);
    sqlx::query("UPDATE operators SET failed_logins = $1, locked_until_ms = $2 WHERE id = $3")
        .bind(if locked_until.is_some() { 0 } else { failures })
        .bind(locked_until)
        .bind(&operator.id)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        operator_event(&operator.id, "operator.sign_in_failed", Some(&client.ip)),
        now_ms,
    )
    .await?;
    Ok(())
}

/// A live operator session.
#[derive(Debug, Clone)]
pub struct OpsSession {
    pub session_id: String,
    pub csrf_token: String,
    pub operator: Operator,
    pub two_factor_at_ms: Option<i64>,
}

impl OpsSession {
    /// Enrolled, proven with a code in this session, own password chosen.
    pub fn is_complete(&self) -> bool {
        self.two_factor_at_ms.is_some() && !self.operator.password_change_required
    }

    pub fn require_complete(&self) -> Result<(), Fault> {
        if self.is_complete() {
            Ok(())
        } else {
            Err(KycProblem::OperatorEnrollmentRequired.into())
        }
    }
}

pub async fn current(
    app: &AppState,
    token: &str,
    now_ms: i64,
) -> Result<Option<OpsSession>, Failure> {
    let row = sqlx::query(
        "SELECT id, operator_id, csrf_token, last_seen_at_ms, expires_at_ms, two_factor_at_ms FROM operator_sessions \
         WHERE token_hash = $1 AND revoked_at_ms IS NULL",
    )
    .bind(tokens::hash(token))
    .fetch_optional(app.db.reader())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let session_id: String = row.try_get("id")?;
    let last_seen: i64 = row.try_get("last_seen_at_ms")?;
    let expires: i64 = row.try_get("expires_at_ms")?;
    if now_ms >= expires || now_ms - last_seen >= SESSION_IDLE_MS {
        end_session(&app.db, &session_id, now_ms).await?;
        return Ok(None);
    }
    sqlx::query("UPDATE operator_sessions SET last_seen_at_ms = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(&session_id)
        .execute(app.db.writer())
        .await?;
    let operator_id: String = row.try_get("operator_id")?;
    let mut conn = app.db.reader().acquire().await?;
    let Some(operator) = operator_where(&mut conn, "id", &operator_id).await? else {
        return Ok(None);
    };
    Ok(Some(OpsSession {
        session_id,
        csrf_token: row.try_get("csrf_token")?,
        operator,
        two_factor_at_ms: row.try_get("two_factor_at_ms")?,
    }))
}

pub async fn end_session(db: &Db, session_id: &str, now_ms: i64) -> Result<(), Failure> {
    sqlx::query(
        "UPDATE operator_sessions SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(session_id)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// Starts TOTP enrolment for an operator who has none yet.
pub async fn start_enrollment(app: &AppState, session: &OpsSession) -> Result<Enrollment, Failure> {
    if session.operator.totp_secret.is_some() {
        return Err(Problem::TwoFactorAlreadyEnabled.into());
    }
    let secret = Secret::generate().to_base32();
    let totp = totp(&secret, &session.operator.email)?;
    let otpauth_url = totp
        .to_url()
        .map_err(|error| Failure::Internal(format!("otpauth URL: {error}")))?;
    let qr_svg = QrCode::new(otpauth_url.as_bytes())
        .map_err(|error| Failure::Internal(format!("QR code: {error}")))?
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build();
    sqlx::query("UPDATE operators SET totp_pending_secret = $1 WHERE id = $2")
        .bind(&secret)
        .bind(&session.operator.id)
        .execute(app.db.writer())
        .await?;
    Ok(Enrollment {
        secret,
        otpauth_url,
        qr_svg,
    })
}

/// Confirms enrolment with a code and, while the password is the printed
/// one-time password, sets the operator's own password. The session then
/// counts as two-factor verified.
pub async fn confirm_enrollment(
    app: &AppState,
    session: &OpsSession,
    code: &str,
    new_password: Option<&str>,
    client: &Client,
    now_ms: i64,
) -> Result<(), Failure> {
    let operator = &session.operator;
    let Some(pending) = &operator.totp_pending_secret else {
        return Err(Problem::NoEnrollmentPending.into());
    };
    let new_hash = match (operator.password_change_required, new_password) {
        (true, None) => return Err(Problem::PasswordChangeRequired.into()),
        (true, Some(candidate)) => {
            let password = NewPassword::parse(candidate, &[&operator.email])?;
            Some(app.hasher.hash(password.expose().to_string()).await?)
        }
        (false, _) => None,
    };
    let mut tx = app.db.begin().await?;
    if !accept_code(
        &mut tx,
        &operator.id,
        pending,
        &operator.email,
        code,
        now_ms,
    )
    .await?
    {
        return Err(Problem::InvalidCode.into());
    }
    sqlx::query("UPDATE operators SET totp_secret = totp_pending_secret, totp_pending_secret = NULL WHERE id = $1")
        .bind(&operator.id)
        .execute(&mut *tx)
        .await?;
    if let Some(hash) = new_hash {
        sqlx::query("UPDATE operators SET password_hash = $1, password_change_required_at_ms = NULL WHERE id = $2")
            .bind(&hash)
            .bind(&operator.id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE operator_sessions SET two_factor_at_ms = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(&session.session_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        operator_event(
            &operator.id,
            "operator.two_factor_enabled",
            Some(&client.ip),
        ),
        now_ms,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

//! Registration and activation. The answer to a registration never says
//! whether the address was known: a new address gets an activation e-mail,
//! a registered one gets "someone tried to register with your address", and
//! one still waiting for activation gets a fresh activation e-mail.

use super::credentials::{self, Purpose};
use super::types::{AccountKind, DisplayName, Email, parse_language};
use super::{User, user_by_email, user_by_id};
use crate::app::{AppState, now_ms};
use crate::audit::{self, Event};
use crate::emails::{self, Mail};
use crate::error::{Failure, Problem};
use crate::i18n::Lang;
use crate::password::NewPassword;
use crate::tokens;
use serde_json::json;
use sqlx::AnyConnection;

/// A registration as the caller sent it.
#[derive(Debug, serde::Deserialize)]
pub struct RegistrationRequest {
    pub email: String,
    pub password: String,
    pub account_kind: String,
    pub display_name: String,
    pub language: Option<String>,
}

/// A registration that passed validation.
struct Registration {
    email: Email,
    password: NewPassword,
    kind: AccountKind,
    name: DisplayName,
    lang: Lang,
}

impl Registration {
    fn parse(request: &RegistrationRequest) -> Result<Self, Problem> {
        let email = Email::parse(&request.email)?;
        let name = DisplayName::parse(&request.display_name)?;
        let kind = AccountKind::parse(&request.account_kind)?;
        let lang = parse_language(request.language.as_deref())?;
        let password = NewPassword::parse(
            &request.password,
            &[email.as_str(), email.local_part(), name.as_str()],
        )?;
        Ok(Self {
            email,
            password,
            kind,
            name,
            lang,
        })
    }
}

pub async fn register(
    app: &AppState,
    request: &RegistrationRequest,
    ip: &str,
) -> Result<(), Failure> {
    let registration = Registration::parse(request)?;
    // Hashed whatever the address, so known and new addresses take as long.
    let hash = app
        .hasher
        .hash(registration.password.expose().to_string())
        .await?;
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    match user_by_email(&mut tx, registration.email.as_str()).await? {
        Some(user) => answer_known_address(app, &mut tx, &user, ip, now).await?,
        None => create(app, &mut tx, &registration, &hash, ip, now).await?,
    }
    match tx.commit().await {
        Ok(()) => Ok(()),
        // A concurrent registration took the address first: the caller gets
        // the same answer as for any known address.
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => Ok(()),
        Err(error) => Err(error.into()),
    }
}

async fn create(
    app: &AppState,
    conn: &mut AnyConnection,
    registration: &Registration,
    password_hash: &str,
    ip: &str,
    now: i64,
) -> Result<(), Failure> {
    let account_id = tokens::new_id("acct");
    let user_id = tokens::new_id("usr");
    sqlx::query("INSERT INTO seller_accounts (id, kind, display_name, created_at_ms) VALUES ($1, $2, $3, $4)")
        .bind(&account_id)
        .bind(registration.kind.as_str())
        .bind(registration.name.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let inserted = sqlx::query(
        "INSERT INTO users (id, account_id, email, display_name, role, language, password_hash, \
         password_changed_at_ms, created_at_ms) VALUES ($1, $2, $3, $4, 'owner', $5, $6, $7, $7)",
    )
    .bind(&user_id)
    .bind(&account_id)
    .bind(registration.email.as_str())
    .bind(registration.name.as_str())
    .bind(registration.lang.tag())
    .bind(password_hash)
    .bind(now)
    .execute(&mut *conn)
    .await;
    match inserted {
        Ok(_) => {}
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => return Ok(()),
        Err(error) => return Err(error.into()),
    }
    let user = user_by_id(conn, &user_id)
        .await?
        .ok_or_else(|| Failure::Internal("new user vanished".into()))?;
    send_activation(app, conn, &user, now).await?;
    let event = Event {
        ip: Some(ip),
        ..credentials::event(
            &user,
            "account.registered",
            json!({ "kind": registration.kind.as_str() }),
        )
    };
    audit::record(conn, event, now).await?;
    Ok(())
}

async fn answer_known_address(
    app: &AppState,
    conn: &mut AnyConnection,
    user: &User,
    ip: &str,
    now: i64,
) -> Result<(), Failure> {
    if user.activated_at_ms.is_none() {
        return resend_if_due(app, conn, user, now).await;
    }
    let sign_in = app.link("/sign-in");
    let reset = app.link("/forgot-password");
    let mail = Mail::AlreadyRegistered {
        sign_in: &sign_in,
        reset: &reset,
    };
    emails::enqueue(conn, &mail, &user.email, user.language, now).await?;
    let event = Event {
        ip: Some(ip),
        ..credentials::event(user, "registration.address_taken", json!({}))
    };
    audit::record(conn, event, now).await?;
    Ok(())
}

async fn send_activation(
    app: &AppState,
    conn: &mut AnyConnection,
    user: &User,
    now: i64,
) -> Result<(), Failure> {
    let token = credentials::issue(conn, &user.id, Purpose::Activation, now).await?;
    let link = app.link(&format!("/activate?token={token}"));
    emails::enqueue(
        conn,
        &Mail::Activation { link: &link },
        &user.email,
        user.language,
        now,
    )
    .await?;
    Ok(())
}

/// A new activation e-mail unless one went out within the resend interval.
async fn resend_if_due(
    app: &AppState,
    conn: &mut AnyConnection,
    user: &User,
    now: i64,
) -> Result<(), Failure> {
    let throttle_from = now - app.security.email_resend_interval_secs * 1000;
    if credentials::issued_since(conn, &user.id, Purpose::Activation, throttle_from).await? {
        return Ok(());
    }
    send_activation(app, conn, user, now).await
}

/// Resends the activation e-mail to an address waiting for activation.
/// Says nothing about whether the address is known.
pub async fn resend_activation(app: &AppState, raw_email: &str) -> Result<(), Failure> {
    let email = Email::parse(raw_email)?;
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    if let Some(user) = user_by_email(&mut tx, email.as_str()).await?
        && user.activated_at_ms.is_none()
    {
        resend_if_due(app, &mut tx, &user, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Activates the account a token was sent for.
pub async fn activate(app: &AppState, token: &str, ip: &str) -> Result<(), Failure> {
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    let user_id = credentials::consume(&mut tx, token, Purpose::Activation, now).await?;
    sqlx::query("UPDATE users SET activated_at_ms = $1 WHERE id = $2 AND activated_at_ms IS NULL")
        .bind(now)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
    let user = user_by_id(&mut tx, &user_id)
        .await?
        .ok_or(Problem::TokenInvalid)?;
    let event = Event {
        ip: Some(ip),
        ..credentials::event(&user, "account.activated", json!({}))
    };
    audit::record(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

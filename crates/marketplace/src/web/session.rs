//! Sign-in sessions. The cookie carries a random id; the table keeps its
//! hash, the user, and whether the second step passed. The cookie is
//! `HttpOnly` and `SameSite=Lax`: Lax still sends it when an app's
//! "Authorize" link brings the seller to the consent page, while a form
//! posted from another site arrives without it, which is the CSRF defence
//! for every state-changing form here.

use super::layout::path_with_query;
use crate::clock::real_now_ms;
use crate::crypto::{random_hex, token_hash};
use crate::sellers::{self, User};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use sqlx::{AnyConnection, Row};

pub const COOKIE: &str = "sc-session";
/// Sessions end after twelve hours, verified or not.
const SESSION_TTL_MS: i64 = 12 * 3600 * 1000;

/// A user who passed both sign-in steps.
pub struct SignedIn {
    pub user: User,
}

/// Starts a session that still needs the two-step code; returns the cookie.
pub async fn start(
    conn: &mut AnyConnection,
    user_id: &str,
) -> Result<Cookie<'static>, sqlx::Error> {
    let id = random_hex(32);
    let now_ms = real_now_ms();
    sqlx::query(
        "INSERT INTO web_sessions (session_hash, user_id, created_at_ms, expires_at_ms) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&id))
    .bind(user_id)
    .bind(now_ms)
    .bind(now_ms + SESSION_TTL_MS)
    .execute(conn)
    .await?;
    Ok(Cookie::build((COOKIE, id))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .build())
}

/// The session's user and whether the second step passed.
pub async fn lookup(
    conn: &mut AnyConnection,
    jar: &CookieJar,
) -> Result<Option<(User, bool)>, sqlx::Error> {
    let Some(cookie) = jar.get(COOKIE) else {
        return Ok(None);
    };
    let row = sqlx::query(
        "SELECT user_id, verified_at_ms FROM web_sessions \
         WHERE session_hash = $1 AND expires_at_ms > $2",
    )
    .bind(token_hash(cookie.value()))
    .bind(real_now_ms())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let user_id: String = row.try_get("user_id")?;
    let verified = row.try_get::<Option<i64>, _>("verified_at_ms")?.is_some();
    Ok(sellers::user_by_id(conn, &user_id)
        .await?
        .map(|user| (user, verified)))
}

pub async fn mark_verified(conn: &mut AnyConnection, jar: &CookieJar) -> Result<(), sqlx::Error> {
    if let Some(cookie) = jar.get(COOKIE) {
        sqlx::query("UPDATE web_sessions SET verified_at_ms = $1 WHERE session_hash = $2")
            .bind(real_now_ms())
            .bind(token_hash(cookie.value()))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Wrong two-step codes a sign-in may try before it must start again.
pub const MAX_FAILED_CODES: i64 = 5;

/// Counts a wrong two-step code; returns how many this sign-in has had.
pub async fn record_failed_code(
    conn: &mut AnyConnection,
    jar: &CookieJar,
) -> Result<i64, sqlx::Error> {
    let Some(cookie) = jar.get(COOKIE) else {
        return Ok(0);
    };
    let row = sqlx::query(
        "UPDATE web_sessions SET failed_codes = failed_codes + 1 WHERE session_hash = $1 \
         RETURNING failed_codes",
    )
    .bind(token_hash(cookie.value()))
    .fetch_optional(conn)
    .await?;
    row.map_or(Ok(0), |row| row.try_get("failed_codes"))
}

pub async fn end(conn: &mut AnyConnection, jar: &CookieJar) -> Result<(), sqlx::Error> {
    if let Some(cookie) = jar.get(COOKIE) {
        sqlx::query("DELETE FROM web_sessions WHERE session_hash = $1")
            .bind(token_hash(cookie.value()))
            .execute(conn)
            .await?;
    }
    Ok(())
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let jar = CookieJar::from_headers(&parts.headers);
        let to_signin = || {
            let return_to = parts
                .uri
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_string();
            Redirect::to(&path_with_query("/signin", &[("return_to", &return_to)])).into_response()
        };
        let mut conn = state
            .db
            .reader()
            .acquire()
            .await
            .map_err(|e| super::WebError::from(e).into_response())?;
        match lookup(&mut conn, &jar).await {
            Ok(Some((user, true))) => Ok(Self { user }),
            Ok(_) => Err(to_signin()),
            Err(error) => Err(super::WebError::from(error).into_response()),
        }
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Response> {
        let jar = CookieJar::from_headers(&parts.headers);
        let mut conn = state
            .db
            .reader()
            .acquire()
            .await
            .map_err(|e| super::WebError::from(e).into_response())?;
        match lookup(&mut conn, &jar).await {
            Ok(Some((user, true))) => Ok(Some(Self { user })),
            Ok(_) => Ok(None),
            Err(error) => Err(super::WebError::from(error).into_response()),
        }
    }
}

/// Only local paths are followed after sign-in, so the sign-in page cannot
/// be used to bounce a seller to another site.
pub fn safe_return_to(return_to: Option<&str>) -> String {
    match return_to {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

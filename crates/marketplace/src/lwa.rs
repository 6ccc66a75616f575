//! Login with Amazon's token endpoint, `POST /auth/o2/token`: the
//! `authorization_code` and `refresh_token` grants, and the grantless
//! `client_credentials` grant for the `sellingpartnerapi::migration` scope,
//! form-encoded, with LWA's response and error shapes, so an LWA client
//! works unchanged.

use crate::apps::{self, ACCESS_TOKEN_TTL_S, App, MIGRATION_SCOPE};
use crate::clock;
use crate::crypto::token_hash;
use crate::state::AppState;
use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::json;
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/auth/o2/token", post(token))
}

/// An error in LWA's shape: `{"error": "...", "error_description": "..."}`.
struct LwaError {
    status: StatusCode,
    error: &'static str,
    description: String,
}

impl LwaError {
    fn invalid_request(parameter: &str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_request",
            description: format!("The request is missing a required parameter : {parameter}"),
        }
    }

    fn invalid_client() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: "Client authentication failed".into(),
        }
    }

    fn invalid_grant(parameter: &str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_grant",
            description: format!("The request has an invalid grant parameter : {parameter}"),
        }
    }

    fn invalid_scope() -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_scope",
            description: "The request has an invalid parameter : scope".into(),
        }
    }

    fn unsupported_grant_type() -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "unsupported_grant_type",
            description:
                "The authorization grant type is not supported by the authorization server".into(),
        }
    }

    fn server_error(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error at the LWA token endpoint");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            error: "server_error",
            description: "The authorization server encountered an unexpected error".into(),
        }
    }
}

impl IntoResponse for LwaError {
    fn into_response(self) -> Response {
        let body = json!({ "error_description": self.description, "error": self.error });
        (
            self.status,
            [(header::CACHE_CONTROL, "no-store")],
            Json(body),
        )
            .into_response()
    }
}

impl From<sqlx::Error> for LwaError {
    fn from(error: sqlx::Error) -> Self {
        Self::server_error(error)
    }
}

type Params = HashMap<String, String>;

fn required<'a>(params: &'a Params, name: &str) -> Result<&'a str, LwaError> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| LwaError::invalid_request(name))
}

async fn token(
    State(state): State<AppState>,
    form: Result<Form<Params>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(params)) = form else {
        return LwaError::invalid_request("grant_type").into_response();
    };
    match issue(&state, &params).await {
        Ok(body) => (
            StatusCode::OK,
            [(header::CACHE_CONTROL, "no-store")],
            Json(body),
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

async fn issue(state: &AppState, params: &Params) -> Result<serde_json::Value, LwaError> {
    let grant_type = required(params, "grant_type")?;
    if !["authorization_code", "refresh_token", "client_credentials"].contains(&grant_type) {
        return Err(LwaError::unsupported_grant_type());
    }
    let client_id = required(params, "client_id")?;
    let client_secret = required(params, "client_secret")?;
    let now_ms = clock::now_ms(&state.db).await?;
    let mut tx = state.db.begin().await?;
    let app = authenticate_client(&mut tx, client_id, client_secret).await?;
    if grant_type == "client_credentials" {
        let body = grantless(&mut tx, &app, params, now_ms).await?;
        tx.commit().await?;
        return Ok(body);
    }
    let refresh_token = if grant_type == "authorization_code" {
        let code = required(params, "code")?;
        // A migration code (Authorization API) is sent to no redirect URI,
        // so its exchange names none.
        let redirect_uri = params.get("redirect_uri").map(String::as_str);
        exchange_code(&mut tx, &app, code, redirect_uri, now_ms).await?
    } else {
        let refresh_token = required(params, "refresh_token")?;
        check_refresh_token(&mut tx, &app, refresh_token, now_ms).await?;
        refresh_token.to_string()
    };
    let access_token =
        apps::issue_access_token(&mut tx, &token_hash(&refresh_token), now_ms).await?;
    tx.commit().await?;
    Ok(json!({
        "access_token": access_token,
        "refresh_token": refresh_token,
        "token_type": "bearer",
        "expires_in": ACCESS_TOKEN_TTL_S,
    }))
}

/// `grant_type=client_credentials`: a token for the app itself, no refresh
/// token. The sandbox knows one grantless scope, the migration of MWS
/// authorizations.
async fn grantless(
    conn: &mut AnyConnection,
    app: &App,
    params: &Params,
    now_ms: i64,
) -> Result<serde_json::Value, LwaError> {
    let scope = required(params, "scope")?;
    if scope != MIGRATION_SCOPE {
        return Err(LwaError::invalid_scope());
    }
    let access_token =
        apps::issue_grantless_token(conn, &app.application_id, scope, now_ms).await?;
    Ok(json!({
        "access_token": access_token,
        "scope": scope,
        "token_type": "bearer",
        "expires_in": ACCESS_TOKEN_TTL_S,
    }))
}

async fn authenticate_client(
    conn: &mut AnyConnection,
    client_id: &str,
    client_secret: &str,
) -> Result<App, LwaError> {
    let app = apps::app_by_client_id(conn, client_id)
        .await?
        .ok_or_else(LwaError::invalid_client)?;
    if app.client_secret_hash != token_hash(client_secret) {
        return Err(LwaError::invalid_client());
    }
    Ok(app)
}

/// Burns the code and returns a new refresh token for its authorization. A
/// code is refused when unknown, used, expired, issued to another app, sent
/// with another redirect URI, or when the seller revoked the authorization.
/// A migration code is bound to no redirect URI (stored as empty).
async fn exchange_code(
    conn: &mut AnyConnection,
    app: &App,
    code: &str,
    redirect_uri: Option<&str>,
    now_ms: i64,
) -> Result<String, LwaError> {
    let row = sqlx::query(
        "SELECT c.authorization_id, c.redirect_uri, z.application_id \
         FROM oauth_codes c JOIN app_authorizations z ON z.authorization_id = c.authorization_id \
         WHERE c.code_hash = $1 AND c.used_at_ms IS NULL AND c.expires_at_ms > $2 \
         AND z.revoked_at_ms IS NULL",
    )
    .bind(token_hash(code))
    .bind(now_ms)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| LwaError::invalid_grant("code"))?;
    let application_id: String = row.try_get("application_id")?;
    let bound_uri: String = row.try_get("redirect_uri")?;
    if application_id != app.application_id {
        return Err(LwaError::invalid_grant("code"));
    }
    if !bound_uri.is_empty() {
        match redirect_uri.filter(|uri| !uri.is_empty()) {
            None => return Err(LwaError::invalid_request("redirect_uri")),
            Some(uri) if uri != bound_uri => return Err(LwaError::invalid_grant("redirect_uri")),
            Some(_) => {}
        }
    }
    // The conditional update is what makes the code single-use when two
    // exchanges race: only one of them changes the row.
    let burned = sqlx::query(
        "UPDATE oauth_codes SET used_at_ms = $1 WHERE code_hash = $2 AND used_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(token_hash(code))
    .execute(&mut *conn)
    .await?;
    if burned.rows_affected() != 1 {
        return Err(LwaError::invalid_grant("code"));
    }
    let authorization_id: String = row.try_get("authorization_id")?;
    Ok(apps::issue_refresh_token(conn, &authorization_id, now_ms).await?)
}

/// A refresh token works while neither it nor its authorization is revoked
/// and the yearly re-authorization date has not passed.
async fn check_refresh_token(
    conn: &mut AnyConnection,
    app: &App,
    refresh_token: &str,
    now_ms: i64,
) -> Result<(), LwaError> {
    let found = sqlx::query(
        "SELECT z.application_id FROM refresh_tokens r \
         JOIN app_authorizations z ON z.authorization_id = r.authorization_id \
         WHERE r.token_hash = $1 AND r.revoked_at_ms IS NULL AND z.revoked_at_ms IS NULL \
         AND z.reauthorize_by_at_ms > $2",
    )
    .bind(token_hash(refresh_token))
    .bind(now_ms)
    .fetch_optional(conn)
    .await?;
    match found {
        Some(row) if row.try_get::<String, _>("application_id")? == app.application_id => Ok(()),
        _ => Err(LwaError::invalid_grant("refresh_token")),
    }
}

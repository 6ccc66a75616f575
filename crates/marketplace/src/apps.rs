//! SP-API applications and their authorizations: consent codes, LWA refresh
//! and access tokens. Every token is stored as a hash only.

use crate::clock::MS_PER_DAY;
use crate::crypto::{self, ALPHANUMERIC, token_hash};
use sqlx::{AnyConnection, Row};

/// `spapi_oauth_code` lifetime (website authorization workflow: 5 minutes).
pub const OAUTH_CODE_TTL_MS: i64 = 5 * 60 * 1000;
/// LWA access tokens live one hour (`expires_in: 3600`).
pub const ACCESS_TOKEN_TTL_S: i64 = 3600;
/// The one grantless scope the sandbox grants: the Authorization API's
/// migration of MWS authorizations.
pub const MIGRATION_SCOPE: &str = "sellingpartnerapi::migration";
/// Authorizations are renewed yearly from Manage Your Apps.
pub const REAUTHORIZE_AFTER_MS: i64 = 365 * MS_PER_DAY;

pub fn new_application_id() -> String {
    format!("amzn1.sellerapps.app.{}", uuid::Uuid::new_v4())
}

pub fn new_client_id() -> String {
    format!("amzn1.application-oa2-client.{}", crypto::random_hex(16))
}

/// LWA client secrets have this shape in Developer Central.
pub fn new_client_secret() -> String {
    format!("amzn1.oa2-cs.v1.{}", crypto::random_hex(32))
}

/// A developer ID as Developer Central shows it: twelve digits.
pub fn new_developer_id() -> String {
    crypto::random_from(b"0123456789", 12)
}

#[derive(Debug, Clone)]
pub struct App {
    pub application_id: String,
    pub name: String,
    pub client_secret_hash: String,
    pub redirect_uris: Vec<String>,
    pub private_seller_id: Option<String>,
}

const APP_COLUMNS: &str =
    "application_id, name, client_secret_hash, redirect_uris, private_seller_id";

fn app_from_row(row: &sqlx::any::AnyRow) -> Result<App, sqlx::Error> {
    let uris: String = row.try_get("redirect_uris")?;
    Ok(App {
        application_id: row.try_get("application_id")?,
        name: row.try_get("name")?,
        client_secret_hash: row.try_get("client_secret_hash")?,
        redirect_uris: serde_json::from_str(&uris).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        private_seller_id: row.try_get("private_seller_id")?,
    })
}

pub async fn app_by_id(
    conn: &mut AnyConnection,
    application_id: &str,
) -> Result<Option<App>, sqlx::Error> {
    let sql = format!("SELECT {APP_COLUMNS} FROM apps WHERE application_id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(application_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(app_from_row).transpose()
}

pub async fn app_by_client_id(
    conn: &mut AnyConnection,
    client_id: &str,
) -> Result<Option<App>, sqlx::Error> {
    let sql = format!("SELECT {APP_COLUMNS} FROM apps WHERE client_id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(client_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(app_from_row).transpose()
}

/// Creates the seller's authorization of the app, or renews it (clearing a
/// revocation and restarting the yearly period). Returns its id.
pub async fn grant(
    conn: &mut AnyConnection,
    application_id: &str,
    seller_id: &str,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let existing = sqlx::query(
        "SELECT authorization_id FROM app_authorizations \
         WHERE application_id = $1 AND seller_id = $2",
    )
    .bind(application_id)
    .bind(seller_id)
    .fetch_optional(&mut *conn)
    .await?;
    let reauthorize_by = now_ms + REAUTHORIZE_AFTER_MS;
    if let Some(row) = existing {
        let id: String = row.try_get("authorization_id")?;
        sqlx::query(
            "UPDATE app_authorizations SET granted_at_ms = $1, reauthorize_by_at_ms = $2, \
             revoked_at_ms = NULL WHERE authorization_id = $3",
        )
        .bind(now_ms)
        .bind(reauthorize_by)
        .bind(&id)
        .execute(&mut *conn)
        .await?;
        return Ok(id);
    }
    let id = format!("auth_{}", uuid::Uuid::now_v7().simple());
    sqlx::query(
        "INSERT INTO app_authorizations \
         (authorization_id, application_id, seller_id, granted_at_ms, reauthorize_by_at_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(application_id)
    .bind(seller_id)
    .bind(now_ms)
    .bind(reauthorize_by)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// A fresh `spapi_oauth_code` for the authorization, bound to the redirect
/// URI it is sent to (the token exchange must name the same URI).
pub async fn issue_code(
    conn: &mut AnyConnection,
    authorization_id: &str,
    redirect_uri: &str,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let code = format!("AN{}", crypto::random_from(ALPHANUMERIC, 30));
    sqlx::query(
        "INSERT INTO oauth_codes (code_hash, authorization_id, redirect_uri, expires_at_ms) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&code))
    .bind(authorization_id)
    .bind(redirect_uri)
    .bind(now_ms + OAUTH_CODE_TTL_MS)
    .execute(conn)
    .await?;
    Ok(code)
}

/// A new long-lived refresh token (`Atzr|…`). Older ones stay valid, as
/// with LWA.
pub async fn issue_refresh_token(
    conn: &mut AnyConnection,
    authorization_id: &str,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let token = format!("Atzr|{}", crypto::random_hex(48));
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, authorization_id, created_at_ms) \
         VALUES ($1, $2, $3)",
    )
    .bind(token_hash(&token))
    .bind(authorization_id)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(token)
}

/// A one-hour access token (`Atza|…`) derived from a refresh token, so
/// revoking the refresh token (or the authorization) ends it too.
pub async fn issue_access_token(
    conn: &mut AnyConnection,
    refresh_token_hash: &str,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let token = format!("Atza|{}", crypto::random_hex(48));
    sqlx::query(
        "INSERT INTO access_tokens (token_hash, refresh_token_hash, expires_at_ms) \
         VALUES ($1, $2, $3)",
    )
    .bind(token_hash(&token))
    .bind(refresh_token_hash)
    .bind(now_ms + ACCESS_TOKEN_TTL_S * 1000)
    .execute(conn)
    .await?;
    Ok(token)
}

/// A one-hour grantless access token for the app itself (`Atc|…`, as LWA
/// writes client-credentials tokens). It names no seller, so the seller
/// APIs do not know it; only the Authorization API accepts it.
pub async fn issue_grantless_token(
    conn: &mut AnyConnection,
    application_id: &str,
    scope: &str,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let token = format!("Atc|{}", crypto::random_hex(48));
    sqlx::query(
        "INSERT INTO grantless_tokens (token_hash, application_id, scope, expires_at_ms) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(application_id)
    .bind(scope)
    .bind(now_ms + ACCESS_TOKEN_TTL_S * 1000)
    .execute(conn)
    .await?;
    Ok(token)
}

/// The app behind a live grantless token of `scope`, with its developer.
pub async fn resolve_grantless_token(
    conn: &mut AnyConnection,
    token: &str,
    scope: &str,
    now_ms: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT g.application_id, p.developer_id FROM grantless_tokens g \
         JOIN apps p ON p.application_id = g.application_id \
         WHERE g.token_hash = $1 AND g.scope = $2 AND g.expires_at_ms > $3",
    )
    .bind(token_hash(token))
    .bind(scope)
    .bind(now_ms)
    .fetch_optional(conn)
    .await?;
    row.map(|row| Ok((row.try_get("application_id")?, row.try_get("developer_id")?)))
        .transpose()
}

/// What an access token grants: a seller's data, through one authorization.
#[derive(Debug, Clone)]
pub struct Grant {
    pub authorization_id: String,
    pub seller_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessTokenProblem {
    Unknown,
    Expired,
}

/// Resolves an access token, refusing expired tokens and tokens whose
/// refresh token or authorization was revoked.
pub async fn resolve_access_token(
    conn: &mut AnyConnection,
    token: &str,
    now_ms: i64,
) -> Result<Result<Grant, AccessTokenProblem>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT a.expires_at_ms, z.authorization_id, z.seller_id \
         FROM access_tokens a \
         JOIN refresh_tokens r ON r.token_hash = a.refresh_token_hash \
         JOIN app_authorizations z ON z.authorization_id = r.authorization_id \
         WHERE a.token_hash = $1 AND r.revoked_at_ms IS NULL AND z.revoked_at_ms IS NULL",
    )
    .bind(token_hash(token))
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(Err(AccessTokenProblem::Unknown));
    };
    let expires_at_ms: i64 = row.try_get("expires_at_ms")?;
    if expires_at_ms <= now_ms {
        return Ok(Err(AccessTokenProblem::Expired));
    }
    Ok(Ok(Grant {
        authorization_id: row.try_get("authorization_id")?,
        seller_id: row.try_get("seller_id")?,
    }))
}

/// A seller's authorization as Manage Your Apps lists it.
#[derive(Debug, Clone)]
pub struct AuthorizationView {
    pub authorization_id: String,
    pub application_id: String,
    pub app_name: String,
    pub granted_at_ms: i64,
    pub reauthorize_by_at_ms: i64,
}

pub async fn active_authorizations(
    conn: &mut AnyConnection,
    seller_id: &str,
) -> Result<Vec<AuthorizationView>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT z.authorization_id, z.application_id, p.name, z.granted_at_ms, \
         z.reauthorize_by_at_ms FROM app_authorizations z \
         JOIN apps p ON p.application_id = z.application_id \
         WHERE z.seller_id = $1 AND z.revoked_at_ms IS NULL ORDER BY z.granted_at_ms",
    )
    .bind(seller_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(AuthorizationView {
                authorization_id: row.try_get("authorization_id")?,
                application_id: row.try_get("application_id")?,
                app_name: row.try_get("name")?,
                granted_at_ms: row.try_get("granted_at_ms")?,
                reauthorize_by_at_ms: row.try_get("reauthorize_by_at_ms")?,
            })
        })
        .collect()
}

/// Revokes the seller's authorization and every refresh token under it.
/// Returns false when there was nothing of the seller's to revoke.
pub async fn revoke(
    conn: &mut AnyConnection,
    seller_id: &str,
    authorization_id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let revoked = sqlx::query(
        "UPDATE app_authorizations SET revoked_at_ms = $1 \
         WHERE authorization_id = $2 AND seller_id = $3 AND revoked_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(authorization_id)
    .bind(seller_id)
    .execute(&mut *conn)
    .await?;
    if revoked.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at_ms = $1 \
         WHERE authorization_id = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(authorization_id)
    .execute(conn)
    .await?;
    Ok(true)
}

//! API keys for the JSON API. A key acts as its member, limited to that
//! member's role as it is now (a demoted member's keys are demoted too).
//! Keys are made only from a signed-in browser session, never with another
//! key, and are shown once.

use super::sessions::{Client, Current};
use super::{credentials, user_by_id};
use crate::app::{AppState, now_ms};
use crate::audit::{self, Event};
use crate::error::{Failure, Problem};
use crate::tokens;
use serde_json::json;
use sqlx::Row;

/// Every key starts with this, so leaked keys are easy to scan for.
pub const KEY_PREFIX: &str = "fk_";

/// A new key; `key` is never stored or shown again.
#[derive(Debug, serde::Serialize)]
pub struct CreatedKey {
    pub id: String,
    pub name: String,
    pub key: String,
}

/// A key as listed to its owner.
#[derive(Debug, serde::Serialize)]
pub struct KeyView {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
}

fn parse_name(raw: &str) -> Result<String, Problem> {
    let name = raw.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > 100 || name.chars().any(char::is_control) {
        return Err(Problem::InvalidKeyName);
    }
    Ok(name.to_string())
}

pub async fn create(
    app: &AppState,
    current: &Current,
    raw_name: &str,
    client: &Client,
) -> Result<CreatedKey, Failure> {
    if current.api_key_id.is_some() {
        return Err(Problem::SessionRequired.into());
    }
    let name = parse_name(raw_name)?;
    let key = format!("{KEY_PREFIX}{}", tokens::generate());
    let id = tokens::new_id("key");
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    sqlx::query(
        "INSERT INTO api_keys (id, user_id, name, key_hash, prefix, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(&current.user.id)
    .bind(&name)
    .bind(tokens::hash(&key))
    .bind(key.chars().take(10).collect::<String>())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let event = Event {
        ip: Some(&client.ip),
        ..credentials::event(&current.user, "api_key.created", json!({ "key": id }))
    };
    audit::record(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(CreatedKey { id, name, key })
}

pub async fn list(app: &AppState, current: &Current) -> Result<Vec<KeyView>, Failure> {
    let rows = sqlx::query(
        "SELECT id, name, prefix, created_at_ms, last_used_at_ms FROM api_keys \
         WHERE user_id = $1 AND revoked_at_ms IS NULL ORDER BY created_at_ms",
    )
    .bind(&current.user.id)
    .fetch_all(app.db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(KeyView {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                prefix: row.try_get("prefix")?,
                created_at_ms: row.try_get("created_at_ms")?,
                last_used_at_ms: row.try_get("last_used_at_ms")?,
            })
        })
        .collect()
}

/// Revokes one of the caller's keys; anyone else's id is "not found".
pub async fn revoke(
    app: &AppState,
    current: &Current,
    key_id: &str,
    client: &Client,
) -> Result<(), Failure> {
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    let done = sqlx::query("UPDATE api_keys SET revoked_at_ms = $1 WHERE id = $2 AND user_id = $3 AND revoked_at_ms IS NULL")
        .bind(now)
        .bind(key_id)
        .bind(&current.user.id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(Problem::NotFound.into());
    }
    let event = Event {
        ip: Some(&client.ip),
        ..credentials::event(&current.user, "api_key.revoked", json!({ "key": key_id }))
    };
    audit::record(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The member a bearer key belongs to, if the key is live.
pub async fn authenticate(app: &AppState, key: &str) -> Result<Option<Current>, Failure> {
    let row = sqlx::query(
        "SELECT id, user_id FROM api_keys WHERE key_hash = $1 AND revoked_at_ms IS NULL",
    )
    .bind(tokens::hash(key))
    .fetch_optional(app.db.reader())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let key_id: String = row.try_get("id")?;
    let user_id: String = row.try_get("user_id")?;
    let mut conn = app.db.reader().acquire().await?;
    let Some(user) = user_by_id(&mut conn, &user_id).await? else {
        return Ok(None);
    };
    drop(conn);
    sqlx::query("UPDATE api_keys SET last_used_at_ms = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(&key_id)
        .execute(app.db.writer())
        .await?;
    Ok(Some(Current {
        session_id: String::new(),
        csrf_token: String::new(),
        two_factor_at_ms: None,
        api_key_id: Some(key_id),
        user,
    }))
}

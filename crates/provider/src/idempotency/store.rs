//! The `idempotency_keys` table: claiming a key, storing the answer,
//! releasing a claim whose request failed on our side.

use ferry_platform::db::Db;
use sqlx::Row;

/// How long a key is remembered.
pub const LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;

/// A stored answer: status, the headers a replay repeats, the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The outcome of trying to claim a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This request holds the key now: run it and store the answer.
    Won,
    /// Another request holds or held it.
    Taken {
        fingerprint: String,
        /// `None` while that request is still running.
        answer: Option<Answer>,
    },
}

/// Claims `(principal, key)` for a request with `fingerprint`. The insert
/// decides among concurrent requests on both backends: PostgreSQL makes a
/// second `INSERT … ON CONFLICT DO NOTHING` wait for the first transaction
/// and then do nothing; SQLite has one writer.
pub async fn claim(
    db: &Db,
    principal: &str,
    key: &str,
    fingerprint: &str,
    now_ms: i64,
) -> Result<Claim, sqlx::Error> {
    let mut tx = db.begin().await?;
    // An expired key is free again.
    sqlx::query(
        "DELETE FROM idempotency_keys \
         WHERE principal = $1 AND idempotency_key = $2 AND expires_at_ms <= $3",
    )
    .bind(principal)
    .bind(key)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys \
         (principal, idempotency_key, fingerprint, state, created_at_ms, expires_at_ms) \
         VALUES ($1, $2, $3, 'in_progress', $4, $5) \
         ON CONFLICT (principal, idempotency_key) DO NOTHING",
    )
    .bind(principal)
    .bind(key)
    .bind(fingerprint)
    .bind(now_ms)
    .bind(now_ms + LIFETIME_MS)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        tx.commit().await?;
        return Ok(Claim::Won);
    }
    let row = sqlx::query(
        "SELECT fingerprint, state, response_status, response_headers, response_body \
         FROM idempotency_keys WHERE principal = $1 AND idempotency_key = $2",
    )
    .bind(principal)
    .bind(key)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    let state: String = row.try_get("state")?;
    let answer = if state == "done" {
        let status: Option<i64> = row.try_get("response_status")?;
        let headers: Option<String> = row.try_get("response_headers")?;
        let body: Option<Vec<u8>> = row.try_get("response_body")?;
        Some(Answer {
            status: status
                .and_then(|status| u16::try_from(status).ok())
                .unwrap_or(200),
            headers: headers
                .and_then(|json| serde_json::from_str(&json).ok())
                .unwrap_or_default(),
            body: body.unwrap_or_default(),
        })
    } else {
        None
    };
    Ok(Claim::Taken {
        fingerprint: row.try_get("fingerprint")?,
        answer,
    })
}

/// Stores the answer of the request that holds the claim.
pub async fn complete(
    db: &Db,
    principal: &str,
    key: &str,
    answer: &Answer,
) -> Result<(), sqlx::Error> {
    let headers = serde_json::to_string(&answer.headers).unwrap_or_else(|_| "[]".into());
    sqlx::query(
        "UPDATE idempotency_keys \
         SET state = 'done', response_status = $3, response_headers = $4, response_body = $5 \
         WHERE principal = $1 AND idempotency_key = $2 AND state = 'in_progress'",
    )
    .bind(principal)
    .bind(key)
    .bind(i64::from(answer.status))
    .bind(headers)
    .bind(answer.body.clone())
    .execute(db.writer())
    .await?;
    Ok(())
}

/// Gives the key up, so that a retry runs afresh (after a 5xx: such an
/// answer says nothing about what the request would do next time).
pub async fn release(db: &Db, principal: &str, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM idempotency_keys \
         WHERE principal = $1 AND idempotency_key = $2 AND state = 'in_progress'",
    )
    .bind(principal)
    .bind(key)
    .execute(db.writer())
    .await?;
    Ok(())
}

//! The transactional outbox.
//!
//! A feature that must cause a side effect (an e-mail, a webhook, a bank
//! notification) calls [`enqueue`] inside the same database transaction as the
//! change itself. A worker then claims due messages and hands them to a
//! [`Deliver`] implementation. Delivery is at-least-once: a claim is a lease
//! (`available_at_ms` moves into the future), so a worker that dies mid-way
//! leaves the message to be claimed again when the lease runs out. Receivers
//! deduplicate by the message id.
//!
//! On PostgreSQL several processes may run workers against one database:
//! claiming uses `FOR UPDATE SKIP LOCKED`, so two workers never take the same
//! row. On SQLite the single writer connection serializes claims.

use crate::db::{Backend, Db, unix_ms};
use sqlx::{AnyConnection, Row};
use std::time::Duration;

/// How long a claimed message is reserved for the worker that claimed it.
const LEASE_MS: i64 = 60_000;
/// Retry delays double from one second up to this ceiling.
const MAX_BACKOFF_MS: i64 = 3_600_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: String,
    pub topic: String,
    pub payload: String,
    /// How many times delivery has been attempted, including this one.
    pub attempt: i64,
    pub created_at_ms: i64,
}

/// What a delivery attempt concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// Try again later (with exponential backoff); the reason is kept.
    Retry(String),
    /// Stop trying (for example, past a retry deadline); the reason is kept.
    GiveUp(String),
}

/// Delivers one kind of side effect.
pub trait Deliver: Send + Sync + 'static {
    fn deliver(&self, message: &OutboxMessage) -> impl Future<Output = Outcome> + Send;
}

/// Writes a message in the caller's transaction; returns its id.
pub async fn enqueue(
    conn: &mut AnyConnection,
    topic: &str,
    payload: &str,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let id = format!("msg_{}", uuid::Uuid::now_v7().simple());
    sqlx::query(
        "INSERT INTO outbox (id, topic, payload, created_at_ms, available_at_ms, attempts) \
         VALUES ($1, $2, $3, $4, $4, 0)",
    )
    .bind(&id)
    .bind(topic)
    .bind(payload)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(id)
}

/// Claims up to `limit` due messages for this worker.
pub async fn claim_due(
    db: &Db,
    now_ms: i64,
    limit: i64,
) -> Result<Vec<OutboxMessage>, sqlx::Error> {
    let lock = match db.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE outbox SET available_at_ms = $1, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM outbox \
                      WHERE delivered_at_ms IS NULL AND available_at_ms <= $2 \
                      ORDER BY available_at_ms LIMIT $3 {lock}) \
         RETURNING id, topic, payload, attempts, created_at_ms"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now_ms + LEASE_MS)
        .bind(now_ms)
        .bind(limit)
        .fetch_all(db.writer())
        .await?;
    rows.iter()
        .map(|row| {
            Ok(OutboxMessage {
                id: row.try_get("id")?,
                topic: row.try_get("topic")?,
                payload: row.try_get("payload")?,
                attempt: row.try_get("attempts")?,
                created_at_ms: row.try_get("created_at_ms")?,
            })
        })
        .collect()
}

/// Records what an attempt concluded.
pub async fn settle(
    db: &Db,
    message: &OutboxMessage,
    outcome: &Outcome,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let query = match outcome {
        Outcome::Delivered => {
            sqlx::query("UPDATE outbox SET delivered_at_ms = $1, last_error = NULL WHERE id = $2")
                .bind(now_ms)
                .bind(&message.id)
        }
        Outcome::Retry(reason) => {
            sqlx::query("UPDATE outbox SET available_at_ms = $1, last_error = $2 WHERE id = $3")
                .bind(now_ms + backoff_ms(message.attempt))
                .bind(reason)
                .bind(&message.id)
        }
        Outcome::GiveUp(reason) => {
            sqlx::query("UPDATE outbox SET available_at_ms = $1, last_error = $2 WHERE id = $3")
                .bind(i64::MAX)
                .bind(format!("gave up: {reason}"))
                .bind(&message.id)
        }
    };
    query.execute(db.writer()).await.map(|_| ())
}

/// 1 s, 2 s, 4 s, … up to an hour.
pub fn backoff_ms(attempt: i64) -> i64 {
    let exponent = u32::try_from(attempt.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    1_000_i64
        .saturating_mul(1_i64 << exponent)
        .min(MAX_BACKOFF_MS)
}

/// One pass: claims what is due now and delivers it. Returns how many
/// messages were attempted.
pub async fn deliver_due<D: Deliver>(db: &Db, deliverer: &D) -> Result<usize, sqlx::Error> {
    let messages = claim_due(db, now_ms(), 32).await?;
    for message in &messages {
        let outcome = deliverer.deliver(message).await;
        if let Outcome::Retry(reason) | Outcome::GiveUp(reason) = &outcome {
            tracing::warn!(id = %message.id, topic = %message.topic, attempt = message.attempt, %reason, "outbox delivery failed");
        }
        settle(db, message, &outcome, now_ms()).await?;
    }
    Ok(messages.len())
}

/// Runs [`deliver_due`] until the database is closed, pausing `idle`
/// between empty passes. Aborting the task is safe too: leases make it so.
pub async fn run_worker<D: Deliver>(db: Db, deliverer: D, idle: Duration) {
    // The service closes its database when it shuts down; the worker ends
    // with it instead of reporting a closed pool forever.
    while !db.is_closed() {
        match deliver_due(&db, &deliverer).await {
            Ok(0) => tokio::time::sleep(idle).await,
            Ok(_) => {}
            Err(_) if db.is_closed() => return,
            Err(error) => {
                tracing::error!(%error, "outbox worker cannot reach the database");
                tokio::time::sleep(idle).await;
            }
        }
    }
}

fn now_ms() -> i64 {
    unix_ms(time::OffsetDateTime::now_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_ms(1), 1_000);
        assert_eq!(backoff_ms(2), 2_000);
        assert_eq!(backoff_ms(5), 16_000);
        assert_eq!(backoff_ms(40), MAX_BACKOFF_MS);
    }
}

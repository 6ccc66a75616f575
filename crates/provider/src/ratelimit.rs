//! Per-address rate limits, counted in the database (fixed windows) so that
//! every provider process behind a load balancer shares the same counters;
//! an in-memory limiter would multiply the limit by the number of processes.

use crate::error::{Failure, Problem};
use sqlx::Row;

/// One limit: at most `max_hits` per `window_ms` for one key.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub max_hits: i64,
    pub window_ms: i64,
}

const MINUTE_MS: i64 = 60_000;

pub const LOGIN: Limit = Limit {
    name: "login",
    max_hits: 30,
    window_ms: 15 * MINUTE_MS,
};
pub const REGISTRATION: Limit = Limit {
    name: "registration",
    max_hits: 10,
    window_ms: 60 * MINUTE_MS,
};
pub const ACTIVATION: Limit = Limit {
    name: "activation",
    max_hits: 30,
    window_ms: 60 * MINUTE_MS,
};
pub const RESET: Limit = Limit {
    name: "reset",
    max_hits: 10,
    window_ms: 60 * MINUTE_MS,
};

/// Counts one hit for `key` (a client address) and refuses it past the
/// limit. Old windows are pruned by the same statement's neighbours.
pub async fn hit(
    db: &ferry_platform::db::Db,
    limit: Limit,
    key: &str,
    now_ms: i64,
) -> Result<(), Failure> {
    let bucket = format!("{}:{key}", limit.name);
    let window_start_ms = now_ms - now_ms.rem_euclid(limit.window_ms);
    let row = sqlx::query(
        "INSERT INTO rate_limits (bucket, window_start_ms, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket, window_start_ms) DO UPDATE SET hits = rate_limits.hits + 1 \
         RETURNING hits",
    )
    .bind(&bucket)
    .bind(window_start_ms)
    .fetch_one(db.writer())
    .await?;
    sqlx::query("DELETE FROM rate_limits WHERE bucket = $1 AND window_start_ms < $2")
        .bind(&bucket)
        .bind(window_start_ms)
        .execute(db.writer())
        .await?;
    let hits: i64 = row.try_get("hits")?;
    if hits > limit.max_hits {
        return Err(Problem::RateLimited.into());
    }
    Ok(())
}

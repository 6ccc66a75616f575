//! The sandbox clock. Business time (security holds, code and token expiry,
//! the risk rule's window) reads "now" from here: the real time plus an
//! offset that the admin API can move forward, so that a test or a demo can
//! jump three days ahead instead of waiting. The offset lives in the database
//! so that every process serving one sandbox agrees on the time.
//!
//! Sessions and TOTP codes use the real time: they are about the person at
//! the browser and their authenticator app, which do not jump.

use ferry_platform::db::{Db, unix_ms};
use sqlx::Row;

pub const MS_PER_DAY: i64 = 86_400_000;

/// Milliseconds since the Unix epoch, in sandbox time.
pub async fn now_ms(db: &Db) -> Result<i64, sqlx::Error> {
    let row = sqlx::query("SELECT offset_ms FROM sandbox_clock WHERE id = 1")
        .fetch_one(db.reader())
        .await?;
    let offset_ms: i64 = row.try_get("offset_ms")?;
    Ok(real_now_ms() + offset_ms)
}

/// Milliseconds since the Unix epoch, in real time.
pub fn real_now_ms() -> i64 {
    unix_ms(time::OffsetDateTime::now_utc())
}

/// Moves sandbox time forward by `by_ms` (never backward: holds and expiries
/// that already passed stay passed).
pub async fn advance(db: &Db, by_ms: i64) -> Result<i64, sqlx::Error> {
    sqlx::query("UPDATE sandbox_clock SET offset_ms = offset_ms + $1 WHERE id = 1")
        .bind(by_ms)
        .execute(db.writer())
        .await?;
    now_ms(db).await
}

//! The security audit log: append-only and hash-chained. Each entry's hash
//! is SHA-256 over the previous entry's hash and the entry's own fields, so
//! editing, deleting or reordering any entry breaks every hash after it;
//! [`verify`] names the first entry that no longer fits.
//!
//! Entries are written in the same transaction as the event they record.
//! Appends are serialized by the single `audit_head` row: the `UPDATE` that
//! reserves the next sequence number locks it until commit (PostgreSQL), and
//! SQLite has one writer anyway.

use ferry_platform::db::Db;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

/// The hash before the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One security event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<'a> {
    pub account_id: Option<&'a str>,
    pub user_id: Option<&'a str>,
    /// A stable dotted name such as `session.created`.
    pub name: &'static str,
    pub detail: serde_json::Value,
    pub ip: Option<&'a str>,
}

/// The stored fields of an entry, which its hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    pub at_ms: i64,
    pub account_id: Option<String>,
    pub user_id: Option<String>,
    pub event: String,
    pub detail: String,
    pub ip: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// SHA-256 over a JSON array of the previous hash and the fields; JSON
/// keeps field boundaries unambiguous.
pub fn entry_hash(prev_hash: &str, entry: &Entry) -> String {
    let canonical = json!([
        prev_hash,
        entry.seq,
        entry.at_ms,
        entry.account_id,
        entry.user_id,
        entry.event,
        entry.detail,
        entry.ip
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Appends `event` inside the caller's transaction.
pub async fn record(
    conn: &mut AnyConnection,
    event: Event<'_>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await?;
    let prev_hash: String = head.try_get("hash")?;
    let mut entry = Entry {
        seq: head.try_get("seq")?,
        at_ms: now_ms,
        account_id: event.account_id.map(str::to_string),
        user_id: event.user_id.map(str::to_string),
        event: event.name.to_string(),
        detail: event.detail.to_string(),
        ip: event.ip.map(str::to_string),
        prev_hash: prev_hash.clone(),
        hash: String::new(),
    };
    entry.hash = entry_hash(&prev_hash, &entry);
    sqlx::query(
        "INSERT INTO audit_log (seq, at_ms, account_id, user_id, event, detail, ip, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(entry.seq)
    .bind(entry.at_ms)
    .bind(&entry.account_id)
    .bind(&entry.user_id)
    .bind(&entry.event)
    .bind(&entry.detail)
    .bind(&entry.ip)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&entry.hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

const ENTRY_COLUMNS: &str = "seq, at_ms, account_id, user_id, event, detail, ip, prev_hash, hash";

fn entry_from_row(row: &sqlx::any::AnyRow) -> Result<Entry, sqlx::Error> {
    Ok(Entry {
        seq: row.try_get("seq")?,
        at_ms: row.try_get("at_ms")?,
        account_id: row.try_get("account_id")?,
        user_id: row.try_get("user_id")?,
        event: row.try_get("event")?,
        detail: row.try_get("detail")?,
        ip: row.try_get("ip")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// An account's entries, newest first.
pub async fn for_account(db: &Db, account_id: &str, limit: i64) -> Result<Vec<Entry>, sqlx::Error> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE account_id = $1 ORDER BY seq DESC LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(account_id)
        .bind(limit)
        .fetch_all(db.reader())
        .await?;
    rows.iter().map(entry_from_row).collect()
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every entry fits; `entries` were checked.
    Intact { entries: i64 },
    /// The first entry whose hash, link or sequence number does not fit.
    Broken { seq: i64, reason: &'static str },
}

/// Walks the chain from the start (in pages, so memory stays flat) and
/// checks each entry against its predecessor and the head.
pub async fn verify(db: &Db) -> Result<Verdict, sqlx::Error> {
    const PAGE: i64 = 1_000;
    let mut prev_hash = GENESIS_HASH.to_string();
    let mut expected_seq = 1_i64;
    loop {
        let sql =
            format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(expected_seq)
            .bind(PAGE)
            .fetch_all(db.reader())
            .await?;
        for row in &rows {
            let entry = entry_from_row(row)?;
            if entry.seq != expected_seq {
                return Ok(Verdict::Broken {
                    seq: expected_seq,
                    reason: "entry missing",
                });
            }
            if entry.prev_hash != prev_hash {
                return Ok(Verdict::Broken {
                    seq: entry.seq,
                    reason: "does not link to the previous entry",
                });
            }
            if entry_hash(&prev_hash, &entry) != entry.hash {
                return Ok(Verdict::Broken {
                    seq: entry.seq,
                    reason: "contents changed",
                });
            }
            prev_hash = entry.hash;
            expected_seq += 1;
        }
        if i64::try_from(rows.len()).unwrap_or(PAGE) < PAGE {
            break;
        }
    }
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(db.reader())
        .await?;
    let (head_seq, head_hash): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
    if head_seq != expected_seq - 1 || head_hash != prev_hash {
        // Entries after the last one present were removed.
        return Ok(Verdict::Broken {
            seq: expected_seq,
            reason: "entry missing at the end",
        });
    }
    Ok(Verdict::Intact {
        entries: expected_seq - 1,
    })
}

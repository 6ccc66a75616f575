//! Seller Support cases: categories, messages and statuses.

use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Telling Seller Support ahead of a deposit-method change; the risk
    /// rule looks for this one.
    DepositMethodChangeNotice,
    Payments,
    Account,
    Other,
}

impl Category {
    pub const ALL: [Self; 4] = [
        Self::DepositMethodChangeNotice,
        Self::Payments,
        Self::Account,
        Self::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::DepositMethodChangeNotice => "deposit_method_change_notice",
            Self::Payments => "payments",
            Self::Account => "account",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::DepositMethodChangeNotice => "Notice of deposit-method change",
            Self::Payments => "Payments and disbursements",
            Self::Account => "Account health",
            Self::Other => "Something else",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|category| category.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Waiting for Seller Support.
    Open,
    /// Seller Support replied; waiting for the seller.
    Answered,
    Resolved,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Answered => "answered",
            Self::Resolved => "resolved",
        }
    }

    pub fn label_of(code: &str) -> &'static str {
        match code {
            "open" => "Pending Amazon action",
            "answered" => "Answered",
            _ => "Resolved",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    Seller,
    Support,
}

impl Author {
    fn code(self) -> &'static str {
        match self {
            Self::Seller => "seller",
            Self::Support => "support",
        }
    }
}

pub async fn open_case(
    conn: &mut AnyConnection,
    seller_id: &str,
    category: Category,
    subject: &str,
    body: &str,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let case_id = crate::crypto::random_from(b"0123456789", 11);
    sqlx::query(
        "INSERT INTO support_cases (case_id, seller_id, category, subject, status, opened_at_ms, \
         updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&case_id)
    .bind(seller_id)
    .bind(category.code())
    .bind(subject)
    .bind(Status::Open.code())
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    add_message(conn, &case_id, Author::Seller, body, now_ms).await?;
    Ok(case_id)
}

/// Adds a message; a seller's message reopens the case for Support, a
/// Support reply marks it answered.
pub async fn add_message(
    conn: &mut AnyConnection,
    case_id: &str,
    author: Author,
    body: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_messages (message_id, case_id, author, body, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(format!("msg_{}", uuid::Uuid::now_v7().simple()))
    .bind(case_id)
    .bind(author.code())
    .bind(body)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    let status = match author {
        Author::Seller => Status::Open,
        Author::Support => Status::Answered,
    };
    set_status(conn, case_id, status, now_ms).await
}

pub async fn set_status(
    conn: &mut AnyConnection,
    case_id: &str,
    status: Status,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE support_cases SET status = $1, updated_at_ms = $2 WHERE case_id = $3")
        .bind(status.code())
        .bind(now_ms)
        .bind(case_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether the seller opened a deposit-method change notice at or after
/// `since_ms`.
pub async fn has_change_notice_since(
    conn: &mut AnyConnection,
    seller_id: &str,
    since_ms: i64,
) -> Result<bool, sqlx::Error> {
    let found = sqlx::query(
        "SELECT case_id FROM support_cases WHERE seller_id = $1 AND category = $2 \
         AND opened_at_ms >= $3",
    )
    .bind(seller_id)
    .bind(Category::DepositMethodChangeNotice.code())
    .bind(since_ms)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

#[derive(Debug, Clone)]
pub struct CaseSummary {
    pub case_id: String,
    pub category: String,
    pub subject: String,
    pub status: String,
    pub opened_at_ms: i64,
}

pub async fn cases_of(
    conn: &mut AnyConnection,
    seller_id: &str,
) -> Result<Vec<CaseSummary>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT case_id, category, subject, status, opened_at_ms FROM support_cases \
         WHERE seller_id = $1 ORDER BY opened_at_ms DESC",
    )
    .bind(seller_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CaseSummary {
                case_id: row.try_get("case_id")?,
                category: row.try_get("category")?,
                subject: row.try_get("subject")?,
                status: row.try_get("status")?,
                opened_at_ms: row.try_get("opened_at_ms")?,
            })
        })
        .collect()
}

/// The case if it is the seller's, with its messages (author, body, time).
pub async fn case_of(
    conn: &mut AnyConnection,
    seller_id: Option<&str>,
    case_id: &str,
) -> Result<Option<(CaseSummary, Vec<(String, String, i64)>)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT case_id, seller_id, category, subject, status, opened_at_ms FROM support_cases \
         WHERE case_id = $1",
    )
    .bind(case_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let owner: String = row.try_get("seller_id")?;
    if seller_id.is_some_and(|seller_id| seller_id != owner) {
        return Ok(None);
    }
    let summary = CaseSummary {
        case_id: row.try_get("case_id")?,
        category: row.try_get("category")?,
        subject: row.try_get("subject")?,
        status: row.try_get("status")?,
        opened_at_ms: row.try_get("opened_at_ms")?,
    };
    let messages = sqlx::query(
        "SELECT author, body, created_at_ms FROM case_messages WHERE case_id = $1 \
         ORDER BY created_at_ms, message_id",
    )
    .bind(case_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|m| {
        Ok((
            m.try_get("author")?,
            m.try_get("body")?,
            m.try_get("created_at_ms")?,
        ))
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Some((summary, messages)))
}

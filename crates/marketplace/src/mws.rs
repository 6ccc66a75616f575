//! The legacy MWS authorization: User Permissions → authorize a developer by
//! developer ID → the seller copies the Seller ID and an `amzn.mws.<uuid>`
//! auth token to the developer, who can verify the pair. Amazon retired MWS
//! on 2024-03-31; the sandbox keeps this flow because the seed's step 5
//! describes it.

use crate::crypto::token_hash;
use ferry_domain::{MwsAuthToken, SellerId};
use sqlx::{AnyConnection, Row};

/// Creates an authorization and returns the token, which is shown once.
pub async fn authorize(
    conn: &mut AnyConnection,
    seller_id: &str,
    developer_id: &str,
    now_ms: i64,
) -> Result<MwsAuthToken, sqlx::Error> {
    let token = MwsAuthToken::parse(&format!("amzn.mws.{}", uuid::Uuid::new_v4()))
        .map_err(|e| sqlx::Error::Protocol(format!("a generated MWS token does not parse: {e}")))?;
    sqlx::query(
        "INSERT INTO mws_authorizations (token_hash, seller_id, developer_id, created_at_ms) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(token.as_str()))
    .bind(seller_id)
    .bind(developer_id)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(token)
}

/// What a pair check found. The reasons name the usual hand-off mistakes,
/// so the developer can tell the seller what to fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    /// The seller revoked the authorization in User Permissions.
    Revoked,
    /// The token was issued by another seller.
    OtherSeller,
    /// The seller issued the token to another developer.
    OtherDeveloper,
    /// No authorization was ever issued with this token.
    Unknown,
}

impl Verdict {
    /// The `reason` of a refused pair; `None` for a valid one.
    pub fn reason(self) -> Option<&'static str> {
        match self {
            Self::Valid => None,
            Self::Revoked => Some("revoked"),
            Self::OtherSeller => Some("other_seller"),
            Self::OtherDeveloper => Some("other_developer"),
            Self::Unknown => Some("unknown"),
        }
    }
}

/// Checks the pair for the developer. A token names one seller and one
/// developer, so a mismatch is reported before revocation: a revoked token
/// of another seller is first of all the wrong token.
pub async fn verify(
    conn: &mut AnyConnection,
    developer_id: &str,
    seller_id: &SellerId,
    token: &MwsAuthToken,
) -> Result<Verdict, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT seller_id, developer_id, revoked_at_ms FROM mws_authorizations \
         WHERE token_hash = $1",
    )
    .bind(token_hash(token.as_str()))
    .fetch_optional(conn)
    .await?
    else {
        return Ok(Verdict::Unknown);
    };
    let issued_by: String = row.try_get("seller_id")?;
    let issued_to: String = row.try_get("developer_id")?;
    let revoked_at_ms: Option<i64> = row.try_get("revoked_at_ms")?;
    Ok(if issued_by != seller_id.as_str() {
        Verdict::OtherSeller
    } else if issued_to != developer_id {
        Verdict::OtherDeveloper
    } else if revoked_at_ms.is_some() {
        Verdict::Revoked
    } else {
        Verdict::Valid
    })
}

#[derive(Debug, Clone)]
pub struct Authorized {
    /// A handle for revocation (the token hash; the token itself is not kept).
    pub handle: String,
    pub developer_id: String,
    pub developer_name: String,
    pub created_at_ms: i64,
}

pub async fn active_for(
    conn: &mut AnyConnection,
    seller_id: &str,
) -> Result<Vec<Authorized>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT m.token_hash, m.developer_id, d.name, m.created_at_ms FROM mws_authorizations m \
         JOIN developers d ON d.developer_id = m.developer_id \
         WHERE m.seller_id = $1 AND m.revoked_at_ms IS NULL ORDER BY m.created_at_ms",
    )
    .bind(seller_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Authorized {
                handle: row.try_get("token_hash")?,
                developer_id: row.try_get("developer_id")?,
                developer_name: row.try_get("name")?,
                created_at_ms: row.try_get("created_at_ms")?,
            })
        })
        .collect()
}

pub async fn revoke(
    conn: &mut AnyConnection,
    seller_id: &str,
    handle: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let revoked = sqlx::query(
        "UPDATE mws_authorizations SET revoked_at_ms = $1 WHERE token_hash = $2 AND seller_id = $3 \
         AND revoked_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(handle)
    .bind(seller_id)
    .execute(conn)
    .await?;
    Ok(revoked.rows_affected() == 1)
}

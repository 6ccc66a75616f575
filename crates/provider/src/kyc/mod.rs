//! Real-name verification of sellers (KYC for individuals, KYB for
//! companies): the seller fills a form and uploads documents, submits it as
//! a case, operators review it in the console, and an approval fixes the
//! verified legal name that receiving accounts, store matching and
//! withdrawals use ([`verified_identity`]).

pub mod api;
pub mod case;
pub mod checks;
pub mod due;
pub mod form;
pub mod mails;
pub mod pages;
pub mod problem;

use ferry_platform::db::Db;
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// `[provider.kyc]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct KycSettings {
    /// The service level: business days (Monday to Friday) from a
    /// submission to the review's next step.
    pub review_business_days: i64,
    /// Companies need a second approval by another operator.
    pub company_second_approval: bool,
}

impl Default for KycSettings {
    fn default() -> Self {
        Self {
            review_business_days: 2,
            company_second_approval: false,
        }
    }
}

/// Individual or company, as the approved case said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    Individual,
    Company,
}

/// The identity an approved case fixed. It changes only when a new case is
/// reviewed and approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifiedIdentity {
    pub kind: IdentityKind,
    /// The legal name in Chinese (person) or the registered name (company).
    pub legal_name_zh: String,
    /// The name in Latin letters (person, optional) or the English name
    /// the marketplace shows (company).
    pub legal_name_en: Option<String>,
    /// The resident identity number (person) or the unified social credit
    /// code, or the organization code for an old-style licence (company).
    pub registration_number: String,
    pub case_id: String,
    pub verified_at_ms: i64,
}

/// The verified identity of a seller account, if a case was approved.
pub async fn verified_identity(
    db: &Db,
    account_id: &str,
) -> Result<Option<VerifiedIdentity>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT kind, legal_name_zh, legal_name_en, registration_number, case_id, verified_at_ms \
         FROM kyc_verified_identities WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_optional(db.reader())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let kind: String = row.try_get("kind")?;
    Ok(Some(VerifiedIdentity {
        kind: if kind == "company" {
            IdentityKind::Company
        } else {
            IdentityKind::Individual
        },
        legal_name_zh: row.try_get("legal_name_zh")?,
        legal_name_en: row.try_get("legal_name_en")?,
        registration_number: row.try_get("registration_number")?,
        case_id: row.try_get("case_id")?,
        verified_at_ms: row.try_get("verified_at_ms")?,
    }))
}

//! Mainland bank accounts a seller withdraws to: a UnionPay card number
//! (Luhn-checked), the bank, and a holder name that must be the verified
//! legal name, so money only leaves to the seller's own account.

use super::problem::{Fail, WithdrawalProblem};
use crate::accounts::sessions::Current;
use crate::accounts::two_factor::require_two_factor;
use crate::app::{AppState, now_ms};
use crate::error::Problem;
use crate::fx::quotes::require_mover;
use crate::kyc::VerifiedIdentity;
use ferry_domain::UnionPayCard;
use serde::Deserialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// The major mainland banks, offered in the form (any other bank can be
/// typed in).
pub const MAJOR_BANKS: &[(&str, &str)] = &[
    ("中国工商银行", "Industrial and Commercial Bank of China"),
    ("中国建设银行", "China Construction Bank"),
    ("中国农业银行", "Agricultural Bank of China"),
    ("中国银行", "Bank of China"),
    ("交通银行", "Bank of Communications"),
    ("中国邮政储蓄银行", "Postal Savings Bank of China"),
    ("招商银行", "China Merchants Bank"),
    ("浦发银行", "Shanghai Pudong Development Bank"),
    ("中信银行", "China CITIC Bank"),
    ("中国光大银行", "China Everbright Bank"),
    ("中国民生银行", "China Minsheng Bank"),
    ("兴业银行", "Industrial Bank"),
    ("平安银行", "Ping An Bank"),
    ("华夏银行", "Hua Xia Bank"),
    ("广发银行", "China Guangfa Bank"),
];

const BANK_NAME_MAX_CHARS: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub id: String,
    pub account_id: String,
    pub card: UnionPayCard,
    pub bank_name: String,
    pub holder_name: String,
    pub created_at_ms: i64,
}

#[derive(Debug, Deserialize)]
pub struct NewDestination {
    pub card_number: String,
    pub bank_name: String,
    pub holder_name: String,
}

/// A name as compared: no whitespace of any width, full-width brackets as
/// ASCII, Latin letters in lower case (`深圳市示例贸易有限公司（香港）` and
/// `深圳市示例贸易有限公司 (香港)` are the same holder).
fn comparable(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            other => other.to_ascii_lowercase(),
        })
        .collect()
}

/// Whether `holder` names the verified identity: its Chinese legal name or,
/// when it has one, its English (Latin-letter) name.
pub fn holder_matches(identity: &VerifiedIdentity, holder: &str) -> bool {
    let holder = comparable(holder);
    !holder.is_empty()
        && (holder == comparable(&identity.legal_name_zh)
            || identity
                .legal_name_en
                .as_deref()
                .is_some_and(|en| holder == comparable(en)))
}

/// The verified identity of the account; without one nothing can leave.
pub async fn identity_of(app: &AppState, account_id: &str) -> Result<VerifiedIdentity, Fail> {
    crate::kyc::verified_identity(&app.db, account_id)
        .await?
        .ok_or_else(|| WithdrawalProblem::KycRequired.into())
}

fn bank_name(input: &str) -> Result<String, WithdrawalProblem> {
    let name = input.trim();
    if name.is_empty() || name.chars().count() > BANK_NAME_MAX_CHARS {
        return Err(WithdrawalProblem::InvalidBankName);
    }
    Ok(name.to_string())
}

/// Adds a destination after checking the card, the bank and the holder.
pub async fn add(
    app: &AppState,
    current: &Current,
    request: &NewDestination,
) -> Result<Destination, Fail> {
    require_mover(current)?;
    require_two_factor(current)?;
    let identity = identity_of(app, &current.user.account_id).await?;
    let card = UnionPayCard::parse(&request.card_number)
        .map_err(|error| WithdrawalProblem::InvalidCard(error.to_string()))?;
    let bank_name = bank_name(&request.bank_name)?;
    if !holder_matches(&identity, &request.holder_name) {
        return Err(WithdrawalProblem::HolderMismatch.into());
    }
    let destination = Destination {
        id: format!("wdd_{}", uuid::Uuid::now_v7().simple()),
        account_id: current.user.account_id.clone(),
        card,
        bank_name,
        holder_name: request.holder_name.trim().to_string(),
        created_at_ms: now_ms(),
    };
    sqlx::query(
        "INSERT INTO withdrawal_destinations (id, account_id, card_number, bank_name, holder_name, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&destination.id)
    .bind(&destination.account_id)
    .bind(destination.card.as_str())
    .bind(&destination.bank_name)
    .bind(&destination.holder_name)
    .bind(destination.created_at_ms)
    .execute(app.db.writer())
    .await?;
    Ok(destination)
}

/// Removes a destination from the list (past withdrawals keep their copy).
pub async fn remove(app: &AppState, current: &Current, id: &str) -> Result<(), Fail> {
    require_mover(current)?;
    let removed = sqlx::query(
        "UPDATE withdrawal_destinations SET removed_at_ms = $1 \
         WHERE id = $2 AND account_id = $3 AND removed_at_ms IS NULL",
    )
    .bind(now_ms())
    .bind(id)
    .bind(&current.user.account_id)
    .execute(app.db.writer())
    .await?;
    if removed.rows_affected() == 0 {
        return Err(Problem::NotFound.into());
    }
    Ok(())
}

fn from_row(row: &AnyRow) -> Result<Destination, sqlx::Error> {
    let card: String = row.try_get("card_number")?;
    Ok(Destination {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        card: UnionPayCard::parse(&card)
            .map_err(|_| sqlx::Error::Decode("withdrawal_destinations.card_number".into()))?,
        bank_name: row.try_get("bank_name")?,
        holder_name: row.try_get("holder_name")?,
        created_at_ms: row.try_get("created_at_ms")?,
    })
}

const COLUMNS: &str = "id, account_id, card_number, bank_name, holder_name, created_at_ms";

/// The account's destinations in use, oldest first.
pub async fn list(
    conn: &mut AnyConnection,
    account_id: &str,
) -> Result<Vec<Destination>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM withdrawal_destinations \
         WHERE account_id = $1 AND removed_at_ms IS NULL ORDER BY created_at_ms, id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(account_id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// One destination in use.
pub async fn get(
    conn: &mut AnyConnection,
    account_id: &str,
    id: &str,
) -> Result<Option<Destination>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM withdrawal_destinations \
         WHERE id = $1 AND account_id = $2 AND removed_at_ms IS NULL"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(account_id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kyc::IdentityKind;

    fn company() -> VerifiedIdentity {
        VerifiedIdentity {
            kind: IdentityKind::Company,
            legal_name_zh: "深圳市示例贸易有限公司".into(),
            legal_name_en: Some("Shenzhen Example Trading Co., Ltd.".into()),
            registration_number: "91440300MA5XXXXXXX".into(),
            case_id: "case".into(),
            verified_at_ms: 0,
        }
    }

    #[test]
    fn the_holder_is_compared_without_whitespace_and_case() {
        let identity = company();
        assert!(holder_matches(
            &identity,
            " 深圳市 示例贸易有限公司\u{3000}"
        ));
        assert!(holder_matches(
            &identity,
            "SHENZHEN EXAMPLE TRADING CO., LTD."
        ));
        assert!(!holder_matches(&identity, "深圳市示例贸易公司"));
        assert!(!holder_matches(&identity, "李娜"));
        assert!(!holder_matches(&identity, "  "));
    }
}

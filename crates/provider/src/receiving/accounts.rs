//! Opening receiving accounts and reading them back.

use super::ReceivingSettings;
use super::problem::{Fail, StoreProblem};
use super::programmes::{IssueError, Programme};
use crate::accounts::sessions::Current;
use crate::app::{AppState, now_ms};
use crate::audit::{self, Event};
use crate::error::Problem;
use crate::tokens;
use ferry_domain::marketplace::SellerIdError;
use ferry_domain::{Currency, KatakanaHolderName, MarketplaceId, SellerId};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// The store an account is for: a seller's store in one marketplace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    pub marketplace: MarketplaceId,
    pub seller_id: SellerId,
}

#[derive(Debug, Clone)]
pub struct ReceivingAccount {
    pub id: String,
    pub account_id: String,
    pub currency: Currency,
    pub programme_id: String,
    pub bank_code: String,
    pub account_number: String,
    pub holder_name: String,
    pub store: Option<Store>,
    pub created_at_ms: i64,
}

impl ReceivingAccount {
    /// The last three digits, which is all a marketplace shows of it
    /// (`tail`, `AccountTail`).
    pub fn tail(&self) -> &str {
        let start = self.account_number.len().saturating_sub(3);
        &self.account_number[start..]
    }
}

/// The request to open an account.
#[derive(Debug, Deserialize, Serialize, Default)]
pub struct OpenRequest {
    pub currency: String,
    /// With `seller_id`: the existing store; both absent: no store yet.
    pub marketplace_id: Option<String>,
    pub seller_id: Option<String>,
    /// JPY accounts: the holder as the bank registers it.
    pub katakana_holder_name: Option<String>,
}

/// Only the owner and admins open accounts and bind stores: those are the
/// actions that decide where the money goes.
pub fn require_manager(current: &Current) -> Result<(), Problem> {
    match current.user.role.as_str() {
        "owner" | "admin" => Ok(()),
        _ => Err(Problem::ForbiddenForRole),
    }
}

/// A Seller ID as typed, with the specific message for a pasted
/// marketplace ID.
pub fn parse_seller_id(raw: &str) -> Result<SellerId, StoreProblem> {
    SellerId::parse(raw).map_err(|error| match error {
        SellerIdError::LooksLikeMarketplaceId { marketplace } => {
            StoreProblem::MarketplaceIdAsSellerId {
                country: marketplace.marketplace().country_name(),
                marketplace_id: marketplace.as_str(),
            }
        }
        other => StoreProblem::InvalidSellerId(other.to_string()),
    })
}

/// The store named by the request, checked against the currency.
fn requested_store(request: &OpenRequest, currency: Currency) -> Result<Option<Store>, Fail> {
    let marketplace = request
        .marketplace_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty());
    let seller = request
        .seller_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty());
    let (marketplace, seller) = match (marketplace, seller) {
        (None, None) => return Ok(None),
        (Some(marketplace), Some(seller)) => (marketplace, seller),
        (None, Some(_)) => return Err(StoreProblem::UnknownMarketplace.into()),
        (Some(_), None) => {
            return Err(StoreProblem::InvalidSellerId("empty".into()).into());
        }
    };
    let marketplace =
        MarketplaceId::parse(marketplace).map_err(|_| StoreProblem::UnknownMarketplace)?;
    if marketplace.marketplace().currency() != currency {
        return Err(StoreProblem::MarketplaceCurrencyMismatch.into());
    }
    Ok(Some(Store {
        marketplace,
        seller_id: parse_seller_id(seller)?,
    }))
}

/// The legal names the account's approved real-name verification fixed.
#[derive(Debug, Clone)]
pub struct VerifiedNames {
    pub legal_name_zh: String,
    pub legal_name_en: Option<String>,
}

impl VerifiedNames {
    /// The holder name on Ferry's accounts: the name the seller registered
    /// at the marketplace with, which for a mainland company is its English
    /// name when it has one.
    pub fn holder_name(&self) -> &str {
        self.legal_name_en.as_deref().unwrap_or(&self.legal_name_zh)
    }

    pub fn all(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.legal_name_zh.as_str()).chain(self.legal_name_en.as_deref())
    }
}

/// The names of the account's approved real-name verification; none
/// until a case is approved.
pub async fn verified_names(
    app: &AppState,
    account_id: &str,
) -> Result<Option<VerifiedNames>, sqlx::Error> {
    let identity = crate::kyc::verified_identity(&app.db, account_id).await?;
    Ok(identity.map(|identity| VerifiedNames {
        legal_name_zh: identity.legal_name_zh,
        legal_name_en: identity.legal_name_en,
    }))
}

fn programme_for(settings: &ReceivingSettings, currency: Currency) -> Result<&Programme, Fail> {
    settings
        .programmes
        .iter()
        .find(|programme| programme.currency == currency)
        .ok_or_else(|| StoreProblem::UnsupportedCurrency.into())
}

/// Opens an account: the next number of the currency's programme, held by
/// the verified legal name.
pub async fn open(
    app: &AppState,
    current: &Current,
    request: &OpenRequest,
) -> Result<ReceivingAccount, Fail> {
    require_manager(current)?;
    let currency: Currency = request
        .currency
        .trim()
        .parse()
        .map_err(|_| StoreProblem::UnsupportedCurrency)?;
    let programme = programme_for(&app.collection.receiving, currency)?;
    let store = requested_store(request, currency)?;
    let account_id = &current.user.account_id;
    let names = verified_names(app, account_id)
        .await?
        .ok_or(StoreProblem::KycRequired)?;
    let holder_name = if currency == Currency::JPY {
        let raw = request
            .katakana_holder_name
            .as_deref()
            .filter(|raw| !raw.trim().is_empty())
            .ok_or(StoreProblem::KatakanaHolderRequired)?;
        KatakanaHolderName::parse(raw)
            .map_err(|error| StoreProblem::InvalidKatakanaHolder(error.to_string()))?
            .as_str()
            .to_string()
    } else {
        names.holder_name().to_string()
    };
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    if let Some(store) = &store
        && store_taken(&mut tx, store, currency).await?
    {
        return Err(StoreProblem::StoreAlreadyHasAccount.into());
    }
    let sequence = next_sequence(&mut tx, &programme.id).await?;
    let number = programme.number(sequence).map_err(|error| match error {
        IssueError::Exhausted(_) => Fail::Store(StoreProblem::ProgrammeExhausted),
        misconfigured => Fail::internal(misconfigured),
    })?;
    let account = ReceivingAccount {
        id: tokens::new_id("rcv"),
        account_id: account_id.clone(),
        currency,
        programme_id: programme.id.clone(),
        bank_code: number.bank_code,
        account_number: number.account_number,
        holder_name,
        store,
        created_at_ms: now,
    };
    insert(&mut tx, &account, &current.user.id).await?;
    audit::record(
        &mut tx,
        Event {
            account_id: Some(account_id),
            user_id: Some(&current.user.id),
            name: "receiving_account.opened",
            detail: serde_json::json!({
                "receiving_account_id": account.id,
                "currency": currency.to_string(),
                "tail": account.tail(),
            }),
            ip: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(account)
}

async fn store_taken(
    conn: &mut AnyConnection,
    store: &Store,
    currency: Currency,
) -> Result<bool, sqlx::Error> {
    let found = sqlx::query(
        "SELECT id FROM receiving_accounts WHERE store_seller_id = $1 AND store_marketplace_id = $2 \
         AND currency = $3",
    )
    .bind(store.seller_id.as_str())
    .bind(store.marketplace.as_str())
    .bind(currency.to_string())
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// The next sequence of a programme. The UPDATE locks the counter row until
/// the transaction ends (PostgreSQL), and SQLite has one writer, so two
/// transactions never read the same value.
async fn next_sequence(conn: &mut AnyConnection, programme_id: &str) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO receiving_number_counters (programme_id, issued) VALUES ($1, 0) \
         ON CONFLICT (programme_id) DO NOTHING",
    )
    .bind(programme_id)
    .execute(&mut *conn)
    .await?;
    let issued: i64 = sqlx::query_scalar(
        "UPDATE receiving_number_counters SET issued = issued + 1 WHERE programme_id = $1 \
         RETURNING issued",
    )
    .bind(programme_id)
    .fetch_one(conn)
    .await?;
    u64::try_from(issued).map_err(|_| sqlx::Error::Protocol("negative counter".into()))
}

fn is_store_conflict(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            db.constraint() == Some("receiving_accounts_store")
                || db.message().contains("store_seller_id")
        }
        _ => false,
    }
}

async fn insert(
    conn: &mut AnyConnection,
    account: &ReceivingAccount,
    created_by: &str,
) -> Result<(), Fail> {
    let inserted = sqlx::query(
        "INSERT INTO receiving_accounts (id, account_id, currency, programme_id, bank_code, \
         account_number, holder_name, store_marketplace_id, store_seller_id, created_by, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&account.id)
    .bind(&account.account_id)
    .bind(account.currency.to_string())
    .bind(&account.programme_id)
    .bind(&account.bank_code)
    .bind(&account.account_number)
    .bind(&account.holder_name)
    .bind(account.store.as_ref().map(|s| s.marketplace.as_str()))
    .bind(account.store.as_ref().map(|s| s.seller_id.as_str().to_string()))
    .bind(created_by)
    .bind(account.created_at_ms)
    .execute(conn)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        // Two requests for one store raced past the check above.
        Err(error) if is_store_conflict(&error) => Err(StoreProblem::StoreAlreadyHasAccount.into()),
        Err(error) => Err(error.into()),
    }
}

const COLUMNS: &str = "id, account_id, currency, programme_id, bank_code, account_number, \
     holder_name, store_marketplace_id, store_seller_id, created_at_ms";

fn from_row(row: &AnyRow) -> Result<ReceivingAccount, sqlx::Error> {
    let corrupt = |what: &str| sqlx::Error::Protocol(format!("stored {what} does not parse"));
    let currency: String = row.try_get("currency")?;
    let marketplace: Option<String> = row.try_get("store_marketplace_id")?;
    let seller: Option<String> = row.try_get("store_seller_id")?;
    let store = match (marketplace, seller) {
        (Some(marketplace), Some(seller)) => Some(Store {
            marketplace: MarketplaceId::parse(&marketplace).map_err(|_| corrupt("marketplace"))?,
            seller_id: SellerId::parse(&seller).map_err(|_| corrupt("seller ID"))?,
        }),
        _ => None,
    };
    Ok(ReceivingAccount {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        currency: currency.parse().map_err(|_| corrupt("currency"))?,
        programme_id: row.try_get("programme_id")?,
        bank_code: row.try_get("bank_code")?,
        account_number: row.try_get("account_number")?,
        holder_name: row.try_get("holder_name")?,
        store,
        created_at_ms: row.try_get("created_at_ms")?,
    })
}

pub async fn list(
    conn: &mut AnyConnection,
    account_id: &str,
) -> Result<Vec<ReceivingAccount>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM receiving_accounts WHERE account_id = $1 ORDER BY created_at_ms, id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(account_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// The account, if it belongs to `account_id` (others' look the same as
/// missing ones).
pub async fn get(
    conn: &mut AnyConnection,
    account_id: &str,
    id: &str,
) -> Result<Option<ReceivingAccount>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM receiving_accounts WHERE id = $1 AND account_id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(account_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Links a store to an account opened without one. Fails when the store
/// already has an account in the currency.
pub async fn link_store(conn: &mut AnyConnection, id: &str, store: &Store) -> Result<(), Fail> {
    let linked = sqlx::query(
        "UPDATE receiving_accounts SET store_marketplace_id = $1, store_seller_id = $2 \
         WHERE id = $3 AND store_seller_id IS NULL",
    )
    .bind(store.marketplace.as_str())
    .bind(store.seller_id.as_str())
    .bind(id)
    .execute(conn)
    .await;
    match linked {
        Ok(_) => Ok(()),
        Err(error) if is_store_conflict(&error) => Err(StoreProblem::StoreAlreadyHasAccount.into()),
        Err(error) => Err(error.into()),
    }
}

/// What a marketplace asks about: the account behind a bank code and number.
pub async fn find_by_number(
    conn: &mut AnyConnection,
    bank_code: &str,
    account_number: &str,
) -> Result<Option<(ReceivingAccount, Option<i64>)>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS}, closed_at_ms FROM receiving_accounts WHERE bank_code = $1 AND account_number = $2"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(bank_code)
        .bind(account_number)
        .fetch_optional(conn)
        .await?;
    row.map(|row| Ok((from_row(&row)?, row.try_get("closed_at_ms")?)))
        .transpose()
}

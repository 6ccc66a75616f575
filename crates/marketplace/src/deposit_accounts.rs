//! The bank accounts a store keeps per marketplace (MARKETPLACE-FACTS §1.1):
//! how many it may have, switching the default between them, and the
//! Amazon Currency Converter for Sellers (ACCS) agreement an account in
//! another currency needs.

use crate::deposits::{BankAccount, BankLocation, DepositAccount, SECURITY_HOLD_MS, tail};
use ferry_domain::{Currency, Marketplace};
use sqlx::{AnyConnection, Row};
use std::collections::HashSet;

/// How many bank accounts a seller may keep for a group of marketplaces.
#[derive(Debug, PartialEq, Eq)]
pub struct AccountLimit {
    /// Country codes of the marketplaces the row covers; they share `total`.
    pub countries: &'static [&'static str],
    /// Active accounts per marketplace, the default included.
    pub per_marketplace: usize,
    /// Distinct accounts across all of the row's marketplaces, if limited.
    pub total: Option<usize>,
}

/// Amazon's published limits, keyed by marketplace.
pub static ACCOUNT_LIMITS: [AccountLimit; 2] = [
    // Help W2QZPWB284AMMSM: "up to two bank accounts" per US store; Amazon
    // names no limit across stores.
    AccountLimit {
        countries: &["US"],
        per_marketplace: 2,
        total: None,
    },
    // Help 851 (Seller Central Europe): "only 1 bank account per marketplace
    // and up to five total … across multiple marketplaces". The sandbox
    // reads "Europe" as the stores that help page serves, not SP-API's EU
    // region (which also holds India, the Middle East and South Africa).
    AccountLimit {
        countries: &["DE", "FR", "IT", "ES", "GB", "IE", "NL", "BE", "SE", "PL"],
        per_marketplace: 1,
        total: Some(5),
    },
];

/// Sandbox model for marketplaces Amazon publishes no number for: one
/// account, the default, which the seller can replace.
pub static UNPUBLISHED_LIMIT: AccountLimit = AccountLimit {
    countries: &[],
    per_marketplace: 1,
    total: None,
};

pub fn account_limit(marketplace: &Marketplace) -> &'static AccountLimit {
    ACCOUNT_LIMITS
        .iter()
        .find(|limit| limit.countries.contains(&marketplace.country_code()))
        .unwrap_or(&UNPUBLISHED_LIMIT)
}

/// Why an account cannot be added.
#[derive(Debug, PartialEq, Eq)]
pub enum LimitError {
    PerMarketplace { limit: usize },
    Total { limit: usize },
    AlreadyActive,
}

impl LimitError {
    /// Stable machine code, shown with the message.
    pub fn code(&self) -> &'static str {
        match self {
            Self::PerMarketplace { .. } => "deposit_method_limit_per_marketplace",
            Self::Total { .. } => "deposit_method_limit_total",
            Self::AlreadyActive => "deposit_method_already_active",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Self::PerMarketplace { limit: 1 } => "This marketplace already has its bank account; you can have only 1 bank account per marketplace. Replace the deposit method instead.".into(),
            Self::PerMarketplace { limit } => format!("This marketplace already has {limit} bank accounts, the most you can have. Replace the default deposit method instead."),
            Self::Total { limit } => format!("You already use {limit} bank accounts across your marketplaces in this region, the most you can have. Use one of those accounts, or replace one."),
            Self::AlreadyActive => "This bank account is already one of this marketplace's deposit methods. Make it the default instead.".into(),
        }
    }
}

/// One of a marketplace's active accounts.
#[derive(Debug, Clone)]
pub struct Linked {
    pub deposit_method_id: String,
    pub holder_name: String,
    pub tail: String,
    pub hold_until_at_ms: i64,
    pub accs_accepted: bool,
    pub is_default: bool,
}

pub async fn linked(
    conn: &mut AnyConnection,
    seller_id: &str,
    marketplace_id: &str,
) -> Result<Vec<Linked>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT l.deposit_method_id, m.holder_name, m.tail, l.hold_until_at_ms, \
         l.accs_accepted_at_ms, a.deposit_method_id AS default_id \
         FROM deposit_method_links l \
         JOIN deposit_methods m ON m.deposit_method_id = l.deposit_method_id \
         LEFT JOIN deposit_assignments a ON a.seller_id = l.seller_id \
           AND a.marketplace_id = l.marketplace_id AND a.deposit_method_id = l.deposit_method_id \
         WHERE l.seller_id = $1 AND l.marketplace_id = $2 ORDER BY l.added_at_ms, l.deposit_method_id",
    )
    .bind(seller_id)
    .bind(marketplace_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(Linked {
                deposit_method_id: row.try_get("deposit_method_id")?,
                holder_name: row.try_get("holder_name")?,
                tail: row.try_get("tail")?,
                hold_until_at_ms: row.try_get("hold_until_at_ms")?,
                accs_accepted: row
                    .try_get::<Option<i64>, _>("accs_accepted_at_ms")?
                    .is_some(),
                is_default: row.try_get::<Option<String>, _>("default_id")?.is_some(),
            })
        })
        .collect()
}

/// What identifies one real bank account across marketplaces: a seller who
/// uses the same IBAN in Germany and France uses one account.
fn account_key(location: &str, bank_identifier: &str, account_number: &str) -> String {
    format!("{location}|{bank_identifier}|{account_number}")
}

fn new_account_key(account: &BankAccount) -> String {
    account_key(
        account.location().code(),
        &account.bank_identifier(),
        &account.account_number(),
    )
}

/// Checks the marketplace's limits for adding `account`, or for putting it
/// in place of `replacing` (a deposit method id of the same marketplace).
pub async fn check_limits(
    conn: &mut AnyConnection,
    seller_id: &str,
    marketplace: &Marketplace,
    account: &BankAccount,
    replacing: Option<&str>,
) -> Result<Result<(), LimitError>, sqlx::Error> {
    let limit = account_limit(marketplace);
    let rows = sqlx::query(
        "SELECT l.marketplace_id, l.deposit_method_id, m.bank_location, m.bank_identifier, m.account_number \
         FROM deposit_method_links l JOIN deposit_methods m ON m.deposit_method_id = l.deposit_method_id \
         WHERE l.seller_id = $1",
    )
    .bind(seller_id)
    .fetch_all(conn)
    .await?;
    let new_key = new_account_key(account);
    let mut here = 0;
    let mut keys_in_group = HashSet::new();
    for row in rows {
        let marketplace_id: String = row.try_get("marketplace_id")?;
        let deposit_method_id: String = row.try_get("deposit_method_id")?;
        let same_marketplace = marketplace_id == marketplace.id();
        if same_marketplace && replacing == Some(deposit_method_id.as_str()) {
            continue;
        }
        let key = account_key(
            &row.try_get::<String, _>("bank_location")?,
            &row.try_get::<String, _>("bank_identifier")?,
            &row.try_get::<String, _>("account_number")?,
        );
        if same_marketplace {
            if key == new_key {
                return Ok(Err(LimitError::AlreadyActive));
            }
            here += 1;
        }
        let in_group = Marketplace::by_id(&marketplace_id)
            .is_some_and(|other| std::ptr::eq(account_limit(other), limit));
        if in_group {
            keys_in_group.insert(key);
        }
    }
    if here + 1 > limit.per_marketplace {
        return Ok(Err(LimitError::PerMarketplace {
            limit: limit.per_marketplace,
        }));
    }
    keys_in_group.insert(new_key);
    match limit.total {
        Some(total) if keys_in_group.len() > total => Ok(Err(LimitError::Total { limit: total })),
        _ => Ok(Ok(())),
    }
}

/// The currency of the bank's country, where the sandbox knows it. IBAN
/// accounts take the currency of the IBAN's country.
pub fn account_currency(account: &BankAccount) -> Option<Currency> {
    const EURO_AREA: [&str; 20] = [
        "AT", "BE", "HR", "CY", "EE", "FI", "FR", "DE", "GR", "IE", "IT", "LV", "LT", "LU", "MT",
        "NL", "PT", "SK", "SI", "ES",
    ];
    let country = account.country_code();
    if account.location() == BankLocation::Euro && EURO_AREA.contains(&country) {
        return Some(Currency::EUR);
    }
    let currency = match country {
        "US" => Currency::USD,
        "CA" => Currency::CAD,
        "GB" => Currency::GBP,
        "JP" => Currency::JPY,
        "AU" => Currency::AUD,
        "SE" => Currency::SEK,
        "PL" => Currency::PLN,
        "CZ" => Currency::CZK,
        "DK" => Currency::DKK,
        "HU" => Currency::HUF,
        "RO" => Currency::RON,
        "NO" => Currency::NOK,
        "CH" | "LI" => Currency::CHF,
        _ => return None,
    };
    Some(currency)
}

/// Whether the seller must accept ACCS to use the account in the
/// marketplace: the bank country's currency differs from the marketplace's.
/// An account whose currency the sandbox does not know needs it too, since
/// it is not known to be paid in the marketplace currency.
pub fn needs_currency_converter(account: &BankAccount, marketplace: &Marketplace) -> bool {
    account_currency(account) != Some(marketplace.currency())
}

/// Inserts the account and makes it active in the marketplace, with its own
/// security hold. It does not become the default.
pub async fn add(
    conn: &mut AnyConnection,
    seller_id: &str,
    marketplace_id: &str,
    deposit: &DepositAccount,
    accs_accepted: bool,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let id = format!("0h_TU_CUS_{}", uuid::Uuid::new_v4());
    let account_number = deposit.account.account_number();
    let (directory_code_type, directory_code) = crate::banks::directory_key(&deposit.account);
    sqlx::query(
        "INSERT INTO deposit_methods (deposit_method_id, seller_id, bank_location, country_code, \
         holder_name, bank_identifier, account_number, account_type, tail, created_at_ms, \
         directory_code_type, directory_code) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&id)
    .bind(seller_id)
    .bind(deposit.account.location().code())
    .bind(deposit.account.country_code())
    .bind(&deposit.holder_name)
    .bind(deposit.account.bank_identifier())
    .bind(&account_number)
    .bind(deposit.account.account_type())
    .bind(tail(&account_number))
    .bind(now_ms)
    .bind(directory_code_type)
    .bind(&directory_code)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO deposit_method_links (seller_id, marketplace_id, deposit_method_id, \
         added_at_ms, hold_until_at_ms, accs_accepted_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(seller_id)
    .bind(marketplace_id)
    .bind(&id)
    .bind(now_ms)
    .bind(now_ms + SECURITY_HOLD_MS)
    .bind(accs_accepted.then_some(now_ms))
    .execute(conn)
    .await?;
    Ok(id)
}

/// Removes an account from the marketplace's active accounts (when it is
/// replaced). The deposit method row stays: settlements refer to it.
pub async fn remove(
    conn: &mut AnyConnection,
    seller_id: &str,
    marketplace_id: &str,
    deposit_method_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM deposit_method_links WHERE seller_id = $1 AND marketplace_id = $2 \
         AND deposit_method_id = $3",
    )
    .bind(seller_id)
    .bind(marketplace_id)
    .bind(deposit_method_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes an active account the marketplace's default. The assignment takes
/// the account's own hold, from when it was added: switching between active
/// accounts starts no new hold (help W2QZPWB284AMMSM).
pub async fn make_default(
    conn: &mut AnyConnection,
    seller_id: &str,
    marketplace_id: &str,
    deposit_method_id: &str,
    hold_until_at_ms: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM deposit_assignments WHERE seller_id = $1 AND marketplace_id = $2")
        .bind(seller_id)
        .bind(marketplace_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO deposit_assignments (seller_id, marketplace_id, deposit_method_id, \
         assigned_at_ms, hold_until_at_ms) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(seller_id)
    .bind(marketplace_id)
    .bind(deposit_method_id)
    .bind(now_ms)
    .bind(hold_until_at_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Puts a new account in place of the marketplace's default (or assigns
/// the first one) and starts its three-day hold. Returns its id.
pub async fn replace_default(
    conn: &mut AnyConnection,
    seller_id: &str,
    marketplace_id: &str,
    replacing: Option<&str>,
    deposit: &DepositAccount,
    accs_accepted: bool,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    if let Some(old) = replacing {
        remove(&mut *conn, seller_id, marketplace_id, old).await?;
    }
    let id = add(
        &mut *conn,
        seller_id,
        marketplace_id,
        deposit,
        accs_accepted,
        now_ms,
    )
    .await?;
    make_default(
        conn,
        seller_id,
        marketplace_id,
        &id,
        now_ms + SECURITY_HOLD_MS,
        now_ms,
    )
    .await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit_of(country: &str) -> &'static AccountLimit {
        account_limit(Marketplace::by_country(country).unwrap())
    }

    #[test]
    fn the_limits_table_follows_amazons_help_pages() {
        assert_eq!(limit_of("US").per_marketplace, 2);
        assert_eq!(limit_of("US").total, None);
        assert_eq!(limit_of("DE").per_marketplace, 1);
        assert_eq!(limit_of("DE").total, Some(5));
        assert!(std::ptr::eq(limit_of("GB"), limit_of("FR")));
        assert!(std::ptr::eq(limit_of("IN"), &UNPUBLISHED_LIMIT));
        assert!(std::ptr::eq(limit_of("JP"), &UNPUBLISHED_LIMIT));
    }
}

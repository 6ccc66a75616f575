//! Payouts per store: the marketplace payouts credited to a wallet, grouped
//! by the store of the receiving account they arrived on. A payout
//! transfer's `reference` is that receiving account's id.

use super::balances::Wallet;
use super::transfer_code;
use crate::i18n::Lang;
use ferry_domain::{Marketplace, Money};
use ferry_ledger::TransferFlags;
use ferry_platform::db::Db;
use sqlx::Row;
use std::collections::BTreeMap;

/// A store: its marketplace and the seller's id there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StoreKey {
    pub marketplace_id: String,
    pub seller_id: String,
}

impl StoreKey {
    pub fn label(store: Option<&Self>, lang: Lang) -> String {
        match store {
            Some(store) => match Marketplace::by_id(&store.marketplace_id) {
                Some(marketplace) => {
                    format!(
                        "Amazon {} · {}",
                        marketplace.country_code(),
                        store.seller_id
                    )
                }
                None => format!("{} · {}", store.marketplace_id, store.seller_id),
            },
            None => lang.pick("尚未关联店铺", "No store yet").to_string(),
        }
    }
}

/// What one store paid into the wallet; `store` is `None` for receiving
/// accounts without a store yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorePayouts {
    pub store: Option<StoreKey>,
    pub total: Money,
    pub count: i64,
}

/// Posted payouts into `wallet` by store, largest first.
pub async fn payouts_by_store(
    db: &Db,
    seller_account_id: &str,
    wallet: &Wallet,
) -> Result<Vec<StorePayouts>, sqlx::Error> {
    let reservation_only =
        TransferFlags::PENDING | TransferFlags::VOID_PENDING | TransferFlags::EXPIRE_PENDING;
    let rows = sqlx::query(
        "SELECT reference, CAST(SUM(amount) AS BIGINT) AS total, COUNT(*) AS payouts \
         FROM ledger_transfers \
         WHERE credit_account_id = $1 AND code IN ($2, $3) AND (flags & $4) = 0 \
         GROUP BY reference",
    )
    .bind(&wallet.account_id)
    .bind(transfer_code::PAYOUT_RECEIVED)
    .bind(transfer_code::HOLD_RELEASED)
    .bind(reservation_only)
    .fetch_all(db.reader())
    .await?;
    let mut by_store: BTreeMap<Option<StoreKey>, (i64, i64)> = BTreeMap::new();
    for row in rows {
        let reference: Option<String> = row.try_get("reference")?;
        let store = match reference {
            Some(id) => store_of(db, seller_account_id, &id).await?,
            None => None,
        };
        let entry = by_store.entry(store).or_default();
        entry.0 += row.try_get::<i64, _>("total")?;
        entry.1 += row.try_get::<i64, _>("payouts")?;
    }
    let mut stores: Vec<StorePayouts> = by_store
        .into_iter()
        .map(|(store, (total, count))| StorePayouts {
            store,
            total: Money::from_minor(total, wallet.currency),
            count,
        })
        .collect();
    stores.sort_by_key(|store| std::cmp::Reverse(store.total.amount_minor()));
    Ok(stores)
}

/// The store of one of the seller's receiving accounts (only the seller's
/// own: a reference to anyone else's account reads as "no store").
async fn store_of(
    db: &Db,
    seller_account_id: &str,
    receiving_account_id: &str,
) -> Result<Option<StoreKey>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT store_marketplace_id, store_seller_id FROM receiving_accounts \
         WHERE id = $1 AND account_id = $2",
    )
    .bind(receiving_account_id)
    .bind(seller_account_id)
    .fetch_optional(db.reader())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let marketplace_id: Option<String> = row.try_get("store_marketplace_id")?;
    let seller_id: Option<String> = row.try_get("store_seller_id")?;
    Ok(marketplace_id
        .zip(seller_id)
        .map(|(marketplace_id, seller_id)| StoreKey {
            marketplace_id,
            seller_id,
        }))
}

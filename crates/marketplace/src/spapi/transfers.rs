//! Transfers API 2024-06-01: `getPaymentMethods`
//! (models/finances-api-model/transfers_2024-06-01.json).

use super::{Caller, Operation, SpApiError, ok};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use ferry_domain::MarketplaceId;
use serde_json::{Value, json};
use sqlx::Row;
use std::collections::HashMap;

pub const GET_PAYMENT_METHODS: Operation = Operation {
    name: "getPaymentMethods",
    rate_micro_per_s: 500_000,
    burst: 30,
};

const PAYMENT_METHOD_TYPES: [&str; 3] = ["BANK_ACCOUNT", "CARD", "SELLER_WALLET"];

/// The requested types (comma-separated, as the model's `collectionFormat:
/// csv`), all of them when the parameter is absent.
fn requested_types(raw: Option<&String>) -> Result<Vec<&'static str>, SpApiError> {
    let Some(raw) = raw else {
        return Ok(PAYMENT_METHOD_TYPES.to_vec());
    };
    raw.split(',')
        .map(|value| {
            PAYMENT_METHOD_TYPES
                .into_iter()
                .find(|known| *known == value.trim())
                .ok_or_else(|| {
                    SpApiError::invalid_input(
                        format!("Validation failed for paymentMethodTypes: {value}"),
                        "The following input parameters are invalid : [ paymentMethodTypes ].",
                    )
                })
        })
        .collect()
}

/// The seller's bank accounts in use as deposit methods; the one assigned
/// to `marketplaceId` carries `assignmentType: DEFAULT_DEPOSIT_METHOD`.
/// The sandbox keeps no cards or Seller Wallet accounts, so those types
/// add nothing.
pub async fn get_payment_methods(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, SpApiError> {
    caller.admit(&state, &GET_PAYMENT_METHODS)?;
    let raw_marketplace = query.get("marketplaceId").map_or("", String::as_str);
    let invalid_marketplace = || {
        SpApiError::invalid_input(
            format!("Validation failed for: {raw_marketplace}"),
            "The following input parameters are invalid : [ marketplaceId ].",
        )
    };
    let marketplace = MarketplaceId::parse(raw_marketplace).map_err(|_| invalid_marketplace())?;
    let types = requested_types(query.get("paymentMethodTypes"))?;
    let seller_id = &caller.grant.seller_id;
    let mut conn = state.db.reader().acquire().await?;
    let participates = sqlx::query(
        "SELECT store_name FROM marketplace_participations WHERE seller_id = $1 AND marketplace_id = $2",
    )
    .bind(seller_id)
    .bind(marketplace.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    if participates.is_none() {
        return Err(invalid_marketplace());
    }
    let mut methods: Vec<Value> = Vec::new();
    if types.contains(&"BANK_ACCOUNT") {
        let rows = sqlx::query(
            "SELECT DISTINCT m.deposit_method_id, m.holder_name, m.tail, m.country_code, m.created_at_ms \
             FROM deposit_methods m JOIN deposit_method_links l ON l.deposit_method_id = m.deposit_method_id \
             WHERE m.seller_id = $1 ORDER BY m.created_at_ms",
        )
        .bind(seller_id)
        .fetch_all(&mut *conn)
        .await?;
        let default_id: Option<String> = sqlx::query_scalar(
            "SELECT deposit_method_id FROM deposit_assignments WHERE seller_id = $1 AND marketplace_id = $2",
        )
        .bind(seller_id)
        .bind(marketplace.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        for row in rows {
            let id: String = row.try_get("deposit_method_id")?;
            let mut method = json!({
                "accountHolderName": row.try_get::<String, _>("holder_name")?,
                "paymentMethodId": id,
                "paymentMethodType": "BANK_ACCOUNT",
                "tail": row.try_get::<String, _>("tail")?,
                "countryCode": row.try_get::<String, _>("country_code")?,
            });
            if default_id.as_deref() == Some(id.as_str()) {
                method["assignmentType"] = json!("DEFAULT_DEPOSIT_METHOD");
            }
            methods.push(method);
        }
    }
    Ok(ok(
        &GET_PAYMENT_METHODS,
        json!({ "paymentMethods": methods }),
    ))
}

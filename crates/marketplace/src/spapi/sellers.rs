//! Sellers API v1: `getMarketplaceParticipations` and `getAccount`
//! (models/sellers-api-model/sellers.json).

use super::{Caller, Operation, SpApiError, ok};
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use ferry_domain::Marketplace;
use serde_json::{Value, json};
use sqlx::{AnyConnection, Row};

pub const GET_MARKETPLACE_PARTICIPATIONS: Operation = Operation {
    name: "getMarketplaceParticipations",
    rate_micro_per_s: 16_000,
    burst: 15,
};

pub const GET_ACCOUNT: Operation = Operation {
    name: "getAccount",
    rate_micro_per_s: 16_000,
    burst: 15,
};

/// The storefront fields SP-API reports per marketplace (name, default
/// language, domain), keyed by the marketplace's country code.
pub(crate) fn storefront(country_code: &str) -> (&'static str, &'static str, &'static str) {
    match country_code {
        "CA" => ("Amazon.ca", "en_CA", "www.amazon.ca"),
        "US" => ("Amazon.com", "en_US", "www.amazon.com"),
        "MX" => ("Amazon.com.mx", "es_MX", "www.amazon.com.mx"),
        "BR" => ("Amazon.com.br", "pt_BR", "www.amazon.com.br"),
        "IE" => ("Amazon.ie", "en_IE", "www.amazon.ie"),
        "ES" => ("Amazon.es", "es_ES", "www.amazon.es"),
        "GB" => ("Amazon.co.uk", "en_GB", "www.amazon.co.uk"),
        "FR" => ("Amazon.fr", "fr_FR", "www.amazon.fr"),
        "BE" => ("Amazon.com.be", "fr_BE", "www.amazon.com.be"),
        "NL" => ("Amazon.nl", "nl_NL", "www.amazon.nl"),
        "DE" => ("Amazon.de", "de_DE", "www.amazon.de"),
        "IT" => ("Amazon.it", "it_IT", "www.amazon.it"),
        "SE" => ("Amazon.se", "sv_SE", "www.amazon.se"),
        "ZA" => ("Amazon.co.za", "en_ZA", "www.amazon.co.za"),
        "PL" => ("Amazon.pl", "pl_PL", "www.amazon.pl"),
        "EG" => ("Amazon.eg", "ar_EG", "www.amazon.eg"),
        "TR" => ("Amazon.com.tr", "tr_TR", "www.amazon.com.tr"),
        "SA" => ("Amazon.sa", "ar_SA", "www.amazon.sa"),
        "AE" => ("Amazon.ae", "en_AE", "www.amazon.ae"),
        "IN" => ("Amazon.in", "en_IN", "www.amazon.in"),
        "SG" => ("Amazon.sg", "en_SG", "www.amazon.sg"),
        "AU" => ("Amazon.com.au", "en_AU", "www.amazon.com.au"),
        "JP" => ("Amazon.co.jp", "ja_JP", "www.amazon.co.jp"),
        _ => ("Amazon", "en_US", "www.amazon.com"),
    }
}

/// The seller's participations in SP-API's shape. Every region's stores are
/// listed: the sandbox serves all regions from one host.
async fn participation_list(
    conn: &mut AnyConnection,
    seller_id: &str,
) -> Result<Vec<Value>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT marketplace_id, store_name, has_suspended_listings \
         FROM marketplace_participations WHERE seller_id = $1 ORDER BY joined_at_ms, marketplace_id",
    )
    .bind(seller_id)
    .fetch_all(conn)
    .await?;
    let mut list = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get("marketplace_id")?;
        let Some(marketplace) = Marketplace::by_id(&id) else {
            continue;
        };
        let (name, language, domain) = storefront(marketplace.country_code());
        list.push(json!({
            "marketplace": {
                "id": marketplace.id(),
                "name": name,
                "countryCode": marketplace.country_code(),
                "defaultCurrencyCode": marketplace.currency().to_string(),
                "defaultLanguageCode": language,
                "domainName": domain,
            },
            "participation": {
                "isParticipating": true,
                "hasSuspendedListings": row.try_get::<i64, _>("has_suspended_listings")? != 0,
            },
            "storeName": row.try_get::<String, _>("store_name")?,
        }));
    }
    Ok(list)
}

pub async fn get_marketplace_participations(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, SpApiError> {
    caller.admit(&state, &GET_MARKETPLACE_PARTICIPATIONS)?;
    let mut conn = state.db.reader().acquire().await?;
    let payload = participation_list(&mut conn, &caller.grant.seller_id).await?;
    Ok(ok(
        &GET_MARKETPLACE_PARTICIPATIONS,
        json!({ "payload": payload }),
    ))
}

pub async fn get_account(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, SpApiError> {
    caller.admit(&state, &GET_ACCOUNT)?;
    let mut conn = state.db.reader().acquire().await?;
    let seller = sqlx::query(
        "SELECT s.legal_name, s.business_type, s.selling_plan, s.country_code, s.address_line1, \
         s.city, s.postal_code, u.name AS contact_name FROM sellers s \
         JOIN seller_users u ON u.seller_id = s.seller_id AND u.role = 'primary' \
         WHERE s.seller_id = $1",
    )
    .bind(&caller.grant.seller_id)
    .fetch_one(&mut *conn)
    .await?;
    let text = |name: &str| seller.try_get::<String, _>(name);
    let address = json!({
        "addressLine1": text("address_line1")?,
        "city": text("city")?,
        "postalCode": text("postal_code")?,
        "countryCode": text("country_code")?,
    });
    let participations = participation_list(&mut conn, &caller.grant.seller_id).await?;
    Ok(ok(
        &GET_ACCOUNT,
        json!({
            "payload": {
                "marketplaceParticipationList": participations,
                "businessType": text("business_type")?,
                "sellingPlan": text("selling_plan")?,
                "business": { "name": text("legal_name")?, "registeredBusinessAddress": address },
                "primaryContact": { "name": text("contact_name")?, "address": address },
            }
        }),
    ))
}

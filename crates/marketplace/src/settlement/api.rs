//! The sandbox's admin API for settlements (Amazon has none): posting
//! simulated orders, generating seeded activity, listing a marketplace's
//! settlements with their deposit dates and holds, and serving report
//! documents behind their five-minute download links.

use super::events::{self, Fulfillment, OrderLine};
use super::{DD_RESERVE_MS, HoldReason, catch_up, open_group};
use crate::clock::{self, MS_PER_DAY};
use crate::crypto;
use crate::deposits::DEPOSIT_AFTER_PERIOD_END_MS;
use crate::errors::{AdminJson, bad_request, internal, not_found};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ferry_domain::{Marketplace, Money};
use ferry_platform::db::from_unix_ms;
use ferry_platform::http::ApiError;
use serde::Deserialize;
use serde_json::{Value, json};
use sqlx::{AnyConnection, Row};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sandbox/v1/orders", post(post_order))
        .route("/sandbox/v1/orders/{order_id}/refund", post(refund_order))
        .route(
            "/sandbox/v1/sellers/{seller_id}/marketplaces/{marketplace_id}/simulated-activity",
            post(simulate_activity),
        )
        .route(
            "/sandbox/v1/sellers/{seller_id}/marketplaces/{marketplace_id}/settlements",
            get(list_settlements),
        )
        .route(
            "/sandbox/v1/report-documents/{token}",
            get(download_report_document),
        )
}

/// ISO 8601 in UTC with seconds, as SP-API writes dates.
pub fn iso(ms: i64) -> String {
    let at = from_unix_ms(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

fn money_json(minor: i64, marketplace: &Marketplace) -> Value {
    let money = Money::from_minor(minor, marketplace.currency());
    json!({
        "amount_minor": minor,
        "currency": marketplace.currency().code(),
        "amount": money.format_major(ferry_domain::DecimalStyle::Point),
    })
}

/// The seller's participation in the marketplace, or a 404 saying which is
/// missing.
async fn participation(
    conn: &mut AnyConnection,
    seller_id: &str,
    marketplace_id: &str,
) -> Result<&'static Marketplace, ApiError> {
    let marketplace = Marketplace::by_id(marketplace_id).ok_or_else(|| {
        bad_request(
            "unknown_marketplace",
            format!("{marketplace_id} is not an Amazon marketplace ID."),
        )
    })?;
    let found = sqlx::query(
        "SELECT 1 AS one FROM marketplace_participations WHERE seller_id = $1 AND marketplace_id = $2",
    )
    .bind(seller_id)
    .bind(marketplace_id)
    .fetch_optional(conn)
    .await
    .map_err(internal)?;
    found.map(|_| marketplace).ok_or_else(|| {
        not_found(
            "participation_not_found",
            "This seller does not sell in this marketplace (or the Seller ID is unknown).",
        )
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewOrder {
    seller_id: String,
    marketplace_id: String,
    fulfillment: Fulfillment,
    items: Vec<NewItem>,
    /// Days from the order to delivery; DD+7 releases the proceeds seven
    /// days after that. Default 3.
    #[serde(default = "default_delivery_days")]
    delivery_days: i64,
}

fn default_delivery_days() -> i64 {
    3
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewItem {
    sku: String,
    quantity: i64,
    item_price_minor: i64,
    #[serde(default)]
    tax_minor: i64,
    #[serde(default)]
    shipping_minor: i64,
    #[serde(default)]
    fba_fee_per_unit_minor: i64,
}

/// Checks an item: a SKU, 1–999 units, non-negative amounts and a positive
/// price.
fn order_line(item: NewItem) -> Result<OrderLine, ApiError> {
    let sku = item.sku.trim();
    if sku.is_empty() || sku.len() > 40 {
        return Err(bad_request(
            "invalid_sku",
            "Give each item a SKU of 1 to 40 characters.",
        ));
    }
    if !(1..=999).contains(&item.quantity) {
        return Err(bad_request(
            "invalid_quantity",
            "The quantity must be between 1 and 999.",
        ));
    }
    if item.item_price_minor <= 0 || item.item_price_minor > 100_000_000 {
        return Err(bad_request(
            "invalid_price",
            "item_price_minor must be a positive amount in minor units (cents), at most 100000000.",
        ));
    }
    let amounts = [
        item.tax_minor,
        item.shipping_minor,
        item.fba_fee_per_unit_minor,
    ];
    if amounts.iter().any(|a| !(0..=100_000_000).contains(a)) {
        return Err(bad_request(
            "invalid_amount",
            "tax_minor, shipping_minor and fba_fee_per_unit_minor must be between 0 and 100000000 minor units.",
        ));
    }
    Ok(OrderLine {
        sku: sku.into(),
        quantity: item.quantity,
        item_price_minor: item.item_price_minor,
        tax_minor: item.tax_minor,
        shipping_minor: item.shipping_minor,
        fba_fee_per_unit_minor: item.fba_fee_per_unit_minor,
    })
}

/// Posts a shipped order at the current sandbox time into the open period.
async fn post_order(
    State(state): State<AppState>,
    AdminJson(order): AdminJson<NewOrder>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if order.items.is_empty() || order.items.len() > 50 {
        return Err(bad_request("invalid_items", "An order has 1 to 50 items."));
    }
    if !(0..=30).contains(&order.delivery_days) {
        return Err(bad_request(
            "invalid_delivery_days",
            "delivery_days must be between 0 and 30.",
        ));
    }
    let lines = order
        .items
        .into_iter()
        .map(order_line)
        .collect::<Result<Vec<_>, _>>()?;
    let marketplace = {
        let mut conn = state.db.reader().acquire().await.map_err(internal)?;
        participation(&mut conn, &order.seller_id, &order.marketplace_id).await?
    };
    let now_ms = catch_up(&state).await.map_err(internal)?;
    let order_id = events::new_order_id(&mut rand::rng());
    let delivered_at_ms = now_ms + order.delivery_days * MS_PER_DAY;
    let mut tx = state.db.begin().await.map_err(internal)?;
    let (group_id, _) = open_group(&mut tx, &order.seller_id, &order.marketplace_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| internal("a participation without an open settlement period"))?;
    let mut net_minor = 0;
    for line in &lines {
        let event = events::order_event(
            &order_id,
            line,
            order.fulfillment,
            marketplace.country_code(),
            now_ms,
            delivered_at_ms,
        );
        net_minor += event.amounts.iter().map(|a| a.minor).sum::<i64>();
        events::insert(&mut tx, &group_id, &event)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "order_id": order_id,
            "group_id": group_id,
            "posted_at_ms": now_ms,
            "released_at_ms": delivered_at_ms + DD_RESERVE_MS,
            "net_proceeds": money_json(net_minor, marketplace),
        })),
    ))
}

/// Refunds a whole order at the current sandbox time, into the period then
/// open (which may be a later one than the order's).
async fn refund_order(
    State(state): State<AppState>,
    Path(order_id): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let now_ms = catch_up(&state).await.map_err(internal)?;
    let mut tx = state.db.begin().await.map_err(internal)?;
    let lines = sqlx::query(
        "SELECT l.event_id, l.transaction_type, l.sku, l.quantity, l.fulfillment_id, l.amount_type,          l.amount_description, l.amount_minor, g.seller_id, g.marketplace_id          FROM settlement_lines l JOIN settlement_groups g ON g.group_id = l.group_id          WHERE l.order_id = $1 ORDER BY l.posted_at_ms, l.line_id",
    )
    .bind(&order_id)
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?;
    if lines.is_empty() {
        return Err(not_found("order_not_found", "No order has this order ID."));
    }
    let text =
        |row: &sqlx::any::AnyRow, name: &str| row.try_get::<String, _>(name).map_err(internal);
    if lines
        .iter()
        .any(|l| text(l, "transaction_type").is_ok_and(|t| t == "Refund"))
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_refunded",
            "This order was already refunded.",
        ));
    }
    let seller_id = text(&lines[0], "seller_id")?;
    let marketplace_id = text(&lines[0], "marketplace_id")?;
    let (group_id, _) = open_group(&mut tx, &seller_id, &marketplace_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| internal("a participation without an open settlement period"))?;
    let mut event_ids: Vec<String> = Vec::new();
    for line in &lines {
        let id = text(line, "event_id")?;
        if !event_ids.contains(&id) {
            event_ids.push(id);
        }
    }
    let mut refunded_minor = 0;
    for event_id in event_ids {
        let of_event: Vec<&sqlx::any::AnyRow> = lines
            .iter()
            .filter(|l| text(l, "event_id").is_ok_and(|id| id == event_id))
            .collect();
        let first = of_event[0];
        let amounts = of_event
            .iter()
            .map(|l| {
                Ok(events::Amount {
                    amount_type: text(l, "amount_type")?,
                    description: text(l, "amount_description")?,
                    minor: l.try_get("amount_minor").map_err(internal)?,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let refund = events::refund_of_amounts(
            &order_id,
            first.try_get("sku").map_err(internal)?,
            first.try_get("quantity").map_err(internal)?,
            first
                .try_get::<Option<String>, _>("fulfillment_id")
                .map_err(internal)?
                .as_deref()
                .and_then(Fulfillment::parse),
            &amounts,
            now_ms,
        );
        refunded_minor += refund.amounts.iter().map(|a| a.minor).sum::<i64>();
        events::insert(&mut tx, &group_id, &refund)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    let marketplace = Marketplace::by_id(&marketplace_id)
        .ok_or_else(|| internal("a settlement in an unknown marketplace"))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "order_id": order_id,
            "group_id": group_id,
            "posted_at_ms": now_ms,
            "net_amount": money_json(refunded_minor, marketplace),
        })),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Simulation {
    seed: u64,
    orders: usize,
}

/// Generates seeded activity over the open period so far (its start to
/// sandbox now).
async fn simulate_activity(
    State(state): State<AppState>,
    Path((seller_id, marketplace_id)): Path<(String, String)>,
    AdminJson(simulation): AdminJson<Simulation>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if !(1..=500).contains(&simulation.orders) {
        return Err(bad_request(
            "invalid_orders",
            "orders must be between 1 and 500.",
        ));
    }
    let marketplace = {
        let mut conn = state.db.reader().acquire().await.map_err(internal)?;
        participation(&mut conn, &seller_id, &marketplace_id).await?
    };
    let now_ms = catch_up(&state).await.map_err(internal)?;
    let mut tx = state.db.begin().await.map_err(internal)?;
    let (group_id, start_ms) = open_group(&mut tx, &seller_id, &marketplace_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| internal("a participation without an open settlement period"))?;
    let generated = events::generate(
        simulation.seed,
        simulation.orders,
        marketplace.currency(),
        marketplace.country_code(),
        start_ms,
        now_ms,
    );
    for event in &generated.events {
        events::insert(&mut tx, &group_id, event)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "group_id": group_id,
            "orders": generated.orders,
            "refunds": generated.refunds,
            "events": generated.events.len(),
        })),
    ))
}

/// Every settlement of the marketplace, oldest first, with its deposit:
/// the scheduled date (end + 2 days), the date it starts or started, and
/// the hold that moved it, if any, with the reason in words.
async fn list_settlements(
    State(state): State<AppState>,
    Path((seller_id, marketplace_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let marketplace = {
        let mut conn = state.db.reader().acquire().await.map_err(internal)?;
        participation(&mut conn, &seller_id, &marketplace_id).await?
    };
    catch_up(&state).await.map_err(internal)?;
    let mut conn = state.db.reader().acquire().await.map_err(internal)?;
    let rows = sqlx::query(
        "SELECT g.group_id, g.settlement_id, g.start_at_ms, g.end_at_ms, g.closed_at_ms, \
         g.beginning_balance_minor, g.total_minor, g.reserve_minor, g.deposit_due_at_ms, \
         g.hold_reason, g.fund_transfer_status, g.fund_transfer_at_ms, g.trace_id, g.account_tail, \
         r.report_id FROM settlement_groups g LEFT JOIN reports r ON r.group_id = g.group_id \
         WHERE g.seller_id = $1 AND g.marketplace_id = $2 ORDER BY g.start_at_ms",
    )
    .bind(&seller_id)
    .bind(&marketplace_id)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let mut settlements = Vec::with_capacity(rows.len());
    for row in rows {
        let group_id: String = row.try_get("group_id").map_err(internal)?;
        settlements.push(settlement_json(&mut conn, &row, &group_id, marketplace).await?);
    }
    Ok(Json(json!({ "settlements": settlements })))
}

async fn settlement_json(
    conn: &mut AnyConnection,
    row: &sqlx::any::AnyRow,
    group_id: &str,
    marketplace: &Marketplace,
) -> Result<Value, ApiError> {
    let get_i64 = |name: &str| row.try_get::<Option<i64>, _>(name).map_err(internal);
    let get_text = |name: &str| row.try_get::<Option<String>, _>(name).map_err(internal);
    let end_ms = get_i64("end_at_ms")?.unwrap_or_default();
    let closed = get_i64("closed_at_ms")?.is_some();
    let amount_minor = match get_i64("total_minor")? {
        Some(total) => total,
        None => super::balance(conn, group_id).await.map_err(internal)?,
    };
    let hold = get_text("hold_reason")?
        .as_deref()
        .and_then(HoldReason::parse)
        .map(|reason| json!({ "reason": reason.code(), "message": reason.message() }));
    let deposit = if closed {
        json!({
            "scheduled_at_ms": end_ms + DEPOSIT_AFTER_PERIOD_END_MS,
            "due_at_ms": get_i64("deposit_due_at_ms")?,
            "hold": hold,
            "fund_transfer_status": get_text("fund_transfer_status")?,
            "fund_transfer_at_ms": get_i64("fund_transfer_at_ms")?,
            "trace_id": get_text("trace_id")?,
            "account_tail": get_text("account_tail")?,
        })
    } else {
        Value::Null
    };
    Ok(json!({
        "group_id": group_id,
        "settlement_id": get_i64("settlement_id")?,
        "status": if closed { "closed" } else { "open" },
        "start_at_ms": get_i64("start_at_ms")?,
        "end_at_ms": end_ms,
        "beginning_balance": money_json(get_i64("beginning_balance_minor")?.unwrap_or_default(), marketplace),
        "total": money_json(amount_minor, marketplace),
        "reserve": money_json(get_i64("reserve_minor")?.unwrap_or_default(), marketplace),
        "deposit": deposit,
        "report_id": get_text("report_id")?,
    }))
}

/// How long a report document's download link works.
pub const DOWNLOAD_LINK_MS: i64 = 5 * 60 * 1000;

/// Makes a five-minute download link for a report document.
pub async fn new_download_link(
    conn: &mut AnyConnection,
    public_url: &str,
    document_id: &str,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let token = crypto::random_hex(32);
    sqlx::query(
        "INSERT INTO report_download_links (token_hash, document_id, expires_at_ms) VALUES ($1, $2, $3)",
    )
    .bind(crypto::token_hash(&token))
    .bind(document_id)
    .bind(now_ms + DOWNLOAD_LINK_MS)
    .execute(conn)
    .await?;
    Ok(format!("{public_url}/sandbox/v1/report-documents/{token}"))
}

/// Serves a report document while its link is valid: gzip-compressed when
/// the sandbox compresses documents (then getReportDocument said `GZIP`).
async fn download_report_document(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let now_ms = clock::now_ms(&state.db).await.map_err(internal)?;
    let row = sqlx::query(
        "SELECT r.content, l.expires_at_ms FROM report_download_links l \
         JOIN reports r ON r.document_id = l.document_id WHERE l.token_hash = $1",
    )
    .bind(crypto::token_hash(&token))
    .fetch_optional(state.db.reader())
    .await
    .map_err(internal)?
    .ok_or_else(|| not_found("link_not_found", "This download link does not exist."))?;
    let expires_at_ms: i64 = row.try_get("expires_at_ms").map_err(internal)?;
    if expires_at_ms <= now_ms {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "link_expired",
            "This download link expired; links work for five minutes. Call getReportDocument again for a new one.",
        ));
    }
    let content: String = row.try_get("content").map_err(internal)?;
    if state.settings.report_documents_gzip {
        let compressed = gzip(content.as_bytes()).map_err(internal)?;
        return Ok((
            [(header::CONTENT_TYPE, "application/octet-stream")],
            compressed,
        )
            .into_response());
    }
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/tab-separated-values; charset=UTF-8",
        )],
        content,
    )
        .into_response())
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes)?;
    encoder.finish()
}

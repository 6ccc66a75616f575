//! Finances API v0: `listFinancialEventGroups` and
//! `listFinancialEventsByGroupId` (models/finances-api-model/financesV0.json).
//! Groups are the sandbox's settlements; their events are the simulated
//! orders, refunds, fees and reserve movements.

use super::{Caller, Operation, SpApiError, ok};
use crate::settlement::{self, api::iso};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ferry_domain::{Currency, DecimalStyle, Marketplace, Money};
use ferry_platform::db::unix_ms;
use serde_json::{Value, json};
use sqlx::Row;
use std::collections::HashMap;

pub const LIST_FINANCIAL_EVENT_GROUPS: Operation = Operation {
    name: "listFinancialEventGroups",
    rate_micro_per_s: 500_000,
    burst: 30,
};

pub const LIST_FINANCIAL_EVENTS_BY_GROUP_ID: Operation = Operation {
    name: "listFinancialEventsByGroupId",
    rate_micro_per_s: 500_000,
    burst: 30,
};

/// Filters must be "more than two minutes before the time of request".
const MIN_AGE_MS: i64 = 2 * 60 * 1000;
/// "If FinancialEventGroupStartedAfter and FinancialEventGroupStartedBefore
/// are more than 180 days apart, no financial event groups are returned."
const MAX_WINDOW_MS: i64 = 180 * crate::clock::MS_PER_DAY;

/// `CurrencyAmount` is a JSON number (BigDecimal). The amount is exact in
/// minor units; the f64 below only carries the JSON number token. serde_json
/// writes an f64 in its shortest round-trip form, which for amounts under
/// 2^53 minor units is exactly the decimal text, so no cent is lost (a
/// debug assertion re-reads it).
fn currency_json(money: Money) -> Value {
    let text = money.format_major(DecimalStyle::Point);
    // Currencies without minor units (JPY) are whole numbers: an integer
    // token, so that no ".0" appears.
    let number = match text.parse::<i64>() {
        Ok(whole) => serde_json::Number::from(whole),
        Err(_) => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .unwrap_or_else(|| serde_json::Number::from(0)),
    };
    debug_assert_eq!(
        Money::parse_major(&number.to_string(), money.currency()).ok(),
        Some(money)
    );
    json!({ "CurrencyCode": money.currency().code(), "CurrencyAmount": number })
}

/// Parses an ISO 8601 date-time (`2026-11-24T06:00:00Z`, with an offset, or
/// without one meaning UTC) or a date (`2026-11-24`).
fn parse_iso(text: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(at) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Some(unix_ms(at));
    }
    let local = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    if let Ok(at) = time::PrimitiveDateTime::parse(text, local) {
        return Some(unix_ms(at.assume_utc()));
    }
    let date = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, date)
        .ok()
        .map(|d| unix_ms(d.midnight().assume_utc()))
}

fn invalid(parameter: &str, message: impl Into<String>) -> SpApiError {
    SpApiError::invalid_input(
        message,
        format!("The following input parameters are invalid : [ {parameter} ]."),
    )
}

/// `MaxResultsPerPage`: 1–100, `default` when absent.
fn page_size(query: &HashMap<String, String>, default: usize) -> Result<usize, SpApiError> {
    match query.get("MaxResultsPerPage") {
        None => Ok(default),
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| {
                invalid(
                    "MaxResultsPerPage",
                    "MaxResultsPerPage must be an integer between 1 and 100.",
                )
            }),
    }
}

/// A page position with the filters that produced it, opaque to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PageToken {
    after_ms: Option<i64>,
    before_ms: Option<i64>,
    offset: usize,
}

impl PageToken {
    fn encode(self) -> String {
        let part = |v: Option<i64>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
        URL_SAFE_NO_PAD.encode(format!(
            "{}|{}|{}",
            part(self.after_ms),
            part(self.before_ms),
            self.offset
        ))
    }

    fn decode(token: &str) -> Option<Self> {
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
        let mut parts = text.split('|');
        let part = |p: Option<&str>| -> Option<Option<i64>> {
            match p? {
                "-" => Some(None),
                v => v.parse().ok().map(Some),
            }
        };
        let after_ms = part(parts.next())?;
        let before_ms = part(parts.next())?;
        let offset = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some(Self {
            after_ms,
            before_ms,
            offset,
        })
    }
}

/// The date filters, checked against Amazon's rules.
fn date_filters(
    query: &HashMap<String, String>,
    now_ms: i64,
) -> Result<(Option<i64>, Option<i64>), SpApiError> {
    let mut parsed = [None, None];
    for (slot, name) in parsed.iter_mut().zip([
        "FinancialEventGroupStartedAfter",
        "FinancialEventGroupStartedBefore",
    ]) {
        let Some(raw) = query.get(name) else { continue };
        let at_ms = parse_iso(raw).ok_or_else(|| {
            invalid(
                name,
                format!("{name} must be an ISO 8601 date-time, such as 2026-11-24T06:00:00Z."),
            )
        })?;
        if at_ms > now_ms - MIN_AGE_MS {
            return Err(invalid(
                name,
                format!("{name} must be more than two minutes before the time of the request."),
            ));
        }
        *slot = Some(at_ms);
    }
    let [after_ms, before_ms] = parsed;
    if let (Some(after), Some(before)) = (after_ms, before_ms)
        && before <= after
    {
        return Err(invalid(
            "FinancialEventGroupStartedBefore",
            "FinancialEventGroupStartedBefore must be after FinancialEventGroupStartedAfter.",
        ));
    }
    Ok((after_ms, before_ms))
}

pub async fn list_financial_event_groups(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, SpApiError> {
    caller.admit(&state, &LIST_FINANCIAL_EVENT_GROUPS)?;
    let size = page_size(&query, 10)?;
    let now_ms = settlement::catch_up(&state).await?;
    let token = match query.get("NextToken") {
        Some(raw) => PageToken::decode(raw)
            .ok_or_else(|| invalid("NextToken", "The NextToken is not one this API returned."))?,
        None => {
            let (after_ms, before_ms) = date_filters(&query, now_ms)?;
            PageToken {
                after_ms,
                before_ms,
                offset: 0,
            }
        }
    };
    if let (Some(after), Some(before)) = (token.after_ms, token.before_ms)
        && before - after > MAX_WINDOW_MS
    {
        return Ok(ok(
            &LIST_FINANCIAL_EVENT_GROUPS,
            json!({ "payload": { "FinancialEventGroupList": [] } }),
        ));
    }
    let mut conn = state.db.reader().acquire().await?;
    let rows = sqlx::query(
        "SELECT group_id, marketplace_id, start_at_ms, end_at_ms, closed_at_ms, \
         beginning_balance_minor, total_minor, fund_transfer_status, fund_transfer_at_ms, \
         trace_id, account_tail FROM settlement_groups \
         WHERE seller_id = $1 AND start_at_ms >= $2 AND start_at_ms < $3 \
         ORDER BY start_at_ms, marketplace_id, group_id LIMIT $4 OFFSET $5",
    )
    .bind(&caller.grant.seller_id)
    .bind(token.after_ms.unwrap_or(i64::MIN))
    .bind(token.before_ms.unwrap_or(i64::MAX))
    .bind(i64::try_from(size + 1).unwrap_or(101))
    .bind(i64::try_from(token.offset).unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    let more = rows.len() > size;
    let mut groups = Vec::with_capacity(size);
    for row in rows.iter().take(size) {
        groups.push(group_json(&mut conn, row).await?);
    }
    let mut payload = json!({ "FinancialEventGroupList": groups });
    if more {
        payload["NextToken"] = json!(
            PageToken {
                offset: token.offset + size,
                ..token
            }
            .encode()
        );
    }
    Ok(ok(
        &LIST_FINANCIAL_EVENT_GROUPS,
        json!({ "payload": payload }),
    ))
}

fn currency_of(marketplace_id: &str) -> Currency {
    Marketplace::by_id(marketplace_id).map_or(Currency::USD, Marketplace::currency)
}

async fn group_json(
    conn: &mut sqlx::AnyConnection,
    row: &sqlx::any::AnyRow,
) -> Result<Value, sqlx::Error> {
    let group_id: String = row.try_get("group_id")?;
    let currency = currency_of(&row.try_get::<String, _>("marketplace_id")?);
    let closed = row.try_get::<Option<i64>, _>("closed_at_ms")?.is_some();
    let total_minor = match row.try_get::<Option<i64>, _>("total_minor")? {
        Some(total) => total,
        None => settlement::balance(conn, &group_id).await?,
    };
    let total = currency_json(Money::from_minor(total_minor, currency));
    let mut group = json!({
        "FinancialEventGroupId": group_id,
        "ProcessingStatus": if closed { "Closed" } else { "Open" },
        "OriginalTotal": total,
        "BeginningBalance": currency_json(Money::from_minor(row.try_get("beginning_balance_minor")?, currency)),
        "FinancialEventGroupStart": iso(row.try_get("start_at_ms")?),
    });
    if closed {
        group["FinancialEventGroupEnd"] = json!(iso(row.try_get("end_at_ms")?));
        // The sandbox pays out in the marketplace's currency.
        group["ConvertedTotal"] = total;
    }
    for (field, column) in [
        ("FundTransferStatus", "fund_transfer_status"),
        ("TraceId", "trace_id"),
        ("AccountTail", "account_tail"),
    ] {
        if let Some(value) = row.try_get::<Option<String>, _>(column)? {
            group[field] = json!(value);
        }
    }
    if let Some(at_ms) = row.try_get::<Option<i64>, _>("fund_transfer_at_ms")? {
        group["FundTransferDate"] = json!(iso(at_ms));
    }
    Ok(group)
}

/// One event's stored lines.
struct EventLines {
    transaction_type: String,
    order_id: Option<String>,
    order_item_code: Option<String>,
    sku: Option<String>,
    quantity: Option<i64>,
    posted_at_ms: i64,
    /// (amount type, description, amount).
    amounts: Vec<(String, String, Money)>,
}

fn charge(kind: &str, amount: Money) -> Value {
    json!({ "ChargeType": kind, "ChargeAmount": currency_json(amount) })
}

fn fee(kind: &str, amount: Money) -> Value {
    json!({ "FeeType": kind, "FeeAmount": currency_json(amount) })
}

/// An order or refund as a ShipmentEvent: item charges, fees and withheld
/// tax (as adjustments for a refund).
fn shipment_event(event: &EventLines, marketplace: &str) -> Value {
    let refund = event.transaction_type == "Refund";
    let (mut charges, mut fees, mut withheld) = (Vec::new(), Vec::new(), Vec::new());
    for (amount_type, description, amount) in &event.amounts {
        match amount_type.as_str() {
            "ItemPrice" if description == "Shipping" => {
                charges.push(charge("ShippingCharge", *amount))
            }
            "ItemPrice" => charges.push(charge(description, *amount)),
            "ItemWithheldTax" => withheld.push(charge(description, *amount)),
            _ => fees.push(fee(description, *amount)),
        }
    }
    let mut item = json!({ "SellerSKU": event.sku, "OrderItemId": event.order_item_code });
    let (charge_key, fee_key) = if refund {
        item["OrderAdjustmentItemId"] = json!(event.order_item_code);
        ("ItemChargeAdjustmentList", "ItemFeeAdjustmentList")
    } else {
        item["QuantityShipped"] = json!(event.quantity.unwrap_or(1));
        ("ItemChargeList", "ItemFeeList")
    };
    item[charge_key] = json!(charges);
    item[fee_key] = json!(fees);
    if !withheld.is_empty() {
        item["ItemTaxWithheldList"] = json!([{
            "TaxCollectionModel": "MarketplaceFacilitator",
            "TaxesWithheld": withheld,
        }]);
    }
    let items_key = if refund {
        "ShipmentItemAdjustmentList"
    } else {
        "ShipmentItemList"
    };
    json!({
        "AmazonOrderId": event.order_id,
        "MarketplaceName": marketplace,
        "PostedDate": iso(event.posted_at_ms),
        items_key: [item],
    })
}

pub async fn list_financial_events_by_group_id(
    State(state): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, SpApiError> {
    caller.admit(&state, &LIST_FINANCIAL_EVENTS_BY_GROUP_ID)?;
    let size = page_size(&query, 100)?;
    let offset = match query.get("NextToken") {
        Some(raw) => PageToken::decode(raw)
            .map(|t| t.offset)
            .ok_or_else(|| invalid("NextToken", "The NextToken is not one this API returned."))?,
        None => 0,
    };
    settlement::catch_up(&state).await?;
    let mut conn = state.db.reader().acquire().await?;
    let group = sqlx::query(
        "SELECT marketplace_id FROM settlement_groups WHERE group_id = $1 AND seller_id = $2",
    )
    .bind(&group_id)
    .bind(&caller.grant.seller_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| {
        SpApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "NotFound",
            "The financial event group was not found.",
            format!("No financial event group {group_id} for this seller."),
        )
    })?;
    let marketplace_id: String = group.try_get("marketplace_id")?;
    let currency = currency_of(&marketplace_id);
    let storefront = Marketplace::by_id(&marketplace_id).map_or("Amazon", |m| {
        crate::spapi::sellers::storefront(m.country_code()).0
    });
    let rows = sqlx::query(
        "SELECT event_id, transaction_type, order_id, order_item_code, sku, quantity, amount_type, \
         amount_description, amount_minor, posted_at_ms FROM settlement_lines \
         WHERE group_id = $1 ORDER BY posted_at_ms, event_id, line_id",
    )
    .bind(&group_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut events: Vec<(String, EventLines)> = Vec::new();
    for row in &rows {
        let event_id: String = row.try_get("event_id")?;
        let amount = (
            row.try_get("amount_type")?,
            row.try_get("amount_description")?,
            Money::from_minor(row.try_get("amount_minor")?, currency),
        );
        match events.last_mut() {
            Some((id, event)) if *id == event_id => event.amounts.push(amount),
            _ => events.push((
                event_id,
                EventLines {
                    transaction_type: row.try_get("transaction_type")?,
                    order_id: row.try_get("order_id")?,
                    order_item_code: row.try_get("order_item_code")?,
                    sku: row.try_get("sku")?,
                    quantity: row.try_get("quantity")?,
                    posted_at_ms: row.try_get("posted_at_ms")?,
                    amounts: vec![amount],
                },
            )),
        }
    }
    let more = events.len() > offset + size;
    let mut lists: HashMap<&'static str, Vec<Value>> = HashMap::new();
    for (event_id, event) in events.iter().skip(offset).take(size) {
        let (list, value) = event_json(event_id, event, storefront);
        lists.entry(list).or_default().push(value);
    }
    let mut financial_events = serde_json::Map::new();
    for (list, values) in lists {
        financial_events.insert(list.to_string(), json!(values));
    }
    let mut payload = json!({ "FinancialEvents": financial_events });
    if more {
        payload["NextToken"] = json!(
            PageToken {
                after_ms: None,
                before_ms: None,
                offset: offset + size,
            }
            .encode()
        );
    }
    Ok(ok(
        &LIST_FINANCIAL_EVENTS_BY_GROUP_ID,
        json!({ "payload": payload }),
    ))
}

/// Which FinancialEvents list an event belongs in, and its JSON there.
fn event_json(event_id: &str, event: &EventLines, storefront: &str) -> (&'static str, Value) {
    let total = event
        .amounts
        .iter()
        .map(|(_, _, money)| money.amount_minor())
        .sum::<i64>();
    let currency = event
        .amounts
        .first()
        .map_or(Currency::USD, |(_, _, m)| m.currency());
    let posted = iso(event.posted_at_ms);
    match event.transaction_type.as_str() {
        "Order" => ("ShipmentEventList", shipment_event(event, storefront)),
        "Refund" => ("RefundEventList", shipment_event(event, storefront)),
        "ServiceFee" => {
            let value = currency_json(Money::from_minor(total, currency));
            (
                "ProductAdsPaymentEventList",
                json!({
                    "postedDate": posted,
                    "transactionType": "charge",
                    "invoiceId": event_id.chars().take(20).collect::<String>(),
                    "baseValue": value,
                    "taxValue": currency_json(Money::zero(currency)),
                    "transactionValue": value,
                }),
            )
        }
        _ => {
            let (_, description, amount) = &event.amounts[0];
            if description == "Storage Fee" {
                (
                    "ServiceFeeEventList",
                    json!({
                        "FeeDescription": description,
                        "FeeList": [fee("FBAStorageFee", *amount)],
                    }),
                )
            } else {
                (
                    "AdjustmentEventList",
                    json!({
                        "AdjustmentType": adjustment_type(description),
                        "PostedDate": posted,
                        "AdjustmentAmount": currency_json(*amount),
                    }),
                )
            }
        }
    }
}

/// Reserve movements are Amazon's `ReserveEvent`; the card charge of a
/// negative balance has no documented type, so the sandbox names it.
fn adjustment_type(description: &str) -> &'static str {
    match description {
        "Current Reserve Amount" | "Previous Reserve Amount Balance" => "ReserveEvent",
        "Successful charge" => "SuccessfulCharge",
        _ => "PayableToAmazon",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_reject_garbage() {
        let token = PageToken {
            after_ms: Some(1),
            before_ms: None,
            offset: 20,
        };
        assert_eq!(PageToken::decode(&token.encode()), Some(token));
        assert_eq!(PageToken::decode("not a token"), None);
    }

    #[test]
    fn amounts_are_written_exactly() {
        for currency in [Currency::EUR, Currency::JPY] {
            for minor in [0, 5, 1_999, -6_231, 123_456_789_012] {
                let money = Money::from_minor(minor, currency);
                let value = currency_json(money);
                let text = value["CurrencyAmount"].to_string();
                assert_eq!(
                    Money::parse_major(&text, currency).unwrap(),
                    money,
                    "{text}"
                );
            }
        }
        assert_eq!(
            currency_json(Money::from_minor(1_234, Currency::JPY))["CurrencyAmount"].to_string(),
            "1234"
        );
    }

    #[test]
    fn iso_dates_parse_with_and_without_offset() {
        assert_eq!(parse_iso("1970-01-02T00:00:00Z"), Some(86_400_000));
        assert_eq!(parse_iso("1970-01-02T01:00:00+01:00"), Some(86_400_000));
        assert_eq!(parse_iso("1970-01-02T00:00:00"), Some(86_400_000));
        assert_eq!(parse_iso("1970-01-02"), Some(86_400_000));
        assert_eq!(parse_iso("yesterday"), None);
    }
}

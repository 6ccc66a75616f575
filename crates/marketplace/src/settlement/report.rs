//! The V2 flat-file settlement report of a closed group, written with
//! ferry-formats in the marketplace's locale, and the report records the
//! Reports API lists.

use crate::crypto;
use ferry_domain::{Currency, Marketplace, Money};
use ferry_formats::settlement_report::{ReportLocale, Row, SettlementReport, write_v2};
use ferry_platform::db::from_unix_ms;
use sqlx::{AnyConnection, Row as _};

pub const SETTLEMENT_REPORT_TYPE: &str = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2";

/// Amazon writes V2 amounts "in local currency format (e.g. 95,00 for EU
/// instead of 95.00)": the marketplaces whose language writes a decimal
/// comma use the comma; the others the point. ferry-formats knows two
/// date styles, the US one and the German one (`24.11.2026 06:00:00 UTC`,
/// from a real DE file); the sandbox uses the German one for every
/// decimal-comma marketplace, which is its model for FR, IT, ES and the rest.
pub fn locale_of(marketplace: &Marketplace) -> ReportLocale {
    match marketplace.country_code() {
        "DE" | "FR" | "IT" | "ES" | "NL" | "BE" | "PL" | "SE" | "TR" | "BR" => ReportLocale::De,
        _ => ReportLocale::Us,
    }
}

/// Writes the report of `group_id` (closed, totals fixed) and records it.
pub async fn create_settlement_report(
    conn: &mut AnyConnection,
    group_id: &str,
) -> Result<(), sqlx::Error> {
    let group = sqlx::query(
        "SELECT settlement_id, seller_id, marketplace_id, currency, start_at_ms, end_at_ms, \
         deposit_due_at_ms, total_minor FROM settlement_groups WHERE group_id = $1",
    )
    .bind(group_id)
    .fetch_one(&mut *conn)
    .await?;
    let marketplace_id: String = group.try_get("marketplace_id")?;
    let marketplace = Marketplace::by_id(&marketplace_id)
        .ok_or_else(|| decode_error(format!("unknown marketplace {marketplace_id}")))?;
    let currency = marketplace.currency();
    let start_ms: i64 = group.try_get("start_at_ms")?;
    let end_ms: i64 = group.try_get("end_at_ms")?;
    let settlement_id: i64 = group.try_get("settlement_id")?;
    let report = SettlementReport {
        settlement_id: u64::try_from(settlement_id)
            .map_err(|_| decode_error("negative settlement id".into()))?,
        period_start: from_unix_ms(start_ms),
        period_end: from_unix_ms(end_ms),
        deposit_date: from_unix_ms(group.try_get("deposit_due_at_ms")?),
        total: Money::from_minor(group.try_get("total_minor")?, currency),
        rows: rows(conn, group_id, marketplace, currency).await?,
    };
    let content = write_v2(&report, locale_of(marketplace));
    let region = marketplace.region().code().to_ascii_lowercase();
    sqlx::query(
        "INSERT INTO reports (report_id, report_type, seller_id, marketplace_id, group_id, \
         data_start_at_ms, data_end_at_ms, created_at_ms, document_id, content) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(format!("5{}", crypto::random_from(b"0123456789", 10)))
    .bind(SETTLEMENT_REPORT_TYPE)
    .bind(group.try_get::<String, _>("seller_id")?)
    .bind(&marketplace_id)
    .bind(group_id)
    .bind(start_ms)
    .bind(end_ms)
    .bind(end_ms)
    .bind(format!(
        "amzn1.spdoc.1.4.{region}.{}",
        uuid::Uuid::new_v4().hyphenated()
    ))
    .bind(content)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn decode_error(message: String) -> sqlx::Error {
    sqlx::Error::Decode(message.into())
}

async fn rows(
    conn: &mut AnyConnection,
    group_id: &str,
    marketplace: &Marketplace,
    currency: Currency,
) -> Result<Vec<Row>, sqlx::Error> {
    let lines = sqlx::query(
        "SELECT transaction_type, event_id, order_id, order_item_code, sku, quantity, \
         fulfillment_id, amount_type, amount_description, amount_minor, posted_at_ms \
         FROM settlement_lines WHERE group_id = $1 ORDER BY posted_at_ms, line_id",
    )
    .bind(group_id)
    .fetch_all(conn)
    .await?;
    let (storefront, _, _) = crate::spapi::sellers::storefront(marketplace.country_code());
    lines
        .iter()
        .map(|line| {
            let transaction_type: String = line.try_get("transaction_type")?;
            let order_id: Option<String> = line.try_get("order_id")?;
            let posted = from_unix_ms(line.try_get("posted_at_ms")?);
            let is_refund = transaction_type == "Refund";
            let event_id: String = line.try_get("event_id")?;
            Ok(Row {
                marketplace_name: order_id.as_ref().map(|_| storefront.to_string()),
                merchant_order_id: None,
                adjustment_id: is_refund.then(|| event_id.chars().take(14).collect()),
                shipment_id: None,
                amount_type: line.try_get("amount_type")?,
                amount_description: line.try_get("amount_description")?,
                amount: Money::from_minor(line.try_get("amount_minor")?, currency),
                fulfillment_id: line.try_get("fulfillment_id")?,
                posted_date: Some(posted.date()),
                posted_date_time: Some(posted),
                order_item_code: line.try_get("order_item_code")?,
                merchant_order_item_id: None,
                merchant_adjustment_item_id: None,
                sku: line.try_get("sku")?,
                quantity_purchased: line
                    .try_get::<Option<i64>, _>("quantity")?
                    .filter(|_| !is_refund)
                    .and_then(|q| u32::try_from(q).ok()),
                promotion_id: None,
                transaction_type,
                order_id,
            })
        })
        .collect()
}

//! Writing Flat File V2 settlement reports.

use super::columns::{PROMOTION_ID, V2_COLUMNS};
use super::dates::{format_date_time, format_posted_date};
use super::{ReportLocale, Row, SettlementReport};

/// Writes `report` as a Flat File V2 settlement report in `locale`: header
/// row, summary row (only the first six cells filled, trailing tabs kept as
/// Amazon does), then one row per detail row with the settlement id
/// repeated and columns 2-6 empty. LF line ends, no BOM.
///
/// The 24th column `promotion-id` is written only when some row has one.
/// The format has no quoting, so a tab or line break inside a text value is
/// written as a space.
pub fn write_v2(report: &SettlementReport, locale: ReportLocale) -> String {
    let with_promotion_id = report.rows.iter().any(|row| row.promotion_id.is_some());
    let mut out = String::new();
    let mut header: Vec<&str> = V2_COLUMNS.to_vec();
    if with_promotion_id {
        header.push(PROMOTION_ID);
    }
    push_line(&mut out, header.iter().map(|name| name.to_string()));
    push_line(&mut out, summary_cells(report, locale, header.len()));
    for row in &report.rows {
        let mut cells = detail_cells(report.settlement_id, row, locale);
        if with_promotion_id {
            cells.push(text(&row.promotion_id));
        }
        push_line(&mut out, cells);
    }
    out
}

fn push_line(out: &mut String, cells: impl IntoIterator<Item = String>) {
    for (index, cell) in cells.into_iter().enumerate() {
        if index > 0 {
            out.push('\t');
        }
        out.push_str(&cell);
    }
    out.push('\n');
}

fn summary_cells(report: &SettlementReport, locale: ReportLocale, width: usize) -> Vec<String> {
    let mut cells = vec![
        report.settlement_id.to_string(),
        format_date_time(report.period_start, locale),
        format_date_time(report.period_end, locale),
        format_date_time(report.deposit_date, locale),
        report.total.format_major(locale.decimal_style()),
        report.total.currency().code().to_owned(),
    ];
    cells.resize(width, String::new());
    cells
}

/// The 23 V2 cells of a detail row, in [`V2_COLUMNS`] order.
fn detail_cells(settlement_id: u64, row: &Row, locale: ReportLocale) -> Vec<String> {
    vec![
        settlement_id.to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        clean(&row.transaction_type),
        text(&row.order_id),
        text(&row.merchant_order_id),
        text(&row.adjustment_id),
        text(&row.shipment_id),
        text(&row.marketplace_name),
        clean(&row.amount_type),
        clean(&row.amount_description),
        row.amount.format_major(locale.decimal_style()),
        text(&row.fulfillment_id),
        row.posted_date
            .map(|date| format_posted_date(date, locale))
            .unwrap_or_default(),
        row.posted_date_time
            .map(|instant| format_date_time(instant, locale))
            .unwrap_or_default(),
        text(&row.order_item_code),
        text(&row.merchant_order_item_id),
        text(&row.merchant_adjustment_item_id),
        text(&row.sku),
        row.quantity_purchased
            .map(|quantity| quantity.to_string())
            .unwrap_or_default(),
    ]
}

fn text(value: &Option<String>) -> String {
    value.as_deref().map(clean).unwrap_or_default()
}

/// Tabs and line breaks would split the cell or the row.
fn clean(value: &str) -> String {
    value.replace(['\t', '\r', '\n'], " ")
}

//! Column names of both layouts, and the header index.

use std::collections::HashMap;
use std::fmt;

use super::ReportError;

/// The 23 V2 columns in Amazon's documented order.
pub const V2_COLUMNS: [&str; 23] = [
    SETTLEMENT_ID,
    SETTLEMENT_START_DATE,
    SETTLEMENT_END_DATE,
    DEPOSIT_DATE,
    TOTAL_AMOUNT,
    CURRENCY,
    TRANSACTION_TYPE,
    ORDER_ID,
    MERCHANT_ORDER_ID,
    ADJUSTMENT_ID,
    SHIPMENT_ID,
    MARKETPLACE_NAME,
    AMOUNT_TYPE,
    AMOUNT_DESCRIPTION,
    AMOUNT,
    FULFILLMENT_ID,
    POSTED_DATE,
    POSTED_DATE_TIME,
    ORDER_ITEM_CODE,
    MERCHANT_ORDER_ITEM_ID,
    MERCHANT_ADJUSTMENT_ITEM_ID,
    SKU,
    QUANTITY_PURCHASED,
];

pub(crate) const SETTLEMENT_ID: &str = "settlement-id";
pub(crate) const SETTLEMENT_START_DATE: &str = "settlement-start-date";
pub(crate) const SETTLEMENT_END_DATE: &str = "settlement-end-date";
pub(crate) const DEPOSIT_DATE: &str = "deposit-date";
pub(crate) const TOTAL_AMOUNT: &str = "total-amount";
pub(crate) const CURRENCY: &str = "currency";
pub(crate) const TRANSACTION_TYPE: &str = "transaction-type";
pub(crate) const ORDER_ID: &str = "order-id";
pub(crate) const MERCHANT_ORDER_ID: &str = "merchant-order-id";
pub(crate) const ADJUSTMENT_ID: &str = "adjustment-id";
pub(crate) const SHIPMENT_ID: &str = "shipment-id";
pub(crate) const MARKETPLACE_NAME: &str = "marketplace-name";
pub(crate) const AMOUNT_TYPE: &str = "amount-type";
pub(crate) const AMOUNT_DESCRIPTION: &str = "amount-description";
pub(crate) const AMOUNT: &str = "amount";
pub(crate) const FULFILLMENT_ID: &str = "fulfillment-id";
pub(crate) const POSTED_DATE: &str = "posted-date";
pub(crate) const POSTED_DATE_TIME: &str = "posted-date-time";
pub(crate) const ORDER_ITEM_CODE: &str = "order-item-code";
pub(crate) const MERCHANT_ORDER_ITEM_ID: &str = "merchant-order-item-id";
pub(crate) const MERCHANT_ADJUSTMENT_ITEM_ID: &str = "merchant-adjustment-item-id";
pub(crate) const SKU: &str = "sku";
pub(crate) const QUANTITY_PURCHASED: &str = "quantity-purchased";
/// The optional 24th V2 column (and a V1 column).
pub(crate) const PROMOTION_ID: &str = "promotion-id";

/// V1 only: the type/amount column pairs, each normalised into a row with
/// the given `amount-type`. The description comes from the type column;
/// `other-amount` has none and takes the transaction type instead, which is
/// where V1 puts `Current Reserve Amount` and similar.
pub(crate) const V1_AMOUNT_COLUMNS: [V1AmountColumn; 9] = [
    V1AmountColumn::new("price-amount", Some("price-type"), "ItemPrice"),
    V1AmountColumn::new(
        "item-related-fee-amount",
        Some("item-related-fee-type"),
        "ItemFees",
    ),
    V1AmountColumn::new(
        "shipment-fee-amount",
        Some("shipment-fee-type"),
        "ShipmentFees",
    ),
    V1AmountColumn::new("order-fee-amount", Some("order-fee-type"), "OrderFees"),
    V1AmountColumn::new("promotion-amount", Some("promotion-type"), "Promotion"),
    V1AmountColumn::new(
        "direct-payment-amount",
        Some("direct-payment-type"),
        "DirectPayment",
    ),
    V1AmountColumn::new("misc-fee-amount", None, "MiscFees"),
    V1AmountColumn::new(
        "other-fee-amount",
        Some("other-fee-reason-description"),
        "OtherFees",
    ),
    V1AmountColumn::new("other-amount", None, "other-transaction"),
];

/// One V1 amount column and how it maps onto a V2-shaped row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct V1AmountColumn {
    pub(crate) amount: &'static str,
    pub(crate) description: Option<&'static str>,
    pub(crate) amount_type: &'static str,
}

impl V1AmountColumn {
    const fn new(
        amount: &'static str,
        description: Option<&'static str>,
        amount_type: &'static str,
    ) -> Self {
        Self {
            amount,
            description,
            amount_type,
        }
    }
}

/// Which layout a file has, told apart by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportLayout {
    /// Flat File V2: one `amount` column per row, 23 or 24 columns.
    V2,
    /// Legacy V1: one column per amount kind (`price-amount`,
    /// `item-related-fee-amount`, ..., `other-amount`), 36 or 33 columns.
    /// Each filled amount column becomes its own [`super::Row`]:
    /// `price-*` → `ItemPrice`, `item-related-fee-*` → `ItemFees`,
    /// `shipment-fee-*` → `ShipmentFees`, `order-fee-*` → `OrderFees`,
    /// `promotion-*` → `Promotion`, `direct-payment-*` → `DirectPayment`,
    /// `misc-fee-amount` → `MiscFees`, `other-fee-*` → `OtherFees`, and
    /// `other-amount` → `other-transaction` described by the transaction
    /// type.
    V1,
}

impl fmt::Display for ReportLayout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::V2 => "V2 settlement report",
            Self::V1 => "V1 (legacy) settlement report",
        })
    }
}

/// Columns every file of a layout must have.
const SUMMARY_COLUMNS: [&str; 7] = [
    SETTLEMENT_ID,
    SETTLEMENT_START_DATE,
    SETTLEMENT_END_DATE,
    DEPOSIT_DATE,
    TOTAL_AMOUNT,
    CURRENCY,
    TRANSACTION_TYPE,
];
const V2_DETAIL_COLUMNS: [&str; 3] = [AMOUNT_TYPE, AMOUNT_DESCRIPTION, AMOUNT];

/// Column positions by (trimmed, lower-cased) header name.
#[derive(Debug)]
pub(crate) struct Header {
    positions: HashMap<String, usize>,
    pub(crate) layout: ReportLayout,
}

impl Header {
    /// Indexes the header cells, detects the layout and checks that its
    /// required columns are present.
    pub(crate) fn new<'a>(cells: impl Iterator<Item = &'a str>) -> Result<Self, ReportError> {
        let mut positions = HashMap::new();
        for (index, cell) in cells.enumerate() {
            let name = cell.trim().to_ascii_lowercase();
            if name.is_empty() {
                continue;
            }
            if positions.insert(name.clone(), index).is_some() {
                return Err(ReportError::DuplicateColumn { column: name });
            }
        }
        let layout = detect_layout(&positions)?;
        let header = Self { positions, layout };
        let detail_columns: &[&'static str] = match layout {
            ReportLayout::V2 => &V2_DETAIL_COLUMNS,
            ReportLayout::V1 => &[],
        };
        for &column in SUMMARY_COLUMNS.iter().chain(detail_columns) {
            if header.position(column).is_none() {
                return Err(ReportError::MissingColumn { column, layout });
            }
        }
        Ok(header)
    }

    pub(crate) fn position(&self, column: &str) -> Option<usize> {
        self.positions.get(column).copied()
    }
}

/// V2 has a single `amount` column; V1 has one column per amount kind. A
/// header with `amount-type` or `amount` is V2 (so a V2 file missing one of
/// the two is reported as such), one with any V1 amount column is V1.
fn detect_layout(positions: &HashMap<String, usize>) -> Result<ReportLayout, ReportError> {
    if positions.contains_key(AMOUNT_TYPE) || positions.contains_key(AMOUNT) {
        return Ok(ReportLayout::V2);
    }
    if V1_AMOUNT_COLUMNS
        .iter()
        .any(|column| positions.contains_key(column.amount))
    {
        return Ok(ReportLayout::V1);
    }
    Err(ReportError::UnknownLayout)
}

//! Amazon settlement reports, Flat File V2
//! (`GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2`), plus the legacy V1 layout
//! (`GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE`, 36 or 33 columns) for
//! reading older archives.
//!
//! The file is tab-separated with a header row. The first data row is the
//! summary (settlement id, period, deposit date, total, currency); every
//! further row is one amount component (`transaction-type` /
//! `amount-type` / `amount-description` / `amount`). Amazon writes amounts
//! and dates in the marketplace's locale, so [`parse`] accepts both decimal
//! styles and every observed date shape, and [`write_v2`] writes a chosen
//! [`ReportLocale`].
//!
//! [`ReportTotals`] sums the detail rows by [`Category`] and checks that
//! they add up exactly to the summary total.

mod columns;
mod dates;
mod read;
mod totals;
mod write;

use ferry_domain::money::{CurrencyError, ParseMoneyError};
use ferry_domain::{Currency, DecimalStyle, Money};
use time::{Date, OffsetDateTime};

pub use columns::{ReportLayout, V2_COLUMNS};
pub use read::{ParseProgress, parse, parse_with_progress};
pub use totals::{Category, ReportTotals, TotalMismatch, TotalsError};
pub use write::write_v2;

/// A settlement: the summary row and every detail row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementReport {
    /// `settlement-id`, Amazon's numeric id of the settlement.
    pub settlement_id: u64,
    /// `settlement-start-date`.
    pub period_start: OffsetDateTime,
    /// `settlement-end-date`.
    pub period_end: OffsetDateTime,
    /// `deposit-date`: when Amazon initiates the payout (observed: end + 2
    /// days).
    pub deposit_date: OffsetDateTime,
    /// `total-amount` in `currency`: paid out if positive, charged to the
    /// seller if negative.
    pub total: Money,
    /// Detail rows in file order.
    pub rows: Vec<Row>,
}

/// One amount component. Text fields are trimmed; an empty cell is `None`.
/// Rows read from a V1 file are normalised into this shape, one row per
/// filled amount column (see [`ReportLayout::V1`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// `transaction-type`: `Order`, `Refund`, `ServiceFee`, `Adjustment`,
    /// `Transfer`, `other-transaction`, ...
    pub transaction_type: String,
    /// `order-id`.
    pub order_id: Option<String>,
    /// `merchant-order-id`.
    pub merchant_order_id: Option<String>,
    /// `adjustment-id`.
    pub adjustment_id: Option<String>,
    /// `shipment-id`.
    pub shipment_id: Option<String>,
    /// `marketplace-name`, e.g. `Amazon.com`.
    pub marketplace_name: Option<String>,
    /// `amount-type`: `ItemPrice`, `ItemFees`, `Promotion`,
    /// `other-transaction`, ...
    pub amount_type: String,
    /// `amount-description`: `Principal`, `Commission`,
    /// `Current Reserve Amount`, ...
    pub amount_description: String,
    /// `amount`, in the settlement currency.
    pub amount: Money,
    /// `fulfillment-id`: `AFN` (FBA) or `MFN`.
    pub fulfillment_id: Option<String>,
    /// `posted-date`.
    pub posted_date: Option<Date>,
    /// `posted-date-time`.
    pub posted_date_time: Option<OffsetDateTime>,
    /// `order-item-code`.
    pub order_item_code: Option<String>,
    /// `merchant-order-item-id`.
    pub merchant_order_item_id: Option<String>,
    /// `merchant-adjustment-item-id`.
    pub merchant_adjustment_item_id: Option<String>,
    /// `sku`.
    pub sku: Option<String>,
    /// `quantity-purchased`.
    pub quantity_purchased: Option<u32>,
    /// `promotion-id` (the optional 24th column).
    pub promotion_id: Option<String>,
}

/// How a marketplace writes amounts and dates in its reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportLocale {
    /// amazon.com (and the other decimal-point marketplaces for amounts):
    /// `1234.56`, date-times `2026-11-24 06:00:00 UTC`, `posted-date`
    /// `11/24/26` (MM/DD/YY, as documented and seen in a US file).
    Us,
    /// amazon.de (and the other EU decimal-comma marketplaces for amounts):
    /// `1234,56`, date-times `24.11.2026 06:00:00 UTC` (as in a real DE
    /// summary row). `posted-date` is written `24.11.2026`, the same day
    /// format; no DE detail row was available to confirm it, and the reader
    /// accepts every shape anyway.
    De,
}

impl ReportLocale {
    /// The locale's decimal style.
    pub const fn decimal_style(self) -> DecimalStyle {
        match self {
            Self::Us => DecimalStyle::Point,
            Self::De => DecimalStyle::Comma,
        }
    }
}

/// Why a settlement report was refused. `line` is the 1-based line in the
/// file; `column` a header name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// No header row.
    #[error("the file is empty")]
    Empty,
    /// The header is neither V2 nor V1.
    #[error(
        "the header is not a settlement report: expected the columns amount-type and amount (V2) or price-amount and other-amount (V1)"
    )]
    UnknownLayout,
    /// A column the layout requires is absent from the header.
    #[error("the {layout} header has no {column} column")]
    MissingColumn {
        /// The column's name.
        column: &'static str,
        /// The layout detected.
        layout: ReportLayout,
    },
    /// A column name appears twice in the header.
    #[error("the header names the column {column} twice")]
    DuplicateColumn {
        /// The column's name.
        column: String,
    },
    /// Only a header, no summary row.
    #[error("the file has no summary row after the header")]
    MissingSummaryRow,
    /// A required cell is empty.
    #[error("line {line}: {column} is empty")]
    MissingValue {
        /// The line.
        line: u64,
        /// The column.
        column: &'static str,
    },
    /// An amount that does not read in the file's decimal style.
    #[error("line {line}: {column} {value:?}: {source}")]
    InvalidAmount {
        /// The line.
        line: u64,
        /// The column.
        column: &'static str,
        /// The cell.
        value: String,
        /// What is wrong.
        source: ParseMoneyError,
    },
    /// Every amount reads in both decimal styles but to different values
    /// (only possible for three-decimal currencies, e.g. `1.234` KWD).
    #[error(
        "the amounts read both as decimal point and decimal comma; the decimal style cannot be decided"
    )]
    AmbiguousDecimalStyle,
    /// A date or date-time in none of the known shapes.
    #[error("line {line}: {column} {value:?} is not a date in a known settlement-report format")]
    InvalidDate {
        /// The line.
        line: u64,
        /// The column.
        column: &'static str,
        /// The cell.
        value: String,
    },
    /// The currency is not supported.
    #[error("line {line}: currency {value:?}: {source}")]
    InvalidCurrency {
        /// The line.
        line: u64,
        /// The cell.
        value: String,
        /// What is wrong.
        source: CurrencyError,
    },
    /// A detail row names a different currency than the summary row.
    #[error("line {line}: currency {found} differs from the settlement currency {expected}")]
    CurrencyMismatch {
        /// The line.
        line: u64,
        /// The summary row's currency.
        expected: Currency,
        /// The row's currency.
        found: Currency,
    },
    /// A settlement id that is not a number.
    #[error("line {line}: settlement-id {value:?} is not a number")]
    InvalidSettlementId {
        /// The line.
        line: u64,
        /// The cell.
        value: String,
    },
    /// A detail row belongs to another settlement.
    #[error("line {line}: settlement-id {found} differs from the summary's {expected}")]
    SettlementIdMismatch {
        /// The line.
        line: u64,
        /// The summary row's id.
        expected: u64,
        /// The row's id.
        found: u64,
    },
    /// A quantity that is not a whole non-negative number.
    #[error("line {line}: quantity-purchased {value:?} is not a whole number")]
    InvalidQuantity {
        /// The line.
        line: u64,
        /// The cell.
        value: String,
    },
    /// The tab-separated structure could not be read.
    #[error("line {line}: {message}")]
    Malformed {
        /// The line.
        line: u64,
        /// The reader's explanation.
        message: String,
    },
}

impl ReportError {
    /// A stable machine code for APIs and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "report_empty",
            Self::UnknownLayout => "report_unknown_layout",
            Self::MissingColumn { .. } => "report_missing_column",
            Self::DuplicateColumn { .. } => "report_duplicate_column",
            Self::MissingSummaryRow => "report_missing_summary_row",
            Self::MissingValue { .. } => "report_missing_value",
            Self::InvalidAmount { .. } => "report_invalid_amount",
            Self::AmbiguousDecimalStyle => "report_ambiguous_decimal_style",
            Self::InvalidDate { .. } => "report_invalid_date",
            Self::InvalidCurrency { .. } => "report_invalid_currency",
            Self::CurrencyMismatch { .. } => "report_currency_mismatch",
            Self::InvalidSettlementId { .. } => "report_invalid_settlement_id",
            Self::SettlementIdMismatch { .. } => "report_settlement_id_mismatch",
            Self::InvalidQuantity { .. } => "report_invalid_quantity",
            Self::Malformed { .. } => "report_malformed",
        }
    }
}

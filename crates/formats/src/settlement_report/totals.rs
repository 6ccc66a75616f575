//! Sums of detail rows by category, and the check against the summary.

use ferry_domain::Money;
use ferry_domain::money::MoneyError;

use super::{Row, SettlementReport};

/// What a detail row is, for a seller's overview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// Sales of orders: item price (principal, tax, shipping), promotions,
    /// withheld marketplace-facilitator tax.
    Orders,
    /// Amazon's fees: any `*Fees` amount type (commission, FBA fees, ...),
    /// `ServiceFee` transactions, advertising, and `… Fee` charges such as
    /// the subscription or storage fee.
    Fees,
    /// Every component of a refund (principal returned, commission given
    /// back), so that this is the net cost of refunds.
    Refunds,
    /// Reserve withheld (`Current Reserve Amount`, negative) and released
    /// (`Previous Reserve Amount Balance`, positive).
    Reserve,
    /// Everything else: transfers, adjustments, carried-over negative
    /// balances and card charges, micro-deposits, ...
    Other,
}

impl Row {
    /// The row's category. Checked in this order, first match wins:
    /// reserve, refund, fee, order, other; so an order's commission is a
    /// fee and a refund's commission is a refund.
    pub fn category(&self) -> Category {
        let description = self.amount_description.to_ascii_lowercase();
        let amount_type = self.amount_type.to_ascii_lowercase();
        let transaction_type = self.transaction_type.to_ascii_lowercase();
        if description.contains("reserve") {
            Category::Reserve
        } else if transaction_type == "refund" {
            Category::Refunds
        } else if amount_type.ends_with("fees")
            || amount_type == "cost of advertising"
            || transaction_type == "servicefee"
            || description.ends_with(" fee")
        {
            Category::Fees
        } else if transaction_type == "order" {
            Category::Orders
        } else {
            Category::Other
        }
    }
}

/// Detail rows summed per [`Category`], in the settlement currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportTotals {
    /// [`Category::Orders`].
    pub orders: Money,
    /// [`Category::Fees`] (usually negative).
    pub fees: Money,
    /// [`Category::Refunds`] (usually negative).
    pub refunds: Money,
    /// [`Category::Reserve`].
    pub reserve: Money,
    /// [`Category::Other`].
    pub other: Money,
    /// All detail rows together.
    pub detail_sum: Money,
}

/// The detail rows do not add up to the summary total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TotalMismatch {
    /// `total-amount` of the summary row.
    pub summary_total: Money,
    /// The sum of every detail row.
    pub detail_sum: Money,
    /// `summary_total - detail_sum`.
    pub difference: Money,
}

/// Why totals could not be confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TotalsError {
    /// A row's amount could not be added (other currency, or overflow).
    #[error("detail row {row_index}: {source}")]
    Arithmetic {
        /// 0-based index into [`SettlementReport::rows`].
        row_index: usize,
        /// What failed.
        source: MoneyError,
    },
    /// The summary total cannot be compared with the sum (other currency,
    /// or a difference out of range).
    #[error("the summary total cannot be compared with the detail rows: {source}")]
    Comparison {
        /// What failed.
        source: MoneyError,
    },
    /// The sums are right but do not match the summary row.
    #[error(
        "the detail rows add up to {} but the summary total is {} (difference {})",
        .0.detail_sum, .0.summary_total, .0.difference
    )]
    Mismatch(TotalMismatch),
}

impl TotalsError {
    /// A stable machine code for APIs and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Arithmetic { .. } => "report_totals_arithmetic",
            Self::Comparison { .. } => "report_totals_comparison",
            Self::Mismatch(_) => "report_totals_mismatch",
        }
    }
}

impl ReportTotals {
    /// Sums the detail rows of `report` per category with checked
    /// arithmetic, without comparing to the summary total.
    pub fn of(report: &SettlementReport) -> Result<Self, TotalsError> {
        let zero = Money::zero(report.total.currency());
        let mut totals = Self {
            orders: zero,
            fees: zero,
            refunds: zero,
            reserve: zero,
            other: zero,
            detail_sum: zero,
        };
        for (row_index, row) in report.rows.iter().enumerate() {
            totals
                .add(row)
                .map_err(|source| TotalsError::Arithmetic { row_index, source })?;
        }
        Ok(totals)
    }

    fn add(&mut self, row: &Row) -> Result<(), MoneyError> {
        let bucket = match row.category() {
            Category::Orders => &mut self.orders,
            Category::Fees => &mut self.fees,
            Category::Refunds => &mut self.refunds,
            Category::Reserve => &mut self.reserve,
            Category::Other => &mut self.other,
        };
        *bucket = bucket.checked_add(row.amount)?;
        self.detail_sum = self.detail_sum.checked_add(row.amount)?;
        Ok(())
    }

    /// Confirms that the detail rows add up exactly to `summary_total`.
    pub fn check_against(&self, summary_total: Money) -> Result<(), TotalsError> {
        if self.detail_sum == summary_total {
            return Ok(());
        }
        let difference = summary_total
            .checked_sub(self.detail_sum)
            .map_err(|source| TotalsError::Comparison { source })?;
        Err(TotalsError::Mismatch(TotalMismatch {
            summary_total,
            detail_sum: self.detail_sum,
            difference,
        }))
    }
}

impl SettlementReport {
    /// Sums the detail rows ([`ReportTotals::of`]) and confirms they equal
    /// the summary total, as they do in every real report observed.
    pub fn verify_totals(&self) -> Result<ReportTotals, TotalsError> {
        let totals = ReportTotals::of(self)?;
        totals.check_against(self.total)?;
        Ok(totals)
    }
}

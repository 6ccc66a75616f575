//! Reconciliation: Amazon's settlement reports (uploaded, imported with
//! `ferry import settlement-report`, or fetched through the Reports API for
//! a bound store) stored with their totals by category, and each one
//! compared with the inbound credits that paid it.
//!
//! Expected is the report's total (the deposit Amazon makes); received is
//! the sum of the matched credits ([`matching`]); the difference and its
//! reason are shown on `/settlements`.

mod api;
pub mod credits;
pub mod fetch;
pub mod matching;
mod pages;
pub mod problem;

use crate::app::AppState;
use axum::Router;
use ferry_domain::Currency;
pub use ferry_formats::settlement_report::ParseProgress;
use ferry_formats::settlement_report::{self, Category, SettlementReport};
use ferry_platform::db::{Db, unix_ms};
use problem::{SettlementFail, SettlementProblem};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

/// The largest report accepted over HTTP; bigger archives go through the
/// command line, which streams nothing over the network.
pub const MAX_REPORT_BYTES: usize = 20 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new().merge(api::routes()).merge(pages::routes())
}

/// Where a report came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Uploaded,
    ReportsApi,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Self::Uploaded => "uploaded",
            Self::ReportsApi => "reports_api",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        [Self::Uploaded, Self::ReportsApi]
            .into_iter()
            .find(|source| source.code() == code)
    }
}

/// The detail rows summed per category, in minor units of the settlement
/// currency. Together with `other_minor` they add up to the total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub orders_minor: i64,
    pub fees_minor: i64,
    pub refunds_minor: i64,
    /// `Previous Reserve Amount Balance`: reserve released (positive).
    pub reserve_released_minor: i64,
    /// `Current Reserve Amount`: reserve withheld (negative).
    pub reserve_withheld_minor: i64,
    pub other_minor: i64,
}

impl Figures {
    /// The report's figures, once its detail rows are confirmed to add up
    /// to its total.
    pub fn of(report: &SettlementReport) -> Result<Self, SettlementProblem> {
        let totals = report
            .verify_totals()
            .map_err(SettlementProblem::TotalsDoNotAddUp)?;
        let released_minor: i64 = report
            .rows
            .iter()
            .filter(|row| {
                row.category() == Category::Reserve
                    && row
                        .amount_description
                        .to_ascii_lowercase()
                        .contains("previous")
            })
            .map(|row| row.amount.amount_minor())
            .sum();
        Ok(Self {
            orders_minor: totals.orders.amount_minor(),
            fees_minor: totals.fees.amount_minor(),
            refunds_minor: totals.refunds.amount_minor(),
            reserve_released_minor: released_minor,
            reserve_withheld_minor: totals.reserve.amount_minor() - released_minor,
            other_minor: totals.other.amount_minor(),
        })
    }

    pub fn reserve_minor(&self) -> i64 {
        self.reserve_released_minor + self.reserve_withheld_minor
    }
}

/// A stored settlement report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub id: String,
    /// The seller account.
    pub account_id: String,
    pub receiving_account_id: Option<String>,
    /// Amazon's settlement id.
    pub settlement_id: String,
    pub layout: Layout,
    pub source: Source,
    pub report_id: Option<String>,
    pub currency: Currency,
    pub period_start_at_ms: i64,
    pub period_end_at_ms: i64,
    pub deposit_at_ms: i64,
    pub figures: Figures,
    pub total_minor: i64,
    pub rows_count: i64,
    pub group_id: Option<String>,
    pub trace_id: Option<String>,
    pub account_tail: Option<String>,
    pub fund_transfer_status: Option<String>,
    pub imported_at_ms: i64,
}

/// Importing reports and refreshing them is bookkeeping: owners, admins and
/// finance members may; viewers only look.
pub fn require_bookkeeper(
    current: &crate::accounts::sessions::Current,
) -> Result<(), crate::error::Problem> {
    match current.user.role.as_str() {
        "owner" | "admin" | "finance" => Ok(()),
        _ => Err(crate::error::Problem::ForbiddenForRole),
    }
}

/// Whose report is imported.
#[derive(Debug, Clone)]
pub struct Owner {
    /// The seller account.
    pub account_id: String,
    /// The receiving account it pays into, when known; its currency must be
    /// the report's.
    pub receiving_account_id: Option<String>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A settlement seen for the first time.
    Imported,
    /// The same file again: nothing changed.
    Unchanged,
    /// Another file for a settlement already stored: its figures replaced.
    Replaced,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Self::Imported => "imported",
            Self::Unchanged => "unchanged",
            Self::Replaced => "replaced",
        }
    }
}

/// The import's result.
#[derive(Debug, Clone)]
pub struct Imported {
    pub outcome: Outcome,
    pub settlement: Settlement,
}

/// The flat file's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// Legacy V1: one column per amount kind.
    V1,
    /// Flat File V2: one amount per row.
    V2,
}

impl Layout {
    pub fn code(self) -> &'static str {
        match self {
            Self::V1 => "v1",
            Self::V2 => "v2",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        [Self::V1, Self::V2]
            .into_iter()
            .find(|layout| layout.code() == code)
    }

    /// The layout of a file the parser has accepted: V2 has an
    /// `amount-type` column, V1 does not.
    fn of(text: &str) -> Self {
        let header = text
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .unwrap_or("");
        let is_v2 = header
            .split('\t')
            .any(|name| name.trim().eq_ignore_ascii_case("amount-type"));
        if is_v2 { Self::V2 } else { Self::V1 }
    }
}

/// Reads `text` as a settlement report (any layout or locale; see
/// [`settlement_report::parse_with_progress`]), confirms its totals, and
/// stores it for `owner`: new, unchanged (same bytes) or replaced.
pub async fn import_report(
    db: &Db,
    owner: &Owner,
    text: &str,
    source: Source,
    report_id: Option<&str>,
    on_progress: impl FnMut(ParseProgress),
) -> Result<Imported, SettlementFail> {
    let report = settlement_report::parse_with_progress(text, on_progress)
        .map_err(SettlementProblem::UnreadableReport)?;
    let figures = Figures::of(&report)?;
    let content_sha256 = hex::encode(Sha256::digest(text.as_bytes()));
    let now = crate::app::now_ms();
    let mut tx = db.begin().await?;
    if let Some(receiving_account_id) = &owner.receiving_account_id {
        check_account_currency(&mut tx, owner, receiving_account_id, &report).await?;
    }
    let settlement_id = report.settlement_id.to_string();
    let existing = find(&mut tx, &owner.account_id, &settlement_id).await?;
    let outcome = match &existing {
        Some(stored) if stored.is_same_import(owner, &content_sha256) => Outcome::Unchanged,
        Some(_) => Outcome::Replaced,
        None => Outcome::Imported,
    };
    let id = existing.map_or_else(|| crate::tokens::new_id("stl"), |stored| stored.id);
    if outcome != Outcome::Unchanged {
        let row = NewRow {
            id: &id,
            owner,
            report: &report,
            figures: &figures,
            layout: Layout::of(text),
            source,
            report_id,
            content_sha256: &content_sha256,
        };
        upsert(&mut tx, &row, now).await?;
    }
    let settlement = get_by_id(&mut tx, &owner.account_id, &id)
        .await?
        .ok_or_else(|| {
            crate::receiving::problem::Fail::internal("the stored settlement vanished")
        })?;
    tx.commit().await?;
    Ok(Imported {
        outcome,
        settlement,
    })
}

async fn check_account_currency(
    conn: &mut AnyConnection,
    owner: &Owner,
    receiving_account_id: &str,
    report: &SettlementReport,
) -> Result<(), SettlementFail> {
    let account = crate::receiving::accounts::get(conn, &owner.account_id, receiving_account_id)
        .await?
        .ok_or(crate::error::Problem::NotFound)?;
    let currency = report.total.currency();
    if account.currency != currency {
        return Err(SettlementProblem::CurrencyMismatch {
            report: currency.to_string(),
            account: account.currency.to_string(),
        }
        .into());
    }
    Ok(())
}

/// What is stored of a settlement already imported.
struct Stored {
    id: String,
    content_sha256: String,
    receiving_account_id: Option<String>,
}

impl Stored {
    /// The same bytes, and no receiving account that the stored row lacks.
    fn is_same_import(&self, owner: &Owner, content_sha256: &str) -> bool {
        self.content_sha256 == content_sha256
            && (owner.receiving_account_id.is_none()
                || owner.receiving_account_id == self.receiving_account_id)
    }
}

async fn find(
    conn: &mut AnyConnection,
    account_id: &str,
    settlement_id: &str,
) -> Result<Option<Stored>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, content_sha256, receiving_account_id FROM settlement_reports \
         WHERE account_id = $1 AND settlement_id = $2",
    )
    .bind(account_id)
    .bind(settlement_id)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(Stored {
            id: row.try_get("id")?,
            content_sha256: row.try_get("content_sha256")?,
            receiving_account_id: row.try_get("receiving_account_id")?,
        })
    })
    .transpose()
}

struct NewRow<'a> {
    id: &'a str,
    owner: &'a Owner,
    report: &'a SettlementReport,
    figures: &'a Figures,
    layout: Layout,
    source: Source,
    report_id: Option<&'a str>,
    content_sha256: &'a str,
}

async fn upsert(
    conn: &mut AnyConnection,
    row: &NewRow<'_>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let report = row.report;
    let figures = row.figures;
    // A replaced file keeps the receiving account already known when the
    // new import does not name one, and keeps the event group found earlier.
    sqlx::query(
        "INSERT INTO settlement_reports (id, account_id, receiving_account_id, settlement_id, layout, \
         source, report_id, content_sha256, currency, period_start_at_ms, period_end_at_ms, \
         deposit_at_ms, orders_minor, fees_minor, refunds_minor, reserve_released_minor, \
         reserve_withheld_minor, other_minor, total_minor, rows_count, imported_at_ms, updated_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21) \
         ON CONFLICT (id) DO UPDATE SET \
         receiving_account_id = COALESCE(excluded.receiving_account_id, settlement_reports.receiving_account_id), \
         layout = excluded.layout, source = excluded.source, report_id = COALESCE(excluded.report_id, settlement_reports.report_id), \
         content_sha256 = excluded.content_sha256, currency = excluded.currency, \
         period_start_at_ms = excluded.period_start_at_ms, period_end_at_ms = excluded.period_end_at_ms, \
         deposit_at_ms = excluded.deposit_at_ms, orders_minor = excluded.orders_minor, \
         fees_minor = excluded.fees_minor, refunds_minor = excluded.refunds_minor, \
         reserve_released_minor = excluded.reserve_released_minor, \
         reserve_withheld_minor = excluded.reserve_withheld_minor, other_minor = excluded.other_minor, \
         total_minor = excluded.total_minor, rows_count = excluded.rows_count, \
         updated_at_ms = excluded.updated_at_ms",
    )
    .bind(row.id)
    .bind(&row.owner.account_id)
    .bind(row.owner.receiving_account_id.as_deref())
    .bind(report.settlement_id.to_string())
    .bind(row.layout.code())
    .bind(row.source.code())
    .bind(row.report_id)
    .bind(row.content_sha256)
    .bind(report.total.currency().code())
    .bind(unix_ms(report.period_start))
    .bind(unix_ms(report.period_end))
    .bind(unix_ms(report.deposit_date))
    .bind(figures.orders_minor)
    .bind(figures.fees_minor)
    .bind(figures.refunds_minor)
    .bind(figures.reserve_released_minor)
    .bind(figures.reserve_withheld_minor)
    .bind(figures.other_minor)
    .bind(report.total.amount_minor())
    .bind(i64::try_from(report.rows.len()).unwrap_or(i64::MAX))
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

const COLUMNS: &str = "id, account_id, receiving_account_id, settlement_id, layout, source, \
     report_id, currency, period_start_at_ms, period_end_at_ms, deposit_at_ms, orders_minor, \
     fees_minor, refunds_minor, reserve_released_minor, reserve_withheld_minor, other_minor, \
     total_minor, rows_count, group_id, trace_id, account_tail, fund_transfer_status, imported_at_ms";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Settlement, sqlx::Error> {
    let corrupt =
        |what: &str| sqlx::Error::Protocol(format!("stored settlement {what} is unknown"));
    Ok(Settlement {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        receiving_account_id: row.try_get("receiving_account_id")?,
        settlement_id: row.try_get("settlement_id")?,
        layout: Layout::parse(&row.try_get::<String, _>("layout")?)
            .ok_or_else(|| corrupt("layout"))?,
        source: Source::parse(&row.try_get::<String, _>("source")?)
            .ok_or_else(|| corrupt("source"))?,
        report_id: row.try_get("report_id")?,
        currency: Currency::parse(&row.try_get::<String, _>("currency")?)
            .map_err(|_| corrupt("currency"))?,
        period_start_at_ms: row.try_get("period_start_at_ms")?,
        period_end_at_ms: row.try_get("period_end_at_ms")?,
        deposit_at_ms: row.try_get("deposit_at_ms")?,
        figures: Figures {
            orders_minor: row.try_get("orders_minor")?,
            fees_minor: row.try_get("fees_minor")?,
            refunds_minor: row.try_get("refunds_minor")?,
            reserve_released_minor: row.try_get("reserve_released_minor")?,
            reserve_withheld_minor: row.try_get("reserve_withheld_minor")?,
            other_minor: row.try_get("other_minor")?,
        },
        total_minor: row.try_get("total_minor")?,
        rows_count: row.try_get("rows_count")?,
        group_id: row.try_get("group_id")?,
        trace_id: row.try_get("trace_id")?,
        account_tail: row.try_get("account_tail")?,
        fund_transfer_status: row.try_get("fund_transfer_status")?,
        imported_at_ms: row.try_get("imported_at_ms")?,
    })
}

/// A seller's settlements, the latest deposit first.
pub async fn list(
    conn: &mut AnyConnection,
    account_id: &str,
) -> Result<Vec<Settlement>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM settlement_reports WHERE account_id = $1 \
         ORDER BY deposit_at_ms DESC, settlement_id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(account_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// One of the seller's settlements by Ferry's id or Amazon's settlement id.
pub async fn get_by_id(
    conn: &mut AnyConnection,
    account_id: &str,
    id: &str,
) -> Result<Option<Settlement>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM settlement_reports WHERE account_id = $1 \
         AND (id = $2 OR settlement_id = $2)"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(account_id)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// A financial event group as the Finances API reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventGroup {
    pub group_id: String,
    pub currency: Currency,
    pub start_at_ms: i64,
    pub end_at_ms: Option<i64>,
    pub total_minor: Option<i64>,
    pub trace_id: Option<String>,
    pub account_tail: Option<String>,
    pub fund_transfer_status: Option<String>,
}

/// Report dates are written to the second; groups carry milliseconds.
const SAME_MOMENT_MS: i64 = 1_000;

impl EventGroup {
    /// The group of a settlement: same currency and period, same total.
    pub fn is_of(&self, settlement: &Settlement) -> bool {
        let end_agrees = self
            .end_at_ms
            .is_some_and(|end| (end - settlement.period_end_at_ms).abs() < SAME_MOMENT_MS);
        self.currency == settlement.currency
            && (self.start_at_ms - settlement.period_start_at_ms).abs() < SAME_MOMENT_MS
            && end_agrees
            && self.total_minor == Some(settlement.total_minor)
    }
}

/// Records the group of a settlement (its trace id and account tail).
pub async fn attach_group(
    conn: &mut AnyConnection,
    settlement: &Settlement,
    group: &EventGroup,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE settlement_reports SET group_id = $1, trace_id = $2, account_tail = $3, \
         fund_transfer_status = $4, updated_at_ms = $5 WHERE id = $6",
    )
    .bind(&group.group_id)
    .bind(group.trace_id.as_deref())
    .bind(group.account_tail.as_deref())
    .bind(group.fund_transfer_status.as_deref())
    .bind(crate::app::now_ms())
    .bind(&settlement.id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every settlement of a seller with its reconciliation, and the credits
/// that match none.
pub struct Overview {
    pub settlements: Vec<(Settlement, matching::Reconciliation)>,
    pub unmatched: Vec<matching::InboundCredit>,
}

pub async fn overview(conn: &mut AnyConnection, account_id: &str) -> Result<Overview, sqlx::Error> {
    let settlements = list(&mut *conn, account_id).await?;
    let credits = credits::credits_of(&mut *conn, account_id).await?;
    let (reconciliations, unmatched) = matching::reconcile(&settlements, &credits);
    let unmatched = unmatched.into_iter().cloned().collect();
    Ok(Overview {
        settlements: settlements.into_iter().zip(reconciliations).collect(),
        unmatched,
    })
}

/// The owner of a receiving account, for operator tools that name only the
/// account (`ferry import settlement-report --account`).
pub async fn owner_of_receiving_account(
    db: &Db,
    receiving_account_id: &str,
) -> Result<Option<Owner>, sqlx::Error> {
    let row = sqlx::query("SELECT account_id FROM receiving_accounts WHERE id = $1")
        .bind(receiving_account_id)
        .fetch_optional(db.reader())
        .await?;
    row.map(|row| {
        Ok(Owner {
            account_id: row.try_get("account_id")?,
            receiving_account_id: Some(receiving_account_id.to_string()),
        })
    })
    .transpose()
}

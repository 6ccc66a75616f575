//! Reading settlement reports of either layout and either locale.

use csv::StringRecord;
use ferry_domain::{Currency, DecimalStyle, Money};
use time::{Date, OffsetDateTime};

use super::columns::{
    ADJUSTMENT_ID, AMOUNT, AMOUNT_DESCRIPTION, AMOUNT_TYPE, CURRENCY, DEPOSIT_DATE, FULFILLMENT_ID,
    Header, MARKETPLACE_NAME, MERCHANT_ADJUSTMENT_ITEM_ID, MERCHANT_ORDER_ID,
    MERCHANT_ORDER_ITEM_ID, ORDER_ID, ORDER_ITEM_CODE, POSTED_DATE, POSTED_DATE_TIME, PROMOTION_ID,
    QUANTITY_PURCHASED, ReportLayout, SETTLEMENT_END_DATE, SETTLEMENT_ID, SETTLEMENT_START_DATE,
    SHIPMENT_ID, SKU, TOTAL_AMOUNT, TRANSACTION_TYPE, V1_AMOUNT_COLUMNS, V1AmountColumn,
};
use super::dates::{parse_date, parse_date_time};
use super::{ReportError, Row, SettlementReport};

type Result<T> = std::result::Result<T, ReportError>;

/// How far [`parse_with_progress`] has read, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseProgress {
    /// Bytes of the input read so far.
    pub bytes_read: u64,
    /// Size of the input in bytes.
    pub bytes_total: u64,
    /// Lines with content read so far, header included.
    pub records_read: u64,
}

/// How many records are read between two progress reports: often enough
/// for a smooth bar, rarely enough to cost nothing.
const PROGRESS_EVERY_RECORDS: u64 = 1024;

/// Parses a settlement report; see [`parse_with_progress`].
pub fn parse(text: &str) -> Result<SettlementReport> {
    parse_with_progress(text, |_| {})
}

/// Parses a settlement report, calling `on_progress` while reading and once
/// at the end.
///
/// Tolerated: a UTF-8 BOM, CRLF or LF line ends, blank lines, spaces around
/// values, columns in any order (found by header name, case-insensitive),
/// the optional 24th `promotion-id` column, extra unknown columns, and the
/// legacy V1 layout (detected by its header, see [`ReportLayout`]).
///
/// **Decimal style is decided per file**, because a value like `1,234`
/// means 1234 in a decimal-point file but is malformed in a decimal-comma
/// one, and a file never mixes locales. Every amount cell (summary total
/// and detail amounts) is tried in both styles: the style that reads all
/// of them wins. If both do and every amount means the same in both (no
/// separators at all), decimal point is used; if they differ
/// (three-decimal currencies), the file is refused as ambiguous. If
/// neither reads every amount, the style that read further into the file
/// is taken to be the file's, and its first failing amount is reported.
pub fn parse_with_progress(
    text: &str,
    mut on_progress: impl FnMut(ParseProgress),
) -> Result<SettlementReport> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records = read_records(body, &mut on_progress)?;
    let ((_, header_record), data) = records.split_first().ok_or(ReportError::Empty)?;
    let header = Header::new(header_record.iter())?;
    let cells: Vec<Cells<'_>> = data
        .iter()
        .map(|(line, record)| Cells {
            header: &header,
            record,
            line: *line,
        })
        .collect();
    let (summary, details) = cells.split_first().ok_or(ReportError::MissingSummaryRow)?;
    let currency = currency(summary)?;
    let context = Context {
        settlement_id: settlement_id(summary)?,
        currency,
        style: decide_style(&amount_cells(&header, &cells), currency)?,
    };
    let report = SettlementReport {
        settlement_id: context.settlement_id,
        period_start: date_time(summary, SETTLEMENT_START_DATE)?,
        period_end: date_time(summary, SETTLEMENT_END_DATE)?,
        deposit_date: date_time(summary, DEPOSIT_DATE)?,
        total: context.amount(summary, TOTAL_AMOUNT)?,
        rows: detail_rows(header.layout, details, &context)?,
    };
    Ok(report)
}

/// Splits the text into non-blank records with their line numbers.
fn read_records(
    body: &str,
    on_progress: &mut impl FnMut(ParseProgress),
) -> Result<Vec<(u64, StringRecord)>> {
    // Amazon's format has no quoting: a `"` inside a SKU is a character.
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .flexible(true)
        .quoting(false)
        .from_reader(body.as_bytes());
    let bytes_total = body.len() as u64;
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| ReportError::Malformed {
            line: error.position().map_or(0, |position| position.line()),
            message: error.to_string(),
        })?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let position = record.position().map_or((0, 0), |p| (p.line(), p.byte()));
        records.push((position.0, record));
        let records_read = records.len() as u64;
        if records_read.is_multiple_of(PROGRESS_EVERY_RECORDS) {
            on_progress(ParseProgress {
                bytes_read: position.1,
                bytes_total,
                records_read,
            });
        }
    }
    on_progress(ParseProgress {
        bytes_read: bytes_total,
        bytes_total,
        records_read: records.len() as u64,
    });
    Ok(records)
}

/// One data record, read through the header.
struct Cells<'a> {
    header: &'a Header,
    record: &'a StringRecord,
    line: u64,
}

impl<'a> Cells<'a> {
    /// The trimmed cell; empty if the column or the cell is absent (rows
    /// may stop short of trailing empty cells).
    fn get(&self, column: &str) -> &'a str {
        self.header
            .position(column)
            .and_then(|index| self.record.get(index))
            .map_or("", str::trim)
    }

    fn required(&self, column: &'static str) -> Result<&'a str> {
        match self.get(column) {
            "" => Err(ReportError::MissingValue {
                line: self.line,
                column,
            }),
            value => Ok(value),
        }
    }

    fn optional(&self, column: &str) -> Option<String> {
        Some(self.get(column))
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    }
}

/// What every detail row is checked against and read with.
struct Context {
    settlement_id: u64,
    currency: Currency,
    style: DecimalStyle,
}

impl Context {
    fn amount(&self, cells: &Cells<'_>, column: &'static str) -> Result<Money> {
        let value = cells.required(column)?;
        Money::parse_major_with_style(value, self.currency, self.style).map_err(|source| {
            ReportError::InvalidAmount {
                line: cells.line,
                column,
                value: value.to_owned(),
                source,
            }
        })
    }

    /// Detail rows repeat the settlement id and sometimes the currency;
    /// either differing means rows of two settlements were mixed.
    fn check_row(&self, cells: &Cells<'_>) -> Result<()> {
        if !cells.get(SETTLEMENT_ID).is_empty() {
            let found = settlement_id(cells)?;
            if found != self.settlement_id {
                return Err(ReportError::SettlementIdMismatch {
                    line: cells.line,
                    expected: self.settlement_id,
                    found,
                });
            }
        }
        if !cells.get(CURRENCY).is_empty() {
            let found = currency(cells)?;
            if found != self.currency {
                return Err(ReportError::CurrencyMismatch {
                    line: cells.line,
                    expected: self.currency,
                    found,
                });
            }
        }
        Ok(())
    }
}

fn settlement_id(cells: &Cells<'_>) -> Result<u64> {
    let value = cells.required(SETTLEMENT_ID)?;
    value.parse().map_err(|_| ReportError::InvalidSettlementId {
        line: cells.line,
        value: value.to_owned(),
    })
}

fn currency(cells: &Cells<'_>) -> Result<Currency> {
    let value = cells.required(CURRENCY)?;
    Currency::parse(value).map_err(|source| ReportError::InvalidCurrency {
        line: cells.line,
        value: value.to_owned(),
        source,
    })
}

fn invalid_date(cells: &Cells<'_>, column: &'static str) -> ReportError {
    ReportError::InvalidDate {
        line: cells.line,
        column,
        value: cells.get(column).to_owned(),
    }
}

fn date_time(cells: &Cells<'_>, column: &'static str) -> Result<OffsetDateTime> {
    parse_date_time(cells.required(column)?).ok_or_else(|| invalid_date(cells, column))
}

fn optional_date_time(cells: &Cells<'_>, column: &'static str) -> Result<Option<OffsetDateTime>> {
    match cells.get(column) {
        "" => Ok(None),
        value => parse_date_time(value)
            .map(Some)
            .ok_or_else(|| invalid_date(cells, column)),
    }
}

/// `posted-date`: a date, or in V1 files a full date-time.
fn posted_date(cells: &Cells<'_>) -> Result<Option<(Date, Option<OffsetDateTime>)>> {
    match cells.get(POSTED_DATE) {
        "" => Ok(None),
        value => parse_date(value)
            .map(Some)
            .ok_or_else(|| invalid_date(cells, POSTED_DATE)),
    }
}

fn quantity(cells: &Cells<'_>) -> Result<Option<u32>> {
    match cells.get(QUANTITY_PURCHASED) {
        "" => Ok(None),
        value => value
            .parse()
            .map(Some)
            .map_err(|_| ReportError::InvalidQuantity {
                line: cells.line,
                value: value.to_owned(),
            }),
    }
}

/// Every filled amount cell of the file, for deciding its decimal style.
fn amount_cells<'a>(header: &Header, cells: &[Cells<'a>]) -> Vec<&'a str> {
    let v1_columns = V1_AMOUNT_COLUMNS.iter().map(|column| column.amount);
    let columns: Vec<&str> = match header.layout {
        ReportLayout::V2 => vec![TOTAL_AMOUNT, AMOUNT],
        ReportLayout::V1 => std::iter::once(TOTAL_AMOUNT).chain(v1_columns).collect(),
    };
    cells
        .iter()
        .flat_map(|row| columns.iter().map(|column| row.get(column)))
        .filter(|value| !value.is_empty())
        .collect()
}

/// The per-file decimal-style rule documented on [`parse_with_progress`].
fn decide_style(amounts: &[&str], currency: Currency) -> Result<DecimalStyle> {
    let reads = |value: &str, style| Money::parse_major_with_style(value, currency, style).ok();
    let first_failure = |style| {
        amounts
            .iter()
            .position(|value| reads(value, style).is_none())
    };
    match (
        first_failure(DecimalStyle::Point),
        first_failure(DecimalStyle::Comma),
    ) {
        (None, None) => {
            let same = amounts
                .iter()
                .all(|cell| reads(cell, DecimalStyle::Point) == reads(cell, DecimalStyle::Comma));
            if same {
                Ok(DecimalStyle::Point)
            } else {
                Err(ReportError::AmbiguousDecimalStyle)
            }
        }
        (None, Some(_)) => Ok(DecimalStyle::Point),
        (Some(_), None) => Ok(DecimalStyle::Comma),
        // Both fail: the style that got further is the file's; reading the
        // file with it reports its first bad amount.
        (Some(point), Some(comma)) if point > comma => Ok(DecimalStyle::Point),
        (Some(point), Some(comma)) if comma > point => Ok(DecimalStyle::Comma),
        (Some(index), Some(_)) => {
            Ok(DecimalStyle::detect(amounts[index], currency).unwrap_or(DecimalStyle::Point))
        }
    }
}

fn detail_rows(layout: ReportLayout, details: &[Cells<'_>], context: &Context) -> Result<Vec<Row>> {
    let mut rows = Vec::with_capacity(details.len());
    for cells in details {
        context.check_row(cells)?;
        match layout {
            ReportLayout::V2 => rows.push(v2_row(cells, context)?),
            ReportLayout::V1 => {
                for column in &V1_AMOUNT_COLUMNS {
                    if !cells.get(column.amount).is_empty() {
                        rows.push(v1_row(cells, column, context)?);
                    }
                }
            }
        }
    }
    Ok(rows)
}

fn v2_row(cells: &Cells<'_>, context: &Context) -> Result<Row> {
    let part = AmountPart {
        amount_type: cells.required(AMOUNT_TYPE)?.to_owned(),
        amount_description: cells.required(AMOUNT_DESCRIPTION)?.to_owned(),
        amount: context.amount(cells, AMOUNT)?,
        posted_date: posted_date(cells)?.map(|(date, _)| date),
        posted_date_time: optional_date_time(cells, POSTED_DATE_TIME)?,
    };
    row(cells, part)
}

fn v1_row(cells: &Cells<'_>, column: &V1AmountColumn, context: &Context) -> Result<Row> {
    let amount_description = match column.description {
        Some(description) => cells.get(description),
        None if column.amount_type == "other-transaction" => cells.required(TRANSACTION_TYPE)?,
        None => "",
    };
    let posted = posted_date(cells)?;
    let part = AmountPart {
        amount_type: column.amount_type.to_owned(),
        amount_description: amount_description.to_owned(),
        amount: context.amount(cells, column.amount)?,
        posted_date: posted.map(|(date, _)| date),
        posted_date_time: posted.and_then(|(_, instant)| instant),
    };
    row(cells, part)
}

/// The fields in which the layouts differ.
struct AmountPart {
    amount_type: String,
    amount_description: String,
    amount: Money,
    posted_date: Option<Date>,
    posted_date_time: Option<OffsetDateTime>,
}

/// A row from the columns both layouts share plus its amount part.
fn row(cells: &Cells<'_>, part: AmountPart) -> Result<Row> {
    Ok(Row {
        transaction_type: cells.required(TRANSACTION_TYPE)?.to_owned(),
        order_id: cells.optional(ORDER_ID),
        merchant_order_id: cells.optional(MERCHANT_ORDER_ID),
        adjustment_id: cells.optional(ADJUSTMENT_ID),
        shipment_id: cells.optional(SHIPMENT_ID),
        marketplace_name: cells.optional(MARKETPLACE_NAME),
        amount_type: part.amount_type,
        amount_description: part.amount_description,
        amount: part.amount,
        fulfillment_id: cells.optional(FULFILLMENT_ID),
        posted_date: part.posted_date,
        posted_date_time: part.posted_date_time,
        order_item_code: cells.optional(ORDER_ITEM_CODE),
        merchant_order_item_id: cells.optional(MERCHANT_ORDER_ITEM_ID),
        merchant_adjustment_item_id: cells.optional(MERCHANT_ADJUSTMENT_ITEM_ID),
        sku: cells.optional(SKU),
        quantity_purchased: quantity(cells)?,
        promotion_id: cells.optional(PROMOTION_ID),
    })
}

//! Statements: a wallet's posted movements over whole UTC days, with the
//! opening and closing balance, as CSV (RFC 4180).

use super::balances::Wallet;
use super::entries::Entry;
use super::problem::{Fail, WalletProblem};
use crate::i18n::Lang;
use ferry_domain::{DecimalStyle, Money};
use ferry_platform::db::{Db, from_unix_ms, unix_ms};
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

/// At most this many days in one statement, so one request reads a
/// bounded amount of history.
const MAX_DAYS: i64 = 366;

/// Whole UTC days, `from` and `to` included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    /// Parses `YYYY-MM-DD` dates; a missing `from` is the first of `to`'s
    /// month, a missing `to` is `today`.
    pub fn parse(from: Option<&str>, to: Option<&str>, today: Date) -> Result<Self, WalletProblem> {
        let to = to.map(parse_date).transpose()?.unwrap_or(today);
        let from = match from {
            Some(raw) => parse_date(raw)?,
            None => first_of_month(to),
        };
        if from > to || (to - from).whole_days() >= MAX_DAYS {
            return Err(WalletProblem::InvalidPeriod);
        }
        Ok(Self { from, to })
    }

    /// The first millisecond of `from` (UTC).
    pub fn start_ms(self) -> i64 {
        midnight_ms(self.from)
    }

    /// The first millisecond after `to` (UTC).
    pub fn end_ms(self) -> i64 {
        midnight_ms(self.to) + Duration::DAY.whole_milliseconds() as i64
    }
}

fn parse_date(raw: &str) -> Result<Date, WalletProblem> {
    Date::parse(raw.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| WalletProblem::InvalidDate)
}

pub fn first_of_month(day: Date) -> Date {
    day.replace_day(1).unwrap_or(day)
}

/// The first day of the month before `day`'s.
pub fn first_of_previous_month(day: Date) -> Date {
    let first = first_of_month(day);
    first_of_month(first.previous_day().unwrap_or(first))
}

fn midnight_ms(day: Date) -> i64 {
    unix_ms(PrimitiveDateTime::new(day, Time::MIDNIGHT).assume_utc())
}

pub fn today_utc() -> Date {
    OffsetDateTime::now_utc().date()
}

/// `YYYY-MM-DD`.
pub fn format_date(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// `YYYY-MM-DD HH:MM:SS` in UTC.
pub fn format_time_ms(at_ms: i64) -> String {
    let at = from_unix_ms(at_ms);
    format!(
        "{} {:02}:{:02}:{:02}",
        format_date(at.date()),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// A wallet's statement: `opening + Σ rows = closing`, exactly.
#[derive(Debug, Clone)]
pub struct Statement {
    pub period: Period,
    pub opening: Money,
    /// Posted movements only, oldest first.
    pub rows: Vec<Entry>,
    pub closing: Money,
}

pub async fn statement(db: &Db, wallet: &Wallet, period: Period) -> Result<Statement, Fail> {
    let opening_minor =
        ferry_ledger::posted_credit_balance_before(db, &wallet.account_id, period.start_ms())
            .await?;
    let transfers =
        ferry_ledger::history_between(db, &wallet.account_id, period.start_ms(), period.end_ms())
            .await?;
    let rows: Vec<Entry> = transfers
        .iter()
        .map(|stored| Entry::new(stored, &wallet.account_id, wallet.currency))
        .filter(|entry| !entry.posted_change.is_zero())
        .collect();
    let mut closing = Money::from_minor(opening_minor, wallet.currency);
    for row in &rows {
        closing = closing
            .checked_add(row.posted_change)
            .map_err(|error| Fail::Other(crate::error::Failure::Internal(error.to_string())))?;
    }
    Ok(Statement {
        period,
        opening: Money::from_minor(opening_minor, wallet.currency),
        rows,
        closing,
    })
}

/// The file name offered for download.
pub fn file_name(wallet: &Wallet, period: Period) -> String {
    format!(
        "ferry-{}-{}-{}.csv",
        wallet.currency.code(),
        format_date(period.from),
        format_date(period.to)
    )
}

/// The statement as CSV: a header, the opening balance, one row per posted
/// movement with the running balance, the closing balance. Lines end in
/// CRLF and fields are quoted when they need it (RFC 4180). Column names
/// stay English so that scripts can rely on them; descriptions follow the
/// reader's language. Amounts are plain decimals (`-1234.56`).
pub fn to_csv(statement: &Statement, lang: Lang) -> String {
    let amount = |money: Money| money.format_major(DecimalStyle::Point);
    let currency = statement.opening.currency().code();
    let mut out = String::new();
    let mut line = |fields: &[&str]| {
        let quoted: Vec<String> = fields.iter().map(|field| csv_field(field)).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    };
    line(&[
        "date_utc",
        "description",
        "status",
        "reference",
        "transfer_id",
        "amount",
        "balance",
        "currency",
    ]);
    line(&[
        &format_date(statement.period.from),
        lang.pick("期初余额", "Opening balance"),
        "",
        "",
        "",
        "",
        &amount(statement.opening),
        currency,
    ]);
    let mut balance = statement.opening.amount_minor();
    for row in &statement.rows {
        balance += row.posted_change.amount_minor();
        line(&[
            &format_time_ms(row.at_ms),
            row.kind.label(lang),
            row.status.slug(),
            row.reference.as_deref().unwrap_or(""),
            &row.transfer_id,
            &amount(row.posted_change),
            &amount(Money::from_minor(balance, statement.opening.currency())),
            currency,
        ]);
    }
    line(&[
        &format_date(statement.period.to),
        lang.pick("期末余额", "Closing balance"),
        "",
        "",
        "",
        "",
        &amount(statement.closing),
        currency,
    ]);
    out
}

/// One CSV field, quoted when it holds a comma, a quote or a line break
/// (quotes doubled). A field that a spreadsheet would run as a formula
/// (`=`, `+`, `@`, or `-` not followed by a digit) gets a leading `'`.
fn csv_field(raw: &str) -> String {
    let looks_like_formula = raw.starts_with(['=', '+', '@'])
        || (raw.starts_with('-') && !raw[1..].starts_with(|c: char| c.is_ascii_digit()));
    let field = if looks_like_formula {
        format!("'{raw}")
    } else {
        raw.to_string()
    };
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn fields_are_quoted_by_rfc_4180_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\r\nlines"), "\"two\r\nlines\"");
        assert_eq!(csv_field("-12.50"), "-12.50");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("-cmd"), "'-cmd");
    }

    #[test]
    fn periods_are_whole_utc_days_and_bounded() {
        let today = date!(2026 - 11 - 24);
        let period = Period::parse(None, None, today).unwrap();
        assert_eq!((period.from, period.to), (date!(2026 - 11 - 01), today));
        assert_eq!(period.end_ms() - period.start_ms(), 24 * 86_400_000);
        assert_eq!(
            Period::parse(Some("2026-11-25"), Some("2026-11-24"), today),
            Err(WalletProblem::InvalidPeriod)
        );
        assert_eq!(
            Period::parse(Some("2026/11/01"), None, today),
            Err(WalletProblem::InvalidDate)
        );
        assert_eq!(
            Period::parse(Some("2025-01-01"), Some("2026-01-02"), today),
            Err(WalletProblem::InvalidPeriod)
        );
        // A leap year's 366 days fit in one statement.
        assert!(Period::parse(Some("2024-01-01"), Some("2024-12-31"), today).is_ok());
        assert_eq!(first_of_previous_month(today), date!(2026 - 10 - 01));
        assert_eq!(format_time_ms(1_000), "1970-01-01 00:00:01");
    }
}

//! Quotes: priced, stored, shown, and executed at most once.
//!
//! Executing a quote submits one linked chain to the ledger:
//!
//! | id                 | debit                 | credit                | amount      | code          |
//! |--------------------|-----------------------|-----------------------|-------------|---------------|
//! | `fx:{quote}:fee`   | `wallet:{s}:{sell}`   | `fees:{sell}`         | fee         | FX_FEE        |
//! | `fx:{quote}:sell`  | `wallet:{s}:{sell}`   | `fx:{sell}`           | converted   | FX_CONVERSION |
//! | `fx:{quote}:buy`   | `fx:{buy}`            | `wallet:{s}:{buy}`    | net bought  | FX_CONVERSION |
//!
//! (the fee leg only when there is a fee). The ids come from the quote, so a
//! second execution can never move money twice: the ledger answers
//! `exists`, and the quote's `executed_at_ms` refuses it before that. The
//! position account of the bought currency pays out and carries no limit,
//! so its balance may sit on the debit side: that is the desk's short
//! position, which treasury covers with the partner bank.

use super::pricing::{self, Pricing, PricingError};
use super::problem::{Fail, FxProblem};
use super::rate::Rate;
use crate::accounts::sessions::Current;
use crate::app::{AppState, now_ms};
use crate::error::Problem;
use crate::wallets::{self, transfer_code};
use ferry_domain::{Currency, DecimalStyle, Money};
use ferry_ledger::{Transfer, TransferFlags, TransferResult};
use serde::Deserialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A quote as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub id: String,
    pub account_id: String,
    pub pricing: Pricing,
    pub rate_source: String,
    pub rates_as_of: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub executed_at_ms: Option<i64>,
    pub failed_at_ms: Option<i64>,
}

impl Quote {
    /// `open`, `expired`, `executed` or `failed`, as of `now_ms`.
    pub fn status(&self, now_ms: i64) -> &'static str {
        if self.executed_at_ms.is_some() {
            "executed"
        } else if self.failed_at_ms.is_some() {
            "failed"
        } else if now_ms > self.expires_at_ms {
            "expired"
        } else {
            "open"
        }
    }
}

/// What the seller asks to be priced.
#[derive(Debug, Deserialize)]
pub struct QuoteRequest {
    pub sell_currency: String,
    pub buy_currency: String,
    /// In major units of the sell currency, e.g. `"1000.00"`.
    pub sell_amount: String,
}

/// What the seller confirms: the quote's amounts as shown. Anything else
/// is refused as altered, so a stale form cannot buy something it did not
/// show.
#[derive(Debug, Deserialize)]
pub struct Confirmation {
    pub sell_currency: String,
    pub sell_amount_minor: i64,
    pub buy_currency: String,
    pub buy_amount_minor: i64,
}

impl Confirmation {
    fn matches(&self, quote: &Quote) -> bool {
        let pricing = &quote.pricing;
        self.sell_currency.trim() == pricing.sell.currency().code()
            && self.buy_currency.trim() == pricing.buy.currency().code()
            && self.sell_amount_minor == pricing.sell.amount_minor()
            && self.buy_amount_minor == pricing.buy.amount_minor()
    }
}

/// Owners, admins and finance members move money; viewers only look.
pub fn require_mover(current: &Current) -> Result<(), Problem> {
    crate::accounts::team::require(current, crate::accounts::team::Permission::MoveMoney)
}

/// Money typed by a person: a plain decimal in major units (`1000.00`).
pub fn parse_amount(input: &str, currency: Currency) -> Option<Money> {
    Money::parse_major_with_style(input.trim(), currency, DecimalStyle::Point)
        .ok()
        .filter(|money| money.amount_minor() > 0)
}

fn parse_currency(input: &str) -> Result<Currency, FxProblem> {
    Currency::parse(input).map_err(|_| FxProblem::InvalidCurrency)
}

/// Prices the request at the current rates and stores the quote.
pub async fn create(
    app: &AppState,
    current: &Current,
    request: &QuoteRequest,
) -> Result<Quote, Fail> {
    require_mover(current)?;
    let account_id = &current.user.account_id;
    if crate::kyc::verified_identity(&app.db, account_id)
        .await?
        .is_none()
    {
        return Err(FxProblem::KycRequired.into());
    }
    let sell_currency = parse_currency(&request.sell_currency)?;
    let buy_currency = parse_currency(&request.buy_currency)?;
    if sell_currency == buy_currency {
        return Err(FxProblem::SameCurrency.into());
    }
    let sell = parse_amount(&request.sell_amount, sell_currency).ok_or(FxProblem::InvalidAmount)?;
    let rates = app.fx.rates().await;
    let mid = rates
        .mid(sell_currency, buy_currency)
        .ok_or(FxProblem::PairUnavailable)?;
    let fee = Money::from_minor(app.fx.fee_minor(sell_currency), sell_currency);
    let pricing = pricing::price(sell, buy_currency, mid, app.fx.settings.margin_bps, fee)
        .map_err(|error| match error {
            PricingError::FeeExceedsAmount => FxProblem::FeeExceedsAmount {
                fee: format!(
                    "{} {}",
                    fee.format_major(DecimalStyle::Point),
                    sell_currency
                ),
            },
            PricingError::NothingToBuy => FxProblem::InvalidAmount,
            PricingError::TooLarge => FxProblem::AmountTooLarge,
        })?;
    let now = now_ms();
    let ttl_ms =
        i64::try_from(app.fx.settings.quote_ttl_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
    let quote = Quote {
        id: format!("fxq_{}", uuid::Uuid::now_v7().simple()),
        account_id: account_id.clone(),
        pricing,
        rate_source: rates.origin.as_str().to_string(),
        rates_as_of: rates.as_of.clone(),
        created_at_ms: now,
        expires_at_ms: now.saturating_add(ttl_ms),
        executed_at_ms: None,
        failed_at_ms: None,
    };
    insert(app, current, &quote).await?;
    Ok(quote)
}

async fn insert(app: &AppState, current: &Current, quote: &Quote) -> Result<(), sqlx::Error> {
    let p = &quote.pricing;
    sqlx::query(
        "INSERT INTO fx_quotes (id, account_id, user_id, sell_currency, buy_currency, sell_minor, \
         fee_minor, converted_minor, buy_minor, margin_minor, margin_bps, mid_rate, customer_rate, \
         rate_source, rates_as_of, created_at_ms, expires_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(&quote.id)
    .bind(&quote.account_id)
    .bind(&current.user.id)
    .bind(p.sell.currency().code())
    .bind(p.buy.currency().code())
    .bind(p.sell.amount_minor())
    .bind(p.fee.amount_minor())
    .bind(p.converted.amount_minor())
    .bind(p.buy.amount_minor())
    .bind(p.margin.amount_minor())
    .bind(p.margin_bps)
    .bind(p.mid_rate.to_string())
    .bind(p.customer_rate.to_string())
    .bind(&quote.rate_source)
    .bind(&quote.rates_as_of)
    .bind(quote.created_at_ms)
    .bind(quote.expires_at_ms)
    .execute(app.db.writer())
    .await?;
    Ok(())
}

const COLUMNS: &str = "id, account_id, sell_currency, buy_currency, sell_minor, fee_minor, \
     converted_minor, buy_minor, margin_minor, margin_bps, mid_rate, customer_rate, rate_source, \
     rates_as_of, created_at_ms, expires_at_ms, executed_at_ms, failed_at_ms";

fn quote_from_row(row: &AnyRow) -> Result<Quote, sqlx::Error> {
    let corrupt = |what: &str| sqlx::Error::Decode(format!("fx_quotes.{what}").into());
    let currency = |column: &str| {
        let code: String = row.try_get(column)?;
        Currency::parse(&code).map_err(|_| corrupt(column))
    };
    let rate = |column: &str| {
        let text: String = row.try_get(column)?;
        Rate::parse(&text).map_err(|_| corrupt(column))
    };
    let sell_currency = currency("sell_currency")?;
    let buy_currency = currency("buy_currency")?;
    let in_sell =
        |column: &str| Ok::<_, sqlx::Error>(Money::from_minor(row.try_get(column)?, sell_currency));
    let in_buy =
        |column: &str| Ok::<_, sqlx::Error>(Money::from_minor(row.try_get(column)?, buy_currency));
    let buy = in_buy("buy_minor")?;
    let margin = in_buy("margin_minor")?;
    Ok(Quote {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        pricing: Pricing {
            sell: in_sell("sell_minor")?,
            fee: in_sell("fee_minor")?,
            converted: in_sell("converted_minor")?,
            at_mid: buy
                .checked_add(margin)
                .map_err(|_| corrupt("margin_minor"))?,
            buy,
            margin,
            margin_bps: row.try_get("margin_bps")?,
            mid_rate: rate("mid_rate")?,
            customer_rate: rate("customer_rate")?,
        },
        rate_source: row.try_get("rate_source")?,
        rates_as_of: row.try_get("rates_as_of")?,
        created_at_ms: row.try_get("created_at_ms")?,
        expires_at_ms: row.try_get("expires_at_ms")?,
        executed_at_ms: row.try_get("executed_at_ms")?,
        failed_at_ms: row.try_get("failed_at_ms")?,
    })
}

/// The account's quote `id`, if it exists.
pub async fn get(app: &AppState, account_id: &str, id: &str) -> Result<Option<Quote>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM fx_quotes WHERE id = $1 AND account_id = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(account_id)
        .fetch_optional(app.db.reader())
        .await?
        .as_ref()
        .map(quote_from_row)
        .transpose()
}

/// The account's executed conversions, newest first.
pub async fn executed(
    app: &AppState,
    account_id: &str,
    limit: i64,
) -> Result<Vec<Quote>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM fx_quotes WHERE account_id = $1 AND executed_at_ms IS NOT NULL \
         ORDER BY executed_at_ms DESC LIMIT $2"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(account_id)
        .bind(limit)
        .fetch_all(app.db.reader())
        .await?
        .iter()
        .map(quote_from_row)
        .collect()
}

/// Executes the quote `id` as confirmed, once.
pub async fn execute(
    app: &AppState,
    current: &Current,
    id: &str,
    confirmation: &Confirmation,
) -> Result<Quote, Fail> {
    require_mover(current)?;
    let account_id = &current.user.account_id;
    let quote = get(app, account_id, id).await?.ok_or(Problem::NotFound)?;
    let now = now_ms();
    if quote.executed_at_ms.is_some() {
        return Err(FxProblem::QuoteAlreadyExecuted.into());
    }
    if quote.failed_at_ms.is_some() {
        return Err(FxProblem::QuoteFailed.into());
    }
    if !confirmation.matches(&quote) {
        return Err(FxProblem::QuoteAltered.into());
    }
    if now > quote.expires_at_ms {
        return Err(FxProblem::QuoteExpired.into());
    }
    let p = &quote.pricing;
    wallets::open_house(&app.db, p.sell.currency(), now).await?;
    wallets::open(&app.db, account_id, p.buy.currency(), now).await?;
    let results = app.ledger.submit(chain(&quote)).await?;
    match outcome(&results) {
        Outcome::Created => {
            mark_executed(app, &quote, now).await?;
            Ok(Quote {
                executed_at_ms: Some(now),
                ..quote
            })
        }
        Outcome::Exists => {
            // Another request executed it between our read and our
            // submission (or a crash came between the ledger and the mark).
            mark_executed(app, &quote, now).await?;
            Err(FxProblem::QuoteAlreadyExecuted.into())
        }
        Outcome::NoMoney => {
            mark(app, &quote.id, "failed_at_ms", now).await?;
            Err(FxProblem::InsufficientFunds.into())
        }
        Outcome::Refused(code) => Err(Fail::internal(format!(
            "the ledger refused quote {}: {code}",
            quote.id
        ))),
    }
}

/// The quote's ledger chain (see the module's table).
pub fn chain(quote: &Quote) -> Vec<Transfer> {
    let p = &quote.pricing;
    let seller = &quote.account_id;
    let (sell, buy) = (p.sell.currency(), p.buy.currency());
    let leg = |name: &str, debit: String, credit: String, amount: Money, code: i64| Transfer {
        id: format!("fx:{}:{name}", quote.id),
        debit_account_id: debit,
        credit_account_id: credit,
        amount: amount.amount_minor(),
        ledger: wallets::ledger_of(amount.currency()),
        code,
        flags: TransferFlags(TransferFlags::LINKED),
        pending_id: None,
        expires_at_ms: 0,
        reference: Some(quote.id.clone()),
    };
    let mut transfers = Vec::with_capacity(3);
    if p.fee.amount_minor() > 0 {
        transfers.push(leg(
            "fee",
            wallets::wallet_id(seller, sell),
            wallets::fees_id(sell),
            p.fee,
            transfer_code::FX_FEE,
        ));
    }
    transfers.push(leg(
        "sell",
        wallets::wallet_id(seller, sell),
        wallets::fx_position_id(sell),
        p.converted,
        transfer_code::FX_CONVERSION,
    ));
    transfers.push(leg(
        "buy",
        wallets::fx_position_id(buy),
        wallets::wallet_id(seller, buy),
        p.buy,
        transfer_code::FX_CONVERSION,
    ));
    if let Some(last) = transfers.last_mut() {
        last.flags = TransferFlags::default();
    }
    transfers
}

enum Outcome {
    Created,
    Exists,
    NoMoney,
    Refused(&'static str),
}

/// What a chain's results mean: the cause is the first result that is not
/// a success and not merely "a linked transfer failed".
fn outcome(results: &[TransferResult]) -> Outcome {
    if results.iter().all(|r| *r == TransferResult::Created) {
        return Outcome::Created;
    }
    if results.iter().all(|r| *r == TransferResult::Exists) {
        return Outcome::Exists;
    }
    let cause = results
        .iter()
        .find(|r| !r.is_ok() && **r != TransferResult::LinkedEventFailed)
        .copied()
        .unwrap_or(TransferResult::LinkedEventFailed);
    match cause {
        TransferResult::ExceedsCredits
        | TransferResult::IdAlreadyFailed
        | TransferResult::DebitAccountNotFound => Outcome::NoMoney,
        other => Outcome::Refused(other.code()),
    }
}

/// Records the execution and announces it to the account's webhooks, once:
/// only the request whose update marks the quote emits the event.
async fn mark_executed(app: &AppState, quote: &Quote, now: i64) -> Result<(), sqlx::Error> {
    let mut tx = app.db.begin().await?;
    let marked = sqlx::query(
        "UPDATE fx_quotes SET executed_at_ms = $1 WHERE id = $2 \
         AND executed_at_ms IS NULL AND failed_at_ms IS NULL",
    )
    .bind(now)
    .bind(&quote.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if marked == 1 {
        let executed = Quote {
            executed_at_ms: Some(now),
            ..quote.clone()
        };
        crate::webhooks::emit(
            &mut tx,
            &quote.account_id,
            crate::webhooks::EventType::ConversionCompleted,
            super::api::quote_json(&executed, now),
            now,
        )
        .await?;
    }
    tx.commit().await
}

async fn mark(app: &AppState, id: &str, column: &str, now: i64) -> Result<(), sqlx::Error> {
    // Only the first mark counts; the columns are fixed names, not input.
    let sql = format!(
        "UPDATE fx_quotes SET {column} = $1 WHERE id = $2 \
         AND executed_at_ms IS NULL AND failed_at_ms IS NULL"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(id)
        .execute(app.db.writer())
        .await?;
    Ok(())
}

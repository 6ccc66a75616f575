//! A withdrawal's life: requested → pending (hold placed) → paid (posted) or
//! failed (voided); paid → returned (reversed) when the bank sends the
//! money back later. `refused` is a request whose hold the ledger refused.
//!
//! Ledger transfers, with ids derived from the withdrawal's id:
//!
//! | id                          | flags        | debit → credit                          |
//! |-----------------------------|--------------|-----------------------------------------|
//! | `withdrawal:{id}:hold`      | PENDING      | `wallet:{s}:{C}` → `clearing:{C}`       |
//! | `withdrawal:{id}:fee_hold`  | PENDING      | `wallet:{s}:{C}` → `fees:{C}`           |
//! | `withdrawal:{id}:post` …    | POST_PENDING | (the holds, when the bank pays)         |
//! | `withdrawal:{id}:void` …    | VOID_PENDING | (the holds, when the bank refuses)      |
//! | `withdrawal:{id}:return`    |              | `clearing:{C}` → `wallet:{s}:{C}`       |
//! | `withdrawal:{id}:fee_return`|              | `fees:{C}` → `wallet:{s}:{C}`           |
//!
//! Each group is linked (all or nothing). A late return gives back the fee
//! too: the seller paid for a transfer that did not arrive.

use super::WithdrawalDesk;
use super::destinations::{self, holder_matches, identity_of};
use super::mails::{self, Notice};
use super::problem::{Fail, WithdrawalProblem};
use crate::accounts::sessions::Current;
use crate::accounts::two_factor::accept_code;
use crate::app::{AppState, now_ms};
use crate::audit::{self, Event};
use crate::error::Problem;
use crate::fx::quotes::{parse_amount, require_mover};
use crate::wallets::{self, transfer_code};
use ferry_domain::{Currency, DecimalStyle, Money};
use ferry_ledger::{Transfer, TransferFlags, TransferResult};
use ferry_platform::db::Backend;
use serde::Deserialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// Where a withdrawal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Requested,
    Pending,
    Paid,
    Failed,
    Returned,
    Refused,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Pending => "pending",
            Self::Paid => "paid",
            Self::Failed => "failed",
            Self::Returned => "returned",
            Self::Refused => "refused",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        [
            Self::Requested,
            Self::Pending,
            Self::Paid,
            Self::Failed,
            Self::Returned,
            Self::Refused,
        ]
        .into_iter()
        .find(|status| status.as_str() == value)
    }

    /// The words a seller reads.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            Self::Requested | Self::Pending => lang.pick("处理中", "Processing"),
            Self::Paid => lang.pick("已付款", "Paid"),
            Self::Failed => lang.pick(
                "失败，资金已退回钱包",
                "Failed; the money is back in your wallet",
            ),
            Self::Returned => lang.pick(
                "银行退回，资金已退回钱包",
                "Returned by the bank; the money is back in your wallet",
            ),
            Self::Refused => lang.pick("未受理（余额不足）", "Not accepted (insufficient funds)"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    pub id: String,
    pub account_id: String,
    pub user_id: String,
    pub destination_id: String,
    pub card_number: String,
    pub bank_name: String,
    pub holder_name: String,
    pub amount: Money,
    pub fee: Money,
    pub status: Status,
    pub failure_reason: Option<String>,
    pub bank_reference: Option<String>,
    pub created_at_ms: i64,
    pub paid_at_ms: Option<i64>,
    pub failed_at_ms: Option<i64>,
    pub return_due_at_ms: Option<i64>,
    pub returned_at_ms: Option<i64>,
}

impl Withdrawal {
    /// `**** **** **** 0036`-style, for pages and mail.
    pub fn card_tail(&self) -> &str {
        let len = self.card_number.len();
        &self.card_number[len.saturating_sub(4)..]
    }
}

#[derive(Debug, Deserialize)]
pub struct WithdrawalRequest {
    pub destination_id: String,
    pub currency: String,
    /// In major units, e.g. `"1000.00"`.
    pub amount: String,
    /// The seller's current TOTP code (or a recovery code).
    pub two_factor_code: String,
}

fn show(money: Money) -> String {
    format!(
        "{} {}",
        money.format_major(DecimalStyle::Point),
        money.currency()
    )
}

/// Midnight in China (UTC+8) at or before `now_ms`: daily limits follow
/// the seller's calendar day.
pub fn china_day_start_ms(now_ms: i64) -> i64 {
    const DAY_MS: i64 = 24 * 60 * 60 * 1000;
    const UTC8_MS: i64 = 8 * 60 * 60 * 1000;
    (now_ms + UTC8_MS).div_euclid(DAY_MS) * DAY_MS - UTC8_MS
}

/// Checks, confirms with two-factor, records, and places the hold.
pub async fn request(
    app: &AppState,
    current: &Current,
    ip: &str,
    request: &WithdrawalRequest,
) -> Result<Withdrawal, Fail> {
    require_mover(current)?;
    if !current.user.two_factor_enabled() {
        return Err(WithdrawalProblem::TwoFactorNotEnrolled.into());
    }
    let account_id = &current.user.account_id;
    let identity = identity_of(app, account_id).await?;
    let currency =
        Currency::parse(&request.currency).map_err(|_| WithdrawalProblem::UnsupportedCurrency)?;
    let terms = app
        .withdrawals
        .terms(currency)
        .ok_or(WithdrawalProblem::UnsupportedCurrency)?
        .clone();
    let amount = parse_amount(&request.amount, currency).ok_or(WithdrawalProblem::InvalidAmount)?;
    if amount.amount_minor() > terms.per_transaction_max_minor {
        let limit = Money::from_minor(terms.per_transaction_max_minor, currency);
        return Err(WithdrawalProblem::PerTransactionLimit { limit: show(limit) }.into());
    }
    let mut conn = app.db.reader().acquire().await?;
    let destination = destinations::get(&mut conn, account_id, &request.destination_id)
        .await?
        .ok_or(Problem::NotFound)?;
    drop(conn);
    if !holder_matches(&identity, &destination.holder_name) {
        return Err(WithdrawalProblem::HolderMismatch.into());
    }
    let fee = terms.fee(amount);
    let total = amount
        .checked_add(fee)
        .map_err(|_| WithdrawalProblem::InvalidAmount)?;
    // A friendly early answer; the ledger's own check is the one that holds.
    if available(app, account_id, currency).await? < total.amount_minor() {
        return Err(WithdrawalProblem::InsufficientFunds.into());
    }
    let now = now_ms();
    let withdrawal = Withdrawal {
        id: format!("wd_{}", uuid::Uuid::now_v7().simple()),
        account_id: account_id.clone(),
        user_id: current.user.id.clone(),
        destination_id: destination.id.clone(),
        card_number: destination.card.as_str().to_string(),
        bank_name: destination.bank_name.clone(),
        holder_name: destination.holder_name.clone(),
        amount,
        fee,
        status: Status::Requested,
        failure_reason: None,
        bank_reference: None,
        created_at_ms: now,
        paid_at_ms: None,
        failed_at_ms: None,
        return_due_at_ms: None,
        returned_at_ms: None,
    };
    let mut tx = app.db.begin().await?;
    lock_account(&mut tx, app.db.backend(), account_id).await?;
    let withdrawn_today =
        withdrawn_since(&mut tx, account_id, currency, china_day_start_ms(now)).await?;
    if withdrawn_today + amount.amount_minor() > terms.per_day_max_minor {
        let remaining = (terms.per_day_max_minor - withdrawn_today).max(0);
        let remaining = show(Money::from_minor(remaining, currency));
        return Err(WithdrawalProblem::PerDayLimit { remaining }.into());
    }
    if !accept_code(&mut tx, &current.user, &request.two_factor_code, now).await? {
        return Err(Problem::InvalidCode.into());
    }
    insert(&mut tx, &withdrawal).await?;
    let event = Event {
        account_id: Some(account_id),
        user_id: Some(&current.user.id),
        name: "withdrawal.requested",
        detail: json!({
            "withdrawal_id": withdrawal.id,
            "amount_minor": amount.amount_minor(),
            "currency": currency.code(),
            "card_last4": destination.card.last4(),
        }),
        ip: Some(ip),
    };
    audit::record(&mut tx, event, now).await?;
    tx.commit().await?;
    place_hold(app, &withdrawal).await
}

/// PostgreSQL: serializes withdrawals of one account across processes so
/// two cannot both pass the daily limit. SQLite has one writer, so the
/// transaction itself serializes them.
async fn lock_account(
    conn: &mut AnyConnection,
    backend: Backend,
    account_id: &str,
) -> Result<(), sqlx::Error> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT id FROM seller_accounts WHERE id = $1 FOR UPDATE")
            .bind(account_id)
            .fetch_optional(conn)
            .await?;
    }
    Ok(())
}

/// What withdrawals of `currency` since `since_ms` add up to, counting
/// every one that is or was on its way.
async fn withdrawn_since(
    conn: &mut AnyConnection,
    account_id: &str,
    currency: Currency,
    since_ms: i64,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS total FROM withdrawals \
         WHERE account_id = $1 AND currency = $2 AND created_at_ms >= $3 \
         AND status IN ('requested', 'pending', 'paid', 'returned')",
    )
    .bind(account_id)
    .bind(currency.code())
    .bind(since_ms)
    .fetch_one(conn)
    .await?;
    row.try_get("total")
}

/// The wallet's available balance (0 when it has none).
pub async fn available(app: &AppState, account_id: &str, currency: Currency) -> Result<i64, Fail> {
    let wallet = wallets::wallet_id(account_id, currency);
    let accounts = ferry_ledger::lookup_accounts(&app.db, &[wallet]).await?;
    Ok(accounts
        .first()
        .map_or(0, ferry_ledger::Account::credit_balance_available))
}

async fn insert(conn: &mut AnyConnection, w: &Withdrawal) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO withdrawals (id, account_id, user_id, destination_id, card_number, bank_name, \
         holder_name, currency, amount_minor, fee_minor, status, created_at_ms, updated_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
    )
    .bind(&w.id)
    .bind(&w.account_id)
    .bind(&w.user_id)
    .bind(&w.destination_id)
    .bind(&w.card_number)
    .bind(&w.bank_name)
    .bind(&w.holder_name)
    .bind(w.amount.currency().code())
    .bind(w.amount.amount_minor())
    .bind(w.fee.amount_minor())
    .bind(w.status.as_str())
    .bind(w.created_at_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// The principal's transfer and, when there is a fee, the fee's, linked:
/// `kind` names them (`hold`, `post`, `void`, `return`), `flag` is the
/// ledger flag, and `reverse` sends the money back to the wallet.
fn pair(w: &Withdrawal, kind: &str, flag: i64, reverse: bool) -> Vec<Transfer> {
    let currency = w.amount.currency();
    let wallet = wallets::wallet_id(&w.account_id, currency);
    let resolves = flag & (TransferFlags::POST_PENDING | TransferFlags::VOID_PENDING) != 0;
    let legs = [
        (
            "",
            wallets::clearing_id(currency),
            w.amount,
            transfer_code::WITHDRAWAL,
        ),
        (
            "fee_",
            wallets::fees_id(currency),
            w.fee,
            transfer_code::WITHDRAWAL_FEE,
        ),
    ];
    let mut transfers: Vec<Transfer> = legs
        .into_iter()
        .filter(|(_, _, amount, _)| amount.amount_minor() > 0)
        .map(|(prefix, house, amount, code)| {
            let (debit, credit, code) = if reverse {
                (house, wallet.clone(), transfer_code::WITHDRAWAL_RETURNED)
            } else {
                (wallet.clone(), house, code)
            };
            Transfer {
                id: format!("withdrawal:{}:{prefix}{kind}", w.id),
                debit_account_id: debit,
                credit_account_id: credit,
                amount: amount.amount_minor(),
                ledger: wallets::ledger_of(currency),
                code,
                flags: TransferFlags(flag | TransferFlags::LINKED),
                pending_id: resolves.then(|| format!("withdrawal:{}:{prefix}hold", w.id)),
                expires_at_ms: 0,
                reference: Some(w.id.clone()),
            }
        })
        .collect();
    if let Some(last) = transfers.last_mut() {
        last.flags = TransferFlags(last.flags.0 & !TransferFlags::LINKED);
    }
    transfers
}

/// Whether a group of results applied (now or by an earlier attempt).
fn applied(results: &[TransferResult]) -> bool {
    results.iter().all(|result| result.is_ok())
}

fn first_cause(results: &[TransferResult]) -> &'static str {
    results
        .iter()
        .find(|r| !r.is_ok() && **r != TransferResult::LinkedEventFailed)
        .map_or("linked_event_failed", |r| r.code())
}

/// Applies one leg of the withdrawal's ledger pair; the ledger refusing it
/// (which the status guards make impossible) is an internal failure naming
/// the first cause.
async fn apply_leg(
    app: &AppState,
    w: &Withdrawal,
    kind: &str,
    flag: i64,
    reverse: bool,
    verb: &str,
) -> Result<(), Fail> {
    let results = app.ledger.submit(pair(w, kind, flag, reverse)).await?;
    if applied(&results) {
        Ok(())
    } else {
        Err(Fail::internal(format!(
            "cannot {verb} {}: {}",
            w.id,
            first_cause(&results)
        )))
    }
}

/// Places the pending hold of a requested withdrawal; a refused hold (not
/// enough money) marks it refused.
pub async fn place_hold(app: &AppState, w: &Withdrawal) -> Result<Withdrawal, Fail> {
    let results = app
        .ledger
        .submit(pair(w, "hold", TransferFlags::PENDING, false))
        .await?;
    let now = now_ms();
    if applied(&results) {
        let mut tx = app.db.begin().await?;
        let moved = sqlx::query(
            "UPDATE withdrawals SET status = 'pending', bank_due_at_ms = $1, updated_at_ms = $1 \
             WHERE id = $2 AND status = 'requested'",
        )
        .bind(now)
        .bind(&w.id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if moved {
            mails::announce(&mut tx, app, w, Notice::Requested, now).await?;
        }
        tx.commit().await?;
        return get_any(app, &w.id)
            .await?
            .ok_or_else(|| Fail::internal(format!("withdrawal {} vanished", w.id)));
    }
    let cause = first_cause(&results);
    let no_money = matches!(
        cause,
        "exceeds_credits" | "id_already_failed" | "debit_account_not_found"
    );
    if !no_money {
        return Err(Fail::internal(format!(
            "the ledger refused hold {}: {cause}",
            w.id
        )));
    }
    sqlx::query(
        "UPDATE withdrawals SET status = 'refused', failure_reason = 'insufficient_funds', \
         updated_at_ms = $1 WHERE id = $2 AND status = 'requested'",
    )
    .bind(now)
    .bind(&w.id)
    .execute(app.db.writer())
    .await?;
    Err(WithdrawalProblem::InsufficientFunds.into())
}

/// The bank paid: posts the hold.
pub async fn mark_paid(
    app: &AppState,
    w: &Withdrawal,
    bank_reference: &str,
    return_due_at_ms: Option<i64>,
) -> Result<(), Fail> {
    apply_leg(app, w, "post", TransferFlags::POST_PENDING, false, "post").await?;
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    let moved = sqlx::query(
        "UPDATE withdrawals SET status = 'paid', paid_at_ms = $1, bank_reference = $2, \
         return_due_at_ms = $3, bank_due_at_ms = NULL, updated_at_ms = $1 \
         WHERE id = $4 AND status = 'pending'",
    )
    .bind(now)
    .bind(bank_reference)
    .bind(return_due_at_ms)
    .bind(&w.id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if moved {
        mails::announce(&mut tx, app, w, Notice::Paid, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The bank refused: voids the hold, which gives the money back.
pub async fn mark_failed(app: &AppState, w: &Withdrawal, reason: &str) -> Result<(), Fail> {
    apply_leg(app, w, "void", TransferFlags::VOID_PENDING, false, "void").await?;
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    let moved = sqlx::query(
        "UPDATE withdrawals SET status = 'failed', failed_at_ms = $1, failure_reason = $2, \
         bank_due_at_ms = NULL, updated_at_ms = $1 WHERE id = $3 AND status = 'pending'",
    )
    .bind(now)
    .bind(reason)
    .bind(&w.id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if moved {
        mails::announce(&mut tx, app, w, Notice::Failed { reason }, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// An operator who records a bank's return, for the audit log.
pub struct Recorder<'a> {
    pub operator_id: &'a str,
    pub ip: &'a str,
}

/// An operator records that the bank sent a paid withdrawal back (a real
/// bank reports returns days later, on a statement or a call).
pub async fn record_return(
    app: &AppState,
    id: &str,
    recorder: &Recorder<'_>,
) -> Result<Withdrawal, Fail> {
    let w = get_any(app, id).await?.ok_or(Problem::NotFound)?;
    if w.status != Status::Paid {
        return Err(WithdrawalProblem::NotReturnable.into());
    }
    mark_returned(app, &w, Some(recorder)).await?;
    get_any(app, id)
        .await?
        .ok_or_else(|| Fail::internal(format!("withdrawal {id} vanished")))
}

/// The bank sent a paid withdrawal back: a new transfer reverses it.
pub async fn mark_returned(
    app: &AppState,
    w: &Withdrawal,
    recorder: Option<&Recorder<'_>>,
) -> Result<(), Fail> {
    apply_leg(app, w, "return", 0, true, "reverse").await?;
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    let moved = sqlx::query(
        "UPDATE withdrawals SET status = 'returned', returned_at_ms = $1, updated_at_ms = $1 \
         WHERE id = $2 AND status = 'paid'",
    )
    .bind(now)
    .bind(&w.id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if moved {
        mails::announce(&mut tx, app, w, Notice::Returned, now).await?;
        if let Some(recorder) = recorder {
            let event = Event {
                account_id: Some(&w.account_id),
                user_id: None,
                name: "withdrawal.returned",
                detail: json!({ "withdrawal_id": w.id, "operator_id": recorder.operator_id }),
                ip: Some(recorder.ip),
            };
            audit::record(&mut tx, event, now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

const COLUMNS: &str = "id, account_id, user_id, destination_id, card_number, bank_name, holder_name, \
     currency, amount_minor, fee_minor, status, failure_reason, bank_reference, created_at_ms, \
     paid_at_ms, failed_at_ms, return_due_at_ms, returned_at_ms";

fn from_row(row: &AnyRow) -> Result<Withdrawal, sqlx::Error> {
    let corrupt = |what: &str| sqlx::Error::Decode(format!("withdrawals.{what}").into());
    let code: String = row.try_get("currency")?;
    let currency = Currency::parse(&code).map_err(|_| corrupt("currency"))?;
    let status: String = row.try_get("status")?;
    Ok(Withdrawal {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        user_id: row.try_get("user_id")?,
        destination_id: row.try_get("destination_id")?,
        card_number: row.try_get("card_number")?,
        bank_name: row.try_get("bank_name")?,
        holder_name: row.try_get("holder_name")?,
        amount: Money::from_minor(row.try_get("amount_minor")?, currency),
        fee: Money::from_minor(row.try_get("fee_minor")?, currency),
        status: Status::parse(&status).ok_or_else(|| corrupt("status"))?,
        failure_reason: row.try_get("failure_reason")?,
        bank_reference: row.try_get("bank_reference")?,
        created_at_ms: row.try_get("created_at_ms")?,
        paid_at_ms: row.try_get("paid_at_ms")?,
        failed_at_ms: row.try_get("failed_at_ms")?,
        return_due_at_ms: row.try_get("return_due_at_ms")?,
        returned_at_ms: row.try_get("returned_at_ms")?,
    })
}

/// The account's withdrawal `id`.
pub async fn get(
    app: &AppState,
    account_id: &str,
    id: &str,
) -> Result<Option<Withdrawal>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM withdrawals WHERE id = $1 AND account_id = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(account_id)
        .fetch_optional(app.db.reader())
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

async fn get_any(app: &AppState, id: &str) -> Result<Option<Withdrawal>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM withdrawals WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(app.db.reader())
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The account's withdrawals, newest first.
pub async fn list(
    app: &AppState,
    account_id: &str,
    limit: i64,
) -> Result<Vec<Withdrawal>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM withdrawals WHERE account_id = $1 \
         ORDER BY created_at_ms DESC, id DESC LIMIT $2"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(account_id)
        .bind(limit)
        .fetch_all(app.db.reader())
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Withdrawals in `status` whose `due_column` time has come, oldest first.
pub async fn due(
    app: &AppState,
    status: Status,
    due_column: &'static str,
    now: i64,
) -> Result<Vec<Withdrawal>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM withdrawals WHERE status = $1 AND {due_column} IS NOT NULL \
         AND {due_column} <= $2 ORDER BY {due_column} LIMIT 100"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(status.as_str())
        .bind(now)
        .fetch_all(app.db.reader())
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Takes a pending withdrawal for the bank for `lease_ms`: only the
/// process whose update changes the row sends it (several processes may
/// share a PostgreSQL database).
pub async fn claim_for_bank(
    app: &AppState,
    w_id: &str,
    now: i64,
    lease_ms: i64,
) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query(
        "UPDATE withdrawals SET bank_due_at_ms = $1 \
         WHERE id = $2 AND status = 'pending' AND bank_due_at_ms <= $3",
    )
    .bind(now + lease_ms)
    .bind(w_id)
    .bind(now)
    .execute(app.db.writer())
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Requested withdrawals older than `older_than_ms` whose hold was never
/// placed (the process stopped in between).
pub async fn stranded(app: &AppState, older_than_ms: i64) -> Result<Vec<Withdrawal>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM withdrawals WHERE status = 'requested' AND created_at_ms <= $1 \
         ORDER BY created_at_ms LIMIT 100"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(older_than_ms)
        .fetch_all(app.db.reader())
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// The desk's view of the terms, for pages and the API.
pub fn terms_json(desk: &WithdrawalDesk) -> serde_json::Value {
    let items: Vec<serde_json::Value> = desk
        .settings
        .terms
        .iter()
        .filter_map(|terms| {
            let currency = Currency::parse(&terms.currency).ok()?;
            let money = |minor| crate::fx::api::money_json(Money::from_minor(minor, currency));
            Some(json!({
                "currency": currency.code(),
                "fee_bps": terms.fee_bps,
                "fee_min": money(terms.fee_min_minor),
                "fee_cap": money(terms.fee_cap_minor),
                "per_transaction_max": money(terms.per_transaction_max_minor),
                "per_day_max": money(terms.per_day_max_minor),
            }))
        })
        .collect();
    json!(items)
}

#[cfg(test)]
mod tests {
    use super::china_day_start_ms;

    #[test]
    fn a_day_starts_at_midnight_in_china() {
        // 2026-11-24 15:59:59 UTC is 23:59:59 in China; a second later is
        // the next day there.
        let before = 1_795_535_999_000;
        assert_eq!(china_day_start_ms(before), 1_795_449_600_000);
        assert_eq!(china_day_start_ms(before + 1_000), before + 1_000);
    }
}

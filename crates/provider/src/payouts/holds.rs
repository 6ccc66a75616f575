//! Compliance's decisions on held payouts: release to a seller's wallet
//! (the operator names the receiving account and confirms its seller), or
//! return to the payer. Each is one guarded state change (`held` → …, so
//! two operators cannot both decide), audited in the same transaction; the
//! ledger follows from the row as for arrivals (see [`super::store`]).

use super::store::{self, Payout};
use super::{Books, PayoutState, mails};
use crate::audit::{self, Event};
use crate::error::Failure;
use crate::i18n::Lang;
use axum::http::StatusCode;
use ferry_platform::http::ApiError;
use serde_json::json;
use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldProblem {
    NotFound,
    NotHeld,
    UnknownReceivingAccount,
    SellerMismatch,
    CurrencyMismatch,
    AccountClosed,
}

impl HoldProblem {
    pub fn status(self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::NotHeld => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::NotFound => "payout_not_found",
            Self::NotHeld => "payout_not_held",
            Self::UnknownReceivingAccount => "unknown_receiving_account",
            Self::SellerMismatch => "seller_mismatch",
            Self::CurrencyMismatch => "currency_mismatch",
            Self::AccountClosed => "receiving_account_closed",
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            Self::NotFound => lang.pick("没有这笔回款。", "There is no such payout."),
            Self::NotHeld => lang.pick(
                "这笔回款已不在审核中（已被处理）。",
                "This payout is no longer held; someone has already decided on it.",
            ),
            Self::UnknownReceivingAccount => {
                lang.pick("没有这个收款账户。", "There is no such receiving account.")
            }
            Self::SellerMismatch => lang.pick(
                "该收款账户不属于所确认的卖家，请核对后重试。",
                "That receiving account does not belong to the seller you confirmed; check both and try again.",
            ),
            Self::CurrencyMismatch => lang.pick(
                "收款账户的币种与这笔回款不同。",
                "The receiving account is in another currency than the payout.",
            ),
            Self::AccountClosed => lang.pick(
                "该收款账户已关闭，不能入账。",
                "That receiving account is closed; it cannot be credited.",
            ),
        }
    }
}

/// A failed decision: ours, or the service's.
#[derive(Debug)]
pub enum HoldFail {
    Problem(HoldProblem),
    Other(Failure),
}

impl HoldFail {
    pub fn into_api(self, lang: Lang) -> ApiError {
        match self {
            Self::Problem(problem) => {
                ApiError::new(problem.status(), problem.code(), problem.message(lang))
            }
            Self::Other(failure) => failure.into_api(lang),
        }
    }
}

impl From<HoldProblem> for HoldFail {
    fn from(problem: HoldProblem) -> Self {
        Self::Problem(problem)
    }
}

impl From<sqlx::Error> for HoldFail {
    fn from(error: sqlx::Error) -> Self {
        Self::Other(error.into())
    }
}

impl From<store::SyncError> for HoldFail {
    fn from(error: store::SyncError) -> Self {
        Self::Other(Failure::Internal(error.to_string()))
    }
}

/// Who decides, from where.
pub struct Decider<'a> {
    pub operator_id: &'a str,
    pub ip: &'a str,
}

async fn held(conn: &mut AnyConnection, payout_id: &str) -> Result<Payout, HoldFail> {
    let payout = store::by_id(conn, payout_id)
        .await?
        .ok_or(HoldProblem::NotFound)?;
    if payout.state != PayoutState::Held {
        return Err(HoldProblem::NotHeld.into());
    }
    Ok(payout)
}

/// Moves `payout` from `held` to its new state (already set on it); false
/// when someone else decided first.
async fn resolve(
    conn: &mut AnyConnection,
    payout: &Payout,
    decider: &Decider<'_>,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE payouts SET state = $1, receiving_account_id = $2, seller_account_id = $3, \
         resolved_by = $4, resolved_at_ms = $5, ledger_synced_at_ms = NULL \
         WHERE id = $6 AND state = 'held'",
    )
    .bind(payout.state.code())
    .bind(&payout.receiving_account_id)
    .bind(&payout.seller_account_id)
    .bind(decider.operator_id)
    .bind(now_ms)
    .bind(&payout.id)
    .execute(conn)
    .await?;
    Ok(changed.rows_affected() == 1)
}

fn audit_detail(payout: &Payout, operator_id: &str) -> serde_json::Value {
    json!({
        "operator": operator_id,
        "payout": payout.id,
        "currency": payout.amount.currency().code(),
        "amount_minor": payout.amount.amount_minor(),
        "receiving_account": payout.receiving_account_id,
        "hold_reason": payout.hold_reason.map(|reason| reason.code()),
    })
}

/// Releases a held payout to the wallet of the seller who owns
/// `receiving_account_id`; `seller_account_id` is the operator's
/// confirmation of that seller.
pub async fn release(
    books: &Books<'_>,
    payout_id: &str,
    receiving_account_id: &str,
    seller_account_id: &str,
    decider: &Decider<'_>,
    now_ms: i64,
) -> Result<Payout, HoldFail> {
    let mut tx = books.db.begin().await?;
    let mut payout = held(&mut tx, payout_id).await?;
    let account = sqlx::query(
        "SELECT account_id, currency, closed_at_ms FROM receiving_accounts WHERE id = $1",
    )
    .bind(receiving_account_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(HoldProblem::UnknownReceivingAccount)?;
    if account.try_get::<String, _>("account_id")? != seller_account_id {
        return Err(HoldProblem::SellerMismatch.into());
    }
    if account.try_get::<String, _>("currency")? != payout.amount.currency().code() {
        return Err(HoldProblem::CurrencyMismatch.into());
    }
    if account.try_get::<Option<i64>, _>("closed_at_ms")?.is_some() {
        return Err(HoldProblem::AccountClosed.into());
    }
    payout.state = PayoutState::Released;
    payout.receiving_account_id = Some(receiving_account_id.to_string());
    payout.seller_account_id = Some(seller_account_id.to_string());
    payout.resolved_by = Some(decider.operator_id.to_string());
    payout.resolved_at_ms = Some(now_ms);
    if !resolve(&mut tx, &payout, decider, now_ms).await? {
        return Err(HoldProblem::NotHeld.into());
    }
    let event = Event {
        account_id: Some(seller_account_id),
        user_id: None,
        name: "payout.released",
        detail: audit_detail(&payout, decider.operator_id),
        ip: Some(decider.ip),
    };
    audit::record(&mut tx, event, now_ms).await?;
    mails::arrived(&mut tx, books.public_url, &payout, now_ms).await?;
    mails::announce(&mut tx, &payout, now_ms).await?;
    tx.commit().await?;
    store::sync_ledger(books.db, books.ledger, &payout, now_ms).await?;
    Ok(payout)
}

/// Returns a held payout to the payer: the money leaves suspense.
pub async fn send_back(
    books: &Books<'_>,
    payout_id: &str,
    decider: &Decider<'_>,
    now_ms: i64,
) -> Result<Payout, HoldFail> {
    let mut tx = books.db.begin().await?;
    let mut payout = held(&mut tx, payout_id).await?;
    payout.state = PayoutState::Returned;
    payout.resolved_by = Some(decider.operator_id.to_string());
    payout.resolved_at_ms = Some(now_ms);
    if !resolve(&mut tx, &payout, decider, now_ms).await? {
        return Err(HoldProblem::NotHeld.into());
    }
    let event = Event {
        account_id: payout.seller_account_id.as_deref(),
        user_id: None,
        name: "payout.returned",
        detail: audit_detail(&payout, decider.operator_id),
        ip: Some(decider.ip),
    };
    audit::record(&mut tx, event, now_ms).await?;
    mails::announce(&mut tx, &payout, now_ms).await?;
    tx.commit().await?;
    store::sync_ledger(books.db, books.ledger, &payout, now_ms).await?;
    Ok(payout)
}

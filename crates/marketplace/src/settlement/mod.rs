//! The settlement engine: back-to-back 14-day settlement periods per seller
//! and marketplace (financial event groups), the DD+7 reserve, closing a
//! period into a V2 flat-file settlement report, and the disbursement (or
//! card charge) two days after the period ends unless a hold moves it.
//!
//! Everything runs in sandbox time: [`catch_up`] processes, in time order,
//! every period end and every due disbursement up to the sandbox's "now".
//! It runs when the clock is advanced, before an order is posted, before
//! the finances API answers, and from a background tick (real-time mode).

pub mod api;
pub mod events;
pub mod payout;
pub mod report;

use crate::clock::{self, MS_PER_DAY};
use crate::deposits::{self, DEPOSIT_AFTER_PERIOD_END_MS, SETTLEMENT_PERIOD_MS};
use crate::state::AppState;
use crate::{banks, crypto};
use events::TransactionType;
use ferry_domain::Marketplace;
use ferry_platform::db::Db;
use sqlx::{AnyConnection, Row};
use std::collections::HashSet;
use std::time::Duration;

/// DD+7: an order's proceeds are released seven days after delivery; until
/// then they are held back as the "Current Reserve Amount" when a period
/// closes.
pub const DD_RESERVE_MS: i64 = 7 * MS_PER_DAY;

/// **Sandbox model.** Amazon charges a negative balance to the card on file;
/// the sandbox's sign-up does not collect a card, so every seller's card on
/// file is the sandbox test card with this tail.
pub const CARD_ON_FILE_TAIL: &str = "111";

/// Why a disbursement did not start on its scheduled date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldReason {
    /// The default deposit method was added or changed less than three days
    /// before the deposit date: the transfer waits until the hold ends.
    SecurityHold,
    /// The sandbox's risk rule: an unannounced deposit-method change.
    UnderReview,
    /// The account is at a payment provider outside the program.
    NonParticipatingProvider,
    /// No deposit method is assigned for the marketplace.
    NoDepositMethod,
}

impl HoldReason {
    const ALL: [Self; 4] = [
        Self::SecurityHold,
        Self::UnderReview,
        Self::NonParticipatingProvider,
        Self::NoDepositMethod,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::SecurityHold => "security_hold",
            Self::UnderReview => "under_review",
            Self::NonParticipatingProvider => "non_participating_provider",
            Self::NoDepositMethod => "no_deposit_method",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.code() == code)
    }

    /// Whether the disbursement waits for the seller (rather than for a
    /// known date).
    fn waits_for_seller(self) -> bool {
        self != Self::SecurityHold
    }

    /// What the sandbox tells the seller.
    pub fn message(self) -> &'static str {
        match self {
            Self::SecurityHold => {
                "The deposit method was added or changed less than three days before the deposit date. Amazon holds disbursements for three days after a change, so this one starts when the hold ends."
            }
            Self::UnderReview => {
                "Disbursements are under review after a deposit-method change that was not announced to Seller Support. This one starts once the seller verifies the new account on the Deposit Methods page."
            }
            Self::NonParticipatingProvider => {
                "The deposit method is at a payment provider outside Amazon's Payment Service Provider Program. Disbursements to it are held until the seller assigns a bank account or a participating provider."
            }
            Self::NoDepositMethod => {
                "No deposit method is assigned for this marketplace. The disbursement starts once one is added."
            }
        }
    }
}

/// Processes every period end and due disbursement up to sandbox "now", in
/// time order. Returns "now".
pub async fn catch_up(state: &AppState) -> Result<i64, sqlx::Error> {
    // One pass at a time per process; across processes the conditional
    // updates below keep a period from being closed twice.
    let _guard = state.settlement_lock.lock().await;
    let now_ms = clock::now_ms(&state.db).await?;
    open_first_groups(&state.db).await?;
    let mut waiting_for_seller: HashSet<String> = HashSet::new();
    loop {
        let close = next_period_end(&state.db, now_ms).await?;
        let payout = next_due_payout(&state.db, now_ms, &waiting_for_seller).await?;
        match (close, payout) {
            (Some((group_id, end_ms)), Some((_, due_ms))) if end_ms <= due_ms => {
                close_period(&state.db, &group_id).await?;
            }
            (_, Some((group_id, _))) => {
                if !disburse(state, &group_id, now_ms).await? {
                    waiting_for_seller.insert(group_id);
                }
            }
            (Some((group_id, _)), None) => close_period(&state.db, &group_id).await?,
            (None, None) => break,
        }
    }
    Ok(now_ms)
}

/// Real-time mode: runs [`catch_up`] every `every`, so periods close and
/// disbursements start as sandbox time passes without anyone calling.
pub async fn run_ticker(state: AppState, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        if let Err(error) = catch_up(&state).await {
            tracing::error!(%error, "the settlement tick failed");
        }
    }
}

fn currency_of(marketplace_id: &str) -> &'static str {
    Marketplace::by_id(marketplace_id).map_or("USD", |m| m.currency().code())
}

/// Starts the first period of every participation that has none: it begins
/// when the seller joined the marketplace.
async fn open_first_groups(db: &Db) -> Result<(), sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.seller_id, p.marketplace_id, p.joined_at_ms FROM marketplace_participations p \
         WHERE NOT EXISTS (SELECT 1 FROM settlement_groups g \
                           WHERE g.seller_id = p.seller_id AND g.marketplace_id = p.marketplace_id)",
    )
    .fetch_all(db.reader())
    .await?;
    for row in rows {
        let mut tx = db.begin().await?;
        insert_group(
            &mut tx,
            &row.try_get::<String, _>("seller_id")?,
            &row.try_get::<String, _>("marketplace_id")?,
            row.try_get("joined_at_ms")?,
            0,
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// A settlement id as Amazon writes them: 11 digits.
fn new_settlement_id() -> i64 {
    use rand::Rng;
    rand::rng().random_range(10_000_000_000..100_000_000_000)
}

/// A FinancialEventGroupId: Amazon's are 43 URL-safe characters.
fn new_group_id() -> String {
    crypto::random_from(
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_",
        43,
    )
}

async fn insert_group(
    conn: &mut AnyConnection,
    seller_id: &str,
    marketplace_id: &str,
    start_ms: i64,
    beginning_balance_minor: i64,
) -> Result<String, sqlx::Error> {
    let group_id = new_group_id();
    sqlx::query(
        "INSERT INTO settlement_groups (group_id, settlement_id, seller_id, marketplace_id, \
         currency, start_at_ms, end_at_ms, beginning_balance_minor) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&group_id)
    .bind(new_settlement_id())
    .bind(seller_id)
    .bind(marketplace_id)
    .bind(currency_of(marketplace_id))
    .bind(start_ms)
    .bind(start_ms + SETTLEMENT_PERIOD_MS)
    .bind(beginning_balance_minor)
    .execute(conn)
    .await?;
    Ok(group_id)
}

/// The open group of a seller's marketplace, if its first period started.
pub async fn open_group(
    conn: &mut AnyConnection,
    seller_id: &str,
    marketplace_id: &str,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT group_id, start_at_ms FROM settlement_groups \
         WHERE seller_id = $1 AND marketplace_id = $2 AND closed_at_ms IS NULL",
    )
    .bind(seller_id)
    .bind(marketplace_id)
    .fetch_optional(conn)
    .await?;
    row.map(|row| Ok((row.try_get("group_id")?, row.try_get("start_at_ms")?)))
        .transpose()
}

async fn next_period_end(db: &Db, now_ms: i64) -> Result<Option<(String, i64)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT group_id, end_at_ms FROM settlement_groups \
         WHERE closed_at_ms IS NULL AND end_at_ms <= $1 ORDER BY end_at_ms, group_id LIMIT 1",
    )
    .bind(now_ms)
    .fetch_optional(db.reader())
    .await?;
    row.map(|row| Ok((row.try_get("group_id")?, row.try_get("end_at_ms")?)))
        .transpose()
}

async fn next_due_payout(
    db: &Db,
    now_ms: i64,
    skip: &HashSet<String>,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT group_id, deposit_due_at_ms FROM settlement_groups \
         WHERE closed_at_ms IS NOT NULL AND fund_transfer_status IS NULL AND total_minor <> 0 \
         AND deposit_due_at_ms <= $1 ORDER BY deposit_due_at_ms, group_id",
    )
    .bind(now_ms)
    .fetch_all(db.reader())
    .await?;
    for row in rows {
        let group_id: String = row.try_get("group_id")?;
        if !skip.contains(&group_id) {
            return Ok(Some((group_id, row.try_get("deposit_due_at_ms")?)));
        }
    }
    Ok(None)
}

async fn sum_lines(
    conn: &mut AnyConnection,
    group_id: &str,
    only_deferred_orders_after_ms: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let total: Option<i64> = match only_deferred_orders_after_ms {
        None => sqlx::query_scalar(
            "SELECT CAST(SUM(amount_minor) AS BIGINT) FROM settlement_lines WHERE group_id = $1",
        )
        .bind(group_id)
        .fetch_one(conn)
        .await?,
        Some(end_ms) => {
            sqlx::query_scalar(
                "SELECT CAST(SUM(amount_minor) AS BIGINT) FROM settlement_lines \
                 WHERE group_id = $1 AND transaction_type = $2 AND release_at_ms > $3",
            )
            .bind(group_id)
            .bind(TransactionType::Order.code())
            .bind(end_ms)
            .fetch_one(conn)
            .await?
        }
    };
    Ok(total.unwrap_or(0))
}

/// The balance of a group so far (its OriginalTotal while open).
pub async fn balance(conn: &mut AnyConnection, group_id: &str) -> Result<i64, sqlx::Error> {
    sum_lines(conn, group_id, None).await
}

/// Closes a period at its end: withholds the DD+7 reserve, fixes the total
/// and the deposit date (end + 2 days), writes the settlement report and
/// opens the next period, which releases the reserve again.
async fn close_period(db: &Db, group_id: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let group = sqlx::query(
        "SELECT seller_id, marketplace_id, start_at_ms, end_at_ms FROM settlement_groups \
         WHERE group_id = $1 AND closed_at_ms IS NULL",
    )
    .bind(group_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(group) = group else {
        return Ok(());
    };
    let seller_id: String = group.try_get("seller_id")?;
    let marketplace_id: String = group.try_get("marketplace_id")?;
    let end_ms: i64 = group.try_get("end_at_ms")?;
    let closed = sqlx::query(
        "UPDATE settlement_groups SET closed_at_ms = $1 WHERE group_id = $2 AND closed_at_ms IS NULL",
    )
    .bind(end_ms)
    .bind(group_id)
    .execute(&mut *tx)
    .await?;
    if closed.rows_affected() != 1 {
        return Ok(());
    }
    let balance_minor = balance(&mut tx, group_id).await?;
    let deferred = sum_lines(&mut tx, group_id, Some(end_ms)).await?;
    // Never more than the balance: a reserve holds back proceeds, it does
    // not create a debt to charge to the card.
    let reserve = deferred.min(balance_minor).max(0);
    if reserve > 0 {
        events::insert(
            &mut tx,
            group_id,
            &events::balance_movement("Current Reserve Amount", -reserve, end_ms - 1000),
        )
        .await?;
    }
    let total = balance_minor - reserve;
    sqlx::query(
        "UPDATE settlement_groups SET total_minor = $1, reserve_minor = $2, deposit_due_at_ms = $3 \
         WHERE group_id = $4",
    )
    .bind(total)
    .bind(reserve)
    .bind(end_ms + DEPOSIT_AFTER_PERIOD_END_MS)
    .bind(group_id)
    .execute(&mut *tx)
    .await?;
    report::create_settlement_report(&mut tx, group_id).await?;
    let next = insert_group(&mut tx, &seller_id, &marketplace_id, end_ms, reserve).await?;
    if reserve > 0 {
        events::insert(
            &mut tx,
            &next,
            &events::balance_movement("Previous Reserve Amount Balance", reserve, end_ms),
        )
        .await?;
    }
    tx.commit().await
}

/// Starts a due disbursement, charges a negative total to the card, or
/// records why it waits. Returns false when it waits for the seller (so the
/// same pass does not look at it again).
async fn disburse(state: &AppState, group_id: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
    let mut tx = state.db.begin().await?;
    let group = sqlx::query(
        "SELECT seller_id, marketplace_id, total_minor, deposit_due_at_ms, hold_reason \
         FROM settlement_groups WHERE group_id = $1 AND fund_transfer_status IS NULL",
    )
    .bind(group_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(group) = group else {
        return Ok(true);
    };
    let seller_id: String = group.try_get("seller_id")?;
    let marketplace_id: String = group.try_get("marketplace_id")?;
    let total: i64 = group.try_get("total_minor")?;
    let due_ms: i64 = group.try_get("deposit_due_at_ms")?;
    let previous_hold = group
        .try_get::<Option<String>, _>("hold_reason")?
        .as_deref()
        .and_then(HoldReason::parse);
    if total < 0 {
        charge_card(
            &mut tx,
            group_id,
            &seller_id,
            &marketplace_id,
            total,
            due_ms,
        )
        .await?;
        tx.commit().await?;
        return Ok(true);
    }
    let assigned = deposits::assigned(&mut tx, &seller_id, &marketplace_id).await?;
    let waiting = match &assigned {
        None => Some(HoldReason::NoDepositMethod),
        Some(_) if deposits::review_open(&mut tx, &seller_id, &marketplace_id).await? => {
            Some(HoldReason::UnderReview)
        }
        Some(a) if banks::at_non_participating_provider(&mut tx, &a.deposit_method_id).await? => {
            Some(HoldReason::NonParticipatingProvider)
        }
        Some(_) => None,
    };
    let Some(assigned) = assigned.filter(|_| waiting.is_none()) else {
        set_hold(
            &mut tx,
            group_id,
            waiting.unwrap_or(HoldReason::NoDepositMethod),
            None,
        )
        .await?;
        tx.commit().await?;
        return Ok(false);
    };
    // A disbursement that waited for the seller starts when the wait ends
    // (now); one that was on schedule starts on its date.
    let start_ms = if previous_hold.is_some_and(HoldReason::waits_for_seller) {
        now_ms
    } else {
        due_ms
    };
    if assigned.hold_until_at_ms > start_ms {
        set_hold(
            &mut tx,
            group_id,
            HoldReason::SecurityHold,
            Some(assigned.hold_until_at_ms),
        )
        .await?;
        tx.commit().await?;
        return Ok(true);
    }
    payout::initiate(&mut tx, group_id, &assigned, total, start_ms).await?;
    tx.commit().await?;
    Ok(true)
}

async fn set_hold(
    conn: &mut AnyConnection,
    group_id: &str,
    reason: HoldReason,
    new_due_ms: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE settlement_groups SET hold_reason = $1, \
         deposit_due_at_ms = COALESCE($2, deposit_due_at_ms) WHERE group_id = $3",
    )
    .bind(reason.code())
    .bind(new_due_ms)
    .bind(group_id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// A negative total is charged to the card on file on the deposit date; the
/// period then open shows the debt and the charge ("Payable to Amazon",
/// "Successful charge"), as Amazon's next report does.
async fn charge_card(
    conn: &mut AnyConnection,
    group_id: &str,
    seller_id: &str,
    marketplace_id: &str,
    total: i64,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE settlement_groups SET fund_transfer_status = 'Succeeded', fund_transfer_at_ms = $1, \
         trace_id = $2, account_tail = $3 WHERE group_id = $4",
    )
    .bind(at_ms)
    .bind(payout::new_trace_id())
    .bind(CARD_ON_FILE_TAIL)
    .bind(group_id)
    .execute(&mut *conn)
    .await?;
    if let Some((open, _)) = open_group(conn, seller_id, marketplace_id).await? {
        for (description, amount) in [("Payable to Amazon", total), ("Successful charge", -total)] {
            events::insert(
                conn,
                &open,
                &events::balance_movement(description, amount, at_ms),
            )
            .await?;
        }
    }
    Ok(())
}

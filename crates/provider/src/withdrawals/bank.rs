//! The bank side of withdrawals: the adapter that talks to the paying bank,
//! the sandbox bank, and the desk that works through pending withdrawals.
//!
//! The sandbox bank answers by the card number's last four digits, like
//! Stripe's test cards:
//!
//! | card ends in | the sandbox bank                                        |
//! |--------------|---------------------------------------------------------|
//! | `0002`       | refuses it (`account_closed`): the hold is voided        |
//! | `0036`       | pays it, then returns it `sandbox_return_after_secs` later (three days by default): reversed |
//! | anything else| pays it: the hold is posted                              |

use super::requests::{self, Status, Withdrawal};
use crate::app::{AppState, now_ms};
use ferry_domain::Money;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// What the bank is asked to pay.
#[derive(Debug, Clone, Copy)]
pub struct BankOrder<'a> {
    /// Also the bank's idempotency reference: sending it twice pays once.
    pub withdrawal_id: &'a str,
    pub card_number: &'a str,
    pub bank_name: &'a str,
    pub holder_name: &'a str,
    pub amount: Money,
}

/// The bank's answer to an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BankAnswer {
    /// Paid. A bank that already knows it will send the money back (only
    /// the sandbox) says when; a real bank's later return is recorded when
    /// it arrives.
    Paid {
        bank_reference: String,
        returned_at_ms: Option<i64>,
    },
    /// Refused, with the bank's reason code.
    Refused { reason: String },
    /// Not reachable now: ask again later.
    Unavailable,
}

type AnswerFuture<'a> = Pin<Box<dyn Future<Output = BankAnswer> + Send + 'a>>;

/// A paying bank.
pub trait BankAdapter: Send + Sync {
    fn send<'a>(&'a self, order: BankOrder<'a>) -> AnswerFuture<'a>;
}

/// The sandbox bank (see the module's table).
pub struct SandboxBank {
    pub return_after_ms: i64,
}

/// Card endings the sandbox bank treats specially.
pub const SANDBOX_REFUSES: &str = "0002";
pub const SANDBOX_RETURNS_LATER: &str = "0036";

impl BankAdapter for SandboxBank {
    fn send<'a>(&'a self, order: BankOrder<'a>) -> AnswerFuture<'a> {
        Box::pin(async move {
            let reference = format!("SBX{}", order.withdrawal_id.trim_start_matches("wd_"));
            if order.card_number.ends_with(SANDBOX_REFUSES) {
                BankAnswer::Refused {
                    reason: "account_closed".into(),
                }
            } else if order.card_number.ends_with(SANDBOX_RETURNS_LATER) {
                BankAnswer::Paid {
                    bank_reference: reference,
                    returned_at_ms: Some(now_ms().saturating_add(self.return_after_ms)),
                }
            } else {
                BankAnswer::Paid {
                    bank_reference: reference,
                    returned_at_ms: None,
                }
            }
        })
    }
}

/// How long one process keeps a withdrawal it is sending before another
/// may try (the bank reference makes a second send harmless).
const BANK_LEASE_MS: i64 = 60_000;
/// A request whose hold was not placed this long after it was written was
/// interrupted; the desk places it.
const STRANDED_AFTER_MS: i64 = 60_000;

/// Works through withdrawals for as long as the process runs.
pub async fn run_desk(app: AppState) {
    let idle = Duration::from_millis(app.withdrawals.settings.desk_poll_ms.max(10));
    loop {
        if let Err(error) = work_once(&app).await {
            tracing::error!(?error, "the withdrawal desk failed a round");
        }
        tokio::time::sleep(idle).await;
    }
}

/// One round: interrupted requests, due bank orders, announced returns.
pub async fn work_once(app: &AppState) -> Result<(), super::problem::Fail> {
    let now = now_ms();
    for w in requests::stranded(app, now - STRANDED_AFTER_MS).await? {
        // A refusal for lack of money is an answer, not a failure here.
        if let Err(super::problem::Fail::Other(failure)) = requests::place_hold(app, &w).await {
            tracing::error!(?failure, id = w.id, "cannot place a withdrawal's hold");
        }
    }
    for w in requests::due(app, Status::Pending, "bank_due_at_ms", now).await? {
        if requests::claim_for_bank(app, &w.id, now, BANK_LEASE_MS).await? {
            send(app, &w).await?;
        }
    }
    for w in requests::due(app, Status::Paid, "return_due_at_ms", now).await? {
        requests::mark_returned(app, &w, None).await?;
    }
    Ok(())
}

async fn send(app: &AppState, w: &Withdrawal) -> Result<(), super::problem::Fail> {
    let order = BankOrder {
        withdrawal_id: &w.id,
        card_number: &w.card_number,
        bank_name: &w.bank_name,
        holder_name: &w.holder_name,
        amount: w.amount,
    };
    match app.withdrawals.bank.send(order).await {
        BankAnswer::Paid {
            bank_reference,
            returned_at_ms,
        } => requests::mark_paid(app, w, &bank_reference, returned_at_ms).await,
        BankAnswer::Refused { reason } => requests::mark_failed(app, w, &reason).await,
        // The lease runs out and the next round after it asks again.
        BankAnswer::Unavailable => Ok(()),
    }
}

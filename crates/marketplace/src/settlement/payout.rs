//! The payout rail. A due disbursement goes to the marketplace's default
//! deposit method. When the account's bank (found through the bank
//! directory) has a notification endpoint, the sandbox sends it an ISO 20022
//! camt.054.001.08 credit notification, as the clearing leg of a transfer
//! would reach the receiving bank, through the outbox: retried with backoff
//! until the bank acknowledges with a 2xx. The group's FundTransferStatus
//! follows: `Initiated` when sent, `Succeeded` when acknowledged, `Failed`
//! when the bank refuses it (a 4xx other than 408/429). Without a
//! notification endpoint nothing can answer, so the transfer counts as
//! `Succeeded` at once.
//!
//! Signing (**sandbox model**, the same scheme as the account-verification
//! call): `X-Ferry-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
//! "<t>.<body>" with the bank's signing secret>`.

use crate::banks;
use crate::crypto;
use crate::deposits::{Assigned, BankLocation};
use ferry_domain::{Iban, Marketplace, Money, Region};
use ferry_formats::iso20022::camt054::{
    AccountId, AccountScheme, BankTransactionCode, CreditDebit, CreditNotification, Entry,
    EntryStatus, TransactionDetails, write_v08,
};
use ferry_formats::iso20022::{IsoAmount, IsoDateTime, IsoText, Uetr};
use ferry_platform::db::{Db, from_unix_ms};
use ferry_platform::outbox::{self, Deliver, OutboxMessage, Outcome};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use std::time::Duration;

pub const TOPIC: &str = "bank.camt054_credit_notification";
pub const SIGNATURE_HEADER: &str = "x-ferry-signature";
/// **Sandbox model** of the row that puts a refused transfer back on the
/// balance (Amazon documents the effect, not the row's name).
pub const FAILED_DISBURSEMENT: &str = "Failed Disbursement Returned";
const NOTIFICATION_TIMEOUT: Duration = Duration::from_secs(10);

/// **Sandbox model** of who pays a seller: the marketplace's payments
/// entity, by region (Amazon pays EU and UK sellers from Amazon Payments
/// Europe, North American ones from Amazon.com Services; the Far East
/// entities are per country).
pub fn payments_entity(marketplace: &Marketplace) -> &'static str {
    match (marketplace.region(), marketplace.country_code()) {
        (Region::NorthAmerica, _) => "Amazon.com Services LLC",
        (Region::Europe, _) => "Amazon Payments Europe S.C.A.",
        (Region::FarEast, "JP") => "Amazon Japan G.K.",
        (Region::FarEast, "AU") => "Amazon Commercial Services Pty Ltd",
        (Region::FarEast, _) => "Amazon Asia-Pacific Holdings Private Limited",
    }
}

/// A bank trace id for the transfer, 15 upper-case letters and digits.
pub fn new_trace_id() -> String {
    crypto::random_from(crypto::UPPER_ALPHANUMERIC, 15)
}

#[derive(Serialize, Deserialize)]
struct Payload {
    group_id: String,
    code_type: String,
    code: String,
    body: String,
}

fn decode_error(message: String) -> sqlx::Error {
    sqlx::Error::Decode(message.into())
}

/// Starts the transfer of `total_minor` of `group_id` to `assigned` at
/// `at_ms`; for a bank with a notification endpoint, writes the signed
/// camt.054 to the outbox in the same transaction.
pub async fn initiate(
    conn: &mut AnyConnection,
    group_id: &str,
    assigned: &Assigned,
    total_minor: i64,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    let trace_id = new_trace_id();
    let bank = sqlx::query(
        "SELECT b.code_type, b.code, b.notification_url FROM deposit_methods m \
         JOIN banks b ON b.code_type = m.directory_code_type AND b.code = m.directory_code \
         WHERE m.deposit_method_id = $1",
    )
    .bind(&assigned.deposit_method_id)
    .fetch_optional(&mut *conn)
    .await?;
    let notified_bank = match bank {
        Some(row)
            if row
                .try_get::<Option<String>, _>("notification_url")?
                .is_some() =>
        {
            Some((
                row.try_get::<String, _>("code_type")?,
                row.try_get::<String, _>("code")?,
            ))
        }
        _ => None,
    };
    let status = if notified_bank.is_some() {
        "Initiated"
    } else {
        "Succeeded"
    };
    sqlx::query(
        "UPDATE settlement_groups SET fund_transfer_status = $1, fund_transfer_at_ms = $2, \
         deposit_due_at_ms = $2, trace_id = $3, account_tail = $4, deposit_method_id = $5 \
         WHERE group_id = $6",
    )
    .bind(status)
    .bind(at_ms)
    .bind(&trace_id)
    .bind(&assigned.tail)
    .bind(&assigned.deposit_method_id)
    .bind(group_id)
    .execute(&mut *conn)
    .await?;
    let Some((code_type, code)) = notified_bank else {
        return Ok(());
    };
    let body = notification(conn, group_id, assigned, total_minor, at_ms, &trace_id).await?;
    let payload = serde_json::to_string(&Payload {
        group_id: group_id.into(),
        code_type,
        code,
        body,
    })
    .map_err(|e| decode_error(e.to_string()))?;
    // The outbox works in real time (its worker and backoff do not follow
    // the sandbox clock): the message is due now.
    outbox::enqueue(conn, TOPIC, &payload, crate::clock::real_now_ms()).await?;
    Ok(())
}

/// The creditor account as camt.054 identifies it: the IBAN for euro
/// accounts, otherwise the domestic account number (`Othr`, scheme BBAN).
fn creditor_account(assigned: &Assigned) -> Result<AccountId, String> {
    if assigned.location == BankLocation::Euro {
        return Iban::parse(&assigned.account_number)
            .map(AccountId::Iban)
            .map_err(|e| e.to_string());
    }
    Ok(AccountId::Other {
        id: IsoText::parse(&assigned.account_number).map_err(|e| e.to_string())?,
        scheme: Some(AccountScheme::Code(
            IsoText::parse("BBAN").map_err(|e| e.to_string())?,
        )),
    })
}

/// Writes the camt.054.001.08 credit notification of the transfer:
/// end-to-end id = settlement id, the trace id as instruction id and bank
/// reference, debtor = the marketplace's payments entity.
async fn notification(
    conn: &mut AnyConnection,
    group_id: &str,
    assigned: &Assigned,
    total_minor: i64,
    at_ms: i64,
    trace_id: &str,
) -> Result<String, sqlx::Error> {
    let group = sqlx::query(
        "SELECT settlement_id, marketplace_id FROM settlement_groups WHERE group_id = $1",
    )
    .bind(group_id)
    .fetch_one(conn)
    .await?;
    let marketplace_id: String = group.try_get("marketplace_id")?;
    let settlement_id: i64 = group.try_get("settlement_id")?;
    let marketplace = Marketplace::by_id(&marketplace_id)
        .ok_or_else(|| decode_error(format!("unknown marketplace {marketplace_id}")))?;
    build_notification(
        marketplace,
        assigned,
        Money::from_minor(total_minor, marketplace.currency()),
        settlement_id,
        at_ms,
        trace_id,
    )
    .map_err(decode_error)
}

fn text<const MAX: usize>(value: &str) -> Result<IsoText<MAX>, String> {
    IsoText::parse(value).map_err(|e| format!("{value:?}: {e}"))
}

fn build_notification(
    marketplace: &Marketplace,
    assigned: &Assigned,
    amount: Money,
    settlement_id: i64,
    at_ms: i64,
    trace_id: &str,
) -> Result<String, String> {
    let at = from_unix_ms(at_ms);
    let amount = IsoAmount::new(amount).map_err(|e| e.to_string())?;
    let account = creditor_account(assigned)?;
    let sub_family = if amount.money().currency().code() == "EUR" {
        "ESCT"
    } else {
        "DMCT"
    };
    let uetr =
        Uetr::parse(&uuid::Uuid::new_v4().hyphenated().to_string()).map_err(|e| e.to_string())?;
    let notification = CreditNotification {
        message_id: text(&format!("MSG-{trace_id}"))?,
        created_at: IsoDateTime {
            local: time::PrimitiveDateTime::new(at.date(), at.time().truncate_to_second()),
            offset: Some(time::UtcOffset::UTC),
        },
        notification_id: text(&format!("NTF-{trace_id}"))?,
        account: account.clone(),
        entries: vec![Entry {
            amount,
            direction: CreditDebit::Credit,
            status: EntryStatus::Booked,
            booking_date: Some(at.date()),
            value_date: Some(at.date()),
            bank_reference: Some(text(trace_id)?),
            bank_transaction_code: Some(BankTransactionCode {
                domain: text("PMNT")?,
                family: text("RCDT")?,
                sub_family: text(sub_family)?,
            }),
            transactions: vec![TransactionDetails {
                amount,
                end_to_end_id: Some(text(&settlement_id.to_string())?),
                uetr: Some(uetr),
                instruction_id: Some(text(trace_id)?),
                debtor_name: Some(text(payments_entity(marketplace))?),
                debtor_account: None,
                debtor_agent_bic: None,
                creditor_name: Some(text(&assigned.holder_name)?),
                creditor_account: account,
                remittance_info: vec![text(&format!(
                    "AMAZON SETTLEMENT {settlement_id} {}",
                    marketplace.id()
                ))?],
            }],
        }],
    };
    Ok(write_v08(&notification))
}

/// Delivers the outbox's camt.054 notifications to the banks.
pub struct BankNotifier {
    pub db: Db,
    pub http: reqwest::Client,
}

impl Deliver for BankNotifier {
    async fn deliver(&self, message: &OutboxMessage) -> Outcome {
        if message.topic != TOPIC {
            return Outcome::GiveUp(format!("no deliverer for topic {}", message.topic));
        }
        let payload: Payload = match serde_json::from_str(&message.payload) {
            Ok(payload) => payload,
            Err(error) => return Outcome::GiveUp(format!("unreadable payload: {error}")),
        };
        let outcome = self.send(&payload).await;
        let recorded = match &outcome {
            Outcome::Delivered => self.record_success(&payload.group_id).await,
            Outcome::GiveUp(_) => self.record_failure(&payload.group_id).await,
            Outcome::Retry(_) => Ok(()),
        };
        match recorded {
            Ok(()) => outcome,
            Err(error) => Outcome::Retry(format!("cannot record the transfer status: {error}")),
        }
    }
}

impl BankNotifier {
    async fn record_success(&self, group_id: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE settlement_groups SET fund_transfer_status = 'Succeeded' \
             WHERE group_id = $1 AND fund_transfer_status = 'Initiated'",
        )
        .bind(group_id)
        .execute(self.db.writer())
        .await
        .map(|_| ())
    }

    /// "If funds cannot be transferred, they will be posted to your current
    /// balance for reprocessing": the open period gets the amount back.
    async fn record_failure(&self, group_id: &str) -> Result<(), sqlx::Error> {
        let now_ms = crate::clock::now_ms(&self.db).await?;
        let mut tx = self.db.begin().await?;
        let failed = sqlx::query(
            "UPDATE settlement_groups SET fund_transfer_status = 'Failed' \
             WHERE group_id = $1 AND fund_transfer_status = 'Initiated'",
        )
        .bind(group_id)
        .execute(&mut *tx)
        .await?;
        if failed.rows_affected() == 1 {
            let group = sqlx::query(
                "SELECT seller_id, marketplace_id, total_minor FROM settlement_groups WHERE group_id = $1",
            )
            .bind(group_id)
            .fetch_one(&mut *tx)
            .await?;
            let seller_id: String = group.try_get("seller_id")?;
            let marketplace_id: String = group.try_get("marketplace_id")?;
            if let Some((open, _)) = super::open_group(&mut tx, &seller_id, &marketplace_id).await?
            {
                let returned = super::events::balance_movement(
                    FAILED_DISBURSEMENT,
                    group.try_get("total_minor")?,
                    now_ms,
                );
                super::events::insert(&mut tx, &open, &returned).await?;
            }
        }
        tx.commit().await
    }

    async fn send(&self, payload: &Payload) -> Outcome {
        let bank = sqlx::query(
            "SELECT notification_url, signing_secret FROM banks WHERE code_type = $1 AND code = $2",
        )
        .bind(&payload.code_type)
        .bind(&payload.code)
        .fetch_optional(self.db.reader())
        .await;
        let (url, secret) = match bank {
            Ok(Some(row)) => (
                row.try_get::<Option<String>, _>("notification_url")
                    .ok()
                    .flatten(),
                row.try_get::<Option<String>, _>("signing_secret")
                    .ok()
                    .flatten(),
            ),
            Ok(None) => (None, None),
            Err(error) => {
                return Outcome::Retry(format!("cannot read the bank directory: {error}"));
            }
        };
        let (Some(url), Some(secret)) = (url, secret) else {
            return Outcome::GiveUp("the bank has no notification endpoint or secret now".into());
        };
        let unix_s = crate::clock::real_now_ms() / 1000;
        let response = self
            .http
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/xml")
            .header(
                SIGNATURE_HEADER,
                banks::signature(&secret, unix_s, &payload.body),
            )
            .timeout(NOTIFICATION_TIMEOUT)
            .body(payload.body.clone())
            .send()
            .await;
        match response {
            Ok(response) if response.status().is_success() => Outcome::Delivered,
            Ok(response) => {
                let status = response.status();
                if status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429 {
                    Outcome::GiveUp(format!("the bank refused the credit: HTTP {status}"))
                } else {
                    Outcome::Retry(format!("the bank answered HTTP {status}"))
                }
            }
            Err(error) => Outcome::Retry(format!("the bank could not be reached: {error}")),
        }
    }
}

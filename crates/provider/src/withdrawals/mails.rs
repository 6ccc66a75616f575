//! What each withdrawal status tells the seller: an e-mail to the member who
//! made it, in their language, and an event to the account's webhooks, both
//! written in the transaction that changes the status.

use super::requests::Withdrawal;
use crate::accounts::types::stored_language;
use crate::app::AppState;
use crate::i18n::Lang;
use crate::webhooks::{self, EventType};
use ferry_domain::DecimalStyle;
use ferry_platform::mail::{MAIL_TOPIC, MailMessage};
use maud::html;
use serde_json::json;
use sqlx::{AnyConnection, Row};

pub enum Notice<'a> {
    Requested,
    Paid,
    Failed { reason: &'a str },
    Returned,
}

fn lines(w: &Withdrawal, notice: &Notice<'_>, lang: Lang) -> (&'static str, Vec<String>) {
    let amount = format!(
        "{} {}",
        w.amount.format_major(DecimalStyle::Point),
        w.amount.currency()
    );
    let fee = format!(
        "{} {}",
        w.fee.format_major(DecimalStyle::Point),
        w.fee.currency()
    );
    let target = match lang {
        Lang::ZhCn => format!(
            "{}（尾号 {}，{}）",
            w.bank_name,
            w.card_tail(),
            w.holder_name
        ),
        Lang::En => format!(
            "{} (card ending {}, {})",
            w.bank_name,
            w.card_tail(),
            w.holder_name
        ),
    };
    let (subject, first) = match notice {
        Notice::Requested => (
            lang.pick("提现处理中", "Your withdrawal is on its way"),
            match lang {
                Lang::ZhCn => format!(
                    "您提现到 {target} 的 {amount}（手续费 {fee}）已受理，资金已冻结，等待银行处理。"
                ),
                Lang::En => format!(
                    "Your withdrawal of {amount} (fee {fee}) to {target} is accepted; the money is held while the bank processes it."
                ),
            },
        ),
        Notice::Paid => (
            lang.pick("提现已付款", "Your withdrawal is paid"),
            match lang {
                Lang::ZhCn => format!("您提现到 {target} 的 {amount} 已由银行付款。"),
                Lang::En => format!("The bank paid your withdrawal of {amount} to {target}."),
            },
        ),
        Notice::Failed { reason } => (
            lang.pick(
                "提现失败，资金已退回",
                "Your withdrawal failed; the money is back",
            ),
            match lang {
                Lang::ZhCn => format!(
                    "银行未能完成您提现到 {target} 的 {amount}（原因：{reason}）。金额和手续费已退回钱包。"
                ),
                Lang::En => format!(
                    "The bank could not pay your withdrawal of {amount} to {target} (reason: {reason}). The amount and the fee are back in your wallet."
                ),
            },
        ),
        Notice::Returned => (
            lang.pick("提现被银行退回", "Your withdrawal was returned by the bank"),
            match lang {
                Lang::ZhCn => format!(
                    "您提现到 {target} 的 {amount} 已被收款银行退回，金额和手续费已退回钱包。请核对银行账户信息。"
                ),
                Lang::En => format!(
                    "The receiving bank sent back your withdrawal of {amount} to {target}. The amount and the fee are back in your wallet; please check the bank details."
                ),
            },
        ),
    };
    let reference = format!("{} {}", lang.pick("提现编号：", "Withdrawal:"), w.id);
    (subject, vec![first, reference])
}

/// Puts the notice in the outbox inside the caller's transaction.
/// Announces a status change: the webhook event, then the e-mail.
pub async fn announce(
    conn: &mut AnyConnection,
    app: &AppState,
    w: &Withdrawal,
    notice: Notice<'_>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let (event, status, reason) = match &notice {
        Notice::Requested => (EventType::WithdrawalPending, "pending", None),
        Notice::Paid => (EventType::WithdrawalSucceeded, "paid", None),
        Notice::Failed { reason } => (EventType::WithdrawalFailed, "failed", Some(*reason)),
        Notice::Returned => (EventType::WithdrawalReturned, "returned", None),
    };
    let mut data = super::api::withdrawal_json(w, Lang::En);
    data["status"] = json!(status);
    data["status_text"] = json!(null);
    if reason.is_some() {
        data["failure_reason"] = json!(reason);
    }
    webhooks::emit(conn, &w.account_id, event, data, now_ms).await?;
    enqueue(conn, app, w, notice, now_ms).await
}

async fn enqueue(
    conn: &mut AnyConnection,
    app: &AppState,
    w: &Withdrawal,
    notice: Notice<'_>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let Some(row) = sqlx::query("SELECT email, language FROM users WHERE id = $1")
        .bind(&w.user_id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(());
    };
    let to: String = row.try_get("email")?;
    let lang = stored_language(&row.try_get::<String, _>("language")?);
    let (subject, lines) = lines(w, &notice, lang);
    let link = app.link("/withdrawals");
    let mut text = lines.join("\n\n");
    text.push_str("\n\n");
    text.push_str(&link);
    text.push('\n');
    let html = html! {
        html lang=(lang.tag()) {
            body {
                @for line in &lines { p { (line) } }
                p { a href=(link) { (lang.pick("查看提现", "See your withdrawals")) } }
            }
        }
    };
    let message = MailMessage {
        to,
        subject: subject.to_string(),
        text,
        html: html.into_string(),
    };
    let payload =
        serde_json::to_string(&message).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    ferry_platform::outbox::enqueue(conn, MAIL_TOPIC, &payload, now_ms).await?;
    Ok(())
}

//! The e-mails a verification case sends to the account owner at each step,
//! in the owner's language, enqueued in the step's transaction.

use super::problem::{Fault, field_label};
use crate::accounts::types::stored_language;
use crate::app::AppState;
use crate::i18n::Lang;
use ferry_platform::db::from_unix_ms;
use ferry_platform::mail::{MAIL_TOPIC, MailMessage};
use maud::html;
use sqlx::{AnyConnection, Row};
use time::UtcOffset;

pub enum Notice<'a> {
    Submitted {
        due_at_ms: i64,
    },
    InReview {
        due_at_ms: i64,
    },
    Approved,
    Rejected {
        reasons: &'a [String],
        message: &'a str,
    },
    ActionRequired {
        item: &'a str,
        message: &'a str,
    },
}

/// A due date as a seller reads it: China Standard Time, to the minute.
pub fn format_due(at_ms: i64) -> String {
    let offset = UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC);
    let at = from_unix_ms(at_ms).to_offset(offset);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} (UTC+8)",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// The seller-facing words for a rejection reason code.
pub fn reason_label(code: &str, lang: Lang) -> &'static str {
    let (zh, en) = match code {
        "document_unreadable" => (
            "证件照片不清晰或不完整",
            "a document is not legible or not complete",
        ),
        "document_expired" => ("证件已过期", "a document has expired"),
        "document_mismatch" => (
            "上传的证件与填写的资料不符",
            "the documents do not match the form",
        ),
        "name_mismatch" => (
            "姓名或名称与证件不一致",
            "a name differs from the documents",
        ),
        "number_mismatch" => (
            "证件号码与证件不一致",
            "a number differs from the documents",
        ),
        "underage" => ("证件持有人未满 18 周岁", "the holder is under 18"),
        "duplicate_identity" => (
            "该身份已用于其他账户",
            "this identity is already used by another account",
        ),
        "suspected_fraud" => (
            "资料未能通过真实性核查",
            "the documents did not pass the authenticity check",
        ),
        "unsupported_entity" => (
            "暂不支持该类型的主体",
            "this kind of entity is not supported",
        ),
        _ => ("其他原因（见说明）", "another reason (see the message)"),
    };
    lang.pick(zh, en)
}

fn render(notice: &Notice<'_>, to: &str, lang: Lang, link: &str) -> MailMessage {
    let (subject, lines): (&str, Vec<String>) = match notice {
        Notice::Submitted { due_at_ms } => (
            lang.pick("我们已收到您的实名认证资料", "We received your verification"),
            vec![
                lang.pick("您的实名认证资料已提交，提交后不能修改。", "Your verification was submitted; it cannot be changed now.").into(),
                format!("{} {}", lang.pick("我们将在以下时间前完成下一步审核：", "The next step of the review is due by:"), format_due(*due_at_ms)),
            ],
        ),
        Notice::InReview { due_at_ms } => (
            lang.pick("您的实名认证正在审核", "Your verification is being reviewed"),
            vec![
                lang.pick("审核员已开始审核您的资料。", "A reviewer has started on your verification.").into(),
                format!("{} {}", lang.pick("预计完成时间：", "Due by:"), format_due(*due_at_ms)),
            ],
        ),
        Notice::Approved => (
            lang.pick("您的实名认证已通过", "Your verification is approved"),
            vec![lang.pick("认证已通过。认证的名称将用于收款账户、店铺绑定和提现；如需更改，请提交新的认证。", "Your verification is approved. The verified name is used for receiving accounts, store binding and withdrawals; to change it, submit a new verification.").into()],
        ),
        Notice::Rejected { reasons, message } => {
            let mut lines = vec![lang.pick("很抱歉，您的实名认证未通过，原因：", "Sorry, your verification was not approved, because:").to_string()];
            lines.extend(reasons.iter().map(|code| format!("- {}", reason_label(code, lang))));
            lines.push(format!("{} {message}", lang.pick("审核员说明：", "The reviewer says:")));
            lines.push(lang.pick("您可以修改资料后重新提交，之前的记录会保留。", "You can correct the form and submit again; the history is kept.").into());
            (lang.pick("您的实名认证未通过", "Your verification was not approved"), lines)
        }
        Notice::ActionRequired { item, message } => (
            lang.pick("您的实名认证需要补充资料", "Your verification needs an action"),
            vec![
                format!("{} {}", lang.pick("需要处理的项目：", "Item to fix:"), field_label(item, lang)),
                format!("{} {message}", lang.pick("需要您做的：", "What to do:")),
                lang.pick("处理后请重新提交。", "Submit again once it is done.").into(),
            ],
        ),
    };
    let mut text = lines.join("\n\n");
    text.push_str("\n\n");
    text.push_str(link);
    text.push('\n');
    let html = html! {
        html lang=(lang.tag()) {
            body {
                @for line in &lines { p { (line) } }
                p { a href=(link) { (lang.pick("查看认证状态", "See your verification")) } }
            }
        }
    };
    MailMessage {
        to: to.to_string(),
        subject: subject.to_string(),
        text,
        html: html.into_string(),
    }
}

/// E-mails the account owner about a step of their case.
pub async fn notify(
    app: &AppState,
    conn: &mut AnyConnection,
    account_id: &str,
    notice: &Notice<'_>,
    now_ms: i64,
) -> Result<(), Fault> {
    let owner = sqlx::query(
        "SELECT email, language FROM users WHERE account_id = $1 AND role = 'owner' AND removed_at_ms IS NULL",
    )
    .bind(account_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(owner) = owner else { return Ok(()) };
    let email: String = owner.try_get("email")?;
    let language: String = owner.try_get("language")?;
    let message = render(
        notice,
        &email,
        stored_language(&language),
        &app.link("/kyc"),
    );
    let payload = serde_json::to_string(&message).map_err(Fault::internal)?;
    ferry_platform::outbox::enqueue(conn, MAIL_TOPIC, &payload, now_ms).await?;
    Ok(())
}

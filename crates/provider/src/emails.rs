//! The account e-mails, in the recipient's language, as text and HTML.
//! They are enqueued in the outbox inside the transaction that causes them.

use crate::i18n::Lang;
use ferry_platform::mail::{MAIL_TOPIC, MailMessage};
use maud::html;
use sqlx::AnyConnection;

/// What an e-mail says, before it is rendered in a language.
pub enum Mail<'a> {
    Activation {
        link: &'a str,
    },
    AlreadyRegistered {
        sign_in: &'a str,
        reset: &'a str,
    },
    Lockout {
        minutes: i64,
        reset: &'a str,
    },
    PasswordReset {
        link: &'a str,
    },
    PasswordChanged {
        reset: &'a str,
    },
    Invitation {
        inviter: &'a str,
        link: &'a str,
    },
    PasswordReminder {
        days: i64,
        security: &'a str,
    },
    NewDevice {
        device: &'a str,
        ip: &'a str,
        sessions: &'a str,
    },
    AccountClosed,
    /// A marketplace payout reached the seller's wallet.
    PayoutCredited {
        amount: &'a str,
        tail: &'a str,
        link: &'a str,
    },
    /// A payout to one of the seller's accounts is held for review.
    PayoutHeld {
        amount: &'a str,
        tail: &'a str,
    },
}

struct Parts {
    subject: &'static str,
    lines: Vec<String>,
    link: Option<(String, &'static str)>,
}

fn parts(mail: &Mail<'_>, lang: Lang) -> Parts {
    match mail {
        Mail::Activation { link } => Parts {
            subject: lang.pick("激活您的 Ferry 账户", "Activate your Ferry account"),
            lines: vec![
                lang.pick("感谢注册 Ferry 跨境收款。请点击下面的链接激活账户。", "Thank you for registering with Ferry. Open the link below to activate your account.").into(),
                lang.pick("链接 24 小时内有效，只能使用一次。如果不是您本人注册，请忽略本邮件。", "The link works once, within 24 hours. If you did not register, ignore this e-mail.").into(),
            ],
            link: Some((link.to_string(), lang.pick("激活账户", "Activate account"))),
        },
        Mail::AlreadyRegistered { sign_in, reset } => Parts {
            subject: lang.pick("有人尝试用您的邮箱注册 Ferry", "Someone tried to register with your address"),
            lines: vec![
                lang.pick("有人尝试用此邮箱地址注册新的 Ferry 账户，但该地址已有账户。", "Someone tried to register a new Ferry account with this address, which already has one.").into(),
                format!("{} {sign_in}", lang.pick("如果是您本人，请直接登录：", "If it was you, sign in:")),
                format!("{} {reset}", lang.pick("忘记密码可在此重设：", "Forgot your password? Reset it here:")),
                lang.pick("如果不是您，请忽略本邮件，您的账户未被更改。", "If it was not you, ignore this e-mail; nothing changed.").into(),
            ],
            link: None,
        },
        Mail::Lockout { minutes, reset } => Parts {
            subject: lang.pick("您的 Ferry 账户已暂时锁定", "Your Ferry account is locked for a while"),
            lines: vec![
                format!("{} {minutes} {}", lang.pick("由于连续多次密码错误，您的账户已锁定", "After repeated wrong passwords, your account is locked for"), lang.pick("分钟。", "minutes.")),
                format!("{} {reset}", lang.pick("如果不是您本人操作，建议立即重设密码：", "If that was not you, reset your password now:")),
            ],
            link: None,
        },
        Mail::PasswordReset { link } => Parts {
            subject: lang.pick("重设您的 Ferry 密码", "Reset your Ferry password"),
            lines: vec![
                lang.pick("请点击下面的链接设置新密码。重设后所有设备都需要重新登录。", "Open the link below to choose a new password. Every device will have to sign in again.").into(),
                lang.pick("链接 24 小时内有效，只能使用一次。如果不是您本人申请，请忽略本邮件。", "The link works once, within 24 hours. If you did not ask for it, ignore this e-mail.").into(),
            ],
            link: Some((link.to_string(), lang.pick("重设密码", "Reset password"))),
        },
        Mail::PasswordReminder { days, security } => Parts {
            subject: lang.pick("建议更换您的 Ferry 密码", "Consider changing your Ferry password"),
            lines: vec![
                format!("{} {days} {}", lang.pick("您的密码已使用超过", "Your password has been in use for more than"), lang.pick("天。", "days.")),
                format!("{} {security}", lang.pick("建议在安全设置中更换：", "You can change it in your security settings:")),
            ],
            link: None,
        },
        Mail::Invitation { inviter, link } => Parts {
            subject: lang.pick("邀请您加入 Ferry 团队", "You are invited to a Ferry team"),
            lines: vec![
                format!("{inviter} {}", lang.pick("邀请您使用自己的登录加入其 Ferry 账户。", "invites you to their Ferry account, with a login of your own.")),
                lang.pick("链接 24 小时内有效，只能使用一次。", "The link works once, within 24 hours.").into(),
            ],
            link: Some((link.to_string(), lang.pick("接受邀请", "Accept the invitation"))),
        },
        Mail::NewDevice { device, ip, sessions } => Parts {
            subject: lang.pick("新设备登录了您的 Ferry 账户", "New sign-in to your Ferry account"),
            lines: vec![
                lang.pick("您的账户刚刚在一个新设备上登录。", "Your account was just signed in to from a new device.").into(),
                format!("{} {device}", lang.pick("设备：", "Device:")),
                format!("{} {ip}", lang.pick("地址：", "Address:")),
                format!("{} {sessions}", lang.pick("如果不是您本人，请立即结束该会话并更改密码：", "If that was not you, end the session and change your password now:")),
            ],
            link: None,
        },
        Mail::PasswordChanged { reset } => Parts {
            subject: lang.pick("您的 Ferry 密码已更改", "Your Ferry password was changed"),
            lines: vec![
                lang.pick("您的账户密码刚刚被更改。", "The password of your account was just changed.").into(),
                format!("{} {reset}", lang.pick("如果不是您本人操作，请立即重设密码：", "If that was not you, reset your password now:")),
            ],
            link: None,
        },
        Mail::AccountClosed => Parts {
            subject: lang.pick("您的 Ferry 账户已关闭", "Your Ferry account is closed"),
            lines: vec![
                lang.pick("您的 Ferry 账户已按您的要求关闭。所有成员的登录和 API 密钥均已失效。", "Your Ferry account was closed as you asked. Every member's sessions and API keys have ended.").into(),
                lang.pick("按照法规，我们会在规定期限内保留账户记录。如果不是您本人操作，请立即联系我们。", "We keep the account's records for the period the law requires. If you did not do this, contact us at once.").into(),
            ],
            link: None,
        },
        Mail::PayoutCredited { amount, tail, link } => Parts {
            subject: lang.pick("平台回款已到账", "A marketplace payout has arrived"),
            lines: vec![
                format!("{} {amount}", lang.pick("到账金额：", "Amount:")),
                format!("{} {tail}", lang.pick("收款账户尾号：", "Receiving account ending in")),
                lang.pick("款项已计入您的钱包余额。", "The money is in your wallet balance.").into(),
            ],
            link: Some((link.to_string(), lang.pick("查看账户", "View the account"))),
        },
        Mail::PayoutHeld { amount, tail } => Parts {
            subject: lang.pick("一笔回款正在审核", "A payout is held for review"),
            lines: vec![
                format!("{} {amount}", lang.pick("金额：", "Amount:")),
                format!("{} {tail}", lang.pick("收款账户尾号：", "Receiving account ending in")),
                lang.pick("这笔款项暂时无法自动入账（例如店铺尚未绑定或付款方不是该站点的亚马逊付款主体），合规团队正在审核，审核后会入账或退回付款方。", "We could not credit this payment automatically (for example the store is not bound yet, or the payer is not the marketplace's paying entity). Our compliance team is reviewing it and will credit it or return it to the payer.").into(),
            ],
            link: None,
        },
    }
}

/// Renders `mail` for `to` in `lang`.
pub fn render(mail: &Mail<'_>, to: &str, lang: Lang) -> MailMessage {
    let parts = parts(mail, lang);
    let mut text = parts.lines.join("\n\n");
    if let Some((link, _)) = &parts.link {
        text.push_str("\n\n");
        text.push_str(link);
    }
    text.push('\n');
    let html = html! {
        html lang=(lang.tag()) {
            body {
                @for line in &parts.lines { p { (line) } }
                @if let Some((link, label)) = &parts.link {
                    p { a href=(link) { (label) } }
                    p { (link) }
                }
            }
        }
    };
    MailMessage {
        to: to.to_string(),
        subject: parts.subject.to_string(),
        text,
        html: html.into_string(),
    }
}

/// Puts `mail` in the outbox inside the caller's transaction.
pub async fn enqueue(
    conn: &mut AnyConnection,
    mail: &Mail<'_>,
    to: &str,
    lang: Lang,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let message = render(mail, to, lang);
    let payload =
        serde_json::to_string(&message).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    ferry_platform::outbox::enqueue(conn, MAIL_TOPIC, &payload, now_ms).await?;
    Ok(())
}

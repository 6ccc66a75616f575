//! The withdrawal page: balances, the bank accounts (with the form to add
//! one), the form to withdraw (confirmed with a two-factor code), the fees
//! and limits, the sandbox's test cards, and past withdrawals with their
//! statuses.

use super::bank::{SANDBOX_REFUSES, SANDBOX_RETURNS_LATER};
use super::destinations::{self, MAJOR_BANKS, NewDestination};
use super::problem::Fail;
use super::requests::{self, WithdrawalRequest};
use crate::accounts::api::ClientInfo;
use crate::app::AppState;
use crate::error::Problem;
use crate::i18n::Lang;
use crate::web::{Frame, MaybeSignedIn, layout};
use crate::web::{csrf_ok, see_other};
use axum::Router;
use axum::extract::{Form, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ferry_domain::{Currency, DecimalStyle, Money};
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/withdrawals", get(page).post(withdraw_submit))
        .route("/withdrawals/destinations", post(destination_submit))
}

fn failure(lang: Lang, uri: &Uri, fail: Fail) -> Response {
    let error = fail.into_api(lang);
    let frame = Frame {
        lang,
        uri,
        signed_in: true,
    };
    let body = html! {
        p.error role="alert" { (error.message) }
        p { a href="/withdrawals" { (lang.pick("返回提现", "Back to withdrawals")) } }
    };
    let title = lang.pick("出错了", "Something is wrong");
    (error.status, layout(&frame, title, body)).into_response()
}

fn show(money: Money) -> String {
    format!(
        "{} {}",
        money.format_major(DecimalStyle::Point),
        money.currency()
    )
}

async fn page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let account_id = &current.user.account_id;
    let loaded = async {
        let mut conn = app.db.reader().acquire().await?;
        let destinations = destinations::list(&mut conn, account_id).await?;
        drop(conn);
        let withdrawals = requests::list(&app, account_id, 50).await?;
        let mut balances = Vec::new();
        for terms in &app.withdrawals.settings.terms {
            if let Ok(currency) = Currency::parse(&terms.currency) {
                let minor = requests::available(&app, account_id, currency).await?;
                balances.push(Money::from_minor(minor, currency));
            }
        }
        Ok::<_, Fail>((destinations, withdrawals, balances))
    };
    let (destinations, withdrawals, balances) = match loaded.await {
        Ok(loaded) => loaded,
        Err(fail) => return failure(lang, &uri, fail),
    };
    let csrf = &current.csrf_token;
    let body = html! {
        p { (lang.pick("可用余额：", "Available: "))
            @for (i, balance) in balances.iter().enumerate() { @if i > 0 { " · " } strong { (show(*balance)) } } }
        @if !current.user.two_factor_enabled() {
            p.error role="alert" { (lang.pick("提现需要两步验证确认，请先在“安全设置”中开启两步验证。", "Withdrawals are confirmed with a two-factor code; turn on two-factor authentication in Security settings first.")) }
        }
        h2 { (lang.pick("提现", "Withdraw")) }
        @if destinations.is_empty() {
            p { (lang.pick("请先添加一个银行账户。", "Add a bank account first.")) }
        } @else {
            form method="post" action="/withdrawals" {
                input type="hidden" name="csrf" value=(csrf);
                label { (lang.pick("收款银行账户", "To"))
                    select name="destination_id" {
                        @for d in &destinations { option value=(d.id) { (d.bank_name) " · " (d.card.masked()) " · " (d.holder_name) } }
                    }
                }
                label { (lang.pick("币种", "Currency"))
                    select name="currency" { @for t in &app.withdrawals.settings.terms { option value=(t.currency) { (t.currency) } } }
                }
                label { (lang.pick("金额", "Amount")) input name="amount" inputmode="decimal" placeholder="1000.00" required; }
                label { (lang.pick("两步验证码", "Two-factor code")) input name="two_factor_code" inputmode="numeric" autocomplete="one-time-code" required; }
                button type="submit" { (lang.pick("确认提现", "Withdraw")) }
            }
        }
        h3 { (lang.pick("手续费和限额", "Fees and limits")) }
        table {
            tr { th { (lang.pick("币种", "Currency")) } th { (lang.pick("手续费", "Fee")) } th { (lang.pick("单笔上限", "Per withdrawal")) } th { (lang.pick("每日上限", "Per day")) } }
            @for t in &app.withdrawals.settings.terms {
                @if let Ok(currency) = Currency::parse(&t.currency) {
                    tr {
                        td { (t.currency) }
                        td { (format!("{}.{:02} %", t.fee_bps / 100, t.fee_bps % 100)) " (" (lang.pick("最低 ", "min ")) (show(Money::from_minor(t.fee_min_minor, currency))) ", " (lang.pick("最高 ", "max ")) (show(Money::from_minor(t.fee_cap_minor, currency))) ")" }
                        td { (show(Money::from_minor(t.per_transaction_max_minor, currency))) }
                        td { (show(Money::from_minor(t.per_day_max_minor, currency))) }
                    }
                }
            }
        }
        h2 { (lang.pick("提现记录", "Withdrawals")) }
        table {
            tr { th { (lang.pick("时间编号", "Withdrawal")) } th { (lang.pick("金额", "Amount")) } th { (lang.pick("手续费", "Fee")) } th { (lang.pick("状态", "Status")) } }
            @for w in &withdrawals {
                tr data-withdrawal=(w.id) {
                    td { code { (w.id) } br; small { (w.bank_name) " · " (w.card_tail()) } }
                    td { (show(w.amount)) } td { (show(w.fee)) }
                    td data-status=(w.status.as_str()) { (w.status.label(lang)) @if let Some(reason) = &w.failure_reason { br; small { (reason) } } }
                }
            }
        }
        h2 { (lang.pick("银行账户", "Bank accounts")) }
        ul { @for d in &destinations { li { (d.bank_name) " · " (d.card.masked()) " · " (d.holder_name) } } }
        form method="post" action="/withdrawals/destinations" {
            input type="hidden" name="csrf" value=(csrf);
            label { (lang.pick("银联卡号", "UnionPay card number")) input name="card_number" inputmode="numeric" autocomplete="off" required; }
            label { (lang.pick("开户银行", "Bank"))
                input name="bank_name" list="major-banks" required;
                datalist id="major-banks" { @for (zh, en) in MAJOR_BANKS { option value=(zh) { (en) } } }
            }
            label { (lang.pick("收款人（须与实名认证名称一致）", "Holder (must be your verified legal name)")) input name="holder_name" required; }
            button type="submit" { (lang.pick("添加银行账户", "Add bank account")) }
        }
        h3 { (lang.pick("沙箱测试卡号", "Sandbox test cards")) }
        p { small { (lang.pick("沙箱银行按卡号后四位决定结果：", "The sandbox bank decides by the card's last four digits: "))
            code { (SANDBOX_REFUSES) } (lang.pick(" 拒绝付款（资金退回钱包）；", " refuses (the money returns to the wallet); "))
            code { (SANDBOX_RETURNS_LATER) } (lang.pick(" 先付款，数天后被退回；其他卡号付款成功。", " pays, then returns it days later; any other card is paid.")) } }
    };
    let frame = Frame {
        lang,
        uri: &uri,
        signed_in: true,
    };
    (
        StatusCode::OK,
        layout(
            &frame,
            lang.pick("提现到国内银行账户", "Withdraw to a mainland bank account"),
            body,
        ),
    )
        .into_response()
}

#[derive(Deserialize)]
struct WithdrawForm {
    csrf: String,
    destination_id: String,
    currency: String,
    amount: String,
    two_factor_code: String,
}

async fn withdraw_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    ClientInfo(client): ClientInfo,
    Form(form): Form<WithdrawForm>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    if !csrf_ok(&current, &form.csrf) {
        return failure(lang, &uri, Problem::CsrfRejected.into());
    }
    let request = WithdrawalRequest {
        destination_id: form.destination_id,
        currency: form.currency,
        amount: form.amount,
        two_factor_code: form.two_factor_code,
    };
    match requests::request(&app, &current, &client.ip, &request).await {
        Ok(_) => see_other("/withdrawals"),
        Err(fail) => failure(lang, &uri, fail),
    }
}

#[derive(Deserialize)]
struct DestinationForm {
    csrf: String,
    card_number: String,
    bank_name: String,
    holder_name: String,
}

async fn destination_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Form(form): Form<DestinationForm>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    if !csrf_ok(&current, &form.csrf) {
        return failure(lang, &uri, Problem::CsrfRejected.into());
    }
    let request = NewDestination {
        card_number: form.card_number,
        bank_name: form.bank_name,
        holder_name: form.holder_name,
    };
    match destinations::add(&app, &current, &request).await {
        Ok(_) => see_other("/withdrawals"),
        Err(fail) => failure(lang, &uri, fail),
    }
}

//! The conversion pages: `/fx` with the reference rates and the quote
//! form, the quote itself (mid rate, margin in basis points and as money,
//! fee, net amount, expiry) with its confirm button, and the result.

use super::problem::Fail;
use super::quotes::{self, Confirmation, Quote, QuoteRequest};
use crate::app::{AppState, now_ms};
use crate::error::Problem;
use crate::i18n::Lang;
use crate::web::{Frame, MaybeSignedIn, layout};
use crate::web::{csrf_ok, see_other};
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ferry_domain::{DecimalStyle, Money};
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fx", get(fx_page))
        .route("/fx/quotes", post(quote_submit))
        .route("/fx/quotes/{id}/execute", post(execute_submit))
}

fn render(lang: Lang, uri: &Uri, status: StatusCode, title: &str, content: Markup) -> Response {
    let frame = Frame {
        lang,
        uri,
        signed_in: true,
    };
    (status, layout(&frame, title, content)).into_response()
}

fn failure(lang: Lang, uri: &Uri, fail: Fail) -> Response {
    let error = fail.into_api(lang);
    let body = html! {
        p.error role="alert" { (error.message) }
        p { a href="/fx" { (lang.pick("返回换汇", "Back to conversions")) } }
    };
    render(
        lang,
        uri,
        error.status,
        lang.pick("出错了", "Something is wrong"),
        body,
    )
}

fn amount(money: Money) -> String {
    format!(
        "{} {}",
        money.format_major(DecimalStyle::Point),
        money.currency()
    )
}

#[derive(Deserialize)]
struct Done {
    executed: Option<String>,
}

async fn fx_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Query(done): Query<Done>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let table = app.fx.rates().await;
    let history = match quotes::executed(&app, &current.user.account_id, 20).await {
        Ok(history) => history,
        Err(error) => return failure(lang, &uri, error.into()),
    };
    let body = html! {
        @if let Some(id) = &done.executed {
            p.notice role="status" { (lang.pick("换汇已成交：", "Conversion executed: ")) code { (id) } }
        }
        h2 { (lang.pick("获取报价", "Get a quote")) }
        p { (lang.pick(
            "确认前您会看到中间价、加价（基点和金额）、手续费和到账净额。报价在有效期内可以成交。",
            "Before you confirm you see the mid rate, our margin (in basis points and as money), the fee and the net amount. A quote can be executed until it expires."
        )) }
        form method="post" action="/fx/quotes" {
            input type="hidden" name="csrf" value=(current.csrf_token);
            label { (lang.pick("卖出币种", "Sell"))
                select name="sell_currency" {
                    @for (currency, _) in table.per_euro() { option value=(currency.code()) selected[currency.code() == "USD"] { (currency.code()) } }
                }
            }
            label { (lang.pick("卖出金额", "Amount to sell")) input name="sell_amount" inputmode="decimal" placeholder="1000.00" required; }
            label { (lang.pick("买入币种", "Buy"))
                select name="buy_currency" {
                    @for (currency, _) in table.per_euro() { option value=(currency.code()) selected[currency.code() == "CNY"] { (currency.code()) } }
                }
            }
            button type="submit" { (lang.pick("获取报价", "Get quote")) }
        }
        h2 { (lang.pick("参考汇率", "Reference rates")) }
        p { (lang.pick("汇率日期：", "Rates as of ")) strong { (table.as_of) } " · " (lang.pick("来源：", "source: ")) code { (table.origin.as_str()) }
            " · " (lang.pick("1 欧元兑换", "units per 1 EUR")) }
        table {
            tr { th { (lang.pick("币种", "Currency")) } th { (lang.pick("每欧元", "Per EUR")) } }
            @for (currency, rate) in table.per_euro() { tr { td { (currency.code()) } td { (rate.to_string()) } } }
        }
        @if !history.is_empty() {
            h2 { (lang.pick("换汇记录", "Conversions")) }
            table {
                tr { th { (lang.pick("卖出", "Sold")) } th { (lang.pick("买入", "Bought")) } th { (lang.pick("汇率", "Rate")) } }
                @for quote in &history {
                    tr { td { (amount(quote.pricing.sell)) } td { (amount(quote.pricing.buy)) } td { (quote.pricing.customer_rate.to_string()) } }
                }
            }
        }
    };
    render(
        lang,
        &uri,
        StatusCode::OK,
        lang.pick("换汇", "Convert currencies"),
        body,
    )
}

#[derive(Deserialize)]
struct QuoteForm {
    csrf: String,
    sell_currency: String,
    sell_amount: String,
    buy_currency: String,
}

fn quote_view(quote: &Quote, lang: Lang, csrf: &str) -> Markup {
    let p = &quote.pricing;
    let seconds_left = (quote.expires_at_ms - now_ms()).max(0) / 1000;
    html! {
        table {
            tr { th { (lang.pick("卖出", "You sell")) } td data-field="sell" { (amount(p.sell)) } }
            tr { th { (lang.pick("手续费", "Fee")) } td data-field="fee" { (amount(p.fee)) } }
            tr { th { (lang.pick("换汇金额", "Converted")) } td { (amount(p.converted)) } }
            tr { th { (lang.pick("中间价", "Mid rate")) } td data-field="mid_rate" { "1 " (p.sell.currency()) " = " (p.mid_rate.to_string()) " " (p.buy.currency()) } }
            tr { th { (lang.pick("按中间价", "At the mid rate")) } td { (amount(p.at_mid)) } }
            tr { th { (lang.pick("加价", "Our margin")) } td data-field="margin" { (p.margin_bps) " bps (" (format!("{}.{:02}", p.margin_bps / 100, p.margin_bps % 100)) " %) = " (amount(p.margin)) } }
            tr { th { (lang.pick("成交汇率", "Your rate")) } td { (p.customer_rate.to_string()) } }
            tr { th { (lang.pick("到账净额", "You receive")) } td data-field="buy" { strong { (amount(p.buy)) } } }
        }
        p { small {
            (lang.pick("汇率日期：", "Rates as of ")) (quote.rates_as_of) " (" (quote.rate_source) "). "
            (lang.pick("到账金额向下取整到最小货币单位。", "The amount you receive is rounded down to the currency's minor unit."))
        } }
        @if quote.status(now_ms()) == "open" {
            p { (lang.pick("报价有效期约剩 ", "This quote expires in about ")) (seconds_left) (lang.pick(" 秒。", " seconds.")) }
            form method="post" action=(format!("/fx/quotes/{}/execute", quote.id)) {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="sell_currency" value=(p.sell.currency().code());
                input type="hidden" name="sell_amount_minor" value=(p.sell.amount_minor());
                input type="hidden" name="buy_currency" value=(p.buy.currency().code());
                input type="hidden" name="buy_amount_minor" value=(p.buy.amount_minor());
                button type="submit" { (lang.pick("确认换汇", "Confirm conversion")) }
            }
        }
        p { a href="/fx" { (lang.pick("重新报价", "New quote")) } }
    }
}

async fn quote_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Form(form): Form<QuoteForm>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    if !csrf_ok(&current, &form.csrf) {
        return failure(lang, &uri, Problem::CsrfRejected.into());
    }
    let request = QuoteRequest {
        sell_currency: form.sell_currency,
        buy_currency: form.buy_currency,
        sell_amount: form.sell_amount,
    };
    match quotes::create(&app, &current, &request).await {
        Ok(quote) => render(
            lang,
            &uri,
            StatusCode::OK,
            lang.pick("换汇报价", "Conversion quote"),
            quote_view(&quote, lang, &current.csrf_token),
        ),
        Err(fail) => failure(lang, &uri, fail),
    }
}

#[derive(Deserialize)]
struct ExecuteForm {
    csrf: String,
    sell_currency: String,
    sell_amount_minor: i64,
    buy_currency: String,
    buy_amount_minor: i64,
}

async fn execute_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Path(id): Path<String>,
    Form(form): Form<ExecuteForm>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    if !csrf_ok(&current, &form.csrf) {
        return failure(lang, &uri, Problem::CsrfRejected.into());
    }
    let confirmation = Confirmation {
        sell_currency: form.sell_currency,
        sell_amount_minor: form.sell_amount_minor,
        buy_currency: form.buy_currency,
        buy_amount_minor: form.buy_amount_minor,
    };
    match quotes::execute(&app, &current, &id, &confirmation).await {
        Ok(quote) => see_other(&format!("/fx?executed={}", quote.id)),
        Err(fail) => failure(lang, &uri, fail),
    }
}

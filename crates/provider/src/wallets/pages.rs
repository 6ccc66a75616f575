//! The wallets page (`/wallets`): balances per currency (posted, available,
//! in flight), the balance over time and payouts per store as inline SVG
//! charts, the history of one wallet page by page, and statement downloads.
//! Works without JavaScript; read-only, so there is no form to protect.

use super::api::{page_of, viewer};
use super::balances::{self, Wallet};
use super::chart::{self, BalancePoint, Bar};
use super::entries::Entry;
use super::payouts::{self, StoreKey};
use super::problem::{Fail, WalletProblem};
use super::statement::{self, format_date, format_time_ms};
use crate::accounts::sessions::Current;
use crate::app::{AppState, now_ms};
use crate::i18n::Lang;
use crate::web::see_other;
use crate::web::{Frame, MaybeSignedIn, layout};
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use ferry_domain::{Currency, Money};
use maud::{Markup, html};
use serde::Deserialize;

const PAGE_ROWS: i64 = 20;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/wallets", get(wallets_page))
        .route("/wallets/statement", get(statement_redirect))
}

#[derive(Deserialize)]
struct PageQuery {
    currency: Option<String>,
    cursor: Option<String>,
}

async fn wallets_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Query(query): Query<PageQuery>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let frame = Frame {
        lang,
        uri: &uri,
        signed_in: true,
    };
    let title = lang.pick("钱包", "Wallets");
    match content(&app, &current, &query, lang).await {
        Ok(body) => (StatusCode::OK, layout(&frame, title, body)).into_response(),
        Err(fail) => {
            let error = fail.into_api(lang);
            let body = html! {
                p.error role="alert" { (error.message) }
                p { a href="/wallets" { (lang.pick("返回钱包", "Back to wallets")) } }
            };
            (error.status, layout(&frame, title, body)).into_response()
        }
    }
}

async fn content(
    app: &AppState,
    current: &Current,
    query: &PageQuery,
    lang: Lang,
) -> Result<Markup, Fail> {
    let seller = viewer(current)?;
    let wallets = balances::wallets_of(&app.db, seller).await?;
    if wallets.is_empty() {
        return Ok(html! {
            p { (lang.pick(
                "您还没有钱包。收到第一笔平台回款后，对应币种的钱包会自动开立。",
                "You have no wallet yet. A wallet opens in a currency with the first payout received in it."
            )) " " a href="/receiving-accounts" { (lang.pick("查看收款账户", "See your receiving accounts")) } }
        });
    }
    let selected = match query.currency.as_deref() {
        Some(raw) => {
            let currency = Currency::parse(raw).map_err(|_| WalletProblem::NotFound)?;
            wallets
                .iter()
                .find(|wallet| wallet.currency == currency)
                .ok_or(WalletProblem::NotFound)?
        }
        None => &wallets[0],
    };
    let (rows, next) = page_of(app, selected, query.cursor.as_deref(), PAGE_ROWS).await?;
    let mut balance_charts = Vec::new();
    let mut payout_charts = Vec::new();
    for wallet in &wallets {
        balance_charts.push(chart::balance_chart(
            wallet.currency,
            &balance_points(app, wallet).await?,
            now_ms(),
            lang,
        ));
        let bars: Vec<Bar> = payouts::payouts_by_store(&app.db, seller, wallet)
            .await?
            .into_iter()
            .map(|payouts| Bar {
                label: StoreKey::label(payouts.store.as_ref(), lang),
                total: payouts.total,
            })
            .collect();
        if !bars.is_empty() {
            payout_charts.push(chart::payouts_chart(wallet.currency, &bars, lang));
        }
    }
    Ok(html! {
        (balances_table(&wallets, lang))
        h2 { (lang.pick("余额走势", "Balance over time")) }
        @for markup in &balance_charts { (markup) }
        h2 { (lang.pick("各店铺回款", "Payouts per store")) }
        @if payout_charts.is_empty() {
            p { (lang.pick("暂无回款。", "No payouts yet.")) }
        }
        @for markup in &payout_charts { (markup) }
        (history_section(&wallets, selected, &rows, next.as_deref(), lang))
        (statement_section(&wallets, lang))
    })
}

/// The posted balance after each posted change, oldest first.
async fn balance_points(app: &AppState, wallet: &Wallet) -> Result<Vec<BalancePoint>, Fail> {
    let transfers = ferry_ledger::history_between(&app.db, &wallet.account_id, 0, i64::MAX).await?;
    let mut balance = 0_i64;
    let mut points = Vec::new();
    for stored in &transfers {
        let change = stored.posted_effect(&wallet.account_id);
        if change != 0 {
            balance += change;
            points.push(BalancePoint {
                at_ms: stored.created_at_ms,
                balance: Money::from_minor(balance, wallet.currency),
            });
        }
    }
    Ok(points)
}

fn balances_table(wallets: &[Wallet], lang: Lang) -> Markup {
    html! {
        h2 { (lang.pick("余额", "Balances")) }
        table.balances {
            thead { tr {
                th { (lang.pick("币种", "Currency")) }
                th { (lang.pick("可用余额", "Available")) }
                th { (lang.pick("账面余额", "Posted")) }
                th { (lang.pick("处理中（提现等）", "In flight (withdrawals)")) }
            } }
            tbody {
                @for wallet in wallets {
                    tr data-currency=(wallet.currency.code()) {
                        td { (wallet.currency.code()) }
                        td.available { (wallet.available.to_string()) }
                        td.posted { (wallet.posted.to_string()) }
                        td.pending { (wallet.pending.to_string()) }
                    }
                }
            }
        }
        p { small { (lang.pick(
            "账面余额包含处理中的提现；可用余额 = 账面余额 − 处理中金额。",
            "Posted includes withdrawals in flight; available = posted − in flight."
        )) } }
    }
}

fn history_section(
    wallets: &[Wallet],
    selected: &Wallet,
    rows: &[Entry],
    next: Option<&str>,
    lang: Lang,
) -> Markup {
    let code = selected.currency.code();
    html! {
        h2 { (lang.pick("交易记录", "History")) }
        nav aria-label=(lang.pick("币种", "Currency")) {
            @for wallet in wallets {
                @let currency = wallet.currency.code();
                @if currency == code {
                    strong aria-current="page" { (currency) } " "
                } @else {
                    a href=(format!("/wallets?currency={currency}")) { (currency) } " "
                }
            }
        }
        @if rows.is_empty() {
            p { (lang.pick("没有更多记录。", "No more entries.")) }
        } @else {
            table.history {
                thead { tr {
                    th { (lang.pick("时间（UTC）", "Time (UTC)")) }
                    th { (lang.pick("类型", "Description")) }
                    th { (lang.pick("状态", "Status")) }
                    th { (lang.pick("金额", "Amount")) }
                } }
                tbody {
                    @for row in rows {
                        tr {
                            td { (format_time_ms(row.at_ms)) }
                            td { (row.kind.label(lang)) }
                            td { (row.status.label(lang)) }
                            td { (row.amount.to_string()) }
                        }
                    }
                }
            }
        }
        @if let Some(cursor) = next {
            p { a rel="next" href=(format!("/wallets?currency={code}&cursor={cursor}")) { (lang.pick("更早的记录", "Older entries")) } }
        }
    }
}

fn statement_section(wallets: &[Wallet], lang: Lang) -> Markup {
    let today = statement::today_utc();
    let month_start = statement::first_of_month(today);
    let last_month_start = statement::first_of_previous_month(today);
    let last_month_end = month_start.previous_day().unwrap_or(month_start);
    let link = |currency: &str, from, to| {
        format!(
            "/api/v1/wallets/{currency}/statement.csv?from={}&to={}",
            format_date(from),
            format_date(to)
        )
    };
    html! {
        h2 { (lang.pick("对账单（CSV）", "Statements (CSV)")) }
        ul {
            @for wallet in wallets {
                @let currency = wallet.currency.code();
                li {
                    (currency) ": "
                    a.statement href=(link(currency, month_start, today)) download { (lang.pick("本月", "This month")) }
                    " · "
                    a href=(link(currency, last_month_start, last_month_end)) download { (lang.pick("上月", "Last month")) }
                }
            }
        }
        form method="get" action="/wallets/statement" {
            label { (lang.pick("币种", "Currency"))
                select name="currency" {
                    @for wallet in wallets { option { (wallet.currency.code()) } }
                }
            }
            label { (lang.pick("开始日期", "From")) input type="date" name="from" value=(format_date(month_start)); }
            label { (lang.pick("结束日期", "To")) input type="date" name="to" value=(format_date(today)); }
            button type="submit" { (lang.pick("下载 CSV", "Download CSV")) }
        }
    }
}

#[derive(Deserialize)]
struct StatementQuery {
    currency: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// The form's target: sends the browser to the API's CSV, which checks
/// everything (the session cookie signs that request in too).
async fn statement_redirect(Query(query): Query<StatementQuery>) -> Response {
    let currency = query
        .currency
        .as_deref()
        .and_then(|raw| Currency::parse(raw).ok());
    let Some(currency) = currency else {
        return see_other("/wallets");
    };
    let date = |raw: Option<&str>| {
        raw.filter(|raw| raw.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
            .unwrap_or("")
            .to_string()
    };
    see_other(&format!(
        "/api/v1/wallets/{}/statement.csv?from={}&to={}",
        currency.code(),
        date(query.from.as_deref()),
        date(query.to.as_deref())
    ))
}

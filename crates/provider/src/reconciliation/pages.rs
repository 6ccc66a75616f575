//! The settlement pages: `/settlements` (every settlement with what was
//! expected, received and the difference; unmatched credits; the upload
//! form and "refresh settlements" per store) and `/settlements/{id}` (the
//! report by category and the reason for any difference).

use super::api::{UPLOAD_BODY_LIMIT, import_upload, read_upload, reconciled};
use super::matching::{Reconciliation, Status, day, unmatched_reason};
use super::problem::SettlementFail;
use super::{Settlement, fetch, overview};
use crate::app::{AppState, now_ms};
use crate::error::Problem;
use crate::i18n::Lang;
use crate::receiving::accounts;
use crate::web::{Frame, MaybeSignedIn, layout};
use crate::web::{csrf_ok, see_other};
use axum::Router;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Form, Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ferry_domain::Money;
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/settlements", get(list_page))
        .route("/settlements/{id}", get(settlement_page))
        .route(
            "/settlements/imports",
            post(upload_submit).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/settlements/refresh", post(refresh_submit))
}

fn render(lang: Lang, uri: &Uri, status: StatusCode, title: &str, content: Markup) -> Response {
    let frame = Frame {
        lang,
        uri,
        signed_in: true,
    };
    (status, layout(&frame, title, content)).into_response()
}

fn failure(lang: Lang, uri: &Uri, fail: SettlementFail) -> Response {
    let error = fail.into_api(lang);
    let body = html! {
        p.error role="alert" { (error.message) }
        p { a href="/settlements" { (lang.pick("返回结算", "Back to settlements")) } }
    };
    render(
        lang,
        uri,
        error.status,
        lang.pick("出错了", "Something is wrong"),
        body,
    )
}

fn money(minor: i64, settlement: &Settlement) -> String {
    Money::from_minor(minor, settlement.currency).to_string()
}

fn status_text(status: Status, lang: Lang) -> &'static str {
    match status {
        Status::Matched => lang.pick("已对平", "Matched"),
        Status::NotReceived => lang.pick("未到账", "Not received yet"),
        Status::Short { .. } => lang.pick("少到账", "Short"),
        Status::Over { .. } => lang.pick("多到账", "Over"),
        Status::NoPayoutDue => lang.pick("本期无付款", "No payout due"),
    }
}

async fn list_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let loaded = async {
        let mut conn = app.db.reader().acquire().await?;
        let stores = accounts::list(&mut conn, &current.user.account_id).await?;
        let overview = overview(&mut conn, &current.user.account_id).await?;
        Ok::<_, sqlx::Error>((stores, overview))
    };
    let (receiving, overview) = match loaded.await {
        Ok(loaded) => loaded,
        Err(error) => return failure(lang, &uri, error.into()),
    };
    let now = now_ms();
    let body = html! {
        @if overview.settlements.is_empty() {
            p { (lang.pick("还没有结算报告。请上传从卖家平台下载的结算报告，或为已绑定的店铺刷新结算。",
                "No settlement reports yet. Upload one downloaded from Seller Central, or refresh the settlements of a bound store.")) }
        } @else {
            table {
                tr {
                    th { (lang.pick("存款日期", "Deposit date")) }
                    th { (lang.pick("结算编号", "Settlement")) }
                    th { (lang.pick("应到账", "Expected")) }
                    th { (lang.pick("已到账", "Received")) }
                    th { (lang.pick("差额", "Difference")) }
                    th { (lang.pick("状态", "Status")) }
                }
                @for (settlement, reconciliation) in &overview.settlements {
                    tr {
                        td { (day(settlement.deposit_at_ms)) }
                        td { a href={ "/settlements/" (settlement.id) } { (settlement.settlement_id) } }
                        td { (money(reconciliation.expected_minor, settlement)) }
                        td { (money(reconciliation.received_minor, settlement)) }
                        td data-difference=(reconciliation.difference_minor) { (money(reconciliation.difference_minor, settlement)) }
                        td title=(reconciliation.reason(lang, now)) { (status_text(reconciliation.status, lang)) }
                    }
                }
            }
        }
        @if !overview.unmatched.is_empty() {
            h2 { (lang.pick("未匹配的入账", "Unmatched credits")) }
            ul {
                @for credit in &overview.unmatched {
                    li { (unmatched_reason(credit, lang)) }
                }
            }
        }
        h2 { (lang.pick("上传结算报告", "Upload a settlement report")) }
        form method="post" action="/settlements/imports" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(current.csrf_token);
            label { (lang.pick("结算报告文件（V2 或旧版 V1 平面文件，.txt）", "Settlement report file (V2 or legacy V1 flat file, .txt)"))
                input type="file" name="file" accept=".txt,.tsv,text/plain" required;
            }
            label { (lang.pick("收款账户（可选）", "Receiving account (optional)"))
                select name="receiving_account_id" {
                    option value="" { (lang.pick("不指定", "Not specified")) }
                    @for account in &receiving {
                        option value=(account.id) { (account.currency.to_string()) " · " (account.tail()) }
                    }
                }
            }
            button type="submit" { (lang.pick("上传", "Upload")) }
        }
        @let bound: Vec<_> = receiving.iter().filter(|account| account.store.is_some()).collect();
        @if !bound.is_empty() {
            h2 { (lang.pick("从亚马逊刷新结算", "Refresh settlements from Amazon")) }
            @for account in bound {
                form method="post" action="/settlements/refresh" {
                    input type="hidden" name="csrf" value=(current.csrf_token);
                    input type="hidden" name="receiving_account_id" value=(account.id);
                    button type="submit" { (lang.pick("刷新结算", "Refresh settlements")) " · " (account.currency.to_string()) " · " (account.tail()) }
                }
            }
        }
    };
    render(
        lang,
        &uri,
        StatusCode::OK,
        lang.pick("结算与对账", "Settlements and reconciliation"),
        body,
    )
}

fn detail(settlement: &Settlement, reconciliation: &Reconciliation, lang: Lang) -> Markup {
    let figures = &settlement.figures;
    let rows: [(&str, i64); 6] = [
        (lang.pick("订单", "Orders"), figures.orders_minor),
        (lang.pick("费用", "Fees"), figures.fees_minor),
        (lang.pick("退款", "Refunds"), figures.refunds_minor),
        (
            lang.pick("释放的上期预留", "Previous reserve released"),
            figures.reserve_released_minor,
        ),
        (
            lang.pick("本期预留", "Current reserve withheld"),
            figures.reserve_withheld_minor,
        ),
        (lang.pick("其他", "Other"), figures.other_minor),
    ];
    html! {
        p { (lang.pick("结算期间", "Period")) ": " (day(settlement.period_start_at_ms)) " – " (day(settlement.period_end_at_ms))
            " · " (lang.pick("存款日期", "Deposit date")) ": " (day(settlement.deposit_at_ms)) }
        table {
            @for (label, minor) in rows {
                tr { th { (label) } td { (money(minor, settlement)) } }
            }
            tr { th { (lang.pick("结算总额（应到账）", "Total (expected)")) } td data-field="total" { strong { (money(settlement.total_minor, settlement)) } } }
            tr { th { (lang.pick("已到账", "Received")) } td data-field="received" { (money(reconciliation.received_minor, settlement)) } }
            tr { th { (lang.pick("差额", "Difference")) } td data-field="difference" { strong { (money(reconciliation.difference_minor, settlement)) } } }
        }
        @let class = if reconciliation.status == Status::Matched || reconciliation.status == Status::NoPayoutDue { "notice" } else { "error" };
        p class=(class) data-status=(reconciliation.status.code()) { (reconciliation.reason(lang, now_ms())) }
        @if let Some(trace_id) = &settlement.trace_id {
            p { (lang.pick("银行追踪号", "Bank trace id")) ": " code { (trace_id) }
                @if let Some(tail) = &settlement.account_tail { " · " (lang.pick("账号尾号", "Account ending in")) " " (tail) } }
        }
        p { small { (settlement.rows_count) " " (lang.pick("行明细", "detail rows")) " · "
            (settlement.layout.code().to_uppercase()) " · "
            (match settlement.source { super::Source::Uploaded => lang.pick("上传", "uploaded"), super::Source::ReportsApi => lang.pick("报告 API", "Reports API") }) } }
        p { a href="/settlements" { (lang.pick("返回结算", "Back to settlements")) } }
    }
}

async fn settlement_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    match reconciled(&app, &current.user.account_id, &id).await {
        Ok((settlement, reconciliation)) => {
            let title = format!(
                "{} {}",
                lang.pick("结算", "Settlement"),
                settlement.settlement_id
            );
            render(
                lang,
                &uri,
                StatusCode::OK,
                &title,
                detail(&settlement, &reconciliation, lang),
            )
        }
        Err(fail) => failure(lang, &uri, fail),
    }
}

async fn upload_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let upload = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(problem) => return failure(lang, &uri, problem.into()),
    };
    if !csrf_ok(&current, upload.csrf.as_deref().unwrap_or("")) {
        return failure(lang, &uri, Problem::CsrfRejected.into());
    }
    if let Err(problem) = super::require_bookkeeper(&current) {
        return failure(lang, &uri, problem.into());
    }
    match import_upload(&app, &current.user.account_id, &upload).await {
        Ok(imported) => see_other(&format!("/settlements/{}", imported.settlement.id)),
        Err(fail) => failure(lang, &uri, fail),
    }
}

#[derive(Deserialize)]
struct RefreshForm {
    csrf: String,
    receiving_account_id: String,
}

async fn refresh_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Form(form): Form<RefreshForm>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    if !csrf_ok(&current, &form.csrf) {
        return failure(lang, &uri, Problem::CsrfRejected.into());
    }
    match fetch::refresh(&app, &current, &form.receiving_account_id).await {
        Ok(_) => see_other("/settlements"),
        Err(fail) => failure(lang, &uri, fail),
    }
}

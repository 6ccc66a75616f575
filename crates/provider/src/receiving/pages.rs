//! The receiving-account pages: the list with the form to open one, and an
//! account's page with its Seller Central fields (copy buttons), SWIFT
//! details, the steps, and the store binding (Authorize, Check binding,
//! and the legacy Seller ID + MWS token form where the marketplace still
//! answers it).

use super::accounts::{self, OpenRequest, ReceivingAccount};
use super::details::{self, Field};
use super::problem::Fail;
use crate::app::AppState;
use crate::error::Problem;
use crate::i18n::Lang;
use crate::stores::binding::{self, MwsRequest};
use crate::stores::{Binding, BindingState, binding_of, checks};
use crate::web::{Frame, MaybeSignedIn, layout};
use crate::web::{csrf_ok, see_other};
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ferry_domain::{Currency, Marketplace};
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/receiving-accounts", get(list_page).post(open_submit))
        .route("/receiving-accounts/{id}", get(account_page))
        .route("/receiving-accounts/{id}/letter.pdf", get(letter_pdf))
        .route(
            "/receiving-accounts/{id}/change-plan",
            get(change_plan_page),
        )
        .route("/receiving-accounts/{id}/authorize", post(authorize_submit))
        .route("/receiving-accounts/{id}/check", post(check_submit))
        .route("/receiving-accounts/{id}/mws", post(mws_submit))
}

struct PageContext<'a> {
    lang: Lang,
    uri: &'a Uri,
}

impl PageContext<'_> {
    fn render(&self, status: StatusCode, title: &str, content: Markup) -> Response {
        let frame = Frame {
            lang: self.lang,
            uri: self.uri,
            signed_in: true,
        };
        (status, layout(&frame, title, content)).into_response()
    }

    fn failure(&self, fail: Fail) -> Response {
        let error = fail.into_api(self.lang);
        let body = html! {
            p.error role="alert" { (error.message) }
            p { a href="/receiving-accounts" { (self.lang.pick("返回收款账户", "Back to receiving accounts")) } }
        };
        self.render(
            error.status,
            self.lang.pick("出错了", "Something is wrong"),
            body,
        )
    }
}

const CURRENCIES: [Currency; 6] = [
    Currency::USD,
    Currency::EUR,
    Currency::GBP,
    Currency::JPY,
    Currency::CAD,
    Currency::AUD,
];

fn open_form(lang: Lang, csrf: &str) -> Markup {
    html! {
        h2 { (lang.pick("开通收款账户", "Open a receiving account")) }
        form method="post" action="/receiving-accounts" {
            input type="hidden" name="csrf" value=(csrf);
            label { (lang.pick("币种", "Currency"))
                select name="currency" {
                    @for currency in CURRENCIES { option value=(currency.to_string()) { (currency.to_string()) } }
                }
            }
            label { (lang.pick("站点（没有店铺时留空）", "Marketplace (leave empty if you have no store yet)"))
                select name="marketplace_id" {
                    option value="" { (lang.pick("还没有店铺", "No store yet")) }
                    @for marketplace in Marketplace::all() {
                        @if CURRENCIES.contains(&marketplace.currency()) {
                            option value=(marketplace.id()) { (marketplace.country_name()) " · " (marketplace.currency().to_string()) " · " (marketplace.id()) }
                        }
                    }
                }
            }
            label { (lang.pick("卖家编号（Merchant Token）", "Seller ID (Merchant Token)"))
                input name="seller_id" autocomplete="off" placeholder="A1B2C3D4E5F6G7";
            }
            label { (lang.pick("日元账户：半角片假名账户名", "JPY accounts: holder name in half-width katakana"))
                input name="katakana_holder_name" autocomplete="off";
            }
            button type="submit" { (lang.pick("开通", "Open account")) }
        }
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
    let page = PageContext { lang, uri: &uri };
    let listed = async {
        let mut conn = app.db.reader().acquire().await?;
        accounts::list(&mut conn, &current.user.account_id).await
    };
    let list = match listed.await {
        Ok(list) => list,
        Err(error) => return page.failure(error.into()),
    };
    let body = html! {
        @if list.is_empty() {
            p { (lang.pick("还没有收款账户。", "No receiving accounts yet.")) }
        } @else {
            table {
                tr { th { (lang.pick("币种", "Currency")) } th { (lang.pick("账号尾号", "Ending in")) } th { (lang.pick("店铺", "Store")) } }
                @for account in &list {
                    tr {
                        td { a href={ "/receiving-accounts/" (account.id) } { (account.currency.to_string()) } }
                        td { (account.tail()) }
                        td { (store_label(account, lang)) }
                    }
                }
            }
        }
        (open_form(lang, &current.csrf_token))
    };
    page.render(
        StatusCode::OK,
        lang.pick("收款账户", "Receiving accounts"),
        body,
    )
}

fn store_label(account: &ReceivingAccount, lang: Lang) -> String {
    account.store.as_ref().map_or_else(
        || lang.pick("还没有店铺", "No store yet").to_string(),
        |store| {
            format!(
                "{} · {}",
                store.marketplace.marketplace().country_name(),
                store.seller_id.as_str()
            )
        },
    )
}

#[derive(Deserialize)]
struct OpenForm {
    csrf: String,
    currency: String,
    #[serde(default)]
    marketplace_id: String,
    #[serde(default)]
    seller_id: String,
    #[serde(default)]
    katakana_holder_name: String,
}

fn non_empty(text: String) -> Option<String> {
    Some(text).filter(|text| !text.trim().is_empty())
}

async fn open_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Form(form): Form<OpenForm>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = PageContext { lang, uri: &uri };
    if !csrf_ok(&current, &form.csrf) {
        return page.failure(Problem::CsrfRejected.into());
    }
    let request = OpenRequest {
        currency: form.currency,
        marketplace_id: non_empty(form.marketplace_id),
        seller_id: non_empty(form.seller_id),
        katakana_holder_name: non_empty(form.katakana_holder_name),
    };
    match accounts::open(&app, &current, &request).await {
        Ok(account) => see_other(&format!("/receiving-accounts/{}", account.id)),
        Err(fail) => page.failure(fail),
    }
}

fn copy_rows(fields: &[Field], lang: Lang) -> Markup {
    html! {
        table {
            @for field in fields {
                tr {
                    th { (field.label) @if lang == Lang::ZhCn { br; small { (field.label_zh) } } }
                    td { code data-field=(field.key) { (field.value) } }
                    td { button type="button" data-copy=(field.value) onclick="navigator.clipboard.writeText(this.dataset.copy)" { (lang.pick("复制", "Copy")) } }
                }
            }
        }
    }
}

fn state_text(state: BindingState, lang: Lang) -> &'static str {
    match state {
        BindingState::Authorized => lang.pick("已授权，待检查", "Authorized, not checked yet"),
        BindingState::WaitingForDepositMethod => lang.pick(
            "等待您在卖家平台把本账户设为默认存款方式",
            "Waiting for you to set this account as the default deposit method in Seller Central",
        ),
        BindingState::Bound => lang.pick("已绑定", "Bound"),
        BindingState::Mismatch => lang.pick(
            "未绑定：有不一致之处（见下）",
            "Not bound: something disagrees (see below)",
        ),
        BindingState::ExpiredOrRevoked => lang.pick(
            "授权已过期或被撤销，请重新授权",
            "Authorization expired or revoked; authorize again",
        ),
    }
}

/// For an account without a store: which marketplace the store is in.
fn marketplace_choice(account: &ReceivingAccount, lang: Lang) -> Markup {
    html! {
        @if account.store.is_none() {
            label { (lang.pick("站点", "Marketplace"))
                select name="marketplace_id" {
                    @for marketplace in Marketplace::all() {
                        @if marketplace.currency() == account.currency {
                            option value=(marketplace.id()) { (marketplace.country_name()) }
                        }
                    }
                }
            }
        }
    }
}

fn binding_section(
    app: &AppState,
    account: &ReceivingAccount,
    binding: Option<&Binding>,
    lang: Lang,
    csrf: &str,
) -> Markup {
    let base = format!("/receiving-accounts/{}", account.id);
    let mws_offered = app.collection.connector.settings.mws_verify_url.is_some()
        && app.collection.connector.settings.mws_developer_id.is_some();
    html! {
        h2 { (lang.pick("店铺绑定", "Store binding")) }
        @match binding {
            Some(binding) => {
                p { (lang.pick("状态：", "State: ")) strong data-state=(binding.state.code()) { (state_text(binding.state, lang)) } }
                @if let Some(problems) = binding.findings["problems"].as_array() {
                    @if !problems.is_empty() {
                        ul.binding-problems {
                            @for problem in problems.iter().filter_map(serde_json::Value::as_str) {
                                li data-problem=(problem) { (checks::problem_text(problem, lang)) }
                            }
                        }
                    }
                }
            }
            None => p { (lang.pick("尚未授权。", "Not authorized yet.")) }
        }
        form method="post" action={ (base) "/authorize" } {
            input type="hidden" name="csrf" value=(csrf);
            (marketplace_choice(account, lang))
            button type="submit" { (lang.pick("授权", "Authorize")) }
        }
        @if binding.is_some_and(|binding| binding.refresh_token_sealed.is_some()) {
            p { a href={ (base) "/change-plan" } { (lang.pick("更换存款方式的时间规划", "Plan the deposit-method change")) } }
        }
        @if binding.is_some() {
            form method="post" action={ (base) "/check" } {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { (lang.pick("检查绑定", "Check binding")) }
            }
        }
        @if mws_offered {
            details {
                summary { (lang.pick("用卖家编号和 MWS 授权令牌绑定（旧方式）", "Bind with Seller ID and MWS auth token (legacy)")) }
                p {
                    (lang.pick("先在卖家平台“用户权限”页授权 Ferry 的开发者编号 ", "First authorize Ferry's developer ID "))
                    code.developer-id { (app.collection.connector.settings.mws_developer_id.as_deref().unwrap_or_default()) }
                    (lang.pick("，再把页面显示的卖家编号和 MWS 授权令牌填到下面。", " on Seller Central's User Permissions page, then enter the Seller ID and MWS auth token it shows below."))
                }
                form method="post" action={ (base) "/mws" } {
                    input type="hidden" name="csrf" value=(csrf);
                    (marketplace_choice(account, lang))
                    label { (lang.pick("卖家编号", "Seller ID")) input name="seller_id" autocomplete="off"; }
                    label { (lang.pick("MWS 授权令牌", "MWS auth token")) input name="mws_auth_token" autocomplete="off"; }
                    button type="submit" { (lang.pick("验证并绑定", "Verify and bind")) }
                }
            }
        } @else {
            p.notice { (lang.pick(
                "亚马逊已于 2024 年停用 MWS 授权令牌，请使用上面的“授权”按钮。",
                "Amazon retired MWS auth tokens in 2024; use the Authorize button above.",
            )) }
        }
    }
}

async fn account_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = PageContext { lang, uri: &uri };
    let loaded = async {
        let mut conn = app.db.reader().acquire().await?;
        let account = accounts::get(&mut conn, &current.user.account_id, &id)
            .await?
            .ok_or(Problem::NotFound)?;
        let binding = binding_of(&mut conn, &account.id).await?;
        Ok::<_, Fail>((account, binding))
    };
    let (account, binding) = match loaded.await {
        Ok(loaded) => loaded,
        Err(fail) => return page.failure(fail),
    };
    let programme = app
        .collection
        .receiving
        .programmes
        .iter()
        .find(|programme| programme.id == account.programme_id);
    let title = format!(
        "{} {} · {}",
        account.currency,
        lang.pick("收款账户", "receiving account"),
        store_label(&account, lang)
    );
    let body = html! {
        @if let Some(programme) = programme {
            h2 { (lang.pick("在卖家平台填写的信息", "What to enter in Seller Central")) }
            (copy_rows(&details::seller_central_fields(&account, programme), lang))
            h2 { (lang.pick("操作步骤", "Step by step")) }
            ol { @for step in details::steps(&account, programme, lang) { li { (step) } } }
            h2 { (lang.pick("国际电汇（SWIFT）信息", "International wire (SWIFT) details")) }
            (copy_rows(&details::swift_fields(&account, programme), lang))
            p { a href={ "/receiving-accounts/" (account.id) "/letter.pdf" } { (lang.pick("下载账户证明信（PDF）", "Download the account confirmation letter (PDF)")) } }
        }
        (binding_section(&app, &account, binding.as_ref(), lang, &current.csrf_token))
    };
    page.render(StatusCode::OK, &title, body)
}

#[derive(Deserialize)]
struct AuthorizeForm {
    csrf: String,
    marketplace_id: Option<String>,
}

async fn authorize_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Path(id): Path<String>,
    Form(form): Form<AuthorizeForm>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = PageContext { lang, uri: &uri };
    if !csrf_ok(&current, &form.csrf) {
        return page.failure(Problem::CsrfRejected.into());
    }
    match binding::start_oauth(&app, &current, &id, form.marketplace_id.as_deref()).await {
        Ok(consent_url) => see_other(&consent_url),
        Err(fail) => page.failure(fail),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn check_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = PageContext { lang, uri: &uri };
    if !csrf_ok(&current, &form.csrf) {
        return page.failure(Problem::CsrfRejected.into());
    }
    match binding::recheck(&app, &current, &id).await {
        Ok(_) => see_other(&format!("/receiving-accounts/{id}")),
        Err(fail) => page.failure(fail),
    }
}

#[derive(Deserialize)]
struct MwsForm {
    csrf: String,
    seller_id: String,
    mws_auth_token: String,
    marketplace_id: Option<String>,
}

async fn mws_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Path(id): Path<String>,
    Form(form): Form<MwsForm>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = PageContext { lang, uri: &uri };
    if !csrf_ok(&current, &form.csrf) {
        return page.failure(Problem::CsrfRejected.into());
    }
    let request = MwsRequest {
        seller_id: form.seller_id,
        mws_auth_token: form.mws_auth_token,
        marketplace_id: form.marketplace_id,
    };
    match binding::bind_with_mws(&app, &current, &id, &request).await {
        Ok(_) => see_other(&format!("/receiving-accounts/{id}")),
        Err(fail) => page.failure(fail),
    }
}

/// The account-confirmation letter (PDF), dated today (UTC).
async fn letter_pdf(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = PageContext { lang, uri: &uri };
    let loaded = async {
        let mut conn = app.db.reader().acquire().await?;
        accounts::get(&mut conn, &current.user.account_id, &id)
            .await?
            .ok_or_else(|| Fail::from(Problem::NotFound))
    };
    let account = match loaded.await {
        Ok(account) => account,
        Err(fail) => return page.failure(fail),
    };
    let Some(programme) = app
        .collection
        .receiving
        .programmes
        .iter()
        .find(|programme| programme.id == account.programme_id)
    else {
        return page.failure(Problem::NotFound.into());
    };
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let disposition = format!(
        "attachment; filename=\"ferry-{}-{}.pdf\"",
        account.currency,
        account.tail()
    );
    (
        StatusCode::OK,
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_string(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        super::letter::pdf(&account, programme, &today),
    )
        .into_response()
}

/// The change planner: the settlement timeline, the safe window and the
/// checklist, with a warning when a change now would delay the payout.
async fn change_plan_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    use crate::stores::planner;
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = PageContext { lang, uri: &uri };
    let planned = async {
        let account = binding::own_account(&app, &current, &id).await?;
        let plan = planner::plan_for(&app, &account).await?;
        Ok::<_, Fail>((account, plan))
    };
    let (account, plan) = match planned.await {
        Ok(planned) => planned,
        Err(fail) => return page.failure(fail),
    };
    let day = |ms: i64| ferry_platform::db::from_unix_ms(ms).date().to_string();
    let support = account
        .store
        .as_ref()
        .and_then(|store| binding::seller_central_base(&app, store.marketplace))
        .map(|base| format!("{base}/cu/case-lobby"));
    let body = html! {
        (planner::svg(&plan, lang))
        @if plan.inside_window {
            p.notice role="status" data-window="open" {
                (lang.pick("现在处于安全窗口内：在 ", "You are inside the safe window: change the deposit method before "))
                strong { (day(plan.window_until_ms)) }
                (lang.pick(" 之前更换存款方式，不会推迟 ", " and the payout of "))
                (day(plan.next_disbursement_ms))
                (lang.pick(" 的付款。", " is not delayed."))
            }
        } @else {
            p.error role="alert" data-window="closed" {
                (lang.pick("现在更换会触发 3 天安全保留期：原定 ", "Changing now starts a three-day security hold: the payout planned for "))
                (day(plan.next_disbursement_ms))
                (lang.pick(" 的付款将推迟到 ", " would slip to "))
                strong { (day(plan.payout_if_changed_now_ms)) }
                (lang.pick("。下一个安全窗口：", ". The next safe window: "))
                (day(plan.window_from_ms)) " – " (day(plan.window_until_ms))
            }
        }
        h2 { (lang.pick("清单", "Checklist")) }
        ol {
            li {
                (lang.pick("先在卖家平台开一个支持案例，告知将更换存款方式：", "First open a support case at the marketplace to announce the deposit-method change: "))
                @if let Some(support) = &support { a href=(support) { (support) } }
            }
            li { (lang.pick("在安全窗口内更换存款方式：", "Change the deposit method inside the safe window: ")) (day(plan.window_from_ms)) " – " (day(plan.window_until_ms)) }
            li { (lang.pick("回到本页点击“检查绑定”确认。", "Come back and click Check binding to verify.")) }
        }
        p { a href={ "/receiving-accounts/" (account.id) } { (lang.pick("返回账户", "Back to the account")) } }
    };
    page.render(
        StatusCode::OK,
        lang.pick(
            "更换存款方式的时间规划",
            "Planning the deposit-method change",
        ),
        body,
    )
}

//! The operator console pages under `/ops`: sign-in (password and code),
//! first-sign-in setup (own password and TOTP), the queue by age with due
//! dates, and a case page with the form, the automatic checks, the
//! documents inline and the decision forms. zh-CN and en like the portal.

use super::api::{load_detail, ops_cookie, ops_session_token};
use super::operators::{self, OpsSession};
use crate::accounts::api::ClientInfo;
use crate::app::{AppState, now_ms};
use crate::error::Problem;
use crate::i18n::Lang;
use crate::kyc::case::{self, ACTION_ITEMS, REASON_CODES};
use crate::kyc::checks::Outcome;
use crate::kyc::mails::{format_due, reason_label};
use crate::kyc::pages::token_matches;
use crate::kyc::problem::{Fault, field_label};
use crate::web::see_other;
use crate::web::{Frame, layout};
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops", get(home))
        .route("/ops/sign-in", post(sign_in))
        .route("/ops/sign-out", post(sign_out))
        .route("/ops/setup", post(start_setup))
        .route("/ops/setup/confirm", post(confirm_setup))
        .route("/ops/cases/{id}", get(case_page))
        .route("/ops/cases/{id}/decision", post(decide))
}

/// The operator session, if the browser has one.
pub struct MaybeOperator(pub Option<OpsSession>);

impl FromRequestParts<AppState> for MaybeOperator {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = ops_session_token(&parts.headers) else {
            return Ok(Self(None));
        };
        match operators::current(app, &token, now_ms()).await {
            Ok(session) => Ok(Self(session)),
            Err(failure) => {
                tracing::error!(?failure, "cannot read the operator session");
                Ok(Self(None))
            }
        }
    }
}

fn page(lang: Lang, uri: &Uri, status: StatusCode, title: &str, content: Markup) -> Response {
    // The seller navigation is not shown: operators are not signed in there.
    let frame = Frame {
        lang,
        uri,
        signed_in: false,
    };
    (status, layout(&frame, title, content)).into_response()
}

fn error_box(message: Option<&str>) -> Markup {
    html! { @if let Some(message) = message { p.error role="alert" { (message) } } }
}

fn sign_in_page(lang: Lang, uri: &Uri, status: StatusCode, error: Option<&str>) -> Response {
    let content = html! {
        (error_box(error))
        form method="post" action="/ops/sign-in" {
            label { (lang.pick("邮箱", "E-mail")) input type="email" name="email" autocomplete="username" required; }
            label { (lang.pick("密码", "Password")) input type="password" name="password" autocomplete="current-password" required; }
            label { (lang.pick("验证码（已设置两步验证时必填）", "Code (once two-factor is set up)")) input name="code" inputmode="numeric" autocomplete="one-time-code"; }
            button { (lang.pick("登录", "Sign in")) }
        }
    };
    page(
        lang,
        uri,
        status,
        lang.pick("审核后台登录", "Operator sign-in"),
        content,
    )
}

fn setup_page(
    lang: Lang,
    uri: &Uri,
    session: &OpsSession,
    enrollment: Option<Markup>,
    error: Option<&str>,
) -> Response {
    let token = &session.csrf_token;
    let content = html! {
        (error_box(error))
        p { (lang.pick("首次登录：请设置自己的密码，并用验证器应用设置两步验证。审核员必须使用两步验证。", "First sign-in: choose your own password and set up two-factor authentication with an authenticator app. Two-factor is mandatory for operators.")) }
        @if let Some(enrollment) = enrollment {
            (enrollment)
            form method="post" action="/ops/setup/confirm" {
                input type="hidden" name="csrf" value=(token);
                @if session.operator.password_change_required {
                    label { (lang.pick("新密码（至少 12 个字符）", "New password (12 characters or more)")) input type="password" name="new_password" autocomplete="new-password" required; }
                }
                label { (lang.pick("验证器中的 6 位验证码", "The 6-digit code from the app")) input name="code" inputmode="numeric" autocomplete="one-time-code" required; }
                button { (lang.pick("完成设置", "Finish setup")) }
            }
        } @else {
            form method="post" action="/ops/setup" {
                input type="hidden" name="csrf" value=(token);
                button { (lang.pick("开始设置两步验证", "Set up two-factor")) }
            }
        }
    };
    page(
        lang,
        uri,
        StatusCode::OK,
        lang.pick("设置审核员账户", "Set up your operator account"),
        content,
    )
}

fn sign_out_form(lang: Lang, token: &str) -> Markup {
    html! {
        form method="post" action="/ops/sign-out" {
            input type="hidden" name="csrf" value=(token);
            button { (lang.pick("退出", "Sign out")) }
        }
    }
}

async fn home(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeOperator(session): MaybeOperator,
) -> Response {
    let Some(session) = session else {
        return sign_in_page(lang, &uri, StatusCode::OK, None);
    };
    if !session.is_complete() {
        return setup_page(lang, &uri, &session, None, None);
    }
    let now = now_ms();
    let queue = match case::queue(&app, now).await {
        Ok(queue) => queue,
        Err(fault) => return fault.into_api(lang).into_response(),
    };
    let content = html! {
        p { (session.operator.email) }
        (sign_out_form(lang, &session.csrf_token))
        p { a href="/ops/payouts" { (lang.pick("待处理的回款", "Held payouts")) } }
        h2 { (lang.pick("待审核（按提交时间）", "Waiting for review (oldest first)")) }
        @if queue.is_empty() { p { (lang.pick("没有待审核的申请。", "Nothing is waiting.")) } }
        table {
            tr {
                th { (lang.pick("商户", "Merchant")) } th { (lang.pick("类型", "Kind")) } th { (lang.pick("状态", "State")) }
                th { (lang.pick("提交时间", "Submitted")) } th { (lang.pick("截止时间", "Due")) }
            }
            @for entry in &queue {
                tr {
                    td { a href=(format!("/ops/cases/{}", entry.id)) { (entry.account_name) } }
                    td { (entry.kind) }
                    td { (entry.state) @if entry.first_approval_by.is_some() { " (1/2)" } }
                    td { (format_due(entry.submitted_at_ms)) }
                    td {
                        @if let Some(due) = entry.due_at_ms { (format_due(due)) }
                        @if entry.overdue { " " strong.error { (lang.pick("已超时", "overdue")) } }
                    }
                }
            }
        }
    };
    page(
        lang,
        &uri,
        StatusCode::OK,
        lang.pick("审核队列", "Review queue"),
        content,
    )
}

#[derive(Deserialize)]
struct SignInForm {
    email: String,
    password: String,
    #[serde(default)]
    code: String,
}

async fn sign_in(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    ClientInfo(client): ClientInfo,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return sign_in_page(
            lang,
            &uri,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&Problem::MalformedBody.message(lang)),
        );
    };
    // Before sign-in there is no session token; the same-origin check on
    // every POST is what keeps other sites from posting this form.
    let run = async {
        crate::ratelimit::hit(&app.db, crate::ratelimit::LOGIN, &client.ip, now_ms()).await?;
        let code = Some(form.code.trim()).filter(|code| !code.is_empty());
        operators::sign_in(&app, &form.email, &form.password, code, &client, now_ms()).await
    };
    match run.await {
        Ok(signed_in) => (
            StatusCode::SEE_OTHER,
            [
                (LOCATION, "/ops".to_string()),
                (SET_COOKIE, ops_cookie(&app, &signed_in.token)),
            ],
        )
            .into_response(),
        Err(failure) => {
            let fault = Fault::from(failure);
            sign_in_page(
                lang,
                &uri,
                StatusCode::UNAUTHORIZED,
                Some(&fault.message(lang)),
            )
        }
    }
}

#[derive(Deserialize)]
struct TokenForm {
    csrf: String,
}

async fn sign_out(
    State(app): State<AppState>,
    MaybeOperator(session): MaybeOperator,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    if let (Some(session), Ok(Form(form))) = (session, form)
        && token_matches(&session.csrf_token, &form.csrf)
        && let Err(failure) = operators::end_session(&app.db, &session.session_id, now_ms()).await
    {
        tracing::error!(?failure, "cannot end the operator session");
    }
    see_other("/ops")
}

async fn start_setup(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeOperator(session): MaybeOperator,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let Some(session) = session else {
        return see_other("/ops");
    };
    if !form.is_ok_and(|Form(form)| token_matches(&session.csrf_token, &form.csrf)) {
        return setup_page(
            lang,
            &uri,
            &session,
            None,
            Some(&Problem::CsrfRejected.message(lang)),
        );
    }
    match operators::start_enrollment(&app, &session).await {
        Ok(enrollment) => {
            let shown = html! {
                p { (lang.pick("用验证器应用扫描二维码，或手动输入密钥：", "Scan the QR code with your authenticator app, or type the key:")) }
                // The SVG is generated by the qrcode crate from our own URL.
                div { (PreEscaped(enrollment.qr_svg)) }
                p { code { (enrollment.secret) } }
            };
            setup_page(lang, &uri, &session, Some(shown), None)
        }
        Err(failure) => setup_page(
            lang,
            &uri,
            &session,
            None,
            Some(&Fault::from(failure).message(lang)),
        ),
    }
}

#[derive(Deserialize)]
struct ConfirmForm {
    csrf: String,
    code: String,
    new_password: Option<String>,
}

async fn confirm_setup(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    ClientInfo(client): ClientInfo,
    MaybeOperator(session): MaybeOperator,
    form: Result<Form<ConfirmForm>, FormRejection>,
) -> Response {
    let Some(session) = session else {
        return see_other("/ops");
    };
    let Ok(Form(form)) = form else {
        return setup_page(
            lang,
            &uri,
            &session,
            None,
            Some(&Problem::MalformedBody.message(lang)),
        );
    };
    if !token_matches(&session.csrf_token, &form.csrf) {
        return setup_page(
            lang,
            &uri,
            &session,
            None,
            Some(&Problem::CsrfRejected.message(lang)),
        );
    }
    let new_password = form
        .new_password
        .as_deref()
        .filter(|password| !password.is_empty());
    match operators::confirm_enrollment(&app, &session, &form.code, new_password, &client, now_ms())
        .await
    {
        Ok(()) => see_other("/ops"),
        Err(failure) => setup_page(
            lang,
            &uri,
            &session,
            None,
            Some(&Fault::from(failure).message(lang)),
        ),
    }
}

fn outcome_label(outcome: Outcome, lang: Lang) -> &'static str {
    match outcome {
        Outcome::Pass => lang.pick("通过", "pass"),
        Outcome::Warn => lang.pick("注意", "check"),
        Outcome::Fail => lang.pick("不通过", "FAIL"),
    }
}

async fn case_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeOperator(session): MaybeOperator,
    Path(id): Path<String>,
) -> Response {
    let Some(session) = session.filter(OpsSession::is_complete) else {
        return see_other("/ops");
    };
    render_case(&app, lang, &uri, &session, &id, StatusCode::OK, None).await
}

async fn render_case(
    app: &AppState,
    lang: Lang,
    uri: &Uri,
    session: &OpsSession,
    id: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let detail = match load_detail(app, id, lang).await {
        Ok(detail) => detail,
        Err(fault) => return fault.into_api(lang).into_response(),
    };
    let case = &detail.case;
    let form_json = serde_json::to_value(&case.form).unwrap_or_default();
    let named: Vec<(String, String)> = form_json
        .as_object()
        .map(|fields| {
            fields
                .iter()
                .filter_map(|(name, value)| Some((name.clone(), value.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let token = &session.csrf_token;
    let content = html! {
        (error_box(error))
        p { a href="/ops" { (lang.pick("← 返回队列", "← Back to the queue")) } }
        p { (lang.pick("状态：", "State: ")) strong { (case.state.as_str()) } " · " (lang.pick("版本 ", "revision ")) (case.revision)
            @if let Some(due) = case.due_at_ms { " · " (lang.pick("截止 ", "due ")) (format_due(due)) } }
        h2 { (lang.pick("自动检查", "Automatic checks")) }
        table { @for check in &detail.checks { tr { td { (check.code) } td { strong { (outcome_label(check.outcome, lang)) } } td { (check.detail) } } } }
        h2 { (lang.pick("填写的资料", "The form")) }
        table {
            @for (name, value) in &named { tr { td { (field_label(name, lang)) } td {
                @if value.starts_with("doc_") {
                    a href=(format!("/api/v1/ops/documents/{value}")) target="_blank" {
                        img src=(format!("/api/v1/ops/documents/{value}")) alt=(field_label(name, lang)) style="max-width:100%";
                    }
                } @else { (value) }
            } } }
            @for owner in &case.form.beneficial_owners {
                tr { td { (field_label("beneficial_owners", lang)) } td { (owner.name) " · " (owner.resident_id) " · " (owner.share_percent) "%" } }
            }
        }
        h2 { (lang.pick("决定", "Decision")) }
        @if case.state.as_str() == "submitted" {
            form method="post" action=(format!("/ops/cases/{}/decision", case.id)) {
                input type="hidden" name="csrf" value=(token);
                button name="action" value="claim" { (lang.pick("开始审核", "Start the review")) }
            }
        }
        @if case.state.as_str() == "in_review" {
            form method="post" action=(format!("/ops/cases/{}/decision", case.id)) {
                input type="hidden" name="csrf" value=(token);
                button name="action" value="approve" { (lang.pick("批准", "Approve")) @if case.first_approval_by.is_some() { " (2/2)" } }
            }
            form method="post" action=(format!("/ops/cases/{}/decision", case.id)) {
                input type="hidden" name="csrf" value=(token);
                fieldset {
                    legend { (lang.pick("拒绝原因", "Rejection reasons")) }
                    @for code in REASON_CODES { label { input type="checkbox" name="reasons" value=(code) style="display:inline;width:auto"; " " (reason_label(code, lang)) } }
                }
                label { (lang.pick("给卖家的说明", "Message to the seller")) input name="message"; }
                button name="action" value="reject" { (lang.pick("拒绝", "Reject")) }
            }
            form method="post" action=(format!("/ops/cases/{}/decision", case.id)) {
                input type="hidden" name="csrf" value=(token);
                label { (lang.pick("需要补充的项目", "Item that needs action"))
                    select name="item" { @for item in ACTION_ITEMS { option value=(item) { (field_label(item, lang)) } } } }
                label { (lang.pick("卖家需要做什么", "What the seller must do")) input name="message"; }
                button name="action" value="request_action" { (lang.pick("要求补充", "Ask for action")) }
            }
        }
        h2 { (lang.pick("历史记录", "History")) }
        table { @for event in &case.history { tr { td { (format_due(event.at_ms)) } td { (event.actor) } td { (event.from_state) " → " (event.to_state) } td { (event.reasons.join(", ")) " " (event.message) } } } }
    };
    let title = format!(
        "{} · {}",
        lang.pick("认证申请", "Verification case"),
        detail.account_name
    );
    page(lang, uri, status, &title, content)
}

async fn decide(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    ClientInfo(client): ClientInfo,
    MaybeOperator(session): MaybeOperator,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let Some(session) = session.filter(OpsSession::is_complete) else {
        return see_other("/ops");
    };
    let fields = form.map(|Form(fields)| fields).unwrap_or_default();
    let value = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    };
    let run = async {
        if !token_matches(&session.csrf_token, value("csrf")) {
            return Err(Fault::from(Problem::CsrfRejected));
        }
        let case = case::by_id(&app, &id).await?.ok_or(Problem::NotFound)?;
        let operator = &session.operator.id;
        let now = now_ms();
        match value("action") {
            "claim" => case::claim(&app, &case, operator, &client.ip, now).await,
            "approve" => case::approve(&app, &case, operator, &client.ip, now)
                .await
                .map(|_| ()),
            "reject" => {
                let reasons: Vec<String> = fields
                    .iter()
                    .filter(|(key, _)| key == "reasons")
                    .map(|(_, code)| code.clone())
                    .collect();
                case::reject(
                    &app,
                    &case,
                    operator,
                    &reasons,
                    value("message"),
                    &client.ip,
                    now,
                )
                .await
            }
            "request_action" => {
                case::request_action(
                    &app,
                    &case,
                    operator,
                    value("item"),
                    value("message"),
                    &client.ip,
                    now,
                )
                .await
            }
            _ => Err(Problem::MalformedBody.into()),
        }
    };
    match run.await {
        Ok(()) => see_other(&format!("/ops/cases/{id}")),
        Err(fault) => {
            let status = match &fault {
                Fault::Kyc(problem) => problem.status(),
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            render_case(
                &app,
                lang,
                &uri,
                &session,
                &id,
                status,
                Some(&fault.message(lang)),
            )
            .await
        }
    }
}

//! The account pages: register, check your e-mail, activate, sign in (and
//! its two-factor step), forgot and reset password, the dashboard shell and
//! the security settings (password, two-factor, sessions).

use super::csrf::{self, FormToken};
use super::see_other;
use super::{Frame, MaybeSignedIn, layout};
use crate::accounts::api::{ClientInfo, clear_session_cookie, session_cookie, session_token};
use crate::accounts::policy::{self, SecurityPolicy};
use crate::accounts::registration::{self, RegistrationRequest};
use crate::accounts::sessions::{self, Current, SignIn};
use crate::accounts::{api_keys, closure, credentials, team, two_factor};
use crate::app::{AppState, now_ms};
use crate::error::{Failure, Problem};
use crate::i18n::Lang;
use crate::password::{MAX_CHARS, MIN_CHARS};
use crate::ratelimit;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{Markup, html};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/register", get(register_page).post(register_submit))
        .route("/check-email", get(check_email_page))
        .route("/activate", get(activate_page).post(activate_submit))
        .route("/activate/resend", post(resend_submit))
        .route("/sign-in", get(sign_in_page).post(sign_in_submit))
        .route("/sign-in/two-factor", post(second_step_submit))
        .route("/forgot-password", get(forgot_page).post(forgot_submit))
        .route("/reset-password", get(reset_page).post(reset_submit))
        .route(
            "/accept-invitation",
            get(invitation_page).post(invitation_submit),
        )
        .route("/dashboard", get(dashboard))
        .route("/security", get(security_page))
        .route("/security/password", post(change_password_submit))
        .route("/security/two-factor", post(two_factor_start_submit))
        .route(
            "/security/two-factor/confirm",
            post(two_factor_confirm_submit),
        )
        .route("/security/sessions/{id}/revoke", post(revoke_submit))
        .route("/security/api-keys", post(create_key_submit))
        .route("/security/api-keys/{id}/revoke", post(revoke_key_submit))
        .route("/team", get(team_page))
        .route("/team/invitations", post(invite_submit))
        .route("/team/members/{id}/remove", post(remove_member_submit))
        .route("/sign-out", post(sign_out_submit))
        .route("/team/members/{id}/role", post(change_role_submit))
        .route("/security/policy", post(policy_submit))
        .route("/security/close", post(close_submit))
        .route(METER_SCRIPT_PATH, get(meter_script))
}

/// What a page handler has to hand.
struct Page<'a> {
    app: &'a AppState,
    lang: Lang,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    current: Option<&'a Current>,
}

impl Page<'_> {
    fn token(&self) -> FormToken {
        csrf::form_token(self.headers, self.current, self.app.secure_cookies())
    }

    /// Renders `content` (given the form token) with `status`.
    fn render(
        &self,
        status: StatusCode,
        title: &str,
        content: impl FnOnce(&str) -> Markup,
    ) -> Response {
        let token = self.token();
        let frame = Frame {
            lang: self.lang,
            uri: self.uri,
            signed_in: self.current.is_some(),
        };
        let body = layout(&frame, title, content(&token.value));
        let mut response = (status, body).into_response();
        if let Some(cookie) = token.set_cookie.and_then(|c| c.parse().ok()) {
            response.headers_mut().append(SET_COOKIE, cookie);
        }
        response
    }

    fn t(&self, zh: &'static str, en: &'static str) -> &'static str {
        self.lang.pick(zh, en)
    }

    fn error_message(&self, failure: Failure) -> (StatusCode, String) {
        match failure {
            Failure::Problem(problem) => (problem.status(), problem.message(self.lang)),
            Failure::Internal(cause) => {
                let error = ferry_platform::http::ApiError::internal(&cause);
                (
                    error.status,
                    self.t(
                        "系统出错，请稍后再试。",
                        "Something went wrong on our side; please try again.",
                    )
                    .to_string(),
                )
            }
        }
    }

    /// Checks the form's CSRF token.
    fn check(&self, submitted: &str) -> Result<(), Failure> {
        if csrf::is_valid(self.headers, self.current, submitted) {
            Ok(())
        } else {
            Err(Problem::CsrfRejected.into())
        }
    }
}

fn hidden_token(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

fn error_box(message: Option<&str>) -> Markup {
    html! { @if let Some(message) = message { p.error role="alert" { (message) } } }
}

fn form_or_problem<T>(form: Result<Form<T>, FormRejection>) -> Result<T, Failure> {
    form.map(|Form(value)| value)
        .map_err(|_| Problem::MalformedBody.into())
}

async fn home(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    MaybeSignedIn(current): MaybeSignedIn,
) -> Response {
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: current.as_ref(),
    };
    page.render(StatusCode::OK, page.t("跨境收款", "Cross-border collection"), |_| {
        html! {
            p { (lang.pick("为亚马逊卖家提供本地收款账户、结汇与提现。", "Local receiving accounts, currency conversion and withdrawals for Amazon sellers.")) }
            @if current.is_some() {
                p { a href="/dashboard" { (lang.pick("进入概览", "Go to the dashboard")) } }
            } @else {
                p { a href="/register" { (lang.pick("注册账户", "Register")) } " · " a href="/sign-in" { (lang.pick("登录", "Sign in")) } }
            }
        }
    })
}

// ---- registration and activation ----

#[derive(Deserialize, Default)]
#[serde(default)]
struct RegisterForm {
    csrf: String,
    email: String,
    password: String,
    account_kind: String,
    display_name: String,
    language: String,
}

fn register_form(page: &Page<'_>, token: &str, form: &RegisterForm, error: Option<&str>) -> Markup {
    let lang = page.lang;
    let chosen_language = if form.language.is_empty() {
        lang.tag()
    } else {
        form.language.as_str()
    };
    html! {
        (error_box(error))
        form method="post" action="/register" {
            (hidden_token(token))
            label { (lang.pick("电子邮箱", "E-mail")) input type="email" name="email" required autocomplete="email" value=(form.email); }
            label {
                (lang.pick("密码（12 到 128 个字符，建议使用几个不相关的词）", "Password (12 to 128 characters; several unrelated words work well)"))
                input type="password" name="password" required minlength=(MIN_CHARS) maxlength=(MAX_CHARS) autocomplete="new-password" data-strength-meter="password-meter";
            }
            (strength_meter(lang, "password-meter", &[]))
            label {
                (lang.pick("账户类型", "Account kind"))
                select name="account_kind" {
                    option value="company" selected[form.account_kind != "individual"] { (lang.pick("企业", "Company")) }
                    option value="individual" selected[form.account_kind == "individual"] { (lang.pick("个人", "Individual")) }
                }
            }
            label { (lang.pick("名称（公司名或姓名）", "Name (company or person)")) input type="text" name="display_name" required maxlength="100" value=(form.display_name); }
            label {
                (lang.pick("邮件语言", "E-mail language"))
                select name="language" {
                    option value="zh-CN" selected[chosen_language == "zh-CN"] { "简体中文" }
                    option value="en" selected[chosen_language == "en"] { "English" }
                }
            }
            button type="submit" { (lang.pick("注册", "Register")) }
        }
        p { a href="/sign-in" { (lang.pick("已有账户？登录", "Already registered? Sign in")) } }
    }
}

async fn register_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: None,
    };
    page.render(StatusCode::OK, page.t("注册", "Register"), |token| {
        register_form(&page, token, &RegisterForm::default(), None)
    })
}

async fn register_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    form: Result<Form<RegisterForm>, FormRejection>,
) -> Response {
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: None,
    };
    let form = form.map(|Form(form)| form).unwrap_or_default();
    let run = async {
        page.check(&form.csrf)?;
        ratelimit::hit(&app.db, ratelimit::REGISTRATION, &client.ip, now_ms()).await?;
        let request = RegistrationRequest {
            email: form.email.clone(),
            password: form.password.clone(),
            account_kind: form.account_kind.clone(),
            display_name: form.display_name.clone(),
            language: Some(form.language.clone()),
        };
        registration::register(&app, &request, &client.ip).await
    };
    match run.await {
        Ok(()) => see_other("/check-email"),
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            page.render(status, page.t("注册", "Register"), |token| {
                register_form(&page, token, &form, Some(&message))
            })
        }
    }
}

async fn check_email_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: None,
    };
    page.render(StatusCode::OK, page.t("请查收邮件", "Check your e-mail"), |_| {
        html! {
            p.notice { (lang.pick("如果该地址可以注册，我们已发送一封激活邮件。请在 24 小时内点击邮件中的链接。", "If the address can be registered, we have sent an activation e-mail. Open its link within 24 hours.")) }
            p { (lang.pick("没有收到？请检查垃圾邮件，或在激活页面重新发送。", "Nothing arrived? Check your spam folder, or ask for a new e-mail on the activation page.")) }
        }
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenQuery {
    token: String,
}

fn resend_form(lang: Lang, token: &str) -> Markup {
    html! {
        form method="post" action="/activate/resend" {
            (hidden_token(token))
            label { (lang.pick("电子邮箱", "E-mail")) input type="email" name="email" required; }
            button type="submit" { (lang.pick("重新发送激活邮件", "Send a new activation e-mail")) }
        }
    }
}

/// A GET only shows a button: mail scanners that follow links must not use
/// up the single-use token.
async fn activate_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> Response {
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: None,
    };
    page.render(
        StatusCode::OK,
        page.t("激活账户", "Activate your account"),
        |token| {
            html! {
                form method="post" action="/activate" {
                    (hidden_token(token))
                    input type="hidden" name="token" value=(query.token);
                    button type="submit" { (lang.pick("激活账户", "Activate account")) }
                }
            }
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ActivateForm {
    csrf: String,
    token: String,
}

async fn activate_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    form: Result<Form<ActivateForm>, FormRejection>,
) -> Response {
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: None,
    };
    let run = async {
        let form = form_or_problem(form)?;
        page.check(&form.csrf)?;
        ratelimit::hit(&app.db, ratelimit::ACTIVATION, &client.ip, now_ms()).await?;
        registration::activate(&app, &form.token, &client.ip).await
    };
    match run.await {
        Ok(()) => page.render(StatusCode::OK, page.t("账户已激活", "Account activated"), |_| {
            html! { p.notice { (lang.pick("账户已激活，现在可以登录。", "Your account is active; you can sign in now.")) } p { a href="/sign-in" { (lang.pick("登录", "Sign in")) } } }
        }),
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            page.render(status, page.t("无法激活", "Cannot activate"), |token| html! { (error_box(Some(&message))) (resend_form(lang, token)) })
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EmailForm {
    csrf: String,
    email: String,
}

async fn resend_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    form: Result<Form<EmailForm>, FormRejection>,
) -> Response {
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: None,
    };
    let run = async {
        let form = form_or_problem(form)?;
        page.check(&form.csrf)?;
        ratelimit::hit(&app.db, ratelimit::ACTIVATION, &client.ip, now_ms()).await?;
        registration::resend_activation(&app, &form.email).await
    };
    match run.await {
        Ok(()) => see_other("/check-email"),
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            page.render(
                status,
                page.t("重新发送激活邮件", "Send a new activation e-mail"),
                |token| html! { (error_box(Some(&message))) (resend_form(lang, token)) },
            )
        }
    }
}

// ---- signing in ----

fn sign_in_form(lang: Lang, token: &str, email: &str, error: Option<&str>) -> Markup {
    html! {
        (error_box(error))
        form method="post" action="/sign-in" {
            (hidden_token(token))
            label { (lang.pick("电子邮箱", "E-mail")) input type="email" name="email" required autocomplete="username" value=(email); }
            label { (lang.pick("密码", "Password")) input type="password" name="password" required autocomplete="current-password"; }
            button type="submit" { (lang.pick("登录", "Sign in")) }
        }
        p { a href="/forgot-password" { (lang.pick("忘记密码？", "Forgot your password?")) } " · " a href="/register" { (lang.pick("注册账户", "Register")) } }
    }
}

fn second_step_form(lang: Lang, token: &str, challenge: &str, error: Option<&str>) -> Markup {
    html! {
        (error_box(error))
        form method="post" action="/sign-in/two-factor" {
            (hidden_token(token))
            input type="hidden" name="challenge" value=(challenge);
            label { (lang.pick("验证器应用中的 6 位验证码，或一个恢复码", "The 6-digit code from your authenticator app, or a recovery code")) input type="text" name="code" required autocomplete="one-time-code" inputmode="numeric"; }
            button type="submit" { (lang.pick("验证", "Verify")) }
        }
    }
}

async fn sign_in_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: None,
    };
    page.render(StatusCode::OK, page.t("登录", "Sign in"), |token| {
        sign_in_form(lang, token, "", None)
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SignInForm {
    csrf: String,
    email: String,
    password: String,
}

fn signed_in_redirect(app: &AppState, session: &sessions::NewSession) -> Response {
    let mut response = see_other("/dashboard");
    if let Ok(cookie) = session_cookie(app, &session.token).parse() {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

async fn sign_in_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: None,
    };
    let form = form.map(|Form(form)| form).unwrap_or_default();
    let run = async {
        page.check(&form.csrf)?;
        ratelimit::hit(&app.db, ratelimit::LOGIN, &client.ip, now_ms()).await?;
        let previous = session_token(&headers);
        sessions::sign_in(
            &app,
            &form.email,
            &form.password,
            &client,
            previous.as_deref(),
        )
        .await
    };
    match run.await {
        Ok(SignIn::Session(session)) => signed_in_redirect(&app, &session),
        Ok(SignIn::TwoFactorRequired { challenge }) => page.render(
            StatusCode::OK,
            page.t("两步验证", "Two-factor verification"),
            |token| second_step_form(lang, token, &challenge, None),
        ),
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            page.render(status, page.t("登录", "Sign in"), |token| {
                sign_in_form(lang, token, &form.email, Some(&message))
            })
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SecondStepForm {
    csrf: String,
    challenge: String,
    code: String,
}

async fn second_step_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    form: Result<Form<SecondStepForm>, FormRejection>,
) -> Response {
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: None,
    };
    let form = form.map(|Form(form)| form).unwrap_or_default();
    let run = async {
        page.check(&form.csrf)?;
        ratelimit::hit(&app.db, ratelimit::LOGIN, &client.ip, now_ms()).await?;
        let previous = session_token(&headers);
        sessions::sign_in_second_step(
            &app,
            &form.challenge,
            &form.code,
            &client,
            previous.as_deref(),
        )
        .await
    };
    match run.await {
        Ok(session) => signed_in_redirect(&app, &session),
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            page.render(
                status,
                page.t("两步验证", "Two-factor verification"),
                |token| second_step_form(lang, token, &form.challenge, Some(&message)),
            )
        }
    }
}

// ---- forgotten passwords ----

fn forgot_form(lang: Lang, token: &str, error: Option<&str>) -> Markup {
    html! {
        (error_box(error))
        form method="post" action="/forgot-password" {
            (hidden_token(token))
            label { (lang.pick("电子邮箱", "E-mail")) input type="email" name="email" required; }
            button type="submit" { (lang.pick("发送重设链接", "Send a reset link")) }
        }
    }
}

async fn forgot_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: None,
    };
    page.render(
        StatusCode::OK,
        page.t("忘记密码", "Forgot password"),
        |token| forgot_form(lang, token, None),
    )
}

async fn forgot_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    form: Result<Form<EmailForm>, FormRejection>,
) -> Response {
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: None,
    };
    let run = async {
        let form = form_or_problem(form)?;
        page.check(&form.csrf)?;
        ratelimit::hit(&app.db, ratelimit::RESET, &client.ip, now_ms()).await?;
        credentials::request_reset(&app, &form.email).await
    };
    match run.await {
        Ok(()) => see_other("/check-email"),
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            page.render(status, page.t("忘记密码", "Forgot password"), |token| {
                forgot_form(lang, token, Some(&message))
            })
        }
    }
}

fn reset_form(lang: Lang, token: &str, reset_token: &str, error: Option<&str>) -> Markup {
    html! {
        (error_box(error))
        form method="post" action="/reset-password" {
            (hidden_token(token))
            input type="hidden" name="token" value=(reset_token);
            label { (lang.pick("新密码（12 到 128 个字符）", "New password (12 to 128 characters)")) input type="password" name="new_password" required minlength=(MIN_CHARS) maxlength=(MAX_CHARS) autocomplete="new-password" data-strength-meter="password-meter"; }
            (strength_meter(lang, "password-meter", &[]))
            button type="submit" { (lang.pick("设置新密码", "Set the new password")) }
        }
    }
}

async fn reset_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> Response {
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: None,
    };
    page.render(
        StatusCode::OK,
        page.t("重设密码", "Reset password"),
        |token| reset_form(lang, token, &query.token, None),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ResetForm {
    csrf: String,
    token: String,
    new_password: String,
}

async fn reset_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    form: Result<Form<ResetForm>, FormRejection>,
) -> Response {
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: None,
    };
    let form = form.map(|Form(form)| form).unwrap_or_default();
    let run = async {
        page.check(&form.csrf)?;
        ratelimit::hit(&app.db, ratelimit::RESET, &client.ip, now_ms()).await?;
        credentials::reset(&app, &form.token, &form.new_password).await
    };
    match run.await {
        Ok(()) => see_other("/sign-in"),
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            page.render(status, page.t("重设密码", "Reset password"), |token| {
                reset_form(lang, token, &form.token, Some(&message))
            })
        }
    }
}

// ---- team invitations ----

fn invitation_form(lang: Lang, token: &str, invitation: &str, error: Option<&str>) -> Markup {
    html! {
        (error_box(error))
        form method="post" action="/accept-invitation" {
            (hidden_token(token))
            input type="hidden" name="token" value=(invitation);
            label { (lang.pick("您的姓名", "Your name")) input type="text" name="display_name" required maxlength="100"; }
            label { (lang.pick("为自己设置密码（12 到 128 个字符）", "Choose your own password (12 to 128 characters)")) input type="password" name="password" required minlength=(MIN_CHARS) maxlength=(MAX_CHARS) autocomplete="new-password"; }
            button type="submit" { (lang.pick("加入团队", "Join the team")) }
        }
    }
}

async fn invitation_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> Response {
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: None,
    };
    page.render(
        StatusCode::OK,
        page.t("接受邀请", "Accept the invitation"),
        |token| invitation_form(lang, token, &query.token, None),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InvitationForm {
    csrf: String,
    token: String,
    display_name: String,
    password: String,
}

async fn invitation_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    form: Result<Form<InvitationForm>, FormRejection>,
) -> Response {
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: None,
    };
    let form = form.map(|Form(form)| form).unwrap_or_default();
    let run = async {
        page.check(&form.csrf)?;
        ratelimit::hit(&app.db, ratelimit::ACTIVATION, &client.ip, now_ms()).await?;
        team::accept(
            &app,
            &form.token,
            &form.display_name,
            &form.password,
            &client,
        )
        .await
    };
    match run.await {
        Ok(()) => see_other("/sign-in"),
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            page.render(
                status,
                page.t("接受邀请", "Accept the invitation"),
                |token| invitation_form(lang, token, &form.token, Some(&message)),
            )
        }
    }
}

// ---- signed-in pages ----

fn password_change_due(app: &AppState, current: &Current) -> bool {
    let max_age_ms = app.security.password_max_age_days * 24 * 60 * 60 * 1000;
    current.user.password_change_required_at_ms.is_some()
        || now_ms() - current.user.password_changed_at_ms >= max_age_ms
}

async fn dashboard(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    MaybeSignedIn(current): MaybeSignedIn,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: Some(&current),
    };
    let due = password_change_due(&app, &current);
    page.render(StatusCode::OK, page.t("概览", "Dashboard"), |_| {
        html! {
            @if current.user.password_change_required_at_ms.is_some() {
                p.error role="alert" { (Problem::PasswordChangeRequired.message(lang)) " " a href="/security" { (lang.pick("去更换", "Change it")) } }
            } @else if due {
                p.notice role="status" { (lang.pick("您的密码已使用较长时间，建议更换。", "Your password has been in use for a long time; consider changing it.")) " " a href="/security" { (lang.pick("去更换", "Change it")) } }
            }
            @if !current.user.two_factor_enabled() {
                p.notice { (lang.pick("请启用两步验证：绑定店铺和提现前必须启用。", "Turn on two-factor authentication: it is required before binding a store or withdrawing.")) " " a href="/security" { (lang.pick("去设置", "Set it up")) } }
            }
            p { (lang.pick("欢迎，", "Welcome, ")) (current.user.display_name) }
            p { a href="/wallets" { (lang.pick("查看钱包余额、交易记录和对账单", "See your wallets: balances, history and statements")) } }
        }
    })
}

async fn security_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    MaybeSignedIn(current): MaybeSignedIn,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: Some(&current),
    };
    security_render(&page, &current, StatusCode::OK, None, None).await
}

/// The security page, with an optional message and an optional extra
/// section (the two-factor enrolment or the recovery codes).
async fn security_render(
    page: &Page<'_>,
    current: &Current,
    status: StatusCode,
    message: Option<(bool, String)>,
    extra: Option<Markup>,
) -> Response {
    let lang = page.lang;
    let sessions = sessions::list(page.app, current).await.unwrap_or_default();
    let keys = api_keys::list(page.app, current).await.unwrap_or_default();
    // Only the owner may read the policy; for everyone else there is none
    // to show, nor the closing form.
    let account_policy = policy::read(page.app, current).await.ok();
    page.render(status, page.t("安全设置", "Security"), |token| {
        html! {
            @if let Some((is_error, text)) = &message {
                @if *is_error { p.error role="alert" { (text) } } @else { p.notice role="status" { (text) } }
            }
            @if let Some(extra) = &extra { (extra) }
            h2 { (lang.pick("更改密码", "Change password")) }
            form method="post" action="/security/password" {
                (hidden_token(token))
                label { (lang.pick("当前密码", "Current password")) input type="password" name="current_password" required autocomplete="current-password"; }
                label { (lang.pick("新密码（12 到 128 个字符）", "New password (12 to 128 characters)")) input type="password" name="new_password" required minlength=(MIN_CHARS) maxlength=(MAX_CHARS) autocomplete="new-password" data-strength-meter="password-meter"; }
                (strength_meter(lang, "password-meter", &credentials::user_inputs(&current.user)))
                button type="submit" { (lang.pick("更改密码", "Change password")) }
            }
            h2 { (lang.pick("两步验证", "Two-factor authentication")) }
            @if current.user.two_factor_enabled() {
                p { (lang.pick("已启用。", "Enabled.")) }
            } @else {
                form method="post" action="/security/two-factor" {
                    (hidden_token(token))
                    label { (lang.pick("输入密码以开始设置", "Enter your password to start")) input type="password" name="password" required autocomplete="current-password"; }
                    button type="submit" { (lang.pick("设置两步验证", "Set up two-factor")) }
                }
            }
            h2 { (lang.pick("API 密钥", "API keys")) }
            ul {
                @for key in &keys {
                    li {
                        (key.name) " " code { (key.prefix) "…" } " "
                        form method="post" action=(format!("/security/api-keys/{}/revoke", key.id)) { (hidden_token(token)) button type="submit" { (lang.pick("吊销", "Revoke")) } }
                    }
                }
            }
            form method="post" action="/security/api-keys" {
                (hidden_token(token))
                label { (lang.pick("新密钥名称", "Name of a new key")) input type="text" name="name" required maxlength="100"; }
                button type="submit" { (lang.pick("创建 API 密钥", "Create an API key")) }
            }
            h2 { (lang.pick("登录会话", "Sessions")) }
            table {
                tr { th { (lang.pick("设备", "Device")) } th { (lang.pick("地址", "Address")) } th { (lang.pick("最近使用", "Last used")) } th {} }
                @for session in &sessions {
                    tr {
                        td { (session.user_agent) }
                        td { (session.ip) }
                        td { (format_ms(session.last_seen_at_ms)) }
                        td {
                            @if session.current {
                                form method="post" action="/sign-out" { (hidden_token(token)) button type="submit" { (lang.pick("退出登录", "Sign out")) } }
                            } @else {
                                form method="post" action=(format!("/security/sessions/{}/revoke", session.id)) { (hidden_token(token)) button type="submit" { (lang.pick("结束", "End")) } }
                            }
                        }
                    }
                }
            }
            @if let Some(account_policy) = account_policy {
                (owner_sections(lang, token, current, account_policy))
            }
        }
    })
}

fn format_ms(ms: i64) -> String {
    let at = ferry_platform::db::from_unix_ms(ms);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ChangePasswordForm {
    csrf: String,
    current_password: String,
    new_password: String,
}

async fn change_password_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    MaybeSignedIn(current): MaybeSignedIn,
    form: Result<Form<ChangePasswordForm>, FormRejection>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: Some(&current),
    };
    let run = async {
        let form = form_or_problem(form)?;
        page.check(&form.csrf)?;
        credentials::change(
            &app,
            &current.user.id,
            &current.session_id,
            &form.current_password,
            &form.new_password,
        )
        .await
    };
    match run.await {
        Ok(()) => {
            let done = page.t(
                "密码已更改，其他设备上的登录已结束。",
                "Password changed; sessions on other devices were ended.",
            );
            security_render(
                &page,
                &current,
                StatusCode::OK,
                Some((false, done.to_string())),
                None,
            )
            .await
        }
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            security_render(&page, &current, status, Some((true, message)), None).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TwoFactorStartForm {
    csrf: String,
    password: String,
}

async fn two_factor_start_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    MaybeSignedIn(current): MaybeSignedIn,
    form: Result<Form<TwoFactorStartForm>, FormRejection>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: Some(&current),
    };
    let run = async {
        let form = form_or_problem(form)?;
        page.check(&form.csrf)?;
        two_factor::start(&app, &current, &form.password).await
    };
    match run.await {
        Ok(enrollment) => {
            let token = page.token().value;
            let extra = html! {
                h2 { (lang.pick("扫描二维码", "Scan the QR code")) }
                div { (maud::PreEscaped(&enrollment.qr_svg)) }
                p { (lang.pick("无法扫描？手动输入密钥：", "Cannot scan? Enter the key by hand: ")) code { (enrollment.secret) } }
                form method="post" action="/security/two-factor/confirm" {
                    (hidden_token(&token))
                    label { (lang.pick("验证器应用显示的 6 位验证码", "The 6-digit code your app shows")) input type="text" name="code" required inputmode="numeric" autocomplete="one-time-code"; }
                    button type="submit" { (lang.pick("启用", "Enable")) }
                }
            };
            security_render(&page, &current, StatusCode::OK, None, Some(extra)).await
        }
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            security_render(&page, &current, status, Some((true, message)), None).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeForm {
    csrf: String,
    code: String,
}

async fn two_factor_confirm_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    MaybeSignedIn(current): MaybeSignedIn,
    form: Result<Form<CodeForm>, FormRejection>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: Some(&current),
    };
    let run = async {
        let form = form_or_problem(form)?;
        page.check(&form.csrf)?;
        two_factor::confirm(&app, &current, &form.code, &client).await
    };
    match run.await {
        Ok(codes) => {
            let extra = html! {
                h2 { (lang.pick("恢复码（只显示这一次）", "Recovery codes (shown only now)")) }
                p { (lang.pick("请妥善保存。手机丢失时，每个恢复码可代替验证码使用一次。", "Keep them safe. If you lose your phone, each works once instead of a code.")) }
                ul { @for code in &codes { li { code { (code) } } } }
            };
            // The page shows two-factor as enabled, so it needs the fresh row.
            let mut refreshed = current.clone();
            if let Ok(mut conn) = app.db.reader().acquire().await
                && let Ok(Some(user)) =
                    crate::accounts::user_by_id(&mut conn, &current.user.id).await
            {
                refreshed.user = user;
            }
            security_render(&page, &refreshed, StatusCode::OK, None, Some(extra)).await
        }
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            security_render(&page, &current, status, Some((true, message)), None).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CsrfForm {
    csrf: String,
}

async fn revoke_submit(
    State(app): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    MaybeSignedIn(current): MaybeSignedIn,
    Path(id): Path<String>,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    // Re-rendered as the security page, whose address this stands for.
    let uri = Uri::from_static("/security");
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: Some(&current),
    };
    let run = async {
        let form = form_or_problem(form)?;
        page.check(&form.csrf)?;
        sessions::revoke_own(&app, &current, &id, &client.ip).await
    };
    match run.await {
        Ok(()) => see_other("/security"),
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            security_render(&page, &current, status, Some((true, message)), None).await
        }
    }
}

async fn sign_out_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    MaybeSignedIn(current): MaybeSignedIn,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: Some(&current),
    };
    let run = async {
        let form = form_or_problem(form)?;
        page.check(&form.csrf)?;
        sessions::revoke_own(&app, &current, &current.session_id, &client.ip).await
    };
    match run.await {
        Ok(()) => {
            let mut response = see_other("/sign-in");
            if let Ok(cookie) = clear_session_cookie(&app).parse() {
                response.headers_mut().append(SET_COOKIE, cookie);
            }
            response
        }
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            security_render(&page, &current, status, Some((true, message)), None).await
        }
    }
}

// ---- API keys and team ----

#[derive(Deserialize, Default)]
#[serde(default)]
struct KeyForm {
    csrf: String,
    name: String,
}

async fn create_key_submit(
    State(app): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    MaybeSignedIn(current): MaybeSignedIn,
    form: Result<Form<KeyForm>, FormRejection>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let uri = Uri::from_static("/security");
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: Some(&current),
    };
    let run = async {
        let form = form_or_problem(form)?;
        page.check(&form.csrf)?;
        api_keys::create(&app, &current, &form.name, &client).await
    };
    match run.await {
        Ok(key) => {
            let extra = html! {
                p.notice role="status" {
                    (lang.pick("新的 API 密钥（只显示这一次，请立即保存）：", "Your new API key (shown only now; save it):")) " "
                    code { (key.key) }
                }
            };
            security_render(&page, &current, StatusCode::CREATED, None, Some(extra)).await
        }
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            security_render(&page, &current, status, Some((true, message)), None).await
        }
    }
}

async fn revoke_key_submit(
    State(app): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    MaybeSignedIn(current): MaybeSignedIn,
    Path(id): Path<String>,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let uri = Uri::from_static("/security");
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: Some(&current),
    };
    let run = async {
        let form = form_or_problem(form)?;
        page.check(&form.csrf)?;
        api_keys::revoke(&app, &current, &id, &client).await
    };
    match run.await {
        Ok(()) => see_other("/security"),
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            security_render(&page, &current, status, Some((true, message)), None).await
        }
    }
}

async fn team_render(
    page: &Page<'_>,
    current: &Current,
    status: StatusCode,
    message: Option<(bool, String)>,
) -> Response {
    let lang = page.lang;
    let members = match team::members(page.app, current).await {
        Ok(members) => members,
        Err(failure) => {
            let (status, text) = page.error_message(failure);
            return page.render(
                status,
                page.t("团队", "Team"),
                |_| html! { p.error role="alert" { (text) } },
            );
        }
    };
    let manages = team::require(current, team::Permission::ManageTeam).is_ok();
    page.render(status, page.t("团队", "Team"), |token| {
        html! {
            @if let Some((is_error, text)) = &message {
                @if *is_error { p.error role="alert" { (text) } } @else { p.notice role="status" { (text) } }
            }
            table {
                tr { th { (lang.pick("姓名", "Name")) } th { (lang.pick("邮箱", "E-mail")) } th { (lang.pick("角色", "Role")) } th { (lang.pick("两步验证", "Two-factor")) } th {} }
                @for member in &members {
                    tr {
                        td { (member.display_name) } td { (member.email) } td { (member.role) }
                        td { @if member.two_factor_enabled { "✓" } @else { "–" } }
                        td {
                            @if manages && member.role != "owner" {
                                form method="post" action=(format!("/team/members/{}/role", member.user_id)) {
                                    (hidden_token(token))
                                    select name="role" aria-label=(lang.pick("新角色", "New role")) {
                                        option value="admin" selected[member.role == "admin"] { (lang.pick("管理员", "Admin")) }
                                        option value="finance" selected[member.role == "finance"] { (lang.pick("财务", "Finance")) }
                                        option value="viewer" selected[member.role == "viewer"] { (lang.pick("只读", "Viewer")) }
                                    }
                                    button type="submit" { (lang.pick("更改角色", "Change role")) }
                                }
                                form method="post" action=(format!("/team/members/{}/remove", member.user_id)) { (hidden_token(token)) button type="submit" { (lang.pick("移除", "Remove")) } }
                            }
                        }
                    }
                }
            }
            @if manages {
                h2 { (lang.pick("邀请成员", "Invite a member")) }
                form method="post" action="/team/invitations" {
                    (hidden_token(token))
                    label { (lang.pick("电子邮箱", "E-mail")) input type="email" name="email" required; }
                    label {
                        (lang.pick("角色", "Role"))
                        select name="role" {
                            option value="admin" { (lang.pick("管理员", "Admin")) }
                            option value="finance" { (lang.pick("财务", "Finance")) }
                            option value="viewer" selected { (lang.pick("只读", "Viewer")) }
                        }
                    }
                    button type="submit" { (lang.pick("发送邀请", "Send the invitation")) }
                }
            }
        }
    })
}

async fn team_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    MaybeSignedIn(current): MaybeSignedIn,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: Some(&current),
    };
    team_render(&page, &current, StatusCode::OK, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InviteForm {
    csrf: String,
    email: String,
    role: String,
}

async fn invite_submit(
    State(app): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    MaybeSignedIn(current): MaybeSignedIn,
    form: Result<Form<InviteForm>, FormRejection>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let uri = Uri::from_static("/team");
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: Some(&current),
    };
    let run = async {
        let form = form_or_problem(form)?;
        page.check(&form.csrf)?;
        team::invite(&app, &current, &form.email, &form.role, &client).await
    };
    match run.await {
        Ok(()) => {
            let sent = page
                .t("邀请已发送。", "The invitation is on its way.")
                .to_string();
            team_render(&page, &current, StatusCode::OK, Some((false, sent))).await
        }
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            team_render(&page, &current, status, Some((true, message))).await
        }
    }
}

async fn remove_member_submit(
    State(app): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    MaybeSignedIn(current): MaybeSignedIn,
    Path(id): Path<String>,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let uri = Uri::from_static("/team");
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: Some(&current),
    };
    let run = async {
        let form = form_or_problem(form)?;
        page.check(&form.csrf)?;
        team::remove(&app, &current, &id, &client).await
    };
    match run.await {
        Ok(()) => see_other("/team"),
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            team_render(&page, &current, status, Some((true, message))).await
        }
    }
}

// ---- password strength meter ----

const METER_SCRIPT_PATH: &str = "/assets/password-meter.js";

/// Progressive enhancement: without JavaScript the meter stays hidden and
/// the form works as before; the server's check on submit decides.
const METER_SCRIPT: &str = r#"// Ferry password strength meter. The server decides on submit; this only
// shows its verdict early. The password goes to our own API, nowhere else.
(function () {
  var lang = document.documentElement.lang || "zh-CN";
  document.querySelectorAll("input[data-strength-meter]").forEach(function (input) {
    var meter = document.getElementById(input.dataset.strengthMeter);
    var reason = document.getElementById(input.dataset.strengthMeter + "-reason");
    if (!meter) { return; }
    meter.hidden = false;
    var timer = null;
    var latest = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var asked = ++latest;
        if (!input.value) {
          meter.value = 0;
          if (reason) { reason.textContent = ""; }
          return;
        }
        var words = (meter.dataset.userInputs || "").split("\n").filter(Boolean);
        ["email", "display_name"].forEach(function (name) {
          var field = input.form && input.form.elements[name];
          if (field && field.value) { words.push(field.value); }
        });
        fetch("/api/v1/password-strength?lang=" + encodeURIComponent(lang), {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          credentials: "same-origin",
          body: JSON.stringify({ password: input.value, user_inputs: words })
        }).then(function (response) {
          return response.ok ? response.json() : null;
        }).then(function (verdict) {
          if (!verdict || asked !== latest) { return; }
          meter.value = verdict.score;
          if (reason) { reason.textContent = verdict.reason; }
        }).catch(function () {});
      }, 300);
    });
  });
})();
"#;

async fn meter_script() -> Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        METER_SCRIPT,
    )
        .into_response()
}

/// The meter for the password input whose `data-strength-meter` is `id`;
/// `user_inputs` are the signed-in user's own words (e-mail, name).
fn strength_meter(lang: Lang, id: &str, user_inputs: &[&str]) -> Markup {
    html! {
        meter id=(id) min="0" max="4" low="2" high="3" optimum="4" value="0" hidden
            data-user-inputs=(user_inputs.join("\n"))
            aria-label=(lang.pick("密码强度", "Password strength")) {}
        p id=(format!("{id}-reason")) aria-live="polite" {}
        script src=(METER_SCRIPT_PATH) defer {}
    }
}

// ---- owner-only: roles, security policy, closing the account ----

fn owner_sections(
    lang: Lang,
    token: &str,
    current: &Current,
    account_policy: SecurityPolicy,
) -> Markup {
    html! {
        h2 { (lang.pick("账户安全策略", "Account security policy")) }
        form method="post" action="/security/policy" {
            (hidden_token(token))
            label {
                input type="checkbox" name="require_two_factor_for_members" value="on" checked[account_policy.require_two_factor_for_members];
                (lang.pick("要求所有成员启用两步验证（未启用的成员只能设置两步验证或退出登录）", "Require two-factor authentication for every member (members without it can only set it up or sign out)"))
            }
            button type="submit" { (lang.pick("保存策略", "Save the policy")) }
        }
        h2 { (lang.pick("关闭账户", "Close the account")) }
        p { (lang.pick("关闭后所有成员都无法登录，所有 API 密钥失效。账户中仍有资金时不能关闭。", "After closing, no member can sign in and every API key stops working. An account that still holds money cannot be closed.")) }
        form method="post" action="/security/close" {
            (hidden_token(token))
            label { (lang.pick("密码", "Password")) input type="password" name="password" required autocomplete="current-password"; }
            @if current.user.two_factor_enabled() {
                label { (lang.pick("两步验证码", "Two-factor code")) input type="text" name="code" required inputmode="numeric" autocomplete="one-time-code"; }
            }
            button type="submit" { (lang.pick("永久关闭账户", "Close the account for good")) }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PolicyForm {
    csrf: String,
    /// A checkbox: present ("on") when ticked, absent otherwise.
    require_two_factor_for_members: Option<String>,
}

async fn policy_submit(
    State(app): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    MaybeSignedIn(current): MaybeSignedIn,
    form: Result<Form<PolicyForm>, FormRejection>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let uri = Uri::from_static("/security");
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: Some(&current),
    };
    let run = async {
        let form = form_or_problem(form)?;
        page.check(&form.csrf)?;
        let wanted = SecurityPolicy {
            require_two_factor_for_members: form.require_two_factor_for_members.is_some(),
        };
        policy::update(&app, &current, wanted, &client).await
    };
    match run.await {
        Ok(_) => {
            let saved = page.t("安全策略已保存。", "The security policy is saved.");
            security_render(
                &page,
                &current,
                StatusCode::OK,
                Some((false, saved.to_string())),
                None,
            )
            .await
        }
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            security_render(&page, &current, status, Some((true, message)), None).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CloseForm {
    csrf: String,
    password: String,
    code: String,
}

async fn close_submit(
    State(app): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    MaybeSignedIn(current): MaybeSignedIn,
    form: Result<Form<CloseForm>, FormRejection>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let uri = Uri::from_static("/security");
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: Some(&current),
    };
    let run = async {
        let form = form_or_problem(form)?;
        page.check(&form.csrf)?;
        closure::close(&app, &current, &form.password, &form.code, &client).await
    };
    match run.await {
        Ok(()) => {
            let mut response = see_other("/");
            if let Ok(cookie) = clear_session_cookie(&app).parse() {
                response.headers_mut().append(SET_COOKIE, cookie);
            }
            response
        }
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            security_render(&page, &current, status, Some((true, message)), None).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RoleForm {
    csrf: String,
    role: String,
}

async fn change_role_submit(
    State(app): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    MaybeSignedIn(current): MaybeSignedIn,
    Path(id): Path<String>,
    form: Result<Form<RoleForm>, FormRejection>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let uri = Uri::from_static("/team");
    let page = Page {
        app: &app,
        lang,
        uri: &uri,
        headers: &headers,
        current: Some(&current),
    };
    let run = async {
        let form = form_or_problem(form)?;
        page.check(&form.csrf)?;
        team::change_role(&app, &current, &id, &form.role, &client).await
    };
    match run.await {
        Ok(_) => see_other("/team"),
        Err(failure) => {
            let (status, message) = page.error_message(failure);
            team_render(&page, &current, status, Some((true, message))).await
        }
    }
}

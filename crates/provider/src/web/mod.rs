//! The seller-facing web pages: server-rendered HTML in Simplified Chinese
//! (default) or English, usable without JavaScript, every form protected
//! against CSRF.

mod csrf;
mod pages;

use crate::accounts::api::session_token;
use crate::accounts::sessions::{self, Current};
use crate::app::AppState;
use crate::i18n::Lang;
use axum::Router;
use axum::extract::{FromRequestParts, Request};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

pub fn routes(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(crate::kyc::pages::routes())
        .merge(crate::ops::pages::routes())
        .merge(crate::wallets::routes())
        .layer(axum::middleware::from_fn(remember_language))
        .merge(crate::accounts::api::routes())
        .merge(crate::kyc::api::routes())
        .merge(crate::ops::api::routes())
        .merge(crate::receiving::routes())
        .merge(crate::reconciliation::routes())
        .merge(crate::webhooks::routes())
        .merge(crate::payouts::routes())
        .merge(crate::fx::routes())
        .merge(crate::withdrawals::routes())
        .merge(crate::openapi::routes())
        .layer(axum::middleware::from_fn(
            crate::accounts::api::same_origin_only,
        ))
        // For middleware that needs the service (`crate::idempotency`).
        .layer(axum::Extension(state.clone()))
        .with_state(state)
}

/// `?lang=en` switches the language and a cookie remembers the choice.
async fn remember_language(request: Request, next: Next) -> Response {
    let chosen = request
        .uri()
        .query()
        .and_then(|query| query.split('&').find_map(|pair| pair.strip_prefix("lang=")))
        .and_then(Lang::parse);
    let mut response = next.run(request).await;
    if let Some(lang) = chosen {
        let cookie = format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.tag()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

/// The answer to a form post: go to `location` (POST/redirect/GET).
pub fn see_other(location: &str) -> Response {
    (
        axum::http::StatusCode::SEE_OTHER,
        [(axum::http::header::LOCATION, location.to_string())],
    )
        .into_response()
}

/// Whether a form carries the session's synchronizer token, compared in
/// constant time.
pub fn csrf_ok(current: &Current, submitted: &str) -> bool {
    let expected = current.csrf_token.as_bytes();
    let submitted = submitted.as_bytes();
    expected.len() == submitted.len()
        && expected
            .iter()
            .zip(submitted)
            .fold(0_u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// The session, if the browser has a live one. A member whom the account's
/// policy requires to enrol in two-factor is sent to the security page from
/// everywhere but the enrolment and sign-out.
pub struct MaybeSignedIn(pub Option<Current>);

impl FromRequestParts<AppState> for MaybeSignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        let Some(token) = session_token(&parts.headers) else {
            return Ok(Self(None));
        };
        match sessions::current(app, &token).await {
            Ok(Some(current))
                if current.user.must_enrol_two_factor() && !allowed_before_enrolment(parts) =>
            {
                Err(axum::response::Redirect::to("/security").into_response())
            }
            Ok(current) => Ok(Self(current)),
            Err(failure) => {
                tracing::error!(?failure, "cannot read the session");
                Ok(Self(None))
            }
        }
    }
}

fn allowed_before_enrolment(parts: &Parts) -> bool {
    matches!(
        (parts.method.as_str(), parts.uri.path()),
        ("GET", "/security")
            | ("POST", "/security/two-factor")
            | ("POST", "/security/two-factor/confirm")
            | ("POST", "/sign-out")
    )
}

/// What every page needs to render its frame.
pub struct Frame<'a> {
    pub lang: Lang,
    pub uri: &'a Uri,
    pub signed_in: bool,
}

/// The current address with `lang` set to `lang`.
fn with_lang(uri: &Uri, lang: Lang) -> String {
    let kept: Vec<&str> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("lang="))
        .collect();
    let mut query = kept.join("&");
    if !query.is_empty() {
        query.push('&');
    }
    format!("{}?{query}lang={}", uri.path(), lang.tag())
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.5}\
header{display:flex;justify-content:space-between;align-items:center;border-bottom:1px solid #ddd;margin-bottom:1rem}\
label{display:block;margin:.6rem 0}input,select{display:block;width:100%;padding:.4rem;box-sizing:border-box}\
button{margin-top:.8rem;padding:.5rem 1rem}.error{background:#fde8e8;border:1px solid #e99;padding:.6rem}\
.notice{background:#eef6ee;border:1px solid #9c9;padding:.6rem}table{width:100%;border-collapse:collapse}td,th{border-bottom:1px solid #eee;text-align:left;padding:.3rem}";

pub fn layout(frame: &Frame<'_>, title: &str, content: Markup) -> Markup {
    let lang = frame.lang;
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Ferry" }
                style { (STYLE) }
            }
            body {
                header {
                    a href="/" { strong { (lang.pick("Ferry 跨境收款", "Ferry cross-border collection")) } }
                    nav {
                        @if frame.signed_in {
                            a href="/dashboard" { (lang.pick("概览", "Dashboard")) } " · "
                            a href="/receiving-accounts" { (lang.pick("收款账户", "Receiving accounts")) } " · "
                            a href="/wallets" { (lang.pick("钱包", "Wallets")) } " · "
                            a href="/fx" { (lang.pick("换汇", "Convert")) } " · "
                            a href="/withdrawals" { (lang.pick("提现", "Withdraw")) } " · "
                            a href="/settlements" { (lang.pick("结算", "Settlements")) } " · "
                            a href="/kyc" { (lang.pick("实名认证", "Verification")) } " · "
                            a href="/security" { (lang.pick("安全设置", "Security")) } " · "
                            a href="/team" { (lang.pick("团队", "Team")) } " · "
                            a href="/webhooks" { "Webhooks" } " · "
                        }
                        a href=(with_lang(frame.uri, Lang::ZhCn)) lang="zh-CN" { "中文" } " | "
                        a href=(with_lang(frame.uri, Lang::En)) lang="en" { "English" }
                    }
                }
                main {
                    h1 { (title) }
                    (content)
                }
            }
        }
    }
}

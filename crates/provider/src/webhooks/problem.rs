//! What can go wrong when managing webhook endpoints: a stable machine
//! code, an HTTP status and a sentence in both languages.

use crate::error::{Failure, Problem};
use crate::i18n::Lang;
use axum::http::StatusCode;
use ferry_platform::http::ApiError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookProblem {
    /// Not an absolute http(s) URL with a host, or too long.
    InvalidUrl,
    UrlNotHttps,
    /// `user:password@` in the URL: secrets belong in the signing secret.
    UrlWithCredentials,
    /// An address that is not on the public internet.
    UrlPrivate,
    UnknownEventType(String),
    NoEventTypes,
    InvalidDescription,
    TooManyEndpoints,
}

/// Stripe's limit too; enough for a seller's systems, bounded fan-out.
pub const MAX_ENDPOINTS: i64 = 16;

impl WebhookProblem {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::TooManyEndpoints => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidUrl => "invalid_webhook_url",
            Self::UrlNotHttps => "webhook_url_not_https",
            Self::UrlWithCredentials => "webhook_url_has_credentials",
            Self::UrlPrivate => "webhook_url_private",
            Self::UnknownEventType(_) => "unknown_event_type",
            Self::NoEventTypes => "no_event_types",
            Self::InvalidDescription => "invalid_description",
            Self::TooManyEndpoints => "too_many_endpoints",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let fixed = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
        match self {
            Self::InvalidUrl => fixed(
                "请输入完整的网址，例如 https://example.com/ferry/webhooks（最多 2048 个字符）。",
                "Enter a full URL such as https://example.com/ferry/webhooks (at most 2048 characters).",
            ),
            Self::UrlNotHttps => fixed(
                "接收地址必须使用 https://，以免事件在传输中被读取或篡改。",
                "The endpoint must use https:// so that events cannot be read or changed on the way.",
            ),
            Self::UrlWithCredentials => fixed(
                "网址中不能包含用户名或密码；请用签名密钥验证请求来自 Ferry。",
                "The URL must not contain a user name or password; verify that requests come from Ferry with the signing secret instead.",
            ),
            Self::UrlPrivate => fixed(
                "该地址不在公网上（本机、内网或保留地址），Ferry 不会向其发送事件。",
                "That address is not on the public internet (this machine, a private network or a reserved range); Ferry does not send events there.",
            ),
            Self::UnknownEventType(name) => match lang {
                Lang::ZhCn => format!("未知的事件类型：{name}。"),
                Lang::En => format!("Unknown event type: {name}."),
            },
            Self::NoEventTypes => fixed(
                "请至少选择一种事件类型（或 * 表示全部）。",
                "Choose at least one event type (or * for all of them).",
            ),
            Self::InvalidDescription => fixed(
                "备注最多 200 个字符。",
                "The description can have at most 200 characters.",
            ),
            Self::TooManyEndpoints => fixed(
                "每个账户最多 16 个接收地址，请先删除不用的地址。",
                "An account can have at most 16 endpoints; delete one you no longer use first.",
            ),
        }
    }

    pub fn into_api(self, lang: Lang) -> ApiError {
        ApiError::new(self.status(), self.code(), self.message(lang))
    }
}

/// A failure here: ours, or one the account features define.
#[derive(Debug)]
pub enum Fail {
    Webhook(WebhookProblem),
    Other(Failure),
}

impl Fail {
    pub fn into_api(self, lang: Lang) -> ApiError {
        match self {
            Self::Webhook(problem) => problem.into_api(lang),
            Self::Other(failure) => failure.into_api(lang),
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Other(Failure::Internal(cause.to_string()))
    }
}

impl From<WebhookProblem> for Fail {
    fn from(problem: WebhookProblem) -> Self {
        Self::Webhook(problem)
    }
}

impl From<Problem> for Fail {
    fn from(problem: Problem) -> Self {
        Self::Other(Failure::Problem(problem))
    }
}

impl From<sqlx::Error> for Fail {
    fn from(error: sqlx::Error) -> Self {
        Self::Other(error.into())
    }
}

//! `Idempotency-Key` for the JSON API's POST routes, with Stripe's
//! semantics: a client that is not sure a request went through sends it
//! again with the same key and gets the first answer instead of a second
//! payment or resource.
//!
//! - The key is 1–255 printable ASCII characters (else 400
//!   `idempotency_key_invalid`), scoped to who sends it: the API key, or
//!   the browser session. Requests without the header, without a live
//!   credential, or with another method pass through untouched.
//! - The first request claims the key (`in_progress`), runs, and its
//!   answer (status, `Content-Type`, `Location`, body) is kept for 24 hours.
//!   The handler runs in its own task, so a client that hangs up cannot
//!   cut it off between its change and the stored answer.
//! - The same key with the same method, path and body (SHA-256) replays the
//!   stored answer with `Idempotent-Replayed: true`; with anything else it
//!   is refused with 422 `idempotency_key_reused`.
//! - While the first request is still running, a duplicate gets 409
//!   `idempotency_key_in_use` (retry shortly): concurrent duplicates are
//!   never both applied.
//! - A 5xx answer is not kept: the claim is dropped so a retry runs again.
//!
//! Using it on a router takes one line; the service must be reachable as
//! an `Extension<AppState>`, which `web::routes` provides for every route:
//!
//! ```ignore
//! Router::new()
//!     .route("/api/v1/withdrawals", post(create_withdrawal))
//!     .route_layer(crate::idempotency::layer())
//! // or on one method only:
//! .route("/api/v1/fx/conversions", post(convert).layer(crate::idempotency::layer()).get(list))
//! ```
//!
//! Then add the route's path to `openapi::IDEMPOTENT` so the header is
//! documented. docs/idempotency.md says the same for API clients.

mod store;

use crate::accounts::api::{bearer_key, session_token};
use crate::accounts::{api_keys, sessions};
use crate::app::{AppState, now_ms};
use crate::error::Problem;
use crate::i18n::Lang;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, LOCATION, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{FromFnLayer, Next, from_fn};
use axum::response::{IntoResponse, Response};
use ferry_platform::http::ApiError;
use sha2::{Digest, Sha256};
use std::future::Future;
use std::pin::Pin;
use store::{Answer, Claim};

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// Set on a replayed answer.
pub const REPLAYED: &str = "idempotent-replayed";

/// Request bodies above this are not read (the API's own limit is lower).
const MAX_REQUEST_BYTES: usize = 2 * 1024 * 1024;
/// Answers above this are not kept (ours are small JSON documents).
const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;
/// The headers a replay repeats; cookies and the like are never replayed.
const KEPT_HEADERS: [HeaderName; 2] = [CONTENT_TYPE, LOCATION];

type Answering = Pin<Box<dyn Future<Output = Response> + Send>>;
type Middleware = fn(Lang, Request, Next) -> Answering;

/// The middleware as a layer, for `.layer(...)` or `.route_layer(...)`.
pub fn layer() -> FromFnLayer<Middleware, (), (Lang, Request)> {
    from_fn(boxed as Middleware)
}

fn boxed(lang: Lang, request: Request, next: Next) -> Answering {
    Box::pin(middleware(lang, request, next))
}

/// What can be wrong with the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdempotencyProblem {
    InvalidKey,
    KeyReused,
    KeyInUse,
}

impl IdempotencyProblem {
    pub fn status(self) -> StatusCode {
        match self {
            Self::InvalidKey => StatusCode::BAD_REQUEST,
            Self::KeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::KeyInUse => StatusCode::CONFLICT,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidKey => "idempotency_key_invalid",
            Self::KeyReused => "idempotency_key_reused",
            Self::KeyInUse => "idempotency_key_in_use",
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            Self::InvalidKey => lang.pick(
                "Idempotency-Key 应为 1 到 255 个可打印 ASCII 字符，建议使用 UUID。",
                "Idempotency-Key must be 1 to 255 printable ASCII characters; a UUID is a good choice.",
            ),
            Self::KeyReused => lang.pick(
                "该 Idempotency-Key 已用于另一个请求（方法、路径或内容不同）。新请求请使用新的键。",
                "This Idempotency-Key was used for a different request (method, path or body). Use a new key for a new request.",
            ),
            Self::KeyInUse => lang.pick(
                "使用该 Idempotency-Key 的请求仍在处理中，请稍后重试。",
                "A request with this Idempotency-Key is still being processed; retry shortly.",
            ),
        }
    }

    pub fn into_response(self, lang: Lang) -> Response {
        let mut response =
            ApiError::new(self.status(), self.code(), self.message(lang)).into_response();
        if self == Self::KeyInUse {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// Reads the header: `None` without one, an error for an unusable one.
fn key_of(headers: &HeaderMap) -> Option<Result<String, IdempotencyProblem>> {
    let value = headers.get(HEADER)?;
    let key = value
        .to_str()
        .ok()
        .filter(|key| (1..=255).contains(&key.len()))
        .filter(|key| key.bytes().all(|b| (0x20..=0x7e).contains(&b)))
        .map(str::to_string)
        .ok_or(IdempotencyProblem::InvalidKey);
    Some(key)
}

/// Who sent the request, as the API's `SignedIn` decides it (an API key
/// first, then the session cookie); `None` if neither is live.
async fn principal(app: &AppState, headers: &HeaderMap) -> Option<String> {
    if let Some(key) = bearer_key(headers) {
        let current = api_keys::authenticate(app, &key).await.ok()??;
        return current.api_key_id.map(|id| format!("api_key:{id}"));
    }
    let token = session_token(headers)?;
    let current = sessions::current(app, &token).await.ok()??;
    Some(format!("session:{}", current.session_id))
}

/// What makes two requests "the same": method, path with query, body.
fn fingerprint(method: &Method, uri: &Uri, body: &[u8]) -> String {
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let body_hash = hex::encode(Sha256::digest(body));
    hex::encode(Sha256::digest(format!("{method}\n{path}\n{body_hash}")))
}

async fn middleware(lang: Lang, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let key = match key_of(request.headers()) {
        None => return next.run(request).await,
        Some(Err(problem)) => return problem.into_response(lang),
        Some(Ok(key)) => key,
    };
    let Some(app) = request.extensions().get::<AppState>().cloned() else {
        return ApiError::internal(&"the idempotency layer needs Extension<AppState>")
            .into_response();
    };
    let Some(principal) = principal(&app, request.headers()).await else {
        // Not signed in: the handler answers 401 by itself.
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_REQUEST_BYTES).await else {
        return Problem::MalformedBody.into_api(lang).into_response();
    };
    let fingerprint = fingerprint(&parts.method, &parts.uri, &body);
    match store::claim(&app.db, &principal, &key, &fingerprint, now_ms()).await {
        Err(error) => ApiError::internal(&error).into_response(),
        Ok(Claim::Taken {
            fingerprint: first, ..
        }) if first != fingerprint => IdempotencyProblem::KeyReused.into_response(lang),
        Ok(Claim::Taken { answer: None, .. }) => IdempotencyProblem::KeyInUse.into_response(lang),
        Ok(Claim::Taken {
            answer: Some(answer),
            ..
        }) => replay(answer),
        Ok(Claim::Won) => {
            let request = Request::from_parts(parts, Body::from(body));
            run_and_keep(app, principal, key, request, next).await
        }
    }
}

/// Runs the handler in its own task and keeps its answer (or drops the
/// claim after a 5xx, a panic, or an unreadable answer).
async fn run_and_keep(
    app: AppState,
    principal: String,
    key: String,
    request: Request,
    next: Next,
) -> Response {
    let db = app.db.clone();
    let task = tokio::spawn({
        let (principal, key) = (principal.clone(), key.clone());
        async move {
            let response = next.run(request).await;
            let (parts, body) = response.into_parts();
            let body = axum::body::to_bytes(body, MAX_ANSWER_BYTES).await?;
            let kept = if parts.status.is_server_error() {
                store::release(&app.db, &principal, &key).await
            } else {
                store::complete(&app.db, &principal, &key, &answer_of(&parts, &body)).await
            };
            if let Err(error) = kept {
                tracing::error!(%error, "cannot keep the idempotent answer");
            }
            Ok::<_, axum::Error>(Response::from_parts(parts, Body::from(body)))
        }
    });
    match task.await {
        Ok(Ok(response)) => response,
        failed => {
            if let Err(error) = store::release(&db, &principal, &key).await {
                tracing::error!(%error, "cannot release an idempotency key");
            }
            let cause = match failed {
                Err(join) => join.to_string(),
                Ok(Err(body)) => body.to_string(),
                Ok(Ok(_)) => String::new(),
            };
            ApiError::internal(&cause).into_response()
        }
    }
}

fn answer_of(parts: &axum::http::response::Parts, body: &Bytes) -> Answer {
    let headers = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = parts.headers.get(name)?.to_str().ok()?;
            Some((name.as_str().to_string(), value.to_string()))
        })
        .collect();
    Answer {
        status: parts.status.as_u16(),
        headers,
        body: body.to_vec(),
    }
}

fn replay(answer: Answer) -> Response {
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    for (name, value) in &answer.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
        .headers_mut()
        .insert(REPLAYED, HeaderValue::from_static("true"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &[u8]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(HEADER, HeaderValue::from_bytes(value).unwrap());
        headers
    }

    #[test]
    fn keys_are_1_to_255_printable_ascii_characters() {
        assert_eq!(key_of(&HeaderMap::new()), None);
        assert_eq!(key_of(&headers(b"order 42")), Some(Ok("order 42".into())));
        assert_eq!(key_of(&headers(&[b'k'; 255])), Some(Ok("k".repeat(255))));
        for bad in [&b""[..], &[b'k'; 256][..], "键".as_bytes(), b"tab\there"] {
            assert_eq!(
                key_of(&headers(bad)),
                Some(Err(IdempotencyProblem::InvalidKey)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_fingerprint_covers_method_path_and_body() {
        let uri: Uri = "/api/v1/api-keys".parse().unwrap();
        let other: Uri = "/api/v1/api-keys?x=1".parse().unwrap();
        let base = fingerprint(&Method::POST, &uri, b"{}");
        assert_eq!(base, fingerprint(&Method::POST, &uri, b"{}"));
        assert_ne!(base, fingerprint(&Method::POST, &uri, b"{ }"));
        assert_ne!(base, fingerprint(&Method::POST, &other, b"{}"));
        assert_ne!(base, fingerprint(&Method::PUT, &uri, b"{}"));
    }
}

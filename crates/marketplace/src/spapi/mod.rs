//! The SP-API machinery: `x-amz-access-token` authorization, Amazon's error
//! envelope `{"errors":[{"code","message","details"}]}`, per-operation
//! token-bucket rate limits answered with 429 and `x-amzn-RateLimit-Limit`,
//! and an `x-amzn-RequestId` on every response.

mod authorization;
mod faults;
mod finances;
mod rate_limit;
mod reports;
pub(crate) mod sellers;
mod transfers;

pub use faults::Faults;
pub use rate_limit::{Operation, RateLimiter};

use crate::apps::{self, AccessTokenProblem, Grant};
use crate::clock;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

pub const ACCESS_TOKEN_HEADER: &str = "x-amz-access-token";
pub const RATE_LIMIT_HEADER: HeaderName = HeaderName::from_static("x-amzn-ratelimit-limit");
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-amzn-requestid");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/authorization/v1/authorizationCode",
            get(authorization::get_authorization_code),
        )
        .route(
            "/sellers/v1/marketplaceParticipations",
            get(sellers::get_marketplace_participations),
        )
        .route("/sellers/v1/account", get(sellers::get_account))
        .route(
            "/finances/transfers/2024-06-01/paymentMethods",
            get(transfers::get_payment_methods),
        )
        .route(
            "/finances/v0/financialEventGroups",
            get(finances::list_financial_event_groups),
        )
        .route(
            "/finances/v0/financialEventGroups/{event_group_id}/financialEvents",
            get(finances::list_financial_events_by_group_id),
        )
        .route("/reports/2021-06-30/reports", get(reports::get_reports))
        .route(
            "/reports/2021-06-30/reports/{report_id}",
            get(reports::get_report),
        )
        .route(
            "/reports/2021-06-30/documents/{report_document_id}",
            get(reports::get_report_document),
        )
        .layer(axum::middleware::map_response(add_request_id))
}

async fn add_request_id(mut response: Response) -> Response {
    if let Ok(value) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// An error in SP-API's envelope.
#[derive(Debug)]
pub struct SpApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    details: String,
    rate_limit: Option<String>,
}

impl SpApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
        details: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: details.into(),
            rate_limit: None,
        }
    }

    pub fn invalid_input(message: impl Into<String>, details: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidInput", message, details)
    }

    fn unauthorized(details: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "Unauthorized",
            "Access to requested resource is denied.",
            details,
        )
    }

    /// 429 with the operation's `x-amzn-RateLimit-Limit`.
    fn quota_exceeded(operation: &Operation) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "QuotaExceeded",
            "You exceeded your quota for the requested resource.",
            "",
        );
        error.rate_limit = Some(operation.rate_header());
        error
    }

    /// An operator-injected server error, in Amazon's words for it.
    fn injected(status: StatusCode) -> Self {
        if status == StatusCode::SERVICE_UNAVAILABLE {
            return Self::new(
                status,
                "ServiceUnavailable",
                "Service temporarily unavailable. Please try again.",
                "",
            );
        }
        Self::new(
            status,
            "InternalFailure",
            "We encountered an internal error. Please try again.",
            "",
        )
    }

    fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error in an SP-API operation");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalFailure",
            "We encountered an internal error. Please try again.",
            "",
        )
    }
}

impl From<sqlx::Error> for SpApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::internal(error)
    }
}

impl IntoResponse for SpApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "errors": [{ "code": self.code, "message": self.message, "details": self.details }]
        });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(limit) = self.rate_limit.and_then(|l| HeaderValue::from_str(&l).ok()) {
            response.headers_mut().insert(RATE_LIMIT_HEADER, limit);
        }
        response
    }
}

/// A caller holding a valid access token, admitted by the operation's rate
/// limit.
pub struct Caller {
    pub grant: Grant,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = SpApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, SpApiError> {
        if let Some(status) = state.sp_api_faults.take() {
            return Err(SpApiError::injected(status));
        }
        let Some(token) = parts
            .headers
            .get(ACCESS_TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
        else {
            return Err(SpApiError::unauthorized(""));
        };
        let now_ms = clock::now_ms(&state.db).await?;
        let mut conn = state.db.reader().acquire().await?;
        match apps::resolve_access_token(&mut conn, token, now_ms).await? {
            Ok(grant) => Ok(Self { grant }),
            Err(AccessTokenProblem::Expired) => Err(SpApiError::unauthorized(
                "The access token you provided has expired.",
            )),
            Err(AccessTokenProblem::Unknown) => Err(SpApiError::unauthorized(
                "The access token you provided is revoked, malformed or invalid.",
            )),
        }
    }
}

impl Caller {
    /// Takes a token from the operation's bucket for this caller, or answers
    /// 429 `QuotaExceeded`.
    pub fn admit(&self, state: &AppState, operation: &Operation) -> Result<(), SpApiError> {
        if state
            .rate_limiter
            .try_take(operation, &self.grant.authorization_id)
        {
            return Ok(());
        }
        Err(SpApiError::quota_exceeded(operation))
    }
}

/// A 200 answer with the operation's `x-amzn-RateLimit-Limit`.
pub fn ok(operation: &Operation, body: serde_json::Value) -> Response {
    let mut response = Json(body).into_response();
    if let Ok(limit) = HeaderValue::from_str(&operation.rate_header()) {
        response.headers_mut().insert(RATE_LIMIT_HEADER, limit);
    }
    response
}

//! The partner banks' notification endpoint, and the ops console's JSON API
//! for held payouts.
//!
//! `POST /bank/v1/notifications`: a camt.054 (001.02 or 001.08) as
//! `application/xml`, signed (see [`super::signature`]). 200 with one
//! outcome per transaction once every credit is recorded and in the
//! ledger; 401 for a missing or bad signature and 400 for a message that
//! does not parse, both changing nothing. Any other failure is a 500, which
//! the bank retries; intake is idempotent, so a retry is always safe.

use super::holds::{self, Decider, HoldFail};
use super::intake::{self, IntakeError};
use super::signature::{self, SignatureError};
use super::store::{self, Payout};
use super::{Books, PayoutState};
use crate::accounts::api::ClientInfo;
use crate::app::{AppState, now_ms};
use crate::error::{Failure, Problem};
use crate::i18n::Lang;
use crate::ops::api::Operator;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use ferry_platform::http::ApiError;
use serde::Deserialize;
use serde_json::{Value, json};

pub const NOTIFICATIONS_PATH: &str = "/bank/v1/notifications";
/// At most this many payouts in one listing.
const LIST_LIMIT: i64 = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(NOTIFICATIONS_PATH, post(notify))
        .route("/api/v1/ops/payouts", get(list))
        .route("/api/v1/ops/payouts/{id}/release", post(release))
        .route("/api/v1/ops/payouts/{id}/return", post(send_back))
}

fn signature_error(error: SignatureError, lang: Lang) -> ApiError {
    let (code, message) = match error {
        SignatureError::Missing => (
            "signature_missing",
            lang.pick(
                "通知未签名（缺少 X-Ferry-Signature）。",
                "The notification is not signed (no X-Ferry-Signature).",
            ),
        ),
        SignatureError::Invalid => (
            "signature_invalid",
            lang.pick(
                "签名无效、已超过 5 分钟，或不是已登记的合作银行签发的。",
                "The signature is invalid, more than five minutes old, or not from a partner bank we have configured.",
            ),
        ),
    };
    ApiError::new(StatusCode::UNAUTHORIZED, code, message)
}

async fn notify(
    State(app): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let header = headers
        .get(signature::HEADER)
        .and_then(|value| value.to_str().ok());
    let bank = signature::signer(
        &app.collection.receiving.partner_banks,
        header,
        &body,
        now_ms() / 1000,
    )
    .map_err(|error| signature_error(error, lang))?;
    let Ok(xml) = std::str::from_utf8(&body) else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "camt054_not_xml",
            lang.pick(
                "通知不是 UTF-8 编码的 XML。",
                "The notification is not UTF-8 XML.",
            ),
        ));
    };
    let outcomes = intake::receive(&Books::of(&app), &bank.name, xml, now_ms())
        .await
        .map_err(|error| match error {
            IntakeError::Unreadable(error) => {
                ApiError::new(StatusCode::BAD_REQUEST, error.code(), error.to_string())
            }
            IntakeError::Sync(error) => {
                tracing::error!(%error, "a payout could not be recorded");
                Failure::Internal(error.to_string()).into_api(lang)
            }
        })?;
    Ok(Json(
        json!({ "status": "accepted", "transactions": outcomes }),
    ))
}

#[derive(Deserialize)]
struct ListQuery {
    state: Option<String>,
}

async fn list(
    State(app): State<AppState>,
    lang: Lang,
    Operator(_): Operator,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let state = match query.state.as_deref() {
        None => PayoutState::Held,
        Some(code) => {
            PayoutState::parse(code).ok_or_else(|| Problem::MalformedBody.into_api(lang))?
        }
    };
    let payouts = store::in_state(&app.db, state, LIST_LIMIT)
        .await
        .map_err(|error| Failure::from(error).into_api(lang))?;
    let payouts: Vec<Value> = payouts.iter().map(Payout::to_json).collect();
    Ok(Json(json!({ "payouts": payouts })))
}

#[derive(Deserialize)]
struct ReleaseRequest {
    receiving_account_id: String,
    /// The seller the operator confirms the account belongs to.
    seller_account_id: String,
}

async fn release(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    Operator(session): Operator,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: ReleaseRequest =
        serde_json::from_slice(&body).map_err(|_| Problem::MalformedBody.into_api(lang))?;
    let decider = Decider {
        operator_id: &session.operator.id,
        ip: &client.ip,
    };
    let payout = holds::release(
        &Books::of(&app),
        &id,
        request.receiving_account_id.trim(),
        request.seller_account_id.trim(),
        &decider,
        now_ms(),
    )
    .await
    .map_err(|fail: HoldFail| fail.into_api(lang))?;
    Ok(Json(payout.to_json()))
}

async fn send_back(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    Operator(session): Operator,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let decider = Decider {
        operator_id: &session.operator.id,
        ip: &client.ip,
    };
    let payout = holds::send_back(&Books::of(&app), &id, &decider, now_ms())
        .await
        .map_err(|fail| fail.into_api(lang))?;
    Ok(Json(payout.to_json()))
}

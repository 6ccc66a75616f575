//! The JSON API of withdrawals: `/api/v1/withdrawals` and
//! `/api/v1/withdrawal-destinations`.

use super::destinations::{self, Destination, NewDestination};
use super::problem::Fail;
use super::requests::{self, Withdrawal, WithdrawalRequest};
use crate::accounts::api::{ClientInfo, SignedIn};
use crate::app::AppState;
use crate::error::Problem;
use crate::fx::api::money_json;
use crate::i18n::Lang;
use crate::ops::api::Operator;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use ferry_platform::http::ApiError;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/withdrawals",
            post(create_withdrawal)
                .layer(crate::idempotency::layer())
                .get(list_withdrawals),
        )
        .route("/api/v1/withdrawals/{id}", get(get_withdrawal))
        .route(
            "/api/v1/withdrawal-destinations",
            post(add_destination)
                .layer(crate::idempotency::layer())
                .get(list_destinations),
        )
        .route(
            "/api/v1/withdrawal-destinations/{id}",
            delete(remove_destination),
        )
        .route("/api/v1/ops/withdrawals/{id}/return", post(record_return))
}

pub fn destination_json(destination: &Destination) -> Value {
    json!({
        "id": destination.id,
        "card_masked": destination.card.masked(),
        "card_last4": destination.card.last4(),
        "bank_name": destination.bank_name,
        "holder_name": destination.holder_name,
        "created_at_ms": destination.created_at_ms,
    })
}

pub fn withdrawal_json(w: &Withdrawal, lang: Lang) -> Value {
    json!({
        "id": w.id,
        "status": w.status.as_str(),
        "status_text": w.status.label(lang),
        "amount": money_json(w.amount),
        "fee": money_json(w.fee),
        "total": w.amount.checked_add(w.fee).ok().map(money_json),
        "destination": {
            "id": w.destination_id,
            "card_last4": w.card_tail(),
            "bank_name": w.bank_name,
            "holder_name": w.holder_name,
        },
        "failure_reason": w.failure_reason,
        "bank_reference": w.bank_reference,
        "created_at_ms": w.created_at_ms,
        "paid_at_ms": w.paid_at_ms,
        "failed_at_ms": w.failed_at_ms,
        "returned_at_ms": w.returned_at_ms,
    })
}

async fn create_withdrawal(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    body: Bytes,
) -> Result<Response, ApiError> {
    let run = async {
        let request: WithdrawalRequest =
            serde_json::from_slice(&body).map_err(|_| Problem::MalformedBody)?;
        requests::request(&app, &current, &client.ip, &request).await
    };
    let withdrawal = run.await.map_err(|fail| fail.into_api(lang))?;
    Ok((
        StatusCode::CREATED,
        Json(withdrawal_json(&withdrawal, lang)),
    )
        .into_response())
}

async fn list_withdrawals(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
) -> Result<Json<Value>, ApiError> {
    let list = requests::list(&app, &current.user.account_id, 100)
        .await
        .map_err(|error| Fail::from(error).into_api(lang))?;
    let items: Vec<Value> = list.iter().map(|w| withdrawal_json(w, lang)).collect();
    Ok(Json(json!({
        "withdrawals": items,
        "terms": requests::terms_json(&app.withdrawals),
    })))
}

async fn get_withdrawal(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let run = async {
        let found = requests::get(&app, &current.user.account_id, &id).await?;
        found.ok_or_else(|| Fail::from(Problem::NotFound))
    };
    let withdrawal = run.await.map_err(|fail| fail.into_api(lang))?;
    Ok(Json(withdrawal_json(&withdrawal, lang)))
}

async fn add_destination(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    body: Bytes,
) -> Result<Response, ApiError> {
    let run = async {
        let request: NewDestination =
            serde_json::from_slice(&body).map_err(|_| Problem::MalformedBody)?;
        destinations::add(&app, &current, &request).await
    };
    let destination = run.await.map_err(|fail| fail.into_api(lang))?;
    Ok((StatusCode::CREATED, Json(destination_json(&destination))).into_response())
}

async fn list_destinations(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
) -> Result<Json<Value>, ApiError> {
    let run = async {
        let mut conn = app.db.reader().acquire().await?;
        let list = destinations::list(&mut conn, &current.user.account_id).await?;
        Ok::<_, Fail>(list)
    };
    let list = run.await.map_err(|fail| fail.into_api(lang))?;
    let items: Vec<Value> = list.iter().map(destination_json).collect();
    Ok(Json(json!({ "destinations": items })))
}

async fn remove_destination(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    destinations::remove(&app, &current, &id)
        .await
        .map_err(|fail| fail.into_api(lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// An operator records the bank's late return of a paid withdrawal.
async fn record_return(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    Operator(session): Operator,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let recorder = requests::Recorder {
        operator_id: &session.operator.id,
        ip: &client.ip,
    };
    let withdrawal = requests::record_return(&app, &id, &recorder)
        .await
        .map_err(|fail| fail.into_api(lang))?;
    Ok(Json(withdrawal_json(&withdrawal, lang)))
}

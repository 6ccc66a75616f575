//! The JSON API of webhooks: `/api/v1/webhook-endpoints` and redelivery.

use super::endpoints::{self, NewEndpoint};
use super::problem::Fail;
use crate::accounts::api::SignedIn;
use crate::app::AppState;
use crate::error::Problem;
use crate::i18n::Lang;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ferry_platform::http::ApiError;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/webhook-endpoints",
            get(list_endpoints).post(create_endpoint),
        )
        .route(
            "/api/v1/webhook-endpoints/{id}",
            get(get_endpoint).delete(delete_endpoint),
        )
        .route(
            "/api/v1/webhook-endpoints/{id}/deliveries",
            get(endpoint_log),
        )
        .route(
            "/api/v1/webhook-endpoints/{id}/test-events",
            post(send_test),
        )
        .route(
            "/api/v1/webhook-deliveries/{id}/redelivery",
            post(redeliver),
        )
}

async fn create_endpoint(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    body: Bytes,
) -> Result<Response, ApiError> {
    let run = async {
        let request: NewEndpoint =
            serde_json::from_slice(&body).map_err(|_| Problem::MalformedBody)?;
        endpoints::create(&app, &current, &request).await
    };
    let (endpoint, secret) = run.await.map_err(|fail| fail.into_api(lang))?;
    let mut answer = endpoint.to_json();
    // The only time the secret is shown.
    answer["secret"] = json!(secret);
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

async fn list_endpoints(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
) -> Result<Json<Value>, ApiError> {
    let run = async {
        endpoints::require_manager(&current)?;
        let mut conn = app.db.reader().acquire().await?;
        let list = endpoints::list(&mut conn, &current.user.account_id).await?;
        let items: Vec<Value> = list.iter().map(endpoints::Endpoint::to_json).collect();
        Ok::<_, Fail>(json!({ "webhook_endpoints": items }))
    };
    run.await.map(Json).map_err(|fail| fail.into_api(lang))
}

async fn get_endpoint(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let run = async {
        endpoints::require_manager(&current)?;
        let mut conn = app.db.reader().acquire().await?;
        let endpoint = endpoints::get(&mut conn, &current.user.account_id, &id)
            .await?
            .ok_or(Problem::NotFound)?;
        Ok::<_, Fail>(endpoint.to_json())
    };
    run.await.map(Json).map_err(|fail| fail.into_api(lang))
}

async fn delete_endpoint(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    endpoints::delete(&app, &current, &id)
        .await
        .map(|()| StatusCode::NO_CONTENT)
        .map_err(|fail| fail.into_api(lang))
}

async fn endpoint_log(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let run = async {
        endpoints::require_manager(&current)?;
        let mut conn = app.db.reader().acquire().await?;
        endpoints::get(&mut conn, &current.user.account_id, &id)
            .await?
            .ok_or(Problem::NotFound)?;
        let attempts = endpoints::log(&mut conn, &id).await?;
        Ok::<_, Fail>(json!({ "attempts": attempts }))
    };
    run.await.map(Json).map_err(|fail| fail.into_api(lang))
}

async fn send_test(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let delivery_id = endpoints::send_test(&app, &current, &id)
        .await
        .map_err(|fail| fail.into_api(lang))?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "delivery_id": delivery_id })),
    )
        .into_response())
}

async fn redeliver(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let redelivery = endpoints::redeliver(&app, &current, &id)
        .await
        .map_err(|fail| fail.into_api(lang))?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({
            "delivery_id": id,
            "event_id": redelivery.event_id,
            "endpoint_id": redelivery.endpoint_id,
        })),
    )
        .into_response())
}

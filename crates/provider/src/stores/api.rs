//! Store binding over JSON, and the OAuth callback the consent page sends
//! the browser to.

use super::binding::{self, Callback, MwsRequest};
use crate::accounts::api::SignedIn;
use crate::app::AppState;
use crate::error::Problem;
use crate::i18n::Lang;
use crate::receiving::problem::Fail;
use crate::web::{Frame, MaybeSignedIn, layout};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ferry_platform::http::ApiError;
use maud::html;
use serde::Deserialize;
use serde_json::{Value, json};

pub const CALLBACK_PATH: &str = "/stores/oauth/callback";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/receiving-accounts/{id}/mws-authorization",
            post(mws_authorization).layer(crate::idempotency::layer()),
        )
        .route(
            "/api/v1/receiving-accounts/{id}/oauth-authorizations",
            post(oauth_authorization).layer(crate::idempotency::layer()),
        )
        .route(
            "/api/v1/receiving-accounts/{id}/binding-checks",
            post(binding_check),
        )
        .route(
            "/api/v1/receiving-accounts/{id}/change-plan",
            get(change_plan),
        )
        .route(CALLBACK_PATH, get(callback))
}

fn parse<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, Fail> {
    serde_json::from_slice(body).map_err(|_| Problem::MalformedBody.into())
}

async fn mws_authorization(
    State(app): State<AppState>,
    lang: Lang,
    SignedIn(current): SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let run = async {
        let request: MwsRequest = parse(&body)?;
        binding::bind_with_mws(&app, &current, &id, &request).await
    };
    run.await
        .map(|binding| Json(binding.to_json()))
        .map_err(|fail| fail.into_api(lang))
}

#[derive(Deserialize, Default)]
struct OAuthRequest {
    marketplace_id: Option<String>,
}

async fn oauth_authorization(
    State(app): State<AppState>,
    lang: Lang,
    SignedIn(current): SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let run = async {
        let request: OAuthRequest = if body.is_empty() {
            OAuthRequest::default()
        } else {
            parse(&body)?
        };
        binding::start_oauth(&app, &current, &id, request.marketplace_id.as_deref()).await
    };
    run.await
        .map(|url| Json(json!({ "consent_url": url })))
        .map_err(|fail| fail.into_api(lang))
}

async fn binding_check(
    State(app): State<AppState>,
    lang: Lang,
    SignedIn(current): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    binding::recheck(&app, &current, &id)
        .await
        .map(|binding| Json(binding.to_json()))
        .map_err(|fail| fail.into_api(lang))
}

/// Back from the consent page: on success to the account's page; otherwise
/// a page saying what went wrong.
async fn callback(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Query(query): Query<Callback>,
) -> Response {
    let outcome = match &current {
        Some(current) => binding::finish_oauth(&app, current, &query).await,
        None => Err(Problem::NotSignedIn.into()),
    };
    match outcome {
        Ok((id, _)) => Redirect::to(&format!("/receiving-accounts/{id}")).into_response(),
        Err(fail) => {
            let error = fail.into_api(lang);
            let status = error.status;
            let frame = Frame {
                lang,
                uri: &uri,
                signed_in: current.is_some(),
            };
            let title = lang.pick("授权未完成", "Authorization not completed");
            let body = html! {
                div.error role="alert" { (error.message) }
                p { a href="/receiving-accounts" { (lang.pick("返回收款账户", "Back to receiving accounts")) } }
            };
            (status, layout(&frame, title, body)).into_response()
        }
    }
}

async fn change_plan(
    State(app): State<AppState>,
    lang: Lang,
    SignedIn(current): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let run = async {
        let account = binding::own_account(&app, &current, &id).await?;
        super::planner::plan_for(&app, &account).await
    };
    run.await
        .map(|plan| Json(super::planner::to_json(&plan)))
        .map_err(|fail| fail.into_api(lang))
}

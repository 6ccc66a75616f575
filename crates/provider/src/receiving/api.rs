//! The JSON API of receiving accounts under `/api/v1/receiving-accounts`.

use super::accounts::{self, OpenRequest, ReceivingAccount};
use super::details;
use super::problem::Fail;
use crate::accounts::api::SignedIn;
use crate::app::AppState;
use crate::error::Problem;
use crate::i18n::Lang;
use crate::stores;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ferry_platform::http::ApiError;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/receiving-accounts",
            get(list_accounts)
                .post(open_account)
                .layer(crate::idempotency::layer()),
        )
        .route("/api/v1/receiving-accounts/{id}", get(get_account))
}

/// The account with everything the seller needs to set it at the
/// marketplace, and the binding's state.
pub fn account_json(
    app: &AppState,
    account: &ReceivingAccount,
    binding: Option<&stores::Binding>,
    lang: Lang,
) -> Value {
    let programme = app
        .collection
        .receiving
        .programmes
        .iter()
        .find(|programme| programme.id == account.programme_id);
    let store = account.store.as_ref().map(|store| {
        json!({
            "marketplace_id": store.marketplace.as_str(),
            "seller_id": store.seller_id.as_str(),
        })
    });
    json!({
        "id": account.id,
        "currency": account.currency.to_string(),
        "holder_name": account.holder_name,
        "bank_code": account.bank_code,
        "account_number": account.account_number,
        "tail": account.tail(),
        "bank_name": programme.map(|p| p.bank_name.clone()),
        "store": store,
        "seller_central": programme.map(|p| json!({
            "bank_location": details::bank_location(&p.routing),
            "fields": details::seller_central_fields(account, p),
        })),
        "swift": programme.map(|p| details::swift_fields(account, p)),
        "steps": programme.map(|p| details::steps(account, p, lang)),
        "binding": binding.map(stores::Binding::to_json),
        // The developer the seller authorizes in Seller Central's User
        // Permissions for the legacy Seller ID + MWS token binding; absent
        // when the marketplace no longer offers MWS.
        "mws_developer_id": mws_developer_id(app),
        "created_at_ms": account.created_at_ms,
    })
}

fn mws_developer_id(app: &AppState) -> Option<&str> {
    let settings = &app.collection.connector.settings;
    settings
        .mws_verify_url
        .as_ref()
        .and(settings.mws_developer_id.as_deref())
}

async fn open_account(
    State(app): State<AppState>,
    lang: Lang,
    SignedIn(current): SignedIn,
    body: Bytes,
) -> Result<Response, ApiError> {
    let run = async {
        let request: OpenRequest =
            serde_json::from_slice(&body).map_err(|_| Problem::MalformedBody)?;
        accounts::open(&app, &current, &request).await
    };
    let account = run.await.map_err(|fail| fail.into_api(lang))?;
    Ok((
        StatusCode::CREATED,
        Json(account_json(&app, &account, None, lang)),
    )
        .into_response())
}

async fn list_accounts(
    State(app): State<AppState>,
    lang: Lang,
    SignedIn(current): SignedIn,
) -> Result<Json<Value>, ApiError> {
    let run = async {
        let mut conn = app.db.reader().acquire().await?;
        let list = accounts::list(&mut conn, &current.user.account_id).await?;
        let mut items = Vec::with_capacity(list.len());
        for account in &list {
            let binding = stores::binding_of(&mut conn, &account.id).await?;
            items.push(account_json(&app, account, binding.as_ref(), lang));
        }
        Ok::<_, Fail>(json!({ "receiving_accounts": items }))
    };
    run.await.map(Json).map_err(|fail| fail.into_api(lang))
}

async fn get_account(
    State(app): State<AppState>,
    lang: Lang,
    SignedIn(current): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let run = async {
        let mut conn = app.db.reader().acquire().await?;
        let account = accounts::get(&mut conn, &current.user.account_id, &id)
            .await?
            .ok_or(Problem::NotFound)?;
        let binding = stores::binding_of(&mut conn, &account.id).await?;
        Ok::<_, Fail>(account_json(&app, &account, binding.as_ref(), lang))
    };
    run.await.map(Json).map_err(|fail| fail.into_api(lang))
}

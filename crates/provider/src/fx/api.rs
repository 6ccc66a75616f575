//! The JSON API of conversions under `/api/v1/fx`.

use super::problem::Fail;
use super::quotes::{self, Confirmation, Quote, QuoteRequest};
use crate::accounts::api::SignedIn;
use crate::app::{AppState, now_ms};
use crate::error::Problem;
use crate::i18n::Lang;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ferry_domain::{DecimalStyle, Money};
use ferry_platform::http::ApiError;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/fx/rates", get(rates))
        .route(
            "/api/v1/fx/quotes",
            post(create_quote).layer(crate::idempotency::layer()),
        )
        .route(
            "/api/v1/fx/quotes/{id}/execution",
            post(execute_quote).layer(crate::idempotency::layer()),
        )
}

/// Money as the API shows it: exact minor units and the decimal string.
pub fn money_json(money: Money) -> Value {
    json!({
        "currency": money.currency().code(),
        "amount": money.format_major(DecimalStyle::Point),
        "amount_minor": money.amount_minor(),
    })
}

/// Everything the seller must see before confirming, and the quote's state.
pub fn quote_json(quote: &Quote, now: i64) -> Value {
    let p = &quote.pricing;
    json!({
        "id": quote.id,
        "status": quote.status(now),
        "sell": money_json(p.sell),
        "fee": money_json(p.fee),
        "converted": money_json(p.converted),
        "mid_rate": p.mid_rate.to_string(),
        "amount_at_mid_rate": money_json(p.at_mid),
        "margin_bps": p.margin_bps,
        "margin": money_json(p.margin),
        "customer_rate": p.customer_rate.to_string(),
        "buy": money_json(p.buy),
        "rate_source": quote.rate_source,
        "rates_as_of": quote.rates_as_of,
        "rounding": "amounts in the bought currency are rounded down to its minor unit",
        "created_at_ms": quote.created_at_ms,
        "expires_at_ms": quote.expires_at_ms,
        "executed_at_ms": quote.executed_at_ms,
    })
}

async fn rates(State(app): State<AppState>, SignedIn(_current): SignedIn) -> Json<Value> {
    let table = app.fx.rates().await;
    let rates: Vec<Value> = table
        .per_euro()
        .map(|(currency, rate)| json!({ "currency": currency.code(), "per_eur": rate.to_string() }))
        .collect();
    let fees: serde_json::Map<String, Value> = app
        .fx
        .settings
        .fees
        .iter()
        .filter_map(|(code, minor)| {
            let currency = ferry_domain::Currency::parse(code).ok()?;
            Some((
                code.clone(),
                money_json(Money::from_minor(*minor, currency)),
            ))
        })
        .collect();
    Json(json!({
        "base": "EUR",
        "rates_as_of": table.as_of,
        "rate_source": table.origin.as_str(),
        "rates": rates,
        "margin_bps": app.fx.settings.margin_bps,
        "fees": fees,
        "quote_ttl_secs": app.fx.settings.quote_ttl_secs,
    }))
}

async fn create_quote(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    body: Bytes,
) -> Result<Response, ApiError> {
    let run = async {
        let request: QuoteRequest =
            serde_json::from_slice(&body).map_err(|_| Problem::MalformedBody)?;
        quotes::create(&app, &current, &request).await
    };
    let quote = run.await.map_err(|fail| fail.into_api(lang))?;
    Ok((StatusCode::CREATED, Json(quote_json(&quote, now_ms()))).into_response())
}

async fn execute_quote(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let run = async {
        let confirmation: Confirmation =
            serde_json::from_slice(&body).map_err(|_| Problem::MalformedBody)?;
        quotes::execute(&app, &current, &id, &confirmation).await
    };
    let quote = run.await.map_err(|fail: Fail| fail.into_api(lang))?;
    Ok(Json(quote_json(&quote, now_ms())))
}

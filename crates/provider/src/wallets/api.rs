//! The JSON API of wallets under `/api/v1/wallets`: balances, history page
//! by page, and statements as CSV. Read-only; every number comes from the
//! ledger.

use super::balances::{self, Wallet};
use super::entries::{self, Entry};
use super::problem::{Fail, WalletProblem};
use super::statement::{self, Period};
use crate::accounts::api::SignedIn;
use crate::accounts::sessions::Current;
use crate::accounts::team::{self, Permission};
use crate::app::AppState;
use crate::i18n::Lang;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ferry_domain::{Currency, DecimalStyle, Money};
use ferry_platform::http::ApiError;
use serde::Deserialize;
use serde_json::{Value, json};

const DEFAULT_PAGE: i64 = 50;
const MAX_PAGE: i64 = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/wallets", get(list_wallets))
        .route(
            "/api/v1/wallets/{currency}/transactions",
            get(list_transactions),
        )
        .route(
            "/api/v1/wallets/{currency}/statement.csv",
            get(download_statement),
        )
}

/// An amount both ways: a decimal string for people and minor units for
/// programs.
fn money_fields(prefix: &str, money: Money) -> [(String, Value); 2] {
    [
        (
            prefix.to_string(),
            json!(money.format_major(DecimalStyle::Point)),
        ),
        (format!("{prefix}_minor"), json!(money.amount_minor())),
    ]
}

pub fn wallet_json(wallet: &Wallet) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("currency".into(), json!(wallet.currency.code()));
    for money in [
        ("posted", wallet.posted),
        ("available", wallet.available),
        ("pending", wallet.pending),
    ] {
        object.extend(money_fields(money.0, money.1));
    }
    Value::Object(object)
}

pub fn entry_json(entry: &Entry, lang: Lang) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("id".into(), json!(entry.transfer_id));
    object.insert("created_at_ms".into(), json!(entry.at_ms));
    object.insert("kind".into(), json!(entry.kind.slug()));
    object.insert("label".into(), json!(entry.kind.label(lang)));
    object.insert("status".into(), json!(entry.status.slug()));
    object.extend(money_fields("amount", entry.amount));
    object.extend(money_fields("posted_change", entry.posted_change));
    object.insert("currency".into(), json!(entry.amount.currency().code()));
    object.insert("reference".into(), json!(entry.reference));
    Value::Object(object)
}

/// The signed-in seller, if their role may see money.
pub fn viewer(current: &Current) -> Result<&str, Fail> {
    team::require(current, Permission::ViewMoney)?;
    Ok(&current.user.account_id)
}

/// The caller's wallet in the currency named in the path.
pub async fn wallet_named(app: &AppState, current: &Current, raw: &str) -> Result<Wallet, Fail> {
    let seller = viewer(current)?;
    let currency = Currency::parse(raw).map_err(|_| WalletProblem::NotFound)?;
    balances::wallet_in(&app.db, seller, currency)
        .await?
        .ok_or_else(|| WalletProblem::NotFound.into())
}

async fn list_wallets(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
) -> Result<Json<Value>, ApiError> {
    let run = async {
        let seller = viewer(&current)?;
        let wallets = balances::wallets_of(&app.db, seller).await?;
        let items: Vec<Value> = wallets.iter().map(wallet_json).collect();
        Ok::<_, Fail>(json!({ "wallets": items }))
    };
    run.await.map(Json).map_err(|fail| fail.into_api(lang))
}

#[derive(Deserialize)]
struct PageQuery {
    limit: Option<String>,
    cursor: Option<String>,
}

/// One page of history, newest first, and the cursor of the next one.
pub async fn page_of(
    app: &AppState,
    wallet: &Wallet,
    cursor: Option<&str>,
    limit: i64,
) -> Result<(Vec<Entry>, Option<String>), Fail> {
    let before = match cursor.filter(|raw| !raw.is_empty()) {
        Some(raw) => Some(entries::parse_cursor(raw).ok_or(WalletProblem::InvalidCursor)?),
        None => None,
    };
    // One extra row tells whether another page exists.
    let mut transfers =
        ferry_ledger::history(&app.db, &wallet.account_id, before.as_ref(), limit + 1).await?;
    let more = transfers.len() as i64 > limit;
    transfers.truncate(limit as usize);
    let rows: Vec<Entry> = transfers
        .iter()
        .map(|stored| Entry::new(stored, &wallet.account_id, wallet.currency))
        .collect();
    let next = more.then(|| rows.last().map(Entry::next_cursor)).flatten();
    Ok((rows, next))
}

async fn list_transactions(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    Path(currency): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    let run = async {
        let wallet = wallet_named(&app, &current, &currency).await?;
        let limit = match query.limit.as_deref() {
            None => DEFAULT_PAGE,
            Some(raw) => raw
                .parse::<i64>()
                .ok()
                .filter(|limit| (1..=MAX_PAGE).contains(limit))
                .ok_or(WalletProblem::InvalidLimit)?,
        };
        let (rows, next) = page_of(&app, &wallet, query.cursor.as_deref(), limit).await?;
        let items: Vec<Value> = rows.iter().map(|entry| entry_json(entry, lang)).collect();
        Ok::<_, Fail>(json!({ "transactions": items, "next_cursor": next }))
    };
    run.await.map(Json).map_err(|fail| fail.into_api(lang))
}

#[derive(Deserialize)]
struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

async fn download_statement(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    Path(currency): Path<String>,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, ApiError> {
    let run = async {
        let wallet = wallet_named(&app, &current, &currency).await?;
        // An empty field (the page's form) means the default.
        let from = query.from.as_deref().filter(|raw| !raw.is_empty());
        let to = query.to.as_deref().filter(|raw| !raw.is_empty());
        let period = Period::parse(from, to, statement::today_utc())?;
        let statement = statement::statement(&app.db, &wallet, period).await?;
        Ok::<_, Fail>((
            statement::file_name(&wallet, period),
            statement::to_csv(&statement, lang),
        ))
    };
    let (file_name, csv) = run.await.map_err(|fail| fail.into_api(lang))?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (CACHE_CONTROL, "no-store".to_string()),
        ],
        csv,
    )
        .into_response())
}

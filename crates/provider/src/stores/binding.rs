//! Getting Ferry authorized for a receiving account's store, both ways.

use super::{AUTHORIZATION_LIFETIME_MS, Binding, BindingState, Method, binding_of, checks, save};
use crate::accounts::sessions::Current;
use crate::accounts::two_factor::require_two_factor;
use crate::app::{AppState, now_ms};
use crate::audit::{self, Event};
use crate::error::Problem;
use crate::receiving::accounts::{self, ReceivingAccount, Store, parse_seller_id, require_manager};
use crate::receiving::problem::{Fail, StoreProblem};
use crate::tokens;
use ferry_domain::{MarketplaceId, MwsAuthToken};
use serde::Deserialize;
use serde_json::{Value, json};
use sqlx::{AnyConnection, Row};

/// An OAuth `state` is good for this long; the consent page's code itself
/// lasts five minutes.
const OAUTH_STATE_TTL_MS: i64 = 15 * 60 * 1000;

/// The account, if it is the caller's.
pub async fn own_account(
    app: &AppState,
    current: &Current,
    id: &str,
) -> Result<ReceivingAccount, Fail> {
    let mut conn = app.db.reader().acquire().await?;
    accounts::get(&mut conn, &current.user.account_id, id)
        .await?
        .ok_or_else(|| Problem::NotFound.into())
}

/// The store to authorize: the account's, or for an account without one,
/// the marketplace the seller picks (the Seller ID comes from Amazon).
fn marketplace_for(
    account: &ReceivingAccount,
    requested: Option<&str>,
) -> Result<MarketplaceId, StoreProblem> {
    if let Some(store) = &account.store {
        return Ok(store.marketplace);
    }
    let marketplace = MarketplaceId::parse(requested.unwrap_or("").trim())
        .map_err(|_| StoreProblem::UnknownMarketplace)?;
    if marketplace.marketplace().currency() != account.currency {
        return Err(StoreProblem::MarketplaceCurrencyMismatch);
    }
    Ok(marketplace)
}

#[derive(Debug, Deserialize, Default)]
pub struct MwsRequest {
    pub seller_id: String,
    pub mws_auth_token: String,
    /// For an account opened without a store.
    pub marketplace_id: Option<String>,
}

/// The seed's way: the Seller ID and MWS auth token the seller copied from
/// User Permissions, checked with the marketplace.
pub async fn bind_with_mws(
    app: &AppState,
    current: &Current,
    id: &str,
    request: &MwsRequest,
) -> Result<Binding, Fail> {
    require_manager(current)?;
    require_two_factor(current)?;
    let account = own_account(app, current, id).await?;
    let settings = &app.collection.connector.settings;
    let (Some(verify_url), Some(developer_id)) =
        (&settings.mws_verify_url, &settings.mws_developer_id)
    else {
        return Err(StoreProblem::MwsRetired.into());
    };
    let seller_id = parse_seller_id(&request.seller_id)?;
    let token = MwsAuthToken::parse(&request.mws_auth_token)
        .map_err(|error| StoreProblem::InvalidMwsAuthToken(error.to_string()))?;
    if account
        .store
        .as_ref()
        .is_some_and(|store| store.seller_id != seller_id)
    {
        return Err(StoreProblem::SellerIdMismatch.into());
    }
    let marketplace = marketplace_for(&account, request.marketplace_id.as_deref())?;
    let answer = app
        .collection
        .connector
        .http()
        .post(verify_url)
        .json(&json!({
            "developer_id": developer_id,
            "seller_id": seller_id.as_str(),
            "mws_auth_token": token.as_str(),
        }))
        .send()
        .await
        .map_err(|_| StoreProblem::MarketplaceUnavailable)?;
    if !answer.status().is_success() {
        return Err(StoreProblem::MarketplaceUnavailable.into());
    }
    let answer: Value = answer
        .json()
        .await
        .map_err(|_| StoreProblem::MarketplaceUnavailable)?;
    if answer["valid"] != true {
        return Err(refused_pair(answer["reason"].as_str()).into());
    }
    // MWS itself is retired, so the verified pair opens nothing Ferry could
    // use; Amazon's Authorization API moves it to an SP-API authorization
    // (a refresh token), after which the binding is checked as after OAuth.
    // The MWS token itself is not kept.
    let migrated = app
        .collection
        .connector
        .migrate_mws_authorization(seller_id.as_str(), developer_id, token.as_str())
        .await;
    let now = now_ms();
    let (refresh_token_sealed, problems) = match migrated {
        Ok(tokens) => {
            let sealed = app
                .collection
                .cipher
                .seal(&tokens.refresh_token, &account.id)
                .map_err(Fail::internal)?;
            (Some(sealed), json!([]))
        }
        Err(error) => {
            tracing::warn!(?error, "an MWS authorization was not migrated to SP-API");
            (None, json!([migration_problem(&error)]))
        }
    };
    let binding = Binding {
        receiving_account_id: account.id.clone(),
        method: Method::Mws,
        refresh_token_sealed,
        state: BindingState::Authorized,
        findings: json!({ "problems": problems, "mws_verified": true }),
        authorized_at_ms: now,
        reauthorize_by_at_ms: now + AUTHORIZATION_LIFETIME_MS,
        checked_at_ms: None,
    };
    let store = Store {
        marketplace,
        seller_id,
    };
    record_authorization(app, current, &account, &store, &binding, now).await?;
    if binding.refresh_token_sealed.is_none() {
        return Ok(binding);
    }
    first_check(app, current, id, binding).await
}

/// The finding shown when a verified MWS pair could not be moved to SP-API:
/// the seller then authorizes with OAuth.
fn migration_problem(error: &crate::connector::ConnectorError) -> &'static str {
    use crate::connector::ConnectorError;
    match error {
        ConnectorError::Unavailable | ConnectorError::RateLimited { .. } => {
            "mws_migration_unavailable"
        }
        ConnectorError::InvalidGrant | ConnectorError::Refused(_) => "mws_migration_refused",
    }
}

/// The first check runs right after authorizing; a busy marketplace leaves
/// the binding "authorized" for the seller to check again.
async fn first_check(
    app: &AppState,
    current: &Current,
    id: &str,
    binding: Binding,
) -> Result<Binding, Fail> {
    let account = own_account(app, current, id).await?;
    match checks::check(app, &account, &binding).await {
        Ok(checked) => Ok(checked),
        Err(Fail::Store(problem)) => {
            tracing::info!(code = problem.code(), "first binding check deferred");
            Ok(binding)
        }
        Err(other) => Err(other),
    }
}

/// The seller-facing problem for the reason the marketplace refused an MWS
/// pair; a reason it adds later reads as a token it never issued.
fn refused_pair(reason: Option<&str>) -> StoreProblem {
    match reason {
        Some("revoked") => StoreProblem::MwsTokenRevoked,
        Some("other_seller") => StoreProblem::MwsTokenOfOtherSeller,
        Some("other_developer") => StoreProblem::MwsTokenOfOtherDeveloper,
        _ => StoreProblem::MwsPairRefused,
    }
}

/// Links the store (for an account without one) and saves the binding, in
/// one transaction.
async fn record_authorization(
    app: &AppState,
    current: &Current,
    account: &ReceivingAccount,
    store: &Store,
    binding: &Binding,
    now: i64,
) -> Result<(), Fail> {
    let mut tx = app.db.begin().await?;
    if account.store.is_none() {
        accounts::link_store(&mut tx, &account.id, store).await?;
    }
    save(&mut tx, &account.account_id, binding, now).await?;
    audit::record(
        &mut tx,
        Event {
            account_id: Some(&account.account_id),
            user_id: Some(&current.user.id),
            name: "store_binding.authorized",
            detail: json!({
                "receiving_account_id": account.id,
                "method": binding.method.code(),
                "seller_id": store.seller_id.as_str(),
                "marketplace_id": store.marketplace.as_str(),
            }),
            ip: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Today's way, step 1: a `state` bound to this session, and the consent
/// page to send the browser to.
pub async fn start_oauth(
    app: &AppState,
    current: &Current,
    id: &str,
    marketplace_id: Option<&str>,
) -> Result<String, Fail> {
    require_manager(current)?;
    require_two_factor(current)?;
    if current.api_key_id.is_some() {
        return Err(Problem::SessionRequired.into());
    }
    let account = own_account(app, current, id).await?;
    let marketplace = marketplace_for(&account, marketplace_id)?;
    let settings = &app.collection.connector.settings;
    if settings.application_id.is_empty() {
        return Err(StoreProblem::ConnectorNotConfigured.into());
    }
    let base = seller_central_base(app, marketplace).ok_or(StoreProblem::UnknownMarketplace)?;
    let state = tokens::generate();
    sqlx::query(
        "INSERT INTO store_oauth_states (state_hash, session_id, receiving_account_id, marketplace_id, \
         created_at_ms) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(tokens::hash(&state))
    .bind(&current.session_id)
    .bind(&account.id)
    .bind(marketplace.as_str())
    .bind(now_ms())
    .execute(app.db.writer())
    .await?;
    let mut url =
        reqwest::Url::parse(&format!("{base}/apps/authorize/consent")).map_err(Fail::internal)?;
    url.query_pairs_mut()
        .append_pair("application_id", &settings.application_id)
        .append_pair("state", &state);
    Ok(url.to_string())
}

/// Where the seller's Seller Central is: the configured one, or the
/// marketplace's own host.
pub fn seller_central_base(app: &AppState, marketplace: MarketplaceId) -> Option<String> {
    match &app.collection.connector.settings.seller_central_url {
        Some(url) => Some(url.trim_end_matches('/').to_string()),
        None => marketplace
            .marketplace()
            .seller_central_host()
            .map(|host| format!("https://{host}")),
    }
}

pub fn redirect_uri(app: &AppState) -> String {
    app.collection
        .connector
        .settings
        .redirect_uri
        .clone()
        .unwrap_or_else(|| app.link(super::CALLBACK_PATH))
}

/// Burns the state if this session started it and it is fresh; returns the
/// account id and marketplace it was for.
async fn claim_state(
    conn: &mut AnyConnection,
    current: &Current,
    state: &str,
    now: i64,
) -> Result<(String, String), Fail> {
    let hash = tokens::hash(state);
    let row = sqlx::query(
        "SELECT receiving_account_id, marketplace_id, session_id, created_at_ms FROM store_oauth_states \
         WHERE state_hash = $1 AND used_at_ms IS NULL",
    )
    .bind(&hash)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreProblem::OAuthStateInvalid)?;
    let session_id: String = row.try_get("session_id")?;
    let created_at_ms: i64 = row.try_get("created_at_ms")?;
    if session_id != current.session_id || now - created_at_ms > OAUTH_STATE_TTL_MS {
        return Err(StoreProblem::OAuthStateInvalid.into());
    }
    let burned = sqlx::query(
        "UPDATE store_oauth_states SET used_at_ms = $1 WHERE state_hash = $2 AND used_at_ms IS NULL",
    )
    .bind(now)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    if burned.rows_affected() != 1 {
        return Err(StoreProblem::OAuthStateInvalid.into());
    }
    Ok((
        row.try_get("receiving_account_id")?,
        row.try_get("marketplace_id")?,
    ))
}

#[derive(Debug, Deserialize, Default)]
pub struct Callback {
    pub state: Option<String>,
    pub selling_partner_id: Option<String>,
    pub spapi_oauth_code: Option<String>,
}

/// Today's way, step 2: the consent page sent the browser back. Returns
/// the receiving account id and the binding after its first check.
pub async fn finish_oauth(
    app: &AppState,
    current: &Current,
    callback: &Callback,
) -> Result<(String, Binding), Fail> {
    let now = now_ms();
    let state = callback.state.as_deref().unwrap_or("");
    let (id, marketplace) = {
        let mut tx = app.db.begin().await?;
        let claimed = claim_state(&mut tx, current, state, now).await?;
        tx.commit().await?;
        claimed
    };
    let account = own_account(app, current, &id).await?;
    let seller_id = parse_seller_id(callback.selling_partner_id.as_deref().unwrap_or(""))?;
    if account
        .store
        .as_ref()
        .is_some_and(|store| store.seller_id != seller_id)
    {
        return Err(StoreProblem::SellerIdMismatch.into());
    }
    let code = callback
        .spapi_oauth_code
        .as_deref()
        .filter(|code| !code.is_empty())
        .ok_or(StoreProblem::AuthorizationRefused)?;
    let tokens = app
        .collection
        .connector
        .exchange_code(code, &redirect_uri(app))
        .await
        .map_err(|error| match error {
            crate::connector::ConnectorError::InvalidGrant => StoreProblem::AuthorizationRefused,
            other => StoreProblem::from(other),
        })?;
    let sealed = app
        .collection
        .cipher
        .seal(&tokens.refresh_token, &account.id)
        .map_err(Fail::internal)?;
    let binding = Binding {
        receiving_account_id: account.id.clone(),
        method: Method::OAuth,
        refresh_token_sealed: Some(sealed),
        state: BindingState::Authorized,
        findings: json!({ "problems": [] }),
        authorized_at_ms: now,
        reauthorize_by_at_ms: now + AUTHORIZATION_LIFETIME_MS,
        checked_at_ms: None,
    };
    let store = Store {
        marketplace: MarketplaceId::parse(&marketplace).map_err(Fail::internal)?,
        seller_id,
    };
    record_authorization(app, current, &account, &store, &binding, now).await?;
    let checked = first_check(app, current, &id, binding).await?;
    Ok((id, checked))
}

/// "Check binding": runs the checks again.
pub async fn recheck(app: &AppState, current: &Current, id: &str) -> Result<Binding, Fail> {
    let account = own_account(app, current, id).await?;
    let binding = binding_of(&mut *app.db.reader().acquire().await?, &account.id)
        .await?
        .ok_or(StoreProblem::NotAuthorized)?;
    checks::check(app, &account, &binding).await
}

//! Authorization API v1: `getAuthorizationCode`, which turns a seller's MWS
//! authorization of a developer into an SP-API authorization of that
//! developer's app. The vendored models do not include this API; the
//! sandbox follows Amazon's published Authorization API v1.
//!
//! The caller presents a grantless token (LWA `client_credentials`, scope
//! `sellingpartnerapi::migration`); the answer is an LWA authorization code
//! that the app exchanges like a consent page's code, without a redirect
//! URI.

use super::{ACCESS_TOKEN_HEADER, Operation, SpApiError, ok};
use crate::apps::{self, MIGRATION_SCOPE};
use crate::clock;
use crate::mws::{self, Verdict};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use ferry_domain::{MwsAuthToken, SellerId};
use serde::Deserialize;
use serde_json::json;

/// Amazon's usage plan for getAuthorizationCode: 1 request/second, burst 5.
pub const GET_AUTHORIZATION_CODE: Operation = Operation {
    name: "getAuthorizationCode",
    rate_micro_per_s: 1_000_000,
    burst: 5,
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeQuery {
    selling_partner_id: Option<String>,
    developer_id: Option<String>,
    mws_auth_token: Option<String>,
}

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, SpApiError> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| SpApiError::invalid_input(format!("{name} is required."), ""))
}

/// The app behind the grantless migration token in the request, with its
/// developer ID. A seller-scoped token, another scope or an expired token
/// is refused as SP-API refuses any bad token.
async fn grantless_caller(
    state: &AppState,
    headers: &HeaderMap,
    now_ms: i64,
) -> Result<(String, String), SpApiError> {
    let token = headers
        .get(ACCESS_TOKEN_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|value| !value.is_empty())
        .ok_or_else(|| SpApiError::unauthorized(""))?;
    let mut conn = state.db.reader().acquire().await?;
    apps::resolve_grantless_token(&mut conn, token, MIGRATION_SCOPE, now_ms)
        .await?
        .ok_or_else(|| {
            SpApiError::unauthorized(
                "The access token you provided is not a grantless token for the \
                 sellingpartnerapi::migration scope, or it is revoked, expired or invalid.",
            )
        })
}

pub async fn get_authorization_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<CodeQuery>,
) -> Result<Response, SpApiError> {
    if let Some(status) = state.sp_api_faults.take() {
        return Err(SpApiError::injected(status));
    }
    let now_ms = clock::now_ms(&state.db).await?;
    let (application_id, app_developer_id) = grantless_caller(&state, &headers, now_ms).await?;
    if !state
        .rate_limiter
        .try_take(&GET_AUTHORIZATION_CODE, &application_id)
    {
        return Err(SpApiError::quota_exceeded(&GET_AUTHORIZATION_CODE));
    }
    let seller_id = SellerId::parse(required(&query.selling_partner_id, "sellingPartnerId")?)
        .map_err(|_| SpApiError::invalid_input("Invalid sellingPartnerId.", ""))?;
    let developer_id = required(&query.developer_id, "developerId")?;
    let token = MwsAuthToken::parse(required(&query.mws_auth_token, "mwsAuthToken")?)
        .map_err(|_| SpApiError::invalid_input("Invalid mwsAuthToken.", ""))?;
    if developer_id != app_developer_id {
        return Err(SpApiError::invalid_input(
            "The developerId does not match the developer of the calling application.",
            "",
        ));
    }
    let mut tx = state.db.begin().await?;
    let verdict = mws::verify(&mut tx, developer_id, &seller_id, &token).await?;
    if let Some(message) = refusal(verdict) {
        return Err(SpApiError::invalid_input(message, ""));
    }
    let authorization_id =
        apps::grant(&mut tx, &application_id, seller_id.as_str(), now_ms).await?;
    // Bound to no redirect URI: the app exchanges it directly.
    let code = apps::issue_code(&mut tx, &authorization_id, "", now_ms).await?;
    tx.commit().await?;
    Ok(ok(
        &GET_AUTHORIZATION_CODE,
        json!({ "payload": { "authorizationCode": code } }),
    ))
}

/// Amazon answers every unusable MWS authorization with 400 `InvalidInput`;
/// the message says which one it was.
fn refusal(verdict: Verdict) -> Option<&'static str> {
    match verdict {
        Verdict::Valid => None,
        Verdict::Revoked => Some("The MWS authorization was revoked by the selling partner."),
        Verdict::OtherSeller => Some("The mwsAuthToken was not issued by this sellingPartnerId."),
        Verdict::OtherDeveloper => Some("The mwsAuthToken was not issued to this developerId."),
        Verdict::Unknown => Some("No MWS authorization exists for this mwsAuthToken."),
    }
}

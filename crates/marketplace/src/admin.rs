//! The sandbox's admin JSON API under `/sandbox/v1`: creating sellers,
//! users, developers and apps, and moving the sandbox clock. It exists for
//! automation and tests; Amazon has no such API.

use crate::errors::{AdminJson, bad_request, internal, not_found};
use crate::sellers::{self, BusinessType, Email, MIN_PASSWORD_CHARS, SellingPlan, UserRole};
use crate::state::AppState;
use crate::support::{self, Author, Status};
use crate::{apps, banks, clock, crypto, deposits, mws};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ferry_domain::{MarketplaceId, MwsAuthToken, SellerId};
use ferry_platform::http::ApiError;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::{AnyConnection, Row};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sandbox/v1/sellers", post(create_seller))
        .route("/sandbox/v1/sellers/{seller_id}", get(get_seller))
        .route("/sandbox/v1/sellers/{seller_id}/users", post(add_user))
        .route("/sandbox/v1/developers", post(create_developer))
        .route("/sandbox/v1/apps", post(create_app))
        .route(
            "/sandbox/v1/apps/{application_id}/self-authorization",
            post(self_authorize),
        )
        .route(
            "/sandbox/v1/sellers/{seller_id}/marketplaces/{marketplace_id}/disbursement-status",
            get(disbursement_status),
        )
        .route(
            "/sandbox/v1/sellers/{seller_id}/marketplaces/{marketplace_id}/listings-suspension",
            post(set_listings_suspension),
        )
        .route(
            "/sandbox/v1/support-cases/{case_id}/replies",
            post(support_reply),
        )
        .route("/sandbox/v1/mws/verify", post(verify_mws))
        .route(
            "/sandbox/v1/faults/sp-api",
            post(inject_sp_api_faults).get(pending_sp_api_faults),
        )
        .route("/sandbox/v1/banks", post(create_bank).get(list_banks))
        .route("/sandbox/v1/clock", get(get_clock))
        .route("/sandbox/v1/openapi.json", get(openapi))
        .route("/sandbox/v1/clock/advance", post(advance_clock))
}

/// The admin API's OpenAPI 3 document, kept beside this file; a test sends
/// a request to every path it lists, so it cannot name a route that is gone.
const OPENAPI: &str = include_str!("openapi.json");

async fn openapi() -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
}

/// A seller registration, from the admin API or the web sign-up page.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewSeller {
    pub legal_name: String,
    pub business_type: BusinessType,
    #[serde(default)]
    pub selling_plan: SellingPlan,
    pub country_code: String,
    pub address: NewAddress,
    pub primary_user: NewUser,
    /// The stores the seller opens; at least one.
    pub marketplaces: Vec<NewParticipation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewParticipation {
    pub marketplace_id: String,
    pub store_name: String,
}

/// Parses each participation: a known marketplace ID (never twice) and a
/// store name.
fn participations(
    requested: &[NewParticipation],
) -> Result<Vec<(MarketplaceId, String)>, ApiError> {
    if requested.is_empty() {
        return Err(bad_request(
            "missing_marketplace",
            "Choose at least one marketplace to sell in.",
        ));
    }
    let mut parsed: Vec<(MarketplaceId, String)> = Vec::new();
    for participation in requested {
        let id = MarketplaceId::parse(&participation.marketplace_id).map_err(|error| {
            bad_request(
                "unknown_marketplace",
                format!("{}: {error}.", participation.marketplace_id),
            )
        })?;
        if parsed.iter().any(|(seen, _)| *seen == id) {
            return Err(bad_request(
                "duplicate_marketplace",
                format!("Marketplace {} is listed twice.", id.as_str()),
            ));
        }
        let store_name = non_blank(
            &participation.store_name,
            "missing_store_name",
            "store name",
        )?;
        parsed.push((id, store_name));
    }
    Ok(parsed)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewAddress {
    pub line1: String,
    pub city: String,
    pub postal_code: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewUser {
    pub name: String,
    pub email: String,
    pub password: String,
}

/// A user as the admin API returns it, with the TOTP secret so automation
/// can produce the codes two-step verification asks for.
#[derive(Serialize)]
struct CreatedUser {
    user_id: String,
    email: String,
    role: UserRole,
    totp_secret: String,
    otpauth_url: Option<String>,
}

fn non_blank(value: &str, code: &'static str, what: &str) -> Result<String, ApiError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(bad_request(code, format!("Enter the {what}.")));
    }
    Ok(trimmed.to_string())
}

fn country_code(raw: &str) -> Result<String, ApiError> {
    let code = raw.trim().to_ascii_uppercase();
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(bad_request(
            "invalid_country_code",
            "The country must be a two-letter ISO 3166-1 code such as CN or US.",
        ))
    }
}

struct ValidUser {
    name: String,
    email: Email,
    password: String,
}

fn validate_user(user: NewUser) -> Result<ValidUser, ApiError> {
    let email = Email::parse(&user.email).ok_or_else(|| {
        bad_request(
            "invalid_email",
            "Enter a valid e-mail address, such as ops@example.com.",
        )
    })?;
    if user.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(bad_request(
            "password_too_short",
            format!("Passwords must be at least {MIN_PASSWORD_CHARS} characters."),
        ));
    }
    Ok(ValidUser {
        name: non_blank(&user.name, "missing_name", "user's name")?,
        email,
        password: user.password,
    })
}

async fn create_seller(
    State(state): State<AppState>,
    AdminJson(new): AdminJson<NewSeller>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(register_seller(&state, new).await?),
    ))
}

/// Validates and stores a new seller with its primary user and stores;
/// nothing is stored when any part is refused.
pub(crate) async fn register_seller(state: &AppState, new: NewSeller) -> Result<Value, ApiError> {
    let legal_name = non_blank(&new.legal_name, "missing_legal_name", "legal business name")?;
    let country = country_code(&new.country_code)?;
    let line1 = non_blank(&new.address.line1, "missing_address", "street address")?;
    let city = non_blank(&new.address.city, "missing_address", "city")?;
    let postal_code = non_blank(&new.address.postal_code, "missing_address", "postal code")?;
    let user = validate_user(new.primary_user)?;
    let stores = participations(&new.marketplaces)?;
    let credentials = sellers::new_credentials(&user.password).map_err(internal)?;
    let now_ms = clock::now_ms(&state.db).await.map_err(internal)?;

    let mut tx = state.db.begin().await.map_err(internal)?;
    ensure_email_free(&mut tx, &user.email).await?;
    let seller_id = insert_seller_with_fresh_id(
        &mut tx,
        &[
            &legal_name,
            new.business_type.as_str(),
            new.selling_plan.as_str(),
            &country,
            &line1,
            &city,
            &postal_code,
        ],
        now_ms,
    )
    .await?;
    let created = insert_user(
        &mut tx,
        &seller_id,
        &user,
        &credentials,
        UserRole::Primary,
        now_ms,
    )
    .await?;
    for (marketplace_id, store_name) in &stores {
        sqlx::query(
            "INSERT INTO marketplace_participations \
             (seller_id, marketplace_id, store_name, joined_at_ms) VALUES ($1, $2, $3, $4)",
        )
        .bind(&seller_id)
        .bind(marketplace_id.as_str())
        .bind(store_name)
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    let stores: Vec<Value> = stores
        .iter()
        .map(|(id, name)| json!({ "marketplace_id": id.as_str(), "store_name": name }))
        .collect();
    Ok(json!({
        "seller_id": seller_id,
        "legal_name": legal_name,
        "primary_user": created,
        "marketplaces": stores,
    }))
}

async fn ensure_email_free(conn: &mut AnyConnection, email: &Email) -> Result<(), ApiError> {
    if sellers::user_by_email(conn, email.as_str())
        .await
        .map_err(internal)?
        .is_some()
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "email_taken",
            "A Seller Central user with this e-mail address already exists.",
        ));
    }
    Ok(())
}

/// Inserts the seller under a new random Seller ID, drawing again in the
/// (2^-60-ish) case that the ID is taken.
async fn insert_seller_with_fresh_id(
    conn: &mut AnyConnection,
    fields: &[&str; 7],
    now_ms: i64,
) -> Result<String, ApiError> {
    for _ in 0..3 {
        let seller_id = sellers::new_seller_id().as_str().to_string();
        let taken = sqlx::query("SELECT 1 AS one FROM sellers WHERE seller_id = $1")
            .bind(&seller_id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(internal)?;
        if taken.is_some() {
            continue;
        }
        let [
            legal_name,
            business_type,
            selling_plan,
            country,
            line1,
            city,
            postal_code,
        ] = fields;
        sqlx::query(
            "INSERT INTO sellers (seller_id, legal_name, business_type, selling_plan, \
             country_code, address_line1, city, postal_code, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&seller_id)
        .bind(*legal_name)
        .bind(*business_type)
        .bind(*selling_plan)
        .bind(*country)
        .bind(*line1)
        .bind(*city)
        .bind(*postal_code)
        .bind(now_ms)
        .execute(&mut *conn)
        .await
        .map_err(internal)?;
        return Ok(seller_id);
    }
    Err(internal("three Seller ID draws in a row were taken"))
}

async fn insert_user(
    conn: &mut AnyConnection,
    seller_id: &str,
    user: &ValidUser,
    credentials: &sellers::NewCredentials,
    role: UserRole,
    now_ms: i64,
) -> Result<CreatedUser, ApiError> {
    let user_id = format!("usr_{}", uuid::Uuid::now_v7().simple());
    sqlx::query(
        "INSERT INTO seller_users (user_id, seller_id, email, name, role, password_hash, \
         totp_secret, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&user_id)
    .bind(seller_id)
    .bind(user.email.as_str())
    .bind(&user.name)
    .bind(role.as_str())
    .bind(&credentials.password_hash)
    .bind(&credentials.totp_secret)
    .bind(now_ms)
    .execute(conn)
    .await
    .map_err(internal)?;
    Ok(CreatedUser {
        user_id,
        email: user.email.as_str().to_string(),
        role,
        totp_secret: credentials.totp_secret.clone(),
        otpauth_url: sellers::otpauth_url(&credentials.totp_secret, user.email.as_str()),
    })
}

async fn seller_exists(conn: &mut AnyConnection, seller_id: &str) -> Result<(), ApiError> {
    let found = sqlx::query("SELECT 1 AS one FROM sellers WHERE seller_id = $1")
        .bind(seller_id)
        .fetch_optional(conn)
        .await
        .map_err(internal)?;
    found
        .map(|_| ())
        .ok_or_else(|| not_found("seller_not_found", "No seller has this Seller ID."))
}

async fn add_user(
    State(state): State<AppState>,
    Path(seller_id): Path<String>,
    AdminJson(new): AdminJson<NewUser>,
) -> Result<(StatusCode, Json<CreatedUser>), ApiError> {
    let user = validate_user(new)?;
    let credentials = sellers::new_credentials(&user.password).map_err(internal)?;
    let now_ms = clock::now_ms(&state.db).await.map_err(internal)?;
    let mut tx = state.db.begin().await.map_err(internal)?;
    seller_exists(&mut tx, &seller_id).await?;
    ensure_email_free(&mut tx, &user.email).await?;
    let created = insert_user(
        &mut tx,
        &seller_id,
        &user,
        &credentials,
        UserRole::Secondary,
        now_ms,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn get_seller(
    State(state): State<AppState>,
    Path(seller_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let row = sqlx::query(
        "SELECT seller_id, legal_name, business_type, selling_plan, country_code \
         FROM sellers WHERE seller_id = $1",
    )
    .bind(&seller_id)
    .fetch_optional(state.db.reader())
    .await
    .map_err(internal)?
    .ok_or_else(|| not_found("seller_not_found", "No seller has this Seller ID."))?;
    let field = |name: &str| row.try_get::<String, _>(name).map_err(internal);
    Ok(Json(json!({
        "seller_id": field("seller_id")?,
        "legal_name": field("legal_name")?,
        "business_type": field("business_type")?,
        "selling_plan": field("selling_plan")?,
        "country_code": field("country_code")?,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewDeveloper {
    name: String,
}

async fn create_developer(
    State(state): State<AppState>,
    AdminJson(new): AdminJson<NewDeveloper>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let name = non_blank(&new.name, "missing_name", "developer's name")?;
    let developer_id = apps::new_developer_id();
    let now_ms = clock::now_ms(&state.db).await.map_err(internal)?;
    sqlx::query("INSERT INTO developers (developer_id, name, created_at_ms) VALUES ($1, $2, $3)")
        .bind(&developer_id)
        .bind(&name)
        .bind(now_ms)
        .execute(state.db.writer())
        .await
        .map_err(internal)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "developer_id": developer_id, "name": name })),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewApp {
    developer_id: String,
    name: String,
    redirect_uris: Vec<String>,
    /// Makes the app private to this seller, who may self-authorize it.
    #[serde(default)]
    private_seller_id: Option<String>,
}

/// Redirect URIs must be absolute http(s) URLs without a fragment (LWA
/// requires https in production; the sandbox also allows http for local
/// development).
fn valid_redirect_uri(uri: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(uri) else {
        return false;
    };
    matches!(parsed.scheme(), "https" | "http")
        && parsed.host().is_some()
        && parsed.fragment().is_none()
}

async fn create_app(
    State(state): State<AppState>,
    AdminJson(new): AdminJson<NewApp>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let name = non_blank(&new.name, "missing_name", "app's name")?;
    if new.redirect_uris.is_empty() || !new.redirect_uris.iter().all(|u| valid_redirect_uri(u)) {
        return Err(bad_request(
            "invalid_redirect_uri",
            "Give at least one redirect URI, each an absolute https:// (or http://) URL without a fragment.",
        ));
    }
    let now_ms = clock::now_ms(&state.db).await.map_err(internal)?;
    let mut tx = state.db.begin().await.map_err(internal)?;
    let developer = sqlx::query("SELECT 1 AS one FROM developers WHERE developer_id = $1")
        .bind(&new.developer_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
    if developer.is_none() {
        return Err(not_found(
            "developer_not_found",
            "No developer has this developer ID.",
        ));
    }
    if let Some(seller_id) = &new.private_seller_id {
        seller_exists(&mut tx, seller_id).await?;
    }
    let application_id = apps::new_application_id();
    let client_id = apps::new_client_id();
    let client_secret = apps::new_client_secret();
    let uris = serde_json::to_string(&new.redirect_uris).map_err(internal)?;
    sqlx::query(
        "INSERT INTO apps (application_id, developer_id, name, client_id, client_secret_hash, \
         redirect_uris, private_seller_id, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&application_id)
    .bind(&new.developer_id)
    .bind(&name)
    .bind(&client_id)
    .bind(crypto::token_hash(&client_secret))
    .bind(&uris)
    .bind(&new.private_seller_id)
    .bind(now_ms)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "application_id": application_id,
            "name": name,
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uris": new.redirect_uris,
            "private_seller_id": new.private_seller_id,
        })),
    ))
}

/// Self-authorization of a private app (Developer Central's "Authorize app"):
/// a refresh token for the owning seller, without the consent redirect.
async fn self_authorize(
    State(state): State<AppState>,
    Path(application_id): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let now_ms = clock::now_ms(&state.db).await.map_err(internal)?;
    let mut tx = state.db.begin().await.map_err(internal)?;
    let app = apps::app_by_id(&mut tx, &application_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| not_found("app_not_found", "No app has this application ID."))?;
    let Some(seller_id) = app.private_seller_id else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_a_private_app",
            "Only a private app can be self-authorized; public apps go through the consent page.",
        ));
    };
    let authorization_id = apps::grant(&mut tx, &application_id, &seller_id, now_ms)
        .await
        .map_err(internal)?;
    let refresh_token = apps::issue_refresh_token(&mut tx, &authorization_id, now_ms)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "selling_partner_id": seller_id, "refresh_token": refresh_token })),
    ))
}

async fn get_clock(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let now_ms = clock::now_ms(&state.db).await.map_err(internal)?;
    Ok(Json(json!({ "now_ms": now_ms })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    ms: i64,
}

async fn advance_clock(
    State(state): State<AppState>,
    AdminJson(advance): AdminJson<Advance>,
) -> Result<Json<Value>, ApiError> {
    if advance.ms <= 0 {
        return Err(bad_request(
            "invalid_advance",
            "The clock only moves forward: give a positive number of milliseconds.",
        ));
    }
    clock::advance(&state.db, advance.ms)
        .await
        .map_err(internal)?;
    // Like a Stripe test clock: everything scheduled in the skipped time
    // happens now, in order (periods close, disbursements start).
    let now_ms = crate::settlement::catch_up(&state)
        .await
        .map_err(internal)?;
    Ok(Json(json!({ "now_ms": now_ms })))
}

/// Whether the marketplace's disbursements may start now, and why not:
/// no deposit method, the security hold, or a risk review.
async fn disbursement_status(
    State(state): State<AppState>,
    Path((seller_id, marketplace_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let now_ms = clock::now_ms(&state.db).await.map_err(internal)?;
    let mut conn = state.db.reader().acquire().await.map_err(internal)?;
    seller_exists(&mut conn, &seller_id).await?;
    let assigned = deposits::assigned(&mut conn, &seller_id, &marketplace_id)
        .await
        .map_err(internal)?;
    let under_review = deposits::review_open(&mut conn, &seller_id, &marketplace_id)
        .await
        .map_err(internal)?;
    let on_hold = assigned
        .as_ref()
        .is_some_and(|a| a.hold_until_at_ms > now_ms);
    let provider_held = match &assigned {
        Some(a) => banks::at_non_participating_provider(&mut conn, &a.deposit_method_id)
            .await
            .map_err(internal)?,
        None => false,
    };
    Ok(Json(json!({
        "deposit_method_id": assigned.as_ref().map(|a| a.deposit_method_id.clone()),
        "hold_until_ms": assigned.as_ref().map(|a| a.hold_until_at_ms),
        "on_security_hold": on_hold,
        "under_review": under_review,
        "held_non_participating_provider": provider_held,
        "disbursable": assigned.is_some() && !on_hold && !under_review && !provider_held,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpApiFaults {
    status: u16,
    count: u32,
}

fn faults_json(state: &AppState) -> Value {
    match state.sp_api_faults.pending() {
        Some(pending) => {
            json!({ "status": pending.status.as_u16(), "remaining": pending.remaining })
        }
        None => json!({ "status": null, "remaining": 0 }),
    }
}

/// The next `count` SP-API calls (any operation, any caller) answer
/// `status`, a 5xx; see `spapi::faults`.
async fn inject_sp_api_faults(
    State(state): State<AppState>,
    AdminJson(faults): AdminJson<SpApiFaults>,
) -> Result<Json<Value>, ApiError> {
    let status = StatusCode::from_u16(faults.status)
        .ok()
        .filter(StatusCode::is_server_error)
        .ok_or_else(|| bad_request("invalid_status", "Give a 5xx status (500 to 599)."))?;
    state.sp_api_faults.inject(status, faults.count);
    Ok(Json(faults_json(&state)))
}

async fn pending_sp_api_faults(State(state): State<AppState>) -> Json<Value> {
    Json(faults_json(&state))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListingsSuspension {
    suspended: bool,
}

/// Account Health's side: suspends the store's listings (or lifts the
/// suspension), which getMarketplaceParticipations reports as
/// `hasSuspendedListings`.
async fn set_listings_suspension(
    State(state): State<AppState>,
    Path((seller_id, marketplace_id)): Path<(String, String)>,
    AdminJson(change): AdminJson<ListingsSuspension>,
) -> Result<Json<Value>, ApiError> {
    let updated = sqlx::query(
        "UPDATE marketplace_participations SET has_suspended_listings = $1 \
         WHERE seller_id = $2 AND marketplace_id = $3",
    )
    .bind(i64::from(change.suspended))
    .bind(&seller_id)
    .bind(&marketplace_id)
    .execute(state.db.writer())
    .await
    .map_err(internal)?;
    if updated.rows_affected() != 1 {
        return Err(not_found(
            "participation_not_found",
            "This seller has no store in this marketplace.",
        ));
    }
    Ok(Json(json!({
        "seller_id": seller_id,
        "marketplace_id": marketplace_id,
        "has_suspended_listings": change.suspended,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SupportReply {
    body: String,
    #[serde(default)]
    resolve: bool,
}

/// Seller Support's side of a case: a reply, optionally resolving it.
async fn support_reply(
    State(state): State<AppState>,
    Path(case_id): Path<String>,
    AdminJson(reply): AdminJson<SupportReply>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = non_blank(&reply.body, "missing_body", "reply")?;
    let now_ms = clock::now_ms(&state.db).await.map_err(internal)?;
    let mut tx = state.db.begin().await.map_err(internal)?;
    if support::case_of(&mut tx, None, &case_id)
        .await
        .map_err(internal)?
        .is_none()
    {
        return Err(not_found("case_not_found", "No support case has this ID."));
    }
    support::add_message(&mut tx, &case_id, Author::Support, &body, now_ms)
        .await
        .map_err(internal)?;
    let status = if reply.resolve {
        Status::Resolved
    } else {
        Status::Answered
    };
    support::set_status(&mut tx, &case_id, status, now_ms)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "case_id": case_id, "status": status.code() })),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MwsPair {
    developer_id: String,
    seller_id: String,
    mws_auth_token: String,
}

/// Lets a developer check a Seller ID and MWS auth token pair it was given
/// (the legacy hand-off). Malformed values are refused with the reason; a
/// well-formed pair that is not valid says why (`mws::Verdict`).
async fn verify_mws(
    State(state): State<AppState>,
    AdminJson(pair): AdminJson<MwsPair>,
) -> Result<Json<Value>, ApiError> {
    let seller_id = SellerId::parse(&pair.seller_id).map_err(|e| {
        bad_request(
            "invalid_seller_id",
            format!("The Seller ID is not valid: {e}."),
        )
    })?;
    let token = MwsAuthToken::parse(&pair.mws_auth_token).map_err(|e| {
        bad_request(
            "invalid_mws_auth_token",
            format!("The MWS Auth Token is not valid: {e}."),
        )
    })?;
    let mut conn = state.db.reader().acquire().await.map_err(internal)?;
    let verdict = mws::verify(&mut conn, pair.developer_id.trim(), &seller_id, &token)
        .await
        .map_err(internal)?;
    Ok(Json(match verdict.reason() {
        None => json!({ "valid": true }),
        Some(reason) => json!({ "valid": false, "reason": reason }),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewBank {
    code_type: String,
    code: String,
    institution_name: String,
    kind: String,
    #[serde(default)]
    participating: bool,
    notification_url: Option<String>,
    account_verification_url: Option<String>,
    signing_secret: Option<String>,
}

fn optional_url(url: Option<&String>, code: &'static str) -> Result<(), ApiError> {
    match url {
        Some(url)
            if !reqwest::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) =>
        {
            Err(bad_request(code, "Give an absolute http(s) URL."))
        }
        _ => Ok(()),
    }
}

/// Adds or replaces a bank directory entry.
async fn create_bank(
    State(state): State<AppState>,
    AdminJson(new): AdminJson<NewBank>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if !banks::CODE_TYPES.contains(&new.code_type.as_str()) {
        return Err(bad_request(
            "invalid_code_type",
            format!("code_type must be one of {}.", banks::CODE_TYPES.join(", ")),
        ));
    }
    let Some(kind) = banks::Kind::parse(&new.kind) else {
        return Err(bad_request(
            "invalid_kind",
            "kind must be bank or payment_provider.",
        ));
    };
    let code = new.code.trim().to_ascii_uppercase();
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(bad_request(
            "invalid_code",
            "The code must be letters and digits, without separators.",
        ));
    }
    let institution_name = non_blank(&new.institution_name, "missing_name", "institution name")?;
    optional_url(new.notification_url.as_ref(), "invalid_notification_url")?;
    optional_url(
        new.account_verification_url.as_ref(),
        "invalid_account_verification_url",
    )?;
    if (new.account_verification_url.is_some() || new.notification_url.is_some())
        && new.signing_secret.as_deref().is_none_or(str::is_empty)
    {
        return Err(bad_request(
            "missing_signing_secret",
            "A bank with a notification or account-verification endpoint needs a signing secret: every call to it is signed.",
        ));
    }
    let now_ms = clock::now_ms(&state.db).await.map_err(internal)?;
    let participating_since =
        (kind == banks::Kind::PaymentProvider && new.participating).then_some(now_ms);
    let mut tx = state.db.begin().await.map_err(internal)?;
    sqlx::query("DELETE FROM banks WHERE code_type = $1 AND code = $2")
        .bind(&new.code_type)
        .bind(&code)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    sqlx::query(
        "INSERT INTO banks (code_type, code, institution_name, kind, participating_since_at_ms, \
         notification_url, account_verification_url, signing_secret, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&new.code_type)
    .bind(&code)
    .bind(&institution_name)
    .bind(kind.code())
    .bind(participating_since)
    .bind(&new.notification_url)
    .bind(&new.account_verification_url)
    .bind(&new.signing_secret)
    .bind(now_ms)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "code_type": new.code_type,
            "code": code,
            "institution_name": institution_name,
            "kind": kind.code(),
            "participating": participating_since.is_some(),
        })),
    ))
}

/// The directory without signing secrets.
async fn list_banks(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let rows = sqlx::query(
        "SELECT code_type, code, institution_name, kind, participating_since_at_ms, \
         notification_url, account_verification_url FROM banks ORDER BY code_type, code",
    )
    .fetch_all(state.db.reader())
    .await
    .map_err(internal)?;
    let banks = rows
        .iter()
        .map(|row| -> Result<Value, sqlx::Error> {
            Ok(json!({
                "code_type": row.try_get::<String, _>("code_type")?,
                "code": row.try_get::<String, _>("code")?,
                "institution_name": row.try_get::<String, _>("institution_name")?,
                "kind": row.try_get::<String, _>("kind")?,
                "participating": row.try_get::<Option<i64>, _>("participating_since_at_ms")?.is_some(),
                "notification_url": row.try_get::<Option<String>, _>("notification_url")?,
                "account_verification_url": row.try_get::<Option<String>, _>("account_verification_url")?,
            }))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(internal)?;
    Ok(Json(json!({ "banks": banks })))
}

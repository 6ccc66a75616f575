//! The operator console's JSON API under `/api/v1/ops`.

use super::operators::{self, OPS_SESSION_COOKIE, OpsSession};
use crate::accounts::api::ClientInfo;
use crate::app::{AppState, now_ms};
use crate::documents::{self, Reader};
use crate::error::Problem;
use crate::i18n::Lang;
use crate::kyc::case::{self, Case};
use crate::kyc::checks::{self, Check};
use crate::kyc::problem::Fault;
use crate::kyc::{VerifiedIdentity, verified_identity};
use crate::ratelimit;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::HeaderMap;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use ferry_platform::http::ApiError;
use serde::{Deserialize, Serialize};
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/ops/sessions", post(sign_in))
        .route("/api/v1/ops/sessions/current", delete(sign_out))
        .route("/api/v1/ops/two-factor/enrollment", post(start_enrollment))
        .route(
            "/api/v1/ops/two-factor/confirmation",
            post(confirm_enrollment),
        )
        .route("/api/v1/ops/cases", get(queue))
        .route("/api/v1/ops/cases/{id}", get(case_detail))
        .route("/api/v1/ops/cases/{id}/claim", post(claim))
        .route("/api/v1/ops/cases/{id}/approval", post(approve))
        .route("/api/v1/ops/cases/{id}/rejection", post(reject))
        .route(
            "/api/v1/ops/cases/{id}/action-request",
            post(request_action),
        )
        .route("/api/v1/ops/documents/{id}", get(document_content))
}

type ApiResult = Result<Response, ApiError>;

pub fn ops_session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(OPS_SESSION_COOKIE)?
                .strip_prefix('=')
                .map(str::to_string)
        })
        .filter(|token| !token.is_empty())
}

/// Any live operator session, complete or still enrolling.
pub struct OperatorSignedIn(pub OpsSession);

impl FromRequestParts<AppState> for OperatorSignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, ApiError> {
        let lang = Lang::from_request_parts(parts, app)
            .await
            .unwrap_or_default();
        let Some(token) = ops_session_token(&parts.headers) else {
            return Err(Problem::NotSignedIn.into_api(lang));
        };
        match operators::current(app, &token, now_ms()).await {
            Ok(Some(session)) => Ok(Self(session)),
            Ok(None) => Err(Problem::NotSignedIn.into_api(lang)),
            Err(failure) => Err(failure.into_api(lang)),
        }
    }
}

/// An operator who has enrolled two-factor and proved it in this session.
pub struct Operator(pub OpsSession);

impl FromRequestParts<AppState> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, ApiError> {
        let OperatorSignedIn(session) = OperatorSignedIn::from_request_parts(parts, app).await?;
        let lang = Lang::from_request_parts(parts, app)
            .await
            .unwrap_or_default();
        session
            .require_complete()
            .map_err(|fault| fault.into_api(lang))?;
        Ok(Self(session))
    }
}

pub fn ops_cookie(app: &AppState, token: &str) -> String {
    let secure = if app.secure_cookies() { "; Secure" } else { "" };
    format!("{OPS_SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}")
}

fn parse<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, Fault> {
    serde_json::from_slice(body).map_err(|_| Problem::MalformedBody.into())
}

#[derive(Deserialize)]
struct SignInRequest {
    email: String,
    password: String,
    code: Option<String>,
}

async fn sign_in(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    body: Bytes,
) -> ApiResult {
    let run = async {
        ratelimit::hit(&app.db, ratelimit::LOGIN, &client.ip, now_ms()).await?;
        let request: SignInRequest = parse(&body)?;
        let signed_in = operators::sign_in(
            &app,
            &request.email,
            &request.password,
            request.code.as_deref(),
            &client,
            now_ms(),
        )
        .await?;
        Ok::<_, Fault>(signed_in)
    };
    let signed_in = run.await.map_err(|fault| fault.into_api(lang))?;
    let status = if signed_in.enrollment_required {
        "enrollment_required"
    } else {
        "signed_in"
    };
    Ok((
        [(SET_COOKIE, ops_cookie(&app, &signed_in.token))],
        Json(json!({ "status": status })),
    )
        .into_response())
}

async fn sign_out(
    State(app): State<AppState>,
    lang: Lang,
    OperatorSignedIn(session): OperatorSignedIn,
) -> ApiResult {
    operators::end_session(&app.db, &session.session_id, now_ms())
        .await
        .map_err(|failure| failure.into_api(lang))?;
    let clear = format!("{OPS_SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    Ok(([(SET_COOKIE, clear)], axum::http::StatusCode::NO_CONTENT).into_response())
}

async fn start_enrollment(
    State(app): State<AppState>,
    lang: Lang,
    OperatorSignedIn(session): OperatorSignedIn,
) -> ApiResult {
    let enrollment = operators::start_enrollment(&app, &session)
        .await
        .map_err(|failure| failure.into_api(lang))?;
    Ok(Json(enrollment).into_response())
}

#[derive(Deserialize)]
struct ConfirmRequest {
    code: String,
    new_password: Option<String>,
}

async fn confirm_enrollment(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    OperatorSignedIn(session): OperatorSignedIn,
    body: Bytes,
) -> ApiResult {
    let run = async {
        let request: ConfirmRequest = parse(&body)?;
        operators::confirm_enrollment(
            &app,
            &session,
            &request.code,
            request.new_password.as_deref(),
            &client,
            now_ms(),
        )
        .await?;
        Ok::<_, Fault>(())
    };
    run.await.map_err(|fault| fault.into_api(lang))?;
    Ok(Json(json!({ "status": "enrolled" })).into_response())
}

async fn queue(State(app): State<AppState>, lang: Lang, Operator(_): Operator) -> ApiResult {
    let entries = case::queue(&app, now_ms())
        .await
        .map_err(|fault| fault.into_api(lang))?;
    Ok(Json(json!({ "cases": entries })).into_response())
}

/// Everything a reviewer needs on one screen.
#[derive(Serialize)]
pub struct CaseDetail {
    pub case: Case,
    pub account_name: String,
    pub checks: Vec<Check>,
    pub documents: Vec<documents::DocumentInfo>,
    pub verified_identity: Option<VerifiedIdentity>,
}

pub async fn load_detail(app: &AppState, case_id: &str, lang: Lang) -> Result<CaseDetail, Fault> {
    let case = case::by_id(app, case_id).await?.ok_or(Problem::NotFound)?;
    let account_name: String =
        sqlx::query("SELECT display_name FROM seller_accounts WHERE id = $1")
            .bind(&case.account_id)
            .fetch_one(app.db.reader())
            .await
            .and_then(|row| sqlx::Row::try_get(&row, "display_name"))?;
    let checks = checks::run(app, &case, now_ms(), lang).await?;
    let documents = documents::list_for_account(&app.db, &case.account_id).await?;
    let verified = verified_identity(&app.db, &case.account_id).await?;
    Ok(CaseDetail {
        case,
        account_name,
        checks,
        documents,
        verified_identity: verified,
    })
}

async fn case_detail(
    State(app): State<AppState>,
    lang: Lang,
    Operator(_): Operator,
    Path(id): Path<String>,
) -> ApiResult {
    let detail = load_detail(&app, &id, lang)
        .await
        .map_err(|fault| fault.into_api(lang))?;
    Ok(Json(detail).into_response())
}

async fn found_case(app: &AppState, id: &str) -> Result<Case, Fault> {
    Ok(case::by_id(app, id).await?.ok_or(Problem::NotFound)?)
}

async fn claim(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    Operator(session): Operator,
    Path(id): Path<String>,
) -> ApiResult {
    let run = async {
        let case = found_case(&app, &id).await?;
        case::claim(&app, &case, &session.operator.id, &client.ip, now_ms()).await
    };
    run.await.map_err(|fault| fault.into_api(lang))?;
    Ok(Json(json!({ "state": "in_review" })).into_response())
}

async fn approve(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    Operator(session): Operator,
    Path(id): Path<String>,
) -> ApiResult {
    let run = async {
        let case = found_case(&app, &id).await?;
        case::approve(&app, &case, &session.operator.id, &client.ip, now_ms()).await
    };
    let approval = run.await.map_err(|fault| fault.into_api(lang))?;
    Ok(Json(json!({ "approval": approval })).into_response())
}

#[derive(Deserialize)]
struct RejectRequest {
    reasons: Vec<String>,
    message: String,
}

async fn reject(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    Operator(session): Operator,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let run = async {
        let request: RejectRequest = parse(&body)?;
        let case = found_case(&app, &id).await?;
        case::reject(
            &app,
            &case,
            &session.operator.id,
            &request.reasons,
            &request.message,
            &client.ip,
            now_ms(),
        )
        .await
    };
    run.await.map_err(|fault| fault.into_api(lang))?;
    Ok(Json(json!({ "state": "rejected" })).into_response())
}

#[derive(Deserialize)]
struct ActionRequest {
    item: String,
    message: String,
}

async fn request_action(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    Operator(session): Operator,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let run = async {
        let request: ActionRequest = parse(&body)?;
        let case = found_case(&app, &id).await?;
        case::request_action(
            &app,
            &case,
            &session.operator.id,
            &request.item,
            &request.message,
            &client.ip,
            now_ms(),
        )
        .await
    };
    run.await.map_err(|fault| fault.into_api(lang))?;
    Ok(Json(json!({ "state": "action_required" })).into_response())
}

async fn document_content(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    Operator(session): Operator,
    Path(id): Path<String>,
) -> ApiResult {
    let run = async {
        let info = documents::find(&app.db, &id)
            .await?
            .ok_or(Problem::NotFound)?;
        let reader = Reader::Operator {
            operator_id: &session.operator.id,
        };
        app.documents
            .read(&app.db, &info, reader, &client.ip, now_ms())
            .await
    };
    let (media_type, bytes) = run.await.map_err(|fault| fault.into_api(lang))?;
    Ok(crate::kyc::api::document_response(media_type, bytes))
}

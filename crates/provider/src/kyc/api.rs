//! The seller's verification API under `/api/v1/kyc`.

use super::case::{self, Actor, Case};
use super::form::FormInput;
use super::problem::{Fault, KycProblem};
use super::{VerifiedIdentity, verified_identity};
use crate::accounts::api::{ClientInfo, SignedIn};
use crate::accounts::sessions::Current;
use crate::accounts::team::Role;
use crate::app::{AppState, now_ms};
use crate::documents::inspect::{MAX_DOCUMENT_BYTES, MediaType};
use crate::documents::{self, DocumentInfo, Reader};
use crate::error::Problem;
use crate::i18n::Lang;
use axum::body::Bytes;
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ferry_platform::http::ApiError;
use serde::Serialize;

/// Room for the multipart envelope around a maximal file; the file itself
/// is counted exactly while it streams in.
pub const UPLOAD_BODY_LIMIT_BYTES: usize = MAX_DOCUMENT_BYTES + 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/kyc/case", get(show_case).post(save_form))
        .route("/api/v1/kyc/case/submission", post(submit))
        .route(
            "/api/v1/kyc/documents",
            post(upload)
                .get(list_documents)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT_BYTES)),
        )
        .route("/api/v1/kyc/documents/{id}", get(document_content))
}

type ApiResult = Result<Response, ApiError>;

/// Verification is handled by the owner and admins; everyone on the team
/// may see its state.
pub fn require_manager(current: &Current) -> Result<(), Problem> {
    match Role::parse(&current.user.role) {
        Ok(Role::Owner | Role::Admin) => Ok(()),
        _ => Err(Problem::ForbiddenForRole),
    }
}

#[derive(Serialize)]
pub struct CaseView {
    pub case: Option<Case>,
    pub verified_identity: Option<VerifiedIdentity>,
}

async fn show_case(
    State(app): State<AppState>,
    lang: Lang,
    SignedIn(current): SignedIn,
) -> ApiResult {
    let run = async {
        let case = case::latest(&app, &current.user.account_id).await?;
        let verified = verified_identity(&app.db, &current.user.account_id).await?;
        Ok::<_, Fault>(CaseView {
            case,
            verified_identity: verified,
        })
    };
    let view = run.await.map_err(|fault| fault.into_api(lang))?;
    Ok(Json(view).into_response())
}

async fn save_form(
    State(app): State<AppState>,
    lang: Lang,
    SignedIn(current): SignedIn,
    ClientInfo(client): ClientInfo,
    body: Bytes,
) -> ApiResult {
    let run = async {
        require_manager(&current)?;
        let input: FormInput = serde_json::from_slice(&body).map_err(|_| Problem::MalformedBody)?;
        let actor = Actor::Seller {
            user_id: &current.user.id,
        };
        case::save_form(
            &app,
            &current.user.account_id,
            actor,
            &input,
            &client.ip,
            now_ms(),
        )
        .await
    };
    let case = run.await.map_err(|fault| fault.into_api(lang))?;
    Ok(Json(case).into_response())
}

async fn submit(
    State(app): State<AppState>,
    lang: Lang,
    SignedIn(current): SignedIn,
    ClientInfo(client): ClientInfo,
) -> ApiResult {
    let run = async {
        require_manager(&current)?;
        let actor = Actor::Seller {
            user_id: &current.user.id,
        };
        case::submit(&app, &current.user.account_id, actor, &client.ip, now_ms()).await
    };
    let case = run.await.map_err(|fault| fault.into_api(lang))?;
    Ok(Json(case).into_response())
}

/// The `file` part of a multipart body.
pub async fn file_part(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Vec<u8>, KycProblem> {
    let mut multipart = multipart.map_err(|_| KycProblem::DocumentMissing)?;
    while let Some(field) = multipart.next_field().await.map_err(too_large_or_missing)? {
        if field.name() == Some("file") {
            return read_file_field(field).await;
        }
    }
    Err(KycProblem::DocumentMissing)
}

/// A file part's bytes, counted as they stream in so that an oversized
/// upload stops at the limit.
pub async fn read_file_field(mut field: Field<'_>) -> Result<Vec<u8>, KycProblem> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(too_large_or_missing)? {
        if bytes.len() + chunk.len() > MAX_DOCUMENT_BYTES {
            return Err(KycProblem::DocumentTooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn too_large_or_missing(error: axum::extract::multipart::MultipartError) -> KycProblem {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        KycProblem::DocumentTooLarge
    } else {
        KycProblem::DocumentMissing
    }
}

async fn upload(
    State(app): State<AppState>,
    lang: Lang,
    SignedIn(current): SignedIn,
    ClientInfo(client): ClientInfo,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult {
    let run = async {
        require_manager(&current)?;
        let bytes = file_part(multipart).await?;
        app.documents
            .upload(
                &app.db,
                &current.user.account_id,
                &current.user.id,
                &client.ip,
                &bytes,
                now_ms(),
            )
            .await
    };
    let info = run.await.map_err(|fault| fault.into_api(lang))?;
    Ok((StatusCode::CREATED, Json(info)).into_response())
}

async fn list_documents(
    State(app): State<AppState>,
    lang: Lang,
    SignedIn(current): SignedIn,
) -> ApiResult {
    let run = async {
        require_manager(&current)?;
        Ok::<_, Fault>(documents::list_for_account(&app.db, &current.user.account_id).await?)
    };
    let list: Vec<DocumentInfo> = run.await.map_err(|fault| fault.into_api(lang))?;
    Ok(Json(serde_json::json!({ "documents": list })).into_response())
}

async fn document_content(
    State(app): State<AppState>,
    lang: Lang,
    SignedIn(current): SignedIn,
    ClientInfo(client): ClientInfo,
    Path(id): Path<String>,
) -> ApiResult {
    let run = async {
        require_manager(&current)?;
        let info = documents::find_for_account(&app.db, &current.user.account_id, &id)
            .await?
            .ok_or(Problem::NotFound)?;
        let reader = Reader::Seller {
            user_id: &current.user.id,
        };
        app.documents
            .read(&app.db, &info, reader, &client.ip, now_ms())
            .await
    };
    let (media_type, bytes) = run.await.map_err(|fault| fault.into_api(lang))?;
    Ok(document_response(media_type, bytes))
}

/// A decrypted document: never cached, never sniffed, and a PDF opens in
/// a sandbox (no scripts, no same-origin access).
pub fn document_response(media_type: MediaType, bytes: Vec<u8>) -> Response {
    (
        [
            (CONTENT_TYPE, media_type.mime()),
            (CACHE_CONTROL, "no-store"),
            (CONTENT_DISPOSITION, "inline"),
            (HeaderName::from_static("x-content-type-options"), "nosniff"),
            (
                HeaderName::from_static("content-security-policy"),
                "sandbox; default-src 'none'; img-src 'self'",
            ),
        ],
        bytes,
    )
        .into_response()
}

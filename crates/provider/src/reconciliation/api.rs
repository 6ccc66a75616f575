//! The JSON API of settlements: the list with each settlement's
//! reconciliation, one settlement, uploading a report, and refreshing a
//! bound store's settlements over SP-API.

use super::matching::{InboundCredit, Reconciliation, day, unmatched_reason};
use super::problem::{SettlementFail, SettlementProblem};
use super::{MAX_REPORT_BYTES, Owner, Settlement, Source, fetch, import_report, overview};
use crate::accounts::api::SignedIn;
use crate::app::{AppState, now_ms};
use crate::error::Problem;
use crate::i18n::Lang;
use axum::Json;
use axum::Router;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ferry_domain::{DecimalStyle, Money};
use ferry_platform::http::ApiError;
use serde_json::{Value, json};

/// Room for the multipart envelope around the largest report.
pub const UPLOAD_BODY_LIMIT: usize = MAX_REPORT_BYTES + 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/settlements", get(list_settlements))
        .route("/api/v1/settlements/{id}", get(get_settlement))
        .route(
            "/api/v1/settlements/imports",
            post(upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/api/v1/receiving-accounts/{id}/settlement-refresh",
            post(refresh),
        )
}

fn amount(minor: i64, settlement: &Settlement) -> Value {
    let money = Money::from_minor(minor, settlement.currency);
    json!({
        "amount_minor": minor,
        "amount": money.format_major(DecimalStyle::Point),
        "currency": settlement.currency.code(),
    })
}

pub fn settlement_json(
    settlement: &Settlement,
    reconciliation: &Reconciliation,
    lang: Lang,
) -> Value {
    let figures = &settlement.figures;
    json!({
        "id": settlement.id,
        "settlement_id": settlement.settlement_id,
        "receiving_account_id": settlement.receiving_account_id,
        "currency": settlement.currency.code(),
        "layout": settlement.layout,
        "source": settlement.source,
        "report_id": settlement.report_id,
        "period_start_at_ms": settlement.period_start_at_ms,
        "period_end_at_ms": settlement.period_end_at_ms,
        "deposit_at_ms": settlement.deposit_at_ms,
        "deposit_date": day(settlement.deposit_at_ms),
        "rows_count": settlement.rows_count,
        "orders": amount(figures.orders_minor, settlement),
        "fees": amount(figures.fees_minor, settlement),
        "refunds": amount(figures.refunds_minor, settlement),
        "reserve": amount(figures.reserve_minor(), settlement),
        "reserve_released": amount(figures.reserve_released_minor, settlement),
        "reserve_withheld": amount(figures.reserve_withheld_minor, settlement),
        "other": amount(figures.other_minor, settlement),
        "total": amount(settlement.total_minor, settlement),
        "received": amount(reconciliation.received_minor, settlement),
        "difference": amount(reconciliation.difference_minor, settlement),
        "status": reconciliation.status.code(),
        "reason": reconciliation.reason(lang, now_ms()),
        "payout_ids": reconciliation.payout_ids,
        "event_group": settlement.group_id.as_ref().map(|group_id| json!({
            "group_id": group_id,
            "trace_id": settlement.trace_id,
            "account_tail": settlement.account_tail,
            "fund_transfer_status": settlement.fund_transfer_status,
        })),
        "imported_at_ms": settlement.imported_at_ms,
    })
}

pub fn unmatched_json(credit: &InboundCredit, lang: Lang) -> Value {
    json!({
        "payout_id": credit.payout_id,
        "currency": credit.currency.code(),
        "amount_minor": credit.amount_minor,
        "end_to_end_id": credit.end_to_end_id,
        "bank_reference": credit.bank_reference,
        "received_at_ms": credit.received_at_ms,
        "reason": unmatched_reason(credit, lang),
    })
}

async fn list_settlements(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
) -> Result<Json<Value>, ApiError> {
    let run = async {
        let mut conn = app.db.reader().acquire().await?;
        overview(&mut conn, &current.user.account_id).await
    };
    let overview = run
        .await
        .map_err(|error| SettlementFail::from(error).into_api(lang))?;
    Ok(Json(json!({
        "settlements": overview
            .settlements
            .iter()
            .map(|(settlement, reconciliation)| settlement_json(settlement, reconciliation, lang))
            .collect::<Vec<_>>(),
        "unmatched_credits": overview
            .unmatched
            .iter()
            .map(|credit| unmatched_json(credit, lang))
            .collect::<Vec<_>>(),
    })))
}

/// The settlement `id` (Ferry's id or Amazon's settlement id) of the
/// seller, reconciled.
pub async fn reconciled(
    app: &AppState,
    account_id: &str,
    id: &str,
) -> Result<(Settlement, Reconciliation), SettlementFail> {
    let mut conn = app.db.reader().acquire().await?;
    let overview = overview(&mut conn, account_id).await?;
    overview
        .settlements
        .into_iter()
        .find(|(settlement, _)| settlement.id == id || settlement.settlement_id == id)
        .ok_or_else(|| Problem::NotFound.into())
}

async fn get_settlement(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (settlement, reconciliation) = reconciled(&app, &current.user.account_id, &id)
        .await
        .map_err(|fail| fail.into_api(lang))?;
    Ok(Json(settlement_json(&settlement, &reconciliation, lang)))
}

/// The parts of an upload form.
#[derive(Default)]
pub struct Upload {
    pub text: String,
    pub receiving_account_id: Option<String>,
    /// The page's form carries its CSRF token in the body.
    pub csrf: Option<String>,
}

fn upload_error(error: MultipartError) -> SettlementProblem {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        SettlementProblem::FileTooLarge
    } else {
        SettlementProblem::FileMissing
    }
}

/// Reads `file`, `receiving_account_id` and `csrf`; the file is counted as
/// it streams in so that an oversized one stops at the limit.
pub async fn read_upload(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Upload, SettlementProblem> {
    let mut multipart = multipart.map_err(|_| SettlementProblem::FileMissing)?;
    let mut upload = Upload::default();
    let mut bytes: Option<Vec<u8>> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(upload_error)? {
        match field.name() {
            Some("file") => {
                let mut file = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(upload_error)? {
                    if file.len() + chunk.len() > MAX_REPORT_BYTES {
                        return Err(SettlementProblem::FileTooLarge);
                    }
                    file.extend_from_slice(&chunk);
                }
                bytes = Some(file);
            }
            Some("receiving_account_id") => {
                let value = field.text().await.map_err(upload_error)?;
                upload.receiving_account_id =
                    Some(value.trim().to_string()).filter(|v| !v.is_empty());
            }
            Some("csrf") => upload.csrf = Some(field.text().await.map_err(upload_error)?),
            _ => {}
        }
    }
    let bytes = bytes
        .filter(|bytes| !bytes.is_empty())
        .ok_or(SettlementProblem::FileMissing)?;
    upload.text = String::from_utf8(bytes).map_err(|_| SettlementProblem::NotText)?;
    Ok(upload)
}

/// Imports an uploaded report for the caller's account.
pub async fn import_upload(
    app: &AppState,
    account_id: &str,
    upload: &Upload,
) -> Result<super::Imported, SettlementFail> {
    let owner = Owner {
        account_id: account_id.to_string(),
        receiving_account_id: upload.receiving_account_id.clone(),
    };
    import_report(
        &app.db,
        &owner,
        &upload.text,
        Source::Uploaded,
        None,
        |_| {},
    )
    .await
}

async fn upload(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let run = async {
        super::require_bookkeeper(&current)?;
        let upload = read_upload(multipart).await?;
        let imported = import_upload(&app, &current.user.account_id, &upload).await?;
        let (settlement, reconciliation) =
            reconciled(&app, &current.user.account_id, &imported.settlement.id).await?;
        Ok::<_, SettlementFail>((imported.outcome, settlement, reconciliation))
    };
    let (outcome, settlement, reconciliation) = run.await.map_err(|fail| fail.into_api(lang))?;
    let status = if outcome == super::Outcome::Imported {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut body = settlement_json(&settlement, &reconciliation, lang);
    body["outcome"] = json!(outcome.code());
    Ok((status, Json(body)).into_response())
}

async fn refresh(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let refreshed = fetch::refresh(&app, &current, &id)
        .await
        .map_err(|fail| fail.into_api(lang))?;
    Ok(Json(json!(refreshed)))
}

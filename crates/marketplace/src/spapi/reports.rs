//! Reports API 2021-06-30: `getReports`, `getReport` and
//! `getReportDocument` (models/reports-api-model/reports_2021-06-30.json).
//! The sandbox generates one `GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2`
//! report per closed settlement, as Amazon does; settlement reports cannot
//! be requested. The legacy flat file and XML settlement types were retired
//! on 2026-03-25, so asking for them finds nothing.

use super::{Caller, Operation, SpApiError, ok};
use crate::clock::MS_PER_DAY;
use crate::settlement::{self, api::iso};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ferry_domain::MarketplaceId;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::Row;
use std::collections::HashMap;

pub const GET_REPORTS: Operation = Operation {
    name: "getReports",
    rate_micro_per_s: 22_200,
    burst: 10,
};

pub const GET_REPORT: Operation = Operation {
    name: "getReport",
    rate_micro_per_s: 2_000_000,
    burst: 15,
};

pub const GET_REPORT_DOCUMENT: Operation = Operation {
    name: "getReportDocument",
    rate_micro_per_s: 16_700,
    burst: 15,
};

/// "Reports are retained for a maximum of 90 days."
const RETENTION_MS: i64 = 90 * MS_PER_DAY;
const PROCESSING_STATUSES: [&str; 5] = ["CANCELLED", "DONE", "FATAL", "IN_PROGRESS", "IN_QUEUE"];

fn invalid(parameter: &str, message: impl Into<String>) -> SpApiError {
    SpApiError::invalid_input(
        message,
        format!("The following input parameters are invalid : [ {parameter} ]."),
    )
}

/// The filters of a `getReports` call; `nextToken` carries them with the
/// position.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Filters {
    report_types: Vec<String>,
    statuses: Vec<String>,
    marketplace_ids: Vec<String>,
    since_ms: i64,
    until_ms: i64,
    page_size: usize,
    offset: usize,
}

/// A comma-separated list parameter of at most `max` values.
fn list(
    query: &HashMap<String, String>,
    name: &str,
    max: usize,
) -> Result<Vec<String>, SpApiError> {
    let Some(raw) = query.get(name) else {
        return Ok(Vec::new());
    };
    let values: Vec<String> = raw
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() || values.len() > max {
        return Err(invalid(name, format!("{name} takes 1 to {max} values.")));
    }
    Ok(values)
}

fn date(query: &HashMap<String, String>, name: &str, default_ms: i64) -> Result<i64, SpApiError> {
    match query.get(name) {
        None => Ok(default_ms),
        Some(raw) => {
            time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
                .map(ferry_platform::db::unix_ms)
                .map_err(|_| {
                    invalid(
                        name,
                        format!(
                            "{name} must be an ISO 8601 date-time, such as 2026-11-24T06:00:00Z."
                        ),
                    )
                })
        }
    }
}

fn filters(query: &HashMap<String, String>, now_ms: i64) -> Result<Filters, SpApiError> {
    if let Some(token) = query.get("nextToken") {
        if query.len() > 1 {
            return Err(invalid(
                "nextToken",
                "nextToken must be the only parameter when it is given.",
            ));
        }
        return URL_SAFE_NO_PAD
            .decode(token)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| invalid("nextToken", "The nextToken is not one this API returned."));
    }
    let report_types = list(query, "reportTypes", 10)?;
    if report_types.is_empty() {
        return Err(invalid(
            "reportTypes",
            "Either reportTypes or nextToken is required.",
        ));
    }
    let statuses = list(query, "processingStatuses", PROCESSING_STATUSES.len())?;
    if let Some(bad) = statuses
        .iter()
        .find(|s| !PROCESSING_STATUSES.contains(&s.as_str()))
    {
        return Err(invalid(
            "processingStatuses",
            format!("{bad} is not a processing status."),
        ));
    }
    let marketplace_ids = list(query, "marketplaceIds", 10)?;
    if let Some(bad) = marketplace_ids
        .iter()
        .find(|id| MarketplaceId::parse(id).is_err())
    {
        return Err(invalid(
            "marketplaceIds",
            format!("{bad} is not a marketplace ID."),
        ));
    }
    let page_size = match query.get("pageSize") {
        None => 10,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| invalid("pageSize", "pageSize must be an integer between 1 and 100."))?,
    };
    let since_ms = date(query, "createdSince", now_ms - RETENTION_MS)?;
    let until_ms = date(query, "createdUntil", now_ms)?;
    Ok(Filters {
        report_types,
        statuses,
        marketplace_ids,
        since_ms,
        until_ms,
        page_size,
        offset: 0,
    })
}

fn report_json(row: &sqlx::any::AnyRow) -> Result<Value, sqlx::Error> {
    let created = iso(row.try_get("created_at_ms")?);
    Ok(json!({
        "reportId": row.try_get::<String, _>("report_id")?,
        "reportType": row.try_get::<String, _>("report_type")?,
        "marketplaceIds": [row.try_get::<String, _>("marketplace_id")?],
        "dataStartTime": iso(row.try_get("data_start_at_ms")?),
        "dataEndTime": iso(row.try_get("data_end_at_ms")?),
        "createdTime": created,
        "processingStatus": "DONE",
        "processingStartTime": created,
        "processingEndTime": created,
        "reportDocumentId": row.try_get::<String, _>("document_id")?,
    }))
}

const REPORT_COLUMNS: &str = "report_id, report_type, marketplace_id, data_start_at_ms, \
     data_end_at_ms, created_at_ms, document_id";

pub async fn get_reports(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, SpApiError> {
    caller.admit(&state, &GET_REPORTS)?;
    let now_ms = settlement::catch_up(&state).await?;
    let filters = filters(&query, now_ms)?;
    // Every sandbox report is DONE; the other statuses find nothing.
    let wanted_status = filters.statuses.is_empty() || filters.statuses.iter().any(|s| s == "DONE");
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REPORT_COLUMNS} FROM reports WHERE seller_id = $1 \
         AND created_at_ms >= $2 AND created_at_ms <= $3 AND created_at_ms >= $4 \
         ORDER BY created_at_ms DESC, report_id"
    )))
    .bind(&caller.grant.seller_id)
    .bind(filters.since_ms)
    .bind(filters.until_ms)
    .bind(now_ms - RETENTION_MS)
    .fetch_all(state.db.reader())
    .await?;
    let mut matching = Vec::new();
    for row in &rows {
        let report_type: String = row.try_get("report_type")?;
        let marketplace_id: String = row.try_get("marketplace_id")?;
        if wanted_status
            && filters.report_types.contains(&report_type)
            && (filters.marketplace_ids.is_empty()
                || filters.marketplace_ids.contains(&marketplace_id))
        {
            matching.push(row);
        }
    }
    let reports = matching
        .iter()
        .skip(filters.offset)
        .take(filters.page_size)
        .map(|row| report_json(row))
        .collect::<Result<Vec<_>, _>>()?;
    let mut body = json!({ "reports": reports });
    if matching.len() > filters.offset + filters.page_size {
        let next = Filters {
            offset: filters.offset + filters.page_size,
            ..filters
        };
        let encoded = serde_json::to_vec(&next)
            .map_err(|e| SpApiError::from(sqlx::Error::Decode(e.into())))?;
        body["nextToken"] = json!(URL_SAFE_NO_PAD.encode(encoded));
    }
    Ok(ok(&GET_REPORTS, body))
}

fn not_found(what: &str, id: &str) -> SpApiError {
    SpApiError::new(
        StatusCode::NOT_FOUND,
        "NotFound",
        format!("The {what} was not found."),
        format!("No {what} {id} for this seller."),
    )
}

pub async fn get_report(
    State(state): State<AppState>,
    caller: Caller,
    Path(report_id): Path<String>,
) -> Result<Response, SpApiError> {
    caller.admit(&state, &GET_REPORT)?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REPORT_COLUMNS} FROM reports WHERE report_id = $1 AND seller_id = $2"
    )))
    .bind(&report_id)
    .bind(&caller.grant.seller_id)
    .fetch_optional(state.db.reader())
    .await?
    .ok_or_else(|| not_found("report", &report_id))?;
    Ok(ok(&GET_REPORT, report_json(&row)?))
}

/// A presigned URL that works for five minutes (sandbox time); with
/// `compressionAlgorithm: GZIP` when the sandbox compresses documents.
pub async fn get_report_document(
    State(state): State<AppState>,
    caller: Caller,
    Path(document_id): Path<String>,
) -> Result<Response, SpApiError> {
    caller.admit(&state, &GET_REPORT_DOCUMENT)?;
    let now_ms = crate::clock::now_ms(&state.db).await?;
    let mut tx = state.db.begin().await?;
    let found =
        sqlx::query("SELECT 1 AS one FROM reports WHERE document_id = $1 AND seller_id = $2")
            .bind(&document_id)
            .bind(&caller.grant.seller_id)
            .fetch_optional(&mut *tx)
            .await?;
    if found.is_none() {
        return Err(not_found("report document", &document_id));
    }
    let url = settlement::api::new_download_link(&mut tx, &state.public_url, &document_id, now_ms)
        .await?;
    tx.commit().await?;
    let mut body = json!({ "reportDocumentId": document_id, "url": url });
    if state.settings.report_documents_gzip {
        body["compressionAlgorithm"] = json!("GZIP");
    }
    Ok(ok(&GET_REPORT_DOCUMENT, body))
}

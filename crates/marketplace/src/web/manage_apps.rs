//! Manage Your Apps: the seller's authorized apps with their yearly
//! re-authorization date, and revocation.

use super::layout::{page, utc};
use super::{SignedIn, WebError};
use crate::state::AppState;
use crate::{apps, clock};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::html;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/apps/manage", get(list))
        .route("/apps/manage/{authorization_id}/revoke", post(revoke))
}

async fn list(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, WebError> {
    let mut conn = state.db.reader().acquire().await?;
    let authorizations = apps::active_authorizations(&mut conn, &signed_in.user.seller_id).await?;
    let body = html! {
        h1 { "Manage Your Apps" }
        @if authorizations.is_empty() {
            p { "You have not authorized any applications." }
        } @else {
            table {
                tr { th { "App name" } th { "Application ID" } th { "Authorized" } th { "Reauthorize by" } th {} }
                @for authorization in &authorizations {
                    tr {
                        td { (authorization.app_name) }
                        td { (authorization.application_id) }
                        td { (utc(authorization.granted_at_ms)) }
                        td.reauthorize-by { (utc(authorization.reauthorize_by_at_ms)) }
                        td {
                            form.inline method="post" action={ "/apps/manage/" (authorization.authorization_id) "/revoke" } {
                                button type="submit" { "Revoke" }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("Manage Your Apps", Some(&signed_in), body).into_response())
}

async fn revoke(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(authorization_id): Path<String>,
) -> Result<Response, WebError> {
    let now_ms = clock::now_ms(&state.db).await?;
    let mut tx = state.db.begin().await?;
    let revoked = apps::revoke(
        &mut tx,
        &signed_in.user.seller_id,
        &authorization_id,
        now_ms,
    )
    .await?;
    tx.commit().await?;
    if !revoked {
        let body =
            html! { h1 { "Not found" } div.alert { "There is no such authorization to revoke." } };
        return Ok((
            StatusCode::NOT_FOUND,
            page("Not found", Some(&signed_in), body),
        )
            .into_response());
    }
    Ok(Redirect::to("/apps/manage").into_response())
}

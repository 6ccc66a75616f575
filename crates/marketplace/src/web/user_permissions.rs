//! User Permissions: the legacy authorization of a developer by developer
//! ID, which shows the Seller ID and an MWS auth token.

use super::layout::{page, utc};
use super::{SignedIn, WebError};
use crate::sellers::UserRole;
use crate::state::AppState;
use crate::{clock, mws};
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::html;
use serde::Deserialize;

const HOME: &str = "/gp/account-manager/home.html";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(HOME, get(home))
        .route("/gp/account-manager/authorize-developer", post(authorize))
        .route("/gp/account-manager/mws/{handle}/revoke", post(revoke))
}

async fn home(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, WebError> {
    let mut conn = state.db.reader().acquire().await?;
    let authorized = mws::active_for(&mut conn, &signed_in.user.seller_id).await?;
    let body = html! {
        h1 { "User Permissions" }
        div.warning { "Amazon MWS was retired on 2024-03-31; new integrations use SP-API authorization (Manage Your Apps). This legacy flow is kept for testing." }
        h2 { "Amazon MWS Developer Permissions" }
        @if authorized.is_empty() {
            p { "You have not authorized any developers." }
        } @else {
            table {
                tr { th { "Developer name" } th { "Developer ID" } th { "Authorized" } th {} }
                @for entry in &authorized {
                    tr {
                        td { (entry.developer_name) }
                        td { (entry.developer_id) }
                        td { (utc(entry.created_at_ms)) }
                        td { form.inline method="post" action={ "/gp/account-manager/mws/" (entry.handle) "/revoke" } { button type="submit" { "Revoke access" } } }
                    }
                }
            }
        }
        h2 { "Authorize a developer" }
        form method="post" action="/gp/account-manager/authorize-developer" {
            label for="developer_id" { "Developer ID" }
            input id="developer_id" name="developer_id" required;
            div { button type="submit" { "Next" } }
        }
    };
    Ok(page("User Permissions", Some(&signed_in), body).into_response())
}

#[derive(Deserialize)]
struct AuthorizeDeveloper {
    developer_id: String,
}

async fn authorize(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<AuthorizeDeveloper>,
) -> Result<Response, WebError> {
    let refuse = |status: StatusCode, message: &str| {
        let body = html! { h1 { "User Permissions" } div.alert { (message) } p { a href=(HOME) { "Back" } } };
        (status, page("User Permissions", Some(&signed_in), body)).into_response()
    };
    if signed_in.user.role != UserRole::Primary {
        return Ok(refuse(
            StatusCode::FORBIDDEN,
            "Only the primary user of this account can authorize developers.",
        ));
    }
    let developer_id: String = form
        .developer_id
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let now_ms = clock::now_ms(&state.db).await?;
    let mut tx = state.db.begin().await?;
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM developers WHERE developer_id = $1")
            .bind(&developer_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(name) = name else {
        return Ok(refuse(
            StatusCode::BAD_REQUEST,
            "The developer ID you entered is not valid. Check it with the developer and try again.",
        ));
    };
    let token = mws::authorize(&mut tx, &signed_in.user.seller_id, &developer_id, now_ms).await?;
    tx.commit().await?;
    let body = html! {
        h1 { "You have authorized " (name) }
        p { "Give the developer these two values. The MWS Auth Token is shown only now." }
        table {
            tr { th { "Seller ID" } td.seller-id { (signed_in.user.seller_id) } }
            tr { th { "MWS Auth Token" } td.mws-auth-token { (token.as_str()) } }
        }
        p { a href=(HOME) { "Back to User Permissions" } }
    };
    Ok(page("User Permissions", Some(&signed_in), body).into_response())
}

async fn revoke(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(handle): Path<String>,
) -> Result<Response, WebError> {
    if signed_in.user.role != UserRole::Primary {
        let body = html! { h1 { "Forbidden" } div.alert { "Only the primary user of this account can revoke developer access." } };
        return Ok((
            StatusCode::FORBIDDEN,
            page("Forbidden", Some(&signed_in), body),
        )
            .into_response());
    }
    let now_ms = clock::now_ms(&state.db).await?;
    let mut tx = state.db.begin().await?;
    let revoked = mws::revoke(&mut tx, &signed_in.user.seller_id, &handle, now_ms).await?;
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
    Ok(Redirect::to(HOME).into_response())
}

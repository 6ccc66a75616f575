//! Seller Central's web pages: sign-in with two-step verification, the
//! dashboard, app consent and Manage Your Apps.

mod consent;
mod deposit_methods;
mod layout;
mod manage_apps;
mod session;
mod signin;
mod signup;
mod support;
mod user_permissions;

use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::html;

pub use session::SignedIn;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .merge(signin::routes())
        .merge(signup::routes())
        .merge(consent::routes())
        .merge(manage_apps::routes())
        .merge(deposit_methods::routes())
        .merge(support::routes())
        .merge(user_permissions::routes())
}

/// A failure on our side, shown as a plain error page; the cause is logged.
pub struct WebError;

impl<E: std::fmt::Display> From<E> for WebError {
    fn from(cause: E) -> Self {
        tracing::error!(%cause, "internal error on a Seller Central page");
        Self
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let page = layout::page(
            "Something went wrong",
            None,
            html! {
                h1 { "Something went wrong" }
                p { "We couldn't complete your request. Please try again." }
            },
        );
        (axum::http::StatusCode::INTERNAL_SERVER_ERROR, page).into_response()
    }
}

async fn home(
    State(state): State<AppState>,
    signed_in: Option<SignedIn>,
) -> Result<Response, WebError> {
    let Some(signed_in) = signed_in else {
        return Ok(layout::page(
            "Seller Central",
            None,
            html! {
                h1 { "Seller Central" }
                p { "A sandbox marketplace: Seller Central, SP-API and Login with Amazon, for testing." }
                p { a.button href="/signin" { "Sign in" } " " a href="/ap/register" { "Create your seller account" } }
            },
        )
        .into_response());
    };
    let legal_name: String =
        sqlx::query_scalar("SELECT legal_name FROM sellers WHERE seller_id = $1")
            .bind(&signed_in.user.seller_id)
            .fetch_one(state.db.reader())
            .await?;
    Ok(layout::page(
        "Seller Central",
        Some(&signed_in),
        html! {
            h1 { "Welcome, " (signed_in.user.name) }
            h2 { "Account Info" }
            table {
                tr { th { "Legal business name" } td { (legal_name) } }
                tr { th { "Merchant Token" } td.merchant-token { (signed_in.user.seller_id) } }
            }
            ul {
                li { a href=(deposit_methods::VIEW_PATH) { "Deposit Methods" } }
                li { a href="/apps/manage" { "Manage Your Apps" } }
                li { a href="/gp/account-manager/home.html" { "User Permissions" } }
                li { a href="/cu/case-lobby" { "Support cases" } }
            }
        },
    )
    .into_response())
}

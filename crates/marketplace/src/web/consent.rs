//! The website authorization workflow's consent page:
//! `/apps/authorize/consent?application_id=…&state=…[&redirect_uri=…][&version=beta]`.
//! On confirmation the seller's browser goes to the app's redirect URI with
//! `state`, `selling_partner_id` and a five-minute, single-use
//! `spapi_oauth_code`.

use super::layout::page;
use super::{SignedIn, WebError};
use crate::apps::{self, App};
use crate::clock;
use crate::sellers::UserRole;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::html;
use serde::Deserialize;
use sqlx::AnyConnection;

pub fn routes() -> Router<AppState> {
    Router::new().route("/apps/authorize/consent", get(consent_form).post(consent))
}

#[derive(Deserialize)]
struct ConsentRequest {
    application_id: String,
    state: Option<String>,
    redirect_uri: Option<String>,
    version: Option<String>,
}

fn refusal(status: StatusCode, title: &str, message: &str, signed_in: &SignedIn) -> Response {
    (
        status,
        page(
            title,
            Some(signed_in),
            html! { h1 { (title) } div.alert { (message) } },
        ),
    )
        .into_response()
}

/// The app and the redirect URI to use, or the page explaining why not.
async fn check_request(
    conn: &mut AnyConnection,
    request: &ConsentRequest,
    signed_in: &SignedIn,
) -> Result<Result<(App, String), Response>, WebError> {
    let Some(app) = apps::app_by_id(conn, &request.application_id).await? else {
        return Ok(Err(refusal(
            StatusCode::NOT_FOUND,
            "Application not found",
            "The application you are trying to authorize does not exist. Contact the developer of the application.",
            signed_in,
        )));
    };
    if app
        .private_seller_id
        .as_deref()
        .is_some_and(|owner| owner != signed_in.user.seller_id)
    {
        return Ok(Err(refusal(
            StatusCode::FORBIDDEN,
            "Application not available",
            "This is a private application; only the seller who owns it can authorize it.",
            signed_in,
        )));
    }
    if signed_in.user.role != UserRole::Primary {
        return Ok(Err(refusal(
            StatusCode::FORBIDDEN,
            "Permission required",
            "Only the primary user of this Seller Central account can authorize applications.",
            signed_in,
        )));
    }
    let redirect_uri = match &request.redirect_uri {
        None => app.redirect_uris[0].clone(),
        Some(uri) if app.redirect_uris.contains(uri) => uri.clone(),
        Some(_) => {
            return Ok(Err(refusal(
                StatusCode::BAD_REQUEST,
                "Invalid redirect URI",
                "The redirect URI is not one the developer registered for this application.",
                signed_in,
            )));
        }
    };
    Ok(Ok((app, redirect_uri)))
}

async fn consent_form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(request): Query<ConsentRequest>,
) -> Result<Response, WebError> {
    let mut conn = state.db.reader().acquire().await?;
    let (app, redirect_uri) = match check_request(&mut conn, &request, &signed_in).await? {
        Ok(checked) => checked,
        Err(refused) => return Ok(refused),
    };
    let body = html! {
        h1 { "Authorize " (app.name) }
        @if request.version.as_deref() == Some("beta") {
            div.warning { "This application is in draft (beta) and has not been published." }
        }
        p { (app.name) " is requesting access to your Selling Partner data for Merchant Token "
            strong { (signed_in.user.seller_id) } "." }
        p { "The authorization is valid for one year; you can renew or revoke it under Manage Your Apps." }
        form method="post" action="/apps/authorize/consent" {
            input type="hidden" name="application_id" value=(app.application_id);
            input type="hidden" name="state" value=(request.state.clone().unwrap_or_default());
            input type="hidden" name="redirect_uri" value=(redirect_uri);
            button type="submit" { "Confirm" }
        }
    };
    Ok(page("Authorize application", Some(&signed_in), body).into_response())
}

async fn consent(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(request): Form<ConsentRequest>,
) -> Result<Response, WebError> {
    let now_ms = clock::now_ms(&state.db).await?;
    let mut tx = state.db.begin().await?;
    let (app, redirect_uri) = match check_request(&mut tx, &request, &signed_in).await? {
        Ok(checked) => checked,
        Err(refused) => return Ok(refused),
    };
    let seller_id = &signed_in.user.seller_id;
    let authorization_id = apps::grant(&mut tx, &app.application_id, seller_id, now_ms).await?;
    let code = apps::issue_code(&mut tx, &authorization_id, &redirect_uri, now_ms).await?;
    tx.commit().await?;
    let mut target = reqwest::Url::parse(&redirect_uri)?;
    target
        .query_pairs_mut()
        .append_pair("state", request.state.as_deref().unwrap_or_default())
        .append_pair("selling_partner_id", seller_id)
        .append_pair("spapi_oauth_code", &code);
    Ok(Redirect::to(target.as_str()).into_response())
}

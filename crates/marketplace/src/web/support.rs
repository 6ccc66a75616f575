//! Seller Support ("Help" → "Contact us"): open a case in a category, read
//! and answer its messages.

use super::layout::{page, path_with_query, utc};
use super::{SignedIn, WebError};
use crate::clock;
use crate::state::AppState;
use crate::support::{self, Author, Category, Status};
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::html;
use serde::Deserialize;

const LOBBY_PATH: &str = "/cu/case-lobby";
const VIEW_PATH: &str = "/cu/case-dashboard/view-case";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(LOBBY_PATH, get(lobby))
        .route("/cu/contact-us", post(open_case))
        .route(VIEW_PATH, get(view_case))
        .route("/cu/case-dashboard/reply", post(reply))
}

fn category_label(code: &str) -> &'static str {
    Category::parse(code).map_or("Something else", Category::label)
}

async fn lobby(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, WebError> {
    let mut conn = state.db.reader().acquire().await?;
    let cases = support::cases_of(&mut conn, &signed_in.user.seller_id).await?;
    let body = html! {
        h1 { "Case Log" }
        table {
            tr { th { "Case ID" } th { "Category" } th { "Subject" } th { "Status" } th { "Opened" } }
            @for case in &cases {
                tr {
                    td { a href=(path_with_query(VIEW_PATH, &[("caseID", &case.case_id)])) { (case.case_id) } }
                    td { (category_label(&case.category)) }
                    td { (case.subject) }
                    td { (Status::label_of(&case.status)) }
                    td { (utc(case.opened_at_ms)) }
                }
            }
        }
        h2 { "Contact us" }
        form method="post" action="/cu/contact-us" {
            label for="category" { "What can we help you with?" }
            select id="category" name="category" {
                @for category in Category::ALL { option value=(category.code()) { (category.label()) } }
            }
            label for="subject" { "Subject" }
            input id="subject" name="subject" required;
            label for="body" { "Describe your issue" }
            textarea id="body" name="body" rows="6" cols="60" required {}
            div { button type="submit" { "Send" } }
        }
    };
    Ok(page("Case Log", Some(&signed_in), body).into_response())
}

#[derive(Deserialize)]
struct NewCase {
    category: String,
    subject: String,
    body: String,
}

async fn open_case(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(new): Form<NewCase>,
) -> Result<Response, WebError> {
    let Some(category) = Category::parse(&new.category) else {
        return Ok(bad_request(&signed_in, "Choose what we can help you with."));
    };
    if new.subject.trim().is_empty() || new.body.trim().is_empty() {
        return Ok(bad_request(
            &signed_in,
            "Enter a subject and describe your issue.",
        ));
    }
    let now_ms = clock::now_ms(&state.db).await?;
    let mut tx = state.db.begin().await?;
    let case_id = support::open_case(
        &mut tx,
        &signed_in.user.seller_id,
        category,
        new.subject.trim(),
        new.body.trim(),
        now_ms,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&path_with_query(VIEW_PATH, &[("caseID", &case_id)])).into_response())
}

fn bad_request(signed_in: &SignedIn, message: &str) -> Response {
    let body =
        html! { h1 { "Contact us" } div.alert { (message) } p { a href=(LOBBY_PATH) { "Back" } } };
    (
        StatusCode::BAD_REQUEST,
        page("Contact us", Some(signed_in), body),
    )
        .into_response()
}

#[derive(Deserialize)]
struct CaseQuery {
    #[serde(rename = "caseID")]
    case_id: String,
}

async fn view_case(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<CaseQuery>,
) -> Result<Response, WebError> {
    let mut conn = state.db.reader().acquire().await?;
    let Some((case, messages)) =
        support::case_of(&mut conn, Some(&signed_in.user.seller_id), &query.case_id).await?
    else {
        let body = html! { h1 { "Case not found" } div.alert { "There is no such case in your account." } };
        return Ok((
            StatusCode::NOT_FOUND,
            page("Case not found", Some(&signed_in), body),
        )
            .into_response());
    };
    let body = html! {
        h1 { "Case " (case.case_id) }
        p { "Category: " (category_label(&case.category)) }
        p { "Subject: " (case.subject) }
        p.status { "Status: " (Status::label_of(&case.status)) }
        @for (author, text, at_ms) in &messages {
            div.message {
                strong { @if author == "support" { "Seller Support" } @else { "You" } }
                " (" (utc(*at_ms)) ")"
                p { (text) }
            }
        }
        @if case.status != Status::Resolved.code() {
            form method="post" action="/cu/case-dashboard/reply" {
                input type="hidden" name="case_id" value=(case.case_id);
                label for="body" { "Reply" }
                textarea id="body" name="body" rows="4" cols="60" required {}
                div { button type="submit" { "Send" } }
            }
        }
    };
    Ok(page("Case", Some(&signed_in), body).into_response())
}

#[derive(Deserialize)]
struct Reply {
    case_id: String,
    body: String,
}

async fn reply(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(reply): Form<Reply>,
) -> Result<Response, WebError> {
    if reply.body.trim().is_empty() {
        return Ok(bad_request(&signed_in, "Enter your reply."));
    }
    let now_ms = clock::now_ms(&state.db).await?;
    let mut tx = state.db.begin().await?;
    let owned = support::case_of(&mut tx, Some(&signed_in.user.seller_id), &reply.case_id).await?;
    match owned {
        Some((case, _)) if case.status != Status::Resolved.code() => {
            support::add_message(
                &mut tx,
                &reply.case_id,
                Author::Seller,
                reply.body.trim(),
                now_ms,
            )
            .await?;
            tx.commit().await?;
            Ok(
                Redirect::to(&path_with_query(VIEW_PATH, &[("caseID", &reply.case_id)]))
                    .into_response(),
            )
        }
        Some(_) => Ok(bad_request(
            &signed_in,
            "This case is resolved. Open a new case instead.",
        )),
        None => Ok(bad_request(
            &signed_in,
            "There is no such case in your account.",
        )),
    }
}

//! Settings → Account Info → Payment Information → Deposit Methods, at
//! Seller Central's own path. Per marketplace: Assign, or Replace deposit
//! method; only the primary user; the complete current account number to
//! replace; the two-step code to confirm; then the three-day security hold.

use super::layout::{page, path_with_query, utc};
use super::{SignedIn, WebError};
use crate::banks;
use crate::clock::{self, MS_PER_DAY};
use crate::deposits::{self, BankLocation, SECURITY_HOLD_MS};
use crate::sellers::{self, UserRole};
use crate::state::AppState;
use crate::support;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ferry_domain::Marketplace;
use maud::{Markup, html};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

pub const VIEW_PATH: &str = "/sw/AccountInfo/DepositMethodView/step/DepositMethodView";
const ASSIGN_PATH: &str = "/sw/AccountInfo/DepositMethodView/step/Assign";
const VERIFY_PATH: &str = "/sw/AccountInfo/DepositMethodView/step/Verify";
pub const SUCCESS_MESSAGE: &str = "Deposit Method has been updated successfully!";
const WRONG_OTP: &str = "The One Time Password (OTP) you entered is not valid. Please try again.";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(VIEW_PATH, get(view))
        .route(ASSIGN_PATH, get(assign_form).post(assign))
        .route(VERIFY_PATH, post(verify))
}

fn forbidden(signed_in: &SignedIn) -> Response {
    let body = html! {
        h1 { "Forbidden" }
        div.alert { "You do not have permission to change payment information. Only the primary user of this account can change deposit methods." }
    };
    (
        StatusCode::FORBIDDEN,
        page("Forbidden", Some(signed_in), body),
    )
        .into_response()
}

fn not_participating(signed_in: &SignedIn) -> Response {
    let body = html! { h1 { "Marketplace not found" } div.alert { "You do not sell in this marketplace." } };
    (
        StatusCode::NOT_FOUND,
        page("Marketplace not found", Some(signed_in), body),
    )
        .into_response()
}

/// The seller's store in the marketplace: (store name, joined at).
async fn store(
    conn: &mut AnyConnection,
    seller_id: &str,
    marketplace_id: &str,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT store_name, joined_at_ms FROM marketplace_participations \
         WHERE seller_id = $1 AND marketplace_id = $2",
    )
    .bind(seller_id)
    .bind(marketplace_id)
    .fetch_optional(conn)
    .await?;
    row.map(|row| Ok((row.try_get("store_name")?, row.try_get("joined_at_ms")?)))
        .transpose()
}

fn marketplace_label(marketplace_id: &str) -> String {
    Marketplace::by_id(marketplace_id).map_or_else(
        || marketplace_id.to_string(),
        |m| format!("{} ({})", m.country_name(), m.currency()),
    )
}

/// The hold line and, when the hold reaches past the next scheduled
/// disbursement, Amazon's advice as a warning.
fn hold_notice(
    hold_until_at_ms: i64,
    joined_at_ms: i64,
    changed_at_ms: i64,
    now_ms: i64,
) -> Markup {
    let next = deposits::next_disbursement_at_ms(joined_at_ms, changed_at_ms);
    html! {
        @if hold_until_at_ms > now_ms {
            div.warning.hold {
                "Security hold: fund transfers to this account cannot be initiated until "
                strong { (utc(hold_until_at_ms)) } ", including those from settlement cycles that close during the hold."
            }
            @if next < hold_until_at_ms {
                div.warning.disbursement-warning {
                    "This change was made within three days of your next scheduled disbursement ("
                    (utc(next)) "). That disbursement will be delayed until the hold ends. "
                    "Amazon advises not to update your bank account within three days of a scheduled disbursement."
                }
            }
        }
    }
}

async fn view(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, WebError> {
    let now_ms = clock::now_ms(&state.db).await?;
    let mut conn = state.db.reader().acquire().await?;
    let seller_id = signed_in.user.seller_id.clone();
    let stores = sqlx::query(
        "SELECT marketplace_id, store_name, joined_at_ms FROM marketplace_participations \
         WHERE seller_id = $1 ORDER BY joined_at_ms, marketplace_id",
    )
    .bind(&seller_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut rows = Vec::new();
    for store in stores {
        let marketplace_id: String = store.try_get("marketplace_id")?;
        let store_name: String = store.try_get("store_name")?;
        let joined_at_ms: i64 = store.try_get("joined_at_ms")?;
        let current = deposits::assigned(&mut conn, &seller_id, &marketplace_id).await?;
        let under_review = deposits::review_open(&mut conn, &seller_id, &marketplace_id).await?;
        rows.push((
            marketplace_id,
            store_name,
            joined_at_ms,
            current,
            under_review,
        ));
    }
    let body = html! {
        h1 { "Deposit Methods" }
        table {
            tr { th { "Marketplace" } th { "Store" } th { "Default deposit method" } th {} }
            @for (marketplace_id, store_name, joined_at_ms, current, under_review) in &rows {
                tr id={ "marketplace-" (marketplace_id) } {
                    td { (marketplace_label(marketplace_id)) }
                    td { (store_name) }
                    td {
                        @match current {
                            Some(current) => {
                                "Bank account ending in " (current.tail) " (" (current.holder_name) ")"
                                (hold_notice(current.hold_until_at_ms, *joined_at_ms, current.assigned_at_ms, now_ms))
                                @if *under_review {
                                    div.alert.review {
                                        "Disbursements for this marketplace are under review after a deposit-method change. "
                                        "Verify the change to release them."
                                    }
                                    (verify_form(marketplace_id))
                                }
                            }
                            None => { "Not assigned" }
                        }
                    }
                    td {
                        @let label = if current.is_some() { "Replace deposit method" } else { "Assign" };
                        a.button href=(path_with_query(ASSIGN_PATH, &[("marketplace_id", marketplace_id)])) { (label) }
                    }
                }
            }
        }
    };
    Ok(page("Deposit Methods", Some(&signed_in), body).into_response())
}

fn verify_form(marketplace_id: &str) -> Markup {
    html! {
        form method="post" action=(VERIFY_PATH) {
            input type="hidden" name="marketplace_id" value=(marketplace_id);
            label { "Complete account number of the new deposit method" input name="account_number" required; }
            label { "Enter OTP" input name="otp" inputmode="numeric" required; }
            button type="submit" { "Verify" }
        }
    }
}

struct AssignPage<'a> {
    marketplace_id: &'a str,
    location: BankLocation,
    replacing: Option<&'a deposits::Assigned>,
    values: &'a HashMap<String, String>,
    errors: &'a [(&'static str, String)],
}

fn assign_page(signed_in: &SignedIn, form: &AssignPage<'_>) -> Markup {
    let value = |name: &str| form.values.get(name).cloned().unwrap_or_default();
    let body = html! {
        h1 { @if form.replacing.is_some() { "Replace deposit method" } @else { "Assign deposit method" } }
        p { "Marketplace: " (marketplace_label(form.marketplace_id)) }
        @if !form.errors.is_empty() {
            div.alert { ul { @for (_, message) in form.errors { li { (message) } } } }
        }
        form method="get" action=(ASSIGN_PATH) {
            input type="hidden" name="marketplace_id" value=(form.marketplace_id);
            label for="bank_location" { "Bank location" }
            select id="bank_location" name="bank_location" {
                @for location in BankLocation::ALL {
                    option value=(location.code()) selected[location == form.location] { (location.label()) }
                }
            }
            button type="submit" { "Change" }
        }
        form method="post" action=(ASSIGN_PATH) {
            input type="hidden" name="marketplace_id" value=(form.marketplace_id);
            input type="hidden" name="bank_location" value=(form.location.code());
            label for="holder_name" { "Account holder name" }
            input id="holder_name" name="holder_name" value=(value("holder_name")) required;
            @for (name, label) in form.location.fields() {
                label for=(name) { (label) }
                @if *name == "account_type" {
                    select id=(name) name=(name) {
                        option value="checking" { "Checking" }
                        option value="savings" { "Savings" }
                    }
                } @else {
                    input id=(name) name=(name) value=(value(name)) required;
                }
            }
            @if let Some(current) = form.replacing {
                h3 { "Verify your current deposit method" }
                p { "For your security, enter the complete account number of your current deposit method, ending in " (current.tail) "." }
                label for="current_account_number" { "Current bank account number" }
                input id="current_account_number" name="current_account_number" required autocomplete="off";
            }
            h3 { "Two-Step Verification" }
            label for="otp" { "Enter OTP from your Authenticator App" }
            input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" required;
            div { button type="submit" { "Set Deposit Method" } }
        }
    };
    page("Deposit Methods", Some(signed_in), body)
}

async fn assign_form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    if signed_in.user.role != UserRole::Primary {
        return Ok(forbidden(&signed_in));
    }
    let marketplace_id = query.get("marketplace_id").cloned().unwrap_or_default();
    let mut conn = state.db.reader().acquire().await?;
    if store(&mut conn, &signed_in.user.seller_id, &marketplace_id)
        .await?
        .is_none()
    {
        return Ok(not_participating(&signed_in));
    }
    let current = deposits::assigned(&mut conn, &signed_in.user.seller_id, &marketplace_id).await?;
    let location = query
        .get("bank_location")
        .and_then(|code| BankLocation::parse(code))
        .or_else(|| current.as_ref().map(|c| c.location))
        .unwrap_or(BankLocation::UnitedStates);
    let form = AssignPage {
        marketplace_id: &marketplace_id,
        location,
        replacing: current.as_ref(),
        values: &HashMap::new(),
        errors: &[],
    };
    Ok(assign_page(&signed_in, &form).into_response())
}

async fn assign(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    if signed_in.user.role != UserRole::Primary {
        return Ok(forbidden(&signed_in));
    }
    let seller_id = signed_in.user.seller_id.clone();
    let marketplace_id = values.get("marketplace_id").cloned().unwrap_or_default();
    let now_ms = clock::now_ms(&state.db).await?;
    let mut tx = state.db.begin().await?;
    let Some((_, joined_at_ms)) = store(&mut tx, &seller_id, &marketplace_id).await? else {
        return Ok(not_participating(&signed_in));
    };
    let current = deposits::assigned(&mut tx, &seller_id, &marketplace_id).await?;
    let chosen = values
        .get("bank_location")
        .and_then(|code| BankLocation::parse(code));
    let location = chosen.unwrap_or(BankLocation::UnitedStates);
    let refuse = |errors: Vec<(&'static str, String)>| {
        let form = AssignPage {
            marketplace_id: &marketplace_id,
            location,
            replacing: current.as_ref(),
            values: &values,
            errors: &errors,
        };
        (StatusCode::BAD_REQUEST, assign_page(&signed_in, &form)).into_response()
    };
    if chosen.is_none() {
        return Ok(refuse(vec![(
            "bank_location",
            "Choose the bank location.".into(),
        )]));
    }
    let deposit = match deposits::parse_form(location, &values) {
        Ok(deposit) => deposit,
        Err(errors) => return Ok(refuse(errors)),
    };
    if let Some(current) = &current {
        let entered = values
            .get("current_account_number")
            .map_or("", String::as_str);
        if !deposits::is_same_account_number(current.location, &current.account_number, entered) {
            return Ok(refuse(vec![(
                "current_account_number",
                "The account number you entered does not match your current deposit method. Enter the complete account number of your current bank account.".into(),
            )]));
        }
    }
    let otp = values.get("otp").map_or("", String::as_str);
    if !sellers::accept_totp_code(&mut tx, &signed_in.user, otp).await? {
        return Ok(refuse(vec![("otp", WRONG_OTP.into())]));
    }
    let deposit_method_id =
        deposits::set_default(&mut tx, &seller_id, &marketplace_id, &deposit, now_ms).await?;
    let under_review = match current {
        Some(_) => {
            let window_ms = state.settings.risk_notice_window_days * MS_PER_DAY;
            let announced =
                support::has_change_notice_since(&mut tx, &seller_id, now_ms - window_ms).await?;
            if !announced {
                deposits::open_review(
                    &mut tx,
                    &seller_id,
                    &marketplace_id,
                    &deposit_method_id,
                    now_ms,
                )
                .await?;
            }
            !announced
        }
        None => false,
    };
    tx.commit().await?;
    let provider = provider_section(
        &state,
        &seller_id,
        &marketplace_id,
        &deposit_method_id,
        &deposit,
    )
    .await?;
    let hold_until = now_ms + SECURITY_HOLD_MS;
    let body = html! {
        div.success { (SUCCESS_MESSAGE) }
        p { "Marketplace: " (marketplace_label(&marketplace_id)) }
        p { "New default deposit method: bank account ending in " (deposits::tail(&deposit.account.account_number())) "." }
        (hold_notice(hold_until, joined_at_ms, now_ms, now_ms))
        (provider)
        @if under_review {
            div.alert.review {
                "Disbursements for this marketplace are under review because the deposit method changed without a notice to Seller Support. "
                "Verify the change on the Deposit Methods page to release them."
            }
        }
        p { a href=(VIEW_PATH) { "Back to Deposit Methods" } }
    };
    Ok(page("Deposit Methods", Some(&signed_in), body).into_response())
}

/// What the Payment Service Provider Program says about the new account:
/// nothing for a bank or an unknown institution; a hold notice for a
/// provider outside the program; for a participating provider, its own
/// answer about the account (asked after the change is committed, so a slow
/// provider never holds the database).
async fn provider_section(
    state: &AppState,
    seller_id: &str,
    marketplace_id: &str,
    deposit_method_id: &str,
    deposit: &deposits::DepositAccount,
) -> Result<Markup, WebError> {
    let (code_type, code) = banks::directory_key(&deposit.account);
    let mut conn = state.db.reader().acquire().await?;
    let Some(entry) = banks::lookup(&mut conn, code_type, &code).await? else {
        return Ok(html! {});
    };
    drop(conn);
    if entry.kind != banks::Kind::PaymentProvider {
        return Ok(html! {});
    }
    if !entry.participating {
        return Ok(html! {
            div.alert.pspp {
                (entry.institution_name) " is a payment service provider that does not participate in the Payment Service Provider Program. "
                "Amazon will hold disbursements to this account. Choose an account at a deposit-taking bank or at a participating provider."
            }
        });
    }
    let (Some(url), Some(secret)) = (&entry.account_verification_url, &entry.signing_secret) else {
        return Ok(html! {});
    };
    let request = serde_json::json!({
        "request_id": uuid::Uuid::new_v4().to_string(),
        "seller_id": seller_id,
        "marketplace_id": marketplace_id,
        "bank_location": deposit.account.location().code(),
        "bank_code": deposit.account.bank_identifier(),
        "account_number": deposit.account.account_number(),
        "account_holder_name": deposit.holder_name,
    });
    let check = banks::ask_provider(&state.http, url, secret, &request).await;
    sqlx::query(
        "UPDATE deposit_methods SET provider_check = $1, provider_holder_name = $2 WHERE deposit_method_id = $3",
    )
    .bind(check.code())
    .bind(check.holder_name())
    .bind(deposit_method_id)
    .execute(state.db.writer())
    .await?;
    let name = &entry.institution_name;
    let holder = check.holder_name().unwrap_or("(not given)");
    Ok(html! {
        div.provider-check {
            @match &check {
                banks::ProviderCheck::Confirmed { .. } => {
                    div.success { (name) " confirms the account exists and is active. Account holder: " strong { (holder) } "." }
                }
                banks::ProviderCheck::Inactive { .. } => {
                    div.alert { (name) " reports the account exists but is not active. Account holder: " strong { (holder) } ". Disbursements to it will fail until it is active." }
                }
                banks::ProviderCheck::NotFound => {
                    div.alert { (name) " reports no such account. Check the account number with your provider." }
                }
                banks::ProviderCheck::Unreachable(reason) => {
                    div.warning { "We could not verify this account with " (name) ": " (reason) ". The deposit method is set; check the account details with your provider." }
                }
            }
        }
    })
}

/// The sandbox's verification step for a change under review: the primary
/// user re-enters the complete new account number and a two-step code.
async fn verify(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    if signed_in.user.role != UserRole::Primary {
        return Ok(forbidden(&signed_in));
    }
    let seller_id = signed_in.user.seller_id.clone();
    let marketplace_id = values.get("marketplace_id").cloned().unwrap_or_default();
    let now_ms = clock::now_ms(&state.db).await?;
    let mut tx = state.db.begin().await?;
    let Some(current) = deposits::assigned(&mut tx, &seller_id, &marketplace_id).await? else {
        return Ok(not_participating(&signed_in));
    };
    let refuse = |message: &str| {
        let body = html! { h1 { "Verification failed" } div.alert { (message) } p { a href=(VIEW_PATH) { "Back to Deposit Methods" } } };
        (
            StatusCode::BAD_REQUEST,
            page("Deposit Methods", Some(&signed_in), body),
        )
            .into_response()
    };
    let entered = values.get("account_number").map_or("", String::as_str);
    if !deposits::is_same_account_number(current.location, &current.account_number, entered) {
        return Ok(refuse(
            "The account number you entered does not match the new deposit method.",
        ));
    }
    if !sellers::accept_totp_code(
        &mut tx,
        &signed_in.user,
        values.get("otp").map_or("", String::as_str),
    )
    .await?
    {
        return Ok(refuse(WRONG_OTP));
    }
    deposits::clear_review(&mut tx, &seller_id, &marketplace_id, now_ms).await?;
    tx.commit().await?;
    let body = html! {
        div.success { "Thank you. Your deposit method change is verified; disbursements are no longer under review." }
        p { a href=(VIEW_PATH) { "Back to Deposit Methods" } }
    };
    Ok(page("Deposit Methods", Some(&signed_in), body).into_response())
}

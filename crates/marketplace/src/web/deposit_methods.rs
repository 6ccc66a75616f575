//! Settings → Account Info → Payment Information → Deposit Methods, at
//! Seller Central's own path. Per marketplace: Assign, or Replace deposit
//! method; only the primary user; the complete current account number to
//! replace; the two-step code to confirm; then the three-day security hold.

use super::layout::{page, path_with_query, utc};
use super::{SignedIn, WebError};
use crate::banks;
use crate::clock::{self, MS_PER_DAY};
use crate::deposit_accounts::{self, Linked};
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
const SET_DEFAULT_PATH: &str = "/sw/AccountInfo/DepositMethodView/step/SetDefault";
pub const SUCCESS_MESSAGE: &str = "Deposit Method has been updated successfully!";
const WRONG_OTP: &str = "The One Time Password (OTP) you entered is not valid. Please try again.";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(VIEW_PATH, get(view))
        .route(ASSIGN_PATH, get(assign_form).post(assign))
        .route(VERIFY_PATH, post(verify))
        .route(SET_DEFAULT_PATH, post(set_default))
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

fn currency_of(marketplace_id: &str) -> String {
    Marketplace::by_id(marketplace_id).map_or_else(String::new, |m| m.currency().to_string())
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
        let accounts = deposit_accounts::linked(&mut conn, &seller_id, &marketplace_id).await?;
        rows.push(StoreRow {
            marketplace_id,
            store_name,
            joined_at_ms,
            current,
            under_review,
            accounts,
        });
    }
    let body = html! {
        h1 { "Deposit Methods" }
        table {
            tr { th { "Marketplace" } th { "Store" } th { "Default deposit method" } th {} }
            @for StoreRow { marketplace_id, store_name, joined_at_ms, current, under_review, accounts } in &rows {
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
                        (other_accounts(marketplace_id, accounts, now_ms))
                    }
                    td {
                        @let label = if current.is_some() { "Replace deposit method" } else { "Assign" };
                        a.button href=(path_with_query(ASSIGN_PATH, &[("marketplace_id", marketplace_id)])) { (label) }
                        @if current.is_some() && accounts.len() < per_marketplace_limit(marketplace_id) {
                            " "
                            a.button.add href=(path_with_query(ASSIGN_PATH, &[("marketplace_id", marketplace_id), ("action", "add")])) { "Add new deposit method" }
                        }
                    }
                }
            }
        }
    };
    Ok(page("Deposit Methods", Some(&signed_in), body).into_response())
}

struct StoreRow {
    marketplace_id: String,
    store_name: String,
    joined_at_ms: i64,
    current: Option<deposits::Assigned>,
    under_review: bool,
    accounts: Vec<Linked>,
}

fn per_marketplace_limit(marketplace_id: &str) -> usize {
    Marketplace::by_id(marketplace_id)
        .map_or(1, |m| deposit_accounts::account_limit(m).per_marketplace)
}

/// The marketplace's active accounts other than the default, each with a
/// form to make it the default.
fn other_accounts(marketplace_id: &str, accounts: &[Linked], now_ms: i64) -> Markup {
    html! {
        @for account in accounts.iter().filter(|a| !a.is_default) {
            div.other-account id={ "account-" (account.deposit_method_id) } {
                "Also active: bank account ending in " (account.tail) " (" (account.holder_name) ")"
                @if account.hold_until_at_ms > now_ms {
                    " (security hold until " (utc(account.hold_until_at_ms)) ")"
                }
                form method="post" action=(SET_DEFAULT_PATH) {
                    input type="hidden" name="marketplace_id" value=(marketplace_id);
                    input type="hidden" name="deposit_method_id" value=(account.deposit_method_id);
                    label { "Enter OTP" input name="otp" inputmode="numeric" required; }
                    button type="submit" { "Make default" }
                }
            }
        }
        @for account in accounts.iter().filter(|a| a.accs_accepted) {
            div.accs { "Bank account ending in " (account.tail) ": paid through the Amazon Currency Converter for Sellers." }
        }
    }
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
    adding: bool,
    values: &'a HashMap<String, String>,
    errors: &'a [(&'static str, String)],
}

fn assign_page(signed_in: &SignedIn, form: &AssignPage<'_>) -> Markup {
    let value = |name: &str| form.values.get(name).cloned().unwrap_or_default();
    let body = html! {
        h1 {
            @if form.adding { "Add new deposit method" }
            @else if form.replacing.is_some() { "Replace deposit method" }
            @else { "Assign deposit method" }
        }
        p { "Marketplace: " (marketplace_label(form.marketplace_id)) }
        @if !form.errors.is_empty() {
            div.alert { ul { @for (code, message) in form.errors { li data-code=(code) { (message) } } } }
        }
        form method="get" action=(ASSIGN_PATH) {
            input type="hidden" name="marketplace_id" value=(form.marketplace_id);
            @if form.adding { input type="hidden" name="action" value="add"; }
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
            @if form.adding { input type="hidden" name="action" value="add"; }
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
            h3 { "Currency" }
            p {
                "Amazon pays this marketplace in " (currency_of(form.marketplace_id)) ". "
                "If the bank account is in another currency, you must accept the Amazon Currency Converter for Sellers agreement. "
                "A local receiving account in " (currency_of(form.marketplace_id)) " at a payment service provider avoids this step."
            }
            label {
                input type="checkbox" name="accept_accs" value="yes" checked[form.values.get("accept_accs").is_some_and(|v| v == "yes")];
                " I accept the Amazon Currency Converter for Sellers agreement"
            }
            @if let (Some(current), false) = (form.replacing, form.adding) {
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
    let adding = current.is_some() && query.get("action").is_some_and(|a| a == "add");
    let form = AssignPage {
        marketplace_id: &marketplace_id,
        location,
        replacing: current.as_ref(),
        adding,
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
    let (Some((_, joined_at_ms)), Some(marketplace)) = (
        store(&mut tx, &seller_id, &marketplace_id).await?,
        Marketplace::by_id(&marketplace_id),
    ) else {
        return Ok(not_participating(&signed_in));
    };
    let current = deposits::assigned(&mut tx, &seller_id, &marketplace_id).await?;
    // "Add new deposit method" keeps the default; with no default yet an
    // added account is simply the first assignment.
    let adding = current.is_some() && values.get("action").is_some_and(|a| a == "add");
    let chosen = values
        .get("bank_location")
        .and_then(|code| BankLocation::parse(code));
    let location = chosen.unwrap_or(BankLocation::UnitedStates);
    let refuse = |errors: Vec<(&'static str, String)>| {
        let form = AssignPage {
            marketplace_id: &marketplace_id,
            location,
            replacing: current.as_ref(),
            adding,
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
    if let (Some(current), false) = (&current, adding) {
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
    let replacing = current
        .as_ref()
        .filter(|_| !adding)
        .map(|c| c.deposit_method_id.as_str());
    if let Err(limit) = deposit_accounts::check_limits(
        &mut tx,
        &seller_id,
        marketplace,
        &deposit.account,
        replacing,
    )
    .await?
    {
        return Ok(refuse(vec![(limit.code(), limit.message())]));
    }
    let needs_accs = deposit_accounts::needs_currency_converter(&deposit.account, marketplace);
    let accepted_accs = values.get("accept_accs").is_some_and(|v| v == "yes");
    if needs_accs && !accepted_accs {
        return Ok(refuse(vec![(
            "accept_accs",
            accs_required_message(&deposit.account, marketplace),
        )]));
    }
    let otp = values.get("otp").map_or("", String::as_str);
    if !sellers::accept_totp_code(&mut tx, &signed_in.user, otp).await? {
        return Ok(refuse(vec![("otp", WRONG_OTP.into())]));
    }
    let deposit_method_id = if adding {
        deposit_accounts::add(
            &mut tx,
            &seller_id,
            &marketplace_id,
            &deposit,
            needs_accs,
            now_ms,
        )
        .await?
    } else {
        deposit_accounts::replace_default(
            &mut tx,
            &seller_id,
            &marketplace_id,
            replacing,
            &deposit,
            needs_accs,
            now_ms,
        )
        .await?
    };
    // Adding keeps the default, so funds do not move: only a replacement is
    // a change for the risk rule.
    let under_review = match (&current, adding) {
        (Some(_), false) => {
            apply_risk_rule(
                &state,
                &mut tx,
                &seller_id,
                &marketplace_id,
                &deposit_method_id,
                now_ms,
            )
            .await?
        }
        _ => false,
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
        @if adding {
            p { "Added bank account ending in " (deposits::tail(&deposit.account.account_number())) ". Your default deposit method is unchanged; funds go only to the default." }
        } @else {
            p { "New default deposit method: bank account ending in " (deposits::tail(&deposit.account.account_number())) "." }
        }
        @if needs_accs {
            div.accs { "You accepted the Amazon Currency Converter for Sellers agreement: Amazon converts your " (marketplace.currency()) " proceeds into the account's currency." }
        }
        @if adding {
            div.warning.hold {
                "Security hold: fund transfers to this account cannot be initiated until "
                strong { (utc(hold_until)) } ". Switching the default to it later starts no new hold."
            }
        } @else {
            (hold_notice(hold_until, joined_at_ms, now_ms, now_ms))
        }
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

fn accs_required_message(account: &deposits::BankAccount, marketplace: &Marketplace) -> String {
    let account_currency = deposit_accounts::account_currency(account)
        .map_or_else(|| "another currency".to_string(), |c| c.to_string());
    format!(
        "This bank account is in {account_currency}, but Amazon pays this marketplace in {}. \
         Accept the Amazon Currency Converter for Sellers agreement, or use an account in {} \
         (for example a payment service provider's local receiving account).",
        marketplace.currency(),
        marketplace.currency()
    )
}

/// The sandbox's risk rule: a change of where a marketplace's funds go,
/// without a notice to Seller Support in the window, opens a review.
/// Returns whether it did.
async fn apply_risk_rule(
    state: &AppState,
    conn: &mut AnyConnection,
    seller_id: &str,
    marketplace_id: &str,
    deposit_method_id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let window_ms = state.settings.risk_notice_window_days * MS_PER_DAY;
    let announced = support::has_change_notice_since(conn, seller_id, now_ms - window_ms).await?;
    if !announced {
        deposits::open_review(conn, seller_id, marketplace_id, deposit_method_id, now_ms).await?;
    }
    Ok(!announced)
}

/// Makes another of the marketplace's active accounts the default. The
/// account keeps the hold it got when it was added; no new hold starts.
async fn set_default(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    if signed_in.user.role != UserRole::Primary {
        return Ok(forbidden(&signed_in));
    }
    let seller_id = signed_in.user.seller_id.clone();
    let marketplace_id = values.get("marketplace_id").cloned().unwrap_or_default();
    let wanted = values.get("deposit_method_id").map_or("", String::as_str);
    let now_ms = clock::now_ms(&state.db).await?;
    let mut tx = state.db.begin().await?;
    let Some((_, joined_at_ms)) = store(&mut tx, &seller_id, &marketplace_id).await? else {
        return Ok(not_participating(&signed_in));
    };
    let refuse = |code: &str, message: &str| {
        let body = html! {
            h1 { "Default deposit method not changed" }
            div.alert data-code=(code) { (message) }
            p { a href=(VIEW_PATH) { "Back to Deposit Methods" } }
        };
        (
            StatusCode::BAD_REQUEST,
            page("Deposit Methods", Some(&signed_in), body),
        )
            .into_response()
    };
    let accounts = deposit_accounts::linked(&mut tx, &seller_id, &marketplace_id).await?;
    let Some(account) = accounts.iter().find(|a| a.deposit_method_id == wanted) else {
        return Ok(refuse(
            "deposit_method_not_active",
            "That bank account is not one of this marketplace's deposit methods. Add it first.",
        ));
    };
    if account.is_default {
        return Ok(refuse(
            "deposit_method_already_default",
            "That bank account is already the default deposit method for this marketplace.",
        ));
    }
    let otp = values.get("otp").map_or("", String::as_str);
    if !sellers::accept_totp_code(&mut tx, &signed_in.user, otp).await? {
        return Ok(refuse("otp", WRONG_OTP));
    }
    deposit_accounts::make_default(
        &mut tx,
        &seller_id,
        &marketplace_id,
        &account.deposit_method_id,
        account.hold_until_at_ms,
        now_ms,
    )
    .await?;
    let under_review = apply_risk_rule(
        &state,
        &mut tx,
        &seller_id,
        &marketplace_id,
        &account.deposit_method_id,
        now_ms,
    )
    .await?;
    tx.commit().await?;
    let body = html! {
        div.success { (SUCCESS_MESSAGE) }
        p { "Marketplace: " (marketplace_label(&marketplace_id)) }
        p { "New default deposit method: bank account ending in " (account.tail) "." }
        @if account.hold_until_at_ms > now_ms {
            (hold_notice(account.hold_until_at_ms, joined_at_ms, now_ms, now_ms))
        } @else {
            p.no-hold { "This account's security hold ended when it was added; switching the default starts no new hold." }
        }
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

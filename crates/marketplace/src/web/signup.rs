//! Seller registration: the business, the primary user, the marketplaces
//! and a store name; then two-step verification is set up, because Seller
//! Central requires it from the first sign-in.

use super::layout::page;
use crate::admin::{NewAddress, NewParticipation, NewSeller, NewUser, register_seller};
use crate::sellers::{BusinessType, SellingPlan};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::Form;
use ferry_domain::Marketplace;
use maud::{Markup, html};
use serde::Deserialize;

const BUSINESS_TYPES: [(&str, &str); 8] = [
    ("PRIVATE_LIMITED", "Privately-owned business"),
    ("PUBLIC_LISTED", "Publicly-listed business"),
    ("STATE_OWNED", "State-owned business"),
    ("SOLE_PROPRIETORSHIP", "Sole proprietorship"),
    ("NATURAL_PERSON_COMPANY", "Natural person company"),
    ("CHARITY", "Charity"),
    ("CRAFTSMAN", "Craftsman"),
    ("INDIVIDUAL", "None, I am an individual"),
];

pub fn routes() -> Router<AppState> {
    Router::new().route("/ap/register", get(form).post(register))
}

fn form_page(problem: Option<&str>) -> Markup {
    page(
        "Create your seller account",
        None,
        html! {
            h1 { "Create your seller account" }
            @if let Some(problem) = problem { div.alert { (problem) } }
            form method="post" action="/ap/register" {
                h3 { "Business information" }
                label for="legal_name" { "Legal business name" }
                input id="legal_name" name="legal_name" required;
                label for="business_type" { "Business type" }
                select id="business_type" name="business_type" {
                    @for (code, label) in BUSINESS_TYPES { option value=(code) { (label) } }
                }
                label for="country_code" { "Business location (country code)" }
                input id="country_code" name="country_code" maxlength="2" required;
                label for="line1" { "Registered address" }
                input id="line1" name="line1" required;
                label for="city" { "City" }
                input id="city" name="city" required;
                label for="postal_code" { "Postal code" }
                input id="postal_code" name="postal_code" required;
                h3 { "Marketplaces" }
                @for marketplace in Marketplace::all() {
                    label.checkbox {
                        input type="checkbox" name="marketplace_id" value=(marketplace.id());
                        " " (marketplace.country_name()) " (" (marketplace.currency()) ")"
                    }
                }
                label for="store_name" { "Store name" }
                input id="store_name" name="store_name" required;
                h3 { "Primary user" }
                label for="name" { "Your name" }
                input id="name" name="name" required;
                label for="email" { "Email" }
                input id="email" type="email" name="email" required;
                label for="password" { "Password (at least 8 characters)" }
                input id="password" type="password" name="password" required;
                div { button type="submit" { "Create account" } }
            }
        },
    )
}

async fn form() -> Markup {
    form_page(None)
}

#[derive(Deserialize)]
struct SignUp {
    legal_name: String,
    business_type: String,
    country_code: String,
    line1: String,
    city: String,
    postal_code: String,
    #[serde(default)]
    marketplace_id: Vec<String>,
    store_name: String,
    name: String,
    email: String,
    password: String,
}

async fn register(State(state): State<AppState>, Form(form): Form<SignUp>) -> Response {
    let Ok(business_type) =
        serde_json::from_value::<BusinessType>(serde_json::json!(form.business_type))
    else {
        return (
            StatusCode::BAD_REQUEST,
            form_page(Some("Choose your business type.")),
        )
            .into_response();
    };
    let new = NewSeller {
        legal_name: form.legal_name,
        business_type,
        selling_plan: SellingPlan::Professional,
        country_code: form.country_code,
        address: NewAddress {
            line1: form.line1,
            city: form.city,
            postal_code: form.postal_code,
        },
        primary_user: NewUser {
            name: form.name,
            email: form.email,
            password: form.password,
        },
        marketplaces: form
            .marketplace_id
            .into_iter()
            .map(|marketplace_id| NewParticipation {
                marketplace_id,
                store_name: form.store_name.clone(),
            })
            .collect(),
    };
    let created = match register_seller(&state, new).await {
        Ok(created) => created,
        // The admin API's messages are written for the person who filled in
        // the form; a server failure's message is already the generic one.
        Err(error) => return (error.status, form_page(Some(&error.message))).into_response(),
    };
    let user = &created["primary_user"];
    let text = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_string();
    page(
        "Set up Two-Step Verification",
        None,
        html! {
            h1 { "Set up Two-Step Verification" }
            p { "Your seller account is created. Merchant Token: " strong.merchant-token { (text(&created["seller_id"])) } }
            p { "Two-Step Verification is required to sign in. Add this key to your authenticator app:" }
            p { code.totp-secret { (text(&user["totp_secret"])) } }
            p { "Or open this link on the device with the app: " code { (text(&user["otpauth_url"])) } }
            p { a.button href="/signin" { "Sign in" } }
        },
    )
    .into_response()
}

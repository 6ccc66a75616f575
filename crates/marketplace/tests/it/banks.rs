//! The payment-provider program: the bank directory, the hold for
//! non-participating providers, and the signed account-verification call
//! to participating ones.

use crate::deposit_methods::{
    disbursement_status, set_deposit_method, signed_in_seller, us_account,
};
use crate::helpers::TestApp;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::{Arc, Mutex};

const US: &str = "ATVPDKIKX0DER";
const SECRET: &str = "whsec_provider_test_secret";

fn routing_number(first_8: &str) -> String {
    format!(
        "{first_8}{}",
        ferry_domain::AbaRoutingNumber::check_digit_for(first_8).unwrap()
    )
}

fn with_routing(routing: &str) -> Vec<(&'static str, String)> {
    let mut fields = us_account("000123456789");
    fields.retain(|(k, _)| *k != "routing_number");
    fields.push(("routing_number", routing.to_string()));
    fields
}

async fn add_bank(app: &TestApp, body: Value) -> reqwest::Response {
    app.post_json("/sandbox/v1/banks", &body).await
}

type Seen = Arc<Mutex<Vec<(bool, Value)>>>;

/// The provider's side, standing in for the real provider service: checks
/// the signature and answers that the account exists and is active.
async fn provider_endpoint() -> (String, Seen) {
    async fn verify(
        State(seen): State<Seen>,
        headers: HeaderMap,
        body: String,
    ) -> axum::Json<Value> {
        let header = headers["x-marketplace-signature"]
            .to_str()
            .unwrap()
            .to_string();
        let (t, v1) = header.split_once(",v1=").unwrap();
        let t = t.strip_prefix("t=").unwrap();
        let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
        mac.update(format!("{t}.{body}").as_bytes());
        let valid = hex::encode(mac.finalize().into_bytes()) == v1;
        seen.lock()
            .unwrap()
            .push((valid, serde_json::from_str(&body).unwrap()));
        axum::Json(
            json!({ "exists": true, "active": true, "account_holder_name": "SHENZHEN EXAMPLE TRADING CO LTD" }),
        )
    }
    let seen: Seen = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/v1/account-verifications",
        listener.local_addr().unwrap()
    );
    let router = axum::Router::new()
        .route("/v1/account-verifications", post(verify))
        .with_state(seen.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, seen)
}

#[tokio::test]
async fn a_participating_provider_is_asked_with_a_signed_request_and_its_answer_is_shown() {
    let app = crate::helpers::spawn_app().await;
    let (url, seen) = provider_endpoint().await;
    let routing = routing_number("02600959");
    let added = add_bank(&app, json!({
        "code_type": "aba", "code": routing, "institution_name": "LianLian Global (sandbox)",
        "kind": "payment_provider", "participating": true,
        "notification_url": "http://127.0.0.1:9/notifications", "account_verification_url": url, "signing_secret": SECRET,
    }))
    .await;
    assert_eq!(added.status(), 201);
    let listed: Value = app.get("/sandbox/v1/banks").await.json().await.unwrap();
    assert_eq!(listed["banks"][0]["participating"], true);
    assert!(
        !listed.to_string().contains(SECRET),
        "the directory never shows signing secrets"
    );

    let (seller, browser) = signed_in_seller(&app).await;
    let (status, page) =
        set_deposit_method(&app, &browser, &seller, &with_routing(&routing), &[]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Deposit Method has been updated successfully!"));
    assert!(
        page.contains("LianLian Global (sandbox) confirms the account exists and is active"),
        "{page}"
    );
    assert!(page.contains("SHENZHEN EXAMPLE TRADING CO LTD"));

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let (signature_valid, request) = &seen[0];
    assert!(
        signature_valid,
        "the request is signed with the provider's secret"
    );
    assert_eq!(request["account_number"], "000123456789");
    assert_eq!(request["bank_code"], routing.as_str());
    assert_eq!(request["seller_id"], seller.seller_id.as_str());
    assert_eq!(request["marketplace_id"], US);
    let check: String = sqlx::query_scalar("SELECT provider_check FROM deposit_methods")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert_eq!(check, "confirmed");
}

#[tokio::test]
async fn an_unreachable_provider_is_reported_and_the_deposit_method_is_still_set() {
    let app = crate::helpers::spawn_app().await;
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/verify", closed.local_addr().unwrap());
    drop(closed);
    let routing = routing_number("02600959");
    add_bank(&app, json!({
        "code_type": "aba", "code": routing, "institution_name": "Provider Down",
        "kind": "payment_provider", "participating": true, "account_verification_url": url, "signing_secret": SECRET,
    }))
    .await;
    let (seller, browser) = signed_in_seller(&app).await;
    let (status, page) =
        set_deposit_method(&app, &browser, &seller, &with_routing(&routing), &[]).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("We could not verify this account with Provider Down"),
        "{page}"
    );
    assert!(page.contains("Deposit Method has been updated successfully!"));
    let check: String = sqlx::query_scalar("SELECT provider_check FROM deposit_methods")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert_eq!(check, "unreachable");
}

#[tokio::test]
async fn disbursements_to_a_non_participating_provider_are_held_with_a_notice() {
    let app = crate::helpers::spawn_app().await;
    let routing = routing_number("12100035");
    add_bank(&app, json!({
        "code_type": "aba", "code": routing, "institution_name": "Unlisted Pay", "kind": "payment_provider", "participating": false,
    }))
    .await;
    let (seller, browser) = signed_in_seller(&app).await;
    let (_, page) = set_deposit_method(&app, &browser, &seller, &with_routing(&routing), &[]).await;
    assert!(
        page.contains("does not participate in the Payment Service Provider Program"),
        "{page}"
    );
    app.advance_clock_ms(4 * 86_400_000).await;
    let status = disbursement_status(&app, &seller, US).await;
    assert_eq!(status["on_security_hold"], false);
    assert_eq!(status["held_non_participating_provider"], true);
    assert_eq!(status["disbursable"], false);
}

#[tokio::test]
async fn directory_entries_are_validated() {
    let app = crate::helpers::spawn_app().await;
    let cases = [
        (
            json!({ "code_type": "swift", "code": "X", "institution_name": "X", "kind": "bank" }),
            "invalid_code_type",
        ),
        (
            json!({ "code_type": "aba", "code": "X", "institution_name": "X", "kind": "psp" }),
            "invalid_kind",
        ),
        (
            json!({ "code_type": "aba", "code": "0260-0959", "institution_name": "X", "kind": "bank" }),
            "invalid_code",
        ),
        (
            json!({ "code_type": "aba", "code": "1", "institution_name": "X", "kind": "payment_provider", "account_verification_url": "http://x.example/v" }),
            "missing_signing_secret",
        ),
        (
            json!({ "code_type": "aba", "code": "1", "institution_name": "X", "kind": "payment_provider", "account_verification_url": "not a url", "signing_secret": "s" }),
            "invalid_account_verification_url",
        ),
    ];
    for (body, code) in cases {
        let response = add_bank(&app, body).await;
        assert_eq!(response.status(), 400, "{code}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], code);
    }
    let listed: Value = app.get("/sandbox/v1/banks").await.json().await.unwrap();
    assert_eq!(listed["banks"], json!([]));
}

//! SP-API Sellers v1 through `x-amz-access-token`, validated against
//! Amazon's model, with its error envelope and rate limits.

use crate::helpers::{STORES, TestApp, spawn_app};
use crate::spapi_model::Model;
use serde_json::Value;

const PARTICIPATIONS: &str = "/sellers/v1/marketplaceParticipations";
const ACCOUNT: &str = "/sellers/v1/account";

async fn call(app: &TestApp, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(app.url(path));
    if let Some(token) = token {
        request = request.header("x-amz-access-token", token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn marketplace_participations_list_the_sellers_stores_in_amazons_shape() {
    let app = spawn_app().await;
    let (_seller, _app, tokens) = app.authorized_seller("li").await;
    let response = call(&app, PARTICIPATIONS, tokens["access_token"].as_str()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-amzn-RateLimit-Limit"], "0.016");
    assert!(!response.headers()["x-amzn-RequestId"].is_empty());
    let body: Value = response.json().await.unwrap();
    Model::load("sellers.json").assert_response(PARTICIPATIONS, 200, &body);
    let payload = body["payload"].as_array().unwrap();
    assert_eq!(payload.len(), STORES.len());
    let us = payload
        .iter()
        .find(|p| p["marketplace"]["id"] == "ATVPDKIKX0DER")
        .unwrap();
    assert_eq!(us["marketplace"]["name"], "Amazon.com");
    assert_eq!(us["marketplace"]["defaultCurrencyCode"], "USD");
    assert_eq!(us["storeName"], "Example Store US");
    assert_eq!(us["participation"]["hasSuspendedListings"], false);
    let uk = payload
        .iter()
        .find(|p| p["marketplace"]["id"] == "A1F83G8C2ARO7P")
        .unwrap();
    assert_eq!(uk["marketplace"]["countryCode"], "GB");
}

fn us_suspended(body: &Value) -> &Value {
    &body["payload"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["marketplace"]["id"] == "ATVPDKIKX0DER")
        .unwrap()["participation"]["hasSuspendedListings"]
}

#[tokio::test]
async fn suspending_a_stores_listings_shows_in_its_participation_until_lifted() {
    let app = spawn_app().await;
    let (seller, _app, tokens) = app.authorized_seller("li").await;
    let token = tokens["access_token"].as_str();
    let suspension = format!(
        "/sandbox/v1/sellers/{}/marketplaces/ATVPDKIKX0DER/listings-suspension",
        seller.seller_id
    );
    let suspended = app
        .post_json(&suspension, &serde_json::json!({ "suspended": true }))
        .await;
    assert_eq!(suspended.status(), 200);
    let body: Value = call(&app, PARTICIPATIONS, token)
        .await
        .json()
        .await
        .unwrap();
    Model::load("sellers.json").assert_response(PARTICIPATIONS, 200, &body);
    assert_eq!(us_suspended(&body), true);
    let uk = body["payload"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["marketplace"]["id"] == "A1F83G8C2ARO7P")
        .unwrap();
    assert_eq!(
        uk["participation"]["hasSuspendedListings"], false,
        "only the one marketplace's store"
    );

    app.post_json(&suspension, &serde_json::json!({ "suspended": false }))
        .await;
    let body: Value = call(&app, PARTICIPATIONS, token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(us_suspended(&body), false);

    let elsewhere = app
        .post_json(
            &format!(
                "/sandbox/v1/sellers/{}/marketplaces/A1AM78C64UM0Y8/listings-suspension",
                seller.seller_id
            ),
            &serde_json::json!({ "suspended": true }),
        )
        .await;
    assert_eq!(elsewhere.status(), 404);
    let error: Value = elsewhere.json().await.unwrap();
    assert_eq!(error["error"]["code"], "participation_not_found");
}

#[tokio::test]
async fn the_account_carries_business_type_plan_and_registered_name() {
    let app = spawn_app().await;
    let (_seller, _app, tokens) = app.authorized_seller("li").await;
    let response = call(&app, ACCOUNT, tokens["access_token"].as_str()).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    Model::load("sellers.json").assert_response(ACCOUNT, 200, &body);
    assert_eq!(body["payload"]["businessType"], "PRIVATE_LIMITED");
    assert_eq!(body["payload"]["sellingPlan"], "PROFESSIONAL");
    assert_eq!(
        body["payload"]["business"]["name"],
        "Shenzhen Example Trading Co., Ltd."
    );
    assert_eq!(body["payload"]["primaryContact"]["name"], "Li Wei");
}

async fn assert_unauthorized(response: reqwest::Response, details: &str) {
    assert_eq!(response.status(), 403);
    assert!(response.headers().contains_key("x-amzn-RequestId"));
    let body: Value = response.json().await.unwrap();
    Model::load("sellers.json").assert_response(PARTICIPATIONS, 403, &body);
    assert_eq!(body["errors"][0]["code"], "Unauthorized");
    assert_eq!(
        body["errors"][0]["message"],
        "Access to requested resource is denied."
    );
    assert_eq!(body["errors"][0]["details"], details);
}

#[tokio::test]
async fn missing_unknown_expired_and_revoked_tokens_get_403_unauthorized() {
    let app = spawn_app().await;
    let (seller, registered, tokens) = app.authorized_seller("li").await;
    assert_unauthorized(call(&app, PARTICIPATIONS, None).await, "").await;
    assert_unauthorized(
        call(&app, PARTICIPATIONS, Some("Atza|made-up")).await,
        "The access token you provided is revoked, malformed or invalid.",
    )
    .await;

    app.advance_clock_ms(3600 * 1000 + 1000).await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_unauthorized(
        call(&app, PARTICIPATIONS, Some(access)).await,
        "The access token you provided has expired.",
    )
    .await;

    let refreshed: Value = app
        .token_request(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
            ("client_id", &registered.client_id),
            ("client_secret", &registered.client_secret),
        ])
        .await
        .json()
        .await
        .unwrap();
    let fresh = refreshed["access_token"].as_str().unwrap();
    assert_eq!(call(&app, PARTICIPATIONS, Some(fresh)).await.status(), 200);

    let browser = crate::helpers::browser();
    app.sign_in(
        &browser,
        &seller.email,
        &seller.password,
        &seller.totp_secret,
    )
    .await;
    let authorization_id: String =
        sqlx::query_scalar("SELECT authorization_id FROM app_authorizations")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    browser
        .post(app.url(&format!("/apps/manage/{authorization_id}/revoke")))
        .send()
        .await
        .unwrap();
    assert_unauthorized(
        call(&app, PARTICIPATIONS, Some(fresh)).await,
        "The access token you provided is revoked, malformed or invalid.",
    )
    .await;
}

#[tokio::test]
async fn the_burst_is_fifteen_then_429_quota_exceeded_per_seller_and_app() {
    let app = spawn_app().await;
    let (_seller, _app, tokens) = app.authorized_seller("li").await;
    let (_other, _other_app, other_tokens) = app.authorized_seller("other").await;
    let token = tokens["access_token"].as_str();
    for attempt in 1..=15 {
        assert_eq!(
            call(&app, PARTICIPATIONS, token).await.status(),
            200,
            "call {attempt}"
        );
    }
    let limited = call(&app, PARTICIPATIONS, token).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["x-amzn-RateLimit-Limit"], "0.016");
    let body: Value = limited.json().await.unwrap();
    Model::load("sellers.json").assert_response(PARTICIPATIONS, 429, &body);
    assert_eq!(body["errors"][0]["code"], "QuotaExceeded");

    assert_eq!(
        call(&app, ACCOUNT, token).await.status(),
        200,
        "each operation has its own bucket"
    );
    assert_eq!(
        call(&app, PARTICIPATIONS, other_tokens["access_token"].as_str())
            .await
            .status(),
        200,
        "each seller and app pair has its own bucket"
    );
}

#[tokio::test]
async fn injected_faults_answer_the_next_calls_with_a_server_error_then_stop() {
    let app = spawn_app().await;
    let (_seller, _app, tokens) = app.authorized_seller("li").await;
    let token = tokens["access_token"].as_str();
    let injected = app
        .post_json(
            "/sandbox/v1/faults/sp-api",
            &serde_json::json!({ "status": 503, "count": 2 }),
        )
        .await;
    assert_eq!(injected.status(), 200);
    let pending: Value = injected.json().await.unwrap();
    assert_eq!(
        pending,
        serde_json::json!({ "status": 503, "remaining": 2 })
    );

    for remaining in [1, 0] {
        let response = call(&app, PARTICIPATIONS, token).await;
        assert_eq!(response.status(), 503);
        assert!(response.headers().contains_key("x-amzn-RequestId"));
        let body: Value = response.json().await.unwrap();
        Model::load("sellers.json").assert_response(PARTICIPATIONS, 503, &body);
        assert_eq!(body["errors"][0]["code"], "ServiceUnavailable");
        let pending: Value = app
            .get("/sandbox/v1/faults/sp-api")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(pending["remaining"], remaining);
    }
    assert_eq!(call(&app, PARTICIPATIONS, token).await.status(), 200);

    app.post_json(
        "/sandbox/v1/faults/sp-api",
        &serde_json::json!({ "status": 500, "count": 1 }),
    )
    .await;
    let response = call(&app, ACCOUNT, None).await;
    assert_eq!(response.status(), 500, "before authorization, as at Amazon");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "InternalFailure");

    let not_a_server_error = app
        .post_json(
            "/sandbox/v1/faults/sp-api",
            &serde_json::json!({ "status": 429, "count": 1 }),
        )
        .await;
    assert_eq!(not_a_server_error.status(), 400);
    let error: Value = not_a_server_error.json().await.unwrap();
    assert_eq!(error["error"]["code"], "invalid_status");
}

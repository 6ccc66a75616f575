//! The website authorization workflow's consent page and Manage Your Apps.

use crate::helpers::{browser, query_value, spawn_app};
use serde_json::{Value, json};

#[tokio::test]
async fn consent_redirects_with_state_seller_id_and_a_code() {
    let app = spawn_app().await;
    let seller = app.create_seller("li").await;
    let registered = app.create_app(None).await;
    let browser = browser();

    let consent_path = format!(
        "/apps/authorize/consent?application_id={}&state=abc123&version=beta",
        registered.application_id
    );
    let signed_out = browser.get(app.url(&consent_path)).send().await.unwrap();
    assert_eq!(signed_out.status(), 303, "the seller signs in first");
    assert!(
        signed_out.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/signin?return_to=%2Fapps%2Fauthorize%2Fconsent")
    );

    app.sign_in(
        &browser,
        &seller.email,
        &seller.password,
        &seller.totp_secret,
    )
    .await;
    let page = browser.get(app.url(&consent_path)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Ferry Collections"));
    assert!(page.contains(&seller.seller_id));
    assert!(page.contains("draft (beta)"));

    let query = app.consent(&browser, &registered, "abc123").await;
    assert_eq!(query_value(&query, "state"), "abc123");
    assert_eq!(query_value(&query, "selling_partner_id"), seller.seller_id);
    assert!(query_value(&query, "spapi_oauth_code").len() >= 20);
}

#[tokio::test]
async fn unknown_apps_foreign_redirects_private_apps_and_secondary_users_are_refused() {
    let app = spawn_app().await;
    let seller = app.create_seller("li").await;
    let other = app.create_seller("other").await;
    let registered = app.create_app(None).await;
    let private = app.create_app(Some(&other.seller_id)).await;
    let browser = browser();
    app.sign_in(
        &browser,
        &seller.email,
        &seller.password,
        &seller.totp_secret,
    )
    .await;

    let unknown = browser
        .get(app.url("/apps/authorize/consent?application_id=amzn1.sellerapps.app.nope&state=s"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let foreign = browser
        .post(app.url("/apps/authorize/consent"))
        .form(&[
            ("application_id", registered.application_id.as_str()),
            ("state", "s"),
            ("redirect_uri", "https://attacker.example/cb"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 400);
    let someone_elses = browser
        .post(app.url("/apps/authorize/consent"))
        .form(&[
            ("application_id", private.application_id.as_str()),
            ("state", "s"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(someone_elses.status(), 403);

    let user: Value = app
        .post_json(
            &format!("/sandbox/v1/sellers/{}/users", seller.seller_id),
            &json!({ "name": "Zhang San", "email": "zhang@shop.example", "password": "another good one" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let secondary = crate::helpers::browser();
    app.sign_in(
        &secondary,
        "zhang@shop.example",
        "another good one",
        user["totp_secret"].as_str().unwrap(),
    )
    .await;
    let refused = secondary
        .post(app.url("/apps/authorize/consent"))
        .form(&[
            ("application_id", registered.application_id.as_str()),
            ("state", "s"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let grants: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM app_authorizations")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert_eq!(grants, 0, "no refused request granted anything");
}

#[tokio::test]
async fn manage_your_apps_shows_the_reauthorization_date_a_year_out_and_revokes() {
    let app = spawn_app().await;
    let (seller, registered, tokens) = app.authorized_seller("li").await;
    let browser = browser();
    app.sign_in(
        &browser,
        &seller.email,
        &seller.password,
        &seller.totp_secret,
    )
    .await;
    let page = browser
        .get(app.url("/apps/manage"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Ferry Collections"));
    let next_year = (time::OffsetDateTime::now_utc() + time::Duration::days(365)).date();
    assert!(
        page.contains(&next_year.to_string()),
        "reauthorize-by date {next_year} in {page}"
    );

    let authorization_id: String =
        sqlx::query_scalar("SELECT authorization_id FROM app_authorizations")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    let revoke = browser
        .post(app.url(&format!("/apps/manage/{authorization_id}/revoke")))
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 303);
    let page = browser
        .get(app.url("/apps/manage"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("You have not authorized any applications."));

    let refreshed = app
        .token_request(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
            ("client_id", &registered.client_id),
            ("client_secret", &registered.client_secret),
        ])
        .await;
    assert_eq!(
        refreshed.status(),
        400,
        "a revoked authorization's refresh token is dead"
    );
    let error: Value = refreshed.json().await.unwrap();
    assert_eq!(error["error"], "invalid_grant");
}

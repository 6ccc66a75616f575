//! `POST /auth/o2/token`: LWA's grants, response and error shapes.

use crate::helpers::{RegisteredApp, browser, query_value, spawn_app};
use serde_json::Value;

async fn fresh_code(app: &crate::helpers::TestApp) -> (RegisteredApp, String) {
    let seller = app.create_seller("li").await;
    let browser = browser();
    app.sign_in(
        &browser,
        &seller.email,
        &seller.password,
        &seller.totp_secret,
    )
    .await;
    let registered = app.create_app(None).await;
    let query = app.consent(&browser, &registered, "s").await;
    (registered, query_value(&query, "spapi_oauth_code"))
}

fn code_grant<'a>(registered: &'a RegisteredApp, code: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", registered.redirect_uri.as_str()),
        ("client_id", registered.client_id.as_str()),
        ("client_secret", registered.client_secret.as_str()),
    ]
}

async fn error_of(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    assert!(body["error_description"].is_string(), "{body}");
    (status, body["error"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_code_exchanges_once_for_lwa_tokens() {
    let app = spawn_app().await;
    let (registered, code) = fresh_code(&app).await;
    let response = app.token_request(&code_grant(&registered, &code)).await;
    assert_eq!(response.status(), 200);
    let tokens: Value = response.json().await.unwrap();
    assert!(
        tokens["access_token"]
            .as_str()
            .unwrap()
            .starts_with("Atza|")
    );
    assert!(
        tokens["refresh_token"]
            .as_str()
            .unwrap()
            .starts_with("Atzr|")
    );
    assert_eq!(tokens["token_type"], "bearer");
    assert_eq!(tokens["expires_in"], 3600);

    let again = app.token_request(&code_grant(&registered, &code)).await;
    assert_eq!(error_of(again).await, (400, "invalid_grant".into()));

    let refreshed = app
        .token_request(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
            ("client_id", &registered.client_id),
            ("client_secret", &registered.client_secret),
        ])
        .await;
    assert_eq!(refreshed.status(), 200);
    let refreshed: Value = refreshed.json().await.unwrap();
    assert_ne!(refreshed["access_token"], tokens["access_token"]);
    assert_eq!(refreshed["refresh_token"], tokens["refresh_token"]);

    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM access_tokens WHERE token_hash LIKE 'Atza%'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    assert_eq!(stored, 0, "tokens are stored hashed");
}

#[tokio::test]
async fn codes_expire_after_five_minutes() {
    let app = spawn_app().await;
    let (registered, code) = fresh_code(&app).await;
    app.advance_clock_ms(5 * 60 * 1000 + 1000).await;
    let late = app.token_request(&code_grant(&registered, &code)).await;
    assert_eq!(error_of(late).await, (400, "invalid_grant".into()));
}

#[tokio::test]
async fn wrong_client_redirect_or_grant_type_get_lwa_errors_and_keep_the_code() {
    let app = spawn_app().await;
    let (registered, code) = fresh_code(&app).await;

    let mut bad_secret = code_grant(&registered, &code);
    bad_secret[4].1 = "amzn1.oa2-cs.v1.wrong";
    assert_eq!(
        error_of(app.token_request(&bad_secret).await).await,
        (401, "invalid_client".into())
    );

    let mut other_uri = code_grant(&registered, &code);
    other_uri[2].1 = "https://ferry.example/other";
    assert_eq!(
        error_of(app.token_request(&other_uri).await).await,
        (400, "invalid_grant".into())
    );

    let other_app = app.create_app(None).await;
    let mut other_client = code_grant(&other_app, &code);
    other_client[2].1 = registered.redirect_uri.as_str();
    assert_eq!(
        error_of(app.token_request(&other_client).await).await,
        (400, "invalid_grant".into())
    );

    let mut password_grant = code_grant(&registered, &code);
    password_grant[0].1 = "password";
    assert_eq!(
        error_of(app.token_request(&password_grant).await).await,
        (400, "unsupported_grant_type".into())
    );

    let missing_code: Vec<_> = code_grant(&registered, &code)
        .into_iter()
        .filter(|(k, _)| *k != "code")
        .collect();
    assert_eq!(
        error_of(app.token_request(&missing_code).await).await,
        (400, "invalid_request".into())
    );

    let good = app.token_request(&code_grant(&registered, &code)).await;
    assert_eq!(good.status(), 200, "refused attempts did not burn the code");
}

#[tokio::test]
async fn a_private_app_self_authorizes_and_refresh_tokens_expire_with_the_yearly_authorization() {
    let app = spawn_app().await;
    let seller = app.create_seller("li").await;
    let private = app.create_app(Some(&seller.seller_id)).await;
    let public = app.create_app(None).await;
    let refused = app
        .post_json(
            &format!(
                "/sandbox/v1/apps/{}/self-authorization",
                public.application_id
            ),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(refused.status(), 409);

    let response = app
        .post_json(
            &format!(
                "/sandbox/v1/apps/{}/self-authorization",
                private.application_id
            ),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["selling_partner_id"], seller.seller_id.as_str());
    let refresh_token = body["refresh_token"].as_str().unwrap().to_string();
    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token.as_str()),
        ("client_id", private.client_id.as_str()),
        ("client_secret", private.client_secret.as_str()),
    ];
    assert_eq!(app.token_request(&refresh).await.status(), 200);

    let mut wrong_client = refresh;
    wrong_client[2].1 = public.client_id.as_str();
    wrong_client[3].1 = public.client_secret.as_str();
    assert_eq!(
        error_of(app.token_request(&wrong_client).await).await,
        (400, "invalid_grant".into())
    );

    app.advance_clock_ms(366 * 86_400_000).await;
    assert_eq!(
        error_of(app.token_request(&refresh).await).await,
        (400, "invalid_grant".into())
    );
}

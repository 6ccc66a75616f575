//! Migrating an MWS authorization to SP-API: LWA's grantless
//! `client_credentials` grant for `sellingpartnerapi::migration`, and
//! Authorization API v1 `getAuthorizationCode`.

use crate::deposit_methods::signed_in_seller;
use crate::helpers::{RegisteredApp, TestApp, spawn_app};
use serde_json::{Value, json};

const CODE_PATH: &str = "/authorization/v1/authorizationCode";
const MIGRATION: &str = "sellingpartnerapi::migration";

async fn create_developer(app: &TestApp, name: &str) -> String {
    let developer: Value = app
        .post_json("/sandbox/v1/developers", &json!({ "name": name }))
        .await
        .json()
        .await
        .unwrap();
    developer["developer_id"].as_str().unwrap().to_string()
}

async fn create_app_of(app: &TestApp, developer_id: &str) -> RegisteredApp {
    let redirect_uri = "https://ferry.example/amazon/callback".to_string();
    let response = app
        .post_json(
            "/sandbox/v1/apps",
            &json!({
                "developer_id": developer_id,
                "name": "Ferry Collections",
                "redirect_uris": [redirect_uri],
            }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    let text = |key: &str| body[key].as_str().unwrap().to_string();
    RegisteredApp {
        application_id: text("application_id"),
        client_id: text("client_id"),
        client_secret: text("client_secret"),
        redirect_uri,
    }
}

/// Authorizes the developer in User Permissions; returns the MWS token.
async fn mws_token(app: &TestApp, browser: &reqwest::Client, developer_id: &str) -> String {
    let page = browser
        .post(app.url("/gp/account-manager/authorize-developer"))
        .form(&[("developer_id", developer_id)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page.find("amzn.mws.").expect("the token is shown");
    page[start..start + "amzn.mws.".len() + 36].to_string()
}

async fn grantless_token(app: &TestApp, registered: &RegisteredApp) -> String {
    let response = app
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("scope", MIGRATION),
            ("client_id", &registered.client_id),
            ("client_secret", &registered.client_secret),
        ])
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], MIGRATION);
    assert!(body.get("refresh_token").is_none(), "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

async fn get_code(
    app: &TestApp,
    token: &str,
    seller_id: &str,
    developer_id: &str,
    mws_auth_token: &str,
) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url(CODE_PATH))
        .query(&[
            ("sellingPartnerId", seller_id),
            ("developerId", developer_id),
            ("mwsAuthToken", mws_auth_token),
        ])
        .header("x-amz-access-token", token)
        .send()
        .await
        .unwrap()
}

async fn sp_api_error(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.unwrap();
    body["errors"][0].clone()
}

async fn call(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url(path))
        .header("x-amz-access-token", token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_grantless_grant_needs_the_migration_scope_and_the_apps_credentials() {
    let app = spawn_app().await;
    let developer = create_developer(&app, "Ferry").await;
    let registered = create_app_of(&app, &developer).await;
    let grant = |scope: &'static str, secret: &'static str| {
        let registered = &registered;
        let app = &app;
        async move {
            let secret = if secret.is_empty() {
                registered.client_secret.as_str()
            } else {
                secret
            };
            let response = app
                .token_request(&[
                    ("grant_type", "client_credentials"),
                    ("scope", scope),
                    ("client_id", &registered.client_id),
                    ("client_secret", secret),
                ])
                .await;
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            (status, body["error"].as_str().unwrap_or("").to_string())
        }
    };
    assert_eq!(
        grant("sellingpartnerapi::notifications", "").await,
        (400, "invalid_scope".to_string())
    );
    assert_eq!(grant("", "").await, (400, "invalid_request".to_string()));
    assert_eq!(
        grant(MIGRATION, "amzn1.oa2-cs.v1.wrong").await,
        (401, "invalid_client".to_string())
    );
    assert_eq!(grant(MIGRATION, "").await, (200, String::new()));
}

#[tokio::test]
async fn an_mws_authorization_becomes_a_code_that_exchanges_once_for_working_tokens() {
    let app = spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    let developer = create_developer(&app, "Ferry").await;
    let registered = create_app_of(&app, &developer).await;
    let token = mws_token(&app, &browser, &developer).await;
    let grantless = grantless_token(&app, &registered).await;

    let answer = get_code(&app, &grantless, &seller.seller_id, &developer, &token).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["x-amzn-ratelimit-limit"], "1");
    let body: Value = answer.json().await.unwrap();
    let code = body["payload"]["authorizationCode"].as_str().unwrap();

    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", registered.client_id.as_str()),
        ("client_secret", registered.client_secret.as_str()),
    ];
    let response = app.token_request(&exchange).await;
    assert_eq!(response.status(), 200);
    let tokens: Value = response.json().await.unwrap();
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    assert!(refresh_token.starts_with("Atzr|"));
    let again = app.token_request(&exchange).await;
    assert_eq!(again.status(), 400, "the code is single use");

    // The refresh token works like a consented one.
    let refreshed: Value = app
        .token_request(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", &registered.client_id),
            ("client_secret", &registered.client_secret),
        ])
        .await
        .json()
        .await
        .unwrap();
    let access_token = refreshed["access_token"].as_str().unwrap();
    let participations = call(&app, "/sellers/v1/marketplaceParticipations", access_token).await;
    assert_eq!(participations.status(), 200);
    let participations: Value = participations.json().await.unwrap();
    assert!(!participations["payload"].as_array().unwrap().is_empty());

    // The app now appears among the seller's authorized apps.
    let apps = browser
        .get(app.url("/apps/manage"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(apps.contains("Ferry Collections"), "{apps}");
}

#[tokio::test]
async fn another_app_cannot_exchange_a_migration_code() {
    let app = spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    let developer = create_developer(&app, "Ferry").await;
    let registered = create_app_of(&app, &developer).await;
    let other_app = create_app_of(&app, &developer).await;
    let token = mws_token(&app, &browser, &developer).await;
    let grantless = grantless_token(&app, &registered).await;
    let body: Value = get_code(&app, &grantless, &seller.seller_id, &developer, &token)
        .await
        .json()
        .await
        .unwrap();
    let code = body["payload"]["authorizationCode"].as_str().unwrap();
    let stolen = app
        .token_request(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", &other_app.client_id),
            ("client_secret", &other_app.client_secret),
        ])
        .await;
    assert_eq!(stolen.status(), 400);
    let body: Value = stolen.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn unusable_mws_authorizations_are_400_invalid_input() {
    let app = spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    let other_seller = app.create_seller("other").await;
    let developer = create_developer(&app, "Ferry").await;
    let someone_else = create_developer(&app, "Someone Else").await;
    let registered = create_app_of(&app, &developer).await;
    let token = mws_token(&app, &browser, &developer).await;
    let other_developers_token = mws_token(&app, &browser, &someone_else).await;
    let grantless = grantless_token(&app, &registered).await;

    let refused = |seller_id: String, developer_id: String, mws: String| {
        let (app, grantless) = (&app, &grantless);
        async move {
            let response = get_code(app, grantless, &seller_id, &developer_id, &mws).await;
            let error = sp_api_error(response, 400).await;
            assert_eq!(error["code"], "InvalidInput", "{error}");
            error["message"].as_str().unwrap().to_string()
        }
    };
    let other = refused(
        other_seller.seller_id.clone(),
        developer.clone(),
        token.clone(),
    )
    .await;
    assert!(other.contains("sellingPartnerId"), "{other}");
    let other_developer = refused(
        seller.seller_id.clone(),
        developer.clone(),
        other_developers_token.clone(),
    )
    .await;
    assert!(other_developer.contains("developerId"), "{other_developer}");
    let not_the_apps_developer = refused(
        seller.seller_id.clone(),
        someone_else.clone(),
        other_developers_token,
    )
    .await;
    assert!(
        not_the_apps_developer.contains("calling application"),
        "{not_the_apps_developer}"
    );
    let unknown = refused(
        seller.seller_id.clone(),
        developer.clone(),
        format!("amzn.mws.{}", uuid::Uuid::new_v4()),
    )
    .await;
    assert!(unknown.contains("No MWS authorization"), "{unknown}");
    let malformed = refused(
        seller.seller_id.clone(),
        developer.clone(),
        "amzn.mws.nope".into(),
    )
    .await;
    assert!(malformed.contains("mwsAuthToken"), "{malformed}");

    // Five calls spent the app's burst of 5; at 1 request/second the next
    // one is back after a second.
    let throttled = get_code(&app, &grantless, &seller.seller_id, &developer, &token).await;
    assert_eq!(throttled.headers()["x-amzn-ratelimit-limit"], "1");
    assert_eq!(sp_api_error(throttled, 429).await["code"], "QuotaExceeded");
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    // Revoked in User Permissions (the first listed is Ferry's).
    let list = browser
        .get(app.url("/gp/account-manager/home.html"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = list.find("/gp/account-manager/mws/").unwrap();
    let handle_path = &list[start..list[start..].find('"').unwrap() + start];
    let revoked = browser.post(app.url(handle_path)).send().await.unwrap();
    assert_eq!(revoked.status(), 303);
    let after = refused(seller.seller_id.clone(), developer.clone(), token).await;
    assert!(after.contains("revoked"), "{after}");
}

#[tokio::test]
async fn only_a_grantless_migration_token_opens_the_endpoint_and_nothing_else() {
    let app = spawn_app().await;
    let (seller, app_of_seller, tokens) = app.authorized_seller("li").await;
    let seller_token = tokens["access_token"].as_str().unwrap();
    let path = format!(
        "{CODE_PATH}?sellingPartnerId={}&developerId=000000000000&mwsAuthToken=amzn.mws.{}",
        seller.seller_id,
        uuid::Uuid::new_v4()
    );
    let error = sp_api_error(call(&app, &path, seller_token).await, 403).await;
    assert_eq!(error["code"], "Unauthorized");
    let error = sp_api_error(call(&app, &path, "Atza|nonsense").await, 403).await;
    assert_eq!(error["code"], "Unauthorized");
    let missing = reqwest::Client::new()
        .get(app.url(&path))
        .send()
        .await
        .unwrap();
    assert_eq!(sp_api_error(missing, 403).await["code"], "Unauthorized");

    let grantless = grantless_token(&app, &app_of_seller).await;
    for seller_api in [
        "/sellers/v1/marketplaceParticipations",
        "/sellers/v1/account",
        "/finances/v0/financialEventGroups",
    ] {
        let error = sp_api_error(call(&app, seller_api, &grantless).await, 403).await;
        assert_eq!(error["code"], "Unauthorized", "{seller_api}");
    }
}

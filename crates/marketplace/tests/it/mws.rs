//! The legacy authorization: User Permissions → developer ID → Seller ID and
//! MWS auth token; revocable; verifiable by the developer.

use crate::deposit_methods::signed_in_seller;
use crate::helpers::{TestApp, spawn_app};
use serde_json::{Value, json};

fn token_in(page: &str) -> String {
    let start = page.find("amzn.mws.").expect("the token is shown");
    page[start..start + "amzn.mws.".len() + 36].to_string()
}

async fn create_developer(app: &TestApp, name: &str) -> String {
    let developer: Value = app
        .post_json("/sandbox/v1/developers", &json!({ "name": name }))
        .await
        .json()
        .await
        .unwrap();
    developer["developer_id"].as_str().unwrap().to_string()
}

/// Authorizes the developer in User Permissions; returns the page.
async fn authorize(app: &TestApp, browser: &reqwest::Client, developer_id: &str) -> String {
    let page = browser
        .post(app.url("/gp/account-manager/authorize-developer"))
        .form(&[("developer_id", developer_id)])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    page.text().await.unwrap()
}

async fn verify(
    app: &TestApp,
    developer_id: &str,
    seller_id: &str,
    token: &str,
) -> reqwest::Response {
    let body =
        json!({ "developer_id": developer_id, "seller_id": seller_id, "mws_auth_token": token });
    app.post_json("/sandbox/v1/mws/verify", &body).await
}

async fn verdict(app: &TestApp, developer_id: &str, seller_id: &str, token: &str) -> Value {
    let answer = verify(app, developer_id, seller_id, token).await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

/// Revokes the seller's first listed authorization in User Permissions.
async fn revoke_first(app: &TestApp, browser: &reqwest::Client) {
    let list = browser
        .get(app.url("/gp/account-manager/home.html"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let handle_start = list.find("/gp/account-manager/mws/").unwrap();
    let handle_path = &list[handle_start..list[handle_start..].find('"').unwrap() + handle_start];
    let revoked = browser.post(app.url(handle_path)).send().await.unwrap();
    assert_eq!(revoked.status(), 303);
}

#[tokio::test]
async fn authorizing_a_developer_shows_the_seller_id_and_a_token_the_developer_can_verify_until_revoked()
 {
    let app = spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    let developer_id = create_developer(&app, "Ferry").await;
    let page = authorize(&app, &browser, &developer_id).await;
    assert!(page.contains(&seller.seller_id));
    let token = token_in(&page);
    assert!(ferry_domain::MwsAuthToken::parse(&token).is_ok(), "{token}");

    assert_eq!(
        verdict(&app, &developer_id, &seller.seller_id, &token).await,
        json!({ "valid": true })
    );

    let malformed = verify(
        &app,
        &developer_id,
        &seller.seller_id,
        "amzn.mws.not-a-uuid",
    )
    .await;
    assert_eq!(malformed.status(), 400);
    let error: Value = malformed.json().await.unwrap();
    assert_eq!(error["error"]["code"], "invalid_mws_auth_token");
    let marketplace_as_seller = verify(&app, &developer_id, "ATVPDKIKX0DER", &token).await;
    assert_eq!(marketplace_as_seller.status(), 400);
    let error: Value = marketplace_as_seller.json().await.unwrap();
    assert_eq!(error["error"]["code"], "invalid_seller_id");

    let list = browser
        .get(app.url("/gp/account-manager/home.html"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains(&developer_id));
    assert!(!list.contains(&token), "the token is shown only once");
    revoke_first(&app, &browser).await;
    assert_eq!(
        verdict(&app, &developer_id, &seller.seller_id, &token).await,
        json!({ "valid": false, "reason": "revoked" })
    );
}

#[tokio::test]
async fn a_refused_pair_names_the_mistake() {
    let app = spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    let other_seller = app.create_seller("other").await;
    let ferry = create_developer(&app, "Ferry").await;
    let someone_else = create_developer(&app, "Someone Else").await;
    let token = token_in(&authorize(&app, &browser, &ferry).await);
    let other_developers_token = token_in(&authorize(&app, &browser, &someone_else).await);

    let refused = |reason: &str| json!({ "valid": false, "reason": reason });
    assert_eq!(
        verdict(&app, &ferry, &other_seller.seller_id, &token).await,
        refused("other_seller"),
        "the token was issued by another seller than the one named"
    );
    assert_eq!(
        verdict(&app, &ferry, &seller.seller_id, &other_developers_token).await,
        refused("other_developer")
    );
    let never_issued = format!("amzn.mws.{}", uuid::Uuid::new_v4());
    assert_eq!(
        verdict(&app, &ferry, &seller.seller_id, &never_issued).await,
        refused("unknown")
    );
    assert_eq!(
        verdict(&app, &ferry, &seller.seller_id, &token).await,
        json!({ "valid": true })
    );
    assert_eq!(
        verdict(
            &app,
            &someone_else,
            &seller.seller_id,
            &other_developers_token
        )
        .await,
        json!({ "valid": true })
    );
    revoke_first(&app, &browser).await;
    assert_eq!(
        verdict(&app, &ferry, &other_seller.seller_id, &token).await,
        refused("other_seller"),
        "another seller's token is the wrong token first, revoked or not"
    );
    assert_eq!(
        verdict(&app, &ferry, &seller.seller_id, &token).await,
        refused("revoked")
    );
}

#[tokio::test]
async fn an_unknown_developer_id_is_refused() {
    let app = spawn_app().await;
    let (_seller, browser) = signed_in_seller(&app).await;
    let page = browser
        .post(app.url("/gp/account-manager/authorize-developer"))
        .form(&[("developer_id", "000000000000")])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 400);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("The developer ID you entered is not valid")
    );
}

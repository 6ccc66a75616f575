//! The legacy authorization: User Permissions → developer ID → Seller ID and
//! MWS auth token; revocable; verifiable by the developer.

use crate::deposit_methods::signed_in_seller;
use crate::helpers::spawn_app;
use serde_json::{Value, json};

fn token_in(page: &str) -> String {
    let start = page.find("amzn.mws.").expect("the token is shown");
    page[start..start + "amzn.mws.".len() + 36].to_string()
}

#[tokio::test]
async fn authorizing_a_developer_shows_the_seller_id_and_a_token_the_developer_can_verify_until_revoked()
 {
    let app = spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    let developer: Value = app
        .post_json("/sandbox/v1/developers", &json!({ "name": "Ferry" }))
        .await
        .json()
        .await
        .unwrap();
    let developer_id = developer["developer_id"].as_str().unwrap();

    let page = browser
        .post(app.url("/gp/account-manager/authorize-developer"))
        .form(&[("developer_id", developer_id)])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains(&seller.seller_id));
    let token = token_in(&page);
    assert!(ferry_domain::MwsAuthToken::parse(&token).is_ok(), "{token}");

    let app = &app;
    let verify = |seller_id: String, token: String| {
        let body = json!({ "developer_id": developer_id, "seller_id": seller_id, "mws_auth_token": token });
        async move { app.post_json("/sandbox/v1/mws/verify", &body).await }
    };
    let answer: Value = verify(seller.seller_id.clone(), token.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["valid"], true);
    let other_token = format!("amzn.mws.{}", uuid::Uuid::new_v4());
    let answer: Value = verify(seller.seller_id.clone(), other_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["valid"], false);

    let malformed = verify(seller.seller_id.clone(), "amzn.mws.not-a-uuid".into()).await;
    assert_eq!(malformed.status(), 400);
    let error: Value = malformed.json().await.unwrap();
    assert_eq!(error["error"]["code"], "invalid_mws_auth_token");
    let marketplace_as_seller = verify("ATVPDKIKX0DER".into(), token.clone()).await;
    assert_eq!(marketplace_as_seller.status(), 400);

    let list = browser
        .get(app.url("/gp/account-manager/home.html"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains(developer_id));
    assert!(!list.contains(&token), "the token is shown only once");
    let handle_start = list.find("/gp/account-manager/mws/").unwrap();
    let handle_path = &list[handle_start..list[handle_start..].find('"').unwrap() + handle_start];
    let revoked = browser.post(app.url(handle_path)).send().await.unwrap();
    assert_eq!(revoked.status(), 303);
    let answer: Value = verify(seller.seller_id.clone(), token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["valid"], false);
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

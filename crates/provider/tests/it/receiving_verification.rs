//! The account-verification endpoint marketplaces call: signed requests
//! only, and the sandbox's real "Set Deposit Method" flow asking it.

use crate::helpers::error_of;
use crate::receiving_support::{
    LEGAL_NAME_EN, SIGNING_SECRET, US, World, ferry_seller, field, open_account, sandbox_seller,
    world,
};
use ferry_provider::receiving::verification::PATH;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

fn signature(secret: &str, unix_s: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{unix_s}.{body}").as_bytes());
    format!("t={unix_s},v1={}", hex::encode(mac.finalize().into_bytes()))
}

fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn ask(world: &World, body: &Value, header: Option<String>) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(world.ferry.url(PATH))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(header) = header {
        request = request.header("x-marketplace-signature", header);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn only_signed_requests_from_registered_marketplaces_are_answered() {
    let world = world().await;
    let client = ferry_seller(&world, "sun@example.cn").await;
    let account: Value = open_account(&world, &client, &json!({ "currency": "USD" }))
        .await
        .json()
        .await
        .unwrap();
    let question = json!({
        "request_id": "r1", "seller_id": "A2Q3Y263D00KWX", "marketplace_id": US,
        "bank_location": "US", "bank_code": field(&account, "routing_number"),
        "account_number": field(&account, "account_number"), "account_holder_name": "x",
    });
    let body = question.to_string();

    let (status, code, _) = error_of(ask(&world, &question, None).await).await;
    assert_eq!((status, code.as_str()), (401, "signature_missing"));
    let forged = signature("not-the-secret", now_s(), &body);
    let (status, code, _) = error_of(ask(&world, &question, Some(forged)).await).await;
    assert_eq!((status, code.as_str()), (401, "signature_invalid"));
    let stale = signature(SIGNING_SECRET, now_s() - 3600, &body);
    let (status, code, _) = error_of(ask(&world, &question, Some(stale)).await).await;
    assert_eq!((status, code.as_str()), (401, "signature_invalid"));

    let signed = signature(SIGNING_SECRET, now_s(), &body);
    let answer: Value = ask(&world, &question, Some(signed))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        answer,
        json!({ "exists": true, "active": true, "account_holder_name": LEGAL_NAME_EN })
    );

    let mut unknown = question.clone();
    unknown["account_number"] = json!("000000000001");
    let signed = signature(SIGNING_SECRET, now_s(), &unknown.to_string());
    let answer: Value = ask(&world, &unknown, Some(signed))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["exists"], false);
}

#[tokio::test]
async fn setting_a_ferry_account_in_seller_central_is_confirmed_by_ferry() {
    let world = world().await;
    let client = ferry_seller(&world, "zhou@example.cn").await;
    let store = sandbox_seller(&world, "zhou", LEGAL_NAME_EN).await;
    let account: Value = open_account(
        &world,
        &client,
        &json!({ "currency": "USD", "marketplace_id": US, "seller_id": store.seller_id }),
    )
    .await
    .json()
    .await
    .unwrap();
    let page = store
        .set_us_deposit_method(
            &world,
            &field(&account, "account_holder_name"),
            &field(&account, "routing_number"),
            &field(&account, "account_number"),
        )
        .await;
    assert!(page.contains("Deposit Method has been updated successfully!"));
    assert!(
        page.contains("Ferry Sandbox Bank, N.A. confirms the account exists and is active"),
        "{page}"
    );
    assert!(page.contains(LEGAL_NAME_EN));
}

//! The payout rail: a due disbursement to an account at a directory bank
//! with a notification endpoint reaches the bank as a signed camt.054,
//! retried until the bank acknowledges; the event group follows.

use crate::deposit_methods::{set_deposit_method, signed_in_seller, us_account};
use crate::settlements::{DAY_MS, US, post_order, settlements};
use axum::http::{HeaderMap, StatusCode};
use ferry_formats::iso20022::camt054::{self, AccountId, CreditDebit};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::{Arc, Mutex};

const SECRET: &str = "bank-notification-secret";

#[derive(Default)]
struct Received {
    /// (signature header, body) of every call, in order.
    calls: Vec<(String, String)>,
}

/// A bank's notification endpoint that answers 503 twice, then 200.
async fn flaky_bank() -> (String, Arc<Mutex<Received>>) {
    let received = Arc::new(Mutex::new(Received::default()));
    let shared = received.clone();
    let app = axum::Router::new().route(
        "/camt054",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let shared = shared.clone();
            async move {
                let signature = headers
                    .get("x-ferry-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                let mut received = shared.lock().unwrap();
                received.calls.push((signature, body));
                if received.calls.len() <= 2 {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}/camt054"), received)
}

/// Checks `t=<unix>,v1=<hex HMAC-SHA256("t.body")>` as a bank would.
fn signature_is_valid(header: &str, body: &str) -> bool {
    let Some((t, v1)) = header
        .strip_prefix("t=")
        .and_then(|rest| rest.split_once(",v1="))
    else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    hex::encode(mac.finalize().into_bytes()) == v1
}

#[tokio::test]
async fn the_bank_gets_a_signed_camt054_until_it_acknowledges_and_the_group_follows() {
    let app = crate::helpers::spawn_app().await;
    let (url, received) = flaky_bank().await;
    let response = app
        .post_json(
            "/sandbox/v1/banks",
            &json!({ "code_type": "aba", "code": "011000015", "institution_name": "Example Receiving Bank",
                     "kind": "bank", "notification_url": url, "signing_secret": SECRET }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let (seller, registered, tokens) = app.authorized_seller("rail").await;
    let browser = crate::helpers::browser();
    app.sign_in(
        &browser,
        &seller.email,
        &seller.password,
        &seller.totp_secret,
    )
    .await;
    set_deposit_method(&app, &browser, &seller, &us_account("000123456789"), &[]).await;
    let (_, net) = post_order(&app, &seller, US, 0).await;
    app.advance_clock_ms(16 * DAY_MS + 60_000).await;

    let first = settlements(&app, &seller, US).await.remove(0);
    assert_eq!(first["total"]["amount_minor"], net);
    assert_eq!(
        first["deposit"]["fund_transfer_status"], "Initiated",
        "sent, not yet acknowledged"
    );
    let mut deposit = Value::Null;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        deposit = settlements(&app, &seller, US).await.remove(0)["deposit"].clone();
        if deposit["fund_transfer_status"] == "Succeeded" {
            break;
        }
    }
    assert_eq!(deposit["fund_transfer_status"], "Succeeded", "{deposit}");
    let calls = received.lock().unwrap().calls.clone();
    assert_eq!(calls.len(), 3, "two refusals, then the acknowledgement");
    assert!(
        calls.iter().all(|(_, body)| *body == calls[0].1),
        "the same message each time"
    );
    for (signature, body) in &calls {
        assert!(signature_is_valid(signature, body), "{signature}");
    }
    assert!(!signature_is_valid(
        &calls[0].0,
        &calls[0].1.replace("000123456789", "000123456780")
    ));

    let notification = camt054::parse(&calls[0].1).expect("a camt.054 message");
    let entry = &notification.entries[0];
    assert_eq!(entry.direction, CreditDebit::Credit);
    assert_eq!(entry.amount.money().amount_minor(), net);
    let details = &entry.transactions[0];
    assert_eq!(
        details.end_to_end_id.as_ref().unwrap().as_str(),
        first["settlement_id"].as_i64().unwrap().to_string()
    );
    assert_eq!(
        details.debtor_name.as_ref().unwrap().as_str(),
        "Amazon.com Services LLC"
    );
    assert_eq!(
        details.instruction_id.as_ref().unwrap().as_str(),
        deposit["trace_id"].as_str().unwrap()
    );
    match &details.creditor_account {
        AccountId::Other { id, .. } => assert_eq!(id.as_str(), "000123456789"),
        other => panic!("expected the US account number, got {other:?}"),
    }
    assert_eq!(deposit["account_tail"], "789");

    // The finances API reports the same transfer.
    let token = crate::spapi_finances::refreshed(
        &app,
        &registered,
        tokens["refresh_token"].as_str().unwrap(),
    )
    .await;
    let groups: Value = reqwest::Client::new()
        .get(app.url("/finances/v0/financialEventGroups?MaxResultsPerPage=100"))
        .header("x-amz-access-token", token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let group = groups["payload"]["FinancialEventGroupList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["FinancialEventGroupId"] == first["group_id"])
        .unwrap()
        .clone();
    assert_eq!(group["FundTransferStatus"], "Succeeded");
    assert_eq!(group["TraceId"], deposit["trace_id"]);
    assert_eq!(group["AccountTail"], "789");
    assert!(group["FundTransferDate"].is_string());
}

#[tokio::test]
async fn a_bank_that_refuses_the_credit_fails_the_transfer() {
    let app = crate::helpers::spawn_app().await;
    let refusing = axum::Router::new().route(
        "/camt054",
        axum::routing::post(|| async { StatusCode::UNPROCESSABLE_ENTITY }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/camt054", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, refusing).await });
    app.post_json(
        "/sandbox/v1/banks",
        &json!({ "code_type": "aba", "code": "011000015", "institution_name": "Closed Bank",
                 "kind": "bank", "notification_url": url, "signing_secret": SECRET }),
    )
    .await;
    let (seller, browser) = signed_in_seller(&app).await;
    set_deposit_method(&app, &browser, &seller, &us_account("000123456789"), &[]).await;
    post_order(&app, &seller, US, 0).await;
    app.advance_clock_ms(16 * DAY_MS + 60_000).await;
    let mut status = Value::Null;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        status = settlements(&app, &seller, US).await.remove(0)["deposit"]["fund_transfer_status"]
            .clone();
        if status == "Failed" {
            break;
        }
    }
    assert_eq!(status, "Failed");
    let list = settlements(&app, &seller, US).await;
    let open_total = list[1]["total"]["amount_minor"].as_i64().unwrap();
    assert_eq!(
        open_total,
        list[0]["total"]["amount_minor"].as_i64().unwrap(),
        "the refused amount is back on the balance of the open period"
    );
}

#[tokio::test]
async fn a_notification_endpoint_needs_a_signing_secret() {
    let app = crate::helpers::spawn_app().await;
    let response = app
        .post_json(
            "/sandbox/v1/banks",
            &json!({ "code_type": "aba", "code": "011000015", "institution_name": "Bank",
                     "kind": "bank", "notification_url": "http://127.0.0.1:9/camt054" }),
        )
        .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "missing_signing_secret");
}

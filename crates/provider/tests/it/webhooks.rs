//! Webhooks end to end: a real receiver (an axum server on port 0) gets
//! signed events through the outbox, retried until it answers 2xx; the log,
//! redelivery, the 24-hour limit, tenancy and validation.

use crate::helpers::{TestApp, error_of, spawn_app, spawn_app_with};
use crate::kyc_support::seller;
use crate::receiving_support::approve_kyc;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use ferry_platform::db::unix_ms;
use ferry_platform::outbox;
use ferry_provider::Deliverer;
use ferry_provider::webhooks::WebhookSettings;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::{Arc, Mutex};

/// One request as the receiver saw it.
#[derive(Clone, Debug)]
struct Received {
    signature: String,
    event_id_header: String,
    body: String,
}

#[derive(Clone, Default)]
struct Inbox {
    /// Requests still to be answered with 500.
    failures_left: Arc<Mutex<usize>>,
    received: Arc<Mutex<Vec<Received>>>,
}

struct Receiver {
    url: String,
    inbox: Inbox,
}

impl Receiver {
    fn received(&self) -> Vec<Received> {
        self.inbox.received.lock().unwrap().clone()
    }
}

async fn receive(State(inbox): State<Inbox>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    inbox.received.lock().unwrap().push(Received {
        signature: header("ferry-signature"),
        event_id_header: header("ferry-event-id"),
        body: String::from_utf8(body.to_vec()).unwrap(),
    });
    let mut failures_left = inbox.failures_left.lock().unwrap();
    if *failures_left > 0 {
        *failures_left -= 1;
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

/// A receiver that answers 500 to its first `failures` requests, then 200.
async fn spawn_receiver(failures: usize) -> Receiver {
    let inbox = Inbox {
        failures_left: Arc::new(Mutex::new(failures)),
        received: Arc::default(),
    };
    let router = Router::new()
        .route("/hooks", post(receive))
        .with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    Receiver {
        url: format!("http://{address}/hooks"),
        inbox,
    }
}

fn now_ms() -> i64 {
    unix_ms(time::OffsetDateTime::now_utc())
}

/// The documented recipe (docs/webhooks.md), as a receiver implements it:
/// parse `t` and `v1`, refuse a timestamp more than 5 minutes away,
/// recompute HMAC-SHA256(secret, t + "." + body) and compare in constant
/// time. The event, or why it is refused.
fn receiver_check(received: &Received, secret: &str) -> Result<Value, String> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in received.signature.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => timestamp = Some(value.to_string()),
            Some(("v1", value)) => signatures.extend(hex::decode(value).ok()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or("no t= part")?;
    let unix_s: i64 = timestamp.parse().map_err(|_| "t is not a number")?;
    if (now_ms() / 1000 - unix_s).abs() > 300 {
        return Err("too old".into());
    }
    let matched = signatures.iter().any(|signature| {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{timestamp}.{}", received.body).as_bytes());
        mac.verify_slice(signature).is_ok()
    });
    if !matched {
        return Err("no v1 signature matches".into());
    }
    serde_json::from_str(&received.body).map_err(|error| error.to_string())
}

fn verify_as_receiver(received: &Received, secret: &str) -> Value {
    receiver_check(received, secret).unwrap_or_else(|why| panic!("{why}: {received:?}"))
}

/// The Python snippet of docs/webhooks.md, as written there.
fn documented_python() -> &'static str {
    let doc = include_str!("../../../../docs/webhooks.md");
    let start = doc.find("```python\n").expect("a Python block") + "```python\n".len();
    let length = doc[start..].find("```").expect("the block's end");
    &doc[start..start + length]
}

/// Runs the documented Python `verify` on a received request; its event id,
/// or the error it raised.
fn python_check(received: &Received, secret: &str) -> Result<String, String> {
    use std::io::Write;
    let program = format!(
        "{}\nimport os, sys\nprint(verify(os.environ['SECRET'], os.environ['HEADER'], sys.stdin.buffer.read())['id'])\n",
        documented_python()
    );
    let mut child = std::process::Command::new("python3")
        .arg("-c")
        .arg(program)
        .env("SECRET", secret)
        .env("HEADER", &received.signature)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs the documented recipe");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(received.body.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).trim().to_string();
    if output.status.success() {
        Ok(text(&output.stdout))
    } else {
        Err(text(&output.stderr))
    }
}

/// One outbox pass with the provider's deliverer, claiming as if `ahead_ms`
/// had passed, so that retries do not wait out their real backoff.
async fn deliver_pass(app: &TestApp, ahead_ms: i64) -> usize {
    let deliverer = Deliverer::new(&app.settings, app.db.clone()).unwrap();
    let due = outbox::claim_due(&app.db, now_ms() + ahead_ms, 32)
        .await
        .unwrap();
    for message in &due {
        let outcome = outbox::Deliver::deliver(&deliverer, message).await;
        outbox::settle(&app.db, message, &outcome, now_ms())
            .await
            .unwrap();
    }
    due.len()
}

/// A minute ahead covers the first backoffs (1 s, 2 s, …).
const AHEAD_MS: i64 = 60_000;

async fn send(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    body: Option<&Value>,
) -> reqwest::Response {
    let request = client.request(method, url);
    let request = match body {
        Some(body) => request.json(body),
        None => request,
    };
    request.send().await.unwrap()
}

async fn create_endpoint(
    app: &TestApp,
    client: &reqwest::Client,
    body: &Value,
) -> reqwest::Response {
    send(
        client,
        reqwest::Method::POST,
        app.url("/api/v1/webhook-endpoints"),
        Some(body),
    )
    .await
}

async fn attempts(app: &TestApp, client: &reqwest::Client, endpoint_id: &str) -> Vec<Value> {
    let url = app.url(&format!(
        "/api/v1/webhook-endpoints/{endpoint_id}/deliveries"
    ));
    let log: Value = send(client, reqwest::Method::GET, url, None)
        .await
        .json()
        .await
        .unwrap();
    log["attempts"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_receiver_that_fails_twice_gets_the_signed_event_on_the_third_try_and_again_on_redelivery()
 {
    let app = spawn_app().await;
    let owner = seller(&app, "hooks@example.com", "company", "en").await;
    let receiver = spawn_receiver(2).await;
    let created = create_endpoint(
        &app,
        &owner,
        &json!({ "url": receiver.url, "enabled_events": ["kyc.status_changed"], "description": "ERP" }),
    )
    .await;
    assert_eq!(created.status(), 201);
    let endpoint: Value = created.json().await.unwrap();
    let secret = endpoint["secret"].as_str().unwrap().to_string();
    assert!(
        secret.starts_with("whsec_") && secret.len() > 40,
        "{secret}"
    );
    let endpoint_id = endpoint["id"].as_str().unwrap();
    let shown_again: Value = send(
        &owner,
        reqwest::Method::GET,
        app.url(&format!("/api/v1/webhook-endpoints/{endpoint_id}")),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(shown_again["url"], receiver.url.as_str());
    assert!(
        shown_again.get("secret").is_none(),
        "the secret is shown once"
    );

    let test_event = send(
        &owner,
        reqwest::Method::POST,
        app.url(&format!(
            "/api/v1/webhook-endpoints/{endpoint_id}/test-events"
        )),
        None,
    )
    .await;
    assert_eq!(test_event.status(), 202);
    let delivery_id = test_event.json::<Value>().await.unwrap()["delivery_id"]
        .as_str()
        .unwrap()
        .to_string();

    for pass in 1..=3 {
        assert_eq!(deliver_pass(&app, AHEAD_MS).await, 1, "pass {pass}");
        assert_eq!(receiver.received().len(), pass);
    }
    assert_eq!(
        deliver_pass(&app, AHEAD_MS).await,
        0,
        "delivered: nothing left to send"
    );

    let received = receiver.received();
    let events: Vec<Value> = received
        .iter()
        .map(|r| verify_as_receiver(r, &secret))
        .collect();
    let event_id = events[0]["id"].as_str().unwrap();
    assert!(event_id.starts_with("evt_"));
    for (event, request) in events.iter().zip(&received) {
        assert_eq!(
            event["id"], event_id,
            "every attempt carries the same event id"
        );
        assert_eq!(request.event_id_header, event_id);
        assert_eq!(event["type"], "webhook_endpoint.test");
        assert_eq!(event["object"], "event");
        assert_eq!(event["livemode"], false);
        assert_eq!(event["data"]["endpoint_id"], endpoint_id);
    }
    // Another secret, or a changed body, does not verify.
    assert!(receiver_check(&received[0], "whsec_wrong").is_err());
    let tampered = Received {
        body: received[0]
            .body
            .replace("webhook_endpoint.test", "payout.received"),
        ..received[0].clone()
    };
    assert_eq!(
        receiver_check(&tampered, &secret),
        Err("no v1 signature matches".into())
    );

    let log = attempts(&app, &owner, endpoint_id).await;
    let summary: Vec<(i64, String, Option<i64>)> = log
        .iter()
        .map(|a| {
            (
                a["attempt"].as_i64().unwrap(),
                a["outcome"].as_str().unwrap().to_string(),
                a["status_code"].as_i64(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (3, "delivered".to_string(), Some(200)),
            (2, "retrying".to_string(), Some(500)),
            (1, "retrying".to_string(), Some(500)),
        ]
    );
    assert!(
        log.iter()
            .all(|a| a["event_id"] == event_id && a["delivery_id"] == delivery_id.as_str())
    );

    let resent = send(
        &owner,
        reqwest::Method::POST,
        app.url(&format!(
            "/api/v1/webhook-deliveries/{delivery_id}/redelivery"
        )),
        None,
    )
    .await;
    assert_eq!(resent.status(), 202);
    assert_eq!(resent.json::<Value>().await.unwrap()["event_id"], event_id);
    assert_eq!(deliver_pass(&app, 0).await, 1);
    let again = verify_as_receiver(receiver.received().last().unwrap(), &secret);
    assert_eq!(again["id"], event_id, "redelivery sends the same event");
    let newest = &attempts(&app, &owner, endpoint_id).await[0];
    assert_eq!(
        (newest["manual"].as_bool(), newest["outcome"].as_str()),
        (Some(true), Some("delivered"))
    );
}

#[tokio::test]
async fn kyc_approval_is_announced_to_the_sellers_endpoints_only() {
    let app = spawn_app().await;
    let seller_a = seller(&app, "a@example.com", "company", "zh-CN").await;
    let seller_b = seller(&app, "b@example.com", "company", "zh-CN").await;
    let receiver_a = spawn_receiver(0).await;
    let receiver_b = spawn_receiver(0).await;
    let created_a = create_endpoint(
        &app,
        &seller_a,
        &json!({ "url": receiver_a.url, "enabled_events": ["kyc.status_changed"] }),
    )
    .await;
    let secret_a = created_a.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let created_b = create_endpoint(
        &app,
        &seller_b,
        &json!({ "url": receiver_b.url, "enabled_events": ["*"] }),
    )
    .await;
    assert_eq!(created_b.status(), 201);

    approve_kyc(&app, &seller_a).await;
    while deliver_pass(&app, 0).await > 0 {}

    // Delivery order is not guaranteed (as documented): compare the steps.
    let mut steps: Vec<(String, String)> = receiver_a
        .received()
        .iter()
        .map(|r| verify_as_receiver(r, &secret_a))
        .inspect(|event| assert_eq!(event["type"], "kyc.status_changed"))
        .map(|event| {
            let text = |key: &str| event["data"][key].as_str().unwrap().to_string();
            (text("previous_status"), text("status"))
        })
        .collect();
    steps.sort();
    let expected = [
        ("draft", "submitted"),
        ("in_review", "approved"),
        ("submitted", "in_review"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(from, to)| (from.to_string(), to.to_string()))
        .collect();
    assert_eq!(steps, expected);
    assert!(
        receiver_b.received().is_empty(),
        "another seller's endpoint heard nothing"
    );
}

#[tokio::test]
async fn retries_stop_once_the_event_is_a_day_old_and_the_log_says_so() {
    let app = spawn_app().await;
    let owner = seller(&app, "late@example.com", "company", "en").await;
    let receiver = spawn_receiver(usize::MAX).await;
    let endpoint: Value = create_endpoint(
        &app,
        &owner,
        &json!({ "url": receiver.url, "enabled_events": ["*"] }),
    )
    .await
    .json()
    .await
    .unwrap();
    let endpoint_id = endpoint["id"].as_str().unwrap();
    let url = app.url(&format!(
        "/api/v1/webhook-endpoints/{endpoint_id}/test-events"
    ));
    assert_eq!(
        send(&owner, reqwest::Method::POST, url, None)
            .await
            .status(),
        202
    );
    assert_eq!(deliver_pass(&app, 0).await, 1);
    // The receiver has been failing for a day: the message was queued 25 hours ago.
    sqlx::query("UPDATE outbox SET created_at_ms = created_at_ms - $1 WHERE topic = 'webhook'")
        .bind(25 * 3_600_000_i64)
        .execute(app.db.writer())
        .await
        .unwrap();
    assert_eq!(deliver_pass(&app, AHEAD_MS).await, 1);
    assert_eq!(
        deliver_pass(&app, 365 * 86_400_000).await,
        0,
        "never tried again"
    );
    assert_eq!(receiver.received().len(), 2);
    let log = attempts(&app, &owner, endpoint_id).await;
    assert_eq!(log[0]["outcome"], "gave_up");
    assert_eq!(log[0]["status_code"], 500);
    assert_eq!(log[1]["outcome"], "retrying");
}

#[tokio::test]
async fn bad_endpoints_are_refused_with_codes_and_nothing_is_created() {
    let app = spawn_app_with(|settings| settings.webhooks = WebhookSettings::default()).await;
    let owner = seller(&app, "strict@example.com", "company", "en").await;
    let cases = [
        (
            json!({ "url": "not a url", "enabled_events": ["*"] }),
            422,
            "invalid_webhook_url",
        ),
        (
            json!({ "url": "ftp://example.com/x", "enabled_events": ["*"] }),
            422,
            "invalid_webhook_url",
        ),
        (
            json!({ "url": "http://example.com/x", "enabled_events": ["*"] }),
            422,
            "webhook_url_not_https",
        ),
        (
            json!({ "url": "https://127.0.0.1/x", "enabled_events": ["*"] }),
            422,
            "webhook_url_private",
        ),
        (
            json!({ "url": "https://169.254.169.254/latest", "enabled_events": ["*"] }),
            422,
            "webhook_url_private",
        ),
        (
            json!({ "url": "https://localhost/x", "enabled_events": ["*"] }),
            422,
            "webhook_url_private",
        ),
        (
            json!({ "url": "https://user:pw@example.com/x", "enabled_events": ["*"] }),
            422,
            "webhook_url_has_credentials",
        ),
        (
            json!({ "url": "https://example.com/x", "enabled_events": ["payout.sent"] }),
            422,
            "unknown_event_type",
        ),
        (
            json!({ "url": "https://example.com/x", "enabled_events": [] }),
            422,
            "no_event_types",
        ),
        (
            json!({ "url": "https://example.com/x" }),
            422,
            "malformed_body",
        ),
    ];
    for (body, status, code) in cases {
        let (got_status, got_code, message) =
            error_of(create_endpoint(&app, &owner, &body).await).await;
        assert_eq!((got_status, got_code.as_str()), (status, code), "{body}");
        assert!(!message.is_empty());
    }
    let list: Value = send(
        &owner,
        reqwest::Method::GET,
        app.url("/api/v1/webhook-endpoints"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(list["webhook_endpoints"], json!([]));
    let good = create_endpoint(
        &app,
        &owner,
        &json!({ "url": "https://example.com/x", "enabled_events": ["payout.received"] }),
    )
    .await;
    assert_eq!(good.status(), 201);
}

#[tokio::test]
async fn another_sellers_endpoint_and_deliveries_are_not_found() {
    let app = spawn_app().await;
    let owner = seller(&app, "mine@example.com", "company", "en").await;
    let stranger = seller(&app, "other@example.com", "company", "en").await;
    let receiver = spawn_receiver(0).await;
    let endpoint: Value = create_endpoint(
        &app,
        &owner,
        &json!({ "url": receiver.url, "enabled_events": ["*"] }),
    )
    .await
    .json()
    .await
    .unwrap();
    let endpoint_id = endpoint["id"].as_str().unwrap();
    let test_url = app.url(&format!(
        "/api/v1/webhook-endpoints/{endpoint_id}/test-events"
    ));
    let delivery: Value = send(&owner, reqwest::Method::POST, test_url.clone(), None)
        .await
        .json()
        .await
        .unwrap();
    let delivery_id = delivery["delivery_id"].as_str().unwrap();
    for (method, path) in [
        (
            reqwest::Method::GET,
            format!("/api/v1/webhook-endpoints/{endpoint_id}"),
        ),
        (
            reqwest::Method::GET,
            format!("/api/v1/webhook-endpoints/{endpoint_id}/deliveries"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/v1/webhook-endpoints/{endpoint_id}/test-events"),
        ),
        (
            reqwest::Method::DELETE,
            format!("/api/v1/webhook-endpoints/{endpoint_id}"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/v1/webhook-deliveries/{delivery_id}/redelivery"),
        ),
    ] {
        let (status, code, _) = error_of(send(&stranger, method, app.url(&path), None).await).await;
        assert_eq!((status, code.as_str()), (404, "not_found"), "{path}");
    }
    let deleted = send(
        &owner,
        reqwest::Method::DELETE,
        app.url(&format!("/api/v1/webhook-endpoints/{endpoint_id}")),
        None,
    )
    .await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(deliver_pass(&app, 0).await, 1);
    assert!(
        receiver.received().is_empty(),
        "a deleted endpoint gets nothing"
    );
}

#[tokio::test]
async fn the_page_shows_the_secret_once_and_the_log_with_resend_buttons() {
    let app = spawn_app().await;
    let owner = seller(&app, "page@example.com", "company", "en").await;
    let page = owner
        .get(app.url("/webhooks?lang=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    let receiver = spawn_receiver(0).await;
    let form = [
        ("csrf", csrf.as_str()),
        ("url", receiver.url.as_str()),
        ("enabled_events", "kyc.status_changed"),
        ("enabled_events", "payout.received"),
    ];
    let created = owner
        .post(app.url("/webhooks"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let html = created.text().await.unwrap();
    let secret = html
        .split("data-secret=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    assert!(secret.starts_with("whsec_"));
    let list: Value = send(
        &owner,
        reqwest::Method::GET,
        app.url("/api/v1/webhook-endpoints"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let endpoint = &list["webhook_endpoints"][0];
    assert_eq!(
        endpoint["enabled_events"],
        json!(["kyc.status_changed", "payout.received"])
    );
    let endpoint_id = endpoint["id"].as_str().unwrap();
    let tested = owner
        .post(app.url(&format!("/webhooks/{endpoint_id}/test")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(tested.status(), 303);
    assert_eq!(deliver_pass(&app, 0).await, 1);
    let detail = owner
        .get(app.url(&format!("/webhooks/{endpoint_id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(detail.contains("data-outcome=\"delivered\""), "{detail}");
    assert!(detail.contains("/resend"));
    assert!(!detail.contains(secret), "the secret is not shown again");
    let forged = owner
        .post(app.url(&format!("/webhooks/{endpoint_id}/delete")))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
}

#[tokio::test]
async fn the_documented_python_recipe_verifies_a_real_delivery() {
    let app = spawn_app().await;
    let owner = seller(&app, "python@example.com", "company", "en").await;
    let receiver = spawn_receiver(0).await;
    let endpoint: Value = create_endpoint(
        &app,
        &owner,
        &json!({ "url": receiver.url, "enabled_events": ["*"] }),
    )
    .await
    .json()
    .await
    .unwrap();
    let secret = endpoint["secret"].as_str().unwrap();
    let url = app.url(&format!(
        "/api/v1/webhook-endpoints/{}/test-events",
        endpoint["id"].as_str().unwrap()
    ));
    assert_eq!(
        send(&owner, reqwest::Method::POST, url, None)
            .await
            .status(),
        202
    );
    assert_eq!(deliver_pass(&app, 0).await, 1);
    let received = receiver.received().pop().unwrap();
    let event_id = verify_as_receiver(&received, secret)["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(python_check(&received, secret), Ok(event_id));
    let refused = python_check(&received, "whsec_wrong").unwrap_err();
    assert!(refused.contains("signature does not match"), "{refused}");
    let stale = Received {
        signature: received.signature.replacen("t=", "t=1", 1),
        ..received.clone()
    };
    let refused = python_check(&stale, secret).unwrap_err();
    assert!(
        refused.contains("timestamp outside the tolerance"),
        "{refused}"
    );
}

#[tokio::test]
async fn a_store_becoming_bound_is_announced() {
    use crate::receiving_support::{LEGAL_NAME_EN, field, world};
    use crate::stores_oauth::{account_json, authorized};
    let world = world().await;
    let (client, store, id) = authorized(&world, "hooked", LEGAL_NAME_EN).await;
    let receiver = spawn_receiver(0).await;
    let created = create_endpoint(
        &world.ferry,
        &client,
        &json!({ "url": receiver.url, "enabled_events": ["store.binding_changed"] }),
    )
    .await;
    assert_eq!(created.status(), 201);
    let secret = created.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let account = account_json(&world, &client, &id).await;
    store
        .set_us_deposit_method(
            &world,
            &field(&account, "account_holder_name"),
            &field(&account, "routing_number"),
            &field(&account, "account_number"),
        )
        .await;
    let check_url = world
        .ferry
        .url(&format!("/api/v1/receiving-accounts/{id}/binding-checks"));
    let checked: Value = send(&client, reqwest::Method::POST, check_url.clone(), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(checked["state"], "bound");
    // Checking again changes nothing, so announces nothing.
    let again = send(&client, reqwest::Method::POST, check_url, None).await;
    assert_eq!(again.status(), 200);
    while deliver_pass(&world.ferry, 0).await > 0 {}

    let received = receiver.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let event = verify_as_receiver(&received[0], &secret);
    assert_eq!(event["type"], "store.binding_changed");
    assert_eq!(
        event["data"],
        json!({
            "receiving_account_id": id,
            "state": "bound",
            "previous_state": "waiting_for_deposit_method",
            "method": "oauth",
        })
    );
}

#[tokio::test]
async fn production_delivery_refuses_internal_addresses_by_literal_and_by_name() {
    let app = spawn_app().await;
    let owner = seller(&app, "ssrf@example.com", "company", "en").await;
    let receiver = spawn_receiver(0).await;
    let by_name = receiver.url.replace("127.0.0.1", "localhost");
    let mut endpoint_ids = Vec::new();
    for url in [receiver.url.as_str(), by_name.as_str()] {
        let endpoint: Value = create_endpoint(
            &app,
            &owner,
            &json!({ "url": url, "enabled_events": ["*"] }),
        )
        .await
        .json()
        .await
        .unwrap();
        let id = endpoint["id"].as_str().unwrap().to_string();
        let url = app.url(&format!("/api/v1/webhook-endpoints/{id}/test-events"));
        assert_eq!(
            send(&owner, reqwest::Method::POST, url, None)
                .await
                .status(),
            202
        );
        endpoint_ids.push(id);
    }
    // The same endpoints, delivered by a worker with the production settings
    // (as if they had been registered before the setting was turned off).
    let mut production = app.settings.clone();
    production.webhooks = WebhookSettings::default();
    let deliverer = Deliverer::new(&production, app.db.clone()).unwrap();
    let due = outbox::claim_due(&app.db, now_ms(), 32).await.unwrap();
    assert_eq!(due.len(), 2);
    for message in &due {
        let outcome = outbox::Deliver::deliver(&deliverer, message).await;
        assert!(matches!(outcome, outbox::Outcome::Retry(_)), "{outcome:?}");
        outbox::settle(&app.db, message, &outcome, now_ms())
            .await
            .unwrap();
    }
    assert!(receiver.received().is_empty());
    for id in &endpoint_ids {
        let log = attempts(&app, &owner, id).await;
        let error = log[0]["error"].as_str().unwrap();
        assert!(error.contains("not on the public internet"), "{error}");
        assert_eq!(log[0]["status_code"], Value::Null);
    }
}

/// Conversions and withdrawals announce themselves: one event per change,
/// written with the change, whatever the number of requests.
#[tokio::test]
async fn a_conversion_and_a_withdrawal_reach_the_sellers_endpoint_once_each() {
    use crate::money_support::{fund, money_app, verified_seller};
    let app = money_app(|_| {}).await;
    let seller = verified_seller(&app, "hooks-money@example.com").await;
    fund(&app, &seller, ferry_domain::Currency::USD, 100_000, "usd").await;
    let receiver = spawn_receiver(0).await;
    let created = create_endpoint(
        &app,
        &seller.client,
        &json!({ "url": receiver.url, "enabled_events": ["*"] }),
    )
    .await;
    assert_eq!(created.status(), 201);
    let secret = created.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_string();

    let quote: Value = seller
        .post(
            &app,
            "/api/v1/fx/quotes",
            &json!({ "sell_currency": "USD", "buy_currency": "CNY", "sell_amount": "1000.00" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let execution = format!(
        "/api/v1/fx/quotes/{}/execution",
        quote["id"].as_str().unwrap()
    );
    let as_shown = json!({
        "sell_currency": quote["sell"]["currency"], "sell_amount_minor": quote["sell"]["amount_minor"],
        "buy_currency": quote["buy"]["currency"], "buy_amount_minor": quote["buy"]["amount_minor"],
    });
    assert_eq!(seller.post(&app, &execution, &as_shown).await.status(), 200);
    assert_eq!(seller.post(&app, &execution, &as_shown).await.status(), 409);

    let destination: Value = seller
        .post(
            &app,
            "/api/v1/withdrawal-destinations",
            &json!({ "card_number": "6222020200112233446", "bank_name": "中国工商银行",
                     "holder_name": crate::receiving_support::LEGAL_NAME_ZH }),
        )
        .await
        .json()
        .await
        .unwrap();
    let withdrawal: Value = seller
        .post(
            &app,
            "/api/v1/withdrawals",
            &json!({ "destination_id": destination["id"], "currency": "CNY", "amount": "100.00",
                     "two_factor_code": seller.code() }),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/withdrawals/{}", withdrawal["id"].as_str().unwrap());
    for _ in 0..200 {
        if seller.get(&app, &path).await["status"] == "paid" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(seller.get(&app, &path).await["status"], "paid");

    while deliver_pass(&app, 0).await > 0 {}
    let mut types: Vec<String> = receiver
        .received()
        .iter()
        .map(|received| verify_as_receiver(received, &secret))
        .map(|event| event["type"].as_str().unwrap().to_string())
        .filter(|kind| !kind.starts_with("kyc."))
        .collect();
    types.sort();
    assert_eq!(
        types,
        [
            "conversion.completed",
            "withdrawal.pending",
            "withdrawal.succeeded"
        ]
    );
}

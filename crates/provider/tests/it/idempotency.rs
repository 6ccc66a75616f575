//! `Idempotency-Key` on the JSON API's POST routes: one resource however
//! many times a request is sent, the first answer replayed, another body
//! refused, concurrent duplicates never both applied.

use crate::helpers::{PASSWORD, TestApp, error_of, new_client, spawn_app};
use serde_json::{Value, json};

async fn seller(app: &TestApp, email: &str) -> reqwest::Client {
    app.register_and_activate(email).await;
    let client = new_client();
    assert_eq!(app.sign_in(&client, email, PASSWORD).await.status(), 200);
    client
}

async fn create_key(
    app: &TestApp,
    client: &reqwest::Client,
    idempotency_key: Option<&str>,
    name: &str,
) -> reqwest::Response {
    let mut request = client
        .post(app.url("/api/v1/api-keys"))
        .json(&json!({ "name": name }));
    if let Some(key) = idempotency_key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.unwrap()
}

fn replayed(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get("idempotent-replayed")
        .is_some_and(|value| value == "true")
}

#[tokio::test]
async fn a_hundred_concurrent_duplicates_create_one_resource() {
    let app = spawn_app().await;
    let client = seller(&app, "burst@example.cn").await;
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let (client, url) = (client.clone(), app.url("/api/v1/api-keys"));
        tasks.push(tokio::spawn(async move {
            let response = client
                .post(url)
                .header("Idempotency-Key", "burst-7f3c")
                .json(&json!({ "name": "ERP sync" }))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let was_replayed = replayed(&response);
            let body: Value = response.json().await.unwrap();
            (status, was_replayed, body)
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM api_keys").await, 1);
    let first: Vec<&Value> = answers
        .iter()
        .filter(|(status, was_replayed, _)| *status == 201 && !was_replayed)
        .map(|(_, _, body)| body)
        .collect();
    assert_eq!(first.len(), 1, "exactly one request ran: {answers:?}");
    let created = first[0].clone();
    assert!(created["key"].as_str().unwrap().starts_with("fk_"));
    for (status, was_replayed, body) in &answers {
        match status {
            201 => assert_eq!(body, &created),
            409 => {
                assert!(!was_replayed);
                assert_eq!(body["error"]["code"], "idempotency_key_in_use");
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    // Once it is done, every retry gets the stored answer.
    let again = create_key(&app, &client, Some("burst-7f3c"), "ERP sync").await;
    assert_eq!(again.status(), 201);
    assert!(replayed(&again));
    assert_eq!(again.json::<Value>().await.unwrap(), created);
    assert_eq!(app.count("SELECT COUNT(*) FROM api_keys").await, 1);
}

#[tokio::test]
async fn a_replay_repeats_the_answer_and_another_body_is_refused() {
    let app = spawn_app().await;
    let client = seller(&app, "retry@example.cn").await;
    let first = create_key(&app, &client, Some("order-1"), "first").await;
    assert_eq!(first.status(), 201);
    assert!(!replayed(&first));
    let content_type = first.headers()["content-type"].clone();
    let first_body = first.text().await.unwrap();

    let replay = create_key(&app, &client, Some("order-1"), "first").await;
    assert_eq!(replay.status(), 201);
    assert!(replayed(&replay));
    assert_eq!(replay.headers()["content-type"], content_type);
    assert_eq!(replay.text().await.unwrap(), first_body);

    let other = create_key(&app, &client, Some("order-1"), "second").await;
    let (status, code, message) = error_of(other).await;
    assert_eq!((status, code.as_str()), (422, "idempotency_key_reused"));
    assert!(message.contains("Idempotency-Key"), "{message}");
    assert_eq!(app.count("SELECT COUNT(*) FROM api_keys").await, 1);

    // Refused answers are kept too: the same bad request gets the same 422.
    let bad = create_key(&app, &client, Some("order-2"), "").await;
    let bad_again = create_key(&app, &client, Some("order-2"), "").await;
    assert!(replayed(&bad_again));
    assert_eq!(error_of(bad).await, error_of(bad_again).await);

    for key in ["", &"k".repeat(256)] {
        let response = create_key(&app, &client, Some(key), "third").await;
        let (status, code, _) = error_of(response).await;
        assert_eq!((status, code.as_str()), (400, "idempotency_key_invalid"));
    }
    let longest = create_key(&app, &client, Some(&"k".repeat(255)), "longest").await;
    assert_eq!(longest.status(), 201);

    // Without the header nothing changes: two requests, two keys.
    for _ in 0..2 {
        let plain = create_key(&app, &client, None, "plain").await;
        assert_eq!(plain.status(), 201);
        assert!(!replayed(&plain));
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM api_keys").await, 4);
}

#[tokio::test]
async fn keys_belong_to_whoever_sent_them() {
    let app = spawn_app().await;
    let client = seller(&app, "owner@example.cn").await;
    let created: Value = create_key(&app, &client, None, "bot")
        .await
        .json()
        .await
        .unwrap();
    let api_key = created["key"].as_str().unwrap().to_string();
    let invite = |bearer: Option<String>, email: &str| {
        let mut request = new_client()
            .post(app.url("/api/v1/team/invitations"))
            .header("Idempotency-Key", "invite-1")
            .json(&json!({ "email": email, "role": "viewer" }));
        if let Some(key) = bearer {
            request = request.bearer_auth(key);
        }
        request.send()
    };
    let first = invite(Some(api_key.clone()), "a@example.cn").await.unwrap();
    assert!(first.status().is_success(), "{}", first.status());
    assert!(!replayed(&first));
    let second = invite(Some(api_key.clone()), "a@example.cn").await.unwrap();
    assert!(replayed(&second));
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 1);

    // The browser session is someone else as far as keys go: the same key
    // with another body is a new request there, not a reuse.
    let from_session = client
        .post(app.url("/api/v1/team/invitations"))
        .header("Idempotency-Key", "invite-1")
        .json(&json!({ "email": "b@example.cn", "role": "viewer" }))
        .send()
        .await
        .unwrap();
    assert!(from_session.status().is_success());
    assert!(!replayed(&from_session));
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 2);

    // Without credentials the key changes nothing: the API answers 401.
    let anonymous = invite(None, "c@example.cn").await.unwrap();
    let (status, code, _) = error_of(anonymous).await;
    assert_eq!((status, code.as_str()), (401, "not_signed_in"));
}

#[tokio::test]
async fn a_retried_receiving_account_is_opened_once() {
    let app = spawn_app().await;
    let client = seller(&app, "retry-account@example.cn").await;
    crate::receiving_support::approve_kyc(&app, &client).await;
    let open = || {
        client
            .post(app.url("/api/v1/receiving-accounts"))
            .header("Idempotency-Key", "open-usd")
            .json(&json!({ "currency": "USD" }))
            .send()
    };
    let first = open().await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let second = open().await.unwrap();
    assert_eq!(second.status(), 201);
    assert!(replayed(&second));
    let second: Value = second.json().await.unwrap();
    assert_eq!(second["id"], first["id"]);
    assert_eq!(second["account_number"], first["account_number"]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM receiving_accounts").await,
        1
    );
}

#[tokio::test]
async fn the_api_documents_the_header_on_the_routes_that_take_it() {
    let app = spawn_app().await;
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let parameters = |path: &str, method: &str| -> Vec<String> {
        doc["paths"][path][method]["parameters"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|p| p["name"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    for path in ferry_provider::openapi::IDEMPOTENT {
        assert!(
            parameters(path, "post").contains(&"Idempotency-Key".to_string()),
            "{path}"
        );
    }
    let opening = &doc["paths"]["/api/v1/receiving-accounts"]["post"]["responses"];
    let conflict = opening["409"]["description"].as_str().unwrap();
    assert!(
        conflict.contains("store_already_has_account")
            && conflict.contains("idempotency_key_in_use"),
        "{conflict}"
    );
    assert!(!parameters("/api/v1/sessions", "post").contains(&"Idempotency-Key".to_string()));
}

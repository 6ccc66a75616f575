use crate::helpers::{PASSWORD, error_of, new_client, spawn_app};
use ferry_provider::tokens;
use serde_json::{Value, json};

async fn bearer(app: &crate::helpers::TestApp, key: &str, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_key_is_shown_once_stored_hashed_and_acts_as_its_member_until_revoked() {
    let app = spawn_app().await;
    app.register_and_activate("keys@example.com").await;
    app.sign_in(&app.client, "keys@example.com", PASSWORD).await;
    let created = app
        .post_json("/api/v1/api-keys", &json!({ "name": "ERP 同步" }))
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let key = created["key"].as_str().unwrap().to_string();
    assert!(key.starts_with("fk_"), "{key}");
    let stored = app
        .count(&format!(
            "SELECT COUNT(*) FROM api_keys WHERE key_hash = '{}'",
            tokens::hash(&key)
        ))
        .await;
    assert_eq!(stored, 1);

    let listed: Value = app.get("/api/v1/api-keys").await.json().await.unwrap();
    assert_eq!(listed["api_keys"][0]["name"], "ERP 同步");
    assert!(
        !listed.to_string().contains(&key),
        "never shown again: {listed}"
    );

    let me: Value = bearer(&app, &key, "/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["email"], "keys@example.com");
    assert_eq!(me["role"], "owner");
    // A key cannot mint more keys.
    let minted = reqwest::Client::new()
        .post(app.url("/api/v1/api-keys"))
        .bearer_auth(&key)
        .json(&json!({ "name": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(minted).await.1, "session_required");

    let id = created["id"].as_str().unwrap();
    let revoked = app
        .client
        .delete(app.url(&format!("/api/v1/api-keys/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    assert_eq!(bearer(&app, &key, "/api/v1/me").await.status(), 401);
    assert_eq!(bearer(&app, "fk_made-up", "/api/v1/me").await.status(), 401);
}

#[tokio::test]
async fn another_member_s_key_is_not_found() {
    let app = spawn_app().await;
    app.register_and_activate("k1@example.com").await;
    app.register_and_activate("k2@example.com").await;
    app.sign_in(&app.client, "k1@example.com", PASSWORD).await;
    let created: Value = app
        .post_json("/api/v1/api-keys", &json!({ "name": "mine" }))
        .await
        .json()
        .await
        .unwrap();
    let other = new_client();
    app.sign_in(&other, "k2@example.com", PASSWORD).await;
    let foreign = other
        .delete(app.url(&format!(
            "/api/v1/api-keys/{}",
            created["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(foreign).await.0, 404);
    let theirs: Value = other
        .get(app.url("/api/v1/api-keys"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["api_keys"].as_array().unwrap().len(), 0);
    assert_eq!(
        bearer(&app, created["key"].as_str().unwrap(), "/api/v1/me")
            .await
            .status(),
        200
    );
    let bad = app
        .post_json("/api/v1/api-keys", &json!({ "name": " " }))
        .await;
    assert_eq!(error_of(bad).await.1, "invalid_key_name");
}

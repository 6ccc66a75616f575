//! Operators for the tests: created the way `ferry ops create-operator`
//! does, then enrolled through the API.

use crate::helpers::{TestApp, new_client, post_json_with};
use ferry_provider::password::Hasher;
use serde_json::{Value, json};
use totp_rs::{Builder, Secret};

pub const OPERATOR_PASSWORD: &str = "harbour lantern 渡口 reviewer kite";

pub fn totp_code(secret: &str, step: u64) -> String {
    Builder::new()
        .with_secret(Secret::try_from_base32(secret).unwrap())
        .with_account_name("test")
        .build()
        .unwrap()
        .generate(step * 30)
        .to_string()
}

/// The current 30-second step, avoiding the last seconds of a step.
pub async fn settled_step() -> u64 {
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
    };
    if now().as_secs() % 30 >= 27 {
        tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    }
    now().as_secs() / 30
}

/// Creates an operator and returns its one-time password.
pub async fn create_operator(app: &TestApp, email: &str) -> String {
    ferry_provider::ops::operators::create(
        &app.db,
        Hasher::new(&app.settings.security),
        email,
        ferry_platform::db::unix_ms(time::OffsetDateTime::now_utc()),
    )
    .await
    .unwrap()
}

pub async fn ops_post(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    body: &Value,
) -> reqwest::Response {
    post_json_with(client, &app.url(path), body).await
}

/// An operator signed in with two-factor enrolled (first sign-in flow);
/// returns the client and the TOTP secret.
pub async fn operator(app: &TestApp, email: &str) -> (reqwest::Client, String) {
    let one_time = create_operator(app, email).await;
    let client = new_client();
    let signed_in = ops_post(
        &client,
        app,
        "/api/v1/ops/sessions",
        &json!({ "email": email, "password": one_time }),
    )
    .await;
    assert_eq!(signed_in.status(), 200);
    let body: Value = signed_in.json().await.unwrap();
    assert_eq!(body["status"], "enrollment_required");
    let enrollment: Value = ops_post(
        &client,
        app,
        "/api/v1/ops/two-factor/enrollment",
        &json!({}),
    )
    .await
    .json()
    .await
    .unwrap();
    let secret = enrollment["secret"].as_str().unwrap().to_string();
    let step = settled_step().await;
    let confirmed = ops_post(
        &client,
        app,
        "/api/v1/ops/two-factor/confirmation",
        &json!({ "code": totp_code(&secret, step - 1), "new_password": OPERATOR_PASSWORD }),
    )
    .await;
    assert_eq!(confirmed.status(), 200);
    (client, secret)
}

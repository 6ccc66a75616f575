use crate::helpers::{PASSWORD, TestApp, error_of, new_client, spawn_app};
use serde_json::{Value, json};
use totp_rs::{Builder, Secret};

pub fn code(secret: &str, step: u64) -> String {
    Builder::new()
        .with_secret(Secret::try_from_base32(secret).unwrap())
        .with_account_name("test")
        .build()
        .unwrap()
        .generate(step * 30)
        .to_string()
}

/// The current 30-second step, after waiting out the last two seconds of a
/// step so that a test's requests all fall in the same one.
pub async fn settled_step() -> u64 {
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
    };
    if now().as_secs() % 30 >= 28 {
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    }
    now().as_secs() / 30
}

/// Signs in, enrols and confirms with the previous step's code; returns the
/// secret, the recovery codes and the step confirmed.
pub async fn enable(app: &TestApp, email: &str) -> (String, Vec<String>, u64) {
    app.register_and_activate(email).await;
    app.sign_in(&app.client, email, PASSWORD).await;
    let enrollment: Value = app
        .post_json(
            "/api/v1/two-factor/enrollment",
            &json!({ "password": PASSWORD }),
        )
        .await
        .json()
        .await
        .unwrap();
    let secret = enrollment["secret"].as_str().unwrap().to_string();
    assert!(
        enrollment["otpauth_url"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/Ferry:"),
        "{enrollment}"
    );
    assert!(enrollment["qr_svg"].as_str().unwrap().contains("<svg"));
    let step = settled_step().await;
    let confirmed = app
        .post_json(
            "/api/v1/two-factor/confirmation",
            &json!({ "code": code(&secret, step - 1) }),
        )
        .await;
    assert_eq!(confirmed.status(), 200);
    let body: Value = confirmed.json().await.unwrap();
    let codes: Vec<String> = body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    (secret, codes, step)
}

async fn challenge(app: &TestApp, client: &reqwest::Client, email: &str) -> String {
    let response: Value = app
        .sign_in(client, email, PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(response["status"], "two_factor_required", "{response}");
    response["challenge"].as_str().unwrap().to_string()
}

async fn second_step(
    app: &TestApp,
    client: &reqwest::Client,
    challenge: &str,
    code: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/v1/sessions/two-factor"))
        .json(&json!({ "challenge": challenge, "code": code }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn enabling_needs_the_password_and_a_correct_code() {
    let app = spawn_app().await;
    app.register_and_activate("tf@example.com").await;
    app.sign_in(&app.client, "tf@example.com", PASSWORD).await;
    let wrong = app
        .post_json(
            "/api/v1/two-factor/enrollment",
            &json!({ "password": "not mine at all" }),
        )
        .await;
    assert_eq!(error_of(wrong).await.1, "current_password_wrong");
    let none = app
        .post_json(
            "/api/v1/two-factor/confirmation",
            &json!({ "code": "123456" }),
        )
        .await;
    assert_eq!(error_of(none).await.1, "no_enrollment_pending");
    let enrollment: Value = app
        .post_json(
            "/api/v1/two-factor/enrollment",
            &json!({ "password": PASSWORD }),
        )
        .await
        .json()
        .await
        .unwrap();
    let secret = enrollment["secret"].as_str().unwrap();
    let step = settled_step().await;
    let bad = app
        .post_json(
            "/api/v1/two-factor/confirmation",
            &json!({ "code": code(secret, step + 1) }),
        )
        .await;
    assert_eq!(
        error_of(bad).await.1,
        "invalid_code",
        "a future step is not accepted"
    );
    let me: Value = app.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["two_factor_enabled"], false);
    let good = app
        .post_json(
            "/api/v1/two-factor/confirmation",
            &json!({ "code": code(secret, step) }),
        )
        .await;
    let codes: Value = good.json().await.unwrap();
    assert_eq!(codes["recovery_codes"].as_array().unwrap().len(), 10);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM recovery_codes WHERE used_at_ms IS NULL")
            .await,
        10
    );
    let first = codes["recovery_codes"][0].as_str().unwrap();
    let plain = app
        .count(&format!(
            "SELECT COUNT(*) FROM recovery_codes WHERE code_hash = '{first}'"
        ))
        .await;
    assert_eq!(plain, 0, "stored hashed");
    let me: Value = app.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["two_factor_enabled"], true);
}

#[tokio::test]
async fn sign_in_asks_for_a_code_and_each_code_works_once() {
    let app = spawn_app().await;
    let (secret, _, step) = enable(&app, "two@example.com").await;
    let browser = new_client();
    let pending = challenge(&app, &browser, "two@example.com").await;
    assert_eq!(
        browser
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401,
        "no session before the code"
    );

    // The code used to enable two-factor (step − 1) cannot be replayed.
    let replay = second_step(&app, &browser, &pending, &code(&secret, step - 1)).await;
    assert_eq!(error_of(replay).await.1, "invalid_code");
    let ok = second_step(&app, &browser, &pending, &code(&secret, step)).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        browser
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // The same code again, on another sign-in: refused.
    let other = new_client();
    let again = challenge(&app, &other, "two@example.com").await;
    let replay = second_step(&app, &other, &again, &code(&secret, step)).await;
    assert_eq!(error_of(replay).await.1, "invalid_code");
    // A used challenge cannot open a second session.
    let reused = second_step(&app, &other, &pending, &code(&secret, step)).await;
    assert_eq!(error_of(reused).await.1, "challenge_invalid");
}

#[tokio::test]
async fn a_challenge_allows_five_wrong_codes() {
    let app = spawn_app().await;
    let (secret, _, step) = enable(&app, "five@example.com").await;
    let browser = new_client();
    let pending = challenge(&app, &browser, "five@example.com").await;
    for _ in 0..5 {
        assert_eq!(
            error_of(second_step(&app, &browser, &pending, "000000").await)
                .await
                .1,
            "invalid_code"
        );
    }
    let exhausted = second_step(&app, &browser, &pending, &code(&secret, step)).await;
    assert_eq!(error_of(exhausted).await.1, "challenge_invalid");
}

#[tokio::test]
async fn a_recovery_code_signs_in_once() {
    let app = spawn_app().await;
    let (_, codes, _) = enable(&app, "rec@example.com").await;
    let browser = new_client();
    let pending = challenge(&app, &browser, "rec@example.com").await;
    assert_eq!(
        second_step(&app, &browser, &pending, &codes[3].to_uppercase())
            .await
            .status(),
        200
    );
    let other = new_client();
    let pending = challenge(&app, &other, "rec@example.com").await;
    assert_eq!(
        error_of(second_step(&app, &other, &pending, &codes[3]).await)
            .await
            .1,
        "invalid_code"
    );
}

#[tokio::test]
async fn disabling_needs_the_password_and_a_code() {
    let app = spawn_app().await;
    let (_, codes, _) = enable(&app, "off@example.com").await;
    let wrong = app
        .post_json(
            "/api/v1/two-factor/disable",
            &json!({ "password": "nope nope nope", "code": codes[0] }),
        )
        .await;
    assert_eq!(error_of(wrong).await.1, "current_password_wrong");
    let no_code = app
        .post_json(
            "/api/v1/two-factor/disable",
            &json!({ "password": PASSWORD, "code": "111111" }),
        )
        .await;
    assert_eq!(error_of(no_code).await.1, "invalid_code");
    let off = app
        .post_json(
            "/api/v1/two-factor/disable",
            &json!({ "password": PASSWORD, "code": codes[0] }),
        )
        .await;
    assert_eq!(off.status(), 204);
    let again = app
        .sign_in(&new_client(), "off@example.com", PASSWORD)
        .await;
    let body: Value = again.json().await.unwrap();
    assert_eq!(
        body["email"], "off@example.com",
        "a plain sign-in again: {body}"
    );
}

#[tokio::test]
async fn the_two_factor_guard_refuses_sessions_without_a_second_factor() {
    let app = spawn_app().await;
    app.register_and_activate("guard@example.com").await;
    app.sign_in(&app.client, "guard@example.com", PASSWORD)
        .await;
    let refused = app
        .post_json("/api/v1/two-factor/recovery-codes", &json!({}))
        .await;
    let (status, error_code, message) = error_of(refused).await;
    assert_eq!((status, error_code.as_str()), (403, "two_factor_required"));
    assert!(message.contains("两步验证"), "{message}");

    let app = spawn_app().await;
    let (secret, _, step) = enable(&app, "guard2@example.com").await;
    let fresh: Value = app
        .post_json("/api/v1/two-factor/recovery-codes", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fresh["recovery_codes"].as_array().unwrap().len(), 10);
    let browser = new_client();
    let pending = challenge(&app, &browser, "guard2@example.com").await;
    second_step(&app, &browser, &pending, &code(&secret, step)).await;
    let from_browser = browser
        .post(app.url("/api/v1/two-factor/recovery-codes"))
        .send()
        .await
        .unwrap();
    assert_eq!(from_browser.status(), 200);
}

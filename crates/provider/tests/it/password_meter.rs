//! The password strength meter: its JSON endpoint, its script, and the
//! pages that carry it.

use crate::helpers::{PASSWORD, error_of, new_client, spawn_app};
use serde_json::{Value, json};

#[tokio::test]
async fn the_endpoint_scores_and_explains_in_the_callers_language() {
    let app = spawn_app().await;
    let weak: Value = app
        .client
        .post(app.url("/api/v1/password-strength?lang=en"))
        .json(&json!({ "password": "password1234" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(weak["acceptable"], false, "{weak}");
    assert!(weak["score"].as_u64().unwrap() < 3, "{weak}");
    assert!(
        weak["reason"]
            .as_str()
            .unwrap()
            .contains("too easy to guess"),
        "{weak}"
    );

    let short: Value = app
        .post_json(
            "/api/v1/password-strength",
            &json!({ "password": "短密码" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(short["acceptable"], false);
    assert_eq!(
        short["reason"], "密码至少需要 12 个字符。",
        "zh-CN by default"
    );

    let strong: Value = app
        .post_json(
            "/api/v1/password-strength",
            &json!({ "password": PASSWORD }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(strong["acceptable"], true, "{strong}");
    assert!(strong["score"].as_u64().unwrap() >= 3);
    assert_eq!(strong["reason"], "");

    // The account's own words count against it, as on registration.
    let own_words: Value = app
        .post_json(
            "/api/v1/password-strength",
            &json!({ "password": "zhangwei.trading", "user_inputs": ["zhangwei.trading@example.com"] }),
        )
        .await
        .json()
        .await
        .unwrap();
    let without: Value = app
        .post_json(
            "/api/v1/password-strength",
            &json!({ "password": "zhangwei.trading" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        own_words["score"].as_u64().unwrap() < without["score"].as_u64().unwrap(),
        "{own_words} vs {without}"
    );

    let malformed = app
        .post_json("/api/v1/password-strength", &json!({ "pass": 1 }))
        .await;
    assert_eq!(error_of(malformed).await.1, "malformed_body");
}

#[tokio::test]
async fn the_endpoint_is_rate_limited_and_stores_nothing() {
    let app = spawn_app().await;
    let secret = "unique quokka 山 saxophone";
    for _ in 0..300 {
        let response = app
            .post_json("/api/v1/password-strength", &json!({ "password": secret }))
            .await;
        assert_eq!(response.status(), 200);
    }
    let limited = app
        .post_json("/api/v1/password-strength", &json!({ "password": secret }))
        .await;
    assert_eq!(error_of(limited).await.1, "rate_limited");
    let mentions = app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%{secret}%'"
        ))
        .await;
    assert_eq!(mentions, 0);
}

#[tokio::test]
async fn the_register_reset_and_change_pages_carry_the_meter_and_its_script() {
    let app = spawn_app().await;
    let script = app.get("/assets/password-meter.js").await;
    assert_eq!(script.status(), 200);
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let body = script.text().await.unwrap();
    assert!(body.contains("/api/v1/password-strength"), "{body}");
    assert!(body.contains("meter.value"), "{body}");

    let browser = new_client();
    let has_meter = |html: &str| {
        html.contains(r#"<meter id="password-meter""#)
            && html.contains(r#"data-strength-meter="password-meter""#)
            && html.contains(r#"<script src="/assets/password-meter.js" defer>"#)
            // Hidden until the script runs: without JavaScript, no dead meter.
            && html.contains(" hidden")
    };
    for path in ["/register", "/reset-password?token=anything"] {
        let html = browser
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(has_meter(&html), "{path}: {html}");
    }
    app.register_and_activate("meter@example.com").await;
    app.sign_in(&browser, "meter@example.com", PASSWORD).await;
    let security = browser
        .get(app.url("/security"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(has_meter(&security), "{security}");
    assert!(
        security.contains("data-user-inputs=\"meter@example.com"),
        "the change form knows the user's own words: {security}"
    );
}

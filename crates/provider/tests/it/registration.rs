use crate::helpers::MailExt;
use crate::helpers::{PASSWORD, error_of, new_client, spawn_app, spawn_app_with};
use serde_json::{Value, json};

#[tokio::test]
async fn registration_sends_an_activation_email_whose_link_works_once() {
    let app = spawn_app().await;
    let response = app.register("li.wei@example.com").await;
    assert_eq!(response.status(), 202);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "check_your_email");

    let mail = app
        .wait_for_mails("li.wei@example.com", 1)
        .await
        .pop()
        .unwrap();
    assert_eq!(mail.subject, "激活您的 Ferry 账户", "Chinese by default");
    assert!(
        mail.text
            .contains(&format!("{}/activate?token=", app.address)),
        "{}",
        mail.text
    );
    assert!(mail.html.contains("/activate?token="), "{}", mail.html);
    let token = mail.token_after("/activate?token=");
    assert_eq!(token.len(), 43, "256 bits in URL-safe base64");
    // Only the hash is stored.
    let stored = app
        .count(&format!(
            "SELECT COUNT(*) FROM email_tokens WHERE token_hash = '{token}'"
        ))
        .await;
    assert_eq!(stored, 0);

    let first = app
        .post_json("/api/v1/activations", &json!({ "token": token }))
        .await;
    assert_eq!(first.status(), 200);
    let again = app
        .post_json("/api/v1/activations", &json!({ "token": token }))
        .await;
    let (status, code, _) = error_of(again).await;
    assert_eq!((status, code.as_str()), (410, "token_used"));
}

#[tokio::test]
async fn the_email_is_in_english_for_an_english_registration() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            "/api/v1/registrations",
            &json!({ "email": "sam@example.com", "password": PASSWORD, "account_kind": "individual", "display_name": "Sam Lee", "language": "en" }),
        )
        .await;
    assert_eq!(response.status(), 202);
    let mail = app
        .wait_for_mails("sam@example.com", 1)
        .await
        .pop()
        .unwrap();
    assert_eq!(mail.subject, "Activate your Ferry account");
    assert!(mail.text.contains("within 24 hours"));
}

#[tokio::test]
async fn until_activation_the_account_cannot_sign_in() {
    let app = spawn_app().await;
    app.register("wait@example.com").await;
    let client = new_client();
    let response = app.sign_in(&client, "wait@example.com", PASSWORD).await;
    assert!(response.headers().get("set-cookie").is_none());
    let (status, code, _) = error_of(response).await;
    assert_eq!((status, code.as_str()), (403, "account_not_activated"));
}

#[tokio::test]
async fn a_known_address_gets_the_same_answer_and_its_owner_a_warning() {
    let app = spawn_app().await;
    app.register_and_activate("owner@example.com").await;
    let new_body: Value = app
        .register("fresh@example.com")
        .await
        .json()
        .await
        .unwrap();
    let again = app.register("owner@example.com").await;
    assert_eq!(again.status(), 202);
    let again_body: Value = again.json().await.unwrap();
    assert_eq!(again_body, new_body, "no hint that the address is taken");

    let mails = app.wait_for_mails("owner@example.com", 2).await;
    assert_eq!(mails[1].subject, "有人尝试用您的邮箱注册 Ferry");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'owner@example.com'")
            .await,
        1
    );
}

#[tokio::test]
async fn bad_input_gets_a_stable_code_in_the_caller_s_language_and_changes_nothing() {
    let app = spawn_app().await;
    let valid = json!({ "email": "x@example.com", "password": PASSWORD, "account_kind": "company", "display_name": "Acme" });
    let with = |field: &str, value: Value| {
        let mut body = valid.clone();
        body[field] = value;
        body
    };
    let cases = [
        (with("email", json!("not-an-email")), "invalid_email"),
        (with("password", json!("short")), "password_too_short"),
        (
            with("password", json!("x".repeat(129))),
            "password_too_long",
        ),
        (with("password", json!("password1234")), "password_too_weak"),
        (
            with("account_kind", json!("partnership")),
            "invalid_account_kind",
        ),
        (with("display_name", json!("  ")), "invalid_display_name"),
        (with("language", json!("fr")), "invalid_language"),
        (json!({ "email": "x@example.com" }), "malformed_body"),
    ];
    for (body, expected) in cases {
        let (status, code, message) =
            error_of(app.post_json("/api/v1/registrations", &body).await).await;
        assert_eq!((status, code.as_str()), (422, expected), "{body}");
        assert!(!message.is_empty());
    }
    let weak = with("password", json!("password1234"));
    let zh = error_of(app.post_json("/api/v1/registrations", &weak).await).await;
    assert!(zh.2.contains("太容易被猜到"), "{}", zh.2);
    let en = app
        .client
        .post(app.url("/api/v1/registrations"))
        .header("accept-language", "en-US,en;q=0.9")
        .json(&weak)
        .send()
        .await
        .unwrap();
    let (_, _, message) = error_of(en).await;
    assert!(
        message.starts_with("This password is too easy to guess"),
        "{message}"
    );
    assert!(
        message.contains("common password"),
        "the reason is given: {message}"
    );

    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);
}

#[tokio::test]
async fn a_password_made_of_the_account_s_own_words_is_too_weak() {
    let app = spawn_app().await;
    let body = json!({ "email": "zhangweitrading@example.com", "password": "zhangweitrading2024", "account_kind": "company", "display_name": "Zhang Wei Trading" });
    let (status, code, _) = error_of(app.post_json("/api/v1/registrations", &body).await).await;
    assert_eq!((status, code.as_str()), (422, "password_too_weak"));
}

#[tokio::test]
async fn an_expired_link_is_refused_and_resending_is_throttled() {
    let app = spawn_app().await;
    app.register("late@example.com").await;
    let token = app.wait_for_mails("late@example.com", 1).await[0].token_after("/activate?token=");
    sqlx::query("UPDATE email_tokens SET expires_at_ms = 1")
        .execute(app.db.writer())
        .await
        .unwrap();
    let (status, code, _) = error_of(
        app.post_json("/api/v1/activations", &json!({ "token": token }))
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (410, "token_expired"));

    let resend = app
        .post_json(
            "/api/v1/activations/resend",
            &json!({ "email": "late@example.com" }),
        )
        .await;
    assert_eq!(resend.status(), 202);
    assert_eq!(
        app.settled_mails_to("late@example.com").await.len(),
        1,
        "throttled: the last mail is too recent"
    );

    let bogus = error_of(
        app.post_json("/api/v1/activations", &json!({ "token": "nope" }))
            .await,
    )
    .await;
    assert_eq!((bogus.0, bogus.1.as_str()), (422, "token_invalid"));
}

#[tokio::test]
async fn a_resent_link_replaces_the_old_one() {
    let app = spawn_app_with(|settings| settings.security.email_resend_interval_secs = 0).await;
    app.register("again@example.com").await;
    let old = app.wait_for_mails("again@example.com", 1).await[0].token_after("/activate?token=");
    let unknown = app
        .post_json(
            "/api/v1/activations/resend",
            &json!({ "email": "nobody@example.com" }),
        )
        .await;
    assert_eq!(
        unknown.status(),
        202,
        "unknown addresses get the same answer"
    );
    app.post_json(
        "/api/v1/activations/resend",
        &json!({ "email": "again@example.com" }),
    )
    .await;
    let mails = app.wait_for_mails("again@example.com", 2).await;
    let new = mails[1].token_after("/activate?token=");
    assert_ne!(old, new);
    let (status, code, _) = error_of(
        app.post_json("/api/v1/activations", &json!({ "token": old }))
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (410, "token_expired"));
    assert_eq!(
        app.post_json("/api/v1/activations", &json!({ "token": new }))
            .await
            .status(),
        200
    );
    assert!(app.settled_mails_to("nobody@example.com").await.is_empty());
}

#[tokio::test]
async fn registrations_from_one_address_are_rate_limited() {
    let app = spawn_app().await;
    for _ in 0..10 {
        let (status, _, _) =
            error_of(app.post_json("/api/v1/registrations", &json!({})).await).await;
        assert_eq!(status, 422);
    }
    let (status, code, _) =
        error_of(app.post_json("/api/v1/registrations", &json!({})).await).await;
    assert_eq!((status, code.as_str()), (429, "rate_limited"));
}

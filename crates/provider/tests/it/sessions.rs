use crate::helpers::MailExt;
use crate::helpers::{PASSWORD, error_of, new_client, post_json_with, spawn_app, spawn_app_with};
use ferry_provider::tokens;
use serde_json::{Value, json};
use sqlx::Row;

fn cookie_token(response: &reqwest::Response) -> String {
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    cookie
        .split(';')
        .next()
        .unwrap()
        .strip_prefix("ferry_session=")
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn sign_in_sets_a_hardened_cookie_stored_only_as_a_hash() {
    let app = spawn_app().await;
    app.register_and_activate("li@example.com").await;
    let response = app.sign_in(&app.client, "LI@example.com", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http in tests: {cookie}");
    let token = cookie_token(&response);
    let stored = app
        .count(&format!(
            "SELECT COUNT(*) FROM sessions WHERE token_hash = '{}'",
            tokens::hash(&token)
        ))
        .await;
    assert_eq!(stored, 1);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM sessions WHERE token_hash = '{token}'"
        ))
        .await,
        0
    );

    let me: Value = app.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["email"], "li@example.com");
    assert_eq!(me["role"], "owner");
    assert_eq!(me["language"], "zh-CN");
    assert_eq!(me["password_change_due"], false);
}

#[tokio::test]
async fn without_a_session_me_is_refused_in_the_caller_s_language() {
    let app = spawn_app().await;
    let (status, code, message) = error_of(app.get("/api/v1/me").await).await;
    assert_eq!((status, code.as_str()), (401, "not_signed_in"));
    assert!(message.contains("请先登录"), "{message}");
    let english = app
        .client
        .get(app.url("/api/v1/me?lang=en"))
        .send()
        .await
        .unwrap();
    assert!(error_of(english).await.2.starts_with("Please sign in"));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let app = spawn_app().await;
    app.register_and_activate("known@example.com").await;
    let wrong = error_of(
        app.sign_in(&app.client, "known@example.com", "not the password at all")
            .await,
    )
    .await;
    let unknown = error_of(
        app.sign_in(&app.client, "unknown@example.com", PASSWORD)
            .await,
    )
    .await;
    assert_eq!(wrong, unknown);
    assert_eq!((wrong.0, wrong.1.as_str()), (401, "invalid_credentials"));
}

#[tokio::test]
async fn five_failures_lock_the_account_and_e_mail_the_owner() {
    let app = spawn_app().await;
    app.register_and_activate("target@example.com").await;
    for _ in 0..5 {
        let (status, _, _) = error_of(
            app.sign_in(&app.client, "target@example.com", "guess guess guess")
                .await,
        )
        .await;
        assert_eq!(status, 401);
    }
    let locked = app
        .sign_in(&app.client, "target@example.com", PASSWORD)
        .await;
    assert_eq!(
        error_of(locked).await.1,
        "invalid_credentials",
        "even the right password is refused while locked"
    );
    let mails = app.wait_for_mails("target@example.com", 2).await;
    assert_eq!(mails[1].subject, "您的 Ferry 账户已暂时锁定");
    assert!(mails[1].text.contains("15"), "{}", mails[1].text);
    let row = sqlx::query(
        "SELECT locked_until_ms, lockouts FROM users WHERE email = 'target@example.com'",
    )
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    let until: i64 = row.try_get("locked_until_ms").unwrap();
    let now = ferry_platform::db::unix_ms(time::OffsetDateTime::now_utc());
    assert!(
        (until - now - 15 * 60_000).abs() < 60_000,
        "about 15 minutes"
    );
    assert_eq!(row.try_get::<i64, _>("lockouts").unwrap(), 1);

    // The lock lifts with time (simulated), and a success resets the count.
    sqlx::query("UPDATE users SET locked_until_ms = 1")
        .execute(app.db.writer())
        .await
        .unwrap();
    assert_eq!(
        app.sign_in(&app.client, "target@example.com", PASSWORD)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_second_lockout_lasts_twice_as_long() {
    let app = spawn_app().await;
    app.register_and_activate("twice@example.com").await;
    sqlx::query("UPDATE users SET lockouts = 1")
        .execute(app.db.writer())
        .await
        .unwrap();
    for _ in 0..5 {
        app.sign_in(&app.client, "twice@example.com", "guess guess guess")
            .await;
    }
    let mails = app.wait_for_mails("twice@example.com", 2).await;
    assert!(mails[1].text.contains("30"), "{}", mails[1].text);
}

#[tokio::test]
async fn sign_in_replaces_a_planted_session_token() {
    let app = spawn_app().await;
    app.register_and_activate("fix@example.com").await;
    let first = app.sign_in(&app.client, "fix@example.com", PASSWORD).await;
    let first_token = cookie_token(&first);
    // Signing in again from the same browser ends the first session.
    let second = app.sign_in(&app.client, "fix@example.com", PASSWORD).await;
    let second_token = cookie_token(&second);
    assert_ne!(first_token, second_token);
    let stale = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .header("cookie", format!("ferry_session={first_token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 401);
    // A token an attacker planted never becomes a session.
    let planted = reqwest::Client::new()
        .post(app.url("/api/v1/sessions"))
        .header("cookie", "ferry_session=attacker-chosen")
        .json(&json!({ "email": "fix@example.com", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_ne!(cookie_token(&planted), "attacker-chosen");
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    app.register_and_activate("out@example.com").await;
    app.sign_in(&app.client, "out@example.com", PASSWORD).await;
    let out = app
        .client
        .delete(app.url("/api/v1/sessions/current"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    assert!(
        out.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE revoked_at_ms IS NULL")
            .await,
        0
    );
    assert_eq!(app.get("/api/v1/me").await.status(), 401);
}

#[tokio::test]
async fn an_idle_session_ends() {
    let app = spawn_app_with(|settings| settings.security.session_idle_secs = 1).await;
    app.register_and_activate("idle@example.com").await;
    app.sign_in(&app.client, "idle@example.com", PASSWORD).await;
    assert_eq!(app.get("/api/v1/me").await.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(app.get("/api/v1/me").await.status(), 401);
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_limit_however_active() {
    let app = spawn_app_with(|settings| settings.security.session_absolute_secs = 2).await;
    app.register_and_activate("busy@example.com").await;
    app.sign_in(&app.client, "busy@example.com", PASSWORD).await;
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/me").await.status(), 200);
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(1_000)).await;
    assert_eq!(app.get("/api/v1/me").await.status(), 401);
}

#[tokio::test]
async fn sessions_are_listed_and_revoked_and_another_user_s_session_is_not_found() {
    let app = spawn_app().await;
    app.register_and_activate("a@example.com").await;
    app.register_and_activate("b@example.com").await;
    let laptop = new_client();
    app.sign_in(&app.client, "a@example.com", PASSWORD).await;
    app.sign_in(&laptop, "a@example.com", PASSWORD).await;
    let mallory = new_client();
    app.sign_in(&mallory, "b@example.com", PASSWORD).await;

    let list: Value = app.get("/api/v1/sessions").await.json().await.unwrap();
    let sessions = list["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{list}");
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    let laptop_id = sessions.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // B cannot end A's session: it does not exist for B.
    let foreign = mallory
        .delete(app.url(&format!("/api/v1/sessions/{laptop_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(foreign).await.0, 404);
    assert_eq!(
        laptop
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let revoked = app
        .client
        .delete(app.url(&format!("/api/v1/sessions/{laptop_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    assert_eq!(
        laptop
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(app.get("/api/v1/me").await.status(), 200);
}

#[tokio::test]
async fn all_other_sessions_can_be_ended_at_once() {
    let app = spawn_app().await;
    app.register_and_activate("many@example.com").await;
    let others = [new_client(), new_client()];
    for client in &others {
        app.sign_in(client, "many@example.com", PASSWORD).await;
    }
    app.sign_in(&app.client, "many@example.com", PASSWORD).await;
    let ended: Value = app
        .client
        .delete(app.url("/api/v1/sessions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ended["ended"], 2);
    for client in &others {
        assert_eq!(
            client
                .get(app.url("/api/v1/me"))
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
    }
    assert_eq!(app.get("/api/v1/me").await.status(), 200);
}

#[tokio::test]
async fn a_cross_site_request_cannot_ride_the_cookie() {
    let app = spawn_app().await;
    app.register_and_activate("csrf@example.com").await;
    app.sign_in(&app.client, "csrf@example.com", PASSWORD).await;
    let forged = app
        .client
        .delete(app.url("/api/v1/sessions"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(forged).await.1, "csrf_rejected");
    let fetch_meta = app
        .client
        .delete(app.url("/api/v1/sessions/current"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(fetch_meta).await.0, 403);
    assert_eq!(
        app.get("/api/v1/me").await.status(),
        200,
        "nothing was ended"
    );
    let same_origin = app
        .client
        .delete(app.url("/api/v1/sessions/current"))
        .header("origin", app.address.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), 204);
}

#[tokio::test]
async fn sign_in_attempts_from_one_address_are_rate_limited() {
    let app = spawn_app().await;
    for _ in 0..30 {
        post_json_with(&app.client, &app.url("/api/v1/sessions"), &json!({})).await;
    }
    let (status, code, _) =
        error_of(app.sign_in(&app.client, "x@example.com", PASSWORD).await).await;
    assert_eq!((status, code.as_str()), (429, "rate_limited"));
}

#[tokio::test]
async fn a_sign_in_from_a_new_device_is_e_mailed() {
    let app = spawn_app().await;
    app.register_and_activate("dev@example.com").await;
    let browser = |agent: &str| {
        reqwest::Client::builder()
            .user_agent(agent)
            .build()
            .unwrap()
    };
    app.sign_in(&browser("Laptop Firefox"), "dev@example.com", PASSWORD)
        .await;
    app.sign_in(&browser("Laptop Firefox"), "dev@example.com", PASSWORD)
        .await;
    assert_eq!(
        app.settled_mails_to("dev@example.com").await.len(),
        1,
        "the first device is not news"
    );
    app.sign_in(&browser("Unknown Phone"), "dev@example.com", PASSWORD)
        .await;
    let mails = app.wait_for_mails("dev@example.com", 2).await;
    assert_eq!(mails[1].subject, "新设备登录了您的 Ferry 账户");
    assert!(
        mails[1].text.contains("Unknown Phone") && mails[1].text.contains("127.0.0.1"),
        "{}",
        mails[1].text
    );
}

#[tokio::test]
async fn under_https_the_session_cookie_is_secure() {
    let app =
        spawn_app_with(|settings| settings.public_url = Some("https://pay.example.com".into()))
            .await;
    app.register_and_activate("tls@example.com").await;
    let response = app.sign_in(&app.client, "tls@example.com", PASSWORD).await;
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn api_errors_use_the_signed_in_user_s_language_unless_the_request_chooses() {
    let app = spawn_app().await;
    let registered = app
        .post_json(
            "/api/v1/registrations",
            &json!({ "email": "en-user@example.com", "password": PASSWORD, "account_kind": "individual", "display_name": "Sam Lee", "language": "en" }),
        )
        .await;
    assert_eq!(registered.status(), 202);
    let mail = app
        .wait_for_mails("en-user@example.com", 1)
        .await
        .pop()
        .unwrap();
    let token = mail.token_after("/activate?token=");
    app.post_json("/api/v1/activations", &json!({ "token": token }))
        .await;
    // reqwest sends no Accept-Language: the request chooses nothing.
    let client = new_client();
    assert_eq!(
        app.sign_in(&client, "en-user@example.com", PASSWORD)
            .await
            .status(),
        200
    );
    let missing = |path: &str| client.delete(app.url(path)).send();

    let stored = missing("/api/v1/sessions/ses_unknown").await.unwrap();
    assert_eq!(error_of(stored).await.2, "Not found.");
    let by_query = missing("/api/v1/sessions/ses_unknown?lang=zh-CN")
        .await
        .unwrap();
    assert_eq!(error_of(by_query).await.2, "找不到该对象。");
    let by_header = client
        .delete(app.url("/api/v1/sessions/ses_unknown"))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(by_header).await.2, "找不到该对象。");
    // Signed out, there is no stored language: the default applies.
    let anonymous = new_client()
        .delete(app.url("/api/v1/sessions/ses_unknown"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(anonymous).await.2, "请先登录（会话可能已过期）。");
}

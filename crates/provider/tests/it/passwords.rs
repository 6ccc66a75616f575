use crate::helpers::MailExt;
use crate::helpers::{PASSWORD, error_of, new_client, spawn_app};
use ferry_provider::SecuritySettings;
use ferry_provider::password::Hasher;
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "violet harbour 渡船 compass";

#[tokio::test]
async fn the_default_hash_is_argon2id_with_owasp_parameters() {
    let hash = Hasher::new(&SecuritySettings::default())
        .hash(PASSWORD.to_string())
        .await
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(
        Hasher::new(&SecuritySettings::default())
            .verify(PASSWORD.to_string(), hash.clone())
            .await
            .unwrap()
    );
    assert!(
        !Hasher::new(&SecuritySettings::default())
            .verify("wrong".into(), hash)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = spawn_app().await;
    app.register_and_activate("chg@example.com").await;
    let other = new_client();
    app.sign_in(&other, "chg@example.com", PASSWORD).await;
    app.sign_in(&app.client, "chg@example.com", PASSWORD).await;

    let wrong = app
        .post_json(
            "/api/v1/password-changes",
            &json!({ "current_password": "not it", "new_password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(error_of(wrong).await.1, "current_password_wrong");
    let weak = app
        .post_json(
            "/api/v1/password-changes",
            &json!({ "current_password": PASSWORD, "new_password": "chg@example.com1" }),
        )
        .await;
    assert_eq!(error_of(weak).await.1, "password_too_weak");
    assert_eq!(
        other
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "failed attempts change nothing"
    );

    let changed = app
        .post_json(
            "/api/v1/password-changes",
            &json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(changed.status(), 204);
    assert_eq!(
        app.get("/api/v1/me").await.status(),
        200,
        "this session stays"
    );
    assert_eq!(
        other
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401,
        "others end"
    );
    let mails = app.wait_for_mails("chg@example.com", 2).await;
    assert_eq!(mails[1].subject, "您的 Ferry 密码已更改");
    assert_eq!(
        app.sign_in(&new_client(), "chg@example.com", PASSWORD)
            .await
            .status(),
        401
    );
    assert_eq!(
        app.sign_in(&new_client(), "chg@example.com", NEW_PASSWORD)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_every_session() {
    let app = spawn_app().await;
    app.register_and_activate("rst@example.com").await;
    let device = new_client();
    app.sign_in(&device, "rst@example.com", PASSWORD).await;

    let asked = app
        .post_json(
            "/api/v1/password-resets",
            &json!({ "email": "rst@example.com" }),
        )
        .await;
    assert_eq!(asked.status(), 202);
    let unknown = app
        .post_json(
            "/api/v1/password-resets",
            &json!({ "email": "ghost@example.com" }),
        )
        .await;
    assert_eq!(
        unknown.status(),
        202,
        "the same answer for unknown addresses"
    );
    let mail = app
        .wait_for_mails("rst@example.com", 2)
        .await
        .pop()
        .unwrap();
    assert_eq!(mail.subject, "重设您的 Ferry 密码");
    let token = mail.token_after("/reset-password?token=");

    let weak = app
        .post_json(
            "/api/v1/password-resets/confirm",
            &json!({ "token": token, "new_password": "123456789012" }),
        )
        .await;
    assert_eq!(error_of(weak).await.1, "password_too_weak");
    let done = app
        .post_json(
            "/api/v1/password-resets/confirm",
            &json!({ "token": token, "new_password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(
        done.status(),
        204,
        "a weak attempt does not use up the link"
    );
    let reused = app
        .post_json(
            "/api/v1/password-resets/confirm",
            &json!({ "token": token, "new_password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(error_of(reused).await.1, "token_used");

    assert_eq!(
        device
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        app.sign_in(&new_client(), "rst@example.com", NEW_PASSWORD)
            .await
            .status(),
        200
    );
    assert!(app.settled_mails_to("ghost@example.com").await.is_empty());
}

#[tokio::test]
async fn a_reset_lifts_a_lockout() {
    let app = spawn_app().await;
    app.register_and_activate("lk@example.com").await;
    for _ in 0..5 {
        app.sign_in(&app.client, "lk@example.com", "guess guess guess")
            .await;
    }
    app.post_json(
        "/api/v1/password-resets",
        &json!({ "email": "lk@example.com" }),
    )
    .await;
    let mails = app.wait_for_mails("lk@example.com", 3).await;
    let token = mails
        .iter()
        .find(|m| m.text.contains("/reset-password?token="))
        .unwrap()
        .token_after("/reset-password?token=");
    app.post_json(
        "/api/v1/password-resets/confirm",
        &json!({ "token": token, "new_password": NEW_PASSWORD }),
    )
    .await;
    assert_eq!(
        app.sign_in(&app.client, "lk@example.com", NEW_PASSWORD)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn an_old_password_is_flagged_for_a_change_without_being_forced() {
    let app = spawn_app().await;
    app.register_and_activate("old@example.com").await;
    let day_ms: i64 = 24 * 60 * 60 * 1000;
    let now = ferry_platform::db::unix_ms(time::OffsetDateTime::now_utc());
    sqlx::query("UPDATE users SET password_changed_at_ms = $1")
        .bind(now - 181 * day_ms)
        .execute(app.db.writer())
        .await
        .unwrap();
    assert_eq!(
        app.sign_in(&app.client, "old@example.com", PASSWORD)
            .await
            .status(),
        200
    );
    let me: Value = app.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["password_change_due"], true);
    assert_eq!(
        me["password_change_required"], false,
        "a reminder, not a forced change"
    );
    assert_eq!(app.get("/api/v1/sessions").await.status(), 200);
    // One reminder e-mail per password, however often one signs in.
    app.sign_in(&app.client, "old@example.com", PASSWORD).await;
    let mails = app.settled_mails_to("old@example.com").await;
    assert_eq!(mails.len(), 2, "activation and one reminder");
    assert_eq!(mails[1].subject, "建议更换您的 Ferry 密码");
    assert!(mails[1].text.contains("180"));
}

#[tokio::test]
async fn in_enforce_mode_an_old_password_must_be_changed_first() {
    let app = crate::helpers::spawn_app_with(|settings| {
        settings.security.enforce_password_max_age = true
    })
    .await;
    app.register_and_activate("strict@example.com").await;
    let now = ferry_platform::db::unix_ms(time::OffsetDateTime::now_utc());
    sqlx::query("UPDATE users SET password_changed_at_ms = $1")
        .bind(now - 181 * 24 * 60 * 60 * 1000)
        .execute(app.db.writer())
        .await
        .unwrap();
    assert_eq!(
        app.sign_in(&app.client, "strict@example.com", PASSWORD)
            .await
            .status(),
        200
    );
    let me: Value = app.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["password_change_required"], true);
    let (status, code, _) = error_of(app.get("/api/v1/sessions").await).await;
    assert_eq!((status, code.as_str()), (403, "password_change_required"));
    let changed = app
        .post_json(
            "/api/v1/password-changes",
            &json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(changed.status(), 204);
    assert_eq!(app.get("/api/v1/sessions").await.status(), 200);
}

#[tokio::test]
async fn an_operator_flag_ends_every_session_and_forces_a_change() {
    let app = spawn_app().await;
    app.register_and_activate("flag@example.com").await;
    app.sign_in(&app.client, "flag@example.com", PASSWORD).await;
    let flagged =
        ferry_provider::accounts::credentials::flag_compromised(&app.db, "flag@example.com")
            .await
            .unwrap();
    assert!(flagged);
    assert_eq!(app.get("/api/v1/me").await.status(), 401, "sessions ended");
    app.sign_in(&app.client, "flag@example.com", PASSWORD).await;
    let (_, code, _) = error_of(app.get("/api/v1/audit-log").await).await;
    assert_eq!(code, "password_change_required");
    assert!(
        !ferry_provider::accounts::credentials::flag_compromised(&app.db, "nobody@example.com")
            .await
            .unwrap()
    );
}

use crate::helpers::MailExt;
use crate::helpers::{PASSWORD, TestApp, new_client, spawn_app};
use serde_json::{Value, json};

/// The CSRF token a page put in its forms.
fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no CSRF field in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let response = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

async fn submit(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client.post(app.url(path)).form(form).send().await.unwrap()
}

#[tokio::test]
async fn pages_are_chinese_by_default_and_the_chosen_language_is_remembered() {
    let app = spawn_app().await;
    let browser = new_client();
    let chinese = page(&app, &browser, "/register").await;
    assert!(
        chinese.contains(r#"<html lang="zh-CN">"#) && chinese.contains("电子邮箱"),
        "{chinese}"
    );
    let switched = browser
        .get(app.url("/register?lang=en"))
        .send()
        .await
        .unwrap();
    assert!(
        switched.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("lang=en")
    );
    assert!(switched.text().await.unwrap().contains("E-mail"));
    let remembered = page(&app, &browser, "/sign-in").await;
    assert!(
        remembered.contains(r#"<html lang="en">"#) && remembered.contains("Forgot your password?"),
        "{remembered}"
    );
    // The switch keeps the rest of the address (an activation token, say).
    let activate = page(&app, &browser, "/activate?token=abc").await;
    assert!(
        activate.contains("/activate?token=abc&amp;lang=zh-CN"),
        "{activate}"
    );
}

#[tokio::test]
async fn registering_and_activating_through_the_pages() {
    let app = spawn_app().await;
    let browser = new_client();
    let form = page(&app, &browser, "/register").await;
    let csrf = csrf_of(&form);
    let registered = submit(
        &app,
        &browser,
        "/register",
        &[
            ("csrf", &csrf),
            ("email", "web@example.com"),
            ("password", PASSWORD),
            ("account_kind", "individual"),
            ("display_name", "王小明"),
            ("language", "en"),
        ],
    )
    .await;
    assert_eq!(registered.status(), 303);
    assert_eq!(registered.headers()["location"], "/check-email");
    assert!(page(&app, &browser, "/check-email").await.contains("24"));

    let mail = app
        .wait_for_mails("web@example.com", 1)
        .await
        .pop()
        .unwrap();
    assert_eq!(
        mail.subject, "Activate your Ferry account",
        "the chosen e-mail language"
    );
    let token = mail.token_after("/activate?token=");
    let confirm = page(&app, &browser, &format!("/activate?token={token}")).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE activated_at_ms IS NOT NULL")
            .await,
        0,
        "a GET changes nothing"
    );
    let activated = submit(
        &app,
        &browser,
        "/activate",
        &[("csrf", &csrf_of(&confirm)), ("token", &token)],
    )
    .await;
    assert_eq!(activated.status(), 200);
    assert!(activated.text().await.unwrap().contains("账户已激活"));
    let used = submit(
        &app,
        &browser,
        "/activate",
        &[("csrf", &csrf_of(&confirm)), ("token", &token)],
    )
    .await;
    assert_eq!(used.status(), 410);
    let body = used.text().await.unwrap();
    assert!(
        body.contains("链接已使用过") && body.contains(r#"action="/activate/resend""#),
        "{body}"
    );
}

#[tokio::test]
async fn a_weak_password_is_explained_on_the_form() {
    let app = spawn_app().await;
    let browser = new_client();
    let csrf = csrf_of(&page(&app, &browser, "/register?lang=en").await);
    let response = submit(
        &app,
        &browser,
        "/register",
        &[
            ("csrf", &csrf),
            ("email", "weak@example.com"),
            ("password", "password1234"),
            ("account_kind", "company"),
            ("display_name", "Weak Co"),
        ],
    )
    .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("too easy to guess") && body.contains("common password"),
        "{body}"
    );
    assert!(
        body.contains(r#"value="weak@example.com""#),
        "the form keeps what was typed"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
}

#[tokio::test]
async fn forms_without_their_token_or_from_another_site_are_refused() {
    let app = spawn_app().await;
    let browser = new_client();
    let csrf = csrf_of(&page(&app, &browser, "/register").await);
    let fields = [
        ("email", "forged@example.com"),
        ("password", PASSWORD),
        ("account_kind", "company"),
        ("display_name", "Forged"),
    ];
    let missing = submit(&app, &browser, "/register", &fields).await;
    assert_eq!(missing.status(), 403);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("表单已过期或来源不明")
    );
    let mut wrong = fields.to_vec();
    wrong.push(("csrf", "guessed"));
    assert_eq!(
        submit(&app, &browser, "/register", &wrong).await.status(),
        403
    );
    // Another browser (no cookie) replaying a valid token is refused too.
    let mut replayed = fields.to_vec();
    replayed.push(("csrf", &csrf));
    assert_eq!(
        submit(&app, &new_client(), "/register", &replayed)
            .await
            .status(),
        403
    );
    let cross_site = browser
        .post(app.url("/register"))
        .header("origin", "https://evil.example")
        .form(&replayed)
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
}

#[tokio::test]
async fn signing_in_through_the_pages_reaches_the_dashboard_and_security_settings() {
    let app = spawn_app().await;
    app.register_and_activate("desk@example.com").await;
    let browser = new_client();
    assert_eq!(
        browser
            .get(app.url("/dashboard"))
            .send()
            .await
            .unwrap()
            .headers()["location"],
        "/sign-in"
    );
    let csrf = csrf_of(&page(&app, &browser, "/sign-in").await);
    let wrong = submit(
        &app,
        &browser,
        "/sign-in",
        &[
            ("csrf", &csrf),
            ("email", "desk@example.com"),
            ("password", "wrong wrong wrong"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 401);
    assert!(wrong.text().await.unwrap().contains("邮箱或密码不正确"));
    let signed_in = submit(
        &app,
        &browser,
        "/sign-in",
        &[
            ("csrf", &csrf),
            ("email", "desk@example.com"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(signed_in.status(), 303);
    assert_eq!(signed_in.headers()["location"], "/dashboard");
    let dashboard = page(&app, &browser, "/dashboard").await;
    assert!(
        dashboard.contains("深圳市示例贸易有限公司") && dashboard.contains("两步验证"),
        "{dashboard}"
    );

    let security = page(&app, &browser, "/security").await;
    let session_csrf = csrf_of(&security);
    assert_ne!(
        session_csrf, csrf,
        "signed-in forms carry the session's token"
    );
    assert!(
        security.contains("127.0.0.1"),
        "the session list shows the address"
    );
    let changed = submit(
        &app,
        &browser,
        "/security/password",
        &[
            ("csrf", &session_csrf),
            ("current_password", PASSWORD),
            ("new_password", "quiet meadow 灯塔 ferry lantern"),
        ],
    )
    .await;
    assert_eq!(changed.status(), 200);
    assert!(changed.text().await.unwrap().contains("密码已更改"));

    let out = submit(&app, &browser, "/sign-out", &[("csrf", &session_csrf)]).await;
    assert_eq!(out.status(), 303);
    assert_eq!(
        browser
            .get(app.url("/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
}

#[tokio::test]
async fn the_two_factor_step_has_its_own_page() {
    let app = spawn_app().await;
    app.register_and_activate("tfa@example.com").await;
    app.sign_in(&app.client, "tfa@example.com", PASSWORD).await;
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
    let totp = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(&secret).unwrap())
        .with_account_name("t")
        .build()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    if now % 30 >= 28 {
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let confirmed = app
        .post_json(
            "/api/v1/two-factor/confirmation",
            &json!({ "code": totp.generate(now - 30).to_string() }),
        )
        .await;
    assert_eq!(confirmed.status(), 200);

    let browser = new_client();
    let csrf = csrf_of(&page(&app, &browser, "/sign-in").await);
    let step = submit(
        &app,
        &browser,
        "/sign-in",
        &[
            ("csrf", &csrf),
            ("email", "tfa@example.com"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(step.status(), 200);
    let body = step.text().await.unwrap();
    assert!(body.contains(r#"action="/sign-in/two-factor""#), "{body}");
    let challenge = {
        let marker = r#"name="challenge" value=""#;
        let start = body.find(marker).unwrap() + marker.len();
        body[start..].split('"').next().unwrap().to_string()
    };
    let code = totp.generate(now).to_string();
    let done = submit(
        &app,
        &browser,
        "/sign-in/two-factor",
        &[("csrf", &csrf), ("challenge", &challenge), ("code", &code)],
    )
    .await;
    assert_eq!(done.status(), 303);
    let dashboard = page(&app, &browser, "/dashboard").await;
    assert!(
        !dashboard.contains("请启用两步验证"),
        "two-factor is on: {dashboard}"
    );
}

/// Signs `browser` in through the sign-in form.
async fn sign_in_through_form(app: &TestApp, browser: &reqwest::Client, email: &str) {
    let csrf = csrf_of(&page(app, browser, "/sign-in").await);
    let response = submit(
        app,
        browser,
        "/sign-in",
        &[("csrf", &csrf), ("email", email), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(response.status(), 303);
}

#[tokio::test]
async fn api_keys_are_made_and_revoked_on_the_security_page() {
    let app = spawn_app().await;
    app.register_and_activate("keypage@example.com").await;
    let browser = new_client();
    sign_in_through_form(&app, &browser, "keypage@example.com").await;
    let csrf = csrf_of(&page(&app, &browser, "/security").await);
    let created = submit(
        &app,
        &browser,
        "/security/api-keys",
        &[("csrf", &csrf), ("name", "ERP")],
    )
    .await;
    assert_eq!(created.status(), 201);
    let body = created.text().await.unwrap();
    let start = body.find("<code>fk_").unwrap() + "<code>".len();
    let key = body[start..].split('<').next().unwrap().to_string();
    assert!(
        !page(&app, &browser, "/security").await.contains(&key),
        "shown once"
    );
    let me = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);

    let listed: Value = browser
        .get(app.url("/api/v1/api-keys"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = listed["api_keys"][0]["id"].as_str().unwrap().to_string();
    let revoked = submit(
        &app,
        &browser,
        &format!("/security/api-keys/{id}/revoke"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(revoked.status(), 303);
    let me = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401);
}

#[tokio::test]
async fn the_team_page_invites_and_removes_members_for_the_owner_only() {
    let app = spawn_app().await;
    app.register_and_activate("teamowner@example.com").await;
    let owner = new_client();
    sign_in_through_form(&app, &owner, "teamowner@example.com").await;
    let team = page(&app, &owner, "/team").await;
    let csrf = csrf_of(&team);
    let invited = submit(
        &app,
        &owner,
        "/team/invitations",
        &[
            ("csrf", &csrf),
            ("email", "helper@example.com"),
            ("role", "finance"),
        ],
    )
    .await;
    assert_eq!(invited.status(), 200);
    assert!(invited.text().await.unwrap().contains("邀请已发送"));
    let token = app.wait_for_mails("helper@example.com", 1).await[0]
        .token_after("/accept-invitation?token=");
    let accepted = app
        .post_json("/api/v1/team/invitations/accept", &json!({ "token": token, "display_name": "Helper", "password": "copper kettle 河流 midnight" }))
        .await;
    assert_eq!(accepted.status(), 200);

    let helper = new_client();
    let csrf_helper = csrf_of(&page(&app, &helper, "/sign-in").await);
    submit(
        &app,
        &helper,
        "/sign-in",
        &[
            ("csrf", &csrf_helper),
            ("email", "helper@example.com"),
            ("password", "copper kettle 河流 midnight"),
        ],
    )
    .await;
    let refused = helper.get(app.url("/team")).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("您的角色无权进行此操作")
    );

    let members: Value = owner
        .get(app.url("/api/v1/team/members"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let helper_id = members["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "finance")
        .unwrap()["user_id"]
        .as_str()
        .unwrap()
        .to_string();
    let removed = submit(
        &app,
        &owner,
        &format!("/team/members/{helper_id}/remove"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(removed.status(), 303);
    assert_eq!(
        helper
            .get(app.url("/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        303,
        "signed out"
    );
}

//! Owner-only actions: members' roles, the account's security policy and
//! closing the account.

use crate::helpers::{PASSWORD, TestApp, error_of, new_client, spawn_app};
use crate::team::{MEMBER_PASSWORD, add_member};
use crate::two_factor::{code, enable, settled_step};
use ferry_ledger::{AccountCode, AccountFlags, LedgerCode, NewAccount, Transfer, TransferFlags};
use serde_json::{Value, json};

async fn get_json(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, Value) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn patch_json(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    body: &Value,
) -> reqwest::Response {
    client.patch(app.url(path)).json(body).send().await.unwrap()
}

async fn audited(app: &TestApp, event: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE event = '{event}'"
    ))
    .await
}

#[tokio::test]
async fn the_owner_changes_a_members_role_and_nobody_else_can() {
    let app = spawn_app().await;
    app.register_and_activate("roles@example.com").await;
    app.sign_in(&app.client, "roles@example.com", PASSWORD)
        .await;
    let member = add_member(&app, "clerk@example.com", "viewer").await;
    let (_, me) = get_json(&app, &member, "/api/v1/me").await;
    let member_id = me["user_id"].as_str().unwrap().to_string();
    let (_, owner) = get_json(&app, &app.client, "/api/v1/me").await;
    let owner_id = owner["user_id"].as_str().unwrap().to_string();

    // A viewer may not see the team; after the change to admin they may.
    assert_eq!(get_json(&app, &member, "/api/v1/team/members").await.0, 403);
    let path = format!("/api/v1/team/members/{member_id}");
    let changed = patch_json(&app, &app.client, &path, &json!({ "role": "admin" })).await;
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["role"], "admin");
    assert_eq!(get_json(&app, &member, "/api/v1/team/members").await.0, 200);
    assert_eq!(audited(&app, "member.role_changed").await, 1);

    // An admin still cannot change roles, not even their own.
    let by_admin = patch_json(&app, &member, &path, &json!({ "role": "finance" })).await;
    assert_eq!(error_of(by_admin).await.1, "forbidden_for_role");
    // The owner's role is fixed, nobody becomes owner, roles are checked.
    let owner_path = format!("/api/v1/team/members/{owner_id}");
    let demote = patch_json(&app, &app.client, &owner_path, &json!({ "role": "viewer" })).await;
    assert_eq!(
        error_of(demote).await,
        (
            409,
            "owner_role_fixed".into(),
            "账户所有者的角色不能更改。".into()
        )
    );
    let promote = patch_json(&app, &app.client, &path, &json!({ "role": "owner" })).await;
    assert_eq!(error_of(promote).await.1, "invalid_role");
    let nonsense = patch_json(&app, &app.client, &path, &json!({ "role": "root" })).await;
    assert_eq!(error_of(nonsense).await.1, "invalid_role");
    assert_eq!(
        audited(&app, "member.role_changed").await,
        1,
        "refusals change nothing"
    );

    // Another account's member is not found.
    let other = TestApp::second_owner(&app, "other-roles@example.com").await;
    let foreign = patch_json(&app, &other, &path, &json!({ "role": "viewer" })).await;
    assert_eq!(error_of(foreign).await.1, "not_found");
    let (_, still) = get_json(&app, &member, "/api/v1/me").await;
    assert_eq!(still["role"], "admin");
}

#[tokio::test]
async fn the_team_page_changes_a_role_with_a_form() {
    let app = spawn_app().await;
    app.register_and_activate("rolepage@example.com").await;
    let browser = new_client();
    app.sign_in(&browser, "rolepage@example.com", PASSWORD)
        .await;
    app.sign_in(&app.client, "rolepage@example.com", PASSWORD)
        .await;
    let member = add_member(&app, "rp-member@example.com", "viewer").await;
    let (_, me) = get_json(&app, &member, "/api/v1/me").await;
    let member_id = me["user_id"].as_str().unwrap();
    let team = browser
        .get(app.url("/team"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let action = format!("/team/members/{member_id}/role");
    assert!(team.contains(&action), "{team}");
    let csrf = csrf_of(&team);
    let done = browser
        .post(app.url(&action))
        .form(&[("csrf", csrf.as_str()), ("role", "finance")])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    let (_, me) = get_json(&app, &member, "/api/v1/me").await;
    assert_eq!(me["role"], "finance");
    let forged = browser
        .post(app.url(&action))
        .form(&[("csrf", "guessed"), ("role", "admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let (_, me) = get_json(&app, &member, "/api/v1/me").await;
    assert_eq!(me["role"], "finance");
}

fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = html.find(marker).expect("a CSRF field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

impl TestApp {
    /// Registers another seller account and signs a fresh client in as its owner.
    async fn second_owner(app: &TestApp, email: &str) -> reqwest::Client {
        app.register_and_activate(email).await;
        let client = new_client();
        assert_eq!(app.sign_in(&client, email, PASSWORD).await.status(), 200);
        client
    }
}

#[tokio::test]
async fn a_required_second_factor_confines_members_until_they_enrol() {
    let app = spawn_app().await;
    app.register_and_activate("policy@example.com").await;
    app.sign_in(&app.client, "policy@example.com", PASSWORD)
        .await;
    let member = add_member(&app, "p-member@example.com", "admin").await;
    let policy = "/api/v1/account/security-policy";

    let (status, current) = get_json(&app, &app.client, policy).await;
    assert_eq!(
        (status, current),
        (200, json!({ "require_two_factor_for_members": false }))
    );
    let by_member = patch_json(
        &app,
        &member,
        policy,
        &json!({ "require_two_factor_for_members": true }),
    )
    .await;
    assert_eq!(error_of(by_member).await.1, "forbidden_for_role");
    let bad = patch_json(
        &app,
        &app.client,
        policy,
        &json!({ "require_two_factor_for_members": "yes" }),
    )
    .await;
    assert_eq!(error_of(bad).await.1, "malformed_body");

    let on = patch_json(
        &app,
        &app.client,
        policy,
        &json!({ "require_two_factor_for_members": true }),
    )
    .await;
    assert_eq!(on.status(), 200);
    let again = patch_json(
        &app,
        &app.client,
        policy,
        &json!({ "require_two_factor_for_members": true }),
    )
    .await;
    assert_eq!(again.status(), 200);
    assert_eq!(
        audited(&app, "account.policy_changed").await,
        1,
        "a no-op is not an event"
    );

    // The member can see who they are, and nothing else, in the API…
    let (status, me) = get_json(&app, &member, "/api/v1/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["two_factor_enrolment_required"], true);
    let blocked = member
        .get(app.url("/api/v1/team/members"))
        .send()
        .await
        .unwrap();
    let (status, code_, message) = error_of(blocked).await;
    assert_eq!(
        (status, code_.as_str()),
        (403, "two_factor_enrolment_required")
    );
    assert!(message.contains("两步验证"), "{message}");
    // …and in the pages, only the security page.
    let dashboard = member.get(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(dashboard.status(), 303);
    assert_eq!(dashboard.headers()["location"], "/security");
    assert_eq!(
        member
            .get(app.url("/security"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // The owner is not confined.
    assert_eq!(get_json(&app, &app.client, "/api/v1/sessions").await.0, 200);

    // Enrolling frees the member.
    let enrollment: Value = member
        .post(app.url("/api/v1/two-factor/enrollment"))
        .json(&json!({ "password": MEMBER_PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = enrollment["secret"].as_str().unwrap();
    let step = settled_step().await;
    let confirmed = member
        .post(app.url("/api/v1/two-factor/confirmation"))
        .json(&json!({ "code": code(secret, step) }))
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 200);
    assert_eq!(get_json(&app, &member, "/api/v1/team/members").await.0, 200);
    assert_eq!(
        member
            .get(app.url("/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // Turning it off is audited too and frees everyone.
    let off = patch_json(
        &app,
        &app.client,
        policy,
        &json!({ "require_two_factor_for_members": false }),
    )
    .await;
    assert_eq!(
        off.json::<Value>().await.unwrap(),
        json!({ "require_two_factor_for_members": false })
    );
    assert_eq!(audited(&app, "account.policy_changed").await, 2);
}

#[tokio::test]
async fn the_security_page_sets_the_policy_for_owners_only() {
    let app = spawn_app().await;
    app.register_and_activate("policypage@example.com").await;
    let browser = new_client();
    app.sign_in(&browser, "policypage@example.com", PASSWORD)
        .await;
    app.sign_in(&app.client, "policypage@example.com", PASSWORD)
        .await;
    let security = browser
        .get(app.url("/security"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        security.contains(r#"action="/security/policy""#),
        "{security}"
    );
    assert!(
        security.contains(r#"action="/security/close""#),
        "{security}"
    );
    let saved = browser
        .post(app.url("/security/policy"))
        .form(&[
            ("csrf", csrf_of(&security).as_str()),
            ("require_two_factor_for_members", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 200);
    let (_, policy) = get_json(&app, &app.client, "/api/v1/account/security-policy").await;
    assert_eq!(policy["require_two_factor_for_members"], true);

    let member = add_member(&app, "pp-member@example.com", "admin").await;
    let theirs = member
        .get(app.url("/security"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!theirs.contains(r#"action="/security/policy""#), "{theirs}");
    assert!(!theirs.contains(r#"action="/security/close""#), "{theirs}");
}

/// A wallet of `account_id` holding `amount` USD cents, funded from a bank
/// settlement account; returns a transfer that empties it again.
async fn fund_wallet(app: &TestApp, account_id: &str, amount: i64) -> Transfer {
    let usd = LedgerCode::currency("USD").unwrap();
    let wallet = NewAccount {
        id: format!("wal_{account_id}"),
        ledger: usd.clone(),
        code: AccountCode::SellerWallet,
        flags: AccountFlags::default(),
        owner: Some(account_id.to_string()),
    };
    let bank = NewAccount {
        id: "bank_usd".into(),
        ledger: usd.clone(),
        code: AccountCode::BankSettlement,
        flags: AccountFlags::default(),
        owner: None,
    };
    ferry_ledger::create_accounts(&app.db, &[wallet.clone(), bank.clone()], 1)
        .await
        .unwrap();
    let transfer = |id: &str, from: &NewAccount, to: &NewAccount| Transfer {
        id: id.into(),
        debit_account_id: from.id.clone(),
        credit_account_id: to.id.clone(),
        amount,
        ledger: usd.clone(),
        code: 1,
        flags: TransferFlags::default(),
        pending_id: None,
        expires_at_ms: 0,
        reference: None,
    };
    let funding = [transfer("tr_in", &bank, &wallet)];
    let results = ferry_ledger::store::apply(&app.db, &[&funding], 2)
        .await
        .unwrap();
    assert!(results[0][0].is_ok(), "{results:?}");
    transfer("tr_out", &wallet, &bank)
}

#[tokio::test]
async fn closing_needs_the_owner_the_password_a_code_and_an_empty_wallet() {
    let app = spawn_app().await;
    let (_, recovery, _) = enable(&app, "closing@example.com").await;
    let member = add_member(&app, "c-member@example.com", "admin").await;
    let key: Value = member
        .post(app.url("/api/v1/api-keys"))
        .json(&json!({ "name": "ERP" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = key["key"].as_str().unwrap().to_string();
    let (_, me) = get_json(&app, &app.client, "/api/v1/me").await;
    let account_id = me["account_id"].as_str().unwrap().to_string();
    let close = |client: &reqwest::Client, body: Value| {
        client
            .post(app.url("/api/v1/account/closure"))
            .json(&body)
            .send()
    };

    let by_member = close(&member, json!({ "password": MEMBER_PASSWORD }))
        .await
        .unwrap();
    assert_eq!(error_of(by_member).await.1, "forbidden_for_role");
    let wrong_password = close(
        &app.client,
        json!({ "password": "not it at all", "code": recovery[0] }),
    )
    .await
    .unwrap();
    assert_eq!(error_of(wrong_password).await.1, "current_password_wrong");
    let no_code = close(&app.client, json!({ "password": PASSWORD }))
        .await
        .unwrap();
    assert_eq!(error_of(no_code).await.1, "invalid_code");

    let empty_it = fund_wallet(&app, &account_id, 12_345).await;
    let holds = close(
        &app.client,
        json!({ "password": PASSWORD, "code": recovery[0] }),
    )
    .await
    .unwrap();
    let (status, code_, message) = error_of(holds).await;
    assert_eq!((status, code_.as_str()), (409, "account_holds_money"));
    assert!(message.contains("资金"), "{message}");
    assert_eq!(audited(&app, "account.closed").await, 0);
    assert_eq!(
        get_json(&app, &member, "/api/v1/me").await.0,
        200,
        "nothing changed"
    );

    let results = ferry_ledger::store::apply(&app.db, &[&[empty_it]], 3)
        .await
        .unwrap();
    assert!(results[0][0].is_ok(), "{results:?}");
    let closed = close(
        &app.client,
        json!({ "password": PASSWORD, "code": recovery[1] }),
    )
    .await
    .unwrap();
    assert_eq!(closed.status(), 200);
    assert_eq!(audited(&app, "account.closed").await, 1);

    // Every session and key has ended, and nobody signs in again.
    assert_eq!(get_json(&app, &app.client, "/api/v1/me").await.0, 401);
    assert_eq!(get_json(&app, &member, "/api/v1/me").await.0, 401);
    let with_key = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(with_key.status(), 401);
    let again = app
        .sign_in(&new_client(), "c-member@example.com", MEMBER_PASSWORD)
        .await;
    assert_eq!(error_of(again).await.1, "invalid_credentials");
    let again = app
        .sign_in(&new_client(), "closing@example.com", PASSWORD)
        .await;
    assert_eq!(error_of(again).await.1, "invalid_credentials");

    let mails = app.settled_mails_to("closing@example.com").await;
    let mail = mails
        .iter()
        .find(|mail| mail.subject == "您的 Ferry 账户已关闭");
    assert!(mail.is_some(), "{mails:?}");
    // A dead login gets no reset link either (the answer still says nothing).
    let reset = app
        .post_json(
            "/api/v1/password-resets",
            &json!({ "email": "closing@example.com" }),
        )
        .await;
    assert_eq!(reset.status(), 202);
    assert_eq!(
        app.settled_mails_to("closing@example.com").await.len(),
        mails.len()
    );
}

#[tokio::test]
async fn an_owner_without_two_factor_closes_with_the_password_through_the_page() {
    let app = spawn_app().await;
    app.register_and_activate("closepage@example.com").await;
    let browser = new_client();
    app.sign_in(&browser, "closepage@example.com", PASSWORD)
        .await;
    let security = browser
        .get(app.url("/security?lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&security);
    let wrong = browser
        .post(app.url("/security/close"))
        .form(&[("csrf", csrf.as_str()), ("password", "not it at all")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 403);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("The current password is wrong.")
    );
    let closed = browser
        .post(app.url("/security/close"))
        .form(&[("csrf", csrf.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), 303);
    assert_eq!(
        browser
            .get(app.url("/dashboard"))
            .send()
            .await
            .unwrap()
            .headers()["location"],
        "/sign-in"
    );
    assert_eq!(audited(&app, "account.closed").await, 1);
}

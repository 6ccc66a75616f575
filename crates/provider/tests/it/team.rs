use crate::helpers::MailExt;
use crate::helpers::{PASSWORD, TestApp, error_of, new_client, spawn_app};
use serde_json::{Value, json};

pub const MEMBER_PASSWORD: &str = "copper kettle 河流 midnight";

/// The owner (signed in on `app.client`) invites `email` as `role`, and
/// the invitee accepts; returns the invitee's signed-in client.
pub async fn add_member(app: &TestApp, email: &str, role: &str) -> reqwest::Client {
    let invited = app
        .post_json(
            "/api/v1/team/invitations",
            &json!({ "email": email, "role": role }),
        )
        .await;
    assert_eq!(invited.status(), 202);
    let mail = app.wait_for_mails(email, 1).await.pop().unwrap();
    assert_eq!(mail.subject, "邀请您加入 Ferry 团队");
    let token = mail.token_after("/accept-invitation?token=");
    let accepted = app
        .post_json(
            "/api/v1/team/invitations/accept",
            &json!({ "token": token, "display_name": "李会计", "password": MEMBER_PASSWORD }),
        )
        .await;
    assert_eq!(accepted.status(), 200);
    let again = app
        .post_json(
            "/api/v1/team/invitations/accept",
            &json!({ "token": token, "display_name": "x", "password": MEMBER_PASSWORD }),
        )
        .await;
    assert_eq!(error_of(again).await.1, "token_used");
    let client = new_client();
    assert_eq!(
        app.sign_in(&client, email, MEMBER_PASSWORD).await.status(),
        200
    );
    client
}

#[tokio::test]
async fn an_invited_member_gets_their_own_login_in_the_same_account() {
    let app = spawn_app().await;
    app.register_and_activate("boss@example.com").await;
    app.sign_in(&app.client, "boss@example.com", PASSWORD).await;
    let member = add_member(&app, "finance@example.com", "finance").await;
    let owner: Value = app.get("/api/v1/me").await.json().await.unwrap();
    let me: Value = member
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "finance");
    assert_eq!(me["account_id"], owner["account_id"]);
    assert_ne!(me["user_id"], owner["user_id"]);

    let team: Value = app.get("/api/v1/team/members").await.json().await.unwrap();
    assert_eq!(team["members"].as_array().unwrap().len(), 2, "{team}");
    // Owner-only actions are refused to other roles.
    let invite = member
        .post(app.url("/api/v1/team/invitations"))
        .json(&json!({ "email": "x@example.com", "role": "viewer" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(invite).await,
        (
            403,
            "forbidden_for_role".into(),
            "您的角色无权进行此操作，请联系账户所有者。".into()
        )
    );
    assert_eq!(
        error_of(
            member
                .get(app.url("/api/v1/audit-log"))
                .send()
                .await
                .unwrap()
        )
        .await
        .1,
        "forbidden_for_role"
    );
    assert_eq!(
        error_of(
            member
                .get(app.url("/api/v1/team/members"))
                .send()
                .await
                .unwrap()
        )
        .await
        .0,
        403
    );
}

#[tokio::test]
async fn a_removed_member_is_signed_out_and_cannot_sign_in() {
    let app = spawn_app().await;
    app.register_and_activate("own@example.com").await;
    app.sign_in(&app.client, "own@example.com", PASSWORD).await;
    let member = add_member(&app, "temp@example.com", "viewer").await;
    let me: Value = member
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let removed = app
        .client
        .delete(app.url(&format!(
            "/api/v1/team/members/{}",
            me["user_id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);
    assert_eq!(
        member
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        error_of(
            app.sign_in(&new_client(), "temp@example.com", MEMBER_PASSWORD)
                .await
        )
        .await
        .1,
        "invalid_credentials"
    );
}

#[tokio::test]
async fn another_account_s_member_is_not_found_and_bad_roles_are_refused() {
    let app = spawn_app().await;
    app.register_and_activate("a-owner@example.com").await;
    app.sign_in(&app.client, "a-owner@example.com", PASSWORD)
        .await;
    let member = add_member(&app, "a-member@example.com", "admin").await;
    let member_id = {
        let me: Value = member
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        me["user_id"].as_str().unwrap().to_string()
    };
    app.register_and_activate("b-owner@example.com").await;
    let other = new_client();
    app.sign_in(&other, "b-owner@example.com", PASSWORD).await;
    let foreign = other
        .delete(app.url(&format!("/api/v1/team/members/{member_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(foreign).await.0, 404);
    assert_eq!(
        member
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "nothing happened"
    );
    let theirs: Value = other
        .get(app.url("/api/v1/team/members"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["members"].as_array().unwrap().len(), 1);

    for role in ["owner", "superuser"] {
        let bad = app
            .post_json(
                "/api/v1/team/invitations",
                &json!({ "email": "n@example.com", "role": role }),
            )
            .await;
        assert_eq!(error_of(bad).await.1, "invalid_role");
    }
}

#[tokio::test]
async fn the_invitation_link_opens_a_page_that_creates_the_login() {
    let app = spawn_app().await;
    app.register_and_activate("inv@example.com").await;
    app.sign_in(&app.client, "inv@example.com", PASSWORD).await;
    app.post_json(
        "/api/v1/team/invitations",
        &json!({ "email": "newbie@example.com", "role": "viewer" }),
    )
    .await;
    let link = {
        let mail = app
            .wait_for_mails("newbie@example.com", 1)
            .await
            .pop()
            .unwrap();
        format!(
            "/accept-invitation?token={}",
            mail.token_after("/accept-invitation?token=")
        )
    };
    let browser = new_client();
    let form = browser
        .get(app.url(&link))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = {
        let marker = r#"name="csrf" value=""#;
        let start = form.find(marker).unwrap() + marker.len();
        form[start..].split('"').next().unwrap().to_string()
    };
    let token = link.rsplit('=').next().unwrap();
    let joined = browser
        .post(app.url("/accept-invitation"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("token", token),
            ("display_name", "New Bie"),
            ("password", MEMBER_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(joined.status(), 303);
    assert_eq!(
        app.sign_in(&new_client(), "newbie@example.com", MEMBER_PASSWORD)
            .await
            .status(),
        200
    );
}

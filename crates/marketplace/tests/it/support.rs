//! Seller Support cases: categories, messages, statuses.

use crate::deposit_methods::signed_in_seller;
use crate::helpers::spawn_app;
use serde_json::json;

#[tokio::test]
async fn a_case_is_opened_answered_by_support_replied_to_and_resolved() {
    let app = spawn_app().await;
    let (_seller, browser) = signed_in_seller(&app).await;
    let lobby = browser
        .get(app.url("/cu/case-lobby"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(lobby.contains("Notice of deposit-method change"));

    let opened = browser
        .post(app.url("/cu/contact-us"))
        .form(&[
            ("category", "payments"),
            ("subject", "Where is my payout?"),
            ("body", "The last one did not arrive."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 303);
    let case_path = opened.headers()["location"].to_str().unwrap().to_string();
    let case_id = case_path.rsplit('=').next().unwrap().to_string();
    let page = browser
        .get(app.url(&case_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Pending Amazon action") && page.contains("The last one did not arrive.")
    );

    let answered = app
        .post_json(
            &format!("/sandbox/v1/support-cases/{case_id}/replies"),
            &json!({ "body": "It was sent on Monday." }),
        )
        .await;
    assert_eq!(answered.status(), 201);
    let page = browser
        .get(app.url(&case_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Answered")
            && page.contains("It was sent on Monday.")
            && page.contains("Seller Support")
    );

    let reply = browser
        .post(app.url("/cu/case-dashboard/reply"))
        .form(&[
            ("case_id", case_id.as_str()),
            ("body", "Thanks, it arrived."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 303);
    let page = browser
        .get(app.url(&case_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Pending Amazon action"),
        "a seller reply goes back to Support"
    );

    app.post_json(
        &format!("/sandbox/v1/support-cases/{case_id}/replies"),
        &json!({ "body": "Closing.", "resolve": true }),
    )
    .await;
    let page = browser
        .get(app.url(&case_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Resolved"));
    let late = browser
        .post(app.url("/cu/case-dashboard/reply"))
        .form(&[("case_id", case_id.as_str()), ("body", "One more thing")])
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), 400);
}

#[tokio::test]
async fn cases_are_private_to_their_seller_and_bad_input_is_refused() {
    let app = spawn_app().await;
    let (_seller, browser) = signed_in_seller(&app).await;
    let other = app.create_seller("other").await;
    let other_browser = crate::helpers::browser();
    app.sign_in(
        &other_browser,
        &other.email,
        &other.password,
        &other.totp_secret,
    )
    .await;
    let opened = browser
        .post(app.url("/cu/contact-us"))
        .form(&[
            ("category", "account"),
            ("subject", "Private"),
            ("body", "Only mine."),
        ])
        .send()
        .await
        .unwrap();
    let case_path = opened.headers()["location"].to_str().unwrap().to_string();
    let peek = other_browser.get(app.url(&case_path)).send().await.unwrap();
    assert_eq!(peek.status(), 404);
    let bad = browser
        .post(app.url("/cu/contact-us"))
        .form(&[
            ("category", "refund-my-fees"),
            ("subject", "x"),
            ("body", "y"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let unknown = app
        .post_json(
            "/sandbox/v1/support-cases/00000000000/replies",
            &json!({ "body": "hi" }),
        )
        .await;
    assert_eq!(unknown.status(), 404);
}

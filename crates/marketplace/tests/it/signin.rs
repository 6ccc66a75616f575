//! Seller Central sign-in: password, then the required two-step code.

use crate::helpers::{browser, spawn_app, totp_code};

#[tokio::test]
async fn signing_in_takes_the_password_and_then_a_one_time_code() {
    let app = spawn_app().await;
    let seller = app.create_seller("li").await;
    let browser = browser();

    let home = browser.get(app.url("/apps/manage")).send().await.unwrap();
    assert_eq!(home.status(), 303, "signed-out sellers are sent to sign in");
    assert_eq!(
        home.headers()["location"],
        "/signin?return_to=%2Fapps%2Fmanage"
    );

    let response = browser
        .post(app.url("/signin"))
        .form(&[
            ("email", seller.email.as_str()),
            ("password", &seller.password),
            ("return_to", "/apps/manage"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/signin/two-step?return_to=%2Fapps%2Fmanage"
    );

    let still_out = browser.get(app.url("/apps/manage")).send().await.unwrap();
    assert_eq!(
        still_out.status(),
        303,
        "the password alone does not sign in"
    );

    let wrong = browser
        .post(app.url("/signin/two-step"))
        .form(&[("code", "000000"), ("return_to", "/apps/manage")])
        .send()
        .await
        .unwrap();
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("The One Time Password (OTP) you entered is not valid")
    );

    let code = totp_code(&seller.totp_secret);
    let right = browser
        .post(app.url("/signin/two-step"))
        .form(&[("code", code.as_str()), ("return_to", "/apps/manage")])
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 303);
    assert_eq!(right.headers()["location"], "/apps/manage");

    let page = browser
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&seller.seller_id),
        "the Merchant Token is shown"
    );
}

#[tokio::test]
async fn a_one_time_code_works_once() {
    let app = spawn_app().await;
    let seller = app.create_seller("li").await;
    let code = totp_code(&seller.totp_secret);
    for (attempt, expected) in [(1, 303), (2, 200)] {
        let browser = browser();
        browser
            .post(app.url("/signin"))
            .form(&[
                ("email", seller.email.as_str()),
                ("password", &seller.password),
            ])
            .send()
            .await
            .unwrap();
        let response = browser
            .post(app.url("/signin/two-step"))
            .form(&[("code", code.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected, "attempt {attempt}");
    }
}

#[tokio::test]
async fn wrong_credentials_are_refused_with_seller_central_messages() {
    let app = spawn_app().await;
    let seller = app.create_seller("li").await;
    let browser = browser();
    let wrong_password = browser
        .post(app.url("/signin"))
        .form(&[
            ("email", seller.email.as_str()),
            ("password", "not the password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_password.status(), 200);
    assert!(
        wrong_password
            .text()
            .await
            .unwrap()
            .contains("Your password is incorrect.")
    );
    let unknown = browser
        .post(app.url("/signin"))
        .form(&[
            ("email", "nobody@shop.example"),
            ("password", "whatever123"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        unknown
            .text()
            .await
            .unwrap()
            .contains("We cannot find an account with that email address.")
    );
    let two_step = browser
        .get(app.url("/signin/two-step"))
        .send()
        .await
        .unwrap();
    assert_eq!(two_step.status(), 303, "no second step without the first");
}

#[tokio::test]
async fn return_to_never_leaves_the_site_and_sign_out_ends_the_session() {
    let app = spawn_app().await;
    let seller = app.create_seller("li").await;
    let browser = browser();
    browser
        .post(app.url("/signin"))
        .form(&[
            ("email", seller.email.as_str()),
            ("password", &seller.password),
            ("return_to", "//evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    let code = totp_code(&seller.totp_secret);
    let response = browser
        .post(app.url("/signin/two-step"))
        .form(&[("code", code.as_str()), ("return_to", "//evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/");
    let signed_in = browser.get(app.url("/apps/manage")).send().await.unwrap();
    assert_eq!(signed_in.status(), 200);
    browser.post(app.url("/signout")).send().await.unwrap();
    let after = browser.get(app.url("/apps/manage")).send().await.unwrap();
    assert_eq!(after.status(), 303);
}

#[tokio::test]
async fn five_wrong_codes_end_the_sign_in_and_the_password_is_asked_again() {
    let app = spawn_app().await;
    let seller = app.create_seller("guess").await;
    let browser = browser();
    let signed = browser
        .post(app.url("/signin"))
        .form(&[
            ("email", seller.email.as_str()),
            ("password", &seller.password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 303);
    for attempt in 1..=5 {
        let page = browser
            .post(app.url("/signin/two-step"))
            .form(&[("code", "000000")])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if attempt == 5 {
            assert!(page.contains("Too many incorrect codes"), "{page}");
        }
    }
    // Even the right code no longer helps: the session is gone.
    let code = totp_code(&seller.totp_secret);
    let late = browser
        .post(app.url("/signin/two-step"))
        .form(&[("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), 303);
    assert_eq!(late.headers()["location"], "/signin");
    let still_out = browser.get(app.url("/apps/manage")).send().await.unwrap();
    assert_eq!(still_out.status(), 303);
}

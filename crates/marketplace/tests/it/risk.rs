//! The sandbox's risk rule: an unannounced deposit-method change puts
//! disbursements under review until the seller verifies; a "notice of
//! deposit-method change" case in the previous 7 days avoids it.

use crate::deposit_methods::{
    VIEW, disbursement_status, set_deposit_method, signed_in_seller, us_account,
};
use crate::helpers::{TestApp, totp_code};

const US: &str = "ATVPDKIKX0DER";
const DAY_MS: i64 = 86_400_000;

async fn open_notice(app: &TestApp, browser: &reqwest::Client) {
    let response = browser
        .post(app.url("/cu/contact-us"))
        .form(&[
            ("category", "deposit_method_change_notice"),
            ("subject", "Changing our deposit method"),
            (
                "body",
                "We will switch to our new receiving account next week.",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
}

async fn replace(app: &TestApp, browser: &reqwest::Client, seller: &crate::helpers::Seller) {
    let (status, page) = set_deposit_method(
        app,
        browser,
        seller,
        &us_account("987654321"),
        &[("current_account_number", "000123456789")],
    )
    .await;
    assert_eq!(status, 200, "{page}");
}

#[tokio::test]
async fn a_first_assignment_is_not_a_change_and_is_not_reviewed() {
    let app = crate::helpers::spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    set_deposit_method(&app, &browser, &seller, &us_account("000123456789"), &[]).await;
    assert_eq!(
        disbursement_status(&app, &seller, US).await["under_review"],
        false
    );
}

#[tokio::test]
async fn an_unannounced_change_is_reviewed_until_the_seller_verifies() {
    let app = crate::helpers::spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    set_deposit_method(&app, &browser, &seller, &us_account("000123456789"), &[]).await;
    replace(&app, &browser, &seller).await;
    app.advance_clock_ms(3 * DAY_MS + 60_000).await;
    let status = disbursement_status(&app, &seller, US).await;
    assert_eq!(status["on_security_hold"], false);
    assert_eq!(status["under_review"], true);
    assert_eq!(
        status["disbursable"], false,
        "the review holds disbursements past the hold"
    );
    let view = browser
        .get(app.url(VIEW))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(view.contains("under review"));

    let verify = |account: &'static str, otp: String| {
        browser
            .post(app.url("/sw/AccountInfo/DepositMethodView/step/Verify"))
            .form(&[
                ("marketplace_id", US.to_string()),
                ("account_number", account.into()),
                ("otp", otp),
            ])
            .send()
    };
    assert_eq!(
        verify("000123456789", "000000".into())
            .await
            .unwrap()
            .status(),
        400,
        "the old number does not verify"
    );
    assert_eq!(
        disbursement_status(&app, &seller, US).await["under_review"],
        true
    );
    let verified = verify("987654321", totp_code(&seller.totp_secret))
        .await
        .unwrap();
    assert_eq!(verified.status(), 200);
    let status = disbursement_status(&app, &seller, US).await;
    assert_eq!(status["under_review"], false);
    assert_eq!(status["disbursable"], true);
}

#[tokio::test]
async fn a_notice_case_in_the_previous_seven_days_avoids_the_review() {
    let app = crate::helpers::spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    set_deposit_method(&app, &browser, &seller, &us_account("000123456789"), &[]).await;
    open_notice(&app, &browser).await;
    app.advance_clock_ms(6 * DAY_MS).await;
    replace(&app, &browser, &seller).await;
    assert_eq!(
        disbursement_status(&app, &seller, US).await["under_review"],
        false
    );
}

#[tokio::test]
async fn a_notice_older_than_seven_days_does_not_count() {
    let app = crate::helpers::spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    set_deposit_method(&app, &browser, &seller, &us_account("000123456789"), &[]).await;
    open_notice(&app, &browser).await;
    app.advance_clock_ms(7 * DAY_MS + 60_000).await;
    replace(&app, &browser, &seller).await;
    assert_eq!(
        disbursement_status(&app, &seller, US).await["under_review"],
        true
    );
}

//! Settings → Deposit Methods: the forms by bank location, the replace
//! controls, the security hold, and getPaymentMethods over SP-API.

use crate::helpers::{Seller, TestApp, browser, spawn_app, totp_code};
use crate::spapi_model::Model;
use serde_json::Value;

pub const VIEW: &str = "/sw/AccountInfo/DepositMethodView/step/DepositMethodView";
pub const ASSIGN: &str = "/sw/AccountInfo/DepositMethodView/step/Assign";
const SUCCESS: &str = "Deposit Method has been updated successfully!";
const US: &str = "ATVPDKIKX0DER";
const DAY_MS: i64 = 86_400_000;

pub fn us_account(account_number: &str) -> Vec<(&'static str, String)> {
    vec![
        ("marketplace_id", US.into()),
        ("bank_location", "US".into()),
        ("holder_name", "Shenzhen Example Trading Co., Ltd.".into()),
        ("routing_number", "011000015".into()),
        ("account_number", account_number.into()),
        ("account_type", "checking".into()),
    ]
}

/// Posts the Assign form, adding a fresh two-step code unless `otp` is given.
pub async fn set_deposit_method(
    app: &TestApp,
    browser: &reqwest::Client,
    seller: &Seller,
    fields: &[(&'static str, String)],
    extra: &[(&'static str, &str)],
) -> (u16, String) {
    let mut form: Vec<(&str, String)> = fields.to_vec();
    for (key, value) in extra {
        form.push((key, value.to_string()));
    }
    if !form.iter().any(|(key, _)| *key == "otp") {
        form.push(("otp", totp_code(&seller.totp_secret)));
    }
    let response = browser
        .post(app.url(ASSIGN))
        .form(&form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

pub async fn signed_in_seller(app: &TestApp) -> (Seller, reqwest::Client) {
    let seller = app.create_seller("li").await;
    let browser = browser();
    app.sign_in(
        &browser,
        &seller.email,
        &seller.password,
        &seller.totp_secret,
    )
    .await;
    (seller, browser)
}

pub async fn disbursement_status(app: &TestApp, seller: &Seller, marketplace_id: &str) -> Value {
    app.get(&format!(
        "/sandbox/v1/sellers/{}/marketplaces/{marketplace_id}/disbursement-status",
        seller.seller_id
    ))
    .await
    .json()
    .await
    .unwrap()
}

#[tokio::test]
async fn setting_a_us_deposit_method_answers_with_amazons_message_and_starts_a_three_day_hold() {
    let app = spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    let form = browser
        .get(app.url(&format!("{ASSIGN}?marketplace_id={US}&bank_location=US")))
        .send()
        .await
        .unwrap();
    let form = form.text().await.unwrap();
    assert!(form.contains("9-digit routing number") && form.contains("Set Deposit Method"));

    let mut unknown_location = us_account("000123456789");
    unknown_location[1].1 = "CN".into();
    let (status, page) = set_deposit_method(
        &app,
        &browser,
        &seller,
        &unknown_location,
        &[("otp", "000000")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(page.contains("Choose the bank location."));

    let (status, page) =
        set_deposit_method(&app, &browser, &seller, &us_account("000123456789"), &[]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(SUCCESS));
    assert!(page.contains("Security hold"));
    let status = disbursement_status(&app, &seller, US).await;
    assert_eq!(status["on_security_hold"], true);
    assert_eq!(status["disbursable"], false);

    let view = browser
        .get(app.url(VIEW))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(view.contains("Bank account ending in 789"));
    assert!(view.contains("cannot be initiated until"));

    app.advance_clock_ms(3 * DAY_MS + 60_000).await;
    let status = disbursement_status(&app, &seller, US).await;
    assert_eq!(status["on_security_hold"], false);
    assert_eq!(status["disbursable"], true);
}

/// Marketplace, bank location, valid fields, one bad field, and the label
/// the error names.
type FormCase = (
    &'static str,
    &'static str,
    Vec<(&'static str, &'static str)>,
    (&'static str, &'static str),
    &'static str,
);

#[tokio::test]
async fn each_bank_location_form_is_validated_with_the_domain_types() {
    let app = spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    let cases: [FormCase; 6] = [
        (
            "ATVPDKIKX0DER",
            "US",
            vec![
                ("routing_number", "011000015"),
                ("account_number", "000123456789"),
                ("account_type", "savings"),
            ],
            ("routing_number", "011000016"),
            "Routing number",
        ),
        (
            "A2EUQ1WTGCTBG2",
            "CA",
            vec![
                ("institution_number", "0004"),
                ("transit_number", "10202"),
                ("account_number", "1234567"),
            ],
            ("transit_number", "1020"),
            "Branch (transit)",
        ),
        (
            "A1F83G8C2ARO7P",
            "GB",
            vec![("sort_code", "40-47-84"), ("account_number", "12345678")],
            ("sort_code", "40-47-8"),
            "Bank sort code",
        ),
        (
            "A1PA6795UKMFR9",
            "EURO",
            vec![
                ("iban", "DE89 3704 0044 0532 0130 00"),
                ("bic", "COBADEFFXXX"),
            ],
            ("iban", "DE88370400440532013000"),
            "IBAN",
        ),
        (
            "A1VC38T7YXB528",
            "JP",
            vec![
                ("bank_code", "0001"),
                ("branch_code", "001"),
                ("account_number", "9876"),
            ],
            ("holder_name", "ヤマダ タロウ"),
            "Account holder name",
        ),
        (
            "A39IBJ37TRP1C6",
            "AU",
            vec![("bsb", "062-000"), ("account_number", "12345678")],
            ("bsb", "06200"),
            "BSB",
        ),
    ];
    for (marketplace_id, location, fields, (bad_field, bad_value), label) in cases {
        let holder = if location == "JP" {
            "ﾔﾏﾀﾞ ﾀﾛｳ"
        } else {
            "Shenzhen Example Trading Co., Ltd."
        };
        let mut form: Vec<(&'static str, String)> = vec![
            ("marketplace_id", marketplace_id.into()),
            ("bank_location", location.into()),
            ("holder_name", holder.into()),
        ];
        form.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
        let mut bad = form.clone();
        bad.retain(|(k, _)| *k != bad_field);
        bad.push((bad_field, bad_value.into()));
        let (status, page) =
            set_deposit_method(&app, &browser, &seller, &bad, &[("otp", "000000")]).await;
        assert_eq!(status, 400, "{location} with a bad {bad_field}");
        assert!(page.contains(label), "{location}: {page}");
        assert!(!page.contains(SUCCESS));

        let (status, page) = set_deposit_method(&app, &browser, &seller, &form, &[]).await;
        assert_eq!(status, 200, "{location}: {page}");
        assert!(page.contains(SUCCESS), "{location}");
    }
    let stored: Vec<(String, String)> = sqlx::query_as(
        "SELECT bank_location, account_number FROM deposit_methods ORDER BY created_at_ms",
    )
    .fetch_all(app.db.reader())
    .await
    .unwrap();
    let numbers: Vec<&str> = stored.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(
        numbers,
        [
            "000123456789",
            "1234567",
            "12345678",
            "DE89370400440532013000",
            "0009876",
            "12345678"
        ]
    );
    let holder: String =
        sqlx::query_scalar("SELECT holder_name FROM deposit_methods WHERE bank_location = 'JP'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    assert_eq!(holder, "ﾔﾏﾀﾞ ﾀﾛｳ");
}

#[tokio::test]
async fn replacing_needs_the_complete_current_account_number_and_a_two_step_code() {
    let app = spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    let (status, _) =
        set_deposit_method(&app, &browser, &seller, &us_account("000123456789"), &[]).await;
    assert_eq!(status, 200);

    let replacement = us_account("987654321");
    for wrong in ["789", "000123456788", ""] {
        let (status, page) = set_deposit_method(
            &app,
            &browser,
            &seller,
            &replacement,
            &[("current_account_number", wrong), ("otp", "000000")],
        )
        .await;
        assert_eq!(status, 400, "current number {wrong:?}");
        assert!(page.contains("does not match your current deposit method"));
    }
    let (status, page) = set_deposit_method(
        &app,
        &browser,
        &seller,
        &replacement,
        &[
            ("current_account_number", "0001-2345-6789"),
            ("otp", "000000"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert!(page.contains("The One Time Password (OTP) you entered is not valid"));

    let (status, page) = set_deposit_method(
        &app,
        &browser,
        &seller,
        &replacement,
        &[("current_account_number", "0001-2345-6789")],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(SUCCESS));
    let defaults: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM deposit_assignments WHERE marketplace_id = $1")
            .bind(US)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
    assert_eq!(defaults, 1, "one default per store and marketplace");
    let view = browser
        .get(app.url(VIEW))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(view.contains("Bank account ending in 321"));
}

#[tokio::test]
async fn only_the_primary_user_may_change_deposit_methods() {
    let app = spawn_app().await;
    let seller = app.create_seller("li").await;
    let user: Value = app
        .post_json(
            &format!("/sandbox/v1/sellers/{}/users", seller.seller_id),
            &serde_json::json!({ "name": "Zhang San", "email": "zhang@shop.example", "password": "another good one" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let secret = user["totp_secret"].as_str().unwrap();
    let secondary = browser();
    app.sign_in(&secondary, "zhang@shop.example", "another good one", secret)
        .await;
    let form = secondary
        .get(app.url(&format!("{ASSIGN}?marketplace_id={US}")))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 403);
    let mut fields = us_account("000123456789");
    fields.push(("otp", totp_code(secret)));
    let post = secondary
        .post(app.url(ASSIGN))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 403);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deposit_methods")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn a_change_within_three_days_of_the_next_disbursement_is_warned_about() {
    let app = spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    let (_, early) =
        set_deposit_method(&app, &browser, &seller, &us_account("000123456789"), &[]).await;
    assert!(!early.contains("within three days of your next scheduled disbursement"));
    // The first period ends 14 days after joining and pays out 2 days later.
    app.advance_clock_ms(14 * DAY_MS).await;
    let (status, late) = set_deposit_method(
        &app,
        &browser,
        &seller,
        &us_account("987654321"),
        &[("current_account_number", "000123456789")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        late.contains("within three days of your next scheduled disbursement"),
        "{late}"
    );
}

#[tokio::test]
async fn get_payment_methods_reports_the_default_with_its_tail_in_amazons_shape() {
    let app = spawn_app().await;
    let (seller, _registered, tokens) = app.authorized_seller("li").await;
    let browser = browser();
    app.sign_in(
        &browser,
        &seller.email,
        &seller.password,
        &seller.totp_secret,
    )
    .await;
    set_deposit_method(&app, &browser, &seller, &us_account("000123456789"), &[]).await;
    let token = tokens["access_token"].as_str().unwrap();
    let call = |query: String| {
        reqwest::Client::new()
            .get(app.url(&format!(
                "/finances/transfers/2024-06-01/paymentMethods{query}"
            )))
            .header("x-amz-access-token", token)
            .send()
    };
    let model = Model::load("transfers_2024-06-01.json");
    const PATH: &str = "/finances/transfers/2024-06-01/paymentMethods";

    let response = call(format!("?marketplaceId={US}")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-amzn-RateLimit-Limit"], "0.5");
    let body: Value = response.json().await.unwrap();
    model.assert_response(PATH, 200, &body);
    let methods = body["paymentMethods"].as_array().unwrap();
    assert_eq!(methods.len(), 1);
    assert_eq!(methods[0]["tail"], "789");
    assert_eq!(methods[0]["assignmentType"], "DEFAULT_DEPOSIT_METHOD");
    assert_eq!(
        methods[0]["accountHolderName"],
        "Shenzhen Example Trading Co., Ltd."
    );
    assert_eq!(methods[0]["countryCode"], "US");
    assert_eq!(methods[0]["paymentMethodType"], "BANK_ACCOUNT");

    let elsewhere: Value = call("?marketplaceId=A1PA6795UKMFR9".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    model.assert_response(PATH, 200, &elsewhere);
    assert!(
        elsewhere["paymentMethods"][0]
            .get("assignmentType")
            .is_none(),
        "not the DE default"
    );

    let cards: Value = call(format!("?marketplaceId={US}&paymentMethodTypes=CARD"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cards["paymentMethods"], serde_json::json!([]));

    for bad in [
        "?marketplaceId=ABCMARKET".to_string(),
        String::new(),
        format!("?marketplaceId={US}&paymentMethodTypes=CHEQUE"),
        "?marketplaceId=A1AM78C64UM0Y8".into(),
    ] {
        let response = call(bad.clone()).await.unwrap();
        assert_eq!(response.status(), 400, "{bad}");
        let body: Value = response.json().await.unwrap();
        model.assert_response(PATH, 400, &body);
        assert_eq!(body["errors"][0]["code"], "InvalidInput", "{bad}");
    }
}

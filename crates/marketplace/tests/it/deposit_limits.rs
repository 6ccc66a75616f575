//! How many bank accounts a store may keep (two per US store; in Europe one
//! per marketplace and five in total), switching the default between
//! active accounts without a new hold, and the Amazon Currency Converter for
//! Sellers agreement for an account in another currency.

use crate::deposit_methods::{
    ASSIGN, VIEW, disbursement_status, set_deposit_method, signed_in_seller, us_account,
};
use crate::helpers::{Seller, TestApp, browser, spawn_app, totp_code};
use serde_json::{Value, json};

const US: &str = "ATVPDKIKX0DER";
const DAY_MS: i64 = 86_400_000;
const SET_DEFAULT: &str = "/sw/AccountInfo/DepositMethodView/step/SetDefault";

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.db.reader())
        .await
        .unwrap()
}

async fn view(app: &TestApp, browser: &reqwest::Client) -> String {
    browser
        .get(app.url(VIEW))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn now_ms(app: &TestApp) -> i64 {
    let clock: Value = app.get("/sandbox/v1/clock").await.json().await.unwrap();
    clock["now_ms"].as_i64().unwrap()
}

async fn link_hold_until(app: &TestApp, deposit_method_id: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT hold_until_at_ms FROM deposit_method_links WHERE deposit_method_id = $1",
    )
    .bind(deposit_method_id)
    .fetch_one(app.db.reader())
    .await
    .unwrap()
}

async fn method_id_ending(app: &TestApp, account_number: &str) -> String {
    sqlx::query_scalar("SELECT deposit_method_id FROM deposit_methods WHERE account_number = $1")
        .bind(account_number)
        .fetch_one(app.db.reader())
        .await
        .unwrap()
}

async fn switch_default(
    app: &TestApp,
    browser: &reqwest::Client,
    deposit_method_id: &str,
    otp: &str,
) -> (u16, String) {
    let response = browser
        .post(app.url(SET_DEFAULT))
        .form(&[
            ("marketplace_id", US),
            ("deposit_method_id", deposit_method_id),
            ("otp", otp),
        ])
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn a_us_store_may_add_a_second_account_but_not_a_third() {
    let app = spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    set_deposit_method(&app, &browser, &seller, &us_account("000123456789"), &[]).await;
    let first = method_id_ending(&app, "000123456789").await;
    assert!(
        view(&app, &browser)
            .await
            .contains("Add new deposit method")
    );
    let form = browser
        .get(app.url(&format!("{ASSIGN}?marketplace_id={US}&action=add")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(form.contains("Add new deposit method") && !form.contains("current_account_number"));

    let (status, page) = set_deposit_method(
        &app,
        &browser,
        &seller,
        &us_account("0001-2345-6789"),
        &[("action", "add"), ("otp", "000000")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        page.contains("data-code=\"deposit_method_already_active\""),
        "{page}"
    );

    let (status, page) = set_deposit_method(
        &app,
        &browser,
        &seller,
        &us_account("987654321"),
        &[("action", "add")],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Your default deposit method is unchanged"));
    let status = disbursement_status(&app, &seller, US).await;
    assert_eq!(
        status["deposit_method_id"],
        first.as_str(),
        "the default stays"
    );
    let page = view(&app, &browser).await;
    assert!(page.contains("Also active: bank account ending in 321"));
    assert!(
        !page.contains("Add new deposit method"),
        "two is the US limit"
    );

    let (status, page) = set_deposit_method(
        &app,
        &browser,
        &seller,
        &us_account("55566677788"),
        &[("action", "add"), ("otp", "000000")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(page.contains("data-code=\"deposit_method_limit_per_marketplace\""));
    assert!(page.contains("already has 2 bank accounts"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM deposit_methods").await, 2);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM deposit_method_links").await,
        2
    );

    // Replacing the default keeps the count at two, so it is allowed.
    let (status, page) = set_deposit_method(
        &app,
        &browser,
        &seller,
        &us_account("55566677788"),
        &[("current_account_number", "000123456789")],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM deposit_method_links").await,
        2
    );
}

#[tokio::test]
async fn switching_the_default_between_active_accounts_starts_no_new_hold() {
    let app = spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    set_deposit_method(&app, &browser, &seller, &us_account("000123456789"), &[]).await;
    let first = method_id_ending(&app, "000123456789").await;
    let first_hold = link_hold_until(&app, &first).await;
    app.advance_clock_ms(4 * DAY_MS).await;
    set_deposit_method(
        &app,
        &browser,
        &seller,
        &us_account("987654321"),
        &[("action", "add")],
    )
    .await;
    let second = method_id_ending(&app, "987654321").await;
    let second_hold = link_hold_until(&app, &second).await;
    app.advance_clock_ms(DAY_MS).await;

    for (id, code) in [
        ("0h_TU_CUS_unknown", "deposit_method_not_active"),
        (first.as_str(), "deposit_method_already_default"),
    ] {
        let (status, page) = switch_default(&app, &browser, id, "000000").await;
        assert_eq!(status, 400);
        assert!(page.contains(&format!("data-code=\"{code}\"")), "{page}");
    }
    let (status, page) = switch_default(&app, &browser, &second, "000000").await;
    assert_eq!(status, 400);
    assert!(page.contains("The One Time Password (OTP) you entered is not valid"));
    assert_eq!(
        disbursement_status(&app, &seller, US).await["deposit_method_id"],
        first.as_str(),
        "refusals change nothing"
    );

    // The second account is still inside the hold it got when it was added;
    // the switch keeps that end instead of starting three new days.
    let (status, page) =
        switch_default(&app, &browser, &second, &totp_code(&seller.totp_secret)).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Deposit Method has been updated successfully!"));
    let status = disbursement_status(&app, &seller, US).await;
    assert_eq!(status["deposit_method_id"], second.as_str());
    assert_eq!(status["on_security_hold"], true);
    assert_eq!(status["hold_until_ms"], second_hold);
    assert!(second_hold < now_ms(&app).await + 3 * DAY_MS);

    // Back to the first account, whose hold ended long ago: no hold at all.
    app.advance_clock_ms(2 * DAY_MS + 60_000).await;
    let (status, page) =
        switch_default(&app, &browser, &first, &totp_code(&seller.totp_secret)).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("switching the default starts no new hold"));
    let status = disbursement_status(&app, &seller, US).await;
    assert_eq!(status["deposit_method_id"], first.as_str());
    assert_eq!(status["on_security_hold"], false);
    assert_eq!(status["hold_until_ms"], first_hold);
    // A switch moves where funds go, so the sandbox's risk rule applies.
    assert_eq!(status["under_review"], true);
}

/// Euro marketplaces with a valid IBAN and its bank's BIC each.
const EURO_STORES: [(&str, &str, &str); 6] = [
    ("A1PA6795UKMFR9", "DE89370400440532013000", "COBADEFFXXX"),
    ("A13V1IB3VIYZZH", "FR1420041010050500013M02606", "BNPAFRPP"),
    ("APJ6JRA9NG5V4", "IT60X0542811101000000123456", "BCITITMM"),
    ("A1RKKUPIHCS9HS", "ES9121000418450200051332", "CAIXESBB"),
    ("A1805IZSGTT6HS", "NL91ABNA0417164300", "ABNANL2A"),
    ("AMEN7PMS3EDWL", "BE68539007547034", "GEBABEBB"),
];

async fn european_seller(app: &TestApp) -> (Seller, reqwest::Client) {
    let email = "eu@shop.example".to_string();
    let password = "correct horse battery".to_string();
    let response = app
        .post_json(
            "/sandbox/v1/sellers",
            &json!({
                "legal_name": "Shenzhen Example Trading Co., Ltd.",
                "business_type": "PRIVATE_LIMITED",
                "country_code": "CN",
                "address": { "line1": "1 Keyuan Road", "city": "Shenzhen", "postal_code": "518057" },
                "primary_user": { "name": "Li Wei", "email": email, "password": password },
                "marketplaces": EURO_STORES
                    .iter()
                    .map(|(id, _, _)| json!({ "marketplace_id": id, "store_name": format!("Store {id}") }))
                    .collect::<Vec<_>>(),
            }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    let seller = Seller {
        seller_id: body["seller_id"].as_str().unwrap().to_string(),
        email,
        password,
        totp_secret: body["primary_user"]["totp_secret"]
            .as_str()
            .unwrap()
            .to_string(),
    };
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

fn euro_account(marketplace_id: &str, iban: &str, bic: &str) -> Vec<(&'static str, String)> {
    vec![
        ("marketplace_id", marketplace_id.into()),
        ("bank_location", "EURO".into()),
        ("holder_name", "Shenzhen Example Trading Co., Ltd.".into()),
        ("iban", iban.into()),
        ("bic", bic.into()),
    ]
}

#[tokio::test]
async fn in_europe_one_account_per_marketplace_and_five_in_total() {
    let app = spawn_app().await;
    let (seller, browser) = european_seller(&app).await;
    for (marketplace_id, iban, bic) in &EURO_STORES[..5] {
        let (status, page) = set_deposit_method(
            &app,
            &browser,
            &seller,
            &euro_account(marketplace_id, iban, bic),
            &[],
        )
        .await;
        assert_eq!(status, 200, "{marketplace_id}: {page}");
    }
    let (be, be_iban, be_bic) = EURO_STORES[5];
    let (status, page) = set_deposit_method(
        &app,
        &browser,
        &seller,
        &euro_account(be, be_iban, be_bic),
        &[("otp", "000000")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        page.contains("data-code=\"deposit_method_limit_total\""),
        "{page}"
    );
    assert!(page.contains("already use 5 bank accounts"));

    let (de, de_iban, de_bic) = EURO_STORES[0];
    let (fr_iban, fr_bic) = (EURO_STORES[1].1, EURO_STORES[1].2);
    let (status, page) = set_deposit_method(
        &app,
        &browser,
        &seller,
        &euro_account(de, fr_iban, fr_bic),
        &[("action", "add"), ("otp", "000000")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        page.contains("only 1 bank account per marketplace"),
        "{page}"
    );
    assert!(
        !view(&app, &browser)
            .await
            .contains("Add new deposit method")
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM deposit_methods").await, 5);

    // The German account used for Belgium too is still five accounts.
    let (status, page) = set_deposit_method(
        &app,
        &browser,
        &seller,
        &euro_account(be, de_iban, de_bic),
        &[],
    )
    .await;
    assert_eq!(status, 200, "{page}");
}

#[tokio::test]
async fn an_account_in_another_currency_needs_the_currency_converter_agreement() {
    let app = spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    let uk_account_for_us: Vec<(&'static str, String)> = vec![
        ("marketplace_id", US.into()),
        ("bank_location", "GB".into()),
        ("holder_name", "Shenzhen Example Trading Co., Ltd.".into()),
        ("sort_code", "40-47-84".into()),
        ("account_number", "12345678".into()),
    ];
    let (status, page) = set_deposit_method(
        &app,
        &browser,
        &seller,
        &uk_account_for_us,
        &[("otp", "000000")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(page.contains("data-code=\"accept_accs\""), "{page}");
    assert!(page.contains("This bank account is in GBP, but Amazon pays this marketplace in USD"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM deposit_methods").await, 0);

    let (status, page) = set_deposit_method(
        &app,
        &browser,
        &seller,
        &uk_account_for_us,
        &[("accept_accs", "yes")],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("You accepted the Amazon Currency Converter for Sellers agreement"));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM deposit_method_links WHERE accs_accepted_at_ms IS NOT NULL"
        )
        .await,
        1
    );
    assert!(
        view(&app, &browser)
            .await
            .contains("paid through the Amazon Currency Converter")
    );

    // An account in the marketplace's currency needs no agreement.
    let (status, page) = set_deposit_method(
        &app,
        &browser,
        &seller,
        &us_account("987654321"),
        &[("action", "add")],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(!page.contains("You accepted the Amazon Currency Converter"));
}

#[tokio::test]
async fn get_payment_methods_lists_every_active_account_and_marks_the_default() {
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
    set_deposit_method(
        &app,
        &browser,
        &seller,
        &us_account("987654321"),
        &[("action", "add")],
    )
    .await;
    let body: Value = reqwest::Client::new()
        .get(app.url(&format!(
            "/finances/transfers/2024-06-01/paymentMethods?marketplaceId={US}"
        )))
        .header(
            "x-amz-access-token",
            tokens["access_token"].as_str().unwrap(),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let methods = body["paymentMethods"].as_array().unwrap();
    let tails: Vec<(&str, Option<&str>)> = methods
        .iter()
        .map(|m| (m["tail"].as_str().unwrap(), m["assignmentType"].as_str()))
        .collect();
    assert_eq!(
        tails,
        [("789", Some("DEFAULT_DEPOSIT_METHOD")), ("321", None)]
    );
}

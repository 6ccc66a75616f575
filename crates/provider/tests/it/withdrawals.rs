//! Withdrawals to mainland bank accounts through the sandbox bank: paid,
//! refused (money back), returned late (reversed), fees and limits, and
//! the refusals that change nothing.

use crate::helpers::{PASSWORD, TestApp, error_of, new_client};
use crate::money_support::{
    Seller, assert_ledger_verifies, available, counters, fund, money_app, transfer_count,
    verified_seller,
};
use crate::ops_support::{operator, ops_post};
use crate::receiving_support::{LEGAL_NAME_EN, LEGAL_NAME_ZH, approve_kyc, totp};
use ferry_domain::Currency;
use ferry_provider::wallets;
use ferry_provider::withdrawals::Terms;
use serde_json::{Value, json};
use std::time::Duration;

/// Luhn-valid test cards; the sandbox bank decides by the last four digits.
const PAID_CARD: &str = "6222 0204 0000 0000 010";
const REFUSED_CARD: &str = "6222020400000000002";
const RETURNED_CARD: &str = "6222020400000000036";

async fn add_destination(app: &TestApp, seller: &Seller, card: &str) -> String {
    let response = seller
        .post(
            app,
            "/api/v1/withdrawal-destinations",
            &json!({ "card_number": card, "bank_name": "中国工商银行", "holder_name": format!(" {LEGAL_NAME_ZH} ") }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    body["id"].as_str().unwrap().to_string()
}

async fn withdraw(
    app: &TestApp,
    seller: &Seller,
    destination: &str,
    amount: &str,
    code: &str,
) -> reqwest::Response {
    seller
        .post(
            app,
            "/api/v1/withdrawals",
            &json!({ "destination_id": destination, "currency": "CNY", "amount": amount, "two_factor_code": code }),
        )
        .await
}

async fn withdraw_ok(
    app: &TestApp,
    seller: &Seller,
    destination: &str,
    amount: &str,
    code: &str,
) -> Value {
    let response = withdraw(app, seller, destination, amount, code).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// Polls the withdrawal until the bank desk has brought it to `status`.
async fn wait_for_status(app: &TestApp, seller: &Seller, id: &str, status: &str) -> Value {
    let mut last = Value::Null;
    for _ in 0..200 {
        last = seller.get(app, &format!("/api/v1/withdrawals/{id}")).await;
        if last["status"] == status {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{id} never became {status}: {last}");
}

/// The subjects of the e-mails about withdrawal `id`, once the outbox is
/// delivered.
async fn mail_subjects(app: &TestApp, seller: &Seller, id: &str) -> Vec<String> {
    app.settled_mails_to(&seller.email)
        .await
        .into_iter()
        .filter(|mail| mail.text.contains(id))
        .map(|mail| mail.subject)
        .collect()
}

#[tokio::test]
async fn a_paid_withdrawal_posts_the_hold_and_mails_each_status() {
    let app = money_app(|_| {}).await;
    let seller = verified_seller(&app, "wd-paid@example.com").await;
    fund(&app, &seller, Currency::CNY, 2_000_000, "cny").await;
    let destination = add_destination(&app, &seller, PAID_CARD).await;

    let created = withdraw_ok(&app, &seller, &destination, "1000.00", &seller.code()).await;
    assert!(
        ["pending", "paid"].contains(&created["status"].as_str().unwrap()),
        "{created}"
    );
    assert_eq!(created["amount"]["amount_minor"], 100_000);
    // 0.1 % of 1000.00 is 1.00, under the 2.00 minimum.
    assert_eq!(created["fee"]["amount_minor"], 200);
    assert_eq!(created["destination"]["card_last4"], "0010");
    // Held at once: the wallet cannot spend it twice.
    assert_eq!(available(&app, &seller, Currency::CNY).await, 1_899_800);

    let id = created["id"].as_str().unwrap();
    let paid = wait_for_status(&app, &seller, id, "paid").await;
    assert!(paid["bank_reference"].as_str().unwrap().starts_with("SBX"));
    let wallet = counters(&app, &wallets::wallet_id(&seller.account_id, Currency::CNY)).await;
    assert_eq!(wallet, [0, 100_200, 0, 2_000_000]);
    assert_eq!(
        counters(&app, &wallets::clearing_id(Currency::CNY)).await,
        [0, 0, 0, 100_000]
    );
    assert_eq!(
        counters(&app, &wallets::fees_id(Currency::CNY)).await,
        [0, 0, 0, 200]
    );
    assert_eq!(mail_subjects(&app, &seller, id).await.len(), 2);

    let listed = seller.get(&app, "/api/v1/withdrawals").await;
    assert_eq!(listed["withdrawals"][0]["id"], id);
    assert_eq!(listed["withdrawals"][0]["status"], "paid");
    assert_ledger_verifies(&app).await;
}

#[tokio::test]
async fn a_refused_withdrawal_gives_the_money_back() {
    let app = money_app(|_| {}).await;
    let mut seller = verified_seller(&app, "wd-refused@example.com").await;
    fund(&app, &seller, Currency::CNY, 2_000_000, "cny").await;
    let destination = add_destination(&app, &seller, REFUSED_CARD).await;
    let code = seller.recovery_code();
    let created = withdraw_ok(&app, &seller, &destination, "3000.00", &code).await;
    let id = created["id"].as_str().unwrap();

    let failed = wait_for_status(&app, &seller, id, "failed").await;
    assert_eq!(failed["failure_reason"], "account_closed");
    assert_eq!(available(&app, &seller, Currency::CNY).await, 2_000_000);
    let wallet = counters(&app, &wallets::wallet_id(&seller.account_id, Currency::CNY)).await;
    assert_eq!(wallet, [0, 0, 0, 2_000_000]);
    assert_eq!(
        counters(&app, &wallets::clearing_id(Currency::CNY)).await,
        [0, 0, 0, 0]
    );
    assert_eq!(
        counters(&app, &wallets::fees_id(Currency::CNY)).await,
        [0, 0, 0, 0]
    );
    assert_eq!(
        transfer_count(&app, &format!("withdrawal:{id}:void")).await,
        1
    );
    assert_eq!(
        transfer_count(&app, &format!("withdrawal:{id}:fee_void")).await,
        1
    );
    assert_eq!(mail_subjects(&app, &seller, id).await.len(), 2);
    assert_ledger_verifies(&app).await;
}

#[tokio::test]
async fn a_late_return_reverses_a_paid_withdrawal() {
    let app = money_app(|_| {}).await;
    let mut seller = verified_seller(&app, "wd-returned@example.com").await;
    fund(&app, &seller, Currency::CNY, 2_000_000, "cny").await;
    let destination = add_destination(&app, &seller, RETURNED_CARD).await;
    let code = seller.recovery_code();
    let created = withdraw_ok(&app, &seller, &destination, "2000.00", &code).await;
    let id = created["id"].as_str().unwrap();

    wait_for_status(&app, &seller, id, "paid").await;
    let returned = wait_for_status(&app, &seller, id, "returned").await;
    assert!(returned["returned_at_ms"].as_i64().is_some());
    // Posted, then reversed by new transfers: amount and fee are back.
    assert_eq!(
        transfer_count(&app, &format!("withdrawal:{id}:post")).await,
        1
    );
    assert_eq!(
        transfer_count(&app, &format!("withdrawal:{id}:return")).await,
        1
    );
    assert_eq!(available(&app, &seller, Currency::CNY).await, 2_000_000);
    let wallet = counters(&app, &wallets::wallet_id(&seller.account_id, Currency::CNY)).await;
    assert_eq!(wallet, [0, 200_200, 0, 2_200_200]);
    assert_eq!(
        counters(&app, &wallets::clearing_id(Currency::CNY)).await,
        [0, 200_000, 0, 200_000]
    );
    assert_eq!(mail_subjects(&app, &seller, id).await.len(), 3);
    assert_ledger_verifies(&app).await;
}

#[tokio::test]
async fn fees_follow_minimum_rate_and_cap_and_limits_hold_per_withdrawal_and_per_day() {
    let app = money_app(|settings| {
        settings.withdrawals.terms = vec![Terms {
            currency: "CNY".into(),
            fee_bps: 10,
            fee_min_minor: 200,
            fee_cap_minor: 800,
            per_transaction_max_minor: 1_000_000,
            per_day_max_minor: 1_500_000,
        }];
    })
    .await;
    let mut seller = verified_seller(&app, "wd-limits@example.com").await;
    fund(&app, &seller, Currency::CNY, 2_000_000, "cny").await;
    let destination = add_destination(&app, &seller, PAID_CARD).await;

    let mut ids = Vec::new();
    for (amount, fee) in [("1000.00", 200), ("5000.00", 500)] {
        let code = seller.recovery_code();
        let created = withdraw_ok(&app, &seller, &destination, amount, &code).await;
        assert_eq!(created["fee"]["amount_minor"], fee, "{amount}");
        ids.push(created["id"].as_str().unwrap().to_string());
    }
    let code = seller.recovery_code();
    let too_big = withdraw(&app, &seller, &destination, "10000.01", &code).await;
    let (status, error, message) = error_of(too_big).await;
    assert_eq!(
        (status, error.as_str()),
        (422, "per_transaction_limit_exceeded")
    );
    assert!(message.contains("10000.00 CNY"), "{message}");
    let over_the_day = withdraw(&app, &seller, &destination, "10000.00", &code).await;
    let (status, error, message) = error_of(over_the_day).await;
    assert_eq!((status, error.as_str()), (422, "daily_limit_exceeded"));
    assert!(message.contains("9000.00 CNY"), "{message}");
    // The refused attempts did not use up the recovery code.
    let capped = withdraw_ok(&app, &seller, &destination, "9000.00", &code).await;
    assert_eq!(capped["fee"]["amount_minor"], 800);
    ids.push(capped["id"].as_str().unwrap().to_string());

    for id in &ids {
        wait_for_status(&app, &seller, id, "paid").await;
    }
    assert_eq!(
        available(&app, &seller, Currency::CNY).await,
        2_000_000 - 100_200 - 500_500 - 900_800
    );
    assert_eq!(
        counters(&app, &wallets::fees_id(Currency::CNY)).await,
        [0, 0, 0, 1_500]
    );
    let listed = seller.get(&app, "/api/v1/withdrawals").await;
    assert_eq!(listed["withdrawals"].as_array().unwrap().len(), 3);
    assert_eq!(listed["terms"][0]["per_day_max"]["amount"], "15000.00");
    assert_ledger_verifies(&app).await;
}

#[tokio::test]
async fn wrong_holder_bad_card_and_wrong_code_are_refused_and_change_nothing() {
    let app = money_app(|_| {}).await;
    let seller = verified_seller(&app, "wd-refusals@example.com").await;
    fund(&app, &seller, Currency::CNY, 2_000_000, "cny").await;

    for (body, expected) in [
        (
            json!({ "card_number": PAID_CARD, "bank_name": "中国银行", "holder_name": "李娜" }),
            "holder_name_mismatch",
        ),
        (
            json!({ "card_number": "6222020400000000011", "bank_name": "中国银行", "holder_name": LEGAL_NAME_EN }),
            "invalid_card_number",
        ),
        (
            json!({ "card_number": PAID_CARD, "bank_name": " ", "holder_name": LEGAL_NAME_EN }),
            "invalid_bank_name",
        ),
    ] {
        let refused = seller
            .post(&app, "/api/v1/withdrawal-destinations", &body)
            .await;
        let (status, code, message) = error_of(refused).await;
        assert_eq!((status, code.as_str()), (422, expected), "{body}");
        assert!(!message.is_empty());
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM withdrawal_destinations")
            .await,
        0
    );

    // The English name is the company's name too.
    let english = seller
        .post(
            &app,
            "/api/v1/withdrawal-destinations",
            &json!({ "card_number": PAID_CARD, "bank_name": "招商银行", "holder_name": LEGAL_NAME_EN.to_uppercase() }),
        )
        .await;
    assert_eq!(english.status(), 201);
    let destination = english.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let step_far_ahead = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 30
        + 100;
    let wrong = totp(&seller.totp_secret, step_far_ahead);
    let refused = withdraw(&app, &seller, &destination, "100.00", &wrong).await;
    let (status, code, _) = error_of(refused).await;
    assert_eq!((status, code.as_str()), (401, "invalid_code"));
    let too_much = withdraw(&app, &seller, &destination, "20000.00", &seller.code()).await;
    let (status, code, _) = error_of(too_much).await;
    assert_eq!((status, code.as_str()), (422, "insufficient_funds"));

    assert_eq!(app.count("SELECT COUNT(*) FROM withdrawals").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ledger_transfers WHERE id LIKE 'withdrawal:%'")
            .await,
        0
    );
    assert_eq!(available(&app, &seller, Currency::CNY).await, 2_000_000);
    assert_ledger_verifies(&app).await;
}

#[tokio::test]
async fn withdrawing_needs_two_factor_enrolled() {
    let app = money_app(|_| {}).await;
    let email = "wd-no-2fa@example.com";
    app.register_and_activate(email).await;
    let client = new_client();
    assert_eq!(app.sign_in(&client, email, PASSWORD).await.status(), 200);
    approve_kyc(&app, &client).await;
    let refused = client
        .post(app.url("/api/v1/withdrawals"))
        .json(&json!({ "destination_id": "wdd_x", "currency": "CNY", "amount": "10.00", "two_factor_code": "123456" }))
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_of(refused).await;
    assert_eq!((status, code.as_str()), (403, "two_factor_not_enrolled"));
    assert!(message.contains("两步验证"), "{message}");
    let page = client
        .get(app.url("/withdrawals?lang=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("turn on two-factor authentication"), "{html}");
    assert!(html.contains("0036"));
}

#[tokio::test]
async fn a_retried_withdrawal_with_its_idempotency_key_is_made_once() {
    let app = money_app(|_| {}).await;
    let mut seller = verified_seller(&app, "wd-retry@example.com").await;
    fund(&app, &seller, Currency::CNY, 2_000_000, "cny").await;
    let destination = add_destination(&app, &seller, PAID_CARD).await;
    let body = json!({
        "destination_id": destination,
        "currency": "CNY",
        "amount": "1000.00",
        "two_factor_code": seller.recovery_code(),
    });
    let send = || {
        seller
            .client
            .post(app.url("/api/v1/withdrawals"))
            .header("Idempotency-Key", "wd-retry-1")
            .json(&body)
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = send().await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(app.count("SELECT COUNT(*) FROM withdrawals").await, 1);
    wait_for_status(&app, &seller, first["id"].as_str().unwrap(), "paid").await;
    assert_eq!(
        available(&app, &seller, Currency::CNY).await,
        2_000_000 - 100_200
    );
    assert_ledger_verifies(&app).await;
}

#[tokio::test]
async fn an_operator_records_a_late_return_of_a_paid_withdrawal() {
    let app = money_app(|_| {}).await;
    let mut seller = verified_seller(&app, "wd-ops-return@example.com").await;
    fund(&app, &seller, Currency::CNY, 2_000_000, "cny").await;
    let paid_to = add_destination(&app, &seller, PAID_CARD).await;
    let refused_by = add_destination(&app, &seller, REFUSED_CARD).await;
    let code = seller.recovery_code();
    let paid = withdraw_ok(&app, &seller, &paid_to, "1000.00", &code).await;
    let paid = paid["id"].as_str().unwrap().to_string();
    let code = seller.recovery_code();
    let failed = withdraw_ok(&app, &seller, &refused_by, "500.00", &code).await;
    let failed = failed["id"].as_str().unwrap().to_string();
    wait_for_status(&app, &seller, &paid, "paid").await;
    wait_for_status(&app, &seller, &failed, "failed").await;

    let (ops, _) = operator(&app, "treasury@ferry.example").await;
    let path = |id: &str| format!("/api/v1/ops/withdrawals/{id}/return");
    let not_paid = ops_post(&ops, &app, &path(&failed), &json!({})).await;
    let (status, code, _) = error_of(not_paid).await;
    assert_eq!((status, code.as_str()), (409, "withdrawal_not_paid"));
    let by_seller = seller.post(&app, &path(&paid), &json!({})).await;
    assert_eq!(by_seller.status(), 401);

    let returned = ops_post(&ops, &app, &path(&paid), &json!({})).await;
    assert_eq!(returned.status(), 200);
    let returned: Value = returned.json().await.unwrap();
    assert_eq!(returned["status"], "returned");
    assert_eq!(available(&app, &seller, Currency::CNY).await, 2_000_000);
    let again = ops_post(&ops, &app, &path(&paid), &json!({})).await;
    assert_eq!(error_of(again).await.1, "withdrawal_not_paid");
    assert_eq!(
        transfer_count(&app, &format!("withdrawal:{paid}:return")).await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'withdrawal.returned'")
            .await,
        1
    );
    assert_ledger_verifies(&app).await;
}

//! When a deposit-method change moves a payout: the three-day security hold
//! (a change inside a period, or just before the deposit date) and the risk
//! review (a change without a support case first), each case.

use crate::deposit_methods::{set_deposit_method, signed_in_seller, us_account};
use crate::helpers::{Seller, TestApp, totp_code};
use crate::settlements::{DAY_MS, US, post_order, settlements};
use serde_json::Value;

async fn first_settlement(app: &TestApp, seller: &Seller) -> Value {
    settlements(app, seller, US).await.remove(0)
}

fn ms(value: &Value) -> i64 {
    value
        .as_i64()
        .unwrap_or_else(|| panic!("{value} is not a time"))
}

async fn replace_account(app: &TestApp, browser: &reqwest::Client, seller: &Seller) {
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

async fn open_notice(app: &TestApp, browser: &reqwest::Client) {
    let response = browser
        .post(app.url("/cu/contact-us"))
        .form(&[
            ("category", "deposit_method_change_notice"),
            ("subject", "Changing our deposit method"),
            (
                "body",
                "We will switch to our new receiving account this week.",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
}

#[tokio::test]
async fn a_deposit_method_set_early_in_the_period_pays_on_the_scheduled_date() {
    let app = crate::helpers::spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    post_order(&app, &seller, US, 0).await;
    app.advance_clock_ms(5 * DAY_MS).await;
    set_deposit_method(&app, &browser, &seller, &us_account("000123456789"), &[]).await;
    app.advance_clock_ms(12 * DAY_MS).await;

    let settlement = first_settlement(&app, &seller).await;
    let deposit = &settlement["deposit"];
    let end = ms(&settlement["end_at_ms"]);
    assert_eq!(deposit["hold"], Value::Null, "the hold ended on day 8");
    assert_eq!(ms(&deposit["fund_transfer_at_ms"]), end + 2 * DAY_MS);
    assert_eq!(deposit["fund_transfer_status"], "Succeeded");
    assert_eq!(deposit["account_tail"], "789");
}

/// The first deposit method is set `at_ms` into the first period (or after
/// it closed); the hold then runs past the deposit date on day 16.
async fn late_first_account_moves_the_payout(at_ms: i64) {
    let app = crate::helpers::spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    post_order(&app, &seller, US, 0).await;
    app.advance_clock_ms(at_ms).await;
    set_deposit_method(&app, &browser, &seller, &us_account("000123456789"), &[]).await;
    let hold_until =
        crate::deposit_methods::disbursement_status(&app, &seller, US).await["hold_until_ms"]
            .as_i64()
            .unwrap();

    app.advance_clock_ms(16 * DAY_MS + DAY_MS / 4 - at_ms).await;
    let moved = first_settlement(&app, &seller).await;
    let deposit = &moved["deposit"];
    assert_eq!(deposit["hold"]["reason"], "security_hold");
    assert!(
        deposit["hold"]["message"]
            .as_str()
            .unwrap()
            .contains("three days")
    );
    assert_eq!(
        ms(&deposit["due_at_ms"]),
        hold_until,
        "the sandbox says the new date"
    );
    assert_eq!(
        deposit["fund_transfer_status"],
        Value::Null,
        "not before the hold ends"
    );

    app.advance_clock_ms(3 * DAY_MS).await;
    let paid = first_settlement(&app, &seller).await;
    let end = ms(&paid["end_at_ms"]);
    assert_eq!(ms(&paid["deposit"]["fund_transfer_at_ms"]), hold_until);
    assert!(hold_until > end + 2 * DAY_MS);
    assert_eq!(paid["deposit"]["fund_transfer_status"], "Succeeded");
}

#[tokio::test]
async fn a_deposit_method_set_late_in_the_period_moves_the_payout_to_the_end_of_the_hold() {
    late_first_account_moves_the_payout(13 * DAY_MS + DAY_MS / 2).await;
}

#[tokio::test]
async fn a_deposit_method_set_after_the_period_closed_moves_the_payout_to_the_end_of_the_hold() {
    late_first_account_moves_the_payout(14 * DAY_MS + DAY_MS / 2).await;
}

/// Day 0 first account; day 14.5 (after the close, before the deposit on
/// day 16) the seller replaces it.
async fn change_after_close(announce: bool) -> (TestApp, Seller, reqwest::Client, i64) {
    let app = crate::helpers::spawn_app().await;
    let (seller, browser) = signed_in_seller(&app).await;
    set_deposit_method(&app, &browser, &seller, &us_account("000123456789"), &[]).await;
    post_order(&app, &seller, US, 0).await;
    app.advance_clock_ms(10 * DAY_MS).await;
    if announce {
        open_notice(&app, &browser).await;
    }
    app.advance_clock_ms(4 * DAY_MS + DAY_MS / 2).await;
    replace_account(&app, &browser, &seller).await;
    let hold_until =
        crate::deposit_methods::disbursement_status(&app, &seller, US).await["hold_until_ms"]
            .as_i64()
            .unwrap();
    app.advance_clock_ms(5 * DAY_MS).await;
    (app, seller, browser, hold_until)
}

#[tokio::test]
async fn a_change_announced_to_support_first_waits_only_for_the_security_hold() {
    let (app, seller, _browser, hold_until) = change_after_close(true).await;
    let settlement = first_settlement(&app, &seller).await;
    let deposit = &settlement["deposit"];
    assert_eq!(deposit["hold"]["reason"], "security_hold");
    assert_eq!(ms(&deposit["fund_transfer_at_ms"]), hold_until);
    assert_eq!(deposit["fund_transfer_status"], "Succeeded");
    assert_eq!(deposit["account_tail"], "321", "paid to the new account");
}

#[tokio::test]
async fn an_unannounced_change_holds_the_payout_until_the_seller_verifies() {
    let (app, seller, browser, hold_until) = change_after_close(false).await;
    let settlement = first_settlement(&app, &seller).await;
    let deposit = &settlement["deposit"];
    assert_eq!(deposit["hold"]["reason"], "under_review");
    assert!(
        deposit["hold"]["message"]
            .as_str()
            .unwrap()
            .contains("verifies")
    );
    assert_eq!(
        deposit["fund_transfer_status"],
        Value::Null,
        "past the hold, still held"
    );

    app.advance_clock_ms(10 * DAY_MS).await;
    let still = first_settlement(&app, &seller).await;
    assert_eq!(still["deposit"]["fund_transfer_status"], Value::Null);

    let verified = browser
        .post(app.url("/sw/AccountInfo/DepositMethodView/step/Verify"))
        .form(&[
            ("marketplace_id", US.to_string()),
            ("account_number", "987654321".into()),
            ("otp", totp_code(&seller.totp_secret)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 200);
    let now_ms: i64 = app
        .get("/sandbox/v1/clock")
        .await
        .json::<Value>()
        .await
        .unwrap()["now_ms"]
        .as_i64()
        .unwrap();
    let paid = first_settlement(&app, &seller).await;
    let deposit = &paid["deposit"];
    assert_eq!(deposit["fund_transfer_status"], "Succeeded");
    let paid_at = ms(&deposit["fund_transfer_at_ms"]);
    assert!(
        paid_at > hold_until && paid_at >= now_ms - 60_000,
        "paid on verification"
    );
    assert_eq!(ms(&deposit["due_at_ms"]), paid_at, "the new date is shown");
    assert_eq!(deposit["account_tail"], "321");
}

#[tokio::test]
async fn a_provider_outside_the_program_holds_the_payout() {
    let app = crate::helpers::spawn_app().await;
    let response = app
        .post_json(
            "/sandbox/v1/banks",
            &serde_json::json!({ "code_type": "aba", "code": "011000015",
                "institution_name": "Unlisted Pay", "kind": "payment_provider", "participating": false }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let (seller, browser) = signed_in_seller(&app).await;
    set_deposit_method(&app, &browser, &seller, &us_account("000123456789"), &[]).await;
    post_order(&app, &seller, US, 0).await;
    app.advance_clock_ms(17 * DAY_MS).await;
    let settlement = first_settlement(&app, &seller).await;
    assert_eq!(
        settlement["deposit"]["hold"]["reason"],
        "non_participating_provider"
    );
    assert_eq!(settlement["deposit"]["fund_transfer_status"], Value::Null);
}

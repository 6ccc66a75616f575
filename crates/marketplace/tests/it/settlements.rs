//! The settlement engine through the admin API: contiguous 14-day periods,
//! reports that add up, the DD+7 reserve, card charges for negative totals
//! and the real-time tick.

use crate::helpers::{Seller, TestApp, spawn_app, spawn_app_with};
use ferry_formats::settlement_report::{SettlementReport, parse};
use serde_json::{Value, json};
use sqlx::Row;

pub const DAY_MS: i64 = 86_400_000;
pub const US: &str = "ATVPDKIKX0DER";
const DE: &str = "A1PA6795UKMFR9";
const JP: &str = "A1VC38T7YXB528";

pub async fn settlements(app: &TestApp, seller: &Seller, marketplace_id: &str) -> Vec<Value> {
    let response = app
        .get(&format!(
            "/sandbox/v1/sellers/{}/marketplaces/{marketplace_id}/settlements",
            seller.seller_id
        ))
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["settlements"].as_array().unwrap().clone()
}

pub async fn simulate(app: &TestApp, seller: &Seller, marketplace_id: &str, seed: u64) {
    let response = app
        .post_json(
            &format!(
                "/sandbox/v1/sellers/{}/marketplaces/{marketplace_id}/simulated-activity",
                seller.seller_id
            ),
            &json!({ "seed": seed, "orders": 25 }),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
}

/// Posts a one-item FBA order; returns its net proceeds in minor units.
pub async fn post_order(
    app: &TestApp,
    seller: &Seller,
    marketplace_id: &str,
    delivery_days: i64,
) -> (String, i64) {
    let response = app
        .post_json(
            "/sandbox/v1/orders",
            &json!({
                "seller_id": seller.seller_id, "marketplace_id": marketplace_id,
                "fulfillment": "AFN", "delivery_days": delivery_days,
                "items": [{ "sku": "MUG-BLUE", "quantity": 2, "item_price_minor": 1999,
                            "tax_minor": 160, "fba_fee_per_unit_minor": 350 }],
            }),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let body: Value = response.json().await.unwrap();
    (
        body["order_id"].as_str().unwrap().to_string(),
        body["net_proceeds"]["amount_minor"].as_i64().unwrap(),
    )
}

/// The stored report of a settlement, parsed by header.
pub async fn stored_report(app: &TestApp, report_id: &str) -> (String, SettlementReport) {
    let content: String = sqlx::query("SELECT content FROM reports WHERE report_id = $1")
        .bind(report_id)
        .fetch_one(app.db.reader())
        .await
        .unwrap()
        .try_get("content")
        .unwrap();
    let report = parse(&content).expect("the report parses");
    (content, report)
}

fn minor(value: &Value) -> i64 {
    value["amount_minor"].as_i64().unwrap()
}

#[tokio::test]
async fn periods_are_contiguous_and_every_report_adds_up_in_its_locale() {
    let app = spawn_app().await;
    let seller = app.create_seller("periods").await;
    app.advance_clock_ms(10 * DAY_MS).await;
    for (seed, marketplace) in [(1, US), (2, DE), (3, JP)] {
        simulate(&app, &seller, marketplace, seed).await;
    }
    app.advance_clock_ms(20 * DAY_MS).await;
    for (seed, marketplace) in [(4, US), (5, DE), (6, JP)] {
        simulate(&app, &seller, marketplace, seed).await;
    }
    app.advance_clock_ms(30 * DAY_MS).await;

    for marketplace in [US, DE, JP] {
        let list = settlements(&app, &seller, marketplace).await;
        assert_eq!(
            list.len(),
            5,
            "60 days: four closed periods and the open one"
        );
        assert_eq!(list[4]["status"], "open");
        for pair in list.windows(2) {
            assert_eq!(pair[0]["end_at_ms"], pair[1]["start_at_ms"], "contiguous");
        }
        for settlement in &list[..4] {
            let start = settlement["start_at_ms"].as_i64().unwrap();
            let end = settlement["end_at_ms"].as_i64().unwrap();
            assert_eq!(end - start, 14 * DAY_MS);
            let deposit = &settlement["deposit"];
            assert_eq!(deposit["scheduled_at_ms"], end + 2 * DAY_MS);
            if minor(&settlement["total"]) > 0 {
                assert_eq!(deposit["hold"]["reason"], "no_deposit_method");
                assert!(
                    deposit["hold"]["message"]
                        .as_str()
                        .unwrap()
                        .contains("No deposit method")
                );
            } else {
                assert_eq!(deposit["hold"], Value::Null, "nothing to pay, nothing held");
                assert_eq!(deposit["fund_transfer_status"], Value::Null);
            }
            let (content, report) =
                stored_report(&app, settlement["report_id"].as_str().unwrap()).await;
            let totals = report.verify_totals().expect("details sum to the total");
            assert_eq!(report.total.amount_minor(), minor(&settlement["total"]));
            assert_eq!(totals.detail_sum, report.total);
            assert_eq!(
                report.settlement_id,
                settlement["settlement_id"].as_u64().unwrap()
            );
            assert_eq!(
                report.deposit_date.unix_timestamp() * 1000,
                end + 2 * DAY_MS - (end % 1000)
            );
            let summary: Vec<&str> = content.lines().nth(1).unwrap().split('\t').collect();
            assert_eq!(summary.len(), 23, "the summary row has every column");
            match marketplace {
                DE => assert!(
                    summary[4].contains(','),
                    "DE writes a decimal comma: {}",
                    summary[4]
                ),
                JP => assert!(!summary[4].contains(['.', ',']), "yen has no decimals"),
                _ => assert!(summary[4].contains('.'), "US writes a decimal point"),
            }
        }
        // The first period's late orders are held back (DD+7) and released
        // by the next period.
        let reserve = minor(&list[0]["reserve"]);
        assert!(reserve > 0, "orders delivered after day 7 are reserved");
        assert_eq!(minor(&list[1]["beginning_balance"]), reserve);
    }
}

#[tokio::test]
async fn dd7_reserves_late_deliveries_and_a_negative_total_is_charged_to_the_card() {
    let app = spawn_app().await;
    let seller = app.create_seller("reserve").await;
    app.advance_clock_ms(DAY_MS).await;
    let (_, early_net) = post_order(&app, &seller, US, 3).await;
    app.advance_clock_ms(11 * DAY_MS).await;
    let (late_order, late_net) = post_order(&app, &seller, US, 3).await;
    app.advance_clock_ms(4 * DAY_MS).await;

    let list = settlements(&app, &seller, US).await;
    assert_eq!(
        minor(&list[0]["reserve"]),
        late_net,
        "released day 22, after the end"
    );
    assert_eq!(
        minor(&list[0]["total"]),
        early_net,
        "released day 11, paid out"
    );
    let (_, first) = stored_report(&app, list[0]["report_id"].as_str().unwrap()).await;
    assert!(
        first
            .rows
            .iter()
            .any(|r| r.amount_description == "Current Reserve Amount"
                && r.amount.amount_minor() == -late_net)
    );

    // Refunding the reserved order in the next period leaves it negative:
    // the FBA fee and the refund administration fee stay with Amazon.
    let refund = app
        .post_json(
            &format!("/sandbox/v1/orders/{late_order}/refund"),
            &json!({}),
        )
        .await;
    assert_eq!(refund.status(), 201);
    let again = app
        .post_json(
            &format!("/sandbox/v1/orders/{late_order}/refund"),
            &json!({}),
        )
        .await;
    assert_eq!(again.status(), 409, "an order is refunded once");
    app.advance_clock_ms(14 * DAY_MS).await;

    let list = settlements(&app, &seller, US).await;
    let second = &list[1];
    let total = minor(&second["total"]);
    assert!(total < 0, "{second}");
    let deposit = &second["deposit"];
    assert_eq!(deposit["fund_transfer_status"], "Succeeded");
    assert_eq!(deposit["account_tail"], "111", "the card on file");
    assert_eq!(
        deposit["hold"],
        Value::Null,
        "charges wait for no deposit method"
    );

    app.advance_clock_ms(14 * DAY_MS).await;
    let list = settlements(&app, &seller, US).await;
    let (_, third) = stored_report(&app, list[2]["report_id"].as_str().unwrap()).await;
    let amount_of = |description: &str| {
        third
            .rows
            .iter()
            .find(|r| r.amount_description == description)
            .map(|r| r.amount.amount_minor())
    };
    assert_eq!(amount_of("Payable to Amazon"), Some(total));
    assert_eq!(amount_of("Successful charge"), Some(-total));
    third.verify_totals().expect("the third report adds up");
}

#[tokio::test]
async fn bad_orders_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let seller = app.create_seller("bad").await;
    let cases = [
        (
            json!({ "seller_id": seller.seller_id, "marketplace_id": US, "fulfillment": "AFN", "items": [] }),
            "invalid_items",
        ),
        (
            json!({ "seller_id": seller.seller_id, "marketplace_id": US, "fulfillment": "AFN",
                 "items": [{ "sku": "A", "quantity": 0, "item_price_minor": 100 }] }),
            "invalid_quantity",
        ),
        (
            json!({ "seller_id": seller.seller_id, "marketplace_id": US, "fulfillment": "AFN",
                 "items": [{ "sku": "A", "quantity": 1, "item_price_minor": -5 }] }),
            "invalid_price",
        ),
        (
            json!({ "seller_id": seller.seller_id, "marketplace_id": "A2Q3Y263D00KWC", "fulfillment": "AFN",
                 "items": [{ "sku": "A", "quantity": 1, "item_price_minor": 100 }] }),
            "participation_not_found",
        ),
        (
            json!({ "seller_id": seller.seller_id, "marketplace_id": US, "fulfillment": "FBM",
                 "items": [{ "sku": "A", "quantity": 1, "item_price_minor": 100 }] }),
            "invalid_json",
        ),
    ];
    for (body, code) in cases {
        let response = app.post_json("/sandbox/v1/orders", &body).await;
        assert!(response.status().is_client_error(), "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], code, "{body}");
    }
    let lines: i64 = sqlx::query("SELECT COUNT(*) AS n FROM settlement_lines")
        .fetch_one(app.db.reader())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(lines, 0);
    let missing = app
        .post_json("/sandbox/v1/orders/111-0000000-0000000/refund", &json!({}))
        .await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn in_real_time_mode_the_tick_closes_periods_without_any_call() {
    let app = spawn_app_with(|settings| settings.settlement_tick_ms = 100).await;
    let _seller = app.create_seller("tick").await;
    // Move sandbox time behind the API's back: only the tick can notice.
    sqlx::query("UPDATE sandbox_clock SET offset_ms = offset_ms + $1 WHERE id = 1")
        .bind(15 * DAY_MS)
        .execute(app.db.writer())
        .await
        .unwrap();
    let mut closed = 0;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        closed = sqlx::query(
            "SELECT COUNT(*) AS n FROM settlement_groups WHERE closed_at_ms IS NOT NULL",
        )
        .fetch_one(app.db.reader())
        .await
        .unwrap()
        .try_get::<i64, _>("n")
        .unwrap();
        if closed == 6 {
            break;
        }
    }
    assert_eq!(closed, 6, "one closed period per marketplace");
}

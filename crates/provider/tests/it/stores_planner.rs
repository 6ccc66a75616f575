//! The change planner against the sandbox's real settlement schedule: the
//! predicted payout and window agree with the dates the sandbox uses.

use crate::receiving_support::{LEGAL_NAME_EN, US, field, sandbox_post, world};
use crate::stores_oauth::{account_json, authorized};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

const DAY_MS: i64 = 86_400_000;

fn ms(value: &Value) -> i64 {
    let at = time::OffsetDateTime::parse(value.as_str().unwrap(), &Rfc3339).unwrap();
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap()
}

fn close(a: i64, b: i64) -> bool {
    // SP-API dates carry whole seconds.
    (a - b).abs() < 1_000
}

#[tokio::test]
async fn the_planned_payout_and_window_agree_with_the_sandboxs_schedule() {
    let world = world().await;
    let (client, store, id) = authorized(&world, "plan", LEGAL_NAME_EN).await;
    let plan: Value = client
        .get(
            world
                .ferry
                .url(&format!("/api/v1/receiving-accounts/{id}/change-plan")),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(plan["inside_window"], true, "{plan}");
    let predicted_payout = ms(&plan["next_disbursement"]);
    assert!(close(
        ms(&plan["safe_window"]["until"]),
        predicted_payout - 3 * DAY_MS
    ));

    let settlements_url = world.sandbox.url(&format!(
        "/sandbox/v1/sellers/{}/marketplaces/{US}/settlements",
        store.seller_id
    ));
    let settlements: Value = reqwest::get(&settlements_url)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let open = &settlements["settlements"][0];
    assert_eq!(open["status"], "open");
    assert!(close(
        open["end_at_ms"].as_i64().unwrap() + 2 * DAY_MS,
        predicted_payout
    ));

    let page = client
        .get(
            world
                .ferry
                .url(&format!("/receiving-accounts/{id}/change-plan?lang=en")),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<svg") && page.contains(r#"data-window="open""#));
    assert!(page.contains(&world.sandbox.url("/cu/case-lobby")));

    // Changing inside the window: the payout starts on the predicted date.
    let account = account_json(&world, &client, &id).await;
    store
        .set_us_deposit_method(
            &world,
            &field(&account, "account_holder_name"),
            &field(&account, "routing_number"),
            &field(&account, "account_number"),
        )
        .await;
    sandbox_post(
        &world.sandbox,
        "/sandbox/v1/orders",
        &json!({
            "seller_id": store.seller_id, "marketplace_id": US, "fulfillment": "AFN", "delivery_days": 2,
            "items": [{ "sku": "MUG-BLUE", "quantity": 2, "item_price_minor": 1999 }],
        }),
    )
    .await;
    sandbox_post(
        &world.sandbox,
        "/sandbox/v1/clock/advance",
        &json!({ "ms": 17 * DAY_MS }),
    )
    .await;
    // The sandbox's payout rail notifies Ferry's bank endpoint; the
    // transfer succeeds once Ferry acknowledges.
    let mut settlements = Value::Null;
    for _ in 0..150 {
        settlements = reqwest::get(&settlements_url)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if settlements["settlements"][0]["deposit"]["fund_transfer_status"] == "Succeeded" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let deposit = &settlements["settlements"][0]["deposit"];
    assert!(deposit["hold"].is_null(), "{deposit}");
    assert_eq!(deposit["fund_transfer_status"], "Succeeded", "{deposit}");
    assert!(close(
        deposit["scheduled_at_ms"].as_i64().unwrap(),
        predicted_payout
    ));
    assert!(
        close(
            deposit["fund_transfer_at_ms"].as_i64().unwrap(),
            predicted_payout
        ),
        "{deposit}"
    );
}

//! Reconciliation: settlement reports uploaded (V2 in both locales, legacy
//! V1, with BOM, CRLF and padded values) or fetched through the sandbox's
//! Reports API for a bound store, their totals equal to the reports' own,
//! and each settlement compared with the credits the bank notified.

use crate::helpers::{PASSWORD, TestApp, error_of, new_client, spawn_app};
use crate::payouts::{BoundStore, bound_store};
use crate::receiving_support::{SIGNING_SECRET, US, World, sandbox_post, world};
use crate::stores_oauth::csrf_of;
use ferry_domain::{Currency, Money};
use ferry_formats::iso20022::camt054::{
    AccountId, AccountScheme, CreditDebit, CreditNotification, Entry, EntryStatus,
    TransactionDetails, write_v08,
};
use ferry_formats::iso20022::{IsoAmount, IsoDateTime, IsoText, Uetr};
use ferry_formats::settlement_report::{self, ReportLocale, SettlementReport, write_v2};
use ferry_provider::payouts::signature::sign;
use serde_json::{Value, json};
use std::time::Duration;

const V2_US: &str = include_str!("../../../formats/tests/data/settlement_v2_us.tsv");
const V2_DE: &str = include_str!("../../../formats/tests/data/settlement_v2_de.tsv");
const V1_CA: &str = include_str!("../../../formats/tests/data/settlement_v1_ca.tsv");
const DAY_MS: i64 = 86_400_000;

async fn signed_in_seller(app: &TestApp, email: &str) -> reqwest::Client {
    app.register_and_activate(email).await;
    let client = new_client();
    assert_eq!(app.sign_in(&client, email, PASSWORD).await.status(), 200);
    client
}

async fn upload_to(
    base: &str,
    client: &reqwest::Client,
    name: &str,
    text: &str,
    receiving_account_id: Option<&str>,
) -> reqwest::Response {
    let file =
        reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name(name.to_string());
    let mut form = reqwest::multipart::Form::new().part("file", file);
    if let Some(id) = receiving_account_id {
        form = form.text("receiving_account_id", id.to_string());
    }
    client
        .post(format!("{base}/api/v1/settlements/imports"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
    text: &str,
) -> reqwest::Response {
    upload_to(&app.address, client, name, text, None).await
}

fn minor(value: &Value) -> i64 {
    value["amount_minor"]
        .as_i64()
        .unwrap_or_else(|| panic!("no amount in {value}"))
}

/// The stored figures equal the report's own totals, category by category.
fn assert_totals_are_the_reports(body: &Value, report: &SettlementReport) {
    let totals = report.verify_totals().unwrap();
    assert_eq!(body["settlement_id"], report.settlement_id.to_string());
    assert_eq!(body["currency"], report.total.currency().code());
    assert_eq!(minor(&body["total"]), report.total.amount_minor());
    assert_eq!(minor(&body["orders"]), totals.orders.amount_minor());
    assert_eq!(minor(&body["fees"]), totals.fees.amount_minor());
    assert_eq!(minor(&body["refunds"]), totals.refunds.amount_minor());
    assert_eq!(minor(&body["reserve"]), totals.reserve.amount_minor());
    assert_eq!(minor(&body["other"]), totals.other.amount_minor());
    assert_eq!(
        minor(&body["reserve_released"]) + minor(&body["reserve_withheld"]),
        minor(&body["reserve"])
    );
    assert_eq!(body["rows_count"], report.rows.len());
}

/// `text` as a Windows editor saves it: BOM, CRLF, and spaces around cells.
fn bom_crlf_padded(text: &str) -> String {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default().to_string();
    let padded: Vec<String> = std::iter::once(header)
        .chain(lines.map(|line| {
            line.split('\t')
                .map(|cell| {
                    if cell.is_empty() {
                        String::new()
                    } else {
                        format!(" {cell}  ")
                    }
                })
                .collect::<Vec<_>>()
                .join("\t")
        }))
        .collect();
    format!("\u{feff}{}\r\n", padded.join("\r\n"))
}

#[tokio::test]
async fn real_reports_import_with_totals_equal_to_their_own() {
    let app = spawn_app().await;
    let client = signed_in_seller(&app, "reports@example.cn").await;
    let mut from_de_locale = settlement_report::parse(V2_US).unwrap();
    from_de_locale.settlement_id = 18_542_019_982;
    let written_de = write_v2(&from_de_locale, ReportLocale::De);
    assert!(
        written_de.contains("1081,77"),
        "written with decimal commas"
    );
    let files: [(&str, String, &str); 5] = [
        ("v2-us.txt", V2_US.to_string(), "v2"),
        ("v2-de.txt", V2_DE.to_string(), "v2"),
        ("v1-ca.txt", V1_CA.to_string(), "v1"),
        (
            "v2-us-from-de-locale.txt",
            bom_crlf_padded(&written_de),
            "v2",
        ),
        ("v1-ca-windows.txt", bom_crlf_padded(V1_CA), "v1"),
    ];
    for (index, (name, text, layout)) in files.iter().enumerate() {
        let report = settlement_report::parse(text).unwrap();
        let response = upload(&app, &client, name, text).await;
        // The padded V1 file is the same settlement as the plain one, so it
        // replaces it.
        let expected_status = if index == 4 { 200 } else { 201 };
        assert_eq!(response.status(), expected_status, "{name}");
        let body: Value = response.json().await.unwrap();
        assert_totals_are_the_reports(&body, &report);
        assert_eq!(body["layout"], *layout, "{name}");
        assert_eq!(body["source"], "uploaded");
        assert_eq!(
            body["outcome"],
            if index == 4 { "replaced" } else { "imported" }
        );
        assert_eq!(body["status"], "not_received", "no credit yet");
        assert_eq!(minor(&body["difference"]), report.total.amount_minor());
    }
    // The known figures of the US sample, as its own summary and the
    // formats crate's tests state them.
    let us: Value = client
        .get(app.url("/api/v1/settlements/18542019981"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(minor(&us["total"]), 108_177);
    assert_eq!(minor(&us["orders"]), 134_897);
    assert_eq!(minor(&us["fees"]), -28_526);
    let list: Value = client
        .get(app.url("/api/v1/settlements"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["settlements"].as_array().unwrap().len(), 4);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM settlement_reports").await,
        4
    );
}

#[tokio::test]
async fn reimport_changes_nothing_and_bad_files_are_refused_with_a_reason() {
    let app = spawn_app().await;
    let client = signed_in_seller(&app, "again@example.cn").await;
    let first: Value = upload(&app, &client, "a.txt", V2_US)
        .await
        .json()
        .await
        .unwrap();
    let again = upload(&app, &client, "a.txt", V2_US).await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["outcome"], "unchanged");
    assert_eq!(again["id"], first["id"]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM settlement_reports").await,
        1
    );

    // A detail row lost: the rows no longer add up to the total.
    let truncated: String = V2_US
        .lines()
        .take(10)
        .map(|line| format!("{line}\n"))
        .collect();
    let (status, code, message) =
        error_of(upload(&app, &client, "cut.txt", &truncated).await).await;
    assert_eq!((status, code.as_str()), (422, "report_totals_mismatch"));
    assert!(
        message.contains("结算报告"),
        "Chinese by default: {message}"
    );
    let (status, code, _) =
        error_of(upload(&app, &client, "x.csv", "order,amount\n1,2\n").await).await;
    assert_eq!((status, code.as_str()), (422, "report_unknown_layout"));
    let bad_amount = V2_US.replacen("1081.77", "10x1.77", 1);
    let (status, code, _) = error_of(upload(&app, &client, "bad.txt", &bad_amount).await).await;
    assert_eq!((status, code.as_str()), (422, "report_invalid_amount"));
    let huge = V2_US.repeat(21 * 1024 * 1024 / V2_US.len() + 1);
    let (status, code, _) = error_of(upload(&app, &client, "huge.txt", &huge).await).await;
    assert_eq!((status, code.as_str()), (413, "report_too_large"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM settlement_reports").await,
        1
    );

    // Another seller sees none of it.
    let other = signed_in_seller(&app, "other@example.cn").await;
    let theirs = other
        .get(app.url(&format!(
            "/api/v1/settlements/{}",
            first["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), 404);
}

#[tokio::test]
async fn the_pages_list_upload_and_explain_a_settlement() {
    let app = spawn_app().await;
    let client = signed_in_seller(&app, "pages@example.cn").await;
    let page = client
        .get(app.url("/settlements?lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("No settlement reports yet"), "{page}");
    let csrf = csrf_of(&page);
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(V2_DE.as_bytes().to_vec()).file_name("de.txt"),
    );
    let posted = client
        .post(app.url("/settlements/imports"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303);
    let location = posted.headers()["location"].to_str().unwrap().to_string();
    let detail = client
        .get(app.url(&format!("{location}?lang=en")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(detail.contains("Settlement 19482314502"), "{detail}");
    assert!(detail.contains("EUR 1,161.17"), "the total: {detail}");
    assert!(detail.contains("Not received yet"), "{detail}");
    let zh = client
        .get(app.url(&format!("{location}?lang=zh-CN")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(zh.contains("尚未到账"), "{zh}");
    let listed = client
        .get(app.url("/settlements"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(listed.contains("19482314502"));

    // Without the form's token nothing is imported.
    let forged = reqwest::multipart::Form::new().text("csrf", "forged").part(
        "file",
        reqwest::multipart::Part::bytes(V2_US.as_bytes().to_vec()).file_name("us.txt"),
    );
    let refused = client
        .post(app.url("/settlements/imports"))
        .multipart(forged)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM settlement_reports").await,
        1
    );
}

async fn refresh(world: &World, store: &BoundStore) -> Value {
    let response = store
        .client
        .post(world.ferry.url(&format!(
            "/api/v1/receiving-accounts/{}/settlement-refresh",
            store.receiving_account_id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn settlements(world: &World, store: &BoundStore) -> Value {
    store
        .client
        .get(world.ferry.url("/api/v1/settlements?lang=en"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_bound_stores_settlement_is_fetched_and_its_payout_reconciles_to_zero() {
    let world = world().await;
    let store = bound_store(&world, "clean").await;
    sandbox_post(
        &world.sandbox,
        "/sandbox/v1/orders",
        &json!({
            "seller_id": store.sandbox_seller_id, "marketplace_id": US,
            "fulfillment": "AFN", "delivery_days": 0,
            "items": [{ "sku": "MUG-BLUE", "quantity": 2, "item_price_minor": 1999,
                        "tax_minor": 160, "fba_fee_per_unit_minor": 350 }],
        }),
    )
    .await;
    sandbox_post(
        &world.sandbox,
        "/sandbox/v1/clock/advance",
        &json!({ "ms": 16 * DAY_MS + 60_000 }),
    )
    .await;
    // The sandbox's payout rail delivers the camt.054 to Ferry.
    let settlements_path = format!(
        "/sandbox/v1/sellers/{}/marketplaces/{US}/settlements",
        store.sandbox_seller_id
    );
    let mut closed = Value::Null;
    for _ in 0..150 {
        let listed: Value = reqwest::get(world.sandbox.url(&settlements_path))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        closed = listed["settlements"][0].clone();
        if closed["deposit"]["fund_transfer_status"] == "Succeeded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        closed["deposit"]["fund_transfer_status"], "Succeeded",
        "{closed}"
    );
    let settlement_id = closed["settlement_id"].as_i64().unwrap().to_string();
    let total = closed["total"]["amount_minor"].as_i64().unwrap();

    let refreshed = refresh(&world, &store).await;
    assert_eq!(refreshed["imported"], json!([settlement_id]), "{refreshed}");
    assert_eq!(refreshed["groups_matched"], 1, "{refreshed}");
    let listed = settlements(&world, &store).await;
    let ours = &listed["settlements"][0];
    assert_eq!(ours["settlement_id"], settlement_id.as_str());
    assert_eq!(ours["source"], "reports_api");
    assert_eq!(minor(&ours["total"]), total);
    assert_eq!(minor(&ours["received"]), total);
    assert_eq!(minor(&ours["difference"]), 0);
    assert_eq!(ours["status"], "matched", "{ours}");
    assert!(
        ours["reason"]
            .as_str()
            .unwrap()
            .starts_with("Received in full")
    );
    assert_eq!(ours["payout_ids"].as_array().unwrap().len(), 1);
    assert_eq!(
        ours["event_group"]["trace_id"], closed["deposit"]["trace_id"],
        "tied to the group's trace id"
    );
    assert_eq!(
        ours["event_group"]["account_tail"],
        &store.account_number[store.account_number.len() - 3..]
    );
    assert_eq!(listed["unmatched_credits"], json!([]));

    // A second refresh downloads nothing again.
    let again = refresh(&world, &store).await;
    assert_eq!(again["imported"], json!([]));
    assert_eq!(again["already_imported_reports"], 1);
    assert_eq!(
        world
            .ferry
            .count("SELECT COUNT(*) FROM settlement_reports")
            .await,
        1
    );
    // The page offers the same refresh as a form.
    let page = store
        .client
        .get(world.ferry.url("/settlements?lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Matched"), "{page}");
    assert!(page.contains("Refresh settlements"), "{page}");
    let posted = store
        .client
        .post(world.ferry.url("/settlements/refresh"))
        .form(&[
            ("csrf", csrf_of(&page)),
            ("receiving_account_id", store.receiving_account_id.clone()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303);
    assert_eq!(posted.headers()["location"], "/settlements");
}

fn text<const MAX: usize>(value: &str) -> IsoText<MAX> {
    IsoText::parse(value).unwrap()
}

/// A booked USD credit from Amazon to `account_number`, as a partner bank
/// notifies it.
fn camt054(account_number: &str, amount_minor: i64, end_to_end_id: &str) -> String {
    let account = AccountId::Other {
        id: text(account_number),
        scheme: Some(AccountScheme::Code(text("BBAN"))),
    };
    let amount = IsoAmount::new(Money::from_minor(amount_minor, Currency::USD)).unwrap();
    let now = time::OffsetDateTime::now_utc();
    write_v08(&CreditNotification {
        message_id: text(&format!("MSG-{end_to_end_id}")),
        created_at: IsoDateTime {
            local: time::PrimitiveDateTime::new(now.date(), now.time().truncate_to_second()),
            offset: Some(time::UtcOffset::UTC),
        },
        notification_id: text(&format!("NTF-{end_to_end_id}")),
        account: account.clone(),
        entries: vec![Entry {
            amount,
            direction: CreditDebit::Credit,
            status: EntryStatus::Booked,
            booking_date: Some(now.date()),
            value_date: Some(now.date()),
            bank_reference: Some(text(&format!("TRC{end_to_end_id}"))),
            bank_transaction_code: None,
            transactions: vec![TransactionDetails {
                amount,
                end_to_end_id: Some(text(end_to_end_id)),
                uetr: Some(Uetr::parse(&uuid::Uuid::new_v4().hyphenated().to_string()).unwrap()),
                instruction_id: None,
                debtor_name: Some(text("Amazon.com Services LLC")),
                debtor_account: None,
                debtor_agent_bic: None,
                creditor_name: None,
                creditor_account: account,
                remittance_info: vec![text(&format!("AMAZON SETTLEMENT {end_to_end_id} {US}"))],
            }],
        }],
    })
}

async fn notify(app: &TestApp, body: &str) {
    let now_s = time::OffsetDateTime::now_utc().unix_timestamp();
    let response = reqwest::Client::new()
        .post(app.url("/bank/v1/notifications"))
        .header("content-type", "application/xml")
        .header(
            "x-ferry-signature",
            sign(SIGNING_SECRET, now_s, body.as_bytes()),
        )
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

#[tokio::test]
async fn a_short_credit_shows_the_difference_and_why_and_a_stray_credit_is_unmatched() {
    let world = world().await;
    let store = bound_store(&world, "short").await;
    let mut report = settlement_report::parse(V2_US).unwrap();
    report.settlement_id = 18_600_000_001;
    let uploaded = upload_to(
        &world.ferry.address,
        &store.client,
        "short.txt",
        &write_v2(&report, ReportLocale::Us),
        Some(&store.receiving_account_id),
    )
    .await;
    assert_eq!(uploaded.status(), 201);
    // The bank took a 15.00 fee on the way.
    let total = report.total.amount_minor();
    notify(
        &world.ferry,
        &camt054(&store.account_number, total - 1_500, "18600000001"),
    )
    .await;
    notify(
        &world.ferry,
        &camt054(&store.account_number, 4_321, "18699999999"),
    )
    .await;

    let short: Value = store
        .client
        .get(world.ferry.url("/api/v1/settlements/18600000001?lang=en"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(minor(&short["total"]), 108_177);
    assert_eq!(minor(&short["received"]), 106_677);
    assert_eq!(minor(&short["difference"]), 1_500);
    assert_eq!(short["status"], "short");
    let reason = short["reason"].as_str().unwrap();
    assert!(reason.starts_with("Short by USD 15.00"), "{reason}");
    assert_eq!(
        short["receiving_account_id"],
        store.receiving_account_id.as_str()
    );

    let listed = settlements(&world, &store).await;
    let unmatched = listed["unmatched_credits"].as_array().unwrap();
    assert_eq!(unmatched.len(), 1, "{listed}");
    assert_eq!(unmatched[0]["amount_minor"], 4_321);
    assert!(
        unmatched[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("Unmatched credit"),
    );
    let page = store
        .client
        .get(world.ferry.url("/settlements/18600000001?lang=zh-CN"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("少到账 USD 15.00"), "{page}");
    assert!(page.contains("data-status=\"short\""), "{page}");
}

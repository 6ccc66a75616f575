//! SP-API Finances v0 and Reports 2021-06-30 on the sandbox's settlements,
//! validated against Amazon's models.

use crate::helpers::{RegisteredApp, TestApp, spawn_app, spawn_app_with};
use crate::settlements::{DAY_MS, US, simulate};
use crate::spapi_model::Model;
use ferry_domain::{Currency, Money};
use ferry_formats::settlement_report::parse;
use serde_json::Value;

const GROUPS: &str = "/finances/v0/financialEventGroups";
const EVENTS: &str = "/finances/v0/financialEventGroups/{eventGroupId}/financialEvents";
const REPORTS: &str = "/reports/2021-06-30/reports";
const REPORT: &str = "/reports/2021-06-30/reports/{reportId}";
const DOCUMENT: &str = "/reports/2021-06-30/documents/{reportDocumentId}";
const V2: &str = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2";

/// A seller with 30 days of activity in the US store (two closed periods
/// in each of its six stores) and a fresh access token (the clock jumped
/// past the first one's hour).
async fn seller_with_history(app: &TestApp) -> String {
    let (seller, registered, tokens) = app.authorized_seller("fin").await;
    app.advance_clock_ms(10 * DAY_MS).await;
    simulate(app, &seller, US, 11).await;
    app.advance_clock_ms(10 * DAY_MS).await;
    simulate(app, &seller, US, 12).await;
    app.advance_clock_ms(10 * DAY_MS).await;
    refreshed(app, &registered, tokens["refresh_token"].as_str().unwrap()).await
}

pub async fn refreshed(app: &TestApp, registered: &RegisteredApp, refresh_token: &str) -> String {
    let response = app
        .token_request(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", &registered.client_id),
            ("client_secret", &registered.client_secret),
        ])
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

async fn call(app: &TestApp, token: &str, path_and_query: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(app.url(path_and_query))
        .header("x-amz-access-token", token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn amount(value: &Value) -> Money {
    let currency = Currency::parse(value["CurrencyCode"].as_str().unwrap()).unwrap();
    Money::parse_major(&value["CurrencyAmount"].to_string(), currency).unwrap()
}

/// Every group of the seller, following NextToken with pages of `size`.
async fn all_groups(app: &TestApp, token: &str, size: u32, model: &Model) -> Vec<Value> {
    let mut groups = Vec::new();
    let mut query = format!("{GROUPS}?MaxResultsPerPage={size}");
    loop {
        let (status, body) = call(app, token, &query).await;
        assert_eq!(status, 200, "{body}");
        model.assert_response(GROUPS, 200, &body);
        let page = body["payload"]["FinancialEventGroupList"]
            .as_array()
            .unwrap();
        assert!(page.len() <= size as usize);
        groups.extend(page.iter().cloned());
        match body["payload"]["NextToken"].as_str() {
            Some(next) => query = format!("{GROUPS}?MaxResultsPerPage={size}&NextToken={next}"),
            None => return groups,
        }
    }
}

/// The sum of every amount in a FinancialEvents payload.
fn events_sum(events: &Value, currency: Currency) -> Money {
    let mut minor = 0;
    let mut add = |value: &Value| minor += amount(value).amount_minor();
    for list in ["ShipmentEventList", "RefundEventList"] {
        for event in events[list].as_array().into_iter().flatten() {
            for item_list in ["ShipmentItemList", "ShipmentItemAdjustmentList"] {
                for item in event[item_list].as_array().into_iter().flatten() {
                    for key in ["ItemChargeList", "ItemChargeAdjustmentList"] {
                        item[key]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .for_each(|c| add(&c["ChargeAmount"]));
                    }
                    for key in ["ItemFeeList", "ItemFeeAdjustmentList"] {
                        item[key]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .for_each(|f| add(&f["FeeAmount"]));
                    }
                    for withheld in item["ItemTaxWithheldList"].as_array().into_iter().flatten() {
                        withheld["TaxesWithheld"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .for_each(|c| add(&c["ChargeAmount"]));
                    }
                }
            }
        }
    }
    for event in events["ProductAdsPaymentEventList"]
        .as_array()
        .into_iter()
        .flatten()
    {
        add(&event["transactionValue"]);
    }
    for event in events["ServiceFeeEventList"]
        .as_array()
        .into_iter()
        .flatten()
    {
        event["FeeList"]
            .as_array()
            .into_iter()
            .flatten()
            .for_each(|f| add(&f["FeeAmount"]));
    }
    for event in events["AdjustmentEventList"]
        .as_array()
        .into_iter()
        .flatten()
    {
        add(&event["AdjustmentAmount"]);
    }
    Money::from_minor(minor, currency)
}

#[tokio::test]
async fn event_groups_page_filter_and_their_events_add_up_to_the_totals() {
    let app = spawn_app().await;
    let token = seller_with_history(&app).await;
    let model = Model::load("financesV0.json");

    let groups = all_groups(&app, &token, 4, &model).await;
    assert_eq!(groups.len(), 18, "three periods in each of six stores");
    let closed: Vec<&Value> = groups
        .iter()
        .filter(|g| g["ProcessingStatus"] == "Closed")
        .collect();
    assert_eq!(closed.len(), 12);
    assert!(
        closed
            .iter()
            .all(|g| g["FinancialEventGroupEnd"].is_string())
    );
    let open = groups
        .iter()
        .find(|g| g["ProcessingStatus"] == "Open")
        .unwrap();
    assert!(open.get("FinancialEventGroupEnd").is_none() && open.get("FundTransferDate").is_none());

    let us_closed: Vec<&Value> = closed
        .iter()
        .copied()
        .filter(|g| {
            g["OriginalTotal"]["CurrencyCode"] == "USD"
                && amount(&g["OriginalTotal"]).amount_minor() != 0
        })
        .collect();
    assert!(!us_closed.is_empty());
    for group in us_closed {
        let path = EVENTS.replace(
            "{eventGroupId}",
            group["FinancialEventGroupId"].as_str().unwrap(),
        );
        let (status, body) = call(&app, &token, &format!("{path}?MaxResultsPerPage=100")).await;
        assert_eq!(status, 200);
        model.assert_response(EVENTS, 200, &body);
        assert!(
            body["payload"].get("NextToken").is_none(),
            "fewer than 100 events"
        );
        let sum = events_sum(&body["payload"]["FinancialEvents"], Currency::USD);
        assert_eq!(sum, amount(&group["OriginalTotal"]), "{group}");
    }

    // Filters: the first two weeks only; more than 180 days apart: nothing.
    let (_, clock) = call(&app, &token, "/sandbox/v1/clock").await;
    let now_ms = clock["now_ms"].as_i64().unwrap();
    let iso = |ms: i64| {
        time::OffsetDateTime::from_unix_timestamp(ms / 1000)
            .unwrap()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    let first_week = format!(
        "{GROUPS}?FinancialEventGroupStartedAfter={}&FinancialEventGroupStartedBefore={}&MaxResultsPerPage=100",
        iso(now_ms - 31 * DAY_MS),
        iso(now_ms - 25 * DAY_MS)
    );
    let (status, body) = call(&app, &token, &first_week).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["payload"]["FinancialEventGroupList"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    let wide = format!(
        "{GROUPS}?FinancialEventGroupStartedAfter={}&FinancialEventGroupStartedBefore={}",
        iso(now_ms - 200 * DAY_MS),
        iso(now_ms - DAY_MS)
    );
    let (status, body) = call(&app, &token, &wide).await;
    assert_eq!(status, 200);
    model.assert_response(GROUPS, 200, &body);
    assert_eq!(
        body["payload"]["FinancialEventGroupList"],
        serde_json::json!([])
    );

    let refused = [
        format!(
            "{GROUPS}?FinancialEventGroupStartedAfter={}",
            iso(now_ms - 60_000)
        ),
        format!("{GROUPS}?FinancialEventGroupStartedAfter=last-week"),
        format!("{GROUPS}?MaxResultsPerPage=101"),
        format!("{GROUPS}?NextToken=forged"),
        format!(
            "{GROUPS}?FinancialEventGroupStartedAfter={}&FinancialEventGroupStartedBefore={}",
            iso(now_ms - DAY_MS),
            iso(now_ms - 2 * DAY_MS)
        ),
    ];
    for query in refused {
        let (status, body) = call(&app, &token, &query).await;
        assert_eq!(status, 400, "{query}");
        model.assert_response(GROUPS, 400, &body);
        assert_eq!(body["errors"][0]["code"], "InvalidInput");
    }
    let missing = EVENTS.replace("{eventGroupId}", "not-a-group");
    let (status, body) = call(&app, &token, &missing).await;
    assert_eq!(status, 404);
    model.assert_response(EVENTS, 404, &body);
}

#[tokio::test]
async fn settlement_reports_are_listed_and_downloaded_within_five_minutes() {
    let app = spawn_app().await;
    let token = seller_with_history(&app).await;
    let model = Model::load("reports_2021-06-30.json");

    let mut reports = Vec::new();
    let mut query = format!("{REPORTS}?reportTypes={V2}&pageSize=5");
    loop {
        let (status, body) = call(&app, &token, &query).await;
        assert_eq!(status, 200, "{body}");
        model.assert_response(REPORTS, 200, &body);
        reports.extend(body["reports"].as_array().unwrap().iter().cloned());
        match body["nextToken"].as_str() {
            Some(next) => query = format!("{REPORTS}?nextToken={next}"),
            None => break,
        }
    }
    assert_eq!(reports.len(), 12, "one per closed settlement");
    let (status, body) = call(
        &app,
        &token,
        &format!("{REPORTS}?reportTypes={V2}&marketplaceIds={US}"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["reports"].as_array().unwrap().len(), 2);
    let (_, legacy) = call(
        &app,
        &token,
        &format!("{REPORTS}?reportTypes=GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"),
    )
    .await;
    assert_eq!(
        legacy["reports"],
        serde_json::json!([]),
        "the V1 type was retired"
    );
    for bad in [
        REPORTS.to_string(),
        format!("{REPORTS}?nextToken=abc&pageSize=2"),
        format!("{REPORTS}?reportTypes={V2}&pageSize=0"),
        format!("{REPORTS}?reportTypes={V2}&processingStatuses=FINISHED"),
    ] {
        let (status, body) = call(&app, &token, &bad).await;
        assert_eq!(status, 400, "{bad}");
        model.assert_response(REPORTS, 400, &body);
    }

    let us_report = body["reports"][0].clone();
    let report_id = us_report["reportId"].as_str().unwrap();
    let (status, report) = call(&app, &token, &REPORT.replace("{reportId}", report_id)).await;
    assert_eq!(status, 200);
    model.assert_response(REPORT, 200, &report);
    assert_eq!(report, us_report);
    let document_id = report["reportDocumentId"].as_str().unwrap();
    let (status, document) = call(
        &app,
        &token,
        &DOCUMENT.replace("{reportDocumentId}", document_id),
    )
    .await;
    assert_eq!(status, 200);
    model.assert_response(DOCUMENT, 200, &document);
    assert!(document.get("compressionAlgorithm").is_none());
    let url = document["url"].as_str().unwrap();
    let download = reqwest::get(url).await.unwrap();
    assert_eq!(download.status(), 200);
    let parsed = parse(&download.text().await.unwrap()).expect("a V2 settlement report");
    parsed.verify_totals().expect("the details add up");

    app.advance_clock_ms(5 * 60 * 1000 + 1000).await;
    let expired = reqwest::get(url).await.unwrap();
    assert_eq!(expired.status(), 403, "the link expires after five minutes");
    let (status, body) = call(&app, &token, &REPORT.replace("{reportId}", "12345")).await;
    assert_eq!(status, 404);
    model.assert_response(REPORT, 404, &body);
}

#[tokio::test]
async fn documents_can_be_served_gzip_compressed() {
    let app = spawn_app_with(|settings| settings.report_documents_gzip = true).await;
    let token = seller_with_history(&app).await;
    let (_, body) = call(
        &app,
        &token,
        &format!("{REPORTS}?reportTypes={V2}&pageSize=1"),
    )
    .await;
    let document_id = body["reports"][0]["reportDocumentId"].as_str().unwrap();
    let (_, document) = call(
        &app,
        &token,
        &DOCUMENT.replace("{reportDocumentId}", document_id),
    )
    .await;
    Model::load("reports_2021-06-30.json").assert_response(DOCUMENT, 200, &document);
    assert_eq!(document["compressionAlgorithm"], "GZIP");
    let bytes = reqwest::get(document["url"].as_str().unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
        .unwrap();
    parse(&text).expect("the decompressed report parses");
}

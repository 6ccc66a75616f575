//! Opening receiving accounts: KYC gate, currencies and stores, numbers
//! with check digits issued without duplicates, and the account page.

use crate::helpers::error_of;
use crate::receiving_support::{
    LEGAL_NAME_EN, US, ferry_seller, field, open_account, sandbox_seller, world,
};
use ferry_domain::{AbaRoutingNumber, Iban, JpAccountNumber};
use serde_json::{Value, json};

#[tokio::test]
async fn a_usd_account_for_an_existing_store_shows_seller_centrals_us_fields_in_order() {
    let world = world().await;
    let client = ferry_seller(&world, "li@example.cn").await;
    let store = sandbox_seller(&world, "li", LEGAL_NAME_EN).await;
    let response = open_account(
        &world,
        &client,
        &json!({ "currency": "USD", "marketplace_id": US, "seller_id": store.seller_id }),
    )
    .await;
    assert_eq!(response.status(), 201);
    let account: Value = response.json().await.unwrap();
    let keys: Vec<&str> = account["seller_central"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| field["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "bank_location",
            "account_holder_name",
            "routing_number",
            "account_number",
            "account_type"
        ]
    );
    assert_eq!(field(&account, "bank_location"), "United States");
    assert_eq!(field(&account, "account_holder_name"), LEGAL_NAME_EN);
    assert_eq!(field(&account, "account_type"), "Checking");
    AbaRoutingNumber::parse(&field(&account, "routing_number")).expect("a valid ABA number");
    assert_eq!(field(&account, "account_number").len(), 12);
    assert_eq!(account["store"]["seller_id"], store.seller_id.as_str());
    assert!(account["swift"].to_string().contains("FRYSUS33"));

    let page = client
        .get(world.ferry.url(&format!(
            "/receiving-accounts/{}?lang=en",
            account["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("9-digit routing number") && page.contains("Copy"));
    assert!(page.contains("Deposit Methods") && page.contains("Set Deposit Method"));
    assert!(page.contains("FRYSUS33"), "SWIFT details are on the page");
    let page_zh = client
        .get(world.ferry.url(&format!(
            "/receiving-accounts/{}?lang=zh-CN",
            account["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page_zh.contains("复制") && page_zh.contains("存款方式"));

    let again = open_account(
        &world,
        &client,
        &json!({ "currency": "USD", "marketplace_id": US, "seller_id": store.seller_id }),
    )
    .await;
    let (status, code, message) = error_of(again).await;
    assert_eq!((status, code.as_str()), (409, "store_already_has_account"));
    assert!(message.contains("店铺"), "{message}");
}

#[tokio::test]
async fn wrong_inputs_get_specific_messages_and_change_nothing() {
    let world = world().await;
    let client = ferry_seller(&world, "wu@example.cn").await;
    let cases = [
        (
            json!({ "currency": "USD", "marketplace_id": US, "seller_id": "A1PA6795UKMFR9" }),
            422,
            "marketplace_id_as_seller_id",
        ),
        (
            json!({ "currency": "USD", "marketplace_id": US, "seller_id": "B12" }),
            422,
            "invalid_seller_id",
        ),
        (
            json!({ "currency": "EUR", "marketplace_id": US, "seller_id": "A2Q3Y263D00KWX" }),
            422,
            "marketplace_currency_mismatch",
        ),
        (json!({ "currency": "CHF" }), 422, "unsupported_currency"),
        (
            json!({ "currency": "JPY" }),
            422,
            "katakana_holder_required",
        ),
        (
            json!({ "currency": "JPY", "katakana_holder_name": "カ)フェリー" }),
            422,
            "invalid_katakana_holder",
        ),
        (
            json!({ "currency": "USD", "marketplace_id": "nowhere", "seller_id": "A2Q3Y263D00KWX" }),
            422,
            "unknown_marketplace",
        ),
    ];
    for (body, status, code) in cases {
        let (got_status, got_code, message) =
            error_of(open_account(&world, &client, &body).await).await;
        assert_eq!((got_status, got_code.as_str()), (status, code), "{body}");
        assert!(!message.is_empty());
    }
    let (_, _, message) = error_of(
        client
            .post(world.ferry.url("/api/v1/receiving-accounts?lang=en"))
            .json(&json!({ "currency": "USD", "marketplace_id": US, "seller_id": "ATVPDKIKX0DER" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        message.contains("ATVPDKIKX0DER is the marketplace ID of Amazon United States"),
        "{message}"
    );
    assert_eq!(
        world
            .ferry
            .count("SELECT COUNT(*) FROM receiving_accounts")
            .await,
        0
    );
}

#[tokio::test]
async fn accounts_wait_for_kyc_approval() {
    let world = world().await;
    let app = &world.ferry;
    app.register_and_activate("new@example.cn").await;
    let client = crate::helpers::new_client();
    app.sign_in(&client, "new@example.cn", crate::helpers::PASSWORD)
        .await;
    let (status, code, _) =
        error_of(open_account(&world, &client, &json!({ "currency": "USD" })).await).await;
    assert_eq!((status, code.as_str()), (403, "kyc_required"));
}

#[tokio::test]
async fn each_currency_gets_local_details_with_valid_check_digits() {
    let world = world().await;
    let client = ferry_seller(&world, "zhao@example.cn").await;
    let open = |body: Value| {
        let client = client.clone();
        let world = &world;
        async move {
            let response = open_account(world, &client, &body).await;
            assert_eq!(response.status(), 201);
            response.json::<Value>().await.unwrap()
        }
    };
    let eur = open(json!({ "currency": "EUR" })).await;
    let iban = Iban::parse(&field(&eur, "iban")).expect("a valid IBAN");
    assert_eq!(iban.country_code(), "DE");
    assert_eq!(field(&eur, "bic"), "FRYSDEFFXXX");
    assert!(eur["store"].is_null(), "no store yet");

    let jpy = open(json!({ "currency": "JPY", "katakana_holder_name": "ｶ)ﾌｴﾘ-" })).await;
    assert_eq!(field(&jpy, "account_holder_name"), "ｶ)ﾌｴﾘ-");
    assert_eq!(field(&jpy, "bank_code"), "0990");
    assert_eq!(field(&jpy, "branch_code"), "101");
    JpAccountNumber::parse(&field(&jpy, "account_number")).expect("7 digits");

    let gbp = open(json!({ "currency": "GBP" })).await;
    assert_eq!(field(&gbp, "sort_code"), "608371");
    assert!(
        Iban::parse(
            gbp["swift"].as_array().unwrap()[1]["value"]
                .as_str()
                .unwrap()
        )
        .is_ok(),
        "UK accounts get an IBAN for wires"
    );
    let cad = open(json!({ "currency": "CAD" })).await;
    assert_eq!(field(&cad, "institution_number"), "0399");
    assert_eq!(field(&cad, "transit_number"), "10202");
    let aud = open(json!({ "currency": "AUD" })).await;
    assert_eq!(field(&aud, "bsb"), "939200");

    let listed: Value = client
        .get(world.ferry.url("/api/v1/receiving-accounts"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["receiving_accounts"].as_array().unwrap().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_never_get_the_same_number() {
    let world = world().await;
    let client = ferry_seller(&world, "qian@example.cn").await;
    let requests = (0..12).map(|_| {
        let client = client.clone();
        let url = world.ferry.url("/api/v1/receiving-accounts");
        async move {
            let response = client
                .post(url)
                .json(&json!({ "currency": "USD" }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201);
            let account: Value = response.json().await.unwrap();
            account["account_number"].as_str().unwrap().to_string()
        }
    });
    let numbers = futures_join_all(requests).await;
    let distinct: std::collections::HashSet<&String> = numbers.iter().collect();
    assert_eq!(distinct.len(), numbers.len(), "{numbers:?}");
}

/// Runs the futures concurrently on the runtime.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    for handle in handles {
        outputs.push(handle.await.unwrap());
    }
    outputs
}

#[tokio::test]
async fn the_confirmation_letter_is_a_pdf_with_the_account_details() {
    let world = world().await;
    let client = ferry_seller(&world, "he@example.cn").await;
    let account: Value = open_account(&world, &client, &json!({ "currency": "GBP" }))
        .await
        .json()
        .await
        .unwrap();
    let response = client
        .get(world.ferry.url(&format!(
            "/receiving-accounts/{}/letter.pdf",
            account["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let pdf = response.bytes().await.unwrap();
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.starts_with("%PDF-1.4\n") && text.ends_with("%%EOF\n"));
    assert!(text.contains(&field(&account, "account_number")));
    assert!(text.contains("Bank sort code: 608371"));
    assert!(text.contains(LEGAL_NAME_EN));
    let xref_at: usize = text
        .rsplit("startxref\n")
        .next()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        text[xref_at..].starts_with("xref\n"),
        "the cross-reference offset is right"
    );
}

//! Conversions: exact quotes, execution once, expiry, altered
//! confirmations, and the ledger after all of it.

use crate::helpers::error_of;
use crate::money_support::{
    Seller, assert_ledger_verifies, available, counters, fund, money_app, transfer_count,
    verified_seller,
};
use ferry_domain::Currency;
use ferry_provider::wallets;
use serde_json::{Value, json};
use std::time::Duration;

async fn quote(app: &crate::helpers::TestApp, seller: &Seller, amount: &str) -> Value {
    let response = seller
        .post(
            app,
            "/api/v1/fx/quotes",
            &json!({ "sell_currency": "USD", "buy_currency": "CNY", "sell_amount": amount }),
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// The confirmation of `quote` exactly as shown.
fn as_shown(quote: &Value) -> Value {
    json!({
        "sell_currency": quote["sell"]["currency"],
        "sell_amount_minor": quote["sell"]["amount_minor"],
        "buy_currency": quote["buy"]["currency"],
        "buy_amount_minor": quote["buy"]["amount_minor"],
    })
}

fn execution(quote: &Value) -> String {
    format!(
        "/api/v1/fx/quotes/{}/execution",
        quote["id"].as_str().unwrap()
    )
}

#[tokio::test]
async fn a_quote_shows_mid_rate_margin_fee_and_net_and_executes_once() {
    let app = money_app(|_| {}).await;
    let seller = verified_seller(&app, "fx-once@example.com").await;
    fund(&app, &seller, Currency::USD, 100_000, "usd").await;

    let quote = quote(&app, &seller, "1000.00").await;
    // 1 USD = 9 / 1.25 = 7.2 CNY. Fee 1.00 USD first; 999.00 USD at the mid
    // rate is 7192.80 CNY; less 50 bps it is 7156.836, rounded down.
    assert_eq!(quote["status"], "open");
    assert_eq!(quote["mid_rate"], "7.2");
    assert_eq!(quote["sell"]["amount_minor"], 100_000);
    assert_eq!(quote["fee"]["amount_minor"], 100);
    assert_eq!(quote["fee"]["currency"], "USD");
    assert_eq!(quote["converted"]["amount_minor"], 99_900);
    assert_eq!(quote["amount_at_mid_rate"]["amount_minor"], 719_280);
    assert_eq!(quote["margin_bps"], 50);
    assert_eq!(quote["margin"]["amount_minor"], 3_597);
    assert_eq!(quote["margin"]["currency"], "CNY");
    assert_eq!(quote["customer_rate"], "7.164");
    assert_eq!(quote["buy"]["amount_minor"], 715_683);
    assert_eq!(quote["buy"]["amount"], "7156.83");
    assert_eq!(quote["rates_as_of"], "2026-11-20");
    assert_eq!(quote["rate_source"], "fixed");
    let ttl_ms =
        quote["expires_at_ms"].as_i64().unwrap() - quote["created_at_ms"].as_i64().unwrap();
    assert_eq!(ttl_ms, 30_000);

    let executed = seller
        .post(&app, &execution(&quote), &as_shown(&quote))
        .await;
    assert_eq!(executed.status(), 200);
    let executed: Value = executed.json().await.unwrap();
    assert_eq!(executed["status"], "executed");
    assert_eq!(available(&app, &seller, Currency::USD).await, 0);
    assert_eq!(available(&app, &seller, Currency::CNY).await, 715_683);
    assert_eq!(
        counters(&app, &wallets::fees_id(Currency::USD)).await,
        [0, 0, 0, 100]
    );
    assert_eq!(
        counters(&app, &wallets::fx_position_id(Currency::USD)).await,
        [0, 0, 0, 99_900]
    );
    assert_eq!(
        counters(&app, &wallets::fx_position_id(Currency::CNY)).await,
        [0, 715_683, 0, 0]
    );

    let again = seller
        .post(&app, &execution(&quote), &as_shown(&quote))
        .await;
    let (status, code, message) = error_of(again).await;
    assert_eq!((status, code.as_str()), (409, "quote_already_executed"));
    assert!(!message.is_empty());
    assert_eq!(available(&app, &seller, Currency::USD).await, 0);
    assert_eq!(available(&app, &seller, Currency::CNY).await, 715_683);
    assert_ledger_verifies(&app).await;
}

#[tokio::test]
async fn an_expired_quote_is_refused_and_moves_nothing() {
    let app = money_app(|settings| settings.fx.quote_ttl_secs = 1).await;
    let seller = verified_seller(&app, "fx-expired@example.com").await;
    fund(&app, &seller, Currency::USD, 100_000, "usd").await;
    let quote = quote(&app, &seller, "500.00").await;
    tokio::time::sleep(Duration::from_millis(1_300)).await;

    let late = seller
        .post(&app, &execution(&quote), &as_shown(&quote))
        .await;
    let (status, code, _) = error_of(late).await;
    assert_eq!((status, code.as_str()), (410, "quote_expired"));
    assert_eq!(available(&app, &seller, Currency::USD).await, 100_000);
    assert_eq!(available(&app, &seller, Currency::CNY).await, 0);
    let id = quote["id"].as_str().unwrap();
    assert_eq!(transfer_count(&app, &format!("fx:{id}:sell")).await, 0);
    assert_ledger_verifies(&app).await;
}

#[tokio::test]
async fn an_altered_confirmation_is_refused_and_the_quote_stays_open() {
    let app = money_app(|_| {}).await;
    let seller = verified_seller(&app, "fx-altered@example.com").await;
    fund(&app, &seller, Currency::USD, 100_000, "usd").await;
    let quote = quote(&app, &seller, "1000.00").await;

    let mut more = as_shown(&quote);
    more["buy_amount_minor"] = json!(715_684);
    let mut other_currency = as_shown(&quote);
    other_currency["buy_currency"] = json!("JPY");
    let mut smaller = as_shown(&quote);
    smaller["sell_amount_minor"] = json!(99_999);
    for altered in [more, other_currency, smaller] {
        let refused = seller.post(&app, &execution(&quote), &altered).await;
        let (status, code, _) = error_of(refused).await;
        assert_eq!((status, code.as_str()), (409, "quote_altered"), "{altered}");
    }
    assert_eq!(available(&app, &seller, Currency::USD).await, 100_000);
    assert_eq!(available(&app, &seller, Currency::CNY).await, 0);

    let executed = seller
        .post(&app, &execution(&quote), &as_shown(&quote))
        .await;
    assert_eq!(executed.status(), 200);
    assert_eq!(available(&app, &seller, Currency::CNY).await, 715_683);
    assert_ledger_verifies(&app).await;
}

#[tokio::test]
async fn a_quote_without_the_money_fails_and_stays_failed() {
    let app = money_app(|_| {}).await;
    let seller = verified_seller(&app, "fx-poor@example.com").await;
    fund(&app, &seller, Currency::USD, 50_000, "usd").await;
    let quote = quote(&app, &seller, "1000.00").await;

    let refused = seller
        .post(&app, &execution(&quote), &as_shown(&quote))
        .await;
    let (status, code, _) = error_of(refused).await;
    assert_eq!((status, code.as_str()), (422, "insufficient_funds"));
    fund(&app, &seller, Currency::USD, 50_000, "more").await;
    let retried = seller
        .post(&app, &execution(&quote), &as_shown(&quote))
        .await;
    let (status, code, _) = error_of(retried).await;
    assert_eq!((status, code.as_str()), (409, "quote_failed"));
    assert_eq!(available(&app, &seller, Currency::USD).await, 100_000);
    assert_eq!(available(&app, &seller, Currency::CNY).await, 0);
    assert_ledger_verifies(&app).await;
}

#[tokio::test]
async fn bad_quote_requests_are_refused_with_codes() {
    let app = money_app(|_| {}).await;
    let seller = verified_seller(&app, "fx-bad@example.com").await;
    for (body, expected) in [
        (
            json!({ "sell_currency": "USD", "buy_currency": "USD", "sell_amount": "10" }),
            "fx_same_currency",
        ),
        (
            json!({ "sell_currency": "USD", "buy_currency": "AED", "sell_amount": "10" }),
            "fx_pair_unavailable",
        ),
        (
            json!({ "sell_currency": "USD", "buy_currency": "CNY", "sell_amount": "-5" }),
            "invalid_amount",
        ),
        (
            json!({ "sell_currency": "USD", "buy_currency": "CNY", "sell_amount": "1.001" }),
            "invalid_amount",
        ),
        (
            json!({ "sell_currency": "USD", "buy_currency": "CNY", "sell_amount": "1.00" }),
            "fx_fee_exceeds_amount",
        ),
        (
            json!({ "sell_currency": "XYZ", "buy_currency": "CNY", "sell_amount": "1.00" }),
            "invalid_currency",
        ),
    ] {
        let response = seller.post(&app, "/api/v1/fx/quotes", &body).await;
        let (status, code, _) = error_of(response).await;
        assert_eq!((status, code.as_str()), (422, expected), "{body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM fx_quotes").await, 0);
}

#[tokio::test]
async fn the_bundled_ecb_snapshot_is_the_default_source() {
    let app = crate::helpers::spawn_app().await;
    app.register_and_activate("fx-rates@example.com").await;
    let client = crate::helpers::new_client();
    assert_eq!(
        app.sign_in(&client, "fx-rates@example.com", crate::helpers::PASSWORD)
            .await
            .status(),
        200
    );
    let rates: Value = client
        .get(app.url("/api/v1/fx/rates"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rates["base"], "EUR");
    assert_eq!(rates["rates_as_of"], "2026-11-20");
    assert_eq!(rates["rate_source"], "ecb_bundled_snapshot");
    let usd = rates["rates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rate| rate["currency"] == "USD")
        .unwrap();
    assert_eq!(usd["per_eur"], "1.1582");
    let page = client.get(app.url("/fx?lang=en")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Rates as of"), "{html}");
    assert!(html.contains("2026-11-20"));
}

#[tokio::test]
async fn the_quote_page_shows_every_number_and_confirms_with_csrf() {
    let app = money_app(|_| {}).await;
    let seller = verified_seller(&app, "fx-page@example.com").await;
    fund(&app, &seller, Currency::USD, 100_000, "usd").await;
    let page = seller
        .client
        .get(app.url("/fx"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    let shown = seller
        .client
        .post(app.url("/fx/quotes?lang=en"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("sell_currency", "USD"),
            ("sell_amount", "1000.00"),
            ("buy_currency", "CNY"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(shown.status(), 200);
    let html = shown.text().await.unwrap();
    for expected in [
        "1 USD = 7.2 CNY",
        "50 bps (0.50 %) = 35.97 CNY",
        "1.00 USD",
        "7156.83 CNY",
        "2026-11-20",
    ] {
        assert!(html.contains(expected), "{expected} in {html}");
    }
    let action = html
        .split("action=\"/fx/quotes/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    let forged = seller
        .client
        .post(app.url(&format!("/fx/quotes/{action}")))
        .form(&[
            ("csrf", "forged"),
            ("sell_currency", "USD"),
            ("sell_amount_minor", "100000"),
            ("buy_currency", "CNY"),
            ("buy_amount_minor", "715683"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let confirmed = seller
        .client
        .post(app.url(&format!("/fx/quotes/{action}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("sell_currency", "USD"),
            ("sell_amount_minor", "100000"),
            ("buy_currency", "CNY"),
            ("buy_amount_minor", "715683"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 303);
    assert_eq!(available(&app, &seller, Currency::CNY).await, 715_683);
    assert_ledger_verifies(&app).await;
}

#[tokio::test]
async fn concurrent_executions_of_one_quote_move_the_money_once() {
    let app = money_app(|_| {}).await;
    let seller = verified_seller(&app, "fx-race@example.com").await;
    fund(&app, &seller, Currency::USD, 100_000, "usd").await;
    let quote = quote(&app, &seller, "1000.00").await;
    let path = execution(&quote);
    let confirmation = as_shown(&quote);
    let (a, b, c) = tokio::join!(
        seller.post(&app, &path, &confirmation),
        seller.post(&app, &path, &confirmation),
        seller.post(&app, &path, &confirmation),
    );
    let mut statuses = vec![
        a.status().as_u16(),
        b.status().as_u16(),
        c.status().as_u16(),
    ];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409, 409]);
    assert_eq!(available(&app, &seller, Currency::USD).await, 0);
    assert_eq!(available(&app, &seller, Currency::CNY).await, 715_683);
    assert_ledger_verifies(&app).await;
}

/// Serves `xml` as the ECB's daily file on a local port, counting requests.
async fn fake_ecb(xml: &'static str) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let hits = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let router = axum::Router::new().route(
        "/stats/eurofxref/eurofxref-daily.xml",
        axum::routing::get(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            async move { xml }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (
        format!("http://{address}/stats/eurofxref/eurofxref-daily.xml"),
        hits,
    )
}

#[tokio::test]
async fn rates_come_from_the_ecb_file_when_configured() {
    const ECB_FILE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <gesmes:Envelope xmlns:gesmes=\"http://www.gesmes.org/xml/2002-08-01\" xmlns=\"http://www.ecb.int/vocabulary/2002-08-01/eurofxref\">\
        <gesmes:subject>Reference rates</gesmes:subject><Cube><Cube time='2026-11-23'>\
        <Cube currency='USD' rate='1.25'/><Cube currency='JPY' rate='180.10'/><Cube currency='CNY' rate='9.0000'/>\
        </Cube></Cube></gesmes:Envelope>";
    let (url, hits) = fake_ecb(ECB_FILE).await;
    let app = crate::helpers::spawn_app_with(|settings| {
        settings.fx.source = ferry_provider::fx::RateSourceKind::EcbUrl;
        settings.fx.ecb_url = url;
        settings.fx.margin_bps = 50;
        settings.fx.fees = [("USD".to_string(), 100)].into_iter().collect();
    })
    .await;
    let seller = verified_seller(&app, "fx-ecb@example.com").await;
    let rates = seller.get(&app, "/api/v1/fx/rates").await;
    assert_eq!(rates["rates_as_of"], "2026-11-23");
    assert_eq!(rates["rate_source"], "ecb_daily");
    assert_eq!(rates["rates"].as_array().unwrap().len(), 4); // EUR, CNY, JPY, USD
    let quote = quote(&app, &seller, "1000.00").await;
    assert_eq!(quote["mid_rate"], "7.2");
    assert_eq!(quote["buy"]["amount_minor"], 715_683);
    assert_eq!(quote["rates_as_of"], "2026-11-23");
    // Fetched once and kept for `refresh_secs` (an hour by default).
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
}

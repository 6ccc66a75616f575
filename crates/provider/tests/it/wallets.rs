//! Wallets: balances, history, statements and charts, read from the ledger.
//!
//! Money gets into the wallets the way the inbound payout feature will put
//! it there: ledger transfers (debit `bank:{C}`, credit `wallet:{seller}:{C}`,
//! code PAYOUT_RECEIVED, reference = a receiving account opened through the
//! API). They are applied with the ledger's own store (`ferry_ledger::store::
//! apply`, the real component the batching writer uses) on the test app's
//! database, stamped with chosen times so statements cover known days.

use crate::helpers::{PASSWORD, TestApp, error_of, new_client, spawn_app};
use crate::receiving_support::approve_kyc;
use ferry_domain::Currency;
use ferry_ledger::{Transfer, TransferFlags};
use ferry_provider::wallets::{self, transfer_code};
use serde_json::{Value, json};

const US: &str = "ATVPDKIKX0DER";
const DE: &str = "A1PA6795UKMFR9";
const STORE: &str = "A1B2C3D4E5F6G7";

/// Milliseconds since the epoch of a UTC date and time.
fn at(date: &str, time: &str) -> i64 {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let parsed = time::PrimitiveDateTime::parse(&format!("{date} {time}"), format).unwrap();
    ferry_platform::db::unix_ms(parsed.assume_utc())
}

async fn signed_in_seller(app: &TestApp, email: &str) -> (reqwest::Client, String) {
    app.register_and_activate(email).await;
    let client = new_client();
    assert_eq!(app.sign_in(&client, email, PASSWORD).await.status(), 200);
    let me: Value = client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (client, me["account_id"].as_str().unwrap().to_string())
}

async fn open_receiving(app: &TestApp, client: &reqwest::Client, body: Value) -> String {
    let response = client
        .post(app.url("/api/v1/receiving-accounts"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let account: Value = response.json().await.unwrap();
    account["id"].as_str().unwrap().to_string()
}

fn transfer(id: &str, debit: String, credit: String, minor: i64, currency: Currency) -> Transfer {
    Transfer {
        id: id.into(),
        debit_account_id: debit,
        credit_account_id: credit,
        amount: minor,
        ledger: wallets::ledger_of(currency),
        code: transfer_code::PAYOUT_RECEIVED,
        flags: TransferFlags::default(),
        pending_id: None,
        expires_at_ms: 0,
        reference: None,
    }
}

fn payout(id: &str, seller: &str, currency: Currency, minor: i64, receiving: &str) -> Transfer {
    Transfer {
        reference: Some(receiving.into()),
        ..transfer(
            id,
            wallets::bank_id(currency),
            wallets::wallet_id(seller, currency),
            minor,
            currency,
        )
    }
}

async fn apply_at(app: &TestApp, at_ms: i64, transfers: Vec<Transfer>) {
    let results = ferry_ledger::store::apply(&app.db, &[&transfers], at_ms)
        .await
        .unwrap();
    assert!(results[0].iter().all(|r| r.is_ok()), "{results:?}");
}

/// A seller with a USD wallet and a EUR wallet:
/// USD: 1000.00 (Sep 20, store) · 250.50 (Oct 5, store) · 99.99 (Oct 6, no
/// store) · −5.00 fee (Oct 10) · 300.00 withdrawal pending (Oct 12) · 10.00
/// (Nov 2, store). EUR: 42.00 (Oct 7, DE store).
struct Funded {
    client: reqwest::Client,
    seller: String,
    store_account: String,
    no_store_account: String,
}

async fn funded_seller(app: &TestApp) -> Funded {
    let (client, seller) = signed_in_seller(app, "wallet-owner@example.cn").await;
    approve_kyc(app, &client).await;
    let store_account = open_receiving(
        app,
        &client,
        json!({ "currency": "USD", "marketplace_id": US, "seller_id": STORE }),
    )
    .await;
    let no_store_account = open_receiving(app, &client, json!({ "currency": "USD" })).await;
    let de_account = open_receiving(
        app,
        &client,
        json!({ "currency": "EUR", "marketplace_id": DE, "seller_id": STORE }),
    )
    .await;
    let (usd, eur) = (Currency::USD, Currency::EUR);
    for currency in [usd, eur] {
        wallets::open(&app.db, &seller, currency, 0).await.unwrap();
    }
    apply_at(
        app,
        at("2026-09-20", "12:00:00"),
        vec![payout("payout:1", &seller, usd, 100_000, &store_account)],
    )
    .await;
    apply_at(
        app,
        at("2026-10-05", "10:00:00"),
        vec![payout("payout:2", &seller, usd, 25_050, &store_account)],
    )
    .await;
    apply_at(
        app,
        at("2026-10-06", "09:30:00"),
        vec![payout("payout:3", &seller, usd, 9_999, &no_store_account)],
    )
    .await;
    apply_at(
        app,
        at("2026-10-07", "11:00:00"),
        vec![payout("payout:4", &seller, eur, 4_200, &de_account)],
    )
    .await;
    let fee = Transfer {
        code: transfer_code::WITHDRAWAL_FEE,
        // A reference with a comma and quotes exercises CSV quoting.
        reference: Some("wd \"1\", rush".into()),
        ..transfer(
            "fee:1",
            wallets::wallet_id(&seller, usd),
            wallets::fees_id(usd),
            500,
            usd,
        )
    };
    apply_at(app, at("2026-10-10", "08:00:00"), vec![fee]).await;
    let withdrawal = Transfer {
        code: transfer_code::WITHDRAWAL,
        flags: TransferFlags(TransferFlags::PENDING),
        ..transfer(
            "withdrawal:1",
            wallets::wallet_id(&seller, usd),
            wallets::clearing_id(usd),
            30_000,
            usd,
        )
    };
    apply_at(app, at("2026-10-12", "16:45:00"), vec![withdrawal]).await;
    apply_at(
        app,
        at("2026-11-02", "00:00:00"),
        vec![payout("payout:5", &seller, usd, 1_000, &store_account)],
    )
    .await;
    Funded {
        client,
        seller,
        store_account,
        no_store_account,
    }
}

async fn get_json(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, Value) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn balances_history_and_statements_come_from_the_ledger() {
    let app = spawn_app().await;
    let funded = funded_seller(&app).await;
    let client = &funded.client;

    let (status, body) = get_json(&app, client, "/api/v1/wallets").await;
    assert_eq!(status, 200);
    assert_eq!(
        body["wallets"],
        json!([
            { "currency": "EUR", "posted": "42.00", "posted_minor": 4200,
              "available": "42.00", "available_minor": 4200, "pending": "0.00", "pending_minor": 0 },
            { "currency": "USD", "posted": "1355.49", "posted_minor": 135_549,
              "available": "1055.49", "available_minor": 105_549, "pending": "300.00", "pending_minor": 30_000 },
        ])
    );
    // The same numbers as the ledger's own counters.
    let ledger = ferry_ledger::lookup_accounts(
        &app.db,
        &[wallets::wallet_id(&funded.seller, Currency::USD)],
    )
    .await
    .unwrap();
    assert_eq!(ledger[0].credit_balance_posted(), 135_549);
    assert_eq!(ledger[0].credit_balance_available(), 105_549);

    // History, newest first, two at a time.
    let mut ids = Vec::new();
    let mut path = "/api/v1/wallets/USD/transactions?limit=2&lang=en".to_string();
    let mut pages = 0;
    loop {
        let (status, page) = get_json(&app, client, &path).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        for row in page["transactions"].as_array().unwrap() {
            ids.push(row["id"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                path = format!("/api/v1/wallets/USD/transactions?limit=2&cursor={cursor}&lang=en")
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        ids,
        [
            "payout:5",
            "withdrawal:1",
            "fee:1",
            "payout:3",
            "payout:2",
            "payout:1"
        ]
    );
    let (_, first) = get_json(
        &app,
        client,
        "/api/v1/wallets/USD/transactions?limit=2&lang=en",
    )
    .await;
    assert_eq!(
        first["transactions"][1],
        json!({
            "id": "withdrawal:1", "created_at_ms": at("2026-10-12", "16:45:00"),
            "kind": "withdrawal", "label": "Withdrawal", "status": "pending",
            "amount": "-300.00", "amount_minor": -30_000,
            "posted_change": "0.00", "posted_change_minor": 0,
            "currency": "USD", "reference": null,
        })
    );
    assert_eq!(
        first["transactions"][0]["reference"],
        json!(funded.store_account)
    );
    for (query, code) in [
        ("limit=0", "invalid_limit"),
        ("cursor=bm9wZQ", "invalid_cursor"),
    ] {
        let response = client
            .get(app.url(&format!("/api/v1/wallets/USD/transactions?{query}")))
            .send()
            .await
            .unwrap();
        let (status, got, _) = error_of(response).await;
        assert_eq!((status, got.as_str()), (422, code), "{query}");
    }

    // October's statement: opening + rows = closing, to the cent.
    let response = client
        .get(app.url("/api/v1/wallets/USD/statement.csv?from=2026-10-01&to=2026-10-31&lang=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"ferry-USD-2026-10-01-2026-10-31.csv\""
    );
    let csv = response.text().await.unwrap();
    let expected = [
        "date_utc,description,status,reference,transfer_id,amount,balance,currency".to_string(),
        "2026-10-01,Opening balance,,,,,1000.00,USD".to_string(),
        format!(
            "2026-10-05 10:00:00,Payout received,posted,{},payout:2,250.50,1250.50,USD",
            funded.store_account
        ),
        format!(
            "2026-10-06 09:30:00,Payout received,posted,{},payout:3,99.99,1350.49,USD",
            funded.no_store_account
        ),
        "2026-10-10 08:00:00,Withdrawal fee,posted,\"wd \"\"1\"\", rush\",fee:1,-5.00,1345.49,USD"
            .to_string(),
        "2026-10-31,Closing balance,,,,,1345.49,USD".to_string(),
    ]
    .map(|line| line + "\r\n")
    .concat();
    assert_eq!(csv, expected);

    // A statement in Chinese names the rows in Chinese, with the same numbers.
    let zh = client
        .get(app.url("/api/v1/wallets/USD/statement.csv?from=2026-09-01&to=2026-09-30&lang=zh-CN"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(zh.contains("期初余额,,,,,0.00,USD\r\n"), "{zh}");
    assert!(zh.contains("平台回款,posted,"), "{zh}");
    assert!(zh.ends_with("期末余额,,,,,1000.00,USD\r\n"), "{zh}");
    for (query, code) in [
        ("from=2026-10-31&to=2026-10-01", "invalid_period"),
        ("from=01.10.2026", "invalid_date"),
    ] {
        let response = client
            .get(app.url(&format!("/api/v1/wallets/USD/statement.csv?{query}")))
            .send()
            .await
            .unwrap();
        let (status, got, _) = error_of(response).await;
        assert_eq!((status, got.as_str()), (422, code), "{query}");
    }
}

/// The `<svg>` element whose title id is `id`-title.
fn svg_with<'a>(page: &'a str, id: &str) -> &'a str {
    let marker = format!("aria-labelledby=\"{id}-title {id}-desc\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no chart {id}"));
    let end = start + page[start..].find("</svg>").unwrap();
    &page[start..end]
}

#[tokio::test]
async fn the_page_shows_balances_history_and_both_charts() {
    let app = spawn_app().await;
    let funded = funded_seller(&app).await;
    let page = funded
        .client
        .get(app.url("/wallets?lang=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<td class=\"available\">USD 1,055.49</td>"),
        "{html}"
    );
    assert!(html.contains("<td class=\"pending\">USD 300.00</td>"));
    assert!(html.contains("<td class=\"posted\">EUR 42.00</td>"));

    // Balance over time: one point per posted change (the pending
    // withdrawal moves no posted money).
    let usd = svg_with(&html, "balance-USD");
    assert_eq!(usd.matches("<circle class=\"point\"").count(), 5);
    assert!(usd.contains("<title id=\"balance-USD-title\">USD balance over time</title>"));
    assert!(usd.contains("2026-10-05 10:00:00 UTC: USD 1,250.50"));
    assert!(
        usd.contains(">2026-09-20</text>"),
        "the first date on the axis"
    );
    assert!(
        usd.contains(">USD 1,355.49</text>"),
        "the top of the amount axis"
    );
    assert_eq!(
        svg_with(&html, "balance-EUR")
            .matches("<circle class=\"point\"")
            .count(),
        1
    );

    // Payouts per store: the US store and "no store yet" in USD, the DE
    // store in EUR.
    let usd_bars = svg_with(&html, "payouts-USD");
    assert_eq!(usd_bars.matches("<rect class=\"bar\"").count(), 2);
    assert!(
        usd_bars.contains("<title>Amazon US · A1B2C3D4E5F6G7: USD 1,260.50</title>"),
        "{usd_bars}"
    );
    assert!(usd_bars.contains("<title>No store yet: USD 99.99</title>"));
    let eur_bars = svg_with(&html, "payouts-EUR");
    assert_eq!(eur_bars.matches("<rect class=\"bar\"").count(), 1);
    assert!(eur_bars.contains("Amazon DE · A1B2C3D4E5F6G7: EUR 42.00"));

    // History of the first wallet (EUR) and a tab to USD; links to statements.
    assert!(html.contains("href=\"/wallets?currency=USD\""));
    assert!(html.contains("/api/v1/wallets/EUR/statement.csv?from="));
    let usd_page = funded
        .client
        .get(app.url("/wallets?currency=USD&lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(usd_page.matches("<td>Payout received</td>").count(), 4);
    assert!(usd_page.contains("<td>Pending</td>"));

    // The dashboard links here, in both languages.
    let dashboard = funded
        .client
        .get(app.url("/dashboard"))
        .send()
        .await
        .unwrap();
    assert!(
        dashboard
            .text()
            .await
            .unwrap()
            .contains("href=\"/wallets\"")
    );
    let zh = funded
        .client
        .get(app.url("/wallets?lang=zh-CN"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(zh.contains("USD 余额走势"), "{zh}");

    // The statement form sends the browser to the CSV.
    let redirect = funded
        .client
        .get(app.url("/wallets/statement?currency=USD&from=2026-10-01&to="))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), 303);
    assert_eq!(
        redirect.headers()["location"],
        "/api/v1/wallets/USD/statement.csv?from=2026-10-01&to="
    );
}

#[tokio::test]
async fn another_sellers_wallet_is_never_visible() {
    let app = spawn_app().await;
    let funded = funded_seller(&app).await;
    let (other, _) = signed_in_seller(&app, "someone-else@example.cn").await;
    let (status, body) = get_json(&app, &other, "/api/v1/wallets").await;
    assert_eq!((status, body), (200, json!({ "wallets": [] })));
    for path in [
        "/api/v1/wallets/USD/transactions",
        "/api/v1/wallets/USD/statement.csv?from=2026-10-01&to=2026-10-31",
    ] {
        let (status, code, _) = error_of(other.get(app.url(path)).send().await.unwrap()).await;
        assert_eq!((status, code.as_str()), (404, "wallet_not_found"), "{path}");
    }
    let page = other.get(app.url("/wallets?lang=en")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("You have no wallet yet"));
    assert!(!html.contains("1,355.49") && !html.contains(&funded.store_account));
    let foreign = other
        .get(app.url("/wallets?currency=USD"))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 200, "no wallet at all: the empty page");

    // Signed out: the API answers 401 and the page sends to sign-in.
    let anonymous = new_client();
    let (status, code, _) = error_of(
        anonymous
            .get(app.url("/api/v1/wallets"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, code.as_str()), (401, "not_signed_in"));
    let page = anonymous.get(app.url("/wallets")).send().await.unwrap();
    assert_eq!(page.status(), 303);
}

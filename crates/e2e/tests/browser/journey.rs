//! Issue 10 as a seller meets it, in one browser and in Chinese at Ferry:
//! after binding an amazon.com store (see `store_binding`), the store sells,
//! the sandbox closes the settlement and pays Ferry; the seller sees the
//! money in the wallet, reconciles the settlement to a difference of zero,
//! converts part of the dollars to yuan and withdraws yuan to a UnionPay
//! card until the bank has paid it.

use crate::harness::Browser;
use crate::store_binding::{BoundStore, DAY_MS, LEGAL_NAME_ZH, US, bind_a_store, sandbox_json};
use serde_json::{Value, json};
use std::time::Duration;
use thirtyfour::prelude::*;

/// A UnionPay number that passes Luhn and that the sandbox bank pays.
const CARD_NUMBER: &str = "6222020200112233446";
const BANK: &str = "中国工商银行";
const ORDERS: usize = 3;
/// Part of the settled dollars the seller converts.
const SELL_USD_MINOR: i64 = 50_000;
const WITHDRAW_CNY_MINOR: i64 = 100_000;
/// The CNY terms of the default settings: 0.10 %, at least 2.00 CNY.
const WITHDRAWAL_FEE_CNY_MINOR: i64 = 200;

#[tokio::test]
#[ignore = "needs Chromium; run by .ci/run with --ignored"]
async fn the_whole_journey_in_chinese() {
    let mut bound = bind_a_store("journey").await;
    let total_usd_minor = sell_and_settle(&bound).await;

    let usd = wallet_available(&mut bound, "USD", total_usd_minor, "wallet-settled").await;
    assert_eq!(usd, total_usd_minor);
    reconcile(&mut bound, total_usd_minor).await;
    let cny_minor = convert(&mut bound).await;
    let usd = wallet_available(
        &mut bound,
        "USD",
        total_usd_minor - SELL_USD_MINOR,
        "wallet-converted",
    )
    .await;
    assert_eq!(usd, total_usd_minor - SELL_USD_MINOR);
    withdraw(&mut bound).await;
    let left = cny_minor - WITHDRAW_CNY_MINOR - WITHDRAWAL_FEE_CNY_MINOR;
    assert_eq!(
        wallet_available(&mut bound, "CNY", left, "wallet-withdrawn").await,
        left
    );
    bound.browser.close().await;
}

/// Orders for the store, then the sandbox's clock past the settlement's
/// close and payout; returns the settlement total the sandbox paid.
async fn sell_and_settle(bound: &BoundStore) -> i64 {
    let http = reqwest::Client::new();
    let marketplace = &bound.marketplace.url;
    for _ in 0..ORDERS {
        let response = http
            .post(format!("{marketplace}/sandbox/v1/orders"))
            .json(&json!({
                "seller_id": bound.seller_id, "marketplace_id": US,
                "fulfillment": "AFN", "delivery_days": 0,
                "items": [{ "sku": "MUG-BLUE", "quantity": 10, "item_price_minor": 4999,
                            "tax_minor": 400, "fba_fee_per_unit_minor": 350 }],
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    }
    let advanced = http
        .post(format!("{marketplace}/sandbox/v1/clock/advance"))
        .json(&json!({ "ms": 16 * DAY_MS + 60_000 }))
        .send()
        .await
        .unwrap();
    assert!(advanced.status().is_success(), "{advanced:?}");

    let path = format!(
        "/sandbox/v1/sellers/{}/marketplaces/{US}/settlements",
        bound.seller_id
    );
    let mut closed = Value::Null;
    for _ in 0..300 {
        closed = sandbox_json(&bound.marketplace, &path).await["settlements"][0].clone();
        if closed["deposit"]["fund_transfer_status"] == "Succeeded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        closed["deposit"]["fund_transfer_status"], "Succeeded",
        "{closed}"
    );
    let total = closed["total"]["amount_minor"].as_i64().unwrap();
    assert!(total > SELL_USD_MINOR, "{closed}");
    total
}

/// Minor units of an amount as a page shows it: "USD 1,234.56", "1234.56 CNY".
fn minor_units(shown: &str) -> i64 {
    let digits: String = shown.chars().filter(char::is_ascii_digit).collect();
    assert!(shown.contains('.'), "an amount with cents: {shown}");
    digits
        .parse()
        .unwrap_or_else(|_| panic!("an amount: {shown}"))
}

async fn text_of(browser: &Browser, css: &str) -> String {
    let Ok(element) = browser.driver.find(By::Css(css)).await else {
        panic!("{css}: {}", browser.text().await)
    };
    element.text().await.unwrap()
}

/// Brings a part further down the page into the screenshot.
async fn scroll_to(browser: &Browser, css: &str) {
    let Ok(element) = browser.driver.find(By::Css(css)).await else {
        panic!("{css}: {}", browser.text().await)
    };
    element.scroll_into_view().await.unwrap();
}

/// Opens 钱包 until the available balance in `currency` is `expected`
/// (the money arrives asynchronously), saves the page and returns what it
/// shows.
async fn wallet_available(
    bound: &mut BoundStore,
    currency: &str,
    expected: i64,
    shot: &str,
) -> i64 {
    let browser = &mut bound.browser;
    let url = format!("{}/wallets?lang=zh-CN", bound.provider.url);
    let css = format!("tr[data-currency='{currency}'] td.available");
    let mut shown = 0;
    for _ in 0..60 {
        browser.goto(&url).await;
        if let Ok(cell) = browser.driver.find(By::Css(css.clone())).await {
            shown = minor_units(&cell.text().await.unwrap());
            if shown == expected {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(browser.text().await.contains("余额"));
    browser.shot(shot).await;
    shown
}

/// 结算与对账: refresh the bound store's settlements, see the one the
/// sandbox paid matched to the cent, and its detail page.
async fn reconcile(bound: &mut BoundStore, total_usd_minor: i64) {
    let browser = &mut bound.browser;
    browser
        .goto(&format!("{}/settlements?lang=zh-CN", bound.provider.url))
        .await;
    browser.shot("settlements-before-refresh").await;
    let refresh = browser
        .driver
        .find(By::XPath(
            "//form[@action='/settlements/refresh']//button[contains(., 'USD')]",
        ))
        .await
        .expect("the refresh button of the USD store");
    browser.click_and_wait(&refresh).await;
    browser
        .goto(&format!("{}/settlements?lang=zh-CN", bound.provider.url))
        .await;
    let list = browser.text().await;
    browser.shot("settlements").await;
    let difference = browser
        .driver
        .find(By::Css("td[data-difference]"))
        .await
        .unwrap_or_else(|_| panic!("a settlement row: {list}"));
    assert_eq!(
        difference.attr("data-difference").await.unwrap().as_deref(),
        Some("0"),
        "{list}"
    );
    assert!(list.contains("已对平"), "{list}");

    let link = browser
        .driver
        .find(By::Css("a[href^='/settlements/']"))
        .await
        .expect("the settlement's link");
    browser.click_and_wait(&link).await;
    browser.shot("settlement-detail").await;
    assert_eq!(
        minor_units(&text_of(browser, "td[data-field='total']").await),
        total_usd_minor
    );
    assert_eq!(
        minor_units(&text_of(browser, "td[data-field='received']").await),
        total_usd_minor
    );
    assert_eq!(
        minor_units(&text_of(browser, "td[data-field='difference']").await),
        0
    );
    let status = browser
        .driver
        .find(By::Css("p[data-status]"))
        .await
        .unwrap()
        .attr("data-status")
        .await
        .unwrap();
    assert_eq!(status.as_deref(), Some("matched"));
}

/// 换汇: a quote for part of the dollars, its terms, then the conversion;
/// returns the yuan received.
async fn convert(bound: &mut BoundStore) -> i64 {
    let browser = &mut bound.browser;
    browser
        .goto(&format!("{}/fx?lang=zh-CN", bound.provider.url))
        .await;
    browser.select("sell_currency", "USD").await;
    browser.select("buy_currency", "CNY").await;
    let sell = format!("{}.{:02}", SELL_USD_MINOR / 100, SELL_USD_MINOR % 100);
    browser.fill("sell_amount", &sell).await;
    browser.shot("fx-form").await;
    browser.submit_form_with("sell_amount").await;
    let quote = browser.text().await;
    browser.shot("fx-quote").await;
    for label in ["中间价", "加价", "手续费", "到账净额"] {
        assert!(quote.contains(label), "{label}: {quote}");
    }
    assert_eq!(
        minor_units(&text_of(browser, "td[data-field='sell']").await),
        SELL_USD_MINOR
    );
    let mid = text_of(browser, "td[data-field='mid_rate']").await;
    assert!(
        mid.starts_with("1 USD = ") && mid.ends_with(" CNY"),
        "{mid}"
    );
    let fee_minor = minor_units(&text_of(browser, "td[data-field='fee']").await);
    assert!(fee_minor < SELL_USD_MINOR, "{quote}");
    let buy_shown = text_of(browser, "td[data-field='buy']").await;
    assert!(buy_shown.ends_with("CNY"), "{buy_shown}");
    let buy_minor = minor_units(&buy_shown);
    assert!(buy_minor > 0, "{quote}");

    let confirm = browser
        .driver
        .find(By::XPath("//button[normalize-space()='确认换汇']"))
        .await
        .expect("the confirm button");
    browser.click_and_wait(&confirm).await;
    let done = browser.text().await;
    browser.shot("fx-converted").await;
    assert_eq!(browser.path().await, "/fx", "{done}");
    assert!(
        done.contains("换汇记录") && done.contains(&buy_shown),
        "{done}"
    );
    buy_minor
}

/// 提现: a UnionPay card in the verified name, a withdrawal confirmed with
/// the current two-factor code, and the page until the bank has paid.
async fn withdraw(bound: &mut BoundStore) {
    let url = format!("{}/withdrawals?lang=zh-CN", bound.provider.url);
    let code = bound.codes.fresh(&bound.ferry_totp_secret).await;
    let browser = &mut bound.browser;
    browser.goto(&url).await;
    browser.fill("card_number", CARD_NUMBER).await;
    browser.fill("bank_name", BANK).await;
    browser.fill("holder_name", LEGAL_NAME_ZH).await;
    scroll_to(browser, "input[name='holder_name']").await;
    browser.shot("withdrawals-add-card").await;
    browser.submit_form_with("card_number").await;
    let page = browser.text().await;
    assert_eq!(browser.path().await, "/withdrawals", "{page}");
    assert!(
        page.contains(BANK) && page.contains("3446") && page.contains(LEGAL_NAME_ZH),
        "{page}"
    );

    browser.select("currency", "CNY").await;
    let amount = format!(
        "{}.{:02}",
        WITHDRAW_CNY_MINOR / 100,
        WITHDRAW_CNY_MINOR % 100
    );
    browser.fill("amount", &amount).await;
    browser.fill("two_factor_code", &code).await;
    browser.shot("withdrawals-form").await;
    browser.submit_form_with("two_factor_code").await;
    assert_eq!(
        browser.path().await,
        "/withdrawals",
        "{}",
        browser.text().await
    );

    let mut status = None;
    for _ in 0..60 {
        browser.goto(&url).await;
        status = browser
            .driver
            .find(By::Css("tr[data-withdrawal] td[data-status]"))
            .await
            .expect("the withdrawal's row")
            .attr("data-status")
            .await
            .unwrap();
        if status.as_deref() == Some("paid") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let page = browser.text().await;
    scroll_to(browser, "tr[data-withdrawal]").await;
    browser.shot("withdrawal-paid").await;
    assert_eq!(status.as_deref(), Some("paid"), "{page}");
    assert!(page.contains("已付款"), "{page}");
    let shown_amount = text_of(browser, "tr[data-withdrawal] td:nth-of-type(2)").await;
    assert!(shown_amount.ends_with("CNY"), "{shown_amount}");
    assert_eq!(minor_units(&shown_amount), WITHDRAW_CNY_MINOR);
    let shown_fee = text_of(browser, "tr[data-withdrawal] td:nth-of-type(3)").await;
    assert_eq!(minor_units(&shown_fee), WITHDRAWAL_FEE_CNY_MINOR);
}

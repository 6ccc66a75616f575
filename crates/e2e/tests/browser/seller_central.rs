//! The sandbox's Seller Central as a seller meets it: sign up with stores on
//! amazon.com and amazon.de, set up two-step verification, sign in with it.

use crate::harness::{Browser, Marketplace, totp_code};
use thirtyfour::prelude::*;

const EMAIL: &str = "owner@shenzhen-ferry.example";
const PASSWORD: &str = "seller central password 1";

#[tokio::test]
#[ignore = "needs Chromium; run by .ci/run with --ignored"]
async fn a_seller_signs_up_with_two_stores_and_signs_in_with_two_step_verification() {
    let marketplace = Marketplace::start().await;
    let mut browser = Browser::start("seller_central").await;

    browser
        .goto(&format!("{}/ap/register", marketplace.url))
        .await;
    browser
        .fill("legal_name", "Shenzhen Ferry Trading Co., Ltd.")
        .await;
    browser.fill("country_code", "CN").await;
    browser.fill("line1", "1 Keji Road, Nanshan").await;
    browser.fill("city", "Shenzhen").await;
    browser.fill("postal_code", "518057").await;
    for marketplace_id in ["ATVPDKIKX0DER", "A1PA6795UKMFR9"] {
        browser
            .driver
            .find(By::Css(format!(
                "input[name='marketplace_id'][value='{marketplace_id}']"
            )))
            .await
            .expect("the marketplace checkbox")
            .click()
            .await
            .unwrap();
    }
    browser.fill("store_name", "Ferry Home").await;
    browser.fill("name", "Li Wei").await;
    browser.fill("email", EMAIL).await;
    browser.fill("password", PASSWORD).await;
    browser.shot("sign-up").await;
    browser.submit_form_with("legal_name").await;
    let page = browser.text().await;
    browser.shot("two-step-setup").await;
    assert!(page.contains("Merchant Token"), "{page}");
    let secret = browser
        .driver
        .find(By::Css("code.totp-secret"))
        .await
        .expect("the two-step key")
        .text()
        .await
        .unwrap();

    browser.goto(&format!("{}/signin", marketplace.url)).await;
    browser.fill("email", EMAIL).await;
    browser.fill("password", PASSWORD).await;
    browser.shot("sign-in").await;
    browser.submit_form_with("password").await;
    browser.fill("code", &totp_code(&secret)).await;
    browser.shot("two-step-code").await;
    browser.submit_form_with("code").await;
    let home = browser.text().await;
    browser.shot("home").await;
    assert!(home.contains("Shenzhen Ferry Trading Co., Ltd."), "{home}");

    browser.follow("Deposit Methods").await;
    let deposit_methods = browser.text().await;
    browser.shot("deposit-methods").await;
    assert!(
        deposit_methods.contains("United States") && deposit_methods.contains("Germany"),
        "both stores are listed: {deposit_methods}"
    );

    browser.close().await;
}

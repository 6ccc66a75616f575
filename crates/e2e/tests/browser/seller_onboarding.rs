//! Seed step 1 and requirement 1, as a seller does them in Chinese:
//! register, follow the activation e-mail, sign in, turn on two-factor.

use crate::harness::{Browser, Provider, Seller, totp_code};
use thirtyfour::prelude::*;

const EMAIL: &str = "owner@shenzhen-ferry.example";
const PASSWORD: &str = "东风 river lantern 2026 plum";

#[tokio::test]
#[ignore = "needs Chromium; run by .ci/run with --ignored"]
async fn a_seller_registers_activates_signs_in_and_turns_on_two_factor_in_chinese() {
    let provider = Provider::start().await;
    let mut browser = Browser::start("seller_onboarding").await;

    let seller = Seller {
        email: EMAIL,
        password: PASSWORD,
        kind: "company",
        display_name: "深圳摆渡贸易有限公司",
    };
    provider.register_and_sign_in(&mut browser, &seller).await;

    browser.goto(&format!("{}/security", provider.url)).await;
    browser.shot("security").await;
    let start = browser
        .driver
        .find(By::XPath(
            "//form[contains(@action, '/security/two-factor')]//input[@name='password']",
        ))
        .await
        .expect("the form that starts two-factor setup");
    start.send_keys(PASSWORD).await.unwrap();
    let start_button = browser
        .driver
        .find(By::XPath(
            "//form[contains(@action, '/security/two-factor')]//button",
        ))
        .await
        .unwrap();
    browser.click_and_wait(&start_button).await;
    let secret = browser
        .driver
        .find(By::Tag("code"))
        .await
        .expect("the key in text")
        .text()
        .await
        .unwrap();
    browser.shot("two-factor-setup").await;
    browser.fill("code", &totp_code(&secret)).await;
    browser.submit_form_with("code").await;
    let page = browser.text().await;
    browser.shot("two-factor-enabled").await;
    assert!(
        page.contains("恢复码"),
        "the recovery codes are shown once: {page}"
    );

    browser.close().await;
}

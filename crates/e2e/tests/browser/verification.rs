//! Seed step 2 in the browser: a seller submits real-name verification in
//! Chinese with photos of an identity card; an operator, provisioned with a
//! one-time password, sets up two-factor and approves the case in English.

use crate::harness::{Browser, Provider, Seller, jpeg_file, totp_code};
use thirtyfour::prelude::*;

#[tokio::test]
#[ignore = "needs Chromium; run by .ci/run with --ignored"]
async fn a_seller_submits_verification_and_an_operator_approves_it() {
    let provider = Provider::start().await;
    let mut browser = Browser::start("verification").await;
    let seller = Seller {
        email: "zhang.wei@example.com",
        password: "东风 river lantern 2026 plum",
        kind: "individual",
        display_name: "张伟",
    };
    provider.register_and_sign_in(&mut browser, &seller).await;

    browser.goto(&format!("{}/kyc", provider.url)).await;
    browser.shot("verification-form").await;
    let photos = tempfile::tempdir().unwrap();
    for (slot, file) in [("id_card_front", "front.jpg"), ("id_card_back", "back.jpg")] {
        let path = jpeg_file(photos.path(), file, 1200, 800);
        let form = format!("//form[.//input[@name='slot' and @value='{slot}']]");
        browser
            .driver
            .find(By::XPath(format!("{form}//input[@type='file']")))
            .await
            .unwrap_or_else(|_| panic!("the upload field for {slot}"))
            .send_keys(path.display().to_string())
            .await
            .unwrap();
        let upload = browser
            .driver
            .find(By::XPath(format!("{form}//button")))
            .await
            .unwrap();
        browser.click_and_wait(&upload).await;
    }
    browser.fill("legal_name_zh", "张伟").await;
    browser.fill("resident_id", "110102199101010078").await;
    browser.shot("verification-filled").await;
    let submit = browser
        .driver
        .find(By::XPath("//button[@name='action' and @value='submit']"))
        .await
        .unwrap();
    browser.click_and_wait(&submit).await;
    let submitted = browser.text().await;
    browser.shot("verification-submitted").await;
    assert!(submitted.contains("已提交，等待审核"), "{submitted}");

    let one_time_password = provider.create_operator("reviewer@ferry.example").await;
    browser.goto(&format!("{}/ops?lang=en", provider.url)).await;
    browser.fill("email", "reviewer@ferry.example").await;
    browser.fill("password", &one_time_password).await;
    browser.shot("operator-sign-in").await;
    browser.submit_form_with("password").await;
    let start = browser
        .driver
        .find(By::XPath("//button[contains(., 'Set up two-factor')]"))
        .await
        .expect("two-factor is mandatory for operators");
    browser.click_and_wait(&start).await;
    let secret = browser
        .driver
        .find(By::Tag("code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    browser.shot("operator-two-factor").await;
    browser
        .fill("new_password", "reviewer passphrase for the console")
        .await;
    browser.fill("code", &totp_code(&secret)).await;
    browser.submit_form_with("new_password").await;
    let queue = browser.text().await;
    browser.shot("review-queue").await;
    assert!(
        queue.contains("张伟"),
        "the case waits in the queue: {queue}"
    );

    let case_link = browser
        .driver
        .find(By::XPath("//a[contains(@href, '/ops/cases/')]"))
        .await
        .unwrap();
    browser.click_and_wait(&case_link).await;
    browser.shot("case").await;
    for action in ["claim", "approve"] {
        let button = browser
            .driver
            .find(By::XPath(format!(
                "//button[@name='action' and @value='{action}']"
            )))
            .await
            .unwrap_or_else(|_| panic!("the {action} button"));
        browser.click_and_wait(&button).await;
    }
    let decided = browser.text().await;
    browser.shot("case-approved").await;
    assert!(decided.contains("approved"), "{decided}");

    // The operator's console set English in this shared browser; the seller
    // switches back to Chinese.
    browser.goto(&format!("{}/kyc?lang=zh-CN", provider.url)).await;
    let verified = browser.text().await;
    browser.shot("seller-verified").await;
    assert!(
        verified.contains("已认证的名称") && verified.contains("张伟"),
        "{verified}"
    );

    browser.close().await;
}

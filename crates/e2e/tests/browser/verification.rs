//! Seed step 2 in the browser: a seller submits real-name verification in
//! Chinese with photos of the documents; an operator, provisioned with a
//! one-time password, sets up two-factor and approves the case — in English
//! for an individual, in Chinese for a company.

use crate::harness::{Browser, Provider, Seller, jpeg_file, totp_code};
use thirtyfour::prelude::*;

const PASSWORD: &str = "东风 river lantern 2026 plum";

/// What a seller types and uploads on the verification page.
pub struct Submission<'a> {
    pub fields: &'a [(&'a str, &'a str)],
    pub document_slots: &'a [&'a str],
    pub verified_name: &'a str,
}

#[tokio::test]
#[ignore = "needs Chromium; run by .ci/run with --ignored"]
async fn an_individual_submits_verification_and_an_operator_approves_it_in_english() {
    let seller = Seller {
        email: "zhang.wei@example.com",
        password: PASSWORD,
        kind: "individual",
        display_name: "张伟",
    };
    let submission = Submission {
        fields: &[
            ("legal_name_zh", "张伟"),
            ("resident_id", "110102199101010078"),
        ],
        document_slots: &["id_card_front", "id_card_back"],
        verified_name: "张伟",
    };
    verify_through_the_pages("verification-individual", &seller, &submission, "en").await;
}

#[tokio::test]
#[ignore = "needs Chromium; run by .ci/run with --ignored"]
async fn a_company_submits_verification_and_an_operator_approves_it_in_chinese() {
    let seller = Seller {
        email: "finance@shenzhen-example.com",
        password: PASSWORD,
        kind: "company",
        display_name: "深圳市示例贸易有限公司",
    };
    let submission = Submission {
        fields: &[
            ("registered_name_zh", "深圳市示例贸易有限公司"),
            ("english_name", "Shenzhen Example Trading Co., Ltd."),
            ("uscc", "91310115MA1K3BTP2B"),
            ("legal_rep_name", "李娜"),
            ("legal_rep_resident_id", "110102199101010078"),
        ],
        document_slots: &[
            "business_licence",
            "legal_rep_id_card_front",
            "legal_rep_id_card_back",
        ],
        verified_name: "深圳市示例贸易有限公司",
    };
    verify_through_the_pages("verification-company", &seller, &submission, "zh-CN").await;
}

async fn verify_through_the_pages(
    test_name: &str,
    seller: &Seller<'_>,
    submission: &Submission<'_>,
    operator_lang: &str,
) {
    let provider = Provider::start().await;
    let mut browser = Browser::start(test_name).await;
    provider.register_and_sign_in(&mut browser, seller).await;
    submit_verification(&provider, &mut browser, submission).await;
    approve_as_operator(&provider, &mut browser, seller.display_name, operator_lang).await;

    // The console set the operator's language in this shared browser; the
    // seller switches back to Chinese.
    browser
        .goto(&format!("{}/kyc?lang=zh-CN", provider.url))
        .await;
    let verified = browser.text().await;
    browser.shot("seller-verified").await;
    assert!(
        verified.contains("已认证的名称") && verified.contains(submission.verified_name),
        "{verified}"
    );
    browser.close().await;
}

pub async fn submit_verification(
    provider: &Provider,
    browser: &mut Browser,
    submission: &Submission<'_>,
) {
    browser.goto(&format!("{}/kyc", provider.url)).await;
    browser.shot("verification-form").await;
    let photos = tempfile::tempdir().unwrap();
    for slot in submission.document_slots {
        let path = jpeg_file(photos.path(), &format!("{slot}.jpg"), 1200, 800);
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
    for (name, value) in submission.fields {
        browser.fill(name, value).await;
    }
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
}

pub async fn approve_as_operator(
    provider: &Provider,
    browser: &mut Browser,
    case_name: &str,
    lang: &str,
) {
    let one_time_password = provider.create_operator("reviewer@ferry.example").await;
    browser
        .goto(&format!("{}/ops?lang={lang}", provider.url))
        .await;
    browser.fill("email", "reviewer@ferry.example").await;
    browser.fill("password", &one_time_password).await;
    browser.shot("operator-sign-in").await;
    browser.submit_form_with("password").await;
    let start = browser
        .driver
        .find(By::XPath("//form[contains(@action, '/ops/setup')]//button"))
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
        queue.contains(case_name),
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
    // The state is shown by its code in both languages.
    assert!(decided.contains("approved"), "{decided}");
}

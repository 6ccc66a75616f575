use crate::helpers::{TestApp, spawn_app};
use crate::kyc_support::{jpeg, seller};
use crate::ops_support::{OPERATOR_PASSWORD, create_operator, settled_step, totp_code};

/// The CSRF token a page put in its forms.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no form token in {html}"))
        + marker.len();
    html[start..].chars().take_while(|c| *c != '"').collect()
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let response = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

async fn upload_through_page(
    app: &TestApp,
    client: &reqwest::Client,
    token: &str,
    slot: &str,
    seed: u8,
) -> reqwest::Response {
    let file = reqwest::multipart::Part::bytes(jpeg(seed))
        .file_name("card.jpg")
        .mime_str("image/jpeg")
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf", token.to_string())
        .text("slot", slot.to_string())
        .part("file", file);
    client
        .post(app.url("/kyc/upload"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_seller_verifies_through_the_pages_in_both_languages() {
    let app = spawn_app().await;
    let client = seller(&app, "page-seller@example.com", "individual", "en").await;
    let html = page(&client, &app, "/kyc?lang=en").await;
    assert!(
        html.contains("Legal name (Chinese)") && html.contains("Identity card, photo side"),
        "{html}"
    );
    let token = csrf_of(&html);

    let forged = upload_through_page(&app, &client, "not-the-token", "id_card_front", 1).await;
    assert_eq!(forged.status(), 403);
    for (slot, seed) in [("id_card_front", 1), ("id_card_back", 2)] {
        let uploaded = upload_through_page(&app, &client, &token, slot, seed).await;
        assert_eq!(uploaded.status(), 303, "{slot}");
    }
    let bad = client
        .post(app.url("/kyc/form?lang=en"))
        .form(&[
            ("csrf", token.as_str()),
            ("legal_name_zh", "张伟"),
            ("resident_id", "110102199101010079"),
            ("action", "save"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let body = bad.text().await.unwrap();
    assert!(
        body.contains("the resident identity number is not valid"),
        "{body}"
    );
    assert!(
        body.contains("value=\"张伟\""),
        "the typed value is kept: {body}"
    );
    let submitted = client
        .post(app.url("/kyc/form"))
        .form(&[
            ("csrf", token.as_str()),
            ("legal_name_zh", "张伟"),
            ("legal_name_latin", "ZHANG Wei"),
            ("resident_id", "110102199101010078"),
            ("action", "submit"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), 303);
    let english = page(&client, &app, "/kyc?lang=en").await;
    assert!(
        english.contains("Submitted, waiting for review"),
        "{english}"
    );
    assert!(english.contains("The next review step is due by"));
    let chinese = page(&client, &app, "/kyc?lang=zh-CN").await;
    assert!(
        chinese.contains("已提交，等待审核") && chinese.contains("下一步审核截止时间"),
        "{chinese}"
    );
    assert!(
        !chinese.contains("action=\"/kyc/form\""),
        "a submitted case shows no form"
    );
}

#[tokio::test]
async fn the_company_page_explains_the_three_certificates() {
    let app = spawn_app().await;
    let client = seller(&app, "page-company@example.com", "company", "zh-CN").await;
    let chinese = page(&client, &app, "/kyc").await;
    assert!(
        chinese.contains("三证合一") && chinese.contains("组织机构代码证"),
        "{chinese}"
    );
    let english = page(&client, &app, "/kyc?lang=en").await;
    assert!(
        english.contains("Since 2015 one business licence"),
        "{english}"
    );
    assert!(english.contains("Beneficial owners"));
}

#[tokio::test]
async fn an_operator_sets_up_and_decides_through_the_console_pages() {
    let app = spawn_app().await;
    let seller_client = seller(&app, "console-seller@example.com", "individual", "zh-CN").await;
    let token = csrf_of(&page(&seller_client, &app, "/kyc").await);
    upload_through_page(&app, &seller_client, &token, "id_card_front", 4).await;
    upload_through_page(&app, &seller_client, &token, "id_card_back", 5).await;
    let submitted = seller_client
        .post(app.url("/kyc/form"))
        .form(&[
            ("csrf", token.as_str()),
            ("legal_name_zh", "王芳"),
            ("resident_id", "412723199010050012"),
            ("action", "submit"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), 303);

    let one_time = create_operator(&app, "console@ferry.example").await;
    let ops = crate::helpers::new_client();
    let sign_in = page(&ops, &app, "/ops?lang=en").await;
    assert!(sign_in.contains("Operator sign-in"));
    let signed_in = ops
        .post(app.url("/ops/sign-in"))
        .form(&[
            ("email", "console@ferry.example"),
            ("password", one_time.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let setup = page(&ops, &app, "/ops?lang=en").await;
    assert!(
        setup.contains("Two-factor is mandatory for operators"),
        "{setup}"
    );
    let ops_token = csrf_of(&setup);
    let started = ops
        .post(app.url("/ops/setup?lang=en"))
        .form(&[("csrf", ops_token.as_str())])
        .send()
        .await
        .unwrap();
    let started = started.text().await.unwrap();
    assert!(started.contains("<svg"), "{started}");
    let secret_start = started.find("<code>").unwrap() + 6;
    let secret: String = started[secret_start..]
        .chars()
        .take_while(|c| *c != '<')
        .collect();
    let step = settled_step().await;
    let code = totp_code(&secret, step - 1);
    let confirmed = ops
        .post(app.url("/ops/setup/confirm"))
        .form(&[
            ("csrf", ops_token.as_str()),
            ("new_password", OPERATOR_PASSWORD),
            ("code", code.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 303);

    let queue = page(&ops, &app, "/ops?lang=zh-CN").await;
    assert!(
        queue.contains("审核队列") && queue.contains("测试商户"),
        "{queue}"
    );
    let case_id: String = {
        let start = queue.find("/ops/cases/").unwrap() + "/ops/cases/".len();
        queue[start..].chars().take_while(|c| *c != '"').collect()
    };
    let detail = page(&ops, &app, &format!("/ops/cases/{case_id}?lang=en")).await;
    assert!(
        detail.contains("Automatic checks") && detail.contains("duplicate_identity_numbers"),
        "{detail}"
    );
    assert!(detail.contains("<img src=\"/api/v1/ops/documents/doc_"));
    let decide = |action: &'static str| {
        let ops = ops.clone();
        let url = app.url(&format!("/ops/cases/{case_id}/decision"));
        let token = ops_token.clone();
        async move {
            ops.post(url)
                .form(&[("csrf", token.as_str()), ("action", action)])
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(decide("claim").await.status(), 303);
    let empty_rejection = decide("reject").await;
    assert_eq!(empty_rejection.status(), 422);
    assert_eq!(decide("approve").await.status(), 303);
    let after = page(&ops, &app, &format!("/ops/cases/{case_id}?lang=en")).await;
    assert!(after.contains("approved"));
    let seller_view = page(&seller_client, &app, "/kyc").await;
    assert!(
        seller_view.contains("已认证的名称") && seller_view.contains("王芳"),
        "{seller_view}"
    );
}

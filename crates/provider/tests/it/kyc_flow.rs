use crate::helpers::{error_of, spawn_app, spawn_app_with};
use crate::kyc_support::{post, seller, upload_ok};
use crate::ops_support::{operator, ops_post};
use ferry_provider::kyc::{IdentityKind, verified_identity};
use serde_json::{Value, json};

async fn account_id(app: &crate::helpers::TestApp, client: &reqwest::Client) -> String {
    let me: Value = client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    me["account_id"].as_str().unwrap().to_string()
}

/// The mail with `subject` (delivery order within a millisecond is not
/// defined, so tests look mails up by subject).
fn mail_with(mails: &[crate::helpers::Mail], subject: &str) -> crate::helpers::Mail {
    mails
        .iter()
        .find(|mail| mail.subject == subject)
        .unwrap_or_else(|| panic!("no mail {subject:?} in {mails:?}"))
        .clone()
}

async fn get_json(client: &reqwest::Client, url: String) -> Value {
    let response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn an_individual_is_verified_after_an_action_request_and_the_name_is_fixed() {
    let app = spawn_app().await;
    let email = "zhang.wei@example.com";
    let client = seller(&app, email, "individual", "en").await;
    let account = account_id(&app, &client).await;
    let empty = get_json(&client, app.url("/api/v1/kyc/case")).await;
    assert_eq!(empty, json!({ "case": null, "verified_identity": null }));
    let front = upload_ok(&app, &client, 1).await;
    let back = upload_ok(&app, &client, 2).await;

    // Field checks on save: check character, adulthood.
    let bad = post(
        &client,
        &app,
        "/api/v1/kyc/case?lang=en",
        &json!({ "resident_id": "110102199101010079" }),
    )
    .await;
    let (status, code, message) = error_of(bad).await;
    assert_eq!((status, code.as_str()), (422, "invalid_resident_id"));
    assert!(message.contains("Resident identity number"), "{message}");
    let child = post(
        &client,
        &app,
        "/api/v1/kyc/case",
        &json!({ "resident_id": "44011320141005001X" }),
    )
    .await;
    assert_eq!(error_of(child).await.1, "not_an_adult");
    let incomplete = post(
        &client,
        &app,
        "/api/v1/kyc/case",
        &json!({ "legal_name_zh": "张伟" }),
    )
    .await;
    assert_eq!(incomplete.status(), 200);
    let early = post(&client, &app, "/api/v1/kyc/case/submission", &json!({})).await;
    assert_eq!(error_of(early).await.1, "field_required");

    let form = json!({ "legal_name_zh": "张伟", "legal_name_latin": "ZHANG Wei",
        "resident_id": "110102199101010078", "id_card_front": front, "id_card_back": back });
    let saved: Value = post(&client, &app, "/api/v1/kyc/case", &form)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(saved["state"], "draft");
    let submitted = post(&client, &app, "/api/v1/kyc/case/submission", &json!({})).await;
    assert_eq!(submitted.status(), 200);
    let submitted: Value = submitted.json().await.unwrap();
    assert_eq!(submitted["state"], "submitted");
    assert_eq!(submitted["revision"], 1);
    let at = submitted["submitted_at_ms"].as_i64().unwrap();
    assert_eq!(
        submitted["due_at_ms"].as_i64().unwrap(),
        ferry_provider::kyc::due::due_at_ms(at, 2)
    );
    let mails = app.wait_for_mails(email, 2).await;
    let received = mail_with(&mails, "We received your verification");
    assert!(received.text.contains("(UTC+8)"), "{}", received.text);
    // Read-only once submitted.
    let edit = post(&client, &app, "/api/v1/kyc/case?lang=en", &form).await;
    assert_eq!(error_of(edit).await, (409, "case_read_only".into(), "A submitted verification cannot be changed; if the review needs more, we will e-mail you.".into()));

    let (ops, _) = operator(&app, "reviewer@ferry.example").await;
    let queue = get_json(&ops, app.url("/api/v1/ops/cases")).await;
    let case_id = submitted["id"].as_str().unwrap();
    assert_eq!(queue["cases"][0]["id"], case_id);
    assert_eq!(queue["cases"][0]["overdue"], false);
    // Past its due date, the queue marks it.
    sqlx::query("UPDATE kyc_cases SET due_at_ms = 1")
        .execute(app.db.writer())
        .await
        .unwrap();
    let late = get_json(&ops, app.url("/api/v1/ops/cases")).await;
    assert_eq!(late["cases"][0]["overdue"], true);
    let early_approval = ops_post(
        &ops,
        &app,
        &format!("/api/v1/ops/cases/{case_id}/approval"),
        &json!({}),
    )
    .await;
    assert_eq!(error_of(early_approval).await.1, "case_state_conflict");
    let detail = get_json(&ops, app.url(&format!("/api/v1/ops/cases/{case_id}"))).await;
    let outcomes: Vec<(&str, &str)> = detail["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|check| {
            (
                check["code"].as_str().unwrap(),
                check["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("check_digits", "pass"),
            ("adult", "pass"),
            ("duplicate_documents", "pass"),
            ("duplicate_identity_numbers", "pass")
        ]
    );
    let viewed = ops
        .get(app.url(&format!("/api/v1/ops/documents/{front}")))
        .send()
        .await
        .unwrap();
    assert_eq!(viewed.status(), 200);

    assert_eq!(
        ops_post(
            &ops,
            &app,
            &format!("/api/v1/ops/cases/{case_id}/claim"),
            &json!({})
        )
        .await
        .status(),
        200
    );
    let unknown_item = ops_post(
        &ops,
        &app,
        &format!("/api/v1/ops/cases/{case_id}/action-request"),
        &json!({ "item": "shoe_size", "message": "x" }),
    )
    .await;
    assert_eq!(error_of(unknown_item).await.1, "invalid_action_item");
    let asked = ops_post(
        &ops,
        &app,
        &format!("/api/v1/ops/cases/{case_id}/action-request"),
        &json!({ "item": "id_card_back", "message": "The emblem side is blurred; photograph it again in daylight." }),
    )
    .await;
    assert_eq!(asked.status(), 200);
    let mails = app.wait_for_mails(email, 4).await;
    let action = mail_with(&mails, "Your verification needs an action");
    assert!(action.text.contains("Identity card, emblem side"));
    assert!(action.text.contains("photograph it again in daylight"));
    let seen = get_json(&client, app.url("/api/v1/kyc/case")).await;
    assert_eq!(seen["case"]["state"], "action_required");
    let last = seen["case"]["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action_item"], "id_card_back");
    assert_eq!(last["actor"], "operator");

    // The seller fixes the item and resubmits; the history stays.
    let new_back = upload_ok(&app, &client, 3).await;
    let fixed = json!({ "legal_name_zh": "张伟", "legal_name_latin": "ZHANG Wei",
        "resident_id": "110102199101010078", "id_card_front": front, "id_card_back": new_back });
    assert_eq!(
        post(&client, &app, "/api/v1/kyc/case", &fixed)
            .await
            .status(),
        200
    );
    let again: Value = post(&client, &app, "/api/v1/kyc/case/submission", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["revision"], 2);
    assert_eq!(again["history"].as_array().unwrap().len(), 4);
    assert_eq!(app.count("SELECT COUNT(*) FROM kyc_submissions").await, 2);
    assert!(
        verified_identity(&app.db, &account)
            .await
            .unwrap()
            .is_none()
    );

    assert_eq!(
        ops_post(
            &ops,
            &app,
            &format!("/api/v1/ops/cases/{case_id}/claim"),
            &json!({})
        )
        .await
        .status(),
        200
    );
    let approved: Value = ops_post(
        &ops,
        &app,
        &format!("/api/v1/ops/cases/{case_id}/approval"),
        &json!({}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(approved["approval"], "approved");
    let identity = verified_identity(&app.db, &account).await.unwrap().unwrap();
    assert_eq!(identity.kind, IdentityKind::Individual);
    assert_eq!(identity.legal_name_zh, "张伟");
    assert_eq!(identity.legal_name_en.as_deref(), Some("ZHANG Wei"));
    assert_eq!(identity.registration_number, "110102199101010078");
    let mails = app.wait_for_mails(email, 7).await;
    mail_with(&mails, "Your verification is approved");

    // A new form opens a new case; the verified name holds until it is approved.
    let renamed = json!({ "legal_name_zh": "张伟伟", "resident_id": "110102199101010078",
        "id_card_front": front, "id_card_back": new_back });
    let new_case: Value = post(&client, &app, "/api/v1/kyc/case", &renamed)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(new_case["state"], "draft");
    assert_ne!(new_case["id"], case_id);
    let view = get_json(&client, app.url("/api/v1/kyc/case")).await;
    assert_eq!(view["verified_identity"]["legal_name_zh"], "张伟");

    let events: Vec<String> = ferry_provider::audit::for_account(&app.db, &account, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.event)
        .collect();
    for expected in [
        "kyc.submitted",
        "kyc.review_started",
        "kyc.action_requested",
        "kyc.approved",
        "document.viewed",
    ] {
        assert!(
            events.iter().any(|event| event == expected),
            "{expected} in {events:?}"
        );
    }
}

fn company_form(documents: &[String; 4], legal_rep_id: &str) -> Value {
    json!({
        "registered_name_zh": "深圳市示例贸易有限公司",
        "english_name": "Shenzhen Example Trading Co., Ltd.",
        "org_code": "60003734-1",
        "licence_number": "440301012345678",
        "org_code_certificate": documents[0],
        "business_licence": documents[1],
        "legal_rep_name": "李娜",
        "legal_rep_resident_id": legal_rep_id,
        "legal_rep_id_card_front": documents[2],
        "legal_rep_id_card_back": documents[3],
        "beneficial_owners": [{ "name": "王芳", "resident_id": "412723199010050012", "share_percent": 60 }]
    })
}

async fn four_documents(
    app: &crate::helpers::TestApp,
    client: &reqwest::Client,
    first_seed: u8,
) -> [String; 4] {
    [
        upload_ok(app, client, first_seed).await,
        upload_ok(app, client, first_seed + 1).await,
        upload_ok(app, client, first_seed + 2).await,
        upload_ok(app, client, first_seed + 3).await,
    ]
}

#[tokio::test]
async fn a_company_is_rejected_then_approved_by_two_operators_and_duplicates_are_flagged() {
    let app = spawn_app_with(|settings| settings.kyc.company_second_approval = true).await;
    let email = "boss@example-trading.com";
    let client = seller(&app, email, "company", "zh-CN").await;
    let account = account_id(&app, &client).await;
    let documents = four_documents(&app, &client, 10).await;
    let form = company_form(&documents, "360426199101010071");
    assert_eq!(
        post(&client, &app, "/api/v1/kyc/case", &form)
            .await
            .status(),
        200
    );
    let case: Value = post(&client, &app, "/api/v1/kyc/case/submission", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let case_id = case["id"].as_str().unwrap().to_string();

    // Another merchant reuses a licence picture and the legal representative.
    let copier = seller(&app, "copier@example.com", "company", "en").await;
    // Seeds 10..13 give byte-identical files to the first merchant's.
    let copied = four_documents(&app, &copier, 10).await;
    let copied_form = json!({
        "registered_name_zh": "另一家公司", "english_name": "Another Co",
        "uscc": "91310115MA1K3BTP2B", "business_licence": copied[1],
        "legal_rep_name": "李娜", "legal_rep_resident_id": "360426199101010071",
        "legal_rep_id_card_front": copied[2], "legal_rep_id_card_back": copied[3]
    });
    assert_eq!(
        post(&copier, &app, "/api/v1/kyc/case", &copied_form)
            .await
            .status(),
        200
    );
    assert_eq!(
        post(&copier, &app, "/api/v1/kyc/case/submission", &json!({}))
            .await
            .status(),
        200
    );

    let (first, _) = operator(&app, "first@ferry.example").await;
    let (second, _) = operator(&app, "second@ferry.example").await;
    let detail = get_json(
        &first,
        app.url(&format!("/api/v1/ops/cases/{case_id}?lang=en")),
    )
    .await;
    let outcome = |code: &str| {
        detail["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|check| check["code"] == code)
            .map(|check| check["outcome"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no {code} in {detail}"))
    };
    assert_eq!(outcome("duplicate_documents"), "fail");
    assert_eq!(outcome("duplicate_identity_numbers"), "fail");
    assert_eq!(outcome("licence_consistency"), "warn");
    assert_eq!(outcome("adult"), "pass");

    let path = |step: &str| format!("/api/v1/ops/cases/{case_id}/{step}");
    assert_eq!(
        ops_post(&first, &app, &path("claim"), &json!({}))
            .await
            .status(),
        200
    );
    let no_reason = ops_post(
        &first,
        &app,
        &path("rejection"),
        &json!({ "reasons": ["because"], "message": "x" }),
    )
    .await;
    assert_eq!(error_of(no_reason).await.1, "invalid_reason_code");
    let rejected = ops_post(
        &first,
        &app,
        &path("rejection"),
        &json!({ "reasons": ["duplicate_identity", "document_mismatch"], "message": "营业执照照片与另一商户相同，请上传贵公司自己的执照。" }),
    )
    .await;
    assert_eq!(rejected.status(), 200);
    let mails = app.wait_for_mails(email, 4).await;
    let rejection = mail_with(&mails, "您的实名认证未通过");
    assert!(rejection.text.contains("该身份已用于其他账户"));
    assert!(rejection.text.contains("请上传贵公司自己的执照"));

    // Resubmitted with its own licence picture.
    let own_licence = upload_ok(&app, &client, 40).await;
    let mut fixed = form.clone();
    fixed["business_licence"] = json!(own_licence);
    assert_eq!(
        post(&client, &app, "/api/v1/kyc/case", &fixed)
            .await
            .status(),
        200
    );
    assert_eq!(
        post(&client, &app, "/api/v1/kyc/case/submission", &json!({}))
            .await
            .status(),
        200
    );
    assert_eq!(
        ops_post(&first, &app, &path("claim"), &json!({}))
            .await
            .status(),
        200
    );
    let once: Value = ops_post(&first, &app, &path("approval"), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(once["approval"], "first_of_two");
    assert!(
        verified_identity(&app.db, &account)
            .await
            .unwrap()
            .is_none()
    );
    let same = ops_post(&first, &app, &path("approval"), &json!({})).await;
    assert_eq!(
        error_of(same).await.1,
        "second_approval_needs_another_operator"
    );
    let twice: Value = ops_post(&second, &app, &path("approval"), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(twice["approval"], "approved");
    let identity = verified_identity(&app.db, &account).await.unwrap().unwrap();
    assert_eq!(identity.kind, IdentityKind::Company);
    assert_eq!(identity.legal_name_zh, "深圳市示例贸易有限公司");
    assert_eq!(
        identity.legal_name_en.as_deref(),
        Some("Shenzhen Example Trading Co., Ltd.")
    );
    assert_eq!(identity.registration_number, "600037341");
    // The queue now holds only the copier's case.
    let queue = get_json(&second, app.url("/api/v1/ops/cases")).await;
    assert_eq!(queue["cases"].as_array().unwrap().len(), 1);
    assert_ne!(queue["cases"][0]["id"], case_id.as_str());
}

#[tokio::test]
async fn company_forms_are_checked_field_by_field() {
    let app = spawn_app().await;
    let client = seller(&app, "fields@example.com", "company", "en").await;
    for (form, code) in [
        (json!({ "uscc": "91110000600037341N" }), "invalid_uscc"),
        (json!({ "org_code": "60003734-2" }), "invalid_org_code"),
        (
            json!({ "licence_number": "12AB" }),
            "invalid_licence_number",
        ),
        (json!({ "english_name": "深圳" }), "invalid_name"),
        (
            json!({ "beneficial_owners": [{ "name": "王芳", "resident_id": "412723199010050012", "share_percent": 10 }] }),
            "invalid_share",
        ),
        (json!({ "unknown_field": "x" }), "malformed_body"),
    ] {
        let response = post(&client, &app, "/api/v1/kyc/case", &form).await;
        assert_eq!(error_of(response).await.1, code, "{form}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM kyc_cases").await, 0);
}

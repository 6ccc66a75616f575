use crate::helpers::{PASSWORD, error_of, new_client, spawn_app};
use crate::kyc_support::seller;
use crate::ops_support::{
    OPERATOR_PASSWORD, create_operator, operator, ops_post, settled_step, totp_code,
};
use serde_json::{Value, json};

#[tokio::test]
async fn operators_must_choose_a_password_and_enrol_two_factor_first() {
    let app = spawn_app().await;
    let one_time = create_operator(&app, "new-op@ferry.example").await;
    let client = new_client();
    let wrong = ops_post(
        &client,
        &app,
        "/api/v1/ops/sessions",
        &json!({ "email": "new-op@ferry.example", "password": "not it at all, no" }),
    )
    .await;
    assert_eq!(error_of(wrong).await.1, "invalid_credentials");
    let signed_in = ops_post(
        &client,
        &app,
        "/api/v1/ops/sessions",
        &json!({ "email": "new-op@ferry.example", "password": one_time }),
    )
    .await;
    let body: Value = signed_in.json().await.unwrap();
    assert_eq!(body["status"], "enrollment_required");
    // Nothing but enrolment until then.
    let queue = client
        .get(app.url("/api/v1/ops/cases"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(queue).await,
        (
            403,
            "operator_enrollment_required".into(),
            "审核员必须先设置两步验证并用验证码登录。".into()
        )
    );
    let enrollment: Value = ops_post(
        &client,
        &app,
        "/api/v1/ops/two-factor/enrollment",
        &json!({}),
    )
    .await
    .json()
    .await
    .unwrap();
    let secret = enrollment["secret"].as_str().unwrap().to_string();
    assert!(enrollment["qr_svg"].as_str().unwrap().contains("<svg"));
    let step = settled_step().await;
    let without_password = ops_post(
        &client,
        &app,
        "/api/v1/ops/two-factor/confirmation",
        &json!({ "code": totp_code(&secret, step - 1) }),
    )
    .await;
    assert_eq!(
        error_of(without_password).await.1,
        "password_change_required"
    );
    let weak = ops_post(
        &client,
        &app,
        "/api/v1/ops/two-factor/confirmation",
        &json!({ "code": totp_code(&secret, step - 1), "new_password": "password1234" }),
    )
    .await;
    assert_eq!(error_of(weak).await.1, "password_too_weak");
    let wrong_code = ops_post(
        &client,
        &app,
        "/api/v1/ops/two-factor/confirmation",
        &json!({ "code": "000000", "new_password": OPERATOR_PASSWORD }),
    )
    .await;
    assert_eq!(error_of(wrong_code).await.1, "invalid_code");
    let confirmed = ops_post(
        &client,
        &app,
        "/api/v1/ops/two-factor/confirmation",
        &json!({ "code": totp_code(&secret, step - 1), "new_password": OPERATOR_PASSWORD }),
    )
    .await;
    assert_eq!(confirmed.status(), 200);
    assert_eq!(
        client
            .get(app.url("/api/v1/ops/cases"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // From now on: the new password and a code, each code once.
    let other = new_client();
    let old_password = ops_post(&other, &app, "/api/v1/ops/sessions", &json!({ "email": "new-op@ferry.example", "password": one_time, "code": totp_code(&secret, step) })).await;
    assert_eq!(error_of(old_password).await.1, "invalid_credentials");
    let no_code = ops_post(
        &other,
        &app,
        "/api/v1/ops/sessions",
        &json!({ "email": "new-op@ferry.example", "password": OPERATOR_PASSWORD }),
    )
    .await;
    assert_eq!(error_of(no_code).await.1, "two_factor_required");
    let replayed = ops_post(&other, &app, "/api/v1/ops/sessions", &json!({ "email": "new-op@ferry.example", "password": OPERATOR_PASSWORD, "code": totp_code(&secret, step - 1) })).await;
    assert_eq!(error_of(replayed).await.1, "invalid_code");
    let with_code = ops_post(&other, &app, "/api/v1/ops/sessions", &json!({ "email": "new-op@ferry.example", "password": OPERATOR_PASSWORD, "code": totp_code(&secret, step) })).await;
    let body: Value = with_code.json().await.unwrap();
    assert_eq!(body["status"], "signed_in");
    assert_eq!(
        other
            .get(app.url("/api/v1/ops/cases"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let out = other
        .delete(app.url("/api/v1/ops/sessions/current"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    assert_eq!(
        other
            .get(app.url("/api/v1/ops/cases"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let events = app
        .count("SELECT COUNT(*) FROM audit_log WHERE event LIKE 'operator.%'")
        .await;
    assert!(events >= 5, "{events}");
}

#[tokio::test]
async fn sellers_are_not_operators_and_operators_are_not_sellers() {
    let app = spawn_app().await;
    let seller_client = seller(&app, "not-an-op@example.com", "individual", "en").await;
    let refused = seller_client
        .get(app.url("/api/v1/ops/cases"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let as_operator = ops_post(
        &new_client(),
        &app,
        "/api/v1/ops/sessions",
        &json!({ "email": "not-an-op@example.com", "password": PASSWORD }),
    )
    .await;
    assert_eq!(error_of(as_operator).await.1, "invalid_credentials");
    let (ops, _) = operator(&app, "only-op@ferry.example").await;
    assert_eq!(
        ops.get(app.url("/api/v1/kyc/case"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let missing = ops
        .get(app.url("/api/v1/ops/documents/doc_nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(missing).await.0, 404);
}

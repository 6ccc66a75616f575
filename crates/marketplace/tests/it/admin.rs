//! The sandbox admin API: sellers, users, developers, apps, clock.

use crate::helpers::spawn_app;
use serde_json::{Value, json};

fn seller_body(email: &str) -> Value {
    json!({
        "legal_name": "Example Trading Ltd",
        "business_type": "PRIVATE_LIMITED",
        "country_code": "cn",
        "address": { "line1": "1 Keyuan Road", "city": "Shenzhen", "postal_code": "518057" },
        "primary_user": { "name": "Li Wei", "email": email, "password": "correct horse battery" },
        "marketplaces": [
            { "marketplace_id": "ATVPDKIKX0DER", "store_name": "Example US" },
            { "marketplace_id": "A1PA6795UKMFR9", "store_name": "Example DE" },
        ],
    })
}

#[tokio::test]
async fn creating_a_seller_gives_a_seller_id_and_a_primary_user_with_two_step_secret() {
    let app = spawn_app().await;
    let response = app
        .post_json("/sandbox/v1/sellers", &seller_body("Ops@Shop.Example"))
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    let seller_id = body["seller_id"].as_str().unwrap();
    assert_eq!(seller_id.len(), 14);
    assert!(seller_id.starts_with('A'));
    assert!(
        seller_id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    );
    assert_eq!(body["primary_user"]["role"], "primary");
    assert_eq!(body["primary_user"]["email"], "ops@shop.example");
    assert!(
        body["primary_user"]["otpauth_url"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    assert_eq!(body["marketplaces"][1]["marketplace_id"], "A1PA6795UKMFR9");

    let fetched: Value = app
        .get(&format!("/sandbox/v1/sellers/{seller_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fetched["country_code"], "CN");
    assert_eq!(fetched["business_type"], "PRIVATE_LIMITED");

    let second = app
        .post_json("/sandbox/v1/sellers", &seller_body("other@shop.example"))
        .await;
    let second: Value = second.json().await.unwrap();
    assert_ne!(
        second["seller_id"], body["seller_id"],
        "Seller IDs are unique"
    );
}

#[tokio::test]
async fn bad_seller_input_is_refused_with_a_code_and_changes_nothing() {
    let app = spawn_app().await;
    let cases = [
        (
            "primary_user",
            json!({ "name": "Li", "email": "not-an-email", "password": "correct horse battery" }),
            "invalid_email",
        ),
        (
            "primary_user",
            json!({ "name": "Li", "email": "li@shop.example", "password": "short" }),
            "password_too_short",
        ),
        ("country_code", json!("CHN"), "invalid_country_code"),
        ("business_type", json!("LLC"), "invalid_json"),
        ("legal_name", json!("  "), "missing_legal_name"),
        ("marketplaces", json!([]), "missing_marketplace"),
        (
            "marketplaces",
            json!([{ "marketplace_id": "A3FHEXAMPLEYWS", "store_name": "X" }]),
            "unknown_marketplace",
        ),
        (
            "marketplaces",
            json!([
                { "marketplace_id": "ATVPDKIKX0DER", "store_name": "X" },
                { "marketplace_id": "ATVPDKIKX0DER", "store_name": "Y" },
            ]),
            "duplicate_marketplace",
        ),
        (
            "marketplaces",
            json!([{ "marketplace_id": "ATVPDKIKX0DER", "store_name": "" }]),
            "missing_store_name",
        ),
    ];
    for (field, value, code) in cases {
        let mut body = seller_body("li@shop.example");
        body[field] = value;
        let response = app.post_json("/sandbox/v1/sellers", &body).await;
        assert_eq!(response.status(), 400, "{field}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], code, "{field}");
        assert!(error["error"]["message"].as_str().unwrap().len() > 10);
    }
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sellers")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn an_email_address_belongs_to_one_user_only() {
    let app = spawn_app().await;
    let seller = app.create_seller("li").await;
    let again = app
        .post_json("/sandbox/v1/sellers", &seller_body("LI@shop.example"))
        .await;
    assert_eq!(again.status(), 409);
    let error: Value = again.json().await.unwrap();
    assert_eq!(error["error"]["code"], "email_taken");

    let user = app
        .post_json(
            &format!("/sandbox/v1/sellers/{}/users", seller.seller_id),
            &json!({ "name": "Zhang San", "email": "zhang@shop.example", "password": "another good one" }),
        )
        .await;
    assert_eq!(user.status(), 201);
    let user: Value = user.json().await.unwrap();
    assert_eq!(user["role"], "secondary");

    let unknown = app
        .post_json(
            "/sandbox/v1/sellers/A000000000000Z/users",
            &json!({ "name": "Nobody", "email": "nobody@shop.example", "password": "another good one" }),
        )
        .await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn apps_get_amazon_shaped_identifiers_and_need_valid_redirect_uris() {
    let app = spawn_app().await;
    let registered = app.create_app(None).await;
    let uuid = registered
        .application_id
        .strip_prefix("amzn1.sellerapps.app.")
        .unwrap();
    assert!(uuid::Uuid::parse_str(uuid).is_ok());
    let hex = registered
        .client_id
        .strip_prefix("amzn1.application-oa2-client.")
        .unwrap();
    assert_eq!(hex.len(), 32);
    assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(registered.client_secret.starts_with("amzn1.oa2-cs.v1."));

    let developer: Value = app
        .post_json("/sandbox/v1/developers", &json!({ "name": "Dev" }))
        .await
        .json()
        .await
        .unwrap();
    let developer_id = developer["developer_id"].as_str().unwrap();
    assert_eq!(developer_id.len(), 12);
    for uris in [
        json!([]),
        json!(["not a url"]),
        json!(["ftp://x.example/cb"]),
        json!(["https://x.example/cb#frag"]),
    ] {
        let response = app
            .post_json(
                "/sandbox/v1/apps",
                &json!({ "developer_id": developer_id, "name": "App", "redirect_uris": uris }),
            )
            .await;
        assert_eq!(response.status(), 400, "{uris}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "invalid_redirect_uri");
    }
}

#[tokio::test]
async fn the_clock_only_moves_forward() {
    let app = spawn_app().await;
    let before: Value = app.get("/sandbox/v1/clock").await.json().await.unwrap();
    app.advance_clock_ms(3 * 86_400_000).await;
    let after: Value = app.get("/sandbox/v1/clock").await.json().await.unwrap();
    let moved = after["now_ms"].as_i64().unwrap() - before["now_ms"].as_i64().unwrap();
    assert!(
        (3 * 86_400_000..3 * 86_400_000 + 60_000).contains(&moved),
        "{moved}"
    );
    let backwards = app
        .post_json("/sandbox/v1/clock/advance", &json!({ "ms": -1 }))
        .await;
    assert_eq!(backwards.status(), 400);
}

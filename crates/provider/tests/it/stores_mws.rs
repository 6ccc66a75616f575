//! Binding a store the seed's way: the Seller ID and MWS auth token the
//! seller copies from the sandbox's User Permissions page, verified with
//! the sandbox, then moved to SP-API with Amazon's Authorization API; every
//! usual mistake gets its own message.

use crate::helpers::error_of;
use crate::receiving_support::{
    LEGAL_NAME_EN, SandboxSeller, US, World, ferry_seller, field, open_account, sandbox_post,
    sandbox_seller, world, world_with,
};
use crate::stores_oauth::account_json;
use serde_json::{Value, json};

/// Authorizes `developer_id` in the seller's User Permissions; returns the
/// MWS auth token shown once.
async fn authorize_developer(world: &World, store: &SandboxSeller, developer_id: &str) -> String {
    let page = store
        .browser
        .post(world.sandbox.url("/gp/account-manager/authorize-developer"))
        .form(&[("developer_id", developer_id)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "class=\"mws-auth-token\">";
    let start = page.find(marker).unwrap_or_else(|| panic!("{page}")) + marker.len();
    page[start..start + page[start..].find('<').unwrap()].to_string()
}

async fn bind(
    world: &World,
    client: &reqwest::Client,
    id: &str,
    seller_id: &str,
    token: &str,
) -> reqwest::Response {
    client
        .post(world.ferry.url(&format!(
            "/api/v1/receiving-accounts/{id}/mws-authorization"
        )))
        .json(&json!({ "seller_id": seller_id, "mws_auth_token": token }))
        .send()
        .await
        .unwrap()
}

async fn us_account_id(world: &World, client: &reqwest::Client, seller_id: &str) -> String {
    let account: Value = open_account(
        world,
        client,
        &json!({ "currency": "USD", "marketplace_id": US, "seller_id": seller_id }),
    )
    .await
    .json()
    .await
    .unwrap();
    account["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_seller_id_and_token_pair_is_verified_with_the_marketplace() {
    let world = world().await;
    let client = ferry_seller(&world, "li@example.cn").await;
    let store = sandbox_seller(&world, "li", LEGAL_NAME_EN).await;
    let other_store = sandbox_seller(&world, "other", LEGAL_NAME_EN).await;
    let id = us_account_id(&world, &client, &store.seller_id).await;
    let token = authorize_developer(&world, &store, &world.developer_id).await;
    let other_sellers_token = authorize_developer(&world, &other_store, &world.developer_id).await;
    let other_developer = sandbox_post(
        &world.sandbox,
        "/sandbox/v1/developers",
        &json!({ "name": "Someone Else" }),
    )
    .await["developer_id"]
        .as_str()
        .unwrap()
        .to_string();
    let other_developers_token = authorize_developer(&world, &store, &other_developer).await;

    let never_issued = format!("amzn.mws.{}", uuid::Uuid::new_v4());
    // (Seller ID, token, status, code, a phrase only that mistake's message has)
    let mistakes = [
        (
            "ATVPDKIKX0DER",
            token.as_str(),
            422,
            "marketplace_id_as_seller_id",
            "商城编号",
        ),
        (
            store.seller_id.as_str(),
            "amzn.mws.1234",
            422,
            "invalid_mws_auth_token",
            "格式不正确",
        ),
        (
            store.seller_id.as_str(),
            "mws-token-from-the-email",
            422,
            "invalid_mws_auth_token",
            "格式不正确",
        ),
        (
            other_store.seller_id.as_str(),
            other_sellers_token.as_str(),
            422,
            "seller_id_mismatch",
            "登记的店铺不同",
        ),
        (
            store.seller_id.as_str(),
            other_sellers_token.as_str(),
            422,
            "mws_token_of_other_seller",
            "属于另一个卖家账户",
        ),
        (
            store.seller_id.as_str(),
            other_developers_token.as_str(),
            422,
            "mws_token_of_other_developer",
            "授权给另一个开发者",
        ),
        (
            store.seller_id.as_str(),
            never_issued.as_str(),
            422,
            "mws_pair_refused",
            "没有签发过",
        ),
    ];
    for (seller_id, token, status, code, phrase) in mistakes {
        let (got_status, got_code, message) =
            error_of(bind(&world, &client, &id, seller_id, token).await).await;
        assert_eq!(
            (got_status, got_code.as_str()),
            (status, code),
            "{seller_id} {token}"
        );
        assert!(message.contains(phrase), "{code}: {message}");
    }
    assert_eq!(
        world
            .ferry
            .count("SELECT COUNT(*) FROM store_bindings")
            .await,
        0
    );

    let bound = bind(&world, &client, &id, &store.seller_id, &token).await;
    assert_eq!(bound.status(), 200);
    let binding: Value = bound.json().await.unwrap();
    assert_eq!(
        (binding["method"].as_str(), binding["state"].as_str()),
        (Some("mws"), Some("waiting_for_deposit_method")),
        "the pair was migrated to SP-API and checked: {binding}"
    );
    assert_eq!(binding["findings"]["participating"], true, "{binding}");
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT refresh_token_sealed FROM store_bindings")
        .fetch_one(world.ferry.db.reader())
        .await
        .unwrap();
    assert!(
        sealed.len() > 28 && !sealed.windows(5).any(|w| w == b"Atzr|"),
        "the migrated refresh token is stored encrypted"
    );

    let account = account_json(&world, &client, &id).await;
    store
        .set_us_deposit_method(
            &world,
            &field(&account, "account_holder_name"),
            &field(&account, "routing_number"),
            &field(&account, "account_number"),
        )
        .await;
    let checked = check(&world, &client, &id).await;
    assert_eq!(checked.status(), 200);
    let checked: Value = checked.json().await.unwrap();
    assert_eq!(
        (checked["method"].as_str(), checked["state"].as_str()),
        (Some("mws"), Some("bound")),
        "{checked}"
    );
    let apps = store
        .browser
        .get(world.sandbox.url("/apps/manage"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        apps.contains("Ferry"),
        "the migration authorized Ferry's app for the seller: {apps}"
    );
}

async fn check(world: &World, client: &reqwest::Client, id: &str) -> reqwest::Response {
    client
        .post(
            world
                .ferry
                .url(&format!("/api/v1/receiving-accounts/{id}/binding-checks")),
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn when_the_migration_to_sp_api_fails_the_seller_is_told_to_authorize() {
    // SP-API unreachable: the MWS pair verifies, the Authorization API
    // cannot be called.
    let world =
        world_with(|settings| settings.connector.sp_api_url = "http://127.0.0.1:9".into()).await;
    let client = ferry_seller(&world, "qian@example.cn").await;
    let store = sandbox_seller(&world, "qian", LEGAL_NAME_EN).await;
    let id = us_account_id(&world, &client, &store.seller_id).await;
    let token = authorize_developer(&world, &store, &world.developer_id).await;
    let bound = bind(&world, &client, &id, &store.seller_id, &token).await;
    assert_eq!(bound.status(), 200);
    let binding: Value = bound.json().await.unwrap();
    assert_eq!(binding["state"], "authorized", "{binding}");
    assert_eq!(
        binding["findings"]["problems"],
        json!(["mws_migration_unavailable"])
    );
    let (status, code, _) = error_of(check(&world, &client, &id).await).await;
    assert_eq!((status, code.as_str()), (409, "store_not_authorized"));
    let page = client
        .get(
            world
                .ferry
                .url(&format!("/receiving-accounts/{id}?lang=en")),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(
            "could not reach Amazon to move this authorization to SP-API. Click Authorize"
        ),
        "{page}"
    );
}

#[tokio::test]
async fn when_amazon_refuses_the_migration_the_seller_is_told_to_authorize() {
    // Ferry's LWA credentials are wrong: the MWS check needs none, the
    // migration's grantless token is refused.
    let world = world_with(|settings| {
        settings.connector.client_secret =
            ferry_platform::Secret::new("amzn1.oa2-cs.v1.wrong".into())
    })
    .await;
    let client = ferry_seller(&world, "sun@example.cn").await;
    let store = sandbox_seller(&world, "sun", LEGAL_NAME_EN).await;
    let id = us_account_id(&world, &client, &store.seller_id).await;
    let token = authorize_developer(&world, &store, &world.developer_id).await;
    let binding: Value = bind(&world, &client, &id, &store.seller_id, &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(binding["state"], "authorized", "{binding}");
    assert_eq!(
        binding["findings"]["problems"],
        json!(["mws_migration_refused"])
    );
    let page = client
        .get(world.ferry.url(&format!("/receiving-accounts/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("亚马逊没有同意把这项授权转为 SP-API 授权"),
        "{page}"
    );
}

#[tokio::test]
async fn a_revoked_token_is_refused() {
    let world = world().await;
    let client = ferry_seller(&world, "wu@example.cn").await;
    let store = sandbox_seller(&world, "wu", LEGAL_NAME_EN).await;
    let id = us_account_id(&world, &client, &store.seller_id).await;
    let token = authorize_developer(&world, &store, &world.developer_id).await;
    let permissions = store
        .browser
        .get(world.sandbox.url("/gp/account-manager/home.html"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = permissions
        .find("action=\"/gp/account-manager/mws/")
        .unwrap()
        + "action=\"".len();
    let action = &permissions[start..start + permissions[start..].find('"').unwrap()];
    let revoked = store
        .browser
        .post(world.sandbox.url(action))
        .send()
        .await
        .unwrap();
    assert!(revoked.status().is_redirection() || revoked.status().is_success());
    let (status, code, message) =
        error_of(bind(&world, &client, &id, &store.seller_id, &token).await).await;
    assert_eq!((status, code.as_str()), (422, "mws_token_revoked"));
    assert!(message.contains("被撤销"), "{message}");
    let response = client
        .post(world.ferry.url(&format!(
            "/api/v1/receiving-accounts/{id}/mws-authorization?lang=en"
        )))
        .json(&json!({ "seller_id": store.seller_id, "mws_auth_token": token }))
        .send()
        .await
        .unwrap();
    let (_, code, message) = error_of(response).await;
    assert_eq!(code, "mws_token_revoked");
    assert!(
        message.contains("was revoked under User Permissions"),
        "{message}"
    );
}

#[tokio::test]
async fn against_a_marketplace_without_mws_only_oauth_is_offered() {
    let world = world_with(|settings| settings.connector.mws_verify_url = None).await;
    let client = ferry_seller(&world, "xu@example.cn").await;
    let store = sandbox_seller(&world, "xu", LEGAL_NAME_EN).await;
    let id = us_account_id(&world, &client, &store.seller_id).await;
    let token = authorize_developer(&world, &store, &world.developer_id).await;
    let response = client
        .post(world.ferry.url(&format!(
            "/api/v1/receiving-accounts/{id}/mws-authorization?lang=en"
        )))
        .json(&json!({ "seller_id": store.seller_id, "mws_auth_token": token }))
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_of(response).await;
    assert_eq!((status, code.as_str()), (409, "mws_retired"));
    assert!(
        message.contains("retired MWS auth tokens in 2024"),
        "{message}"
    );
    let page = client
        .get(
            world
                .ferry
                .url(&format!("/receiving-accounts/{id}?lang=en")),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Authorize") && !page.contains("MWS auth token (legacy)"));
}

#[tokio::test]
async fn the_page_form_links_a_store_to_an_account_opened_without_one() {
    let world = world().await;
    let client = ferry_seller(&world, "ye@example.cn").await;
    let store = sandbox_seller(&world, "ye", LEGAL_NAME_EN).await;
    let account: Value = open_account(&world, &client, &json!({ "currency": "USD" }))
        .await
        .json()
        .await
        .unwrap();
    let id = account["id"].as_str().unwrap();
    let token = authorize_developer(&world, &store, &world.developer_id).await;
    let page = client
        .get(world.ferry.url(&format!("/receiving-accounts/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let bound = client
        .post(world.ferry.url(&format!("/receiving-accounts/{id}/mws")))
        .form(&[
            ("csrf", crate::stores_oauth::csrf_of(&page).as_str()),
            ("marketplace_id", US),
            ("seller_id", store.seller_id.as_str()),
            ("mws_auth_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bound.status(), 303);
    let account: Value = client
        .get(world.ferry.url(&format!("/api/v1/receiving-accounts/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(account["store"]["seller_id"], store.seller_id.as_str());
    assert_eq!(account["store"]["marketplace_id"], US);
    assert_eq!(account["binding"]["method"], "mws");
    assert_eq!(account["binding"]["state"], "waiting_for_deposit_method");
}

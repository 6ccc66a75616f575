//! Seller registration on the web, then the required two-step set-up.

use crate::helpers::{browser, spawn_app};

fn form<'a>(email: &'a str, marketplaces: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("legal_name", "Hangzhou Example Co., Ltd."),
        ("business_type", "PRIVATE_LIMITED"),
        ("country_code", "CN"),
        ("line1", "88 Wensan Road"),
        ("city", "Hangzhou"),
        ("postal_code", "310000"),
        ("store_name", "Example Home"),
        ("name", "Wang Fang"),
        ("email", email),
        ("password", "correct horse battery"),
    ];
    fields.extend(marketplaces.iter().map(|id| ("marketplace_id", *id)));
    fields
}

#[tokio::test]
async fn signing_up_creates_a_seller_and_sets_up_two_step_verification() {
    let app = spawn_app().await;
    let client = browser();
    let page = client
        .post(app.url("/ap/register"))
        .form(&form(
            "wang@shop.example",
            &["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    let between = |start: &str| {
        let from = page.find(start).unwrap() + start.len();
        page[from..from + page[from..].find('<').unwrap()].to_string()
    };
    let secret = between("<code class=\"totp-secret\">");
    let seller_id = between("<strong class=\"merchant-token\">");
    assert!(ferry_domain::SellerId::parse(&seller_id).is_ok());

    app.sign_in(
        &client,
        "wang@shop.example",
        "correct horse battery",
        &secret,
    )
    .await;
    let home = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains(&seller_id));
    let stores: Vec<String> = sqlx::query_scalar(
        "SELECT marketplace_id FROM marketplace_participations WHERE seller_id = $1 ORDER BY marketplace_id",
    )
    .bind(&seller_id)
    .fetch_all(app.db.reader())
    .await
    .unwrap();
    assert_eq!(stores, ["A2EUQ1WTGCTBG2", "ATVPDKIKX0DER"]);
}

#[tokio::test]
async fn a_sign_up_without_a_marketplace_or_with_a_taken_email_is_refused() {
    let app = spawn_app().await;
    let client = browser();
    let none = client
        .post(app.url("/ap/register"))
        .form(&form("wang@shop.example", &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 400);
    assert!(
        none.text()
            .await
            .unwrap()
            .contains("Choose at least one marketplace")
    );
    app.create_seller("li").await;
    let taken = client
        .post(app.url("/ap/register"))
        .form(&form("li@shop.example", &["ATVPDKIKX0DER"]))
        .send()
        .await
        .unwrap();
    assert_eq!(taken.status(), 409);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sellers")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert_eq!(count, 1);
}

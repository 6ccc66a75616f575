//! The admin API's OpenAPI document matches the routes that exist.

use crate::helpers::spawn_app;
use serde_json::Value;

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let app = spawn_app().await;
    let response = app.get("/sandbox/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let document: Value = response.json().await.unwrap();
    assert_eq!(document["openapi"], "3.0.3");
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.len() >= 18);
    for (path, operations) in paths {
        let concrete = path
            .replace("{seller_id}", "A000000000000Z")
            .replace("{marketplace_id}", "ATVPDKIKX0DER")
            .replace("{application_id}", "amzn1.sellerapps.app.none")
            .replace("{case_id}", "00000000000")
            .replace("{order_id}", "111-0000000-0000000")
            .replace("{token}", "0000");
        for method in operations.as_object().unwrap().keys() {
            let request = match method.as_str() {
                "get" => app.client.get(app.url(&concrete)),
                "post" => app
                    .client
                    .post(app.url(&concrete))
                    .json(&serde_json::json!({})),
                other => panic!("unexpected method {other}"),
            };
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body = response.text().await.unwrap();
            assert_ne!(status, 405, "{method} {path} is not routed");
            assert!(
                !(status == 404 && body.is_empty()),
                "{method} {path} is not routed"
            );
        }
    }
}

use crate::helpers::spawn_app;
use serde_json::Value;

#[tokio::test]
async fn the_openapi_document_describes_the_account_api() {
    let app = spawn_app().await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    let registration = &doc["paths"]["/api/v1/registrations"]["post"];
    let required =
        &registration["requestBody"]["content"]["application/json"]["schema"]["required"];
    assert_eq!(
        required,
        &serde_json::json!(["email", "password", "account_kind", "display_name"])
    );
    assert!(registration["responses"]["422"].is_object());
    assert!(doc["paths"]["/api/v1/me"]["get"]["security"].is_array());
    let documented: std::collections::BTreeSet<&str> = ferry_provider::openapi::documented_routes()
        .into_iter()
        .map(|(_, path)| path)
        .collect();
    let served: std::collections::BTreeSet<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(served, documented);
    assert!(documented.contains("/api/v1/team/members/{id}"));
}

#[tokio::test]
async fn every_documented_route_is_served() {
    let app = spawn_app().await;
    for (method, path) in ferry_provider::openapi::documented_routes() {
        let url = app.url(&path.replace("{id}", "some-id"));
        let request = match method.as_str() {
            "GET" => app.client.get(url),
            "POST" => app.client.post(url).json(&serde_json::json!({})),
            "DELETE" => app.client.delete(url),
            "PATCH" => app.client.patch(url).json(&serde_json::json!({})),
            other => panic!("undocumented method {other}"),
        };
        let status = request.send().await.unwrap().status().as_u16();
        assert!(
            ![404, 405].contains(&status),
            "{method} {path} answered {status}"
        );
    }
}

#[tokio::test]
async fn the_api_docs_are_served_from_the_binary() {
    let app = spawn_app().await;
    let page = app.get("/api/docs/").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("swagger-ui"));
    let bundle = app.get("/api/docs/swagger-ui-bundle.js").await;
    assert_eq!(bundle.status(), 200);
    assert!(
        bundle.bytes().await.unwrap().len() > 100_000,
        "the real bundle, not a CDN link"
    );
}

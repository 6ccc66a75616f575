//! What the verification tests share: signed-in sellers of either kind,
//! generated documents, uploads.

use crate::helpers::MailExt;
use crate::helpers::{PASSWORD, TestApp, new_client, post_json_with};
use image::{ImageFormat, RgbImage};
use serde_json::{Value, json};
use std::io::Cursor;

/// Registers, activates and signs in a seller of `kind`; returns its client.
pub async fn seller(app: &TestApp, email: &str, kind: &str, language: &str) -> reqwest::Client {
    let registered = app
        .post_json(
            "/api/v1/registrations",
            &json!({ "email": email, "password": PASSWORD, "account_kind": kind,
                     "display_name": "测试商户", "language": language }),
        )
        .await;
    assert_eq!(registered.status(), 202);
    let mail = app.wait_for_mails(email, 1).await.pop().unwrap();
    let token = mail.token_after("/activate?token=");
    let activated = app
        .post_json("/api/v1/activations", &json!({ "token": token }))
        .await;
    assert_eq!(activated.status(), 200);
    let client = new_client();
    assert_eq!(app.sign_in(&client, email, PASSWORD).await.status(), 200);
    client
}

/// A picture with varied pixels (so compression keeps it large enough to
/// hold recognisable bytes).
pub fn picture(format: ImageFormat, width: u32, height: u32, seed: u8) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x % 251) as u8 ^ seed,
            (y % 241) as u8,
            ((x * 7 + y * 3) % 239) as u8,
        ])
    });
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

pub fn jpeg(seed: u8) -> Vec<u8> {
    picture(ImageFormat::Jpeg, 800, 600, seed)
}

pub async fn upload_as(
    app: &TestApp,
    client: &reqwest::Client,
    bytes: Vec<u8>,
    file_name: &str,
    content_type: &str,
) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(file_name.to_string())
        .mime_str(content_type)
        .unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    client
        .post(app.url("/api/v1/kyc/documents"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Uploads an acceptable picture and returns its document id.
pub async fn upload_ok(app: &TestApp, client: &reqwest::Client, seed: u8) -> String {
    let response = upload_as(app, client, jpeg(seed), "card.jpg", "image/jpeg").await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    body["id"].as_str().unwrap().to_string()
}

pub async fn post(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    body: &Value,
) -> reqwest::Response {
    post_json_with(client, &app.url(path), body).await
}

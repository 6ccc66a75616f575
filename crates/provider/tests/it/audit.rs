use crate::helpers::{PASSWORD, new_client, spawn_app};
use ferry_provider::audit::{self, Verdict};
use serde_json::Value;

#[tokio::test]
async fn security_events_form_a_verifiable_chain_and_tampering_is_named() {
    let app = spawn_app().await;
    app.register_and_activate("aud@example.com").await;
    app.sign_in(&app.client, "aud@example.com", "wrong wrong wrong")
        .await;
    app.sign_in(&app.client, "aud@example.com", PASSWORD).await;

    let events: Vec<String> = {
        let log: Value = app.get("/api/v1/audit-log").await.json().await.unwrap();
        log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["event"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        events,
        [
            "session.created",
            "login.failed",
            "account.activated",
            "account.registered"
        ]
    );
    assert_eq!(
        audit::verify(&app.db).await.unwrap(),
        Verdict::Intact { entries: 4 }
    );

    sqlx::query("UPDATE audit_log SET ip = '10.0.0.1' WHERE seq = 2")
        .execute(app.db.writer())
        .await
        .unwrap();
    assert_eq!(
        audit::verify(&app.db).await.unwrap(),
        Verdict::Broken {
            seq: 2,
            reason: "contents changed"
        }
    );
}

#[tokio::test]
async fn removing_entries_breaks_the_chain() {
    let app = spawn_app().await;
    app.register_and_activate("del@example.com").await;
    app.sign_in(&app.client, "del@example.com", PASSWORD).await;
    sqlx::query("DELETE FROM audit_log WHERE seq = 3")
        .execute(app.db.writer())
        .await
        .unwrap();
    assert_eq!(
        audit::verify(&app.db).await.unwrap(),
        Verdict::Broken {
            seq: 3,
            reason: "entry missing at the end"
        }
    );

    let app = spawn_app().await;
    app.register_and_activate("mid@example.com").await;
    app.sign_in(&app.client, "mid@example.com", PASSWORD).await;
    sqlx::query("DELETE FROM audit_log WHERE seq = 2")
        .execute(app.db.writer())
        .await
        .unwrap();
    assert_eq!(
        audit::verify(&app.db).await.unwrap(),
        Verdict::Broken {
            seq: 2,
            reason: "entry missing"
        }
    );
}

#[tokio::test]
async fn an_owner_reads_only_their_own_account_s_log() {
    let app = spawn_app().await;
    app.register_and_activate("one@example.com").await;
    app.register_and_activate("two@example.com").await;
    let two = new_client();
    app.sign_in(&two, "two@example.com", PASSWORD).await;
    let log: Value = two
        .get(app.url("/api/v1/audit-log"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entries = log["entries"].as_array().unwrap();
    let me: Value = two
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(entries.len(), 3);
    assert!(
        entries.iter().all(|e| e["user_id"] == me["user_id"]),
        "{log}"
    );
}

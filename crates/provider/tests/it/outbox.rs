use crate::helpers::spawn_app;
use ferry_platform::db::unix_ms;
use ferry_platform::outbox::{self, Deliver, OutboxMessage, Outcome};
use std::sync::Mutex;

/// Records deliveries and fails the first `failures` attempts.
struct Recorder {
    failures: Mutex<usize>,
    delivered: Mutex<Vec<String>>,
}

impl Deliver for Recorder {
    async fn deliver(&self, message: &OutboxMessage) -> Outcome {
        let mut failures = self.failures.lock().unwrap();
        if *failures > 0 {
            *failures -= 1;
            return Outcome::Retry("receiver down".into());
        }
        self.delivered.lock().unwrap().push(message.payload.clone());
        Outcome::Delivered
    }
}

fn now_ms() -> i64 {
    unix_ms(time::OffsetDateTime::now_utc())
}

#[tokio::test]
async fn a_rolled_back_transaction_sends_nothing_and_a_committed_one_is_delivered_once() {
    let app = spawn_app().await;
    let mut tx = app.db.begin().await.unwrap();
    outbox::enqueue(&mut tx, "mail", "rolled back", now_ms())
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let mut tx = app.db.begin().await.unwrap();
    outbox::enqueue(&mut tx, "mail", "committed", now_ms())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let recorder = Recorder {
        failures: Mutex::new(0),
        delivered: Mutex::new(Vec::new()),
    };
    assert_eq!(outbox::deliver_due(&app.db, &recorder).await.unwrap(), 1);
    assert_eq!(outbox::deliver_due(&app.db, &recorder).await.unwrap(), 0);
    assert_eq!(
        *recorder.delivered.lock().unwrap(),
        vec!["committed".to_string()]
    );
}

#[tokio::test]
async fn a_failed_delivery_is_retried_after_its_backoff() {
    let app = spawn_app().await;
    let mut tx = app.db.begin().await.unwrap();
    outbox::enqueue(&mut tx, "webhook", "event", now_ms())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let recorder = Recorder {
        failures: Mutex::new(1),
        delivered: Mutex::new(Vec::new()),
    };
    assert_eq!(outbox::deliver_due(&app.db, &recorder).await.unwrap(), 1);
    assert!(recorder.delivered.lock().unwrap().is_empty());
    // Not due again until the backoff has passed.
    let claimed_now = outbox::claim_due(&app.db, now_ms(), 10).await.unwrap();
    assert!(claimed_now.is_empty());
    let later = now_ms() + outbox::backoff_ms(1) + 1;
    let claimed_later = outbox::claim_due(&app.db, later, 10).await.unwrap();
    assert_eq!(claimed_later.len(), 1);
    assert_eq!(claimed_later[0].attempt, 2);
}

#[tokio::test]
async fn concurrent_claims_never_take_the_same_message_twice() {
    let app = spawn_app().await;
    let mut tx = app.db.begin().await.unwrap();
    for i in 0..40 {
        outbox::enqueue(&mut tx, "mail", &format!("m{i}"), now_ms())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();

    let claims = (0..4).map(|_| {
        let db = app.db.clone();
        tokio::spawn(async move { outbox::claim_due(&db, now_ms(), 7).await.unwrap() })
    });
    let mut ids = Vec::new();
    for claim in claims {
        ids.extend(claim.await.unwrap().into_iter().map(|m| m.id));
    }
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(total, 28, "four workers claim seven each");
    assert_eq!(ids.len(), total, "no message was claimed twice");
}

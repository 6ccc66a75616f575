//! The batching writer: one task per process that takes transfer requests
//! from many callers and applies as many as are waiting in one database
//! transaction, so a burst of requests costs one durable commit instead of
//! one each (group commit). Each caller still gets its own results, and a
//! caller's linked chains never mix with another caller's.

use crate::model::{LedgerCode, Transfer, TransferFlags, TransferResult};
use crate::store::{self, LedgerError};
use ferry_platform::db::{Db, unix_ms};
use sqlx::Row;
use tokio::sync::{mpsc, oneshot};

/// At most this many transfers go into one database transaction (the
/// batch size TigerBeetle settled on).
pub const MAX_BATCH_TRANSFERS: usize = 8190;
/// Requests waiting for the writer; callers wait when it is full.
const QUEUE_REQUESTS: usize = 4096;

type Reply = oneshot::Sender<Result<Vec<TransferResult>, LedgerError>>;

struct Job {
    transfers: Vec<Transfer>,
    reply: Reply,
}

/// A handle to the process's ledger writer; cheap to clone.
#[derive(Clone)]
pub struct LedgerWriter {
    sender: mpsc::Sender<Job>,
}

impl LedgerWriter {
    /// Starts the writer task on the current runtime.
    pub fn start(db: Db) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE_REQUESTS);
        tokio::spawn(run(db, receiver));
        Self { sender }
    }

    /// Applies `transfers` (linked chains must close inside them) and
    /// returns one result per transfer once they are durable.
    pub async fn submit(
        &self,
        transfers: Vec<Transfer>,
    ) -> Result<Vec<TransferResult>, LedgerError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Job { transfers, reply })
            .await
            .map_err(|_| LedgerError::WriterStopped)?;
        answer.await.map_err(|_| LedgerError::WriterStopped)?
    }

    /// Expires the pending transfers whose deadline has passed, releasing
    /// their reservations. Returns how many were expired.
    pub async fn expire_due(&self, db: &Db) -> Result<usize, LedgerError> {
        let now_ms = unix_ms(time::OffsetDateTime::now_utc());
        let rows = sqlx::query(
            "SELECT p.id, t.ledger FROM ledger_pending p JOIN ledger_transfers t ON t.id = p.id \
             WHERE p.status = 'pending' AND p.expires_at_ms > 0 AND p.expires_at_ms <= $1 \
             ORDER BY p.expires_at_ms LIMIT 1000",
        )
        .bind(now_ms)
        .fetch_all(db.reader())
        .await?;
        let mut expiries = Vec::with_capacity(rows.len());
        for row in rows {
            let pending_id: String = row.try_get(0)?;
            let ledger: String = row.try_get(1)?;
            expiries.push(Transfer {
                id: format!("expire_{pending_id}"),
                debit_account_id: String::new(),
                credit_account_id: String::new(),
                amount: 0,
                ledger: LedgerCode::currency(&ledger)
                    .ok_or_else(|| LedgerError::Corrupt(format!("ledger {ledger:?}")))?,
                code: 0,
                flags: TransferFlags(TransferFlags::EXPIRE_PENDING),
                pending_id: Some(pending_id),
                expires_at_ms: 0,
                reference: None,
            });
        }
        let results = self.submit(expiries).await?;
        Ok(results.iter().filter(|r| r.is_ok()).count())
    }
}

async fn run(db: Db, mut receiver: mpsc::Receiver<Job>) {
    while let Some(first) = receiver.recv().await {
        let mut waiting = first.transfers.len();
        let mut jobs = vec![first];
        while waiting < MAX_BATCH_TRANSFERS {
            match receiver.try_recv() {
                Ok(job) => {
                    waiting += job.transfers.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        apply_jobs(&db, jobs).await;
    }
}

async fn apply_jobs(db: &Db, jobs: Vec<Job>) {
    let segments: Vec<&[Transfer]> = jobs.iter().map(|job| job.transfers.as_slice()).collect();
    let now_ms = unix_ms(time::OffsetDateTime::now_utc());
    match store::apply(db, &segments, now_ms).await {
        Ok(results) => {
            for (job, result) in jobs.into_iter().zip(results) {
                // A caller that stopped waiting loses only its answer; the
                // transfers are durable and a retry answers `exists`.
                drop(job.reply.send(Ok(result)));
            }
        }
        Err(error) => {
            tracing::error!(%error, "a ledger batch failed; nothing in it was applied");
            let message = error.to_string();
            for job in jobs {
                drop(
                    job.reply
                        .send(Err(LedgerError::BatchFailed(message.clone()))),
                );
            }
        }
    }
}

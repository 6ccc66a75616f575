//! The encrypted document store: identity cards, licences and certificates
//! uploaded for verification.
//!
//! An upload is inspected by its bytes ([`inspect`]), cleaned of metadata,
//! sealed with AES-256-GCM under a fresh data key ([`crypto`]) and put in an
//! `object_store` (a local folder by default, S3-compatible by
//! configuration). The row in `kyc_documents` keeps the SHA-256 of the
//! upload and the data key wrapped by a master key. Reading a document back
//! is allowed to the account's owner and admins and to operators, and every
//! read is in the audit log.

pub mod crypto;
pub mod inspect;
pub mod keys;

use crate::audit::{self, Event};
use crate::kyc::problem::{Fault, KycProblem};
use crate::settings::Settings;
use crate::tokens;
use crypto::{Key, MasterKeys};
use ferry_platform::db::Db;
use ferry_platform::secret::Secret;
use inspect::{MediaType, Refusal};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// `[provider.documents]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct DocumentSettings {
    /// Master keys by id, each 32 bytes in base64 (`openssl rand -base64
    /// 32`). Empty: keys are kept in `<data_dir>/document-keys/` and one is
    /// created on first start (fine for one machine; in production keep the
    /// keys apart from the data, e.g. in the environment).
    pub master_keys: BTreeMap<String, Secret<String>>,
    /// The key that wraps new data keys (and that rotation re-wraps to).
    /// Unset: the only configured key, or the newest local key.
    pub current_key_id: Option<String>,
    /// An S3-compatible bucket instead of `<data_dir>/documents`.
    pub s3: Option<S3Settings>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct S3Settings {
    pub bucket: String,
    pub region: String,
    /// For S3-compatible stores (MinIO, OSS, COS …); unset for AWS.
    pub endpoint: Option<String>,
    pub access_key_id: String,
    pub secret_access_key: Secret<String>,
    /// Allow a plain-HTTP endpoint (a local MinIO only).
    pub allow_http: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("document keys: {0}")]
    Keys(#[from] keys::KeyFileError),
    #[error("document store: {0}")]
    ObjectStore(#[from] object_store::Error),
    #[error("document store folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
}

/// The object store and the master keys.
#[derive(Debug, Clone)]
pub struct DocumentStore {
    objects: Arc<dyn ObjectStore>,
    keys: MasterKeys,
}

/// A stored document's row.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentInfo {
    pub id: String,
    #[serde(skip)]
    pub account_id: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub width_px: Option<i64>,
    pub height_px: Option<i64>,
    pub created_at_ms: i64,
    #[serde(skip)]
    key_id: String,
    #[serde(skip)]
    wrapped_key: String,
    #[serde(skip)]
    object_path: String,
}

const COLUMNS: &str = "id, account_id, media_type, size_bytes, sha256, width_px, height_px, created_at_ms, key_id, wrapped_key, object_path";

fn info_from_row(row: &sqlx::any::AnyRow) -> Result<DocumentInfo, sqlx::Error> {
    Ok(DocumentInfo {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        media_type: row.try_get("media_type")?,
        size_bytes: row.try_get("size_bytes")?,
        sha256: row.try_get("sha256")?,
        width_px: row.try_get("width_px")?,
        height_px: row.try_get("height_px")?,
        created_at_ms: row.try_get("created_at_ms")?,
        key_id: row.try_get("key_id")?,
        wrapped_key: row.try_get("wrapped_key")?,
        object_path: row.try_get("object_path")?,
    })
}

impl From<Refusal> for KycProblem {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Empty => Self::DocumentEmpty,
            Refusal::TooLarge => Self::DocumentTooLarge,
            Refusal::TypeNotAllowed(_) => Self::DocumentTypeNotAllowed,
            Refusal::Unreadable => Self::DocumentUnreadable,
            Refusal::TooSmall {
                width_px,
                height_px,
            } => Self::DocumentTooSmall {
                width_px,
                height_px,
            },
            Refusal::TrailingData => Self::DocumentTrailingData,
            Refusal::ActivePdfContent => Self::DocumentActiveContent,
        }
    }
}

/// Who reads a document, for the audit log.
pub enum Reader<'a> {
    Seller { user_id: &'a str },
    Operator { operator_id: &'a str },
}

impl DocumentStore {
    /// Opens the configured store (creating the local folder and, without
    /// configured keys, a local master key).
    pub fn open(settings: &Settings) -> Result<Self, StoreError> {
        let keys = keys::load(settings)?;
        let objects: Arc<dyn ObjectStore> = match &settings.documents.s3 {
            Some(s3) => {
                let mut builder = AmazonS3Builder::new()
                    .with_bucket_name(&s3.bucket)
                    .with_region(&s3.region)
                    .with_access_key_id(&s3.access_key_id)
                    .with_secret_access_key(s3.secret_access_key.expose())
                    .with_allow_http(s3.allow_http);
                if let Some(endpoint) = &s3.endpoint {
                    builder = builder.with_endpoint(endpoint);
                }
                Arc::new(builder.build()?)
            }
            None => {
                let folder = Path::new(&settings.data_dir).join("documents");
                std::fs::create_dir_all(&folder).map_err(|source| StoreError::Folder {
                    path: folder.display().to_string(),
                    source,
                })?;
                Arc::new(LocalFileSystem::new_with_prefix(&folder)?)
            }
        };
        Ok(Self { objects, keys })
    }

    pub fn keys(&self) -> &MasterKeys {
        &self.keys
    }

    /// Inspects, cleans, encrypts and stores an upload for `account_id`.
    pub async fn upload(
        &self,
        db: &Db,
        account_id: &str,
        user_id: &str,
        ip: &str,
        upload: &[u8],
        now_ms: i64,
    ) -> Result<DocumentInfo, Fault> {
        let sha256 = hex::encode(Sha256::digest(upload));
        let owned = upload.to_vec();
        let accepted = tokio::task::spawn_blocking(move || inspect::inspect(&owned))
            .await
            .map_err(Fault::internal)?
            .map_err(KycProblem::from)?;
        let id = tokens::new_id("doc");
        let data_key = Key::random();
        let sealed = data_key.seal(&accepted.bytes, id.as_bytes());
        let (key_id, wrapped_key) = self.keys.wrap(&data_key, &id);
        let object_path = format!("kyc/{account_id}/{id}");
        self.objects
            .put(
                &ObjectPath::from(object_path.as_str()),
                PutPayload::from(sealed),
            )
            .await
            .map_err(Fault::internal)?;
        let (width_px, height_px) = accepted.dimensions_px.map_or((None, None), |(w, h)| {
            (Some(i64::from(w)), Some(i64::from(h)))
        });
        let info = DocumentInfo {
            id,
            account_id: account_id.to_string(),
            media_type: accepted.media_type.mime().to_string(),
            size_bytes: i64::try_from(accepted.bytes.len()).map_err(Fault::internal)?,
            sha256,
            width_px,
            height_px,
            created_at_ms: now_ms,
            key_id,
            wrapped_key,
            object_path,
        };
        let mut tx = db.begin().await?;
        let sql = format!(
            "INSERT INTO kyc_documents ({COLUMNS}, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&info.id)
            .bind(&info.account_id)
            .bind(&info.media_type)
            .bind(info.size_bytes)
            .bind(&info.sha256)
            .bind(info.width_px)
            .bind(info.height_px)
            .bind(info.created_at_ms)
            .bind(&info.key_id)
            .bind(&info.wrapped_key)
            .bind(&info.object_path)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let event = Event {
            account_id: Some(account_id),
            user_id: Some(user_id),
            name: "document.uploaded",
            detail: json!({ "document": info.id, "media_type": info.media_type, "sha256": info.sha256 }),
            ip: Some(ip),
        };
        audit::record(&mut tx, event, now_ms).await?;
        tx.commit().await?;
        Ok(info)
    }

    /// Decrypts a document for `reader` and records the view.
    pub async fn read(
        &self,
        db: &Db,
        info: &DocumentInfo,
        reader: Reader<'_>,
        ip: &str,
        now_ms: i64,
    ) -> Result<(MediaType, Vec<u8>), Fault> {
        let data_key = self
            .keys
            .unwrap(&info.key_id, &info.wrapped_key, &info.id)
            .map_err(Fault::internal)?;
        let sealed = self
            .objects
            .get(&ObjectPath::from(info.object_path.as_str()))
            .await
            .map_err(Fault::internal)?
            .bytes()
            .await
            .map_err(Fault::internal)?;
        let bytes = data_key
            .open(&sealed, info.id.as_bytes())
            .map_err(Fault::internal)?;
        let media_type = MediaType::from_mime(&info.media_type)
            .ok_or_else(|| Fault::internal("stored media type"))?;
        let (user_id, operator_id) = match reader {
            Reader::Seller { user_id } => (Some(user_id), None),
            Reader::Operator { operator_id } => (None, Some(operator_id)),
        };
        let mut tx = db.begin().await?;
        let event = Event {
            account_id: Some(&info.account_id),
            user_id,
            name: "document.viewed",
            detail: json!({ "document": info.id, "operator": operator_id }),
            ip: Some(ip),
        };
        audit::record(&mut tx, event, now_ms).await?;
        tx.commit().await?;
        Ok((media_type, bytes))
    }
}

/// A document of `account_id`; another account's id is "not found".
pub async fn find_for_account(
    db: &Db,
    account_id: &str,
    document_id: &str,
) -> Result<Option<DocumentInfo>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM kyc_documents WHERE id = $1 AND account_id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(document_id)
        .bind(account_id)
        .fetch_optional(db.reader())
        .await?;
    row.as_ref().map(info_from_row).transpose()
}

/// Any document, for operators.
pub async fn find(db: &Db, document_id: &str) -> Result<Option<DocumentInfo>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM kyc_documents WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(document_id)
        .fetch_optional(db.reader())
        .await?;
    row.as_ref().map(info_from_row).transpose()
}

pub async fn list_for_account(db: &Db, account_id: &str) -> Result<Vec<DocumentInfo>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM kyc_documents WHERE account_id = $1 ORDER BY created_at_ms DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(account_id)
        .fetch_all(db.reader())
        .await?;
    rows.iter().map(info_from_row).collect()
}

/// Re-wraps every data key not wrapped by the current master key; the
/// objects are untouched. Returns how many rows changed.
pub async fn rewrap_all(db: &Db, keys: &MasterKeys) -> Result<u64, Fault> {
    let rows = sqlx::query("SELECT id, key_id, wrapped_key FROM kyc_documents WHERE key_id <> $1")
        .bind(keys.current_id())
        .fetch_all(db.reader())
        .await?;
    let mut changed = 0;
    for row in rows {
        let id: String = row.try_get("id")?;
        let old_key_id: String = row.try_get("key_id")?;
        let wrapped: String = row.try_get("wrapped_key")?;
        let data_key = keys
            .unwrap(&old_key_id, &wrapped, &id)
            .map_err(|error| Fault::internal(format!("document {id}: {error}")))?;
        let (key_id, rewrapped) = keys.wrap(&data_key, &id);
        // Guarded by the old wrapping, so a concurrent rotation cannot be
        // overwritten with a stale value.
        let done = sqlx::query(
            "UPDATE kyc_documents SET key_id = $1, wrapped_key = $2 WHERE id = $3 AND wrapped_key = $4",
        )
        .bind(&key_id)
        .bind(&rewrapped)
        .bind(&id)
        .bind(&wrapped)
        .execute(db.writer())
        .await?;
        changed += done.rows_affected();
    }
    Ok(changed)
}

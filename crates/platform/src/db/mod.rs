//! One database handle for both backends.
//!
//! Queries go through sqlx's `Any` driver with `$1`-style placeholders, which
//! both SQLite and PostgreSQL accept, so each repository is written once.
//! Columns therefore use the types `Any` carries: TEXT ids, BIGINT money in
//! minor units, BIGINT timestamps in milliseconds since the Unix epoch
//! (`*_at_ms`), BOOLEAN flags, BLOB/BYTEA bytes.
//!
//! Where the backends really differ (row locks, `SKIP LOCKED`), code asks
//! [`Db::backend`] and says why. SQLite runs in WAL mode with a single
//! writer connection: writes queue in-process instead of failing with
//! `SQLITE_BUSY`, while readers use their own pool.

mod schema;

pub use schema::{Column, SchemaDiff, TableSchema, diff_schemas, introspect};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a URL asks for, from its scheme alone.
    pub fn from_url(url: &str) -> Result<Self, DbError> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            _ => Err(DbError::UnsupportedUrl(redact_url(url))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "unsupported database URL {0}: use sqlite://PATH or postgres://USER@HOST:PORT/DATABASE"
    )]
    UnsupportedUrl(String),
    #[error("cannot create the folder for the SQLite file {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the {backend} database: {source}")]
    Connect {
        backend: &'static str,
        source: sqlx::Error,
    },
    #[error("migrations failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
}

/// The embedded migrations of one service, one folder per backend with the
/// same file names (a test checks that the resulting schemas agree).
pub struct Migrations {
    pub sqlite: Migrator,
    pub postgres: Migrator,
}

impl Migrations {
    fn for_backend(&self, backend: Backend) -> &Migrator {
        match backend {
            Backend::Sqlite => &self.sqlite,
            Backend::Postgres => &self.postgres,
        }
    }
}

/// Pool sizes. SQLite's writer is always one connection.
#[derive(Debug, Clone, Copy)]
pub struct PoolSizes {
    pub postgres_connections: u32,
    pub sqlite_readers: u32,
}

impl Default for PoolSizes {
    fn default() -> Self {
        Self {
            postgres_connections: 16,
            sqlite_readers: 4,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    backend: Backend,
    writer: AnyPool,
    reader: AnyPool,
}

impl Db {
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        Self::connect_with(url, PoolSizes::default()).await
    }

    pub async fn connect_with(url: &str, sizes: PoolSizes) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        match backend {
            Backend::Sqlite => Self::connect_sqlite(url, sizes).await,
            Backend::Postgres => {
                let pool = pool_options(sizes.postgres_connections)
                    .connect(url)
                    .await
                    .map_err(|source| DbError::Connect {
                        backend: "postgres",
                        source,
                    })?;
                Ok(Self {
                    backend,
                    writer: pool.clone(),
                    reader: pool,
                })
            }
        }
    }

    async fn connect_sqlite(url: &str, sizes: PoolSizes) -> Result<Self, DbError> {
        let url = sqlite_url_creating_file(url)?;
        let options = AnyConnectOptions::from_str(&url).map_err(|source| DbError::Connect {
            backend: "sqlite",
            source,
        })?;
        let connect_error = |source| DbError::Connect {
            backend: "sqlite",
            source,
        };
        // The writer opens the file first so that WAL mode is set before any
        // reader connects.
        let writer = sqlite_pool_options(1)
            .connect_with(options.clone())
            .await
            .map_err(connect_error)?;
        let reader = sqlite_pool_options(sizes.sqlite_readers)
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        Ok(Self {
            backend: Backend::Sqlite,
            writer,
            reader,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool for statements that only read.
    pub fn reader(&self) -> &AnyPool {
        &self.reader
    }

    /// The pool for writes (one connection on SQLite).
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// Starts a write transaction. On SQLite it takes the write lock at
    /// once (`BEGIN IMMEDIATE`): a transaction that reads and then writes
    /// could otherwise fail when another process committed in between,
    /// instead of waiting its turn.
    pub async fn begin(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.writer.begin().await,
        }
    }

    pub async fn migrate(&self, migrations: &Migrations) -> Result<(), DbError> {
        migrations
            .for_backend(self.backend)
            .run(&self.writer)
            .await?;
        Ok(())
    }

    /// A cheap round trip, for `/readyz`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        self.reader.execute("SELECT 1").await.map(|_| ())
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }

    /// Whether [`Db::close`] was called: the service is shutting down and
    /// background workers should end.
    pub fn is_closed(&self) -> bool {
        self.writer.is_closed()
    }
}

fn pool_options(max_connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(30))
}

fn sqlite_pool_options(max_connections: u32) -> AnyPoolOptions {
    pool_options(max_connections).after_connect(|conn, _meta| {
        Box::pin(async move {
            // WAL lets readers proceed while the writer commits; FULL makes
            // each commit durable against power loss, not just a crash,
            // because an acknowledged payment must never be lost.
            conn.execute(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
            )
            .await?;
            Ok(())
        })
    })
}

/// Adds `mode=rwc` so a missing file is created, and creates its folder.
fn sqlite_url_creating_file(url: &str) -> Result<String, DbError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|source| DbError::Folder {
            path: path.to_string(),
            source,
        })?;
    }
    if url.contains("mode=") {
        Ok(url.to_string())
    } else if url.contains('?') {
        Ok(format!("{url}&mode=rwc"))
    } else {
        Ok(format!("{url}?mode=rwc"))
    }
}

/// The URL without its password, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}://{}:***@{}", &url[..scheme_end], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// Milliseconds since the Unix epoch, the unit of every `*_at_ms` column.
pub fn unix_ms(at: time::OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// The inverse of [`unix_ms`].
pub fn from_unix_ms(ms: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_comes_from_the_scheme() {
        assert_eq!(Backend::from_url("sqlite://a.db").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert!(Backend::from_url("mysql://root:pw@h/db").is_err());
    }

    #[test]
    fn unsupported_url_message_hides_the_password() {
        let err = Backend::from_url("mysql://root:topsecret@h/db").unwrap_err();
        assert!(!err.to_string().contains("topsecret"), "{err}");
    }

    #[test]
    fn sqlite_urls_create_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/sub/x.db", dir.path().display());
        assert!(
            sqlite_url_creating_file(&url)
                .unwrap()
                .ends_with("x.db?mode=rwc")
        );
        assert!(dir.path().join("sub").is_dir());
    }

    #[test]
    fn unix_ms_round_trips() {
        let at = time::macros::datetime!(2026-11-24 19:22:33.123 UTC);
        assert_eq!(from_unix_ms(unix_ms(at)), at);
    }
}

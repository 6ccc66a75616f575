//! Fresh databases for integration tests, in the style of zero2prod's
//! `spawn_app`: every test gets its own database, so tests run in parallel
//! and never see each other's rows.
//!
//! By default a database is a SQLite file in a temporary folder. When
//! `FERRY_TEST_POSTGRES_URL` is set (an administrative URL such as
//! `postgres://postgres@127.0.0.1:5432/postgres`), it is a new PostgreSQL
//! database on that server, dropped when the test ends. When
//! `FERRY_TEST_BACKEND_LOG` names a file, each database created appends a
//! line `backend<TAB>test name`, which is how CI proves its Postgres leg
//! really ran on Postgres.

use crate::db::{Backend, Db, DbError, Migrations, diff_schemas, introspect};
use sqlx::{AssertSqlSafe, Connection, Executor};
use std::io::Write;

pub const POSTGRES_URL_VAR: &str = "FERRY_TEST_POSTGRES_URL";
pub const BACKEND_LOG_VAR: &str = "FERRY_TEST_BACKEND_LOG";

/// A database that exists for as long as this value lives.
pub struct TestDatabase {
    url: String,
    backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    Folder(#[allow(dead_code)] tempfile::TempDir),
    PostgresDatabase { admin_url: String, name: String },
}

impl TestDatabase {
    /// A new, empty database on the backend the environment selects.
    pub async fn create() -> Result<Self, DbError> {
        let database = match std::env::var(POSTGRES_URL_VAR) {
            Ok(admin_url) if !admin_url.is_empty() => Self::create_postgres(admin_url).await?,
            _ => Self::create_sqlite()?,
        };
        log_backend(database.backend);
        Ok(database)
    }

    /// A fresh SQLite file in a temporary folder.
    pub fn create_sqlite() -> Result<Self, DbError> {
        let folder = tempfile::Builder::new()
            .prefix("ferry-test-")
            .tempdir()
            .map_err(|source| DbError::Folder {
                path: std::env::temp_dir().display().to_string(),
                source,
            })?;
        let url = format!("sqlite://{}/test.db", folder.path().display());
        Ok(Self {
            url,
            backend: Backend::Sqlite,
            cleanup: Cleanup::Folder(folder),
        })
    }

    /// A fresh database on the server of `admin_url`, whatever the
    /// environment says (the benchmark uses this).
    pub async fn create_postgres_on(admin_url: String) -> Result<Self, DbError> {
        Self::create_postgres(admin_url).await
    }

    async fn create_postgres(admin_url: String) -> Result<Self, DbError> {
        let name = format!("ferry_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .map_err(|source| DbError::Connect {
                backend: "postgres",
                source,
            })?;
        admin
            // The name is ours (a UUID), never user input.
            .execute(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .await?;
        admin.close().await?;
        Ok(Self {
            url: replace_database_name(&admin_url, &name),
            backend: Backend::Postgres,
            cleanup: Cleanup::PostgresDatabase { admin_url, name },
        })
    }

    /// A fresh database on the Postgres server of `FERRY_TEST_POSTGRES_URL`,
    /// or `None` when it is not set.
    pub async fn create_on_postgres() -> Result<Option<Self>, DbError> {
        match std::env::var(POSTGRES_URL_VAR) {
            Ok(admin_url) if !admin_url.is_empty() => {
                let database = Self::create_postgres(admin_url).await?;
                log_backend(database.backend);
                Ok(Some(database))
            }
            _ => Ok(None),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Cleanup::PostgresDatabase { admin_url, name } = &self.cleanup else {
            return;
        };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        // Drop runs inside the test's runtime, which may be shutting down, so
        // the cleanup gets a runtime of its own on a plain thread.
        let dropper = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for dropping the test database");
            runtime.block_on(async move {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    drop(admin.execute(AssertSqlSafe(sql)).await);
                }
            });
        });
        drop(dropper.join());
    }
}

/// Migrates a SQLite and a PostgreSQL database with `migrations` and
/// panics with every difference between the two schemas. Without
/// `FERRY_TEST_POSTGRES_URL` there is nothing to compare against: it says so
/// and returns `false`; it returns `true` when it compared.
pub async fn assert_schema_parity(migrations: &Migrations) -> bool {
    assert_schema_parity_of(&[migrations]).await
}

/// [`assert_schema_parity`] for a database that several migration sets
/// build together, applied in order.
pub async fn assert_schema_parity_of(migrations: &[&Migrations]) -> bool {
    let Some(postgres) = TestDatabase::create_on_postgres()
        .await
        .expect("create the Postgres test database")
    else {
        eprintln!("schema parity not checked: set {POSTGRES_URL_VAR} to compare with PostgreSQL");
        return false;
    };
    let sqlite = TestDatabase::create_sqlite().expect("create the SQLite test database");
    let mut schemas = Vec::new();
    for database in [&sqlite, &postgres] {
        let db = Db::connect(database.url()).await.expect("connect");
        for set in migrations {
            db.migrate(set).await.expect("migrate");
        }
        schemas.push(introspect(&db).await.expect("introspect"));
        db.close().await;
    }
    assert!(!schemas[0].is_empty(), "the migrations created no tables");
    let diffs = diff_schemas("sqlite", &schemas[0], "postgres", &schemas[1]);
    assert!(
        diffs.is_empty(),
        "the SQLite and PostgreSQL migrations disagree:\n{}",
        diffs
            .iter()
            .map(|d| d.0.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    true
}

/// `postgres://u@h:5432/postgres?x=y` with the database part replaced.
fn replace_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

fn log_backend(backend: Backend) {
    let Ok(path) = std::env::var(BACKEND_LOG_VAR) else {
        return;
    };
    let test = std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .to_string();
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        drop(writeln!(file, "{}\t{test}", backend.name()));
    }
}

/// Serves `service` in the background for the rest of the test and returns
/// its base URL (`http://127.0.0.1:PORT`).
pub fn spawn(service: crate::service::BoundService) -> String {
    let address = service.local_addr().expect("the bound address");
    tokio::spawn(service.run_until(std::future::pending()));
    format!("http://{address}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced_keeping_server_and_options() {
        assert_eq!(
            replace_database_name("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            replace_database_name("postgres://postgres@localhost?sslmode=disable", "t1"),
            "postgres://postgres@localhost/t1?sslmode=disable"
        );
    }
}

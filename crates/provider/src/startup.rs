//! Building the provider service from its settings.

use crate::app::{AppState, Deliverer};
use crate::error::Failure;
use crate::{Settings, web};
use ferry_platform::db::{Db, DbError, Migrations};
use ferry_platform::mail::MailError;
use ferry_platform::outbox;
use ferry_platform::service::{BoundService, StartupError};
use std::time::Duration;
use tokio::net::TcpListener;

pub const SERVICE_NAME: &str = "provider";

/// How long the outbox worker rests when nothing is due.
const OUTBOX_IDLE: Duration = Duration::from_millis(500);

/// The provider's embedded migrations.
pub static MIGRATIONS: Migrations = Migrations {
    sqlite: sqlx::migrate!("migrations/sqlite"),
    postgres: sqlx::migrate!("migrations/postgres"),
};

/// Every schema in the provider's database, in the order they apply: the
/// ledger's tables (with their own migration table), then the provider's.
pub fn all_migrations() -> [&'static Migrations; 2] {
    [&ferry_ledger::MIGRATIONS, &MIGRATIONS]
}

/// Applies [`all_migrations`].
pub async fn migrate(db: &Db) -> Result<(), DbError> {
    for migrations in all_migrations() {
        db.migrate(migrations).await?;
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("mail settings: {0}")]
    Mail(#[from] MailError),
    /// The password hasher, the document store or the receiving-account
    /// programmes could not be prepared; the message says which.
    #[error("cannot start the provider: {0}")]
    Prepare(String),
}

impl From<DbError> for BuildError {
    fn from(error: DbError) -> Self {
        Self::Startup(StartupError::Database(error))
    }
}

/// Connects to the database, applies migrations, binds the listener and
/// starts the outbox worker (which delivers e-mail).
pub async fn build(settings: &Settings) -> Result<BoundService, BuildError> {
    let db = Db::connect(&settings.database_url).await?;
    migrate(&db).await?;
    let bind_error = |source| StartupError::Bind {
        listen: settings.listen.clone(),
        source,
    };
    let listener = TcpListener::bind(&settings.listen)
        .await
        .map_err(bind_error)?;
    let bound = listener.local_addr().map_err(bind_error)?;
    // With port 0 only the bound address tells where links must point.
    let public_url = settings
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{bound}"));
    let deliverer = Deliverer::new(settings, db.clone())?;
    let reminders_url = public_url.clone();
    let state = AppState::new(db.clone(), settings, public_url)
        .await
        .map_err(|failure| match failure {
            Failure::Internal(cause) => BuildError::Prepare(cause),
            Failure::Problem(problem) => BuildError::Prepare(problem.code().to_string()),
        })?;
    if settings.outbox_worker {
        tokio::spawn(outbox::run_worker(db.clone(), deliverer, OUTBOX_IDLE));
    }
    if settings.connector.reminder_interval_ms > 0 {
        tokio::spawn(crate::stores::reminders::run(
            db.clone(),
            reminders_url,
            Duration::from_millis(settings.connector.reminder_interval_ms),
        ));
    }
    tokio::spawn(crate::payouts::store::sweep_at_startup(
        db.clone(),
        state.ledger.clone(),
    ));
    tokio::spawn(crate::withdrawals::bank::run_desk(state.clone()));
    Ok(BoundService::from_listener(
        SERVICE_NAME,
        listener,
        web::routes(state),
        db,
    ))
}

//! Building the marketplace service from its settings.

use crate::state::AppState;
use crate::{Settings, admin, lwa, settlement, spapi, web};
use axum::Router;
use ferry_platform::db::{Db, Migrations};
use ferry_platform::outbox;
use ferry_platform::service::{BoundService, StartupError};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

pub const SERVICE_NAME: &str = "marketplace";
/// How long the outbox worker sleeps when nothing is due.
const OUTBOX_IDLE: Duration = Duration::from_millis(250);

/// The marketplace's embedded migrations.
pub static MIGRATIONS: Migrations = Migrations {
    sqlite: sqlx::migrate!("migrations/sqlite"),
    postgres: sqlx::migrate!("migrations/postgres"),
};

/// Connects to the database, applies migrations, binds the listener and
/// starts the background work: the outbox worker (bank notifications) and
/// the settlement tick (real-time mode).
pub async fn build(settings: &Settings) -> Result<BoundService, StartupError> {
    let db = Db::connect(&settings.database_url).await?;
    db.migrate(&MIGRATIONS).await?;
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
    let http = reqwest::Client::new();
    let state = AppState {
        db: db.clone(),
        settings: Arc::new(settings.clone()),
        rate_limiter: Arc::new(spapi::RateLimiter::default()),
        sp_api_faults: Arc::new(spapi::Faults::default()),
        http: http.clone(),
        settlement_lock: Arc::new(tokio::sync::Mutex::new(())),
        public_url,
    };
    if settings.outbox_worker {
        let notifier = settlement::payout::BankNotifier {
            db: db.clone(),
            http,
        };
        tokio::spawn(outbox::run_worker(db.clone(), notifier, OUTBOX_IDLE));
    }
    if settings.settlement_tick_ms > 0 {
        tokio::spawn(settlement::run_ticker(
            state.clone(),
            Duration::from_millis(settings.settlement_tick_ms),
        ));
    }
    Ok(BoundService::from_listener(
        SERVICE_NAME,
        listener,
        routes(state),
        db,
    ))
}

fn routes(state: AppState) -> Router {
    Router::new()
        .merge(web::routes())
        .merge(admin::routes())
        .merge(settlement::api::routes())
        .merge(lwa::routes())
        .merge(spapi::routes())
        .with_state(state)
}

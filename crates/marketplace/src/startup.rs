//! Building the marketplace service from its settings.

use crate::state::AppState;
use crate::{Settings, admin, lwa, spapi, web};
use axum::Router;
use ferry_platform::db::{Db, Migrations};
use ferry_platform::service::{BoundService, StartupError};
use std::sync::Arc;

pub const SERVICE_NAME: &str = "marketplace";

/// The marketplace's embedded migrations.
pub static MIGRATIONS: Migrations = Migrations {
    sqlite: sqlx::migrate!("migrations/sqlite"),
    postgres: sqlx::migrate!("migrations/postgres"),
};

/// Connects to the database, applies migrations and binds the listener.
pub async fn build(settings: &Settings) -> Result<BoundService, StartupError> {
    let db = Db::connect(&settings.database_url).await?;
    db.migrate(&MIGRATIONS).await?;
    let state = AppState {
        db: db.clone(),
        settings: Arc::new(settings.clone()),
        rate_limiter: Arc::new(spapi::RateLimiter::default()),
        http: reqwest::Client::new(),
    };
    BoundService::bind(SERVICE_NAME, &settings.listen, routes(state), db)
        .await
        .map_err(|source| StartupError::Bind {
            listen: settings.listen.clone(),
            source,
        })
}

fn routes(state: AppState) -> Router {
    Router::new()
        .merge(web::routes())
        .merge(admin::routes())
        .merge(lwa::routes())
        .merge(spapi::routes())
        .with_state(state)
}

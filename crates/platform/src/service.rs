//! A service bound to its port: the shell around a service's routes, ready to
//! serve. Both services build one of these, so startup, the printed address
//! and shutdown behave the same way for each.

use crate::db::{Db, DbError, Migrations};
use crate::http;
use axum::Router;
use std::net::SocketAddr;
use tokio::net::TcpListener;

pub struct BoundService {
    name: &'static str,
    listener: TcpListener,
    router: Router,
    db: Db,
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("cannot listen on {listen}: {source}")]
    Bind {
        listen: String,
        source: std::io::Error,
    },
}

impl BoundService {
    /// Connects to `database_url`, applies `migrations`, and binds `listen`.
    pub async fn start(
        name: &'static str,
        listen: &str,
        database_url: &str,
        migrations: &Migrations,
        routes: Router,
    ) -> Result<Self, StartupError> {
        Self::start_with(name, listen, database_url, &[migrations], routes).await
    }

    /// Like [`BoundService::start`] for a service whose database also holds
    /// tables of embedded components (the ledger), each with its own
    /// migrations, applied in order.
    pub async fn start_with(
        name: &'static str,
        listen: &str,
        database_url: &str,
        migrations: &[&Migrations],
        routes: Router,
    ) -> Result<Self, StartupError> {
        let db = Db::connect(database_url).await?;
        for set in migrations {
            db.migrate(set).await?;
        }
        Self::bind(name, listen, routes, db)
            .await
            .map_err(|source| StartupError::Bind {
                listen: listen.to_string(),
                source,
            })
    }

    /// Binds `listen` (port 0 picks a free port) and wraps `routes` in the
    /// shared shell.
    pub async fn bind(
        name: &'static str,
        listen: &str,
        routes: Router,
        db: Db,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(listen).await?;
        let router = http::shell(name, routes, db.clone());
        Ok(Self {
            name,
            listener,
            router,
            db,
        })
    }

    /// Wraps `routes` around a listener the caller bound itself, for a
    /// service whose routes need the address really bound (port 0), such as
    /// links in e-mails.
    pub fn from_listener(
        name: &'static str,
        listener: TcpListener,
        routes: Router,
        db: Db,
    ) -> Self {
        let router = http::shell(name, routes, db.clone());
        Self {
            name,
            listener,
            router,
            db,
        }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The address really bound, which differs from the setting for port 0.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Serves until `shutdown` completes, then closes the database pools.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let result = http::serve(self.listener, self.router, shutdown).await;
        self.db.close().await;
        result
    }
}

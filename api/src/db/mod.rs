//! Database access: the pool, the migrations, and `run`, the one blocking boundary through which
//! every query passes.

pub mod embedded;
pub mod migrations;
pub mod schema;

use std::time::Duration;

use actix_web::web;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::{Connection, PgConnection};

use crate::error::ApiError;

pub type DbPool = Pool<ConnectionManager<PgConnection>>;
pub type DbConn = PooledConnection<ConnectionManager<PgConnection>>;

/// How the pool behaves; every value has a production default (see `config.rs`).
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_size: u32,
    /// How long a request waits for a connection before answering 503.
    pub checkout_timeout: Duration,
    /// PostgreSQL cancels a statement running longer than this (answered 503).
    pub statement_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_size: 10,
            checkout_timeout: Duration::from_secs(2),
            statement_timeout: Duration::from_secs(10),
        }
    }
}

#[derive(Debug)]
struct SessionSettings {
    statement_timeout_ms: u128,
}

impl CustomizeConnection<PgConnection, diesel::r2d2::Error> for SessionSettings {
    fn on_acquire(&self, conn: &mut PgConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&format!(
            "SET statement_timeout = {}; SET TIME ZONE 'UTC'",
            self.statement_timeout_ms
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Builds the pool without connecting: the service starts (and reports not ready) while the
/// database is down, and recovers by itself when it comes back.
pub fn pool(database_url: &str, settings: &PoolSettings) -> DbPool {
    Pool::builder()
        .max_size(settings.max_size)
        // Open connections on demand: a pool never holds connections it has not needed.
        .min_idle(Some(0))
        .connection_timeout(settings.checkout_timeout)
        // No `SELECT 1` before each use: it was one of every three round trips of a cheap
        // read. A connection that died meanwhile fails its request with a 503 (like any
        // outage), and r2d2 then drops it as broken.
        .test_on_check_out(false)
        .connection_customizer(Box::new(SessionSettings {
            statement_timeout_ms: settings.statement_timeout.as_millis(),
        }))
        .build_unchecked(ConnectionManager::new(database_url))
}

/// Runs `work` in one transaction on a pooled connection, off the async workers. The connection
/// is checked out and returned inside the blocking closure, so it is never held across an await.
pub async fn run<T, F>(pool: &DbPool, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    read(pool, move |conn| {
        let result = conn.transaction(work);
        // Changes of rights count once committed (see `auth::cache`).
        crate::auth::cache::after_commit(result.is_ok());
        result
    })
    .await
}

/// Runs `work` on a pooled connection off the async workers, in no transaction: for reads, where
/// under READ COMMITTED each statement sees its own snapshot either way and `BEGIN`/`COMMIT`
/// would be pure cost on the hottest paths (the caller's check). `run` adds the transaction.
pub async fn read<T, F>(pool: &DbPool, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        work(&mut conn)
    })
    .await?
}

/// Checks that the database answers (readiness).
pub async fn ping(pool: &DbPool) -> Result<(), ApiError> {
    run(pool, |conn| {
        conn.batch_execute("SELECT 1")?;
        Ok(())
    })
    .await
}

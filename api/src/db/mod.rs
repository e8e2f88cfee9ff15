//! Database access: the pool, the migrations, and `run`, the one blocking boundary through which
//! every query passes.

pub mod embedded;
pub mod migrations;
pub mod schema;
mod static_sql;

pub use static_sql::{static_sql, StaticSql};

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, State};
use diesel::{Connection, PgConnection};
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// The connection pool, with as many permits as it has connections. A request takes a permit
/// (waiting on the async worker) before it goes to the blocking pool for a connection, so the
/// blocking threads that hold or wait for connections are never more than the connections
/// themselves: under load, extra requests queue as cheap futures, not as parked threads, each
/// with its own allocator heap and stack.
#[derive(Clone)]
pub struct DbPool {
    connections: Pool<ConnectionManager<PgConnection>>,
    permits: Arc<Semaphore>,
    checkout_timeout: Duration,
}

impl DbPool {
    /// Connections open and idle, for the metrics.
    pub fn state(&self) -> State {
        self.connections.state()
    }

    pub fn max_size(&self) -> u32 {
        self.connections.max_size()
    }
}

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
    let connections = Pool::builder()
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
        .build_unchecked(ConnectionManager::new(database_url));
    DbPool {
        connections,
        permits: Arc::new(Semaphore::new(settings.max_size as usize)),
        checkout_timeout: settings.checkout_timeout,
    }
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
    // The permit's wait counts against the checkout timeout, like the pool's own wait: a
    // request that cannot get a connection in time is a 503 either way.
    let permit = tokio::time::timeout(
        pool.checkout_timeout,
        Arc::clone(&pool.permits).acquire_owned(),
    )
    .await
    .map_err(|_| ApiError::Unavailable("timed out waiting for a database connection".into()))?
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let connections = pool.connections.clone();
    web::block(move || {
        let _permit = permit;
        let mut conn = connections.get()?;
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

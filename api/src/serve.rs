//! `ctg serve`: find or start the database, migrate it, and serve until stopped.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use actix_web::dev::ServerHandle;
use actix_web::rt::signal::unix::{signal, Signal, SignalKind};
use anyhow::Context;
use diesel::{Connection, PgConnection};
use futures_util::future::{self, Either};

use crate::config::Settings;
use crate::db::embedded::EmbeddedPostgres;
use crate::health::Draining;
use crate::startup::{self, AppState};

/// How long `serve` and `migrate` wait for a database that is still starting.
const CONNECT_PATIENCE: Duration = Duration::from_secs(30);

/// Applies pending migrations to the database at `url`; returns the versions applied.
pub fn migrate(url: &str) -> anyhow::Result<Vec<String>> {
    let mut conn = connect_patiently(url)?;
    crate::db::migrations::run_pending(&mut conn)
}

fn connect_patiently(url: &str) -> anyhow::Result<PgConnection> {
    let started = Instant::now();
    loop {
        match PgConnection::establish(url) {
            Ok(conn) => return Ok(conn),
            Err(error) if started.elapsed() < CONNECT_PATIENCE => {
                tracing::warn!(%error, "database not reachable yet; retrying");
                std::thread::sleep(Duration::from_millis(500));
            }
            Err(error) => {
                return Err(error).context("cannot connect to the database (check DATABASE_URL)")
            }
        }
    }
}

/// Runs `work` on the configured database, migrated: `DATABASE_URL`, else the embedded cluster,
/// which is stopped afterwards unless it was already running (for a server). For the commands
/// that work on the database and exit (`import`, `export`).
pub fn with_database<T>(
    settings: &Settings,
    work: impl FnOnce(&str) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    if let Some(url) = &settings.database_url {
        migrate(&url.0)?;
        return work(&url.0);
    }
    let was_running = EmbeddedPostgres::is_running(&settings.data_dir)?;
    let cluster = EmbeddedPostgres::start(&settings.data_dir)?;
    let result = migrate(cluster.database_url()).and_then(|_| work(cluster.database_url()));
    if !was_running {
        EmbeddedPostgres::stop(&settings.data_dir)?;
    }
    result
}

/// The key that signs access tokens: `CTG_JWT_SECRET`, or in demo mode a random one (tokens
/// then die with the process, which suits a demonstration).
fn jwt_secret(settings: &Settings, demo: bool) -> anyhow::Result<Vec<u8>> {
    match (&settings.jwt_secret, demo) {
        (Some(secret), _) => Ok(secret.0.as_bytes().to_vec()),
        (None, true) => {
            let (random, _) = crate::auth::tokens::new_refresh_token();
            Ok(random.into_bytes())
        }
        (None, false) => anyhow::bail!(
            "CTG_JWT_SECRET is not set: it signs access tokens and must be at least 32 bytes \
             (for example `export CTG_JWT_SECRET=$(openssl rand -hex 32)`); or run `ctg serve --demo`"
        ),
    }
}

/// Serves the API until SIGTERM or SIGINT (see `stop_on_signal`); exits 0 once drained.
pub fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    let secret = jwt_secret(&settings, demo)?;
    let (database_url, embedded) = match &settings.database_url {
        Some(url) => (url.0.clone(), None),
        None => {
            tracing::info!(dir = %settings.data_dir.display(), "DATABASE_URL is not set: using the embedded PostgreSQL");
            let cluster = EmbeddedPostgres::start(&settings.data_dir)?;
            (cluster.database_url().to_string(), Some(cluster))
        }
    };
    let applied = migrate(&database_url)?;
    tracing::info!(count = applied.len(), "migrations applied");

    let pool = crate::db::pool(&database_url, &settings.pool);
    if demo {
        let mut conn = connect_patiently(&database_url)?;
        let demo = crate::demo::prepare(&mut conn)?;
        if let Some(id) = demo.convention_id {
            let how = if demo.imported {
                "loaded"
            } else {
                "already there"
            };
            println!("demo plan: {} ({how}): convention {id}", demo.plan_name);
        }
        for login in &demo.logins {
            println!(
                "demo login: {} {} {}",
                login.role, login.email, login.password
            );
        }
    }
    let listener = TcpListener::bind(settings.bind)
        .with_context(|| format!("cannot listen on {} (set CTG_BIND)", settings.bind))?;
    let address = listener.local_addr()?;
    println!("ctg serving on http://{address} (API reference: http://{address}/docs/)");

    let grace = settings.shutdown_grace;
    let result = actix_web::rt::System::new().block_on(async move {
        // Registered before serving, so that no signal finds the default action (death).
        let signals = (
            signal(SignalKind::terminate())?,
            signal(SignalKind::interrupt())?,
        );
        let mut state = AppState::new(pool, &secret).with_http_settings(
            settings.cors_origins.clone(),
            settings.metrics_token.as_ref(),
        );
        if settings.auth_cache {
            state = state.with_auth_cache(&database_url);
        }
        let draining = state.draining.clone();
        let server = startup::run(listener, state, settings.workers)?;
        actix_web::rt::spawn(stop_on_signal(signals, server.handle(), draining, grace));
        server.await
    });
    if embedded.is_some() {
        EmbeddedPostgres::stop(&settings.data_dir)?;
    }
    Ok(result?)
}

/// Between no longer accepting connections and stopping: time for the workers to take up the
/// connections already accepted (see `stop_on_signal`).
const DISPATCH_SETTLE: Duration = Duration::from_millis(500);

/// Stops the server gracefully on a signal.
///
/// SIGTERM is how orchestrators (Kubernetes, systemd, `docker stop`) retire an instance, while
/// their load balancer may still route requests to it for a few seconds. So readiness turns 503
/// first (`Draining`) and the instance goes on serving for `grace`; only then does it stop
/// accepting connections and wait for the requests in flight (`DISPATCH_SETTLE`, then
/// `startup::DRAIN_TIMEOUT_SECS` at most). SIGINT (Ctrl-C) has nobody to warn and skips the grace period, as does a second
/// signal during it.
async fn stop_on_signal(
    (mut term, mut int): (Signal, Signal),
    handle: ServerHandle,
    draining: Draining,
    grace: Duration,
) {
    let grace = match future::select(Box::pin(term.recv()), Box::pin(int.recv())).await {
        Either::Left(_) => grace,
        Either::Right(_) => Duration::ZERO,
    };
    draining.start();
    tracing::info!(
        grace_ms = grace.as_millis() as u64,
        "stop requested: readiness answers 503; the listener closes after the grace period"
    );
    if !grace.is_zero() {
        let again = future::select(Box::pin(term.recv()), Box::pin(int.recv()));
        future::select(Box::pin(actix_web::rt::time::sleep(grace)), again).await;
    }
    // actix drops the connections it has accepted but not yet handed to a worker when a graceful
    // stop begins ("queued connections are dropped", actix-server's worker), and a busy worker
    // can leave one queued for a while: its client gets no answer. So stop accepting first and
    // give the workers a moment to take up what is queued; only then stop and drain.
    handle.pause().await;
    actix_web::rt::time::sleep(DISPATCH_SETTLE).await;
    tracing::info!("closing the listener; draining the requests in flight");
    handle.stop(true).await;
}

//! `ctg serve`: find or start the database, migrate it, and serve until stopped.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::{Connection, PgConnection};

use crate::config::Settings;
use crate::db::embedded::EmbeddedPostgres;
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

/// Serves the API until SIGTERM (drains in-flight requests) or SIGINT.
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

    let result = actix_web::rt::System::new().block_on(async move {
        let state = AppState::new(pool, &secret).with_http_settings(
            settings.cors_origins.clone(),
            settings.metrics_token.as_ref(),
        );
        startup::run(listener, state, settings.workers)?.await
    });
    if embedded.is_some() {
        EmbeddedPostgres::stop(&settings.data_dir)?;
    }
    Ok(result?)
}

//! The environment, read and validated once at start. Every variable is listed in the README.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};

use crate::db::PoolSettings;

/// Long enough for a load balancer polling readiness every few seconds to stop routing here.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// How the service is configured.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `DATABASE_URL`; `None` means the embedded PostgreSQL under `data_dir`. Not `Debug`-printed
    /// in full: it may hold a password.
    pub database_url: Option<DatabaseUrl>,
    /// `CTG_BIND`, default `127.0.0.1:8080`.
    pub bind: SocketAddr,
    /// `CTG_DATA_DIR`, default `.ctg` in the working directory.
    pub data_dir: PathBuf,
    /// `CTG_DB_POOL_SIZE`, `CTG_DB_CHECKOUT_TIMEOUT_MS`, `CTG_DB_STATEMENT_TIMEOUT_MS`.
    pub pool: PoolSettings,
    /// `CTG_WORKERS`, default: one per core.
    pub workers: Option<usize>,
    /// `CTG_SHUTDOWN_GRACE_MS`: on SIGTERM, how long readiness answers 503 while requests are
    /// still served, before the listener closes and the requests in flight are drained.
    pub shutdown_grace: Duration,
    /// `CTG_LOG_FORMAT`: `json` (default) or `text`.
    pub log_format: LogFormat,
    /// `CTG_JWT_SECRET`: the HMAC key of access tokens, at least 32 bytes. Required outside
    /// demo mode.
    pub jwt_secret: Option<Secret>,
    /// `CTG_CORS_ORIGINS`: the web origins (`https://tableau.example.fr`) whose pages may call
    /// the API from a browser, comma-separated; none by default.
    pub cors_origins: Vec<String>,
    /// `CTG_METRICS_TOKEN`: when set, `/metrics` answers only to `Authorization: Bearer <it>`.
    pub metrics_token: Option<Secret>,
    /// `CTG_AUTH_CACHE`: `on` (default) keeps recently checked sign-ins in memory, kept right by
    /// PostgreSQL notifications; `off` reads them from the database on every request.
    pub auth_cache: bool,
}

/// A secret value, kept out of logs and debug output.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Text,
}

/// A connection string, kept out of logs and debug output.
#[derive(Clone)]
pub struct DatabaseUrl(pub String);

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseUrl(<redacted>)")
    }
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so that tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let var = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let defaults = PoolSettings::default();
        let millis = |name: &str, default: Duration| -> anyhow::Result<Duration> {
            match var(name) {
                None => Ok(default),
                Some(value) => {
                    let ms: u64 = value
                        .parse()
                        .with_context(|| format!("{name} must be a number of milliseconds"))?;
                    if ms == 0 {
                        bail!("{name} must be greater than 0");
                    }
                    Ok(Duration::from_millis(ms))
                }
            }
        };
        let shutdown_grace = match var("CTG_SHUTDOWN_GRACE_MS") {
            None => DEFAULT_SHUTDOWN_GRACE,
            Some(value) => value
                .parse::<u64>()
                .ok()
                .filter(|ms| *ms <= 600_000)
                .map(Duration::from_millis)
                .context("CTG_SHUTDOWN_GRACE_MS must be a number of milliseconds (0 to 600000)")?,
        };
        let bind = var("CTG_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let pool_size = match var("CTG_DB_POOL_SIZE") {
            None => defaults.max_size,
            Some(value) => value
                .parse::<u32>()
                .ok()
                .filter(|size| (1..=1000).contains(size))
                .context("CTG_DB_POOL_SIZE must be a number between 1 and 1000")?,
        };
        let workers = var("CTG_WORKERS")
            .map(|value| {
                value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .context("CTG_WORKERS must be a positive number")
            })
            .transpose()?;
        let log_format = match var("CTG_LOG_FORMAT").as_deref() {
            None | Some("json") => LogFormat::Json,
            Some("text") => LogFormat::Text,
            Some(_) => bail!("CTG_LOG_FORMAT must be `json` or `text`"),
        };
        let jwt_secret = var("CTG_JWT_SECRET").map(Secret);
        if let Some(secret) = &jwt_secret {
            if secret.0.len() < crate::auth::TokenKeys::MIN_SECRET_BYTES {
                bail!(
                    "CTG_JWT_SECRET must be at least {} bytes long (it is {})",
                    crate::auth::TokenKeys::MIN_SECRET_BYTES,
                    secret.0.len()
                );
            }
        }
        let cors_origins = match var("CTG_CORS_ORIGINS") {
            None => Vec::new(),
            Some(list) => crate::http::cors::parse_origins(&list)
                .context("CTG_CORS_ORIGINS must be a comma-separated list of origins such as https://tableau.example.fr")?,
        };
        let auth_cache = match var("CTG_AUTH_CACHE").as_deref() {
            None | Some("on") => true,
            Some("off") => false,
            Some(_) => bail!("CTG_AUTH_CACHE must be `on` or `off`"),
        };
        Ok(Self {
            auth_cache,
            jwt_secret,
            cors_origins,
            metrics_token: var("CTG_METRICS_TOKEN")
                .filter(|t| !t.is_empty())
                .map(Secret),
            database_url: var("DATABASE_URL").map(DatabaseUrl),
            bind: bind.parse().with_context(|| {
                format!("CTG_BIND must be an address such as 127.0.0.1:8080, not {bind:?}")
            })?,
            data_dir: var("CTG_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| ".ctg".into()),
            pool: PoolSettings {
                max_size: pool_size,
                checkout_timeout: millis("CTG_DB_CHECKOUT_TIMEOUT_MS", defaults.checkout_timeout)?,
                statement_timeout: millis(
                    "CTG_DB_STATEMENT_TIMEOUT_MS",
                    defaults.statement_timeout,
                )?,
            },
            workers,
            shutdown_grace,
            log_format,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn defaults_serve_locally_on_the_embedded_database() {
        let s = settings(&[]).unwrap();
        assert!(s.database_url.is_none());
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.data_dir, PathBuf::from(".ctg"));
    }

    #[test]
    fn bad_values_name_their_variable() {
        let error = settings(&[("CTG_BIND", "nowhere")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("CTG_BIND"), "{error}");
        let error = settings(&[("CTG_DB_POOL_SIZE", "0")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("CTG_DB_POOL_SIZE"), "{error}");
        let error = settings(&[("CTG_SHUTDOWN_GRACE_MS", "soon")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("CTG_SHUTDOWN_GRACE_MS"), "{error}");
    }

    #[test]
    fn the_shutdown_grace_may_be_zero() {
        assert_eq!(
            settings(&[]).unwrap().shutdown_grace,
            DEFAULT_SHUTDOWN_GRACE
        );
        let s = settings(&[("CTG_SHUTDOWN_GRACE_MS", "0")]).unwrap();
        assert_eq!(s.shutdown_grace, Duration::ZERO);
    }

    #[test]
    fn a_short_jwt_secret_is_refused() {
        let error = settings(&[("CTG_JWT_SECRET", "short")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("CTG_JWT_SECRET"), "{error}");
        let ok = settings(&[("CTG_JWT_SECRET", &"k".repeat(32))]).unwrap();
        assert!(!format!("{ok:?}").contains("kkkk"));
    }

    #[test]
    fn database_url_is_never_debug_printed() {
        let s = settings(&[("DATABASE_URL", "postgres://u:hunter2pw@h/db")]).unwrap();
        assert!(!format!("{s:?}").contains("hunter2pw"));
    }
}

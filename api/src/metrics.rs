//! Prometheus metrics at `/metrics`: requests by route and status with their latency
//! (actix-web-prom), the connection pool's state read at each scrape, and failed sign-ins.
//!
//! Routes are labelled by their template (`/api/v1/actions/{id}`), never by the raw path, and
//! every path that matches no route counts as `unmatched`: a scanner probing a million URLs adds
//! no series. With `CTG_METRICS_TOKEN` set, the endpoint answers only to that bearer token.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{IntCounterVec, IntGauge, Opts, Registry};
use sha2::{Digest, Sha256};

use crate::config::Secret;
use crate::db::DbPool;
use crate::error::ApiError;

/// The path metrics are served at.
pub const PATH: &str = "/metrics";

const NAMESPACE: &str = "ctg";

/// Why a sign-in failed, as counted.
#[derive(Debug, Clone, Copy)]
pub enum LoginFailure {
    /// Unknown e-mail, wrong password or disabled account (the client is not told which).
    InvalidCredentials,
    /// Refused by throttling before the password was checked.
    Throttled,
}

impl LoginFailure {
    fn label(self) -> &'static str {
        match self {
            Self::InvalidCredentials => "invalid_credentials",
            Self::Throttled => "throttled",
        }
    }
}

/// The service's metrics: one registry per application.
#[derive(Clone)]
pub struct Metrics {
    http: PrometheusMetrics,
    login_failures: IntCounterVec,
    token_digest: Option<[u8; 32]>,
}

impl Metrics {
    pub fn new(pool: DbPool, token: Option<&Secret>) -> Self {
        let registry = Registry::new();
        let login_failures = IntCounterVec::new(
            Opts::new("login_failures_total", "Failed sign-ins, by reason").namespace(NAMESPACE),
            &["reason"],
        )
        .expect("a valid metric");
        registry
            .register(Box::new(login_failures.clone()))
            .expect("registered once");
        registry
            .register(Box::new(PoolCollector::new(pool)))
            .expect("registered once");
        let http = PrometheusMetricsBuilder::new(NAMESPACE)
            .registry(registry)
            .endpoint(PATH)
            .mask_unmatched_patterns("unmatched")
            .build()
            .expect("valid HTTP metrics");
        Self {
            http,
            login_failures,
            token_digest: token.map(|t| Sha256::digest(t.0.as_bytes()).into()),
        }
    }

    /// The middleware that times every request and serves `PATH`.
    pub fn http(&self) -> PrometheusMetrics {
        self.http.clone()
    }

    pub fn login_failed(&self, reason: LoginFailure) {
        self.login_failures
            .with_label_values(&[reason.label()])
            .inc();
    }

    /// Whether `authorization` (the header's value) opens the metrics. Digests are compared so
    /// that the comparison takes the same time whatever the guess.
    fn admits(&self, authorization: Option<&str>) -> bool {
        let Some(expected) = self.token_digest else {
            return true;
        };
        let given = authorization
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(|token| <[u8; 32]>::from(Sha256::digest(token.as_bytes())));
        given == Some(expected)
    }
}

/// Refuses `PATH` without the metrics token (middleware, for `from_fn`, outside `http()`).
pub async fn guard(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if request.path() == PATH {
        let admitted = request.app_data::<web::Data<Metrics>>().is_some_and(|m| {
            let authorization = request
                .headers()
                .get(actix_web::http::header::AUTHORIZATION);
            m.admits(authorization.and_then(|v| v.to_str().ok()))
        });
        if !admitted {
            let response = HttpResponse::from_error(ApiError::Unauthorized("metrics token"));
            return Ok(request.into_response(response).map_into_right_body());
        }
    }
    Ok(next.call(request).await?.map_into_left_body())
}

/// The pool's connections, read when Prometheus scrapes rather than kept up to date.
struct PoolCollector {
    pool: DbPool,
    connections: IntGauge,
    idle: IntGauge,
    max: IntGauge,
    descs: Vec<Desc>,
}

impl PoolCollector {
    fn new(pool: DbPool) -> Self {
        let gauge = |name: &str, help: &str| {
            IntGauge::with_opts(Opts::new(name, help).namespace(NAMESPACE)).expect("a valid gauge")
        };
        let connections = gauge(
            "db_pool_connections",
            "Connections to PostgreSQL, in use or idle",
        );
        let idle = gauge("db_pool_idle_connections", "Idle connections in the pool");
        let max = gauge("db_pool_max_connections", "The pool's maximum size");
        let descs = [&connections, &idle, &max]
            .iter()
            .flat_map(|g| g.desc().into_iter().cloned())
            .collect();
        Self {
            pool,
            connections,
            idle,
            max,
            descs,
        }
    }
}

impl Collector for PoolCollector {
    fn desc(&self) -> Vec<&Desc> {
        self.descs.iter().collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let state = self.pool.state();
        self.connections.set(i64::from(state.connections));
        self.idle.set(i64::from(state.idle_connections));
        self.max.set(i64::from(self.pool.max_size()));
        [&self.connections, &self.idle, &self.max]
            .iter()
            .flat_map(|g| g.collect())
            .collect()
    }
}

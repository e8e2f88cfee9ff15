//! Builds the application: used alike by `ctg serve`, the tests and the spec exporter.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::http::header::{self, ContentType, HeaderValue};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpMessage, HttpRequest, HttpResponse, HttpServer};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa_actix_web::{scope, service_config::ServiceConfig, AppExt};
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

use crate::auth::cache::AuthCache;
use crate::auth::{PasswordHasher, TokenKeys};
use crate::config::Secret;
use crate::db::DbPool;
use crate::error::{self, ApiError};
use crate::health::Draining;
use crate::http::access_log::AccessLog;
use crate::http::{cors, refuse, security_headers};
use crate::metrics::{self, Metrics};
use crate::{
    actions, audit, auth, axes, charts, committees, conventions, exchange, health, indicators,
    measurements, memberships, notes, objectives, partners, plan, reports, stats, users,
};

/// Everything a request handler may need, shared by all workers.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub token_keys: TokenKeys,
    pub password_hasher: PasswordHasher,
    pub metrics: Metrics,
    /// The origins allowed to call the API from a browser (`CTG_CORS_ORIGINS`).
    pub cors_origins: Vec<String>,
    /// Set when the process is asked to stop: readiness then answers 503.
    pub draining: Draining,
    /// Recently checked sign-ins (`with_auth_cache`); until then it holds nothing and every
    /// request reads them.
    pub auth_cache: Arc<AuthCache>,
}

impl AppState {
    pub fn new(pool: DbPool, jwt_secret: &[u8]) -> Self {
        Self {
            metrics: Metrics::new(pool.clone(), None),
            cors_origins: Vec::new(),
            pool,
            token_keys: TokenKeys::new(jwt_secret),
            // Each hash holds 19 MiB and keeps a core busy: one per two cores leaves the other
            // to PostgreSQL and the reads, and keeps a storm of sign-ins within the server's
            // memory budget (bench/README.md, "What the profiles showed").
            password_hasher: PasswordHasher::new(cores() / 2),
            draining: Draining::default(),
            auth_cache: Arc::default(),
        }
    }

    /// Keeps recently checked sign-ins in memory, invalidated by `database_url`'s
    /// notifications (see `auth::cache`).
    pub fn with_auth_cache(mut self, database_url: &str) -> Self {
        self.auth_cache = AuthCache::listening_to(database_url);
        self
    }

    /// Opens the API to browser pages of `origins` and guards `/metrics` with `metrics_token`.
    pub fn with_http_settings(
        mut self,
        origins: Vec<String>,
        metrics_token: Option<&Secret>,
    ) -> Self {
        self.metrics = Metrics::new(self.pool.clone(), metrics_token);
        self.cors_origins = origins;
        self
    }
}

/// Every documented route. The OpenAPI document is collected from exactly these.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(scope("/api/v1").configure(|api| {
        auth::handlers::routes(api);
        users::routes(api);
        partners::routes(api);
        conventions::routes(api);
        exchange::routes(api);
        axes::routes(api);
        objectives::routes(api);
        actions::routes(api);
        indicators::routes(api);
        measurements::routes(api);
        notes::routes(api);
        plan::routes(api);
        charts::routes(api);
        reports::routes(api);
        stats::routes(api);
        committees::routes(api);
        memberships::routes(api);
        audit::handlers::routes(api);
    }));
    health::routes(cfg);
}

/// How long a graceful stop waits for the requests in flight once the listener is closed: more
/// than a request can take at worst with the default timeouts (2 s for a connection, 10 s per
/// statement). Connections still open after it are dropped.
pub const DRAIN_TIMEOUT_SECS: u64 = 30;

/// Starts serving on `listener`; the returned server runs until stopped through its handle.
///
/// actix's own signal handling is off: it closes the listener on the first SIGTERM, before a
/// load balancer could notice that the instance is going. `ctg serve` handles the signals itself
/// (`serve::stop_on_signal`); a stop through the handle drains the requests in flight for up to
/// `DRAIN_TIMEOUT_SECS`.
pub fn run(
    listener: TcpListener,
    state: AppState,
    workers: Option<usize>,
) -> std::io::Result<Server> {
    let document = crate::openapi::document();
    let documented = std::sync::Arc::new(DocumentedPaths::new(&document));
    // Served as the bytes `ctg openapi` prints, shared by every worker: the parsed document
    // that `SwaggerUi::url` would hold (and clone into each worker) weighed some 15 MiB.
    let spec = web::Bytes::from(crate::openapi::text_of(&document));
    drop(document);
    let workers = workers.unwrap_or_else(cores);
    let blocking_threads = blocking_threads_per_worker(
        state.pool.max_size() as usize,
        state.password_hasher.max_concurrent(),
        workers,
    );
    let server = HttpServer::new(move || {
        App::new()
            .into_utoipa_app()
            .map(|app| {
                // Innermost first: CORS sits inside the headers every response carries and
                // inside the rewriting of bare error bodies, so that a refused preflight gets
                // both; unknown methods are refused before the metrics count them.
                app.wrap(from_fn(refuse::nul_in_query))
                    .wrap(cors::middleware(&state.cors_origins))
                    .wrap(from_fn(error::problems_only))
                    .wrap(security_headers::common())
                    .wrap(from_fn(security_headers::content_security_policy))
                    .wrap(state.metrics.http())
                    .wrap(from_fn(metrics::guard))
                    .wrap(from_fn(refuse::unknown_methods))
                    .wrap_fn(|req, srv| {
                        use actix_web::dev::Service;
                        let request_id = req.extensions().get::<RequestId>().copied();
                        let response = srv.call(req);
                        async move {
                            let mut response = response.await?;
                            if let Some(id) = request_id {
                                if let Ok(value) = HeaderValue::from_str(&id.to_string()) {
                                    response.headers_mut().insert(
                                        header::HeaderName::from_static("x-request-id"),
                                        value,
                                    );
                                }
                            }
                            Ok(response)
                        }
                    })
                    .wrap(TracingLogger::<AccessLog>::new())
                    .app_data(web::Data::new(state.pool.clone()))
                    .app_data(web::Data::new(state.token_keys.clone()))
                    .app_data(web::Data::new(state.password_hasher.clone()))
                    .app_data(web::Data::new(state.metrics.clone()))
                    .app_data(web::Data::new(state.draining.clone()))
                    .app_data(web::Data::from(documented.clone()))
                    .app_data(web::Data::from(state.auth_cache.clone()))
                    .app_data(web::QueryConfig::default().error_handler(|error, _| {
                        ApiError::bad_request("invalid_query", error.to_string()).into()
                    }))
                    .app_data({
                        // `/conventions/import` also matches `/conventions/{id}`: a method that
                        // only the latter answers is still one the path does not allow.
                        let documented = documented.clone();
                        web::PathConfig::default().error_handler(move |_, req| {
                            documented
                                .method_not_allowed(req)
                                .unwrap_or(ApiError::not_found("resource"))
                                .into()
                        })
                    })
            })
            .configure(routes)
            .into_app()
            .route(
                "/openapi.json",
                web::get().to({
                    let spec = spec.clone();
                    move || {
                        let spec = spec.clone();
                        async move {
                            HttpResponse::Ok()
                                .content_type(ContentType::json())
                                .body(spec)
                        }
                    }
                }),
            )
            .service(SwaggerUi::new("/docs/{_:.*}").config(SwaggerConfig::from("/openapi.json")))
            .service(web::redirect("/docs", "/docs/"))
            .default_service(web::to({
                let documented = documented.clone();
                move |req: HttpRequest| {
                    let error = documented
                        .method_not_allowed(&req)
                        .unwrap_or(ApiError::NoRoute);
                    async move { HttpResponse::from_error(error) }
                }
            }))
    })
    .disable_signals()
    .shutdown_timeout(DRAIN_TIMEOUT_SECS)
    .workers(workers)
    .worker_max_blocking_threads(blocking_threads)
    .listen(listener)?;
    Ok(server.run())
}

/// The cores this process may use (actix's default number of workers).
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The blocking threads each worker may start: its share of the pool's connections, plus the
/// password hashes. `db::read` lets no more requests than connections onto the blocking pools
/// at once, but tokio starts a new thread whenever none is idle at that instant, and a thread
/// handing its connection back is not idle yet: uncapped, each worker grew to twenty-odd
/// threads under load, each with its own allocator heap (bench/README.md, "What the profiles
/// showed").
fn blocking_threads_per_worker(connections: usize, hashes: usize, workers: usize) -> usize {
    connections.div_ceil(workers.max(1)) + hashes
}

/// The documented paths with the methods each answers, so that a request no route takes is told
/// apart: a documented path asked with another method is 405 with `Allow`, anything else 404.
pub(crate) struct DocumentedPaths(Vec<(Vec<Segment>, Vec<String>)>);

/// The methods a path item may hold, in the order `Allow` lists them.
const METHODS: &[&str] = &[
    "get", "head", "post", "put", "patch", "delete", "options", "trace",
];

enum Segment {
    Literal(String),
    /// A `{parameter}`: any one non-empty segment.
    Parameter,
}

impl DocumentedPaths {
    fn new(document: &serde_json::Value) -> Self {
        let paths = document["paths"].as_object().into_iter().flatten();
        let mut documented: Vec<(Vec<Segment>, Vec<String>)> = paths
            .map(|(path, item)| {
                let segments = path
                    .split('/')
                    .map(|s| match s.starts_with('{') && s.ends_with('}') {
                        true => Segment::Parameter,
                        false => Segment::Literal(s.to_string()),
                    })
                    .collect();
                let methods = METHODS
                    .iter()
                    .filter(|method| item.get(**method).is_some())
                    .map(|method| method.to_uppercase())
                    .collect();
                (segments, methods)
            })
            .collect();
        // The most literal template first: `/conventions/import` before `/conventions/{id}`.
        documented.sort_by_key(|(segments, _)| {
            segments
                .iter()
                .filter(|s| matches!(s, Segment::Parameter))
                .count()
        });
        Self(documented)
    }

    /// The methods of the most literal documented path that `path` matches, if any.
    fn allowed(&self, path: &str) -> Option<&[String]> {
        let parts: Vec<&str> = path.split('/').collect();
        self.0.iter().find_map(|(segments, methods)| {
            let matches = segments.len() == parts.len()
                && segments
                    .iter()
                    .zip(&parts)
                    .all(|(segment, part)| match segment {
                        Segment::Literal(literal) => literal == part,
                        Segment::Parameter => !part.is_empty(),
                    });
            matches.then_some(methods.as_slice())
        })
    }

    /// 405 with `Allow` when `req`'s path is documented but not with its method.
    pub(crate) fn method_not_allowed(&self, req: &HttpRequest) -> Option<ApiError> {
        let methods = self.allowed(req.path())?;
        let method = req.method().as_str();
        (!methods.iter().any(|m| m == method))
            .then(|| ApiError::MethodNotAllowed(methods.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::DocumentedPaths;

    #[test]
    fn tells_a_wrong_method_from_a_wrong_path() {
        let documented = DocumentedPaths::new(&serde_json::json!({"paths": {
            "/api/v1/axes/{id}": {"get": {}, "patch": {}, "delete": {}, "parameters": []},
            "/api/v1/conventions": {"get": {}, "post": {}},
            "/api/v1/conventions/{id}": {"get": {}},
            "/api/v1/conventions/import": {"post": {}},
        }}));
        let allowed = |path| documented.allowed(path).map(|methods| methods.join(", "));
        assert_eq!(
            allowed("/api/v1/axes/42").as_deref(),
            Some("GET, PATCH, DELETE")
        );
        assert_eq!(allowed("/api/v1/conventions").as_deref(), Some("GET, POST"));
        assert_eq!(
            allowed("/api/v1/conventions/import").as_deref(),
            Some("POST")
        );
        assert_eq!(allowed("/api/v1/conventions/42").as_deref(), Some("GET"));
        assert_eq!(allowed("/api/v1/axes/"), None);
        assert_eq!(allowed("/api/v1/axes/42/more"), None);
        assert_eq!(allowed("/api/v1/nowhere"), None);
    }
}

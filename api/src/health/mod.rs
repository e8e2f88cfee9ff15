//! Liveness and readiness for orchestrators and load balancers (no authentication).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{self, DbPool};
use crate::error::ApiError;

/// The health of the service.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
}

/// Set once the process has been asked to stop (SIGTERM), shared by every worker.
///
/// An orchestrator takes an instance out of rotation only when its readiness fails, and actix
/// closes the listener as soon as a graceful stop begins: without this flag the instance would
/// go from "ready" to "connection refused" at once, and requests the load balancer was still
/// routing here would fail. So `ctg serve` sets it on SIGTERM, keeps serving for a grace period
/// during which readiness answers 503, and only then stops accepting connections and drains
/// the requests in flight (see `serve.rs`).
#[derive(Debug, Clone, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    pub fn start(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Liveness: the process answers.
#[utoipa::path(tag = "health", responses((status = 200, body = Health)))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Readiness: the database answers and no stop is under way; 503 with `Retry-After` if not.
#[utoipa::path(tag = "health", responses((status = 200, body = Health)))]
#[get("/health/ready")]
pub async fn ready(
    pool: web::Data<DbPool>,
    draining: web::Data<Draining>,
) -> Result<HttpResponse, ApiError> {
    if draining.is_draining() {
        return Err(ApiError::ShuttingDown);
    }
    db::ping(&pool).await?;
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(live).service(ready);
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::{test, App};

    #[actix_web::test]
    async fn readiness_answers_503_once_draining() {
        // Never connected: draining answers before the database is asked.
        let pool = crate::db::pool(
            "postgres://nobody@127.0.0.1:1/nowhere",
            &crate::db::PoolSettings::default(),
        );
        let draining = Draining::default();
        let app = test::init_service(
            App::new()
                .app_data(web::Data::new(pool))
                .app_data(web::Data::new(draining.clone()))
                .service(ready)
                .service(live),
        )
        .await;
        draining.start();
        let response = test::call_service(
            &app,
            test::TestRequest::get().uri("/health/ready").to_request(),
        )
        .await;
        assert_eq!(response.status(), 503);
        assert!(response.headers().contains_key("retry-after"));
        let liveness = test::call_service(
            &app,
            test::TestRequest::get().uri("/health/live").to_request(),
        )
        .await;
        assert_eq!(liveness.status(), 200, "a draining instance is still alive");
    }
}

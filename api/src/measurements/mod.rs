//! Measurements: an indicator's values, one per period, recorded by the partners who pilot the
//! actions (one by one, or many at once in a batch), corrected with `PATCH`, every old value kept
//! in the audit log.

pub mod batch;
pub mod dto;
pub mod handlers;
pub mod model;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_measurements)
        .service(handlers::create_measurement)
        .service(handlers::get_measurement)
        .service(handlers::update_measurement)
        .service(handlers::delete_measurement)
        .service(batch::create_measurements_batch);
}

//! Indicators: what a fiche-action's evaluation measures (type, kind, baseline, target,
//! direction, frequency, scale), and the convention-wide list of their latest values and of the
//! values due.

pub mod dto;
mod filter;
pub mod handlers;
pub mod model;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_convention_indicators)
        .service(handlers::list_indicators)
        .service(handlers::create_indicator)
        .service(handlers::get_indicator)
        .service(handlers::update_indicator)
        .service(handlers::delete_indicator);
}

//! The plan tree: axes → objectives → actions → indicators, with latest values, achievement and
//! progress at every level, read in a fixed number of queries whatever the plan's size.

pub mod dto;
pub mod handlers;
pub mod model;

pub use model::build;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::get_plan);
}

//! Statistics for dashboards: counts and progress of a convention, computed from the plan tree
//! (`plan::build`) so that they are the very numbers the annual report gives for the same data.

pub mod dto;
pub mod handlers;
pub mod model;

pub use model::{summarise, Summary};

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::get_stats);
}

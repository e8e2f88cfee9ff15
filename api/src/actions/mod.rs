//! Fiches-actions: level 3 of the plan, with everything a fiche says.

mod access;
pub mod dto;
mod filter;
pub mod handlers;
mod include;
pub mod model;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_convention_actions)
        .service(handlers::list_objective_actions)
        .service(handlers::create_action)
        .service(handlers::get_action)
        .service(handlers::update_action)
        .service(handlers::delete_action);
}

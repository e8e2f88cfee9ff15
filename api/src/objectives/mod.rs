//! Objectives: level 2 of a plan, numbered within their axis; their code ("1.2") derives from
//! the axis' number and theirs. Fiches-actions hang under them.

pub mod dto;
pub mod handlers;
pub mod model;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_objectives)
        .service(handlers::create_objective)
        .service(handlers::get_objective)
        .service(handlers::update_objective)
        .service(handlers::delete_objective);
}

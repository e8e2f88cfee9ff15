//! Committees: a convention's COPIL (comité de pilotage) and its thematic technical committees,
//! each following some axes of the plan, with the partner organisations sitting on them.

pub mod dto;
pub mod handlers;
pub mod model;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_committees)
        .service(handlers::create_committee)
        .service(handlers::get_committee)
        .service(handlers::update_committee)
        .service(handlers::delete_committee);
}

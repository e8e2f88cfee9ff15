//! Partners: the organisations taking part in conventions (Caf, EPCI, communes, associations…).

pub mod dto;
pub mod handlers;
pub mod model;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_partners)
        .service(handlers::create_partner)
        .service(handlers::get_partner)
        .service(handlers::update_partner)
        .service(handlers::delete_partner);
}

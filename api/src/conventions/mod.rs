//! Conventions: the multi-year plans a territory's partners sign, with their signatories and
//! associated partners. Axes hang under them.

pub mod dto;
pub mod handlers;
pub mod model;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_conventions)
        .service(handlers::create_convention)
        .service(handlers::get_convention)
        .service(handlers::update_convention)
        .service(handlers::delete_convention);
}

//! Memberships: who holds which role in a convention (viewer, pilot, committee, copil,
//! coordinator, reporting). The permission policy reads them on every request.

pub mod dto;
pub mod handlers;
pub mod model;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_memberships)
        .service(handlers::create_membership)
        .service(handlers::get_membership)
        .service(handlers::update_membership)
        .service(handlers::delete_membership);
}

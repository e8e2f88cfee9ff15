//! Users: people and machine clients who sign in.

pub mod cli;
pub mod dto;
pub mod handlers;
pub mod model;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_users)
        .service(handlers::create_user)
        .service(handlers::get_user)
        .service(handlers::update_user)
        .service(handlers::delete_user);
}

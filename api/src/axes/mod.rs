//! Axes: level 1 of a convention's plan (its orientations, numbered 1, 2, 3…). Objectives hang
//! under them.

pub mod dto;
pub mod handlers;
pub mod model;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_axes)
        .service(handlers::create_axis)
        .service(handlers::get_axis)
        .service(handlers::update_axis)
        .service(handlers::delete_axis);
}

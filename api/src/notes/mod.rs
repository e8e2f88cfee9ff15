//! The follow-up journal of a fiche-action: dated notes written by those who may update its
//! follow-up, each editable by its author only.

pub mod dto;
pub mod handlers;
pub mod model;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_notes)
        .service(handlers::create_note)
        .service(handlers::get_note)
        .service(handlers::update_note)
        .service(handlers::delete_note);
}

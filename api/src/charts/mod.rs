//! Charts as self-contained SVG: an indicator's series against its baseline and target, and a
//! convention's progress by axis. Sized for a phone (360 units wide, responsive width).

pub mod handlers;
pub mod svg;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::indicator_chart)
        .service(handlers::progress_chart);
}

//! Reports: the annual report (bilan annuel) of a convention, as JSON for the Caf reporting
//! integration or as CSV for French spreadsheets, built on the plan tree so that its figures are
//! the plan's and the statistics'.

pub mod csv;
pub mod dto;
pub mod handlers;
pub mod model;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::get_annual_report);
}

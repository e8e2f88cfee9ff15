//! Reports: the annual report (bilan annuel) of a convention, as JSON for the Caf reporting
//! integration, as CSV for French spreadsheets or as an XLSX workbook for the COPIL, built on
//! the plan tree so that its figures are the plan's and the statistics'.

pub mod csv;
pub mod dto;
pub mod handlers;
mod labels;
pub mod model;
pub mod xlsx;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::get_annual_report);
}

//! Reports over HTTP, in the format the client asks for.

use actix_web::http::header::{self, Accept, Header};
use actix_web::{get, web, HttpRequest, HttpResponse, HttpResponseBuilder};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::dto::AnnualReport;
use super::{csv, model, xlsx};
use crate::auth::{AuthUser, Capability};
use crate::conventions::model::Convention;
use crate::db::{self, DbPool};
use crate::error::{ApiError, OrNotFound};

/// The query of the annual report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnnualReportParams {
    /// The year reported on, within the convention's years (required).
    #[param(value_type = i32, required = true)]
    pub year: Option<String>,
    /// `json`, `csv` or `xlsx`; takes precedence over `Accept`.
    #[param(value_type = Option<ReportFormat>, inline)]
    pub format: Option<String>,
}

/// A format the annual report is served in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Json,
    Csv,
    Xlsx,
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad_field("invalid_query", field, message)
}

impl ReportFormat {
    /// `format=` when given (an unknown value is refused, naming `format`); otherwise the first
    /// of JSON, CSV and XLSX in `Accept`'s order of preference; otherwise JSON (no `Accept`,
    /// `*/*`, or only types not served: the report is served rather than refused with 406).
    pub fn negotiate(format: Option<&str>, request: &HttpRequest) -> Result<Self, ApiError> {
        if let Some(format) = format {
            return match format {
                "json" => Ok(Self::Json),
                "csv" => Ok(Self::Csv),
                "xlsx" => Ok(Self::Xlsx),
                _ => Err(invalid("format", "must be json, csv or xlsx")),
            };
        }
        let Ok(accept) = Accept::parse(request) else {
            return Ok(Self::Json);
        };
        let chosen = accept.ranked().into_iter().find_map(|mime| {
            match (mime.type_().as_str(), mime.subtype().as_str()) {
                ("application", "json") => Some(Self::Json),
                ("text", "csv") => Some(Self::Csv),
                ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet") => {
                    Some(Self::Xlsx)
                }
                _ => None,
            }
        });
        Ok(chosen.unwrap_or(Self::Json))
    }
}

/// The year asked for: an integer within the convention's years.
fn parse_year(year: Option<&str>, convention: &Convention) -> Result<i32, ApiError> {
    let (start, end) = (convention.start_year, convention.end_year);
    let within = format!("must be a year within the convention's years ({start} to {end})");
    let year = year.ok_or_else(|| invalid("year", format!("is required: {within}")))?;
    match year.trim().parse::<i32>() {
        Ok(year) if (start..=end).contains(&year) => Ok(year),
        _ => Err(invalid("year", within)),
    }
}

/// The annual report (bilan annuel) of a convention, as JSON, CSV or XLSX.
///
/// Read by committee members, the COPIL, coordinators and the reporting client. The format is
/// `format=` when given, else the first of `application/json`, `text/csv` and
/// `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` in `Accept`, else JSON.
///
/// - JSON: the versioned `AnnualReport` schema (`schema_version` 1).
/// - CSV (for French spreadsheets): UTF-8 with a byte order mark, `;` separator, decimal comma,
///   one row per indicator (an action without indicators has one row) with the fiche's notes of
///   the year in one cell (`04/03/2024 : …`, a line each), text cells beginning
///   with `=`, `+`, `-` or `@` prefixed with `'`; an attachment `bilan-<year>.csv`.
/// - XLSX (for the COPIL): a summary sheet (`Synthèse`: key figures, progress by axis and its
///   chart), a sheet per axis (`Axe 1`, …: a row per fiche), the indicators' values for every
///   year from the convention's first to the report's (`Indicateurs`) and the year's follow-up
///   journal (`Journal`); typed numbers and dates, frozen headers with filters; an attachment
///   `bilan-<year>.xlsx`.
///
/// The year's value of a semiannual, quarterly or monthly indicator is that of its latest period
/// within the year that has a measurement.
#[utoipa::path(
    tag = "reports",
    params(("id" = Uuid, Path, description = "The convention's id"), AnnualReportParams),
    responses((
        status = 200,
        description = "The annual report, in the format negotiated",
        content(
            (AnnualReport = "application/json"),
            (String = "text/csv", example = json!("\u{feff}Axe;Titre de l'axe;Objectif;…\r\n1;Axe 1;1.1;…\r\n")),
            (xlsx::XlsxWorkbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        ),
        headers(("Content-Disposition" = String, description = "CSV and XLSX: `attachment; filename=\"bilan-<year>.csv\"` (or `.xlsx`)"))
    ))
)]
#[get("/conventions/{id}/reports/annual")]
pub async fn get_annual_report(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    query: web::Query<AnnualReportParams>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let params = query.into_inner();
    let today = crate::time::today();
    // Read here (the request stays on this worker), refused only after the permission check.
    let format = ReportFormat::negotiate(params.format.as_deref(), &request);
    let (report, format, history) = db::read(&pool, move |conn| {
        let convention = Convention::find(conn, id).or_not_found("convention")?;
        user.require(Capability::ReadReports, id, None)?;
        let year = parse_year(params.year.as_deref(), &convention)?;
        let format = format?;
        let start_year = convention.start_year;
        let report = model::annual_report(conn, convention, year, today)?;
        // Only the workbook shows every year's values.
        let history = match format {
            ReportFormat::Xlsx => model::year_values(conn, id, start_year..=year)?,
            ReportFormat::Json | ReportFormat::Csv => xlsx::ValuesByYear::new(),
        };
        Ok((report, format, history))
    })
    .await?;
    let year = report.year;
    let body = match format {
        ReportFormat::Json => return Ok(with_vary(HttpResponse::Ok()).json(&report)),
        ReportFormat::Csv => csv::render(&report).into_bytes(),
        // Building a workbook is CPU work: off the async worker, like the database's.
        ReportFormat::Xlsx => {
            web::block(move || xlsx::render(&report, &history))
                .await?
                .map_err(|error| ApiError::Internal(format!("building the workbook: {error}")))?
                .0
        }
    };
    let (content_type, extension) = match format {
        ReportFormat::Xlsx => (xlsx::CONTENT_TYPE, "xlsx"),
        ReportFormat::Json | ReportFormat::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    Ok(with_vary(HttpResponse::Ok())
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"bilan-{year}.{extension}\""),
        ))
        .body(body))
}

/// The response varies with `Accept`: caches must not serve a CSV to a JSON client.
fn with_vary(mut response: HttpResponseBuilder) -> HttpResponseBuilder {
    response.insert_header((header::VARY, "Accept"));
    response
}

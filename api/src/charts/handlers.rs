//! Charts over HTTP.

use actix_web::{get, http::header, web, HttpResponse};
use uuid::Uuid;

use super::svg::{self, AxisBar, Point, Scale, Series};
use crate::auth::{AuthUser, Capability};
use crate::conventions::model::Convention;
use crate::db::{self, DbPool};
use crate::domain::IndicatorKind;
use crate::error::{ApiError, OrNotFound};
use crate::indicators::model::Indicator;
use crate::measurements::model::Measurement;

fn svg_response(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "image/svg+xml"))
        .body(body)
}

/// An indicator's measurements against its baseline and target, as an SVG chart.
///
/// Numeric indicators plot their series by period; a yes/no indicator reads "oui"/"non", a
/// level indicator is drawn on its own scale, a text indicator lists its latest observations as
/// written. Labels are in French; the image is self-contained.
#[utoipa::path(
    tag = "charts",
    params(("id" = Uuid, Path, description = "The indicator's id")),
    responses((status = 200, content_type = "image/svg+xml", body = String, description = "The indicator's chart (SVG)"))
)]
#[get("/indicators/{id}/chart.svg")]
pub async fn indicator_chart(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let series = db::read(&pool, move |conn| {
        let record = Indicator::load(conn, id).or_not_found("indicator")?;
        user.require(Capability::ReadPlan, record.placement.convention_id, None)?;
        let rows = Measurement::series(conn, id)?;
        let indicator = record.indicator;
        let scale = match (indicator.kind, indicator.scale_min, indicator.scale_max) {
            (IndicatorKind::Boolean, ..) => Scale::YesNo,
            (IndicatorKind::Level, Some(min), Some(max)) => Scale::Fixed { min, max },
            _ => Scale::Auto,
        };
        Ok(Series {
            title: format!("{} {}", record.placement.code(), indicator.label),
            unit: indicator.unit,
            baseline: indicator.baseline_value,
            target: indicator.target_value,
            scale,
            points: rows
                .into_iter()
                .map(|(period, value)| {
                    let (value, text) = match value {
                        serde_json::Value::Number(n) => (n.as_f64(), None),
                        serde_json::Value::Bool(b) => (Some(if b { 1.0 } else { 0.0 }), None),
                        serde_json::Value::String(text) => (None, Some(text)),
                        _ => (None, None),
                    };
                    Point {
                        period: period.to_string(),
                        value,
                        text,
                    }
                })
                .collect(),
        })
    })
    .await?;
    Ok(svg_response(svg::indicator_chart(&series)))
}

/// A convention's progress by axis (0-100 %), as an SVG bar chart.
#[utoipa::path(
    tag = "charts",
    params(("id" = Uuid, Path, description = "The convention's id")),
    responses((status = 200, content_type = "image/svg+xml", body = String, description = "Progress by axis (SVG)"))
)]
#[get("/conventions/{id}/progress.svg")]
pub async fn progress_chart(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (name, overall, bars) = db::read(&pool, move |conn| {
        let convention = Convention::find(conn, id).or_not_found("convention")?;
        user.require(Capability::ReadPlan, id, None)?;
        let plan = crate::plan::build(conn, convention)?;
        let bars = plan
            .axes
            .into_iter()
            .map(|axis| AxisBar {
                label: format!("Axe {} – {}", axis.number, axis.title),
                progress: axis.progress,
            })
            .collect::<Vec<_>>();
        Ok((plan.convention.name, plan.progress, bars))
    })
    .await?;
    Ok(svg_response(svg::progress_chart(&name, overall, &bars)))
}

//! HTTP handlers for one indicator's measurements.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use uuid::Uuid;

use super::dto::{MeasurementCreate, MeasurementListParams, MeasurementOut, MeasurementUpdate};
use super::model::{IndicatorContext, IndicatorRef, Measurement};
use crate::audit::{Audit, EntityType};
use crate::auth::{AuthUser, Capability};
use crate::db::{self, DbPool};
use crate::error::{ApiError, OrNotFound};
use crate::http::etag::IfMatch;
use crate::http::json::JsonBody;
use crate::http::page::{PageParams, Paged};
use crate::http::respond;
use crate::idempotency::{IdempotencyKey, Replayable};
use crate::time;

const INDICATOR: &str = "indicator";
const MEASUREMENT: &str = "measurement";

/// List an indicator's measurements in period order, optionally between two periods.
#[utoipa::path(
    tag = "measurements",
    params(
        ("id" = Uuid, Path, description = "The indicator's id"),
        MeasurementListParams,
        PageParams
    ),
    responses((status = 200, body = Paged<MeasurementOut>))
)]
#[get("/indicators/{id}/measurements")]
pub async fn list_measurements(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    params: web::Query<MeasurementListParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paged<MeasurementOut>>, ApiError> {
    let indicator_id = id.into_inner();
    let filter = params.into_inner().parse()?;
    let page = page.into_inner().validate()?;
    let (indicator, items, total) = db::read(&pool, move |conn| {
        let indicator = IndicatorRef::find(conn, indicator_id).or_not_found(INDICATOR)?;
        user.require(Capability::ReadPlan, indicator.convention_id, None)?;
        let (items, total) = Measurement::list(conn, indicator_id, filter, page)?;
        Ok((indicator, items, total))
    })
    .await?;
    Ok(web::Json(Paged::new(items, total, page).map(|m| {
        MeasurementOut::new(m, indicator.action_id, indicator.convention_id)
    })))
}

/// Record an indicator's value for one period (pilots for their own actions, committee members
/// within their axes, coordinators).
///
/// The period has the indicator's frequency (`2024`, `2024-S1`, `2024-Q2`, `2024-03`), lies
/// within the convention's years and not after the current period (Europe/Paris); the value
/// follows the indicator's kind. One measurement per period: a second one is 409
/// `duplicate_period` (correct the first with `PATCH`). With `Idempotency-Key`, a retry replays
/// the first answer instead of recording twice.
#[utoipa::path(
    tag = "measurements",
    params(
        ("id" = Uuid, Path, description = "The indicator's id"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "A key unique to this creation (1-255 visible ASCII characters): a retry with the same key and body replays the first response; another body is 422; while the first is running, 409."),
    ),
    request_body = MeasurementCreate,
    responses((status = 201, body = MeasurementOut))
)]
#[post("/indicators/{id}/measurements")]
pub async fn create_measurement(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    idempotency_key: IdempotencyKey,
    body: JsonBody<MeasurementCreate>,
) -> Result<HttpResponse, ApiError> {
    let indicator_id = id.into_inner();
    let fingerprint = body.fingerprint();
    let body = body.0;
    let answer = db::run(&pool, move |conn| {
        idempotency_key.once(conn, user.id, &fingerprint, |conn| {
            let IndicatorContext { indicator, target } =
                IndicatorContext::find_for_share(conn, indicator_id).or_not_found(INDICATOR)?;
            user.require(
                Capability::RecordMeasurements,
                indicator.convention_id,
                Some(&target),
            )?;
            let new = body.parse(&indicator, user.id, time::today())?;
            let created = Measurement::insert(conn, &new)?;
            let out = MeasurementOut::new(created, indicator.action_id, indicator.convention_id);
            Audit::by(user.id).created(
                conn,
                Some(indicator.convention_id),
                EntityType::Measurement,
                out.id,
                &out,
            )?;
            Replayable::created(format!("/api/v1/measurements/{}", out.id), &out)
        })
    })
    .await?;
    Ok(answer.into_response())
}

/// Read a measurement.
#[utoipa::path(
    tag = "measurements",
    params(("id" = Uuid, Path, description = "The measurement's id")),
    responses((status = 200, body = MeasurementOut))
)]
#[get("/measurements/{id}")]
pub async fn get_measurement(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let record = db::read(&pool, move |conn| {
        let record = Measurement::load(conn, id).or_not_found(MEASUREMENT)?;
        user.require(Capability::ReadPlan, record.convention_id, None)?;
        Ok(record)
    })
    .await?;
    Ok(respond::ok(&MeasurementOut::from(record)))
}

/// Correct a measurement's value, comment or source (JSON Merge Patch; `If-Match` required).
///
/// The corrector becomes `recorded_by`, now `recorded_at`; the audit log keeps the old values.
/// The period cannot change (422): a different period is a different measurement.
#[utoipa::path(
    tag = "measurements",
    params(("id" = Uuid, Path, description = "The measurement's id")),
    request_body = MeasurementUpdate,
    responses((status = 200, body = MeasurementOut))
)]
#[patch("/measurements/{id}")]
pub async fn update_measurement(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<MeasurementUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let body = body.0;
    let out = db::run(&pool, move |conn| {
        let (current, IndicatorContext { indicator, target }) =
            Measurement::find_for_update(conn, id).or_not_found(MEASUREMENT)?;
        user.require(
            Capability::RecordMeasurements,
            indicator.convention_id,
            Some(&target),
        )?;
        if_match.check(current.version)?;
        let changes = body.parse(&indicator, &current)?;
        let before = MeasurementOut::new(
            current.clone(),
            indicator.action_id,
            indicator.convention_id,
        );
        if changes.is_empty() {
            return Ok(before);
        }
        let corrected = Measurement::correct(conn, id, &changes, user.id)?;
        let after = MeasurementOut::new(corrected, indicator.action_id, indicator.convention_id);
        Audit::by(user.id).updated(
            conn,
            Some(indicator.convention_id),
            EntityType::Measurement,
            id,
            &before,
            &after,
        )?;
        Ok(after)
    })
    .await?;
    Ok(respond::ok(&out))
}

/// Delete a measurement (who may record it may delete it; the audit log keeps it).
#[utoipa::path(
    tag = "measurements",
    params(("id" = Uuid, Path, description = "The measurement's id")),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/measurements/{id}")]
pub async fn delete_measurement(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db::run(&pool, move |conn| {
        let (current, IndicatorContext { indicator, target }) =
            Measurement::find_for_update(conn, id).or_not_found(MEASUREMENT)?;
        user.require(
            Capability::RecordMeasurements,
            indicator.convention_id,
            Some(&target),
        )?;
        if_match.check(current.version)?;
        Measurement::delete(conn, id)?;
        let before = MeasurementOut::new(current, indicator.action_id, indicator.convention_id);
        Audit::by(user.id).deleted(
            conn,
            Some(indicator.convention_id),
            EntityType::Measurement,
            id,
            &before,
        )?;
        Ok(())
    })
    .await?;
    Ok(respond::deleted())
}

//! HTTP handlers for indicators.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use uuid::Uuid;

use super::dto::{IndicatorCreate, IndicatorFollowUpOut, IndicatorOut, IndicatorUpdate};
use super::filter::IndicatorListParams;
use super::model::{ActionPlacement, DuePeriods, Indicator};
use crate::audit::{Audit, EntityType};
use crate::auth::{AuthUser, Capability};
use crate::conventions::model::Convention;
use crate::db::{self, DbPool};
use crate::error::{ApiError, OrNotFound};
use crate::http::etag::IfMatch;
use crate::http::json::JsonBody;
use crate::http::page::{PageParams, Paged};
use crate::http::respond;

const INDICATOR: &str = "indicator";
const ACTION: &str = "action";
const CONVENTION: &str = "convention";

/// List a fiche-action's indicators, in the fiche's order.
///
/// Every member of the convention may read them.
#[utoipa::path(
    tag = "indicators",
    params(("id" = Uuid, Path, description = "The action's id"), PageParams),
    responses((status = 200, body = Paged<IndicatorOut>))
)]
#[get("/actions/{id}/indicators")]
pub async fn list_indicators(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paged<IndicatorOut>>, ApiError> {
    let action_id = id.into_inner();
    let page = page.into_inner().validate()?;
    let (records, total) = db::read(&pool, move |conn| {
        let placement = ActionPlacement::find(conn, action_id).or_not_found(ACTION)?;
        user.require(Capability::ReadPlan, placement.convention_id, None)?;
        Ok(Indicator::list_for_action(conn, action_id, page)?)
    })
    .await?;
    Ok(web::Json(
        Paged::new(records, total, page).map(IndicatorOut::from),
    ))
}

/// Add an indicator to a fiche-action, after its last one.
///
/// For those who may edit the fiche's content: a committee member within the axes of their
/// committee, the COPIL, coordinators. The baseline and target values follow the kind's rule for
/// values (a count is a non-negative integer, a percentage lies within 0–100, a level within its
/// scale; `boolean` and `text` indicators have none); the target lies the way of `direction`
/// from the baseline.
#[utoipa::path(
    tag = "indicators",
    params(("id" = Uuid, Path, description = "The action's id")),
    request_body = IndicatorCreate,
    responses((status = 201, body = IndicatorOut))
)]
#[post("/actions/{id}/indicators")]
pub async fn create_indicator(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    body: JsonBody<IndicatorCreate>,
) -> Result<HttpResponse, ApiError> {
    let action_id = id.into_inner();
    let definition = body.0.parse()?;
    let out = db::run(&pool, move |conn| {
        let placement =
            ActionPlacement::find_for_new_indicator(conn, action_id).or_not_found(ACTION)?;
        let target = placement.target(conn)?;
        user.require(
            Capability::EditContent,
            placement.convention_id,
            Some(&target),
        )?;
        let id = Indicator::insert(conn, action_id, &definition)?;
        let out = IndicatorOut::from(Indicator::load(conn, id)?);
        Audit::by(user.id).created(
            conn,
            Some(placement.convention_id),
            EntityType::Indicator,
            id,
            &out,
        )?;
        Ok(out)
    })
    .await?;
    Ok(respond::created(
        format!("/api/v1/indicators/{}", out.id),
        &out,
    ))
}

/// Read an indicator.
#[utoipa::path(
    tag = "indicators",
    params(("id" = Uuid, Path, description = "The indicator's id")),
    responses((status = 200, body = IndicatorOut))
)]
#[get("/indicators/{id}")]
pub async fn get_indicator(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let record = db::read(&pool, move |conn| {
        let record = Indicator::load(conn, id).or_not_found(INDICATOR)?;
        user.require(Capability::ReadPlan, record.placement.convention_id, None)?;
        Ok(record)
    })
    .await?;
    Ok(respond::ok(&IndicatorOut::from(record)))
}

/// Change an indicator's definition (JSON Merge Patch; `If-Match` required).
///
/// The indicator that results is checked as a whole, like a new one (a new scale against the
/// current kind, a new kind against the current values…). Once the indicator has measurements,
/// its `kind`, `frequency`, `scale_min` and `scale_max` can no longer change: 409
/// `indicator_has_measurements`, since the recorded values would no longer fit.
#[utoipa::path(
    tag = "indicators",
    params(("id" = Uuid, Path, description = "The indicator's id")),
    request_body = IndicatorUpdate,
    responses((status = 200, body = IndicatorOut))
)]
#[patch("/indicators/{id}")]
pub async fn update_indicator(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<IndicatorUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.0.parse()?;
    let out = db::run(&pool, move |conn| {
        let before = Indicator::load_for_update(conn, id).or_not_found(INDICATOR)?;
        let convention_id = before.placement.convention_id;
        let target = before.placement.target(conn)?;
        user.require(Capability::EditContent, convention_id, Some(&target))?;
        if_match.check(before.indicator.version)?;
        let current = before.indicator.definition();
        let merged = changes.apply(&current);
        if current.reshapes_values(&merged) && Indicator::has_measurements(conn, id)? {
            return Err(ApiError::conflict(
                "indicator_has_measurements",
                "This indicator has measurements: its kind, frequency and scale can no longer \
                 change, or the recorded values would no longer fit. Create another indicator.",
            ));
        }
        let merged = merged.check()?;
        let before = IndicatorOut::from(before);
        if merged == current {
            return Ok(before);
        }
        Indicator::update(conn, id, &merged)?;
        let after = IndicatorOut::from(Indicator::load(conn, id)?);
        Audit::by(user.id).updated(
            conn,
            Some(convention_id),
            EntityType::Indicator,
            id,
            &before,
            &after,
        )?;
        Ok(after)
    })
    .await?;
    Ok(respond::ok(&out))
}

/// Delete an indicator that has no measurement (409 `still_referenced` otherwise).
///
/// Measurements are the plan's history: they are never deleted with their indicator.
#[utoipa::path(
    tag = "indicators",
    params(("id" = Uuid, Path, description = "The indicator's id")),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/indicators/{id}")]
pub async fn delete_indicator(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db::run(&pool, move |conn| {
        let record = Indicator::load_for_update(conn, id).or_not_found(INDICATOR)?;
        let convention_id = record.placement.convention_id;
        let target = record.placement.target(conn)?;
        user.require(Capability::EditContent, convention_id, Some(&target))?;
        if_match.check(record.indicator.version)?;
        Indicator::delete(conn, id)?;
        Audit::by(user.id).deleted(
            conn,
            Some(convention_id),
            EntityType::Indicator,
            id,
            &IndicatorOut::from(record),
        )?;
        Ok(())
    })
    .await?;
    Ok(respond::deleted())
}

/// List a convention's indicators with their latest value and whether a value is due.
///
/// In code order (the fiche's code, then the indicator's position), with each fiche's title and
/// référents-pilotes, so that a coordinator can chase the partners whose values are missing.
///
/// **Due.** `due_period` is the last completed period of the indicator's frequency today, in
/// Europe/Paris (e.g. on 2026-11-29: `2025`, `2026-S1`, `2026-Q3` or `2026-10`). An indicator is
/// *due* (`due: true`) when that period lies within the convention's years and has no
/// measurement. `?due=true` lists only those; `?due=false` the others.
///
/// **Latest.** The measurement of the latest period (by its start date), or null.
///
/// **Achievement.** How much of the way from its baseline to its target the latest value has
/// come, as a fraction from 0 to 1, clamped (beyond the target counts as 1, the wrong way as
/// 0), rounded to three decimals:
/// - `increase`: (latest − baseline) / (target − baseline).
/// - `decrease`: (baseline − latest) / (baseline − target).
/// - Without a baseline, an increasing indicator starts from 0, or from `scale_min` for a level;
///   a decreasing one has no natural starting point: no achievement.
/// - Without a target: no achievement.
/// - A target equal to the baseline (holding a level): 1 once the latest value reaches it (at
///   least the target for `increase`, at most for `decrease`), else 0.
/// - A target on the wrong side of the baseline for the direction: no achievement.
/// - `boolean`: 1 when the latest value is true, 0 when false; baseline, target and direction do
///   not apply.
/// - `text`, or no measurement yet: no achievement (null).
#[utoipa::path(
    tag = "indicators",
    params(
        ("id" = Uuid, Path, description = "The convention's id"),
        IndicatorListParams,
        PageParams
    ),
    responses((status = 200, body = Paged<IndicatorFollowUpOut>))
)]
#[get("/conventions/{id}/indicators")]
pub async fn list_convention_indicators(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    params: web::Query<IndicatorListParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paged<IndicatorFollowUpOut>>, ApiError> {
    let convention_id = id.into_inner();
    let filter = params.into_inner().parse()?;
    let page = page.into_inner().validate()?;
    let due = DuePeriods::on(crate::time::today());
    let (items, total) = db::read(&pool, move |conn| {
        Convention::find(conn, convention_id).or_not_found(CONVENTION)?;
        user.require(Capability::ReadPlan, convention_id, None)?;
        Ok(Indicator::list_in_convention(
            conn,
            convention_id,
            &filter,
            &due,
            page,
        )?)
    })
    .await?;
    Ok(web::Json(
        Paged::new(items, total, page).map(IndicatorFollowUpOut::from),
    ))
}

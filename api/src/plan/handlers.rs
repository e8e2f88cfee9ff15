//! The plan tree over HTTP.

use actix_web::{get, web};
use uuid::Uuid;

use super::dto::PlanOut;
use crate::auth::{AuthUser, Capability};
use crate::conventions::model::Convention;
use crate::db::{self, DbPool};
use crate::error::{ApiError, OrNotFound};

/// The whole plan: axes → objectives → actions → indicators, with progress at every level.
///
/// `achievement` (indicator): fraction 0-1 of the way from baseline to target reached by the
/// latest measurement, clamped; boolean indicators are 1 when true; text indicators and
/// indicators without a target or a measurement have none. `progress` (0-100): an action's is
/// the mean of its indicators' achievements × 100, or its manual `progress` when none has one;
/// an objective's, axis' and the convention's are the plain mean of their children's, leaving
/// out children without progress. Built with a fixed number of queries whatever the plan's size.
#[utoipa::path(
    tag = "plan",
    params(("id" = Uuid, Path, description = "The convention's id")),
    responses((status = 200, body = PlanOut))
)]
#[get("/conventions/{id}/plan")]
pub async fn get_plan(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<web::Json<PlanOut>, ApiError> {
    let id = id.into_inner();
    let plan = db::read(&pool, move |conn| {
        let convention = Convention::find(conn, id).or_not_found("convention")?;
        user.require(Capability::ReadPlan, id, None)?;
        Ok(super::build(conn, convention)?)
    })
    .await?;
    Ok(web::Json(plan))
}

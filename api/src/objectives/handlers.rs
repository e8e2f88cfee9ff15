//! HTTP handlers for objectives.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use diesel::PgConnection;
use uuid::Uuid;

use super::dto::{ObjectiveCreate, ObjectiveOut, ObjectiveUpdate};
use super::model::{Objective, ObjectiveChanges};
use crate::audit::{Audit, EntityType};
use crate::auth::{AuthUser, Capability};
use crate::axes::model::Axis;
use crate::db::{self, DbPool};
use crate::error::{ApiError, OrNotFound};
use crate::http::etag::IfMatch;
use crate::http::json::JsonBody;
use crate::http::page::{PageParams, Paged};
use crate::http::respond;

const OBJECTIVE: &str = "objective";
const AXIS: &str = "axis";

/// List an axis' objectives, in number order.
#[utoipa::path(tag = "objectives", params(("id" = Uuid, Path, description = "The axis' id"), PageParams), responses((status = 200, body = Paged<ObjectiveOut>)))]
#[get("/axes/{id}/objectives")]
pub async fn list_objectives(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paged<ObjectiveOut>>, ApiError> {
    let axis_id = id.into_inner();
    let page = page.into_inner().validate()?;
    let (items, total) = db::read(&pool, move |conn| {
        let axis = Axis::find(conn, axis_id).or_not_found(AXIS)?;
        user.require(Capability::ReadPlan, axis.convention_id, None)?;
        Ok(Objective::list(conn, axis_id, page)?)
    })
    .await?;
    Ok(web::Json(
        Paged::new(items, total, page).map(ObjectiveOut::from),
    ))
}

/// Create an objective under an axis (409 when its number is taken there).
#[utoipa::path(tag = "objectives", params(("id" = Uuid, Path, description = "The axis' id")), request_body = ObjectiveCreate, responses((status = 201, body = ObjectiveOut)))]
#[post("/axes/{id}/objectives")]
pub async fn create_objective(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    body: JsonBody<ObjectiveCreate>,
) -> Result<HttpResponse, ApiError> {
    let axis_id = id.into_inner();
    let new = body.0.parse(axis_id)?;
    let out = db::run(&pool, move |conn| {
        let axis = Axis::find_for_key_share(conn, axis_id).or_not_found(AXIS)?;
        user.require(Capability::ManageStructure, axis.convention_id, None)?;
        let out = ObjectiveOut::from(Objective::insert(conn, &new)?);
        Audit::by(user.id).created(
            conn,
            Some(axis.convention_id),
            EntityType::Objective,
            out.id,
            &out,
        )?;
        Ok(out)
    })
    .await?;
    Ok(respond::created(
        format!("/api/v1/objectives/{}", out.id),
        &out,
    ))
}

/// Read an objective, with its code.
#[utoipa::path(tag = "objectives", params(("id" = Uuid, Path, description = "The objective's id")), responses((status = 200, body = ObjectiveOut)))]
#[get("/objectives/{id}")]
pub async fn get_objective(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let objective = db::read(&pool, move |conn| {
        let objective = Objective::find(conn, id).or_not_found(OBJECTIVE)?;
        user.require(Capability::ReadPlan, objective.convention_id, None)?;
        Ok(objective)
    })
    .await?;
    Ok(respond::ok(&ObjectiveOut::from(objective)))
}

/// Change an objective (JSON Merge Patch; `If-Match` required).
///
/// `axis_id` moves it to another axis of the same convention (422 otherwise).
#[utoipa::path(tag = "objectives", params(("id" = Uuid, Path, description = "The objective's id")), request_body = ObjectiveUpdate, responses((status = 200, body = ObjectiveOut)))]
#[patch("/objectives/{id}")]
pub async fn update_objective(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<ObjectiveUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.0.parse()?;
    let out = db::run(&pool, move |conn| {
        let current = Objective::find_for_update(conn, id).or_not_found(OBJECTIVE)?;
        let convention_id = current.convention_id;
        user.require(Capability::ManageStructure, convention_id, None)?;
        if_match.check(current.version)?;
        check_destination(conn, &current, &changes)?;
        let before = ObjectiveOut::from(current.clone());
        let after = ObjectiveOut::from(current.update(conn, &changes)?);
        Audit::by(user.id).updated(
            conn,
            Some(convention_id),
            EntityType::Objective,
            id,
            &before,
            &after,
        )?;
        Ok(after)
    })
    .await?;
    Ok(respond::ok(&out))
}

/// Delete an objective that has no actions (409 otherwise).
#[utoipa::path(tag = "objectives", params(("id" = Uuid, Path, description = "The objective's id")), responses((status = 204, description = "Deleted")))]
#[delete("/objectives/{id}")]
pub async fn delete_objective(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db::run(&pool, move |conn| {
        let current = Objective::find_for_update(conn, id).or_not_found(OBJECTIVE)?;
        let convention_id = current.convention_id;
        user.require(Capability::ManageStructure, convention_id, None)?;
        if_match.check(current.version)?;
        Objective::delete(conn, id)?;
        let before = ObjectiveOut::from(current);
        Audit::by(user.id).deleted(
            conn,
            Some(convention_id),
            EntityType::Objective,
            id,
            &before,
        )?;
        Ok(())
    })
    .await?;
    Ok(respond::deleted())
}

/// An objective moves only to an axis of its own convention: 422 on `axis_id` otherwise. The
/// destination is kept from being deleted until the move commits.
fn check_destination(
    conn: &mut PgConnection,
    current: &Objective,
    changes: &ObjectiveChanges,
) -> Result<(), ApiError> {
    let Some(axis_id) = changes.axis_id else {
        return Ok(());
    };
    match Axis::find_for_key_share(conn, axis_id) {
        Ok(axis) if axis.convention_id == current.convention_id => Ok(()),
        Ok(_) => Err(ApiError::invalid(
            "axis_id",
            "must be an axis of the objective's convention",
        )),
        Err(diesel::result::Error::NotFound) => Err(ApiError::invalid("axis_id", "unknown axis")),
        Err(other) => Err(other.into()),
    }
}

//! HTTP handlers for axes.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use uuid::Uuid;

use super::dto::{AxisCreate, AxisOut, AxisUpdate};
use super::model::Axis;
use crate::audit::{Audit, EntityType};
use crate::auth::{AuthUser, Capability};
use crate::conventions::model::Convention;
use crate::db::{self, DbPool};
use crate::error::{ApiError, OrNotFound};
use crate::http::etag::IfMatch;
use crate::http::json::JsonBody;
use crate::http::page::{PageParams, Paged};
use crate::http::respond;

const AXIS: &str = "axis";
const CONVENTION: &str = "convention";

/// List a convention's axes, in number order.
#[utoipa::path(tag = "axes", params(("id" = Uuid, Path, description = "The convention's id"), PageParams), responses((status = 200, body = Paged<AxisOut>)))]
#[get("/conventions/{id}/axes")]
pub async fn list_axes(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paged<AxisOut>>, ApiError> {
    let convention_id = id.into_inner();
    let page = page.into_inner().validate()?;
    let (items, total) = db::read(&pool, move |conn| {
        Convention::find(conn, convention_id).or_not_found(CONVENTION)?;
        user.require(Capability::ReadPlan, convention_id, None)?;
        Ok(Axis::list(conn, convention_id, page)?)
    })
    .await?;
    Ok(web::Json(Paged::new(items, total, page).map(AxisOut::from)))
}

/// Create an axis in a convention (409 when its number is taken there).
#[utoipa::path(tag = "axes", params(("id" = Uuid, Path, description = "The convention's id")), request_body = AxisCreate, responses((status = 201, body = AxisOut)))]
#[post("/conventions/{id}/axes")]
pub async fn create_axis(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    body: JsonBody<AxisCreate>,
) -> Result<HttpResponse, ApiError> {
    let convention_id = id.into_inner();
    let new = body.0.parse(convention_id)?;
    let out = db::run(&pool, move |conn| {
        Convention::find_for_key_share(conn, convention_id).or_not_found(CONVENTION)?;
        user.require(Capability::ManageStructure, convention_id, None)?;
        let out = AxisOut::from(Axis::insert(conn, &new)?);
        Audit::by(user.id).created(conn, Some(convention_id), EntityType::Axis, out.id, &out)?;
        Ok(out)
    })
    .await?;
    Ok(respond::created(format!("/api/v1/axes/{}", out.id), &out))
}

/// Read an axis.
#[utoipa::path(tag = "axes", params(("id" = Uuid, Path, description = "The axis' id")), responses((status = 200, body = AxisOut)))]
#[get("/axes/{id}")]
pub async fn get_axis(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let axis = db::read(&pool, move |conn| {
        let axis = Axis::find(conn, id).or_not_found(AXIS)?;
        user.require(Capability::ReadPlan, axis.convention_id, None)?;
        Ok(axis)
    })
    .await?;
    Ok(respond::ok(&AxisOut::from(axis)))
}

/// Change an axis (JSON Merge Patch; `If-Match` required).
///
/// A new number changes the codes of its objectives, which derive from it.
#[utoipa::path(tag = "axes", params(("id" = Uuid, Path, description = "The axis' id")), request_body = AxisUpdate, responses((status = 200, body = AxisOut)))]
#[patch("/axes/{id}")]
pub async fn update_axis(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<AxisUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.0.parse()?;
    let out = db::run(&pool, move |conn| {
        let current = Axis::find_for_update(conn, id).or_not_found(AXIS)?;
        let convention_id = current.convention_id;
        user.require(Capability::ManageStructure, convention_id, None)?;
        if_match.check(current.version)?;
        let before = AxisOut::from(current.clone());
        let after = AxisOut::from(current.update(conn, &changes)?);
        Audit::by(user.id).updated(
            conn,
            Some(convention_id),
            EntityType::Axis,
            id,
            &before,
            &after,
        )?;
        Ok(after)
    })
    .await?;
    Ok(respond::ok(&out))
}

/// Delete an axis that has no objectives (409 otherwise).
#[utoipa::path(tag = "axes", params(("id" = Uuid, Path, description = "The axis' id")), responses((status = 204, description = "Deleted")))]
#[delete("/axes/{id}")]
pub async fn delete_axis(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db::run(&pool, move |conn| {
        let current = Axis::find_for_update(conn, id).or_not_found(AXIS)?;
        let convention_id = current.convention_id;
        user.require(Capability::ManageStructure, convention_id, None)?;
        if_match.check(current.version)?;
        Axis::delete(conn, id)?;
        Audit::by(user.id).deleted(
            conn,
            Some(convention_id),
            EntityType::Axis,
            id,
            &AxisOut::from(current),
        )?;
        Ok(())
    })
    .await?;
    Ok(respond::deleted())
}

//! HTTP handlers for conventions.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use uuid::Uuid;

use super::dto::{ConventionCreate, ConventionOut, ConventionUpdate};
use super::model::Convention;
use crate::audit::{Audit, EntityType};
use crate::auth::{AuthUser, Capability};
use crate::db::{self, DbPool};
use crate::error::{ApiError, OrNotFound};
use crate::http::etag::IfMatch;
use crate::http::json::JsonBody;
use crate::http::page::{PageParams, Paged};
use crate::http::respond;

const CONVENTION: &str = "convention";

/// List the conventions visible to the caller, in name order.
#[utoipa::path(tag = "conventions", params(PageParams), responses((status = 200, body = Paged<ConventionOut>)))]
#[get("/conventions")]
pub async fn list_conventions(
    user: AuthUser,
    pool: web::Data<DbPool>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paged<ConventionOut>>, ApiError> {
    let page = page.into_inner().validate()?;
    let visible = (!user.is_admin).then(|| user.convention_ids());
    let (items, total) = db::read(&pool, move |conn| {
        Ok(Convention::list(conn, visible.as_deref(), page)?)
    })
    .await?;
    Ok(web::Json(
        Paged::new(items, total, page).map(ConventionOut::from),
    ))
}

/// Create a convention with its signatories and associated partners (platform admins).
#[utoipa::path(tag = "conventions", request_body = ConventionCreate, responses((status = 201, body = ConventionOut)))]
#[post("/conventions")]
pub async fn create_convention(
    user: AuthUser,
    pool: web::Data<DbPool>,
    body: JsonBody<ConventionCreate>,
) -> Result<HttpResponse, ApiError> {
    user.require_admin()?;
    let new = body.0.parse()?;
    let out = db::run(&pool, move |conn| {
        let out = ConventionOut::from(Convention::insert(conn, &new)?);
        Audit::by(user.id).created(conn, Some(out.id), EntityType::Convention, out.id, &out)?;
        Ok(out)
    })
    .await?;
    Ok(respond::created(
        format!("/api/v1/conventions/{}", out.id),
        &out,
    ))
}

/// Read a convention.
#[utoipa::path(tag = "conventions", params(("id" = Uuid, Path, description = "The convention's id")), responses((status = 200, body = ConventionOut)))]
#[get("/conventions/{id}")]
pub async fn get_convention(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let convention = db::read(&pool, move |conn| {
        let convention = Convention::find(conn, id).or_not_found(CONVENTION)?;
        user.require(Capability::ReadPlan, id, None)?;
        Ok(convention.with_partners(conn)?)
    })
    .await?;
    Ok(respond::ok(&ConventionOut::from(convention)))
}

/// Change a convention (JSON Merge Patch; `If-Match` required; coordinators).
///
/// A list given replaces the stored list; the years stay in order with the stored ones.
#[utoipa::path(tag = "conventions", params(("id" = Uuid, Path, description = "The convention's id")), request_body = ConventionUpdate, responses((status = 200, body = ConventionOut)))]
#[patch("/conventions/{id}")]
pub async fn update_convention(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<ConventionUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.0.parse()?;
    let out = db::run(&pool, move |conn| {
        let current = Convention::find_for_update(conn, id).or_not_found(CONVENTION)?;
        user.require(Capability::ManageGovernance, id, None)?;
        if_match.check(current.version)?;
        changes.check_years(&current)?;
        let before = ConventionOut::from(current.clone().with_partners(conn)?);
        let after = ConventionOut::from(current.update(conn, &changes)?);
        Audit::by(user.id).updated(conn, Some(id), EntityType::Convention, id, &before, &after)?;
        Ok(after)
    })
    .await?;
    Ok(respond::ok(&out))
}

/// Delete a convention that has no axes (409 otherwise), with its partner lists (platform admins).
#[utoipa::path(tag = "conventions", params(("id" = Uuid, Path, description = "The convention's id")), responses((status = 204, description = "Deleted")))]
#[delete("/conventions/{id}")]
pub async fn delete_convention(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db::run(&pool, move |conn| {
        let current = Convention::find_for_update(conn, id).or_not_found(CONVENTION)?;
        user.require(Capability::ReadPlan, id, None)?;
        user.require_admin()?;
        if_match.check(current.version)?;
        let before = ConventionOut::from(current.with_partners(conn)?);
        Convention::delete(conn, id)?;
        Audit::by(user.id).deleted(conn, Some(id), EntityType::Convention, id, &before)?;
        Ok(())
    })
    .await?;
    Ok(respond::deleted())
}

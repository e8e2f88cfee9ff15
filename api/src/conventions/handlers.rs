//! HTTP handlers for conventions.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use uuid::Uuid;

use super::dto::{ConventionCreate, ConventionOut, ConventionUpdate};
use super::model::Convention;
use crate::db::{self, DbPool};
use crate::error::{ApiError, OrNotFound};
use crate::http::etag::IfMatch;
use crate::http::json::JsonBody;
use crate::http::page::{PageParams, Paged};
use crate::http::respond;

const CONVENTION: &str = "convention";

/// List conventions, in name order.
#[utoipa::path(tag = "conventions", params(PageParams), responses((status = 200, body = Paged<ConventionOut>)))]
#[get("/conventions")]
pub async fn list_conventions(
    pool: web::Data<DbPool>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paged<ConventionOut>>, ApiError> {
    let page = page.into_inner().validate()?;
    let (items, total) = db::run(&pool, move |conn| Ok(Convention::list(conn, page)?)).await?;
    Ok(web::Json(
        Paged::new(items, total, page).map(ConventionOut::from),
    ))
}

/// Create a convention with its signatories and associated partners.
#[utoipa::path(tag = "conventions", request_body = ConventionCreate, responses((status = 201, body = ConventionOut)))]
#[post("/conventions")]
pub async fn create_convention(
    pool: web::Data<DbPool>,
    body: JsonBody<ConventionCreate>,
) -> Result<HttpResponse, ApiError> {
    let new = body.0.parse()?;
    let convention = db::run(&pool, move |conn| Ok(Convention::insert(conn, &new)?)).await?;
    let out = ConventionOut::from(convention);
    Ok(respond::created(
        format!("/api/v1/conventions/{}", out.id),
        &out,
    ))
}

/// Read a convention.
#[utoipa::path(tag = "conventions", params(("id" = Uuid, Path, description = "The convention's id")), responses((status = 200, body = ConventionOut)))]
#[get("/conventions/{id}")]
pub async fn get_convention(
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let convention = db::run(&pool, move |conn| {
        let convention = Convention::find(conn, id).or_not_found(CONVENTION)?;
        Ok(convention.with_partners(conn)?)
    })
    .await?;
    Ok(respond::ok(&ConventionOut::from(convention)))
}

/// Change a convention (JSON Merge Patch; `If-Match` required).
///
/// A list given replaces the stored list; the years stay in order with the stored ones.
#[utoipa::path(tag = "conventions", params(("id" = Uuid, Path, description = "The convention's id")), request_body = ConventionUpdate, responses((status = 200, body = ConventionOut)))]
#[patch("/conventions/{id}")]
pub async fn update_convention(
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<ConventionUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.0.parse()?;
    let convention = db::run(&pool, move |conn| {
        let current = Convention::find_for_update(conn, id).or_not_found(CONVENTION)?;
        if_match.check(current.version)?;
        changes.check_years(&current)?;
        Ok(current.update(conn, &changes)?)
    })
    .await?;
    Ok(respond::ok(&ConventionOut::from(convention)))
}

/// Delete a convention that has no axes (409 otherwise), with its partner lists.
#[utoipa::path(tag = "conventions", params(("id" = Uuid, Path, description = "The convention's id")), responses((status = 204, description = "Deleted")))]
#[delete("/conventions/{id}")]
pub async fn delete_convention(
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db::run(&pool, move |conn| {
        let current = Convention::find_for_update(conn, id).or_not_found(CONVENTION)?;
        if_match.check(current.version)?;
        Convention::delete(conn, id)?;
        Ok(())
    })
    .await?;
    Ok(respond::deleted())
}

//! HTTP handlers for partners.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use uuid::Uuid;

use super::dto::{PartnerCreate, PartnerOut, PartnerUpdate};
use super::model::Partner;
use crate::db::{self, DbPool};
use crate::error::{ApiError, OrNotFound};
use crate::http::etag::IfMatch;
use crate::http::json::JsonBody;
use crate::http::page::{PageParams, Paged};
use crate::http::respond;

const PARTNER: &str = "partner";

/// List partners, in name order.
#[utoipa::path(tag = "partners", params(PageParams), responses((status = 200, body = Paged<PartnerOut>)))]
#[get("/partners")]
pub async fn list_partners(
    pool: web::Data<DbPool>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paged<PartnerOut>>, ApiError> {
    let page = page.into_inner().validate()?;
    let (items, total) = db::run(&pool, move |conn| Ok(Partner::list(conn, page)?)).await?;
    Ok(web::Json(
        Paged::new(items, total, page).map(PartnerOut::from),
    ))
}

/// Create a partner.
#[utoipa::path(tag = "partners", request_body = PartnerCreate, responses((status = 201, body = PartnerOut)))]
#[post("/partners")]
pub async fn create_partner(
    pool: web::Data<DbPool>,
    body: JsonBody<PartnerCreate>,
) -> Result<HttpResponse, ApiError> {
    let new = body.0.parse()?;
    let partner = db::run(&pool, move |conn| Ok(Partner::insert(conn, &new)?)).await?;
    let out = PartnerOut::from(partner);
    Ok(respond::created(
        format!("/api/v1/partners/{}", out.id),
        &out,
    ))
}

/// Read a partner.
#[utoipa::path(tag = "partners", params(("id" = Uuid, Path, description = "The partner's id")), responses((status = 200, body = PartnerOut)))]
#[get("/partners/{id}")]
pub async fn get_partner(
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let partner = db::run(&pool, move |conn| {
        Partner::find(conn, id).or_not_found(PARTNER)
    })
    .await?;
    Ok(respond::ok(&PartnerOut::from(partner)))
}

/// Change a partner (JSON Merge Patch; `If-Match` required).
#[utoipa::path(tag = "partners", params(("id" = Uuid, Path, description = "The partner's id")), request_body = PartnerUpdate, responses((status = 200, body = PartnerOut)))]
#[patch("/partners/{id}")]
pub async fn update_partner(
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<PartnerUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.0.parse()?;
    let partner = db::run(&pool, move |conn| {
        let current = Partner::find_for_update(conn, id).or_not_found(PARTNER)?;
        if_match.check(current.version)?;
        Ok(current.update(conn, &changes)?)
    })
    .await?;
    Ok(respond::ok(&PartnerOut::from(partner)))
}

/// Delete a partner no convention or action refers to (409 otherwise).
#[utoipa::path(tag = "partners", params(("id" = Uuid, Path, description = "The partner's id")), responses((status = 204, description = "Deleted")))]
#[delete("/partners/{id}")]
pub async fn delete_partner(
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db::run(&pool, move |conn| {
        let current = Partner::find_for_update(conn, id).or_not_found(PARTNER)?;
        if_match.check(current.version)?;
        Partner::delete(conn, id)?;
        Ok(())
    })
    .await?;
    Ok(respond::deleted())
}

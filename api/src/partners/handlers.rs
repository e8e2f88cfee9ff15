//! HTTP handlers for partners.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use uuid::Uuid;

use super::dto::{PartnerCreate, PartnerOut, PartnerUpdate};
use super::model::Partner;
use crate::audit::{Audit, EntityType};
use crate::auth::AuthUser;
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
    // Every signed-in user may read partners: they are the shared list of organisations.
    _user: AuthUser,
    pool: web::Data<DbPool>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paged<PartnerOut>>, ApiError> {
    let page = page.into_inner().validate()?;
    let (items, total) = db::read(&pool, move |conn| Ok(Partner::list(conn, page)?)).await?;
    Ok(web::Json(
        Paged::new(items, total, page).map(PartnerOut::from),
    ))
}

/// Add an organisation to the shared list of partners (platform admins and coordinators).
#[utoipa::path(tag = "partners", request_body = PartnerCreate, responses((status = 201, body = PartnerOut)))]
#[post("/partners")]
pub async fn create_partner(
    user: AuthUser,
    pool: web::Data<DbPool>,
    body: JsonBody<PartnerCreate>,
) -> Result<HttpResponse, ApiError> {
    user.require_partner_creation()?;
    let new = body.0.parse()?;
    let out = db::run(&pool, move |conn| {
        let out = PartnerOut::from(Partner::insert(conn, &new)?);
        Audit::by(user.id).created(conn, None, EntityType::Partner, out.id, &out)?;
        Ok(out)
    })
    .await?;
    Ok(respond::created(
        format!("/api/v1/partners/{}", out.id),
        &out,
    ))
}

/// Read a partner.
#[utoipa::path(tag = "partners", params(("id" = Uuid, Path, description = "The partner's id")), responses((status = 200, body = PartnerOut)))]
#[get("/partners/{id}")]
pub async fn get_partner(
    _user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let partner = db::read(&pool, move |conn| {
        Partner::find(conn, id).or_not_found(PARTNER)
    })
    .await?;
    Ok(respond::ok(&PartnerOut::from(partner)))
}

/// Change a partner (JSON Merge Patch; `If-Match` required; platform admins).
#[utoipa::path(tag = "partners", params(("id" = Uuid, Path, description = "The partner's id")), request_body = PartnerUpdate, responses((status = 200, body = PartnerOut)))]
#[patch("/partners/{id}")]
pub async fn update_partner(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<PartnerUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    user.require_admin()?;
    let changes = body.0.parse()?;
    let out = db::run(&pool, move |conn| {
        let current = Partner::find_for_update(conn, id).or_not_found(PARTNER)?;
        if_match.check(current.version)?;
        let before = PartnerOut::from(current.clone());
        let after = PartnerOut::from(current.update(conn, &changes)?);
        Audit::by(user.id).updated(conn, None, EntityType::Partner, id, &before, &after)?;
        Ok(after)
    })
    .await?;
    Ok(respond::ok(&out))
}

/// Delete a partner no convention or action refers to (409 otherwise).
#[utoipa::path(tag = "partners", params(("id" = Uuid, Path, description = "The partner's id")), responses((status = 204, description = "Deleted")))]
#[delete("/partners/{id}")]
pub async fn delete_partner(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    user.require_admin()?;
    let id = id.into_inner();
    db::run(&pool, move |conn| {
        let current = Partner::find_for_update(conn, id).or_not_found(PARTNER)?;
        if_match.check(current.version)?;
        Partner::delete(conn, id)?;
        Audit::by(user.id).deleted(
            conn,
            None,
            EntityType::Partner,
            id,
            &PartnerOut::from(current),
        )?;
        Ok(())
    })
    .await?;
    Ok(respond::deleted())
}

//! HTTP handlers for committees.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use uuid::Uuid;

use super::dto::{CommitteeCreate, CommitteeOut, CommitteeUpdate};
use super::model::{check_references, Committee};
use crate::audit::{Audit, EntityType};
use crate::auth::{AuthUser, Capability};
use crate::conventions::model::Convention;
use crate::db::{self, DbPool};
use crate::error::{ApiError, OrNotFound};
use crate::http::etag::IfMatch;
use crate::http::json::JsonBody;
use crate::http::page::{PageParams, Paged};
use crate::http::respond;

const COMMITTEE: &str = "committee";
const CONVENTION: &str = "convention";

/// List a convention's committees: the COPIL first, then the others by name.
#[utoipa::path(tag = "committees", params(("id" = Uuid, Path, description = "The convention's id"), PageParams), responses((status = 200, body = Paged<CommitteeOut>)))]
#[get("/conventions/{id}/committees")]
pub async fn list_committees(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paged<CommitteeOut>>, ApiError> {
    let convention_id = id.into_inner();
    let page = page.into_inner().validate()?;
    let (items, total) = db::read(&pool, move |conn| {
        Convention::find(conn, convention_id).or_not_found(CONVENTION)?;
        user.require(Capability::ReadPlan, convention_id, None)?;
        Ok(Committee::list(conn, convention_id, page)?)
    })
    .await?;
    Ok(web::Json(
        Paged::new(items, total, page).map(CommitteeOut::from),
    ))
}

/// Create a committee in a convention (coordinators).
///
/// A thematic committee may cover axes of the same convention; a COPIL covers none.
#[utoipa::path(tag = "committees", params(("id" = Uuid, Path, description = "The convention's id")), request_body = CommitteeCreate, responses((status = 201, body = CommitteeOut)))]
#[post("/conventions/{id}/committees")]
pub async fn create_committee(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    body: JsonBody<CommitteeCreate>,
) -> Result<HttpResponse, ApiError> {
    let convention_id = id.into_inner();
    let new = body.0.parse(convention_id)?;
    let out = db::run(&pool, move |conn| {
        Convention::find_for_key_share(conn, convention_id).or_not_found(CONVENTION)?;
        user.require(Capability::ManageGovernance, convention_id, None)?;
        check_references(
            conn,
            convention_id,
            Some(&new.axis_ids),
            Some(&new.member_partner_ids),
        )?;
        let out = CommitteeOut::from(Committee::insert(conn, &new)?);
        Audit::by(user.id).created(
            conn,
            Some(convention_id),
            EntityType::Committee,
            out.id,
            &out,
        )?;
        Ok(out)
    })
    .await?;
    Ok(respond::created(
        format!("/api/v1/committees/{}", out.id),
        &out,
    ))
}

/// Read a committee.
#[utoipa::path(tag = "committees", params(("id" = Uuid, Path, description = "The committee's id")), responses((status = 200, body = CommitteeOut)))]
#[get("/committees/{id}")]
pub async fn get_committee(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let committee = db::read(&pool, move |conn| {
        let committee = Committee::find(conn, id).or_not_found(COMMITTEE)?;
        user.require(Capability::ReadPlan, committee.convention_id, None)?;
        Ok(committee.with_lists(conn)?)
    })
    .await?;
    Ok(respond::ok(&CommitteeOut::from(committee)))
}

/// Change a committee (JSON Merge Patch; `If-Match` required; coordinators).
///
/// A list given replaces the stored list. A committee on which members hold a `committee` role
/// cannot become a COPIL (409).
#[utoipa::path(tag = "committees", params(("id" = Uuid, Path, description = "The committee's id")), request_body = CommitteeUpdate, responses((status = 200, body = CommitteeOut)))]
#[patch("/committees/{id}")]
pub async fn update_committee(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<CommitteeUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.0.parse()?;
    let out = db::run(&pool, move |conn| {
        let current = Committee::find_for_update(conn, id).or_not_found(COMMITTEE)?;
        let convention_id = current.convention_id;
        user.require(Capability::ManageGovernance, convention_id, None)?;
        if_match.check(current.version)?;
        let current = current.with_lists(conn)?;
        changes.check(conn, &current)?;
        let before = CommitteeOut::from(current.clone());
        let after = CommitteeOut::from(current.committee.update(conn, &changes)?);
        Audit::by(user.id).updated(
            conn,
            Some(convention_id),
            EntityType::Committee,
            id,
            &before,
            &after,
        )?;
        Ok(after)
    })
    .await?;
    Ok(respond::ok(&out))
}

/// Delete a committee that no membership names (409 otherwise; coordinators).
#[utoipa::path(tag = "committees", params(("id" = Uuid, Path, description = "The committee's id")), responses((status = 204, description = "Deleted")))]
#[delete("/committees/{id}")]
pub async fn delete_committee(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db::run(&pool, move |conn| {
        let current = Committee::find_for_update(conn, id).or_not_found(COMMITTEE)?;
        let convention_id = current.convention_id;
        user.require(Capability::ManageGovernance, convention_id, None)?;
        if_match.check(current.version)?;
        if Committee::memberships_count(conn, id)? > 0 {
            return Err(ApiError::conflict(
                "still_referenced",
                "Members hold a role on this committee: remove or move their memberships first.",
            ));
        }
        let gone = CommitteeOut::from(current.with_lists(conn)?);
        Committee::delete(conn, id)?;
        Audit::by(user.id).deleted(conn, Some(convention_id), EntityType::Committee, id, &gone)?;
        Ok(())
    })
    .await?;
    Ok(respond::deleted())
}

//! HTTP handlers for memberships.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use uuid::Uuid;

use super::dto::{MembershipCreate, MembershipListParams, MembershipOut, MembershipUpdate};
use super::model::{live_user_exists, Membership};
use crate::audit::{Audit, EntityType};
use crate::auth::{AuthUser, Capability};
use crate::conventions::model::Convention;
use crate::db::{self, DbPool};
use crate::error::{ApiError, OrNotFound};
use crate::http::etag::IfMatch;
use crate::http::json::JsonBody;
use crate::http::page::{PageParams, Paged};
use crate::http::respond;

const MEMBERSHIP: &str = "membership";
const CONVENTION: &str = "convention";

/// List who holds which role in a convention, by e-mail then role (coordinators).
#[utoipa::path(tag = "memberships", params(("id" = Uuid, Path, description = "The convention's id"), MembershipListParams, PageParams), responses((status = 200, body = Paged<MembershipOut>)))]
#[get("/conventions/{id}/memberships")]
pub async fn list_memberships(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    params: web::Query<MembershipListParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paged<MembershipOut>>, ApiError> {
    let convention_id = id.into_inner();
    let filter = params.into_inner().parse()?;
    let page = page.into_inner().validate()?;
    let (items, total) = db::read(&pool, move |conn| {
        Convention::find(conn, convention_id).or_not_found(CONVENTION)?;
        user.require(Capability::ManageGovernance, convention_id, None)?;
        Ok(Membership::list(conn, convention_id, &filter, page)?)
    })
    .await?;
    Ok(web::Json(
        Paged::new(items, total, page).map(MembershipOut::from),
    ))
}

/// Give a user a role in a convention (coordinators).
///
/// A `committee` role names a thematic committee of the convention; a user holds each role once
/// (409 `duplicate_membership`).
#[utoipa::path(tag = "memberships", params(("id" = Uuid, Path, description = "The convention's id")), request_body = MembershipCreate, responses((status = 201, body = MembershipOut)))]
#[post("/conventions/{id}/memberships")]
pub async fn create_membership(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    body: JsonBody<MembershipCreate>,
) -> Result<HttpResponse, ApiError> {
    let convention_id = id.into_inner();
    let new = body.0.parse(convention_id)?;
    let out = db::run(&pool, move |conn| {
        Convention::find_for_key_share(conn, convention_id).or_not_found(CONVENTION)?;
        user.require(Capability::ManageGovernance, convention_id, None)?;
        if !live_user_exists(conn, new.user_id)? {
            return Err(ApiError::invalid("user_id", "no such user"));
        }
        new.grant().check(conn, None)?;
        let out = MembershipOut::from(Membership::insert(conn, &new)?.with_user(conn)?);
        Audit::by(user.id).created(
            conn,
            Some(convention_id),
            EntityType::Membership,
            out.id,
            &out,
        )?;
        Ok(out)
    })
    .await?;
    Ok(respond::created(
        format!("/api/v1/memberships/{}", out.id),
        &out,
    ))
}

/// Read a membership (coordinators).
#[utoipa::path(tag = "memberships", params(("id" = Uuid, Path, description = "The membership's id")), responses((status = 200, body = MembershipOut)))]
#[get("/memberships/{id}")]
pub async fn get_membership(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let membership = db::read(&pool, move |conn| {
        let membership = Membership::find(conn, id).or_not_found(MEMBERSHIP)?;
        let convention_id = membership.membership.convention_id;
        user.require(Capability::ManageGovernance, convention_id, None)?;
        Ok(membership)
    })
    .await?;
    Ok(respond::ok(&MembershipOut::from(membership)))
}

/// Change a member's role or committee (JSON Merge Patch; `If-Match` required; coordinators).
///
/// The role and committee are checked together with the stored values: leaving a `committee`
/// role requires `"committee_id": null`.
#[utoipa::path(tag = "memberships", params(("id" = Uuid, Path, description = "The membership's id")), request_body = MembershipUpdate, responses((status = 200, body = MembershipOut)))]
#[patch("/memberships/{id}")]
pub async fn update_membership(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<MembershipUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.0.parse()?;
    let out = db::run(&pool, move |conn| {
        let current = Membership::find_for_update(conn, id).or_not_found(MEMBERSHIP)?;
        let convention_id = current.convention_id;
        user.require(Capability::ManageGovernance, convention_id, None)?;
        if_match.check(current.version)?;
        changes.applied_to(&current)?.check(conn, Some(id))?;
        let before = MembershipOut::from(current.clone().with_user(conn)?);
        let after = MembershipOut::from(current.update(conn, &changes)?.with_user(conn)?);
        Audit::by(user.id).updated(
            conn,
            Some(convention_id),
            EntityType::Membership,
            id,
            &before,
            &after,
        )?;
        Ok(after)
    })
    .await?;
    Ok(respond::ok(&out))
}

/// Remove a membership (`If-Match` required; coordinators).
///
/// It takes effect on the member's very next request.
#[utoipa::path(tag = "memberships", params(("id" = Uuid, Path, description = "The membership's id")), responses((status = 204, description = "Deleted")))]
#[delete("/memberships/{id}")]
pub async fn delete_membership(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db::run(&pool, move |conn| {
        let current = Membership::find_for_update(conn, id).or_not_found(MEMBERSHIP)?;
        let convention_id = current.convention_id;
        user.require(Capability::ManageGovernance, convention_id, None)?;
        if_match.check(current.version)?;
        let gone = MembershipOut::from(current.with_user(conn)?);
        Membership::delete(conn, id)?;
        Audit::by(user.id).deleted(conn, Some(convention_id), EntityType::Membership, id, &gone)?;
        Ok(())
    })
    .await?;
    Ok(respond::deleted())
}

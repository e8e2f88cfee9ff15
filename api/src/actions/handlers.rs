//! HTTP handlers for fiches-actions.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use diesel::PgConnection;
use uuid::Uuid;

use super::access;
use super::dto::{ActionCreate, ActionOut, ActionUpdate};
use super::filter::ActionListParams;
use super::include::{ActionInclude, ActionReadParams};
use super::model::{Action, ActionChanges, ActionFilter};
use crate::audit::{Audit, EntityType};
use crate::auth::{AuthUser, Capability};
use crate::conventions::model::Convention;
use crate::db::{self, DbPool};
use crate::error::{ApiError, FieldError, OrNotFound};
use crate::http::etag::IfMatch;
use crate::http::json::JsonBody;
use crate::http::page::{PageParams, Paged};
use crate::http::respond;
use crate::idempotency::{IdempotencyKey, Replayable};
use crate::indicators::dto::IndicatorOut;
use crate::indicators::model::{ActionPlacement, Indicator};
use crate::objectives::model::{Objective, ObjectiveContext};

const ACTION: &str = "action";

/// List the fiches-actions of a convention, in code order, with filters.
#[utoipa::path(
    tag = "actions",
    params(("id" = Uuid, Path, description = "The convention's id"), ActionListParams, PageParams),
    responses((status = 200, body = Paged<ActionOut>))
)]
#[get("/conventions/{id}/actions")]
pub async fn list_convention_actions(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    params: web::Query<ActionListParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paged<ActionOut>>, ApiError> {
    let convention_id = id.into_inner();
    let filter = ActionFilter {
        convention_id: Some(convention_id),
        ..params.into_inner().parse()?
    };
    let page = page.into_inner().validate()?;
    let (records, total) = db::read(&pool, move |conn| {
        // The right comes from the caller's memberships (no statement). A page with fiches
        // proves the convention exists: only an empty page reads it, to tell a missing
        // convention (404) from one without fiches.
        user.require(Capability::ReadPlan, convention_id, None)?;
        let (records, total) = Action::list(conn, &filter, page)?;
        if records.is_empty() {
            Convention::find(conn, convention_id).or_not_found("convention")?;
        }
        Ok((records, total))
    })
    .await?;
    Ok(web::Json(
        Paged::new(records, total, page).map(ActionOut::from),
    ))
}

/// List the fiches-actions of an objective, in number order, with the same filters.
#[utoipa::path(
    tag = "actions",
    params(("id" = Uuid, Path, description = "The objective's id"), ActionListParams, PageParams),
    responses((status = 200, body = Paged<ActionOut>))
)]
#[get("/objectives/{id}/actions")]
pub async fn list_objective_actions(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    params: web::Query<ActionListParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paged<ActionOut>>, ApiError> {
    let objective_id = id.into_inner();
    let filter = ActionFilter {
        objective_id: Some(objective_id),
        ..params.into_inner().parse()?
    };
    let page = page.into_inner().validate()?;
    let (records, total) = db::read(&pool, move |conn| {
        let objective =
            Objective::find_with_context(conn, objective_id).or_not_found("objective")?;
        user.require(Capability::ReadPlan, objective.convention_id, None)?;
        Ok(Action::list(conn, &filter, page)?)
    })
    .await?;
    Ok(web::Json(
        Paged::new(records, total, page).map(ActionOut::from),
    ))
}

/// Create a fiche-action under an objective.
///
/// With `Idempotency-Key`, a retry replays the first answer instead of creating the fiche twice.
#[utoipa::path(
    tag = "actions",
    params(
        ("id" = Uuid, Path, description = "The objective's id"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "A key unique to this creation (1-255 visible ASCII characters): a retry with the same key and body replays the first response; another body is 422; while the first is running, 409."),
    ),
    request_body = ActionCreate,
    responses((status = 201, body = ActionOut))
)]
#[post("/objectives/{id}/actions")]
pub async fn create_action(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    idempotency_key: IdempotencyKey,
    body: JsonBody<ActionCreate>,
) -> Result<HttpResponse, ApiError> {
    let objective_id = id.into_inner();
    let fingerprint = body.fingerprint();
    let new = body.0.parse(objective_id)?;
    let answer = db::run(&pool, move |conn| {
        idempotency_key.once(conn, user.id, &fingerprint, |conn| {
            let placement = Objective::find_with_context_for_key_share(conn, objective_id)
                .or_not_found("objective")?;
            user.require(Capability::ManageStructure, placement.convention_id, None)?;
            check_links(conn, &placement, None, &new.parts.links)?;
            let id = Action::insert(conn, &new)?;
            let out = ActionOut::from(Action::load(conn, id)?);
            Audit::by(user.id).created(
                conn,
                Some(placement.convention_id),
                EntityType::Action,
                id,
                &out,
            )?;
            Replayable::created(format!("/api/v1/actions/{id}"), &out)
        })
    })
    .await?;
    Ok(answer.into_response())
}

/// Read a fiche-action.
///
/// With `include=indicators` the fiche comes with its indicators, as a fiche page shows it: one
/// request and two statements instead of two requests.
#[utoipa::path(
    tag = "actions",
    params(("id" = Uuid, Path, description = "The action's id"), ActionReadParams),
    responses((status = 200, body = ActionOut))
)]
#[get("/actions/{id}")]
pub async fn get_action(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    params: web::Query<ActionReadParams>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let include = params.into_inner().parse()?;
    let (record, indicators) = db::read(&pool, move |conn| {
        let record = Action::load(conn, id).or_not_found(ACTION)?;
        user.require(Capability::ReadPlan, record.placement.convention_id, None)?;
        let indicators = match include {
            Some(ActionInclude::Indicators) => Some(Indicator::all_for_action(
                conn,
                ActionPlacement::of(&record),
            )?),
            None => None,
        };
        Ok((record, indicators))
    })
    .await?;
    let mut out = ActionOut::from(record);
    out.indicators = indicators.map(|list| list.into_iter().map(IndicatorOut::from).collect());
    Ok(respond::ok(&out))
}

/// Change a fiche-action (JSON Merge Patch; `If-Match` required).
///
/// A list given replaces the stored list; `resources` merges its two lists separately.
#[utoipa::path(
    tag = "actions",
    params(("id" = Uuid, Path, description = "The action's id")),
    request_body = ActionUpdate,
    responses((status = 200, body = ActionOut))
)]
#[patch("/actions/{id}")]
pub async fn update_action(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<ActionUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.0.parse()?;
    let out = db::run(&pool, move |conn| {
        let (current, placement) = Action::find_for_update(conn, id).or_not_found(ACTION)?;
        let before = Action::load(conn, id)?;
        let target = access::target(&before);
        if changes.is_empty() {
            // Even an empty change is a write: it needs the least right to change an action.
            user.require(
                Capability::UpdateFollowUp,
                placement.convention_id,
                Some(&target),
            )?;
        }
        for (capability, fields) in access::touched(&changes, &before.parts).requirements() {
            user.require(capability, placement.convention_id, Some(&target))
                .map_err(access::refusing(fields))?;
        }
        if_match.check(current.version)?;
        check_changes(conn, &current, &placement, &changes)?;
        Action::update(conn, id, &changes)?;
        let before = ActionOut::from(before);
        let after = ActionOut::from(Action::load(conn, id)?);
        Audit::by(user.id).updated(
            conn,
            Some(placement.convention_id),
            EntityType::Action,
            id,
            &before,
            &after,
        )?;
        Ok(after)
    })
    .await?;
    Ok(respond::ok(&out))
}

/// Delete a fiche-action with its steps, pilots, partners and links.
#[utoipa::path(
    tag = "actions",
    params(("id" = Uuid, Path, description = "The action's id")),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/actions/{id}")]
pub async fn delete_action(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db::run(&pool, move |conn| {
        let (current, placement) = Action::find_for_update(conn, id).or_not_found(ACTION)?;
        user.require(Capability::ManageStructure, placement.convention_id, None)?;
        if_match.check(current.version)?;
        let before = ActionOut::from(Action::load(conn, id)?);
        Action::delete(conn, id)?;
        Audit::by(user.id).deleted(
            conn,
            Some(placement.convention_id),
            EntityType::Action,
            id,
            &before,
        )?;
        Ok(())
    })
    .await?;
    Ok(respond::deleted())
}

/// What a change must respect beyond its own fields: the plan it moves in, its links, and the
/// years it keeps.
fn check_changes(
    conn: &mut PgConnection,
    current: &Action,
    placement: &ObjectiveContext,
    changes: &ActionChanges,
) -> Result<(), ApiError> {
    if let Some(objective_id) = changes.row.objective_id {
        let target = Objective::find_with_context_for_key_share(conn, objective_id)
            .map_err(|_| ApiError::invalid("objective_id", "no such objective"))?;
        if target.convention_id != placement.convention_id {
            return Err(ApiError::invalid(
                "objective_id",
                "must be an objective of the same convention",
            ));
        }
    }
    if let Some(links) = &changes.links {
        check_links(conn, placement, Some(current.id), links)?;
    }
    let start = changes.row.start_year.unwrap_or(current.start_year);
    let end = changes.row.end_year.unwrap_or(current.end_year);
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            return Err(ApiError::invalid(
                "end_year",
                "must not be before start_year",
            ));
        }
    }
    Ok(())
}

/// A fiche links only to other fiches of its own convention.
fn check_links(
    conn: &mut PgConnection,
    placement: &ObjectiveContext,
    this_action: Option<Uuid>,
    links: &[Uuid],
) -> Result<(), ApiError> {
    if links.is_empty() {
        return Ok(());
    }
    let existing = Action::existing_in_convention(conn, placement.convention_id, links)?;
    let errors: Vec<FieldError> = links
        .iter()
        .enumerate()
        .filter_map(|(index, link)| {
            let field = format!("linked_action_ids[{index}]");
            if Some(*link) == this_action {
                Some(FieldError::new(field, "an action cannot link to itself"))
            } else if !existing.contains(link) {
                Some(FieldError::new(field, "no such action in this convention"))
            } else {
                None
            }
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

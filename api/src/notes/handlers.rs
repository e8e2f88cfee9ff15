//! HTTP handlers for the follow-up journal.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use uuid::Uuid;

use super::dto::{NoteCreate, NoteOut, NoteUpdate};
use super::model::Note;
use crate::audit::{Audit, EntityType};
use crate::auth::{AuthUser, Capability};
use crate::db::{self, DbPool};
use crate::error::{ApiError, OrNotFound};
use crate::http::etag::IfMatch;
use crate::http::json::JsonBody;
use crate::http::page::{PageParams, Paged};
use crate::http::respond;
use crate::indicators::model::ActionPlacement;

const NOTE: &str = "note";
const ACTION: &str = "action";

/// List a fiche-action's follow-up journal, newest first.
///
/// Ordered by `date`, then by creation, both descending. Every member of the convention may
/// read it.
#[utoipa::path(
    tag = "notes",
    params(("id" = Uuid, Path, description = "The action's id"), PageParams),
    responses((status = 200, body = Paged<NoteOut>))
)]
#[get("/actions/{id}/notes")]
pub async fn list_notes(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paged<NoteOut>>, ApiError> {
    let action_id = id.into_inner();
    let page = page.into_inner().validate()?;
    let (records, total) = db::read(&pool, move |conn| {
        let placement = ActionPlacement::find(conn, action_id).or_not_found(ACTION)?;
        user.require(Capability::ReadPlan, placement.convention_id, None)?;
        Ok(Note::list_for_action(conn, action_id, page)?)
    })
    .await?;
    Ok(web::Json(
        Paged::new(records, total, page).map(NoteOut::from),
    ))
}

/// Add a note to a fiche-action's follow-up journal; the caller is its author.
///
/// For those who may update the action's follow-up: its référents-pilotes, a committee member
/// within the axes of their committee, the COPIL, coordinators. `author_id` is never sent: it
/// is the caller.
#[utoipa::path(
    tag = "notes",
    params(("id" = Uuid, Path, description = "The action's id")),
    request_body = NoteCreate,
    responses((status = 201, body = NoteOut))
)]
#[post("/actions/{id}/notes")]
pub async fn create_note(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    body: JsonBody<NoteCreate>,
) -> Result<HttpResponse, ApiError> {
    let action_id = id.into_inner();
    let fields = body.0.parse(crate::time::today())?;
    let out = db::run(&pool, move |conn| {
        let placement = ActionPlacement::find(conn, action_id).or_not_found(ACTION)?;
        let target = placement.target(conn)?;
        user.require(
            Capability::UpdateFollowUp,
            placement.convention_id,
            Some(&target),
        )?;
        let id = Note::insert(conn, action_id, user.id, &fields)?;
        let out = NoteOut::from(Note::load(conn, id)?);
        Audit::by(user.id).created(
            conn,
            Some(placement.convention_id),
            EntityType::Note,
            id,
            &out,
        )?;
        Ok(out)
    })
    .await?;
    Ok(respond::created(format!("/api/v1/notes/{}", out.id), &out))
}

/// Read a note of a follow-up journal.
#[utoipa::path(
    tag = "notes",
    params(("id" = Uuid, Path, description = "The note's id")),
    responses((status = 200, body = NoteOut))
)]
#[get("/notes/{id}")]
pub async fn get_note(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let record = db::read(&pool, move |conn| {
        let record = Note::load(conn, id).or_not_found(NOTE)?;
        user.require(Capability::ReadPlan, record.placement.convention_id, None)?;
        Ok(record)
    })
    .await?;
    Ok(respond::ok(&NoteOut::from(record)))
}

/// Change a note (JSON Merge Patch; `If-Match` required): its author only.
///
/// The author must still be allowed to update the action's follow-up. Nobody else may change a
/// note, platform admins included (403): a journal entry speaks for whoever signed it.
#[utoipa::path(
    tag = "notes",
    params(("id" = Uuid, Path, description = "The note's id")),
    request_body = NoteUpdate,
    responses((status = 200, body = NoteOut))
)]
#[patch("/notes/{id}")]
pub async fn update_note(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<NoteUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.0.parse(crate::time::today())?;
    let out = db::run(&pool, move |conn| {
        let before = Note::load_for_update(conn, id).or_not_found(NOTE)?;
        let convention_id = before.placement.convention_id;
        let target = before.placement.target(conn)?;
        user.require(Capability::UpdateFollowUp, convention_id, Some(&target))?;
        user.require_author(before.note.author_id, false)?;
        if_match.check(before.note.version)?;
        let current = before.note.fields();
        let merged = changes.apply(&current);
        let before = NoteOut::from(before);
        if merged == current {
            return Ok(before);
        }
        Note::update(conn, id, &merged)?;
        let after = NoteOut::from(Note::load(conn, id)?);
        Audit::by(user.id).updated(
            conn,
            Some(convention_id),
            EntityType::Note,
            id,
            &before,
            &after,
        )?;
        Ok(after)
    })
    .await?;
    Ok(respond::ok(&out))
}

/// Delete a note (`If-Match` required): its author, or a platform admin for moderation.
///
/// Anyone deleting must be allowed to update the action's follow-up; others get 403. The audit
/// log keeps the deleted note.
#[utoipa::path(
    tag = "notes",
    params(("id" = Uuid, Path, description = "The note's id")),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/notes/{id}")]
pub async fn delete_note(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    db::run(&pool, move |conn| {
        let record = Note::load_for_update(conn, id).or_not_found(NOTE)?;
        let convention_id = record.placement.convention_id;
        let target = record.placement.target(conn)?;
        user.require(Capability::UpdateFollowUp, convention_id, Some(&target))?;
        user.require_author(record.note.author_id, true)?;
        if_match.check(record.note.version)?;
        Note::delete(conn, id)?;
        Audit::by(user.id).deleted(
            conn,
            Some(convention_id),
            EntityType::Note,
            id,
            &NoteOut::from(record),
        )?;
        Ok(())
    })
    .await?;
    Ok(respond::deleted())
}

//! Reading the audit log.

use actix_web::{get, web};
use uuid::Uuid;

use super::dto::{AuditEntryOut, AuditParams};
use super::model::Entry;
use crate::auth::{AuthUser, Capability};
use crate::conventions::model::Convention;
use crate::db::{self, DbPool};
use crate::error::{ApiError, OrNotFound};
use crate::http::page::{PageParams, Paged};

/// The change log of a convention, newest first.
#[utoipa::path(
    tag = "audit",
    params(("id" = Uuid, Path, description = "The convention's id"), AuditParams, PageParams),
    responses((status = 200, body = Paged<AuditEntryOut>))
)]
#[get("/conventions/{id}/audit")]
pub async fn list_audit_entries(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    params: web::Query<AuditParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paged<AuditEntryOut>>, ApiError> {
    let convention_id = id.into_inner();
    let filter = params.into_inner().parse()?;
    let page = page.into_inner().validate()?;
    let (items, total) = db::read(&pool, move |conn| {
        Convention::find(conn, convention_id).or_not_found("convention")?;
        user.require(Capability::ReadAudit, convention_id, None)?;
        Ok(Entry::list(conn, convention_id, &filter, page)?)
    })
    .await?;
    Ok(web::Json(
        Paged::new(items, total, page).map(AuditEntryOut::from),
    ))
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_audit_entries);
}

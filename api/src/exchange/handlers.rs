//! The exchange format over HTTP.

use actix_web::{get, post, web, HttpResponse};
use uuid::Uuid;

use super::format::ExchangeDocument;
use super::{export, import};
use crate::auth::{AuthUser, Capability};
use crate::conventions::dto::ConventionOut;
use crate::conventions::model::Convention;
use crate::db::{self, DbPool};
use crate::error::{ApiError, OrNotFound};
use crate::http::json::JsonBody;
use crate::http::respond;

/// The body limit of an import: a real plan (the Quercy Bouriane plan is about 430 KB) with
/// room for years of measurements.
pub const IMPORT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Export a convention in the exchange format (`openapi/convention-exchange.schema.json`).
///
/// For coordinators, the reporting client and platform admins. Importing the document gives
/// back the same convention: `import(export(x))` exports as `x`.
#[utoipa::path(
    tag = "exchange",
    params(("id" = Uuid, Path, description = "The convention's id")),
    responses((status = 200, body = ExchangeDocument))
)]
#[get("/conventions/{id}/export")]
pub async fn export_convention(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<web::Json<ExchangeDocument>, ApiError> {
    let id = id.into_inner();
    let document = db::read(&pool, move |conn| {
        Convention::find(conn, id).or_not_found("convention")?;
        user.require(Capability::Export, id, None)?;
        export::export(conn, id)
    })
    .await?;
    Ok(web::Json(document))
}

/// Create a convention from a document in the exchange format, in one transaction.
///
/// For platform admins and coordinators (of any convention); a coordinator who imports becomes
/// the new convention's coordinator. Partners are matched to existing ones by name (ignoring
/// case), the others created. Each object follows the API's rules; every fault is named by
/// its JSON path (`axes[1].objectives[0].actions[2].indicators[3].kind`) and nothing is
/// written. Unknown refs, codes and axis numbers, and repeated numbers or refs: 422. The
/// importer is the recorder of the measurements. Bodies up to 4 MiB.
#[utoipa::path(
    tag = "exchange",
    request_body = ExchangeDocument,
    responses((status = 201, body = ConventionOut))
)]
#[post("/conventions/import")]
pub async fn import_convention(
    user: AuthUser,
    pool: web::Data<DbPool>,
    body: JsonBody<ExchangeDocument, IMPORT_BODY_LIMIT>,
) -> Result<HttpResponse, ApiError> {
    user.require_plan_import()?;
    let document = body.0;
    let today = crate::time::today();
    let out = db::run(&pool, move |conn| {
        let imported = import::import(conn, document, Some(user.id), today)?;
        if !user.is_admin {
            import::make_coordinator(conn, imported.convention.id, user.id)?;
        }
        Ok(imported.convention)
    })
    .await?;
    Ok(respond::created(
        format!("/api/v1/conventions/{}", out.id),
        &out,
    ))
}

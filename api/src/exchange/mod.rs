//! The exchange format: a whole convention (partners, convention, committees, axes, objectives,
//! fiches-actions with every field, indicators and measurements) as one JSON document, in and
//! out of ctg. `format` holds the types, `schema` the JSON Schema generated from them, `import`
//! and `export` the two directions, `cli` the `ctg import` and `ctg export` commands.

pub mod cli;
pub mod export;
pub mod format;
pub mod handlers;
pub mod import;
pub mod model;
pub mod schema;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::import_convention)
        .service(handlers::export_convention);
}

//! `ctg import FILE` and `ctg export CONVENTION_ID`: the exchange format from the command line,
//! on the configured database (the embedded one when `DATABASE_URL` is unset).

use std::path::Path;

use anyhow::Context;
use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::format::ExchangeDocument;
use super::{export, import};
use crate::config::Settings;
use crate::conventions::model::Convention;
use crate::error::{ApiError, OrNotFound};
use crate::serve::with_database;

/// Creates the convention the document at `path` describes; returns its id. Nothing is written
/// when the document has any fault: the error lists each one by its JSON path.
pub fn import_file(settings: &Settings, path: &Path) -> anyhow::Result<Uuid> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let document: ExchangeDocument = crate::http::json::parse(&bytes)
        .map_err(|e| describe(e).context(format!("{} is not a valid document", path.display())))?;
    with_database(settings, |url| {
        let mut conn = PgConnection::establish(url).context("cannot connect to the database")?;
        let imported = conn
            .transaction(|conn| import::import(conn, document, None, crate::time::today()))
            .map_err(|e| describe(e).context(format!("{} was not imported", path.display())))?;
        Ok(imported.convention.id)
    })
}

/// Convention `id` in the exchange format: pretty JSON with a final newline.
pub fn export_convention(settings: &Settings, id: Uuid) -> anyhow::Result<String> {
    with_database(settings, |url| {
        let mut conn = PgConnection::establish(url).context("cannot connect to the database")?;
        let document = conn
            .transaction(|conn| {
                Convention::find(conn, id).or_not_found("convention")?;
                export::export(conn, id)
            })
            .map_err(describe)?;
        let mut text = serde_json::to_string_pretty(&document)?;
        text.push('\n');
        Ok(text)
    })
}

/// An API error as a person reads it on a terminal: each field at fault on its own line.
fn describe(error: ApiError) -> anyhow::Error {
    if matches!(error, ApiError::Internal(_) | ApiError::Unavailable(_)) {
        // No log to look the cause up in: say it.
        return anyhow::anyhow!("{error}");
    }
    let problem = error.problem();
    if problem.errors.is_empty() {
        return anyhow::anyhow!("{}", problem.detail);
    }
    let lines: Vec<String> = problem
        .errors
        .iter()
        .map(|e| format!("  {}: {}", e.field, e.message))
        .collect();
    anyhow::anyhow!(
        "{} field(s) at fault:\n{}",
        problem.errors.len(),
        lines.join("\n")
    )
}

//! The migrations under `migrations/`, embedded in the binary.

use diesel::connection::SimpleConnection;
use diesel::PgConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

/// Arbitrary, constant: every instance of ctg takes the same lock to migrate.
const MIGRATION_LOCK: i64 = 7_302_118;

/// Applies every pending migration; returns the versions applied. Several instances starting
/// at once take turns (a session advisory lock): the first migrates, the others find nothing
/// pending.
pub fn run_pending(conn: &mut PgConnection) -> anyhow::Result<Vec<String>> {
    conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
    let applied: anyhow::Result<Vec<String>> = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|versions| versions.iter().map(ToString::to_string).collect())
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"));
    conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
    applied
}

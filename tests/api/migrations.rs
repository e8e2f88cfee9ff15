//! Migrations are code: they run up, all the way down and up again, and index every foreign key.

use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_migrations::MigrationHarness;

use crate::support::TestDb;

#[derive(QueryableByName)]
struct UnindexedKey {
    #[diesel(sql_type = Text)]
    constraint_name: String,
}

#[test]
fn migrations_run_up_down_and_up_again() {
    let db = TestDb::empty();
    let mut conn = db.conn();
    use ctg::db::migrations::MIGRATIONS;
    let applied = conn.run_pending_migrations(MIGRATIONS).expect("up").len();
    assert!(applied > 0);
    conn.revert_all_migrations(MIGRATIONS).expect("down");
    let tables = db.count(
        "SELECT count(*) AS n FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
    );
    assert_eq!(tables, 0, "down migrations leave no table behind");
    let reapplied = conn
        .run_pending_migrations(MIGRATIONS)
        .expect("up again")
        .len();
    assert_eq!(reapplied, applied);
}

#[test]
fn every_foreign_key_is_indexed() {
    let db = TestDb::new();
    // A foreign key is indexed when some index starts with exactly its columns.
    let unindexed: Vec<UnindexedKey> = diesel::sql_query(
        "SELECT c.conname::text AS constraint_name
           FROM pg_constraint c
          WHERE c.contype = 'f'
            AND NOT EXISTS (
                SELECT 1 FROM pg_index i
                 WHERE i.indrelid = c.conrelid
                   AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] = c.conkey)",
    )
    .load(&mut db.conn())
    .unwrap();
    let names: Vec<&str> = unindexed
        .iter()
        .map(|k| k.constraint_name.as_str())
        .collect();
    assert!(names.is_empty(), "foreign keys without an index: {names:?}");
}

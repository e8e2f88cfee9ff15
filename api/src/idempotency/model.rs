//! The `idempotency_keys` table.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::Replayable;
use crate::db::schema::idempotency_keys;

/// Keys are remembered this long; a key older than this is treated as new.
const RETENTION: &str = "24 hours";

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = idempotency_keys, check_for_backend(diesel::pg::Pg))]
pub struct StoredKey {
    pub request_hash: String,
    pub status: i16,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: serde_json::Value,
}

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

/// Takes the key's lock for the rest of the transaction; `false` when another transaction holds it
/// (the first request is still running).
pub fn try_lock(conn: &mut PgConnection, scope: &str, key: &str) -> QueryResult<bool> {
    diesel::sql_query(
        "SELECT pg_try_advisory_xact_lock(hashtextextended($1 || ' ' || $2, 0)) AS locked",
    )
    .bind::<Text, _>(scope)
    .bind::<Text, _>(key)
    .get_result::<Locked>(conn)
    .map(|row| row.locked)
}

impl StoredKey {
    pub fn find(conn: &mut PgConnection, scope: &str, key: &str) -> QueryResult<Option<StoredKey>> {
        // Forget an expired key first, so that it can be used again.
        diesel::delete(
            idempotency_keys::table
                .filter(idempotency_keys::scope.eq(scope))
                .filter(idempotency_keys::key.eq(key))
                .filter(diesel::dsl::sql::<Bool>(&format!(
                    "created_at < now() - interval '{RETENTION}'"
                ))),
        )
        .execute(conn)?;
        idempotency_keys::table
            .find((scope, key))
            .select(StoredKey::as_select())
            .first(conn)
            .optional()
    }

    pub fn insert(
        conn: &mut PgConnection,
        scope: &str,
        key: &str,
        request_hash: &str,
        answer: &Replayable,
    ) -> QueryResult<()> {
        diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::scope.eq(scope),
                idempotency_keys::key.eq(key),
                idempotency_keys::request_hash.eq(request_hash),
                idempotency_keys::status.eq(answer.status.as_u16() as i16),
                idempotency_keys::location.eq(answer.location.as_deref()),
                idempotency_keys::etag.eq(answer.etag.as_deref()),
                idempotency_keys::body.eq(&answer.body),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub fn into_replayable(self) -> Replayable {
        Replayable {
            status: StatusCode::from_u16(self.status as u16).unwrap_or(StatusCode::OK),
            location: self.location,
            etag: self.etag,
            body: self.body,
        }
    }
}

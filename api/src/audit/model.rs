//! The `audit_log` table (append-only).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema::{audit_log, users};
use crate::http::page::Page;

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewEntry {
    pub actor_id: Option<Uuid>,
    pub convention_id: Option<Uuid>,
    pub entity_type: &'static str,
    pub entity_id: Option<Uuid>,
    pub operation: &'static str,
    pub changes: serde_json::Value,
}

impl NewEntry {
    pub fn insert(self, conn: &mut PgConnection) -> QueryResult<()> {
        diesel::insert_into(audit_log::table)
            .values(&self)
            .execute(conn)?;
        Ok(())
    }
}

/// An entry, with its actor's current name (a pseudonym once the actor is erased).
#[derive(Debug, Queryable)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub convention_id: Option<Uuid>,
    pub entity_type: String,
    pub entity_id: Option<Uuid>,
    pub operation: String,
    pub changes: serde_json::Value,
}

/// Which entries of a convention to list.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub since: Option<DateTime<Utc>>,
}

impl Entry {
    /// A page of a convention's entries, newest first, and the total.
    pub fn list(
        conn: &mut PgConnection,
        convention_id: Uuid,
        filter: &EntryFilter,
        page: Page,
    ) -> QueryResult<(Vec<Entry>, i64)> {
        let query = || {
            let mut query = audit_log::table
                .left_join(users::table)
                .filter(audit_log::convention_id.eq(convention_id))
                .into_boxed();
            if let Some(entity_type) = &filter.entity_type {
                query = query.filter(audit_log::entity_type.eq(entity_type.clone()));
            }
            if let Some(entity_id) = filter.entity_id {
                query = query.filter(audit_log::entity_id.eq(entity_id));
            }
            if let Some(actor_id) = filter.actor_id {
                query = query.filter(audit_log::actor_id.eq(actor_id));
            }
            if let Some(since) = filter.since {
                query = query.filter(audit_log::at.ge(since));
            }
            query
        };
        let items = query()
            .select((
                audit_log::id,
                audit_log::at,
                audit_log::actor_id,
                users::display_name.nullable(),
                audit_log::convention_id,
                audit_log::entity_type,
                audit_log::entity_id,
                audit_log::operation,
                audit_log::changes,
            ))
            .order((audit_log::at.desc(), audit_log::id.desc()))
            .limit(page.limit)
            .offset(page.offset)
            .load(conn)?;
        let total = query().count().get_result(conn)?;
        Ok((items, total))
    }
}

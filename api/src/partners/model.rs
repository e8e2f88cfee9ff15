//! The `partners` table.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema::partners;
use crate::domain::PartnerKind;
use crate::http::page::Page;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = partners, check_for_backend(diesel::pg::Pg))]
pub struct Partner {
    pub id: Uuid,
    pub name: String,
    pub acronym: Option<String>,
    pub kind: PartnerKind,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = partners)]
pub struct NewPartner {
    pub id: Uuid,
    pub name: String,
    pub acronym: Option<String>,
    pub kind: PartnerKind,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = partners)]
pub struct PartnerChanges {
    pub name: Option<String>,
    pub acronym: Option<Option<String>>,
    pub kind: Option<PartnerKind>,
}

impl PartnerChanges {
    fn is_empty(&self) -> bool {
        self.name.is_none() && self.acronym.is_none() && self.kind.is_none()
    }
}

impl Partner {
    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Partner> {
        partners::table
            .find(id)
            .select(Partner::as_select())
            .first(conn)
    }

    /// The partner, locked until the transaction ends (read-modify-write).
    pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<Partner> {
        partners::table
            .find(id)
            .select(Partner::as_select())
            .for_update()
            .first(conn)
    }

    /// A page of partners in name order, and the total.
    pub fn list(conn: &mut PgConnection, page: Page) -> QueryResult<(Vec<Partner>, i64)> {
        let items = partners::table
            .select(Partner::as_select())
            .order((partners::name, partners::id))
            .limit(page.limit)
            .offset(page.offset)
            .load(conn)?;
        let total = partners::table.count().get_result(conn)?;
        Ok((items, total))
    }

    pub fn insert(conn: &mut PgConnection, new: &NewPartner) -> QueryResult<Partner> {
        diesel::insert_into(partners::table)
            .values(new)
            .returning(Partner::as_returning())
            .get_result(conn)
    }

    /// Applies `changes` and bumps the version; an empty change leaves the partner as it is.
    pub fn update(self, conn: &mut PgConnection, changes: &PartnerChanges) -> QueryResult<Partner> {
        if changes.is_empty() {
            return Ok(self);
        }
        diesel::update(partners::table.find(self.id))
            .set((
                changes,
                partners::version.eq(partners::version + 1),
                partners::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Partner::as_returning())
            .get_result(conn)
    }

    pub fn delete(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
        diesel::delete(partners::table.find(id)).execute(conn)
    }
}

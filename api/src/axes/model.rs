//! The `axes` table: level 1 of a convention's plan.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema::axes;
use crate::http::page::Page;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = axes, check_for_backend(diesel::pg::Pg))]
pub struct Axis {
    pub id: Uuid,
    pub convention_id: Uuid,
    pub number: i32,
    pub title: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = axes)]
pub struct NewAxis {
    pub id: Uuid,
    pub convention_id: Uuid,
    pub number: i32,
    pub title: String,
    pub description: Option<String>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = axes)]
pub struct AxisChanges {
    pub number: Option<i32>,
    pub title: Option<String>,
    pub description: Option<Option<String>>,
}

impl AxisChanges {
    fn is_empty(&self) -> bool {
        self.number.is_none() && self.title.is_none() && self.description.is_none()
    }
}

impl Axis {
    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Axis> {
        axes::table.find(id).select(Axis::as_select()).first(conn)
    }

    /// The axis, locked until the transaction ends (read-modify-write).
    pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<Axis> {
        axes::table
            .find(id)
            .select(Axis::as_select())
            .for_update()
            .first(conn)
    }

    /// The axis, kept from being deleted until the transaction ends (`FOR KEY SHARE`): rows can
    /// then be inserted under it (or moved to it) without racing its deletion.
    pub fn find_for_key_share(conn: &mut PgConnection, id: Uuid) -> QueryResult<Axis> {
        axes::table
            .find(id)
            .select(Axis::as_select())
            .for_key_share()
            .first(conn)
    }

    /// The convention the axis belongs to (for permission checks).
    pub fn convention_id(conn: &mut PgConnection, id: Uuid) -> QueryResult<Uuid> {
        axes::table.find(id).select(axes::convention_id).first(conn)
    }

    /// A page of a convention's axes in number order, and the total.
    pub fn list(
        conn: &mut PgConnection,
        convention_id: Uuid,
        page: Page,
    ) -> QueryResult<(Vec<Axis>, i64)> {
        let of_convention = axes::convention_id.eq(convention_id);
        let items = axes::table
            .filter(of_convention)
            .select(Axis::as_select())
            .order((axes::number, axes::id))
            .limit(page.limit)
            .offset(page.offset)
            .load(conn)?;
        let total = axes::table.filter(of_convention).count().get_result(conn)?;
        Ok((items, total))
    }

    pub fn insert(conn: &mut PgConnection, new: &NewAxis) -> QueryResult<Axis> {
        diesel::insert_into(axes::table)
            .values(new)
            .returning(Axis::as_returning())
            .get_result(conn)
    }

    /// Applies `changes` and bumps the version; an empty change leaves the axis as it is. A new
    /// number changes its objectives' codes, which derive from it.
    pub fn update(self, conn: &mut PgConnection, changes: &AxisChanges) -> QueryResult<Axis> {
        if changes.is_empty() {
            return Ok(self);
        }
        diesel::update(axes::table.find(self.id))
            .set((
                changes,
                axes::version.eq(axes::version + 1),
                axes::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Axis::as_returning())
            .get_result(conn)
    }

    /// Deletes the axis; refused while it has objectives.
    pub fn delete(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
        diesel::delete(axes::table.find(id)).execute(conn)
    }
}

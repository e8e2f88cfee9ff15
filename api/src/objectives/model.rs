//! The `objectives` table: level 2 of a plan. An objective's code ("1.2") is never stored: it
//! derives, at read time, from its axis' number and its own.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema::{axes, objectives};
use crate::http::page::Page;

/// An objective, read with what its axis gives it (its convention, the axis number of its code).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = objectives, check_for_backend(diesel::pg::Pg))]
pub struct Objective {
    pub id: Uuid,
    pub axis_id: Uuid,
    #[diesel(select_expression = axes::convention_id)]
    pub convention_id: Uuid,
    #[diesel(select_expression = axes::number)]
    pub axis_number: i32,
    pub number: i32,
    pub title: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// Where an objective sits in its plan: what a child (a fiche-action) needs to know of it, for
/// permission checks and for its own code ("1.2" + "." + its number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = objectives, check_for_backend(diesel::pg::Pg))]
pub struct ObjectiveContext {
    #[diesel(column_name = id)]
    pub objective_id: Uuid,
    pub axis_id: Uuid,
    #[diesel(select_expression = axes::convention_id)]
    pub convention_id: Uuid,
    #[diesel(select_expression = axes::number)]
    pub axis_number: i32,
    #[diesel(column_name = number)]
    pub objective_number: i32,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = objectives)]
pub struct NewObjective {
    pub id: Uuid,
    pub axis_id: Uuid,
    pub number: i32,
    pub title: String,
    pub description: Option<String>,
}

/// Changes to an objective; a new `axis_id` moves it (within its convention: checked by the
/// caller before applying).
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = objectives)]
pub struct ObjectiveChanges {
    pub axis_id: Option<Uuid>,
    pub number: Option<i32>,
    pub title: Option<String>,
    pub description: Option<Option<String>>,
}

impl ObjectiveChanges {
    fn is_empty(&self) -> bool {
        self.axis_id.is_none()
            && self.number.is_none()
            && self.title.is_none()
            && self.description.is_none()
    }
}

/// The code of the objective numbered `objective_number` under axis `axis_number`: "1.2".
pub fn code(axis_number: i32, objective_number: i32) -> String {
    format!("{axis_number}.{objective_number}")
}

impl Objective {
    /// Its code in the plan ("1.2").
    pub fn code(&self) -> String {
        code(self.axis_number, self.number)
    }

    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Objective> {
        objectives::table
            .inner_join(axes::table)
            .filter(objectives::id.eq(id))
            .select(Objective::as_select())
            .first(conn)
    }

    /// The objective, locked until the transaction ends (read-modify-write). Only its own row
    /// is locked, not its axis'.
    pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<Objective> {
        objectives::table
            .find(id)
            .select(objectives::id)
            .for_update()
            .first::<Uuid>(conn)?;
        Self::find(conn, id)
    }

    /// Where objective `id` sits in its plan.
    pub fn find_with_context(conn: &mut PgConnection, id: Uuid) -> QueryResult<ObjectiveContext> {
        objectives::table
            .inner_join(axes::table)
            .filter(objectives::id.eq(id))
            .select(ObjectiveContext::as_select())
            .first(conn)
    }

    /// `find_with_context`, also keeping the objective (and its axis) from being deleted until
    /// the transaction ends (`FOR KEY SHARE`): use it before inserting rows under the objective.
    pub fn find_with_context_for_key_share(
        conn: &mut PgConnection,
        id: Uuid,
    ) -> QueryResult<ObjectiveContext> {
        objectives::table
            .inner_join(axes::table)
            .filter(objectives::id.eq(id))
            .select(ObjectiveContext::as_select())
            .for_key_share()
            .first(conn)
    }

    /// The convention the objective belongs to (for permission checks).
    pub fn convention_id(conn: &mut PgConnection, id: Uuid) -> QueryResult<Uuid> {
        objectives::table
            .inner_join(axes::table)
            .filter(objectives::id.eq(id))
            .select(axes::convention_id)
            .first(conn)
    }

    /// A page of an axis' objectives in number order, and the total.
    pub fn list(
        conn: &mut PgConnection,
        axis_id: Uuid,
        page: Page,
    ) -> QueryResult<(Vec<Objective>, i64)> {
        let items = objectives::table
            .inner_join(axes::table)
            .filter(objectives::axis_id.eq(axis_id))
            .select(Objective::as_select())
            .order((objectives::number, objectives::id))
            .limit(page.limit)
            .offset(page.offset)
            .load(conn)?;
        let total = objectives::table
            .filter(objectives::axis_id.eq(axis_id))
            .count()
            .get_result(conn)?;
        Ok((items, total))
    }

    pub fn insert(conn: &mut PgConnection, new: &NewObjective) -> QueryResult<Objective> {
        diesel::insert_into(objectives::table)
            .values(new)
            .execute(conn)?;
        Self::find(conn, new.id)
    }

    /// Applies `changes` and bumps the version; an empty change leaves the objective as it is.
    pub fn update(
        self,
        conn: &mut PgConnection,
        changes: &ObjectiveChanges,
    ) -> QueryResult<Objective> {
        if changes.is_empty() {
            return Ok(self);
        }
        diesel::update(objectives::table.find(self.id))
            .set((
                changes,
                objectives::version.eq(objectives::version + 1),
                objectives::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        Self::find(conn, self.id)
    }

    /// Deletes the objective; refused while it has actions.
    pub fn delete(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
        diesel::delete(objectives::table.find(id)).execute(conn)
    }
}

impl ObjectiveContext {
    /// The objective's code in the plan ("1.2").
    pub fn code(&self) -> String {
        code(self.axis_number, self.objective_number)
    }
}

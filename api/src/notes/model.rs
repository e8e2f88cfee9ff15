//! The `notes` table: the follow-up journal of a fiche-action. A note is read with its action's
//! place in the plan (for its convention and the permission checks) and its author's current
//! display name (a pseudonym once the author is erased).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::InnerJoin;
use diesel::pg::Pg;
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema::{actions, axes, notes, objectives, users};
use crate::http::page::Page;
use crate::indicators::model::ActionPlacement;

/// A note's row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notes, check_for_backend(Pg))]
pub struct Note {
    pub id: Uuid,
    pub action_id: Uuid,
    pub date: NaiveDate,
    pub text: String,
    pub author_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A note with its action's place in the plan and its author's current name.
#[derive(Debug, Clone)]
pub struct NoteRecord {
    pub note: Note,
    pub placement: ActionPlacement,
    pub author_name: String,
}

/// What an author writes in a note: created whole, replaced whole after a merge patch.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset)]
#[diesel(table_name = notes)]
pub struct NoteFields {
    pub date: NaiveDate,
    pub text: String,
}

/// A merge patch of a note, each field already parsed: `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct NoteChanges {
    pub date: Option<NaiveDate>,
    pub text: Option<String>,
}

impl NoteChanges {
    /// `current` with these changes merged in.
    pub fn apply(self, current: &NoteFields) -> NoteFields {
        NoteFields {
            date: self.date.unwrap_or(current.date),
            text: self.text.unwrap_or_else(|| current.text.clone()),
        }
    }
}

type PlanJoin = InnerJoin<
    InnerJoin<notes::table, InnerJoin<actions::table, InnerJoin<objectives::table, axes::table>>>,
    users::table,
>;

/// Notes joined up to their action's axis, and to their author.
fn plan_join() -> PlanJoin {
    notes::table
        .inner_join(actions::table.inner_join(objectives::table.inner_join(axes::table)))
        .inner_join(users::table)
}

type Row = (Note, ActionPlacement, String);

fn record((note, placement, author_name): Row) -> NoteRecord {
    NoteRecord {
        note,
        placement,
        author_name,
    }
}

impl Note {
    pub fn fields(&self) -> NoteFields {
        NoteFields {
            date: self.date,
            text: self.text.clone(),
        }
    }

    /// The note with its action's place in the plan and its author's name.
    pub fn load(conn: &mut PgConnection, id: Uuid) -> QueryResult<NoteRecord> {
        plan_join()
            .filter(notes::id.eq(id))
            .select((
                Note::as_select(),
                ActionPlacement::as_select(),
                users::display_name,
            ))
            .first::<Row>(conn)
            .map(record)
    }

    /// `load`, with the note's row (only) locked until the transaction ends.
    pub fn load_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<NoteRecord> {
        notes::table
            .find(id)
            .select(notes::id)
            .for_update()
            .first::<Uuid>(conn)?;
        Self::load(conn, id)
    }

    /// A page of one action's notes, newest first (by date, then by creation), and the total.
    pub fn list_for_action(
        conn: &mut PgConnection,
        action_id: Uuid,
        page: Page,
    ) -> QueryResult<(Vec<NoteRecord>, i64)> {
        let rows = plan_join()
            .filter(notes::action_id.eq(action_id))
            .select((
                Note::as_select(),
                ActionPlacement::as_select(),
                users::display_name,
            ))
            .order((
                notes::date.desc(),
                notes::created_at.desc(),
                notes::id.desc(),
            ))
            .limit(page.limit)
            .offset(page.offset)
            .load::<Row>(conn)?;
        let total = notes::table
            .filter(notes::action_id.eq(action_id))
            .count()
            .get_result(conn)?;
        Ok((rows.into_iter().map(record).collect(), total))
    }

    /// Adds a note by `author_id` to the action.
    pub fn insert(
        conn: &mut PgConnection,
        action_id: Uuid,
        author_id: Uuid,
        fields: &NoteFields,
    ) -> QueryResult<Uuid> {
        diesel::insert_into(notes::table)
            .values((
                notes::id.eq(Uuid::now_v7()),
                notes::action_id.eq(action_id),
                notes::author_id.eq(author_id),
                fields,
            ))
            .returning(notes::id)
            .get_result(conn)
    }

    /// Replaces what the note says and bumps the version.
    pub fn update(conn: &mut PgConnection, id: Uuid, fields: &NoteFields) -> QueryResult<()> {
        diesel::update(notes::table.find(id))
            .set((
                fields,
                notes::version.eq(notes::version + 1),
                notes::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub fn delete(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
        diesel::delete(notes::table.find(id)).execute(conn)
    }
}

/// One of an action's latest notes, with its author's current name.
#[derive(Debug, QueryableByName)]
pub struct LatestNote {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub action_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Date)]
    pub date: NaiveDate,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub text: String,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub author_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub author_name: String,
}

/// The `per_action` newest notes of each of `action_ids` (by date, then by creation), grouped by
/// action in that order: one query whatever the number of actions or notes, the window
/// function keeping PostgreSQL from sending notes that would be dropped.
pub fn latest_by_action(
    conn: &mut PgConnection,
    action_ids: &[Uuid],
    per_action: i64,
) -> QueryResult<Vec<LatestNote>> {
    use diesel::sql_types::{Array, BigInt, Uuid as SqlUuid};
    diesel::sql_query(
        "SELECT n.action_id, n.id, n.date, n.text, n.author_id, u.display_name AS author_name \
         FROM (SELECT notes.*, row_number() OVER ( \
                   PARTITION BY action_id ORDER BY date DESC, created_at DESC, id DESC) AS rank \
               FROM notes WHERE action_id = ANY($1)) n \
         JOIN users u ON u.id = n.author_id \
         WHERE n.rank <= $2 \
         ORDER BY n.action_id, n.rank",
    )
    .bind::<Array<SqlUuid>, _>(action_ids)
    .bind::<BigInt, _>(per_action)
    .load(conn)
}

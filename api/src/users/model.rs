//! The `users` table.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema::{memberships, users};
use crate::domain::Role;
use crate::http::page::Page;

#[diesel::declare_sql_function]
extern "SQL" {
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Any constant: the key of the lock that serialises changes which could leave the platform
/// without an active administrator.
const ADMIN_SET_LOCK: i64 = 7_302_118;

/// A membership removed with its user.
#[derive(Debug, Clone, Queryable)]
pub struct RemovedMembership {
    pub id: Uuid,
    pub convention_id: Uuid,
    pub role: Role,
    pub committee_id: Option<Uuid>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub partner_id: Option<Uuid>,
    pub is_admin: bool,
    pub active: bool,
    pub password_changed_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub partner_id: Option<Uuid>,
    pub is_admin: bool,
    pub active: bool,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub password_hash: Option<Option<String>>,
    pub partner_id: Option<Option<Uuid>>,
    pub is_admin: Option<bool>,
    pub active: Option<bool>,
    pub password_changed_at: Option<DateTime<Utc>>,
}

impl UserChanges {
    pub fn is_empty(&self) -> bool {
        self.email.is_none()
            && self.display_name.is_none()
            && self.password_hash.is_none()
            && self.partner_id.is_none()
            && self.is_admin.is_none()
            && self.active.is_none()
            && self.password_changed_at.is_none()
    }
}

impl User {
    /// A user who can still sign in is neither deleted nor disabled.
    pub fn can_sign_in(&self) -> bool {
        self.active && self.deleted_at.is_none()
    }

    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<User> {
        users::table
            .find(id)
            .filter(users::deleted_at.is_null())
            .select(User::as_select())
            .first(conn)
    }

    pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<User> {
        users::table
            .find(id)
            .filter(users::deleted_at.is_null())
            .select(User::as_select())
            .for_update()
            .first(conn)
    }

    /// The user signing in with this e-mail, whatever its case.
    pub fn find_by_email(conn: &mut PgConnection, email: &str) -> QueryResult<Option<User>> {
        users::table
            .filter(lower(users::email).eq(lower(email)))
            .filter(users::deleted_at.is_null())
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    /// A page of users (deleted ones left out) in e-mail order, and the total.
    pub fn list(conn: &mut PgConnection, page: Page) -> QueryResult<(Vec<User>, i64)> {
        let items = users::table
            .filter(users::deleted_at.is_null())
            .select(User::as_select())
            .order((lower(users::email), users::id))
            .limit(page.limit)
            .offset(page.offset)
            .load(conn)?;
        let total = users::table
            .filter(users::deleted_at.is_null())
            .count()
            .get_result(conn)?;
        Ok((items, total))
    }

    /// Whether a user other than `except` (deleted ones included: the unique index covers
    /// them) has this e-mail, whatever its case.
    pub fn email_taken(
        conn: &mut PgConnection,
        email: &str,
        except: Option<Uuid>,
    ) -> QueryResult<bool> {
        let mut query = users::table
            .filter(lower(users::email).eq(lower(email)))
            .into_boxed();
        if let Some(except) = except {
            query = query.filter(users::id.ne(except));
        }
        diesel::select(diesel::dsl::exists(query.select(users::id))).get_result(conn)
    }

    /// Serialises, until the transaction ends, every change that could remove an active
    /// administrator: without it, two admins demoting each other at once would both see the
    /// other one still there.
    pub fn lock_admin_set(conn: &mut PgConnection) -> QueryResult<()> {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(ADMIN_SET_LOCK)
            .execute(conn)?;
        Ok(())
    }

    /// How many active administrators there are besides `except`.
    pub fn other_active_admins(conn: &mut PgConnection, except: Uuid) -> QueryResult<i64> {
        users::table
            .filter(users::is_admin.eq(true))
            .filter(users::active.eq(true))
            .filter(users::deleted_at.is_null())
            .filter(users::id.ne(except))
            .count()
            .get_result(conn)
    }

    /// Removes every membership of the user; returns what was removed (for the audit log).
    pub fn delete_memberships(
        conn: &mut PgConnection,
        id: Uuid,
    ) -> QueryResult<Vec<RemovedMembership>> {
        crate::auth::cache::note_change();
        diesel::delete(memberships::table.filter(memberships::user_id.eq(id)))
            .returning((
                memberships::id,
                memberships::convention_id,
                memberships::role,
                memberships::committee_id,
            ))
            .get_results(conn)
    }

    pub fn insert(conn: &mut PgConnection, new: &NewUser) -> QueryResult<User> {
        diesel::insert_into(users::table)
            .values(new)
            .returning(User::as_returning())
            .get_result(conn)
    }

    pub fn update(self, conn: &mut PgConnection, changes: &UserChanges) -> QueryResult<User> {
        if changes.is_empty() {
            return Ok(self);
        }
        crate::auth::cache::note_change();
        diesel::update(users::table.find(self.id))
            .set((
                changes,
                users::version.eq(users::version + 1),
                users::updated_at.eq(diesel::dsl::now),
            ))
            .returning(User::as_returning())
            .get_result(conn)
    }

    /// GDPR erasure that keeps the audit trail resolvable: the row stays, without anything that
    /// identifies the person, and nobody can sign in as it again.
    pub fn pseudonymise(conn: &mut PgConnection, id: Uuid) -> QueryResult<User> {
        crate::auth::cache::note_change();
        diesel::update(users::table.find(id))
            .set((
                users::email.eq(format!("deleted-{}@invalid", id.simple())),
                users::display_name.eq("Utilisateur supprimé"),
                users::password_hash.eq(None::<String>),
                users::partner_id.eq(None::<Uuid>),
                users::is_admin.eq(false),
                users::active.eq(false),
                users::deleted_at.eq(diesel::dsl::now),
                users::version.eq(users::version + 1),
                users::updated_at.eq(diesel::dsl::now),
            ))
            .returning(User::as_returning())
            .get_result(conn)
    }
}

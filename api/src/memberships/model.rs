//! The `memberships` table: who holds which role in a convention.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::committees::model::Committee;
use crate::db::schema::{memberships, users};
use crate::domain::{CommitteeKind, Invalid, Role};
use crate::error::{ApiError, FieldError};
use crate::http::page::Page;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = memberships, check_for_backend(diesel::pg::Pg))]
pub struct Membership {
    pub id: Uuid,
    pub convention_id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
    pub committee_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A membership with its member's current e-mail and name.
#[derive(Debug, Clone)]
pub struct MembershipDetail {
    pub membership: Membership,
    pub email: String,
    pub display_name: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = memberships)]
pub struct NewMembership {
    pub id: Uuid,
    pub convention_id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
    pub committee_id: Option<Uuid>,
}

/// Changes to a membership (its user and convention never change).
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = memberships)]
pub struct MembershipChanges {
    pub role: Option<Role>,
    pub committee_id: Option<Option<Uuid>>,
}

impl MembershipChanges {
    fn is_empty(&self) -> bool {
        self.role.is_none() && self.committee_id.is_none()
    }

    /// The membership `current` would become, its role and committee checked together (a
    /// change may move only one of them).
    pub fn applied_to(&self, current: &Membership) -> Result<Grant, Invalid> {
        Grant {
            convention_id: current.convention_id,
            user_id: current.user_id,
            role: self.role.unwrap_or(current.role),
            committee_id: self.committee_id.unwrap_or(current.committee_id),
        }
        .coherent()
        .map_err(Invalid::from)
    }
}

/// Which memberships of a convention to list.
#[derive(Debug, Clone, Default)]
pub struct MembershipFilter {
    pub role: Option<Role>,
    pub user_id: Option<Uuid>,
    pub committee_id: Option<Uuid>,
}

/// What a membership would be once written: checked as a whole against the database.
#[derive(Debug, Clone, Copy)]
pub struct Grant {
    pub convention_id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
    pub committee_id: Option<Uuid>,
}

impl Grant {
    /// A `committee` role names its committee, and only that role names one (422 on
    /// `committee_id`).
    pub fn coherent(self) -> Result<Self, FieldError> {
        match (self.role, self.committee_id) {
            (Role::Committee, None) => Err(FieldError::new(
                "committee_id",
                "is required when role is `committee`",
            )),
            (role, Some(_)) if role != Role::Committee => Err(FieldError::new(
                "committee_id",
                "must be null unless role is `committee`",
            )),
            _ => Ok(self),
        }
    }

    /// The committee named is a thematic committee of the same convention (422 on
    /// `committee_id`), kept as such until the transaction ends; and the user holds no such
    /// role yet (409 `duplicate_membership`), `except` the membership being changed.
    pub fn check(&self, conn: &mut PgConnection, except: Option<Uuid>) -> Result<(), ApiError> {
        if let Some(committee_id) = self.committee_id {
            let committee = Committee::find_for_key_share(conn, committee_id)
                .optional()?
                .filter(|c| c.convention_id == self.convention_id);
            match committee {
                None => {
                    return Err(ApiError::invalid(
                        "committee_id",
                        "is not a committee of this convention",
                    ))
                }
                Some(c) if c.kind != CommitteeKind::Thematic => {
                    return Err(ApiError::invalid(
                        "committee_id",
                        "must be a thematic committee (the COPIL has its own role, `copil`)",
                    ))
                }
                Some(_) => {}
            }
        }
        let mut same = memberships::table
            .filter(memberships::convention_id.eq(self.convention_id))
            .filter(memberships::user_id.eq(self.user_id))
            .filter(memberships::role.eq(self.role))
            .filter(memberships::committee_id.is_not_distinct_from(self.committee_id))
            .into_boxed();
        if let Some(id) = except {
            same = same.filter(memberships::id.ne(id));
        }
        let taken: bool =
            diesel::select(diesel::dsl::exists(same.select(memberships::id))).get_result(conn)?;
        if taken {
            return Err(ApiError::conflict(
                "duplicate_membership",
                "This user already holds this role in this convention.",
            ));
        }
        Ok(())
    }
}

/// Whether `user_id` names a user who has not been deleted; such a user is kept from being
/// removed until the transaction ends.
pub fn live_user_exists(conn: &mut PgConnection, user_id: Uuid) -> QueryResult<bool> {
    let found = users::table
        .find(user_id)
        .filter(users::deleted_at.is_null())
        .select(users::id)
        .for_key_share()
        .first::<Uuid>(conn)
        .optional()?;
    Ok(found.is_some())
}

type DetailColumns = (
    diesel::dsl::AsSelect<Membership, diesel::pg::Pg>,
    users::email,
    users::display_name,
);

fn detail_columns() -> DetailColumns {
    (Membership::as_select(), users::email, users::display_name)
}

fn into_detail(
    (membership, email, display_name): (Membership, String, String),
) -> MembershipDetail {
    MembershipDetail {
        membership,
        email,
        display_name,
    }
}

impl Membership {
    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<MembershipDetail> {
        memberships::table
            .inner_join(users::table)
            .filter(memberships::id.eq(id))
            .select(detail_columns())
            .first(conn)
            .map(into_detail)
    }

    /// The membership, locked until the transaction ends (read-modify-write).
    pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<Membership> {
        memberships::table
            .find(id)
            .select(Membership::as_select())
            .for_update()
            .first(conn)
    }

    /// The membership with its member's e-mail and name.
    pub fn with_user(self, conn: &mut PgConnection) -> QueryResult<MembershipDetail> {
        let (email, display_name) = users::table
            .find(self.user_id)
            .select((users::email, users::display_name))
            .first(conn)?;
        Ok(MembershipDetail {
            membership: self,
            email,
            display_name,
        })
    }

    /// A page of a convention's memberships in the order of their users' e-mails, then roles,
    /// and the total.
    pub fn list(
        conn: &mut PgConnection,
        convention_id: Uuid,
        filter: &MembershipFilter,
        page: Page,
    ) -> QueryResult<(Vec<MembershipDetail>, i64)> {
        let query = || {
            let mut query = memberships::table
                .inner_join(users::table)
                .filter(memberships::convention_id.eq(convention_id))
                .into_boxed();
            if let Some(role) = filter.role {
                query = query.filter(memberships::role.eq(role));
            }
            if let Some(user_id) = filter.user_id {
                query = query.filter(memberships::user_id.eq(user_id));
            }
            if let Some(committee_id) = filter.committee_id {
                query = query.filter(memberships::committee_id.eq(committee_id));
            }
            query
        };
        let items = query()
            .select(detail_columns())
            .order((users::email, memberships::role, memberships::id))
            .limit(page.limit)
            .offset(page.offset)
            .load(conn)?
            .into_iter()
            .map(into_detail)
            .collect();
        let total = query().count().get_result(conn)?;
        Ok((items, total))
    }

    pub fn insert(conn: &mut PgConnection, new: &NewMembership) -> QueryResult<Membership> {
        crate::auth::cache::note_change();
        diesel::insert_into(memberships::table)
            .values(new)
            .returning(Membership::as_returning())
            .get_result(conn)
    }

    /// Applies `changes` and bumps the version; an empty change leaves the membership as it is.
    pub fn update(
        self,
        conn: &mut PgConnection,
        changes: &MembershipChanges,
    ) -> QueryResult<Membership> {
        if changes.is_empty() {
            return Ok(self);
        }
        crate::auth::cache::note_change();
        diesel::update(memberships::table.find(self.id))
            .set((
                changes,
                memberships::version.eq(memberships::version + 1),
                memberships::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Membership::as_returning())
            .get_result(conn)
    }

    pub fn delete(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
        crate::auth::cache::note_change();
        diesel::delete(memberships::table.find(id)).execute(conn)
    }
}

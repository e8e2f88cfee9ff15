//! The `committees` table, with the axes a thematic committee covers (`committee_axes`) and the
//! organisations sitting on it (`committee_members`, ordered).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema::{
    axes, committee_axes, committee_members, committees, memberships, partners,
};
use crate::domain::{CommitteeKind, Invalid};
use crate::error::{ApiError, FieldError};
use crate::http::page::Page;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = committees, check_for_backend(diesel::pg::Pg))]
pub struct Committee {
    pub id: Uuid,
    pub convention_id: Uuid,
    pub name: String,
    pub kind: CommitteeKind,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A committee with its axes (in axis number order) and its member organisations (in their
/// order).
#[derive(Debug, Clone)]
pub struct CommitteeDetail {
    pub committee: Committee,
    pub axis_ids: Vec<Uuid>,
    pub member_partner_ids: Vec<Uuid>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = committees)]
pub struct NewCommittee {
    pub id: Uuid,
    pub convention_id: Uuid,
    pub name: String,
    pub kind: CommitteeKind,
    #[diesel(skip_insertion)]
    pub axis_ids: Vec<Uuid>,
    #[diesel(skip_insertion)]
    pub member_partner_ids: Vec<Uuid>,
}

/// Changes to a committee; a list, when present, replaces the stored one.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = committees)]
pub struct CommitteeChanges {
    pub name: Option<String>,
    pub kind: Option<CommitteeKind>,
    #[diesel(skip_update)]
    pub axis_ids: Option<Vec<Uuid>>,
    #[diesel(skip_update)]
    pub member_partner_ids: Option<Vec<Uuid>>,
}

impl CommitteeChanges {
    fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.kind.is_none()
            && self.axis_ids.is_none()
            && self.member_partner_ids.is_none()
    }

    /// Checks the changes against the stored committee: a COPIL covers no axes (422 on
    /// `axis_ids`), the axes and partners given exist (422 naming each), and a committee that
    /// members hold a `committee` role on stays thematic (409).
    pub fn check(
        &self,
        conn: &mut PgConnection,
        current: &CommitteeDetail,
    ) -> Result<(), ApiError> {
        let kind = self.kind.unwrap_or(current.committee.kind);
        if kind == CommitteeKind::Copil {
            match &self.axis_ids {
                Some(ids) if !ids.is_empty() => {
                    return Err(ApiError::invalid("axis_ids", COPIL_HAS_NO_AXES));
                }
                None if !current.axis_ids.is_empty() => {
                    return Err(ApiError::invalid(
                        "axis_ids",
                        "a COPIL covers no axes: send \"axis_ids\": [] with the new kind",
                    ));
                }
                _ => {}
            }
        }
        check_references(
            conn,
            current.committee.convention_id,
            self.axis_ids.as_deref(),
            self.member_partner_ids.as_deref(),
        )?;
        if kind == CommitteeKind::Copil
            && current.committee.kind == CommitteeKind::Thematic
            && Committee::memberships_count(conn, current.committee.id)? > 0
        {
            return Err(ApiError::conflict(
                "still_referenced",
                "Members hold a committee role on this committee, which only a thematic \
                 committee carries: remove or move these memberships first.",
            ));
        }
        Ok(())
    }
}

pub const COPIL_HAS_NO_AXES: &str =
    "only a thematic committee covers axes: a COPIL follows the whole plan";

/// Checks that every axis given is one of the convention's and every partner given exists,
/// naming each that is not (`axis_ids[2]`); those found are kept from being deleted until the
/// transaction ends.
pub fn check_references(
    conn: &mut PgConnection,
    convention_id: Uuid,
    axis_ids: Option<&[Uuid]>,
    partner_ids: Option<&[Uuid]>,
) -> Result<(), ApiError> {
    let mut invalid = Invalid::default();
    if let Some(ids) = axis_ids.filter(|ids| !ids.is_empty()) {
        let found: HashSet<Uuid> = axes::table
            .filter(axes::id.eq_any(ids))
            .filter(axes::convention_id.eq(convention_id))
            .select(axes::id)
            .for_key_share()
            .load(conn)?
            .into_iter()
            .collect();
        invalid.0.extend(missing(
            "axis_ids",
            ids,
            &found,
            "is not an axis of this convention",
        ));
    }
    if let Some(ids) = partner_ids.filter(|ids| !ids.is_empty()) {
        let found: HashSet<Uuid> = partners::table
            .filter(partners::id.eq_any(ids))
            .select(partners::id)
            .for_key_share()
            .load(conn)?
            .into_iter()
            .collect();
        invalid.0.extend(missing(
            "member_partner_ids",
            ids,
            &found,
            "unknown partner",
        ));
    }
    if invalid.0.is_empty() {
        Ok(())
    } else {
        Err(invalid.into())
    }
}

fn missing<'a>(
    field: &'a str,
    ids: &'a [Uuid],
    found: &'a HashSet<Uuid>,
    message: &'a str,
) -> impl Iterator<Item = FieldError> + 'a {
    ids.iter()
        .enumerate()
        .filter(|(_, id)| !found.contains(id))
        .map(move |(index, _)| FieldError::new(format!("{field}[{index}]"), message))
}

/// The axes committee `committee_id` covers, in axis number order (none for a COPIL or an
/// unknown committee): the *scope* of its members, and what the actions' `committee` filter
/// selects.
pub fn axis_ids(conn: &mut PgConnection, committee_id: Uuid) -> QueryResult<Vec<Uuid>> {
    committee_axes::table
        .inner_join(axes::table)
        .filter(committee_axes::committee_id.eq(committee_id))
        .order((axes::number, axes::id))
        .select(axes::id)
        .load(conn)
}

/// The axes of committees `ids`, each in axis number order.
fn axes_of(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<HashMap<Uuid, Vec<Uuid>>> {
    let rows: Vec<(Uuid, Uuid)> = committee_axes::table
        .inner_join(axes::table)
        .filter(committee_axes::committee_id.eq_any(ids))
        .order((committee_axes::committee_id, axes::number, axes::id))
        .select((committee_axes::committee_id, axes::id))
        .load(conn)?;
    Ok(group(rows))
}

/// The member organisations of committees `ids`, each in its order.
fn members_of(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<HashMap<Uuid, Vec<Uuid>>> {
    let rows: Vec<(Uuid, Uuid)> = committee_members::table
        .filter(committee_members::committee_id.eq_any(ids))
        .order((committee_members::committee_id, committee_members::position))
        .select((
            committee_members::committee_id,
            committee_members::partner_id,
        ))
        .load(conn)?;
    Ok(group(rows))
}

fn group(rows: Vec<(Uuid, Uuid)>) -> HashMap<Uuid, Vec<Uuid>> {
    let mut lists: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (committee, item) in rows {
        lists.entry(committee).or_default().push(item);
    }
    lists
}

fn replace_axes(conn: &mut PgConnection, id: Uuid, axis_ids: &[Uuid]) -> QueryResult<()> {
    // A thematic committee's members see the fiches of its axes.
    crate::auth::cache::note_change();
    diesel::delete(committee_axes::table.filter(committee_axes::committee_id.eq(id)))
        .execute(conn)?;
    let rows: Vec<_> = axis_ids
        .iter()
        .map(|axis| {
            (
                committee_axes::committee_id.eq(id),
                committee_axes::axis_id.eq(*axis),
            )
        })
        .collect();
    diesel::insert_into(committee_axes::table)
        .values(rows)
        .execute(conn)?;
    Ok(())
}

fn replace_members(conn: &mut PgConnection, id: Uuid, partner_ids: &[Uuid]) -> QueryResult<()> {
    diesel::delete(committee_members::table.filter(committee_members::committee_id.eq(id)))
        .execute(conn)?;
    let rows: Vec<_> = (0_i32..)
        .zip(partner_ids)
        .map(|(position, partner)| {
            (
                committee_members::committee_id.eq(id),
                committee_members::partner_id.eq(*partner),
                committee_members::position.eq(position),
            )
        })
        .collect();
    diesel::insert_into(committee_members::table)
        .values(rows)
        .execute(conn)?;
    Ok(())
}

impl Committee {
    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Committee> {
        committees::table
            .find(id)
            .select(Committee::as_select())
            .first(conn)
    }

    /// The committee, locked until the transaction ends (read-modify-write).
    pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<Committee> {
        committees::table
            .find(id)
            .select(Committee::as_select())
            .for_update()
            .first(conn)
    }

    /// The committee, kept from being deleted or changed until the transaction ends
    /// (`FOR KEY SHARE`, which a `FOR UPDATE` waits for): a membership can then refer to it
    /// while it is still what was checked.
    pub fn find_for_key_share(conn: &mut PgConnection, id: Uuid) -> QueryResult<Committee> {
        committees::table
            .find(id)
            .select(Committee::as_select())
            .for_key_share()
            .first(conn)
    }

    /// The committee with its axes and member organisations.
    pub fn with_lists(self, conn: &mut PgConnection) -> QueryResult<CommitteeDetail> {
        Ok(Self::with_lists_all(conn, vec![self])?
            .pop()
            .expect("one committee in, one out"))
    }

    fn with_lists_all(
        conn: &mut PgConnection,
        committees: Vec<Committee>,
    ) -> QueryResult<Vec<CommitteeDetail>> {
        let ids: Vec<Uuid> = committees.iter().map(|c| c.id).collect();
        let mut axes = axes_of(conn, &ids)?;
        let mut members = members_of(conn, &ids)?;
        Ok(committees
            .into_iter()
            .map(|committee| CommitteeDetail {
                axis_ids: axes.remove(&committee.id).unwrap_or_default(),
                member_partner_ids: members.remove(&committee.id).unwrap_or_default(),
                committee,
            })
            .collect())
    }

    /// A page of a convention's committees (the COPIL first, then by name), with their lists,
    /// and the total.
    pub fn list(
        conn: &mut PgConnection,
        convention_id: Uuid,
        page: Page,
    ) -> QueryResult<(Vec<CommitteeDetail>, i64)> {
        let of_convention = committees::convention_id.eq(convention_id);
        let items = committees::table
            .filter(of_convention)
            .select(Committee::as_select())
            // `false` sorts first: COPILs, then thematic committees.
            .order((
                committees::kind.ne(CommitteeKind::Copil),
                committees::name,
                committees::id,
            ))
            .limit(page.limit)
            .offset(page.offset)
            .load(conn)?;
        let total = committees::table
            .filter(of_convention)
            .count()
            .get_result(conn)?;
        Ok((Self::with_lists_all(conn, items)?, total))
    }

    /// Inserts the committee with its axes and member organisations.
    pub fn insert(conn: &mut PgConnection, new: &NewCommittee) -> QueryResult<CommitteeDetail> {
        let committee = diesel::insert_into(committees::table)
            .values(new)
            .returning(Committee::as_returning())
            .get_result(conn)?;
        replace_axes(conn, committee.id, &new.axis_ids)?;
        replace_members(conn, committee.id, &new.member_partner_ids)?;
        committee.with_lists(conn)
    }

    /// Applies `changes` and bumps the version (a change to a list alone bumps it too); an empty
    /// change leaves the committee as it is.
    pub fn update(
        self,
        conn: &mut PgConnection,
        changes: &CommitteeChanges,
    ) -> QueryResult<CommitteeDetail> {
        if changes.is_empty() {
            return self.with_lists(conn);
        }
        let committee = diesel::update(committees::table.find(self.id))
            .set((
                changes,
                committees::version.eq(committees::version + 1),
                committees::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Committee::as_returning())
            .get_result(conn)?;
        if let Some(ids) = &changes.axis_ids {
            replace_axes(conn, self.id, ids)?;
        }
        if let Some(ids) = &changes.member_partner_ids {
            replace_members(conn, self.id, ids)?;
        }
        committee.with_lists(conn)
    }

    /// How many memberships name this committee.
    pub fn memberships_count(conn: &mut PgConnection, id: Uuid) -> QueryResult<i64> {
        memberships::table
            .filter(memberships::committee_id.eq(id))
            .count()
            .get_result(conn)
    }

    /// Deletes the committee with its axes and member lists (cascade); refused while
    /// memberships name it (`memberships_committee_id_fkey`, RESTRICT).
    pub fn delete(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
        diesel::delete(committees::table.find(id)).execute(conn)
    }
}

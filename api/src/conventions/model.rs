//! The `conventions` table and its two ordered partner lists (`convention_signatories`,
//! `convention_associated_partners`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema::convention_associated_partners as associated;
use crate::db::schema::convention_signatories as signatories;
use crate::db::schema::conventions;
use crate::domain::{ordered, At, ConventionStatus, Invalid, Year};
use crate::http::page::Page;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = conventions, check_for_backend(diesel::pg::Pg))]
pub struct Convention {
    pub id: Uuid,
    pub name: String,
    pub territory: String,
    pub start_year: i32,
    pub end_year: i32,
    pub status: ConventionStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A convention with its partner lists, in the order the convention gives them.
#[derive(Debug, Clone)]
pub struct ConventionDetail {
    pub convention: Convention,
    pub signatory_ids: Vec<Uuid>,
    pub associated_partner_ids: Vec<Uuid>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = conventions)]
pub struct NewConvention {
    pub id: Uuid,
    pub name: String,
    pub territory: String,
    pub start_year: i32,
    pub end_year: i32,
    pub status: ConventionStatus,
    #[diesel(skip_insertion)]
    pub signatory_ids: Vec<Uuid>,
    #[diesel(skip_insertion)]
    pub associated_partner_ids: Vec<Uuid>,
}

/// Changes to a convention; a list, when present, replaces the stored one.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = conventions)]
pub struct ConventionChanges {
    pub name: Option<String>,
    pub territory: Option<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub status: Option<ConventionStatus>,
    #[diesel(skip_update)]
    pub signatory_ids: Option<Vec<Uuid>>,
    #[diesel(skip_update)]
    pub associated_partner_ids: Option<Vec<Uuid>>,
}

impl ConventionChanges {
    fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.territory.is_none()
            && self.start_year.is_none()
            && self.end_year.is_none()
            && self.status.is_none()
            && self.signatory_ids.is_none()
            && self.associated_partner_ids.is_none()
    }

    /// The years stay in order once applied to `current` (a change may move only one end):
    /// 422 on `end_year` otherwise. The `conventions_years_ordered` CHECK is the backstop.
    pub fn check_years(&self, current: &Convention) -> Result<(), Invalid> {
        let start = self.start_year.unwrap_or(current.start_year);
        let end = self.end_year.unwrap_or(current.end_year);
        ordered(Year::parse(start).ok(), Year::parse(end).ok())
            .at("end_year")
            .map_err(Invalid::from)
    }
}

/// One of a convention's ordered partner lists.
#[derive(Debug, Clone, Copy)]
enum PartnerList {
    Signatories,
    AssociatedPartners,
}

impl PartnerList {
    /// Replaces the list of convention `id` by `partner_ids`, in their order.
    fn replace(self, conn: &mut PgConnection, id: Uuid, partner_ids: &[Uuid]) -> QueryResult<()> {
        // The two tables have the same columns.
        macro_rules! replace_in {
            ($table:ident) => {{
                diesel::delete($table::table.filter($table::convention_id.eq(id))).execute(conn)?;
                let rows: Vec<_> = (0_i32..)
                    .zip(partner_ids)
                    .map(|(position, partner)| {
                        (
                            $table::convention_id.eq(id),
                            $table::partner_id.eq(*partner),
                            $table::position.eq(position),
                        )
                    })
                    .collect();
                diesel::insert_into($table::table)
                    .values(rows)
                    .execute(conn)?;
            }};
        }
        match self {
            Self::Signatories => replace_in!(signatories),
            Self::AssociatedPartners => replace_in!(associated),
        }
        Ok(())
    }

    /// The lists of conventions `ids`, each in its order (conventions with none are absent).
    fn load(self, conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<HashMap<Uuid, Vec<Uuid>>> {
        let rows: Vec<(Uuid, Uuid)> = match self {
            Self::Signatories => signatories::table
                .filter(signatories::convention_id.eq_any(ids))
                .order((signatories::convention_id, signatories::position))
                .select((signatories::convention_id, signatories::partner_id))
                .load(conn)?,
            Self::AssociatedPartners => associated::table
                .filter(associated::convention_id.eq_any(ids))
                .order((associated::convention_id, associated::position))
                .select((associated::convention_id, associated::partner_id))
                .load(conn)?,
        };
        let mut lists: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (convention, partner) in rows {
            lists.entry(convention).or_default().push(partner);
        }
        Ok(lists)
    }
}

impl Convention {
    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Convention> {
        conventions::table
            .find(id)
            .select(Convention::as_select())
            .first(conn)
    }

    /// The convention, locked until the transaction ends (read-modify-write).
    pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<Convention> {
        conventions::table
            .find(id)
            .select(Convention::as_select())
            .for_update()
            .first(conn)
    }

    /// The convention, kept from being deleted until the transaction ends (`FOR KEY SHARE`):
    /// rows can then be inserted under it without racing its deletion.
    pub fn find_for_key_share(conn: &mut PgConnection, id: Uuid) -> QueryResult<Convention> {
        conventions::table
            .find(id)
            .select(Convention::as_select())
            .for_key_share()
            .first(conn)
    }

    /// The convention with its partner lists.
    pub fn with_partners(self, conn: &mut PgConnection) -> QueryResult<ConventionDetail> {
        Ok(Self::with_partners_all(conn, vec![self])?
            .pop()
            .expect("one convention in, one out"))
    }

    fn with_partners_all(
        conn: &mut PgConnection,
        conventions: Vec<Convention>,
    ) -> QueryResult<Vec<ConventionDetail>> {
        let ids: Vec<Uuid> = conventions.iter().map(|c| c.id).collect();
        let mut signatories = PartnerList::Signatories.load(conn, &ids)?;
        let mut associated = PartnerList::AssociatedPartners.load(conn, &ids)?;
        Ok(conventions
            .into_iter()
            .map(|convention| ConventionDetail {
                signatory_ids: signatories.remove(&convention.id).unwrap_or_default(),
                associated_partner_ids: associated.remove(&convention.id).unwrap_or_default(),
                convention,
            })
            .collect())
    }

    /// A page of conventions in name order, with their partner lists, and the total; only
    /// those in `visible` when given (a member sees the conventions they belong to).
    pub fn list(
        conn: &mut PgConnection,
        visible: Option<&[Uuid]>,
        page: Page,
    ) -> QueryResult<(Vec<ConventionDetail>, i64)> {
        let filtered = || {
            let mut query = conventions::table.into_boxed();
            if let Some(ids) = visible {
                query = query.filter(conventions::id.eq_any(ids.to_vec()));
            }
            query
        };
        let items = filtered()
            .select(Convention::as_select())
            .order((conventions::name, conventions::id))
            .limit(page.limit)
            .offset(page.offset)
            .load(conn)?;
        let total = filtered().count().get_result(conn)?;
        Ok((Self::with_partners_all(conn, items)?, total))
    }

    /// Inserts the convention and its partner lists (an unknown partner fails the whole insert).
    pub fn insert(conn: &mut PgConnection, new: &NewConvention) -> QueryResult<ConventionDetail> {
        let convention = diesel::insert_into(conventions::table)
            .values(new)
            .returning(Convention::as_returning())
            .get_result(conn)?;
        PartnerList::Signatories.replace(conn, convention.id, &new.signatory_ids)?;
        PartnerList::AssociatedPartners.replace(
            conn,
            convention.id,
            &new.associated_partner_ids,
        )?;
        Ok(ConventionDetail {
            convention,
            signatory_ids: new.signatory_ids.clone(),
            associated_partner_ids: new.associated_partner_ids.clone(),
        })
    }

    /// Applies `changes` and bumps the version (a change to a list alone bumps it too); an empty
    /// change leaves the convention as it is.
    pub fn update(
        self,
        conn: &mut PgConnection,
        changes: &ConventionChanges,
    ) -> QueryResult<ConventionDetail> {
        if changes.is_empty() {
            return self.with_partners(conn);
        }
        let convention = diesel::update(conventions::table.find(self.id))
            .set((
                changes,
                conventions::version.eq(conventions::version + 1),
                conventions::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Convention::as_returning())
            .get_result(conn)?;
        if let Some(ids) = &changes.signatory_ids {
            PartnerList::Signatories.replace(conn, self.id, ids)?;
        }
        if let Some(ids) = &changes.associated_partner_ids {
            PartnerList::AssociatedPartners.replace(conn, self.id, ids)?;
        }
        convention.with_partners(conn)
    }

    /// Deletes the convention and its partner lists (cascade); refused while it has axes.
    pub fn delete(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
        diesel::delete(conventions::table.find(id)).execute(conn)
    }
}

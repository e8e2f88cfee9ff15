//! What the exchange needs of the database beyond the resources' own models: matching partners
//! by name, the refs a document gave to partners and committees (`convention_partner_refs`,
//! `committees.exchange_ref`), the links between fiches written in one statement, and a whole
//! convention read in a fixed number of queries.

use diesel::prelude::*;
use diesel::sql_types::{Array, Integer, Text};
use uuid::Uuid;

use crate::axes::model::Axis;
use crate::committees::model::Committee;
use crate::db::schema::{
    action_links, axes, committees, convention_partner_refs, conventions, indicators, measurements,
    objectives, partners,
};
use crate::indicators::model::Indicator;
use crate::measurements::model::Measurement;
use crate::objectives::model::Objective;
use crate::partners::model::Partner;

/// An existing partner whose name equals the `index`-th name asked for, ignoring case.
#[derive(Debug, QueryableByName)]
struct NamedPartner {
    #[diesel(sql_type = Integer)]
    index: i32,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
}

/// For each of `names`, the id of the existing partner of that name ignoring case, if any. The
/// case is folded by PostgreSQL, as the unique index on partners' names folds it; the partners
/// found are kept from being deleted until the transaction ends.
pub fn partners_named(conn: &mut PgConnection, names: &[String]) -> QueryResult<Vec<Option<Uuid>>> {
    let found: Vec<NamedPartner> = diesel::sql_query(
        "SELECT (n.position - 1)::int4 AS index, p.id \
           FROM unnest($1::text[]) WITH ORDINALITY AS n(name, position) \
           JOIN partners p ON lower(p.name) = lower(n.name) \
            FOR KEY SHARE OF p",
    )
    .bind::<Array<Text>, _>(names)
    .load(conn)?;
    let mut ids = vec![None; names.len()];
    for partner in found {
        if let Some(slot) = usize::try_from(partner.index)
            .ok()
            .and_then(|i| ids.get_mut(i))
        {
            *slot = Some(partner.id);
        }
    }
    Ok(ids)
}

/// Partners by id, in no particular order.
pub fn partners_by_ids(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<Partner>> {
    partners::table
        .filter(partners::id.eq_any(ids))
        .select(Partner::as_select())
        .load(conn)
}

/// Records the document's partner list of a new convention: `(partner, ref)` in its order.
pub fn insert_partner_refs(
    conn: &mut PgConnection,
    convention_id: Uuid,
    refs: &[(Uuid, String)],
) -> QueryResult<()> {
    let rows: Vec<_> = (0_i32..)
        .zip(refs)
        .map(|(position, (partner_id, reference))| {
            (
                convention_partner_refs::convention_id.eq(convention_id),
                convention_partner_refs::partner_id.eq(*partner_id),
                convention_partner_refs::exchange_ref.eq(reference),
                convention_partner_refs::position.eq(position),
            )
        })
        .collect();
    diesel::insert_into(convention_partner_refs::table)
        .values(rows)
        .execute(conn)?;
    Ok(())
}

/// The convention's recorded partner list, `(partner, ref)` in its order.
pub fn partner_refs(
    conn: &mut PgConnection,
    convention_id: Uuid,
) -> QueryResult<Vec<(Uuid, String)>> {
    convention_partner_refs::table
        .filter(convention_partner_refs::convention_id.eq(convention_id))
        .order(convention_partner_refs::position)
        .select((
            convention_partner_refs::partner_id,
            convention_partner_refs::exchange_ref,
        ))
        .load(conn)
}

/// The partner a convention's documents name `reference`.
pub fn partner_by_ref(
    conn: &mut PgConnection,
    convention_id: Uuid,
    reference: &str,
) -> QueryResult<Option<Uuid>> {
    convention_partner_refs::table
        .filter(convention_partner_refs::convention_id.eq(convention_id))
        .filter(convention_partner_refs::exchange_ref.eq(reference))
        .select(convention_partner_refs::partner_id)
        .first(conn)
        .optional()
}

/// Gives a committee the ref a document named it by.
pub fn set_committee_ref(conn: &mut PgConnection, id: Uuid, reference: &str) -> QueryResult<()> {
    diesel::update(committees::table.find(id))
        .set(committees::exchange_ref.eq(reference))
        .execute(conn)?;
    Ok(())
}

/// The convention's committees in the order they were created (a document's order), with the
/// refs documents gave them.
pub fn committees_of(
    conn: &mut PgConnection,
    convention_id: Uuid,
) -> QueryResult<Vec<(Committee, Option<String>)>> {
    committees::table
        .filter(committees::convention_id.eq(convention_id))
        // Ids are UUIDv7, ordered by creation within a process: the order of the document.
        .order((committees::created_at, committees::id))
        .select((Committee::as_select(), committees::exchange_ref))
        .load(conn)
}

/// The committee a convention's documents name `reference`.
pub fn committee_by_ref(
    conn: &mut PgConnection,
    convention_id: Uuid,
    reference: &str,
) -> QueryResult<Option<Uuid>> {
    committees::table
        .filter(committees::convention_id.eq(convention_id))
        .filter(committees::exchange_ref.eq(reference))
        .select(committees::id)
        .first(conn)
        .optional()
}

/// Writes the links of many fiches at once, each list in its order (the fiches exist and have
/// none yet).
pub fn insert_links(conn: &mut PgConnection, links: &[(Uuid, Vec<Uuid>)]) -> QueryResult<()> {
    let rows: Vec<_> = links
        .iter()
        .flat_map(|(action_id, linked)| {
            (0_i32..).zip(linked).map(move |(position, linked_id)| {
                (
                    action_links::action_id.eq(*action_id),
                    action_links::linked_action_id.eq(*linked_id),
                    action_links::position.eq(position),
                )
            })
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    diesel::insert_into(action_links::table)
        .values(rows)
        .execute(conn)?;
    Ok(())
}

/// The convention's axes in number order.
pub fn axes_of(conn: &mut PgConnection, convention_id: Uuid) -> QueryResult<Vec<Axis>> {
    axes::table
        .filter(axes::convention_id.eq(convention_id))
        .order((axes::number, axes::id))
        .select(Axis::as_select())
        .load(conn)
}

/// The convention's objectives in code order.
pub fn objectives_of(conn: &mut PgConnection, convention_id: Uuid) -> QueryResult<Vec<Objective>> {
    objectives::table
        .inner_join(axes::table)
        .filter(axes::convention_id.eq(convention_id))
        .order((axes::number, objectives::number, objectives::id))
        .select(Objective::as_select())
        .load(conn)
}

/// The convention's indicators, each fiche's in its order.
pub fn indicators_of(conn: &mut PgConnection, convention_id: Uuid) -> QueryResult<Vec<Indicator>> {
    use crate::db::schema::actions;
    indicators::table
        .inner_join(actions::table.inner_join(objectives::table.inner_join(axes::table)))
        .filter(axes::convention_id.eq(convention_id))
        .order((indicators::action_id, indicators::position, indicators::id))
        .select(Indicator::as_select())
        .load(conn)
}

/// The measurements of indicators `ids`, each indicator's in period order.
pub fn measurements_of(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<Measurement>> {
    measurements::table
        .filter(measurements::indicator_id.eq_any(ids))
        .order((
            measurements::indicator_id,
            measurements::period_start,
            measurements::id,
        ))
        .select(Measurement::as_select())
        .load(conn)
}

/// Whether any convention exists.
pub fn any_convention(conn: &mut PgConnection) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        conventions::table.select(conventions::id),
    ))
    .get_result(conn)
}

/// The first convention (by id) with this name and territory.
pub fn convention_named(
    conn: &mut PgConnection,
    name: &str,
    territory: &str,
) -> QueryResult<Option<Uuid>> {
    conventions::table
        .filter(conventions::name.eq(name))
        .filter(conventions::territory.eq(territory))
        .order(conventions::id)
        .select(conventions::id)
        .first(conn)
        .optional()
}

/// Serialises demo set-ups until the transaction ends (an advisory lock).
pub fn lock_demo_setup(conn: &mut PgConnection) -> QueryResult<()> {
    // Arbitrary, constant: every demo server contends on the same lock.
    const DEMO_SETUP_LOCK: i64 = 7_302_118;
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<diesel::sql_types::BigInt, _>(DEMO_SETUP_LOCK)
        .execute(conn)?;
    Ok(())
}

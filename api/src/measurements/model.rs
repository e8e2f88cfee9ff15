//! The `measurements` table, and the little of an indicator a measurement needs: its kind, scale
//! and frequency, its convention's years, and its action as the permission policy sees it.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use uuid::Uuid;

use crate::audit::model::NewEntry;
use crate::audit::EntityType;
use crate::auth::ActionTarget;
use crate::db::schema::{
    action_pilots, actions, audit_log, axes, conventions, indicators, measurements, objectives,
};
use crate::domain::{Frequency, IndicatorKind, Period};
use crate::http::page::Page;

/// An indicator as a measurement sees it (read-only: the indicators module owns the table).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = indicators, check_for_backend(Pg))]
pub struct IndicatorRef {
    pub id: Uuid,
    pub action_id: Uuid,
    pub kind: IndicatorKind,
    pub frequency: Frequency,
    pub scale_min: Option<f64>,
    pub scale_max: Option<f64>,
    #[diesel(select_expression = axes::id)]
    pub axis_id: Uuid,
    #[diesel(select_expression = axes::convention_id)]
    pub convention_id: Uuid,
    #[diesel(select_expression = conventions::start_year)]
    pub start_year: i32,
    #[diesel(select_expression = conventions::end_year)]
    pub end_year: i32,
}

/// An indicator with its action's place and référents-pilotes, for the permission policy.
#[derive(Debug, Clone)]
pub struct IndicatorContext {
    pub indicator: IndicatorRef,
    pub target: ActionTarget,
}

type IndicatorJoin = diesel::dsl::InnerJoin<
    indicators::table,
    diesel::dsl::InnerJoin<
        actions::table,
        diesel::dsl::InnerJoin<
            objectives::table,
            diesel::dsl::InnerJoin<axes::table, conventions::table>,
        >,
    >,
>;

fn indicator_join() -> IndicatorJoin {
    indicators::table.inner_join(
        actions::table
            .inner_join(objectives::table.inner_join(axes::table.inner_join(conventions::table))),
    )
}

impl IndicatorRef {
    /// One indicator, for reading.
    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<IndicatorRef> {
        indicator_join()
            .filter(indicators::id.eq(id))
            .select(IndicatorRef::as_select())
            .first(conn)
    }

    /// A level's scale; `None` for other kinds.
    pub fn scale(&self) -> Option<(f64, f64)> {
        self.scale_min.zip(self.scale_max)
    }
}

impl IndicatorContext {
    /// One indicator, its rows shared-locked until the transaction ends, so that the kind,
    /// scale, frequency and years a value is checked against still hold when it is written.
    pub fn find_for_share(conn: &mut PgConnection, id: Uuid) -> QueryResult<IndicatorContext> {
        let indicator = indicator_join()
            .filter(indicators::id.eq(id))
            .select(IndicatorRef::as_select())
            .for_share()
            .first(conn)?;
        let mut pilots = pilots_of(conn, &[indicator.action_id])?;
        Ok(Self::new(indicator, &mut pilots))
    }

    /// Those of `ids` that are indicators of the convention, shared-locked: two queries
    /// whatever their number.
    pub fn in_convention_for_share(
        conn: &mut PgConnection,
        convention_id: Uuid,
        ids: &[Uuid],
    ) -> QueryResult<HashMap<Uuid, IndicatorContext>> {
        let found: Vec<IndicatorRef> = indicator_join()
            .filter(axes::convention_id.eq(convention_id))
            .filter(indicators::id.eq_any(ids))
            .select(IndicatorRef::as_select())
            .for_share()
            .load(conn)?;
        let action_ids: Vec<Uuid> = found.iter().map(|i| i.action_id).collect();
        let mut pilots = pilots_of(conn, &action_ids)?;
        Ok(found
            .into_iter()
            .map(|indicator| (indicator.id, Self::new(indicator, &mut pilots)))
            .collect())
    }

    fn new(indicator: IndicatorRef, pilots: &mut HashMap<Uuid, Vec<Uuid>>) -> Self {
        let target = ActionTarget {
            axis_id: indicator.axis_id,
            pilot_partner_ids: pilots
                .get(&indicator.action_id)
                .cloned()
                .unwrap_or_default(),
        };
        Self { indicator, target }
    }
}

/// The référents-pilotes (partner ids) of each action in `action_ids`.
fn pilots_of(
    conn: &mut PgConnection,
    action_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, Vec<Uuid>>> {
    let rows: Vec<(Uuid, Uuid)> = action_pilots::table
        .filter(action_pilots::action_id.eq_any(action_ids))
        .select((action_pilots::action_id, action_pilots::partner_id))
        .load(conn)?;
    let mut pilots: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (action_id, partner_id) in rows {
        pilots.entry(action_id).or_default().push(partner_id);
    }
    Ok(pilots)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = measurements, check_for_backend(Pg))]
pub struct Measurement {
    pub id: Uuid,
    pub indicator_id: Uuid,
    pub period: Period,
    pub period_start: NaiveDate,
    /// A number, a boolean or a text, written by `MeasuredValue::to_json`.
    pub value: serde_json::Value,
    pub comment: Option<String>,
    pub source: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A measurement with where it sits: its indicator's action and convention.
#[derive(Debug, Clone)]
pub struct MeasurementRecord {
    pub measurement: Measurement,
    pub action_id: Uuid,
    pub convention_id: Uuid,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = measurements)]
pub struct NewMeasurement {
    pub id: Uuid,
    pub indicator_id: Uuid,
    pub period: Period,
    /// The period's first day: orders measurements of any frequency and serves `from`/`to`.
    pub period_start: NaiveDate,
    pub value: serde_json::Value,
    pub comment: Option<String>,
    pub source: Option<String>,
    pub recorded_by: Option<Uuid>,
}

/// A correction: the value and its notes (the period of a measurement never changes).
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = measurements)]
pub struct MeasurementChanges {
    pub value: Option<serde_json::Value>,
    pub comment: Option<Option<String>>,
    pub source: Option<Option<String>>,
}

impl MeasurementChanges {
    pub fn is_empty(&self) -> bool {
        self.value.is_none() && self.comment.is_none() && self.source.is_none()
    }
}

/// Which measurements of an indicator a list shows: those whose period starts within
/// `from`'s first day..=`to`'s last day.
#[derive(Debug, Clone, Copy, Default)]
pub struct MeasurementFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

type RecordJoin = diesel::dsl::InnerJoin<
    measurements::table,
    diesel::dsl::InnerJoin<
        indicators::table,
        diesel::dsl::InnerJoin<
            actions::table,
            diesel::dsl::InnerJoin<objectives::table, axes::table>,
        >,
    >,
>;

fn record_join() -> RecordJoin {
    measurements::table.inner_join(
        indicators::table
            .inner_join(actions::table.inner_join(objectives::table.inner_join(axes::table))),
    )
}

impl Measurement {
    /// The measurement with its action and convention.
    pub fn load(conn: &mut PgConnection, id: Uuid) -> QueryResult<MeasurementRecord> {
        record_join()
            .filter(measurements::id.eq(id))
            .select((
                Measurement::as_select(),
                indicators::action_id,
                axes::convention_id,
            ))
            .first::<(Measurement, Uuid, Uuid)>(conn)
            .map(
                |(measurement, action_id, convention_id)| MeasurementRecord {
                    measurement,
                    action_id,
                    convention_id,
                },
            )
    }

    /// The measurement, locked until the transaction ends (read-modify-write), with its
    /// indicator shared-locked. The indicator is locked first, as deleting an indicator does
    /// (its row, then its measurements' for the foreign key), so that the two never deadlock.
    pub fn find_for_update(
        conn: &mut PgConnection,
        id: Uuid,
    ) -> QueryResult<(Measurement, IndicatorContext)> {
        let indicator_id = measurements::table
            .find(id)
            .select(measurements::indicator_id)
            .first::<Uuid>(conn)?;
        let indicator = IndicatorContext::find_for_share(conn, indicator_id)?;
        let measurement = measurements::table
            .find(id)
            .select(Measurement::as_select())
            .for_update()
            .first(conn)?;
        Ok((measurement, indicator))
    }

    /// A page of an indicator's measurements in period order, and the total.
    pub fn list(
        conn: &mut PgConnection,
        indicator_id: Uuid,
        filter: MeasurementFilter,
        page: Page,
    ) -> QueryResult<(Vec<Measurement>, i64)> {
        let filtered = || {
            let mut query = measurements::table
                .filter(measurements::indicator_id.eq(indicator_id))
                .into_boxed();
            if let Some(from) = filter.from {
                query = query.filter(measurements::period_start.ge(from));
            }
            if let Some(to) = filter.to {
                query = query.filter(measurements::period_start.le(to));
            }
            query
        };
        let items = filtered()
            .select(Measurement::as_select())
            .order((measurements::period_start, measurements::id))
            .limit(page.limit)
            .offset(page.offset)
            .load(conn)?;
        let total = filtered().count().get_result(conn)?;
        Ok((items, total))
    }

    /// The measurements already stored for the `(indicator, period)` pairs of `wanted`, by
    /// pair: one query whatever their number.
    pub fn existing_periods(
        conn: &mut PgConnection,
        wanted: &[(Uuid, Period)],
    ) -> QueryResult<HashMap<(Uuid, Period), Uuid>> {
        if wanted.is_empty() {
            return Ok(HashMap::new());
        }
        let indicator_ids: HashSet<Uuid> = wanted.iter().map(|(id, _)| *id).collect();
        let periods: HashSet<String> = wanted.iter().map(|(_, p)| p.to_string()).collect();
        // Every indicator × every period named: a superset, narrowed to the exact pairs here.
        let found: Vec<(Uuid, Period, Uuid)> = measurements::table
            .filter(measurements::indicator_id.eq_any(Vec::from_iter(indicator_ids)))
            .filter(measurements::period.eq_any(Vec::from_iter(periods)))
            .select((
                measurements::indicator_id,
                measurements::period,
                measurements::id,
            ))
            .load(conn)?;
        let wanted: HashSet<&(Uuid, Period)> = wanted.iter().collect();
        Ok(found
            .into_iter()
            .map(|(indicator_id, period, id)| ((indicator_id, period), id))
            .filter(|(pair, _)| wanted.contains(pair))
            .collect())
    }

    pub fn insert(conn: &mut PgConnection, new: &NewMeasurement) -> QueryResult<Measurement> {
        diesel::insert_into(measurements::table)
            .values(new)
            .returning(Measurement::as_returning())
            .get_result(conn)
    }

    /// Inserts every row in one statement; returns them in the order given.
    pub fn insert_many(
        conn: &mut PgConnection,
        new: &[NewMeasurement],
    ) -> QueryResult<Vec<Measurement>> {
        if new.is_empty() {
            return Ok(Vec::new());
        }
        let mut inserted: HashMap<Uuid, Measurement> = diesel::insert_into(measurements::table)
            .values(new)
            .returning(Measurement::as_returning())
            .get_results::<Measurement>(conn)?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        Ok(new
            .iter()
            .filter_map(|row| inserted.remove(&row.id))
            .collect())
    }

    /// Applies a correction by `recorded_by`, who becomes the recorder, now; bumps the version.
    pub fn correct(
        conn: &mut PgConnection,
        id: Uuid,
        changes: &MeasurementChanges,
        recorded_by: Uuid,
    ) -> QueryResult<Measurement> {
        diesel::update(measurements::table.find(id))
            .set((
                changes,
                measurements::recorded_by.eq(Some(recorded_by)),
                measurements::recorded_at.eq(diesel::dsl::now),
                measurements::version.eq(measurements::version + 1),
                measurements::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Measurement::as_returning())
            .get_result(conn)
    }

    pub fn delete(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
        diesel::delete(measurements::table.find(id)).execute(conn)
    }

    /// Every (period, value) of an indicator, oldest period first: its chart's series.
    pub fn series(
        conn: &mut PgConnection,
        indicator_id: Uuid,
    ) -> QueryResult<Vec<(crate::domain::Period, serde_json::Value)>> {
        measurements::table
            .filter(measurements::indicator_id.eq(indicator_id))
            .order(measurements::period_start.asc())
            .select((measurements::period, measurements::value))
            .load(conn)
    }
}

/// One `create` audit entry per new measurement, in one statement (`changes` as
/// `crate::audit::diff` writes them).
pub fn audit_created_many(
    conn: &mut PgConnection,
    actor_id: Uuid,
    convention_id: Uuid,
    created: Vec<(Uuid, serde_json::Value)>,
) -> QueryResult<()> {
    if created.is_empty() {
        return Ok(());
    }
    let entries: Vec<NewEntry> = created
        .into_iter()
        .map(|(id, changes)| NewEntry {
            actor_id: Some(actor_id),
            convention_id: Some(convention_id),
            entity_type: EntityType::Measurement.as_str(),
            entity_id: Some(id),
            operation: "create",
            changes,
        })
        .collect();
    diesel::insert_into(audit_log::table)
        .values(&entries)
        .execute(conn)?;
    Ok(())
}

//! The `indicators` table: what a fiche-action's evaluation measures. An indicator is read with
//! its action's place in the plan (its code, axis and convention), which every answer shows and
//! every permission check needs; the convention-wide list also reads each indicator's latest
//! measurement and whether a value is due, in a fixed number of queries whatever the page size.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::{max, not, InnerJoin, IntoBoxed};
use diesel::expression::ValidGrouping;
use diesel::expression::{is_aggregate, AppearsOnTable, Expression, SelectableExpression};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Integer, Text};
use serde_json::Value;
use uuid::Uuid;

use crate::actions::model::{ActionRecord, PartnerRole};
use crate::auth::ActionTarget;
use crate::db::schema::{
    action_pilots, actions, axes, conventions, indicators, measurements, objectives,
};
use crate::domain::{
    check_goal, parse_reference_value, parse_scale, At, Direction, Frequency, IndicatorKind,
    IndicatorType, Invalid, MeasuredValue, Period,
};
use crate::http::page::Page;
use crate::parse_fields;

/// An indicator's row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = indicators, check_for_backend(Pg))]
pub struct Indicator {
    pub id: Uuid,
    pub action_id: Uuid,
    pub position: i32,
    #[diesel(column_name = type_)]
    pub indicator_type: IndicatorType,
    pub label: String,
    pub kind: IndicatorKind,
    pub unit: Option<String>,
    pub baseline_value: Option<f64>,
    pub baseline_period: Option<Period>,
    pub target_value: Option<f64>,
    pub target_period: Option<Period>,
    pub direction: Direction,
    pub frequency: Frequency,
    pub source: Option<String>,
    pub scale_min: Option<f64>,
    pub scale_max: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// Where a fiche-action, and so its indicators, sits in the plan: for its code ("1.2.1") and
/// for permission checks (its convention and axis).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = actions, check_for_backend(Pg))]
pub struct ActionPlacement {
    #[diesel(column_name = id)]
    pub action_id: Uuid,
    #[diesel(column_name = number)]
    pub action_number: i32,
    #[diesel(select_expression = objectives::number)]
    pub objective_number: i32,
    #[diesel(select_expression = axes::id)]
    pub axis_id: Uuid,
    #[diesel(select_expression = axes::number)]
    pub axis_number: i32,
    #[diesel(select_expression = axes::convention_id)]
    pub convention_id: Uuid,
}

/// An indicator with its action's place in the plan.
#[derive(Debug, Clone)]
pub struct IndicatorRecord {
    pub indicator: Indicator,
    pub placement: ActionPlacement,
}

/// What the convention-wide list shows beside each indicator: its action's title and pilots
/// (whom to chase), its latest measurement, and whether a value is due.
#[derive(Debug, Clone)]
pub struct FollowUp {
    pub record: IndicatorRecord,
    pub action_title: String,
    pub pilots: Vec<PartnerRole>,
    /// The measurement of the latest period (by start date), if any.
    pub latest: Option<(Period, MeasuredValue)>,
    pub due: bool,
    pub due_period: Period,
}

/// Everything an indicator says about itself, i.e. all a client writes: created whole, replaced
/// whole after a merge patch. Build one through `Definition::check`, which enforces the rules
/// that tie its fields together.
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset)]
#[diesel(table_name = indicators, treat_none_as_null = true)]
pub struct Definition {
    #[diesel(column_name = type_)]
    pub indicator_type: IndicatorType,
    pub label: String,
    pub kind: IndicatorKind,
    pub unit: Option<String>,
    pub baseline_value: Option<f64>,
    pub baseline_period: Option<Period>,
    pub target_value: Option<f64>,
    pub target_period: Option<Period>,
    pub direction: Direction,
    pub frequency: Frequency,
    pub source: Option<String>,
    pub scale_min: Option<f64>,
    pub scale_max: Option<f64>,
}

/// A merge patch of a definition, each field already parsed on its own: `None` leaves a field
/// as it is; `Some(None)` clears an optional one.
#[derive(Debug, Default)]
pub struct DefinitionChanges {
    pub indicator_type: Option<IndicatorType>,
    pub label: Option<String>,
    pub kind: Option<IndicatorKind>,
    pub unit: Option<Option<String>>,
    pub baseline_value: Option<Option<f64>>,
    pub baseline_period: Option<Option<Period>>,
    pub target_value: Option<Option<f64>>,
    pub target_period: Option<Option<Period>>,
    pub direction: Option<Direction>,
    pub frequency: Option<Frequency>,
    pub source: Option<Option<String>>,
    pub scale_min: Option<Option<f64>>,
    pub scale_max: Option<Option<f64>>,
}

impl Definition {
    /// The rules between fields: a `level` has a scale and other kinds none; the baseline and
    /// target values follow the kind's rule for values (within the scale for a level; only
    /// numeric kinds have them); the target lies the way of the direction from the baseline;
    /// the target period does not lie wholly before the baseline period.
    pub fn check(self) -> Result<Self, Invalid> {
        parse_fields!(scale = parse_scale(self.kind, self.scale_min, self.scale_max));
        let reference = |value: Option<f64>, field: &str| {
            value
                .map(|value| parse_reference_value(self.kind, scale, value))
                .transpose()
                .at(field)
        };
        parse_fields!(
            baseline = reference(self.baseline_value, "baseline_value"),
            target = reference(self.target_value, "target_value"),
            _periods =
                periods_in_order(self.baseline_period, self.target_period).at("target_period"),
        );
        check_goal(self.direction, baseline, target).at("target_value")?;
        Ok(self)
    }

    /// Whether going from `self` to `other` changes what a value means or which periods exist:
    /// measurements already recorded would no longer fit.
    pub fn reshapes_values(&self, other: &Definition) -> bool {
        self.kind != other.kind
            || self.frequency != other.frequency
            || self.scale_min != other.scale_min
            || self.scale_max != other.scale_max
    }
}

fn periods_in_order(baseline: Option<Period>, target: Option<Period>) -> Result<(), String> {
    match (baseline, target) {
        // Periods of different frequencies may overlap: only one wholly before is refused.
        (Some(baseline), Some(target)) if target.end_date() < baseline.start_date() => {
            Err("must not be before baseline_period".into())
        }
        _ => Ok(()),
    }
}

impl DefinitionChanges {
    /// `current` with these changes merged in (not yet checked).
    pub fn apply(self, current: &Definition) -> Definition {
        let current = current.clone();
        Definition {
            indicator_type: self.indicator_type.unwrap_or(current.indicator_type),
            label: self.label.unwrap_or(current.label),
            kind: self.kind.unwrap_or(current.kind),
            unit: self.unit.unwrap_or(current.unit),
            baseline_value: self.baseline_value.unwrap_or(current.baseline_value),
            baseline_period: self.baseline_period.unwrap_or(current.baseline_period),
            target_value: self.target_value.unwrap_or(current.target_value),
            target_period: self.target_period.unwrap_or(current.target_period),
            direction: self.direction.unwrap_or(current.direction),
            frequency: self.frequency.unwrap_or(current.frequency),
            source: self.source.unwrap_or(current.source),
            scale_min: self.scale_min.unwrap_or(current.scale_min),
            scale_max: self.scale_max.unwrap_or(current.scale_max),
        }
    }
}

impl ActionPlacement {
    /// The action's code: "1.2.1".
    pub fn code(&self) -> String {
        format!(
            "{}.{}.{}",
            self.axis_number, self.objective_number, self.action_number
        )
    }

    /// The place of a fiche already read.
    pub fn of(record: &ActionRecord) -> ActionPlacement {
        ActionPlacement {
            action_id: record.action.id,
            action_number: record.action.number,
            objective_number: record.placement.objective_number,
            axis_id: record.placement.axis_id,
            axis_number: record.placement.axis_number,
            convention_id: record.placement.convention_id,
        }
    }

    /// Where action `id` sits.
    pub fn find(conn: &mut PgConnection, action_id: Uuid) -> QueryResult<ActionPlacement> {
        actions::table
            .inner_join(objectives::table.inner_join(axes::table))
            .filter(actions::id.eq(action_id))
            .select(ActionPlacement::as_select())
            .first(conn)
    }

    /// `find`, holding the action's row until the transaction ends so that indicators are
    /// added to it one at a time (each takes the next position) and it is not deleted
    /// meanwhile. `FOR NO KEY UPDATE` leaves the action's children free to reference it.
    pub fn find_for_new_indicator(
        conn: &mut PgConnection,
        action_id: Uuid,
    ) -> QueryResult<ActionPlacement> {
        actions::table
            .find(action_id)
            .select(actions::id)
            .for_no_key_update()
            .first::<Uuid>(conn)?;
        Self::find(conn, action_id)
    }

    /// The action as the permission policy sees it (its axis and référents-pilotes).
    pub fn target(&self, conn: &mut PgConnection) -> QueryResult<ActionTarget> {
        let pilot_partner_ids = action_pilots::table
            .filter(action_pilots::action_id.eq(self.action_id))
            .select(action_pilots::partner_id)
            .load(conn)?;
        Ok(ActionTarget {
            axis_id: self.axis_id,
            pilot_partner_ids,
        })
    }
}

type PlanJoin = InnerJoin<
    indicators::table,
    InnerJoin<
        actions::table,
        InnerJoin<objectives::table, InnerJoin<axes::table, conventions::table>>,
    >,
>;

/// Indicators joined up to their convention.
fn plan_join() -> PlanJoin {
    indicators::table.inner_join(
        actions::table
            .inner_join(objectives::table.inner_join(axes::table.inner_join(conventions::table))),
    )
}

/// Which indicators of a convention a list shows; the filters combine with AND.
#[derive(Debug, Clone, Default)]
pub struct IndicatorFilter {
    pub indicator_type: Option<IndicatorType>,
    pub kind: Option<IndicatorKind>,
    pub axis_id: Option<Uuid>,
    pub action_id: Option<Uuid>,
    pub due: Option<bool>,
}

/// The last completed period of each frequency on a given day: the periods whose value is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuePeriods {
    /// In the order of `Frequency::ALL`, each with its text and year as bound in SQL.
    periods: Vec<(Frequency, Period, String, i32)>,
}

impl DuePeriods {
    /// The last completed periods on `today` (a date in Europe/Paris: `crate::time::today`).
    pub fn on(today: NaiveDate) -> Self {
        Self {
            periods: Frequency::ALL
                .iter()
                .map(|&frequency| {
                    let period = Period::last_completed(frequency, today);
                    (frequency, period, period.to_string(), period.year())
                })
                .collect(),
        }
    }

    /// The last completed period of `frequency`.
    pub fn of(&self, frequency: Frequency) -> Period {
        self.periods
            .iter()
            .find(|(f, ..)| *f == frequency)
            .map(|(_, period, ..)| *period)
            .expect("every frequency has its period")
    }
}

/// Whether an indicator (in a query joined to its convention) is due: the last completed period
/// of its frequency lies within its convention's years and has no measurement. Written in SQL so
/// that filtering on it pages and counts right.
#[derive(Debug, Clone)]
struct IsDue(DuePeriods);

impl Expression for IsDue {
    type SqlType = Bool;
}

// Like `diesel::dsl::sql`: valid wherever `indicators` and `conventions` are in the FROM clause,
// which `plan_join` guarantees.
impl<QS> AppearsOnTable<QS> for IsDue {}
impl<QS> SelectableExpression<QS> for IsDue {}

impl<GB> ValidGrouping<GB> for IsDue {
    type IsAggregate = is_aggregate::Never;
}

impl QueryId for IsDue {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl QueryFragment<Pg> for IsDue {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // (CASE frequency WHEN 'annual' THEN <its year> … END) BETWEEN start_year AND end_year
        out.push_sql("((CASE indicators.frequency");
        for (frequency, _, _, year) in &self.0.periods {
            out.push_sql(" WHEN ");
            out.push_bind_param::<Text, str>(frequency.as_str())?;
            out.push_sql(" THEN ");
            out.push_bind_param::<Integer, i32>(year)?;
        }
        out.push_sql(" END) BETWEEN conventions.start_year AND conventions.end_year");
        // … AND NOT EXISTS (a measurement of that period)
        out.push_sql(
            " AND NOT EXISTS (SELECT 1 FROM measurements due_m \
             WHERE due_m.indicator_id = indicators.id AND due_m.period = (CASE indicators.frequency",
        );
        for (frequency, _, text, _) in &self.0.periods {
            out.push_sql(" WHEN ");
            out.push_bind_param::<Text, str>(frequency.as_str())?;
            out.push_sql(" THEN ");
            out.push_bind_param::<Text, String>(text)?;
        }
        out.push_sql(" END)))");
        Ok(())
    }
}

fn filtered(
    convention_id: Uuid,
    filter: &IndicatorFilter,
    due: &DuePeriods,
) -> IntoBoxed<'static, PlanJoin, Pg> {
    let mut query = plan_join()
        .filter(axes::convention_id.eq(convention_id))
        .into_boxed();
    if let Some(indicator_type) = filter.indicator_type {
        query = query.filter(indicators::type_.eq(indicator_type));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(indicators::kind.eq(kind));
    }
    if let Some(axis_id) = filter.axis_id {
        query = query.filter(axes::id.eq(axis_id));
    }
    if let Some(action_id) = filter.action_id {
        query = query.filter(actions::id.eq(action_id));
    }
    match filter.due {
        Some(true) => query = query.filter(IsDue(due.clone())),
        Some(false) => query = query.filter(not(IsDue(due.clone()))),
        None => {}
    }
    query
}

impl Indicator {
    pub fn definition(&self) -> Definition {
        Definition {
            indicator_type: self.indicator_type,
            label: self.label.clone(),
            kind: self.kind,
            unit: self.unit.clone(),
            baseline_value: self.baseline_value,
            baseline_period: self.baseline_period,
            target_value: self.target_value,
            target_period: self.target_period,
            direction: self.direction,
            frequency: self.frequency,
            source: self.source.clone(),
            scale_min: self.scale_min,
            scale_max: self.scale_max,
        }
    }

    /// The scale of a level indicator.
    pub fn scale(&self) -> Option<(f64, f64)> {
        self.scale_min.zip(self.scale_max)
    }

    /// The indicator with its action's place in the plan.
    pub fn load(conn: &mut PgConnection, id: Uuid) -> QueryResult<IndicatorRecord> {
        let (indicator, placement) = plan_join()
            .filter(indicators::id.eq(id))
            .select((Indicator::as_select(), ActionPlacement::as_select()))
            .first::<(Indicator, ActionPlacement)>(conn)?;
        Ok(IndicatorRecord {
            indicator,
            placement,
        })
    }

    /// `load`, with the indicator's row (only) locked until the transaction ends.
    pub fn load_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<IndicatorRecord> {
        indicators::table
            .find(id)
            .select(indicators::id)
            .for_update()
            .first::<Uuid>(conn)?;
        Self::load(conn, id)
    }

    /// All the indicators of the action at `placement`, in the fiche's order: one statement,
    /// the action's place being known already.
    pub fn all_for_action(
        conn: &mut PgConnection,
        placement: ActionPlacement,
    ) -> QueryResult<Vec<IndicatorRecord>> {
        let rows = indicators::table
            .filter(indicators::action_id.eq(placement.action_id))
            .select(Indicator::as_select())
            .order((indicators::position, indicators::id))
            .load::<Indicator>(conn)?;
        Ok(rows
            .into_iter()
            .map(|indicator| IndicatorRecord {
                indicator,
                placement,
            })
            .collect())
    }

    /// A page of one action's indicators, in the fiche's order, and the total.
    pub fn list_for_action(
        conn: &mut PgConnection,
        action_id: Uuid,
        page: Page,
    ) -> QueryResult<(Vec<IndicatorRecord>, i64)> {
        let rows = plan_join()
            .filter(indicators::action_id.eq(action_id))
            .select((Indicator::as_select(), ActionPlacement::as_select()))
            .order((indicators::position, indicators::id))
            .limit(page.limit)
            .offset(page.offset)
            .load::<(Indicator, ActionPlacement)>(conn)?;
        let total = indicators::table
            .filter(indicators::action_id.eq(action_id))
            .count()
            .get_result(conn)?;
        let records = rows
            .into_iter()
            .map(|(indicator, placement)| IndicatorRecord {
                indicator,
                placement,
            })
            .collect();
        Ok((records, total))
    }

    /// A page of a convention's indicators in code order (action code, then position), with
    /// their follow-up, and the total: four queries whatever the page size (the page, the
    /// count, the latest measurements, the pilots).
    pub fn list_in_convention(
        conn: &mut PgConnection,
        convention_id: Uuid,
        filter: &IndicatorFilter,
        due: &DuePeriods,
        page: Page,
    ) -> QueryResult<(Vec<FollowUp>, i64)> {
        let rows = filtered(convention_id, filter, due)
            .select((
                Indicator::as_select(),
                ActionPlacement::as_select(),
                actions::title,
                IsDue(due.clone()),
            ))
            .order((
                axes::number,
                objectives::number,
                actions::number,
                indicators::position,
                indicators::id,
            ))
            .limit(page.limit)
            .offset(page.offset)
            .load::<(Indicator, ActionPlacement, String, bool)>(conn)?;
        let total: i64 = filtered(convention_id, filter, due)
            .count()
            .get_result(conn)?;

        let indicator_ids: Vec<Uuid> = rows.iter().map(|(i, ..)| i.id).collect();
        let mut latest = latest_measurements(conn, &indicator_ids)?;
        let mut action_ids: Vec<Uuid> = rows.iter().map(|(i, ..)| i.action_id).collect();
        action_ids.sort_unstable();
        action_ids.dedup();
        let pilots = pilots_of(conn, &action_ids)?;

        let items = rows
            .into_iter()
            .map(|(indicator, placement, action_title, is_due)| FollowUp {
                latest: latest.remove(&indicator.id),
                pilots: pilots
                    .get(&indicator.action_id)
                    .cloned()
                    .unwrap_or_default(),
                due_period: due.of(indicator.frequency),
                due: is_due,
                action_title,
                record: IndicatorRecord {
                    indicator,
                    placement,
                },
            })
            .collect();
        Ok((items, total))
    }

    /// Whether the indicator has any measurement.
    pub fn has_measurements(conn: &mut PgConnection, id: Uuid) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            measurements::table.filter(measurements::indicator_id.eq(id)),
        ))
        .get_result(conn)
    }

    /// Adds an indicator after the action's last one; the caller holds the action's row
    /// (`ActionPlacement::find_for_new_indicator`), so positions never collide.
    pub fn insert(
        conn: &mut PgConnection,
        action_id: Uuid,
        definition: &Definition,
    ) -> QueryResult<Uuid> {
        let last: Option<i32> = indicators::table
            .filter(indicators::action_id.eq(action_id))
            .select(max(indicators::position))
            .first(conn)?;
        diesel::insert_into(indicators::table)
            .values((
                indicators::id.eq(Uuid::now_v7()),
                indicators::action_id.eq(action_id),
                indicators::position.eq(last.unwrap_or(0) + 1),
                definition,
            ))
            .returning(indicators::id)
            .get_result(conn)
    }

    /// Replaces the definition and bumps the version.
    pub fn update(conn: &mut PgConnection, id: Uuid, definition: &Definition) -> QueryResult<()> {
        diesel::update(indicators::table.find(id))
            .set((
                definition,
                indicators::version.eq(indicators::version + 1),
                indicators::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Deletes the indicator; refused by the database (409) while it has measurements.
    pub fn delete(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
        diesel::delete(indicators::table.find(id)).execute(conn)
    }
}

/// The measurement of the latest period (by start date) of each indicator of `ids` that has
/// one: one query. Each indicator's latest row is one step down the
/// `(indicator_id, period_start DESC)` index (a lateral join), so the cost follows the number of
/// indicators, not the years of measurements behind them (`DISTINCT ON` read them all).
pub fn latest_measurements(
    conn: &mut PgConnection,
    ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, (Period, MeasuredValue)>> {
    #[derive(QueryableByName)]
    struct Latest {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        indicator_id: Uuid,
        #[diesel(sql_type = diesel::sql_types::Text)]
        period: String,
        #[diesel(sql_type = diesel::sql_types::Jsonb)]
        value: Value,
    }
    let rows: Vec<Latest> = diesel::sql_query(
        "SELECT i.id AS indicator_id, m.period, m.value \
         FROM unnest($1) AS i(id) \
         CROSS JOIN LATERAL ( \
             SELECT period, value FROM measurements \
             WHERE indicator_id = i.id ORDER BY period_start DESC LIMIT 1) m",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::Uuid>, _>(ids)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let period = row.period.parse::<Period>().ok()?;
            let value = MeasuredValue::from_json(&row.value)?;
            Some((row.indicator_id, (period, value)))
        })
        .collect())
}

/// The référents-pilotes of each action of `ids`, in the fiche's order: one query.
fn pilots_of(
    conn: &mut PgConnection,
    action_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, Vec<PartnerRole>>> {
    let rows: Vec<(Uuid, Uuid, Option<String>)> = action_pilots::table
        .filter(action_pilots::action_id.eq_any(action_ids))
        .order((action_pilots::action_id, action_pilots::position))
        .select((
            action_pilots::action_id,
            action_pilots::partner_id,
            action_pilots::note,
        ))
        .load(conn)?;
    let mut pilots: HashMap<Uuid, Vec<PartnerRole>> = HashMap::new();
    for (action_id, partner_id, note) in rows {
        pilots
            .entry(action_id)
            .or_default()
            .push(PartnerRole { partner_id, note });
    }
    Ok(pilots)
}

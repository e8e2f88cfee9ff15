//! Reading the annual report: the plan tree (`plan::build`), then four queries whatever the
//! plan's size (the indicators' reference periods, the measurements of the year and the year
//! before, the pilots' names, the year's notes), plus the due indicators as the statistics
//! count them.

use std::collections::HashMap;
use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{
    AnnualReport, ReportAction, ReportAxis, ReportIndicator, ReportNote, ReportObjective,
    ReportPilot, Schedule, YearValue, SCHEMA_VERSION,
};
use crate::conventions::model::Convention;
use crate::db::schema::{
    actions, axes, indicators, measurements, notes, objectives, partners, users,
};
use crate::domain::{MeasuredValue, Period};
use crate::evaluation::{achievement, round_achievement};
use crate::plan::dto::{PlanAction, PlanIndicator};
use crate::stats::model::{due_indicators, is_late};
use crate::stats::summarise;

/// What the plan tree does not carry about an indicator.
struct IndicatorExtra {
    baseline_period: Option<Period>,
    target_period: Option<Period>,
    scale: Option<(f64, f64)>,
}

/// The annual report of `convention` for `year`, generated on `today` (Europe/Paris).
pub fn annual_report(
    conn: &mut PgConnection,
    convention: Convention,
    year: i32,
    today: NaiveDate,
) -> QueryResult<AnnualReport> {
    let id = convention.id;
    let plan = crate::plan::build(conn, convention)?;
    let (_, due_count) = due_indicators(conn, id, today)?;
    let mut extras = indicator_extras(conn, id)?;
    let mut values = year_values(conn, id, year - 1..=year)?;
    let names = partner_names(conn, &plan)?;
    let mut notes = year_notes(conn, id, year)?;

    let current_year = today.year();
    let summary = summarise(&plan, due_count, current_year);
    let axes = plan
        .axes
        .into_iter()
        .map(|axis| ReportAxis {
            id: axis.id,
            number: axis.number,
            title: axis.title,
            progress: axis.progress,
            objectives: axis
                .objectives
                .into_iter()
                .map(|objective| ReportObjective {
                    id: objective.id,
                    code: objective.code,
                    number: objective.number,
                    title: objective.title,
                    progress: objective.progress,
                    actions: objective
                        .actions
                        .into_iter()
                        .map(|action| {
                            report_action(
                                action,
                                current_year,
                                year,
                                &names,
                                &mut notes,
                                &mut extras,
                                &mut values,
                            )
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Ok(AnnualReport {
        schema_version: SCHEMA_VERSION,
        year,
        generated_at: Utc::now(),
        convention: plan.convention,
        progress: plan.progress,
        summary: summary.totals,
        late_actions: summary.late_actions,
        axes,
    })
}

fn report_action(
    action: PlanAction,
    current_year: i32,
    year: i32,
    names: &HashMap<Uuid, (String, Option<String>)>,
    notes: &mut HashMap<Uuid, Vec<ReportNote>>,
    extras: &mut HashMap<Uuid, IndicatorExtra>,
    values: &mut HashMap<(Uuid, i32), YearValue>,
) -> ReportAction {
    let late = is_late(&action, current_year);
    ReportAction {
        id: action.id,
        code: action.code,
        number: action.number,
        title: action.title,
        priority: action.priority,
        status: action.status,
        late,
        progress: action.progress,
        pilots: action
            .pilots
            .into_iter()
            .map(|pilot| {
                let (name, acronym) = names.get(&pilot.partner_id).cloned().unwrap_or_default();
                ReportPilot {
                    partner_id: pilot.partner_id,
                    name,
                    acronym,
                    note: pilot.note,
                }
            })
            .collect(),
        schedule: Schedule {
            start_year: action.start_year,
            end_year: action.end_year,
            schedule_note: action.schedule_note,
        },
        notes: notes.remove(&action.id).unwrap_or_default(),
        indicators: action
            .indicators
            .into_iter()
            .map(|indicator| report_indicator(indicator, year, extras, values))
            .collect(),
    }
}

fn report_indicator(
    indicator: PlanIndicator,
    year: i32,
    extras: &mut HashMap<Uuid, IndicatorExtra>,
    values: &mut HashMap<(Uuid, i32), YearValue>,
) -> ReportIndicator {
    let extra = extras.remove(&indicator.id).unwrap_or(IndicatorExtra {
        baseline_period: None,
        target_period: None,
        scale: None,
    });
    let year_value = values.remove(&(indicator.id, year));
    let previous_year_value = values.remove(&(indicator.id, year - 1));
    let achievement = achievement(
        indicator.kind,
        indicator.direction,
        extra.scale,
        indicator.baseline_value,
        indicator.target_value,
        year_value.as_ref().map(|v| &v.value),
    )
    .map(round_achievement);
    ReportIndicator {
        id: indicator.id,
        indicator_type: indicator.indicator_type,
        label: indicator.label,
        kind: indicator.kind,
        unit: indicator.unit,
        direction: indicator.direction,
        frequency: indicator.frequency,
        baseline_value: indicator.baseline_value,
        baseline_period: extra.baseline_period,
        target_value: indicator.target_value,
        target_period: extra.target_period,
        year_value,
        previous_year_value,
        achievement,
    }
}

/// The reference periods and scale of every indicator of the convention: one query.
fn indicator_extras(
    conn: &mut PgConnection,
    convention_id: Uuid,
) -> QueryResult<HashMap<Uuid, IndicatorExtra>> {
    type Row = (
        Uuid,
        Option<Period>,
        Option<Period>,
        Option<f64>,
        Option<f64>,
    );
    let rows: Vec<Row> = indicators::table
        .inner_join(actions::table.inner_join(objectives::table.inner_join(axes::table)))
        .filter(axes::convention_id.eq(convention_id))
        .select((
            indicators::id,
            indicators::baseline_period,
            indicators::target_period,
            indicators::scale_min,
            indicators::scale_max,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, baseline_period, target_period, min, max)| {
            let extra = IndicatorExtra {
                baseline_period,
                target_period,
                scale: min.zip(max),
            };
            (id, extra)
        })
        .collect())
}

/// Each indicator's value by year: for every indicator of the convention and every year of
/// `years`, the measurement of the latest period within the year that has one, keyed by
/// (indicator, year): one query.
pub fn year_values(
    conn: &mut PgConnection,
    convention_id: Uuid,
    years: RangeInclusive<i32>,
) -> QueryResult<HashMap<(Uuid, i32), YearValue>> {
    let (Some(from), Some(to)) = (
        NaiveDate::from_ymd_opt(*years.start(), 1, 1),
        NaiveDate::from_ymd_opt(*years.end(), 12, 31),
    ) else {
        return Ok(HashMap::new());
    };
    let rows: Vec<(Uuid, Period, serde_json::Value)> = measurements::table
        .inner_join(
            indicators::table
                .inner_join(actions::table.inner_join(objectives::table.inner_join(axes::table))),
        )
        .filter(axes::convention_id.eq(convention_id))
        .filter(measurements::period_start.between(from, to))
        // The latest period of each year first: the first row seen per (indicator, year) wins.
        .order((
            measurements::indicator_id,
            measurements::period_start.desc(),
        ))
        .select((
            measurements::indicator_id,
            measurements::period,
            measurements::value,
        ))
        .load(conn)?;
    let mut values = HashMap::new();
    for (indicator_id, period, value) in rows {
        let Some(value) = MeasuredValue::from_json(&value) else {
            continue;
        };
        values
            .entry((indicator_id, period.year()))
            .or_insert(YearValue { period, value });
    }
    Ok(values)
}

/// The name and acronym of every référent-pilote of the plan: one query.
fn partner_names(
    conn: &mut PgConnection,
    plan: &crate::plan::dto::PlanOut,
) -> QueryResult<HashMap<Uuid, (String, Option<String>)>> {
    let mut ids: Vec<Uuid> = plan
        .axes
        .iter()
        .flat_map(|axis| &axis.objectives)
        .flat_map(|objective| &objective.actions)
        .flat_map(|action| action.pilots.iter().map(|pilot| pilot.partner_id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let rows: Vec<(Uuid, String, Option<String>)> = partners::table
        .filter(partners::id.eq_any(&ids))
        .select((partners::id, partners::name, partners::acronym))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, acronym)| (id, (name, acronym)))
        .collect())
}

/// The notes of the follow-up journal dated within `year`, per action, oldest first: one query.
fn year_notes(
    conn: &mut PgConnection,
    convention_id: Uuid,
    year: i32,
) -> QueryResult<HashMap<Uuid, Vec<ReportNote>>> {
    let (Some(from), Some(to)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Ok(HashMap::new());
    };
    type Row = (Uuid, Uuid, NaiveDate, String, Uuid, String);
    let rows: Vec<Row> = notes::table
        .inner_join(actions::table.inner_join(objectives::table.inner_join(axes::table)))
        .inner_join(users::table)
        .filter(axes::convention_id.eq(convention_id))
        .filter(notes::date.between(from, to))
        .order((notes::action_id, notes::date, notes::created_at, notes::id))
        .select((
            notes::action_id,
            notes::id,
            notes::date,
            notes::text,
            notes::author_id,
            users::display_name,
        ))
        .load(conn)?;
    let mut notes: HashMap<Uuid, Vec<ReportNote>> = HashMap::new();
    for (action_id, id, date, text, author_id, author_name) in rows {
        notes.entry(action_id).or_default().push(ReportNote {
            id,
            date,
            text,
            author_id,
            author_name,
        });
    }
    Ok(notes)
}

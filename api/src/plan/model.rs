//! Reading a whole plan: seven queries whatever its size (axes, objectives, actions, pilots,
//! indicators, latest measurements, latest notes) after the caller's read of the convention,
//! then the tree and its progress are assembled in memory.

use std::collections::HashMap;

use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{
    LatestValue, PlanAction, PlanAxis, PlanConvention, PlanIndicator, PlanNote, PlanObjective,
    PlanOut,
};
use crate::actions::dto::PartnerRoleOut;
use crate::axes::model::Axis;
use crate::conventions::model::Convention;
use crate::db::schema::{action_pilots, actions, axes, indicators, objectives};
use crate::domain::{ActionStatus, Direction, Frequency, IndicatorKind, IndicatorType};
use crate::evaluation::{
    achievement, action_progress, mean_progress, round_achievement, round_progress,
};
use crate::indicators::model::latest_measurements;
use crate::notes::model::{latest_by_action, LatestNote};
use crate::objectives::model::code as objective_code;

/// How many of an action's notes the plan tree shows.
const LATEST_NOTES: i64 = 3;

#[derive(Queryable)]
struct ObjectiveRow {
    id: Uuid,
    axis_id: Uuid,
    number: i32,
    title: String,
    description: Option<String>,
}

#[derive(Queryable)]
struct ActionRow {
    id: Uuid,
    objective_id: Uuid,
    number: i32,
    title: String,
    priority: bool,
    status: ActionStatus,
    progress: Option<i16>,
    start_year: Option<i32>,
    end_year: Option<i32>,
    schedule_note: Option<String>,
}

#[derive(Queryable)]
struct IndicatorRow {
    id: Uuid,
    action_id: Uuid,
    indicator_type: IndicatorType,
    label: String,
    kind: IndicatorKind,
    unit: Option<String>,
    baseline_value: Option<f64>,
    target_value: Option<f64>,
    direction: Direction,
    frequency: Frequency,
    scale_min: Option<f64>,
    scale_max: Option<f64>,
}

/// Groups rows by a key, keeping their order.
fn group<K: std::hash::Hash + Eq, T>(rows: Vec<T>, key: impl Fn(&T) -> K) -> HashMap<K, Vec<T>> {
    let mut groups: HashMap<K, Vec<T>> = HashMap::new();
    for row in rows {
        groups.entry(key(&row)).or_default().push(row);
    }
    groups
}

/// The plan of `convention`, already read (and its reader's right checked) by the caller.
pub fn build(conn: &mut PgConnection, convention: Convention) -> QueryResult<PlanOut> {
    let id = convention.id;
    let axis_rows: Vec<Axis> = axes::table
        .filter(axes::convention_id.eq(id))
        .order((axes::number, axes::id))
        .select(Axis::as_select())
        .load(conn)?;
    let objective_rows: Vec<ObjectiveRow> = objectives::table
        .inner_join(axes::table)
        .filter(axes::convention_id.eq(id))
        .order((objectives::number, objectives::id))
        .select((
            objectives::id,
            objectives::axis_id,
            objectives::number,
            objectives::title,
            objectives::description,
        ))
        .load(conn)?;
    let action_rows: Vec<ActionRow> = actions::table
        .inner_join(objectives::table.inner_join(axes::table))
        .filter(axes::convention_id.eq(id))
        .order((actions::number, actions::id))
        .select((
            actions::id,
            actions::objective_id,
            actions::number,
            actions::title,
            actions::priority,
            actions::status,
            actions::progress,
            actions::start_year,
            actions::end_year,
            actions::schedule_note,
        ))
        .load(conn)?;
    let action_ids: Vec<Uuid> = action_rows.iter().map(|a| a.id).collect();
    let pilots: Vec<(Uuid, Uuid, Option<String>)> = action_pilots::table
        .filter(action_pilots::action_id.eq_any(&action_ids))
        .order((action_pilots::action_id, action_pilots::position))
        .select((
            action_pilots::action_id,
            action_pilots::partner_id,
            action_pilots::note,
        ))
        .load(conn)?;
    let indicator_rows: Vec<IndicatorRow> = indicators::table
        .filter(indicators::action_id.eq_any(&action_ids))
        .order((indicators::action_id, indicators::position, indicators::id))
        .select((
            indicators::id,
            indicators::action_id,
            indicators::type_,
            indicators::label,
            indicators::kind,
            indicators::unit,
            indicators::baseline_value,
            indicators::target_value,
            indicators::direction,
            indicators::frequency,
            indicators::scale_min,
            indicators::scale_max,
        ))
        .load(conn)?;
    let indicator_ids: Vec<Uuid> = indicator_rows.iter().map(|i| i.id).collect();
    let mut latest: HashMap<Uuid, LatestValue> = latest_measurements(conn, &indicator_ids)?
        .into_iter()
        .map(|(indicator, (period, value))| (indicator, LatestValue { period, value }))
        .collect();
    let notes = latest_by_action(conn, &action_ids, LATEST_NOTES)?;

    let mut notes = group(notes, |note| note.action_id);
    let mut pilots = group(pilots, |(action, ..)| *action);
    let mut indicators = group(indicator_rows, |i| i.action_id);
    let mut actions = group(action_rows, |a| a.objective_id);
    let mut objectives = group(objective_rows, |o| o.axis_id);

    // Parents average their children's unrounded progress; rounding happens on the way out.
    let mut axis_progress = Vec::new();
    let axes: Vec<PlanAxis> = axis_rows
        .into_iter()
        .map(|axis| {
            let mut objective_progress = Vec::new();
            let objectives: Vec<PlanObjective> = objectives
                .remove(&axis.id)
                .unwrap_or_default()
                .into_iter()
                .map(|objective| {
                    let code = objective_code(axis.number, objective.number);
                    let mut action_progress = Vec::new();
                    let actions: Vec<PlanAction> = actions
                        .remove(&objective.id)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|action| {
                            let indicators: Vec<(PlanIndicator, Option<f64>)> = indicators
                                .remove(&action.id)
                                .unwrap_or_default()
                                .into_iter()
                                .map(|row| indicator(row, &mut latest))
                                .collect();
                            let pilots = pilots.remove(&action.id).unwrap_or_default();
                            let notes = notes.remove(&action.id).unwrap_or_default();
                            let (action, progress) =
                                plan_action(&code, action, indicators, pilots, notes);
                            action_progress.push(progress);
                            action
                        })
                        .collect();
                    let progress = mean_progress(&action_progress);
                    objective_progress.push(progress);
                    PlanObjective {
                        id: objective.id,
                        code,
                        number: objective.number,
                        title: objective.title,
                        description: objective.description,
                        progress: progress.map(round_progress),
                        actions,
                    }
                })
                .collect();
            let progress = mean_progress(&objective_progress);
            axis_progress.push(progress);
            PlanAxis {
                id: axis.id,
                number: axis.number,
                title: axis.title,
                description: axis.description,
                progress: progress.map(round_progress),
                objectives,
            }
        })
        .collect();
    let progress = mean_progress(&axis_progress);
    Ok(PlanOut {
        convention: PlanConvention {
            id: convention.id,
            name: convention.name,
            territory: convention.territory,
            start_year: convention.start_year,
            end_year: convention.end_year,
            status: convention.status,
        },
        progress: progress.map(round_progress),
        axes,
    })
}

/// The indicator as shown, and its unrounded achievement.
fn indicator(
    row: IndicatorRow,
    latest: &mut HashMap<Uuid, LatestValue>,
) -> (PlanIndicator, Option<f64>) {
    let latest = latest.remove(&row.id);
    let scale = row.scale_min.zip(row.scale_max);
    let achievement = achievement(
        row.kind,
        row.direction,
        scale,
        row.baseline_value,
        row.target_value,
        latest.as_ref().map(|l| &l.value),
    );
    let shown = PlanIndicator {
        id: row.id,
        indicator_type: row.indicator_type,
        label: row.label,
        kind: row.kind,
        unit: row.unit,
        baseline_value: row.baseline_value,
        target_value: row.target_value,
        direction: row.direction,
        frequency: row.frequency,
        latest,
        achievement: achievement.map(round_achievement),
    };
    (shown, achievement)
}

/// The action as shown, and its unrounded progress.
fn plan_action(
    objective_code: &str,
    action: ActionRow,
    indicators: Vec<(PlanIndicator, Option<f64>)>,
    pilots: Vec<(Uuid, Uuid, Option<String>)>,
    notes: Vec<LatestNote>,
) -> (PlanAction, Option<f64>) {
    let achievements: Vec<Option<f64>> = indicators.iter().map(|(_, a)| *a).collect();
    let progress = action_progress(&achievements, action.progress);
    let shown = PlanAction {
        id: action.id,
        code: format!("{objective_code}.{}", action.number),
        number: action.number,
        title: action.title,
        priority: action.priority,
        status: action.status,
        progress: progress.map(round_progress),
        manual_progress: action.progress,
        start_year: action.start_year,
        end_year: action.end_year,
        schedule_note: action.schedule_note,
        pilots: pilots
            .into_iter()
            .map(|(_, partner_id, note)| PartnerRoleOut { partner_id, note })
            .collect(),
        indicators: indicators.into_iter().map(|(shown, _)| shown).collect(),
        latest_notes: notes
            .into_iter()
            .map(|note| PlanNote {
                id: note.id,
                date: note.date,
                text: note.text,
                author_id: note.author_id,
                author_name: note.author_name,
            })
            .collect(),
    };
    (shown, progress)
}

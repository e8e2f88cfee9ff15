//! What the statistics read besides the plan tree (due indicators, recent changes), and the
//! counts derived from the tree, shared with the annual report.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{DueIndicator, LateAction, RecentAction, StatusCounts, Totals};
use crate::db::schema::{actions, axes, objectives};
use crate::domain::ActionStatus;
use crate::http::page::Page;
use crate::indicators::model::{DuePeriods, Indicator, IndicatorFilter};
use crate::plan::dto::{PlanAction, PlanOut};

/// How many recently changed actions the statistics show.
pub const RECENT_ACTIONS: i64 = 10;

/// The most due indicators listed (the count is exact whatever their number).
const MAX_DUE_LISTED: i64 = 10_000;

/// Counts of a plan tree, as the statistics and the annual report give them.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub totals: Totals,
    pub late_actions: Vec<LateAction>,
}

/// Whether an action is late in `current_year`: its end year has passed and it is neither done
/// nor abandoned (the rule of `GET /conventions/{id}/actions?overdue=true`).
pub fn is_late(action: &PlanAction, current_year: i32) -> bool {
    action.end_year.is_some_and(|end| end < current_year) && !action.status.is_closed()
}

/// The counts of `plan`, with `due_indicators` counted elsewhere (`due_indicators`).
pub fn summarise(plan: &PlanOut, due_indicators: i64, current_year: i32) -> Summary {
    let mut totals = Totals {
        axes: plan.axes.len() as i64,
        objectives: 0,
        actions: 0,
        indicators: 0,
        actions_by_status: StatusCounts::default(),
        priority_actions: 0,
        late_actions: 0,
        due_indicators,
    };
    let mut late_actions = Vec::new();
    for axis in &plan.axes {
        totals.objectives += axis.objectives.len() as i64;
        for objective in &axis.objectives {
            for action in &objective.actions {
                totals.actions += 1;
                totals.indicators += action.indicators.len() as i64;
                totals.actions_by_status.add(action.status);
                if action.priority {
                    totals.priority_actions += 1;
                }
                if is_late(action, current_year) {
                    late_actions.push(LateAction {
                        id: action.id,
                        code: action.code.clone(),
                        title: action.title.clone(),
                        status: action.status,
                        end_year: action.end_year,
                    });
                }
            }
        }
    }
    totals.late_actions = late_actions.len() as i64;
    Summary {
        totals,
        late_actions,
    }
}

/// The indicators of the convention whose value is due on `today` (Europe/Paris), in code
/// order, and their exact count: the same selection as `GET /conventions/{id}/indicators?due=true`.
pub fn due_indicators(
    conn: &mut PgConnection,
    convention_id: Uuid,
    today: NaiveDate,
) -> QueryResult<(Vec<DueIndicator>, i64)> {
    let filter = IndicatorFilter {
        due: Some(true),
        ..IndicatorFilter::default()
    };
    let page = Page {
        limit: MAX_DUE_LISTED,
        offset: 0,
    };
    let (items, total) =
        Indicator::list_in_convention(conn, convention_id, &filter, &DuePeriods::on(today), page)?;
    let due = items
        .into_iter()
        .map(|follow_up| DueIndicator {
            id: follow_up.record.indicator.id,
            action_id: follow_up.record.indicator.action_id,
            action_code: follow_up.record.placement.code(),
            label: follow_up.record.indicator.label,
            period: follow_up.due_period,
        })
        .collect();
    Ok((due, total))
}

/// The convention's actions changed most recently, the latest first: one query.
pub fn recently_changed_actions(
    conn: &mut PgConnection,
    convention_id: Uuid,
) -> QueryResult<Vec<RecentAction>> {
    // id, axis, objective and action numbers, title, status, last change.
    type Row = (Uuid, i32, i32, i32, String, ActionStatus, DateTime<Utc>);
    let rows: Vec<Row> = actions::table
        .inner_join(objectives::table.inner_join(axes::table))
        .filter(axes::convention_id.eq(convention_id))
        .order((actions::updated_at.desc(), actions::id))
        .limit(RECENT_ACTIONS)
        .select((
            actions::id,
            axes::number,
            objectives::number,
            actions::number,
            actions::title,
            actions::status,
            actions::updated_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, axis, objective, number, title, status, updated_at)| RecentAction {
                id,
                code: format!("{axis}.{objective}.{number}"),
                title,
                status,
                updated_at,
            },
        )
        .collect())
}

//! Statistics over HTTP.

use actix_web::{get, web};
use uuid::Uuid;

use super::dto::{AxisStats, ObjectiveStats, StatsOut, StatusCounts};
use super::model::{due_indicators, recently_changed_actions, summarise};
use crate::auth::{AuthUser, Capability};
use crate::conventions::model::Convention;
use crate::db::{self, DbPool};
use crate::error::{ApiError, OrNotFound};
use crate::plan::dto::PlanOut;

/// Counts and progress of a convention, for dashboards.
///
/// Every member of the convention may read them. Actions by status (overall and per axis),
/// progress per axis and objective (as in the plan tree), late actions (end year passed in
/// Europe/Paris, neither done nor abandoned), indicators whose value is due, and the 10 actions
/// changed most recently. `totals` are the annual report's `summary` for the same data.
#[utoipa::path(
    tag = "reports",
    params(("id" = Uuid, Path, description = "The convention's id")),
    responses((status = 200, body = StatsOut))
)]
#[get("/conventions/{id}/stats")]
pub async fn get_stats(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<web::Json<StatsOut>, ApiError> {
    let id = id.into_inner();
    let today = crate::time::today();
    let stats = db::read(&pool, move |conn| {
        let convention = Convention::find(conn, id).or_not_found("convention")?;
        user.require(Capability::ReadPlan, id, None)?;
        let plan = crate::plan::build(conn, convention)?;
        let (due, due_count) = due_indicators(conn, id, today)?;
        let recent = recently_changed_actions(conn, id)?;
        Ok(stats_of(plan, due, due_count, recent, today))
    })
    .await?;
    Ok(web::Json(stats))
}

fn stats_of(
    plan: PlanOut,
    due_indicators: Vec<super::dto::DueIndicator>,
    due_count: i64,
    recently_changed_actions: Vec<super::dto::RecentAction>,
    today: chrono::NaiveDate,
) -> StatsOut {
    use chrono::Datelike;
    let current_year = today.year();
    let summary = summarise(&plan, due_count, current_year);
    let axes = plan
        .axes
        .into_iter()
        .map(|axis| {
            let mut actions_by_status = StatusCounts::default();
            let objectives = axis
                .objectives
                .into_iter()
                .map(|objective| {
                    for action in &objective.actions {
                        actions_by_status.add(action.status);
                    }
                    ObjectiveStats {
                        id: objective.id,
                        code: objective.code,
                        title: objective.title,
                        progress: objective.progress,
                        actions: objective.actions.len() as i64,
                    }
                })
                .collect();
            AxisStats {
                id: axis.id,
                number: axis.number,
                title: axis.title,
                progress: axis.progress,
                actions_by_status,
                objectives,
            }
        })
        .collect();
    StatsOut {
        convention_id: plan.convention.id,
        generated_at: chrono::Utc::now(),
        current_year,
        totals: summary.totals,
        progress: plan.progress,
        axes,
        late_actions: summary.late_actions,
        due_indicators,
        recently_changed_actions,
    }
}

//! Statistics on the wire.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::{ActionStatus, Period};

/// How many actions stand at each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct StatusCounts {
    pub planned: i64,
    pub in_progress: i64,
    pub done: i64,
    pub suspended: i64,
    pub abandoned: i64,
}

impl StatusCounts {
    pub fn add(&mut self, status: ActionStatus) {
        match status {
            ActionStatus::Planned => self.planned += 1,
            ActionStatus::InProgress => self.in_progress += 1,
            ActionStatus::Done => self.done += 1,
            ActionStatus::Suspended => self.suspended += 1,
            ActionStatus::Abandoned => self.abandoned += 1,
        }
    }

    pub fn total(&self) -> i64 {
        self.planned + self.in_progress + self.done + self.suspended + self.abandoned
    }
}

/// A convention's statistics for dashboards.
///
/// Computed from the plan tree (`GET /conventions/{id}/plan`): `progress` has the same meaning
/// and the same value there, and `totals` are the annual report's `summary` for the same data.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsOut {
    pub convention_id: Uuid,
    /// When these figures were computed.
    pub generated_at: DateTime<Utc>,
    /// The year (Europe/Paris) against which lateness was judged.
    pub current_year: i32,
    pub totals: Totals,
    /// The convention's progress (0-100), mean of the axes' progress, or null.
    pub progress: Option<f64>,
    /// Per axis, in the plan's order.
    pub axes: Vec<AxisStats>,
    /// Actions whose end year has passed (Europe/Paris) and that are neither done nor abandoned,
    /// in code order.
    pub late_actions: Vec<LateAction>,
    /// Indicators whose value is due: the last completed period of their frequency lies within
    /// the convention's years and has no measurement (as `GET /conventions/{id}/indicators?due=true`).
    pub due_indicators: Vec<DueIndicator>,
    /// The 10 actions changed most recently, the latest first.
    pub recently_changed_actions: Vec<RecentAction>,
}

/// Counts over the whole convention.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Totals {
    pub axes: i64,
    pub objectives: i64,
    pub actions: i64,
    pub indicators: i64,
    pub actions_by_status: StatusCounts,
    pub priority_actions: i64,
    pub late_actions: i64,
    pub due_indicators: i64,
}

/// An axis' counts and progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct AxisStats {
    pub id: Uuid,
    pub number: i32,
    pub title: String,
    /// Mean of the objectives' progress (0-100), or null.
    pub progress: Option<f64>,
    pub actions_by_status: StatusCounts,
    pub objectives: Vec<ObjectiveStats>,
}

/// An objective's progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectiveStats {
    pub id: Uuid,
    /// "1.2".
    pub code: String,
    pub title: String,
    /// Mean of the actions' progress (0-100), or null.
    pub progress: Option<f64>,
    pub actions: i64,
}

/// An action past its end year and not finished.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LateAction {
    pub id: Uuid,
    /// "1.2.1".
    pub code: String,
    pub title: String,
    pub status: ActionStatus,
    pub end_year: Option<i32>,
}

/// An indicator whose value for `period` is awaited.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueIndicator {
    pub id: Uuid,
    pub label: String,
    pub action_id: Uuid,
    /// The action's code, "1.2.1".
    pub action_code: String,
    /// The period whose value is missing.
    pub period: Period,
}

/// An action and when it last changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecentAction {
    pub id: Uuid,
    /// "1.2.1".
    pub code: String,
    pub title: String,
    pub status: ActionStatus,
    pub updated_at: DateTime<Utc>,
}

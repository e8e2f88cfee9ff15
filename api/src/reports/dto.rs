//! The annual report on the wire: a versioned schema for the Caf reporting integration.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::{
    ActionStatus, Direction, Frequency, IndicatorKind, IndicatorType, MeasuredValue, Period,
};
use crate::plan::dto::PlanConvention;
use crate::stats::dto::{LateAction, Totals};

/// The version of the annual report's schema; bumped on any change a client must know about.
pub const SCHEMA_VERSION: i32 = 1;

/// The annual report (bilan annuel) of a convention for one year.
///
/// The plan's structure and follow-up as they stand when the report is generated, with each
/// indicator's value for `year` and for the year before. `progress` (axes, objectives, actions)
/// and `summary` are the figures of the plan tree and of `GET /conventions/{id}/stats` for the
/// same data: progress from each indicator's latest value, lateness and due values judged on the
/// day of generation (Europe/Paris). An indicator's `achievement` here is that of the year's
/// value.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnnualReport {
    /// The version of this schema: 1.
    pub schema_version: i32,
    /// The year reported on.
    pub year: i32,
    pub generated_at: DateTime<Utc>,
    pub convention: PlanConvention,
    /// The convention's progress (0-100), mean of the axes' progress, or null.
    pub progress: Option<f64>,
    pub summary: Totals,
    /// Actions past their end year and neither done nor abandoned, in code order.
    pub late_actions: Vec<LateAction>,
    pub axes: Vec<ReportAxis>,
}

/// An axis in the report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportAxis {
    pub id: Uuid,
    pub number: i32,
    pub title: String,
    /// Mean of the objectives' progress (0-100), or null.
    pub progress: Option<f64>,
    pub objectives: Vec<ReportObjective>,
}

/// An objective in the report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportObjective {
    pub id: Uuid,
    /// "1.2".
    pub code: String,
    pub number: i32,
    pub title: String,
    /// Mean of the actions' progress (0-100), or null.
    pub progress: Option<f64>,
    pub actions: Vec<ReportAction>,
}

/// A fiche-action in the report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportAction {
    pub id: Uuid,
    /// "1.2.1".
    pub code: String,
    pub number: i32,
    pub title: String,
    pub priority: bool,
    pub status: ActionStatus,
    /// Past its end year and neither done nor abandoned.
    pub late: bool,
    /// As in the plan tree: mean of the indicators' achievements × 100 (latest values), or the
    /// manual estimate; null when neither exists.
    pub progress: Option<f64>,
    /// The référents-pilotes, in the fiche's order.
    pub pilots: Vec<ReportPilot>,
    pub schedule: Schedule,
    /// The follow-up journal's notes dated within the year, oldest first.
    pub notes: Vec<ReportNote>,
    pub indicators: Vec<ReportIndicator>,
}

/// A référent-pilote: a partner organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportPilot {
    pub partner_id: Uuid,
    pub name: String,
    pub acronym: Option<String>,
    pub note: Option<String>,
}

/// When the action runs.
#[derive(Debug, Serialize, ToSchema)]
pub struct Schedule {
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    /// In words, e.g. "fin 2023".
    pub schedule_note: Option<String>,
}

/// A note of the follow-up journal.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportNote {
    pub id: Uuid,
    pub date: NaiveDate,
    pub text: String,
    pub author_id: Uuid,
    /// The author's current display name.
    pub author_name: String,
}

/// An indicator with its values for the year and the year before.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportIndicator {
    pub id: Uuid,
    #[serde(rename = "type")]
    pub indicator_type: IndicatorType,
    pub label: String,
    pub kind: IndicatorKind,
    pub unit: Option<String>,
    pub direction: Direction,
    pub frequency: Frequency,
    pub baseline_value: Option<f64>,
    pub baseline_period: Option<Period>,
    pub target_value: Option<f64>,
    pub target_period: Option<Period>,
    /// The value of the report's year: the measurement of the annual period, or, for
    /// semiannual, quarterly and monthly indicators, of the latest period within the year that
    /// has one (its `period` says which); null when the year has none.
    pub year_value: Option<YearValue>,
    /// The value of the year before, chosen the same way.
    pub previous_year_value: Option<YearValue>,
    /// Fraction 0-1 of the way from baseline to target reached by `year_value`, clamped (the
    /// plan tree's rule); null when not measurable.
    pub achievement: Option<f64>,
}

/// A measured value and the period it was measured for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct YearValue {
    pub period: Period,
    pub value: MeasuredValue,
}

//! The plan tree on the wire.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::actions::dto::PartnerRoleOut;
use crate::domain::{
    ActionStatus, ConventionStatus, Direction, Frequency, IndicatorKind, IndicatorType,
    MeasuredValue, Period,
};

/// A convention's whole plan, with progress at every level.
///
/// `achievement` (indicator) is a fraction 0-1 of the way from baseline to target reached by the
/// latest measurement, clamped; `progress` (action, objective, axis, convention) is a percentage
/// 0-100: an action's is the mean of its indicators' achievements × 100 (its manual `progress`
/// when none of them has one); an objective's, an axis' and the convention's are the plain mean
/// of their children's progress, leaving out children without one. `null` where nothing is
/// measurable.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanOut {
    pub convention: PlanConvention,
    /// Mean of the axes' progress (0-100), or null.
    pub progress: Option<f64>,
    pub axes: Vec<PlanAxis>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanConvention {
    pub id: Uuid,
    pub name: String,
    pub territory: String,
    pub start_year: i32,
    pub end_year: i32,
    pub status: ConventionStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanAxis {
    pub id: Uuid,
    pub number: i32,
    pub title: String,
    pub description: Option<String>,
    /// Mean of the objectives' progress (0-100), or null.
    pub progress: Option<f64>,
    pub objectives: Vec<PlanObjective>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanObjective {
    pub id: Uuid,
    /// "1.2".
    pub code: String,
    pub number: i32,
    pub title: String,
    pub description: Option<String>,
    /// Mean of the actions' progress (0-100), or null.
    pub progress: Option<f64>,
    pub actions: Vec<PlanAction>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanAction {
    pub id: Uuid,
    /// "1.2.1".
    pub code: String,
    pub number: i32,
    pub title: String,
    pub priority: bool,
    pub status: ActionStatus,
    /// Mean of the indicators' achievements × 100, or the manual estimate when no indicator
    /// has an achievement; null when neither exists.
    pub progress: Option<f64>,
    /// The manual estimate as recorded (0-100).
    pub manual_progress: Option<i16>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub schedule_note: Option<String>,
    pub pilots: Vec<PartnerRoleOut>,
    pub indicators: Vec<PlanIndicator>,
    /// The follow-up journal's latest notes (at most 3), newest first; the whole journal is
    /// at `/actions/{id}/notes`.
    pub latest_notes: Vec<PlanNote>,
}

/// A note of the follow-up journal, as the plan tree shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanNote {
    pub id: Uuid,
    pub date: NaiveDate,
    pub text: String,
    pub author_id: Uuid,
    /// The author's current display name.
    pub author_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanIndicator {
    pub id: Uuid,
    #[serde(rename = "type")]
    pub indicator_type: IndicatorType,
    pub label: String,
    pub kind: IndicatorKind,
    pub unit: Option<String>,
    pub baseline_value: Option<f64>,
    pub target_value: Option<f64>,
    pub direction: Direction,
    pub frequency: Frequency,
    /// The most recent measurement, or null.
    pub latest: Option<LatestValue>,
    /// Fraction 0-1 of the way from baseline to target, clamped; null when not measurable.
    pub achievement: Option<f64>,
}

/// An indicator's most recent value.
#[derive(Debug, Serialize, ToSchema)]
pub struct LatestValue {
    pub period: Period,
    pub value: MeasuredValue,
}

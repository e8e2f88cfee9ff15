//! The filters of a list of actions, parsed from the query string with the parameter at fault
//! named (400).

use serde::Deserialize;
use utoipa::IntoParams;

use super::model::ActionFilter;
use crate::domain::ActionStatus;
use crate::error::ApiError;
use crate::http::query::{boolean, invalid, uuid, word};

/// Filters of a list of fiches-actions (all optional, combined with AND).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionListParams {
    /// Only the actions under this axis.
    #[param(value_type = Option<Uuid>)]
    pub axis: Option<String>,
    /// Only the actions under this objective.
    #[param(value_type = Option<Uuid>)]
    pub objective: Option<String>,
    /// Only the actions with this status.
    #[param(value_type = Option<ActionStatus>)]
    pub status: Option<String>,
    /// Only priority actions (`true`) or only the others (`false`).
    #[param(value_type = Option<bool>)]
    pub priority: Option<String>,
    /// Only the actions whose référents-pilotes include this partner.
    #[param(value_type = Option<Uuid>)]
    pub pilot: Option<String>,
    /// Only the actions under the axes this thematic committee follows.
    #[param(value_type = Option<Uuid>)]
    pub committee: Option<String>,
    /// Words in the title or context (case and accents ignored), or an exact code ("1.2.1").
    pub q: Option<String>,
    /// `true`: actions whose end year has passed (Europe/Paris) and that are neither done nor
    /// abandoned; `false`: the others.
    #[param(value_type = Option<bool>)]
    pub overdue: Option<String>,
}

impl ActionListParams {
    pub fn parse(self) -> Result<ActionFilter, ApiError> {
        let q = self.q.filter(|q| !q.trim().is_empty());
        if q.as_ref().is_some_and(|q| q.chars().count() > 200) {
            return Err(invalid("q", "must be at most 200 characters"));
        }
        Ok(ActionFilter {
            convention_id: None,
            axis_id: uuid("axis", self.axis)?,
            objective_id: uuid("objective", self.objective)?,
            status: word("status", self.status, ActionStatus::parse)?,
            priority: boolean("priority", self.priority)?,
            pilot: uuid("pilot", self.pilot)?,
            committee: uuid("committee", self.committee)?,
            q,
            overdue: boolean("overdue", self.overdue)?
                .map(|overdue| (overdue, crate::time::current_year())),
        })
    }
}

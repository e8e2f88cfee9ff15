//! The filters of a convention's list of indicators, parsed from the query string with the
//! parameter at fault named (400).

use serde::Deserialize;
use utoipa::IntoParams;

use super::model::IndicatorFilter;
use crate::domain::{IndicatorKind, IndicatorType};
use crate::error::ApiError;
use crate::http::query::{boolean, uuid, word};

/// Filters of a convention's indicators (all optional, combined with AND).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorListParams {
    /// Only the indicators of this type.
    #[serde(rename = "type")]
    #[param(rename = "type", value_type = Option<IndicatorType>)]
    pub indicator_type: Option<String>,
    /// Only the indicators of this kind.
    #[param(value_type = Option<IndicatorKind>)]
    pub kind: Option<String>,
    /// Only the indicators of the actions under this axis.
    #[param(value_type = Option<Uuid>)]
    pub axis: Option<String>,
    /// Only the indicators of this action.
    #[param(value_type = Option<Uuid>)]
    pub action: Option<String>,
    /// `true`: only the indicators whose value is due (the last completed period of their
    /// frequency, in Europe/Paris, lies within the convention's years and has no measurement);
    /// `false`: only the others.
    #[param(value_type = Option<bool>)]
    pub due: Option<String>,
}

impl IndicatorListParams {
    pub fn parse(self) -> Result<IndicatorFilter, ApiError> {
        Ok(IndicatorFilter {
            indicator_type: word("type", self.indicator_type, IndicatorType::parse)?,
            kind: word("kind", self.kind, IndicatorKind::parse)?,
            axis_id: uuid("axis", self.axis)?,
            action_id: uuid("action", self.action)?,
            due: boolean("due", self.due)?,
        })
    }
}

//! What a read of one fiche embeds besides the fiche itself (`include`), so that a client that
//! shows a fiche with its indicators gets both in one request instead of two.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::http::query::invalid;

/// A related list a fiche can embed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionInclude {
    Indicators,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionReadParams {
    /// `indicators`: the response also carries the fiche's indicators, in its order, as
    /// `GET /actions/{id}/indicators` gives them.
    #[param(value_type = Option<ActionInclude>, inline)]
    pub include: Option<String>,
}

impl ActionReadParams {
    pub fn parse(self) -> Result<Option<ActionInclude>, ApiError> {
        self.include
            .map(|value| match value.as_str() {
                "indicators" => Ok(ActionInclude::Indicators),
                _ => Err(invalid("include", "must be `indicators`")),
            })
            .transpose()
    }
}

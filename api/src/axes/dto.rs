//! Axes on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{Axis, AxisChanges, NewAxis};
use crate::domain::{At, Invalid, LongText, Number, Title};
use crate::http::patch::Patch;
use crate::http::respond::Versioned;
use crate::parse_fields;

/// An axis: level 1 of a convention's plan (an orientation).
#[derive(Debug, Serialize, ToSchema)]
pub struct AxisOut {
    pub id: Uuid,
    pub convention_id: Uuid,
    /// Its number within the convention (1 to 999), unique there: the first part of codes.
    pub number: i32,
    /// "Accès aux droits".
    pub title: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A new axis of a convention.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AxisCreate {
    /// 1 to 999, not yet used in the convention.
    #[schema(value_type = Number)]
    pub number: i32,
    #[schema(value_type = Title)]
    pub title: String,
    #[schema(value_type = Option<LongText>)]
    pub description: Option<String>,
}

/// Changes to an axis (JSON Merge Patch). A new number changes its objectives' codes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AxisUpdate {
    #[serde(default)]
    #[schema(value_type = Number)]
    pub number: Patch<i32>,
    #[serde(default)]
    #[schema(value_type = Title)]
    pub title: Patch<String>,
    /// `null` clears it.
    #[serde(default)]
    #[schema(value_type = Option<LongText>)]
    pub description: Patch<String>,
}

impl From<Axis> for AxisOut {
    fn from(a: Axis) -> Self {
        Self {
            id: a.id,
            convention_id: a.convention_id,
            number: a.number,
            title: a.title,
            description: a.description,
            created_at: a.created_at,
            updated_at: a.updated_at,
            version: a.version,
        }
    }
}

impl Versioned for AxisOut {
    fn version(&self) -> i32 {
        self.version
    }
}

fn description(value: String) -> Result<String, String> {
    LongText::parse(value).map(LongText::into_inner)
}

impl AxisCreate {
    pub fn parse(self, convention_id: Uuid) -> Result<NewAxis, Invalid> {
        parse_fields!(
            number = Number::parse(self.number).at("number"),
            title = Title::parse(self.title).at("title"),
            description = self
                .description
                .map(description)
                .transpose()
                .at("description"),
        );
        Ok(NewAxis {
            id: Uuid::now_v7(),
            convention_id,
            number: number.get(),
            title: title.into_inner(),
            description,
        })
    }
}

impl AxisUpdate {
    pub fn parse(self) -> Result<AxisChanges, Invalid> {
        parse_fields!(
            number = self.number.into_required("number"),
            title = self.title.into_required("title"),
        );
        parse_fields!(
            number = number.map(Number::parse).transpose().at("number"),
            title = title.map(Title::parse).transpose().at("title"),
            description = self
                .description
                .into_nullable()
                .map(|value| value.map(description).transpose())
                .transpose()
                .at("description"),
        );
        Ok(AxisChanges {
            number: number.map(Number::get),
            title: title.map(Title::into_inner),
            description,
        })
    }
}

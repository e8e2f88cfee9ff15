//! Objectives on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{NewObjective, Objective, ObjectiveChanges};
use crate::domain::{At, Invalid, LongText, Number, Title};
use crate::http::patch::Patch;
use crate::http::respond::Versioned;
use crate::parse_fields;

/// An objective: level 2 of a plan, under an axis.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectiveOut {
    pub id: Uuid,
    pub axis_id: Uuid,
    pub convention_id: Uuid,
    /// "<axis number>.<objective number>" ("1.2"), derived: it follows its axis' number.
    pub code: String,
    /// Its number within the axis (1 to 999), unique there.
    pub number: i32,
    pub title: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A new objective of an axis.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveCreate {
    /// 1 to 999, not yet used in the axis.
    #[schema(value_type = Number)]
    pub number: i32,
    #[schema(value_type = Title)]
    pub title: String,
    #[schema(value_type = Option<LongText>)]
    pub description: Option<String>,
}

/// Changes to an objective (JSON Merge Patch).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveUpdate {
    /// Moves the objective to another axis of the same convention.
    #[serde(default)]
    #[schema(value_type = Uuid)]
    pub axis_id: Patch<Uuid>,
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

impl From<Objective> for ObjectiveOut {
    fn from(o: Objective) -> Self {
        Self {
            code: o.code(),
            id: o.id,
            axis_id: o.axis_id,
            convention_id: o.convention_id,
            number: o.number,
            title: o.title,
            description: o.description,
            created_at: o.created_at,
            updated_at: o.updated_at,
            version: o.version,
        }
    }
}

impl Versioned for ObjectiveOut {
    fn version(&self) -> i32 {
        self.version
    }
}

fn description(value: String) -> Result<String, String> {
    LongText::parse(value).map(LongText::into_inner)
}

impl ObjectiveCreate {
    pub fn parse(self, axis_id: Uuid) -> Result<NewObjective, Invalid> {
        parse_fields!(
            number = Number::parse(self.number).at("number"),
            title = Title::parse(self.title).at("title"),
            description = self
                .description
                .map(description)
                .transpose()
                .at("description"),
        );
        Ok(NewObjective {
            id: Uuid::now_v7(),
            axis_id,
            number: number.get(),
            title: title.into_inner(),
            description,
        })
    }
}

impl ObjectiveUpdate {
    pub fn parse(self) -> Result<ObjectiveChanges, Invalid> {
        parse_fields!(
            axis_id = self.axis_id.into_required("axis_id"),
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
        Ok(ObjectiveChanges {
            axis_id,
            number: number.map(Number::get),
            title: title.map(Title::into_inner),
            description,
        })
    }
}

//! Committees on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{CommitteeChanges, CommitteeDetail, NewCommittee, COPIL_HAS_NO_AXES};
use crate::conventions::dto::distinct_ids;
use crate::domain::{At, CommitteeKind, Invalid, Title};
use crate::error::FieldError;
use crate::http::patch::Patch;
use crate::http::respond::Versioned;
use crate::parse_fields;

/// A committee of a convention: its COPIL (comité de pilotage), or a thematic technical
/// committee following some axes of the plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommitteeOut {
    pub id: Uuid,
    pub convention_id: Uuid,
    /// "Comité technique Petite enfance – Enfance – Jeunesse".
    pub name: String,
    pub kind: CommitteeKind,
    /// The axes a thematic committee follows, in axis number order (always empty for a COPIL):
    /// the scope of its members' `committee` role.
    pub axis_ids: Vec<Uuid>,
    /// The partner organisations sitting on it, in the committee's order.
    pub member_partner_ids: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A new committee.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitteeCreate {
    #[schema(value_type = Title)]
    pub name: String,
    pub kind: CommitteeKind,
    /// Thematic committees only: axes of the same convention, each at most once.
    #[serde(default)]
    pub axis_ids: Vec<Uuid>,
    /// Partner ids, each at most once, in the order to show them.
    #[serde(default)]
    pub member_partner_ids: Vec<Uuid>,
}

/// Changes to a committee (JSON Merge Patch): a list, when present, replaces the whole list
/// (`null` is refused: send `[]` to empty it).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitteeUpdate {
    #[serde(default)]
    #[schema(value_type = Title)]
    pub name: Patch<String>,
    /// Becoming a COPIL requires that it covers no axes (send `"axis_ids": []` with it) and
    /// that no member holds a `committee` role on it.
    #[serde(default)]
    #[schema(value_type = CommitteeKind)]
    pub kind: Patch<CommitteeKind>,
    #[serde(default)]
    #[schema(value_type = Vec<Uuid>)]
    pub axis_ids: Patch<Vec<Uuid>>,
    #[serde(default)]
    #[schema(value_type = Vec<Uuid>)]
    pub member_partner_ids: Patch<Vec<Uuid>>,
}

impl From<CommitteeDetail> for CommitteeOut {
    fn from(detail: CommitteeDetail) -> Self {
        let c = detail.committee;
        Self {
            id: c.id,
            convention_id: c.convention_id,
            name: c.name,
            kind: c.kind,
            axis_ids: detail.axis_ids,
            member_partner_ids: detail.member_partner_ids,
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
        }
    }
}

impl Versioned for CommitteeOut {
    fn version(&self) -> i32 {
        self.version
    }
}

impl CommitteeCreate {
    /// The committee, checked on its own; `model::check_references` then checks its axes and
    /// partners against the database.
    pub fn parse(self, convention_id: Uuid) -> Result<NewCommittee, Invalid> {
        let kind = self.kind;
        parse_fields!(
            name = Title::parse(self.name).at("name"),
            axis_ids = axes_for(kind, self.axis_ids),
            member_partner_ids = distinct_ids("member_partner_ids", self.member_partner_ids),
        );
        Ok(NewCommittee {
            id: Uuid::now_v7(),
            convention_id,
            name: name.into_inner(),
            kind,
            axis_ids,
            member_partner_ids,
        })
    }
}

/// The axes of a committee of `kind`: none for a COPIL, distinct ones for a thematic committee.
fn axes_for(kind: CommitteeKind, ids: Vec<Uuid>) -> Result<Vec<Uuid>, Invalid> {
    if kind == CommitteeKind::Copil && !ids.is_empty() {
        return Err(FieldError::new("axis_ids", COPIL_HAS_NO_AXES).into());
    }
    distinct_ids("axis_ids", ids)
}

impl CommitteeUpdate {
    /// The changes, checked on their own; `CommitteeChanges::check` then checks them against
    /// the stored committee.
    pub fn parse(self) -> Result<CommitteeChanges, Invalid> {
        parse_fields!(
            name = self.name.into_required("name"),
            kind = self.kind.into_required("kind"),
            axis_ids = self.axis_ids.into_required("axis_ids"),
            member_partner_ids = self.member_partner_ids.into_required("member_partner_ids"),
        );
        parse_fields!(
            name = name.map(Title::parse).transpose().at("name"),
            axis_ids = match (kind, axis_ids) {
                (Some(kind), Some(ids)) => axes_for(kind, ids).map(Some),
                (None, ids) => ids.map(|ids| distinct_ids("axis_ids", ids)).transpose(),
                (Some(_), None) => Ok(None),
            },
            member_partner_ids = member_partner_ids
                .map(|ids| distinct_ids("member_partner_ids", ids))
                .transpose(),
        );
        Ok(CommitteeChanges {
            name: name.map(Title::into_inner),
            kind,
            axis_ids,
            member_partner_ids,
        })
    }
}

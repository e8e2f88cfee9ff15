//! Memberships on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::model::{Grant, MembershipChanges, MembershipDetail, MembershipFilter, NewMembership};
use crate::domain::{Invalid, Role};
use crate::error::ApiError;
use crate::http::patch::Patch;
use crate::http::query::{uuid, word};
use crate::http::respond::Versioned;
use crate::parse_fields;

/// A role a user holds in a convention. A user may hold several: their rights add up.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipOut {
    pub id: Uuid,
    pub convention_id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
    /// The thematic committee of a `committee` role (whose axes are the member's scope);
    /// `null` for the other roles.
    pub committee_id: Option<Uuid>,
    /// The member's current e-mail (read-only: change it on the user).
    pub email: String,
    /// The member's current name (read-only: change it on the user).
    pub display_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A new membership: a role given to a user in the convention.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipCreate {
    /// A user who has not been deleted.
    pub user_id: Uuid,
    pub role: Role,
    /// Required when `role` is `committee`: a thematic committee of the same convention.
    /// Absent or `null` for the other roles.
    pub committee_id: Option<Uuid>,
}

/// Changes to a membership (JSON Merge Patch): its role and committee, checked together with
/// the stored values. The user is fixed: remove the membership and create another.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipUpdate {
    #[serde(default)]
    #[schema(value_type = Option<Role>)]
    pub role: Patch<Role>,
    /// `null` clears it (required when leaving a `committee` role).
    #[serde(default)]
    #[schema(value_type = Option<Uuid>)]
    pub committee_id: Patch<Uuid>,
}

/// Filters of a list of memberships (all optional, combined with AND).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MembershipListParams {
    /// Only the memberships with this role.
    #[param(value_type = Option<Role>)]
    pub role: Option<String>,
    /// Only this user's memberships.
    #[param(value_type = Option<Uuid>)]
    pub user: Option<String>,
    /// Only the memberships on this committee.
    #[param(value_type = Option<Uuid>)]
    pub committee: Option<String>,
}

impl From<MembershipDetail> for MembershipOut {
    fn from(detail: MembershipDetail) -> Self {
        let m = detail.membership;
        Self {
            id: m.id,
            convention_id: m.convention_id,
            user_id: m.user_id,
            role: m.role,
            committee_id: m.committee_id,
            email: detail.email,
            display_name: detail.display_name,
            created_at: m.created_at,
            updated_at: m.updated_at,
            version: m.version,
        }
    }
}

impl Versioned for MembershipOut {
    fn version(&self) -> i32 {
        self.version
    }
}

impl MembershipCreate {
    /// The membership, its role and committee checked together; `Grant::check` then checks it
    /// against the database.
    pub fn parse(self, convention_id: Uuid) -> Result<NewMembership, Invalid> {
        let grant = Grant {
            convention_id,
            user_id: self.user_id,
            role: self.role,
            committee_id: self.committee_id,
        }
        .coherent()?;
        Ok(NewMembership {
            id: Uuid::now_v7(),
            convention_id,
            user_id: grant.user_id,
            role: grant.role,
            committee_id: grant.committee_id,
        })
    }
}

impl NewMembership {
    pub fn grant(&self) -> Grant {
        Grant {
            convention_id: self.convention_id,
            user_id: self.user_id,
            role: self.role,
            committee_id: self.committee_id,
        }
    }
}

impl MembershipUpdate {
    /// The changes, checked on their own; `MembershipChanges::applied_to` then checks them with
    /// the stored values.
    pub fn parse(self) -> Result<MembershipChanges, Invalid> {
        parse_fields!(role = self.role.into_required("role"));
        Ok(MembershipChanges {
            role,
            committee_id: self.committee_id.into_nullable(),
        })
    }
}

impl MembershipListParams {
    pub fn parse(self) -> Result<MembershipFilter, ApiError> {
        Ok(MembershipFilter {
            role: word("role", self.role, Role::parse)?,
            user_id: uuid("user", self.user)?,
            committee_id: uuid("committee", self.committee)?,
        })
    }
}

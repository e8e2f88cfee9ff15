//! Audit entries on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::model::{Entry, EntryFilter};
use super::EntityType;
use crate::error::ApiError;
use crate::http::query::{invalid, uuid, word};

/// One recorded change.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryOut {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    /// The actor's name today ("Utilisateur supprimé" once erased).
    pub actor_name: Option<String>,
    pub convention_id: Option<Uuid>,
    /// `partner`, `convention`, `axis`, `objective`, `action`, `indicator`, `measurement`,
    /// `note`, `committee`, `membership`, `user`, `session`.
    pub entity_type: String,
    pub entity_id: Option<Uuid>,
    /// `create`, `update`, `delete`, `login_failed`…
    pub operation: String,
    /// `{field: {old, new}}`; personal fields appear as `{changed: true}`.
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
}

impl From<Entry> for AuditEntryOut {
    fn from(e: Entry) -> Self {
        Self {
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            actor_name: e.actor_name,
            convention_id: e.convention_id,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            operation: e.operation,
            changes: e.changes,
        }
    }
}

/// Filters of the audit log (combined with AND).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only entries about this kind of entity.
    #[param(value_type = Option<EntityType>, inline)]
    pub entity_type: Option<String>,
    /// Only entries about this entity.
    #[param(value_type = Option<Uuid>)]
    pub entity_id: Option<String>,
    /// Only entries by this user.
    #[param(value_type = Option<Uuid>)]
    pub actor: Option<String>,
    /// Only entries at or after this instant (RFC 3339).
    #[param(value_type = Option<DateTime<Utc>>)]
    pub since: Option<String>,
}

impl AuditParams {
    pub fn parse(self) -> Result<EntryFilter, ApiError> {
        Ok(EntryFilter {
            entity_type: word("entity_type", self.entity_type, EntityType::parse)?
                .map(|entity| entity.as_str().to_string()),
            entity_id: uuid("entity_id", self.entity_id)?,
            actor_id: uuid("actor", self.actor)?,
            since: self
                .since
                .map(|v| {
                    DateTime::parse_from_rfc3339(&v)
                        .map(|t| t.with_timezone(&Utc))
                        .map_err(|_| invalid("since", "must be an RFC 3339 instant"))
                })
                .transpose()?,
        })
    }
}

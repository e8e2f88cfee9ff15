//! The audit log: every write appends an entry in the transaction that makes it, with the fields
//! it changed (old and new values). The table refuses updates and deletes (a trigger).

pub mod dto;
pub mod handlers;
pub mod model;

use diesel::PgConnection;
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::domain::text_enum;
use crate::error::ApiError;
use model::NewEntry;

text_enum!(
    /// What an entry is about (the contract's `entity_type`).
    EntityType {
        Partner = "partner",
        Convention = "convention",
        Axis = "axis",
        Objective = "objective",
        Action = "action",
        Indicator = "indicator",
        Measurement = "measurement",
        Note = "note",
        Committee = "committee",
        Membership = "membership",
        User = "user",
        Session = "session",
    }
);

/// Fields that change on every write and say nothing of it.
const BOOKKEEPING: &[&str] = &["version", "updated_at", "created_at"];

/// Fields that identify a person: their values are not kept in the log, which must survive the
/// person's erasure (GDPR); the log says the field changed.
const PERSONAL: &[&str] = &["email", "display_name", "password"];

/// Writes entries on behalf of one actor.
#[derive(Debug, Clone, Copy)]
pub struct Audit {
    actor_id: Option<Uuid>,
}

impl Audit {
    pub fn by(actor_id: Uuid) -> Self {
        Self {
            actor_id: Some(actor_id),
        }
    }

    /// For what happens before anyone is authenticated (failed sign-ins).
    pub fn anonymous() -> Self {
        Self { actor_id: None }
    }

    pub fn created<T: Serialize>(
        &self,
        conn: &mut PgConnection,
        convention_id: Option<Uuid>,
        entity: EntityType,
        entity_id: Uuid,
        created: &T,
    ) -> Result<(), ApiError> {
        let changes = diff(&Value::Null, &to_value(created)?);
        self.write(
            conn,
            convention_id,
            entity,
            Some(entity_id),
            "create",
            changes,
        )
    }

    /// Records an update, unless nothing the client can see changed.
    pub fn updated<T: Serialize>(
        &self,
        conn: &mut PgConnection,
        convention_id: Option<Uuid>,
        entity: EntityType,
        entity_id: Uuid,
        before: &T,
        after: &T,
    ) -> Result<(), ApiError> {
        let changes = diff(&to_value(before)?, &to_value(after)?);
        if changes.as_object().is_some_and(Map::is_empty) {
            return Ok(());
        }
        self.write(
            conn,
            convention_id,
            entity,
            Some(entity_id),
            "update",
            changes,
        )
    }

    pub fn deleted<T: Serialize>(
        &self,
        conn: &mut PgConnection,
        convention_id: Option<Uuid>,
        entity: EntityType,
        entity_id: Uuid,
        deleted: &T,
    ) -> Result<(), ApiError> {
        let changes = diff(&to_value(deleted)?, &Value::Null);
        self.write(
            conn,
            convention_id,
            entity,
            Some(entity_id),
            "delete",
            changes,
        )
    }

    /// A failed sign-in, against the account when the e-mail names one.
    pub fn login_failed(
        &self,
        conn: &mut PgConnection,
        user_id: Option<Uuid>,
    ) -> Result<(), ApiError> {
        self.write(
            conn,
            None,
            EntityType::Session,
            user_id,
            "login_failed",
            Value::Object(Map::new()),
        )
    }

    /// Any other operation (`password_changed`, `pseudonymised`…).
    pub fn operation(
        &self,
        conn: &mut PgConnection,
        convention_id: Option<Uuid>,
        entity: EntityType,
        entity_id: Uuid,
        operation: &'static str,
        changes: Value,
    ) -> Result<(), ApiError> {
        self.write(
            conn,
            convention_id,
            entity,
            Some(entity_id),
            operation,
            changes,
        )
    }

    fn write(
        &self,
        conn: &mut PgConnection,
        convention_id: Option<Uuid>,
        entity: EntityType,
        entity_id: Option<Uuid>,
        operation: &'static str,
        changes: Value,
    ) -> Result<(), ApiError> {
        NewEntry {
            actor_id: self.actor_id,
            convention_id,
            entity_type: entity.as_str(),
            entity_id,
            operation,
            changes,
        }
        .insert(conn)?;
        Ok(())
    }
}

fn to_value<T: Serialize>(value: &T) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::Internal(e.to_string()))
}

/// `{field: {old, new}}` for every top-level field that differs between two JSON objects
/// (`Null` stands for "did not exist").
pub fn diff(before: &Value, after: &Value) -> Value {
    let empty = Map::new();
    let before = before.as_object().unwrap_or(&empty);
    let after = after.as_object().unwrap_or(&empty);
    let mut changes = Map::new();
    let fields = before
        .keys()
        .chain(after.keys().filter(|k| !before.contains_key(*k)));
    for field in fields {
        if BOOKKEEPING.contains(&field.as_str()) {
            continue;
        }
        let old = before.get(field).cloned().unwrap_or(Value::Null);
        let new = after.get(field).cloned().unwrap_or(Value::Null);
        if old == new {
            continue;
        }
        let change = if PERSONAL.contains(&field.as_str()) {
            serde_json::json!({"changed": true})
        } else {
            serde_json::json!({"old": old, "new": new})
        };
        changes.insert(field.clone(), change);
    }
    Value::Object(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_keeps_changed_fields_with_old_and_new_values() {
        let before = json!({"title": "A", "status": "planned", "version": 1});
        let after = json!({"title": "A", "status": "done", "version": 2});
        assert_eq!(
            diff(&before, &after),
            json!({"status": {"old": "planned", "new": "done"}})
        );
    }

    #[test]
    fn personal_values_are_not_logged() {
        let changes = diff(&Value::Null, &json!({"email": "a@b.fr", "is_admin": false}));
        assert_eq!(
            changes,
            json!({"email": {"changed": true}, "is_admin": {"old": null, "new": false}})
        );
    }
}

//! Users on the wire. Passwords come in (write-only) and never go out, nor do their hashes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{NewUser, User, UserChanges};
use crate::domain::{At, Email, Invalid, Password, Title};
use crate::error::FieldError;
use crate::http::patch::Patch;
use crate::http::respond::Versioned;
use crate::parse_fields;

/// A user: a person or machine client who signs in. Never carries the password nor its hash.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserOut {
    pub id: Uuid,
    /// The login, as written; unique whatever its case.
    pub email: String,
    pub display_name: String,
    /// The organisation the user belongs to.
    pub partner_id: Option<Uuid>,
    /// A platform administrator may do everything.
    pub is_admin: bool,
    /// A disabled user cannot sign in, and their tokens stop working at once.
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A new user (platform admins).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserCreate {
    /// The login; unique whatever its case (409 `duplicate_email`).
    pub email: String,
    #[schema(value_type = Title)]
    pub display_name: String,
    /// 15 to 128 characters, no composition rules; common or guessable passwords (the user's
    /// name and e-mail included) are refused. Never returned.
    #[schema(write_only, format = Password, min_length = 15, max_length = 128)]
    pub password: String,
    /// An existing partner.
    pub partner_id: Option<Uuid>,
    #[serde(default)]
    #[schema(default = false)]
    pub is_admin: bool,
    #[serde(default = "active_by_default")]
    #[schema(default = true)]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

/// Changes to a user (JSON Merge Patch). A user may change their own `display_name` and
/// `password`; every other field is for platform admins (403 otherwise).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    #[serde(default)]
    #[schema(value_type = String)]
    pub email: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Title)]
    pub display_name: Patch<String>,
    /// A new password (same rules as on creation). Changing it signs the user out everywhere.
    #[serde(default)]
    #[schema(value_type = String, write_only, format = Password, min_length = 15, max_length = 128)]
    pub password: Patch<String>,
    /// Required with `password` when users change their own (422 when wrong); not needed when
    /// an admin sets someone else's, and ignored without `password`.
    #[serde(default)]
    #[schema(value_type = String, write_only, format = Password)]
    pub current_password: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<Uuid>)]
    pub partner_id: Patch<Uuid>,
    #[serde(default)]
    #[schema(value_type = bool)]
    pub is_admin: Patch<bool>,
    /// `false` disables the user and signs them out everywhere.
    #[serde(default)]
    #[schema(value_type = bool)]
    pub active: Patch<bool>,
}

/// A parsed change to a user. The new password stays raw until the user's current name and
/// e-mail are known: the policy refuses passwords built from them.
#[derive(Debug)]
pub struct UserPatch {
    pub email: Option<Email>,
    pub display_name: Option<String>,
    pub password: Option<RawPassword>,
    pub current_password: Option<RawPassword>,
    pub partner_id: Option<Option<Uuid>>,
    pub is_admin: Option<bool>,
    pub active: Option<bool>,
}

/// A password as sent, not yet checked against the policy; never printed.
pub struct RawPassword(pub String);

impl std::fmt::Debug for RawPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RawPassword(<redacted>)")
    }
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            partner_id: u.partner_id,
            is_admin: u.is_admin,
            active: u.active,
            created_at: u.created_at,
            updated_at: u.updated_at,
            version: u.version,
        }
    }
}

impl Versioned for UserOut {
    fn version(&self) -> i32 {
        self.version
    }
}

/// What the audit log records of a user: what clients see, and whether the password changed
/// (`password` is a personal field: the log keeps only `{"changed": true}`).
#[derive(Debug, Serialize)]
pub struct UserAudit {
    #[serde(flatten)]
    pub user: UserOut,
    password: DateTime<Utc>,
}

impl From<User> for UserAudit {
    fn from(u: User) -> Self {
        Self {
            password: u.password_changed_at,
            user: UserOut::from(u),
        }
    }
}

/// Words a guesser would try first: the e-mail, the name, and their parts.
fn password_context(email: &str, display_name: &str) -> Vec<String> {
    let mut words = vec![email.to_string(), display_name.to_string()];
    let local = email.split('@').next().unwrap_or_default();
    words.extend(
        local
            .split(['.', '-', '_', '+'])
            .chain(display_name.split_whitespace())
            .filter(|w| w.chars().count() >= 3)
            .map(str::to_lowercase),
    );
    words
}

/// Checks a new password against the policy, for the user named so.
pub fn parse_password(value: String, email: &str, display_name: &str) -> Result<Password, String> {
    let context = password_context(email, display_name);
    let context: Vec<&str> = context.iter().map(String::as_str).collect();
    Password::parse(value, &context)
}

impl UserCreate {
    /// The new user (without its hash yet) and the password to hash.
    pub fn parse(self) -> Result<(NewUser, Password), Invalid> {
        let password = parse_password(self.password, &self.email, &self.display_name);
        parse_fields!(
            email = Email::parse(self.email).at("email"),
            display_name = Title::parse(self.display_name).at("display_name"),
            password = password.at("password"),
        );
        let new = NewUser {
            id: Uuid::now_v7(),
            email: email.into_inner(),
            display_name: display_name.into_inner(),
            password_hash: None,
            partner_id: self.partner_id,
            is_admin: self.is_admin,
            active: self.active,
        };
        Ok((new, password))
    }
}

impl UserUpdate {
    /// The fields sent that only platform admins may change.
    pub fn admin_only_fields(&self) -> Vec<&'static str> {
        [
            ("email", self.email.is_absent()),
            ("partner_id", self.partner_id.is_absent()),
            ("is_admin", self.is_admin.is_absent()),
            ("active", self.active.is_absent()),
        ]
        .into_iter()
        .filter(|(_, absent)| !absent)
        .map(|(field, _)| field)
        .collect()
    }

    pub fn parse(self) -> Result<UserPatch, Invalid> {
        parse_fields!(
            email = self
                .email
                .into_required("email")
                .and_then(|email| email.map(Email::parse).transpose().at("email")),
            display_name = self
                .display_name
                .into_required("display_name")
                .and_then(|name| {
                    name.map(|name| Title::parse(name).map(Title::into_inner))
                        .transpose()
                        .at("display_name")
                }),
            password = self.password.into_required("password"),
            current_password = self.current_password.into_required("current_password"),
            is_admin = self.is_admin.into_required("is_admin"),
            active = self.active.into_required("active"),
        );
        Ok(UserPatch {
            email,
            display_name,
            password: password.map(RawPassword),
            current_password: current_password.map(RawPassword),
            partner_id: self.partner_id.into_nullable(),
            is_admin,
            active,
        })
    }
}

impl UserPatch {
    /// Checks the new password, if one was sent, against the policy, with the user's e-mail and
    /// name as they will be after the change.
    pub fn new_password(&mut self, current: &User) -> Option<Result<Password, FieldError>> {
        let RawPassword(value) = self.password.take()?;
        let email = self
            .email
            .as_ref()
            .map_or(current.email.as_str(), Email::as_str);
        let name = self
            .display_name
            .as_deref()
            .unwrap_or(&current.display_name);
        Some(parse_password(value, email, name).at("password"))
    }

    /// Whether the change would leave the user unable to administer or to sign in.
    pub fn demotes(&self) -> bool {
        self.is_admin == Some(false) || self.active == Some(false)
    }

    /// The columns to set; `password_hash` when the password changes.
    pub fn changes(&self, password_hash: Option<String>) -> UserChanges {
        UserChanges {
            email: self.email.as_ref().map(|e| e.as_str().to_string()),
            display_name: self.display_name.clone(),
            password_changed_at: password_hash.is_some().then(Utc::now),
            password_hash: password_hash.map(Some),
            partner_id: self.partner_id,
            is_admin: self.is_admin,
            active: self.active,
        }
    }
}

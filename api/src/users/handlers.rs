//! HTTP handlers for users.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use diesel::{OptionalExtension, PgConnection};
use uuid::Uuid;

use super::dto::{RawPassword, UserAudit, UserCreate, UserOut, UserPatch, UserUpdate};
use super::model::{RemovedMembership, User};
use crate::audit::{self, Audit, EntityType};
use crate::auth::sessions::Session;
use crate::auth::throttle::{self, Subject};
use crate::auth::{AuthUser, PasswordHasher};
use crate::db::{self, DbPool};
use crate::error::{ApiError, FieldError, OrNotFound};
use crate::http::etag::IfMatch;
use crate::http::json::JsonBody;
use crate::http::page::{PageParams, Paged};
use crate::http::respond;
use crate::partners::model::Partner;

const USER: &str = "user";

/// List users, in e-mail order (platform admins).
#[utoipa::path(tag = "users", params(PageParams), responses((status = 200, body = Paged<UserOut>)))]
#[get("/users")]
pub async fn list_users(
    user: AuthUser,
    pool: web::Data<DbPool>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Paged<UserOut>>, ApiError> {
    user.require_admin()?;
    let page = page.into_inner().validate()?;
    let (items, total) = db::read(&pool, move |conn| Ok(User::list(conn, page)?)).await?;
    Ok(web::Json(Paged::new(items, total, page).map(UserOut::from)))
}

/// Create a user (platform admins).
///
/// The e-mail must be unused whatever its case (409 `duplicate_email`); the password must meet
/// the policy (422 naming `password`).
#[utoipa::path(tag = "users", request_body = UserCreate, responses((status = 201, body = UserOut)))]
#[post("/users")]
pub async fn create_user(
    user: AuthUser,
    pool: web::Data<DbPool>,
    hasher: web::Data<PasswordHasher>,
    body: JsonBody<UserCreate>,
) -> Result<HttpResponse, ApiError> {
    user.require_admin()?;
    let (mut new, password) = body.0.parse()?;
    new.password_hash = Some(hasher.hash(&password).await?);
    let out = db::run(&pool, move |conn| {
        ensure_email_free(conn, &new.email, None)?;
        ensure_partner_exists(conn, new.partner_id)?;
        let created = User::insert(conn, &new)?;
        let audited = UserAudit::from(created.clone());
        Audit::by(user.id).created(conn, None, EntityType::User, created.id, &audited)?;
        Ok(UserOut::from(created))
    })
    .await?;
    Ok(respond::created(format!("/api/v1/users/{}", out.id), &out))
}

/// Read a user (platform admins, or the user themself).
#[utoipa::path(tag = "users", params(("id" = Uuid, Path, description = "The user's id")), responses((status = 200, body = UserOut)))]
#[get("/users/{id}")]
pub async fn get_user(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    user.require_self_or_admin(id)?;
    let found = db::read(&pool, move |conn| User::find(conn, id).or_not_found(USER)).await?;
    Ok(respond::ok(&UserOut::from(found)))
}

/// Change a user (JSON Merge Patch; `If-Match` required).
///
/// Admins may change every field. Users may change their own `display_name` and `password`
/// (with `current_password`), and nothing else (403). A new password or `active: false` signs
/// the user out everywhere at once. The last active admin cannot be demoted or disabled (409
/// `last_admin`).
#[utoipa::path(tag = "users", params(("id" = Uuid, Path, description = "The user's id")), request_body = UserUpdate, responses((status = 200, body = UserOut)))]
#[patch("/users/{id}")]
pub async fn update_user(
    user: AuthUser,
    pool: web::Data<DbPool>,
    hasher: web::Data<PasswordHasher>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<UserUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    user.require_self_or_admin(id)?;
    let refused = body.0.admin_only_fields();
    if !user.is_admin && !refused.is_empty() {
        return Err(ApiError::Forbidden(format!(
            "Only platform administrators may change {}.",
            refused.join(", ")
        )));
    }
    let mut patch = body.0.parse()?;
    let password = match patch.password.is_some() {
        true => Some(new_password_hash(&pool, &hasher, &user, id, &if_match, &mut patch).await?),
        false => None,
    };
    let actor = user.id;
    let out = db::run(&pool, move |conn| {
        apply_update(conn, actor, id, &if_match, &patch, password)
    })
    .await?;
    Ok(respond::ok(&out))
}

/// Delete a user (platform admins; `If-Match` required).
///
/// The user is pseudonymised (GDPR erasure): their name and e-mail are erased, their sessions
/// and memberships removed, and the audit log keeps pointing at the pseudonym. The e-mail may
/// be given to a new user.
#[utoipa::path(tag = "users", params(("id" = Uuid, Path, description = "The user's id")), responses((status = 204, description = "Deleted")))]
#[delete("/users/{id}")]
pub async fn delete_user(
    user: AuthUser,
    pool: web::Data<DbPool>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    // Others' accounts stay invisible to non-admins (404); one's own is visible, not deletable.
    user.require_self_or_admin(id)?;
    user.require_admin()?;
    let audit = Audit::by(user.id);
    db::run(&pool, move |conn| {
        User::lock_admin_set(conn)?;
        let current = User::find_for_update(conn, id).or_not_found(USER)?;
        if_match.check(current.version)?;
        if current.is_admin && current.active {
            ensure_an_admin_remains(conn, id)?;
        }
        for membership in User::delete_memberships(conn, id)? {
            audit_membership_removed(conn, audit, id, &membership)?;
        }
        Session::revoke_all_of(conn, id, "user deleted")?;
        let before = to_json(&UserAudit::from(current))?;
        let after = to_json(&UserAudit::from(User::pseudonymise(conn, id)?))?;
        let changes = audit::diff(&before, &after);
        audit.operation(conn, None, EntityType::User, id, "pseudonymised", changes)?;
        Ok(())
    })
    .await?;
    Ok(respond::deleted())
}

fn ensure_email_free(
    conn: &mut PgConnection,
    email: &str,
    except: Option<Uuid>,
) -> Result<(), ApiError> {
    if User::email_taken(conn, email, except)? {
        return Err(ApiError::conflict(
            "duplicate_email",
            "A user with this e-mail already exists.",
        ));
    }
    Ok(())
}

fn ensure_partner_exists(
    conn: &mut PgConnection,
    partner_id: Option<Uuid>,
) -> Result<(), ApiError> {
    match partner_id {
        Some(partner_id) if Partner::find(conn, partner_id).optional()?.is_none() => {
            Err(ApiError::invalid("partner_id", "no partner has this id"))
        }
        _ => Ok(()),
    }
}

/// Refuses to demote, disable or delete the last active admin: nobody could manage users any
/// more. Callers hold `User::lock_admin_set`.
fn ensure_an_admin_remains(conn: &mut PgConnection, id: Uuid) -> Result<(), ApiError> {
    if User::other_active_admins(conn, id)? == 0 {
        return Err(ApiError::conflict(
            "last_admin",
            "This is the last active platform administrator: make someone else one first.",
        ));
    }
    Ok(())
}

/// Checks a password change (the policy, and the current password when users change their
/// own) and hashes the new password. Returns the hash and the version it was checked against.
async fn new_password_hash(
    pool: &DbPool,
    hasher: &PasswordHasher,
    actor: &AuthUser,
    id: Uuid,
    if_match: &IfMatch,
    patch: &mut UserPatch,
) -> Result<(String, i32), ApiError> {
    let current = db::run(pool, move |conn| User::find(conn, id).or_not_found(USER)).await?;
    // Before hashing and verifying, which are slow on purpose.
    if_match.check(current.version)?;
    let mut errors = Vec::new();
    let password = match patch.new_password(&current) {
        Some(Ok(password)) => Some(password),
        Some(Err(error)) => {
            errors.push(error);
            None
        }
        None => None,
    };
    // A stolen access token must not be enough to take the account over.
    if actor.id == id {
        match patch.current_password.take() {
            None => errors.push(FieldError::new(
                "current_password",
                "is required to change your own password",
            )),
            Some(given) => {
                if !current_password_matches(pool, hasher, &current, given).await? {
                    errors.push(FieldError::new(
                        "current_password",
                        "does not match your current password",
                    ));
                }
            }
        }
    }
    match password {
        Some(password) if errors.is_empty() => Ok((hasher.hash(&password).await?, current.version)),
        _ => Err(ApiError::Validation(errors)),
    }
}

/// Verifies a user's current password, counting failures like failed sign-ins (and answering
/// 429 while the account is locked), so that it cannot be guessed faster than at sign-in.
async fn current_password_matches(
    pool: &DbPool,
    hasher: &PasswordHasher,
    current: &User,
    given: RawPassword,
) -> Result<bool, ApiError> {
    let subjects = vec![Subject::Account(current.email.clone())];
    let lookup = subjects.clone();
    let locked = db::run(pool, move |conn| Ok(throttle::locked_for(conn, &lookup)?)).await?;
    if let Some(retry_after_seconds) = locked {
        return Err(ApiError::TooManyRequests {
            retry_after_seconds,
        });
    }
    let matches = hasher
        .verify(current.password_hash.clone(), given.0)
        .await?;
    if !matches {
        db::run(pool, move |conn| {
            Ok(throttle::record_failure(conn, &subjects)?)
        })
        .await?;
    }
    Ok(matches)
}

/// The write of `update_user`, in one transaction.
fn apply_update(
    conn: &mut PgConnection,
    actor: Uuid,
    id: Uuid,
    if_match: &IfMatch,
    patch: &UserPatch,
    password: Option<(String, i32)>,
) -> Result<UserOut, ApiError> {
    if patch.demotes() {
        User::lock_admin_set(conn)?;
    }
    let current = User::find_for_update(conn, id).or_not_found(USER)?;
    if_match.check(current.version)?;
    if let Some((_, checked)) = &password {
        // The password was checked against this version's e-mail, name and password.
        if current.version != *checked {
            return Err(ApiError::PreconditionFailed {
                current_version: current.version,
            });
        }
    }
    if let Some(email) = &patch.email {
        ensure_email_free(conn, email.as_str(), Some(id))?;
    }
    if let Some(partner_id) = patch.partner_id {
        ensure_partner_exists(conn, partner_id)?;
    }
    if current.is_admin && current.active && patch.demotes() {
        ensure_an_admin_remains(conn, id)?;
    }
    let password_changed = password.is_some();
    let before = UserAudit::from(current.clone());
    let updated = current.update(conn, &patch.changes(password.map(|(hash, _)| hash)))?;
    let after = UserAudit::from(updated.clone());
    Audit::by(actor).updated(conn, None, EntityType::User, id, &before, &after)?;
    // The extractor re-reads sessions on every request: these take effect on the next one.
    if password_changed {
        Session::revoke_all_of(conn, id, "password changed")?;
    } else if patch.active == Some(false) {
        Session::revoke_all_of(conn, id, "user disabled")?;
    }
    Ok(UserOut::from(updated))
}

/// Records, in the convention's log, a membership removed with its user.
fn audit_membership_removed(
    conn: &mut PgConnection,
    audit: Audit,
    user_id: Uuid,
    membership: &RemovedMembership,
) -> Result<(), ApiError> {
    let removed = serde_json::json!({
        "id": membership.id,
        "convention_id": membership.convention_id,
        "user_id": user_id,
        "role": membership.role,
        "committee_id": membership.committee_id,
    });
    audit.deleted(
        conn,
        Some(membership.convention_id),
        EntityType::Membership,
        membership.id,
        &removed,
    )
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::Internal(e.to_string()))
}

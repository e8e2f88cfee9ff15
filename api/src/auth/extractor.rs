//! `AuthUser`: the caller, checked on every request against what the database says now, so that
//! disabling a user, changing a password, revoking a session or removing a membership takes
//! effect at once: read from the database, or from the sign-in cache while nothing has changed
//! (`auth::cache`, kept right by PostgreSQL notifications).

use std::collections::HashMap;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use diesel::prelude::*;
use futures_util::future::LocalBoxFuture;
use uuid::Uuid;

use super::cache::{AuthCache, CachedSession};
use super::tokens::TokenKeys;
use crate::db::schema::{committee_axes, memberships, sessions, users};
use crate::db::{self, DbPool};
use crate::domain::Role;
use crate::error::ApiError;

/// One role the caller holds in one convention, with the axes it covers for a committee role.
#[derive(Debug, Clone)]
pub struct MembershipGrant {
    pub membership_id: Uuid,
    pub convention_id: Uuid,
    pub role: Role,
    pub committee_id: Option<Uuid>,
    /// The axes of the member's thematic committee (their *scope*).
    pub axis_ids: Vec<Uuid>,
}

/// What a request needs of the user's row: name, organisation, admin flag, last password change.
type UserRow = (
    String,
    Option<Uuid>,
    bool,
    chrono::DateTime<chrono::Utc>,
    chrono::DateTime<chrono::Utc>,
);

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: Uuid,
    pub session_id: Uuid,
    pub display_name: String,
    pub partner_id: Option<Uuid>,
    pub is_admin: bool,
    pub memberships: Vec<MembershipGrant>,
}

impl AuthUser {
    /// The caller's roles in `convention_id`.
    pub fn grants_in(&self, convention_id: Uuid) -> impl Iterator<Item = &MembershipGrant> {
        self.memberships
            .iter()
            .filter(move |m| m.convention_id == convention_id)
    }

    /// The conventions the caller belongs to.
    pub fn convention_ids(&self) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = self.memberships.iter().map(|m| m.convention_id).collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The caller of a live session, with what each request must still check itself (the
    /// session's expiry, the token's age against the last password change).
    pub fn load_session(
        conn: &mut PgConnection,
        user_id: Uuid,
        session_id: Uuid,
    ) -> QueryResult<Option<CachedSession>> {
        let row: Option<UserRow> = users::table
            .inner_join(sessions::table)
            .filter(users::id.eq(user_id))
            .filter(sessions::id.eq(session_id))
            .filter(users::active.eq(true))
            .filter(users::deleted_at.is_null())
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::expires_at.gt(diesel::dsl::now))
            .select((
                users::display_name,
                users::partner_id,
                users::is_admin,
                users::password_changed_at,
                sessions::expires_at,
            ))
            .first(conn)
            .optional()?;
        let Some((display_name, partner_id, is_admin, password_changed_at, session_expires_at)) =
            row
        else {
            return Ok(None);
        };
        let user = Self {
            id: user_id,
            session_id,
            display_name,
            partner_id,
            is_admin,
            memberships: load_grants(conn, user_id)?,
        };
        Ok(Some(CachedSession {
            user,
            session_expires_at,
            password_changed_at,
        }))
    }
}

/// A membership joined to one axis of its committee: (membership, convention, role, committee,
/// axis).
type GrantRow = (Uuid, Uuid, Role, Option<Uuid>, Option<Uuid>);

/// The user's memberships, with the axes each committee covers: one query.
pub fn load_grants(conn: &mut PgConnection, user_id: Uuid) -> QueryResult<Vec<MembershipGrant>> {
    let rows: Vec<GrantRow> = memberships::table
        .left_join(
            committee_axes::table.on(committee_axes::committee_id
                .nullable()
                .eq(memberships::committee_id)),
        )
        .filter(memberships::user_id.eq(user_id))
        .select((
            memberships::id,
            memberships::convention_id,
            memberships::role,
            memberships::committee_id,
            committee_axes::axis_id.nullable(),
        ))
        .order(memberships::id)
        .load(conn)?;
    let mut grants: Vec<MembershipGrant> = Vec::new();
    let mut index: HashMap<Uuid, usize> = HashMap::new();
    for (membership_id, convention_id, role, committee_id, axis_id) in rows {
        let at = *index.entry(membership_id).or_insert_with(|| {
            grants.push(MembershipGrant {
                membership_id,
                convention_id,
                role,
                committee_id,
                axis_ids: Vec::new(),
            });
            grants.len() - 1
        });
        grants[at].axis_ids.extend(axis_id);
    }
    Ok(grants)
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let keys = req.app_data::<web::Data<TokenKeys>>().cloned();
        let pool = req.app_data::<web::Data<DbPool>>().cloned();
        let cache = req.app_data::<web::Data<AuthCache>>().cloned();
        Box::pin(async move {
            let token = token.ok_or(ApiError::Unauthorized("no bearer token"))?;
            let keys =
                keys.ok_or_else(|| ApiError::Internal("token keys not configured".into()))?;
            let pool =
                pool.ok_or_else(|| ApiError::Internal("database pool not configured".into()))?;
            let claims = keys.verify(&token)?;
            let refused =
                || ApiError::Unauthorized("user disabled, session revoked or password changed");
            let cache =
                cache.ok_or_else(|| ApiError::Internal("auth cache not configured".into()))?;
            if let Some(user) = cache.get(claims.sid, claims.sub, claims.iat) {
                return Ok(user);
            }
            // Taken before reading, so that a change committed meanwhile makes the read stale.
            let epochs = cache.epochs();
            let session = db::read(&pool, move |conn| {
                Ok(AuthUser::load_session(conn, claims.sub, claims.sid)?)
            })
            .await?
            .ok_or_else(refused)?;
            let user = session
                .user_for(claims.iat, chrono::Utc::now())
                .ok_or_else(refused)?;
            cache.insert(epochs, session);
            Ok(user)
        })
    }
}

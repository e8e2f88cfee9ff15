//! Signing in and out: `/auth/login`, `/auth/refresh`, `/auth/logout`, and `/me`.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::sessions::{self, Presented, Session};
use super::throttle::{self, Subject};
use super::tokens::{new_refresh_token, refresh_token_digest};
use super::{AuthUser, PasswordHasher, TokenKeys};
use crate::audit::Audit;
use crate::db::{self, DbPool};
use crate::domain::Role;
use crate::error::{self, ApiError, Problem};
use crate::http::json::JsonBody;
use crate::metrics::{LoginFailure, Metrics};
use crate::users::model::User;

/// E-mail and password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    #[schema(format = Password)]
    pub password: String,
}

/// A refresh token to exchange or revoke.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// A new pair of tokens.
#[derive(Serialize, ToSchema)]
pub struct TokenPair {
    /// A JWT to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Opaque; exchange it at `/auth/refresh` before the access token expires. Each is good for
    /// one exchange.
    pub refresh_token: String,
    /// `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

/// One of the caller's roles.
#[derive(Serialize, ToSchema)]
pub struct MembershipSummary {
    pub id: Uuid,
    pub convention_id: Uuid,
    pub role: Role,
    pub committee_id: Option<Uuid>,
}

/// The caller.
#[derive(Serialize, ToSchema)]
pub struct MeOut {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub partner_id: Option<Uuid>,
    pub is_admin: bool,
    pub active: bool,
    pub memberships: Vec<MembershipSummary>,
}

fn client_address(req: &HttpRequest) -> String {
    // The peer address, not X-Forwarded-For: a client could write any address there.
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn invalid_credentials() -> ApiError {
    // The same answer for an unknown e-mail, a wrong password and a disabled account.
    ApiError::Unauthorized(error::INVALID_CREDENTIALS)
}

/// Sign in with e-mail and password.
///
/// Unknown e-mail and wrong password answer alike (401). Repeated failures for one account or
/// one address answer 429 with `Retry-After` until a temporary lock ends.
#[utoipa::path(tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = TokenPair),
    (status = 401, body = Problem, content_type = "application/problem+json", description = "Unknown e-mail, wrong password or disabled user (one answer for all three)"),
), security(()))]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    keys: web::Data<TokenKeys>,
    hasher: web::Data<PasswordHasher>,
    metrics: web::Data<Metrics>,
    body: JsonBody<LoginRequest>,
) -> Result<web::Json<TokenPair>, ApiError> {
    let LoginRequest { email, password } = body.0;
    if email.len() > 254 || password.len() > 1024 {
        return Err(invalid_credentials());
    }
    let subjects = vec![
        Subject::Account(email.clone()),
        Subject::Address(client_address(&req)),
    ];

    let lookup_subjects = subjects.clone();
    let lookup_email = email.clone();
    let (locked, user) = db::run(&pool, move |conn| {
        let locked = throttle::locked_for(conn, &lookup_subjects)?;
        Ok((locked, User::find_by_email(conn, &lookup_email)?))
    })
    .await?;
    if let Some(retry_after_seconds) = locked {
        metrics.login_failed(LoginFailure::Throttled);
        return Err(ApiError::TooManyRequests {
            retry_after_seconds,
        });
    }

    let known_user = user.as_ref().map(|u| u.id);
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let password_matches = hasher.verify(hash, password).await?;
    let user = user.filter(|u| password_matches && u.can_sign_in());

    let Some(user) = user else {
        db::run(&pool, move |conn| {
            throttle::record_failure(conn, &subjects)?;
            Audit::anonymous().login_failed(conn, known_user)?;
            Ok(())
        })
        .await?;
        metrics.login_failed(LoginFailure::InvalidCredentials);
        return Err(invalid_credentials());
    };

    let (refresh_token, digest) = new_refresh_token();
    let session = db::run(&pool, move |conn| {
        throttle::record_success(conn, &email)?;
        Ok(Session::open(conn, user.id, &digest)?)
    })
    .await?;
    let (access_token, expires_in) = keys.issue(session.user_id, session.id)?;
    Ok(web::Json(TokenPair {
        access_token,
        refresh_token,
        token_type: "Bearer",
        expires_in,
    }))
}

/// Exchange a refresh token for a new pair (rotation).
///
/// The token given is dead afterwards; presenting a dead one again revokes its whole session.
#[utoipa::path(tag = "auth", request_body = RefreshRequest, responses(
    (status = 200, body = TokenPair),
    (status = 401, body = Problem, content_type = "application/problem+json", description = "The refresh token is unknown, already used, expired or revoked, or its user is disabled: sign in again"),
), security(()))]
#[post("/auth/refresh")]
pub async fn refresh(
    pool: web::Data<DbPool>,
    keys: web::Data<TokenKeys>,
    body: JsonBody<RefreshRequest>,
) -> Result<web::Json<TokenPair>, ApiError> {
    let old_digest = refresh_token_digest(&body.0.refresh_token);
    let (refresh_token, new_digest) = new_refresh_token();
    let outcome = db::run(&pool, move |conn| {
        Ok(match sessions::present(conn, &old_digest)? {
            Presented::Unknown => None,
            Presented::Reused { session_id } => {
                // Someone replayed a token already exchanged: whoever holds the family now
                // cannot be trusted.
                Session::revoke(conn, session_id, "refresh token reused")?;
                None
            }
            Presented::Fresh { session } if session.is_live() => {
                let signs_in = User::find(conn, session.user_id)
                    .map(|u| u.can_sign_in())
                    .unwrap_or(false);
                if signs_in {
                    sessions::rotate(conn, session.id, &old_digest, &new_digest)?;
                    Some(session)
                } else {
                    None
                }
            }
            Presented::Fresh { .. } => None,
        })
    })
    .await?;
    let session = outcome.ok_or(ApiError::Unauthorized(error::DEAD_REFRESH_TOKEN))?;
    let (access_token, expires_in) = keys.issue(session.user_id, session.id)?;
    Ok(web::Json(TokenPair {
        access_token,
        refresh_token,
        token_type: "Bearer",
        expires_in,
    }))
}

/// Sign out: revoke the session of the refresh token given, with its access tokens.
#[utoipa::path(tag = "auth", request_body = RefreshRequest, responses((status = 204, description = "Signed out")), security(()))]
#[post("/auth/logout")]
pub async fn logout(
    pool: web::Data<DbPool>,
    body: JsonBody<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let digest = refresh_token_digest(&body.0.refresh_token);
    db::run(&pool, move |conn| {
        if let Some(session_id) = sessions::session_of(conn, &digest)? {
            Session::revoke(conn, session_id, "signed out")?;
        }
        Ok(())
    })
    .await?;
    // Unknown tokens too: signing out twice is not an error, and says nothing about tokens.
    Ok(HttpResponse::NoContent().finish())
}

/// The caller, with their memberships.
#[utoipa::path(tag = "auth", responses((status = 200, body = MeOut)))]
#[get("/me")]
pub async fn me(user: AuthUser, pool: web::Data<DbPool>) -> Result<web::Json<MeOut>, ApiError> {
    let id = user.id;
    let row = db::read(&pool, move |conn| Ok(User::find(conn, id)?)).await?;
    Ok(web::Json(MeOut {
        id: row.id,
        email: row.email,
        display_name: row.display_name,
        partner_id: row.partner_id,
        is_admin: row.is_admin,
        active: row.active,
        memberships: user
            .memberships
            .into_iter()
            .map(|m| MembershipSummary {
                id: m.membership_id,
                convention_id: m.convention_id,
                role: m.role,
                committee_id: m.committee_id,
            })
            .collect(),
    }))
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(me);
}

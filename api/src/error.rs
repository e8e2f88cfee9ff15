//! The only mapping from failures to HTTP: every error leaves as `application/problem+json`
//! (RFC 9457) with a stable `code`. Server-side causes are logged here and never echoed.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use utoipa::ToSchema;

/// Seconds a client should wait before retrying while the database is unavailable.
pub const RETRY_AFTER_SECONDS: u32 = 2;

/// A field at fault in a request, named by its JSON path (`steps[2].status`) or query parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:ctg:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable, snake_case: clients branch on this, not on `title` or `detail`.
    pub code: String,
    /// The fields at fault, for validation errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Why a sign-in failed: an unknown e-mail, a wrong password or a disabled account, never told
/// apart.
pub const INVALID_CREDENTIALS: &str = "invalid credentials";
/// Why a refresh failed: the token is unknown, already used, expired or revoked.
pub const DEAD_REFRESH_TOKEN: &str = "dead refresh token";

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(BadRequest),
    #[error("unauthenticated: {0}")]
    Unauthorized(&'static str),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_seconds: u64 },
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    #[error("no such route")]
    NoRoute,
    /// A documented path asked with a method it does not answer; holds the `Allow` value.
    #[error("method not allowed")]
    MethodNotAllowed(String),
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("If-Match header required")]
    PreconditionRequired,
    #[error("stale version")]
    PreconditionFailed { current_version: i32 },
    #[error("request body too large")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Readiness while the process drains before stopping (SIGTERM).
    #[error("shutting down")]
    ShuttingDown,
    #[error("internal error: {0}")]
    Internal(String),
}

/// A request that cannot be understood as sent (syntax, unknown field, bad query parameter).
#[derive(Debug)]
pub struct BadRequest {
    pub code: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
}

impl std::fmt::Display for BadRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail)
    }
}

impl ApiError {
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::BadRequest(BadRequest {
            code,
            detail: detail.into(),
            errors: Vec::new(),
        })
    }

    pub fn bad_field(code: &'static str, field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::BadRequest(BadRequest {
            code,
            detail: format!("{field}: {message}"),
            errors: vec![FieldError::new(field, message)],
        })
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    pub fn not_found(entity: &'static str) -> Self {
        Self::NotFound { entity }
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(bad) => bad.code,
            Self::Unauthorized(_) => "unauthenticated",
            Self::Forbidden(_) => "forbidden",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::NotFound { .. } => "not_found",
            Self::NoRoute => "no_such_route",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::Conflict { code, .. } => code,
            Self::Validation(_) => "validation_failed",
            Self::PreconditionRequired => "if_match_required",
            Self::PreconditionFailed { .. } => "version_mismatch",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::Unavailable(_) => "service_unavailable",
            Self::ShuttingDown => "shutting_down",
            Self::Internal(_) => "internal_error",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::BadRequest(bad) => bad.detail.clone(),
            // The reason stays in the logs: a client is only told what to do next.
            Self::Unauthorized(INVALID_CREDENTIALS) => {
                "The e-mail or the password is wrong, or the account is disabled.".into()
            }
            Self::Unauthorized(DEAD_REFRESH_TOKEN) => {
                "This refresh token can no longer be used (unknown, already used, expired or \
                 revoked): sign in again."
                    .into()
            }
            Self::Unauthorized(_) => {
                "Authentication required: send a valid, unexpired access token as `Authorization: Bearer <token>`.".into()
            }
            Self::Forbidden(detail) => detail.clone(),
            Self::TooManyRequests { retry_after_seconds } => format!(
                "Too many attempts: retry in {retry_after_seconds} seconds."
            ),
            // The same words whatever is missing: a non-member is told the convention is not
            // there, and naming it would tell them that the fiche they asked for exists.
            Self::NotFound { .. } => {
                "Nothing with this id is visible to you: it does not exist, or it belongs to a \
                 convention you are not a member of."
                    .into()
            }
            Self::NoRoute => "No route matches this method and path: see /openapi.json.".into(),
            Self::MethodNotAllowed(allow) => {
                format!("This path does not answer this method; it answers {allow}.")
            }
            Self::Conflict { detail, .. } => detail.clone(),
            Self::Validation(errors) => format!(
                "{} field(s) failed validation: {}.",
                errors.len(),
                errors
                    .iter()
                    .map(|e| e.field.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Self::PreconditionRequired => {
                "This request changes a resource: send If-Match with its current ETag.".into()
            }
            Self::PreconditionFailed { current_version } => format!(
                "The resource has changed since you read it (current ETag \"{current_version}\"): \
                 read it again and reapply your change."
            ),
            Self::PayloadTooLarge { limit } => {
                format!("The request body exceeds the limit of {limit} bytes.")
            }
            Self::UnsupportedMediaType => {
                "Send the body as application/json (or application/merge-patch+json for PATCH)."
                    .into()
            }
            // Generic on purpose: the cause is logged, never echoed.
            Self::Unavailable(_) => {
                "The database is unavailable for the moment: retry after the delay given.".into()
            }
            Self::ShuttingDown => {
                "This instance is shutting down: send new requests elsewhere.".into()
            }
            Self::Internal(_) => "An unexpected error occurred; it has been logged.".into(),
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let code = self.code();
        let errors = match self {
            Self::Validation(errors) => errors.clone(),
            Self::BadRequest(bad) => bad.errors.clone(),
            _ => Vec::new(),
        };
        Problem {
            problem_type: format!("urn:ctg:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: self.detail(),
            code: code.to_string(),
            errors,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::NotFound { .. } | Self::NoRoute => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable(_) | Self::ShuttingDown => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => tracing::error!(%cause, "request failed"),
            Self::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            Self::Unauthorized(reason) => tracing::info!(reason, "request not authenticated"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(PROBLEM_JSON);
        match self {
            Self::Unavailable(_) | Self::ShuttingDown => {
                response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS.to_string()));
            }
            Self::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Self::TooManyRequests {
                retry_after_seconds,
            } => {
                response.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
            }
            Self::PreconditionFailed { current_version } => {
                response.insert_header((header::ETAG, crate::http::etag::etag(*current_version)));
            }
            Self::MethodNotAllowed(allow) => {
                response.insert_header((header::ALLOW, allow.as_str()));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

/// The media type of every error response.
const PROBLEM_JSON: &str = "application/problem+json";

/// Error responses that other crates build as plain text or with no body type (actix-cors
/// refusing a preflight, the Swagger UI's unknown files), sent again as problem+json with the
/// same status and headers (middleware, for `from_fn`). A short text body becomes the `detail`.
pub async fn problems_only(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let response = next.call(request).await?;
    let status = response.status();
    // Bare: no body type, or plain text. (The batch's 422 is its JSON row report, on purpose.)
    let is_bare = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|value| value.as_bytes().starts_with(b"text/plain"));
    if !is_bare || !(status.is_client_error() || status.is_server_error()) {
        return Ok(response.map_into_left_body());
    }
    let (request, response) = response.into_parts();
    let headers = response.headers().clone();
    let text = actix_web::body::to_bytes_limited(response.into_body(), 512)
        .await
        .ok()
        .and_then(Result::ok)
        .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
        .filter(|text| !text.trim().is_empty());
    let title = status.canonical_reason().unwrap_or("Error");
    let code = title.to_ascii_lowercase().replace([' ', '-'], "_");
    let problem = Problem {
        problem_type: format!("urn:ctg:problem:{code}"),
        title: title.to_string(),
        status: status.as_u16(),
        detail: text.map_or_else(|| format!("{title}."), |text| format!("{}.", text.trim())),
        code,
        errors: Vec::new(),
    };
    let mut rebuilt = HttpResponse::build(status);
    for (name, value) in &headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rebuilt.append_header((name.clone(), value.clone()));
        }
    }
    let rebuilt = rebuilt.content_type(PROBLEM_JSON).json(problem);
    Ok(ServiceResponse::new(request, rebuilt).map_into_right_body())
}

/// Constraint names that mean "a value the client sent is not acceptable", with the field it
/// concerns. Violations of these answer 422; other unique violations answer 409.
#[rustfmt::skip]
const FIELD_CONSTRAINTS: &[(&str, &str, &str)] = &[
    ("partners_kind_valid", "kind", "unknown partner kind"),
    ("conventions_years_ordered", "end_year", "must not be before start_year"),
    ("actions_years_ordered", "end_year", "must not be before start_year"),
    ("actions_progress_range", "progress", "must be between 0 and 100"),
    ("convention_signatories_partner_id_fkey", "signatory_ids", "unknown partner"),
    ("convention_associated_partners_partner_id_fkey", "associated_partner_ids", "unknown partner"),
    ("action_pilots_partner_id_fkey", "pilots", "unknown partner"),
    ("action_partners_partner_id_fkey", "partners", "unknown partner"),
    ("action_steps_pilot_partner_id_fkey", "steps", "unknown pilot partner"),
    ("action_links_not_self", "linked_action_ids", "an action cannot link to itself"),
    ("committee_members_partner_id_fkey", "member_partner_ids", "unknown partner"),
    ("committee_axes_axis_id_fkey", "axis_ids", "unknown axis"),
    ("memberships_user_id_fkey", "user_id", "unknown user"),
    ("memberships_committee_id_fkey", "committee_id", "unknown committee"),
    ("memberships_committee_matches_role", "committee_id", "required when role is committee, and only then"),
    ("users_partner_id_fkey", "partner_id", "unknown partner"),
    ("indicators_scale_for_levels", "scale_min", "a level indicator needs scale_min < scale_max; other kinds have no scale"),
];

/// Unique constraints, with the conflict they mean to a client.
#[rustfmt::skip]
const UNIQUE_CONSTRAINTS: &[(&str, &str, &str)] = &[
    ("partners_name_key", "duplicate_partner", "A partner with this name already exists."),
    ("axes_convention_id_number_key", "duplicate_number", "This convention already has an axis with this number."),
    ("objectives_axis_id_number_key", "duplicate_number", "This axis already has an objective with this number."),
    ("actions_objective_id_number_key", "duplicate_number", "This objective already has an action with this number."),
    ("convention_signatories_pkey", "duplicate_partner", "A partner is listed twice among the signatories."),
    ("convention_associated_partners_pkey", "duplicate_partner", "A partner is listed twice among the associated partners."),
    ("action_pilots_pkey", "duplicate_partner", "A partner is listed twice among the pilots."),
    ("action_partners_pkey", "duplicate_partner", "A partner is listed twice among the associated partners."),
    ("memberships_unique_role", "duplicate_membership", "This user already holds this role in this convention."),
    ("users_email_key", "duplicate_email", "A user with this e-mail already exists."),
    ("measurements_indicator_id_period_key", "duplicate_period", "This indicator already has a measurement for this period: correct it with PATCH."),
];

impl From<DieselError> for ApiError {
    fn from(error: DieselError) -> Self {
        if let DieselError::RollbackErrorOnCommit {
            commit_error,
            rollback_error,
        } = error
        {
            // COMMIT failed and so did the ROLLBACK after it: the connection died during the
            // commit (PostgreSQL stopped, a network cut), and whether the transaction committed
            // is unknown, as after any outage mid-request. A 503 with Retry-After lets the
            // client retry, which an Idempotency-Key makes safe; a 500 would say "bug".
            let (commit, rollback) = (Self::from(*commit_error), Self::from(*rollback_error));
            let cause = format!("commit failed ({commit}), then rollback failed ({rollback})");
            return if matches!(commit, Self::Unavailable(_))
                || matches!(rollback, Self::Unavailable(_))
            {
                Self::Unavailable(cause)
            } else {
                Self::Internal(cause)
            };
        }
        match &error {
            DieselError::NotFound => Self::not_found("resource"),
            DieselError::DatabaseError(kind, info) => {
                let constraint = info.constraint_name().unwrap_or_default();
                match kind {
                    DatabaseErrorKind::UniqueViolation => UNIQUE_CONSTRAINTS
                        .iter()
                        .find(|(name, ..)| *name == constraint)
                        .map(|(_, code, detail)| Self::conflict(code, *detail))
                        .unwrap_or_else(|| Self::conflict("duplicate", "This resource already exists.")),
                    // A delete or update blocked by rows that still point here.
                    DatabaseErrorKind::ForeignKeyViolation
                        if info.message().starts_with("update or delete") =>
                    {
                        Self::conflict(
                            "still_referenced",
                            format!(
                                "Other records still refer to this one ({}): remove or move them first.",
                                info.table_name().unwrap_or("another table")
                            ),
                        )
                    }
                    DatabaseErrorKind::ForeignKeyViolation | DatabaseErrorKind::CheckViolation => {
                        match FIELD_CONSTRAINTS.iter().find(|(name, ..)| *name == constraint) {
                            Some((_, field, message)) => Self::invalid(*field, *message),
                            None => Self::Internal(error.to_string()),
                        }
                    }
                    // A pooled connection that died since its last use (the pool does not test
                    // connections before handing them out): the request is retried, not a bug.
                    DatabaseErrorKind::ClosedConnection
                    | DatabaseErrorKind::UnableToSendCommand => Self::Unavailable(error.to_string()),
                    _ if is_outage(info.message()) => {
                        Self::Unavailable(error.to_string())
                    }
                    _ => Self::Internal(error.to_string()),
                }
            }
            _ => Self::Internal(error.to_string()),
        }
    }
}

/// PostgreSQL going away mid-request, or cancelling a statement that ran too long, is an
/// outage to retry, not a bug.
fn is_outage(message: &str) -> bool {
    const SIGNS: &[&str] = &[
        "terminating connection",
        "server closed the connection",
        "could not receive data",
        "could not send data",
        "no connection to the server",
        "canceling statement due to statement timeout",
        "the database system is",
    ];
    SIGNS.iter().any(|sign| message.contains(sign))
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable(error.to_string())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        Self::Internal(error.to_string())
    }
}

/// Reads a missing row as a 404 naming what was looked for.
pub trait OrNotFound<T> {
    fn or_not_found(self, entity: &'static str) -> Result<T, ApiError>;
}

impl<T> OrNotFound<T> for diesel::QueryResult<T> {
    fn or_not_found(self, entity: &'static str) -> Result<T, ApiError> {
        self.map_err(|error| match error {
            DieselError::NotFound => ApiError::not_found(entity),
            other => other.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database_error(kind: DatabaseErrorKind, message: &str) -> DieselError {
        DieselError::DatabaseError(kind, Box::new(message.to_string()))
    }

    #[test]
    fn losing_the_database_mid_request_is_a_503() {
        for error in [
            database_error(
                DatabaseErrorKind::ClosedConnection,
                "server closed the connection",
            ),
            database_error(
                DatabaseErrorKind::Unknown,
                "terminating connection due to administrator command",
            ),
            database_error(
                DatabaseErrorKind::Unknown,
                "the database system is shutting down",
            ),
        ] {
            let api = ApiError::from(error);
            assert_eq!(api.status_code(), StatusCode::SERVICE_UNAVAILABLE, "{api}");
        }
    }

    #[test]
    fn a_commit_cut_short_by_an_outage_is_a_503_not_a_500() {
        let error = DieselError::RollbackErrorOnCommit {
            commit_error: Box::new(database_error(
                DatabaseErrorKind::ClosedConnection,
                "server closed the connection unexpectedly",
            )),
            rollback_error: Box::new(database_error(
                DatabaseErrorKind::ClosedConnection,
                "no connection to the server",
            )),
        };
        let api = ApiError::from(error);
        assert_eq!(api.status_code(), StatusCode::SERVICE_UNAVAILABLE, "{api}");
        let response = api.error_response();
        assert!(response.headers().contains_key(header::RETRY_AFTER));
    }

    #[test]
    fn a_commit_failing_for_another_reason_stays_a_500() {
        let error = DieselError::RollbackErrorOnCommit {
            commit_error: Box::new(database_error(DatabaseErrorKind::Unknown, "disk full")),
            rollback_error: Box::new(database_error(DatabaseErrorKind::Unknown, "disk full")),
        };
        assert_eq!(
            ApiError::from(error).status_code(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn shutting_down_is_a_503_with_retry_after() {
        let response = ApiError::ShuttingDown.error_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(response.headers().contains_key(header::RETRY_AFTER));
        assert_eq!(ApiError::ShuttingDown.problem().code, "shutting_down");
    }
}

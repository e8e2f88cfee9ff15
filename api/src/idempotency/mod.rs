//! `Idempotency-Key` on POST (IETF httpapi draft): the first response is stored in the same
//! transaction as the write it answers; a retry with the same key and body replays it, the same
//! key with another body is 422, and a retry while the first is still running is 409.
//!
//! A key belongs to the user who sent it, as the draft scopes keys to their client: someone
//! else sending the same key and body is a new request, checked against their own rights,
//! never a replay of another user's answer.

mod model;

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use diesel::PgConnection;
use serde::Serialize;
use std::future::{ready, Ready};
use uuid::Uuid;

use crate::error::ApiError;
use crate::http::etag::etag;
use crate::http::respond::Versioned;
use model::StoredKey;

pub const HEADER: &str = "Idempotency-Key";

/// The key a client sent, if any, with the route it was sent to.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(Option<Scoped>);

#[derive(Debug, Clone)]
struct Scoped {
    /// The method and path the key was sent to.
    route: String,
    key: String,
}

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(value) = req.headers().get(HEADER) else {
            return ready(Ok(Self(None)));
        };
        let key = value.to_str().ok().map(|v| v.trim_matches('"').to_string());
        ready(match key {
            Some(key)
                if (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) =>
            {
                Ok(Self(Some(Scoped {
                    route: format!("{} {}", req.method(), req.path()),
                    key,
                })))
            }
            _ => Err(ApiError::bad_field(
                "invalid_idempotency_key",
                HEADER,
                "must be 1 to 255 visible ASCII characters",
            )),
        })
    }
}

/// A response that can be stored and replayed byte for byte.
#[derive(Debug, Clone)]
pub struct Replayable {
    pub status: StatusCode,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: serde_json::Value,
}

impl Replayable {
    /// 201 with the created resource, its `Location` and `ETag`.
    pub fn created<T: Serialize + Versioned>(
        location: String,
        resource: &T,
    ) -> Result<Self, ApiError> {
        Ok(Self {
            status: StatusCode::CREATED,
            location: Some(location),
            etag: Some(etag(resource.version())),
            body: serde_json::to_value(resource).map_err(|e| ApiError::Internal(e.to_string()))?,
        })
    }

    pub fn into_response(self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some(location) = self.location {
            response.insert_header((header::LOCATION, location));
        }
        if let Some(etag) = self.etag {
            response.insert_header((header::ETAG, etag));
        }
        response.json(self.body)
    }
}

impl IdempotencyKey {
    /// Runs `work` once per key of `client` (the signed-in user): inside the caller's
    /// transaction, replays a stored answer, or runs `work` and stores its answer before the
    /// transaction commits.
    pub fn once(
        &self,
        conn: &mut PgConnection,
        client: Uuid,
        fingerprint: &str,
        work: impl FnOnce(&mut PgConnection) -> Result<Replayable, ApiError>,
    ) -> Result<Replayable, ApiError> {
        let Some(Scoped { route, key }) = &self.0 else {
            return work(conn);
        };
        let scope = &format!("{client} {route}");
        if !model::try_lock(conn, scope, key)? {
            return Err(ApiError::conflict(
                "idempotency_key_in_use",
                "A request with this Idempotency-Key is still being processed: retry shortly.",
            ));
        }
        if let Some(stored) = StoredKey::find(conn, scope, key)? {
            if stored.request_hash != fingerprint {
                return Err(ApiError::invalid(
                    HEADER,
                    "this key was already used with another request body",
                ));
            }
            return Ok(stored.into_replayable());
        }
        let answer = work(conn)?;
        StoredKey::insert(conn, scope, key, fingerprint, &answer)?;
        Ok(answer)
    }
}

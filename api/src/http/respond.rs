//! Success responses that carry the contract's headers: `ETag` on a single resource, `Location`
//! on creation.

use actix_web::http::header;
use actix_web::HttpResponse;
use serde::Serialize;

use super::etag::etag;

/// A resource that carries its own optimistic-concurrency version.
pub trait Versioned {
    fn version(&self) -> i32;
}

/// 200 with the resource and its `ETag`.
pub fn ok<T: Serialize + Versioned>(resource: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag(resource.version())))
        .json(resource)
}

/// 201 with the created resource, its `ETag` and its `Location`.
pub fn created<T: Serialize + Versioned>(location: String, resource: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header((header::ETAG, etag(resource.version())))
        .json(resource)
}

/// 204 after a delete.
pub fn deleted() -> HttpResponse {
    HttpResponse::NoContent().finish()
}

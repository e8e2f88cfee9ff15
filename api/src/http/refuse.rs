//! Requests refused before they are routed or counted, as problem+json.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};

use crate::error::ApiError;
use crate::startup::DocumentedPaths;

/// The methods HTTP defines (RFC 9110 and RFC 5789's PATCH).
const KNOWN_METHODS: [Method; 9] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::DELETE,
    Method::CONNECT,
    Method::OPTIONS,
    Method::TRACE,
    Method::PATCH,
];

/// A method HTTP does not define (`PROPFIND`, `XRANDOM1`) answers as the routes do, 405 with
/// `Allow` on a documented path and 404 elsewhere, but before the metrics count it (middleware,
/// for `from_fn`, outside them): they label requests by method, and a scanner inventing
/// methods would add series.
pub async fn unknown_methods(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if !KNOWN_METHODS.contains(request.method()) {
        let error = request
            .app_data::<web::Data<DocumentedPaths>>()
            .and_then(|documented| documented.method_not_allowed(request.request()))
            .unwrap_or(ApiError::NoRoute);
        return Ok(request
            .into_response(HttpResponse::from_error(error))
            .map_into_right_body());
    }
    Ok(next.call(request).await?.map_into_left_body())
}

/// 400 naming the query parameter that holds U+0000 (middleware, for `from_fn`): PostgreSQL
/// cannot take that character in any text, so a filter holding it would fail in the database.
pub async fn nul_in_query(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if request.query_string().contains("%00") {
        let pairs = web::Query::<Vec<(String, String)>>::from_query(request.query_string());
        let at_fault = pairs.ok().and_then(|pairs| {
            pairs
                .0
                .into_iter()
                .find(|(name, value)| name.contains('\0') || value.contains('\0'))
                .map(|(name, _)| name)
        });
        if let Some(parameter) = at_fault {
            let error = ApiError::bad_field(
                "invalid_query",
                &parameter,
                "must not contain the NUL character (U+0000)",
            );
            return Ok(request
                .into_response(HttpResponse::from_error(error))
                .map_into_right_body());
        }
    }
    Ok(next.call(request).await?.map_into_left_body())
}

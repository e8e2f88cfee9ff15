//! Headers every response carries so that a browser treats the API as data, never as a page to
//! render, frame or sniff. The Swagger UI under `/docs/` is the one HTML page served: it gets a
//! policy that lets its own scripts and styles run and nothing else.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next};

/// The API's responses are JSON, CSV, XLSX or SVG: nothing in them may load or run anything.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

/// The Swagger UI's page loads its bundle from this server and configures it inline.
const DOCS_POLICY: &str = "default-src 'none'; script-src 'self' 'unsafe-inline'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     frame-ancestors 'none'";

/// The headers that do not depend on the route.
pub fn common() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::CACHE_CONTROL, "no-store"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((header::STRICT_TRANSPORT_SECURITY, "max-age=63072000"))
        .add((
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
}

/// Adds the content security policy that fits the route (middleware, for `from_fn`).
pub async fn content_security_policy(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let policy = if request.path().starts_with("/docs") {
        DOCS_POLICY
    } else {
        API_POLICY
    };
    let mut response = next.call(request).await?;
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    Ok(response)
}

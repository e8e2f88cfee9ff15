//! Cross-origin access: only the origins an operator lists in `CTG_CORS_ORIGINS` may call the
//! API from a browser page (a dashboard on another host, a single-page app). Tokens travel in
//! `Authorization`, never in cookies, so credentials are not allowed cross-origin.
//!
//! A request from another origin is still served (a browser then withholds the answer from the
//! page): non-browser clients send no `Origin` worth trusting, and refusing would only break
//! them; a preflight from an origin not listed is refused.

use actix_cors::Cors;
use actix_web::http::{header, Method};
use anyhow::bail;

/// How long a browser may cache a preflight's answer, in seconds.
const PREFLIGHT_MAX_AGE: usize = 600;

/// The origins of a comma-separated list, each `scheme://host[:port]` without a path.
pub fn parse_origins(list: &str) -> anyhow::Result<Vec<String>> {
    let mut origins = Vec::new();
    for origin in list.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let Some((scheme, rest)) = origin.split_once("://") else {
            bail!("{origin:?} is not an origin: it lacks a scheme (https://…)");
        };
        if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.contains('/') {
            bail!("{origin:?} is not an origin: expected http(s)://host[:port], without a path");
        }
        origins.push(origin.to_ascii_lowercase());
    }
    Ok(origins)
}

/// The CORS middleware for `origins` (none: no cross-origin access at all).
pub fn middleware(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::IF_MATCH,
            header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            header::CONTENT_DISPOSITION,
            header::HeaderName::from_static("x-request-id"),
        ])
        .max_age(PREFLIGHT_MAX_AGE);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_listed_without_paths() {
        assert_eq!(
            parse_origins(" https://tableau.caf.fr, http://localhost:5173 ,").unwrap(),
            ["https://tableau.caf.fr", "http://localhost:5173"]
        );
        assert!(parse_origins("tableau.caf.fr").is_err());
        assert!(parse_origins("https://tableau.caf.fr/app").is_err());
        assert!(parse_origins("ftp://files.caf.fr").is_err());
        assert!(parse_origins("").unwrap().is_empty());
    }
}

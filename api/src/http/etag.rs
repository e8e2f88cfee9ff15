//! Optimistic concurrency: strong ETags `"<version>"` and the `If-Match` precondition.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use std::future::{ready, Ready};

use crate::error::ApiError;

/// The strong ETag of a resource at `version`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// The `If-Match` precondition a write must carry. Extraction never fails, so that a missing
/// resource answers 404 before a missing header answers 428.
#[derive(Debug, Clone)]
pub struct IfMatch(Option<Condition>);

#[derive(Debug, Clone)]
enum Condition {
    /// `If-Match: *`: any current version.
    Any,
    /// The versions the client holds; weak tags never match (strong comparison).
    Versions(Vec<i32>),
}

impl IfMatch {
    /// Fails with 428 when the header is missing, and with 412 unless the resource's `current`
    /// version is one the client holds.
    pub fn check(&self, current: i32) -> Result<(), ApiError> {
        match &self.0 {
            None => Err(ApiError::PreconditionRequired),
            Some(Condition::Any) => Ok(()),
            Some(Condition::Versions(versions)) if versions.contains(&current) => Ok(()),
            Some(Condition::Versions(_)) => Err(ApiError::PreconditionFailed {
                current_version: current,
            }),
        }
    }
}

impl Condition {
    fn parse(value: &str) -> Self {
        if value.trim() == "*" {
            return Self::Any;
        }
        let versions = value
            .split(',')
            .map(str::trim)
            .filter_map(|tag| tag.strip_prefix('"')?.strip_suffix('"')?.parse().ok())
            .collect();
        Self::Versions(versions)
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let values: Vec<&str> = req
            .headers()
            .get_all(header::IF_MATCH)
            .filter_map(|v| v.to_str().ok())
            .collect();
        ready(Ok(Self(
            (!values.is_empty()).then(|| Condition::parse(&values.join(","))),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(value: &str) -> IfMatch {
        IfMatch(Some(Condition::parse(value)))
    }

    #[test]
    fn matches_strong_tags_only() {
        assert!(header("\"3\"").check(3).is_ok());
        assert!(header("\"2\", \"3\"").check(3).is_ok());
        assert!(header("W/\"3\"").check(3).is_err());
        assert!(header("\"2\"").check(3).is_err());
        assert!(header("*").check(7).is_ok());
        assert_eq!(IfMatch(None).check(1).unwrap_err().problem().status, 428);
    }
}

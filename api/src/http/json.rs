//! `JsonBody<T>`: the request body parsed strictly, with the JSON path of the field at fault.
//! `JsonBody<T, LIMIT>` takes bodies up to `LIMIT` bytes instead of the ordinary `BODY_LIMIT`
//! (the import of a whole plan).
//!
//! actix's `web::Json` reports serde errors without telling a client which field was wrong, nor
//! telling an unknown field (400) from a missing or invalid one (422): this extractor does both.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

/// Fields every resource shows but only the server writes: named as such when sent.
const READ_ONLY: &[&str] = &[
    "id",
    "version",
    "created_at",
    "updated_at",
    "code",
    "convention_id",
    "axis_id",
];

/// Bodies larger than this are refused with 413 (the contract's limit for ordinary routes).
pub const BODY_LIMIT: usize = 64 * 1024;

/// A JSON request body deserialised into `T`, refusing unknown fields and bodies over `LIMIT`
/// bytes (413). Keeps the raw bytes for the fingerprint an idempotent POST compares.
#[derive(Debug)]
pub struct JsonBody<T, const LIMIT: usize = BODY_LIMIT>(pub T, Bytes);

impl<T, const LIMIT: usize> JsonBody<T, LIMIT> {
    /// SHA-256 of the body as sent, in hex.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        Sha256::digest(&self.1)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl<T: DeserializeOwned + 'static, const LIMIT: usize> FromRequest for JsonBody<T, LIMIT> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let media_type_ok = is_json_media_type(req);
        let declared_length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !media_type_ok {
                return Err(ApiError::UnsupportedMediaType);
            }
            if declared_length.is_some_and(|length| length > LIMIT) {
                return Err(ApiError::PayloadTooLarge { limit: LIMIT });
            }
            let mut body = BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk =
                    chunk.map_err(|e| ApiError::bad_request("malformed_body", e.to_string()))?;
                if body.len() + chunk.len() > LIMIT {
                    return Err(ApiError::PayloadTooLarge { limit: LIMIT });
                }
                body.extend_from_slice(&chunk);
            }
            let body = body.freeze();
            parse(&body).map(|value| JsonBody(value, body))
        })
    }
}

fn is_json_media_type(req: &HttpRequest) -> bool {
    let Some(content_type) = req.headers().get(header::CONTENT_TYPE) else {
        return false;
    };
    let essence = content_type
        .to_str()
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    // Not any `+json`: a JSON Patch (`application/json-patch+json`) is another format, which a
    // merge patch would misread.
    essence == "application/json" || essence == "application/merge-patch+json"
}

/// Deserialises `body`, a JSON object, turning serde's error into the contract's 400 or 422.
///
/// The document is first read as JSON of any shape, so that what is not JSON — truncated,
/// nested deeper than serde_json's recursion limit (128 levels) — is a 400 wherever it
/// happens, before a field of the wrong type could make it a 422. (`IgnoredAny` would not do:
/// serde_json skips values without a depth limit.)
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let document = serde_json::from_slice::<serde_json::Value>(body).map_err(|e| malformed(&e))?;
    // Every body of the API is an object; serde would also fill a struct from an array.
    if !document.is_object() {
        return Err(ApiError::bad_request(
            "malformed_json",
            "The body must be a JSON object.",
        ));
    }
    if let Some(path) = nul_character(&document, String::new()) {
        return Err(ApiError::Validation(vec![FieldError::new(
            path,
            "must not contain the NUL character (U+0000)",
        )]));
    }
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize(deserializer) {
        Ok(parsed) => Ok(parsed),
        Err(error) => {
            let path = error.path().to_string();
            let inner = error.into_inner();
            if inner
                .to_string()
                .starts_with("invalid type: floating point")
            {
                if let Some(rewritten) = integral_numbers_as_integers(body) {
                    return parse(&rewritten);
                }
            }
            Err(classify(&path, &inner))
        }
    }
}

/// JSON Schema (and so the OpenAPI document) counts `3.0` as an integer, while serde refuses it
/// for an integer field: `body` again with every integral number written as an integer, or
/// `None` when it has none (then the fraction was the fault).
fn integral_numbers_as_integers(body: &[u8]) -> Option<Vec<u8>> {
    fn rewrite(value: &mut serde_json::Value) -> bool {
        match value {
            serde_json::Value::Number(number) => match number.as_f64() {
                // Within ±2^53 an f64 holds integers exactly.
                Some(f)
                    if number.is_f64()
                        && f.fract() == 0.0
                        && f.abs() <= 9_007_199_254_740_992.0 =>
                {
                    *value = serde_json::Value::from(f as i64);
                    true
                }
                _ => false,
            },
            serde_json::Value::Array(items) => {
                items.iter_mut().fold(false, |any, v| rewrite(v) | any)
            }
            serde_json::Value::Object(fields) => {
                fields.values_mut().fold(false, |any, v| rewrite(v) | any)
            }
            _ => false,
        }
    }
    let mut value: serde_json::Value = serde_json::from_slice(body).ok()?;
    if rewrite(&mut value) {
        serde_json::to_vec(&value).ok()
    } else {
        None
    }
}

/// The path (`axes[1].title`) of the first text holding U+0000, which PostgreSQL cannot store
/// in any text column: refused up front, naming the field, whatever the body.
fn nul_character(value: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(text) if text.contains('\0') => Some(path),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_character(item, format!("{path}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(name, field)| {
            let path = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            if name.contains('\0') {
                Some(path)
            } else {
                nul_character(field, path)
            }
        }),
        _ => None,
    }
}

fn malformed(error: &serde_json::Error) -> ApiError {
    let message = strip_position(&error.to_string());
    ApiError::bad_request(
        "malformed_json",
        format!("The body is not valid JSON: {message}."),
    )
}

/// The error of a document known to be JSON: serde_json reports a value of the wrong type for
/// an enum (`null`, a number) as a syntax error, but it is the field's fault all the same.
fn classify(path: &str, error: &serde_json::Error) -> ApiError {
    let message = strip_position(&error.to_string());
    if let Some(field) = quoted_after(&message, "unknown field ") {
        // The path already ends with the unknown field's name.
        if READ_ONLY.contains(&field.as_str()) {
            return ApiError::bad_field(
                "read_only_field",
                path,
                "is set by the server and cannot be written",
            );
        }
        return ApiError::bad_field("unknown_field", path, "unknown field");
    }
    if let Some(field) = quoted_after(&message, "missing field ") {
        return ApiError::Validation(vec![FieldError::new(
            join_path(path, &field),
            "is required",
        )]);
    }
    let field = if path == "." {
        "body".to_string()
    } else {
        path.to_string()
    };
    ApiError::Validation(vec![FieldError::new(field, message)])
}

/// serde_json appends " at line L column C", which means nothing to the field's owner.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// The name in backquotes after `prefix`, as serde writes `unknown field `x``.
fn quoted_after(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    let rest = rest.strip_prefix('`')?;
    rest.split('`').next().map(str::to_string)
}

fn join_path(path: &str, field: &str) -> String {
    if path.is_empty() || path == "." {
        field.to_string()
    } else {
        // For a missing field, the path points at the object that lacks it.
        format!("{path}.{field}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Step {
        text: String,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        title: String,
        #[serde(default)]
        steps: Vec<Step>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Numbered {
        number: i32,
        share: Option<f64>,
        years: Vec<i32>,
    }

    #[test]
    fn integral_numbers_with_a_fraction_are_integers() {
        let parsed: Numbered =
            parse(br#"{"number": 104.0, "share": 2.0, "years": [2024, 2.025e3]}"#).unwrap();
        assert_eq!(
            (parsed.number, parsed.share, parsed.years),
            (104, Some(2.0), vec![2024, 2025])
        );
        let refused = parse::<Numbered>(br#"{"number": 104.5, "share": 1.0, "years": []}"#);
        assert_eq!(field_of(refused.unwrap_err()), (422, "number".to_string()));
    }

    fn field_of(error: ApiError) -> (u16, String) {
        let problem = error.problem();
        let field = problem
            .errors
            .first()
            .map(|e| e.field.clone())
            .unwrap_or_default();
        (problem.status, field)
    }

    #[test]
    fn names_the_nested_field_at_fault() {
        let error =
            parse::<Body>(br#"{"title":"t","steps":[{"text":"a"},{"text":3}]}"#).unwrap_err();
        assert_eq!(field_of(error), (422, "steps[1].text".into()));
    }

    #[test]
    fn unknown_fields_are_a_bad_request() {
        let error = parse::<Body>(br#"{"title":"t","colour":"red"}"#).unwrap_err();
        assert_eq!(field_of(error), (400, "colour".into()));
        let error = parse::<Body>(br#"{"title":"t","steps":[{"text":"a","x":1}]}"#).unwrap_err();
        assert_eq!(field_of(error), (400, "steps[0].x".into()));
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct WithEnum {
        kind: crate::domain::PartnerKind,
    }

    #[test]
    fn a_wrongly_typed_enum_is_the_field_s_fault() {
        assert_eq!(
            field_of(parse::<WithEnum>(br#"{"kind":null}"#).unwrap_err()),
            (422, "kind".into())
        );
        assert_eq!(
            field_of(parse::<WithEnum>(br#"{"kind":5}"#).unwrap_err()),
            (422, "kind".into())
        );
    }

    #[test]
    fn missing_fields_and_syntax() {
        assert_eq!(
            field_of(parse::<Body>(b"{}").unwrap_err()),
            (422, "title".into())
        );
        assert_eq!(
            parse::<Body>(b"{\"title\":").unwrap_err().problem().status,
            400
        );
    }
}

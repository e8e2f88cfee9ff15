//! Query-string parameters, parsed with the parameter at fault named (400 `invalid_query`).
//! Filters take them as text so that a bad value is named, rather than refused by serde whole.

use uuid::Uuid;

use crate::error::ApiError;

/// A 400 naming the query parameter at fault.
pub fn invalid(parameter: &str, message: &str) -> ApiError {
    ApiError::bad_field("invalid_query", parameter, message)
}

/// An optional UUID parameter.
pub fn uuid(parameter: &str, value: Option<String>) -> Result<Option<Uuid>, ApiError> {
    value
        .map(|v| v.parse().map_err(|_| invalid(parameter, "must be a UUID")))
        .transpose()
}

/// An optional `true`/`false` parameter.
pub fn boolean(parameter: &str, value: Option<String>) -> Result<Option<bool>, ApiError> {
    value
        .map(|v| match v.as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(invalid(parameter, "must be true or false")),
        })
        .transpose()
}

/// An optional word of a closed vocabulary (`status=in_progress`).
pub fn word<T>(
    parameter: &str,
    value: Option<String>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Option<T>, ApiError> {
    value
        .map(|v| parse(&v).map_err(|m| invalid(parameter, &m)))
        .transpose()
}

/// An optional integer parameter.
pub fn integer(parameter: &str, value: Option<&str>) -> Result<Option<i64>, ApiError> {
    value
        .map(|v| {
            v.trim()
                .parse()
                .map_err(|_| invalid(parameter, "must be an integer"))
        })
        .transpose()
}

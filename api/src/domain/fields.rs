//! Gathering every field at fault before answering, so a client fixes a form in one round trip.

use crate::error::{ApiError, FieldError};

/// The fields at fault in one input.
#[derive(Debug, Default)]
pub struct Invalid(pub Vec<FieldError>);

impl From<FieldError> for Invalid {
    fn from(error: FieldError) -> Self {
        Self(vec![error])
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        ApiError::Validation(invalid.0)
    }
}

/// Attaches a field's path to a parser's message.
pub trait At<T> {
    fn at(self, field: &str) -> Result<T, FieldError>;
}

impl<T> At<T> for Result<T, String> {
    fn at(self, field: &str) -> Result<T, FieldError> {
        self.map_err(|message| FieldError::new(field, message))
    }
}

/// Parses each `name = expression` (a `Result<_, impl Into<Invalid>>`), collects every error,
/// returns `Err(Invalid)` from the enclosing function if any failed, and otherwise binds each
/// name to its parsed value.
#[macro_export]
macro_rules! parse_fields {
    ($($name:ident = $parse:expr),+ $(,)?) => {
        let mut invalid = $crate::domain::Invalid::default();
        $(
            let $name = match $parse {
                Ok(value) => Some(value),
                Err(error) => {
                    invalid.0.extend($crate::domain::Invalid::from(error).0);
                    None
                }
            };
        )+
        if !invalid.0.is_empty() {
            return Err(invalid.into());
        }
        $( let Some($name) = $name else { unreachable!("checked above") }; )+
    };
}

/// Parses every element of a list, naming each failure `field[index]...`.
pub fn parse_list<I, T>(
    field: &str,
    items: Vec<I>,
    mut parse: impl FnMut(&str, I) -> Result<T, Invalid>,
) -> Result<Vec<T>, Invalid> {
    let mut parsed = Vec::with_capacity(items.len());
    let mut invalid = Invalid::default();
    for (index, item) in items.into_iter().enumerate() {
        match parse(&format!("{field}[{index}]"), item) {
            Ok(value) => parsed.push(value),
            Err(error) => invalid.0.extend(error.0),
        }
    }
    if invalid.0.is_empty() {
        Ok(parsed)
    } else {
        Err(invalid)
    }
}

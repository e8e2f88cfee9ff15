//! Numbers with the plan's rules.

use std::borrow::Cow;

use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::RefOr;

/// A position within its parent (axis 1, objective 2, action 1 → "1.2.1"): 1 to 999.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Number(i32);

impl Number {
    pub fn parse(value: i32) -> Result<Self, String> {
        if (1..=999).contains(&value) {
            Ok(Self(value))
        } else {
            Err("must be between 1 and 999".into())
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// A calendar year a convention can plausibly cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Year(i32);

impl Year {
    pub fn parse(value: i32) -> Result<Self, String> {
        if (2000..=2100).contains(&value) {
            Ok(Self(value))
        } else {
            Err("must be a year between 2000 and 2100".into())
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// A manual progress estimate, 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percent(i16);

impl Percent {
    pub fn parse(value: i32) -> Result<Self, String> {
        if (0..=100).contains(&value) {
            Ok(Self(value as i16))
        } else {
            Err("must be between 0 and 100".into())
        }
    }

    pub fn get(self) -> i16 {
        self.0
    }
}

fn integer_schema(minimum: i32, maximum: i32, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
        .minimum(Some(minimum))
        .maximum(Some(maximum))
        .description(Some(description))
        .into()
}

impl utoipa::PartialSchema for Number {
    fn schema() -> RefOr<Schema> {
        integer_schema(
            1,
            999,
            "A position within its parent, 1 to 999: a part of codes (\"1.2.1\").",
        )
    }
}

impl utoipa::ToSchema for Number {
    fn name() -> Cow<'static, str> {
        "PlanNumber".into()
    }
}

impl utoipa::PartialSchema for Year {
    fn schema() -> RefOr<Schema> {
        integer_schema(2000, 2100, "A calendar year, 2000 to 2100.")
    }
}

impl utoipa::ToSchema for Year {}

impl utoipa::PartialSchema for Percent {
    fn schema() -> RefOr<Schema> {
        integer_schema(0, 100, "A percentage, 0 to 100.")
    }
}

impl utoipa::ToSchema for Percent {}

/// Checks that a span of years is in order, naming `end_field` when it is not.
pub fn ordered(start: Option<Year>, end: Option<Year>) -> Result<(), String> {
    match (start, end) {
        (Some(start), Some(end)) if end < start => Err("must not be before start_year".into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert!(Number::parse(0).is_err());
        assert!(Number::parse(1).is_ok());
        assert!(Year::parse(1999).is_err());
        assert!(Year::parse(2026).is_ok());
        assert!(Percent::parse(101).is_err());
        assert!(Percent::parse(100).is_ok());
        assert!(ordered(Year::parse(2026).ok(), Year::parse(2022).ok()).is_err());
    }
}

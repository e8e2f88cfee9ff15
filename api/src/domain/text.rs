//! Free text from the plan. It is kept exactly as written (no trimming, no case folding): only
//! emptiness and size are refused.

use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

/// A name or title: not blank, at most 500 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Title(String);

/// A paragraph of the plan (context, findings, steps…): not blank, at most 20,000 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LongText(String);

fn parse_text(value: String, max_chars: usize) -> Result<String, String> {
    if value.trim().is_empty() {
        return Err("must not be blank".into());
    }
    if value.chars().count() > max_chars {
        return Err(format!("must be at most {max_chars} characters"));
    }
    if value.contains('\0') {
        return Err("must not contain NUL characters".into());
    }
    Ok(value)
}

impl Title {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(value: String) -> Result<Self, String> {
        parse_text(value, Self::MAX_CHARS).map(Self)
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl LongText {
    pub const MAX_CHARS: usize = 20_000;

    pub fn parse(value: String) -> Result<Self, String> {
        parse_text(value, Self::MAX_CHARS).map(Self)
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// What the parser accepts, as a JSON Schema pattern: no NUL, and at least one character that is
/// not white space in Rust's sense (`char::is_whitespace`, the Unicode White_Space property,
/// spelled out: regex dialects disagree on `\s`).
pub const NOT_BLANK_PATTERN: &str = "^[^\\u0000]*[^\\u0000\\u0009-\\u000D \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000]*$";

fn text_schema(max_chars: usize, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(max_chars))
        .pattern(Some(NOT_BLANK_PATTERN))
        .description(Some(description))
        .into()
}

impl utoipa::PartialSchema for Title {
    fn schema() -> RefOr<Schema> {
        text_schema(
            Self::MAX_CHARS,
            "A name or a short text: not blank, at most 500 characters, kept as written.",
        )
    }
}

impl utoipa::ToSchema for Title {}

impl utoipa::PartialSchema for LongText {
    fn schema() -> RefOr<Schema> {
        text_schema(
            Self::MAX_CHARS,
            "A paragraph: not blank, at most 20,000 characters, kept as written.",
        )
    }
}

impl utoipa::ToSchema for LongText {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_french_text_as_written() {
        let title = Title::parse("  Accès aux droits ".into()).unwrap();
        assert_eq!(title.into_inner(), "  Accès aux droits ");
    }

    #[test]
    fn refuses_blank_and_oversized_text() {
        assert!(Title::parse(" \n".into()).is_err());
        assert!(Title::parse("é".repeat(501)).is_err());
        assert!(Title::parse("é".repeat(500)).is_ok());
        assert!(LongText::parse("a\0b".into()).is_err());
    }

    /// The schema's pattern names exactly the characters `trim` removes.
    #[test]
    fn the_pattern_spells_out_rust_white_space() {
        let listed: Vec<char> = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        let expected = [
            '\u{9}', '\u{A}', '\u{B}', '\u{C}', '\u{D}', ' ', '\u{85}', '\u{A0}', '\u{1680}',
            '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}',
            '\u{2007}', '\u{2008}', '\u{2009}', '\u{200A}', '\u{2028}', '\u{2029}', '\u{202F}',
            '\u{205F}', '\u{3000}',
        ];
        assert_eq!(listed, expected);
        for c in expected {
            let code = format!("{:04X}", c as u32);
            let spelled = NOT_BLANK_PATTERN.contains(&format!("\\u{code}"))
                || c == ' '
                || ('\u{9}'..='\u{D}').contains(&c)
                    && NOT_BLANK_PATTERN.contains("\\u0009-\\u000D")
                || ('\u{2000}'..='\u{200A}').contains(&c)
                    && NOT_BLANK_PATTERN.contains("\\u2000-\\u200A");
            assert!(spelled, "U+{code} is missing from the pattern");
        }
    }
}

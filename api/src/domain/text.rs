//! Free text from the plan. It is kept exactly as written (no trimming, no case folding): only
//! emptiness and size are refused.

use serde::{Deserialize, Serialize};

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
}

//! Notes of the follow-up journal on the wire.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{NoteChanges, NoteFields, NoteRecord};
use crate::domain::{At, Invalid, LongText};
use crate::http::patch::Patch;
use crate::http::respond::Versioned;
use crate::parse_fields;

/// A note of a fiche-action's follow-up journal: what happened, on which day, written by whom.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteOut {
    pub id: Uuid,
    pub action_id: Uuid,
    pub convention_id: Uuid,
    /// The day the note is about (not in the future when written).
    pub date: NaiveDate,
    pub text: String,
    /// Who wrote it: the only one who may change it.
    pub author_id: Uuid,
    /// The author's current display name (a pseudonym once the author's data is erased).
    pub author_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A new note; its author is the caller.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteCreate {
    /// A day (`YYYY-MM-DD`) not after today in Europe/Paris, nor before 2000.
    #[schema(value_type = NaiveDate)]
    pub date: String,
    /// Not blank, at most 20,000 characters.
    #[schema(value_type = LongText)]
    pub text: String,
}

/// Changes to a note (JSON Merge Patch): its `date` and `text`, following the rules of a new one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteUpdate {
    #[serde(default)]
    #[schema(value_type = NaiveDate)]
    pub date: Patch<String>,
    #[serde(default)]
    #[schema(value_type = LongText)]
    pub text: Patch<String>,
}

impl From<NoteRecord> for NoteOut {
    fn from(record: NoteRecord) -> Self {
        let NoteRecord {
            note: n,
            placement,
            author_name,
        } = record;
        Self {
            id: n.id,
            action_id: n.action_id,
            convention_id: placement.convention_id,
            date: n.date,
            text: n.text,
            author_id: n.author_id,
            author_name,
            created_at: n.created_at,
            updated_at: n.updated_at,
            version: n.version,
        }
    }
}

impl Versioned for NoteOut {
    fn version(&self) -> i32 {
        self.version
    }
}

/// The first day a note may be about: the journal records the plans' follow-up, not history.
const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(date) => date,
    None => unreachable!(),
};

/// A day written `YYYY-MM-DD`, from 2000 to `today` (Europe/Paris).
fn date(value: String, today: NaiveDate) -> Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(&value, "%Y-%m-%d")
        .map_err(|_| "must be a date written YYYY-MM-DD".to_string())?;
    if date > today {
        return Err(format!("must not be in the future (today is {today})"));
    }
    if date < EARLIEST {
        return Err(format!("must not be before {EARLIEST}"));
    }
    Ok(date)
}

fn text(value: String) -> Result<String, String> {
    LongText::parse(value).map(LongText::into_inner)
}

impl NoteCreate {
    /// The note's fields, `date` checked against `today` (Europe/Paris).
    pub fn parse(self, today: NaiveDate) -> Result<NoteFields, Invalid> {
        parse_fields!(
            date = date(self.date, today).at("date"),
            text = text(self.text).at("text"),
        );
        Ok(NoteFields { date, text })
    }
}

impl NoteUpdate {
    /// Each field on its own, `date` checked against `today` (Europe/Paris).
    pub fn parse(self, today: NaiveDate) -> Result<NoteChanges, Invalid> {
        parse_fields!(
            date = self
                .date
                .into_required("date")
                .and_then(|value| value.map(|v| date(v, today)).transpose().at("date")),
            text = self
                .text
                .into_required("text")
                .and_then(|value| value.map(text).transpose().at("text")),
        );
        Ok(NoteChanges { date, text })
    }
}

//! The plan lives in French time: "this year" and "the current period" are read in
//! Europe/Paris, whatever the server's clock zone.

use chrono::{Datelike, NaiveDate, Utc};
use chrono_tz::Europe::Paris;

/// Today's date in Europe/Paris.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&Paris).date_naive()
}

/// The current year in Europe/Paris.
pub fn current_year() -> i32 {
    today().year()
}

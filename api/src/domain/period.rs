//! A measurement's period: a year, a half-year, a quarter or a month, written `2024`, `2024-S1`,
//! `2024-Q2` or `2024-03` (only these canonical forms are accepted).
//!
//! Stored as that text (e.g. a column `period text`). Within one frequency the canonical texts sort
//! as text in chronological order (a four-digit year first, then `S`/`Q` and one digit, or a
//! zero-padded month), so `ORDER BY period` and `period BETWEEN $from AND $to` are right for one
//! indicator's measurements. Across frequencies only the year prefix orders (as text,
//! `2024` < `2024-03` < `2024-Q1` < `2024-S1`): compare dates (`start_date`, `end_date`) or
//! `left(period, 4)` instead.
//!
//! "Today" is always the caller's (the service passes Europe/Paris's date, `crate::time::today`),
//! so everything here is a pure function.

use std::cmp::Ordering;
use std::fmt;
use std::io::Write;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

use super::Frequency;

/// The years a period may name: the same span as a convention's years.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// One period of a given frequency; an interval of whole months within one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct Period {
    year: i32,
    frequency: Frequency,
    /// 1-based position within the year: the half, the quarter or the month (1 for a year).
    index: u32,
}

impl Period {
    /// Reads a period in canonical form, whatever its frequency.
    pub fn parse(text: &str) -> Result<Self, String> {
        let period = parse_canonical(text)
            .ok_or("must be a period such as 2024, 2024-S1, 2024-Q2 or 2024-03")?;
        if !YEARS.contains(&period.year) {
            return Err(format!(
                "must be a period between {} and {}",
                YEARS.start(),
                YEARS.end()
            ));
        }
        Ok(period)
    }

    /// Reads a period that must have the indicator's frequency.
    pub fn parse_for(text: &str, frequency: Frequency) -> Result<Self, String> {
        let wrong_form = || format!("must be {}", described(frequency));
        match Self::parse(text) {
            Ok(period) if period.frequency == frequency => Ok(period),
            Ok(_) => Err(wrong_form()),
            Err(_) if parse_canonical(text).is_none() => Err(wrong_form()),
            Err(out_of_years) => Err(out_of_years),
        }
    }

    /// The period of `frequency` that contains `today`.
    pub fn current(frequency: Frequency, today: NaiveDate) -> Self {
        let months = months_per_period(frequency);
        Self {
            year: today.year(),
            frequency,
            index: today.month0() / months + 1,
        }
    }

    /// The last period of `frequency` that has fully ended before `today`: the one before the
    /// current period (on 2026-11-29: 2025, 2026-S1, 2026-Q3, 2026-10).
    pub fn last_completed(frequency: Frequency, today: NaiveDate) -> Self {
        Self::current(frequency, today).previous()
    }

    pub fn previous(self) -> Self {
        if self.index > 1 {
            Self {
                index: self.index - 1,
                ..self
            }
        } else {
            Self {
                year: self.year - 1,
                index: self.frequency.periods_per_year(),
                ..self
            }
        }
    }

    pub fn next(self) -> Self {
        if self.index < self.frequency.periods_per_year() {
            Self {
                index: self.index + 1,
                ..self
            }
        } else {
            Self {
                year: self.year + 1,
                index: 1,
                ..self
            }
        }
    }

    pub fn frequency(self) -> Frequency {
        self.frequency
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// The first day of the period.
    pub fn start_date(self) -> NaiveDate {
        let month = (self.index - 1) * months_per_period(self.frequency) + 1;
        // Panics only beyond chrono's range (year ±262,000), which no parsed period nor real date
        // reaches.
        NaiveDate::from_ymd_opt(self.year, month, 1).expect("a month of a supported year")
    }

    /// The last day of the period (inclusive).
    pub fn end_date(self) -> NaiveDate {
        self.start_date()
            .checked_add_months(Months::new(months_per_period(self.frequency)))
            .and_then(|next_start| next_start.pred_opt())
            .expect("a month of a supported year")
    }

    /// Whether the period's year lies within a convention's `start_year`..=`end_year` (a period
    /// never straddles two years).
    pub fn within_years(self, start_year: i32, end_year: i32) -> bool {
        (start_year..=end_year).contains(&self.year)
    }

    /// Whether the period starts after `today`, i.e. lies after the current period.
    pub fn is_future(self, today: NaiveDate) -> bool {
        self.start_date() > today
    }

    /// The contract's rule for a measurement's period: within the convention's years and not
    /// after the current period. The message is about `period`.
    pub fn check_recordable(
        self,
        start_year: i32,
        end_year: i32,
        today: NaiveDate,
    ) -> Result<(), String> {
        if !self.within_years(start_year, end_year) {
            return Err(format!(
                "must lie within the convention's years ({start_year} to {end_year})"
            ));
        }
        if self.is_future(today) {
            return Err(format!(
                "must not be after the current period ({})",
                Self::current(self.frequency, today)
            ));
        }
        Ok(())
    }

    // Chronological: by start, then the shorter (earlier-ending) first. Months identify a period
    // uniquely, so this agrees with `Eq`.
    fn sort_key(self) -> (i32, u32, u32) {
        let months = months_per_period(self.frequency);
        (self.year, (self.index - 1) * months, months)
    }
}

fn months_per_period(frequency: Frequency) -> u32 {
    12 / frequency.periods_per_year()
}

fn described(frequency: Frequency) -> &'static str {
    match frequency {
        Frequency::Annual => "an annual period such as 2024",
        Frequency::Semiannual => "a semiannual period such as 2024-S1",
        Frequency::Quarterly => "a quarterly period such as 2024-Q2",
        Frequency::Monthly => "a monthly period such as 2024-03",
    }
}

/// The syntax only: `YYYY`, `YYYY-S[1-2]`, `YYYY-Q[1-4]`, `YYYY-MM`.
fn parse_canonical(text: &str) -> Option<Period> {
    let (year, rest) = match text.split_once('-') {
        Some((year, rest)) => (year, Some(rest)),
        None => (text, None),
    };
    let year = digits(year, 4)? as i32;
    let (frequency, index) = match rest {
        None => (Frequency::Annual, 1),
        Some(rest) => {
            if let Some(half) = rest.strip_prefix('S') {
                (Frequency::Semiannual, digits(half, 1)?)
            } else if let Some(quarter) = rest.strip_prefix('Q') {
                (Frequency::Quarterly, digits(quarter, 1)?)
            } else {
                (Frequency::Monthly, digits(rest, 2)?)
            }
        }
    };
    (1..=frequency.periods_per_year())
        .contains(&index)
        .then_some(Period {
            year,
            frequency,
            index,
        })
}

/// Exactly `count` ASCII digits (no sign, no space).
fn digits(text: &str, count: usize) -> Option<u32> {
    (text.len() == count && text.bytes().all(|byte| byte.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let year = self.year;
        match self.frequency {
            Frequency::Annual => write!(f, "{year:04}"),
            Frequency::Semiannual => write!(f, "{year:04}-S{}", self.index),
            Frequency::Quarterly => write!(f, "{year:04}-Q{}", self.index),
            Frequency::Monthly => write!(f, "{year:04}-{:02}", self.index),
        }
    }
}

impl FromStr for Period {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Self::parse(text)
    }
}

impl Ord for Period {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Period {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^\d{4}(-(S[12]|Q[1-4]|0[1-9]|1[0-2]))?$"))
            .description(Some(
                "A year (2024), a half-year (2024-S1), a quarter (2024-Q2) or a month (2024-03), \
                 matching the indicator's frequency.",
            ))
            .examples(["2024-Q2"])
            .into()
    }
}

impl utoipa::ToSchema for Period {}

impl ToSql<Text, Pg> for Period {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        write!(out, "{self}")?;
        Ok(IsNull::No)
    }
}

impl FromSql<Text, Pg> for Period {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, Pg>>::from_sql(bytes)?;
        Ok(Self::parse(&text)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn reads_and_writes_the_canonical_forms() {
        for (text, frequency) in [
            ("2024", Frequency::Annual),
            ("2024-S2", Frequency::Semiannual),
            ("2024-Q1", Frequency::Quarterly),
            ("2024-Q4", Frequency::Quarterly),
            ("2024-01", Frequency::Monthly),
            ("2024-12", Frequency::Monthly),
        ] {
            let parsed = period(text);
            assert_eq!(parsed.to_string(), text);
            assert_eq!(parsed.frequency(), frequency);
            assert_eq!(parsed.year(), 2024);
        }
    }

    #[test]
    fn refuses_anything_else() {
        let malformed = "24 02024 2024- 2024-S0 2024-S3 2024-Q0 2024-Q5 2024-00 2024-13 2024-1 \
                         2024-001 2024-s1 2024-q2 2024-H1 +202 2024-Q+1 2024-T1 2024-S1-01 ٢٠٢٤";
        for bad in malformed.split_whitespace().chain(["", " 2024", "2024 "]) {
            assert_eq!(
                Period::parse(bad),
                Err("must be a period such as 2024, 2024-S1, 2024-Q2 or 2024-03".into()),
                "{bad:?}"
            );
        }
        assert_eq!(
            Period::parse("1999-Q4"),
            Err("must be a period between 2000 and 2100".into())
        );
        assert!(Period::parse("2101").is_err());
        assert!(Period::parse("2100-12").is_ok());
    }

    #[test]
    fn a_period_must_have_the_indicators_frequency() {
        assert_eq!(
            Period::parse_for("2024-Q2", Frequency::Quarterly),
            Ok(period("2024-Q2"))
        );
        assert_eq!(
            Period::parse_for("2024-03", Frequency::Quarterly),
            Err("must be a quarterly period such as 2024-Q2".into())
        );
        assert_eq!(
            Period::parse_for("mars 2024", Frequency::Monthly),
            Err("must be a monthly period such as 2024-03".into())
        );
        assert_eq!(
            Period::parse_for("2024-Q2", Frequency::Annual),
            Err("must be an annual period such as 2024".into())
        );
        assert_eq!(
            Period::parse_for("1990-S1", Frequency::Semiannual),
            Err("must be a period between 2000 and 2100".into())
        );
    }

    #[test]
    fn covers_whole_months() {
        let span = |text: &str| (period(text).start_date(), period(text).end_date());
        assert_eq!(span("2024"), (date("2024-01-01"), date("2024-12-31")));
        assert_eq!(span("2024-S2"), (date("2024-07-01"), date("2024-12-31")));
        assert_eq!(span("2024-Q1"), (date("2024-01-01"), date("2024-03-31")));
        assert_eq!(span("2024-02"), (date("2024-02-01"), date("2024-02-29")));
        assert_eq!(span("2023-02"), (date("2023-02-01"), date("2023-02-28")));
    }

    #[test]
    fn sorts_by_start_then_length() {
        let mut periods: Vec<Period> = ["2025", "2024-S2", "2024", "2024-Q1", "2024-01", "2024-S1"]
            .map(period)
            .to_vec();
        periods.sort();
        let sorted: Vec<String> = periods.iter().map(Period::to_string).collect();
        assert_eq!(
            sorted,
            ["2024-01", "2024-Q1", "2024-S1", "2024", "2024-S2", "2025"]
        );
        assert!(period("2023-12") < period("2024-01"));
        assert!(period("2024-09") < period("2024-10"));
    }

    #[test]
    fn canonical_texts_of_one_frequency_sort_like_periods() {
        let months: Vec<Period> = (1..=24)
            .scan(period("2023-12"), |current, _| {
                *current = current.next();
                Some(*current)
            })
            .collect();
        for pair in months.windows(2) {
            assert!(pair[0] < pair[1]);
            assert!(pair[0].to_string() < pair[1].to_string());
        }
    }

    #[test]
    fn the_current_and_the_last_completed_period() {
        let today = date("2026-11-29");
        let current = |frequency| Period::current(frequency, today).to_string();
        let last = |frequency| Period::last_completed(frequency, today).to_string();
        assert_eq!(current(Frequency::Annual), "2026");
        assert_eq!(current(Frequency::Semiannual), "2026-S2");
        assert_eq!(current(Frequency::Quarterly), "2026-Q4");
        assert_eq!(current(Frequency::Monthly), "2026-11");
        assert_eq!(last(Frequency::Annual), "2025");
        assert_eq!(last(Frequency::Semiannual), "2026-S1");
        assert_eq!(last(Frequency::Quarterly), "2026-Q3");
        assert_eq!(last(Frequency::Monthly), "2026-10");
        // The first day of a period: the one before has just ended.
        let new_year = date("2026-01-01");
        assert_eq!(
            Period::current(Frequency::Quarterly, new_year),
            period("2026-Q1")
        );
        assert_eq!(
            Period::last_completed(Frequency::Quarterly, new_year),
            period("2025-Q4")
        );
        assert_eq!(
            Period::current(Frequency::Semiannual, date("2026-06-30")),
            period("2026-S1")
        );
    }

    #[test]
    fn steps_across_years() {
        assert_eq!(period("2024-Q1").previous(), period("2023-Q4"));
        assert_eq!(period("2024-S2").previous(), period("2024-S1"));
        assert_eq!(period("2024-01").previous(), period("2023-12"));
        assert_eq!(period("2024").previous(), period("2023"));
        assert_eq!(period("2023-12").next(), period("2024-01"));
        assert_eq!(period("2024-Q2").next(), period("2024-Q3"));
    }

    #[test]
    fn measurement_periods_stay_within_the_convention_and_not_ahead() {
        let today = date("2026-11-29");
        assert!(period("2022").within_years(2022, 2026));
        assert!(!period("2021-12").within_years(2022, 2026));
        assert!(period("2026-Q4")
            .check_recordable(2022, 2026, today)
            .is_ok());
        assert!(period("2026-11")
            .check_recordable(2022, 2026, today)
            .is_ok());
        assert_eq!(
            period("2026-12").check_recordable(2022, 2026, today),
            Err("must not be after the current period (2026-11)".into())
        );
        assert_eq!(
            period("2027").check_recordable(2022, 2030, today),
            Err("must not be after the current period (2026)".into())
        );
        assert_eq!(
            period("2021-S2").check_recordable(2022, 2026, today),
            Err("must lie within the convention's years (2022 to 2026)".into())
        );
    }

    #[test]
    fn travels_as_its_canonical_text() {
        assert_eq!(
            serde_json::to_string(&period("2024-S1")).unwrap(),
            "\"2024-S1\""
        );
        let read: Period = serde_json::from_str("\"2024-03\"").unwrap();
        assert_eq!(read, period("2024-03"));
        let error = serde_json::from_str::<Period>("\"2024-3\"").unwrap_err();
        assert!(error.to_string().contains("must be a period such as"));
        assert_eq!("2024-Q3".parse::<Period>(), Ok(period("2024-Q3")));
    }
}

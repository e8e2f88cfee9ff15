//! Measurements on the wire, and the rules a measurement's fields follow. The period and the
//! value are checked against their indicator (frequency, convention's years, kind, scale), so
//! they are parsed once the indicator is read.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::model::{
    IndicatorRef, Measurement, MeasurementChanges, MeasurementFilter, MeasurementRecord,
    NewMeasurement,
};
use crate::domain::{parse_value, At, Invalid, LongText, MeasuredValue, Period, Title};
use crate::error::{ApiError, FieldError};
use crate::http::patch::Patch;
use crate::http::respond::Versioned;
use crate::parse_fields;

/// One value of an indicator for one period.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasurementOut {
    pub id: Uuid,
    pub indicator_id: Uuid,
    /// The indicator's fiche-action.
    pub action_id: Uuid,
    pub convention_id: Uuid,
    #[schema(value_type = Period)]
    pub period: Period,
    /// As recorded: a number, a boolean or a text according to the indicator's kind.
    #[schema(value_type = MeasuredValue)]
    pub value: Value,
    pub comment: Option<String>,
    /// Where the value comes from ("Bilan d'activité RPE 2024").
    pub source: Option<String>,
    /// Who recorded the current value (the last corrector); earlier values are in the audit log.
    pub recorded_by: Option<Uuid>,
    /// When the current value was recorded.
    pub recorded_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl MeasurementOut {
    pub fn new(m: Measurement, action_id: Uuid, convention_id: Uuid) -> Self {
        Self {
            id: m.id,
            indicator_id: m.indicator_id,
            action_id,
            convention_id,
            period: m.period,
            value: m.value,
            comment: m.comment,
            source: m.source,
            recorded_by: m.recorded_by,
            recorded_at: m.recorded_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
            version: m.version,
        }
    }
}

impl From<MeasurementRecord> for MeasurementOut {
    fn from(record: MeasurementRecord) -> Self {
        Self::new(record.measurement, record.action_id, record.convention_id)
    }
}

impl Versioned for MeasurementOut {
    fn version(&self) -> i32 {
        self.version
    }
}

/// A new measurement of the indicator.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurementCreate {
    /// The indicator's frequency decides the form; within the convention's years and not after
    /// the current period (Europe/Paris).
    #[schema(value_type = Period)]
    pub period: String,
    #[schema(value_type = MeasuredValue)]
    pub value: Value,
    /// At most 20,000 characters; not blank when given.
    #[schema(value_type = Option<LongText>)]
    pub comment: Option<String>,
    /// At most 500 characters; not blank when given.
    #[schema(value_type = Option<Title>)]
    pub source: Option<String>,
}

/// A correction (JSON Merge Patch): the value, comment and source. The period cannot change: a
/// different period is a different measurement (delete this one and record the other).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurementUpdate {
    /// Accepted only when equal to the current period.
    #[serde(default)]
    #[schema(value_type = Period)]
    pub period: Patch<String>,
    #[serde(default)]
    #[schema(value_type = MeasuredValue)]
    pub value: Patch<Value>,
    #[serde(default)]
    #[schema(value_type = Option<LongText>)]
    pub comment: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<Title>)]
    pub source: Patch<String>,
}

/// The checks of a measurement's fields, each naming its field's rule.
pub mod rules {
    use super::*;

    /// A period of the indicator's frequency, within its convention's years and not after the
    /// current period on `today`.
    pub fn period(
        indicator: &IndicatorRef,
        text: &str,
        today: NaiveDate,
    ) -> Result<Period, String> {
        let period = Period::parse_for(text, indicator.frequency)?;
        period.check_recordable(indicator.start_year, indicator.end_year, today)?;
        Ok(period)
    }

    /// A value of the indicator's kind (within its scale for a level), as it will be stored.
    pub fn value(indicator: &IndicatorRef, value: &Value) -> Result<Value, String> {
        parse_value(indicator.kind, indicator.scale(), value).map(|v| v.to_json())
    }

    pub fn comment(text: String) -> Result<String, String> {
        LongText::parse(text).map(LongText::into_inner)
    }

    pub fn source(text: String) -> Result<String, String> {
        Title::parse(text).map(Title::into_inner)
    }
}

impl MeasurementCreate {
    /// The new measurement of `indicator`, recorded by `recorded_by` on `today`.
    pub fn parse(
        self,
        indicator: &IndicatorRef,
        recorded_by: Uuid,
        today: NaiveDate,
    ) -> Result<NewMeasurement, Invalid> {
        parse_fields!(
            period = rules::period(indicator, &self.period, today).at("period"),
            value = rules::value(indicator, &self.value).at("value"),
            comment = self.comment.map(rules::comment).transpose().at("comment"),
            source = self.source.map(rules::source).transpose().at("source"),
        );
        Ok(NewMeasurement {
            id: Uuid::now_v7(),
            indicator_id: indicator.id,
            period,
            period_start: period.start_date(),
            value,
            comment,
            source,
            recorded_by: Some(recorded_by),
        })
    }
}

impl MeasurementUpdate {
    /// The correction of `current`, a measurement of `indicator`.
    pub fn parse(
        self,
        indicator: &IndicatorRef,
        current: &Measurement,
    ) -> Result<MeasurementChanges, Invalid> {
        parse_fields!(
            period = self.period.into_required("period"),
            value = self.value.into_required("value"),
        );
        parse_fields!(
            _period = match period {
                Some(text) if text != current.period.to_string() => Err(FieldError::new(
                    "period",
                    format!(
                        "cannot be changed (this measurement is for {}): a different period is a \
                         different measurement; delete this one and record the other",
                        current.period
                    ),
                )),
                _ => Ok(()),
            },
            value = value
                .map(|value| rules::value(indicator, &value))
                .transpose()
                .at("value"),
            comment = self
                .comment
                .into_nullable()
                .map(|text| text.map(rules::comment).transpose())
                .transpose()
                .at("comment"),
            source = self
                .source
                .into_nullable()
                .map(|text| text.map(rules::source).transpose())
                .transpose()
                .at("source"),
        );
        Ok(MeasurementChanges {
            value,
            comment,
            source,
        })
    }
}

/// Filters of an indicator's measurements.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeasurementListParams {
    /// Only the measurements whose period starts on or after this period's first day (any
    /// frequency: `2024`, `2024-S2`, `2024-Q2`, `2024-03`).
    #[param(value_type = Option<Period>)]
    pub from: Option<String>,
    /// Only the measurements whose period starts on or before this period's last day (any
    /// frequency): `to=2024` on a quarterly indicator keeps 2024-Q1 to 2024-Q4.
    #[param(value_type = Option<Period>)]
    pub to: Option<String>,
}

impl MeasurementListParams {
    pub fn parse(self) -> Result<MeasurementFilter, ApiError> {
        let period = |field: &str, text: Option<String>| {
            text.map(|text| {
                Period::parse(&text)
                    .map_err(|message| ApiError::bad_field("invalid_query", field, message))
            })
            .transpose()
        };
        let from = period("from", self.from)?;
        let to = period("to", self.to)?;
        if let (Some(from), Some(to)) = (from, to) {
            if to.end_date() < from.start_date() {
                return Err(ApiError::bad_field(
                    "invalid_query",
                    "to",
                    "must not end before `from` starts",
                ));
            }
        }
        Ok(MeasurementFilter {
            from: from.map(Period::start_date),
            to: to.map(Period::end_date),
        })
    }
}

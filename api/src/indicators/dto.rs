//! Indicators on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, Serializer};
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{Definition, DefinitionChanges, FollowUp, IndicatorRecord};
use crate::actions::dto::PartnerRoleOut;
use crate::domain::{
    At, Direction, Frequency, IndicatorKind, IndicatorType, Invalid, MeasuredValue, Period, Title,
};
use crate::evaluation::{achievement, round_achievement};
use crate::http::patch::Patch;
use crate::http::respond::Versioned;
use crate::parse_fields;

/// The longest `unit`, in characters.
const UNIT_MAX_CHARS: usize = 100;

/// An indicator of a fiche-action: what its evaluation measures, and how.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorOut {
    pub id: Uuid,
    pub action_id: Uuid,
    pub convention_id: Uuid,
    /// The code of its fiche-action ("1.2.1", derived).
    pub action_code: String,
    /// Its rank among the fiche's indicators (1, 2, …): a new indicator comes last.
    pub position: i32,
    #[serde(rename = "type")]
    pub indicator_type: IndicatorType,
    /// What is measured, as the fiche words it ("Nombre de familles accompagnées").
    pub label: String,
    pub kind: IndicatorKind,
    /// The unit of its values ("familles", "€", "jours").
    pub unit: Option<String>,
    /// The value at the start, for numeric kinds (count, amount, percentage, ratio, duration,
    /// level).
    #[serde(serialize_with = "whole_as_integer")]
    pub baseline_value: Option<f64>,
    /// When the baseline was observed (any frequency: `2021`, `2021-S2`…).
    pub baseline_period: Option<Period>,
    /// The value aimed at, for numeric kinds: not below the baseline for an indicator that
    /// should increase, not above it for one that should decrease.
    #[serde(serialize_with = "whole_as_integer")]
    pub target_value: Option<f64>,
    /// When the target should be reached (any frequency), not before `baseline_period`.
    pub target_period: Option<Period>,
    pub direction: Direction,
    /// How often it is measured: each measurement's `period` has this frequency.
    pub frequency: Frequency,
    /// Where its values come from ("Bilan d'activité de la MJC", "Caf – SIAS").
    pub source: Option<String>,
    /// The bottom of a `level` indicator's scale (null for other kinds).
    #[serde(serialize_with = "whole_as_integer")]
    pub scale_min: Option<f64>,
    /// The top of a `level` indicator's scale (null for other kinds).
    #[serde(serialize_with = "whole_as_integer")]
    pub scale_max: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// The latest measurement of an indicator: the one of the latest period.
#[derive(Debug, Serialize, ToSchema)]
pub struct LatestMeasurementOut {
    pub period: Period,
    pub value: MeasuredValue,
}

/// An indicator as the convention's follow-up list shows it: its definition, its fiche's title
/// and référents-pilotes, its latest value and achievement, and whether a value is due.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorFollowUpOut {
    #[serde(flatten)]
    pub indicator: IndicatorOut,
    /// The title of its fiche-action.
    pub action_title: String,
    /// The fiche's référents-pilotes: the organisations to ask for the values.
    pub pilots: Vec<PartnerRoleOut>,
    /// The measurement of the latest period, or null when none is recorded.
    pub latest: Option<LatestMeasurementOut>,
    /// How far the latest value has come from the baseline to the target, a fraction from 0 to
    /// 1 (clamped, three decimals); null when nothing is measurable (see the operation's
    /// description for the formula).
    pub achievement: Option<f64>,
    /// True when `due_period` lies within the convention's years and has no measurement.
    pub due: bool,
    /// The last completed period of the indicator's frequency today (Europe/Paris): the one
    /// whose value is expected now.
    pub due_period: Period,
}

/// A new indicator. `type`, `label` and `kind` are required; a `level` needs `scale_min` and
/// `scale_max`, other kinds take neither.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorCreate {
    #[serde(rename = "type")]
    pub indicator_type: IndicatorType,
    #[schema(value_type = Title)]
    pub label: String,
    pub kind: IndicatorKind,
    #[serde(default)]
    #[schema(value_type = Option<Title>)]
    pub unit: Option<String>,
    /// Numeric kinds only; follows the kind's rule for values (within the scale for a level).
    #[serde(default)]
    pub baseline_value: Option<f64>,
    #[serde(default)]
    #[schema(value_type = Option<Period>)]
    pub baseline_period: Option<String>,
    /// Numeric kinds only; follows the kind's rule for values and lies the way of `direction`
    /// from `baseline_value`.
    #[serde(default)]
    pub target_value: Option<f64>,
    /// Not before `baseline_period`.
    #[serde(default)]
    #[schema(value_type = Option<Period>)]
    pub target_period: Option<String>,
    /// Default `increase`.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// Default `annual`.
    #[serde(default)]
    pub frequency: Option<Frequency>,
    #[serde(default)]
    #[schema(value_type = Option<Title>)]
    pub source: Option<String>,
    /// Required for a `level`, refused otherwise.
    #[serde(default)]
    pub scale_min: Option<f64>,
    /// Required for a `level` (above `scale_min`), refused otherwise.
    #[serde(default)]
    pub scale_max: Option<f64>,
}

/// Changes to an indicator (JSON Merge Patch). The indicator that results must satisfy every
/// rule of a new one. Once it has measurements, its `kind`, `frequency` and scale are fixed
/// (409 `indicator_has_measurements`): recorded values would no longer fit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorUpdate {
    #[serde(default, rename = "type")]
    #[schema(value_type = IndicatorType)]
    pub indicator_type: Patch<IndicatorType>,
    #[serde(default)]
    #[schema(value_type = Title)]
    pub label: Patch<String>,
    #[serde(default)]
    #[schema(value_type = IndicatorKind)]
    pub kind: Patch<IndicatorKind>,
    #[serde(default)]
    #[schema(value_type = Option<Title>)]
    pub unit: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<f64>)]
    pub baseline_value: Patch<f64>,
    #[serde(default)]
    #[schema(value_type = Option<Period>)]
    pub baseline_period: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<f64>)]
    pub target_value: Patch<f64>,
    #[serde(default)]
    #[schema(value_type = Option<Period>)]
    pub target_period: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Direction)]
    pub direction: Patch<Direction>,
    #[serde(default)]
    #[schema(value_type = Frequency)]
    pub frequency: Patch<Frequency>,
    #[serde(default)]
    #[schema(value_type = Option<Title>)]
    pub source: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<f64>)]
    pub scale_min: Patch<f64>,
    #[serde(default)]
    #[schema(value_type = Option<f64>)]
    pub scale_max: Patch<f64>,
}

/// Whole numbers go out as integers (`40`, not `40.0`), like measured values.
fn whole_as_integer<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    value
        .map(|number| MeasuredValue::Number(number).to_json())
        .serialize(serializer)
}

impl From<IndicatorRecord> for IndicatorOut {
    fn from(record: IndicatorRecord) -> Self {
        let IndicatorRecord {
            indicator: i,
            placement,
        } = record;
        Self {
            id: i.id,
            action_id: i.action_id,
            convention_id: placement.convention_id,
            action_code: placement.code(),
            position: i.position,
            indicator_type: i.indicator_type,
            label: i.label,
            kind: i.kind,
            unit: i.unit,
            baseline_value: i.baseline_value,
            baseline_period: i.baseline_period,
            target_value: i.target_value,
            target_period: i.target_period,
            direction: i.direction,
            frequency: i.frequency,
            source: i.source,
            scale_min: i.scale_min,
            scale_max: i.scale_max,
            created_at: i.created_at,
            updated_at: i.updated_at,
            version: i.version,
        }
    }
}

impl Versioned for IndicatorOut {
    fn version(&self) -> i32 {
        self.version
    }
}

impl From<FollowUp> for IndicatorFollowUpOut {
    fn from(follow_up: FollowUp) -> Self {
        let FollowUp {
            record,
            action_title,
            pilots,
            latest,
            due,
            due_period,
        } = follow_up;
        let i = &record.indicator;
        let achievement = achievement(
            i.kind,
            i.direction,
            i.scale(),
            i.baseline_value,
            i.target_value,
            latest.as_ref().map(|(_, value)| value),
        )
        .map(round_achievement);
        Self {
            indicator: IndicatorOut::from(record),
            action_title,
            pilots: pilots
                .into_iter()
                .map(|p| PartnerRoleOut {
                    partner_id: p.partner_id,
                    note: p.note,
                })
                .collect(),
            latest: latest.map(|(period, value)| LatestMeasurementOut { period, value }),
            achievement,
            due,
            due_period,
        }
    }
}

fn unit(value: String) -> Result<String, String> {
    let value = Title::parse(value)?.into_inner();
    if value.chars().count() > UNIT_MAX_CHARS {
        return Err(format!("must be at most {UNIT_MAX_CHARS} characters"));
    }
    Ok(value)
}

fn text(value: String) -> Result<String, String> {
    Title::parse(value).map(Title::into_inner)
}

fn period(value: String) -> Result<Period, String> {
    Period::parse(&value)
}

/// Parses an optional field that may be cleared (`null`), naming `field` on failure.
fn nullable<T, U>(
    patch: Patch<T>,
    field: &str,
    parse: impl FnOnce(T) -> Result<U, String>,
) -> Result<Option<Option<U>>, crate::error::FieldError> {
    patch
        .into_nullable()
        .map(|value| value.map(parse).transpose())
        .transpose()
        .at(field)
}

impl IndicatorCreate {
    pub fn parse(self) -> Result<Definition, Invalid> {
        parse_fields!(
            label = text(self.label).at("label"),
            unit = self.unit.map(unit).transpose().at("unit"),
            source = self.source.map(text).transpose().at("source"),
            baseline_period = self
                .baseline_period
                .map(period)
                .transpose()
                .at("baseline_period"),
            target_period = self
                .target_period
                .map(period)
                .transpose()
                .at("target_period"),
        );
        Definition {
            indicator_type: self.indicator_type,
            label,
            kind: self.kind,
            unit,
            baseline_value: self.baseline_value,
            baseline_period,
            target_value: self.target_value,
            target_period,
            direction: self.direction.unwrap_or(Direction::Increase),
            frequency: self.frequency.unwrap_or(Frequency::Annual),
            source,
            scale_min: self.scale_min,
            scale_max: self.scale_max,
        }
        .check()
    }
}

impl IndicatorUpdate {
    /// Each field on its own; the rules between fields are checked on the merged indicator
    /// (`Definition::check`).
    pub fn parse(self) -> Result<DefinitionChanges, Invalid> {
        parse_fields!(
            indicator_type = self.indicator_type.into_required("type"),
            label = self
                .label
                .into_required("label")
                .and_then(|label| label.map(text).transpose().at("label")),
            kind = self.kind.into_required("kind"),
            direction = self.direction.into_required("direction"),
            frequency = self.frequency.into_required("frequency"),
            unit = nullable(self.unit, "unit", unit),
            source = nullable(self.source, "source", text),
            baseline_period = nullable(self.baseline_period, "baseline_period", period),
            target_period = nullable(self.target_period, "target_period", period),
        );
        Ok(DefinitionChanges {
            indicator_type,
            label,
            kind,
            unit,
            baseline_value: self.baseline_value.into_nullable(),
            baseline_period,
            target_value: self.target_value.into_nullable(),
            target_period,
            direction,
            frequency,
            source,
            scale_min: self.scale_min.into_nullable(),
            scale_max: self.scale_max.into_nullable(),
        })
    }
}

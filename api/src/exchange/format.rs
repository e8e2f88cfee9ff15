//! The exchange format, version 1: a whole convention in one JSON document. These types are the
//! format: `ctg import` and `POST /conventions/import` read them, `ctg export` and
//! `GET /conventions/{id}/export` write them, and `openapi/convention-exchange.schema.json` is
//! generated from them.
//!
//! Inside a document, things refer to each other by what the document itself gives them:
//! partners by their `ref`, axes by their `number`, fiches-actions by their code ("1.2.1").
//! Database ids never appear, so that a document moves between servers.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::ToSchema;

use crate::domain::{
    ActionStatus, CommitteeKind, ConventionStatus, Direction, Frequency, IndicatorKind,
    IndicatorType, MeasuredValue, PartnerKind, StepStatus,
};

/// The value of `format`.
pub const FORMAT_NAME: &str = "ctg-convention";

/// The version of the format these types describe.
pub const FORMAT_VERSION: u64 = 1;

/// A whole convention: its partners, the convention, its committees and its plan (axes →
/// objectives → fiches-actions → indicators → measurements).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeDocument {
    // Described by their schemas: a doc comment here would make utoipa wrap them in an `allOf`.
    #[schema(inline)]
    pub format: FormatName,
    #[schema(inline)]
    pub format_version: FormatVersion,
    /// Every organisation the document refers to, each once. On import, a partner whose name
    /// equals an existing partner's (ignoring case) is that partner; the others are created.
    #[serde(default)]
    pub partners: Vec<ExchangePartner>,
    pub convention: ExchangeConvention,
    /// The COPIL and the thematic technical committees.
    #[serde(default)]
    pub committees: Vec<ExchangeCommittee>,
    /// The plan, axis by axis (in number order on export).
    #[serde(default)]
    pub axes: Vec<ExchangeAxis>,
}

/// A partner organisation, named within the document by its `ref`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangePartner {
    /// Unique within the document ("caf-lot"); what the rest of the document refers to.
    #[serde(rename = "ref")]
    pub reference: String,
    /// Unique within the document, ignoring case.
    pub name: String,
    #[serde(default)]
    pub acronym: Option<String>,
    pub kind: PartnerKind,
}

/// The convention itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeConvention {
    pub name: String,
    pub territory: String,
    /// 2000 to 2100.
    pub start_year: i32,
    /// 2000 to 2100, not before `start_year`.
    pub end_year: i32,
    /// Default `draft`.
    #[serde(default = "draft")]
    pub status: ConventionStatus,
    /// Partner refs, each at most once, in the convention's order.
    #[serde(default)]
    pub signatories: Vec<String>,
    /// Partner refs, each at most once, in the convention's order.
    #[serde(default)]
    pub associated_partners: Vec<String>,
}

/// A committee of the convention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeCommittee {
    /// Unique among the document's committees ("comite-jeunesse").
    #[serde(rename = "ref")]
    pub reference: String,
    pub name: String,
    pub kind: CommitteeKind,
    /// The numbers of the axes a thematic committee covers (none for a COPIL).
    #[serde(default)]
    pub axes: Vec<i32>,
    /// Partner refs of the organisations sitting on it, in order.
    #[serde(default)]
    pub members: Vec<String>,
}

/// An axis of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeAxis {
    /// 1 to 999, unique in the document.
    pub number: i32,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// In number order on export.
    #[serde(default)]
    pub objectives: Vec<ExchangeObjective>,
}

/// An objective of an axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeObjective {
    /// 1 to 999, unique within its axis.
    pub number: i32,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// In number order on export.
    #[serde(default)]
    pub actions: Vec<ExchangeAction>,
}

/// A fiche-action, with everything its fiche says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeAction {
    /// 1 to 999, unique within its objective; the code "axis.objective.number" derives from it.
    pub number: i32,
    pub title: String,
    #[serde(default)]
    pub priority: bool,
    /// Default `planned`.
    #[serde(default = "planned")]
    pub status: ActionStatus,
    /// A manual estimate, 0 to 100.
    #[serde(default)]
    pub progress: Option<i32>,
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default)]
    pub shared_findings: Vec<String>,
    #[serde(default)]
    pub expected_results: Vec<String>,
    #[serde(default)]
    pub steps: Vec<ExchangeStep>,
    /// Référents-pilotes, each partner at most once.
    #[serde(default)]
    pub pilots: Vec<ExchangePartnerRole>,
    /// Associated partners, each partner at most once.
    #[serde(default)]
    pub partners: Vec<ExchangePartnerRole>,
    #[serde(default)]
    pub inhabitants_role: Option<String>,
    #[serde(default)]
    pub resources: ExchangeResources,
    /// Codes of other fiches of the document ("2.3.1"), each at most once.
    #[serde(default)]
    pub linked_actions: Vec<String>,
    #[serde(default)]
    pub linked_plans: Vec<String>,
    #[serde(default)]
    pub start_year: Option<i32>,
    #[serde(default)]
    pub end_year: Option<i32>,
    /// The schedule as the plan words it ("fin 2023-2026").
    #[serde(default)]
    pub schedule_note: Option<String>,
    /// In the fiche's order.
    #[serde(default)]
    pub indicators: Vec<ExchangeIndicator>,
}

/// A step of a fiche-action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeStep {
    pub text: String,
    /// The ref of the partner leading the step, or null.
    #[serde(default)]
    pub pilot: Option<String>,
    /// Default `planned`.
    #[serde(default = "step_planned")]
    pub status: StepStatus,
}

/// A partner's part in a fiche-action, with the fiche's words for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangePartnerRole {
    /// A partner ref.
    pub partner: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// "Ressources mobilisables".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeResources {
    #[serde(default)]
    pub financial: Vec<String>,
    #[serde(default)]
    pub human: Vec<String>,
}

/// An indicator of a fiche-action, with its measurements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeIndicator {
    #[serde(rename = "type")]
    pub indicator_type: IndicatorType,
    pub label: String,
    pub kind: IndicatorKind,
    #[serde(default)]
    pub unit: Option<String>,
    /// Numeric kinds only.
    #[serde(default, serialize_with = "whole_as_integer")]
    pub baseline_value: Option<f64>,
    /// Any frequency: `2021`, `2021-S2`, `2021-Q4`, `2021-12`.
    #[serde(default)]
    pub baseline_period: Option<String>,
    /// Numeric kinds only; the way of `direction` from the baseline.
    #[serde(default, serialize_with = "whole_as_integer")]
    pub target_value: Option<f64>,
    /// Any frequency, not before `baseline_period`.
    #[serde(default)]
    pub target_period: Option<String>,
    /// Default `increase`.
    #[serde(default = "increase")]
    pub direction: Direction,
    /// Default `annual`.
    #[serde(default = "annual")]
    pub frequency: Frequency,
    #[serde(default)]
    pub source: Option<String>,
    /// Required for a `level`, refused otherwise.
    #[serde(default, serialize_with = "whole_as_integer")]
    pub scale_min: Option<f64>,
    /// Required for a `level` (above `scale_min`), refused otherwise.
    #[serde(default, serialize_with = "whole_as_integer")]
    pub scale_max: Option<f64>,
    /// One per period at most, in period order on export.
    #[serde(default)]
    pub measurements: Vec<ExchangeMeasurement>,
}

/// One value of an indicator, checked as the API checks it: a period of the indicator's
/// frequency within the convention's years and not in the future, a value of its kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeMeasurement {
    /// `2024`, `2024-S1`, `2024-Q2` or `2024-03`, as the indicator's frequency says.
    pub period: String,
    #[schema(value_type = MeasuredValue)]
    pub value: Value,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
}

fn draft() -> ConventionStatus {
    ConventionStatus::Draft
}

fn planned() -> ActionStatus {
    ActionStatus::Planned
}

fn step_planned() -> StepStatus {
    StepStatus::Planned
}

fn increase() -> Direction {
    Direction::Increase
}

fn annual() -> Frequency {
    Frequency::Annual
}

/// Whole numbers go out as integers (`5`, not `5.0`), as the API writes them.
fn whole_as_integer<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    value
        .map(|number| MeasuredValue::Number(number).to_json())
        .serialize(serializer)
}

/// `"format": "ctg-convention"`: anything else is not a document of this format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FormatName;

impl Serialize for FormatName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(FORMAT_NAME)
    }
}

impl<'de> Deserialize<'de> for FormatName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        if name == FORMAT_NAME {
            Ok(Self)
        } else {
            Err(serde::de::Error::custom(format!(
                "must be \"{FORMAT_NAME}\": this is not a ctg convention document"
            )))
        }
    }
}

impl utoipa::PartialSchema for FormatName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("Always `ctg-convention`."))
            .enum_values(Some([FORMAT_NAME]))
            .into()
    }
}

impl ToSchema for FormatName {}

/// `"format_version": 1`: a later version is refused by name rather than misread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FormatVersion;

impl Serialize for FormatVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(FORMAT_VERSION)
    }
}

impl<'de> Deserialize<'de> for FormatVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let version = Value::deserialize(deserializer)?;
        if version.as_u64() == Some(FORMAT_VERSION) {
            Ok(Self)
        } else {
            Err(serde::de::Error::custom(format!(
                "must be {FORMAT_VERSION}: this server reads version {FORMAT_VERSION} of the \
                 format, not {version}"
            )))
        }
    }
}

impl utoipa::PartialSchema for FormatVersion {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .description(Some("Always `1` for this version of the format."))
            .enum_values(Some([FORMAT_VERSION]))
            .into()
    }
}

impl ToSchema for FormatVersion {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_names_the_format_and_its_version() {
        let header = |format: &str, version: &str| {
            format!(
                r#"{{"format": {format}, "format_version": {version},
                   "convention": {{"name": "C", "territory": "T", "start_year": 2022, "end_year": 2026}}}}"#
            )
        };
        let ok: ExchangeDocument =
            serde_json::from_str(&header("\"ctg-convention\"", "1")).unwrap();
        assert_eq!(ok.convention.status, ConventionStatus::Draft);
        assert!(serde_json::from_str::<ExchangeDocument>(&header("\"other\"", "1")).is_err());
        let error = serde_json::from_str::<ExchangeDocument>(&header("\"ctg-convention\"", "2"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("version 1"), "{error}");
    }

    #[test]
    fn whole_numbers_are_written_as_integers() {
        let json = serde_json::to_value(ExchangeIndicator {
            indicator_type: IndicatorType::Resultat,
            label: "Satisfaction".into(),
            kind: IndicatorKind::Level,
            unit: None,
            baseline_value: Some(2.5),
            baseline_period: None,
            target_value: Some(4.0),
            target_period: None,
            direction: Direction::Increase,
            frequency: Frequency::Annual,
            source: None,
            scale_min: Some(1.0),
            scale_max: Some(5.0),
            measurements: vec![],
        })
        .unwrap();
        assert_eq!(json["scale_min"], serde_json::json!(1));
        assert_eq!(json["baseline_value"], serde_json::json!(2.5));
        assert_eq!(json["target_value"], serde_json::json!(4));
    }
}

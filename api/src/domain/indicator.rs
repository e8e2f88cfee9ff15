//! An indicator's vocabularies, and the rules its measured values, baseline, target and scale
//! follow (contract: "Indicators and measurements").

use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::RefOr;

use super::enums::text_enum;
use super::Invalid;
use crate::error::FieldError;

text_enum!(
    /// What an indicator tells: what was done, what it changed for the public, or its lasting
    /// effect on the territory.
    IndicatorType {
        /// Indicateur de réalisation: an output ("Nombre d'animations réalisées").
        Realisation = "realisation",
        /// Indicateur de résultat: an outcome ("Nombre de familles ayant participé").
        Resultat = "resultat",
        /// Indicateur d'impact: a lasting effect ("Degré de mise en œuvre de la CTG").
        Impact = "impact",
    }
);

text_enum!(
    /// What an indicator's values are: it decides how a value is checked and how achievement is
    /// computed.
    IndicatorKind {
        /// "Nombre de…": a non-negative integer.
        Count = "count",
        /// A sum of money: a non-negative number.
        Amount = "amount",
        /// "Taux de…": a number from 0 to 100.
        Percentage = "percentage",
        /// "Part des…", "rapport entre…": a non-negative number, not capped at 1.
        Ratio = "ratio",
        /// "Temps de…": a non-negative number in the indicator's unit.
        Duration = "duration",
        /// "Effectivité de…", "Mise en place de…": true or false.
        Boolean = "boolean",
        /// "Degré de…", "Niveau de…": a number within the indicator's scale.
        Level = "level",
        /// A qualitative observation: a non-empty text, never turned into progress.
        Text = "text",
    }
);

text_enum!(
    /// Which way is better for the indicator's values.
    Direction {
        Increase = "increase",
        Decrease = "decrease",
    }
);

text_enum!(
    /// How often an indicator is measured: one measurement per period of this length.
    Frequency {
        Annual = "annual",
        Semiannual = "semiannual",
        Quarterly = "quarterly",
        Monthly = "monthly",
    }
);

impl IndicatorKind {
    /// Whether a value of this kind can become an achievement: every kind but free text.
    pub fn is_measurable(self) -> bool {
        !matches!(self, Self::Text)
    }

    /// Whether values are numbers, so that a baseline and a target make sense.
    pub fn is_numeric(self) -> bool {
        !matches!(self, Self::Boolean | Self::Text)
    }
}

impl Frequency {
    /// 1, 2, 4 or 12.
    pub fn periods_per_year(self) -> u32 {
        match self {
            Self::Annual => 1,
            Self::Semiannual => 2,
            Self::Quarterly => 4,
            Self::Monthly => 12,
        }
    }
}

/// A measurement's value, checked against its indicator's kind.
#[derive(Debug, Clone, PartialEq)]
pub enum MeasuredValue {
    Number(f64),
    Bool(bool),
    Text(String),
}

/// The longest text value, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;

// 2^53 − 1: the largest integer that an f64, and so every JSON client, holds exactly.
const MAX_EXACT_INTEGER: f64 = 9_007_199_254_740_991.0;

impl MeasuredValue {
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Self::Number(number) => Some(*number),
            _ => None,
        }
    }

    /// The JSON value sent to clients; whole numbers are written as integers, so that a count
    /// reads `12` and not `12.0`.
    pub fn to_json(&self) -> Value {
        match self {
            Self::Number(number) if number.fract() == 0.0 && number.abs() <= MAX_EXACT_INTEGER => {
                Value::from(*number as i64)
            }
            Self::Number(number) => Value::from(*number),
            Self::Bool(flag) => Value::Bool(*flag),
            Self::Text(text) => Value::String(text.clone()),
        }
    }

    /// Reads back a stored value without checking it again: the rules were checked when it was
    /// recorded, and a scale edited since must not make old measurements unreadable.
    pub fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::Number(number) => number.as_f64().map(Self::Number),
            Value::Bool(flag) => Some(Self::Bool(*flag)),
            Value::String(text) => Some(Self::Text(text.clone())),
            _ => None,
        }
    }
}

impl serde::Serialize for MeasuredValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl utoipa::PartialSchema for MeasuredValue {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([
                Type::Number,
                Type::Boolean,
                Type::String,
            ]))
            .description(Some(
                "A number, a boolean or a text according to the indicator's kind: a count is a \
                 non-negative integer; an amount, a ratio and a duration are non-negative \
                 numbers; a percentage is within 0–100; a level is within the indicator's scale \
                 (scale_min to scale_max); a boolean is true or false; a text is non-empty, at \
                 most 2000 characters.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for MeasuredValue {}

/// Checks a measurement's value against its indicator's kind (and scale, for a level).
pub fn parse_value(
    kind: IndicatorKind,
    scale: Option<(f64, f64)>,
    value: &Value,
) -> Result<MeasuredValue, String> {
    match kind {
        IndicatorKind::Count => parse_count(value),
        IndicatorKind::Amount | IndicatorKind::Ratio | IndicatorKind::Duration => {
            match value.as_f64() {
                Some(number) if number.is_finite() && number >= 0.0 => {
                    Ok(MeasuredValue::Number(number))
                }
                _ => Err("must be a non-negative number".into()),
            }
        }
        IndicatorKind::Percentage => parse_within(value, 0.0, 100.0),
        IndicatorKind::Level => match scale {
            Some((min, max)) => parse_within(value, min, max)
                .map_err(|message| format!("{message} (the indicator's scale)")),
            // The indicator's definition is at fault; `parse_scale` keeps this from happening.
            None => Err("cannot be checked: the indicator has no scale_min and scale_max".into()),
        },
        IndicatorKind::Boolean => value
            .as_bool()
            .map(MeasuredValue::Bool)
            .ok_or_else(|| "must be true or false".into()),
        IndicatorKind::Text => parse_text(value),
    }
}

/// Checks an indicator's `baseline_value` or `target_value`: only numeric kinds have one, and it
/// follows the same rule as the kind's measured values.
pub fn parse_reference_value(
    kind: IndicatorKind,
    scale: Option<(f64, f64)>,
    value: f64,
) -> Result<f64, String> {
    if !kind.is_numeric() {
        return Err(format!(
            "applies only to numeric indicators, not to {} ones",
            kind.as_str()
        ));
    }
    parse_value(kind, scale, &Value::from(value)).map(|_| value)
}

/// Checks a level indicator's scale: both ends are required for a level, with `scale_max` above
/// `scale_min`; other kinds have no scale.
pub fn parse_scale(
    kind: IndicatorKind,
    min: Option<f64>,
    max: Option<f64>,
) -> Result<Option<(f64, f64)>, Invalid> {
    let mut invalid = Invalid::default();
    if kind == IndicatorKind::Level {
        match (min, max) {
            (Some(min), Some(max)) if max > min => return Ok(Some((min, max))),
            (Some(_), Some(_)) => invalid.0.push(FieldError::new(
                "scale_max",
                "must be greater than scale_min",
            )),
            _ => {
                for (field, end) in [("scale_min", min), ("scale_max", max)] {
                    if end.is_none() {
                        invalid
                            .0
                            .push(FieldError::new(field, "is required for a level indicator"));
                    }
                }
            }
        }
    } else {
        for (field, end) in [("scale_min", min), ("scale_max", max)] {
            if end.is_some() {
                invalid
                    .0
                    .push(FieldError::new(field, "applies only to level indicators"));
            }
        }
    }
    if invalid.0.is_empty() {
        Ok(None)
    } else {
        Err(invalid)
    }
}

/// Checks that a target lies the way the direction says, so that achievement means something;
/// the message is about `target_value`. A target equal to the baseline (holding a level) is fine.
pub fn check_goal(
    direction: Direction,
    baseline: Option<f64>,
    target: Option<f64>,
) -> Result<(), String> {
    match (direction, baseline, target) {
        (Direction::Increase, Some(baseline), Some(target)) if target < baseline => {
            Err("must not be below baseline_value for an indicator that should increase".into())
        }
        (Direction::Decrease, Some(baseline), Some(target)) if target > baseline => {
            Err("must not be above baseline_value for an indicator that should decrease".into())
        }
        _ => Ok(()),
    }
}

fn parse_count(value: &Value) -> Result<MeasuredValue, String> {
    // 3.0 is accepted as 3: many JSON writers do not tell integers from floats.
    match value.as_f64() {
        Some(number) if number >= 0.0 && number.fract() == 0.0 => {
            if number <= MAX_EXACT_INTEGER {
                Ok(MeasuredValue::Number(number))
            } else {
                Err("must be a non-negative integer of at most 9007199254740991".into())
            }
        }
        _ => Err("must be a non-negative integer".into()),
    }
}

fn parse_within(value: &Value, min: f64, max: f64) -> Result<MeasuredValue, String> {
    match value.as_f64() {
        Some(number) if (min..=max).contains(&number) => Ok(MeasuredValue::Number(number)),
        _ => Err(format!("must be a number between {min} and {max}")),
    }
}

fn parse_text(value: &Value) -> Result<MeasuredValue, String> {
    let Some(text) = value.as_str().filter(|text| !text.trim().is_empty()) else {
        return Err("must be a non-empty text".into());
    };
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(format!("must be at most {MAX_TEXT_CHARS} characters"));
    }
    // PostgreSQL text cannot hold NUL.
    if text.contains('\0') {
        return Err("must not contain NUL characters".into());
    }
    Ok(MeasuredValue::Text(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Named one by one: an explicit import shadows diesel's `Text` from `super::*`.
    use IndicatorKind::{Amount, Boolean, Count, Duration, Level, Percentage, Ratio, Text};

    fn number(kind: IndicatorKind, value: Value) -> Result<f64, String> {
        parse_value(kind, Some((1.0, 5.0)), &value).map(|value| value.as_number().unwrap())
    }

    #[test]
    fn enums_use_the_contract_words() {
        assert_eq!(
            IndicatorType::parse("resultat"),
            Ok(IndicatorType::Resultat)
        );
        assert_eq!(Frequency::Semiannual.as_str(), "semiannual");
        assert_eq!(json!(Direction::Decrease), json!("decrease"));
        assert_eq!(
            IndicatorKind::parse("milestone"),
            Err(
                "must be one of: count, amount, percentage, ratio, duration, boolean, level, text"
                    .into()
            )
        );
        assert_eq!(IndicatorKind::ALL.len(), 8);
    }

    #[test]
    fn the_schema_lists_the_wire_words() {
        let schema = json!(<Frequency as utoipa::PartialSchema>::schema());
        assert_eq!(
            schema["enum"],
            json!(["annual", "semiannual", "quarterly", "monthly"])
        );
    }

    #[test]
    fn only_text_is_not_measurable() {
        for kind in IndicatorKind::ALL {
            assert_eq!(kind.is_measurable(), *kind != Text, "{kind:?}");
        }
        assert!(Level.is_numeric());
        assert!(!Boolean.is_numeric());
    }

    #[test]
    fn a_count_is_a_non_negative_integer() {
        assert_eq!(number(Count, json!(12)), Ok(12.0));
        assert_eq!(number(Count, json!(0)), Ok(0.0));
        assert_eq!(number(Count, json!(3.0)), Ok(3.0));
        for bad in [json!(-1), json!(2.5), json!("12"), json!(null), json!(true)] {
            assert_eq!(
                number(Count, bad),
                Err("must be a non-negative integer".into())
            );
        }
        assert!(number(Count, json!(1e300)).is_err());
    }

    #[test]
    fn amounts_ratios_and_durations_are_non_negative_numbers() {
        for kind in [Amount, Ratio, Duration] {
            assert_eq!(number(kind, json!(1500.5)), Ok(1500.5));
            assert_eq!(number(kind, json!(0)), Ok(0.0));
            assert_eq!(
                number(kind, json!(-0.1)),
                Err("must be a non-negative number".into())
            );
            assert!(number(kind, json!("1")).is_err());
        }
        // A ratio such as demand / supply may exceed 1.
        assert_eq!(number(Ratio, json!(1.4)), Ok(1.4));
    }

    #[test]
    fn a_percentage_is_within_0_and_100() {
        assert_eq!(number(Percentage, json!(0)), Ok(0.0));
        assert_eq!(number(Percentage, json!(12.5)), Ok(12.5));
        assert_eq!(number(Percentage, json!(100)), Ok(100.0));
        assert_eq!(
            number(Percentage, json!(100.1)),
            Err("must be a number between 0 and 100".into())
        );
        assert!(number(Percentage, json!(-1)).is_err());
    }

    #[test]
    fn a_level_is_within_the_scale() {
        assert_eq!(number(Level, json!(1)), Ok(1.0));
        assert_eq!(number(Level, json!(3.5)), Ok(3.5));
        assert_eq!(number(Level, json!(5)), Ok(5.0));
        assert_eq!(
            number(Level, json!(6)),
            Err("must be a number between 1 and 5 (the indicator's scale)".into())
        );
        assert!(number(Level, json!(0)).is_err());
        assert!(parse_value(Level, None, &json!(3)).is_err());
    }

    #[test]
    fn a_boolean_is_true_or_false() {
        assert_eq!(
            parse_value(Boolean, None, &json!(true)),
            Ok(MeasuredValue::Bool(true))
        );
        assert_eq!(
            parse_value(Boolean, None, &json!("oui")),
            Err("must be true or false".into())
        );
        assert!(parse_value(Boolean, None, &json!(1)).is_err());
    }

    #[test]
    fn a_text_is_non_empty_and_bounded() {
        assert_eq!(
            parse_value(Text, None, &json!(" Équipes stables ")),
            Ok(MeasuredValue::Text(" Équipes stables ".into()))
        );
        for bad in [json!(""), json!("  \n"), json!(3), json!(null)] {
            assert_eq!(
                parse_value(Text, None, &bad),
                Err("must be a non-empty text".into())
            );
        }
        assert!(parse_value(Text, None, &json!("é".repeat(2000))).is_ok());
        assert_eq!(
            parse_value(Text, None, &json!("é".repeat(2001))),
            Err("must be at most 2000 characters".into())
        );
        assert!(parse_value(Text, None, &json!("a\0b")).is_err());
    }

    #[test]
    fn whole_numbers_go_out_as_integers() {
        assert_eq!(json!(MeasuredValue::Number(12.0)).to_string(), "12");
        assert_eq!(json!(MeasuredValue::Number(12.5)).to_string(), "12.5");
        assert_eq!(json!(MeasuredValue::Bool(false)), json!(false));
        assert_eq!(
            MeasuredValue::from_json(&json!(7)),
            Some(MeasuredValue::Number(7.0))
        );
        assert_eq!(MeasuredValue::from_json(&json!(null)), None);
    }

    #[test]
    fn baselines_and_targets_follow_the_kind() {
        assert_eq!(parse_reference_value(Percentage, None, 40.0), Ok(40.0));
        assert!(parse_reference_value(Percentage, None, 140.0).is_err());
        assert!(parse_reference_value(Count, None, 2.5).is_err());
        assert!(parse_reference_value(Level, Some((1.0, 4.0)), 5.0).is_err());
        assert_eq!(
            parse_reference_value(Boolean, None, 1.0),
            Err("applies only to numeric indicators, not to boolean ones".into())
        );
    }

    #[test]
    fn a_scale_belongs_to_levels_only() {
        assert_eq!(
            parse_scale(Level, Some(1.0), Some(5.0)).unwrap(),
            Some((1.0, 5.0))
        );
        assert_eq!(parse_scale(Count, None, None).unwrap(), None);
        let fields = |result: Result<_, Invalid>| -> Vec<String> {
            result
                .unwrap_err()
                .0
                .into_iter()
                .map(|error| error.field)
                .collect()
        };
        assert_eq!(
            fields(parse_scale(Level, Some(5.0), Some(5.0))),
            ["scale_max"]
        );
        assert_eq!(
            fields(parse_scale(Level, None, None)),
            ["scale_min", "scale_max"]
        );
        assert_eq!(fields(parse_scale(Level, Some(1.0), None)), ["scale_max"]);
        assert_eq!(fields(parse_scale(Count, Some(1.0), None)), ["scale_min"]);
    }

    #[test]
    fn a_target_lies_the_way_of_the_direction() {
        assert!(check_goal(Direction::Increase, Some(10.0), Some(20.0)).is_ok());
        assert!(check_goal(Direction::Increase, Some(10.0), Some(10.0)).is_ok());
        assert!(check_goal(Direction::Increase, Some(10.0), Some(5.0)).is_err());
        assert!(check_goal(Direction::Decrease, Some(10.0), Some(5.0)).is_ok());
        assert!(check_goal(Direction::Decrease, Some(10.0), Some(20.0)).is_err());
        assert!(check_goal(Direction::Decrease, None, Some(20.0)).is_ok());
    }
}

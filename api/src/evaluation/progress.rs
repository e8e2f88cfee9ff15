//! The progress formulas. Their doc comments are the wording of the OpenAPI descriptions of
//! `achievement` and `progress`.
//!
//! The functions keep full precision: averaging rounded figures would make a parent's progress
//! drift from its children's. Rounding is the presentation's job, with `round_achievement` and
//! `round_progress`, at the very end.

use crate::domain::{Direction, IndicatorKind, MeasuredValue};

/// An indicator's achievement: how much of the way from its baseline to its target its latest
/// value has come, as a fraction from 0 to 1, clamped (beyond the target counts as 1, the wrong
/// way as 0).
///
/// - `increase`: (latest − baseline) / (target − baseline).
/// - `decrease`: (baseline − latest) / (baseline − target).
/// - Without a baseline, an increasing indicator starts from 0, or from `scale_min` for a level;
///   a decreasing one has no natural starting point: no achievement.
/// - Without a target: no achievement.
/// - A target equal to the baseline (holding a level): 1 once the latest value reaches it (at
///   least the target for `increase`, at most for `decrease`), else 0.
/// - A target on the wrong side of the baseline for the direction: no achievement.
/// - `boolean`: 1 when the latest value is true, 0 when false; baseline, target and direction do
///   not apply.
/// - `text`, or no measurement yet: no achievement.
pub fn achievement(
    kind: IndicatorKind,
    direction: Direction,
    scale: Option<(f64, f64)>,
    baseline: Option<f64>,
    target: Option<f64>,
    latest: Option<&MeasuredValue>,
) -> Option<f64> {
    match (kind, latest?) {
        (IndicatorKind::Text, _) => None,
        (IndicatorKind::Boolean, MeasuredValue::Bool(done)) => Some(if *done { 1.0 } else { 0.0 }),
        (_, MeasuredValue::Number(latest)) if kind.is_numeric() => {
            let baseline = baseline.or_else(|| natural_baseline(kind, direction, scale))?;
            numeric_achievement(direction, baseline, target?, *latest)
        }
        // A value of another kind (the indicator's kind was changed since): nothing to compare.
        _ => None,
    }
}

/// Where an increasing indicator starts when nobody wrote a baseline: nothing done yet.
fn natural_baseline(
    kind: IndicatorKind,
    direction: Direction,
    scale: Option<(f64, f64)>,
) -> Option<f64> {
    match (direction, kind) {
        (Direction::Decrease, _) => None,
        (Direction::Increase, IndicatorKind::Level) => scale.map(|(min, _)| min),
        (Direction::Increase, _) => Some(0.0),
    }
}

fn numeric_achievement(
    direction: Direction,
    baseline: f64,
    target: f64,
    latest: f64,
) -> Option<f64> {
    // Gains are measured the same way in both directions: distance covered / distance to go.
    let (covered, to_go) = match direction {
        Direction::Increase => (latest - baseline, target - baseline),
        Direction::Decrease => (baseline - latest, baseline - target),
    };
    if to_go < 0.0 {
        return None;
    }
    if to_go == 0.0 {
        return Some(if covered >= 0.0 { 1.0 } else { 0.0 });
    }
    Some((covered / to_go).clamp(0.0, 1.0))
}

/// A fiche-action's progress, a percentage from 0 to 100: the mean of its indicators'
/// achievements × 100, over the indicators that have one (an indicator not measured yet, without
/// a target, or of kind `text` is left out: unknown is not zero). When none has, the action's
/// manual estimate (`progress`); when there is none either, null.
pub fn action_progress(indicator_achievements: &[Option<f64>], manual: Option<i16>) -> Option<f64> {
    mean(indicator_achievements)
        .map(|fraction| fraction * 100.0)
        .or_else(|| manual.map(f64::from))
}

/// The progress of an objective (from its actions), an axis (from its objectives) or the
/// convention (from its axes), a percentage from 0 to 100: the plain mean of the progress of the
/// children that have one; null when none has.
///
/// Each child weighs the same, whatever the number of actions under it: the plan tree shows the
/// children's progress next to their parent's, and a reader can check the parent's figure by
/// averaging what is on screen; an objective with many small actions does not outweigh one with
/// a single large action.
pub fn mean_progress(children: &[Option<f64>]) -> Option<f64> {
    mean(children)
}

/// An achievement as shown: three decimals (0.667), i.e. a tenth of a percent.
pub fn round_achievement(fraction: f64) -> f64 {
    (fraction * 1000.0).round() / 1000.0
}

/// A progress as shown: one decimal (66.7).
pub fn round_progress(percent: f64) -> f64 {
    (percent * 10.0).round() / 10.0
}

fn mean(values: &[Option<f64>]) -> Option<f64> {
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::{Decrease, Increase};
    use IndicatorKind::*;

    fn number(value: f64) -> MeasuredValue {
        MeasuredValue::Number(value)
    }

    /// An indicator without a scale.
    fn of(
        kind: IndicatorKind,
        direction: Direction,
        baseline: Option<f64>,
        target: Option<f64>,
        latest: f64,
    ) -> Option<f64> {
        achievement(
            kind,
            direction,
            None,
            baseline,
            target,
            Some(&number(latest)),
        )
    }

    #[test]
    fn increase_is_the_share_of_the_way_from_baseline_to_target() {
        // 40 families in 2022, 100 hoped for, 70 now: 30 of 60 → 0.5.
        assert_eq!(
            of(Count, Increase, Some(40.0), Some(100.0), 70.0),
            Some(0.5)
        );
        assert_eq!(
            of(Percentage, Increase, Some(20.0), Some(60.0), 30.0),
            Some(0.25)
        );
        assert_eq!(
            of(Count, Increase, Some(40.0), Some(100.0), 40.0),
            Some(0.0)
        );
        assert_eq!(
            of(Count, Increase, Some(40.0), Some(100.0), 100.0),
            Some(1.0)
        );
    }

    #[test]
    fn achievement_is_clamped_to_0_and_1() {
        assert_eq!(
            of(Count, Increase, Some(40.0), Some(100.0), 130.0),
            Some(1.0)
        );
        assert_eq!(
            of(Count, Increase, Some(40.0), Some(100.0), 10.0),
            Some(0.0)
        );
        assert_eq!(of(Count, Decrease, Some(10.0), Some(4.0), 2.0), Some(1.0));
        assert_eq!(of(Count, Decrease, Some(10.0), Some(4.0), 12.0), Some(0.0));
    }

    #[test]
    fn decrease_is_the_share_of_the_way_down() {
        // Simultaneous events: 10 before, 4 aimed at, 7 now: 3 of 6 → 0.5.
        assert_eq!(of(Count, Decrease, Some(10.0), Some(4.0), 7.0), Some(0.5));
        // Obesity rate: 18 % → 12 %, now 16.5 %: 1.5 of 6 → 0.25.
        assert_eq!(
            of(Percentage, Decrease, Some(18.0), Some(12.0), 16.5),
            Some(0.25)
        );
    }

    #[test]
    fn a_missing_baseline_starts_increases_from_zero_and_leaves_decreases_unknown() {
        assert_eq!(of(Count, Increase, None, Some(20.0), 5.0), Some(0.25));
        assert_eq!(of(Amount, Increase, None, Some(8000.0), 2000.0), Some(0.25));
        assert_eq!(of(Duration, Increase, None, Some(0.0), 0.0), Some(1.0));
        assert_eq!(of(Count, Decrease, None, Some(4.0), 7.0), None);
    }

    #[test]
    fn a_missing_target_or_value_gives_nothing() {
        assert_eq!(of(Count, Increase, Some(40.0), None, 70.0), None);
        assert_eq!(
            achievement(Count, Increase, None, Some(0.0), Some(10.0), None),
            None
        );
        assert_eq!(achievement(Boolean, Increase, None, None, None, None), None);
    }

    #[test]
    fn a_target_equal_to_the_baseline_is_reached_or_not() {
        assert_eq!(
            of(Percentage, Increase, Some(80.0), Some(80.0), 80.0),
            Some(1.0)
        );
        assert_eq!(
            of(Percentage, Increase, Some(80.0), Some(80.0), 85.0),
            Some(1.0)
        );
        assert_eq!(
            of(Percentage, Increase, Some(80.0), Some(80.0), 79.0),
            Some(0.0)
        );
        assert_eq!(of(Count, Decrease, Some(5.0), Some(5.0), 5.0), Some(1.0));
        assert_eq!(of(Count, Decrease, Some(5.0), Some(5.0), 3.0), Some(1.0));
        assert_eq!(of(Count, Decrease, Some(5.0), Some(5.0), 6.0), Some(0.0));
    }

    #[test]
    fn a_target_against_the_direction_gives_nothing() {
        assert_eq!(of(Count, Increase, Some(40.0), Some(20.0), 30.0), None);
        assert_eq!(of(Count, Decrease, Some(4.0), Some(10.0), 7.0), None);
    }

    #[test]
    fn a_boolean_is_done_or_not() {
        let yes = MeasuredValue::Bool(true);
        let no = MeasuredValue::Bool(false);
        assert_eq!(
            achievement(Boolean, Increase, None, None, None, Some(&yes)),
            Some(1.0)
        );
        assert_eq!(
            achievement(Boolean, Increase, None, None, None, Some(&no)),
            Some(0.0)
        );
        assert_eq!(
            achievement(Boolean, Decrease, None, None, None, Some(&yes)),
            Some(1.0)
        );
    }

    #[test]
    fn a_level_runs_from_the_bottom_of_its_scale() {
        let scale = Some((1.0, 5.0));
        let level = |baseline, target, latest| {
            achievement(
                Level,
                Increase,
                scale,
                baseline,
                target,
                Some(&number(latest)),
            )
        };
        // From 1 (the scale's bottom) to 5, now 3: 2 of 4 → 0.5.
        assert_eq!(level(None, Some(5.0), 3.0), Some(0.5));
        // From 2 to 4, now 3.5: 1.5 of 2 → 0.75.
        assert_eq!(level(Some(2.0), Some(4.0), 3.5), Some(0.75));
        assert_eq!(level(None, None, 3.0), None);
        assert_eq!(of(Level, Increase, None, Some(5.0), 3.0), None);
        // Isolation felt, 4 → 2 on the scale, now 3: 1 of 2 → 0.5.
        let isolation = achievement(
            Level,
            Decrease,
            scale,
            Some(4.0),
            Some(2.0),
            Some(&number(3.0)),
        );
        assert_eq!(isolation, Some(0.5));
    }

    #[test]
    fn text_and_mismatched_values_give_nothing() {
        let text = MeasuredValue::Text("Équipes plus stables".into());
        assert_eq!(
            achievement(Text, Increase, None, None, None, Some(&text)),
            None
        );
        assert_eq!(
            achievement(Count, Increase, None, None, Some(10.0), Some(&text)),
            None
        );
        let yes = MeasuredValue::Bool(true);
        assert_eq!(
            achievement(Count, Increase, None, None, Some(10.0), Some(&yes)),
            None
        );
        assert_eq!(of(Boolean, Increase, None, None, 1.0), None);
    }

    #[test]
    fn action_progress_averages_the_achievements_it_has() {
        assert_eq!(
            action_progress(&[Some(0.5), Some(1.0), None], Some(10)),
            Some(75.0)
        );
        assert_eq!(action_progress(&[Some(0.25)], None), Some(25.0));
        assert_eq!(action_progress(&[None, None], Some(40)), Some(40.0));
        assert_eq!(action_progress(&[], Some(0)), Some(0.0));
        assert_eq!(action_progress(&[None], None), None);
        assert_eq!(action_progress(&[], None), None);
    }

    #[test]
    fn parents_take_the_plain_mean_of_their_children() {
        assert_eq!(mean_progress(&[Some(50.0), Some(100.0), None]), Some(75.0));
        assert_eq!(
            mean_progress(&[Some(0.0), Some(30.0), Some(60.0)]),
            Some(30.0)
        );
        assert_eq!(mean_progress(&[None, None]), None);
        assert_eq!(mean_progress(&[]), None);
    }

    #[test]
    fn rounding_is_for_display() {
        let two_thirds = action_progress(&[Some(1.0), Some(1.0), Some(0.0)], None).unwrap();
        assert_eq!(round_progress(two_thirds), 66.7);
        assert_eq!(round_achievement(2.0 / 3.0), 0.667);
        assert_eq!(round_progress(100.0), 100.0);
    }
}

//! Which right a change to a fiche needs. The contract's role table tells apart an action's
//! follow-up (`status`, `progress`, the steps' statuses), its content (everything else a fiche
//! says) and the plan's shape (moving or renumbering an action).

use super::model::{ActionChanges, ActionParts, ActionRecord};
use crate::auth::{ActionTarget, Capability};
use crate::error::ApiError;

/// The fiche as the policy sees it: its axis and its référents-pilotes.
pub fn target(record: &ActionRecord) -> ActionTarget {
    ActionTarget {
        axis_id: record.placement.axis_id,
        pilot_partner_ids: record.parts.pilots.iter().map(|p| p.partner_id).collect(),
    }
}

/// A refusal that names the fields the caller may not write.
pub fn refusing<'a>(fields: &'a [&'a str]) -> impl FnOnce(ApiError) -> ApiError + 'a {
    move |error| match error {
        ApiError::Forbidden(detail) => ApiError::Forbidden(format!(
            "{detail} Fields you may not change: {}.",
            fields.join(", ")
        )),
        other => other,
    }
}

/// The fields of a change, grouped by the capability each needs.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Touched {
    pub structure: Vec<&'static str>,
    pub content: Vec<&'static str>,
    pub follow_up: Vec<&'static str>,
}

impl Touched {
    /// Each capability needed, with the fields that need it.
    pub fn requirements(&self) -> Vec<(Capability, &[&'static str])> {
        [
            (Capability::ManageStructure, self.structure.as_slice()),
            (Capability::EditContent, self.content.as_slice()),
            (Capability::UpdateFollowUp, self.follow_up.as_slice()),
        ]
        .into_iter()
        .filter(|(_, fields)| !fields.is_empty())
        .collect()
    }
}

/// Sorts the fields `changes` sets; `steps` is follow-up when only their statuses differ from
/// `current`, content otherwise.
pub fn touched(changes: &ActionChanges, current: &ActionParts) -> Touched {
    let row = &changes.row;
    let mut touched = Touched::default();
    let mut add = |present: bool, group: fn(&mut Touched) -> &mut Vec<&'static str>, field| {
        if present {
            group(&mut touched).push(field);
        }
    };
    add(
        row.objective_id.is_some(),
        |t| &mut t.structure,
        "objective_id",
    );
    add(row.number.is_some(), |t| &mut t.structure, "number");
    add(row.status.is_some(), |t| &mut t.follow_up, "status");
    add(row.progress.is_some(), |t| &mut t.follow_up, "progress");
    add(row.title.is_some(), |t| &mut t.content, "title");
    add(row.priority.is_some(), |t| &mut t.content, "priority");
    add(row.context.is_some(), |t| &mut t.content, "context");
    add(
        row.shared_findings.is_some(),
        |t| &mut t.content,
        "shared_findings",
    );
    add(
        row.expected_results.is_some(),
        |t| &mut t.content,
        "expected_results",
    );
    add(
        row.inhabitants_role.is_some(),
        |t| &mut t.content,
        "inhabitants_role",
    );
    add(
        row.resources_financial.is_some() || row.resources_human.is_some(),
        |t| &mut t.content,
        "resources",
    );
    add(
        row.linked_plans.is_some(),
        |t| &mut t.content,
        "linked_plans",
    );
    add(row.start_year.is_some(), |t| &mut t.content, "start_year");
    add(row.end_year.is_some(), |t| &mut t.content, "end_year");
    add(
        row.schedule_note.is_some(),
        |t| &mut t.content,
        "schedule_note",
    );
    add(changes.pilots.is_some(), |t| &mut t.content, "pilots");
    add(changes.partners.is_some(), |t| &mut t.content, "partners");
    add(
        changes.links.is_some(),
        |t| &mut t.content,
        "linked_action_ids",
    );
    if let Some(steps) = &changes.steps {
        let only_statuses = steps.len() == current.steps.len()
            && steps.iter().zip(&current.steps).all(|(new, old)| {
                new.text == old.text && new.pilot_partner_id == old.pilot_partner_id
            });
        if only_statuses {
            touched.follow_up.push("steps");
        } else {
            touched.content.push("steps");
        }
    }
    touched
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::model::Step;
    use crate::domain::{ActionStatus, StepStatus};

    fn step(text: &str, status: StepStatus) -> Step {
        Step {
            text: text.into(),
            pilot_partner_id: None,
            status,
        }
    }

    #[test]
    fn statuses_are_follow_up_and_texts_are_content() {
        let current = ActionParts {
            steps: vec![step("Recenser", StepStatus::Planned)],
            ..ActionParts::default()
        };
        let mut changes = ActionChanges::default();
        changes.row.status = Some(ActionStatus::InProgress);
        changes.steps = Some(vec![step("Recenser", StepStatus::Done)]);
        assert_eq!(
            touched(&changes, &current),
            Touched {
                follow_up: vec!["status", "steps"],
                ..Touched::default()
            }
        );
        changes.steps = Some(vec![step("Recenser l'offre", StepStatus::Done)]);
        changes.row.title = Some("Nouveau titre".into());
        let t = touched(&changes, &current);
        assert_eq!(t.content, ["title", "steps"]);
        assert_eq!(t.follow_up, ["status"]);
    }
}

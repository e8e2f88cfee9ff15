//! Fiches-actions on the wire.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{
    ActionChanges, ActionParts, ActionRecord, ActionRowChanges, NewAction, NewActionRow,
    PartnerRole, Step,
};
use crate::domain::{
    ordered, parse_list, ActionStatus, At, Invalid, LongText, Number, Percent, StepStatus, Title,
    Year,
};
use crate::error::FieldError;
use crate::http::patch::Patch;
use crate::http::respond::Versioned;
use crate::indicators::dto::IndicatorOut;
use crate::objectives::model::code as objective_code;
use crate::parse_fields;

/// A fiche-action: one action of the plan, with everything its fiche says.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionOut {
    pub id: Uuid,
    pub convention_id: Uuid,
    pub axis_id: Uuid,
    pub objective_id: Uuid,
    /// "1.2.1": axis, objective and action numbers (derived).
    pub code: String,
    pub number: i32,
    pub title: String,
    /// Marked "+" in the plan: an action the signatories hold as important.
    pub priority: bool,
    pub status: ActionStatus,
    /// A manual estimate of progress, 0-100.
    pub progress: Option<i16>,
    /// "Éléments de contexte".
    pub context: Option<String>,
    /// "Constat partagé".
    pub shared_findings: Vec<String>,
    /// "Résultats attendus".
    pub expected_results: Vec<String>,
    /// "Descriptif – Méthode – Étapes de réalisation", in order.
    pub steps: Vec<StepOut>,
    /// Référents-pilotes: the lead organisations.
    pub pilots: Vec<PartnerRoleOut>,
    /// Associated technical and institutional partners.
    pub partners: Vec<PartnerRoleOut>,
    /// "La place des habitants".
    pub inhabitants_role: Option<String>,
    pub resources: Resources,
    /// Other fiches this one refers to ("Lien avec les fiches actions").
    pub linked_action_ids: Vec<Uuid>,
    /// Other plans this fiche relates to (Contrat Local de Santé, PEDT…).
    pub linked_plans: Vec<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    /// The schedule as the plan words it ("fin 2023").
    pub schedule_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
    /// The fiche's indicators in its order: only in `GET /actions/{id}?include=indicators`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub indicators: Option<Vec<IndicatorOut>>,
}

/// One step of a fiche-action.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepOut {
    pub text: String,
    /// The partner that leads this step, when the fiche names one.
    pub pilot_partner_id: Option<Uuid>,
    pub status: StepStatus,
}

/// A partner's part in an action, with the fiche's own words for it ("référente famille").
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerRoleOut {
    pub partner_id: Uuid,
    pub note: Option<String>,
}

/// "Ressources mobilisables".
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    #[serde(default)]
    #[schema(value_type = Vec<LongText>)]
    pub financial: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Vec<LongText>)]
    pub human: Vec<String>,
}

/// A step as sent by a client.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepIn {
    #[schema(value_type = LongText)]
    pub text: String,
    #[serde(default)]
    pub pilot_partner_id: Option<Uuid>,
    /// Default `planned`.
    #[serde(default)]
    pub status: Option<StepStatus>,
}

/// A partner's part in an action, as sent by a client.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerRoleIn {
    pub partner_id: Uuid,
    #[serde(default)]
    #[schema(value_type = Option<Title>)]
    pub note: Option<String>,
}

/// A new fiche-action. Only `number` and `title` are required.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionCreate {
    #[schema(value_type = Number)]
    pub number: i32,
    #[schema(value_type = Title)]
    pub title: String,
    #[serde(default)]
    pub priority: bool,
    /// Default `planned`.
    #[serde(default)]
    pub status: Option<ActionStatus>,
    #[serde(default)]
    #[schema(value_type = Option<Percent>)]
    pub progress: Option<i32>,
    #[serde(default)]
    #[schema(value_type = Option<LongText>)]
    pub context: Option<String>,
    #[serde(default)]
    #[schema(value_type = Vec<LongText>)]
    pub shared_findings: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Vec<LongText>)]
    pub expected_results: Vec<String>,
    #[serde(default)]
    pub steps: Vec<StepIn>,
    #[serde(default)]
    pub pilots: Vec<PartnerRoleIn>,
    #[serde(default)]
    pub partners: Vec<PartnerRoleIn>,
    #[serde(default)]
    #[schema(value_type = Option<LongText>)]
    pub inhabitants_role: Option<String>,
    #[serde(default)]
    pub resources: Resources,
    #[serde(default)]
    pub linked_action_ids: Vec<Uuid>,
    #[serde(default)]
    #[schema(value_type = Vec<Title>)]
    pub linked_plans: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Option<Year>)]
    pub start_year: Option<i32>,
    #[serde(default)]
    #[schema(value_type = Option<Year>)]
    pub end_year: Option<i32>,
    #[serde(default)]
    #[schema(value_type = Option<Title>)]
    pub schedule_note: Option<String>,
}

/// Changes to a fiche-action (JSON Merge Patch): a list given replaces the whole list;
/// `resources` merges its two lists separately.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionUpdate {
    /// Moves the action under another objective of the same convention.
    #[serde(default)]
    #[schema(value_type = Uuid)]
    pub objective_id: Patch<Uuid>,
    #[serde(default)]
    #[schema(value_type = Number)]
    pub number: Patch<i32>,
    #[serde(default)]
    #[schema(value_type = Title)]
    pub title: Patch<String>,
    #[serde(default)]
    #[schema(value_type = bool)]
    pub priority: Patch<bool>,
    #[serde(default)]
    #[schema(value_type = ActionStatus)]
    pub status: Patch<ActionStatus>,
    #[serde(default)]
    #[schema(value_type = Option<Percent>)]
    pub progress: Patch<i32>,
    #[serde(default)]
    #[schema(value_type = Option<LongText>)]
    pub context: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Vec<LongText>)]
    pub shared_findings: Patch<Vec<String>>,
    #[serde(default)]
    #[schema(value_type = Vec<LongText>)]
    pub expected_results: Patch<Vec<String>>,
    #[serde(default)]
    #[schema(value_type = Vec<StepIn>)]
    pub steps: Patch<Vec<StepIn>>,
    #[serde(default)]
    #[schema(value_type = Vec<PartnerRoleIn>)]
    pub pilots: Patch<Vec<PartnerRoleIn>>,
    #[serde(default)]
    #[schema(value_type = Vec<PartnerRoleIn>)]
    pub partners: Patch<Vec<PartnerRoleIn>>,
    #[serde(default)]
    #[schema(value_type = Option<LongText>)]
    pub inhabitants_role: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<ResourcesUpdate>)]
    pub resources: Patch<ResourcesUpdate>,
    #[serde(default)]
    #[schema(value_type = Vec<Uuid>)]
    pub linked_action_ids: Patch<Vec<Uuid>>,
    #[serde(default)]
    #[schema(value_type = Vec<Title>)]
    pub linked_plans: Patch<Vec<String>>,
    #[serde(default)]
    #[schema(value_type = Option<Year>)]
    pub start_year: Patch<i32>,
    #[serde(default)]
    #[schema(value_type = Option<Year>)]
    pub end_year: Patch<i32>,
    #[serde(default)]
    #[schema(value_type = Option<Title>)]
    pub schedule_note: Patch<String>,
}

/// Changes to an action's resources: each list given replaces that list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourcesUpdate {
    #[serde(default)]
    #[schema(value_type = Vec<LongText>)]
    pub financial: Patch<Vec<String>>,
    #[serde(default)]
    #[schema(value_type = Vec<LongText>)]
    pub human: Patch<Vec<String>>,
}

impl From<ActionRecord> for ActionOut {
    fn from(record: ActionRecord) -> Self {
        let ActionRecord {
            action: a,
            placement: p,
            parts,
        } = record;
        Self {
            id: a.id,
            convention_id: p.convention_id,
            axis_id: p.axis_id,
            objective_id: a.objective_id,
            code: format!(
                "{}.{}",
                objective_code(p.axis_number, p.objective_number),
                a.number
            ),
            number: a.number,
            title: a.title,
            priority: a.priority,
            status: a.status,
            progress: a.progress,
            context: a.context,
            shared_findings: a.shared_findings,
            expected_results: a.expected_results,
            steps: parts
                .steps
                .into_iter()
                .map(|s| StepOut {
                    text: s.text,
                    pilot_partner_id: s.pilot_partner_id,
                    status: s.status,
                })
                .collect(),
            pilots: parts.pilots.into_iter().map(PartnerRoleOut::from).collect(),
            partners: parts
                .partners
                .into_iter()
                .map(PartnerRoleOut::from)
                .collect(),
            inhabitants_role: a.inhabitants_role,
            resources: Resources {
                financial: a.resources_financial,
                human: a.resources_human,
            },
            linked_action_ids: parts.links,
            linked_plans: a.linked_plans,
            start_year: a.start_year,
            end_year: a.end_year,
            schedule_note: a.schedule_note,
            created_at: a.created_at,
            updated_at: a.updated_at,
            version: a.version,
            indicators: None,
        }
    }
}

impl From<PartnerRole> for PartnerRoleOut {
    fn from(role: PartnerRole) -> Self {
        Self {
            partner_id: role.partner_id,
            note: role.note,
        }
    }
}

impl Versioned for ActionOut {
    fn version(&self) -> i32 {
        self.version
    }
}

fn short_text(value: String) -> Result<String, String> {
    Title::parse(value).map(Title::into_inner)
}

fn long_text(value: String) -> Result<String, String> {
    LongText::parse(value).map(LongText::into_inner)
}

fn optional<T>(
    value: Option<T>,
    parse: impl FnOnce(T) -> Result<String, String>,
) -> Result<Option<String>, String> {
    value.map(parse).transpose()
}

fn texts(
    field: &str,
    values: Vec<String>,
    parse: fn(String) -> Result<String, String>,
) -> Result<Vec<String>, Invalid> {
    parse_list(field, values, |at, value| Ok(parse(value).at(at)?))
}

fn steps(field: &str, values: Vec<StepIn>) -> Result<Vec<Step>, Invalid> {
    parse_list(field, values, |at, step| {
        Ok(Step {
            text: long_text(step.text).at(&format!("{at}.text"))?,
            pilot_partner_id: step.pilot_partner_id,
            status: step.status.unwrap_or(StepStatus::Planned),
        })
    })
}

fn partner_roles(field: &str, values: Vec<PartnerRoleIn>) -> Result<Vec<PartnerRole>, Invalid> {
    let mut seen = HashSet::new();
    parse_list(field, values, |at, role| {
        if !seen.insert(role.partner_id) {
            return Err(FieldError::new(format!("{at}.partner_id"), "is listed twice").into());
        }
        Ok(PartnerRole {
            partner_id: role.partner_id,
            note: optional(role.note, short_text).at(&format!("{at}.note"))?,
        })
    })
}

fn links(field: &str, values: Vec<Uuid>) -> Result<Vec<Uuid>, Invalid> {
    let mut seen = HashSet::new();
    parse_list(field, values, |at, id| {
        if seen.insert(id) {
            Ok(id)
        } else {
            Err(FieldError::new(at, "is listed twice").into())
        }
    })
}

fn year(value: Option<i32>) -> Result<Option<Year>, String> {
    value.map(Year::parse).transpose()
}

impl ActionCreate {
    /// Parses the fiche; `objective_id` comes from the path.
    pub fn parse(self, objective_id: Uuid) -> Result<NewAction, Invalid> {
        parse_fields!(
            number = Number::parse(self.number).at("number"),
            title = short_text(self.title).at("title"),
            progress = self.progress.map(Percent::parse).transpose().at("progress"),
            context = optional(self.context, long_text).at("context"),
            shared_findings = texts("shared_findings", self.shared_findings, long_text),
            expected_results = texts("expected_results", self.expected_results, long_text),
            steps = steps("steps", self.steps),
            pilots = partner_roles("pilots", self.pilots),
            partners = partner_roles("partners", self.partners),
            inhabitants_role = optional(self.inhabitants_role, long_text).at("inhabitants_role"),
            financial = texts("resources.financial", self.resources.financial, long_text),
            human = texts("resources.human", self.resources.human, long_text),
            links = links("linked_action_ids", self.linked_action_ids),
            linked_plans = texts("linked_plans", self.linked_plans, short_text),
            start_year = year(self.start_year).at("start_year"),
            end_year = year(self.end_year).at("end_year"),
            schedule_note = optional(self.schedule_note, short_text).at("schedule_note"),
        );
        ordered(start_year, end_year).at("end_year")?;
        let row = NewActionRow {
            id: Uuid::now_v7(),
            objective_id,
            number: number.get(),
            title,
            priority: self.priority,
            status: self.status.unwrap_or(ActionStatus::Planned),
            progress: progress.map(Percent::get),
            context,
            shared_findings,
            expected_results,
            inhabitants_role,
            resources_financial: financial,
            resources_human: human,
            linked_plans,
            start_year: start_year.map(Year::get),
            end_year: end_year.map(Year::get),
            schedule_note,
        };
        Ok(NewAction {
            row,
            parts: ActionParts {
                pilots,
                partners,
                steps,
                links,
            },
        })
    }
}

/// A list field of a merge patch: `null` is refused (send `[]` to empty it).
fn list_patch<T, U>(
    field: &str,
    patch: Patch<Vec<T>>,
    parse: impl FnOnce(&str, Vec<T>) -> Result<U, Invalid>,
) -> Result<Option<U>, Invalid> {
    match patch.into_required(field)? {
        None => Ok(None),
        Some(values) => parse(field, values).map(Some),
    }
}

/// An optional text field of a merge patch: `null` clears it.
fn nullable_text(
    field: &str,
    patch: Patch<String>,
    parse: fn(String) -> Result<String, String>,
) -> Result<Option<Option<String>>, FieldError> {
    patch
        .into_nullable()
        .map(|value| value.map(parse).transpose())
        .transpose()
        .at(field)
}

fn nullable_year(field: &str, patch: Patch<i32>) -> Result<Option<Option<Year>>, FieldError> {
    patch.into_nullable().map(year).transpose().at(field)
}

impl ActionUpdate {
    pub fn parse(self) -> Result<ActionChanges, Invalid> {
        let (financial, human) = match self.resources {
            Patch::Absent => (Patch::Absent, Patch::Absent),
            // `"resources": null` empties both lists.
            Patch::Null => (Patch::Value(Vec::new()), Patch::Value(Vec::new())),
            Patch::Value(resources) => (resources.financial, resources.human),
        };
        parse_fields!(
            objective_id = self.objective_id.into_required("objective_id"),
            number = self
                .number
                .into_required("number")
                .and_then(|n| n.map(Number::parse).transpose().at("number")),
            title = self
                .title
                .into_required("title")
                .and_then(|t| t.map(short_text).transpose().at("title")),
            priority = self.priority.into_required("priority"),
            status = self.status.into_required("status"),
            progress = self
                .progress
                .into_nullable()
                .map(|p| p.map(Percent::parse).transpose())
                .transpose()
                .at("progress"),
            context = nullable_text("context", self.context, long_text),
            shared_findings = list_patch("shared_findings", self.shared_findings, |f, v| {
                texts(f, v, long_text)
            }),
            expected_results = list_patch("expected_results", self.expected_results, |f, v| {
                texts(f, v, long_text)
            }),
            steps = list_patch("steps", self.steps, steps),
            pilots = list_patch("pilots", self.pilots, partner_roles),
            partners = list_patch("partners", self.partners, partner_roles),
            inhabitants_role = nullable_text("inhabitants_role", self.inhabitants_role, long_text),
            financial = list_patch("resources.financial", financial, |f, v| texts(
                f, v, long_text
            )),
            human = list_patch("resources.human", human, |f, v| texts(f, v, long_text)),
            links = list_patch("linked_action_ids", self.linked_action_ids, links),
            linked_plans = list_patch("linked_plans", self.linked_plans, |f, v| texts(
                f, v, short_text
            )),
            start_year = nullable_year("start_year", self.start_year),
            end_year = nullable_year("end_year", self.end_year),
            schedule_note = nullable_text("schedule_note", self.schedule_note, short_text),
        );
        let row = ActionRowChanges {
            objective_id,
            number: number.map(Number::get),
            title,
            priority,
            status,
            progress: progress.map(|p| p.map(Percent::get)),
            context,
            shared_findings,
            expected_results,
            inhabitants_role,
            resources_financial: financial,
            resources_human: human,
            linked_plans,
            start_year: start_year.map(|y| y.map(Year::get)),
            end_year: end_year.map(|y| y.map(Year::get)),
            schedule_note,
        };
        Ok(ActionChanges {
            row,
            steps,
            pilots,
            partners,
            links,
        })
    }
}

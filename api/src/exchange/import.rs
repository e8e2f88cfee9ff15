//! Import: a document becomes a new convention, in one transaction.
//!
//! The whole document is parsed first, with the resources' own parsers (so that it follows the
//! rules the API applies to each object), and every fault is named by its JSON path
//! (`axes[1].objectives[0].actions[2].indicators[3].kind`). Only a document without any fault is
//! written; a failure while writing rolls everything back.

use std::collections::hash_map::{Entry, HashMap};
use std::time::Instant;

use chrono::NaiveDate;
use diesel::PgConnection;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::format::{
    ExchangeAction, ExchangeCommittee, ExchangeConvention, ExchangeDocument, ExchangeIndicator,
    ExchangePartner, ExchangePartnerRole,
};
use super::model;
use crate::actions::dto::{ActionCreate, PartnerRoleIn, Resources, StepIn};
use crate::actions::model::{Action, NewAction};
use crate::audit::{Audit, EntityType};
use crate::axes::dto::AxisCreate;
use crate::axes::model::{Axis, NewAxis};
use crate::committees::dto::CommitteeCreate;
use crate::committees::model::{Committee, NewCommittee};
use crate::conventions::dto::{ConventionCreate, ConventionOut};
use crate::conventions::model::{Convention, NewConvention};
use crate::domain::{Invalid, Period, Role, Title};
use crate::error::{ApiError, FieldError};
use crate::http::patch::Patch;
use crate::indicators::dto::IndicatorCreate;
use crate::indicators::model::{Definition, Indicator};
use crate::measurements::dto::rules;
use crate::measurements::model::{IndicatorRef, Measurement, NewMeasurement};
use crate::memberships::dto::MembershipOut;
use crate::memberships::model::{Membership, NewMembership};
use crate::objectives::dto::ObjectiveCreate;
use crate::objectives::model::{NewObjective, Objective};
use crate::partners::dto::{PartnerCreate, PartnerOut};
use crate::partners::model::{NewPartner, Partner};

/// What an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub partners_created: usize,
    pub partners_reused: usize,
    pub committees: usize,
    pub axes: usize,
    pub objectives: usize,
    pub actions: usize,
    pub indicators: usize,
    pub measurements: usize,
}

/// The new convention, and what came with it.
#[derive(Debug)]
pub struct Imported {
    pub convention: ConventionOut,
    pub counts: ImportCounts,
}

/// The audit entry of an import: the convention as created, and what came with it.
#[derive(Serialize)]
struct ImportAudit<'a> {
    #[serde(flatten)]
    convention: &'a ConventionOut,
    imported: ImportCounts,
}

/// Creates the convention `document` describes. `importer` is the user importing (the recorder
/// of its measurements and the actor of its audit entries), `None` from the command line.
/// `today` (Europe/Paris) bounds the measurements' periods, as for the API.
pub fn import(
    conn: &mut PgConnection,
    document: ExchangeDocument,
    importer: Option<Uuid>,
    today: NaiveDate,
) -> Result<Imported, ApiError> {
    let started = Instant::now();
    let plan = parse(conn, document, today)?;
    let imported = write(conn, plan, importer)?;
    tracing::info!(
        convention_id = %imported.convention.id,
        elapsed_ms = started.elapsed().as_millis() as u64,
        counts = ?imported.counts,
        "convention imported"
    );
    Ok(imported)
}

/// Makes the user who imported a convention its coordinator, so that they can see and steer
/// what they just created (platform admins need no membership).
pub fn make_coordinator(
    conn: &mut PgConnection,
    convention_id: Uuid,
    user_id: Uuid,
) -> Result<(), ApiError> {
    let membership = Membership::insert(
        conn,
        &NewMembership {
            id: Uuid::now_v7(),
            convention_id,
            user_id,
            role: Role::Coordinator,
            committee_id: None,
        },
    )?;
    let out = MembershipOut::from(membership.with_user(conn)?);
    Audit::by(user_id).created(
        conn,
        Some(convention_id),
        EntityType::Membership,
        out.id,
        &out,
    )
}

/// A document fully parsed: every row to write, with its id.
struct Plan {
    new_partners: Vec<NewPartner>,
    partners_reused: usize,
    /// The document's partner list: `(partner, ref)` in its order.
    partner_refs: Vec<(Uuid, String)>,
    convention: NewConvention,
    committees: Vec<(NewCommittee, String)>,
    axes: Vec<PlannedAxis>,
    /// Each fiche's links, by id (written once every fiche exists).
    links: Vec<(Uuid, Vec<Uuid>)>,
}

struct PlannedAxis {
    axis: NewAxis,
    objectives: Vec<PlannedObjective>,
}

struct PlannedObjective {
    objective: NewObjective,
    actions: Vec<PlannedAction>,
}

struct PlannedAction {
    action: NewAction,
    indicators: Vec<PlannedIndicator>,
}

struct PlannedIndicator {
    definition: Definition,
    measurements: Vec<PlannedMeasurement>,
}

/// A measurement checked against its indicator, waiting for the indicator's id.
struct PlannedMeasurement {
    period: Period,
    value: Value,
    comment: Option<String>,
    source: Option<String>,
}

/// The resources' parsers name fields as their own DTOs do; the document names them so.
const RENAMED: &[(&str, &str)] = &[
    ("signatory_ids", "signatories"),
    ("associated_partner_ids", "associated_partners"),
    ("axis_ids", "axes"),
    ("member_partner_ids", "members"),
    ("linked_action_ids", "linked_actions"),
];

/// `field` of a DTO, as the document's path under `prefix`.
fn document_path(prefix: &str, field: &str) -> String {
    let split = field.find(['[', '.']).unwrap_or(field.len());
    let (head, rest) = field.split_at(split);
    let head = RENAMED
        .iter()
        .find(|(dto, _)| *dto == head)
        .map_or(head, |(_, document)| *document);
    let rest = rest
        .strip_suffix(".partner_id")
        .map(|r| format!("{r}.partner"))
        .or_else(|| {
            rest.strip_suffix(".pilot_partner_id")
                .map(|r| format!("{r}.pilot"))
        })
        .unwrap_or_else(|| rest.to_string());
    if prefix.is_empty() {
        format!("{head}{rest}")
    } else {
        format!("{prefix}.{head}{rest}")
    }
}

/// Gathers every fault of a document, each at its path.
struct Parser<'a> {
    errors: Vec<FieldError>,
    /// Partner ids by ref.
    partners: HashMap<&'a str, Uuid>,
    today: NaiveDate,
}

impl<'a> Parser<'a> {
    fn fault(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(path, message));
    }

    /// The value a resource's parser gave, or its faults recorded under `prefix`.
    fn take<T>(&mut self, prefix: &str, parsed: Result<T, Invalid>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(invalid) => {
                self.errors.extend(
                    invalid
                        .0
                        .into_iter()
                        .map(|e| FieldError::new(document_path(prefix, &e.field), e.message)),
                );
                None
            }
        }
    }

    /// The id of the partner `reference` names. An unknown ref is a fault at `path`, and stands
    /// for a partner of its own, so that it is not also reported as a repeat.
    fn partner(&mut self, reference: &str, path: String) -> Uuid {
        match self.partners.get(reference) {
            Some(id) => *id,
            None => {
                self.fault(path, format!("no partner has the ref \"{reference}\""));
                Uuid::new_v4()
            }
        }
    }

    /// A fiche's pilots or partners, their refs resolved.
    fn roles(&mut self, path: &str, roles: Vec<ExchangePartnerRole>) -> Vec<PartnerRoleIn> {
        roles
            .into_iter()
            .enumerate()
            .map(|(i, role)| PartnerRoleIn {
                partner_id: self.partner(&role.partner, format!("{path}[{i}].partner")),
                note: role.note,
            })
            .collect()
    }

    fn partner_list(&mut self, path: &str, references: &[String]) -> Vec<Uuid> {
        references
            .iter()
            .enumerate()
            .map(|(i, r)| self.partner(r, format!("{path}[{i}]")))
            .collect()
    }
}

/// Records a repeat of `key` at `path`, naming where it was first seen.
fn unique<K: std::hash::Hash + Eq>(
    seen: &mut HashMap<K, String>,
    key: K,
    path: String,
) -> Result<(), FieldError> {
    match seen.entry(key) {
        Entry::Vacant(entry) => {
            entry.insert(path);
            Ok(())
        }
        Entry::Occupied(entry) => Err(FieldError::new(
            path,
            format!("is used twice in the document (also at {})", entry.get()),
        )),
    }
}

fn parse(
    conn: &mut PgConnection,
    document: ExchangeDocument,
    today: NaiveDate,
) -> Result<Plan, ApiError> {
    let ExchangeDocument {
        partners,
        convention,
        committees,
        axes,
        ..
    } = document;
    let mut parser = Parser {
        errors: Vec::new(),
        partners: HashMap::new(),
        today,
    };
    let DocumentPartners {
        new: new_partners,
        refs: partner_refs,
    } = parse_partners(conn, &mut parser, &partners)?;
    let partners_reused = partner_refs.len() - new_partners.len();

    let convention = parse_convention(&mut parser, convention);
    let (convention_id, years) = convention.as_ref().map_or((Uuid::nil(), None), |c| {
        (c.id, Some((c.start_year, c.end_year)))
    });

    let mut codes: HashMap<String, Uuid> = HashMap::new();
    let mut pending_links = Vec::new();
    let mut axis_ids: HashMap<i32, Uuid> = HashMap::new();
    let mut seen_axes = HashMap::new();
    let mut planned_axes = Vec::new();
    for (a, axis) in axes.into_iter().enumerate() {
        let axis_path = format!("axes[{a}]");
        if let Err(e) = unique(&mut seen_axes, axis.number, format!("{axis_path}.number")) {
            parser.errors.push(e);
        }
        let new_axis = parser.take(
            &axis_path,
            AxisCreate {
                number: axis.number,
                title: axis.title,
                description: axis.description,
            }
            .parse(convention_id),
        );
        let axis_id = new_axis.as_ref().map_or_else(Uuid::new_v4, |x| x.id);
        axis_ids.entry(axis.number).or_insert(axis_id);
        let mut seen_objectives = HashMap::new();
        let mut planned_objectives = Vec::new();
        for (o, objective) in axis.objectives.into_iter().enumerate() {
            let objective_path = format!("{axis_path}.objectives[{o}]");
            if let Err(e) = unique(
                &mut seen_objectives,
                objective.number,
                format!("{objective_path}.number"),
            ) {
                parser.errors.push(e);
            }
            let new_objective = parser.take(
                &objective_path,
                ObjectiveCreate {
                    number: objective.number,
                    title: objective.title,
                    description: objective.description,
                }
                .parse(axis_id),
            );
            let objective_id = new_objective.as_ref().map_or_else(Uuid::new_v4, |x| x.id);
            let mut seen_actions = HashMap::new();
            let mut planned_actions = Vec::new();
            for (n, mut action) in objective.actions.into_iter().enumerate() {
                let action_path = format!("{objective_path}.actions[{n}]");
                if let Err(e) = unique(
                    &mut seen_actions,
                    action.number,
                    format!("{action_path}.number"),
                ) {
                    parser.errors.push(e);
                }
                let code = format!("{}.{}.{}", axis.number, objective.number, action.number);
                let links = std::mem::take(&mut action.linked_actions);
                let planned = parse_action(&mut parser, &action_path, action, objective_id, years);
                // A fiche at fault still answers to its code, so that links to it are checked.
                let id = planned
                    .as_ref()
                    .map_or_else(Uuid::new_v4, |p| p.action.row.id);
                codes.entry(code).or_insert(id);
                pending_links.push((id, action_path, links));
                planned_actions.extend(planned);
            }
            if let Some(objective) = new_objective {
                planned_objectives.push(PlannedObjective {
                    objective,
                    actions: planned_actions,
                });
            }
        }
        if let Some(axis) = new_axis {
            planned_axes.push(PlannedAxis {
                axis,
                objectives: planned_objectives,
            });
        }
    }

    let links = resolve_links(&mut parser, &codes, pending_links);
    let committees = parse_committees(&mut parser, committees, convention_id, &axis_ids);

    if !parser.errors.is_empty() {
        return Err(ApiError::Validation(parser.errors));
    }
    Ok(Plan {
        new_partners,
        partners_reused,
        partner_refs,
        convention: convention.expect("no fault, so parsed"),
        committees,
        axes: planned_axes,
        links,
    })
}

/// The document's partners resolved: those to create, and the list `(partner, ref)`.
struct DocumentPartners {
    new: Vec<NewPartner>,
    refs: Vec<(Uuid, String)>,
}

/// The document's partners: refs and names unique, each matched to an existing partner by name
/// (ignoring case) or to be created.
fn parse_partners<'a>(
    conn: &mut PgConnection,
    parser: &mut Parser<'a>,
    partners: &'a [ExchangePartner],
) -> Result<DocumentPartners, ApiError> {
    let mut seen_refs = HashMap::new();
    let mut seen_names = HashMap::new();
    let mut parsed = Vec::with_capacity(partners.len());
    for (i, partner) in partners.iter().enumerate() {
        let path = format!("partners[{i}]");
        match Title::parse(partner.reference.clone()) {
            Ok(_) => {
                if let Err(e) = unique(
                    &mut seen_refs,
                    partner.reference.as_str(),
                    format!("{path}.ref"),
                ) {
                    parser.errors.push(e);
                }
            }
            Err(message) => parser.fault(format!("{path}.ref"), message),
        }
        if let Err(mut e) = unique(
            &mut seen_names,
            partner.name.to_lowercase(),
            format!("{path}.name"),
        ) {
            e.message = format!("{} (names are compared ignoring case)", e.message);
            parser.errors.push(e);
        }
        parsed.push(
            parser.take(
                &path,
                PartnerCreate {
                    name: partner.name.clone(),
                    acronym: partner.acronym.clone(),
                    kind: partner.kind,
                }
                .parse(),
            ),
        );
    }
    let names: Vec<String> = partners.iter().map(|p| p.name.clone()).collect();
    let existing = model::partners_named(conn, &names)?;
    let mut new_partners = Vec::new();
    let mut refs = Vec::with_capacity(partners.len());
    for ((partner, parsed), existing) in partners.iter().zip(parsed).zip(existing) {
        let id = match (existing, parsed) {
            (Some(id), _) => id,
            (None, Some(new)) => {
                let id = new.id;
                new_partners.push(new);
                id
            }
            (None, None) => Uuid::new_v4(),
        };
        parser
            .partners
            .entry(partner.reference.as_str())
            .or_insert(id);
        refs.push((id, partner.reference.clone()));
    }
    Ok(DocumentPartners {
        new: new_partners,
        refs,
    })
}

fn parse_convention(parser: &mut Parser, convention: ExchangeConvention) -> Option<NewConvention> {
    let signatory_ids = parser.partner_list("convention.signatories", &convention.signatories);
    let associated_partner_ids = parser.partner_list(
        "convention.associated_partners",
        &convention.associated_partners,
    );
    parser.take(
        "convention",
        ConventionCreate {
            name: convention.name,
            territory: convention.territory,
            start_year: convention.start_year,
            end_year: convention.end_year,
            status: Patch::Value(convention.status),
            signatory_ids,
            associated_partner_ids,
        }
        .parse(),
    )
}

fn parse_action(
    parser: &mut Parser,
    path: &str,
    action: ExchangeAction,
    objective_id: Uuid,
    years: Option<(i32, i32)>,
) -> Option<PlannedAction> {
    let pilots = parser.roles(&format!("{path}.pilots"), action.pilots);
    let partners = parser.roles(&format!("{path}.partners"), action.partners);
    let steps = action
        .steps
        .into_iter()
        .enumerate()
        .map(|(i, step)| StepIn {
            text: step.text,
            pilot_partner_id: step
                .pilot
                .map(|r| parser.partner(&r, format!("{path}.steps[{i}].pilot"))),
            status: Some(step.status),
        })
        .collect();
    let new = parser.take(
        path,
        ActionCreate {
            number: action.number,
            title: action.title,
            priority: action.priority,
            status: Some(action.status),
            progress: action.progress,
            context: action.context,
            shared_findings: action.shared_findings,
            expected_results: action.expected_results,
            steps,
            pilots,
            partners,
            inhabitants_role: action.inhabitants_role,
            resources: Resources {
                financial: action.resources.financial,
                human: action.resources.human,
            },
            // Written in a second pass, once every fiche has its id.
            linked_action_ids: Vec::new(),
            linked_plans: action.linked_plans,
            start_year: action.start_year,
            end_year: action.end_year,
            schedule_note: action.schedule_note,
        }
        .parse(objective_id),
    );
    let indicators: Vec<PlannedIndicator> = action
        .indicators
        .into_iter()
        .enumerate()
        .filter_map(|(i, indicator)| {
            parse_indicator(parser, &format!("{path}.indicators[{i}]"), indicator, years)
        })
        .collect();
    Some(PlannedAction {
        action: new?,
        indicators,
    })
}

fn parse_indicator(
    parser: &mut Parser,
    path: &str,
    indicator: ExchangeIndicator,
    years: Option<(i32, i32)>,
) -> Option<PlannedIndicator> {
    let definition = parser.take(
        path,
        IndicatorCreate {
            indicator_type: indicator.indicator_type,
            label: indicator.label,
            kind: indicator.kind,
            unit: indicator.unit,
            baseline_value: indicator.baseline_value,
            baseline_period: indicator.baseline_period,
            target_value: indicator.target_value,
            target_period: indicator.target_period,
            direction: Some(indicator.direction),
            frequency: Some(indicator.frequency),
            source: indicator.source,
            scale_min: indicator.scale_min,
            scale_max: indicator.scale_max,
        }
        .parse(),
    )?;
    // The measurements' rules need the indicator's kind, scale and frequency, and the
    // convention's years: without a valid convention, its own faults are reported instead.
    let (start_year, end_year) = years?;
    let probe = IndicatorRef {
        id: Uuid::nil(),
        action_id: Uuid::nil(),
        kind: definition.kind,
        frequency: definition.frequency,
        scale_min: definition.scale_min,
        scale_max: definition.scale_max,
        axis_id: Uuid::nil(),
        convention_id: Uuid::nil(),
        start_year,
        end_year,
    };
    let mut seen_periods = HashMap::new();
    let mut measurements = Vec::with_capacity(indicator.measurements.len());
    for (m, measurement) in indicator.measurements.into_iter().enumerate() {
        let at = |field: &str| format!("{path}.measurements[{m}].{field}");
        let period = rules::period(&probe, &measurement.period, parser.today);
        let value = rules::value(&probe, &measurement.value);
        let comment = measurement.comment.map(rules::comment).transpose();
        let source = measurement.source.map(rules::source).transpose();
        let mut faults = Vec::new();
        if let Ok(period) = &period {
            if let Err(e) = unique(&mut seen_periods, *period, at("period")) {
                faults.push(e);
            }
        }
        for (field, fault) in [
            ("period", period.as_ref().err()),
            ("value", value.as_ref().err()),
            ("comment", comment.as_ref().err()),
            ("source", source.as_ref().err()),
        ] {
            if let Some(message) = fault {
                faults.push(FieldError::new(at(field), message.clone()));
            }
        }
        if faults.is_empty() {
            measurements.push(PlannedMeasurement {
                period: period.expect("checked"),
                value: value.expect("checked"),
                comment: comment.expect("checked"),
                source: source.expect("checked"),
            });
        } else {
            parser.errors.extend(faults);
        }
    }
    Some(PlannedIndicator {
        definition,
        measurements,
    })
}

/// Each fiche's links, from codes to ids: a code must name another fiche of the document.
fn resolve_links(
    parser: &mut Parser,
    codes: &HashMap<String, Uuid>,
    pending: Vec<(Uuid, String, Vec<String>)>,
) -> Vec<(Uuid, Vec<Uuid>)> {
    let mut links = Vec::new();
    for (action_id, path, linked) in pending {
        if linked.is_empty() {
            continue;
        }
        let mut seen = HashMap::new();
        let mut ids = Vec::with_capacity(linked.len());
        for (i, code) in linked.iter().enumerate() {
            let at = format!("{path}.linked_actions[{i}]");
            match codes.get(code.as_str()) {
                None => parser.fault(at, format!("no fiche-action has the code \"{code}\"")),
                Some(id) if *id == action_id => parser.fault(at, "an action cannot link to itself"),
                Some(id) => match unique(&mut seen, *id, at) {
                    Ok(()) => ids.push(*id),
                    Err(e) => parser.errors.push(e),
                },
            }
        }
        links.push((action_id, ids));
    }
    links
}

fn parse_committees(
    parser: &mut Parser,
    committees: Vec<ExchangeCommittee>,
    convention_id: Uuid,
    axis_ids: &HashMap<i32, Uuid>,
) -> Vec<(NewCommittee, String)> {
    let mut seen_refs = HashMap::new();
    let mut planned = Vec::with_capacity(committees.len());
    for (c, committee) in committees.into_iter().enumerate() {
        let path = format!("committees[{c}]");
        match Title::parse(committee.reference.clone()) {
            Ok(_) => {
                if let Err(e) = unique(
                    &mut seen_refs,
                    committee.reference.clone(),
                    format!("{path}.ref"),
                ) {
                    parser.errors.push(e);
                }
            }
            Err(message) => parser.fault(format!("{path}.ref"), message),
        }
        let axes = committee
            .axes
            .iter()
            .enumerate()
            .map(|(i, number)| match axis_ids.get(number) {
                Some(id) => *id,
                None => {
                    parser.fault(
                        format!("{path}.axes[{i}]"),
                        format!("no axis has the number {number}"),
                    );
                    Uuid::new_v4()
                }
            })
            .collect();
        let members = parser.partner_list(&format!("{path}.members"), &committee.members);
        let new = parser.take(
            &path,
            CommitteeCreate {
                name: committee.name,
                kind: committee.kind,
                axis_ids: axes,
                member_partner_ids: members,
            }
            .parse(convention_id),
        );
        if let Some(new) = new {
            planned.push((new, committee.reference));
        }
    }
    planned
}

fn write(
    conn: &mut PgConnection,
    plan: Plan,
    importer: Option<Uuid>,
) -> Result<Imported, ApiError> {
    let audit = importer.map_or_else(Audit::anonymous, Audit::by);
    let mut counts = ImportCounts {
        partners_created: plan.new_partners.len(),
        partners_reused: plan.partners_reused,
        committees: plan.committees.len(),
        ..ImportCounts::default()
    };
    for new in &plan.new_partners {
        let out = PartnerOut::from(Partner::insert(conn, new)?);
        audit.created(conn, None, EntityType::Partner, out.id, &out)?;
    }
    let convention = ConventionOut::from(Convention::insert(conn, &plan.convention)?);
    let convention_id = convention.id;
    model::insert_partner_refs(conn, convention_id, &plan.partner_refs)?;

    let mut measurements = Vec::new();
    for axis in &plan.axes {
        Axis::insert(conn, &axis.axis)?;
        counts.axes += 1;
        for objective in &axis.objectives {
            Objective::insert(conn, &objective.objective)?;
            counts.objectives += 1;
            for action in &objective.actions {
                let action_id = Action::insert(conn, &action.action)?;
                counts.actions += 1;
                for indicator in &action.indicators {
                    let indicator_id = Indicator::insert(conn, action_id, &indicator.definition)?;
                    counts.indicators += 1;
                    measurements.extend(indicator.measurements.iter().map(|m| NewMeasurement {
                        id: Uuid::now_v7(),
                        indicator_id,
                        period: m.period,
                        period_start: m.period.start_date(),
                        value: m.value.clone(),
                        comment: m.comment.clone(),
                        source: m.source.clone(),
                        recorded_by: importer,
                    }));
                }
            }
        }
    }
    model::insert_links(conn, &plan.links)?;
    for (new, reference) in &plan.committees {
        Committee::insert(conn, new)?;
        model::set_committee_ref(conn, new.id, reference)?;
    }
    counts.measurements = Measurement::insert_many(conn, &measurements)?.len();

    audit.created(
        conn,
        Some(convention_id),
        EntityType::Convention,
        convention_id,
        &ImportAudit {
            convention: &convention,
            imported: counts,
        },
    )?;
    Ok(Imported { convention, counts })
}

#[cfg(test)]
mod tests {
    use super::document_path;

    #[test]
    fn dto_fields_become_document_paths() {
        assert_eq!(
            document_path("convention", "signatory_ids[2]"),
            "convention.signatories[2]"
        );
        assert_eq!(
            document_path("axes[0].objectives[1].actions[2]", "pilots[1].partner_id"),
            "axes[0].objectives[1].actions[2].pilots[1].partner"
        );
        assert_eq!(
            document_path("committees[1]", "axis_ids"),
            "committees[1].axes"
        );
        assert_eq!(document_path("partners[3]", "name"), "partners[3].name");
    }
}

//! Export: a convention as one exchange document, read in a fixed number of queries.
//!
//! Partners and committees keep the refs the document they came from gave them, and the
//! partners its order; those added since get a ref derived from their acronym or name (a
//! lowercase slug, made unique with `-2`, `-3`…) and follow, in order of first mention.
//! Axes, objectives and fiches come in number order, indicators in the fiche's order,
//! measurements in period order, committees in the order they were created.

use std::collections::{HashMap, HashSet};

use diesel::PgConnection;
use uuid::Uuid;

use super::format::{
    ExchangeAction, ExchangeAxis, ExchangeCommittee, ExchangeConvention, ExchangeDocument,
    ExchangeIndicator, ExchangeMeasurement, ExchangeObjective, ExchangePartner,
    ExchangePartnerRole, ExchangeResources, ExchangeStep, FormatName, FormatVersion,
};
use super::model;
use crate::actions::model::{Action, ActionFilter, ActionRecord, PartnerRole};
use crate::committees::model::CommitteeDetail;
use crate::conventions::model::Convention;
use crate::error::ApiError;
use crate::http::page::Page;
use crate::indicators::model::Indicator;
use crate::measurements::model::Measurement;

/// The whole convention `id` as an exchange document. The caller has checked that it exists and
/// that the reader may export it.
pub fn export(conn: &mut PgConnection, id: Uuid) -> Result<ExchangeDocument, ApiError> {
    let convention = Convention::find(conn, id)?.with_partners(conn)?;
    let committees = model::committees_of(conn, id)?
        .into_iter()
        .map(|(committee, reference)| Ok((committee.with_lists(conn)?, reference)))
        .collect::<Result<Vec<_>, ApiError>>()?;
    let axes = model::axes_of(conn, id)?;
    let objectives = model::objectives_of(conn, id)?;
    let all = Page {
        limit: i64::MAX,
        offset: 0,
    };
    let filter = ActionFilter {
        convention_id: Some(id),
        ..ActionFilter::default()
    };
    let (actions, _) = Action::list(conn, &filter, all)?;
    let indicators = model::indicators_of(conn, id)?;
    let indicator_ids: Vec<Uuid> = indicators.iter().map(|i| i.id).collect();
    let measurements = model::measurements_of(conn, &indicator_ids)?;

    // Every partner the convention mentions, in order of first mention.
    let mut mentioned: Vec<Uuid> = Vec::new();
    mentioned.extend(&convention.signatory_ids);
    mentioned.extend(&convention.associated_partner_ids);
    for (committee, _) in &committees {
        mentioned.extend(&committee.member_partner_ids);
    }
    for record in &actions {
        let parts = &record.parts;
        mentioned.extend(parts.pilots.iter().map(|p| p.partner_id));
        mentioned.extend(parts.partners.iter().map(|p| p.partner_id));
        mentioned.extend(parts.steps.iter().filter_map(|s| s.pilot_partner_id));
    }
    let partners = Partners::new(conn, id, mentioned)?;

    let axis_numbers: HashMap<Uuid, i32> = axes.iter().map(|a| (a.id, a.number)).collect();
    let codes: HashMap<Uuid, String> = actions
        .iter()
        .map(|r| {
            let p = &r.placement;
            let code = format!(
                "{}.{}.{}",
                p.axis_number, p.objective_number, r.action.number
            );
            (r.action.id, code)
        })
        .collect();
    let mut measurements_by_indicator: HashMap<Uuid, Vec<Measurement>> = HashMap::new();
    for m in measurements {
        measurements_by_indicator
            .entry(m.indicator_id)
            .or_default()
            .push(m);
    }
    let mut indicators_by_action: HashMap<Uuid, Vec<ExchangeIndicator>> = HashMap::new();
    for indicator in indicators {
        let measured = measurements_by_indicator
            .remove(&indicator.id)
            .unwrap_or_default();
        indicators_by_action
            .entry(indicator.action_id)
            .or_default()
            .push(indicator_entry(indicator, measured));
    }
    let mut actions_by_objective: HashMap<Uuid, Vec<ExchangeAction>> = HashMap::new();
    for record in actions {
        let indicators = indicators_by_action
            .remove(&record.action.id)
            .unwrap_or_default();
        actions_by_objective
            .entry(record.action.objective_id)
            .or_default()
            .push(action_entry(record, indicators, &partners, &codes));
    }
    let mut objectives_by_axis: HashMap<Uuid, Vec<ExchangeObjective>> = HashMap::new();
    for objective in objectives {
        let actions = actions_by_objective
            .remove(&objective.id)
            .unwrap_or_default();
        objectives_by_axis
            .entry(objective.axis_id)
            .or_default()
            .push(ExchangeObjective {
                number: objective.number,
                title: objective.title,
                description: objective.description,
                actions,
            });
    }

    let committee_refs = unique_refs(
        committees
            .iter()
            .map(|(detail, reference)| (reference.clone(), detail.committee.name.clone())),
    );
    let committees = committees
        .into_iter()
        .zip(committee_refs)
        .map(|((detail, _), reference)| {
            committee_entry(detail, reference, &partners, &axis_numbers)
        })
        .collect();
    let c = convention.convention;
    Ok(ExchangeDocument {
        format: FormatName,
        format_version: FormatVersion,
        convention: ExchangeConvention {
            name: c.name,
            territory: c.territory,
            start_year: c.start_year,
            end_year: c.end_year,
            status: c.status,
            signatories: partners.refs(&convention.signatory_ids),
            associated_partners: partners.refs(&convention.associated_partner_ids),
        },
        partners: partners.entries,
        committees,
        axes: axes
            .into_iter()
            .map(|axis| ExchangeAxis {
                objectives: objectives_by_axis.remove(&axis.id).unwrap_or_default(),
                number: axis.number,
                title: axis.title,
                description: axis.description,
            })
            .collect(),
    })
}

/// The document's partners, and the ref of each.
struct Partners {
    entries: Vec<ExchangePartner>,
    refs: HashMap<Uuid, String>,
}

impl Partners {
    /// The recorded partner list of the convention, then the partners `mentioned` that it lacks.
    fn new(
        conn: &mut PgConnection,
        convention_id: Uuid,
        mentioned: Vec<Uuid>,
    ) -> Result<Self, ApiError> {
        let recorded = model::partner_refs(conn, convention_id)?;
        let mut order: Vec<(Uuid, Option<String>)> = Vec::new();
        let mut listed = HashSet::new();
        for (id, reference) in recorded {
            if listed.insert(id) {
                order.push((id, Some(reference)));
            }
        }
        for id in mentioned {
            if listed.insert(id) {
                order.push((id, None));
            }
        }
        let ids: Vec<Uuid> = order.iter().map(|(id, _)| *id).collect();
        let mut rows: HashMap<Uuid, _> = model::partners_by_ids(conn, &ids)?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let order: Vec<_> = order
            .into_iter()
            .filter_map(|(id, reference)| rows.remove(&id).map(|p| (p, reference)))
            .collect();
        let refs = unique_refs(order.iter().map(|(partner, reference)| {
            let basis = partner
                .acronym
                .clone()
                .unwrap_or_else(|| partner.name.clone());
            (reference.clone(), basis)
        }));
        let mut by_id = HashMap::with_capacity(order.len());
        let entries = order
            .into_iter()
            .zip(refs)
            .map(|((partner, _), reference)| {
                by_id.insert(partner.id, reference.clone());
                ExchangePartner {
                    reference,
                    name: partner.name,
                    acronym: partner.acronym,
                    kind: partner.kind,
                }
            })
            .collect();
        Ok(Self {
            entries,
            refs: by_id,
        })
    }

    fn reference(&self, id: Uuid) -> String {
        self.refs
            .get(&id)
            .cloned()
            .expect("every mentioned partner is listed")
    }

    fn refs(&self, ids: &[Uuid]) -> Vec<String> {
        ids.iter().map(|id| self.reference(*id)).collect()
    }

    fn roles(&self, roles: Vec<PartnerRole>) -> Vec<ExchangePartnerRole> {
        roles
            .into_iter()
            .map(|role| ExchangePartnerRole {
                partner: self.reference(role.partner_id),
                note: role.note,
            })
            .collect()
    }
}

/// Refs for a list of `(recorded ref, basis)`: the recorded ones kept, the others slugs of
/// their basis, every one unique.
fn unique_refs(items: impl Iterator<Item = (Option<String>, String)>) -> Vec<String> {
    let items: Vec<_> = items.collect();
    let mut taken: HashSet<String> = items.iter().filter_map(|(r, _)| r.clone()).collect();
    items
        .into_iter()
        .map(|(recorded, basis)| {
            recorded.unwrap_or_else(|| {
                let base = slug(&basis);
                let mut candidate = base.clone();
                let mut n = 2;
                while taken.contains(&candidate) {
                    candidate = format!("{base}-{n}");
                    n += 1;
                }
                taken.insert(candidate.clone());
                candidate
            })
        })
        .collect()
}

/// "Comité technique jeunesse" → "comite-technique-jeunesse"; "CD 46" → "cd-46".
pub fn slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => "a",
            'ç' => "c",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'î' | 'ï' | 'í' | 'ì' => "i",
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => "o",
            'ù' | 'û' | 'ü' | 'ú' => "u",
            'ÿ' | 'ý' => "y",
            'ñ' => "n",
            'œ' => "oe",
            'æ' => "ae",
            c if c.is_ascii_alphanumeric() => {
                slug.push(c);
                continue;
            }
            _ => "-",
        };
        if folded == "-" {
            if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        } else {
            slug.push_str(folded);
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        slug.push_str("partner");
    }
    slug
}

fn committee_entry(
    detail: CommitteeDetail,
    reference: String,
    partners: &Partners,
    axis_numbers: &HashMap<Uuid, i32>,
) -> ExchangeCommittee {
    ExchangeCommittee {
        reference,
        name: detail.committee.name,
        kind: detail.committee.kind,
        axes: detail
            .axis_ids
            .iter()
            .filter_map(|id| axis_numbers.get(id).copied())
            .collect(),
        members: partners.refs(&detail.member_partner_ids),
    }
}

fn action_entry(
    record: ActionRecord,
    indicators: Vec<ExchangeIndicator>,
    partners: &Partners,
    codes: &HashMap<Uuid, String>,
) -> ExchangeAction {
    let ActionRecord {
        action: a, parts, ..
    } = record;
    ExchangeAction {
        number: a.number,
        title: a.title,
        priority: a.priority,
        status: a.status,
        progress: a.progress.map(i32::from),
        context: a.context,
        shared_findings: a.shared_findings,
        expected_results: a.expected_results,
        steps: parts
            .steps
            .into_iter()
            .map(|step| ExchangeStep {
                text: step.text,
                pilot: step.pilot_partner_id.map(|id| partners.reference(id)),
                status: step.status,
            })
            .collect(),
        pilots: partners.roles(parts.pilots),
        partners: partners.roles(parts.partners),
        inhabitants_role: a.inhabitants_role,
        resources: ExchangeResources {
            financial: a.resources_financial,
            human: a.resources_human,
        },
        linked_actions: parts
            .links
            .iter()
            .filter_map(|id| codes.get(id).cloned())
            .collect(),
        linked_plans: a.linked_plans,
        start_year: a.start_year,
        end_year: a.end_year,
        schedule_note: a.schedule_note,
        indicators,
    }
}

fn indicator_entry(indicator: Indicator, measurements: Vec<Measurement>) -> ExchangeIndicator {
    ExchangeIndicator {
        indicator_type: indicator.indicator_type,
        label: indicator.label,
        kind: indicator.kind,
        unit: indicator.unit,
        baseline_value: indicator.baseline_value,
        baseline_period: indicator.baseline_period.map(|p| p.to_string()),
        target_value: indicator.target_value,
        target_period: indicator.target_period.map(|p| p.to_string()),
        direction: indicator.direction,
        frequency: indicator.frequency,
        source: indicator.source,
        scale_min: indicator.scale_min,
        scale_max: indicator.scale_max,
        measurements: measurements
            .into_iter()
            .map(|m| ExchangeMeasurement {
                period: m.period.to_string(),
                value: m.value,
                comment: m.comment,
                source: m.source,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_french_letters_and_punctuation() {
        assert_eq!(
            slug("Comité technique jeunesse"),
            "comite-technique-jeunesse"
        );
        assert_eq!(slug("CD 46"), "cd-46");
        assert_eq!(
            slug("  Œuvre d’Écoute — « S’il joue » "),
            "oeuvre-d-ecoute-s-il-joue"
        );
        assert_eq!(slug("!!!"), "partner");
    }

    #[test]
    fn derived_refs_do_not_take_recorded_ones() {
        let refs = unique_refs(
            [
                (None, "CAF".to_string()),
                (Some("caf".to_string()), "Caf du Lot".to_string()),
                (None, "Caf".to_string()),
            ]
            .into_iter(),
        );
        assert_eq!(refs, ["caf-2", "caf", "caf-3"]);
    }
}

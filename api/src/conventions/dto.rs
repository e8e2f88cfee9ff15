//! Conventions on the wire.

use std::collections::hash_map::{Entry, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{ConventionChanges, ConventionDetail, NewConvention};
use crate::domain::{ordered, At, ConventionStatus, Invalid, Title, Year};
use crate::error::FieldError;
use crate::http::patch::Patch;
use crate::http::respond::Versioned;
use crate::parse_fields;

/// A Convention Territoriale Globale: a multi-year plan signed by partners for a territory.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConventionOut {
    pub id: Uuid,
    /// "Convention Territoriale Globale des Services aux Familles 2022-2026".
    pub name: String,
    /// The territory it covers ("Communauté de Communes Quercy Bouriane").
    pub territory: String,
    pub start_year: i32,
    /// Not before `start_year`.
    pub end_year: i32,
    pub status: ConventionStatus,
    /// The signatory partners, in the convention's order.
    pub signatory_ids: Vec<Uuid>,
    /// The associated partners, in the convention's order.
    pub associated_partner_ids: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A new convention.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConventionCreate {
    #[schema(value_type = Title)]
    pub name: String,
    #[schema(value_type = Title)]
    pub territory: String,
    /// 2000 to 2100.
    #[schema(value_type = Year)]
    pub start_year: i32,
    /// 2000 to 2100, not before `start_year`.
    #[schema(value_type = Year)]
    pub end_year: i32,
    /// `draft` when absent (`null` is refused, as for the lists).
    #[serde(default)]
    #[schema(value_type = ConventionStatus)]
    pub status: Patch<ConventionStatus>,
    /// Partner ids, each at most once, in the order to show them.
    #[serde(default)]
    pub signatory_ids: Vec<Uuid>,
    /// Partner ids, each at most once, in the order to show them.
    #[serde(default)]
    pub associated_partner_ids: Vec<Uuid>,
}

/// Changes to a convention (JSON Merge Patch): a list, when present, replaces the whole list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConventionUpdate {
    #[serde(default)]
    #[schema(value_type = Title)]
    pub name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Title)]
    pub territory: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Year)]
    pub start_year: Patch<i32>,
    #[serde(default)]
    #[schema(value_type = Year)]
    pub end_year: Patch<i32>,
    #[serde(default)]
    #[schema(value_type = ConventionStatus)]
    pub status: Patch<ConventionStatus>,
    #[serde(default)]
    #[schema(value_type = Vec<Uuid>)]
    pub signatory_ids: Patch<Vec<Uuid>>,
    #[serde(default)]
    #[schema(value_type = Vec<Uuid>)]
    pub associated_partner_ids: Patch<Vec<Uuid>>,
}

impl From<ConventionDetail> for ConventionOut {
    fn from(detail: ConventionDetail) -> Self {
        let c = detail.convention;
        Self {
            id: c.id,
            name: c.name,
            territory: c.territory,
            start_year: c.start_year,
            end_year: c.end_year,
            status: c.status,
            signatory_ids: detail.signatory_ids,
            associated_partner_ids: detail.associated_partner_ids,
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
        }
    }
}

impl Versioned for ConventionOut {
    fn version(&self) -> i32 {
        self.version
    }
}

/// A list of ids in which each appears once; a repeat is named by its index (`field[2]`).
pub fn distinct_ids(field: &str, ids: Vec<Uuid>) -> Result<Vec<Uuid>, Invalid> {
    let mut first_seen = HashMap::with_capacity(ids.len());
    let mut invalid = Invalid::default();
    for (index, id) in ids.iter().enumerate() {
        match first_seen.entry(*id) {
            Entry::Vacant(entry) => {
                entry.insert(index);
            }
            Entry::Occupied(entry) => invalid.0.push(FieldError::new(
                format!("{field}[{index}]"),
                format!("is listed twice (also at {field}[{}])", entry.get()),
            )),
        }
    }
    if invalid.0.is_empty() {
        Ok(ids)
    } else {
        Err(invalid)
    }
}

impl ConventionCreate {
    pub fn parse(self) -> Result<NewConvention, Invalid> {
        parse_fields!(
            name = Title::parse(self.name).at("name"),
            territory = Title::parse(self.territory).at("territory"),
            start_year = Year::parse(self.start_year).at("start_year"),
            end_year = Year::parse(self.end_year).at("end_year"),
            signatory_ids = distinct_ids("signatory_ids", self.signatory_ids),
            associated_partner_ids =
                distinct_ids("associated_partner_ids", self.associated_partner_ids),
            status = self.status.into_required("status"),
        );
        ordered(Some(start_year), Some(end_year)).at("end_year")?;
        Ok(NewConvention {
            id: Uuid::now_v7(),
            name: name.into_inner(),
            territory: territory.into_inner(),
            start_year: start_year.get(),
            end_year: end_year.get(),
            status: status.unwrap_or(ConventionStatus::Draft),
            signatory_ids,
            associated_partner_ids,
        })
    }
}

impl ConventionUpdate {
    /// The changes, checked on their own; `ConventionChanges::check_years` then checks them
    /// against the stored years.
    pub fn parse(self) -> Result<ConventionChanges, Invalid> {
        parse_fields!(
            name = self.name.into_required("name"),
            territory = self.territory.into_required("territory"),
            start_year = self.start_year.into_required("start_year"),
            end_year = self.end_year.into_required("end_year"),
            status = self.status.into_required("status"),
            signatory_ids = self.signatory_ids.into_required("signatory_ids"),
            associated_partner_ids = self
                .associated_partner_ids
                .into_required("associated_partner_ids"),
        );
        parse_fields!(
            name = name.map(Title::parse).transpose().at("name"),
            territory = territory.map(Title::parse).transpose().at("territory"),
            start_year = start_year.map(Year::parse).transpose().at("start_year"),
            end_year = end_year.map(Year::parse).transpose().at("end_year"),
            signatory_ids = signatory_ids
                .map(|ids| distinct_ids("signatory_ids", ids))
                .transpose(),
            associated_partner_ids = associated_partner_ids
                .map(|ids| distinct_ids("associated_partner_ids", ids))
                .transpose(),
        );
        ordered(start_year, end_year).at("end_year")?;
        Ok(ConventionChanges {
            name: name.map(Title::into_inner),
            territory: territory.map(Title::into_inner),
            start_year: start_year.map(Year::get),
            end_year: end_year.map(Year::get),
            status,
            signatory_ids,
            associated_partner_ids,
        })
    }
}

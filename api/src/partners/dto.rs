//! Partners on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{NewPartner, Partner, PartnerChanges};
use crate::domain::{At, Invalid, PartnerKind, Title};
use crate::http::patch::Patch;
use crate::http::respond::Versioned;
use crate::parse_fields;

/// A partner organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerOut {
    pub id: Uuid,
    /// The organisation's name as it writes it ("Caf du Lot").
    pub name: String,
    /// Its usual acronym ("CCQB").
    pub acronym: Option<String>,
    pub kind: PartnerKind,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A new partner organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerCreate {
    #[schema(value_type = Title)]
    pub name: String,
    #[schema(value_type = Option<Title>)]
    pub acronym: Option<String>,
    pub kind: PartnerKind,
}

/// Changes to a partner (JSON Merge Patch).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerUpdate {
    #[serde(default)]
    #[schema(value_type = Title)]
    pub name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<Title>)]
    pub acronym: Patch<String>,
    #[serde(default)]
    #[schema(value_type = PartnerKind)]
    pub kind: Patch<PartnerKind>,
}

impl From<Partner> for PartnerOut {
    fn from(p: Partner) -> Self {
        Self {
            id: p.id,
            name: p.name,
            acronym: p.acronym,
            kind: p.kind,
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

impl Versioned for PartnerOut {
    fn version(&self) -> i32 {
        self.version
    }
}

fn acronym(value: String) -> Result<String, String> {
    Title::parse(value).map(Title::into_inner)
}

impl PartnerCreate {
    pub fn parse(self) -> Result<NewPartner, Invalid> {
        parse_fields!(
            name = Title::parse(self.name).at("name"),
            acronym = self.acronym.map(acronym).transpose().at("acronym"),
        );
        Ok(NewPartner {
            id: Uuid::now_v7(),
            name: name.into_inner(),
            acronym,
            kind: self.kind,
        })
    }
}

impl PartnerUpdate {
    pub fn parse(self) -> Result<PartnerChanges, Invalid> {
        parse_fields!(
            name = self.name.into_required("name"),
            kind = self.kind.into_required("kind"),
        );
        parse_fields!(
            name = name.map(Title::parse).transpose().at("name"),
            acronym = self
                .acronym
                .into_nullable()
                .map(|value| value.map(acronym).transpose())
                .transpose()
                .at("acronym"),
        );
        Ok(PartnerChanges {
            name: name.map(Title::into_inner),
            acronym,
            kind,
        })
    }
}

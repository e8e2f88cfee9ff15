//! The French words the spreadsheet formats (CSV, XLSX) show for the report's enumerations: a
//! COPIL reads "en cours", not `in_progress`.

use crate::domain::{ActionStatus, Direction, Frequency, IndicatorKind, IndicatorType};

pub fn status(status: ActionStatus) -> &'static str {
    match status {
        ActionStatus::Planned => "prévue",
        ActionStatus::InProgress => "en cours",
        ActionStatus::Done => "terminée",
        ActionStatus::Suspended => "suspendue",
        ActionStatus::Abandoned => "abandonnée",
    }
}

pub fn indicator_type(indicator_type: IndicatorType) -> &'static str {
    match indicator_type {
        IndicatorType::Realisation => "réalisation",
        IndicatorType::Resultat => "résultat",
        IndicatorType::Impact => "impact",
    }
}

pub fn indicator_kind(kind: IndicatorKind) -> &'static str {
    match kind {
        IndicatorKind::Count => "nombre",
        IndicatorKind::Amount => "montant",
        IndicatorKind::Percentage => "taux (%)",
        IndicatorKind::Ratio => "ratio",
        IndicatorKind::Duration => "durée",
        IndicatorKind::Boolean => "oui / non",
        IndicatorKind::Level => "niveau",
        IndicatorKind::Text => "texte",
    }
}

pub fn direction(direction: Direction) -> &'static str {
    match direction {
        Direction::Increase => "à la hausse",
        Direction::Decrease => "à la baisse",
    }
}

pub fn frequency(frequency: Frequency) -> &'static str {
    match frequency {
        Frequency::Annual => "annuelle",
        Frequency::Semiannual => "semestrielle",
        Frequency::Quarterly => "trimestrielle",
        Frequency::Monthly => "mensuelle",
    }
}

pub fn yes_no(flag: bool) -> &'static str {
    if flag {
        "oui"
    } else {
        "non"
    }
}

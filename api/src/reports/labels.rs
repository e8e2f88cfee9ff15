//! The French words the spreadsheet formats (CSV, XLSX) show for the report's enumerations: a
//! COPIL reads "en cours", not `in_progress`.

use crate::domain::{ActionStatus, IndicatorType};

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

pub fn yes_no(flag: bool) -> &'static str {
    if flag {
        "oui"
    } else {
        "non"
    }
}

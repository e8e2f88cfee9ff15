//! The annual report as CSV for French spreadsheets (Excel, LibreOffice in a French locale):
//! UTF-8 with a byte order mark (without it Excel reads Windows-1252), `;` between fields,
//! decimal comma, CRLF line ends, fields quoted per RFC 4180 when they hold `;`, `"` or a line
//! break. A text cell that a spreadsheet would take for a formula (beginning with `=`, `+`, `-`,
//! `@`, a tab or a carriage return) is neutralised with a leading `'` (CSV injection); numbers
//! written by the report itself are not text and are left as they are.
//!
//! One row per indicator, repeating its axis, objective and action (the year's notes included);
//! an action without indicators has one row with the indicator's cells empty.

use super::dto::{AnnualReport, ReportAction, ReportIndicator, YearValue};
use super::labels;
use crate::domain::MeasuredValue;

const BOM: &str = "\u{feff}";

/// One cell before encoding.
#[derive(Clone)]
enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    fn text(text: impl Into<String>) -> Self {
        Self::Text(text.into())
    }

    fn opt_text(text: Option<&str>) -> Self {
        text.map_or(Self::Empty, Self::text)
    }

    fn opt_number(number: Option<f64>) -> Self {
        number.map_or(Self::Empty, Self::Number)
    }

    fn opt_int(number: Option<i32>) -> Self {
        number.map_or(Self::Empty, |n| Self::Number(f64::from(n)))
    }

    fn value(value: Option<&YearValue>) -> Self {
        match value.map(|v| &v.value) {
            None => Self::Empty,
            Some(MeasuredValue::Number(number)) => Self::Number(*number),
            Some(MeasuredValue::Bool(flag)) => Self::text(labels::yes_no(*flag)),
            Some(MeasuredValue::Text(text)) => Self::text(text.as_str()),
        }
    }

    fn period(value: Option<&YearValue>) -> Self {
        value.map_or(Self::Empty, |v| Self::text(v.period.to_string()))
    }

    fn encode(&self) -> String {
        match self {
            Self::Empty => String::new(),
            Self::Number(number) => decimal_comma(*number),
            Self::Text(text) => quoted(&neutralised(text)),
        }
    }
}

/// A number as a French spreadsheet reads it: `12`, `66,7`, `-0,25`.
pub fn decimal_comma(number: f64) -> String {
    number.to_string().replace('.', ",")
}

/// `text`, prefixed with `'` when a spreadsheet would read it as a formula.
pub fn neutralised(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// `text` as an RFC 4180 field with `;` as the separator.
pub fn quoted(text: &str) -> String {
    if text.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn header(year: i32) -> Vec<Cell> {
    let previous = year - 1;
    [
        "Axe".to_string(),
        "Titre de l'axe".into(),
        "Objectif".into(),
        "Titre de l'objectif".into(),
        "Action".into(),
        "Titre de l'action".into(),
        "Prioritaire".into(),
        "Statut".into(),
        "En retard".into(),
        "Avancement (%)".into(),
        "Pilotes".into(),
        "Année de début".into(),
        "Année de fin".into(),
        "Échéance".into(),
        format!("Notes {year}"),
        "Indicateur".into(),
        "Type".into(),
        "Nature".into(),
        "Unité".into(),
        "Sens".into(),
        "Fréquence".into(),
        "Valeur de référence".into(),
        "Cible".into(),
        format!("Période {year}"),
        format!("Valeur {year}"),
        format!("Période {previous}"),
        format!("Valeur {previous}"),
        format!("Atteinte {year} (0-1)"),
    ]
    .into_iter()
    .map(Cell::Text)
    .collect()
}

fn yes_no(flag: bool) -> Cell {
    Cell::text(labels::yes_no(flag))
}

fn action_cells(action: &ReportAction) -> Vec<Cell> {
    let pilots: Vec<&str> = action.pilots.iter().map(|p| p.name.as_str()).collect();
    vec![
        Cell::text(action.code.as_str()),
        Cell::text(action.title.as_str()),
        yes_no(action.priority),
        Cell::text(labels::status(action.status)),
        yes_no(action.late),
        Cell::opt_number(action.progress),
        Cell::text(pilots.join(", ")),
        Cell::opt_int(action.schedule.start_year),
        Cell::opt_int(action.schedule.end_year),
        Cell::opt_text(action.schedule.schedule_note.as_deref()),
        notes(action),
    ]
}

/// The year's follow-up notes of a fiche in one cell, a line each, in date order: `04/03/2024 :
/// Réunion des partenaires`. (A spreadsheet shows the line breaks of a quoted cell.)
fn notes(action: &ReportAction) -> Cell {
    if action.notes.is_empty() {
        return Cell::Empty;
    }
    let lines: Vec<String> = action
        .notes
        .iter()
        .map(|note| format!("{} : {}", note.date.format("%d/%m/%Y"), note.text))
        .collect();
    Cell::text(lines.join("\n"))
}

fn indicator_cells(indicator: Option<&ReportIndicator>) -> Vec<Cell> {
    let Some(indicator) = indicator else {
        return (0..13).map(|_| Cell::Empty).collect();
    };
    vec![
        Cell::text(indicator.label.as_str()),
        Cell::text(labels::indicator_type(indicator.indicator_type)),
        Cell::text(labels::indicator_kind(indicator.kind)),
        Cell::opt_text(indicator.unit.as_deref()),
        Cell::text(labels::direction(indicator.direction)),
        Cell::text(labels::frequency(indicator.frequency)),
        Cell::opt_number(indicator.baseline_value),
        Cell::opt_number(indicator.target_value),
        Cell::period(indicator.year_value.as_ref()),
        Cell::value(indicator.year_value.as_ref()),
        Cell::period(indicator.previous_year_value.as_ref()),
        Cell::value(indicator.previous_year_value.as_ref()),
        Cell::opt_number(indicator.achievement),
    ]
}

fn push_row(out: &mut String, cells: &[Cell]) {
    let line: Vec<String> = cells.iter().map(Cell::encode).collect();
    out.push_str(&line.join(";"));
    out.push_str("\r\n");
}

/// The report as CSV text, byte order mark included.
pub fn render(report: &AnnualReport) -> String {
    let mut out = String::from(BOM);
    push_row(&mut out, &header(report.year));
    for axis in &report.axes {
        for objective in &axis.objectives {
            for action in &objective.actions {
                let mut leading = vec![
                    Cell::text(axis.number.to_string()),
                    Cell::text(axis.title.as_str()),
                    Cell::text(objective.code.as_str()),
                    Cell::text(objective.title.as_str()),
                ];
                leading.extend(action_cells(action));
                if action.indicators.is_empty() {
                    let mut row = leading.clone();
                    row.extend(indicator_cells(None));
                    push_row(&mut out, &row);
                }
                for indicator in &action.indicators {
                    let mut row = leading.clone();
                    row.extend(indicator_cells(Some(indicator)));
                    push_row(&mut out, &row);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralised("=SOMME(A1:A3)"), "'=SOMME(A1:A3)");
        assert_eq!(neutralised("+33 5 65"), "'+33 5 65");
        assert_eq!(neutralised("-10 %"), "'-10 %");
        assert_eq!(neutralised("@cmd"), "'@cmd");
        assert_eq!(neutralised("Accueil = enjeu"), "Accueil = enjeu");
        assert_eq!(neutralised(""), "");
    }

    #[test]
    fn fields_are_quoted_when_needed() {
        assert_eq!(quoted("MJC"), "MJC");
        assert_eq!(quoted("MJC; Caf"), "\"MJC; Caf\"");
        assert_eq!(quoted("dit \"oui\""), "\"dit \"\"oui\"\"\"");
        assert_eq!(quoted("deux\nlignes"), "\"deux\nlignes\"");
    }

    #[test]
    fn numbers_take_a_decimal_comma() {
        assert_eq!(decimal_comma(12.0), "12");
        assert_eq!(decimal_comma(66.7), "66,7");
        assert_eq!(decimal_comma(-0.25), "-0,25");
    }
}

//! The annual report as an Excel workbook, for the COPIL and the Caf's advisers.
//!
//! The workbook opens on its summary ("Synthèse"): the year and the convention, the overall
//! progress, the counts a steering committee asks about first (fiches by status, priority, late,
//! indicators to fill in), and a bar chart of progress by axis beside the table it is drawn
//! from. Then one sheet per axis (a row per fiche), the indicators' values year by year, and the
//! year's follow-up journal.
//!
//! Numbers, percentages and dates are typed cells, so a spreadsheet sorts and sums them in any
//! locale; tables have a frozen header row and filters. Text is always written as text, never
//! as a formula: a title beginning with `=` stays a title (no formula injection here, unlike
//! CSV where it must be neutralised).

use std::collections::HashMap;

use chrono_tz::Europe::Paris;
use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartType, ColNum, Format, RowNum, Workbook, Worksheet, XlsxError,
};
use uuid::Uuid;

use super::dto::{AnnualReport, ReportAction, ReportAxis, ReportIndicator, YearValue};
use super::labels;
use crate::domain::MeasuredValue;

/// The media type of an XLSX workbook.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The summary sheet's name, also used in the chart's ranges.
pub const SUMMARY_SHEET: &str = "Synthèse";
pub const INDICATORS_SHEET: &str = "Indicateurs";
pub const JOURNAL_SHEET: &str = "Journal";

/// The workbook's bytes as the OpenAPI document describes them.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct XlsxWorkbook(pub Vec<u8>);

/// Each indicator's value by year, keyed by (indicator, year) (see `model::year_values`).
pub type ValuesByYear = HashMap<(Uuid, i32), YearValue>;

/// The cell styles of the workbook, built once.
struct Styles {
    title: Format,
    header: Format,
    label: Format,
    /// Progress, 0-100 with one decimal.
    progress: Format,
    /// Achievement, a 0-1 fraction shown as a percentage.
    achievement: Format,
    date: Format,
    datetime: Format,
    wrapped: Format,
}

impl Styles {
    fn new() -> Self {
        Self {
            title: Format::new().set_bold().set_font_size(14),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(0x00DD_EBF7),
            label: Format::new().set_bold(),
            progress: Format::new().set_num_format("0.0"),
            achievement: Format::new().set_num_format("0%"),
            date: Format::new().set_num_format("dd/mm/yyyy"),
            datetime: Format::new().set_num_format("dd/mm/yyyy hh:mm"),
            wrapped: Format::new().set_text_wrap(),
        }
    }
}

/// The workbook of `report`, with the indicators' values for every year from the convention's
/// first to the report's year in `values`.
pub fn render(report: &AnnualReport, values: &ValuesByYear) -> Result<XlsxWorkbook, XlsxError> {
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    summary_sheet(workbook.add_worksheet(), report, &styles)?;
    for axis in &report.axes {
        axis_sheet(workbook.add_worksheet(), axis, report.year, &styles)?;
    }
    indicators_sheet(workbook.add_worksheet(), report, values, &styles)?;
    journal_sheet(workbook.add_worksheet(), report, &styles)?;
    workbook.save_to_buffer().map(XlsxWorkbook)
}

/// Printed on A4 in landscape, as wide as one page, pages numbered: a COPIL's pack is paper.
fn print_setup(sheet: &mut Worksheet, pages_high: u16) {
    const A4: u8 = 9;
    sheet
        .set_paper_size(A4)
        .set_landscape()
        .set_print_fit_to_pages(1, pages_high)
        .set_footer("&L&A&RPage &P / &N");
}

/// A table's header row (row 0), frozen and repeated on every printed page, with filters over
/// `rows` data rows below it; the sheet prints one page wide.
fn table_header(
    sheet: &mut Worksheet,
    columns: &[(&str, f64)],
    rows: usize,
    styles: &Styles,
) -> Result<(), XlsxError> {
    for (col, (name, width)) in (0..).zip(columns) {
        sheet.write_string_with_format(0, col, *name, &styles.header)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_repeat_rows(0, 0)?;
    // As many pages high as the rows need.
    print_setup(sheet, 0);
    let last_col = ColNum::try_from(columns.len().saturating_sub(1)).unwrap_or(ColNum::MAX);
    sheet.autofilter(0, 0, row_number(rows), last_col)?;
    Ok(())
}

/// The sheet row of the `index`-th data row under a header (0 is the header).
fn row_number(index: usize) -> RowNum {
    RowNum::try_from(index).unwrap_or(RowNum::MAX)
}

fn write_optional_number(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    number: Option<f64>,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    match (number, format) {
        (Some(number), Some(format)) => sheet.write_number_with_format(row, col, number, format)?,
        (Some(number), None) => sheet.write_number(row, col, number)?,
        (None, _) => return Ok(()),
    };
    Ok(())
}

fn write_optional_text(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    text: Option<&str>,
) -> Result<(), XlsxError> {
    if let Some(text) = text {
        sheet.write_string(row, col, text)?;
    }
    Ok(())
}

/// A measured value as a typed cell: a number, a boolean, or text.
fn write_value(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    value: Option<&YearValue>,
) -> Result<(), XlsxError> {
    match value.map(|v| &v.value) {
        None => {}
        Some(MeasuredValue::Number(number)) => {
            sheet.write_number(row, col, *number)?;
        }
        Some(MeasuredValue::Bool(flag)) => {
            sheet.write_boolean(row, col, *flag)?;
        }
        Some(MeasuredValue::Text(text)) => {
            sheet.write_string(row, col, text.as_str())?;
        }
    }
    Ok(())
}

fn summary_sheet(
    sheet: &mut Worksheet,
    report: &AnnualReport,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(SUMMARY_SHEET)?;
    sheet.set_column_width(0, 34)?;
    sheet.set_column_width(1, 16)?;
    print_setup(sheet, 1);
    let convention = &report.convention;
    sheet.write_string_with_format(
        0,
        0,
        format!("Bilan annuel {} — {}", report.year, convention.name),
        &styles.title,
    )?;
    sheet.write_string_with_format(1, 0, "Territoire", &styles.label)?;
    sheet.write_string(1, 1, convention.territory.as_str())?;
    sheet.write_string_with_format(2, 0, "Durée de la convention", &styles.label)?;
    sheet.write_string(
        2,
        1,
        format!("{}-{}", convention.start_year, convention.end_year),
    )?;
    sheet.write_string_with_format(3, 0, "Généré le", &styles.label)?;
    let generated = report.generated_at.with_timezone(&Paris).naive_local();
    sheet.write_datetime_with_format(3, 1, generated, &styles.datetime)?;
    sheet.write_string_with_format(4, 0, "Avancement global (%)", &styles.label)?;
    write_optional_number(sheet, 4, 1, report.progress, Some(&styles.progress))?;

    let totals = &report.summary;
    let by_status = &totals.actions_by_status;
    let figures = [
        ("Axes", totals.axes),
        ("Objectifs", totals.objectives),
        ("Fiches-actions", totals.actions),
        ("dont prioritaires", totals.priority_actions),
        ("dont en retard", totals.late_actions),
        ("prévues", by_status.planned),
        ("en cours", by_status.in_progress),
        ("terminées", by_status.done),
        ("suspendues", by_status.suspended),
        ("abandonnées", by_status.abandoned),
        ("Indicateurs", totals.indicators),
        ("Indicateurs à renseigner", totals.due_indicators),
    ];
    sheet.write_string_with_format(6, 0, "Chiffres clés", &styles.header)?;
    sheet.write_string_with_format(6, 1, "Nombre", &styles.header)?;
    for (row, (label, count)) in (7..).zip(figures) {
        sheet.write_string(row, 0, label)?;
        // Counts are far below 2^53: exact as spreadsheet numbers.
        #[allow(clippy::cast_precision_loss)]
        sheet.write_number(row, 1, count as f64)?;
    }

    let table_top: RowNum = 7 + 12 + 1;
    axis_progress_table(sheet, report, table_top, styles)?;
    let chart = progress_by_axis_chart(report.axes.len(), table_top);
    // Right of the territory's name, which spills from column B over the empty cells after it.
    sheet.insert_chart(1, 6, &chart)?;
    Ok(())
}

/// The table the chart is drawn from: one row per axis under a header at `top`.
fn axis_progress_table(
    sheet: &mut Worksheet,
    report: &AnnualReport,
    top: RowNum,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let columns = [
        "Axe",
        "Avancement (%)",
        "Fiches",
        "En retard",
        "Titre de l'axe",
    ];
    for (col, name) in (0..).zip(columns) {
        sheet.write_string_with_format(top, col, name, &styles.header)?;
    }
    for (row, axis) in (top + 1..).zip(&report.axes) {
        let actions = axis.objectives.iter().flat_map(|o| &o.actions);
        let (count, late) = actions.fold((0u32, 0u32), |(count, late), action| {
            (count + 1, late + u32::from(action.late))
        });
        sheet.write_string(row, 0, format!("Axe {}", axis.number))?;
        write_optional_number(sheet, row, 1, axis.progress, Some(&styles.progress))?;
        sheet.write_number(row, 2, count)?;
        sheet.write_number(row, 3, late)?;
        sheet.write_string(row, 4, axis.title.as_str())?;
    }
    Ok(())
}

/// A column chart of the axes' progress (0-100), labelled with each value.
fn progress_by_axis_chart(axes: usize, table_top: RowNum) -> Chart {
    let mut chart = Chart::new(ChartType::Column);
    let first = table_top + 1;
    let last = table_top + row_number(axes.max(1));
    chart
        .add_series()
        .set_name("Avancement (%)")
        .set_categories((SUMMARY_SHEET, first, 0, last, 0))
        .set_values((SUMMARY_SHEET, first, 1, last, 1))
        .set_data_label(ChartDataLabel::new().show_value().set_num_format("0"));
    chart.title().set_name("Avancement par axe (%)");
    chart.y_axis().set_min(0).set_max(100);
    chart.legend().set_hidden();
    chart.set_width(560).set_height(320);
    chart
}

fn axis_sheet(
    sheet: &mut Worksheet,
    axis: &ReportAxis,
    year: i32,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(format!("Axe {}", axis.number))?;
    let notes_header = format!("Notes {year}");
    let columns: [(&str, f64); 16] = [
        ("Objectif", 9.0),
        ("Titre de l'objectif", 40.0),
        ("Action", 9.0),
        ("Titre de l'action", 50.0),
        ("Prioritaire", 11.0),
        ("Statut", 12.0),
        ("En retard", 10.0),
        ("Avancement (%)", 13.0),
        ("Pilotes", 30.0),
        ("Début", 8.0),
        ("Fin", 8.0),
        ("Échéance", 16.0),
        ("Indicateurs", 11.0),
        (notes_header.as_str(), 9.0),
        ("Dernière note", 12.0),
        ("Texte de la dernière note", 60.0),
    ];
    let actions: Vec<(&str, &str, &ReportAction)> = axis
        .objectives
        .iter()
        .flat_map(|o| {
            o.actions
                .iter()
                .map(move |a| (o.code.as_str(), o.title.as_str(), a))
        })
        .collect();
    table_header(sheet, &columns, actions.len(), styles)?;
    for (row, (objective_code, objective_title, action)) in (1..).zip(actions) {
        let pilots: Vec<&str> = action.pilots.iter().map(|p| p.name.as_str()).collect();
        sheet.write_string(row, 0, objective_code)?;
        sheet.write_string(row, 1, objective_title)?;
        sheet.write_string(row, 2, action.code.as_str())?;
        sheet.write_string(row, 3, action.title.as_str())?;
        sheet.write_string(row, 4, labels::yes_no(action.priority))?;
        sheet.write_string(row, 5, labels::status(action.status))?;
        sheet.write_string(row, 6, labels::yes_no(action.late))?;
        write_optional_number(sheet, row, 7, action.progress, Some(&styles.progress))?;
        sheet.write_string(row, 8, pilots.join(", "))?;
        write_optional_number(
            sheet,
            row,
            9,
            action.schedule.start_year.map(f64::from),
            None,
        )?;
        write_optional_number(
            sheet,
            row,
            10,
            action.schedule.end_year.map(f64::from),
            None,
        )?;
        write_optional_text(sheet, row, 11, action.schedule.schedule_note.as_deref())?;
        sheet.write_number(
            row,
            12,
            u32::try_from(action.indicators.len()).unwrap_or(u32::MAX),
        )?;
        sheet.write_number(
            row,
            13,
            u32::try_from(action.notes.len()).unwrap_or(u32::MAX),
        )?;
        if let Some(note) = action.notes.last() {
            sheet.write_date_with_format(row, 14, note.date, &styles.date)?;
            sheet.write_string_with_format(row, 15, note.text.as_str(), &styles.wrapped)?;
        }
    }
    Ok(())
}

fn indicators_sheet(
    sheet: &mut Worksheet,
    report: &AnnualReport,
    values: &ValuesByYear,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(INDICATORS_SHEET)?;
    let years: Vec<i32> = (report.convention.start_year..=report.year).collect();
    let year_headers: Vec<String> = years.iter().map(i32::to_string).collect();
    let achievement_header = format!("Atteinte {} (%)", report.year);
    let mut columns: Vec<(&str, f64)> = vec![
        ("Action", 9.0),
        ("Titre de l'action", 40.0),
        ("Indicateur", 50.0),
        ("Type", 12.0),
        ("Nature", 11.0),
        ("Unité", 10.0),
        ("Sens", 10.0),
        ("Fréquence", 11.0),
        ("Valeur de référence", 12.0),
        ("Période de référence", 12.0),
        ("Cible", 10.0),
        ("Période cible", 10.0),
    ];
    let first_year_col = ColNum::try_from(columns.len()).unwrap_or(ColNum::MAX);
    columns.extend(year_headers.iter().map(|y| (y.as_str(), 10.0)));
    columns.push((achievement_header.as_str(), 12.0));

    let indicators: Vec<(&ReportAction, &ReportIndicator)> = report
        .axes
        .iter()
        .flat_map(|axis| &axis.objectives)
        .flat_map(|objective| &objective.actions)
        .flat_map(|action| action.indicators.iter().map(move |i| (action, i)))
        .collect();
    table_header(sheet, &columns, indicators.len(), styles)?;
    for (row, (action, indicator)) in (1..).zip(indicators) {
        sheet.write_string(row, 0, action.code.as_str())?;
        sheet.write_string(row, 1, action.title.as_str())?;
        sheet.write_string(row, 2, indicator.label.as_str())?;
        sheet.write_string(row, 3, labels::indicator_type(indicator.indicator_type))?;
        sheet.write_string(row, 4, labels::indicator_kind(indicator.kind))?;
        write_optional_text(sheet, row, 5, indicator.unit.as_deref())?;
        sheet.write_string(row, 6, labels::direction(indicator.direction))?;
        sheet.write_string(row, 7, labels::frequency(indicator.frequency))?;
        write_optional_number(sheet, row, 8, indicator.baseline_value, None)?;
        let baseline_period = indicator.baseline_period.as_ref().map(ToString::to_string);
        write_optional_text(sheet, row, 9, baseline_period.as_deref())?;
        write_optional_number(sheet, row, 10, indicator.target_value, None)?;
        let target_period = indicator.target_period.as_ref().map(ToString::to_string);
        write_optional_text(sheet, row, 11, target_period.as_deref())?;
        for (col, year) in (first_year_col..).zip(&years) {
            write_value(sheet, row, col, values.get(&(indicator.id, *year)))?;
        }
        let achievement_col = first_year_col + ColNum::try_from(years.len()).unwrap_or(0);
        write_optional_number(
            sheet,
            row,
            achievement_col,
            indicator.achievement,
            Some(&styles.achievement),
        )?;
    }
    Ok(())
}

fn journal_sheet(
    sheet: &mut Worksheet,
    report: &AnnualReport,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(JOURNAL_SHEET)?;
    let columns: [(&str, f64); 5] = [
        ("Date", 12.0),
        ("Action", 9.0),
        ("Titre de l'action", 40.0),
        ("Auteur", 24.0),
        ("Note", 80.0),
    ];
    let mut notes: Vec<_> = report
        .axes
        .iter()
        .flat_map(|axis| &axis.objectives)
        .flat_map(|objective| &objective.actions)
        .flat_map(|action| action.notes.iter().map(move |note| (action, note)))
        .collect();
    // A journal reads in date order; a stable sort keeps the plan's order within a day.
    notes.sort_by_key(|(_, note)| note.date);
    table_header(sheet, &columns, notes.len(), styles)?;
    for (row, (action, note)) in (1..).zip(notes) {
        sheet.write_date_with_format(row, 0, note.date, &styles.date)?;
        sheet.write_string(row, 1, action.code.as_str())?;
        sheet.write_string(row, 2, action.title.as_str())?;
        sheet.write_string(row, 3, note.author_name.as_str())?;
        sheet.write_string_with_format(row, 4, note.text.as_str(), &styles.wrapped)?;
    }
    Ok(())
}

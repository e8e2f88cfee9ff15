//! The annual report as an XLSX workbook, read back as a spreadsheet would read it (calamine)
//! and, for what calamine does not expose (chart, frozen panes, filters), from the workbook's
//! own XML parts.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::reports::small_plan;
use crate::support::TestApp;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DEMO: &str = include_str!("../../demo/ctg-quercy-bouriane-2022-2026.json");

struct Workbook {
    bytes: Vec<u8>,
    sheets: Xlsx<Cursor<Vec<u8>>>,
}

impl Workbook {
    fn open(bytes: Vec<u8>) -> Self {
        let sheets = Xlsx::new(Cursor::new(bytes.clone())).expect("a readable workbook");
        Self { bytes, sheets }
    }

    fn sheet(&mut self, name: &str) -> calamine::Range<Data> {
        self.sheets
            .worksheet_range(name)
            .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
    }

    /// One of the workbook's XML parts, e.g. `xl/charts/chart1.xml`.
    fn part(&self, name: &str) -> String {
        let mut archive = zip::ZipArchive::new(Cursor::new(&self.bytes)).unwrap();
        let mut part = archive
            .by_name(name)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut xml = String::new();
        part.read_to_string(&mut xml).unwrap();
        xml
    }
}

/// The cell at (row, column), counted from 0 as the sheet's A1.
fn cell(sheet: &calamine::Range<Data>, row: u32, col: u32) -> Data {
    sheet.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

fn text(value: &str) -> Data {
    Data::String(value.to_string())
}

fn date(data: &Data) -> NaiveDate {
    match data {
        Data::DateTime(datetime) => datetime.as_datetime().expect("a date").date(),
        other => panic!("not a date cell: {other:?}"),
    }
}

async fn workbook(app: &TestApp, convention: &str, year: i32) -> Workbook {
    let path = format!("/api/v1/conventions/{convention}/reports/annual?year={year}");
    let response = app.raw("GET", &path, &[("Accept", XLSX)], b"").await;
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.header("content-type"), Some(XLSX));
    assert_eq!(
        response.header("content-disposition"),
        Some(format!("attachment; filename=\"bilan-{year}.xlsx\"").as_str())
    );
    Workbook::open(response.bytes)
}

#[actix_web::test]
async fn the_workbook_holds_the_figures_computed_by_hand() {
    let app = TestApp::spawn().await;
    let plan = small_plan(&app).await;
    let notes = format!("/api/v1/actions/{}/notes", plan.accueil);
    for (date, text) in [
        ("2024-09-12", "Bilan de rentrée"),
        ("2024-03-04", "=Réunion des partenaires"),
    ] {
        let response = app.post(&notes, &json!({"date": date, "text": text})).await;
        assert_eq!(response.status, 201, "{}", response.text);
    }
    let mut book = workbook(&app, &plan.convention, 2024).await;
    assert_eq!(
        book.sheets.sheet_names(),
        ["Synthèse", "Axe 1", "Axe 2", "Indicateurs", "Journal"]
    );

    // The summary: title, typed date, overall progress, key figures, progress by axis.
    let summary = book.sheet("Synthèse");
    assert_eq!(
        cell(&summary, 0, 0),
        text("Bilan annuel 2024 — CTG Quercy Bouriane")
    );
    assert_eq!(cell(&summary, 1, 1), text("CCQB"));
    assert_eq!(date(&cell(&summary, 3, 1)), ctg::time::today());
    assert_eq!(cell(&summary, 4, 1), Data::Float(82.5));
    let figures: Vec<(Data, Data)> = (7..19)
        .map(|row| (cell(&summary, row, 0), cell(&summary, row, 1)))
        .collect();
    for (label, count) in [
        ("Fiches-actions", 3.0),
        ("dont prioritaires", 1.0),
        ("dont en retard", 2.0),
        ("en cours", 1.0),
        ("terminées", 1.0),
        ("Indicateurs", 3.0),
        ("Indicateurs à renseigner", 3.0),
    ] {
        assert!(
            figures.contains(&(text(label), Data::Float(count))),
            "{label} = {count} in {figures:?}"
        );
    }
    assert_eq!(cell(&summary, 20, 0), text("Axe"));
    assert_eq!(cell(&summary, 21, 0), text("Axe 1"));
    assert_eq!(cell(&summary, 21, 1), Data::Float(65.0));
    assert_eq!(cell(&summary, 21, 2), Data::Float(2.0), "fiches of axis 1");
    assert_eq!(
        cell(&summary, 21, 3),
        Data::Float(1.0),
        "late fiches of axis 1"
    );
    assert_eq!(cell(&summary, 21, 4), text("Petite enfance"));
    assert_eq!(cell(&summary, 22, 1), Data::Float(100.0));

    // The chart is drawn from that table.
    let chart = book.part("xl/charts/chart1.xml");
    assert!(chart.contains("Synthèse!$A$22:$A$23"), "{chart}");
    assert!(chart.contains("Synthèse!$B$22:$B$23"), "{chart}");
    assert!(chart.contains("Avancement par axe"), "{chart}");

    // An axis sheet: one row per fiche, typed numbers and dates, the header frozen and filtered.
    let axis = book.sheet("Axe 1");
    assert_eq!(cell(&axis, 0, 2), text("Action"));
    assert_eq!(cell(&axis, 1, 2), text("1.1.1"));
    assert_eq!(cell(&axis, 1, 3), text("Accueil du jeune enfant"));
    assert_eq!(cell(&axis, 1, 4), text("oui"));
    assert_eq!(cell(&axis, 1, 5), text("en cours"));
    assert_eq!(cell(&axis, 1, 6), text("oui"), "late");
    assert_eq!(cell(&axis, 1, 7), Data::Float(50.0));
    assert_eq!(cell(&axis, 1, 8), text("MJC du Pays de Gourdon"));
    assert_eq!(cell(&axis, 1, 9), Data::Float(2022.0));
    assert_eq!(cell(&axis, 1, 12), Data::Float(2.0), "indicators");
    assert_eq!(cell(&axis, 1, 13), Data::Float(2.0), "notes of 2024");
    assert_eq!(
        date(&cell(&axis, 1, 14)),
        NaiveDate::from_ymd_opt(2024, 9, 12).unwrap()
    );
    assert_eq!(cell(&axis, 2, 2), text("1.1.2"));
    assert_eq!(cell(&axis, 2, 5), text("terminée"));
    assert_eq!(cell(&axis, 2, 7), Data::Float(80.0));
    let sheet_xml = book.part("xl/worksheets/sheet2.xml");
    assert!(sheet_xml.contains(r#"state="frozen""#), "{sheet_xml}");
    assert!(
        sheet_xml.contains(r#"<autoFilter ref="A1:P3""#),
        "{sheet_xml}"
    );
    // Printed on A4 in landscape, one page wide, the header row repeated on every page.
    assert!(
        sheet_xml.contains(r#"<pageSetup paperSize="9" fitToHeight="0" orientation="landscape""#),
        "{sheet_xml}"
    );
    assert!(book.part("xl/workbook.xml").contains("'Axe 1'!$1:$1"));

    // A title that looks like a formula is text, not a formula.
    let axis2 = book.sheet("Axe 2");
    assert_eq!(cell(&axis2, 1, 3), text("=Projets jeunes"));
    assert!(!book.part("xl/worksheets/sheet3.xml").contains("<f>"));

    // Indicator values year by year (2022 to the report's year), achievement of the year.
    let indicators = book.sheet("Indicateurs");
    let header: Vec<Data> = (12..16).map(|col| cell(&indicators, 0, col)).collect();
    assert_eq!(
        header,
        [
            text("2022"),
            text("2023"),
            text("2024"),
            text("Atteinte 2024 (%)")
        ]
    );
    assert_eq!(cell(&indicators, 1, 0), text("1.1.1"));
    assert_eq!(cell(&indicators, 1, 2), text("Familles accueillies"));
    assert_eq!(cell(&indicators, 1, 3), text("résultat"));
    assert_eq!(cell(&indicators, 1, 4), text("nombre"), "kind, in French");
    assert_eq!(cell(&indicators, 1, 6), text("à la hausse"), "direction");
    assert_eq!(cell(&indicators, 1, 7), text("annuelle"), "frequency");
    assert_eq!(cell(&indicators, 2, 7), text("trimestrielle"));
    assert_eq!(cell(&indicators, 1, 8), Data::Float(40.0), "I1 baseline");
    assert_eq!(cell(&indicators, 1, 10), Data::Float(100.0), "I1 target");
    assert_eq!(cell(&indicators, 1, 12), Data::Empty, "I1 in 2022");
    assert_eq!(cell(&indicators, 1, 13), Data::Float(55.0));
    assert_eq!(cell(&indicators, 1, 14), Data::Float(70.0));
    assert_eq!(cell(&indicators, 1, 15), Data::Float(0.5));
    assert_eq!(cell(&indicators, 2, 13), Data::Float(22.5), "I2, 2023-Q4");
    assert_eq!(cell(&indicators, 2, 14), Data::Float(32.0), "I2, 2024-Q3");
    assert_eq!(cell(&indicators, 3, 0), text("2.1.1"));
    assert_eq!(cell(&indicators, 3, 14), Data::Bool(true), "I3 in 2024");

    // The journal, in date order, dates typed.
    let journal = book.sheet("Journal");
    assert_eq!(
        date(&cell(&journal, 1, 0)),
        NaiveDate::from_ymd_opt(2024, 3, 4).unwrap()
    );
    assert_eq!(cell(&journal, 1, 4), text("=Réunion des partenaires"));
    assert_eq!(cell(&journal, 2, 4), text("Bilan de rentrée"));
}

#[actix_web::test]
async fn the_demo_plans_workbook_opens_with_every_fiche_and_indicator() {
    let app = TestApp::spawn().await;
    let document: Value = serde_json::from_str(DEMO).unwrap();
    let response = app.post("/api/v1/conventions/import", &document).await;
    assert_eq!(response.status, 201, "{}", response.text);
    let convention = response.id();
    let json = app
        .get(&format!(
            "/api/v1/conventions/{convention}/reports/annual?year=2024"
        ))
        .await;
    assert_eq!(json.status, 200, "{}", json.text);

    let mut book = workbook(&app, &convention, 2024).await;
    let names = book.sheets.sheet_names();
    assert_eq!(
        names,
        [
            "Synthèse",
            "Axe 1",
            "Axe 2",
            "Axe 3",
            "Axe 4",
            "Axe 5",
            "Indicateurs",
            "Journal"
        ]
    );
    let fiches: usize = (1..=5)
        .map(|n| book.sheet(&format!("Axe {n}")).height() - 1)
        .sum();
    assert_eq!(fiches, 45);
    assert_eq!(book.sheet("Indicateurs").height() - 1, 231);
    // The summary's overall progress is the JSON report's.
    let summary = book.sheet("Synthèse");
    let progress = json.body["progress"].as_f64().unwrap();
    assert_eq!(cell(&summary, 4, 1), Data::Float(progress));
}

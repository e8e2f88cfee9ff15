//! The annual report: its figures against values computed by hand on a small plan, the CSV's
//! bytes (byte order mark, separator, decimal comma, neutralised formulas), the format chosen by
//! `format=` or `Accept`, bad queries, and who may read it.

use diesel::prelude::*;
use serde_json::{json, Value};
use uuid::Uuid;

use ctg::domain::Period;

use crate::support::auth::member;
use crate::support::TestApp;

/// The ids of the small plan below.
pub struct Small {
    pub convention: String,
    pub partner: String,
    /// 1.1.1: priority, in progress, ended 2022 (late), piloted by the MJC; I1 and I2.
    pub accueil: String,
    /// 1.1.2: done, ended 2022 (not late), manual progress 80, no indicator.
    pub attente: String,
    /// 2.1.1: planned, ended 2023 (late); I3.
    pub jeunesse: String,
    pub i1: String,
    pub i2: String,
    pub i3: String,
}

async fn created(app: &TestApp, path: &str, body: Value) -> String {
    let response = app.post(path, &body).await;
    assert_eq!(response.status, 201, "{path}: {}", response.text);
    response.id()
}

/// Records a measurement directly in the database (the measurements API is tested on its own).
fn measure(app: &TestApp, indicator: &str, period: &str, value: Value) {
    use ctg::db::schema::measurements;
    let start = Period::parse(period).unwrap().start_date();
    diesel::insert_into(measurements::table)
        .values((
            measurements::id.eq(Uuid::now_v7()),
            measurements::indicator_id.eq(indicator.parse::<Uuid>().unwrap()),
            measurements::period.eq(period),
            measurements::period_start.eq(start),
            measurements::value.eq(value),
        ))
        .execute(&mut app.db.conn())
        .expect("insert a measurement");
}

/// Convention 2022-2026:
/// - axis 1 "Petite enfance" → objective 1.1 "Accueillir; informer":
///   - 1.1.1 "Accueil du jeune enfant": I1 count 40 → 100 (2023: 55, 2024: 70); I2 quarterly
///     percentage 20 → 60 (2023-Q4: 22.5, 2024-Q1: 25, 2024-Q3: 32, 2025-Q1: 40);
///   - 1.1.2 "-10 % d'attente": manual progress 80;
/// - axis 2 "Jeunesse" → objective 2.1 → 2.1.1 "=Projets jeunes": I3 boolean (2024: true).
pub async fn small_plan(app: &TestApp) -> Small {
    let partner = created(
        app,
        "/api/v1/partners",
        json!({"name": "MJC du Pays de Gourdon", "acronym": "MJC", "kind": "association"}),
    )
    .await;
    let convention = created(
        app,
        "/api/v1/conventions",
        json!({"name": "CTG Quercy Bouriane", "territory": "CCQB", "start_year": 2022, "end_year": 2026}),
    )
    .await;
    let axis1 = created(
        app,
        &format!("/api/v1/conventions/{convention}/axes"),
        json!({"number": 1, "title": "Petite enfance"}),
    )
    .await;
    let axis2 = created(
        app,
        &format!("/api/v1/conventions/{convention}/axes"),
        json!({"number": 2, "title": "Jeunesse"}),
    )
    .await;
    let objective1 = created(
        app,
        &format!("/api/v1/axes/{axis1}/objectives"),
        json!({"number": 1, "title": "Accueillir; informer"}),
    )
    .await;
    let objective2 = created(
        app,
        &format!("/api/v1/axes/{axis2}/objectives"),
        json!({"number": 1, "title": "Soutenir les projets"}),
    )
    .await;
    let accueil = created(
        app,
        &format!("/api/v1/objectives/{objective1}/actions"),
        json!({
            "number": 1, "title": "Accueil du jeune enfant", "priority": true,
            "status": "in_progress", "pilots": [{"partner_id": partner}],
            "start_year": 2022, "end_year": 2022, "schedule_note": "fin 2022"
        }),
    )
    .await;
    let attente = created(
        app,
        &format!("/api/v1/objectives/{objective1}/actions"),
        json!({
            "number": 2, "title": "-10 % d'attente", "status": "done", "progress": 80,
            "start_year": 2022, "end_year": 2022
        }),
    )
    .await;
    let jeunesse = created(
        app,
        &format!("/api/v1/objectives/{objective2}/actions"),
        json!({"number": 1, "title": "=Projets jeunes", "end_year": 2023}),
    )
    .await;
    let i1 = created(
        app,
        &format!("/api/v1/actions/{accueil}/indicators"),
        json!({
            "type": "resultat", "label": "Familles accueillies", "kind": "count",
            "baseline_value": 40, "baseline_period": "2022", "target_value": 100,
            "target_period": "2026"
        }),
    )
    .await;
    let i2 = created(
        app,
        &format!("/api/v1/actions/{accueil}/indicators"),
        json!({
            "type": "impact", "label": "Taux d'occupation", "kind": "percentage", "unit": "%",
            "frequency": "quarterly", "baseline_value": 20, "target_value": 60
        }),
    )
    .await;
    let i3 = created(
        app,
        &format!("/api/v1/actions/{jeunesse}/indicators"),
        json!({"type": "realisation", "label": "Charte signée", "kind": "boolean"}),
    )
    .await;
    measure(app, &i1, "2023", json!(55));
    measure(app, &i1, "2024", json!(70));
    measure(app, &i2, "2023-Q4", json!(22.5));
    measure(app, &i2, "2024-Q1", json!(25));
    measure(app, &i2, "2024-Q3", json!(32));
    measure(app, &i2, "2025-Q1", json!(40));
    measure(app, &i3, "2024", json!(true));
    Small {
        convention,
        partner,
        accueil,
        attente,
        jeunesse,
        i1,
        i2,
        i3,
    }
}

fn report_path(convention: &str, query: &str) -> String {
    format!("/api/v1/conventions/{convention}/reports/annual{query}")
}

#[actix_web::test]
async fn the_json_report_gives_the_figures_computed_by_hand() {
    let app = TestApp::spawn().await;
    let plan = small_plan(&app).await;
    let response = app.get(&report_path(&plan.convention, "?year=2024")).await;
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(
        response.header("content-type"),
        Some("application/json"),
        "JSON by default"
    );
    let report = &response.body;
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["year"], 2024);
    assert!(report["generated_at"].is_string());
    assert_eq!(report["convention"]["id"], plan.convention.as_str());
    assert_eq!(report["convention"]["start_year"], 2022);

    // 3 actions: in_progress, done, planned; 1 priority; 1.1.1 and 2.1.1 are past their end
    // year and unfinished; every indicator misses its last completed period (2025 for annual
    // ones, the last quarter for I2).
    let summary = &report["summary"];
    assert_eq!(summary["axes"], 2);
    assert_eq!(summary["objectives"], 2);
    assert_eq!(summary["actions"], 3);
    assert_eq!(summary["indicators"], 3);
    assert_eq!(
        summary["actions_by_status"],
        json!({"planned": 1, "in_progress": 1, "done": 1, "suspended": 0, "abandoned": 0})
    );
    assert_eq!(summary["priority_actions"], 1);
    assert_eq!(summary["late_actions"], 2);
    assert_eq!(summary["due_indicators"], 3);
    let late: Vec<&str> = report["late_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(late, ["1.1.1", "2.1.1"]);

    // Progress (latest values): I1 (70-40)/60 = 0.5, I2 (40-20)/40 = 0.5 → 1.1.1 = 50;
    // 1.1.2 = 80 (manual); 1.1 = 65; 2.1.1 = 100 (true); convention = (65 + 100) / 2.
    assert_eq!(report["progress"], 82.5);
    let axis1 = &report["axes"][0];
    assert_eq!(axis1["progress"], 65.0);
    assert_eq!(axis1["objectives"][0]["code"], "1.1");
    assert_eq!(axis1["objectives"][0]["progress"], 65.0);
    let accueil = &axis1["objectives"][0]["actions"][0];
    assert_eq!(accueil["id"], plan.accueil.as_str());
    assert_eq!(accueil["code"], "1.1.1");
    assert_eq!(accueil["status"], "in_progress");
    assert_eq!(accueil["priority"], true);
    assert_eq!(accueil["late"], true);
    assert_eq!(accueil["progress"], 50.0);
    assert_eq!(
        accueil["pilots"],
        json!([{"partner_id": plan.partner, "name": "MJC du Pays de Gourdon", "acronym": "MJC", "note": null}])
    );
    assert_eq!(
        accueil["schedule"],
        json!({"start_year": 2022, "end_year": 2022, "schedule_note": "fin 2022"})
    );
    assert_eq!(accueil["notes"], json!([]));

    // The year's values: I1 2024 = 70 (2023: 55), achievement 0.5; I2's latest quarter of 2024
    // is Q3 = 32 (2023: Q4 = 22.5), achievement (32-20)/40 = 0.3.
    let i1 = &accueil["indicators"][0];
    assert_eq!(i1["id"], plan.i1.as_str());
    assert_eq!(i1["baseline_value"], 40.0);
    assert_eq!(i1["baseline_period"], "2022");
    assert_eq!(i1["target_value"], 100.0);
    assert_eq!(i1["target_period"], "2026");
    assert_eq!(i1["year_value"], json!({"period": "2024", "value": 70}));
    assert_eq!(
        i1["previous_year_value"],
        json!({"period": "2023", "value": 55})
    );
    assert_eq!(i1["achievement"], 0.5);
    let i2 = &accueil["indicators"][1];
    assert_eq!(i2["id"], plan.i2.as_str());
    assert_eq!(i2["year_value"], json!({"period": "2024-Q3", "value": 32}));
    assert_eq!(
        i2["previous_year_value"],
        json!({"period": "2023-Q4", "value": 22.5})
    );
    assert_eq!(i2["achievement"], 0.3);

    let attente = &axis1["objectives"][0]["actions"][1];
    assert_eq!(attente["id"], plan.attente.as_str());
    assert_eq!(attente["late"], false, "done is never late");
    assert_eq!(attente["progress"], 80.0);
    assert_eq!(attente["indicators"], json!([]));

    let jeunesse = &report["axes"][1]["objectives"][0]["actions"][0];
    assert_eq!(jeunesse["id"], plan.jeunesse.as_str());
    assert_eq!(jeunesse["progress"], 100.0);
    let i3 = &jeunesse["indicators"][0];
    assert_eq!(i3["id"], plan.i3.as_str());
    assert_eq!(i3["year_value"], json!({"period": "2024", "value": true}));
    assert_eq!(i3["previous_year_value"], Value::Null);
    assert_eq!(i3["achievement"], 1.0);

    // Another year: 2023's values, 2022's (none) before them.
    let response = app.get(&report_path(&plan.convention, "?year=2023")).await;
    assert_eq!(response.status, 200, "{}", response.text);
    let i1 = &response.body["axes"][0]["objectives"][0]["actions"][0]["indicators"][0];
    assert_eq!(i1["year_value"]["value"], 55);
    assert_eq!(i1["previous_year_value"], Value::Null);
    assert_eq!(i1["achievement"], 0.25);
}

#[actix_web::test]
async fn the_report_carries_the_notes_of_its_year() {
    let app = TestApp::spawn().await;
    let plan = small_plan(&app).await;
    let notes = format!("/api/v1/actions/{}/notes", plan.accueil);
    for (date, text) in [
        ("2024-09-12", "Bilan de rentrée"),
        ("2023-12-01", "Hors de l'année"),
        ("2024-03-04", "Réunion des partenaires"),
    ] {
        let response = app.post(&notes, &json!({"date": date, "text": text})).await;
        assert_eq!(response.status, 201, "{}", response.text);
    }
    let response = app.get(&report_path(&plan.convention, "?year=2024")).await;
    assert_eq!(response.status, 200, "{}", response.text);
    let action = &response.body["axes"][0]["objectives"][0]["actions"][0];
    let texts: Vec<&str> = action["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Réunion des partenaires", "Bilan de rentrée"]);
    assert_eq!(action["notes"][0]["date"], "2024-03-04");
    assert!(action["notes"][0]["author_name"].is_string());

    // The CSV holds them too, in one cell per fiche, a line each.
    let csv = app
        .get(&report_path(&plan.convention, "?year=2024&format=csv"))
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    assert!(csv.text.contains(
        ";fin 2022;\"04/03/2024 : Réunion des partenaires\n12/09/2024 : Bilan de rentrée\";"
    ));
    assert!(!csv.text.contains("Hors de l'année"));
}

#[actix_web::test]
async fn the_csv_report_is_made_for_french_spreadsheets() {
    let app = TestApp::spawn().await;
    let plan = small_plan(&app).await;
    let response = app
        .get(&report_path(&plan.convention, "?year=2024&format=csv"))
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(
        response.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        response.header("content-disposition"),
        Some("attachment; filename=\"bilan-2024.csv\"")
    );
    let text = &response.text;
    assert!(text.starts_with('\u{feff}'), "a byte order mark");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
    // The header, I1, I2, 1.1.2 (no indicator), I3, and the final line end.
    assert_eq!(lines.len(), 6, "{text}");
    assert_eq!(lines[5], "");
    assert!(
        lines[0].starts_with("Axe;Titre de l'axe;Objectif;"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains(";Valeur 2024;Période 2023;Valeur 2023;"));
    let columns = lines[0].split(';').count();
    assert_eq!(columns, 28);

    // 1.1.1 / I2: the objective's title holds `;` (quoted), decimals take a comma.
    assert_eq!(
        lines[2],
        "1;Petite enfance;1.1;\"Accueillir; informer\";1.1.1;Accueil du jeune enfant;oui;\
         en cours;oui;50;MJC du Pays de Gourdon;2022;2022;fin 2022;;Taux d'occupation;impact;\
         taux (%);%;à la hausse;trimestrielle;20;60;2024-Q3;32;2023-Q4;22,5;0,3"
    );
    assert!(lines[1].ends_with(";2024;70;2023;55;0,5"), "{}", lines[1]);
    // A title read as a formula is neutralised; an action without indicators has one row.
    assert!(
        lines[3].contains(";1.1.2;'-10 % d'attente;non;terminée;non;80;;2022;2022;;"),
        "{}",
        lines[3]
    );
    assert!(lines[3].ends_with(";;;;;;;;;;;;;"), "{}", lines[3]);
    assert!(
        lines[4].contains(";2.1.1;'=Projets jeunes;"),
        "{}",
        lines[4]
    );
    assert!(lines[4].ends_with(";2024;oui;;;1"), "{}", lines[4]);
}

#[actix_web::test]
async fn the_format_follows_format_then_accept() {
    let app = TestApp::spawn().await;
    let plan = small_plan(&app).await;
    let path = report_path(&plan.convention, "?year=2024");
    let content_type = |accept: &'static str| {
        let path = path.clone();
        let app = &app;
        async move {
            let response = app.raw("GET", &path, &[("Accept", accept)], b"").await;
            assert_eq!(response.status, 200, "{accept}: {}", response.text);
            response.header("content-type").unwrap().to_string()
        }
    };
    assert_eq!(content_type("text/csv").await, "text/csv; charset=utf-8");
    assert_eq!(
        content_type("text/csv;q=0.5, application/json").await,
        "application/json"
    );
    assert_eq!(
        content_type("application/json;q=0.2, text/csv;q=0.9").await,
        "text/csv; charset=utf-8"
    );
    assert_eq!(content_type("*/*").await, "application/json");
    // Neither served: the report rather than a 406.
    assert_eq!(content_type("application/pdf").await, "application/json");

    // `format=` wins over `Accept`.
    let response = app
        .raw(
            "GET",
            &report_path(&plan.convention, "?year=2024&format=json"),
            &[("Accept", "text/csv")],
            b"",
        )
        .await;
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.body["schema_version"], 1);
}

#[actix_web::test]
async fn bad_years_and_formats_are_refused_naming_the_parameter() {
    let app = TestApp::spawn().await;
    let plan = small_plan(&app).await;
    for (query, field) in [
        ("", "year"),
        ("?year=", "year"),
        ("?year=deux-mille", "year"),
        ("?year=2021", "year"),
        ("?year=2027", "year"),
        ("?year=2024.5", "year"),
        ("?year=2024&format=xml", "format"),
        ("?year=2024&format=CSV", "format"),
    ] {
        let response = app.get(&report_path(&plan.convention, query)).await;
        assert_eq!(response.status, 400, "{query}: {}", response.text);
        assert_eq!(response.problem_code(), "invalid_query", "{query}");
        assert_eq!(response.error_fields(), [field], "{query}");
    }
    let response = app
        .get(&report_path(
            "0190f1c2-0000-7000-8000-000000000000",
            "?year=2024",
        ))
        .await;
    assert_eq!(response.status, 404);
}

#[actix_web::test]
async fn reports_are_read_by_committee_copil_coordinator_and_reporting() {
    let app = TestApp::spawn().await;
    let plan = small_plan(&app).await;
    let path = report_path(&plan.convention, "?year=2024&format=csv");
    for (role, status) in [
        ("viewer", 403),
        ("pilot", 403),
        ("copil", 200),
        ("coordinator", 200),
        ("reporting", 200),
    ] {
        let (_, token) = member(&app, &plan.convention, role, None, None).await;
        let response = app.as_user(&token).get(&path).await;
        assert_eq!(response.status, status, "{role}: {}", response.text);
    }
    // A refusal comes before the query is judged.
    let (_, viewer) = member(&app, &plan.convention, "viewer", None, None).await;
    let response = app
        .as_user(&viewer)
        .get(&report_path(&plan.convention, "?format=xml"))
        .await;
    assert_eq!(response.status, 403);
    let response = app.anonymous().get(&path).await;
    assert_eq!(response.status, 401);
}

//! Charts: an indicator's series and a convention's progress by axis as self-contained SVG, in
//! French, with every text from the data escaped; read by every member only.

use diesel::prelude::*;
use serde_json::{json, Value};
use uuid::Uuid;

use ctg::domain::Period;

use crate::support::auth::member;
use crate::support::fixtures::{self, Plan};
use crate::support::{TestApp, TestResponse};

fn chart_path(indicator: &str) -> String {
    format!("/api/v1/indicators/{indicator}/chart.svg")
}

fn progress_path(convention: &str) -> String {
    format!("/api/v1/conventions/{convention}/progress.svg")
}

async fn indicator(app: &TestApp, action: &str) -> String {
    let response = app
        .post(
            &format!("/api/v1/actions/{action}/indicators"),
            &json!({
                "type": "resultat",
                "label": "Taux < 50 % & plus",
                "kind": "percentage",
                "unit": "%",
                "baseline_value": 40,
                "baseline_period": "2021",
                "target_value": 60,
                "target_period": "2026",
                "direction": "increase",
                "frequency": "annual"
            }),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    response.id()
}

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

/// A 200 with a well-formed, self-contained SVG; returns its text.
fn svg(response: &TestResponse) -> &str {
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.header("content-type"), Some("image/svg+xml"));
    assert_eq!(response.header("cache-control"), Some("no-store"));
    let text = response.text.as_str();
    assert!(
        text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{text}"
    );
    assert!(text.ends_with("</svg>"));
    assert!(text.contains("viewBox=\"0 0 360 "));
    assert!(text.contains("width=\"100%\""));
    assert!(text.contains("<title>"));
    for forbidden in ["<script", "href", "url(", "<style"] {
        assert!(!text.contains(forbidden), "{forbidden}");
    }
    for (i, _) in text.match_indices('&') {
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| text[i..].starts_with(e)),
            "raw & at {i}"
        );
    }
    for (i, _) in text.match_indices('<') {
        let next = text[i + 1..].chars().next().unwrap();
        assert!(next.is_ascii_alphabetic() || next == '/', "raw < at {i}");
    }
    text
}

#[actix_web::test]
async fn an_indicator_chart_plots_its_series_against_baseline_and_target() {
    let app = TestApp::spawn().await;
    let Plan { action, .. } = fixtures::plan(&app).await;
    let id = indicator(&app, &action).await;

    let empty = app.get(&chart_path(&id)).await;
    let text = svg(&empty);
    assert!(text.contains("Aucune mesure"));
    assert!(text.contains("Valeur de référence : 40 %"));
    assert!(text.contains("Valeur cible : 60 %"));
    assert!(text.contains("Taux &lt; 50 % &amp; plus"));

    measure(&app, &id, "2023", json!(45));
    measure(&app, &id, "2022", json!(42.5));
    let chart = app.get(&chart_path(&id)).await;
    let text = svg(&chart);
    assert!(!text.contains("Aucune mesure"));
    assert_eq!(text.matches("<circle").count(), 2);
    // In period order, the last value written beside its point.
    assert!(text.find("2022").unwrap() < text.find("2023").unwrap());
    assert!(text.contains(">45 %</text>"));
    assert!(text.contains("42,5 %"));
}

/// An indicator of `kind` (with the fields that kind needs) on `action`.
async fn indicator_of_kind(app: &TestApp, action: &str, kind: &str, extra: Value) -> String {
    let mut body = json!({
        "type": "realisation",
        "label": format!("Indicateur {kind}"),
        "kind": kind,
        "direction": "increase",
        "frequency": "annual"
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let response = app
        .post(&format!("/api/v1/actions/{action}/indicators"), &body)
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    response.id()
}

#[actix_web::test]
async fn yes_no_level_and_text_indicators_read_as_they_are_measured() {
    let app = TestApp::spawn().await;
    let Plan { action, .. } = fixtures::plan(&app).await;

    let charter = indicator_of_kind(&app, &action, "boolean", json!({})).await;
    measure(&app, &charter, "2023", json!(false));
    measure(&app, &charter, "2024", json!(true));
    let chart = app.get(&chart_path(&charter)).await;
    let text = svg(&chart);
    assert!(text.contains("2024 : oui") && text.contains("2023 : non"));
    assert!(!text.contains(">1</text>"), "read oui/non, not 1/0");

    let level = indicator_of_kind(
        &app,
        &action,
        "level",
        json!({"scale_min": 1, "scale_max": 5}),
    )
    .await;
    measure(&app, &level, "2024", json!(3));
    let chart = app.get(&chart_path(&level)).await;
    let text = svg(&chart);
    assert!(
        text.contains(">1</text>") && text.contains(">5</text>"),
        "its own scale"
    );

    let observed = indicator_of_kind(&app, &action, "text", json!({})).await;
    measure(
        &app,
        &observed,
        "2024",
        json!("-baisse du chômage des jeunes"),
    );
    let chart = app.get(&chart_path(&observed)).await;
    let text = svg(&chart);
    assert!(text.contains(">-baisse du chômage des jeunes</text>"));
    assert!(!text.contains("Aucune mesure"));
}

#[actix_web::test]
async fn a_progress_chart_shows_every_axis() {
    let app = TestApp::spawn().await;
    let Plan {
        convention, action, ..
    } = fixtures::plan(&app).await;
    let second = fixtures::axis(&app, &convention, 2).await;
    let second = second["id"].as_str().unwrap();
    let patched = app
        .patch(
            &format!("/api/v1/axes/{second}"),
            Some(&app.get(&format!("/api/v1/axes/{second}")).await.etag()),
            &json!({"title": "Jeunesse <16-25 ans> & loisirs"}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let id = indicator(&app, &action).await;
    measure(&app, &id, "2023", json!(50));

    let text = svg(&app.get(&progress_path(&convention)).await).to_string();
    assert!(text.contains("Progression par axe"));
    assert!(text.contains("Axe 1 "));
    // Baseline 40, target 60, latest 50: half-way.
    assert!(text.contains(">50 %</text>"), "{text}");
    assert!(text.contains("Jeunesse &lt;16-25 ans&gt; &amp; loisirs"));
    assert!(text.contains("Aucune mesure"));
}

#[actix_web::test]
async fn charts_are_for_members_only() {
    let app = TestApp::spawn().await;
    let Plan {
        convention, action, ..
    } = fixtures::plan(&app).await;
    let id = indicator(&app, &action).await;
    let other = fixtures::convention(&app).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, viewer) = member(&app, &convention, "viewer", None, None).await;
    let (_, outsider) = member(&app, &other, "viewer", None, None).await;

    for path in [chart_path(&id), progress_path(&convention)] {
        svg(&app.as_user(&viewer).get(&path).await);
        let hidden = app.as_user(&outsider).get(&path).await;
        assert_eq!(hidden.status, 404, "{path}: {}", hidden.text);
        let anonymous = app.anonymous().get(&path).await;
        assert_eq!(anonymous.status, 401, "{path}: {}", anonymous.text);
    }
    let unknown = Uuid::now_v7().to_string();
    assert_eq!(app.get(&chart_path(&unknown)).await.status, 404);
    assert_eq!(app.get(&progress_path(&unknown)).await.status, 404);
}

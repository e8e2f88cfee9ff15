//! Indicators: their definition rules, CRUD with the HTTP conventions, permissions per role,
//! the audit log, and the convention-wide list with its filters, latest values, achievements
//! and due values.

use chrono::Datelike;
use diesel::prelude::*;
use serde_json::{json, Value};
use uuid::Uuid;

use ctg::domain::{Frequency, Period};

use crate::support::auth::member;
use crate::support::fixtures::{self, Plan};
use crate::support::{TestApp, TestResponse};

const UNKNOWN_ID: &str = "0190f1c2-0000-7000-8000-000000000000";

fn id_of(resource: &Value) -> String {
    resource["id"].as_str().expect("an id").to_string()
}

fn indicators_path(action: &str) -> String {
    format!("/api/v1/actions/{action}/indicators")
}

fn indicator_path(id: &str) -> String {
    format!("/api/v1/indicators/{id}")
}

fn convention_indicators_path(convention: &str, query: &str) -> String {
    format!("/api/v1/conventions/{convention}/indicators{query}")
}

/// A minimal valid indicator, with `changes` merged in (a `null` removes a field).
fn body(changes: Value) -> Value {
    let mut body = json!({
        "type": "resultat",
        "label": "Nombre de familles accompagnées",
        "kind": "count"
    });
    for (field, value) in changes.as_object().expect("an object") {
        if value.is_null() {
            body.as_object_mut().unwrap().remove(field);
        } else {
            body[field] = value.clone();
        }
    }
    body
}

async fn create(app: &TestApp, action: &str, changes: Value) -> Value {
    let response = app.post(&indicators_path(action), &body(changes)).await;
    assert_eq!(response.status, 201, "{}", response.text);
    response.body
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

fn count(app: &TestApp, sql: &str) -> i64 {
    app.db.count(sql)
}

fn audit_count(app: &TestApp, indicator: &str, operation: &str) -> i64 {
    count(
        app,
        &format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'indicator' \
             AND entity_id = '{indicator}' AND operation = '{operation}'"
        ),
    )
}

fn items(response: &TestResponse) -> Vec<Value> {
    assert_eq!(response.status, 200, "{}", response.text);
    response.body["items"].as_array().expect("items").clone()
}

fn labels(response: &TestResponse) -> Vec<String> {
    items(response)
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn an_indicator_is_stored_and_read_back_as_written() {
    let app = TestApp::spawn().await;
    let Plan {
        convention, action, ..
    } = fixtures::plan(&app).await;
    let full = json!({
        "type": "realisation",
        "label": "Taux de couverture des besoins d’accueil du jeune enfant",
        "kind": "percentage",
        "unit": "%",
        "baseline_value": 40,
        "baseline_period": "2021",
        "target_value": 62.5,
        "target_period": "2026-S2",
        "direction": "increase",
        "frequency": "semiannual",
        "source": "Caf – observatoire de la petite enfance"
    });
    let created = app.post(&indicators_path(&action), &full).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.id();
    assert_eq!(
        created.header("location"),
        Some(indicator_path(&id).as_str())
    );
    assert_eq!(created.etag(), "\"1\"");
    let out = &created.body;
    for (field, value) in full.as_object().unwrap() {
        assert_eq!(&out[field], value, "{field}");
    }
    assert_eq!(out["action_id"], action.as_str());
    assert_eq!(out["convention_id"], convention.as_str());
    assert_eq!(out["action_code"], "1.1.1");
    assert_eq!(out["position"], 1);
    assert_eq!(out["version"], 1);
    assert!(out["scale_min"].is_null() && out["scale_max"].is_null());
    assert_eq!(
        out["baseline_value"].to_string(),
        "40",
        "whole numbers go out as integers"
    );

    let read = app.get(&indicator_path(&id)).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.etag(), "\"1\"");
    assert_eq!(&read.body, out);

    // Stored as written, in its own row.
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT count(*) AS n FROM indicators WHERE id = '{id}' AND type = 'realisation' \
                 AND kind = 'percentage' AND baseline_value = 40 AND target_value = 62.5 \
                 AND baseline_period = '2021' AND target_period = '2026-S2' \
                 AND frequency = 'semiannual' AND position = 1"
            )
        ),
        1
    );

    // Defaults: increase, annual; no unit, baseline, target, source.
    let minimal = create(
        &app,
        &action,
        json!({"kind": "boolean", "label": "Guide publié"}),
    )
    .await;
    assert_eq!(minimal["direction"], "increase");
    assert_eq!(minimal["frequency"], "annual");
    assert_eq!(minimal["position"], 2, "a new indicator comes last");
    for field in [
        "unit",
        "baseline_value",
        "baseline_period",
        "target_value",
        "target_period",
        "source",
    ] {
        assert!(minimal[field].is_null(), "{field}");
    }
    let third = create(&app, &action, json!({"label": "Troisième"})).await;
    assert_eq!(third["position"], 3);

    // The action's list, in position order, paged.
    let list = app.get(&indicators_path(&action)).await;
    assert_eq!(
        labels(&list),
        [
            "Taux de couverture des besoins d’accueil du jeune enfant",
            "Guide publié",
            "Troisième"
        ]
    );
    assert_eq!(list.body["total"], 3);
    let page = app
        .get(&format!("{}?limit=1&offset=1", indicators_path(&action)))
        .await;
    assert_eq!(labels(&page), ["Guide publié"]);
    assert_eq!(page.body["total"], 3);
    assert_eq!(page.body["limit"], 1);
    assert_eq!(page.body["offset"], 1);

    // After a deletion, the next one still comes last.
    let second = app
        .delete(&indicator_path(&id_of(&minimal)), Some("\"1\""))
        .await;
    assert_eq!(second.status, 204);
    assert_eq!(
        create(&app, &action, json!({"label": "Quatrième"})).await["position"],
        4
    );
}

#[actix_web::test]
async fn a_fiche_read_with_include_carries_its_indicators_in_order() {
    let app = TestApp::spawn().await;
    let Plan { action, .. } = fixtures::plan(&app).await;
    let fiche = format!("/api/v1/actions/{action}");

    let bare = app.get(&fiche).await;
    assert_eq!(bare.status, 200, "{}", bare.text);
    assert!(
        bare.body.get("indicators").is_none(),
        "a fiche read without `include` has no `indicators`: {}",
        bare.text
    );
    let none_yet = app.get(&format!("{fiche}?include=indicators")).await;
    assert_eq!(none_yet.status, 200, "{}", none_yet.text);
    assert_eq!(none_yet.body["indicators"], json!([]));

    for label in [
        "Places créées",
        "Familles accueillies",
        "Satisfaction des familles",
    ] {
        create(&app, &action, json!({ "label": label })).await;
    }
    let with = app.get(&format!("{fiche}?include=indicators")).await;
    assert_eq!(with.status, 200, "{}", with.text);
    assert_eq!(with.etag(), bare.etag(), "the fiche's own version");
    let listed = app.get(&indicators_path(&action)).await;
    assert_eq!(
        with.body["indicators"],
        json!(items(&listed)),
        "the same indicators, in the same order, as the fiche's list"
    );
    assert_eq!(
        labels(&listed),
        [
            "Places créées",
            "Familles accueillies",
            "Satisfaction des familles"
        ]
    );
    for field in ["title", "code", "pilots", "steps", "version"] {
        assert_eq!(with.body[field], bare.body[field], "{field}");
    }

    let wrong = app.get(&format!("{fiche}?include=measurements")).await;
    assert_eq!(wrong.status, 400, "{}", wrong.text);
    assert_eq!(wrong.problem_code(), "invalid_query");
    assert_eq!(wrong.error_fields(), ["include"], "{}", wrong.text);
}

#[actix_web::test]
async fn every_rule_of_a_definition_is_checked() {
    let app = TestApp::spawn().await;
    let plan = fixtures::plan(&app).await;
    let path = indicators_path(&plan.action);
    let level = json!({"kind": "level", "scale_min": 1, "scale_max": 5});
    let with = |base: &Value, extra: Value| {
        let mut merged = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            merged[k] = v.clone();
        }
        merged
    };
    let long_unit = "u".repeat(101);
    let refused: Vec<(Value, &[&str])> = vec![
        (json!({"label": "  "}), &["label"]),
        (json!({"label": null}), &["label"]),
        (json!({"type": null}), &["type"]),
        (json!({"kind": null}), &["kind"]),
        (json!({"type": "output"}), &["type"]),
        (json!({"kind": "milestone"}), &["kind"]),
        (json!({"direction": "up"}), &["direction"]),
        (json!({"frequency": "weekly"}), &["frequency"]),
        (json!({"unit": ""}), &["unit"]),
        (json!({"unit": long_unit}), &["unit"]),
        (json!({"source": " "}), &["source"]),
        (json!({"baseline_value": "12"}), &["baseline_value"]),
        // A count is a non-negative integer.
        (json!({"baseline_value": 2.5}), &["baseline_value"]),
        (json!({"target_value": -1}), &["target_value"]),
        // A percentage lies within 0–100.
        (
            json!({"kind": "percentage", "target_value": 140}),
            &["target_value"],
        ),
        // Amounts, ratios and durations are non-negative.
        (
            json!({"kind": "amount", "baseline_value": -10}),
            &["baseline_value"],
        ),
        // Boolean and text indicators have no baseline nor target.
        (
            json!({"kind": "boolean", "target_value": 1}),
            &["target_value"],
        ),
        (
            json!({"kind": "text", "baseline_value": 0}),
            &["baseline_value"],
        ),
        // A level needs its scale, in order; other kinds take none.
        (json!({"kind": "level"}), &["scale_min", "scale_max"]),
        (json!({"kind": "level", "scale_min": 1}), &["scale_max"]),
        (
            json!({"kind": "level", "scale_min": 5, "scale_max": 5}),
            &["scale_max"],
        ),
        (json!({"kind": "count", "scale_min": 1}), &["scale_min"]),
        (
            json!({"kind": "percentage", "scale_min": 0, "scale_max": 100}),
            &["scale_min", "scale_max"],
        ),
        // A level's baseline and target lie within its scale.
        (with(&level, json!({"target_value": 6})), &["target_value"]),
        (
            with(&level, json!({"baseline_value": 0})),
            &["baseline_value"],
        ),
        // The target lies the way of the direction.
        (
            json!({"baseline_value": 40, "target_value": 20}),
            &["target_value"],
        ),
        (
            json!({"direction": "decrease", "baseline_value": 10, "target_value": 12}),
            &["target_value"],
        ),
        // Periods are canonical, within 2000–2100, and the target not before the baseline.
        (json!({"baseline_period": "2024-13"}), &["baseline_period"]),
        (json!({"baseline_period": "2024-q1"}), &["baseline_period"]),
        (json!({"target_period": "1999"}), &["target_period"]),
        (
            json!({"baseline_period": "2024", "target_period": "2023-Q4"}),
            &["target_period"],
        ),
        // Every field at fault at once.
        (
            json!({"label": "", "baseline_period": "hier", "kind": "level"}),
            &["label", "baseline_period"],
        ),
    ];
    for (changes, fields) in &refused {
        let response = app.post(&path, &body(changes.clone())).await;
        assert_eq!(response.status, 422, "{changes}: {}", response.text);
        assert_eq!(response.problem_code(), "validation_failed");
        assert_eq!(response.error_fields(), *fields, "{changes}");
    }
    for (changes, code, field) in [
        (json!({"colour": "red"}), "unknown_field", "colour"),
        (json!({"id": UNKNOWN_ID}), "read_only_field", "id"),
        (json!({"position": 3}), "unknown_field", "position"),
    ] {
        let response = app.post(&path, &body(changes.clone())).await;
        assert_eq!(response.status, 400, "{changes}: {}", response.text);
        assert_eq!(response.problem_code(), code);
        assert_eq!(response.error_fields(), [field]);
    }
    let malformed = app
        .raw(
            "POST",
            &path,
            &[("Content-Type", "application/json")],
            b"{\"label\":",
        )
        .await;
    assert_eq!(malformed.status, 400);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM indicators"), 0);

    let accepted = [
        with(&level, json!({"baseline_value": 2, "target_value": 4.5})),
        with(&level, json!({"scale_min": -2, "scale_max": 2})),
        json!({"direction": "decrease", "baseline_value": 10, "target_value": 4}),
        json!({"baseline_value": 40, "target_value": 40}),
        json!({"kind": "ratio", "baseline_value": 1.4}),
        json!({"kind": "duration", "unit": "jours", "target_value": 0}),
        json!({"kind": "amount", "unit": "€", "baseline_value": 1500.5}),
        json!({"kind": "percentage", "baseline_value": 0, "target_value": 100}),
        json!({"kind": "text", "frequency": "monthly"}),
        json!({"kind": "boolean", "type": "impact", "direction": "decrease"}),
        // Periods of any frequency, whatever the indicator's.
        json!({"baseline_period": "2021-S2", "target_period": "2026-Q4"}),
        json!({"baseline_period": "2022-03", "target_period": "2022-Q1"}),
        json!({"target_period": "2026"}),
    ];
    for changes in &accepted {
        let response = app.post(&path, &body(changes.clone())).await;
        assert_eq!(response.status, 201, "{changes}: {}", response.text);
    }
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM indicators"),
        accepted.len() as i64
    );
}

#[actix_web::test]
async fn missing_objects_answer_404_before_anything_else() {
    let app = TestApp::spawn().await;
    let plan = fixtures::plan(&app).await;
    let unknown = indicator_path(UNKNOWN_ID);
    for response in [
        app.get(&unknown).await,
        app.patch(&unknown, None, &json!({"label": "x"})).await,
        app.delete(&unknown, None).await,
        app.get(&indicators_path(UNKNOWN_ID)).await,
        app.post(&indicators_path(UNKNOWN_ID), &body(json!({})))
            .await,
        app.get(&convention_indicators_path(UNKNOWN_ID, "")).await,
    ] {
        assert_eq!(response.status, 404, "{}", response.text);
        assert_eq!(response.problem_code(), "not_found");
    }
    let not_a_uuid = app.get("/api/v1/indicators/12").await;
    assert_eq!(not_a_uuid.status, 404);
    let list = app.get(&indicators_path(&plan.action)).await;
    assert_eq!(items(&list), Vec::<Value>::new());
    assert_eq!(list.body["total"], 0);
}

#[actix_web::test]
async fn a_patch_merges_then_checks_the_whole_indicator() {
    let app = TestApp::spawn().await;
    let plan = fixtures::plan(&app).await;
    let created = create(
        &app,
        &plan.action,
        json!({"unit": "familles", "baseline_value": 2, "target_value": 4, "source": "MJC"}),
    )
    .await;
    let path = indicator_path(&id_of(&created));

    let missing = app.patch(&path, None, &json!({"label": "Nouveau"})).await;
    assert_eq!(missing.status, 428);
    assert_eq!(missing.problem_code(), "if_match_required");
    let stale = app
        .patch(&path, Some("\"9\""), &json!({"label": "Nouveau"}))
        .await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.problem_code(), "version_mismatch");
    assert_eq!(stale.etag(), "\"1\"");

    let patched = app
        .patch(
            &path,
            Some("\"1\""),
            &json!({"label": "Familles accompagnées", "unit": null, "target_period": "2026"}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.etag(), "\"2\"");
    let out = &patched.body;
    assert_eq!(out["label"], "Familles accompagnées");
    assert!(out["unit"].is_null(), "null clears");
    assert_eq!(out["target_period"], "2026");
    assert_eq!(out["source"], "MJC", "absent leaves as is");
    assert_eq!(out["baseline_value"], 2);
    assert_eq!(out["version"], 2);
    assert_eq!(out["position"], 1);
    assert_eq!(app.get(&path).await.body, *out);

    // Each field on its own, then the indicator that would result.
    let refused: Vec<(Value, &[&str])> = vec![
        (json!({"label": null}), &["label"]),
        (json!({"label": ""}), &["label"]),
        (json!({"kind": null}), &["kind"]),
        (json!({"type": null}), &["type"]),
        (json!({"frequency": null}), &["frequency"]),
        (json!({"direction": null}), &["direction"]),
        (json!({"kind": "fraction"}), &["kind"]),
        (json!({"baseline_period": "2024-S3"}), &["baseline_period"]),
        // A new kind against the current values and scale.
        (json!({"kind": "level"}), &["scale_min", "scale_max"]),
        (
            json!({"kind": "boolean"}),
            &["baseline_value", "target_value"],
        ),
        // A new scale against the current kind.
        (
            json!({"scale_min": 1, "scale_max": 5}),
            &["scale_min", "scale_max"],
        ),
        // A level whose scale does not hold the current values.
        (
            json!({"kind": "level", "scale_min": 3, "scale_max": 5}),
            &["baseline_value"],
        ),
        // A target against the current baseline and direction.
        (json!({"target_value": 1}), &["target_value"]),
        (json!({"direction": "decrease"}), &["target_value"]),
        (json!({"baseline_period": "2027"}), &["target_period"]),
    ];
    for (changes, fields) in &refused {
        let response = app.patch(&path, Some("\"2\""), changes).await;
        assert_eq!(response.status, 422, "{changes}: {}", response.text);
        assert_eq!(response.error_fields(), *fields, "{changes}");
    }
    let unknown = app
        .patch(&path, Some("\"2\""), &json!({"action_id": plan.action}))
        .await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.error_fields(), ["action_id"]);

    // Valid as a whole: a count becomes a level whose scale holds its values; then back.
    let level = app
        .patch(
            &path,
            Some("\"2\""),
            &json!({"kind": "level", "scale_min": 1, "scale_max": 5}),
        )
        .await;
    assert_eq!(level.status, 200, "{}", level.text);
    assert_eq!(level.body["scale_max"], 5);
    let back = app
        .patch(
            &path,
            Some("\"3\""),
            &json!({"kind": "boolean", "scale_min": null, "scale_max": null,
                    "baseline_value": null, "target_value": null, "frequency": "quarterly"}),
        )
        .await;
    assert_eq!(back.status, 200, "{}", back.text);
    assert_eq!(back.body["kind"], "boolean");
    assert_eq!(back.body["frequency"], "quarterly");
    assert_eq!(back.body["version"], 4);

    // An empty patch, or one that changes nothing, is no change.
    for unchanged in [
        json!({}),
        json!({"kind": "boolean", "label": "Familles accompagnées"}),
    ] {
        let response = app.patch(&path, Some("\"4\""), &unchanged).await;
        assert_eq!(response.status, 200, "{}", response.text);
        assert_eq!(response.body["version"], 4);
    }
    assert_eq!(audit_count(&app, &id_of(&created), "update"), 3);
}

#[actix_web::test]
async fn measurements_fix_kind_frequency_and_scale_and_keep_the_indicator() {
    let app = TestApp::spawn().await;
    let plan = fixtures::plan(&app).await;
    let created = create(
        &app,
        &plan.action,
        json!({"kind": "level", "scale_min": 1, "scale_max": 5, "target_value": 4}),
    )
    .await;
    let id = id_of(&created);
    let path = indicator_path(&id);
    // Without measurements, all may change.
    let free = app
        .patch(&path, Some("\"1\""), &json!({"frequency": "semiannual"}))
        .await;
    assert_eq!(free.status, 200, "{}", free.text);
    measure(&app, &id, "2024-S1", json!(3));

    for changes in [
        json!({"kind": "count", "scale_min": null, "scale_max": null}),
        json!({"frequency": "annual"}),
        json!({"scale_max": 10}),
        json!({"scale_min": 0}),
        json!({"scale_min": null, "scale_max": null}),
    ] {
        let response = app.patch(&path, Some("\"2\""), &changes).await;
        assert_eq!(response.status, 409, "{changes}: {}", response.text);
        assert_eq!(response.problem_code(), "indicator_has_measurements");
    }
    // The same values are no change; other fields still change.
    let same = app
        .patch(
            &path,
            Some("\"2\""),
            &json!({"kind": "level", "frequency": "semiannual", "scale_min": 1, "scale_max": 5,
                    "label": "Degré d’implication des familles", "target_value": 5}),
        )
        .await;
    assert_eq!(same.status, 200, "{}", same.text);
    assert_eq!(same.body["version"], 3);

    let refused = app.delete(&path, Some("\"3\"")).await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.problem_code(), "still_referenced");
    assert_eq!(app.get(&path).await.status, 200);
    assert_eq!(audit_count(&app, &id, "delete"), 0);

    diesel::sql_query(format!(
        "DELETE FROM measurements WHERE indicator_id = '{id}'"
    ))
    .execute(&mut app.db.conn())
    .unwrap();
    assert_eq!(app.delete(&path, None).await.status, 428);
    let stale = app.delete(&path, Some("\"2\"")).await;
    assert_eq!(stale.status, 412);
    let deleted = app.delete(&path, Some("\"3\"")).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(app.get(&path).await.status, 404);
    assert_eq!(app.delete(&path, Some("*")).await.status, 404);
}

#[actix_web::test]
async fn every_write_is_in_the_audit_log() {
    let app = TestApp::spawn().await;
    let plan = fixtures::plan(&app).await;
    let created = create(&app, &plan.action, json!({"target_value": 10})).await;
    let id = id_of(&created);
    let path = indicator_path(&id);
    let patched = app
        .patch(
            &path,
            Some("\"1\""),
            &json!({"target_value": 12, "unit": "familles"}),
        )
        .await;
    assert_eq!(patched.status, 200);
    assert_eq!(app.delete(&path, Some("\"2\"")).await.status, 204);

    let log = app
        .get(&format!(
            "/api/v1/conventions/{}/audit?entity_type=indicator",
            plan.convention
        ))
        .await;
    let entries = items(&log);
    let operations: Vec<&str> = entries
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(operations, ["delete", "update", "create"], "newest first");
    assert!(entries.iter().all(|e| e["entity_id"] == id.as_str()));
    assert_eq!(
        entries[2]["changes"]["label"]["new"],
        "Nombre de familles accompagnées"
    );
    assert_eq!(entries[2]["changes"]["action_code"]["new"], "1.1.1");
    assert_eq!(
        entries[1]["changes"],
        json!({"target_value": {"old": 10, "new": 12}, "unit": {"old": null, "new": "familles"}})
    );
    assert_eq!(entries[0]["changes"]["target_value"]["old"], 12);

    // A refused write leaves nothing.
    let before = count(&app, "SELECT count(*) AS n FROM audit_log");
    let invalid = app
        .post(
            &indicators_path(&plan.action),
            &body(json!({"kind": "level"})),
        )
        .await;
    assert_eq!(invalid.status, 422);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM audit_log"), before);
}

/// A convention with two branches: `scoped` under the axis the committee covers, piloted by the
/// MJC; `other` under another axis, piloted by the Mission Locale.
struct Branches {
    convention: String,
    scoped: String,
    other: String,
    committee: String,
    mjc: String,
}

async fn branches(app: &TestApp) -> Branches {
    let convention = id_of(&fixtures::convention(app).await);
    let mjc = id_of(&fixtures::partner(app, "MJC de Gourdon", "association").await);
    let mission_locale =
        id_of(&fixtures::partner(app, "Mission Locale du Lot", "association").await);
    let mut actions = Vec::new();
    let mut axes = Vec::new();
    for (number, pilot) in [(1, &mjc), (2, &mission_locale)] {
        let axis = id_of(&fixtures::axis(app, &convention, number).await);
        let objective = id_of(&fixtures::objective(app, &axis, 1).await);
        let action = app
            .post(
                &format!("/api/v1/objectives/{objective}/actions"),
                &json!({"number": 1, "title": format!("Fiche {number}.1.1"),
                        "pilots": [{"partner_id": pilot, "note": "référent"}]}),
            )
            .await;
        assert_eq!(action.status, 201, "{}", action.text);
        actions.push(action.id());
        axes.push(axis);
    }
    let committee = app
        .post(
            &format!("/api/v1/conventions/{convention}/committees"),
            &json!({"name": "Comité technique Enfance", "kind": "thematic", "axis_ids": [axes[0]]}),
        )
        .await;
    assert_eq!(committee.status, 201, "{}", committee.text);
    Branches {
        convention,
        scoped: actions[0].clone(),
        other: actions[1].clone(),
        committee: committee.id(),
        mjc,
    }
}

#[actix_web::test]
async fn roles_follow_the_contract_table() {
    let app = TestApp::spawn().await;
    let b = branches(&app).await;
    let c = b.convention.as_str();
    let (_, viewer) = member(&app, c, "viewer", Some(&b.mjc), None).await;
    let (_, pilot) = member(&app, c, "pilot", Some(&b.mjc), None).await;
    let (_, committee) = member(&app, c, "committee", None, Some(&b.committee)).await;
    let (_, copil) = member(&app, c, "copil", None, None).await;
    let (_, coordinator) = member(&app, c, "coordinator", None, None).await;
    let (_, reporting) = member(&app, c, "reporting", None, None).await;
    let elsewhere = id_of(&fixtures::convention(&app).await);
    let (_, outsider) = member(&app, &elsewhere, "coordinator", Some(&b.mjc), None).await;

    let scoped = create(&app, &b.scoped, json!({})).await;
    let other = create(&app, &b.other, json!({})).await;
    let (scoped_path, other_path) = (
        indicator_path(&id_of(&scoped)),
        indicator_path(&id_of(&other)),
    );

    // Reading: every member, the reporting client included; not the outsider, nor anonymous.
    let reads = [
        scoped_path.clone(),
        indicators_path(&b.other),
        format!("/api/v1/actions/{}?include=indicators", b.other),
        convention_indicators_path(c, ""),
    ];
    for path in &reads {
        for token in [
            &viewer,
            &pilot,
            &committee,
            &copil,
            &coordinator,
            &reporting,
        ] {
            let response = app.as_user(token).get(path).await;
            assert_eq!(response.status, 200, "{path}: {}", response.text);
        }
        let hidden = app.as_user(&outsider).get(path).await;
        assert_eq!(hidden.status, 404, "{path}");
        assert_eq!(hidden.problem_code(), "not_found");
        assert_eq!(app.anonymous().get(path).await.status, 401, "{path}");
    }

    // Creating: scope, copil, coordinator; the pilot is refused even on its own action.
    let post = |token: &str, action: &str| {
        let token = token.to_string();
        let path = indicators_path(action);
        let app = &app;
        async move {
            app.as_user(&token)
                .post(&path, &body(json!({"label": "Nouvel indicateur"})))
                .await
                .status
        }
    };
    assert_eq!(post(&committee, &b.scoped).await, 201);
    assert_eq!(post(&committee, &b.other).await, 403);
    assert_eq!(post(&pilot, &b.scoped).await, 403);
    assert_eq!(post(&viewer, &b.scoped).await, 403);
    assert_eq!(post(&reporting, &b.scoped).await, 403);
    assert_eq!(post(&copil, &b.other).await, 201);
    assert_eq!(post(&coordinator, &b.other).await, 201);
    assert_eq!(post(&outsider, &b.other).await, 404);
    let anonymous = app
        .anonymous()
        .post(&indicators_path(&b.scoped), &body(json!({})))
        .await;
    assert_eq!(anonymous.status, 401);

    // Changing: the same.
    let patch = |token: &str, path: &str| {
        let token = token.to_string();
        let path = path.to_string();
        let app = &app;
        async move {
            app.as_user(&token)
                .patch(&path, Some("*"), &json!({"unit": "familles"}))
                .await
        }
    };
    let refused = patch(&pilot, &scoped_path).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.problem_code(), "forbidden");
    assert_eq!(patch(&viewer, &scoped_path).await.status, 403);
    assert_eq!(patch(&reporting, &scoped_path).await.status, 403);
    assert_eq!(patch(&committee, &other_path).await.status, 403);
    assert_eq!(patch(&outsider, &scoped_path).await.status, 404);
    assert_eq!(patch(&committee, &scoped_path).await.status, 200);
    assert_eq!(patch(&copil, &other_path).await.status, 200);
    assert_eq!(patch(&coordinator, &other_path).await.status, 200);

    // Deleting: the same.
    let delete = |token: &str, path: &str| {
        let token = token.to_string();
        let path = path.to_string();
        let app = &app;
        async move { app.as_user(&token).delete(&path, Some("*")).await.status }
    };
    assert_eq!(delete(&pilot, &scoped_path).await, 403);
    assert_eq!(delete(&viewer, &scoped_path).await, 403);
    assert_eq!(delete(&committee, &other_path).await, 403);
    assert_eq!(delete(&outsider, &other_path).await, 404);
    assert_eq!(delete(&committee, &scoped_path).await, 204);
    assert_eq!(delete(&copil, &other_path).await, 204);
}

#[actix_web::test]
async fn the_convention_list_filters_and_orders_by_code() {
    let app = TestApp::spawn().await;
    let b = branches(&app).await;
    let axis1 = app.get(&format!("/api/v1/actions/{}", b.scoped)).await.body["axis_id"]
        .as_str()
        .unwrap()
        .to_string();
    // Created out of code order: the list follows codes, then positions.
    create(
        &app,
        &b.other,
        json!({"label": "B1", "type": "impact", "kind": "text"}),
    )
    .await;
    create(
        &app,
        &b.scoped,
        json!({"label": "A1", "type": "realisation"}),
    )
    .await;
    create(
        &app,
        &b.other,
        json!({"label": "B2", "type": "resultat", "kind": "boolean"}),
    )
    .await;
    create(
        &app,
        &b.scoped,
        json!({"label": "A2", "type": "impact", "kind": "percentage"}),
    )
    .await;
    let list = |query: &str| {
        let path = convention_indicators_path(&b.convention, query);
        let app = &app;
        async move { app.get(&path).await }
    };

    let all = list("").await;
    assert_eq!(labels(&all), ["A1", "A2", "B1", "B2"]);
    assert_eq!(all.body["total"], 4);
    let first = &items(&all)[0];
    assert_eq!(first["action_code"], "1.1.1");
    assert_eq!(first["action_title"], "Fiche 1.1.1");
    assert_eq!(
        first["pilots"],
        json!([{"partner_id": b.mjc, "note": "référent"}])
    );
    assert_eq!(first["convention_id"], b.convention.as_str());

    assert_eq!(labels(&list("?type=impact").await), ["A2", "B1"]);
    assert_eq!(labels(&list("?kind=boolean").await), ["B2"]);
    assert_eq!(labels(&list(&format!("?axis={axis1}")).await), ["A1", "A2"]);
    assert_eq!(
        labels(&list(&format!("?action={}", b.other)).await),
        ["B1", "B2"]
    );
    assert_eq!(
        labels(&list(&format!("?action={}&type=resultat&kind=boolean", b.other)).await),
        ["B2"]
    );
    assert_eq!(
        labels(&list(&format!("?axis={UNKNOWN_ID}")).await),
        Vec::<String>::new()
    );
    let page = list("?limit=2&offset=1").await;
    assert_eq!(labels(&page), ["A2", "B1"]);
    assert_eq!(page.body["total"], 4);

    for (query, field) in [
        ("?type=output", "type"),
        ("?kind=count,level", "kind"),
        ("?axis=1", "axis"),
        ("?action=x", "action"),
        ("?due=yes", "due"),
        ("?limit=0", "limit"),
    ] {
        let response = list(query).await;
        assert_eq!(response.status, 400, "{query}: {}", response.text);
        assert_eq!(response.problem_code(), "invalid_query");
        assert_eq!(response.error_fields(), [field], "{query}");
    }
}

#[actix_web::test]
async fn due_values_latest_values_and_achievements() {
    let app = TestApp::spawn().await;
    let today = ctg::time::today();
    let last = |frequency| Period::last_completed(frequency, today).to_string();
    let current = |frequency| Period::current(frequency, today).to_string();
    // A convention whose years hold every last completed period, whatever today is.
    let convention = app
        .post(
            "/api/v1/conventions",
            &json!({"name": "CTG en cours", "territory": "Quercy Bouriane",
                    "start_year": today.year() - 1, "end_year": today.year() + 1}),
        )
        .await;
    assert_eq!(convention.status, 201, "{}", convention.text);
    let convention = convention.id();
    let axis = id_of(&fixtures::axis(&app, &convention, 1).await);
    let objective = id_of(&fixtures::objective(&app, &axis, 1).await);
    let action = id_of(&fixtures::action(&app, &objective, 1, "Fiche 1.1.1").await);

    // 1. Annual, never measured: due.
    let never = create(&app, &action, json!({"label": "never", "target_value": 10})).await;
    // 2. Annual, measured for the last year: not due; 70 from 40 to 100 → 0.5.
    let measured = create(
        &app,
        &action,
        json!({"label": "measured", "baseline_value": 40, "target_value": 100}),
    )
    .await;
    let earlier = Period::last_completed(Frequency::Annual, today).previous();
    measure(&app, &id_of(&measured), &earlier.to_string(), json!(55));
    measure(&app, &id_of(&measured), &last(Frequency::Annual), json!(70));
    // 3. Quarterly, measured for the current quarter only: due (the last completed quarter is
    //    missing), and its latest value is the current quarter's. Level 1–5 from the scale's
    //    bottom to 5, now 3: 2 of 4 → 0.5.
    let quarterly = create(
        &app,
        &action,
        json!({"label": "quarterly", "kind": "level", "scale_min": 1, "scale_max": 5,
               "target_value": 5, "frequency": "quarterly"}),
    )
    .await;
    measure(
        &app,
        &id_of(&quarterly),
        &current(Frequency::Quarterly),
        json!(3),
    );
    // 4. Monthly, measured for the last completed month and before: not due; decreasing from
    //    10 to 4, now 7: 3 of 6 → 0.5; the month before (9) is not the latest.
    let monthly = create(
        &app,
        &action,
        json!({"label": "monthly", "frequency": "monthly", "direction": "decrease",
               "baseline_value": 10, "target_value": 4}),
    )
    .await;
    let last_month = Period::last_completed(Frequency::Monthly, today);
    measure(
        &app,
        &id_of(&monthly),
        &last_month.previous().to_string(),
        json!(9),
    );
    measure(&app, &id_of(&monthly), &last_month.to_string(), json!(7));
    // 5. Semiannual boolean, measured true two half-years ago: due; achievement 1.
    let milestone = create(
        &app,
        &action,
        json!({"label": "milestone", "kind": "boolean", "frequency": "semiannual"}),
    )
    .await;
    let half = Period::last_completed(Frequency::Semiannual, today).previous();
    measure(&app, &id_of(&milestone), &half.to_string(), json!(true));
    // 6. Text, measured for the last year: not due; no achievement.
    let text = create(&app, &action, json!({"label": "text", "kind": "text"})).await;
    measure(
        &app,
        &id_of(&text),
        &last(Frequency::Annual),
        json!("Des familles plus présentes"),
    );

    let all = app.get(&convention_indicators_path(&convention, "")).await;
    let by_label = |label: &str| {
        items(&all)
            .into_iter()
            .find(|i| i["label"] == label)
            .unwrap_or_else(|| panic!("{label} listed"))
    };
    let expected = [
        ("never", true, Frequency::Annual, json!(null), json!(null)),
        (
            "measured",
            false,
            Frequency::Annual,
            json!({"period": last(Frequency::Annual), "value": 70}),
            json!(0.5),
        ),
        (
            "quarterly",
            true,
            Frequency::Quarterly,
            json!({"period": current(Frequency::Quarterly), "value": 3}),
            json!(0.5),
        ),
        (
            "monthly",
            false,
            Frequency::Monthly,
            json!({"period": last_month.to_string(), "value": 7}),
            json!(0.5),
        ),
        (
            "milestone",
            true,
            Frequency::Semiannual,
            json!({"period": half.to_string(), "value": true}),
            json!(1),
        ),
        (
            "text",
            false,
            Frequency::Annual,
            json!({"period": last(Frequency::Annual), "value": "Des familles plus présentes"}),
            json!(null),
        ),
    ];
    for (label, due, frequency, latest, achievement) in &expected {
        let item = by_label(label);
        assert_eq!(item["due"], *due, "{label}");
        assert_eq!(item["due_period"], last(*frequency), "{label}");
        assert_eq!(item["latest"], *latest, "{label}");
        let got = item["achievement"].as_f64();
        assert_eq!(
            got,
            achievement.as_f64(),
            "{label}: {}",
            item["achievement"]
        );
    }
    assert_eq!(by_label("never")["action_title"], "Fiche 1.1.1");
    assert_eq!(by_label("never")["pilots"], json!([]));

    // Filtering on due pages and counts right.
    let due = app
        .get(&convention_indicators_path(&convention, "?due=true"))
        .await;
    assert_eq!(labels(&due), ["never", "quarterly", "milestone"]);
    assert_eq!(due.body["total"], 3);
    let not_due = app
        .get(&convention_indicators_path(&convention, "?due=false"))
        .await;
    assert_eq!(labels(&not_due), ["measured", "monthly", "text"]);
    let page = app
        .get(&convention_indicators_path(
            &convention,
            "?due=true&limit=1&offset=1",
        ))
        .await;
    assert_eq!(labels(&page), ["quarterly"]);
    assert_eq!(page.body["total"], 3);
    let combined = app
        .get(&convention_indicators_path(
            &convention,
            "?due=true&kind=boolean",
        ))
        .await;
    assert_eq!(labels(&combined), ["milestone"]);

    // Recording the missing value takes an indicator off the due list.
    measure(&app, &id_of(&never), &last(Frequency::Annual), json!(4));
    let due = app
        .get(&convention_indicators_path(&convention, "?due=true"))
        .await;
    assert_eq!(labels(&due), ["quarterly", "milestone"]);
    let empty = app
        .get(&convention_indicators_path(&convention, "?action="))
        .await;
    assert_eq!(empty.status, 400, "an empty filter value is not a UUID");
}

#[actix_web::test]
async fn nothing_is_due_outside_the_conventions_years() {
    let app = TestApp::spawn().await;
    let today = ctg::time::today();
    // A convention that starts next year: no period has completed within its years.
    let convention = app
        .post(
            "/api/v1/conventions",
            &json!({"name": "CTG à venir", "territory": "Quercy Bouriane",
                    "start_year": today.year() + 1, "end_year": today.year() + 4}),
        )
        .await;
    assert_eq!(convention.status, 201, "{}", convention.text);
    let convention = convention.id();
    let axis = id_of(&fixtures::axis(&app, &convention, 1).await);
    let objective = id_of(&fixtures::objective(&app, &axis, 1).await);
    let action = id_of(&fixtures::action(&app, &objective, 1, "Fiche").await);
    for frequency in ["annual", "semiannual", "quarterly", "monthly"] {
        create(
            &app,
            &action,
            json!({"label": frequency, "frequency": frequency}),
        )
        .await;
    }
    let all = app.get(&convention_indicators_path(&convention, "")).await;
    assert!(
        items(&all).iter().all(|i| i["due"] == false),
        "{}",
        all.text
    );
    let due = app
        .get(&convention_indicators_path(&convention, "?due=true"))
        .await;
    assert_eq!(due.body["total"], 0);
    let not_due = app
        .get(&convention_indicators_path(&convention, "?due=false"))
        .await;
    assert_eq!(not_due.body["total"], 4);
}

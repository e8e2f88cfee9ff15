//! The exchange format: the committed JSON Schema, the demo plan imported whole and checked
//! against real fiches, exported back as the very same document, `import(export(x))` on a
//! convention built through the API, faults named by their JSON path with nothing written, the
//! body limit, and who may import and export.

use std::collections::HashMap;
use std::time::Instant;

use serde_json::{json, Value};

use crate::support::auth::member;
use crate::support::fixtures;
use crate::support::{TestApp, TestResponse};

const DEMO: &str = include_str!("../../demo/ctg-quercy-bouriane-2022-2026.json");
const IMPORT: &str = "/api/v1/conventions/import";

fn demo() -> Value {
    serde_json::from_str(DEMO).expect("the demo plan is JSON")
}

fn export_path(convention: &str) -> String {
    format!("/api/v1/conventions/{convention}/export")
}

/// Imports `document` as the platform admin; returns the new convention's id.
async fn import(app: &TestApp, document: &Value) -> String {
    let response = app.post(IMPORT, document).await;
    assert_eq!(response.status, 201, "{}", response.text);
    response.id()
}

fn count(app: &TestApp, sql: &str) -> i64 {
    app.db.count(sql)
}

/// Rows of the plan of `convention`: axes, objectives, actions, indicators, measurements.
fn plan_rows(app: &TestApp, convention: &str) -> [i64; 5] {
    let under = |table_sql: &str| {
        count(
            app,
            &format!("{table_sql} AND ax.convention_id = '{convention}'"),
        )
    };
    [
        under("SELECT count(*) AS n FROM axes ax WHERE true"),
        under(
            "SELECT count(*) AS n FROM objectives o JOIN axes ax ON ax.id = o.axis_id WHERE true",
        ),
        under(
            "SELECT count(*) AS n FROM actions a JOIN objectives o ON o.id = a.objective_id \
             JOIN axes ax ON ax.id = o.axis_id WHERE true",
        ),
        under(
            "SELECT count(*) AS n FROM indicators i JOIN actions a ON a.id = i.action_id \
             JOIN objectives o ON o.id = a.objective_id JOIN axes ax ON ax.id = o.axis_id \
             WHERE true",
        ),
        under(
            "SELECT count(*) AS n FROM measurements m JOIN indicators i ON i.id = m.indicator_id \
             JOIN actions a ON a.id = i.action_id JOIN objectives o ON o.id = a.objective_id \
             JOIN axes ax ON ax.id = o.axis_id WHERE true",
        ),
    ]
}

/// Every difference between two JSON documents, by path: an empty list when they are equal.
fn differences(path: &str, left: &Value, right: &Value, found: &mut Vec<String>) {
    match (left, right) {
        (Value::Object(l), Value::Object(r)) => {
            for key in l.keys().chain(r.keys().filter(|k| !l.contains_key(*k))) {
                let null = Value::Null;
                let (a, b) = (l.get(key), r.get(key));
                if a.is_none() || b.is_none() {
                    found.push(format!("{path}.{key}: present on one side only"));
                    continue;
                }
                differences(
                    &format!("{path}.{key}"),
                    a.unwrap_or(&null),
                    b.unwrap_or(&null),
                    found,
                );
            }
        }
        (Value::Array(l), Value::Array(r)) => {
            if l.len() != r.len() {
                found.push(format!("{path}: {} items against {}", l.len(), r.len()));
            }
            for (i, (a, b)) in l.iter().zip(r).enumerate() {
                differences(&format!("{path}[{i}]"), a, b, found);
            }
        }
        (a, b) if a != b => found.push(format!("{path}: {a} against {b}")),
        _ => {}
    }
}

fn assert_same_document(left: &Value, right: &Value) {
    let mut found = Vec::new();
    differences("$", left, right, &mut found);
    assert!(
        found.is_empty(),
        "{} difference(s):\n{}",
        found.len(),
        found.join("\n")
    );
}

/// The fiche with this code, as the actions API gives it.
async fn action(app: &TestApp, convention: &str, code: &str) -> Value {
    let response = app
        .get(&format!(
            "/api/v1/conventions/{convention}/actions?q={code}"
        ))
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    response.body["items"]
        .as_array()
        .and_then(|items| items.iter().find(|a| a["code"] == code))
        .unwrap_or_else(|| panic!("no fiche {code}"))
        .clone()
}

/// The demo document's ref of each partner id, through the partners' names.
async fn refs_by_id(app: &TestApp) -> HashMap<String, String> {
    let by_name: HashMap<String, String> = demo()["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["ref"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let partners = app.get("/api/v1/partners?limit=200").await;
    assert_eq!(partners.status, 200);
    partners.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            let reference = by_name.get(p["name"].as_str()?)?;
            Some((p["id"].as_str()?.to_string(), reference.clone()))
        })
        .collect()
}

#[test]
fn committed_schema_matches_the_code() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/convention-exchange.schema.json"
    );
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == ctg::exchange::schema::document_text(),
        "openapi/convention-exchange.schema.json is out of date: regenerate it with\n\n    \
         cargo run -q -- exchange-schema > openapi/convention-exchange.schema.json\n"
    );
}

#[test]
fn the_schema_describes_what_the_demo_document_holds() {
    let schema = ctg::exchange::schema::document();
    let document = demo();
    let top: Vec<&String> = document.as_object().unwrap().keys().collect();
    let properties = schema["properties"].as_object().unwrap();
    for key in top {
        assert!(properties.contains_key(key), "{key} is not in the schema");
    }
    let action = &document["axes"][0]["objectives"][0]["actions"][0];
    let action_properties = schema["$defs"]["ExchangeAction"]["properties"]
        .as_object()
        .unwrap();
    for key in action.as_object().unwrap().keys() {
        assert!(action_properties.contains_key(key), "action.{key}");
    }
    assert_eq!(
        schema["$defs"]["ExchangeAction"]["additionalProperties"],
        false
    );
}

#[actix_web::test]
async fn the_demo_plan_imports_whole_and_exports_as_itself() {
    let app = TestApp::spawn().await;
    let document = demo();
    let started = Instant::now();
    let response = app.post(IMPORT, &document).await;
    let import_time = started.elapsed();
    assert_eq!(response.status, 201, "{}", response.text);
    let id = response.id();
    assert_eq!(
        response.header("location"),
        Some(format!("/api/v1/conventions/{id}").as_str())
    );
    assert_eq!(response.header("etag"), Some("\"1\""));
    assert_eq!(
        response.body["name"],
        "Convention Territoriale Globale des Services aux Familles 2022-2026"
    );
    assert_eq!(response.body["status"], "active");
    assert_eq!(response.body["signatory_ids"].as_array().unwrap().len(), 4);
    assert_eq!(
        response.body["associated_partner_ids"]
            .as_array()
            .unwrap()
            .len(),
        5
    );

    assert_eq!(plan_rows(&app, &id), [5, 17, 45, 231, 6]);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM partners"), 77);
    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) AS n FROM committees WHERE convention_id = '{id}'")
        ),
        5
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM action_links"),
        count_links(&document)
    );
    // The importer recorded the measurements.
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM measurements m JOIN users u ON u.id = m.recorded_by \
             WHERE u.email = 'admin@ctg.test'"
        ),
        6
    );

    let started = Instant::now();
    let exported = app.get(&export_path(&id)).await;
    let export_time = started.elapsed();
    assert_eq!(exported.status, 200, "{}", exported.text);
    assert_same_document(&exported.body, &document);
    eprintln!("demo plan over HTTP: import {import_time:?}, export {export_time:?}");
}

fn count_links(document: &Value) -> i64 {
    let mut links = 0;
    for axis in document["axes"].as_array().unwrap() {
        for objective in axis["objectives"].as_array().unwrap() {
            for action in objective["actions"].as_array().unwrap() {
                links += action["linked_actions"].as_array().unwrap().len() as i64;
            }
        }
    }
    links
}

#[actix_web::test]
async fn real_fiches_read_as_the_plan_writes_them() {
    let app = TestApp::spawn().await;
    let id = import(&app, &demo()).await;
    let refs = refs_by_id(&app).await;
    let reference = |id: &Value| {
        id.as_str()
            .map(|id| refs.get(id).cloned().unwrap_or_else(|| format!("?{id}")))
    };

    // 2.4.2: « Coordination jeunesse/CTG, Bicoque », both the CCQB: one pilot.
    let fiche = action(&app, &id, "2.4.2").await;
    let pilots: Vec<(Option<String>, Value)> = fiche["pilots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (reference(&p["partner_id"]), p["note"].clone()))
        .collect();
    assert_eq!(
        pilots,
        [(
            Some("ccqb".to_string()),
            json!("Coordination jeunesse/CTG ; Bicoque")
        )]
    );
    assert_eq!(fiche["priority"], true);

    // 1.2.1: eight steps, the fourth (« crèche ? RPE ? ») without a pilot.
    let fiche = action(&app, &id, "1.2.1").await;
    let step_pilots: Vec<Option<String>> = fiche["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| reference(&s["pilot_partner_id"]))
        .collect();
    let ccqb = || Some("ccqb".to_string());
    assert_eq!(
        step_pilots,
        [ccqb(), ccqb(), ccqb(), None, ccqb(), ccqb(), ccqb(), ccqb()]
    );

    // 3.1.1 is marked « + » in the axe 3 diagram.
    assert_eq!(action(&app, &id, "3.1.1").await["priority"], true);
    // 4.1.4's schedule: « initier l'action en 2024 », open-ended.
    let fiche = action(&app, &id, "4.1.4").await;
    assert_eq!(fiche["start_year"], 2024);
    assert_eq!(fiche["end_year"], Value::Null);

    // Every fiche says through the API what the document says.
    let document = demo();
    for axis in document["axes"].as_array().unwrap() {
        for objective in axis["objectives"].as_array().unwrap() {
            for entry in objective["actions"].as_array().unwrap() {
                let code = format!(
                    "{}.{}.{}",
                    axis["number"], objective["number"], entry["number"]
                );
                let fiche = action(&app, &id, &code).await;
                for field in [
                    "title",
                    "priority",
                    "status",
                    "context",
                    "shared_findings",
                    "expected_results",
                    "inhabitants_role",
                    "resources",
                    "linked_plans",
                    "start_year",
                    "end_year",
                    "schedule_note",
                ] {
                    assert_eq!(fiche[field], entry[field], "{code} {field}");
                }
                let roles = |list: &Value, key: &str| -> Vec<(Option<String>, Value)> {
                    list.as_array()
                        .unwrap()
                        .iter()
                        .map(|p| {
                            let partner = match key {
                                "partner" => p["partner"].as_str().map(str::to_string),
                                _ => reference(&p[key]),
                            };
                            (partner, p["note"].clone())
                        })
                        .collect()
                };
                assert_eq!(
                    roles(&fiche["pilots"], "partner_id"),
                    roles(&entry["pilots"], "partner"),
                    "{code} pilots"
                );
                assert_eq!(
                    roles(&fiche["partners"], "partner_id"),
                    roles(&entry["partners"], "partner"),
                    "{code} partners"
                );
            }
        }
    }
}

/// A convention built through the API, with something of every kind: partners and committees
/// without refs, links, steps with pilots and statuses, indicators of several kinds and
/// frequencies with their measurements.
async fn build_convention(app: &TestApp) -> String {
    let created = |response: TestResponse| {
        assert_eq!(response.status, 201, "{}", response.text);
        response.id()
    };
    let partner = |name: &'static str, acronym: Option<&'static str>, kind: &'static str| async move {
        created(
            app.post(
                "/api/v1/partners",
                &json!({"name": name, "acronym": acronym, "kind": kind}),
            )
            .await,
        )
    };
    let caf = partner("Caf de l'Aveyron", Some("CAF"), "caf").await;
    let commune = partner("Commune de Rignac", None, "commune").await;
    let centre = partner("Centre social Rignac", Some("CSR"), "association").await;
    let ecole = partner("École de Rignac", None, "public_body").await;

    let convention = created(
        app.post(
            "/api/v1/conventions",
            &json!({
                "name": "CTG du Pays Rignacois 2023-2027", "territory": "Pays Rignacois",
                "start_year": 2023, "end_year": 2027, "status": "active",
                "signatory_ids": [caf, commune], "associated_partner_ids": [ecole]
            }),
        )
        .await,
    );
    let axis = |number: i32, description: Option<&'static str>| {
        let convention = convention.clone();
        async move {
            created(
                app.post(
                    &format!("/api/v1/conventions/{convention}/axes"),
                    &json!({"number": number, "title": format!("Axe {number}"), "description": description}),
                )
                .await,
            )
        }
    };
    let axis2 = axis(2, None).await;
    let axis1 = axis(1, Some("Les familles d'abord")).await;
    let objective = |axis: String, number: i32| async move {
        created(
            app.post(
                &format!("/api/v1/axes/{axis}/objectives"),
                &json!({"number": number, "title": format!("Objectif {number}")}),
            )
            .await,
        )
    };
    let objective11 = objective(axis1.clone(), 1).await;
    let objective21 = objective(axis2.clone(), 1).await;
    let new_action = |objective: String, body: Value| async move {
        created(
            app.post(&format!("/api/v1/objectives/{objective}/actions"), &body)
                .await,
        )
    };
    let action211 = new_action(
        objective21.clone(),
        json!({"number": 1, "title": "Un lieu pour les jeunes"}),
    )
    .await;
    let action111 = new_action(
        objective11.clone(),
        json!({
            "number": 1, "title": "Soutenir les parents", "priority": true,
            "status": "in_progress", "progress": 40,
            "context": "Deux paragraphes.\nLe second.",
            "shared_findings": ["Peu d'offre", "Des parents isolés"],
            "expected_results": ["Des ateliers réguliers"],
            "steps": [
                {"text": "Recenser l'offre", "pilot_partner_id": centre, "status": "done"},
                {"text": "Lancer les ateliers", "status": "in_progress"},
                {"text": "Évaluer", "pilot_partner_id": commune}
            ],
            "pilots": [{"partner_id": centre, "note": "référente famille"}, {"partner_id": commune}],
            "partners": [{"partner_id": caf, "note": "financeur"}, {"partner_id": centre, "note": "lieu"}],
            "inhabitants_role": "Les parents co-construisent",
            "resources": {"financial": ["REAAP"], "human": ["Une animatrice"]},
            "linked_action_ids": [action211],
            "linked_plans": ["PEDT"],
            "start_year": 2023, "end_year": 2025, "schedule_note": "fin 2025"
        }),
    )
    .await;
    new_action(
        objective11.clone(),
        json!({"number": 2, "title": "Relais", "linked_action_ids": [action111, action211]}),
    )
    .await;

    let indicator = |action: String, body: Value| async move {
        created(
            app.post(&format!("/api/v1/actions/{action}/indicators"), &body)
                .await,
        )
    };
    let measure = |indicator: String, body: Value| async move {
        created(
            app.post(
                &format!("/api/v1/indicators/{indicator}/measurements"),
                &body,
            )
            .await,
        )
    };
    let count = indicator(
        action111.clone(),
        json!({
            "type": "realisation", "label": "Nombre d'ateliers", "kind": "count", "unit": "ateliers",
            "baseline_value": 4, "baseline_period": "2022", "target_value": 12,
            "target_period": "2026", "source": "Bilan du centre social"
        }),
    )
    .await;
    measure(
        count.clone(),
        json!({"period": "2024", "value": 9, "comment": "Bonne année", "source": "Bilan 2024"}),
    )
    .await;
    measure(count, json!({"period": "2023", "value": 6})).await;
    let level = indicator(
        action111.clone(),
        json!({
            "type": "resultat", "label": "Satisfaction des parents", "kind": "level",
            "frequency": "quarterly", "scale_min": 1, "scale_max": 5, "target_value": 4.5
        }),
    )
    .await;
    measure(level, json!({"period": "2024-Q2", "value": 3.5})).await;
    let decrease = indicator(
        action111.clone(),
        json!({
            "type": "impact", "label": "Taux de décrochage", "kind": "percentage",
            "direction": "decrease", "frequency": "semiannual", "baseline_value": 12.5,
            "target_value": 8
        }),
    )
    .await;
    measure(decrease, json!({"period": "2024-S2", "value": 10.25})).await;
    let boolean = indicator(
        action211.clone(),
        json!({"type": "realisation", "label": "Lieu ouvert", "kind": "boolean", "frequency": "monthly"}),
    )
    .await;
    measure(boolean, json!({"period": "2025-03", "value": true})).await;
    let text = indicator(
        action211.clone(),
        json!({"type": "resultat", "label": "Ce que disent les jeunes", "kind": "text"}),
    )
    .await;
    measure(text, json!({"period": "2025", "value": "Un lieu à eux"})).await;

    for body in [
        json!({"name": "COPIL", "kind": "copil", "member_partner_ids": [caf, commune]}),
        json!({"name": "Comité jeunesse", "kind": "thematic", "axis_ids": [axis2], "member_partner_ids": [centre]}),
        json!({"name": "Comité familles", "kind": "thematic", "axis_ids": [axis1, axis2]}),
    ] {
        created(
            app.post(
                &format!("/api/v1/conventions/{convention}/committees"),
                &body,
            )
            .await,
        );
    }
    convention
}

#[actix_web::test]
async fn import_of_an_export_exports_the_same_document() {
    let app = TestApp::spawn().await;
    let original = build_convention(&app).await;
    let first = app.get(&export_path(&original)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let x = first.body;
    // Refs were derived, the others kept in their order.
    let refs: Vec<&str> = x["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["ref"].as_str().unwrap())
        .collect();
    assert_eq!(refs, ["caf", "commune-de-rignac", "ecole-de-rignac", "csr"]);
    assert_eq!(x["committees"][1]["ref"], "comite-jeunesse");
    assert_eq!(x["committees"][2]["axes"], json!([1, 2]));
    assert_eq!(x["axes"][0]["number"], 1);
    let fiche = &x["axes"][0]["objectives"][0]["actions"][0];
    assert_eq!(fiche["linked_actions"], json!(["2.1.1"]));
    assert_eq!(fiche["steps"][0]["pilot"], "csr");
    let measurements = &fiche["indicators"][0]["measurements"];
    assert_eq!(measurements[0]["period"], "2023");
    assert_eq!(fiche["indicators"][1]["scale_max"], json!(5));
    assert_eq!(
        fiche["indicators"][2]["measurements"][0]["value"],
        json!(10.25)
    );

    let copy = import(&app, &x).await;
    assert_ne!(copy, original);
    // Same names: the same partners, none created.
    assert_eq!(count(&app, "SELECT count(*) AS n FROM partners"), 4);
    let second = app.get(&export_path(&copy)).await;
    assert_eq!(second.status, 200, "{}", second.text);
    assert_same_document(&second.body, &x);
    assert_eq!(plan_rows(&app, &copy), plan_rows(&app, &original));

    // And once more into a database that has none of these partners.
    let elsewhere = TestApp::spawn().await;
    let moved = import(&elsewhere, &x).await;
    assert_eq!(count(&elsewhere, "SELECT count(*) AS n FROM partners"), 4);
    let third = elsewhere.get(&export_path(&moved)).await;
    assert_same_document(&third.body, &x);
}

#[actix_web::test]
async fn partners_are_matched_by_name_whatever_the_case() {
    let app = TestApp::spawn().await;
    let existing = fixtures::partner(&app, "communauté de communes quercy bouriane", "epci").await;
    let id = import(&app, &demo()).await;
    assert_eq!(count(&app, "SELECT count(*) AS n FROM partners"), 77);
    let convention = app.get(&format!("/api/v1/conventions/{id}")).await;
    assert_eq!(convention.body["signatory_ids"][1], existing["id"]);
    // The shared partner is not changed by an import; the document keeps its ref.
    let exported = app.get(&export_path(&id)).await;
    assert_eq!(
        exported.body["partners"][1],
        json!({"ref": "ccqb", "name": "communauté de communes quercy bouriane", "acronym": null, "kind": "epci"})
    );
    // One audit entry per partner created, one for the convention with what came with it.
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'partner' AND operation = 'create'"
        ),
        77
    );
    let audit = app
        .get(&format!(
            "/api/v1/conventions/{id}/audit?entity_type=convention"
        ))
        .await;
    assert_eq!(audit.status, 200, "{}", audit.text);
    let entries = audit.body["items"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{}", audit.text);
    assert_eq!(entries[0]["operation"], "create");
    assert_eq!(
        entries[0]["changes"]["imported"]["new"],
        json!({
            "partners_created": 76, "partners_reused": 1, "committees": 5, "axes": 5,
            "objectives": 17, "actions": 45, "indicators": 231, "measurements": 6
        })
    );
}

/// Nothing of a refused document is written.
fn assert_nothing_written(app: &TestApp) {
    for table in [
        "conventions",
        "partners",
        "axes",
        "actions",
        "indicators",
        "committees",
    ] {
        assert_eq!(
            count(app, &format!("SELECT count(*) AS n FROM {table}")),
            0,
            "{table}"
        );
    }
}

#[actix_web::test]
async fn faults_are_named_by_their_json_path_and_nothing_is_written() {
    let app = TestApp::spawn().await;

    // A value out of its vocabulary, deep in the plan.
    let mut document = demo();
    document["axes"][1]["objectives"][0]["actions"][2]["indicators"][3]["kind"] = json!("nombre");
    let response = app.post(IMPORT, &document).await;
    assert_eq!(response.status, 422, "{}", response.text);
    assert_eq!(
        response.error_fields(),
        ["axes[1].objectives[0].actions[2].indicators[3].kind"]
    );

    // Faults only the whole document reveals: every one reported at once.
    let mut document = demo();
    document["partners"][5]["ref"] = json!("ccqb");
    document["convention"]["signatories"][2] = json!("mairie-inconnue");
    document["axes"][0]["objectives"][1]["number"] = json!(1);
    let action = &mut document["axes"][1]["objectives"][0]["actions"][3];
    action["pilots"][0]["partner"] = json!("personne");
    action["steps"][0]["pilot"] = json!("personne-non-plus");
    action["linked_actions"] = json!(["9.9.9"]);
    action["title"] = json!("   ");
    let indicator = &mut document["axes"][0]["objectives"][0]["actions"][0]["indicators"][0];
    indicator["measurements"][0]["value"] = json!(-3);
    indicator["measurements"][1]["period"] = json!("2024-Q1");
    document["axes"][0]["objectives"][0]["actions"][0]["indicators"][1]["measurements"] =
        json!([{"period": "2030", "value": true}]);
    document["committees"][2]["axes"] = json!([7]);
    document["committees"][0]["axes"] = json!([1]);
    let response = app.post(IMPORT, &document).await;
    assert_eq!(response.status, 422, "{}", response.text);
    assert_eq!(response.problem_code(), "validation_failed");
    let fields = response.error_fields();
    for expected in [
        "partners[5].ref",
        "convention.signatories[2]",
        "axes[0].objectives[1].number",
        "axes[1].objectives[0].actions[3].pilots[0].partner",
        "axes[1].objectives[0].actions[3].steps[0].pilot",
        "axes[1].objectives[0].actions[3].linked_actions[0]",
        "axes[1].objectives[0].actions[3].title",
        "axes[0].objectives[0].actions[0].indicators[0].measurements[0].value",
        "axes[0].objectives[0].actions[0].indicators[0].measurements[1].period",
        "axes[0].objectives[0].actions[0].indicators[1].measurements[0].period",
        "committees[2].axes[0]",
        "committees[0].axes",
    ] {
        assert!(
            fields.iter().any(|f| f == expected),
            "{expected} not named in {fields:?}"
        );
    }
    assert_nothing_written(&app);

    // A measurement given twice for one period.
    let mut document = demo();
    let measurements =
        &mut document["axes"][0]["objectives"][0]["actions"][0]["indicators"][0]["measurements"];
    measurements[1]["period"] = json!("2023");
    let response = app.post(IMPORT, &document).await;
    assert_eq!(response.status, 422, "{}", response.text);
    assert_eq!(
        response.error_fields(),
        ["axes[0].objectives[0].actions[0].indicators[0].measurements[1].period"]
    );

    // Unknown fields and other formats.
    let mut document = demo();
    document["axes"][0]["colour"] = json!("bleu");
    let response = app.post(IMPORT, &document).await;
    assert_eq!(response.status, 400, "{}", response.text);
    assert_eq!(response.error_fields(), ["axes[0].colour"]);
    let mut document = demo();
    document["format_version"] = json!(2);
    let response = app.post(IMPORT, &document).await;
    assert_eq!(response.status, 422, "{}", response.text);
    assert_eq!(response.error_fields(), ["format_version"]);
    let response = app
        .raw(
            "POST",
            IMPORT,
            &[("Content-Type", "application/json")],
            b"{\"format\": ",
        )
        .await;
    assert_eq!(response.status, 400);
    assert_nothing_written(&app);
}

#[actix_web::test]
async fn the_import_takes_a_real_plan_and_refuses_more_than_four_mebibytes() {
    let app = TestApp::spawn().await;
    assert!(
        DEMO.len() > 64 * 1024,
        "the demo plan exceeds the ordinary limit"
    );
    let too_large = vec![b' '; 4 * 1024 * 1024 + 1];
    let response = app
        .raw(
            "POST",
            IMPORT,
            &[("Content-Type", "application/json")],
            &too_large,
        )
        .await;
    assert_eq!(response.status, 413, "{}", response.text);
    assert_eq!(response.problem_code(), "payload_too_large");
    // Just under the limit is read (and refused for what it is, not for its size).
    let mut padded = DEMO.as_bytes().to_vec();
    padded.resize(4 * 1024 * 1024, b' ');
    let response = app
        .raw(
            "POST",
            IMPORT,
            &[("Content-Type", "application/json")],
            &padded,
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    // Other routes keep the ordinary limit.
    let response = app
        .raw(
            "POST",
            "/api/v1/partners",
            &[("Content-Type", "application/json")],
            DEMO.as_bytes(),
        )
        .await;
    assert_eq!(response.status, 413);
}

#[actix_web::test]
async fn coordinators_and_admins_import_coordinators_and_the_reporting_client_export() {
    let app = TestApp::spawn().await;
    let demo_id = import(&app, &demo()).await;
    let other = fixtures::convention(&app).await["id"]
        .as_str()
        .unwrap()
        .to_string();

    // A coordinator of any convention imports, and steers what they imported.
    let (_, coordinator) = member(&app, &other, "coordinator", None, None).await;
    let mut document = demo();
    document["convention"]["name"] = json!("CTG importée par une coordinatrice");
    let response = app.as_user(&coordinator).post(IMPORT, &document).await;
    assert_eq!(response.status, 201, "{}", response.text);
    let theirs = response.id();
    let read = app
        .as_user(&coordinator)
        .get(&format!("/api/v1/conventions/{theirs}/memberships"))
        .await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.body["items"][0]["role"], "coordinator");
    assert_eq!(
        app.as_user(&coordinator)
            .get(&export_path(&theirs))
            .await
            .status,
        200
    );

    // Other roles do not import.
    for role in ["viewer", "pilot", "copil", "reporting"] {
        let (_, token) = member(&app, &demo_id, role, None, None).await;
        let response = app.as_user(&token).post(IMPORT, &document).await;
        assert_eq!(response.status, 403, "{role}: {}", response.text);
    }
    assert_eq!(app.anonymous().post(IMPORT, &document).await.status, 401);

    // Export: coordinators, the reporting client, admins; other members 403; others 404.
    let allowed = [
        ("coordinator", 200),
        ("reporting", 200),
        ("copil", 403),
        ("viewer", 403),
        ("pilot", 403),
    ];
    for (role, status) in allowed {
        let (_, token) = member(&app, &demo_id, role, None, None).await;
        let response = app.as_user(&token).get(&export_path(&demo_id)).await;
        assert_eq!(response.status, status, "{role}: {}", response.text);
    }
    let response = app.as_user(&coordinator).get(&export_path(&demo_id)).await;
    assert_eq!(response.status, 404, "{}", response.text);
    let response = app
        .get(&export_path("00000000-0000-7000-8000-000000000000"))
        .await;
    assert_eq!(response.status, 404);
    assert_eq!(
        app.anonymous().get(&export_path(&demo_id)).await.status,
        401
    );
}

/// `ctg` run on the test database, as a person runs it.
fn ctg(db: &crate::support::TestDb, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ctg"))
        .args(args)
        .env("DATABASE_URL", db.url())
        .env("CTG_LOG_FORMAT", "text")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run ctg")
}

#[test]
fn the_command_line_imports_and_exports_the_demo_plan_byte_for_byte() {
    let db = crate::support::TestDb::new();
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../demo/ctg-quercy-bouriane-2022-2026.json"
    );
    let imported = ctg(&db, &["import", file]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let id = String::from_utf8(imported.stdout)
        .unwrap()
        .trim()
        .to_string();
    assert!(id.parse::<uuid::Uuid>().is_ok(), "{id}");
    // The CLI records measurements for nobody.
    assert_eq!(
        db.count("SELECT count(*) AS n FROM measurements WHERE recorded_by IS NULL"),
        6
    );
    let exported = ctg(&db, &["export", &id]);
    assert!(exported.status.success());
    assert!(
        exported.stdout == DEMO.as_bytes(),
        "`ctg export` differs from the demo file"
    );

    // A faulty document: every fault on stderr by its path, a failure status, nothing written.
    let mut document = demo();
    document["axes"][0]["objectives"][0]["actions"][1]["pilots"][0]["partner"] = json!("x");
    document["committees"][1]["members"][0] = json!("y");
    let faulty = std::env::temp_dir().join(format!("ctg-faulty-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&faulty, serde_json::to_vec(&document).unwrap()).unwrap();
    let refused = ctg(&db, &["import", faulty.to_str().unwrap()]);
    let _ = std::fs::remove_file(&faulty);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("axes[0].objectives[0].actions[1].pilots[0].partner: no partner")
            && stderr.contains("committees[1].members[0]: no partner"),
        "{stderr}"
    );
    assert_eq!(db.count("SELECT count(*) AS n FROM conventions"), 1);
    let missing = ctg(&db, &["export", "00000000-0000-7000-8000-000000000000"]);
    assert!(!missing.status.success());
}

//! Measurements: each rule of a period and a value, one measurement per period, corrections
//! with `If-Match` kept in the audit log, `from`/`to`, `Idempotency-Key`, who may record, and
//! the batch (dry run, all or nothing, every row reported).

use chrono::Datelike;
use diesel::prelude::*;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::support::auth::member;
use crate::support::fixtures::{self, Plan};
use crate::support::{TestApp, TestResponse};

/// Inserts an indicator directly: the indicators API is not what these tests are about.
fn indicator(
    app: &TestApp,
    action: &str,
    kind: &str,
    frequency: &str,
    scale: Option<(f64, f64)>,
) -> String {
    use ctg::db::schema::indicators;
    let id = Uuid::now_v7();
    diesel::insert_into(indicators::table)
        .values((
            indicators::id.eq(id),
            indicators::action_id.eq(action.parse::<Uuid>().unwrap()),
            indicators::position.eq(0),
            indicators::type_.eq("realisation"),
            indicators::label.eq(format!("Indicateur {kind} {frequency}")),
            indicators::kind.eq(kind),
            indicators::direction.eq("increase"),
            indicators::frequency.eq(frequency),
            indicators::scale_min.eq(scale.map(|s| s.0)),
            indicators::scale_max.eq(scale.map(|s| s.1)),
        ))
        .execute(&mut app.db.conn())
        .expect("insert an indicator");
    id.to_string()
}

fn path(indicator: &str) -> String {
    format!("/api/v1/indicators/{indicator}/measurements")
}

fn batch_path(convention: &str) -> String {
    format!("/api/v1/conventions/{convention}/measurements/batch")
}

async fn record(app: &TestApp, indicator: &str, body: Value) -> TestResponse {
    app.post(&path(indicator), &body).await
}

fn measurements(app: &TestApp) -> i64 {
    app.db.count("SELECT count(*) AS n FROM measurements")
}

/// The single message a 422 gives for `field`.
fn message(response: &TestResponse, field: &str) -> String {
    assert_eq!(response.status, 422, "{}", response.text);
    assert_eq!(response.problem_code(), "validation_failed");
    assert_eq!(response.error_fields(), [field], "{}", response.text);
    response.body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn setup() -> (TestApp, Plan) {
    let app = TestApp::spawn().await;
    let plan = fixtures::plan(&app).await;
    (app, plan)
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().unwrap().to_string()
}

#[actix_web::test]
async fn a_measurement_is_recorded_read_and_listed() {
    let (app, plan) = setup().await;
    let count = indicator(&app, &plan.action, "count", "annual", None);
    let created = record(
        &app,
        &count,
        json!({"period": "2024", "value": 12, "comment": "Année de lancement", "source": "Bilan RPE 2024"}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.id();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/measurements/{id}").as_str())
    );
    assert_eq!(created.etag(), "\"1\"");
    let me = app.get("/api/v1/me").await;
    let body = &created.body;
    assert_eq!(body["indicator_id"], count.as_str());
    assert_eq!(body["action_id"], plan.action.as_str());
    assert_eq!(body["convention_id"], plan.convention.as_str());
    assert_eq!(body["period"], "2024");
    assert_eq!(body["value"], json!(12));
    assert_eq!(body["comment"], "Année de lancement");
    assert_eq!(body["source"], "Bilan RPE 2024");
    assert_eq!(body["recorded_by"], me.body["id"]);
    assert_eq!(body["version"], 1);
    for field in ["recorded_at", "created_at", "updated_at"] {
        assert!(body[field].is_string(), "{field}");
    }
    // The period's first day is stored for ordering and filters.
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM measurements WHERE id = '{id}' AND period_start = '2024-01-01'"
        )),
        1
    );

    let read = app.get(&format!("/api/v1/measurements/{id}")).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.etag(), "\"1\"");
    assert_eq!(read.body, created.body);

    let list = app.get(&path(&count)).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["items"][0], created.body);

    let audit = app
        .db
        .count("SELECT count(*) AS n FROM audit_log WHERE entity_type = 'measurement' AND operation = 'create'");
    assert_eq!(audit, 1);

    let missing = app.get(&path(&Uuid::now_v7().to_string())).await;
    assert_eq!(missing.status, 404);
    let missing = app
        .get(&format!("/api/v1/measurements/{}", Uuid::now_v7()))
        .await;
    assert_eq!(missing.status, 404);
    let nowhere = record(
        &app,
        &Uuid::now_v7().to_string(),
        json!({"period": "2024", "value": 1}),
    )
    .await;
    assert_eq!(nowhere.status, 404);
}

#[actix_web::test]
async fn a_period_has_the_indicators_frequency() {
    let (app, plan) = setup().await;
    let cases = [
        (
            "annual",
            "2024",
            ["2024-Q1", "2024-S1", "24"],
            "must be an annual period such as 2024",
        ),
        (
            "semiannual",
            "2024-S1",
            ["2024", "2024-S3", "2024-Q1"],
            "must be a semiannual period such as 2024-S1",
        ),
        (
            "quarterly",
            "2024-Q2",
            ["2024-03", "2024-Q5", "2024-q2"],
            "must be a quarterly period such as 2024-Q2",
        ),
        (
            "monthly",
            "2024-03",
            ["2024-3", "2024-13", "mars 2024"],
            "must be a monthly period such as 2024-03",
        ),
    ];
    for (frequency, good, bad, expected) in cases {
        let id = indicator(&app, &plan.action, "count", frequency, None);
        for period in bad {
            let refused = record(&app, &id, json!({"period": period, "value": 1})).await;
            assert_eq!(
                message(&refused, "period"),
                expected,
                "{frequency} {period}"
            );
        }
        let accepted = record(&app, &id, json!({"period": good, "value": 1})).await;
        assert_eq!(accepted.status, 201, "{frequency}: {}", accepted.text);
        assert_eq!(accepted.body["period"], good);
    }
    let annual = indicator(&app, &plan.action, "count", "annual", None);
    let not_text = record(&app, &annual, json!({"period": 2024, "value": 1})).await;
    assert_eq!(not_text.status, 422);
    assert_eq!(not_text.error_fields(), ["period"]);
    let missing = record(&app, &annual, json!({"value": 1})).await;
    assert_eq!(message(&missing, "period"), "is required");
    assert_eq!(measurements(&app), 4);
}

#[actix_web::test]
async fn a_period_lies_within_the_conventions_years() {
    let (app, plan) = setup().await;
    let annual = indicator(&app, &plan.action, "count", "annual", None);
    let quarterly = indicator(&app, &plan.action, "count", "quarterly", None);
    for (id, period) in [
        (&annual, "2021"),
        (&quarterly, "2021-Q4"),
        (&annual, "2027"),
    ] {
        let refused = record(&app, id, json!({"period": period, "value": 1})).await;
        assert_eq!(
            message(&refused, "period"),
            "must lie within the convention's years (2022 to 2026)",
            "{period}"
        );
    }
    for (id, period) in [(&annual, "2022"), (&quarterly, "2022-Q1")] {
        let accepted = record(&app, id, json!({"period": period, "value": 1})).await;
        assert_eq!(accepted.status, 201, "{period}: {}", accepted.text);
    }
}

#[actix_web::test]
async fn a_period_after_the_current_one_in_paris_is_refused() {
    let app = TestApp::spawn().await;
    let today = ctg::time::today();
    let year = today.year();
    let convention = app
        .post(
            "/api/v1/conventions",
            &json!({"name": "CTG en cours", "territory": "Quercy Bouriane",
                    "start_year": year - 1, "end_year": year + 1}),
        )
        .await;
    assert_eq!(convention.status, 201, "{}", convention.text);
    let axis = fixtures::axis(&app, &convention.id(), 1).await;
    let objective = fixtures::objective(&app, &id_of(&axis), 1).await;
    let action = fixtures::action(&app, &id_of(&objective), 1, "Accueil").await;
    let action = id_of(&action);

    let month = today.month();
    let quarter = (month - 1) / 3 + 1;
    let next_month = if month == 12 {
        format!("{}-01", year + 1)
    } else {
        format!("{year}-{:02}", month + 1)
    };
    let next_quarter = if quarter == 4 {
        format!("{}-Q1", year + 1)
    } else {
        format!("{year}-Q{}", quarter + 1)
    };
    let cases = [
        ("annual", year.to_string(), (year + 1).to_string()),
        ("quarterly", format!("{year}-Q{quarter}"), next_quarter),
        ("monthly", format!("{year}-{month:02}"), next_month),
    ];
    for (frequency, current, next) in cases {
        let id = indicator(&app, &action, "count", frequency, None);
        let refused = record(&app, &id, json!({"period": next, "value": 1})).await;
        assert_eq!(
            message(&refused, "period"),
            format!("must not be after the current period ({current})"),
            "{frequency}"
        );
        // The current period is open: its value so far may be recorded.
        let accepted = record(&app, &id, json!({"period": current, "value": 1})).await;
        assert_eq!(accepted.status, 201, "{frequency}: {}", accepted.text);
    }
}

/// An indicator's kind and scale, values accepted (with what is stored) and values refused (with
/// the message).
type KindCase = (
    &'static str,
    Option<(f64, f64)>,
    Vec<(Value, Value)>,
    Vec<(Value, &'static str)>,
);

#[actix_web::test]
async fn a_value_follows_the_indicators_kind() {
    let (app, plan) = setup().await;
    let cases: Vec<KindCase> = vec![
        (
            "count",
            None,
            vec![
                (json!(0), json!(0)),
                (json!(12), json!(12)),
                (json!(3.0), json!(3)),
            ],
            vec![
                (json!(-1), "must be a non-negative integer"),
                (json!(2.5), "must be a non-negative integer"),
                (json!("12"), "must be a non-negative integer"),
                (json!(null), "must be a non-negative integer"),
            ],
        ),
        (
            "percentage",
            None,
            vec![
                (json!(0), json!(0)),
                (json!(100), json!(100)),
                (json!(55.5), json!(55.5)),
            ],
            vec![
                (json!(100.5), "must be a number between 0 and 100"),
                (json!(-0.1), "must be a number between 0 and 100"),
                (json!(true), "must be a number between 0 and 100"),
            ],
        ),
        (
            "level",
            Some((1.0, 5.0)),
            vec![
                (json!(1), json!(1)),
                (json!(5), json!(5)),
                (json!(3.5), json!(3.5)),
            ],
            vec![
                (
                    json!(0),
                    "must be a number between 1 and 5 (the indicator's scale)",
                ),
                (
                    json!(6),
                    "must be a number between 1 and 5 (the indicator's scale)",
                ),
                (
                    json!("haut"),
                    "must be a number between 1 and 5 (the indicator's scale)",
                ),
            ],
        ),
        (
            "boolean",
            None,
            vec![(json!(true), json!(true)), (json!(false), json!(false))],
            vec![
                (json!("oui"), "must be true or false"),
                (json!(1), "must be true or false"),
            ],
        ),
        (
            "text",
            None,
            vec![(
                json!("Dynamique partenariale confirmée"),
                json!("Dynamique partenariale confirmée"),
            )],
            vec![
                (json!(""), "must be a non-empty text"),
                (json!("  "), "must be a non-empty text"),
                (json!(5), "must be a non-empty text"),
            ],
        ),
        (
            "amount",
            None,
            vec![(json!(1250.75), json!(1250.75))],
            vec![(json!(-5), "must be a non-negative number")],
        ),
    ];
    for (kind, scale, accepted, refused) in cases {
        let id = indicator(&app, &plan.action, kind, "monthly", scale);
        for (value, expected) in refused {
            let response = record(&app, &id, json!({"period": "2024-01", "value": value})).await;
            assert_eq!(message(&response, "value"), expected, "{kind} {value}");
        }
        for (month, (value, stored)) in (1..).zip(accepted) {
            let period = format!("2024-{month:02}");
            let response = record(&app, &id, json!({"period": period, "value": value})).await;
            assert_eq!(response.status, 201, "{kind} {value}: {}", response.text);
            assert_eq!(response.body["value"], stored, "{kind} {value}");
            let read = app
                .get(&format!("/api/v1/measurements/{}", response.id()))
                .await;
            assert_eq!(read.body["value"], stored, "{kind} {value} read back");
        }
    }
    let count = indicator(&app, &plan.action, "count", "annual", None);
    let missing = record(&app, &count, json!({"period": "2024"})).await;
    assert_eq!(message(&missing, "value"), "is required");
    // Every field at fault at once.
    let both = record(
        &app,
        &count,
        json!({"period": "2024-Q1", "value": -1, "source": " "}),
    )
    .await;
    assert_eq!(both.status, 422);
    assert_eq!(both.error_fields(), ["period", "value", "source"]);
}

#[actix_web::test]
async fn comment_and_source_are_optional_texts() {
    let (app, plan) = setup().await;
    let count = indicator(&app, &plan.action, "count", "annual", None);
    let blank = record(
        &app,
        &count,
        json!({"period": "2022", "value": 1, "comment": " "}),
    )
    .await;
    assert_eq!(message(&blank, "comment"), "must not be blank");
    let long = record(
        &app,
        &count,
        json!({"period": "2022", "value": 1, "source": "é".repeat(501)}),
    )
    .await;
    assert_eq!(message(&long, "source"), "must be at most 500 characters");
    let unknown = record(
        &app,
        &count,
        json!({"period": "2022", "value": 1, "unit": "x"}),
    )
    .await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.problem_code(), "unknown_field");
    let bare = record(
        &app,
        &count,
        json!({"period": "2022", "value": 1, "comment": null}),
    )
    .await;
    assert_eq!(bare.status, 201, "{}", bare.text);
    assert_eq!(bare.body["comment"], Value::Null);
    assert_eq!(bare.body["source"], Value::Null);
}

#[actix_web::test]
async fn a_second_measurement_for_the_same_period_is_a_conflict() {
    let (app, plan) = setup().await;
    let count = indicator(&app, &plan.action, "count", "quarterly", None);
    let first = record(&app, &count, json!({"period": "2024-Q2", "value": 4})).await;
    assert_eq!(first.status, 201);
    let second = record(&app, &count, json!({"period": "2024-Q2", "value": 5})).await;
    assert_eq!(second.status, 409, "{}", second.text);
    assert_eq!(second.problem_code(), "duplicate_period");
    // Another indicator may have the same period.
    let other = indicator(&app, &plan.action, "count", "quarterly", None);
    let third = record(&app, &other, json!({"period": "2024-Q2", "value": 5})).await;
    assert_eq!(third.status, 201);
    assert_eq!(measurements(&app), 2);
}

#[actix_web::test]
async fn a_correction_needs_if_match_and_the_audit_log_keeps_the_old_value() {
    let (app, plan) = setup().await;
    let count = indicator(&app, &plan.action, "count", "annual", None);
    let created = record(
        &app,
        &count,
        json!({"period": "2024", "value": 12, "comment": "Provisoire"}),
    )
    .await;
    let id = created.id();
    let url = format!("/api/v1/measurements/{id}");
    let (coordinator_id, coordinator) =
        member(&app, &plan.convention, "coordinator", None, None).await;
    let as_coordinator = app.as_user(&coordinator);

    let unconditional = as_coordinator
        .patch(&url, None, &json!({"value": 15}))
        .await;
    assert_eq!(unconditional.status, 428);
    assert_eq!(unconditional.problem_code(), "if_match_required");
    let stale = as_coordinator
        .patch(&url, Some("\"7\""), &json!({"value": 15}))
        .await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.etag(), "\"1\"");
    let wrong = as_coordinator
        .patch(&url, Some("\"1\""), &json!({"value": -3}))
        .await;
    assert_eq!(message(&wrong, "value"), "must be a non-negative integer");
    let cleared = as_coordinator
        .patch(&url, Some("\"1\""), &json!({"value": null}))
        .await;
    assert_eq!(message(&cleared, "value"), "may not be null");
    let moved = as_coordinator
        .patch(&url, Some("\"1\""), &json!({"period": "2023"}))
        .await;
    assert!(
        message(&moved, "period").starts_with("cannot be changed (this measurement is for 2024)"),
        "{}",
        moved.text
    );

    let corrected = as_coordinator
        .patch(
            &url,
            Some("\"1\""),
            &json!({"value": 15, "comment": null, "source": "Bilan définitif", "period": "2024"}),
        )
        .await;
    assert_eq!(corrected.status, 200, "{}", corrected.text);
    assert_eq!(corrected.etag(), "\"2\"");
    let body = &corrected.body;
    assert_eq!(body["value"], 15);
    assert_eq!(body["comment"], Value::Null);
    assert_eq!(body["source"], "Bilan définitif");
    assert_eq!(body["version"], 2);
    assert_eq!(body["recorded_by"], coordinator_id.as_str());
    assert!(body["recorded_at"].as_str() > created.body["recorded_at"].as_str());
    assert_eq!(body["created_at"], created.body["created_at"]);

    // A second correction: the log holds every value the measurement ever had.
    let again = as_coordinator
        .patch(&url, Some("\"2\""), &json!({"value": 16}))
        .await;
    assert_eq!(again.status, 200);
    let changes: Vec<Value> = {
        use ctg::db::schema::audit_log;
        audit_log::table
            .filter(audit_log::entity_type.eq("measurement"))
            .filter(audit_log::entity_id.eq(id.parse::<Uuid>().unwrap()))
            .filter(audit_log::operation.eq("update"))
            .order(audit_log::id)
            .select(audit_log::changes)
            .load(&mut app.db.conn())
            .unwrap()
    };
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["value"], json!({"old": 12, "new": 15}));
    assert_eq!(
        changes[0]["comment"],
        json!({"old": "Provisoire", "new": null})
    );
    assert_eq!(changes[0]["recorded_by"]["new"], coordinator_id.as_str());
    assert_eq!(changes[1]["value"], json!({"old": 15, "new": 16}));

    let audit = app
        .get(&format!(
            "/api/v1/conventions/{}/audit?entity_type=measurement&entity_id={id}",
            plan.convention
        ))
        .await;
    assert_eq!(audit.status, 200, "{}", audit.text);
    assert_eq!(audit.body["total"], 3);
}

#[actix_web::test]
async fn a_measurement_is_deleted_with_if_match() {
    let (app, plan) = setup().await;
    let count = indicator(&app, &plan.action, "count", "annual", None);
    let id = record(&app, &count, json!({"period": "2023", "value": 3}))
        .await
        .id();
    let url = format!("/api/v1/measurements/{id}");
    assert_eq!(app.delete(&url, None).await.status, 428);
    assert_eq!(app.delete(&url, Some("\"2\"")).await.status, 412);
    assert_eq!(app.delete(&url, Some("\"1\"")).await.status, 204);
    assert_eq!(app.get(&url).await.status, 404);
    assert_eq!(app.delete(&url, Some("\"1\"")).await.status, 404);
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_id = '{id}' AND operation = 'delete' \
             AND changes->'value'->>'old' = '3'"
        )),
        1
    );
    // The period is free again.
    let again = record(&app, &count, json!({"period": "2023", "value": 4})).await;
    assert_eq!(again.status, 201);
}

#[actix_web::test]
async fn from_and_to_select_periods_of_any_frequency() {
    let (app, plan) = setup().await;
    let quarterly = indicator(&app, &plan.action, "count", "quarterly", None);
    // Recorded out of order: the list is in period order.
    for year in [2024, 2023] {
        for quarter in [4, 1, 3, 2] {
            let period = format!("{year}-Q{quarter}");
            let response = record(
                &app,
                &quarterly,
                json!({"period": period, "value": quarter}),
            )
            .await;
            assert_eq!(response.status, 201, "{}", response.text);
        }
    }
    let periods = |response: &TestResponse| -> Vec<String> {
        assert_eq!(response.status, 200, "{}", response.text);
        response.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["period"].as_str().unwrap().to_string())
            .collect()
    };
    let all = app.get(&path(&quarterly)).await;
    assert_eq!(
        periods(&all),
        ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    );
    let cases = [
        (
            "?from=2023-Q3&to=2024",
            vec![
                "2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4",
            ],
        ),
        ("?from=2024-02", vec!["2024-Q2", "2024-Q3", "2024-Q4"]),
        ("?from=2024-04", vec!["2024-Q2", "2024-Q3", "2024-Q4"]),
        ("?to=2023-S1", vec!["2023-Q1", "2023-Q2"]),
        ("?to=2023-04", vec!["2023-Q1", "2023-Q2"]),
        ("?from=2023-S2&to=2023-S2", vec!["2023-Q3", "2023-Q4"]),
        ("?from=2024&to=2024-Q1", vec!["2024-Q1"]),
        ("?from=2025", vec![]),
    ];
    for (query, expected) in cases {
        let response = app.get(&format!("{}{query}", path(&quarterly))).await;
        assert_eq!(periods(&response), expected, "{query}");
        assert_eq!(response.body["total"], expected.len(), "{query}");
    }
    let page = app
        .get(&format!(
            "{}?from=2023-Q2&limit=2&offset=1",
            path(&quarterly)
        ))
        .await;
    assert_eq!(periods(&page), ["2023-Q3", "2023-Q4"]);
    assert_eq!(page.body["total"], 7);
    assert_eq!(page.body["limit"], 2);
    assert_eq!(page.body["offset"], 1);

    for (query, field) in [
        ("?from=2024-13", "from"),
        ("?to=T1", "to"),
        ("?from=2024&to=2023-Q4", "to"),
    ] {
        let refused = app.get(&format!("{}{query}", path(&quarterly))).await;
        assert_eq!(refused.status, 400, "{query}: {}", refused.text);
        assert_eq!(refused.problem_code(), "invalid_query");
        assert_eq!(refused.error_fields(), [field], "{query}");
    }
}

#[actix_web::test]
async fn a_retry_with_the_same_key_replays_the_first_answer() {
    let (app, plan) = setup().await;
    let count = indicator(&app, &plan.action, "count", "annual", None);
    let key = [("Idempotency-Key", "saisie-2024-rpe")];
    let body = json!({"period": "2024", "value": 12});
    let first = app.post_with(&path(&count), &key, &body).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let replay = app.post_with(&path(&count), &key, &body).await;
    assert_eq!(replay.status, 201, "{}", replay.text);
    assert_eq!(replay.body, first.body);
    assert_eq!(replay.header("location"), first.header("location"));
    assert_eq!(replay.etag(), first.etag());
    assert_eq!(measurements(&app), 1);

    let other = app
        .post_with(&path(&count), &key, &json!({"period": "2024", "value": 13}))
        .await;
    assert_eq!(other.status, 422, "{}", other.text);
    assert_eq!(other.error_fields(), ["Idempotency-Key"]);
    // Without the key, the same body is a second measurement of the period.
    let unkeyed = app.post(&path(&count), &body).await;
    assert_eq!(unkeyed.status, 409);
    // A failed request does not use its key up.
    let fixed_key = [("Idempotency-Key", "saisie-2023")];
    let failed = app
        .post_with(
            &path(&count),
            &fixed_key,
            &json!({"period": "2023", "value": -1}),
        )
        .await;
    assert_eq!(failed.status, 422);
    let fixed = app
        .post_with(
            &path(&count),
            &fixed_key,
            &json!({"period": "2023", "value": 1}),
        )
        .await;
    assert_eq!(fixed.status, 201, "{}", fixed.text);
}

#[actix_web::test]
async fn a_key_is_its_senders_own_and_never_replays_to_someone_else() {
    let (app, plan) = setup().await;
    let count = indicator(&app, &plan.action, "count", "annual", None);
    let key = [("Idempotency-Key", "saisie-2024-partagee")];
    let body = json!({"period": "2024", "value": 12, "comment": "chiffre interne"});
    let first = app.post_with(&path(&count), &key, &body).await;
    assert_eq!(first.status, 201, "{}", first.text);

    // The same key and body from someone else is their own request, checked against their
    // rights: a viewer may not record (403), an outsider does not see the convention (404).
    let (_, viewer) = member(&app, &plan.convention, "viewer", None, None).await;
    let refused = app
        .as_user(&viewer)
        .post_with(&path(&count), &key, &body)
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let elsewhere = fixtures::convention(&app).await;
    let (_, outsider) = member(&app, &id_of(&elsewhere), "coordinator", None, None).await;
    let hidden = app
        .as_user(&outsider)
        .post_with(&path(&count), &key, &body)
        .await;
    assert_eq!(hidden.status, 404, "{}", hidden.text);
    assert!(!hidden.text.contains("chiffre interne"));
    // A coordinator, who may record, makes a new request: the period already has its value.
    let (_, coordinator) = member(&app, &plan.convention, "coordinator", None, None).await;
    let second = app
        .as_user(&coordinator)
        .post_with(&path(&count), &key, &body)
        .await;
    assert_eq!(second.status, 409, "{}", second.text);
    assert_eq!(second.problem_code(), "duplicate_period");
    assert_eq!(measurements(&app), 1);
}

#[actix_web::test]
async fn a_key_still_in_flight_is_a_conflict() {
    use diesel::connection::SimpleConnection;
    let (app, plan) = setup().await;
    let count = indicator(&app, &plan.action, "count", "annual", None);
    let path = path(&count);
    // Hold the lock the first request's transaction would hold while it runs.
    let mut first = app.db.conn();
    // Keys are the sender's: the lock is named after the signed-in user, then the route.
    let me = app.get("/api/v1/me").await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    first
        .batch_execute(&format!(
            "SELECT pg_advisory_lock(hashtextextended('{me} POST {path}' || ' ' || 'busy-key', 0))"
        ))
        .unwrap();
    let second = app
        .post_with(
            &path,
            &[("Idempotency-Key", "busy-key")],
            &json!({"period": "2024", "value": 1}),
        )
        .await;
    assert_eq!(second.status, 409, "{}", second.text);
    assert_eq!(second.problem_code(), "idempotency_key_in_use");
    assert_eq!(measurements(&app), 0);
}

/// A convention with an action piloted by the MJC under axis 1 (which the thematic committee
/// covers) and one piloted by the Mission Locale under axis 2, each with an annual indicator.
struct Roles {
    app: TestApp,
    convention: String,
    mjc: String,
    mission_locale: String,
    committee: String,
    /// The MJC's indicator (axis 1).
    own: String,
    /// The Mission Locale's indicator (axis 2).
    other: String,
}

async fn roles() -> Roles {
    let (app, plan) = setup().await;
    let mjc = id_of(&fixtures::partner(&app, "MJC de Gourdon", "association").await);
    let mission_locale =
        id_of(&fixtures::partner(&app, "Mission Locale du Lot", "association").await);
    let axis2 = id_of(&fixtures::axis(&app, &plan.convention, 2).await);
    let objective2 = id_of(&fixtures::objective(&app, &axis2, 1).await);
    let action = |objective: String, number: i32, pilot: String| {
        let app = &app;
        async move {
            let response = app
                .post(
                    &format!("/api/v1/objectives/{objective}/actions"),
                    &json!({"number": number, "title": format!("Fiche {number}"),
                            "pilots": [{"partner_id": pilot}]}),
                )
                .await;
            assert_eq!(response.status, 201, "{}", response.text);
            response.id()
        }
    };
    let own_action = action(plan.objective.clone(), 2, mjc.clone()).await;
    let other_action = action(objective2, 1, mission_locale.clone()).await;
    let committee = app
        .post(
            &format!("/api/v1/conventions/{}/committees", plan.convention),
            &json!({"name": "Comité technique Enfance", "kind": "thematic", "axis_ids": [plan.axis]}),
        )
        .await;
    assert_eq!(committee.status, 201, "{}", committee.text);
    let own = indicator(&app, &own_action, "count", "monthly", None);
    let other = indicator(&app, &other_action, "count", "monthly", None);
    Roles {
        convention: plan.convention,
        committee: committee.id(),
        app,
        mjc,
        mission_locale,
        own,
        other,
    }
}

impl Roles {
    /// A member with `role`; the committee member works for the Mission Locale (which pilots
    /// the other action: piloting organisation is not the committee's scope).
    async fn token(&self, role: &str) -> String {
        let (partner, committee) = match role {
            "pilot" | "viewer" => (Some(self.mjc.as_str()), None),
            "committee" => (
                Some(self.mission_locale.as_str()),
                Some(self.committee.as_str()),
            ),
            _ => (None, None),
        };
        member(&self.app, &self.convention, role, partner, committee)
            .await
            .1
    }

    /// A signed-in user who is a member of another convention only.
    async fn outsider(&self) -> String {
        let elsewhere = fixtures::convention(&self.app).await;
        member(
            &self.app,
            &id_of(&elsewhere),
            "coordinator",
            Some(&self.mjc),
            None,
        )
        .await
        .1
    }
}

#[actix_web::test]
async fn who_may_record_read_correct_and_delete_follows_the_roles_table() {
    let world = roles().await;
    let app = &world.app;
    let mut month = 0;
    let mut body = || {
        month += 1;
        json!({"period": format!("2024-{month:02}"), "value": month})
    };
    let outsider = world.outsider().await;
    let mut failures = Vec::new();
    // (role, status on the MJC's indicator, status on the Mission Locale's)
    let expectations = [
        ("pilot", 201, 403),
        ("committee", 201, 403),
        ("coordinator", 201, 201),
        ("copil", 403, 403),
        ("viewer", 403, 403),
        ("reporting", 403, 403),
    ];
    let mut own_measurement = None;
    for (role, own, other) in expectations {
        let token = world.token(role).await;
        for (indicator, expected) in [(&world.own, own), (&world.other, other)] {
            let response = app.as_user(&token).post(&path(indicator), &body()).await;
            if response.status != expected {
                failures.push(format!(
                    "{role} POST: {} {}",
                    response.status, response.text
                ));
            }
            if response.status == 201 && own_measurement.is_none() {
                own_measurement = Some(response.id());
            }
            let list = app.as_user(&token).get(&path(indicator)).await;
            if list.status != 200 {
                failures.push(format!("{role} GET list: {}", list.status));
            }
        }
    }
    let outsider_post = app
        .as_user(&outsider)
        .post(&path(&world.own), &body())
        .await;
    assert_eq!(outsider_post.status, 404, "{}", outsider_post.text);
    assert_eq!(
        app.as_user(&outsider).get(&path(&world.own)).await.status,
        404
    );
    let anonymous = app.anonymous().post(&path(&world.own), &body()).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(app.anonymous().get(&path(&world.own)).await.status, 401);
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Corrections and deletions need the same right on the measurement's action.
    let own = app
        .post(&path(&world.own), &json!({"period": "2023-01", "value": 1}))
        .await;
    let other = app
        .post(
            &path(&world.other),
            &json!({"period": "2023-01", "value": 1}),
        )
        .await;
    let own_url = format!("/api/v1/measurements/{}", own.id());
    let other_url = format!("/api/v1/measurements/{}", other.id());
    let fix = json!({"value": 2});
    let pilot = world.token("pilot").await;
    let committee = world.token("committee").await;
    let copil = world.token("copil").await;
    let viewer = world.token("viewer").await;
    let reporting = world.token("reporting").await;
    assert_eq!(
        app.as_user(&pilot)
            .patch(&own_url, Some("*"), &fix)
            .await
            .status,
        200
    );
    assert_eq!(
        app.as_user(&pilot)
            .patch(&other_url, Some("*"), &fix)
            .await
            .status,
        403
    );
    assert_eq!(
        app.as_user(&committee)
            .patch(&own_url, Some("*"), &fix)
            .await
            .status,
        200
    );
    assert_eq!(
        app.as_user(&committee)
            .patch(&other_url, Some("*"), &fix)
            .await
            .status,
        403
    );
    assert_eq!(
        app.as_user(&copil)
            .patch(&own_url, Some("*"), &fix)
            .await
            .status,
        403
    );
    assert_eq!(
        app.as_user(&viewer)
            .patch(&own_url, Some("*"), &fix)
            .await
            .status,
        403
    );
    assert_eq!(
        app.as_user(&outsider)
            .patch(&own_url, Some("*"), &fix)
            .await
            .status,
        404
    );
    assert_eq!(
        app.anonymous()
            .patch(&own_url, Some("*"), &fix)
            .await
            .status,
        401
    );
    for token in [&viewer, &reporting, &copil] {
        assert_eq!(app.as_user(token).get(&own_url).await.status, 200);
    }
    assert_eq!(app.as_user(&outsider).get(&own_url).await.status, 404);
    assert_eq!(app.anonymous().get(&own_url).await.status, 401);
    assert_eq!(
        app.as_user(&copil).delete(&own_url, Some("*")).await.status,
        403
    );
    assert_eq!(
        app.as_user(&pilot)
            .delete(&other_url, Some("*"))
            .await
            .status,
        403
    );
    assert_eq!(
        app.as_user(&outsider)
            .delete(&own_url, Some("*"))
            .await
            .status,
        404
    );
    assert_eq!(
        app.as_user(&pilot).delete(&own_url, Some("*")).await.status,
        204
    );
    assert_eq!(
        app.as_user(&committee)
            .delete(&other_url, Some("*"))
            .await
            .status,
        403
    );
    let coordinator = world.token("coordinator").await;
    assert_eq!(
        app.as_user(&coordinator)
            .delete(&other_url, Some("*"))
            .await
            .status,
        204
    );
    assert!(own_measurement.is_some());
}

// ---- The batch ----

/// A batch request's rows for `indicator`, one per month of 2024 from January.
fn rows(indicator: &str, months: std::ops::RangeInclusive<u32>) -> Vec<Value> {
    months
        .map(|month| json!({"indicator_id": indicator, "period": format!("2024-{month:02}"), "value": month}))
        .collect()
}

fn statuses(response: &TestResponse) -> Vec<String> {
    response.body["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results: {}", response.text))
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn a_dry_run_checks_every_row_and_writes_nothing() {
    let (app, plan) = setup().await;
    let monthly = indicator(&app, &plan.action, "count", "monthly", None);
    let checked = app
        .post(
            &batch_path(&plan.convention),
            &json!({"dry_run": true, "measurements": rows(&monthly, 1..=3)}),
        )
        .await;
    assert_eq!(checked.status, 200, "{}", checked.text);
    assert_eq!(
        checked.body,
        json!({"dry_run": true, "valid": true, "results": [
            {"index": 0, "status": "ok"}, {"index": 1, "status": "ok"}, {"index": 2, "status": "ok"}
        ]})
    );
    let mut bad = rows(&monthly, 1..=3);
    bad[1]["value"] = json!(-1);
    let rejected = app
        .post(
            &batch_path(&plan.convention),
            &json!({"dry_run": true, "measurements": bad}),
        )
        .await;
    assert_eq!(rejected.status, 422, "{}", rejected.text);
    assert_eq!(rejected.header("content-type"), Some("application/json"));
    assert_eq!(rejected.body["dry_run"], true);
    assert_eq!(rejected.body["valid"], false);
    assert_eq!(statuses(&rejected), ["ok", "error", "ok"]);
    assert_eq!(measurements(&app), 0);
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM audit_log WHERE entity_type = 'measurement'"),
        0
    );
}

#[actix_web::test]
async fn one_bad_row_rejects_the_batch_and_every_row_is_reported() {
    let (app, plan) = setup().await;
    let monthly = indicator(&app, &plan.action, "count", "monthly", None);
    let level = indicator(&app, &plan.action, "level", "annual", Some((1.0, 4.0)));
    let elsewhere = fixtures::plan(&app).await;
    let foreign = indicator(&app, &elsewhere.action, "count", "annual", None);
    let batch = json!({"measurements": [
        {"indicator_id": monthly, "period": "2024-01", "value": 1},
        {"indicator_id": monthly, "period": "2024-Q1", "value": 1},
        {"indicator_id": level, "period": "2024", "value": 5, "comment": ""},
        {"indicator_id": Uuid::now_v7(), "period": "2024", "value": 1},
        {"indicator_id": foreign, "period": "2024", "value": 1},
        {"indicator_id": "pas-un-uuid", "period": 2024, "source": 3},
        {"indicator_id": level, "period": "2021", "value": 2},
        {"indicator_id": level, "period": "2025", "value": 4, "comment": "Objectif atteint"}
    ]});
    let rejected = app.post(&batch_path(&plan.convention), &batch).await;
    assert_eq!(rejected.status, 422, "{}", rejected.text);
    assert_eq!(rejected.body["dry_run"], false);
    assert_eq!(rejected.body["valid"], false);
    let results = rejected.body["results"].as_array().unwrap();
    assert_eq!(results.len(), 8);
    let errors = |index: usize| -> Vec<(String, String)> {
        results[index]["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        (
                            e["field"].as_str().unwrap().to_string(),
                            e["message"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(f, m)| (f.to_string(), m.to_string()))
            .collect()
    };
    assert_eq!(results[0], json!({"index": 0, "status": "ok"}));
    assert_eq!(
        errors(1),
        pairs(&[("period", "must be a monthly period such as 2024-03")])
    );
    assert_eq!(
        errors(2),
        pairs(&[
            (
                "value",
                "must be a number between 1 and 4 (the indicator's scale)"
            ),
            ("comment", "must not be blank")
        ])
    );
    assert_eq!(
        errors(3),
        pairs(&[("indicator_id", "no such indicator in this convention")])
    );
    assert_eq!(
        errors(4),
        pairs(&[("indicator_id", "no such indicator in this convention")])
    );
    assert_eq!(
        errors(5),
        pairs(&[
            ("indicator_id", "must be a UUID"),
            (
                "period",
                "must be a period such as 2024, 2024-S1, 2024-Q2 or 2024-03"
            ),
            ("value", "is required"),
            ("source", "must be a text")
        ])
    );
    assert_eq!(
        errors(6),
        pairs(&[(
            "period",
            "must lie within the convention's years (2022 to 2026)"
        )])
    );
    assert_eq!(results[7], json!({"index": 7, "status": "ok"}));
    assert_eq!(measurements(&app), 0);
}

#[actix_web::test]
async fn a_valid_batch_is_written_with_the_new_ids() {
    let (app, plan) = setup().await;
    let monthly = indicator(&app, &plan.action, "count", "monthly", None);
    let flag = indicator(&app, &plan.action, "boolean", "annual", None);
    let mut batch = rows(&monthly, 1..=3);
    batch.push(
        json!({"indicator_id": flag, "period": "2024", "value": true,
                      "comment": "Charte signée", "source": "CR du COPIL"}),
    );
    let written = app
        .post(
            &batch_path(&plan.convention),
            &json!({"dry_run": false, "measurements": batch}),
        )
        .await;
    assert_eq!(written.status, 201, "{}", written.text);
    assert_eq!(written.body["dry_run"], false);
    assert_eq!(written.body["valid"], true);
    assert_eq!(statuses(&written), ["ok"; 4]);
    let me = app.get("/api/v1/me").await;
    for (index, result) in written.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        assert_eq!(result["index"], index);
        assert!(result.get("errors").is_none());
        let read = app
            .get(&format!(
                "/api/v1/measurements/{}",
                result["id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(read.status, 200, "{}", read.text);
        assert_eq!(read.body["recorded_by"], me.body["id"]);
        assert_eq!(read.body["convention_id"], plan.convention.as_str());
        assert_eq!(read.body["action_id"], plan.action.as_str());
    }
    let flag_read = app
        .get(&format!(
            "/api/v1/measurements/{}",
            written.body["results"][3]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(flag_read.body["value"], true);
    assert_eq!(flag_read.body["comment"], "Charte signée");
    assert_eq!(flag_read.body["source"], "CR du COPIL");
    let list = app.get(&path(&monthly)).await;
    assert_eq!(list.body["total"], 3);
    assert_eq!(list.body["items"][1]["period"], "2024-02");
    assert_eq!(list.body["items"][1]["value"], 2);
    assert_eq!(measurements(&app), 4);
    assert_eq!(
        app.db.count(
            "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'measurement' \
             AND operation = 'create' AND convention_id IS NOT NULL \
             AND changes->'period'->>'new' IS NOT NULL"
        ),
        4
    );
}

#[actix_web::test]
async fn duplicates_against_stored_measurements_and_within_the_batch_are_row_errors() {
    let (app, plan) = setup().await;
    let annual = indicator(&app, &plan.action, "count", "annual", None);
    let quarterly = indicator(&app, &plan.action, "count", "quarterly", None);
    let stored = record(&app, &annual, json!({"period": "2024", "value": 7})).await;
    let batch = json!({"measurements": [
        {"indicator_id": annual, "period": "2024", "value": 8},
        {"indicator_id": quarterly, "period": "2024-Q1", "value": 1},
        {"indicator_id": annual, "period": "2023", "value": 6},
        {"indicator_id": quarterly, "period": "2024-Q1", "value": 2},
        {"indicator_id": quarterly, "period": "2024-Q1", "value": 3}
    ]});
    let rejected = app.post(&batch_path(&plan.convention), &batch).await;
    assert_eq!(rejected.status, 422, "{}", rejected.text);
    assert_eq!(statuses(&rejected), ["error", "ok", "ok", "error", "error"]);
    let results = &rejected.body["results"];
    assert_eq!(
        results[0]["errors"],
        json!([{"field": "period", "message": format!(
            "this indicator already has a measurement for 2024: correct it with PATCH /api/v1/measurements/{}",
            stored.id()
        )}])
    );
    for index in [3, 4] {
        assert_eq!(
            results[index]["errors"],
            json!([{"field": "period", "message": "repeats row 1: one measurement per indicator and period"}])
        );
    }
    assert_eq!(measurements(&app), 1);
}

#[actix_web::test]
async fn rows_the_caller_may_not_record_are_row_errors() {
    let world = roles().await;
    let app = &world.app;
    let path = batch_path(&world.convention);
    let batch = |own_period: &str| {
        json!({"measurements": [
            {"indicator_id": world.own, "period": own_period, "value": 1},
            {"indicator_id": world.other, "period": "2024-01", "value": 1},
            {"indicator_id": world.other, "period": "2024-02", "value": "x"}
        ]})
    };
    for (role, rejected_period, own_period) in [
        ("pilot", "2024-07", "2024-01"),
        ("committee", "2024-08", "2024-02"),
    ] {
        let token = world.token(role).await;
        let rejected = app
            .as_user(&token)
            .post(&path, &batch(rejected_period))
            .await;
        assert_eq!(rejected.status, 422, "{role}: {}", rejected.text);
        assert_eq!(statuses(&rejected), ["ok", "error", "error"], "{role}");
        let forbidden = json!({"field": "indicator_id", "message": "you may not record measurements for this action"});
        assert_eq!(
            rejected.body["results"][1]["errors"],
            json!([forbidden]),
            "{role}"
        );
        assert_eq!(
            rejected.body["results"][2]["errors"],
            json!([forbidden, {"field": "value", "message": "must be a non-negative integer"}]),
            "{role}"
        );
        // Only their own rows: written.
        let own_only = json!({"measurements": [
            {"indicator_id": world.own, "period": own_period, "value": 1}
        ]});
        let written = app.as_user(&token).post(&path, &own_only).await;
        assert_eq!(written.status, 201, "{role}: {}", written.text);
    }
    assert_eq!(measurements(app), 2);
    let coordinator = world.token("coordinator").await;
    let mut all = batch("2024-03");
    all["measurements"][2]["value"] = json!(4);
    let written = app.as_user(&coordinator).post(&path, &all).await;
    assert_eq!(written.status, 201, "{}", written.text);

    // Members who may record nothing at all are refused outright; strangers see nothing.
    for role in ["viewer", "copil", "reporting"] {
        let token = world.token(role).await;
        for dry_run in [true, false] {
            let refused = app
                .as_user(&token)
                .post(
                    &path,
                    &json!({"dry_run": dry_run, "measurements": rows(&world.own, 4..=4)}),
                )
                .await;
            assert_eq!(refused.status, 403, "{role}: {}", refused.text);
            assert_eq!(refused.problem_code(), "forbidden");
        }
    }
    let outsider = world.outsider().await;
    let hidden = app
        .as_user(&outsider)
        .post(&path, &json!({"measurements": rows(&world.own, 4..=4)}))
        .await;
    assert_eq!(hidden.status, 404);
    let nowhere = app
        .post(
            &batch_path(&Uuid::now_v7().to_string()),
            &json!({"measurements": rows(&world.own, 4..=4)}),
        )
        .await;
    assert_eq!(nowhere.status, 404);
    let anonymous = app
        .anonymous()
        .post(&path, &json!({"measurements": rows(&world.own, 4..=4)}))
        .await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(measurements(app), 5);
}

#[actix_web::test]
async fn a_batch_holds_one_to_a_thousand_rows() {
    let (app, plan) = setup().await;
    let path = batch_path(&plan.convention);
    let empty = app.post(&path, &json!({"measurements": []})).await;
    assert_eq!(
        message(&empty, "measurements"),
        "must hold at least one measurement"
    );
    // Rows are checked one by one: `{}` is a (bad) row, and 1001 of them fit in 64 KiB.
    let too_many = app
        .post(&path, &json!({"measurements": vec![json!({}); 1001]}))
        .await;
    assert_eq!(too_many.status, 400, "{}", too_many.text);
    assert_eq!(too_many.problem_code(), "too_many_measurements");
    let unknown = app
        .post(&path, &json!({"measurements": [{"indicator": "x"}]}))
        .await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.error_fields(), ["measurements[0].indicator"]);
    let missing = app.post(&path, &json!({"dry_run": true})).await;
    assert_eq!(message(&missing, "measurements"), "is required");
}

/// The 64 KiB body limit: how many rows of the shortest useful form a batch can carry (the
/// figure the API documentation gives), written in one request.
#[actix_web::test]
async fn seven_hundred_rows_fit_in_one_batch() {
    let (app, plan) = setup().await;
    // 12 monthly indicators × 58 months (2022-01 to 2026-10) = 696 rows, + 4 on a 13th.
    let indicators: Vec<String> = (0..13)
        .map(|_| indicator(&app, &plan.action, "count", "monthly", None))
        .collect();
    let mut batch = Vec::new();
    'fill: for indicator in &indicators {
        for year in 2022..=2026 {
            for month in 1..=12 {
                if batch.len() == 700 {
                    break 'fill;
                }
                if (year, month) > (2026, 10) {
                    continue;
                }
                batch.push(json!({"indicator_id": indicator, "period": format!("{year}-{month:02}"), "value": 100 + month}));
            }
        }
    }
    let body = json!({"measurements": batch});
    let size = serde_json::to_vec(&body).unwrap().len();
    assert!(size < 64 * 1024, "{size} bytes");
    let written = app.post(&batch_path(&plan.convention), &body).await;
    assert_eq!(written.status, 201, "{size} bytes: {}", written.text);
    assert_eq!(measurements(&app), 700);
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM audit_log WHERE entity_type = 'measurement'"),
        700
    );
    // The list pages through them in period order.
    let list = app
        .get(&format!("{}?limit=200", path(&indicators[0])))
        .await;
    assert_eq!(list.body["total"], 58);
    assert_eq!(list.body["items"][0]["period"], "2022-01");
    assert_eq!(list.body["items"][57]["period"], "2026-10");
}

#[actix_web::test]
async fn a_written_batch_is_replayed_for_its_idempotency_key() {
    let (app, plan) = setup().await;
    let monthly = indicator(&app, &plan.action, "count", "monthly", None);
    let path = batch_path(&plan.convention);
    let key = [("Idempotency-Key", "import-caf-2024-01")];
    let body = json!({"measurements": rows(&monthly, 1..=2)});
    // A dry run does not use the key up.
    let dry = app
        .post_with(
            &path,
            &key,
            &json!({"dry_run": true, "measurements": rows(&monthly, 1..=2)}),
        )
        .await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    let first = app.post_with(&path, &key, &body).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let replay = app.post_with(&path, &key, &body).await;
    assert_eq!(replay.status, 201, "{}", replay.text);
    assert_eq!(replay.body, first.body);
    assert_eq!(measurements(&app), 2);
    let other = app
        .post_with(&path, &key, &json!({"measurements": rows(&monthly, 3..=3)}))
        .await;
    assert_eq!(other.status, 422);
    assert_eq!(other.error_fields(), ["Idempotency-Key"]);
    // A rejected batch does not use its key up either.
    let retry_key = [("Idempotency-Key", "import-caf-2024-02")];
    let rejected = app.post_with(&path, &retry_key, &body).await;
    assert_eq!(rejected.status, 422);
    assert_eq!(statuses(&rejected), ["error", "error"]);
    let fixed = app
        .post_with(
            &path,
            &retry_key,
            &json!({"measurements": rows(&monthly, 3..=4)}),
        )
        .await;
    assert_eq!(fixed.status, 201, "{}", fixed.text);
    assert_eq!(measurements(&app), 4);
}

#[actix_web::test]
async fn a_batch_body_may_hold_a_thousand_commented_rows_but_not_more() {
    let (app, plan) = setup().await;
    let path = format!("/api/v1/conventions/{}/measurements/batch", plan.convention);
    let row = |i: usize| {
        json!({
            "indicator_id": uuid::Uuid::now_v7(), "period": "2024", "value": i,
            "comment": "Relevé transmis par le partenaire lors du comité technique de fin d'année, après consolidation.",
            "source": "Tableau de suivi du partenaire"
        })
    };
    let thousand: Vec<_> = (0..1000).map(row).collect();
    let body = json!({"dry_run": true, "measurements": thousand});
    assert!(
        body.to_string().len() > 200 * 1024,
        "well past the ordinary 64 KiB limit"
    );
    let accepted = app.post(&path, &body).await;
    assert_eq!(
        accepted.status, 422,
        "read and checked row by row, not refused whole"
    );
    assert_eq!(accepted.body["results"].as_array().unwrap().len(), 1000);

    let huge: Vec<_> = (0..1000)
        .map(|i| {
            let mut r = row(i);
            r["comment"] = json!("x".repeat(600));
            r
        })
        .collect();
    let too_large = app
        .post(&path, &json!({"dry_run": true, "measurements": huge}))
        .await;
    assert_eq!(too_large.status, 413);
}

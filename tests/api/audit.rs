//! Every write leaves an audit entry in its own transaction; the log reads back with filters,
//! for the roles allowed to read it, and cannot be changed.

use diesel::connection::SimpleConnection;
use serde_json::{json, Value};

use crate::support::auth::member;
use crate::support::{fixtures, TestApp};

async fn entries(app: &TestApp, convention: &str, query: &str) -> Vec<Value> {
    let response = app
        .get(&format!("/api/v1/conventions/{convention}/audit{query}"))
        .await;
    assert_eq!(response.status, 200, "{query}: {}", response.text);
    response.body["items"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn each_write_to_the_plan_is_logged_with_old_and_new_values() {
    let app = TestApp::spawn().await;
    let plan = fixtures::plan(&app).await;
    let action_path = format!("/api/v1/actions/{}", plan.action);
    let patched = app
        .patch(
            &action_path,
            Some("\"1\""),
            &json!({"status": "in_progress", "progress": 20}),
        )
        .await;
    assert_eq!(patched.status, 200);
    let extra = fixtures::objective(&app, &plan.axis, 2).await;
    let extra_path = format!("/api/v1/objectives/{}", extra["id"].as_str().unwrap());
    assert_eq!(app.delete(&extra_path, Some("\"1\"")).await.status, 204);

    let all = entries(&app, &plan.convention, "").await;
    let summary: Vec<(String, String)> = all
        .iter()
        .map(|e| {
            (
                e["entity_type"].as_str().unwrap().to_string(),
                e["operation"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Newest first.
    assert_eq!(
        summary,
        [
            ("objective", "delete"),
            ("objective", "create"),
            ("action", "update"),
            ("action", "create"),
            ("objective", "create"),
            ("axis", "create"),
            ("convention", "create"),
        ]
        .map(|(e, o)| (e.to_string(), o.to_string()))
    );
    let update = &all[2];
    assert_eq!(update["entity_id"], plan.action.as_str());
    assert_eq!(update["actor_name"], "Admin");
    assert_eq!(
        update["changes"],
        json!({"status": {"old": "planned", "new": "in_progress"}, "progress": {"old": null, "new": 20}}),
        "only what changed, never the version"
    );
    assert_eq!(
        all[0]["changes"]["title"]["old"], "Objectif 2",
        "a delete keeps the old values"
    );

    let only_actions = entries(&app, &plan.convention, "?entity_type=action").await;
    assert_eq!(only_actions.len(), 2);
    let one = entries(
        &app,
        &plan.convention,
        &format!("?entity_id={}", plan.action),
    )
    .await;
    assert_eq!(one.len(), 2);
    let actor = all[0]["actor_id"].as_str().unwrap();
    assert_eq!(
        entries(&app, &plan.convention, &format!("?actor={actor}"))
            .await
            .len(),
        7
    );
    let later = entries(&app, &plan.convention, "?since=2999-01-01T00:00:00Z").await;
    assert!(later.is_empty());
    let bad = app
        .get(&format!(
            "/api/v1/conventions/{}/audit?since=yesterday",
            plan.convention
        ))
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.error_fields(), ["since"]);
    // A misspelt entity type is refused, not answered with an empty log.
    let misspelt = app
        .get(&format!(
            "/api/v1/conventions/{}/audit?entity_type=notes",
            plan.convention
        ))
        .await;
    assert_eq!(misspelt.status, 400, "{}", misspelt.text);
    assert_eq!(misspelt.error_fields(), ["entity_type"]);
}

#[actix_web::test]
async fn a_refused_write_leaves_no_entry() {
    let app = TestApp::spawn().await;
    let plan = fixtures::plan(&app).await;
    let before = app.db.count("SELECT count(*) AS n FROM audit_log");
    let stale = app
        .patch(
            &format!("/api/v1/actions/{}", plan.action),
            Some("\"9\""),
            &json!({"progress": 5}),
        )
        .await;
    assert_eq!(stale.status, 412);
    let invalid = app
        .post(
            &format!("/api/v1/axes/{}/objectives", plan.axis),
            &json!({"number": 1, "title": "Doublon"}),
        )
        .await;
    assert_eq!(invalid.status, 409);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM audit_log"), before);
}

#[actix_web::test]
async fn partners_are_logged_outside_any_convention() {
    let app = TestApp::spawn().await;
    let partner = fixtures::partner(&app, "Mission Locale du Lot", "association").await;
    let path = format!("/api/v1/partners/{}", partner["id"].as_str().unwrap());
    app.patch(&path, Some("\"1\""), &json!({"acronym": "ML"}))
        .await;
    let logged = app.db.count(
        "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'partner' AND convention_id IS NULL",
    );
    assert_eq!(logged, 2);
}

#[actix_web::test]
async fn only_committee_copil_and_coordinator_members_read_the_log() {
    let app = TestApp::spawn().await;
    let plan = fixtures::plan(&app).await;
    let path = format!("/api/v1/conventions/{}/audit", plan.convention);
    for (role, expected) in [
        ("viewer", 403),
        ("pilot", 403),
        ("reporting", 403),
        ("copil", 200),
        ("coordinator", 200),
    ] {
        let (_, token) = member(&app, &plan.convention, role, None, None).await;
        assert_eq!(
            app.as_user(&token).get(&path).await.status,
            expected,
            "{role}"
        );
    }
    let other = fixtures::convention(&app).await;
    let (_, outsider) = member(
        &app,
        other["id"].as_str().unwrap(),
        "coordinator",
        None,
        None,
    )
    .await;
    assert_eq!(
        app.as_user(&outsider).get(&path).await.status,
        404,
        "another convention's coordinator"
    );
}

#[actix_web::test]
async fn the_database_refuses_to_change_or_remove_entries() {
    let app = TestApp::spawn().await;
    fixtures::plan(&app).await;
    let mut conn = app.db.conn();
    for statement in [
        "UPDATE audit_log SET operation = 'forged'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let error = conn.batch_execute(statement).expect_err(statement);
        assert!(
            error.to_string().contains("append-only"),
            "{statement}: {error}"
        );
    }
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM audit_log WHERE operation = 'forged'"),
        0
    );
    assert!(app.db.count("SELECT count(*) AS n FROM audit_log") >= 4);
}

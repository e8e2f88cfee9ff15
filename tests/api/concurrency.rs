//! No lost update: `If-Match` makes concurrent editors of one fiche take turns. Two editors of
//! the same version: exactly one wins, the other is told (412) and nothing of theirs is
//! written; fifty read-modify-write loops that retry on 412 all end applied.

use serde_json::{json, Value};

use crate::support::fixtures::{self, Plan};
use crate::support::{TestApp, TestResponse};

async fn patch_action(app: &TestApp, action: &str, etag: &str, body: Value) -> TestResponse {
    app.patch(&format!("/api/v1/actions/{action}"), Some(etag), &body)
        .await
}

#[actix_web::test]
async fn of_two_editors_of_one_version_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let Plan { action, .. } = fixtures::plan(&app).await;
    let read = app.get(&format!("/api/v1/actions/{action}")).await;
    let etag = read.etag();

    let (first, second) = futures_util::future::join(
        patch_action(&app, &action, &etag, json!({"title": "Version de Claire"})),
        patch_action(&app, &action, &etag, json!({"title": "Version de Karim"})),
    )
    .await;
    let mut statuses = [first.status, second.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412], "{} / {}", first.text, second.text);
    let (winner, loser) = if first.status == 200 {
        (first, second)
    } else {
        (second, first)
    };
    assert_eq!(loser.problem_code(), "version_mismatch");
    assert_eq!(
        loser.header("content-type"),
        Some("application/problem+json")
    );

    let stored = app.get(&format!("/api/v1/actions/{action}")).await;
    assert_eq!(stored.body["title"], winner.body["title"]);
    assert_eq!(stored.etag(), winner.etag());
    assert_eq!(
        stored.body["version"],
        read.body["version"].as_i64().unwrap() + 1
    );
}

/// Adds `plan` to the fiche's linked plans, reading again and retrying whenever another writer
/// got there first; returns how many attempts it took.
async fn add_linked_plan(app: &TestApp, action: &str, plan: String) -> usize {
    for attempt in 1..=200 {
        let read = app.get(&format!("/api/v1/actions/{action}")).await;
        assert_eq!(read.status, 200, "{}", read.text);
        let mut plans: Vec<Value> = read.body["linked_plans"].as_array().unwrap().clone();
        plans.push(json!(plan));
        let written = patch_action(app, action, &read.etag(), json!({"linked_plans": plans})).await;
        match written.status {
            200 => return attempt,
            412 => continue,
            other => panic!("unexpected {other}: {}", written.text),
        }
    }
    panic!("{plan}: never applied in 200 attempts");
}

#[actix_web::test]
async fn fifty_concurrent_read_modify_write_loops_all_apply() {
    let app = TestApp::spawn().await;
    let Plan { action, .. } = fixtures::plan(&app).await;
    let loops = (0..50).map(|n| add_linked_plan(&app, &action, format!("Plan n° {n}")));
    let attempts: Vec<usize> = futures_util::future::join_all(loops).await;

    let stored = app.get(&format!("/api/v1/actions/{action}")).await;
    let mut plans: Vec<String> = stored.body["linked_plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    plans.sort();
    let mut expected: Vec<String> = (0..50).map(|n| format!("Plan n° {n}")).collect();
    expected.sort();
    assert_eq!(plans, expected, "every writer's change is there, once");
    assert_eq!(stored.body["version"], 51, "one version per applied change");
    let retried = attempts.iter().filter(|&&a| a > 1).count();
    eprintln!(
        "50 writers: {} attempts in all, {retried} writers retried",
        attempts.iter().sum::<usize>()
    );
}

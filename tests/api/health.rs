use crate::support::{TestApp, TestDb};
use std::time::Duration;

use uuid::Uuid;

use ctg::db::PoolSettings;

#[actix_web::test]
async fn live_and_ready_with_a_database() {
    let app = TestApp::spawn().await;
    let live = app.get("/health/live").await;
    assert_eq!(live.status, 200);
    assert_eq!(live.body["status"], "ok");
    let ready = app.get("/health/ready").await;
    assert_eq!(ready.status, 200);
}

#[actix_web::test]
async fn not_ready_while_the_database_is_unreachable() {
    let app = TestApp::spawn().await;
    // A second app whose database URL points at a port where nothing listens.
    let unreachable = TestApp::spawn_with_database_url(
        TestDb::new(),
        "postgres://postgres@127.0.0.1:1/nowhere",
        PoolSettings {
            checkout_timeout: Duration::from_millis(300),
            ..PoolSettings::default()
        },
    );
    let ready = unreachable.get("/health/ready").await;
    assert_eq!(ready.status, 503);
    assert_eq!(ready.problem_code(), "service_unavailable");
    assert!(ready.header("retry-after").is_some());
    let live = unreachable.get("/health/live").await;
    assert_eq!(live.status, 200, "liveness does not depend on the database");
    // A well-signed token: the request gets as far as the database.
    let token =
        crate::support::auth::forge_token(&Uuid::now_v7().to_string(), &Uuid::now_v7().to_string());
    let list = unreachable.as_user(&token).get("/api/v1/partners").await;
    assert_eq!(list.status, 503);
    assert!(
        !list.text.contains("127.0.0.1"),
        "the cause is not echoed: {}",
        list.text
    );
    assert_eq!(app.get("/health/ready").await.status, 200);
}

#[actix_web::test]
async fn every_response_carries_the_security_headers_and_a_request_id() {
    let app = TestApp::spawn().await;
    for path in ["/health/live", "/api/v1/partners", "/api/v1/nowhere"] {
        let response = app.get(path).await;
        assert_eq!(
            response.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert!(
            response
                .header("x-request-id")
                .is_some_and(|id| !id.is_empty()),
            "{path}"
        );
    }
    let unknown = app.get("/api/v1/nowhere").await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.problem_code(), "no_such_route");
}

#[actix_web::test]
async fn a_documented_path_asked_with_another_method_is_405_with_allow() {
    let app = TestApp::spawn().await;
    for (method, path, allow) in [
        ("TRACE", "/api/v1/conventions", "GET, POST"),
        ("PUT", "/api/v1/conventions", "GET, POST"),
        ("DELETE", "/health/live", "GET"),
        ("POST", "/api/v1/me", "GET"),
        (
            "PUT",
            "/api/v1/axes/0190f1c2-0000-7000-8000-000000000000",
            "GET, PATCH, DELETE",
        ),
        // Also matched by `/conventions/{id}`, whose id it is not.
        ("PATCH", "/api/v1/conventions/import", "POST"),
        ("GET", "/api/v1/conventions/import", "POST"),
    ] {
        let response = app.raw(method, path, &[], b"").await;
        assert_eq!(response.status, 405, "{method} {path}: {}", response.text);
        assert_eq!(response.header("allow"), Some(allow), "{method} {path}");
        assert_eq!(response.problem_code(), "method_not_allowed");
    }
    // A path that is not documented, or an id that is not one, is still 404.
    assert_eq!(
        app.raw("TRACE", "/api/v1/nowhere", &[], b"").await.status,
        404
    );
    let not_an_id = app.get("/api/v1/axes/not-an-id").await;
    assert_eq!(not_an_id.status, 404);
    assert_eq!(not_an_id.problem_code(), "not_found");
}

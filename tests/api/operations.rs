//! What operators rely on: security headers and CORS on every route, Prometheus metrics without
//! label explosion, and structured JSON logs with request ids and no secrets.

use serde_json::{json, Value};

use crate::support::auth::{insert_user, TEST_PASSWORD};
use crate::support::process::ServerProcess;
use crate::support::{TestApp, TestDb};

const DASHBOARD: &str = "https://tableau.caf.test";

/// One path per kind of response: JSON, problem, SVG, the spec, the docs, unknown routes (the
/// API's and the docs').
const PATHS: [&str; 7] = [
    "/api/v1/partners",
    "/api/v1/conventions/0190f1c2-0000-7000-8000-000000000000",
    "/health/live",
    "/openapi.json",
    "/api/v1/nothing-here",
    "/docs/",
    "/docs/no-such-file.js",
];

async fn with_dashboard_allowed() -> TestApp {
    TestApp::spawn_configured(|state| state.with_http_settings(vec![DASHBOARD.to_string()], None))
        .await
}

#[actix_web::test]
async fn every_route_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    for path in PATHS {
        let response = app.raw("GET", path, &[], b"").await;
        for (name, value) in [
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "no-referrer"),
            ("cache-control", "no-store"),
        ] {
            assert_eq!(response.header(name), Some(value), "{name} on {path}");
        }
        assert!(response.header("strict-transport-security").is_some());
        let policy = response.header("content-security-policy").unwrap();
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        if response.status >= 400 {
            assert_eq!(
                response.header("content-type"),
                Some("application/problem+json"),
                "{path}"
            );
        }
        if path.starts_with("/docs") {
            assert!(policy.contains("script-src 'self'"), "{policy}");
        } else {
            assert!(policy.starts_with("default-src 'none'"), "{policy}");
            assert!(!policy.contains("script-src"), "{policy}");
        }
    }
}

#[actix_web::test]
async fn only_the_configured_origins_may_call_from_a_browser() {
    let app = with_dashboard_allowed().await;
    for path in PATHS {
        // A page of the dashboard may read the answer, and the headers it needs.
        let response = app.raw("GET", path, &[("Origin", DASHBOARD)], b"").await;
        assert_eq!(
            response.header("access-control-allow-origin"),
            Some(DASHBOARD),
            "{path}"
        );
        let exposed = response.header("access-control-expose-headers").unwrap();
        for header in ["etag", "location", "retry-after", "x-request-id"] {
            assert!(exposed.to_lowercase().contains(header), "{exposed}");
        }
        assert!(response
            .header("access-control-allow-credentials")
            .is_none());
        // A page of any other origin may not.
        let response = app
            .raw("GET", path, &[("Origin", "https://evil.test")], b"")
            .await;
        assert!(
            response.header("access-control-allow-origin").is_none(),
            "{path}"
        );
    }

    let preflight = |origin: &'static str| {
        let app = &app;
        async move {
            app.anonymous()
                .raw(
                    "OPTIONS",
                    "/api/v1/actions/0190f1c2-0000-7000-8000-000000000000",
                    &[
                        ("Origin", origin),
                        ("Access-Control-Request-Method", "PATCH"),
                        (
                            "Access-Control-Request-Headers",
                            "authorization, if-match, content-type",
                        ),
                    ],
                    b"",
                )
                .await
        }
    };
    let allowed = preflight(DASHBOARD).await;
    assert_eq!(allowed.status, 200, "{}", allowed.text);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some(DASHBOARD)
    );
    assert!(allowed
        .header("access-control-allow-methods")
        .unwrap()
        .contains("PATCH"));
    let refused = preflight("https://evil.test").await;
    assert!(refused.header("access-control-allow-origin").is_none());
    assert_eq!(refused.status, 400, "{}", refused.text);
    // Refused like every other error: problem+json, with the headers every response carries.
    assert_eq!(
        refused.header("content-type"),
        Some("application/problem+json")
    );
    assert_eq!(refused.problem_code(), "bad_request");
    assert!(refused.body["detail"].as_str().unwrap().contains("Origin"));
    assert_eq!(refused.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(allowed.header("x-content-type-options"), Some("nosniff"));

    // Without configuration, no origin at all.
    let closed = TestApp::spawn().await;
    let response = closed
        .raw("GET", "/api/v1/partners", &[("Origin", DASHBOARD)], b"")
        .await;
    assert_eq!(response.status, 200);
    assert!(response.header("access-control-allow-origin").is_none());
}

/// The value of a metric line `name{labels} value` whose labels contain all of `labels`.
fn metric(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|line| {
            line.starts_with(&format!("{name}{{")) || line.starts_with(&format!("{name} "))
        })
        .find(|line| labels.iter().all(|label| line.contains(label)))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

#[actix_web::test]
async fn metrics_count_routes_by_template_pool_state_and_failed_sign_ins() {
    let app = TestApp::spawn().await;
    let partner = app
        .post(
            "/api/v1/partners",
            &json!({"name": "Caf du Lot", "kind": "caf"}),
        )
        .await;
    assert_eq!(partner.status, 201);
    for _ in 0..3 {
        let response = app.get(&format!("/api/v1/partners/{}", partner.id())).await;
        assert_eq!(response.status, 200);
    }
    // A scanner: every path different, none a route.
    for n in 0..50 {
        let response = app.get(&format!("/wp-admin/{n}.php")).await;
        assert_eq!(response.status, 404);
    }
    // Invented methods answer as routes do, but are not counted: no series per method name.
    for n in 0..5 {
        let method = format!("XSCAN{n}");
        let response = app.raw(&method, "/api/v1/partners", &[], b"").await;
        assert_eq!(response.status, 405, "{method}");
        assert_eq!(response.header("allow"), Some("GET, POST"));
        let response = app.raw(&method, "/wp-login.php", &[], b"").await;
        assert_eq!(response.status, 404, "{method}");
    }
    let wrong = app
        .anonymous()
        .post(
            "/api/v1/auth/login",
            &json!({"email": "admin@ctg.test", "password": "not the password at all"}),
        )
        .await;
    assert_eq!(wrong.status, 401);

    let response = app.anonymous().get("/metrics").await;
    assert_eq!(response.status, 200);
    assert!(response
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    let text = &response.text;
    let by_template = metric(
        text,
        "ctg_http_requests_total",
        &[r#"endpoint="/api/v1/partners/{id}""#, r#"status="200""#],
    );
    assert_eq!(by_template, Some(3.0), "{text}");
    assert_eq!(
        metric(
            text,
            "ctg_http_requests_total",
            &[r#"endpoint="unmatched""#]
        ),
        Some(50.0)
    );
    assert!(!text.contains("wp-admin"), "raw paths never become labels");
    assert!(
        !text.contains("XSCAN"),
        "invented methods never become labels"
    );
    assert!(!text.contains(&partner.id()), "ids never become labels");
    assert!(metric(
        text,
        "ctg_http_requests_duration_seconds_count",
        &[r#"endpoint="/api/v1/partners/{id}""#]
    )
    .is_some());
    assert_eq!(
        metric(
            text,
            "ctg_login_failures_total",
            &[r#"reason="invalid_credentials""#]
        ),
        Some(1.0)
    );
    assert_eq!(metric(text, "ctg_db_pool_max_connections", &[]), Some(4.0));
    let connections = metric(text, "ctg_db_pool_connections", &[]).unwrap();
    let idle = metric(text, "ctg_db_pool_idle_connections", &[]).unwrap();
    assert!(connections >= 1.0 && idle <= connections, "{text}");
}

#[actix_web::test]
async fn a_metrics_token_closes_the_endpoint_to_others() {
    let token = ctg::config::Secret("scrape-me-please-0123456789abcdef".into());
    let app =
        TestApp::spawn_configured(|state| state.with_http_settings(vec![], Some(&token))).await;
    let anonymous = app.anonymous().get("/metrics").await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(
        anonymous.header("content-type"),
        Some("application/problem+json")
    );
    let wrong = app.as_user("not-the-token").get("/metrics").await;
    assert_eq!(wrong.status, 401);
    let right = app.as_user(&token.0).get("/metrics").await;
    assert_eq!(right.status, 200);
    assert!(right.text.contains("ctg_http_requests_total"));
}

#[actix_web::test]
async fn logs_are_json_lines_with_request_ids_and_no_secrets() {
    let db = TestDb::new();
    let email = "journal@ctg.test";
    insert_user(&db, email, "Journal", None, true);
    let database_password = db
        .url()
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .and_then(|(credentials, _)| credentials.split_once(':'))
        .map(|(_, password)| password.to_string());
    let mut server = ServerProcess::start(
        db.url(),
        &[],
        &[("CTG_LOG_FORMAT", "json"), ("RUST_LOG", "info")],
    );
    let client = awc::Client::default();
    let base = server.base.clone();
    let mut response = client
        .post(format!("{base}/api/v1/auth/login"))
        .send_json(&json!({"email": email, "password": TEST_PASSWORD}))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let tokens: Value = response.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_string();
    let response = client
        .get(format!("{base}/api/v1/me"))
        .insert_header(("Authorization", format!("Bearer {access}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let request_id = response
        .headers()
        .get("x-request-id")
        .expect("a request id")
        .to_str()
        .unwrap()
        .to_string();
    // A client that misplaces its token in the query string: refused, and not logged.
    let response = client
        .get(format!("{base}/api/v1/me?access_token={access}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let wrong_password = "Mauvais mot de passe 2024 !";
    let response = client
        .post(format!("{base}/api/v1/auth/login"))
        .send_json(&json!({"email": email, "password": wrong_password}))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert!(server.terminate(), "exits cleanly on SIGTERM");

    let lines = server.log_lines();
    assert!(!lines.is_empty());
    let entries: Vec<Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    let of_me: Vec<&Value> = entries
        .iter()
        .filter(|entry| entry.to_string().contains(&request_id))
        .collect();
    assert!(
        !of_me.is_empty(),
        "the request id is logged:\n{}",
        lines.join("\n")
    );
    assert!(of_me
        .iter()
        .any(|entry| entry.to_string().contains("/api/v1/me")));
    let all = lines.join("\n");
    let mut secrets = vec![
        TEST_PASSWORD.to_string(),
        wrong_password.to_string(),
        access.clone(),
        refresh,
        crate::support::TEST_JWT_SECRET.to_string(),
    ];
    // The signature alone would do to replay nothing, but no part of a token belongs in logs.
    secrets.push(access.rsplit('.').next().unwrap().to_string());
    secrets.extend(database_password);
    for secret in secrets {
        assert!(!all.contains(&secret), "a secret reached the logs");
    }
}

//! Limits that keep one client from hurting the others, each answered with problem+json: bodies
//! over the limit (413), page sizes over the cap and deeply nested JSON (400), statements cut by
//! `statement_timeout` and an exhausted pool (503 with `Retry-After`, within the checkout
//! timeout, the pool usable afterwards); hostile text stored as text.

use std::time::{Duration, Instant};

use serde_json::json;

use ctg::db::PoolSettings;

use crate::support::{fixtures, TableLock, TestApp, TestDb, TestResponse};

fn assert_problem(response: &TestResponse, status: u16, code: &str) {
    assert_eq!(response.status, status, "{}", response.text);
    assert_eq!(
        response.header("content-type"),
        Some("application/problem+json"),
        "{}",
        response.text
    );
    assert_eq!(response.problem_code(), code, "{}", response.text);
}

#[actix_web::test]
async fn a_body_over_the_limit_is_413_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let body = json!({"name": "Caf du Lot", "kind": "caf", "acronym": "x".repeat(70 * 1024)});
    let response = app.post("/api/v1/partners", &body).await;
    assert_problem(&response, 413, "payload_too_large");
    assert_eq!(app.db.count("SELECT count(*) AS n FROM partners"), 0);
}

#[actix_web::test]
async fn page_sizes_over_the_cap_are_400_naming_the_parameter() {
    let app = TestApp::spawn().await;
    for query in [
        "limit=201",
        "limit=0",
        "limit=-1",
        "offset=-5",
        "limit=many",
    ] {
        let response = app.get(&format!("/api/v1/partners?{query}")).await;
        assert_problem(&response, 400, "invalid_query");
        let field = query.split('=').next().unwrap();
        assert!(
            response.error_fields().contains(&field.to_string()) || response.text.contains(field),
            "{query}: {}",
            response.text
        );
    }
    let response = app.get("/api/v1/partners?limit=200").await;
    assert_eq!(response.status, 200);
}

#[actix_web::test]
async fn deeply_nested_json_is_400_not_a_crash() {
    let app = TestApp::spawn().await;
    for depth in [200, 30_000] {
        let nested = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let body = format!(r#"{{"name": "Caf", "kind": "caf", "acronym": {nested}}}"#);
        let response = app
            .raw(
                "POST",
                "/api/v1/partners",
                &[("Content-Type", "application/json")],
                body.as_bytes(),
            )
            .await;
        assert_eq!(response.status, 400, "depth {depth}: {}", response.text);
        assert_eq!(response.problem_code(), "malformed_json");
    }
    assert_eq!(app.db.count("SELECT count(*) AS n FROM partners"), 0);
    // Still serving.
    assert_eq!(app.get("/api/v1/partners").await.status, 200);
}

#[actix_web::test]
async fn injection_attempts_are_stored_and_searched_as_plain_text() {
    let app = TestApp::spawn().await;
    let names = [
        "'; DROP TABLE partners; --",
        "Robert'); DELETE FROM users WHERE ('1'='1",
        "=HYPERLINK(\"http://evil.test\",\"Caf\")",
        "%' OR 1=1 --",
    ];
    for name in names {
        let response = app
            .post("/api/v1/partners", &json!({"name": name, "kind": "other"}))
            .await;
        assert_eq!(response.status, 201, "{}", response.text);
        let stored = app
            .get(&format!("/api/v1/partners/{}", response.id()))
            .await;
        assert_eq!(stored.body["name"], name, "stored exactly as written");
    }
    assert_eq!(app.db.count("SELECT count(*) AS n FROM users"), 1);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM partners"), 4);

    // Filters are bound parameters: a quote, a wildcard or a backslash is a character to search
    // for, never SQL nor a pattern. Were the quote spliced in, the first search would list every
    // fiche; were `%` or `_` wildcards, they would match every title.
    let plan = fixtures::plan(&app).await;
    for (number, title) in [
        (2, "Taux d'accès : 100% des familles informées"),
        (3, "Accueil_jeunes \\ ados"),
    ] {
        fixtures::action(&app, &plan.objective, number, title).await;
    }
    let searches: [(&str, &[&str]); 7] = [
        ("' OR '1'='1", &[]),
        ("1.1.1'; --", &[]),
        ("%", &["1.1.2"]),
        ("_", &["1.1.3"]),
        ("\\", &["1.1.3"]),
        ("d'acces", &["1.1.2"]),
        ("1.1.1", &["1.1.1"]),
    ];
    for (q, expected) in searches {
        let response = app
            .get(&format!(
                "/api/v1/conventions/{}/actions?q={}",
                plan.convention,
                url_encode(q)
            ))
            .await;
        assert_eq!(response.status, 200, "{q}: {}", response.text);
        let codes: Vec<&str> = response.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|action| action["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, expected, "q={q}");
    }
    assert_eq!(app.db.count("SELECT count(*) AS n FROM actions"), 3);

    // PostgreSQL takes no NUL character in text: a filter holding one is refused, naming it.
    for (path, parameter) in [
        (
            format!("/api/v1/conventions/{}/actions?q=a%00b", plan.convention),
            "q",
        ),
        (
            format!(
                "/api/v1/conventions/{}/audit?limit=5&entity_type=%00",
                plan.convention
            ),
            "entity_type",
        ),
    ] {
        let response = app.get(&path).await;
        assert_problem(&response, 400, "invalid_query");
        assert_eq!(response.error_fields(), [parameter], "{path}");
    }
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[actix_web::test]
async fn oversized_strings_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let response = app
        .post(
            "/api/v1/partners",
            &json!({"name": "N".repeat(20_000), "kind": "caf"}),
        )
        .await;
    assert_problem(&response, 422, "validation_failed");
    assert_eq!(response.error_fields(), ["name"]);
}

fn assert_unavailable(response: &TestResponse) {
    assert_problem(response, 503, "service_unavailable");
    let retry_after: u64 = response
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!(retry_after >= 1);
}

#[actix_web::test]
async fn a_statement_over_the_timeout_is_cut_with_503() {
    let app = TestApp::spawn_with(
        TestDb::new(),
        PoolSettings {
            max_size: 4,
            statement_timeout: Duration::from_millis(300),
            ..PoolSettings::default()
        },
    )
    .await;
    let lock = TableLock::take(&app.db, "partners");
    let started = Instant::now();
    let response = app.get("/api/v1/partners").await;
    let waited = started.elapsed();
    assert_unavailable(&response);
    assert!(waited < Duration::from_secs(3), "cut after {waited:?}");
    drop(lock);
    assert_eq!(app.get("/api/v1/partners").await.status, 200);
}

#[actix_web::test]
async fn an_exhausted_pool_answers_503_within_the_checkout_timeout_then_recovers() {
    let checkout_timeout = Duration::from_millis(500);
    let app = TestApp::spawn_with(
        TestDb::new(),
        PoolSettings {
            max_size: 2,
            checkout_timeout,
            statement_timeout: Duration::from_secs(30),
        },
    )
    .await;
    let lock = TableLock::take(&app.db, "partners");
    // Two requests hold both connections, waiting on the lock.
    let stuck =
        futures_util::future::join(app.get("/api/v1/partners"), app.get("/api/v1/partners"));
    let probe = async {
        actix_rt::time::sleep(Duration::from_millis(300)).await;
        let started = Instant::now();
        let response = app.get("/api/v1/me").await;
        let waited = started.elapsed();
        // Release the stuck ones only once the probe has its answer.
        drop(lock);
        (response, waited)
    };
    let ((first, second), (probe, waited)) = futures_util::future::join(stuck, probe).await;
    assert_unavailable(&probe);
    assert!(
        waited >= checkout_timeout && waited < checkout_timeout + Duration::from_secs(2),
        "answered after {waited:?}"
    );
    assert_eq!(
        (first.status, second.status),
        (200, 200),
        "the stuck requests finish"
    );
    for _ in 0..5 {
        assert_eq!(
            app.get("/api/v1/me").await.status,
            200,
            "the pool is usable again"
        );
    }
}

#[actix_web::test]
async fn a_nul_character_anywhere_is_refused_naming_where() {
    let app = TestApp::spawn().await;
    let response = app
        .post(
            "/api/v1/partners",
            &json!({"name": "Caf\u{0}du Lot", "kind": "caf"}),
        )
        .await;
    assert_problem(&response, 422, "validation_failed");
    assert_eq!(response.error_fields(), ["name"]);
    let document = json!({
        "format": "ctg-convention", "format_version": 1,
        "convention": {"name": "CTG", "territory": "Lot", "start_year": 2022, "end_year": 2026},
        "committees": [{"ref": "copil", "kind": "copil", "name": "COPIL", "members": ["ok", "\u{0}"]}],
        "axes": []
    });
    let response = app.post("/api/v1/conventions/import", &document).await;
    assert_problem(&response, 422, "validation_failed");
    assert_eq!(response.error_fields(), ["committees[0].members[1]"]);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM conventions"), 0);
}

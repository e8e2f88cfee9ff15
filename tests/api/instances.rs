//! Two `ctg` processes on one PostgreSQL behave as one service: sign-in throttling, revocation
//! and idempotency keys live in the database, so a load balancer may send any request to
//! either instance.

use serde_json::{json, Value};

use crate::support::auth::{insert_user, TEST_PASSWORD};
use crate::support::fixtures;
use crate::support::process::ServerProcess;
use crate::support::TestApp;

/// Two instances on the test app's database (whose admin token both accept).
fn two_instances(app: &TestApp) -> [ServerProcess; 2] {
    [
        ServerProcess::start(app.db.url(), &[], &[]),
        ServerProcess::start(app.db.url(), &[], &[]),
    ]
}

/// (status, body) of a request to one instance.
async fn send(
    server: &ServerProcess,
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, Value) {
    let client = awc::Client::default();
    let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client.request(method, format!("{}{path}", server.base));
    if let Some(token) = token {
        request = request.insert_header(("Authorization", format!("Bearer {token}")));
    }
    for header in headers {
        request = request.insert_header(*header);
    }
    let mut response = match body {
        Some(body) => request.send_json(&body).await,
        None => request.send().await,
    }
    .expect("request sent");
    let bytes = response.body().await.unwrap_or_default();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (response.status().as_u16(), body)
}

async fn sign_in(server: &ServerProcess, email: &str, password: &str) -> (u16, Value) {
    let body = json!({"email": email, "password": password});
    send(server, "POST", "/api/v1/auth/login", None, &[], Some(body)).await
}

#[actix_web::test]
async fn failed_sign_ins_add_up_across_instances() {
    let app = TestApp::spawn().await;
    let email = "partout@ctg.test";
    insert_user(&app.db, email, "Partout", None, false);
    let [a, b] = two_instances(&app);
    for server in [&a, &b, &a, &b, &a] {
        let (status, _) = sign_in(server, email, "pas le bon mot de passe du tout").await;
        assert_eq!(status, 401);
    }
    // Five failures in all: the account is locked on both, even for the right password.
    for server in [&a, &b] {
        let (status, body) = sign_in(server, email, TEST_PASSWORD).await;
        assert_eq!(status, 429, "{body}");
    }
}

#[actix_web::test]
async fn signing_out_on_one_instance_revokes_on_the_other() {
    let app = TestApp::spawn().await;
    let email = "session@ctg.test";
    insert_user(&app.db, email, "Session", None, false);
    let [a, b] = two_instances(&app);
    let (status, tokens) = sign_in(&a, email, TEST_PASSWORD).await;
    assert_eq!(status, 200);
    let access = tokens["access_token"].as_str().unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let (status, _) = send(&b, "GET", "/api/v1/me", Some(access), &[], None).await;
    assert_eq!(status, 200, "a token of A is good on B");
    // A has checked the caller, and keeps the check in its cache.
    for _ in 0..20 {
        let (status, _) = send(&a, "GET", "/api/v1/me", Some(access), &[], None).await;
        assert_eq!(status, 200);
    }

    let body = json!({"refresh_token": refresh});
    let (status, _) = send(&b, "POST", "/api/v1/auth/logout", None, &[], Some(body)).await;
    assert_eq!(status, 204);
    let (status, _) = send(&b, "GET", "/api/v1/me", Some(access), &[], None).await;
    assert_eq!(
        status, 401,
        "B, where the sign-out happened, refuses at once"
    );
    // A hears of it through PostgreSQL's notification.
    let started = std::time::Instant::now();
    loop {
        let (status, _) = send(&a, "GET", "/api/v1/me", Some(access), &[], None).await;
        if status == 401 {
            break;
        }
        assert_eq!(status, 200);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "A still accepts the token after {:?}",
            started.elapsed()
        );
    }
    eprintln!("revoked on B, refused on A after {:?}", started.elapsed());
    for server in [&a, &b] {
        let body = json!({"refresh_token": refresh});
        let (status, _) = send(
            server,
            "POST",
            "/api/v1/auth/refresh",
            None,
            &[],
            Some(body),
        )
        .await;
        assert_eq!(status, 401);
    }
}

#[actix_web::test]
async fn an_idempotency_key_holds_across_instances() {
    let app = TestApp::spawn().await;
    let plan = fixtures::plan(&app).await;
    let [a, b] = two_instances(&app);
    let path = format!("/api/v1/objectives/{}/actions", plan.objective);
    let admin = Some(app.admin_token.as_str());
    let body = json!({"number": 2, "title": "Lieu d'accueil enfants-parents"});

    let key = [("Idempotency-Key", "instances-key-1")];
    let (first, created) = send(&a, "POST", &path, admin, &key, Some(body.clone())).await;
    assert_eq!(first, 201, "{created}");
    let (again, replayed) = send(&b, "POST", &path, admin, &key, Some(body.clone())).await;
    assert_eq!(again, 201, "{replayed}");
    assert_eq!(replayed["id"], created["id"], "B replays A's creation");

    // The same key sent to both at once: one creation, the other a replay or told to wait.
    let key = [("Idempotency-Key", "instances-key-2")];
    let body = json!({"number": 3, "title": "Relais petite enfance"});
    let (on_a, on_b) = futures_util::future::join(
        send(&a, "POST", &path, admin, &key, Some(body.clone())),
        send(&b, "POST", &path, admin, &key, Some(body.clone())),
    )
    .await;
    let statuses = [on_a.0, on_b.0];
    assert!(statuses.contains(&201), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [201, 409].contains(s)),
        "{statuses:?}"
    );
    if statuses == [201, 201] {
        assert_eq!(on_a.1["id"], on_b.1["id"]);
    }
    let stored = app.db.count(&format!(
        "SELECT count(*) AS n FROM actions WHERE objective_id = '{}'",
        plan.objective
    ));
    assert_eq!(stored, 3, "1.1.1, then one action per key");
}

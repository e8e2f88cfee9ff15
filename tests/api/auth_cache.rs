//! The sign-in cache: a caller checked once is not checked against the database again while
//! nothing changed, and every change of rights — through the API or behind its back — ends
//! that at once (through the API) or within moments (PostgreSQL's notification).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use ctg::auth::cache::AuthCache;
use ctg::db::PoolSettings;

use crate::support::auth::{grant, insert_user, login, until_refused};
use crate::support::{fixtures, TableLock, TestApp};

async fn spawn(cache: bool) -> TestApp {
    let settings = PoolSettings {
        max_size: 4,
        statement_timeout: Duration::from_millis(500),
        ..PoolSettings::default()
    };
    TestApp::spawn_configured_on(settings, move |mut state| {
        if !cache {
            state.auth_cache = Arc::new(AuthCache::default());
        }
        state
    })
    .await
}

/// Waits until the cache listens (its thread connects when the app starts).
async fn warm(app: &TestApp, token: &str) {
    for _ in 0..100 {
        assert_eq!(app.as_user(token).get("/api/v1/me").await.status, 200);
        actix_rt::time::sleep(Duration::from_millis(20)).await;
    }
}

#[actix_web::test]
async fn a_checked_caller_is_not_checked_again_while_nothing_changes() {
    for cache in [true, false] {
        let app = spawn(cache).await;
        insert_user(&app.db, "lecteur@ctg.test", "Lecteur", None, false);
        let token = login(&app, "lecteur@ctg.test").await;
        warm(&app, &token).await;
        // Sessions and memberships are what the check reads; /me itself reads only users.
        let lock = TableLock::take(&app.db, "sessions, memberships");
        let started = Instant::now();
        let status = app.as_user(&token).get("/api/v1/me").await.status;
        let took = started.elapsed();
        drop(lock);
        if cache {
            assert_eq!(status, 200, "served from the cache in {took:?}");
        } else {
            assert_eq!(status, 503, "without the cache the check waits on the lock");
        }
    }
}

#[actix_web::test]
async fn changes_through_the_api_apply_to_the_very_next_request() {
    let app = spawn(true).await;
    let plan = fixtures::plan(&app).await;
    let user = insert_user(&app.db, "pilote@ctg.test", "Pilote", None, false);
    let membership = grant(&app.db, &plan.convention, &user, "viewer", None);
    let token = login(&app, "pilote@ctg.test").await;
    let path = format!("/api/v1/conventions/{}", plan.convention);
    warm(&app, &token).await;
    assert_eq!(app.as_user(&token).get(&path).await.status, 200);

    // The membership removed by a coordinator: the convention is gone for them at once.
    let current = app.get(&format!("/api/v1/memberships/{membership}")).await;
    let removed = app
        .delete(
            &format!("/api/v1/memberships/{membership}"),
            Some(&current.etag()),
        )
        .await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    assert_eq!(app.as_user(&token).get(&path).await.status, 404);

    // The user disabled by an admin: refused at once.
    let me = app.get(&format!("/api/v1/users/{user}")).await;
    let disabled = app
        .patch(
            &format!("/api/v1/users/{user}"),
            Some(&me.etag()),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.text);
    assert_eq!(app.as_user(&token).get("/api/v1/me").await.status, 401);
}

#[actix_web::test]
async fn changes_behind_the_apis_back_apply_within_moments() {
    let app = spawn(true).await;
    insert_user(&app.db, "session@ctg.test", "Session", None, false);
    let token = login(&app, "session@ctg.test").await;
    warm(&app, &token).await;
    let revoked = app.db.count(
        "WITH r AS (UPDATE sessions SET revoked_at = now() WHERE revoked_at IS NULL \
         AND user_id = (SELECT id FROM users WHERE email = 'session@ctg.test') RETURNING 1) \
         SELECT count(*) AS n FROM r",
    );
    assert_eq!(revoked, 1);
    let took = until_refused(&app, &token).await;
    assert!(took < Duration::from_secs(1), "refused after {took:?}");
    eprintln!("a session revoked with psql is refused after {took:?}");
}

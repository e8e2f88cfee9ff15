//! Signing in, tokens, refresh rotation, throttling, and what a bad token gets.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use diesel::prelude::*;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::support::auth::{insert_user, login, TEST_PASSWORD};
use crate::support::{TestApp, TEST_JWT_SECRET};

async fn sign_in(app: &TestApp, email: &str, password: &str) -> crate::support::TestResponse {
    app.anonymous()
        .post(
            "/api/v1/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await
}

#[actix_web::test]
async fn signing_in_gives_a_token_pair_and_me_tells_who_i_am() {
    let app = TestApp::spawn().await;
    let id = insert_user(
        &app.db,
        "Claire.Martin@caf.fr",
        "Claire Martin",
        None,
        false,
    );
    // The e-mail's case does not matter.
    let response = sign_in(&app, "claire.martin@CAF.fr", TEST_PASSWORD).await;
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.body["token_type"], "Bearer");
    let expires_in = response.body["expires_in"].as_i64().unwrap();
    assert!(
        (600..=900).contains(&expires_in),
        "10 to 15 minutes: {expires_in}"
    );
    assert!(response.body["refresh_token"].as_str().unwrap().len() >= 32);
    assert_eq!(response.header("cache-control"), Some("no-store"));

    let token = response.body["access_token"].as_str().unwrap();
    let me = app.as_user(token).get("/api/v1/me").await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.body["id"], id.as_str());
    assert_eq!(me.body["display_name"], "Claire Martin");
    assert_eq!(me.body["memberships"], json!([]));
    assert!(me.body.get("password_hash").is_none());

    let stored: String = {
        use ctg::db::schema::refresh_tokens;
        refresh_tokens::table
            .select(refresh_tokens::token_hash)
            .first(&mut app.db.conn())
            .unwrap()
    };
    assert_ne!(
        stored,
        response.body["refresh_token"].as_str().unwrap(),
        "stored hashed"
    );
}

#[actix_web::test]
async fn unknown_email_and_wrong_password_answer_alike() {
    let app = TestApp::spawn().await;
    insert_user(&app.db, "pilote@mjc-gourdon.fr", "Pilote MJC", None, false);
    let wrong = sign_in(
        &app,
        "pilote@mjc-gourdon.fr",
        "not the right password at all",
    )
    .await;
    let unknown = sign_in(&app, "nobody@mjc-gourdon.fr", TEST_PASSWORD).await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    assert_eq!(wrong.body, unknown.body, "nothing tells which was wrong");
    assert_eq!(wrong.problem_code(), "unauthenticated");
    // Told what failed, not sent to fetch an access token.
    assert_eq!(
        wrong.body["detail"],
        "The e-mail or the password is wrong, or the account is disabled."
    );
    let failures = app.db.count(
        "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'session' AND operation = 'login_failed'",
    );
    assert_eq!(failures, 2, "failed sign-ins are audited");
}

#[actix_web::test]
async fn a_disabled_user_cannot_sign_in_and_is_stopped_at_once() {
    let app = TestApp::spawn().await;
    let id = insert_user(&app.db, "agent@ccqb.fr", "Agent", None, false);
    let token = login(&app, "agent@ccqb.fr").await;
    assert_eq!(app.as_user(&token).get("/api/v1/me").await.status, 200);
    // Disabled outside ctg (a psql prompt): the instance hears of it through PostgreSQL's
    // notification, within moments.
    diesel::sql_query("UPDATE users SET active = false WHERE id = $1")
        .bind::<diesel::sql_types::Uuid, _>(id.parse::<Uuid>().unwrap())
        .execute(&mut app.db.conn())
        .unwrap();
    let took = crate::support::auth::until_refused(&app, &token).await;
    assert!(
        took < std::time::Duration::from_secs(1),
        "refused after {took:?}"
    );
    assert_eq!(
        sign_in(&app, "agent@ccqb.fr", TEST_PASSWORD).await.status,
        401
    );
}

#[actix_web::test]
async fn refresh_rotates_and_a_reused_token_revokes_the_family() {
    let app = TestApp::spawn().await;
    insert_user(&app.db, "coord@ccqb.fr", "Coordinatrice", None, false);
    let first = sign_in(&app, "coord@ccqb.fr", TEST_PASSWORD).await.body;
    let refresh = |token: &Value| {
        let body = json!({"refresh_token": token.as_str().unwrap()});
        let app = &app;
        async move { app.anonymous().post("/api/v1/auth/refresh", &body).await }
    };

    let second = refresh(&first["refresh_token"]).await;
    assert_eq!(second.status, 200, "{}", second.text);
    assert_ne!(second.body["refresh_token"], first["refresh_token"]);
    let second_access = second.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        app.as_user(&second_access).get("/api/v1/me").await.status,
        200
    );

    // The first token was exchanged: presenting it again means it was stolen.
    let replay = refresh(&first["refresh_token"]).await;
    assert_eq!(replay.status, 401);
    assert!(
        replay.body["detail"]
            .as_str()
            .unwrap()
            .ends_with("sign in again."),
        "{}",
        replay.text
    );
    let third = refresh(&second.body["refresh_token"]).await;
    assert_eq!(third.status, 401, "the whole family is revoked");
    assert_eq!(
        app.as_user(&second_access).get("/api/v1/me").await.status,
        401,
        "access tokens of the revoked session die too"
    );
    assert_eq!(refresh(&json!("not-a-token")).await.status, 401);
}

#[actix_web::test]
async fn logout_revokes_the_session() {
    let app = TestApp::spawn().await;
    insert_user(&app.db, "viewer@udaf46.fr", "Lecteur", None, false);
    let pair = sign_in(&app, "viewer@udaf46.fr", TEST_PASSWORD).await.body;
    let access = pair["access_token"].as_str().unwrap();
    let out = app
        .anonymous()
        .post(
            "/api/v1/auth/logout",
            &json!({"refresh_token": pair["refresh_token"]}),
        )
        .await;
    assert_eq!(out.status, 204);
    assert_eq!(app.as_user(access).get("/api/v1/me").await.status, 401);
    let refreshed = app
        .anonymous()
        .post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": pair["refresh_token"]}),
        )
        .await;
    assert_eq!(refreshed.status, 401);
}

#[actix_web::test]
async fn repeated_failures_are_throttled_then_locked() {
    let app = TestApp::spawn().await;
    insert_user(&app.db, "cible@caf.fr", "Cible", None, false);
    for attempt in 1..=5 {
        let response = sign_in(&app, "cible@caf.fr", "wrong password number x").await;
        assert_eq!(response.status, 401, "attempt {attempt}");
    }
    let locked = sign_in(&app, "cible@caf.fr", "wrong password number x").await;
    assert_eq!(locked.status, 429);
    assert_eq!(locked.problem_code(), "too_many_requests");
    let retry_after: u64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    // Even the right password waits for the lock to end.
    assert_eq!(
        sign_in(&app, "cible@caf.fr", TEST_PASSWORD).await.status,
        429
    );
    // Another account from the same address is not locked by these five.
    insert_user(&app.db, "autre@caf.fr", "Autre", None, false);
    assert_eq!(
        sign_in(&app, "autre@caf.fr", TEST_PASSWORD).await.status,
        200
    );
}

#[actix_web::test]
async fn an_address_guessing_across_accounts_is_throttled() {
    let app = TestApp::spawn().await;
    for attempt in 0..20 {
        let response = sign_in(
            &app,
            &format!("guess{attempt}@caf.fr"),
            "wrong password number x",
        )
        .await;
        assert_eq!(response.status, 401, "attempt {attempt}");
    }
    assert_eq!(
        sign_in(&app, "guess99@caf.fr", "wrong password number x")
            .await
            .status,
        429
    );
}

/// Claims as a valid token would carry them, for tampering.
fn claims(user_id: &str, session_id: &str) -> Value {
    let now = Utc::now().timestamp();
    json!({
        "iss": "ctg", "aud": "ctg-api", "sub": user_id, "sid": session_id,
        "iat": now, "nbf": now, "exp": now + 600
    })
}

fn forge(claims: &Value, key: &[u8]) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(key).unwrap(),
    )
    .unwrap()
}

#[actix_web::test]
async fn every_kind_of_bad_token_is_refused() {
    let app = TestApp::spawn().await;
    let user = insert_user(&app.db, "cible@ccqb.fr", "Cible", None, false);
    let good = login(&app, "cible@ccqb.fr").await;
    let session: String = {
        use ctg::db::schema::sessions;
        sessions::table
            .select(sessions::id)
            .filter(sessions::user_id.eq(user.parse::<Uuid>().unwrap()))
            .first::<Uuid>(&mut app.db.conn())
            .unwrap()
            .to_string()
    };
    let key = TEST_JWT_SECRET.as_bytes();
    let base = claims(&user, &session);
    assert_eq!(
        app.as_user(&forge(&base, key))
            .get("/api/v1/me")
            .await
            .status,
        200,
        "control"
    );
    assert_eq!(
        app.as_user(&crate::support::auth::forge_token(&user, &session))
            .get("/api/v1/me")
            .await
            .status,
        200,
        "the harness forges the same tokens"
    );

    let with = |field: &str, value: Value| {
        let mut c = base.clone();
        c[field] = value;
        c
    };
    let now = Utc::now().timestamp();
    let unsigned = {
        let header = base64url(br#"{"alg":"none","typ":"JWT"}"#);
        format!("{header}.{}.", base64url(base.to_string().as_bytes()))
    };
    let tampered = {
        let parts: Vec<&str> = good.split('.').collect();
        let mut payload: Value = serde_json::from_slice(&base64url_decode(parts[1])).unwrap();
        payload["sub"] = json!(Uuid::now_v7());
        format!(
            "{}.{}.{}",
            parts[0],
            base64url(payload.to_string().as_bytes()),
            parts[2]
        )
    };
    let mut missing_iat = base.clone();
    missing_iat.as_object_mut().unwrap().remove("iat");
    let cases = [
        ("expired", forge(&with("exp", json!(now - 60)), key)),
        ("not yet valid", forge(&with("nbf", json!(now + 600)), key)),
        (
            "another key",
            forge(&base, b"another-secret-of-at-least-32-bytes!!"),
        ),
        (
            "wrong audience",
            forge(&with("aud", json!("another-api")), key),
        ),
        (
            "wrong issuer",
            forge(&with("iss", json!("someone-else")), key),
        ),
        (
            "unknown session",
            forge(&with("sid", json!(Uuid::now_v7())), key),
        ),
        ("missing iat", forge(&missing_iat, key)),
        ("alg none", unsigned),
        ("tampered payload", tampered),
        ("garbage", "not.a.token".to_string()),
    ];
    for (name, token) in cases {
        let response = app.as_user(&token).get("/api/v1/me").await;
        assert_eq!(response.status, 401, "{name}");
        assert_eq!(
            response.header("www-authenticate"),
            Some("Bearer"),
            "{name}"
        );
        assert_eq!(response.problem_code(), "unauthenticated", "{name}");
    }
    let no_token = app.anonymous().get("/api/v1/me").await;
    assert_eq!(no_token.status, 401);
    let basic = app
        .anonymous()
        .raw(
            "GET",
            "/api/v1/me",
            &[("Authorization", "Basic YWRtaW46YWRtaW4=")],
            b"",
        )
        .await;
    assert_eq!(basic.status, 401, "only bearer tokens");
}

fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn base64url_decode(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).unwrap()
}

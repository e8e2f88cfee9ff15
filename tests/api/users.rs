//! `/users`: platform admins manage users; users read themselves and change their own name and
//! password; a changed password or a disabled account takes effect on the very next request;
//! deletion pseudonymises. And `ctg user create`.

use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use serde_json::{json, Value};

use crate::support::auth::{grant, insert_user, login, TEST_PASSWORD};
use crate::support::{fixtures, TestApp, TestDb, TestResponse};

const ARGON2ID_PREFIX: &str = "$argon2id$v=19$m=19456,t=2,p=1$";
const NEW_PASSWORD: &str = "lavande brouette quinze nuages";
const OTHER_PASSWORD: &str = "girafe tambour neige ouverte";

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Nullable<Text>)]
    value: Option<String>,
}

/// The text an SQL query returns, aliased `value`.
fn text(db: &TestDb, sql: &str) -> Option<String> {
    diesel::sql_query(sql)
        .get_result::<Row>(&mut db.conn())
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .value
}

fn password_hash(db: &TestDb, id: &str) -> Option<String> {
    text(
        db,
        &format!("SELECT password_hash AS value FROM users WHERE id = '{id}'"),
    )
}

async fn login_with(app: &TestApp, email: &str, password: &str) -> TestResponse {
    app.anonymous()
        .post(
            "/api/v1/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await
}

/// A user created through the API by the admin.
async fn create(app: &TestApp, body: Value) -> Value {
    let response = app.post("/api/v1/users", &body).await;
    assert_eq!(response.status, 201, "{}", response.text);
    response.body
}

/// A non-admin user inserted directly, signed in: (id, token).
async fn someone(app: &TestApp, email: &str) -> (String, String) {
    let id = insert_user(&app.db, email, "Camille Martin", None, false);
    let token = login(app, email).await;
    (id, token)
}

fn assert_no_secret(response: &TestResponse) {
    for secret in [
        "argon2",
        "password",
        TEST_PASSWORD,
        NEW_PASSWORD,
        OTHER_PASSWORD,
    ] {
        assert!(
            !response.text.contains(secret),
            "{secret} in {}",
            response.text
        );
    }
}

#[actix_web::test]
async fn admins_create_read_and_list_users() {
    let app = TestApp::spawn().await;
    let partner = fixtures::partner(&app, "Mission Locale du Lot", "association").await;
    let created = app
        .post(
            "/api/v1/users",
            &json!({
                "email": "Zoe.Pilote@MissionLocale.fr",
                "display_name": "Zoé Pilote",
                "password": OTHER_PASSWORD,
                "partner_id": partner["id"],
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.id();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/users/{id}").as_str())
    );
    assert_eq!(created.etag(), "\"1\"");
    let body = created.body.as_object().unwrap();
    let mut fields: Vec<&str> = body.keys().map(String::as_str).collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "active",
            "created_at",
            "display_name",
            "email",
            "id",
            "is_admin",
            "partner_id",
            "updated_at",
            "version"
        ]
    );
    assert_eq!(
        created.body["email"], "Zoe.Pilote@MissionLocale.fr",
        "kept as written"
    );
    assert_eq!(created.body["display_name"], "Zoé Pilote");
    assert_eq!(created.body["partner_id"], partner["id"]);
    assert_eq!(created.body["is_admin"], false, "default");
    assert_eq!(created.body["active"], true, "default");
    assert_no_secret(&created);

    let hash = password_hash(&app.db, &id).expect("a hash");
    assert!(hash.starts_with(ARGON2ID_PREFIX), "{hash}");
    assert!(!hash.contains(OTHER_PASSWORD));

    let read = app.get(&format!("/api/v1/users/{id}")).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.etag(), "\"1\"");
    assert_eq!(read.body, created.body);
    assert_no_secret(&read);

    // The new user signs in with the e-mail in any case.
    assert_eq!(
        login_with(&app, "zoe.pilote@missionlocale.fr", OTHER_PASSWORD)
            .await
            .status,
        200
    );

    create(
        &app,
        json!({"email": "b@ctg.test", "display_name": "B", "password": NEW_PASSWORD, "is_admin": true, "active": false}),
    )
    .await;
    let list = app.get("/api/v1/users?limit=2").await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.body["total"], 3);
    assert_eq!(list.body["limit"], 2);
    let emails: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        ["admin@ctg.test", "b@ctg.test"],
        "e-mail order, whatever the case"
    );
    assert_eq!(list.body["items"][1]["is_admin"], true);
    assert_eq!(list.body["items"][1]["active"], false);
    let rest = app.get("/api/v1/users?limit=2&offset=2").await;
    assert_eq!(rest.body["items"][0]["id"], id.as_str());
    assert_no_secret(&list);

    // Audited without personal values: the password is only said to be set.
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'user' AND entity_id = '{id}' \
             AND operation = 'create' AND actor_id IS NOT NULL \
             AND changes->'email' = '{{\"changed\": true}}' \
             AND changes->'password' = '{{\"changed\": true}}' \
             AND changes->'is_admin' = '{{\"old\": null, \"new\": false}}'"
        )),
        1
    );
    assert_eq!(
        app.db.count("SELECT count(*) AS n FROM audit_log WHERE changes::text ILIKE '%argon2%' OR changes::text ILIKE '%zoe%'"),
        0
    );
}

#[actix_web::test]
async fn creation_refuses_bad_input_naming_the_field() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            json!({"email": "not-an-email", "display_name": "A", "password": NEW_PASSWORD}),
            vec!["email"],
        ),
        (
            json!({"email": "a@ctg.test", "display_name": "  ", "password": NEW_PASSWORD}),
            vec!["display_name"],
        ),
        (
            json!({"email": "a@ctg.test", "display_name": "A", "password": "court"}),
            vec!["password"],
        ),
        (
            json!({"email": "a@ctg.test", "display_name": "A", "password": "passwordpassword"}),
            vec!["password"],
        ),
        (
            json!({"email": "a@ctg.test", "display_name": "A", "password": "123456789012345"}),
            vec!["password"],
        ),
        (
            json!({"email": "a@ctg.test", "display_name": "A", "password": "x".repeat(129)}),
            vec!["password"],
        ),
        // Built from the user's own e-mail and name.
        (
            json!({"email": "dominique.lefebvre@caf.fr", "display_name": "Dominique Lefebvre", "password": "dominique.lefebvre@caf.fr"}),
            vec!["password"],
        ),
        (
            json!({"email": "a@ctg.test", "display_name": "A"}),
            vec!["password"],
        ),
        (
            json!({"email": "bad", "display_name": "", "password": "short"}),
            vec!["email", "display_name", "password"],
        ),
        (
            json!({"email": "a@ctg.test", "display_name": "A", "password": NEW_PASSWORD, "partner_id": uuid::Uuid::now_v7()}),
            vec!["partner_id"],
        ),
        (
            json!({"email": "a@ctg.test", "display_name": "A", "password": NEW_PASSWORD, "is_admin": "yes"}),
            vec!["is_admin"],
        ),
    ];
    for (body, fields) in cases {
        let response = app.post("/api/v1/users", &body).await;
        assert_eq!(response.status, 422, "{body}: {}", response.text);
        assert_eq!(response.problem_code(), "validation_failed");
        assert_eq!(response.error_fields(), fields, "{body}");
    }
    let short = app
        .post(
            "/api/v1/users",
            &json!({"email": "a@ctg.test", "display_name": "A", "password": "court"}),
        )
        .await;
    assert_eq!(
        short.body["errors"][0]["message"],
        "must be at least 15 characters"
    );
    let common = app
        .post(
            "/api/v1/users",
            &json!({"email": "a@ctg.test", "display_name": "A", "password": "passwordpassword"}),
        )
        .await;
    assert!(
        common.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("too common"),
        "{}",
        common.text
    );
    assert!(
        !common.text.contains("passwordpassword"),
        "the password is not echoed"
    );

    let unknown = app
        .post(
            "/api/v1/users",
            &json!({"email": "a@ctg.test", "display_name": "A", "password": NEW_PASSWORD, "password_hash": "x"}),
        )
        .await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.error_fields(), ["password_hash"]);

    assert_eq!(
        app.db.count("SELECT count(*) AS n FROM users"),
        1,
        "only the admin"
    );
}

#[actix_web::test]
async fn a_duplicate_email_is_a_conflict_whatever_its_case() {
    let app = TestApp::spawn().await;
    let duplicate = app
        .post(
            "/api/v1/users",
            &json!({"email": " ADMIN@ctg.TEST ", "display_name": "Autre", "password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(duplicate.status, 409, "{}", duplicate.text);
    assert_eq!(duplicate.problem_code(), "duplicate_email");

    let other = create(
        &app,
        json!({"email": "b@ctg.test", "display_name": "B", "password": NEW_PASSWORD}),
    )
    .await;
    let path = format!("/api/v1/users/{}", other["id"].as_str().unwrap());
    let taken = app
        .patch(&path, Some("\"1\""), &json!({"email": "Admin@Ctg.Test"}))
        .await;
    assert_eq!(taken.status, 409);
    assert_eq!(taken.problem_code(), "duplicate_email");
    // Changing the case of one's own e-mail is not a duplicate.
    let recased = app
        .patch(&path, Some("\"1\""), &json!({"email": "B@ctg.test"}))
        .await;
    assert_eq!(recased.status, 200, "{}", recased.text);
    assert_eq!(recased.body["email"], "B@ctg.test");
}

#[actix_web::test]
async fn anonymous_callers_are_unauthorized() {
    let app = TestApp::spawn().await;
    let admin_id = text(&app.db, "SELECT id::text AS value FROM users").unwrap();
    let path = format!("/api/v1/users/{admin_id}");
    let anonymous = app.anonymous();
    let body = json!({"email": "a@ctg.test", "display_name": "A", "password": NEW_PASSWORD});
    for response in [
        anonymous.get("/api/v1/users").await,
        anonymous.post("/api/v1/users", &body).await,
        anonymous.get(&path).await,
        anonymous
            .patch(&path, Some("\"1\""), &json!({"display_name": "X"}))
            .await,
        anonymous.delete(&path, Some("\"1\"")).await,
    ] {
        assert_eq!(response.status, 401, "{}", response.text);
        assert_eq!(response.problem_code(), "unauthenticated");
    }
    let forged = app.as_user("not.a.token").get("/api/v1/users").await;
    assert_eq!(forged.status, 401);
}

#[actix_web::test]
async fn non_admins_see_and_manage_no_one_else() {
    let app = TestApp::spawn().await;
    let (me, token) = someone(&app, "camille@ctg.test").await;
    let other = insert_user(&app.db, "dominique@ctg.test", "Dominique", None, false);
    let caller = app.as_user(&token);

    let list = caller.get("/api/v1/users").await;
    assert_eq!(list.status, 403);
    assert_eq!(list.problem_code(), "forbidden");
    let body = json!({"email": "x@ctg.test", "display_name": "X", "password": NEW_PASSWORD, "is_admin": true});
    assert_eq!(caller.post("/api/v1/users", &body).await.status, 403);

    // Someone else's account answers like a missing one.
    let others = format!("/api/v1/users/{other}");
    let missing = format!("/api/v1/users/{}", uuid::Uuid::now_v7());
    for path in [&others, &missing] {
        let read = caller.get(path).await;
        assert_eq!(read.status, 404, "{}", read.text);
        assert_eq!(read.problem_code(), "not_found");
        let patched = caller
            .patch(path, Some("\"1\""), &json!({"display_name": "Pirate"}))
            .await;
        assert_eq!(patched.status, 404);
        assert_eq!(caller.delete(path, Some("\"1\"")).await.status, 404);
    }
    assert_eq!(
        caller
            .delete(&format!("/api/v1/users/{me}"), Some("\"1\""))
            .await
            .status,
        403
    );

    let own = caller.get(&format!("/api/v1/users/{me}")).await;
    assert_eq!(own.status, 200, "{}", own.text);
    assert_eq!(own.body["email"], "camille@ctg.test");
    assert_eq!(own.etag(), "\"1\"");

    assert_eq!(app.db.count("SELECT count(*) AS n FROM users"), 3);
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM users WHERE display_name = 'Dominique'"),
        1
    );
}

#[actix_web::test]
async fn users_change_their_own_name_and_nothing_else() {
    let app = TestApp::spawn().await;
    let partner = fixtures::partner(&app, "MJC de Gourdon", "association").await;
    let (me, token) = someone(&app, "pilote@ctg.test").await;
    let caller = app.as_user(&token);
    let path = format!("/api/v1/users/{me}");

    let renamed = caller
        .patch(
            &path,
            Some("\"1\""),
            &json!({"display_name": "Camille Martin-Durand"}),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.body["display_name"], "Camille Martin-Durand");
    assert_eq!(renamed.body["version"], 2);
    assert_eq!(renamed.etag(), "\"2\"");
    assert_eq!(
        caller.get(&path).await.status,
        200,
        "a new name does not sign out"
    );

    let escalation = caller
        .patch(&path, Some("\"2\""), &json!({"is_admin": true}))
        .await;
    assert_eq!(escalation.status, 403, "{}", escalation.text);
    assert_eq!(escalation.problem_code(), "forbidden");
    assert!(escalation.body["detail"]
        .as_str()
        .unwrap()
        .contains("is_admin"));

    // Refused as a whole, naming every field, even alongside allowed ones.
    let several = caller
        .patch(
            &path,
            Some("\"2\""),
            &json!({"display_name": "X", "email": "moi@ctg.test", "active": true, "partner_id": partner["id"]}),
        )
        .await;
    assert_eq!(several.status, 403);
    let detail = several.body["detail"].as_str().unwrap();
    for field in ["email", "active", "partner_id"] {
        assert!(detail.contains(field), "{detail}");
    }
    assert!(!detail.contains("display_name"), "{detail}");

    let blank = caller
        .patch(&path, Some("\"2\""), &json!({"display_name": ""}))
        .await;
    assert_eq!(blank.status, 422);
    assert_eq!(blank.error_fields(), ["display_name"]);
    let null = caller
        .patch(&path, Some("\"2\""), &json!({"display_name": null}))
        .await;
    assert_eq!(null.status, 422);
    assert_eq!(null.error_fields(), ["display_name"]);

    let stored = app.db.count(&format!(
        "SELECT count(*) AS n FROM users WHERE id = '{me}' AND display_name = 'Camille Martin-Durand' \
         AND NOT is_admin AND email = 'pilote@ctg.test' AND partner_id IS NULL AND version = 2"
    ));
    assert_eq!(stored, 1);
    // Audited with the user as actor, without the names.
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'user' AND entity_id = '{me}' \
             AND actor_id = '{me}' AND operation = 'update' \
             AND changes = '{{\"display_name\": {{\"changed\": true}}}}'"
        )),
        1
    );
}

#[actix_web::test]
async fn a_changed_password_takes_effect_on_the_very_next_request() {
    let app = TestApp::spawn().await;
    let (me, token) = someone(&app, "camille@ctg.test").await;
    let other_device = login(&app, "camille@ctg.test").await;
    let path = format!("/api/v1/users/{me}");
    let old_hash = password_hash(&app.db, &me).unwrap();

    let changed = app
        .as_user(&token)
        .patch(
            &path,
            Some("\"1\""),
            &json!({"password": NEW_PASSWORD, "current_password": TEST_PASSWORD}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["version"], 2);
    assert_no_secret(&changed);

    for old_token in [&token, &other_device] {
        let next = app.as_user(old_token).get(&path).await;
        assert_eq!(next.status, 401, "{}", next.text);
    }
    assert_eq!(
        login_with(&app, "camille@ctg.test", TEST_PASSWORD)
            .await
            .status,
        401
    );
    let fresh = login_with(&app, "camille@ctg.test", NEW_PASSWORD).await;
    assert_eq!(fresh.status, 200, "{}", fresh.text);
    let fresh_token = fresh.body["access_token"].as_str().unwrap();
    assert_eq!(app.as_user(fresh_token).get(&path).await.status, 200);

    let new_hash = password_hash(&app.db, &me).unwrap();
    assert_ne!(new_hash, old_hash);
    assert!(new_hash.starts_with(ARGON2ID_PREFIX), "{new_hash}");
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM users WHERE id = '{me}' AND password_changed_at > created_at"
        )),
        1
    );
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM sessions WHERE user_id = '{me}' AND revoked_at IS NULL"
        )),
        1,
        "only the session opened afterwards"
    );
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_id = '{me}' AND operation = 'update' \
             AND changes = '{{\"password\": {{\"changed\": true}}}}'"
        )),
        1
    );
}

#[actix_web::test]
async fn changing_ones_own_password_needs_the_current_one() {
    let app = TestApp::spawn().await;
    let (me, token) = someone(&app, "camille@ctg.test").await;
    let caller = app.as_user(&token);
    let path = format!("/api/v1/users/{me}");
    let hash = password_hash(&app.db, &me).unwrap();

    let missing = caller
        .patch(&path, Some("\"1\""), &json!({"password": NEW_PASSWORD}))
        .await;
    assert_eq!(missing.status, 422, "{}", missing.text);
    assert_eq!(missing.error_fields(), ["current_password"]);

    let wrong = caller
        .patch(
            &path,
            Some("\"1\""),
            &json!({"password": NEW_PASSWORD, "current_password": OTHER_PASSWORD}),
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert_eq!(wrong.error_fields(), ["current_password"]);

    let weak = caller
        .patch(
            &path,
            Some("\"1\""),
            &json!({"password": "azertyuiopqsdfgh", "current_password": TEST_PASSWORD}),
        )
        .await;
    assert_eq!(weak.status, 422);
    assert_eq!(weak.error_fields(), ["password"]);
    // Built from the user's own name.
    let personal = caller
        .patch(
            &path,
            Some("\"1\""),
            &json!({"password": "camille@ctg.test", "current_password": TEST_PASSWORD}),
        )
        .await;
    assert_eq!(personal.status, 422, "{}", personal.text);
    assert_eq!(personal.error_fields(), ["password"]);

    let both = caller
        .patch(
            &path,
            Some("\"1\""),
            &json!({"password": "court", "current_password": "faux"}),
        )
        .await;
    assert_eq!(both.status, 422);
    assert_eq!(both.error_fields(), ["password", "current_password"]);

    let stale = caller
        .patch(
            &path,
            Some("\"7\""),
            &json!({"password": NEW_PASSWORD, "current_password": TEST_PASSWORD}),
        )
        .await;
    assert_eq!(stale.status, 412);
    let unconditional = caller
        .patch(
            &path,
            None,
            &json!({"password": NEW_PASSWORD, "current_password": TEST_PASSWORD}),
        )
        .await;
    assert_eq!(unconditional.status, 428);

    assert_eq!(
        password_hash(&app.db, &me).unwrap(),
        hash,
        "nothing changed"
    );
    assert_eq!(caller.get(&path).await.status, 200, "still signed in");
}

#[actix_web::test]
async fn wrong_current_passwords_are_throttled_like_sign_ins() {
    let app = TestApp::spawn().await;
    let (me, token) = someone(&app, "camille@ctg.test").await;
    let caller = app.as_user(&token);
    let path = format!("/api/v1/users/{me}");
    let guess = json!({"password": NEW_PASSWORD, "current_password": OTHER_PASSWORD});
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(caller.patch(&path, Some("\"1\""), &guess).await.status);
    }
    assert_eq!(statuses, [422, 422, 422, 422, 422, 429]);
    let right = json!({"password": NEW_PASSWORD, "current_password": TEST_PASSWORD});
    let locked = caller.patch(&path, Some("\"1\""), &right).await;
    assert_eq!(locked.status, 429);
    assert!(locked.header("retry-after").is_some());
}

#[actix_web::test]
async fn admins_reset_someone_elses_password_without_the_current_one() {
    let app = TestApp::spawn().await;
    let (user, token) = someone(&app, "camille@ctg.test").await;
    let path = format!("/api/v1/users/{user}");
    let reset = app
        .patch(&path, Some("\"1\""), &json!({"password": NEW_PASSWORD}))
        .await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    assert_eq!(app.as_user(&token).get(&path).await.status, 401);
    assert_eq!(
        login_with(&app, "camille@ctg.test", TEST_PASSWORD)
            .await
            .status,
        401
    );
    assert_eq!(
        login_with(&app, "camille@ctg.test", NEW_PASSWORD)
            .await
            .status,
        200
    );
    assert_eq!(
        app.get(&path).await.status,
        200,
        "the admin stays signed in"
    );

    // Admins changing their own need it like everyone.
    let admin_id = text(
        &app.db,
        "SELECT id::text AS value FROM users WHERE is_admin",
    )
    .unwrap();
    let own = app
        .patch(
            &format!("/api/v1/users/{admin_id}"),
            Some("\"1\""),
            &json!({"password": OTHER_PASSWORD}),
        )
        .await;
    assert_eq!(own.status, 422);
    assert_eq!(own.error_fields(), ["current_password"]);
}

#[actix_web::test]
async fn disabling_a_user_cuts_their_access_at_once() {
    let app = TestApp::spawn().await;
    let (user, token) = someone(&app, "camille@ctg.test").await;
    let path = format!("/api/v1/users/{user}");
    assert_eq!(app.as_user(&token).get(&path).await.status, 200);

    let disabled = app
        .patch(&path, Some("\"1\""), &json!({"active": false}))
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.text);
    assert_eq!(disabled.body["active"], false);
    let next = app.as_user(&token).get(&path).await;
    assert_eq!(next.status, 401);
    assert_eq!(
        login_with(&app, "camille@ctg.test", TEST_PASSWORD)
            .await
            .status,
        401
    );

    let enabled = app
        .patch(&path, Some("\"2\""), &json!({"active": true}))
        .await;
    assert_eq!(enabled.status, 200);
    assert_eq!(
        app.as_user(&token).get(&path).await.status,
        401,
        "old sessions stay revoked"
    );
    let token = login(&app, "camille@ctg.test").await;
    assert_eq!(app.as_user(&token).get(&path).await.status, 200);
}

#[actix_web::test]
async fn admins_change_every_field_with_if_match_and_an_audit_entry() {
    let app = TestApp::spawn().await;
    let partner = fixtures::partner(&app, "Caf du Lot", "caf").await;
    let (user, token) = someone(&app, "camille@ctg.test").await;
    let path = format!("/api/v1/users/{user}");

    assert_eq!(
        app.patch(&path, None, &json!({"is_admin": true}))
            .await
            .status,
        428
    );
    let stale = app
        .patch(&path, Some("\"5\""), &json!({"is_admin": true}))
        .await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.problem_code(), "version_mismatch");
    let unknown_partner = app
        .patch(
            &path,
            Some("\"1\""),
            &json!({"partner_id": uuid::Uuid::now_v7()}),
        )
        .await;
    assert_eq!(unknown_partner.status, 422);
    assert_eq!(unknown_partner.error_fields(), ["partner_id"]);
    let bad = app
        .patch(
            &path,
            Some("\"1\""),
            &json!({"email": "nope", "is_admin": null}),
        )
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.error_fields(), ["email", "is_admin"]);
    let unknown = app
        .patch(&path, Some("\"1\""), &json!({"role": "admin"}))
        .await;
    assert_eq!(unknown.status, 400);

    let changed = app
        .patch(
            &path,
            Some("\"1\""),
            &json!({"email": "camille.martin@caf.fr", "display_name": "Camille Martin", "partner_id": partner["id"], "is_admin": true}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.etag(), "\"2\"");
    assert_eq!(changed.body["email"], "camille.martin@caf.fr");
    assert_eq!(changed.body["partner_id"], partner["id"]);
    assert_eq!(changed.body["is_admin"], true);
    // Promotion takes effect at once too, without signing out.
    assert_eq!(app.as_user(&token).get("/api/v1/users").await.status, 200);
    assert_eq!(
        login_with(&app, "camille.martin@caf.fr", TEST_PASSWORD)
            .await
            .status,
        200
    );

    let cleared = app
        .patch(&path, Some("\"2\""), &json!({"partner_id": null}))
        .await;
    assert_eq!(cleared.status, 200);
    assert_eq!(cleared.body["partner_id"], Value::Null);
    let empty = app.patch(&path, Some("\"3\""), &json!({})).await;
    assert_eq!(empty.status, 200);
    assert_eq!(empty.body["version"], 3, "an empty patch changes nothing");

    let partner_id = partner["id"].as_str().unwrap();
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_id = '{user}' AND operation = 'update' \
             AND changes = '{{\"email\": {{\"changed\": true}}, \"is_admin\": {{\"old\": false, \"new\": true}}, \
             \"partner_id\": {{\"old\": null, \"new\": \"{partner_id}\"}}}}'"
        )),
        1,
        "the same name is no change"
    );
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_id = '{user}'"
        )),
        2
    );
}

#[actix_web::test]
async fn the_last_active_admin_stays_one() {
    let app = TestApp::spawn().await;
    let admin = text(
        &app.db,
        "SELECT id::text AS value FROM users WHERE is_admin",
    )
    .unwrap();
    let path = format!("/api/v1/users/{admin}");
    for body in [json!({"is_admin": false}), json!({"active": false})] {
        let refused = app.patch(&path, Some("\"1\""), &body).await;
        assert_eq!(refused.status, 409, "{}", refused.text);
        assert_eq!(refused.problem_code(), "last_admin");
    }
    let delete = app.delete(&path, Some("\"1\"")).await;
    assert_eq!(delete.status, 409);
    assert_eq!(delete.problem_code(), "last_admin");

    // A disabled admin does not count.
    create(
        &app,
        json!({"email": "off@ctg.test", "display_name": "Off", "password": NEW_PASSWORD, "is_admin": true, "active": false}),
    )
    .await;
    assert_eq!(
        app.patch(&path, Some("\"1\""), &json!({"is_admin": false}))
            .await
            .status,
        409
    );

    let second = create(
        &app,
        json!({"email": "second@ctg.test", "display_name": "Second", "password": NEW_PASSWORD, "is_admin": true}),
    )
    .await;
    let stepped_down = app
        .patch(&path, Some("\"1\""), &json!({"is_admin": false}))
        .await;
    assert_eq!(stepped_down.status, 200, "{}", stepped_down.text);
    assert_eq!(stepped_down.body["is_admin"], false);
    assert_eq!(
        app.get("/api/v1/users").await.status,
        403,
        "no longer an admin, at once"
    );

    let token = login_with(&app, "second@ctg.test", NEW_PASSWORD).await.body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let second_path = format!("/api/v1/users/{}", second["id"].as_str().unwrap());
    let last = app
        .as_user(&token)
        .patch(&second_path, Some("\"1\""), &json!({"active": false}))
        .await;
    assert_eq!(last.status, 409);
    assert_eq!(last.problem_code(), "last_admin");
}

#[actix_web::test]
async fn deletion_pseudonymises_and_frees_the_email() {
    let app = TestApp::spawn().await;
    let convention = fixtures::convention(&app).await;
    let convention_id = convention["id"].as_str().unwrap();
    let (user, token) = someone(&app, "camille@ctg.test").await;
    grant(&app.db, convention_id, &user, "viewer", None);
    let path = format!("/api/v1/users/{user}");
    // The user acts, so that the log refers to them.
    let renamed = app
        .as_user(&token)
        .patch(&path, Some("\"1\""), &json!({"display_name": "Camille M."}))
        .await;
    assert_eq!(renamed.status, 200);

    assert_eq!(app.delete(&path, None).await.status, 428);
    assert_eq!(app.delete(&path, Some("\"1\"")).await.status, 412);
    let deleted = app.delete(&path, Some("\"2\"")).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert!(deleted.text.is_empty());

    assert_eq!(app.get(&path).await.status, 404);
    assert_eq!(app.delete(&path, Some("*")).await.status, 404);
    assert_eq!(
        app.patch(&path, Some("*"), &json!({"display_name": "X"}))
            .await
            .status,
        404
    );
    assert_eq!(app.as_user(&token).get(&path).await.status, 401);
    assert_eq!(
        login_with(&app, "camille@ctg.test", TEST_PASSWORD)
            .await
            .status,
        401
    );
    let list = app.get("/api/v1/users").await;
    assert_eq!(list.body["total"], 1);

    // The row stays, erased of what identifies the person.
    let simple = user.replace('-', "");
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM users WHERE id = '{user}' AND email = 'deleted-{simple}@invalid' \
             AND display_name = 'Utilisateur supprimé' AND password_hash IS NULL AND NOT active \
             AND NOT is_admin AND deleted_at IS NOT NULL"
        )),
        1
    );
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM memberships WHERE user_id = '{user}'"
        )),
        0
    );
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM sessions WHERE user_id = '{user}' AND revoked_at IS NULL"
        )),
        0
    );
    // The log keeps the user's entries; their author now reads as the pseudonym.
    assert_eq!(
        text(
            &app.db,
            &format!(
                "SELECT u.display_name AS value FROM audit_log a JOIN users u ON u.id = a.actor_id \
                 WHERE a.actor_id = '{user}' AND a.operation = 'update'"
            )
        )
        .as_deref(),
        Some("Utilisateur supprimé")
    );
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_id = '{user}' AND operation = 'pseudonymised' \
             AND changes->'email' = '{{\"changed\": true}}' AND changes->'active' = '{{\"old\": true, \"new\": false}}'"
        )),
        1
    );
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'membership' AND operation = 'delete' \
             AND convention_id = '{convention_id}' AND changes->'role' = '{{\"old\": \"viewer\", \"new\": null}}'"
        )),
        1,
        "the convention's log shows the membership gone"
    );
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM audit_log WHERE changes::text ILIKE '%camille%'"),
        0
    );

    let again = create(
        &app,
        json!({"email": "Camille@ctg.test", "display_name": "Camille", "password": NEW_PASSWORD}),
    )
    .await;
    assert_ne!(again["id"], user.as_str());
    assert_eq!(
        login_with(&app, "camille@ctg.test", NEW_PASSWORD)
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn ctg_user_create_adds_a_user_who_can_sign_in() {
    let app = TestApp::spawn().await;
    let run = |email: &str, password: &str, admin: bool| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ctg"));
        command
            .args([
                "user",
                "create",
                "--email",
                email,
                "--name",
                "Administratrice Caf",
            ])
            .env("DATABASE_URL", app.db.url())
            .env("CTG_PASSWORD", password)
            .env_remove("CTG_JWT_SECRET")
            .env("RUST_LOG", "warn");
        if admin {
            command.arg("--admin");
        }
        command.output().expect("run ctg")
    };

    let output = run("Responsable@Caf.fr", NEW_PASSWORD, true);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let id: uuid::Uuid = stdout
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("an id: {stdout}"));
    assert!(!stdout.contains(NEW_PASSWORD) && !stderr.contains(NEW_PASSWORD));

    let signed_in = login_with(&app, "responsable@caf.fr", NEW_PASSWORD).await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.text);
    let token = signed_in.body["access_token"].as_str().unwrap();
    let read = app.as_user(token).get(&format!("/api/v1/users/{id}")).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["email"], "Responsable@Caf.fr");
    assert_eq!(read.body["display_name"], "Administratrice Caf");
    assert_eq!(read.body["is_admin"], true);
    assert_eq!(
        app.as_user(token).get("/api/v1/users").await.status,
        200,
        "an admin"
    );
    assert!(password_hash(&app.db, &id.to_string())
        .unwrap()
        .starts_with(ARGON2ID_PREFIX));
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_id = '{id}' AND operation = 'create' AND actor_id IS NULL"
        )),
        1
    );

    let duplicate = run("responsable@caf.fr", OTHER_PASSWORD, false);
    assert!(!duplicate.status.success());
    let stderr = String::from_utf8_lossy(&duplicate.stderr);
    assert!(stderr.contains("already exists"), "{stderr}");

    let weak = run("autre@caf.fr", "passwordpassword", false);
    assert!(!weak.status.success());
    let stderr = String::from_utf8_lossy(&weak.stderr);
    assert!(
        stderr.contains("password") && stderr.contains("too common"),
        "{stderr}"
    );
    assert!(!stderr.contains("passwordpassword"), "{stderr}");

    let bad_email = run("pas-un-email", NEW_PASSWORD, false);
    assert!(!bad_email.status.success());
    assert!(String::from_utf8_lossy(&bad_email.stderr).contains("--email"));

    assert_eq!(app.db.count("SELECT count(*) AS n FROM users"), 2);
}

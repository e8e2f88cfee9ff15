use diesel::RunQueryDsl;
use serde_json::{json, Value};

use crate::support::auth::{insert_user, login, member};
use crate::support::{fixtures, TestApp};

const UNKNOWN_ID: &str = "0190f1c2-0000-7000-8000-000000000000";

fn id_of(resource: &Value) -> String {
    resource["id"].as_str().expect("an id").to_string()
}

fn memberships_path(convention: &str) -> String {
    format!("/api/v1/conventions/{convention}/memberships")
}

async fn membership(app: &TestApp, convention: &str, body: Value) -> Value {
    let response = app.post(&memberships_path(convention), &body).await;
    assert_eq!(response.status, 201, "{}", response.text);
    response.body
}

async fn committee(app: &TestApp, convention: &str, kind: &str) -> String {
    let response = app
        .post(
            &format!("/api/v1/conventions/{convention}/committees"),
            &json!({"name": format!("Comité {kind}"), "kind": kind}),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    response.id()
}

fn audit_count(app: &TestApp, operation: &str) -> i64 {
    app.db.count(&format!(
        "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'membership' AND operation = '{operation}'"
    ))
}

fn memberships_count(app: &TestApp) -> i64 {
    app.db.count("SELECT count(*) AS n FROM memberships")
}

#[actix_web::test]
async fn creates_reads_and_lists_the_memberships_of_a_convention() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    let thematic = committee(&app, &convention, "thematic").await;
    let camille = insert_user(&app.db, "camille@ccqb.fr", "Camille Durand", None, false);
    let bruno = insert_user(&app.db, "bruno@caf46.fr", "Bruno Lefèvre", None, false);
    let path = memberships_path(&convention);

    let created = app
        .post(&path, &json!({"user_id": camille, "role": "viewer"}))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.id();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/memberships/{id}").as_str())
    );
    assert_eq!(created.etag(), "\"1\"");
    assert_eq!(created.body["convention_id"], convention.as_str());
    assert_eq!(created.body["user_id"], camille.as_str());
    assert_eq!(created.body["role"], "viewer");
    assert!(created.body["committee_id"].is_null());
    assert_eq!(created.body["email"], "camille@ccqb.fr");
    assert_eq!(created.body["display_name"], "Camille Durand");
    assert_eq!(created.body["version"], 1);

    let read = app.get(&format!("/api/v1/memberships/{id}")).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.etag(), "\"1\"");
    assert_eq!(read.body, created.body);
    assert_eq!(audit_count(&app, "create"), 1);
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'membership' \
             AND entity_id = '{id}' AND convention_id = '{convention}' \
             AND changes -> 'role' ->> 'new' = 'viewer' \
             AND changes::text NOT LIKE '%camille@ccqb.fr%'"
        )),
        1,
        "the entry records the role, not the person's e-mail"
    );

    // A user may hold several roles: their rights add up.
    membership(
        &app,
        &convention,
        json!({"user_id": camille, "role": "committee", "committee_id": thematic}),
    )
    .await;
    membership(
        &app,
        &convention,
        json!({"user_id": bruno, "role": "pilot", "committee_id": null}),
    )
    .await;
    let other = id_of(&fixtures::convention(&app).await);
    membership(&app, &other, json!({"user_id": bruno, "role": "viewer"})).await;

    let list = app.get(&path).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.body["total"], 3, "another convention's are not listed");
    assert_eq!(list.body["limit"], 50);
    assert_eq!(list.body["offset"], 0);
    let rows = |page: &Value| -> Vec<(String, String)> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["email"].as_str().unwrap().to_string(),
                    m["role"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let row = |email: &str, role: &str| (email.to_string(), role.to_string());
    assert_eq!(
        rows(&list.body),
        [
            row("bruno@caf46.fr", "pilot"),
            row("camille@ccqb.fr", "committee"),
            row("camille@ccqb.fr", "viewer"),
        ],
        "by e-mail, then role"
    );
    let page = app.get(&format!("{path}?limit=1&offset=1")).await;
    assert_eq!(page.body["total"], 3);
    assert_eq!(rows(&page.body), [row("camille@ccqb.fr", "committee")]);
    assert_eq!(page.body["items"][0]["committee_id"], thematic.as_str());

    let by_role = app.get(&format!("{path}?role=viewer")).await;
    assert_eq!(rows(&by_role.body), [row("camille@ccqb.fr", "viewer")]);
    let by_user = app.get(&format!("{path}?user={camille}")).await;
    assert_eq!(by_user.body["total"], 2);
    let by_committee = app.get(&format!("{path}?committee={thematic}")).await;
    assert_eq!(
        rows(&by_committee.body),
        [row("camille@ccqb.fr", "committee")]
    );
    let both = app.get(&format!("{path}?user={bruno}&role=viewer")).await;
    assert_eq!(both.body["total"], 0);

    for (query, field) in [
        ("role=admin", "role"),
        ("user=bruno", "user"),
        ("committee=1", "committee"),
        ("limit=0", "limit"),
    ] {
        let response = app.get(&format!("{path}?{query}")).await;
        assert_eq!(response.status, 400, "{query}");
        assert_eq!(response.problem_code(), "invalid_query");
        assert_eq!(response.error_fields(), [field], "{query}");
    }
}

#[actix_web::test]
async fn memberships_of_a_missing_convention_and_missing_memberships_are_not_found() {
    let app = TestApp::spawn().await;
    let user = insert_user(&app.db, "camille@ccqb.fr", "Camille", None, false);
    let path = memberships_path(UNKNOWN_ID);
    assert_eq!(app.get(&path).await.status, 404);
    let create = app
        .post(&path, &json!({"user_id": user, "role": "viewer"}))
        .await;
    assert_eq!(create.status, 404);
    assert_eq!(create.problem_code(), "not_found");

    let one = format!("/api/v1/memberships/{UNKNOWN_ID}");
    assert_eq!(app.get(&one).await.status, 404);
    assert_eq!(
        app.patch(&one, None, &json!({"role": "pilot"}))
            .await
            .status,
        404
    );
    assert_eq!(app.delete(&one, None).await.status, 404);
    assert_eq!(memberships_count(&app), 0);
}

#[actix_web::test]
async fn refuses_bad_input_naming_the_field() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    let thematic = committee(&app, &convention, "thematic").await;
    let copil = committee(&app, &convention, "copil").await;
    let other = id_of(&fixtures::convention(&app).await);
    let foreign = committee(&app, &other, "thematic").await;
    let user = insert_user(&app.db, "camille@ccqb.fr", "Camille", None, false);
    let gone = insert_user(&app.db, "parti@ccqb.fr", "Parti", None, false);
    diesel::sql_query(format!(
        "UPDATE users SET deleted_at = now() WHERE id = '{gone}'"
    ))
    .execute(&mut app.db.conn())
    .unwrap();
    let path = memberships_path(&convention);

    for (body, field) in [
        (json!({"role": "viewer"}), "user_id"),
        (json!({"user_id": "camille", "role": "viewer"}), "user_id"),
        (json!({"user_id": UNKNOWN_ID, "role": "viewer"}), "user_id"),
        (json!({"user_id": gone, "role": "viewer"}), "user_id"),
        (json!({"user_id": user}), "role"),
        (json!({"user_id": user, "role": "admin"}), "role"),
        (json!({"user_id": user, "role": null}), "role"),
        (
            json!({"user_id": user, "role": "committee"}),
            "committee_id",
        ),
        (
            json!({"user_id": user, "role": "committee", "committee_id": null}),
            "committee_id",
        ),
        (
            json!({"user_id": user, "role": "viewer", "committee_id": thematic}),
            "committee_id",
        ),
        (
            json!({"user_id": user, "role": "copil", "committee_id": copil}),
            "committee_id",
        ),
        (
            json!({"user_id": user, "role": "committee", "committee_id": copil}),
            "committee_id",
        ),
        (
            json!({"user_id": user, "role": "committee", "committee_id": foreign}),
            "committee_id",
        ),
        (
            json!({"user_id": user, "role": "committee", "committee_id": UNKNOWN_ID}),
            "committee_id",
        ),
    ] {
        let response = app.post(&path, &body).await;
        assert_eq!(response.status, 422, "{body}: {}", response.text);
        assert_eq!(response.problem_code(), "validation_failed");
        assert_eq!(response.error_fields(), [field], "{body}");
    }

    let unknown = app
        .post(
            &path,
            &json!({"user_id": user, "role": "viewer", "note": "élue"}),
        )
        .await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.problem_code(), "unknown_field");
    assert_eq!(unknown.error_fields(), ["note"]);

    assert_eq!(memberships_count(&app), 0);
    assert_eq!(audit_count(&app, "create"), 0);
}

#[actix_web::test]
async fn a_user_holds_each_role_once() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    let first = committee(&app, &convention, "thematic").await;
    let second = committee(&app, &convention, "thematic").await;
    let user = insert_user(&app.db, "camille@ccqb.fr", "Camille", None, false);
    let path = memberships_path(&convention);

    membership(&app, &convention, json!({"user_id": user, "role": "pilot"})).await;
    let twice = app
        .post(&path, &json!({"user_id": user, "role": "pilot"}))
        .await;
    assert_eq!(twice.status, 409, "{}", twice.text);
    assert_eq!(twice.problem_code(), "duplicate_membership");

    let on_first = json!({"user_id": user, "role": "committee", "committee_id": first});
    membership(&app, &convention, on_first.clone()).await;
    let again = app.post(&path, &on_first).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.problem_code(), "duplicate_membership");
    // The same role on another committee, or in another convention, is another membership.
    membership(
        &app,
        &convention,
        json!({"user_id": user, "role": "committee", "committee_id": second}),
    )
    .await;
    let other = id_of(&fixtures::convention(&app).await);
    membership(&app, &other, json!({"user_id": user, "role": "pilot"})).await;

    assert_eq!(memberships_count(&app), 4);
    assert_eq!(audit_count(&app, "create"), 4);
}

#[actix_web::test]
async fn patch_changes_the_role_and_committee_together() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    let thematic = committee(&app, &convention, "thematic").await;
    let copil = committee(&app, &convention, "copil").await;
    let user = insert_user(&app.db, "camille@ccqb.fr", "Camille", None, false);
    let created = membership(
        &app,
        &convention,
        json!({"user_id": user, "role": "viewer"}),
    )
    .await;
    let path = format!("/api/v1/memberships/{}", id_of(&created));

    let promoted = app
        .patch(&path, Some("\"1\""), &json!({"role": "copil"}))
        .await;
    assert_eq!(promoted.status, 200, "{}", promoted.text);
    assert_eq!(promoted.etag(), "\"2\"");
    assert_eq!(promoted.body["role"], "copil");
    assert_eq!(promoted.body["user_id"], user.as_str());
    assert_eq!(promoted.body["email"], "camille@ccqb.fr");
    assert_eq!(app.get(&path).await.body["role"], "copil");
    assert_eq!(
        app.db.count(
            "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'membership' \
             AND operation = 'update' AND changes -> 'role' = '{\"old\": \"viewer\", \"new\": \"copil\"}'"
        ),
        1,
        "a role change is an update, old and new role recorded"
    );

    for (body, field) in [
        (json!({"role": null}), "role"),
        (json!({"role": "owner"}), "role"),
        (json!({"role": "committee"}), "committee_id"),
        (json!({"committee_id": thematic}), "committee_id"),
        (
            json!({"role": "committee", "committee_id": copil}),
            "committee_id",
        ),
        (
            json!({"role": "committee", "committee_id": UNKNOWN_ID}),
            "committee_id",
        ),
    ] {
        let response = app.patch(&path, Some("\"2\""), &body).await;
        assert_eq!(response.status, 422, "{body}: {}", response.text);
        assert_eq!(response.error_fields(), [field], "{body}");
    }
    let user_id = app
        .patch(&path, Some("\"2\""), &json!({"user_id": UNKNOWN_ID}))
        .await;
    assert_eq!(user_id.status, 400, "the user of a membership is fixed");
    assert_eq!(user_id.error_fields(), ["user_id"]);
    assert_eq!(
        app.patch(&path, None, &json!({"role": "pilot"}))
            .await
            .status,
        428
    );
    let stale = app
        .patch(&path, Some("\"1\""), &json!({"role": "pilot"}))
        .await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.etag(), "\"2\"");
    assert_eq!(app.get(&path).await.body["version"], 2, "nothing stored");

    let scoped = app
        .patch(
            &path,
            Some("\"2\""),
            &json!({"role": "committee", "committee_id": thematic}),
        )
        .await;
    assert_eq!(scoped.status, 200, "{}", scoped.text);
    assert_eq!(scoped.body["committee_id"], thematic.as_str());
    // Leaving the committee role takes the committee away explicitly.
    let keeps = app
        .patch(&path, Some("\"3\""), &json!({"role": "viewer"}))
        .await;
    assert_eq!(keeps.status, 422);
    assert_eq!(keeps.error_fields(), ["committee_id"]);
    let left = app
        .patch(
            &path,
            Some("\"3\""),
            &json!({"role": "viewer", "committee_id": null}),
        )
        .await;
    assert_eq!(left.status, 200, "{}", left.text);
    assert!(left.body["committee_id"].is_null());
    assert_eq!(left.body["version"], 4);

    // Becoming a role the user already holds is a duplicate.
    membership(&app, &convention, json!({"user_id": user, "role": "pilot"})).await;
    let duplicate = app
        .patch(&path, Some("\"4\""), &json!({"role": "pilot"}))
        .await;
    assert_eq!(duplicate.status, 409);
    assert_eq!(duplicate.problem_code(), "duplicate_membership");
    // The same role as now is no change at all.
    let same = app.patch(&path, Some("\"4\""), &json!({})).await;
    assert_eq!(same.status, 200);
    assert_eq!(same.etag(), "\"4\"");
    assert_eq!(audit_count(&app, "update"), 3);
}

#[actix_web::test]
async fn deletes_a_membership() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    let user = insert_user(&app.db, "camille@ccqb.fr", "Camille", None, false);
    let created = membership(
        &app,
        &convention,
        json!({"user_id": user, "role": "viewer"}),
    )
    .await;
    let id = id_of(&created);
    let path = format!("/api/v1/memberships/{id}");

    assert_eq!(app.delete(&path, None).await.status, 428);
    let stale = app.delete(&path, Some("\"2\"")).await;
    assert_eq!(stale.status, 412);
    assert_eq!(memberships_count(&app), 1);

    let deleted = app.delete(&path, Some("\"1\"")).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(app.get(&path).await.status, 404);
    assert_eq!(memberships_count(&app), 0);
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'membership' \
             AND operation = 'delete' AND entity_id = '{id}' \
             AND changes -> 'role' ->> 'old' = 'viewer'"
        )),
        1
    );
    assert_eq!(app.delete(&path, Some("\"1\"")).await.status, 404);
}

#[actix_web::test]
async fn only_coordinators_manage_and_read_memberships() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    let thematic = committee(&app, &convention, "thematic").await;
    let path = memberships_path(&convention);
    let camille = insert_user(&app.db, "camille@ccqb.fr", "Camille", None, false);

    let (_, coordinator) = member(&app, &convention, "coordinator", None, None).await;
    let as_coordinator = app.as_user(&coordinator);
    let created = as_coordinator
        .post(&path, &json!({"user_id": camille, "role": "viewer"}))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let one = format!("/api/v1/memberships/{}", created.id());
    let list = as_coordinator.get(&path).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["total"], 2);
    assert_eq!(as_coordinator.get(&one).await.status, 200);
    let patched = as_coordinator
        .patch(&one, Some("\"1\""), &json!({"role": "pilot"}))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);

    for role in ["copil", "committee", "pilot", "viewer", "reporting"] {
        let scope = (role == "committee").then_some(thematic.as_str());
        let (_, token) = member(&app, &convention, role, None, scope).await;
        let caller = app.as_user(&token);
        let listed = caller.get(&path).await;
        assert_eq!(listed.status, 403, "{role} lists: {}", listed.text);
        assert_eq!(listed.problem_code(), "forbidden");
        assert_eq!(caller.get(&one).await.status, 403, "{role} reads");
        let create = caller
            .post(&path, &json!({"user_id": camille, "role": "copil"}))
            .await;
        assert_eq!(create.status, 403, "{role} creates");
        let patch = caller
            .patch(&one, Some("\"2\""), &json!({"role": "coordinator"}))
            .await;
        assert_eq!(patch.status, 403, "{role} patches");
        assert_eq!(
            caller.delete(&one, Some("\"2\"")).await.status,
            403,
            "{role} deletes"
        );
        // Members still read the plan's committees.
        let committees = caller
            .get(&format!("/api/v1/conventions/{convention}/committees"))
            .await;
        assert_eq!(committees.status, 200, "{role} lists committees");
    }
    // Coordinator, camille, and one per role above.
    assert_eq!(memberships_count(&app), 7);
    assert_eq!(as_coordinator.get(&one).await.body["role"], "pilot");

    let other = id_of(&fixtures::convention(&app).await);
    let (_, stranger) = member(&app, &other, "coordinator", None, None).await;
    let stranger = app.as_user(&stranger);
    assert_eq!(stranger.get(&path).await.status, 404);
    assert_eq!(stranger.get(&one).await.status, 404);
    let create = stranger
        .post(&path, &json!({"user_id": camille, "role": "copil"}))
        .await;
    assert_eq!(create.status, 404);
    assert_eq!(
        stranger
            .patch(&one, Some("\"2\""), &json!({"role": "copil"}))
            .await
            .status,
        404
    );
    assert_eq!(stranger.delete(&one, Some("\"2\"")).await.status, 404);

    let anonymous = app.anonymous();
    assert_eq!(anonymous.get(&path).await.status, 401);
    assert_eq!(anonymous.get(&one).await.status, 401);
    assert_eq!(
        anonymous
            .post(&path, &json!({"user_id": camille, "role": "copil"}))
            .await
            .status,
        401
    );
    assert_eq!(anonymous.delete(&one, Some("\"2\"")).await.status, 401);
    assert_eq!(
        memberships_count(&app),
        8,
        "the 7 above and the stranger's elsewhere"
    );

    let deleted = as_coordinator.delete(&one, Some("\"2\"")).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(
        audit_count(&app, "create"),
        1,
        "direct grants above are not API writes"
    );
    assert_eq!(audit_count(&app, "update"), 1);
    assert_eq!(audit_count(&app, "delete"), 1);
}

#[actix_web::test]
async fn changes_to_a_membership_take_effect_on_the_next_request() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    let email = "camille@ccqb.fr";
    let user = insert_user(&app.db, email, "Camille", None, false);
    let token = login(&app, email).await;
    let camille = app.as_user(&token);
    let committees = format!("/api/v1/conventions/{convention}/committees");

    assert_eq!(
        camille.get(&committees).await.status,
        404,
        "not a member yet"
    );
    let created = membership(
        &app,
        &convention,
        json!({"user_id": user, "role": "viewer"}),
    )
    .await;
    let path = format!("/api/v1/memberships/{}", id_of(&created));
    assert_eq!(
        camille.get(&committees).await.status,
        200,
        "the same token, now a member"
    );
    let copil = json!({"name": "COPIL", "kind": "copil"});
    assert_eq!(camille.post(&committees, &copil).await.status, 403);

    let promoted = app
        .patch(&path, Some("\"1\""), &json!({"role": "coordinator"}))
        .await;
    assert_eq!(promoted.status, 200, "{}", promoted.text);
    assert_eq!(
        camille.post(&committees, &copil).await.status,
        201,
        "promoted at once"
    );

    let removed = app.delete(&path, Some("\"2\"")).await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    assert_eq!(
        camille.get(&committees).await.status,
        404,
        "removed at once"
    );
    assert_eq!(
        camille
            .get(&format!("/api/v1/conventions/{convention}"))
            .await
            .status,
        404,
        "the convention itself is gone for them"
    );
}

use diesel::connection::SimpleConnection;
use serde_json::{json, Value};

use crate::support::{fixtures, TestApp};

const UNKNOWN_ID: &str = "0190f1c2-0000-7000-8000-000000000000";

fn id_of(resource: &Value) -> String {
    resource["id"].as_str().expect("an id").to_string()
}

fn codes(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|o| o["code"].as_str().expect("a code").to_string())
        .collect()
}

/// A convention and one of its axes, numbered `axis_number`.
async fn axis(app: &TestApp, axis_number: i32) -> (String, String) {
    let convention = id_of(&fixtures::convention(app).await);
    let axis = id_of(&fixtures::axis(app, &convention, axis_number).await);
    (convention, axis)
}

#[actix_web::test]
async fn creates_reads_and_lists_objectives_with_their_derived_code() {
    let app = TestApp::spawn().await;
    let (convention, axis) = axis(&app, 2).await;
    let objectives = format!("/api/v1/axes/{axis}/objectives");

    let created = app
        .post(
            &objectives,
            &json!({"number": 3, "title": "Soutenir la parentalité",
                    "description": "Lieux d'accueil enfants-parents, REAAP."}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.id();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/objectives/{id}").as_str())
    );
    assert_eq!(created.etag(), "\"1\"");
    assert_eq!(created.body["code"], "2.3");
    assert_eq!(created.body["axis_id"], axis.as_str());
    assert_eq!(created.body["convention_id"], convention.as_str());

    let read = app.get(&format!("/api/v1/objectives/{id}")).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.etag(), "\"1\"");
    assert_eq!(read.body["code"], "2.3");
    assert_eq!(read.body["number"], 3);
    assert_eq!(read.body["title"], "Soutenir la parentalité");
    assert_eq!(
        read.body["description"],
        "Lieux d'accueil enfants-parents, REAAP."
    );
    assert_eq!(read.body["version"], 1);

    fixtures::objective(&app, &axis, 1).await;
    fixtures::objective(&app, &axis, 12).await;
    // Another axis' objectives are not listed.
    let other_axis = id_of(&fixtures::axis(&app, &convention, 1).await);
    fixtures::objective(&app, &other_axis, 1).await;

    let list = app.get(&format!("{objectives}?limit=2")).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["total"], 3);
    assert_eq!(list.body["limit"], 2);
    assert_eq!(list.body["offset"], 0);
    assert_eq!(codes(&list.body), ["2.1", "2.3"], "number order");
    let rest = app.get(&format!("{objectives}?limit=2&offset=2")).await;
    assert_eq!(codes(&rest.body), ["2.12"]);
    assert_eq!(
        codes(
            &app.get(&format!("/api/v1/axes/{other_axis}/objectives"))
                .await
                .body
        ),
        ["1.1"]
    );
    assert_eq!(
        app.db.count("SELECT count(*) AS n FROM objectives"),
        4,
        "codes are not stored: the table has no such column"
    );
}

#[actix_web::test]
async fn objectives_of_a_missing_axis_are_not_found() {
    let app = TestApp::spawn().await;
    let objectives = format!("/api/v1/axes/{UNKNOWN_ID}/objectives");
    let list = app.get(&objectives).await;
    assert_eq!(list.status, 404);
    assert_eq!(list.problem_code(), "not_found");
    let create = app
        .post(&objectives, &json!({"number": 1, "title": "Objectif"}))
        .await;
    assert_eq!(create.status, 404);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM objectives"), 0);
}

#[actix_web::test]
async fn codes_follow_the_axis_number() {
    let app = TestApp::spawn().await;
    let (_, axis) = axis(&app, 2).await;
    let objective = id_of(&fixtures::objective(&app, &axis, 1).await);
    fixtures::objective(&app, &axis, 2).await;
    let objective_path = format!("/api/v1/objectives/{objective}");
    assert_eq!(app.get(&objective_path).await.body["code"], "2.1");

    let renumbered = app
        .patch(
            &format!("/api/v1/axes/{axis}"),
            Some("\"1\""),
            &json!({"number": 5}),
        )
        .await;
    assert_eq!(renumbered.status, 200, "{}", renumbered.text);

    let read = app.get(&objective_path).await;
    assert_eq!(read.body["code"], "5.1");
    assert_eq!(
        read.etag(),
        "\"1\"",
        "the objective itself did not change: its code derives"
    );
    let list = app.get(&format!("/api/v1/axes/{axis}/objectives")).await;
    assert_eq!(codes(&list.body), ["5.1", "5.2"]);
}

#[actix_web::test]
async fn refuses_bad_input_naming_the_field() {
    let app = TestApp::spawn().await;
    let (_, axis) = axis(&app, 1).await;
    let objectives = format!("/api/v1/axes/{axis}/objectives");

    for (body, field) in [
        (json!({"number": 0, "title": "Objectif"}), "number"),
        (json!({"number": 1000, "title": "Objectif"}), "number"),
        (json!({"number": "1", "title": "Objectif"}), "number"),
        (json!({"title": "Objectif"}), "number"),
        (json!({"number": 1, "title": "  "}), "title"),
        (json!({"number": 1, "title": null}), "title"),
        (
            json!({"number": 1, "title": "Objectif", "description": " "}),
            "description",
        ),
    ] {
        let response = app.post(&objectives, &body).await;
        assert_eq!(response.status, 422, "{body}: {}", response.text);
        assert_eq!(response.problem_code(), "validation_failed");
        assert_eq!(response.error_fields(), [field], "{body}");
    }
    let unknown = app
        .post(
            &objectives,
            &json!({"number": 1, "title": "Objectif", "code": "1.1"}),
        )
        .await;
    assert_eq!(unknown.status, 400, "the code is derived, never sent");
    assert_eq!(unknown.error_fields(), ["code"]);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM objectives"), 0);

    let objective = fixtures::objective(&app, &axis, 1).await;
    let path = format!("/api/v1/objectives/{}", id_of(&objective));
    for (body, field) in [
        (json!({"number": null}), "number"),
        (json!({"number": -2}), "number"),
        (json!({"title": null}), "title"),
        (json!({"title": ""}), "title"),
        (json!({"axis_id": null}), "axis_id"),
        (json!({"axis_id": "nope"}), "axis_id"),
    ] {
        let refused = app.patch(&path, Some("\"1\""), &body).await;
        assert_eq!(refused.status, 422, "{body}");
        assert_eq!(refused.error_fields(), [field], "{body}");
    }
    assert_eq!(app.get(&path).await.body["version"], 1);
}

#[actix_web::test]
async fn a_number_is_unique_within_its_axis() {
    let app = TestApp::spawn().await;
    let (convention, axis) = axis(&app, 1).await;
    fixtures::objective(&app, &axis, 1).await;
    let second = fixtures::objective(&app, &axis, 2).await;

    let duplicate = app
        .post(
            &format!("/api/v1/axes/{axis}/objectives"),
            &json!({"number": 1, "title": "Encore 1.1"}),
        )
        .await;
    assert_eq!(duplicate.status, 409);
    assert_eq!(duplicate.problem_code(), "duplicate_number");

    let other_axis = id_of(&fixtures::axis(&app, &convention, 2).await);
    fixtures::objective(&app, &other_axis, 1).await;

    let path = format!("/api/v1/objectives/{}", id_of(&second));
    let renumbered = app.patch(&path, Some("\"1\""), &json!({"number": 1})).await;
    assert_eq!(renumbered.status, 409);
    assert_eq!(renumbered.problem_code(), "duplicate_number");
    assert_eq!(app.get(&path).await.body["number"], 2);
}

#[actix_web::test]
async fn updates_need_the_current_version() {
    let app = TestApp::spawn().await;
    let (_, axis) = axis(&app, 3).await;
    let objective = fixtures::objective(&app, &axis, 1).await;
    let path = format!("/api/v1/objectives/{}", id_of(&objective));

    let without = app.patch(&path, None, &json!({"number": 2})).await;
    assert_eq!(without.status, 428);
    assert_eq!(without.problem_code(), "if_match_required");

    let patched = app
        .patch(
            &path,
            Some("\"1\""),
            &json!({"number": 2, "description": "Développer l'offre d'accueil"}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.body["number"], 2);
    assert_eq!(patched.body["code"], "3.2");
    assert_eq!(
        patched.body["title"], "Objectif 1",
        "absent fields unchanged"
    );
    assert_eq!(patched.body["description"], "Développer l'offre d'accueil");
    assert_eq!(patched.body["version"], 2);
    assert_eq!(patched.etag(), "\"2\"");

    let stale = app
        .patch(&path, Some("\"1\""), &json!({"title": "Autre"}))
        .await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.problem_code(), "version_mismatch");
    assert_eq!(stale.etag(), "\"2\"");

    let cleared = app
        .patch(&path, Some("\"2\""), &json!({"description": null}))
        .await;
    assert_eq!(cleared.status, 200);
    assert!(cleared.body["description"].is_null());
    assert_eq!(cleared.body["version"], 3);

    let stored = app.get(&path).await;
    assert_eq!(stored.body["title"], "Objectif 1");
    assert_eq!(stored.body["code"], "3.2");
    assert_eq!(stored.body["version"], 3);
}

#[actix_web::test]
async fn an_objective_moves_only_between_axes_of_its_convention() {
    let app = TestApp::spawn().await;
    let (convention, first_axis) = axis(&app, 1).await;
    let second_axis = id_of(&fixtures::axis(&app, &convention, 2).await);
    let objective = id_of(&fixtures::objective(&app, &first_axis, 1).await);
    fixtures::objective(&app, &first_axis, 2).await;
    fixtures::objective(&app, &second_axis, 2).await;
    let (_, foreign_axis) = axis(&app, 3).await;
    let path = format!("/api/v1/objectives/{objective}");

    let foreign = app
        .patch(&path, Some("\"1\""), &json!({"axis_id": foreign_axis}))
        .await;
    assert_eq!(foreign.status, 422, "{}", foreign.text);
    assert_eq!(foreign.error_fields(), ["axis_id"]);
    let unknown = app
        .patch(&path, Some("\"1\""), &json!({"axis_id": UNKNOWN_ID}))
        .await;
    assert_eq!(unknown.status, 422);
    assert_eq!(unknown.error_fields(), ["axis_id"]);
    let clash = app
        .patch(
            &path,
            Some("\"1\""),
            &json!({"axis_id": second_axis, "number": 2}),
        )
        .await;
    assert_eq!(clash.status, 409, "2.2 is taken");
    assert_eq!(clash.problem_code(), "duplicate_number");
    let stale = app
        .patch(&path, Some("\"0\""), &json!({"axis_id": second_axis}))
        .await;
    assert_eq!(stale.status, 412);

    let stored = app.get(&path).await;
    assert_eq!(stored.body["axis_id"], first_axis.as_str(), "not moved");
    assert_eq!(stored.body["version"], 1);

    let moved = app
        .patch(&path, Some("\"1\""), &json!({"axis_id": second_axis}))
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["axis_id"], second_axis.as_str());
    assert_eq!(moved.body["convention_id"], convention.as_str());
    assert_eq!(moved.body["code"], "2.1");
    assert_eq!(moved.body["version"], 2);

    let first_list = app
        .get(&format!("/api/v1/axes/{first_axis}/objectives"))
        .await;
    assert_eq!(codes(&first_list.body), ["1.2"]);
    let second_list = app
        .get(&format!("/api/v1/axes/{second_axis}/objectives"))
        .await;
    assert_eq!(codes(&second_list.body), ["2.1", "2.2"]);
}

#[actix_web::test]
async fn deleting_an_objective_with_actions_is_a_conflict() {
    let app = TestApp::spawn().await;
    let (_, axis) = axis(&app, 1).await;
    let objective = id_of(&fixtures::objective(&app, &axis, 1).await);
    let path = format!("/api/v1/objectives/{objective}");
    // Straight into the table: this test is about objectives, not the actions API.
    app.db
        .conn()
        .batch_execute(&format!(
            "INSERT INTO actions (id, objective_id, number, title) \
             VALUES (gen_random_uuid(), '{objective}', 1, 'Fiche 1.1.1')"
        ))
        .expect("insert an action");

    let referenced = app.delete(&path, Some("\"1\"")).await;
    assert_eq!(referenced.status, 409);
    assert_eq!(referenced.problem_code(), "still_referenced");
    assert_eq!(app.get(&path).await.status, 200, "still there");

    app.db
        .conn()
        .batch_execute("DELETE FROM actions")
        .expect("remove the action");
    assert_eq!(app.delete(&path, None).await.status, 428);
    let stale = app.delete(&path, Some("\"2\"")).await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.etag(), "\"1\"");
    let deleted = app.delete(&path, Some("\"1\"")).await;
    assert_eq!(deleted.status, 204);
    assert_eq!(app.get(&path).await.status, 404);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM objectives"), 0);
    assert_eq!(
        app.get(&format!("/api/v1/axes/{axis}")).await.status,
        200,
        "its axis stays"
    );
}

#[actix_web::test]
async fn unknown_objectives_are_not_found() {
    let app = TestApp::spawn().await;
    let path = format!("/api/v1/objectives/{UNKNOWN_ID}");
    let read = app.get(&path).await;
    assert_eq!(read.status, 404);
    assert_eq!(read.problem_code(), "not_found");
    assert_eq!(
        app.patch(&path, Some("\"1\""), &json!({"title": "Objectif"}))
            .await
            .status,
        404
    );
    assert_eq!(app.patch(&path, None, &json!({})).await.status, 404);
    assert_eq!(app.delete(&path, Some("\"1\"")).await.status, 404);
    assert_eq!(app.get("/api/v1/objectives/1.1").await.status, 404);
}

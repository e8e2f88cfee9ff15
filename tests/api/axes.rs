use serde_json::{json, Value};

use crate::support::{fixtures, TestApp};

const UNKNOWN_ID: &str = "0190f1c2-0000-7000-8000-000000000000";

fn id_of(resource: &Value) -> String {
    resource["id"].as_str().expect("an id").to_string()
}

#[actix_web::test]
async fn creates_reads_and_lists_the_axes_of_a_convention() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    let axes = format!("/api/v1/conventions/{convention}/axes");

    let created = app
        .post(
            &axes,
            &json!({"number": 2, "title": "Accès aux droits",
                    "description": "Faciliter l'accès aux droits et aux services."}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.id();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/axes/{id}").as_str())
    );
    assert_eq!(created.etag(), "\"1\"");
    assert_eq!(created.body["convention_id"], convention.as_str());
    assert_eq!(created.body["number"], 2);
    assert_eq!(created.body["version"], 1);

    let read = app.get(&format!("/api/v1/axes/{id}")).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.etag(), "\"1\"");
    assert_eq!(read.body["title"], "Accès aux droits");
    assert_eq!(
        read.body["description"],
        "Faciliter l'accès aux droits et aux services."
    );
    assert_eq!(read.body["convention_id"], convention.as_str());

    let first = fixtures::axis(&app, &convention, 1).await;
    assert!(first["description"].is_null(), "description is optional");
    fixtures::axis(&app, &convention, 10).await;
    // Another convention's axes are not listed.
    let other = id_of(&fixtures::convention(&app).await);
    fixtures::axis(&app, &other, 1).await;

    let list = app.get(&format!("{axes}?limit=2")).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["total"], 3);
    assert_eq!(list.body["limit"], 2);
    assert_eq!(list.body["offset"], 0);
    let numbers = |page: &Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["number"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(numbers(&list.body), [1, 2], "number order, not text order");
    let rest = app.get(&format!("{axes}?limit=2&offset=2")).await;
    assert_eq!(numbers(&rest.body), [10]);
    assert_eq!(
        app.get(&format!("{axes}?offset=-1")).await.status,
        400,
        "offset is not negative"
    );
}

#[actix_web::test]
async fn axes_of_a_missing_convention_are_not_found() {
    let app = TestApp::spawn().await;
    let axes = format!("/api/v1/conventions/{UNKNOWN_ID}/axes");
    let list = app.get(&axes).await;
    assert_eq!(list.status, 404);
    assert_eq!(list.problem_code(), "not_found");
    let create = app
        .post(&axes, &json!({"number": 1, "title": "Axe 1"}))
        .await;
    assert_eq!(create.status, 404);
    assert_eq!(create.problem_code(), "not_found");
    assert_eq!(app.db.count("SELECT count(*) AS n FROM axes"), 0);
}

/// The document says `integer`, and JSON Schema counts `2.0` as one.
#[actix_web::test]
async fn takes_an_integral_number_written_with_a_fraction() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    let axes = format!("/api/v1/conventions/{convention}/axes");
    let created = app
        .post(&axes, &json!({"number": 2.0, "title": "Axe deux"}))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["number"], 2);
}

#[actix_web::test]
async fn refuses_bad_input_naming_the_field() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    let axes = format!("/api/v1/conventions/{convention}/axes");

    for (body, field) in [
        (json!({"number": 0, "title": "Axe"}), "number"),
        (json!({"number": 1000, "title": "Axe"}), "number"),
        (json!({"number": 1.5, "title": "Axe"}), "number"),
        (json!({"number": null, "title": "Axe"}), "number"),
        (json!({"title": "Axe"}), "number"),
        (json!({"number": 1, "title": " "}), "title"),
        (json!({"number": 1}), "title"),
        (
            json!({"number": 1, "title": "Axe", "description": ""}),
            "description",
        ),
    ] {
        let response = app.post(&axes, &body).await;
        assert_eq!(response.status, 422, "{body}: {}", response.text);
        assert_eq!(response.problem_code(), "validation_failed");
        assert_eq!(response.error_fields(), [field], "{body}");
    }

    let both = app.post(&axes, &json!({"number": -1, "title": ""})).await;
    assert_eq!(both.error_fields(), ["number", "title"]);

    let read_only = app
        .post(&axes, &json!({"number": 1, "title": "Axe", "code": "1"}))
        .await;
    assert_eq!(read_only.status, 400);
    assert_eq!(
        read_only.problem_code(),
        "read_only_field",
        "the server derives codes"
    );
    assert_eq!(read_only.error_fields(), ["code"]);

    let unknown = app
        .post(
            &axes,
            &json!({"number": 1, "title": "Axe", "colour": "bleu"}),
        )
        .await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.problem_code(), "unknown_field");
    assert_eq!(unknown.error_fields(), ["colour"]);

    assert_eq!(app.db.count("SELECT count(*) AS n FROM axes"), 0);
}

#[actix_web::test]
async fn a_number_is_unique_within_its_convention() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    fixtures::axis(&app, &convention, 1).await;
    let second = fixtures::axis(&app, &convention, 2).await;

    let duplicate = app
        .post(
            &format!("/api/v1/conventions/{convention}/axes"),
            &json!({"number": 1, "title": "Encore l'axe 1"}),
        )
        .await;
    assert_eq!(duplicate.status, 409);
    assert_eq!(duplicate.problem_code(), "duplicate_number");

    let other = id_of(&fixtures::convention(&app).await);
    fixtures::axis(&app, &other, 1).await;

    let path = format!("/api/v1/axes/{}", id_of(&second));
    let renumbered = app.patch(&path, Some("\"1\""), &json!({"number": 1})).await;
    assert_eq!(renumbered.status, 409);
    assert_eq!(renumbered.problem_code(), "duplicate_number");
    let stored = app.get(&path).await;
    assert_eq!(stored.body["number"], 2);
    assert_eq!(stored.body["version"], 1);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM axes"), 3);
}

#[actix_web::test]
async fn updates_need_the_current_version() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    let axis = fixtures::axis(&app, &convention, 1).await;
    let path = format!("/api/v1/axes/{}", id_of(&axis));

    let without = app
        .patch(&path, None, &json!({"title": "Petite enfance"}))
        .await;
    assert_eq!(without.status, 428);
    assert_eq!(without.problem_code(), "if_match_required");

    let patched = app
        .patch(
            &path,
            Some("\"1\""),
            &json!({"title": "Petite enfance", "description": "Accueil du jeune enfant"}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.body["title"], "Petite enfance");
    assert_eq!(patched.body["description"], "Accueil du jeune enfant");
    assert_eq!(patched.body["number"], 1, "absent fields unchanged");
    assert_eq!(patched.body["version"], 2);
    assert_eq!(patched.etag(), "\"2\"");

    let stale = app.patch(&path, Some("\"1\""), &json!({"number": 3})).await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.problem_code(), "version_mismatch");
    assert_eq!(stale.etag(), "\"2\"");

    for (body, field) in [
        (json!({"number": null}), "number"),
        (json!({"number": 0}), "number"),
        (json!({"title": null}), "title"),
        (json!({"title": ""}), "title"),
        (json!({"description": "\t"}), "description"),
    ] {
        let refused = app.patch(&path, Some("\"2\""), &body).await;
        assert_eq!(refused.status, 422, "{body}");
        assert_eq!(refused.error_fields(), [field], "{body}");
    }
    let unknown = app
        .patch(&path, Some("\"2\""), &json!({"convention_id": UNKNOWN_ID}))
        .await;
    assert_eq!(unknown.status, 400, "an axis does not change convention");

    let cleared = app
        .patch(
            &path,
            Some("\"2\""),
            &json!({"description": null, "number": 4}),
        )
        .await;
    assert_eq!(cleared.status, 200);
    assert!(cleared.body["description"].is_null(), "null clears it");
    assert_eq!(cleared.body["number"], 4);

    let stored = app.get(&path).await;
    assert_eq!(stored.body["version"], 3);
    assert_eq!(stored.body["title"], "Petite enfance");
    assert!(stored.body["description"].is_null());
}

#[actix_web::test]
async fn deleting_an_axis_with_objectives_is_a_conflict() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    let axis = id_of(&fixtures::axis(&app, &convention, 1).await);
    let objective = id_of(&fixtures::objective(&app, &axis, 1).await);
    let path = format!("/api/v1/axes/{axis}");

    let referenced = app.delete(&path, Some("\"1\"")).await;
    assert_eq!(referenced.status, 409);
    assert_eq!(referenced.problem_code(), "still_referenced");
    assert_eq!(app.get(&path).await.status, 200, "still there");

    let objective_path = format!("/api/v1/objectives/{objective}");
    assert_eq!(app.delete(&objective_path, Some("\"1\"")).await.status, 204);

    assert_eq!(app.delete(&path, None).await.status, 428);
    assert_eq!(app.delete(&path, Some("\"9\"")).await.status, 412);
    let deleted = app.delete(&path, Some("\"1\"")).await;
    assert_eq!(deleted.status, 204);
    assert_eq!(app.get(&path).await.status, 404);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM axes"), 0);
    assert_eq!(
        app.get(&format!("/api/v1/conventions/{convention}"))
            .await
            .status,
        200,
        "its convention stays"
    );
}

#[actix_web::test]
async fn unknown_axes_are_not_found() {
    let app = TestApp::spawn().await;
    let path = format!("/api/v1/axes/{UNKNOWN_ID}");
    let read = app.get(&path).await;
    assert_eq!(read.status, 404);
    assert_eq!(read.problem_code(), "not_found");
    assert_eq!(
        app.patch(&path, Some("\"1\""), &json!({"title": "Axe"}))
            .await
            .status,
        404
    );
    assert_eq!(app.delete(&path, None).await.status, 404, "404 before 428");
    assert_eq!(app.get("/api/v1/axes/42").await.status, 404);
}

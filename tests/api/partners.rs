use serde_json::json;

use crate::support::{fixtures, TestApp};

#[actix_web::test]
async fn creates_reads_and_lists_partners_as_written() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/api/v1/partners",
            &json!({"name": "Caisse d'allocations familiales du Lot", "acronym": "Caf", "kind": "caf"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.id();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/partners/{id}").as_str())
    );
    assert_eq!(created.etag(), "\"1\"");
    assert_eq!(created.body["version"], 1);

    let read = app.get(&format!("/api/v1/partners/{id}")).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["name"], "Caisse d'allocations familiales du Lot");
    assert_eq!(read.body["acronym"], "Caf");
    assert_eq!(read.body["kind"], "caf");
    assert_eq!(read.etag(), "\"1\"");

    fixtures::partner(&app, "Association Départementale des PEP", "association").await;
    let list = app.get("/api/v1/partners?limit=1").await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["total"], 2);
    assert_eq!(list.body["limit"], 1);
    assert_eq!(list.body["offset"], 0);
    // Name order: "Association…" before "Caisse…".
    assert_eq!(
        list.body["items"][0]["name"],
        "Association Départementale des PEP"
    );
    let second = app.get("/api/v1/partners?limit=1&offset=1").await;
    assert_eq!(second.body["items"][0]["id"], id.as_str());
}

#[actix_web::test]
async fn refuses_bad_input_naming_the_field() {
    let app = TestApp::spawn().await;
    let blank = app
        .post("/api/v1/partners", &json!({"name": "  ", "kind": "caf"}))
        .await;
    assert_eq!(blank.status, 422);
    assert_eq!(blank.problem_code(), "validation_failed");
    assert_eq!(blank.error_fields(), ["name"]);

    let kind = app
        .post("/api/v1/partners", &json!({"name": "MJC", "kind": "club"}))
        .await;
    assert_eq!(kind.status, 422);
    assert_eq!(kind.error_fields(), ["kind"]);

    let missing = app.post("/api/v1/partners", &json!({"kind": "caf"})).await;
    assert_eq!(missing.status, 422);
    assert_eq!(missing.error_fields(), ["name"]);

    let unknown = app
        .post(
            "/api/v1/partners",
            &json!({"name": "MJC", "kind": "association", "colour": "red"}),
        )
        .await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.problem_code(), "unknown_field");
    assert_eq!(unknown.error_fields(), ["colour"]);

    let malformed = app
        .raw(
            "POST",
            "/api/v1/partners",
            &[("content-type", "application/json")],
            b"{\"name\":",
        )
        .await;
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.problem_code(), "malformed_json");

    let not_json = app
        .raw(
            "POST",
            "/api/v1/partners",
            &[("content-type", "text/plain")],
            b"name=MJC",
        )
        .await;
    assert_eq!(not_json.status, 415);
    // A JSON Patch is another format than the merge patch the API takes.
    let json_patch = app
        .raw(
            "POST",
            "/api/v1/partners",
            &[("content-type", "application/json-patch+json")],
            br#"{"name": "MJC", "kind": "association"}"#,
        )
        .await;
    assert_eq!(json_patch.status, 415);
    // Every body is an object: serde would also fill the fields from an array, in order.
    let array = app
        .raw(
            "POST",
            "/api/v1/partners",
            &[("content-type", "application/json")],
            br#"["MJC", "MJC", "association"]"#,
        )
        .await;
    assert_eq!(array.status, 400, "{}", array.text);
    assert_eq!(array.problem_code(), "malformed_json");
    assert_eq!(app.db.count("SELECT count(*) AS n FROM partners"), 0);

    let huge = format!(
        "{{\"name\":\"{}\",\"kind\":\"other\"}}",
        "a".repeat(70 * 1024)
    );
    let too_large = app
        .raw(
            "POST",
            "/api/v1/partners",
            &[("content-type", "application/json")],
            huge.as_bytes(),
        )
        .await;
    assert_eq!(too_large.status, 413);
    assert_eq!(too_large.problem_code(), "payload_too_large");

    assert_eq!(
        app.db.count("SELECT count(*) AS n FROM partners"),
        0,
        "nothing stored"
    );
}

#[actix_web::test]
async fn a_duplicate_name_is_a_conflict_whatever_its_case() {
    let app = TestApp::spawn().await;
    fixtures::partner(&app, "Mission Locale", "association").await;
    let duplicate = app
        .post(
            "/api/v1/partners",
            &json!({"name": "MISSION LOCALE", "kind": "association"}),
        )
        .await;
    assert_eq!(duplicate.status, 409);
    assert_eq!(duplicate.problem_code(), "duplicate_partner");
}

#[actix_web::test]
async fn updates_need_the_current_version() {
    let app = TestApp::spawn().await;
    let partner = fixtures::partner(&app, "Centre social", "association").await;
    let path = format!("/api/v1/partners/{}", partner["id"].as_str().unwrap());

    let without = app.patch(&path, None, &json!({"acronym": "CS"})).await;
    assert_eq!(without.status, 428);
    assert_eq!(without.problem_code(), "if_match_required");

    let patched = app
        .patch(&path, Some("\"1\""), &json!({"acronym": "CS"}))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.body["acronym"], "CS");
    assert_eq!(
        patched.body["name"], "Centre social",
        "absent fields unchanged"
    );
    assert_eq!(patched.body["version"], 2);
    assert_eq!(patched.etag(), "\"2\"");

    let stale = app
        .patch(&path, Some("\"1\""), &json!({"name": "Autre"}))
        .await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.problem_code(), "version_mismatch");
    assert_eq!(stale.etag(), "\"2\"");

    let cleared = app
        .patch(&path, Some("\"2\""), &json!({"acronym": null}))
        .await;
    assert_eq!(cleared.status, 200);
    assert!(
        cleared.body["acronym"].is_null(),
        "null clears an optional field"
    );

    let null_name = app
        .patch(&path, Some("\"3\""), &json!({"name": null}))
        .await;
    assert_eq!(null_name.status, 422);
    assert_eq!(null_name.error_fields(), ["name"]);

    let stored = app.get(&path).await;
    assert_eq!(stored.body["name"], "Centre social");
    assert_eq!(stored.body["version"], 3);
}

#[actix_web::test]
async fn unknown_partners_are_not_found() {
    let app = TestApp::spawn().await;
    let path = "/api/v1/partners/0190f1c2-0000-7000-8000-000000000000";
    let read = app.get(path).await;
    assert_eq!(read.status, 404);
    assert_eq!(read.problem_code(), "not_found");
    assert_eq!(app.patch(path, Some("\"1\""), &json!({})).await.status, 404);
    assert_eq!(app.delete(path, Some("\"1\"")).await.status, 404);
    assert_eq!(app.get("/api/v1/partners/not-a-uuid").await.status, 404);
}

#[actix_web::test]
async fn deleting_a_partner_still_referenced_is_a_conflict() {
    let app = TestApp::spawn().await;
    let caf = fixtures::partner(&app, "Caf du Lot", "caf").await;
    let caf_id = caf["id"].as_str().unwrap();
    let convention = app
        .post(
            "/api/v1/conventions",
            &json!({"name": "CTG", "territory": "CCQB", "start_year": 2022, "end_year": 2026,
                    "signatory_ids": [caf_id]}),
        )
        .await;
    assert_eq!(convention.status, 201, "{}", convention.text);

    let path = format!("/api/v1/partners/{caf_id}");
    let referenced = app.delete(&path, Some("\"1\"")).await;
    assert_eq!(referenced.status, 409);
    assert_eq!(referenced.problem_code(), "still_referenced");
    assert_eq!(app.db.count("SELECT count(*) AS n FROM partners"), 1);

    let lone = fixtures::partner(&app, "UDAF", "association").await;
    let lone_path = format!("/api/v1/partners/{}", lone["id"].as_str().unwrap());
    assert_eq!(app.delete(&lone_path, None).await.status, 428);
    assert_eq!(app.delete(&lone_path, Some("\"7\"")).await.status, 412);
    let deleted = app.delete(&lone_path, Some("\"1\"")).await;
    assert_eq!(deleted.status, 204);
    assert_eq!(app.get(&lone_path).await.status, 404);
}

use serde_json::{json, Value};

use crate::support::{fixtures, TestApp};

const UNKNOWN_ID: &str = "0190f1c2-0000-7000-8000-000000000000";

fn timestamp(value: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().expect("a timestamp")).expect("RFC 3339")
}

fn id_of(resource: &Value) -> String {
    resource["id"].as_str().expect("an id").to_string()
}

/// Three partners: the Caf, the community of communes and an association.
async fn partners(app: &TestApp) -> (String, String, String) {
    let caf = fixtures::partner(app, "Caf du Lot", "caf").await;
    let ccqb = fixtures::partner(app, "Communauté de Communes Quercy Bouriane", "epci").await;
    let mjc = fixtures::partner(app, "MJC de Gourdon", "association").await;
    (id_of(&caf), id_of(&ccqb), id_of(&mjc))
}

fn ctg(signatory_ids: &[&str], associated_partner_ids: &[&str]) -> Value {
    json!({
        "name": "CTG Quercy Bouriane 2022-2026",
        "territory": "Communauté de Communes Quercy Bouriane",
        "start_year": 2022,
        "end_year": 2026,
        "signatory_ids": signatory_ids,
        "associated_partner_ids": associated_partner_ids,
    })
}

#[actix_web::test]
async fn creates_reads_and_lists_conventions_with_their_partners_in_order() {
    let app = TestApp::spawn().await;
    let (caf, ccqb, mjc) = partners(&app).await;

    let created = app
        .post("/api/v1/conventions", &ctg(&[&ccqb, &caf], &[&mjc]))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.id();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/conventions/{id}").as_str())
    );
    assert_eq!(created.etag(), "\"1\"");
    assert_eq!(created.body["version"], 1);
    assert_eq!(created.body["status"], "draft", "draft by default");
    assert_eq!(created.body["signatory_ids"], json!([ccqb, caf]));
    assert_eq!(created.body["associated_partner_ids"], json!([mjc]));
    assert_eq!(created.body["created_at"], created.body["updated_at"]);

    let read = app.get(&format!("/api/v1/conventions/{id}")).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.etag(), "\"1\"");
    assert_eq!(read.body["name"], "CTG Quercy Bouriane 2022-2026");
    assert_eq!(
        read.body["territory"],
        "Communauté de Communes Quercy Bouriane"
    );
    assert_eq!(read.body["start_year"], 2022);
    assert_eq!(read.body["end_year"], 2026);
    assert_eq!(
        read.body["signatory_ids"],
        json!([ccqb, caf]),
        "the order given, not the ids' order"
    );
    assert_eq!(read.body["associated_partner_ids"], json!([mjc]));
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM convention_signatories"),
        2
    );

    let other = app
        .post(
            "/api/v1/conventions",
            &json!({"name": "Avenant CTG Causse", "territory": "Causse", "start_year": 2024,
                    "end_year": 2024, "status": "active"}),
        )
        .await;
    assert_eq!(other.status, 201, "{}", other.text);
    assert_eq!(other.body["status"], "active");
    assert_eq!(other.body["signatory_ids"], json!([]));

    let first = app.get("/api/v1/conventions?limit=1").await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body["total"], 2);
    assert_eq!(first.body["limit"], 1);
    assert_eq!(first.body["offset"], 0);
    // Name order: "Avenant…" before "CTG…".
    assert_eq!(first.body["items"][0]["name"], "Avenant CTG Causse");
    let second = app.get("/api/v1/conventions?limit=1&offset=1").await;
    assert_eq!(second.body["items"][0]["id"], id.as_str());
    assert_eq!(
        second.body["items"][0]["signatory_ids"],
        json!([ccqb, caf]),
        "lists come with listed items too"
    );
    let all = app.get("/api/v1/conventions").await;
    assert_eq!(all.body["limit"], 50);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.get("/api/v1/conventions?limit=201").await.status,
        400,
        "page size at most 200"
    );
}

#[actix_web::test]
async fn refuses_bad_input_naming_the_field_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let (caf, ccqb, _) = partners(&app).await;
    let post = |body: Value| {
        let app = &app;
        async move { app.post("/api/v1/conventions", &body).await }
    };
    let with = |field: &str, value: Value| {
        let mut body = ctg(&[&caf], &[]);
        body[field] = value;
        body
    };

    for (field, value) in [
        ("name", json!("  ")),
        ("territory", json!("")),
        ("start_year", json!(1999)),
        ("end_year", json!(2101)),
        ("start_year", json!("2022")),
        ("status", json!("archived")),
        ("status", json!(null)),
        ("signatory_ids", json!(null)),
        ("associated_partner_ids", json!(null)),
        ("signatory_ids", json!(["not-a-uuid"])),
    ] {
        let response = post(with(field, value.clone())).await;
        assert_eq!(response.status, 422, "{field} = {value}: {}", response.text);
        assert_eq!(response.problem_code(), "validation_failed");
        assert!(
            response.error_fields().iter().all(|f| f.starts_with(field)),
            "{field} = {value}: {:?}",
            response.error_fields()
        );
    }

    let reversed = post(with("end_year", json!(2021))).await;
    assert_eq!(reversed.status, 422);
    assert_eq!(reversed.error_fields(), ["end_year"]);

    let mut missing = ctg(&[], &[]);
    missing.as_object_mut().unwrap().remove("end_year");
    let missing = post(missing).await;
    assert_eq!(missing.status, 422);
    assert_eq!(missing.error_fields(), ["end_year"]);

    let several =
        post(json!({"name": "", "territory": "", "start_year": 1800, "end_year": 2026})).await;
    assert_eq!(several.status, 422);
    assert_eq!(
        several.error_fields(),
        ["name", "territory", "start_year"],
        "every field at fault at once"
    );

    let duplicate = post(ctg(&[&caf, &ccqb, &caf], &[])).await;
    assert_eq!(duplicate.status, 422);
    assert_eq!(duplicate.error_fields(), ["signatory_ids[2]"]);
    let duplicate = post(ctg(&[], &[&ccqb, &ccqb])).await;
    assert_eq!(duplicate.status, 422);
    assert_eq!(duplicate.error_fields(), ["associated_partner_ids[1]"]);

    let unknown = post(ctg(&[&caf, UNKNOWN_ID], &[])).await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    assert_eq!(unknown.error_fields(), ["signatory_ids"]);
    let unknown = post(ctg(&[&caf], &[UNKNOWN_ID])).await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    assert_eq!(unknown.error_fields(), ["associated_partner_ids"]);

    let unknown_field = post(with("colour", json!("red"))).await;
    assert_eq!(unknown_field.status, 400);
    assert_eq!(unknown_field.problem_code(), "unknown_field");
    assert_eq!(unknown_field.error_fields(), ["colour"]);

    // The convention with a bad partner list was not created, even partly.
    assert_eq!(app.db.count("SELECT count(*) AS n FROM conventions"), 0);
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM convention_signatories"),
        0
    );
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM convention_associated_partners"),
        0
    );
    assert_eq!(app.get("/api/v1/conventions").await.body["total"], 0);
}

#[actix_web::test]
async fn updates_need_the_current_version_and_keep_the_years_in_order() {
    let app = TestApp::spawn().await;
    let convention = fixtures::convention(&app).await;
    let path = format!("/api/v1/conventions/{}", id_of(&convention));

    let without = app.patch(&path, None, &json!({"status": "active"})).await;
    assert_eq!(without.status, 428);
    assert_eq!(without.problem_code(), "if_match_required");

    let patched = app
        .patch(&path, Some("\"1\""), &json!({"status": "active"}))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.body["status"], "active");
    assert_eq!(patched.body["start_year"], 2022, "absent fields unchanged");
    assert_eq!(patched.body["version"], 2);
    assert_eq!(patched.etag(), "\"2\"");

    let stale = app
        .patch(&path, Some("\"1\""), &json!({"status": "closed"}))
        .await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.problem_code(), "version_mismatch");
    assert_eq!(stale.etag(), "\"2\"");

    // Stored 2022-2026: moving one end past the other is refused, naming end_year.
    for body in [
        json!({"end_year": 2021}),
        json!({"start_year": 2027}),
        json!({"start_year": 2025, "end_year": 2023}),
    ] {
        let reversed = app.patch(&path, Some("\"2\""), &body).await;
        assert_eq!(reversed.status, 422, "{body}: {}", reversed.text);
        assert_eq!(reversed.error_fields(), ["end_year"], "{body}");
    }

    for field in ["name", "territory", "start_year", "end_year", "status"] {
        let null = app
            .patch(&path, Some("\"2\""), &json!({ field: null }))
            .await;
        assert_eq!(null.status, 422, "{field}");
        assert_eq!(null.error_fields(), [field]);
    }
    let blank = app.patch(&path, Some("\"2\""), &json!({"name": " "})).await;
    assert_eq!(blank.error_fields(), ["name"]);
    let unknown = app
        .patch(&path, Some("\"2\""), &json!({"colour": "red"}))
        .await;
    assert_eq!(unknown.status, 400);

    let stored = app.get(&path).await;
    assert_eq!(stored.body["version"], 2, "no failed change was stored");
    assert_eq!(stored.body["start_year"], 2022);
    assert_eq!(stored.body["end_year"], 2026);

    let extended = app
        .patch(
            &path,
            Some("\"2\""),
            &json!({"end_year": 2027, "name": "CTG 2022-2027"}),
        )
        .await;
    assert_eq!(extended.status, 200, "{}", extended.text);
    assert_eq!(extended.body["end_year"], 2027);
    assert_eq!(extended.body["name"], "CTG 2022-2027");
    assert_eq!(extended.body["version"], 3);

    let same_year = app
        .patch(&path, Some("\"3\""), &json!({"start_year": 2027}))
        .await;
    assert_eq!(same_year.status, 200, "a one-year convention is fine");

    let nothing = app.patch(&path, Some("\"4\""), &json!({})).await;
    assert_eq!(nothing.status, 200);
    assert_eq!(
        nothing.body["version"], 4,
        "an empty change changes nothing"
    );
}

#[actix_web::test]
async fn a_list_in_a_patch_replaces_the_stored_list_and_bumps_the_version() {
    let app = TestApp::spawn().await;
    let (caf, ccqb, mjc) = partners(&app).await;
    let created = app
        .post("/api/v1/conventions", &ctg(&[&caf, &ccqb], &[&mjc]))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let path = format!("/api/v1/conventions/{}", created.id());

    let replaced = app
        .patch(&path, Some("\"1\""), &json!({"signatory_ids": [mjc, caf]}))
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.text);
    assert_eq!(replaced.body["signatory_ids"], json!([mjc, caf]));
    assert_eq!(
        replaced.body["associated_partner_ids"],
        json!([mjc]),
        "the other list is unchanged"
    );
    assert_eq!(
        replaced.body["version"], 2,
        "a list change alone is a change"
    );
    assert!(
        timestamp(&replaced.body["updated_at"]) > timestamp(&created.body["updated_at"]),
        "updated_at moves: {} then {}",
        created.body["updated_at"],
        replaced.body["updated_at"]
    );
    assert_eq!(replaced.body["name"], created.body["name"]);

    let unknown = app
        .patch(
            &path,
            Some("\"2\""),
            &json!({"signatory_ids": [ccqb, UNKNOWN_ID]}),
        )
        .await;
    assert_eq!(unknown.status, 422);
    assert_eq!(unknown.error_fields(), ["signatory_ids"]);
    let duplicate = app
        .patch(
            &path,
            Some("\"2\""),
            &json!({"associated_partner_ids": [ccqb, ccqb]}),
        )
        .await;
    assert_eq!(duplicate.status, 422);
    assert_eq!(duplicate.error_fields(), ["associated_partner_ids[1]"]);
    let null = app
        .patch(&path, Some("\"2\""), &json!({"signatory_ids": null}))
        .await;
    assert_eq!(null.status, 422);
    assert_eq!(null.error_fields(), ["signatory_ids"]);

    let stored = app.get(&path).await;
    assert_eq!(stored.body["version"], 2);
    assert_eq!(
        stored.body["signatory_ids"],
        json!([mjc, caf]),
        "a failed replacement left the list as it was"
    );

    let cleared = app
        .patch(&path, Some("\"2\""), &json!({"associated_partner_ids": []}))
        .await;
    assert_eq!(cleared.status, 200);
    assert_eq!(cleared.body["associated_partner_ids"], json!([]));
    assert_eq!(cleared.body["version"], 3);
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM convention_associated_partners"),
        0
    );
    assert_eq!(
        app.db.count(
            "SELECT count(*) AS n FROM convention_signatories \
             WHERE (position = 0 AND partner_id = (SELECT id FROM partners WHERE name = 'MJC de Gourdon')) \
                OR (position = 1 AND partner_id = (SELECT id FROM partners WHERE name = 'Caf du Lot'))"
        ),
        2,
        "stored in the order given"
    );
}

#[actix_web::test]
async fn deleting_a_convention_with_axes_is_a_conflict() {
    let app = TestApp::spawn().await;
    let (caf, _, mjc) = partners(&app).await;
    let created = app
        .post("/api/v1/conventions", &ctg(&[&caf], &[&mjc]))
        .await;
    let id = created.id();
    let path = format!("/api/v1/conventions/{id}");
    let axis = fixtures::axis(&app, &id, 1).await;

    let referenced = app.delete(&path, Some("\"1\"")).await;
    assert_eq!(referenced.status, 409);
    assert_eq!(referenced.problem_code(), "still_referenced");
    assert_eq!(app.get(&path).await.status, 200, "still there");

    let axis_path = format!("/api/v1/axes/{}", id_of(&axis));
    assert_eq!(app.delete(&axis_path, Some("\"1\"")).await.status, 204);

    assert_eq!(app.delete(&path, None).await.status, 428);
    let stale = app.delete(&path, Some("\"2\"")).await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.etag(), "\"1\"");

    let deleted = app.delete(&path, Some("\"1\"")).await;
    assert_eq!(deleted.status, 204);
    assert!(deleted.text.is_empty());
    assert_eq!(app.get(&path).await.status, 404);
    assert_eq!(
        app.db.count(
            "SELECT (SELECT count(*) FROM convention_signatories) \
                  + (SELECT count(*) FROM convention_associated_partners) AS n"
        ),
        0,
        "its partner lists went with it"
    );
    assert_eq!(
        app.db.count("SELECT count(*) AS n FROM partners"),
        3,
        "the partners themselves stay"
    );
}

#[actix_web::test]
async fn unknown_conventions_are_not_found() {
    let app = TestApp::spawn().await;
    let path = format!("/api/v1/conventions/{UNKNOWN_ID}");
    let read = app.get(&path).await;
    assert_eq!(read.status, 404);
    assert_eq!(read.problem_code(), "not_found");
    assert_eq!(
        app.patch(&path, Some("\"1\""), &json!({"status": "active"}))
            .await
            .status,
        404
    );
    assert_eq!(
        app.patch(&path, None, &json!({})).await.status,
        404,
        "404 before 428"
    );
    assert_eq!(app.delete(&path, Some("\"1\"")).await.status, 404);
    assert_eq!(app.get("/api/v1/conventions/not-a-uuid").await.status, 404);
}

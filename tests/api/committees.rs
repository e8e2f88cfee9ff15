use serde_json::{json, Value};

use crate::support::auth::member;
use crate::support::{fixtures, TestApp};

const UNKNOWN_ID: &str = "0190f1c2-0000-7000-8000-000000000000";

fn id_of(resource: &Value) -> String {
    resource["id"].as_str().expect("an id").to_string()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().expect("an id").to_string())
        .collect()
}

fn committees_path(convention: &str) -> String {
    format!("/api/v1/conventions/{convention}/committees")
}

async fn committee(app: &TestApp, convention: &str, body: Value) -> Value {
    let response = app.post(&committees_path(convention), &body).await;
    assert_eq!(response.status, 201, "{}", response.text);
    response.body
}

fn audit_count(app: &TestApp, operation: &str) -> i64 {
    app.db.count(&format!(
        "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'committee' AND operation = '{operation}'"
    ))
}

#[actix_web::test]
async fn creates_reads_and_lists_the_committees_of_a_convention() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    // Created out of number order: a committee lists its axes by number.
    let axis2 = id_of(&fixtures::axis(&app, &convention, 2).await);
    let axis1 = id_of(&fixtures::axis(&app, &convention, 1).await);
    let caf = id_of(&fixtures::partner(&app, "Caf du Lot", "caf").await);
    let mjc = id_of(&fixtures::partner(&app, "MJC de Gourdon", "association").await);

    let created = app
        .post(
            &committees_path(&convention),
            &json!({
                "name": "Comité technique Enfance – Jeunesse",
                "kind": "thematic",
                "axis_ids": [axis2, axis1],
                "member_partner_ids": [mjc, caf]
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.id();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/committees/{id}").as_str())
    );
    assert_eq!(created.etag(), "\"1\"");
    assert_eq!(created.body["convention_id"], convention.as_str());
    assert_eq!(created.body["name"], "Comité technique Enfance – Jeunesse");
    assert_eq!(created.body["kind"], "thematic");
    assert_eq!(
        ids(&created.body["axis_ids"]),
        [axis1.as_str(), axis2.as_str()]
    );
    assert_eq!(
        ids(&created.body["member_partner_ids"]),
        [mjc.as_str(), caf.as_str()]
    );
    assert_eq!(created.body["version"], 1);
    assert!(created.body["created_at"].is_string());
    assert!(created.body["updated_at"].is_string());

    let read = app.get(&format!("/api/v1/committees/{id}")).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.etag(), "\"1\"");
    assert_eq!(read.body, created.body);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM committee_axes"), 2);
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM committee_members WHERE committee_id = '{id}' \
             AND ((partner_id = '{mjc}' AND position = 0) OR (partner_id = '{caf}' AND position = 1))"
        )),
        2,
        "members are stored in the order given"
    );
    assert_eq!(audit_count(&app, "create"), 1);

    let copil = committee(
        &app,
        &convention,
        json!({"name": "Zénith: comité de pilotage", "kind": "copil"}),
    )
    .await;
    assert_eq!(copil["axis_ids"], json!([]));
    assert_eq!(copil["member_partner_ids"], json!([]));
    committee(
        &app,
        &convention,
        json!({"name": "Accès aux droits", "kind": "thematic", "axis_ids": [axis2]}),
    )
    .await;
    // Another convention's committees are not listed.
    let other = id_of(&fixtures::convention(&app).await);
    committee(&app, &other, json!({"name": "COPIL", "kind": "copil"})).await;

    let list = app
        .get(&format!("{}?limit=2", committees_path(&convention)))
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.body["total"], 3);
    assert_eq!(list.body["limit"], 2);
    assert_eq!(list.body["offset"], 0);
    let names = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names(&list.body),
        ["Zénith: comité de pilotage", "Accès aux droits"],
        "the COPIL first, then by name"
    );
    let rest = app
        .get(&format!(
            "{}?limit=2&offset=2",
            committees_path(&convention)
        ))
        .await;
    assert_eq!(names(&rest.body), ["Comité technique Enfance – Jeunesse"]);
    assert_eq!(
        ids(&rest.body["items"][0]["axis_ids"]),
        [axis1.as_str(), axis2.as_str()],
        "lists carry the axes too"
    );
    assert_eq!(
        app.get(&format!("{}?limit=500", committees_path(&convention)))
            .await
            .status,
        400
    );
    assert_eq!(audit_count(&app, "create"), 4);

    // What the actions' `committee` filter and the members' scope rely on.
    let covered = ctg::committees::model::axis_ids(&mut app.db.conn(), id.parse().unwrap())
        .expect("the axes of a committee");
    let covered: Vec<String> = covered.iter().map(ToString::to_string).collect();
    assert_eq!(
        covered,
        [axis1.as_str(), axis2.as_str()],
        "in axis number order"
    );
    let none = ctg::committees::model::axis_ids(&mut app.db.conn(), UNKNOWN_ID.parse().unwrap());
    assert_eq!(none.unwrap(), Vec::<uuid::Uuid>::new());
}

#[actix_web::test]
async fn committees_of_a_missing_convention_and_missing_committees_are_not_found() {
    let app = TestApp::spawn().await;
    let path = committees_path(UNKNOWN_ID);
    let list = app.get(&path).await;
    assert_eq!(list.status, 404);
    assert_eq!(list.problem_code(), "not_found");
    let create = app
        .post(&path, &json!({"name": "COPIL", "kind": "copil"}))
        .await;
    assert_eq!(create.status, 404);
    assert_eq!(create.problem_code(), "not_found");

    let one = format!("/api/v1/committees/{UNKNOWN_ID}");
    assert_eq!(app.get(&one).await.status, 404);
    // 404 before the missing If-Match (428).
    assert_eq!(
        app.patch(&one, None, &json!({"name": "X"})).await.status,
        404
    );
    assert_eq!(app.delete(&one, None).await.status, 404);
    assert_eq!(app.get("/api/v1/committees/not-a-uuid").await.status, 404);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM committees"), 0);
}

#[actix_web::test]
async fn refuses_bad_input_naming_the_field() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    let axis = id_of(&fixtures::axis(&app, &convention, 1).await);
    let other = id_of(&fixtures::convention(&app).await);
    let foreign_axis = id_of(&fixtures::axis(&app, &other, 1).await);
    let caf = id_of(&fixtures::partner(&app, "Caf du Lot", "caf").await);
    let path = committees_path(&convention);

    for (body, field) in [
        (json!({"name": " ", "kind": "thematic"}), "name"),
        (json!({"kind": "thematic"}), "name"),
        (json!({"name": "C"}), "kind"),
        (json!({"name": "C", "kind": "technique"}), "kind"),
        (json!({"name": "C", "kind": null}), "kind"),
        (
            json!({"name": "C", "kind": "copil", "axis_ids": [axis]}),
            "axis_ids",
        ),
        (
            json!({"name": "C", "kind": "thematic", "axis_ids": null}),
            "axis_ids",
        ),
        (
            json!({"name": "C", "kind": "thematic", "axis_ids": ["not-a-uuid"]}),
            "axis_ids[0]",
        ),
        (
            json!({"name": "C", "kind": "thematic", "axis_ids": [axis, foreign_axis]}),
            "axis_ids[1]",
        ),
        (
            json!({"name": "C", "kind": "thematic", "axis_ids": [UNKNOWN_ID]}),
            "axis_ids[0]",
        ),
        (
            json!({"name": "C", "kind": "thematic", "axis_ids": [axis, axis]}),
            "axis_ids[1]",
        ),
        (
            json!({"name": "C", "kind": "thematic", "member_partner_ids": [caf, UNKNOWN_ID]}),
            "member_partner_ids[1]",
        ),
        (
            json!({"name": "C", "kind": "thematic", "member_partner_ids": [caf, caf]}),
            "member_partner_ids[1]",
        ),
        (
            json!({"name": "C", "kind": "copil", "member_partner_ids": null}),
            "member_partner_ids",
        ),
    ] {
        let response = app.post(&path, &body).await;
        assert_eq!(response.status, 422, "{body}: {}", response.text);
        assert_eq!(response.problem_code(), "validation_failed");
        assert_eq!(response.error_fields(), [field], "{body}");
    }

    let several = app
        .post(
            &path,
            &json!({"name": "", "kind": "copil", "axis_ids": [axis], "member_partner_ids": [caf, caf]}),
        )
        .await;
    assert_eq!(
        several.error_fields(),
        ["name", "axis_ids", "member_partner_ids[1]"]
    );

    let unknown = app
        .post(&path, &json!({"name": "C", "kind": "copil", "axes": []}))
        .await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.problem_code(), "unknown_field");
    assert_eq!(unknown.error_fields(), ["axes"]);

    let not_json = app
        .raw(
            "POST",
            &path,
            &[("content-type", "application/json")],
            b"{\"name\":",
        )
        .await;
    assert_eq!(not_json.status, 400);

    assert_eq!(app.db.count("SELECT count(*) AS n FROM committees"), 0);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM committee_axes"), 0);
    assert_eq!(
        app.db.count("SELECT count(*) AS n FROM committee_members"),
        0
    );
    assert_eq!(audit_count(&app, "create"), 0);
}

#[actix_web::test]
async fn patch_merges_replaces_lists_and_bumps_the_version() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    let axis1 = id_of(&fixtures::axis(&app, &convention, 1).await);
    let axis2 = id_of(&fixtures::axis(&app, &convention, 2).await);
    let caf = id_of(&fixtures::partner(&app, "Caf du Lot", "caf").await);
    let mjc = id_of(&fixtures::partner(&app, "MJC de Gourdon", "association").await);
    let created = committee(
        &app,
        &convention,
        json!({"name": "Comité Enfance", "kind": "thematic", "axis_ids": [axis1],
               "member_partner_ids": [caf]}),
    )
    .await;
    let path = format!("/api/v1/committees/{}", id_of(&created));

    let renamed = app
        .patch(
            &path,
            Some("\"1\""),
            &json!({"name": "Comité Enfance – Jeunesse"}),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.etag(), "\"2\"");
    assert_eq!(renamed.body["name"], "Comité Enfance – Jeunesse");
    assert_eq!(
        ids(&renamed.body["axis_ids"]),
        [axis1.as_str()],
        "absent = unchanged"
    );
    assert_eq!(ids(&renamed.body["member_partner_ids"]), [caf.as_str()]);

    // Lists alone are a change: they replace the stored ones and bump the version.
    let lists = app
        .patch(
            &path,
            Some("\"2\""),
            &json!({"axis_ids": [axis2, axis1], "member_partner_ids": [mjc, caf]}),
        )
        .await;
    assert_eq!(lists.status, 200, "{}", lists.text);
    assert_eq!(lists.body["version"], 3);
    assert_eq!(
        ids(&lists.body["axis_ids"]),
        [axis1.as_str(), axis2.as_str()]
    );
    assert_eq!(
        ids(&lists.body["member_partner_ids"]),
        [mjc.as_str(), caf.as_str()]
    );
    let stored = app.get(&path).await;
    assert_eq!(stored.body, lists.body);
    let changes = app.db.count(
        "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'committee' \
         AND operation = 'update' AND changes ? 'axis_ids' AND changes ? 'member_partner_ids' \
         AND NOT changes ? 'name'",
    );
    assert_eq!(changes, 1, "the audit entry holds the changed lists");

    let emptied = app
        .patch(&path, Some("\"3\""), &json!({"member_partner_ids": []}))
        .await;
    assert_eq!(emptied.status, 200);
    assert_eq!(emptied.body["member_partner_ids"], json!([]));
    assert_eq!(
        app.db.count("SELECT count(*) AS n FROM committee_members"),
        0
    );

    // An empty patch changes nothing.
    let nothing = app.patch(&path, Some("\"4\""), &json!({})).await;
    assert_eq!(nothing.status, 200);
    assert_eq!(nothing.etag(), "\"4\"");
    assert_eq!(audit_count(&app, "update"), 3);

    for (body, field) in [
        (json!({"axis_ids": null}), "axis_ids"),
        (json!({"member_partner_ids": null}), "member_partner_ids"),
        (json!({"name": null}), "name"),
        (json!({"kind": null}), "kind"),
        (json!({"name": ""}), "name"),
        (json!({"axis_ids": [axis1, axis1]}), "axis_ids[1]"),
        (json!({"axis_ids": [UNKNOWN_ID]}), "axis_ids[0]"),
        (
            json!({"member_partner_ids": [UNKNOWN_ID]}),
            "member_partner_ids[0]",
        ),
        (json!({"kind": "copil", "axis_ids": [axis1]}), "axis_ids"),
        // The stored axes would remain: a COPIL covers none.
        (json!({"kind": "copil"}), "axis_ids"),
    ] {
        let response = app.patch(&path, Some("\"4\""), &body).await;
        assert_eq!(response.status, 422, "{body}: {}", response.text);
        assert_eq!(response.error_fields(), [field], "{body}");
    }
    let unknown = app
        .patch(&path, Some("\"4\""), &json!({"members": [convention]}))
        .await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.problem_code(), "unknown_field");

    let missing = app.patch(&path, None, &json!({"name": "X"})).await;
    assert_eq!(missing.status, 428);
    assert_eq!(missing.problem_code(), "if_match_required");
    let stale = app.patch(&path, Some("\"1\""), &json!({"name": "X"})).await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.problem_code(), "version_mismatch");
    assert_eq!(stale.etag(), "\"4\"");

    let unchanged = app.get(&path).await;
    assert_eq!(unchanged.body["version"], 4, "failed patches store nothing");
    assert_eq!(unchanged.body["name"], "Comité Enfance – Jeunesse");
    assert_eq!(
        ids(&unchanged.body["axis_ids"]),
        [axis1.as_str(), axis2.as_str()]
    );

    // Becoming a COPIL, dropping the axes in the same change; and back.
    let copil = app
        .patch(
            &path,
            Some("\"4\""),
            &json!({"kind": "copil", "axis_ids": []}),
        )
        .await;
    assert_eq!(copil.status, 200, "{}", copil.text);
    assert_eq!(copil.body["kind"], "copil");
    assert_eq!(copil.body["axis_ids"], json!([]));
    assert_eq!(app.db.count("SELECT count(*) AS n FROM committee_axes"), 0);
    let thematic = app
        .patch(
            &path,
            Some("\"5\""),
            &json!({"kind": "thematic", "axis_ids": [axis2]}),
        )
        .await;
    assert_eq!(thematic.status, 200, "{}", thematic.text);
    assert_eq!(ids(&thematic.body["axis_ids"]), [axis2.as_str()]);
    let copil_axes = app
        .patch(&path, Some("\"6\""), &json!({"axis_ids": [axis1]}))
        .await;
    assert_eq!(
        copil_axes.status, 200,
        "a thematic committee may change its axes"
    );
}

#[actix_web::test]
async fn an_axis_of_another_convention_is_refused_on_patch() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    let other = id_of(&fixtures::convention(&app).await);
    let foreign_axis = id_of(&fixtures::axis(&app, &other, 1).await);
    let created = committee(&app, &convention, json!({"name": "C", "kind": "thematic"})).await;
    let path = format!("/api/v1/committees/{}", id_of(&created));
    let response = app
        .patch(&path, Some("\"1\""), &json!({"axis_ids": [foreign_axis]}))
        .await;
    assert_eq!(response.status, 422);
    assert_eq!(response.error_fields(), ["axis_ids[0]"]);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM committee_axes"), 0);
}

#[actix_web::test]
async fn a_committee_that_members_sit_on_stays_thematic_and_is_not_deleted() {
    let app = TestApp::spawn().await;
    let convention = id_of(&fixtures::convention(&app).await);
    let axis = id_of(&fixtures::axis(&app, &convention, 1).await);
    let created = committee(
        &app,
        &convention,
        json!({"name": "Comité Enfance", "kind": "thematic", "axis_ids": [axis]}),
    )
    .await;
    let id = id_of(&created);
    let path = format!("/api/v1/committees/{id}");
    let (member_id, _) = member(&app, &convention, "committee", None, Some(&id)).await;

    let copil = app
        .patch(
            &path,
            Some("\"1\""),
            &json!({"kind": "copil", "axis_ids": []}),
        )
        .await;
    assert_eq!(copil.status, 409, "{}", copil.text);
    assert_eq!(copil.problem_code(), "still_referenced");

    assert_eq!(app.delete(&path, None).await.status, 428);
    assert_eq!(app.delete(&path, Some("\"7\"")).await.status, 412);
    let refused = app.delete(&path, Some("\"1\"")).await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.problem_code(), "still_referenced");
    assert_eq!(app.get(&path).await.status, 200);
    assert_eq!(
        app.db.count("SELECT count(*) AS n FROM committee_axes"),
        1,
        "a refused delete leaves everything in place"
    );
    assert_eq!(audit_count(&app, "delete"), 0);

    // Once the membership is gone, the committee can go.
    let memberships = app
        .get(&format!(
            "/api/v1/conventions/{convention}/memberships?user={member_id}"
        ))
        .await;
    let membership = memberships.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let removed = app
        .delete(&format!("/api/v1/memberships/{membership}"), Some("\"1\""))
        .await;
    assert_eq!(removed.status, 204, "{}", removed.text);

    let deleted = app.delete(&path, Some("\"1\"")).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert!(deleted.text.is_empty());
    assert_eq!(app.get(&path).await.status, 404);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM committees"), 0);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM committee_axes"), 0);
    assert_eq!(audit_count(&app, "delete"), 1);
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'committee' \
             AND operation = 'delete' AND entity_id = '{id}' AND convention_id = '{convention}' \
             AND changes -> 'name' ->> 'old' = 'Comité Enfance'"
        )),
        1
    );
}

#[actix_web::test]
async fn coordinators_manage_committees_and_members_read_them() {
    let app = TestApp::spawn().await;
    let plan = fixtures::plan(&app).await;
    let convention = plan.convention.clone();
    let path = committees_path(&convention);
    let body = json!({"name": "Comité Enfance", "kind": "thematic", "axis_ids": [plan.axis]});

    let (_, coordinator) = member(&app, &convention, "coordinator", None, None).await;
    let as_coordinator = app.as_user(&coordinator);
    let created = as_coordinator.post(&path, &body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let one = format!("/api/v1/committees/{}", created.id());
    let patched = as_coordinator
        .patch(
            &one,
            Some("\"1\""),
            &json!({"name": "Comité Enfance – Jeunesse"}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(
        app.db.count(
            "SELECT count(*) AS n FROM audit_log a JOIN users u ON u.id = a.actor_id \
             WHERE a.entity_type = 'committee' AND u.display_name = 'coordinator member'"
        ),
        2,
        "the coordinator is the actor of both writes"
    );

    let committee_id = created.id();
    for role in ["copil", "committee", "pilot", "viewer", "reporting"] {
        let scope = (role == "committee").then_some(committee_id.as_str());
        let (_, token) = member(&app, &convention, role, None, scope).await;
        let caller = app.as_user(&token);
        let list = caller.get(&path).await;
        assert_eq!(
            list.status, 200,
            "{role} reads the committees: {}",
            list.text
        );
        assert_eq!(list.body["total"], 1);
        assert_eq!(
            caller.get(&one).await.status,
            200,
            "{role} reads a committee"
        );

        let create = caller.post(&path, &body).await;
        assert_eq!(create.status, 403, "{role} creates: {}", create.text);
        assert_eq!(create.problem_code(), "forbidden");
        let patch = caller
            .patch(&one, Some("\"2\""), &json!({"name": "X"}))
            .await;
        assert_eq!(patch.status, 403, "{role} patches");
        // 403 before 428: the caller learns nothing of the precondition.
        assert_eq!(
            caller.patch(&one, None, &json!({"name": "X"})).await.status,
            403
        );
        assert_eq!(
            caller.delete(&one, Some("\"2\"")).await.status,
            403,
            "{role} deletes"
        );
    }
    assert_eq!(app.db.count("SELECT count(*) AS n FROM committees"), 1);
    assert_eq!(app.get(&one).await.body["version"], 2);

    // A member of another convention only: this one does not exist for them.
    let other = id_of(&fixtures::convention(&app).await);
    let (_, stranger) = member(&app, &other, "coordinator", None, None).await;
    let stranger = app.as_user(&stranger);
    assert_eq!(stranger.get(&path).await.status, 404);
    assert_eq!(stranger.get(&one).await.status, 404);
    assert_eq!(stranger.post(&path, &body).await.status, 404);
    assert_eq!(
        stranger
            .patch(&one, Some("\"2\""), &json!({"name": "X"}))
            .await
            .status,
        404
    );
    assert_eq!(stranger.delete(&one, Some("\"2\"")).await.status, 404);

    let anonymous = app.anonymous();
    let refused = anonymous.get(&path).await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.problem_code(), "unauthenticated");
    assert_eq!(anonymous.get(&one).await.status, 401);
    assert_eq!(anonymous.post(&path, &body).await.status, 401);
    assert_eq!(anonymous.delete(&one, Some("\"2\"")).await.status, 401);

    // The committee member above sits on it: the coordinator must remove that first.
    let held = as_coordinator.delete(&one, Some("\"2\"")).await;
    assert_eq!(held.status, 409, "{}", held.text);
    let copil = as_coordinator
        .post(&path, &json!({"name": "COPIL", "kind": "copil"}))
        .await;
    assert_eq!(copil.status, 201, "{}", copil.text);
    let deleted = as_coordinator
        .delete(&format!("/api/v1/committees/{}", copil.id()), Some("\"1\""))
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(audit_count(&app, "delete"), 1);
}

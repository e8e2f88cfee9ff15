use serde_json::{json, Value};

use crate::support::fixtures::{self, Plan};
use crate::support::TestApp;

/// A full fiche as the plan writes it (fiche 1.2.1 of the seed, shortened).
fn fiche(caf: &str, ccqb: &str, link: &str) -> Value {
    json!({
        "number": 2,
        "title": "Favoriser l’accès des familles aux modes d’accueil",
        "priority": true,
        "context": "Le territoire compte 3 multi-accueils et un RPE itinérant.",
        "shared_findings": ["Un manque de lisibilité de l’offre d’accueil"],
        "expected_results": ["Une offre connue des familles", "Des places adaptées"],
        "steps": [
            {"text": "Recenser l’offre existante", "pilot_partner_id": ccqb},
            {"text": "Diffuser un guide aux familles", "status": "in_progress"}
        ],
        "pilots": [{"partner_id": ccqb, "note": "service petite enfance"}],
        "partners": [{"partner_id": caf, "note": "financeur"}],
        "inhabitants_role": "Les parents sont associés au comité de suivi.",
        "resources": {"financial": ["Prestation de service Caf"], "human": ["Coordinatrice petite enfance"]},
        "linked_action_ids": [link],
        "linked_plans": ["Schéma départemental des services aux familles"],
        "start_year": 2023,
        "end_year": 2026,
        "schedule_note": "fin 2023-2026"
    })
}

struct Setup {
    app: TestApp,
    plan: Plan,
    caf: String,
    ccqb: String,
}

async fn setup() -> Setup {
    let app = TestApp::spawn().await;
    let plan = fixtures::plan(&app).await;
    let caf = fixtures::partner(&app, "Caf du Lot", "caf").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ccqb = fixtures::partner(&app, "Communauté de Communes Quercy Bouriane", "epci").await
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    Setup {
        app,
        plan,
        caf,
        ccqb,
    }
}

#[actix_web::test]
async fn a_whole_fiche_is_stored_and_read_back_as_written() {
    let Setup {
        app,
        plan,
        caf,
        ccqb,
    } = setup().await;
    let body = fiche(&caf, &ccqb, &plan.action);
    let created = app
        .post(
            &format!("/api/v1/objectives/{}/actions", plan.objective),
            &body,
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.id();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/actions/{id}").as_str())
    );
    assert_eq!(created.etag(), "\"1\"");

    let read = app.get(&format!("/api/v1/actions/{id}")).await;
    assert_eq!(read.status, 200);
    let a = &read.body;
    assert_eq!(a["code"], "1.1.2");
    assert_eq!(a["convention_id"], plan.convention.as_str());
    assert_eq!(a["axis_id"], plan.axis.as_str());
    assert_eq!(a["objective_id"], plan.objective.as_str());
    assert_eq!(a["status"], "planned", "an action starts planned");
    assert!(a["progress"].is_null());
    for field in [
        "title",
        "priority",
        "context",
        "shared_findings",
        "expected_results",
        "pilots",
        "partners",
        "inhabitants_role",
        "resources",
        "linked_action_ids",
        "linked_plans",
        "start_year",
        "end_year",
        "schedule_note",
    ] {
        assert_eq!(a[field], body[field], "{field}");
    }
    assert_eq!(
        a["steps"],
        json!([
            {"text": "Recenser l’offre existante", "pilot_partner_id": ccqb, "status": "planned"},
            {"text": "Diffuser un guide aux familles", "pilot_partner_id": null, "status": "in_progress"}
        ])
    );
    assert_eq!(app.db.count("SELECT count(*) AS n FROM action_steps"), 2);
}

#[actix_web::test]
async fn lists_filter_by_every_criterion_the_contract_names() {
    let Setup {
        app,
        plan,
        caf,
        ccqb,
    } = setup().await;
    let created = app
        .post(
            &format!("/api/v1/objectives/{}/actions", plan.objective),
            &fiche(&caf, &ccqb, &plan.action),
        )
        .await;
    let fiche_id = created.id();
    let axis2 = fixtures::axis(&app, &plan.convention, 2).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let objective21 = fixtures::objective(&app, &axis2, 1).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let late = app
        .post(
            &format!("/api/v1/objectives/{objective21}/actions"),
            &json!({"number": 1, "title": "Éducation populaire et jeunesse", "end_year": 2023,
                    "status": "in_progress", "context": "Les ÉCOLES du territoire"}),
        )
        .await;
    assert_eq!(late.status, 201, "{}", late.text);
    let late_id = late.id();
    let done = app
        .post(
            &format!("/api/v1/objectives/{objective21}/actions"),
            &json!({"number": 2, "title": "Bilan terminé", "end_year": 2023, "status": "done"}),
        )
        .await;
    let done_id = done.id();

    let list = |query: &str| codes(&app, &plan.convention, query.to_string());
    assert_eq!(
        list("").await,
        ["1.1.1", "1.1.2", "2.1.1", "2.1.2"],
        "code order"
    );
    assert_eq!(list(&format!("?axis={axis2}")).await, ["2.1.1", "2.1.2"]);
    assert_eq!(
        list(&format!("?objective={}", plan.objective)).await,
        ["1.1.1", "1.1.2"]
    );
    assert_eq!(list("?status=in_progress").await, ["2.1.1"]);
    assert_eq!(list("?priority=true").await, ["1.1.2"]);
    assert_eq!(list("?priority=false").await.len(), 3);
    assert_eq!(list(&format!("?pilot={ccqb}")).await, ["1.1.2"]);
    assert_eq!(
        list(&format!("?pilot={caf}")).await,
        Vec::<String>::new(),
        "partners are not pilots"
    );
    assert_eq!(
        list("?q=education").await,
        ["2.1.1"],
        "accents and case ignored"
    );
    assert_eq!(
        list("?q=ecoles").await,
        ["2.1.1"],
        "the context is searched"
    );
    assert_eq!(list("?q=1.1.2").await, ["1.1.2"], "an exact code");
    assert_eq!(
        list("?q=100%25").await,
        Vec::<String>::new(),
        "% is not a wildcard"
    );
    assert_eq!(
        list("?overdue=true").await,
        ["2.1.1"],
        "late: end year passed, not done"
    );
    assert_eq!(list("?overdue=false").await, ["1.1.1", "1.1.2", "2.1.2"]);
    assert_eq!(list(&format!("?axis={axis2}&status=done")).await, ["2.1.2"]);

    let page = app
        .get(&format!(
            "/api/v1/conventions/{}/actions?limit=2&offset=1",
            plan.convention
        ))
        .await;
    assert_eq!(page.body["total"], 4);
    assert_eq!(page.body["items"][0]["id"], fiche_id.as_str());
    assert_eq!(page.body["items"][1]["id"], late_id.as_str());
    // The total is the same on a page past the end, where no row carries it, and with a filter.
    for (query, total) in [
        ("?limit=2&offset=10".to_string(), 4),
        (format!("?axis={axis2}&offset=10"), 2),
        (format!("?axis={axis2}&status=abandoned"), 0),
    ] {
        let page = app
            .get(&format!(
                "/api/v1/conventions/{}/actions{query}",
                plan.convention
            ))
            .await;
        assert_eq!(page.status, 200, "{query}: {}", page.text);
        assert_eq!(page.body["items"], json!([]), "{query}");
        assert_eq!(page.body["total"], total, "{query}");
    }

    let by_objective = app
        .get(&format!("/api/v1/objectives/{objective21}/actions"))
        .await;
    assert_eq!(by_objective.body["items"][1]["id"], done_id.as_str());

    for bad in [
        "?status=late",
        "?priority=yes",
        "?axis=12",
        "?pilot=x",
        "?overdue=1",
        "?limit=201",
        "?limit=0",
        "?offset=-1",
    ] {
        let response = app
            .get(&format!(
                "/api/v1/conventions/{}/actions{bad}",
                plan.convention
            ))
            .await;
        assert_eq!(response.status, 400, "{bad}");
        assert_eq!(response.problem_code(), "invalid_query", "{bad}");
        assert_eq!(response.error_fields().len(), 1, "{bad}: {}", response.text);
    }
}

/// The codes a list of the convention's actions answers with `query`, checking its total.
async fn codes(app: &TestApp, convention: &str, query: String) -> Vec<String> {
    let response = app
        .get(&format!("/api/v1/conventions/{convention}/actions{query}"))
        .await;
    assert_eq!(response.status, 200, "{query}: {}", response.text);
    let codes: Vec<String> = response.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(response.body["total"], codes.len(), "{query}");
    codes
}

#[actix_web::test]
async fn lists_of_unknown_parents_are_not_found() {
    let app = TestApp::spawn().await;
    let nobody = "0190f1c2-0000-7000-8000-000000000000";
    assert_eq!(
        app.get(&format!("/api/v1/conventions/{nobody}/actions"))
            .await
            .status,
        404
    );
    // A convention without fiches is an empty list, not a missing one.
    let empty = fixtures::convention(&app).await;
    let list = app
        .get(&format!(
            "/api/v1/conventions/{}/actions",
            empty["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.body["total"], 0);
    assert_eq!(
        app.get(&format!("/api/v1/objectives/{nobody}/actions"))
            .await
            .status,
        404
    );
    let create = app
        .post(
            &format!("/api/v1/objectives/{nobody}/actions"),
            &json!({"number": 1, "title": "x"}),
        )
        .await;
    assert_eq!(create.status, 404);
    assert_eq!(
        app.get(&format!("/api/v1/actions/{nobody}")).await.status,
        404
    );
}

#[actix_web::test]
async fn bad_fiches_name_every_field_at_fault_and_store_nothing() {
    let Setup { app, plan, caf, .. } = setup().await;
    let path = format!("/api/v1/objectives/{}/actions", plan.objective);
    let response = app
        .post(
            &path,
            &json!({
                "number": 0,
                "title": " ",
                "progress": 120,
                "steps": [{"text": "ok"}, {"text": ""}],
                "pilots": [{"partner_id": caf}, {"partner_id": caf}],
                "start_year": 2026,
                "end_year": 2024
            }),
        )
        .await;
    assert_eq!(response.status, 422, "{}", response.text);
    let mut fields = response.error_fields();
    fields.sort();
    assert_eq!(
        fields,
        [
            "number",
            "pilots[1].partner_id",
            "progress",
            "steps[1].text",
            "title"
        ]
    );

    let years = app
        .post(
            &path,
            &json!({"number": 3, "title": "t", "start_year": 2026, "end_year": 2024}),
        )
        .await;
    assert_eq!(years.error_fields(), ["end_year"]);

    let status = app
        .post(&path, &json!({"number": 3, "title": "t", "status": "late"}))
        .await;
    assert_eq!(status.status, 422);
    assert_eq!(status.error_fields(), ["status"]);

    let step_status = app
        .post(
            &path,
            &json!({"number": 3, "title": "t", "steps": [{"text": "a", "status": "abandoned"}]}),
        )
        .await;
    assert_eq!(step_status.error_fields(), ["steps[0].status"]);

    let unknown_partner = app
        .post(
            &path,
            &json!({"number": 3, "title": "t", "pilots": [{"partner_id": "0190f1c2-0000-7000-8000-000000000000"}]}),
        )
        .await;
    assert_eq!(unknown_partner.status, 422, "{}", unknown_partner.text);
    assert_eq!(unknown_partner.error_fields(), ["pilots"]);

    let unknown_link = app
        .post(
            &path,
            &json!({"number": 3, "title": "t", "linked_action_ids": [plan.action, "0190f1c2-0000-7000-8000-000000000000"]}),
        )
        .await;
    assert_eq!(unknown_link.status, 422);
    assert_eq!(unknown_link.error_fields(), ["linked_action_ids[1]"]);

    let nested_unknown = app
        .post(
            &path,
            &json!({"number": 3, "title": "t", "resources": {"financial": [], "time": []}}),
        )
        .await;
    assert_eq!(nested_unknown.status, 400);
    assert_eq!(nested_unknown.error_fields(), ["resources.time"]);

    let duplicate = app
        .post(&path, &json!({"number": 1, "title": "Doublon"}))
        .await;
    assert_eq!(duplicate.status, 409);
    assert_eq!(duplicate.problem_code(), "duplicate_number");

    assert_eq!(
        app.db.count("SELECT count(*) AS n FROM actions"),
        1,
        "only the fixture's action"
    );
    assert_eq!(app.db.count("SELECT count(*) AS n FROM action_pilots"), 0);
}

#[actix_web::test]
async fn patch_merges_replaces_lists_and_bumps_the_version_once() {
    let Setup {
        app,
        plan,
        caf,
        ccqb,
    } = setup().await;
    let created = app
        .post(
            &format!("/api/v1/objectives/{}/actions", plan.objective),
            &fiche(&caf, &ccqb, &plan.action),
        )
        .await;
    let path = format!("/api/v1/actions/{}", created.id());

    assert_eq!(
        app.patch(&path, None, &json!({"status": "in_progress"}))
            .await
            .status,
        428
    );

    let patched = app
        .patch(
            &path,
            Some("\"1\""),
            &json!({
                "status": "in_progress",
                "progress": 40,
                "steps": [{"text": "Recenser l’offre existante", "pilot_partner_id": ccqb, "status": "done"}],
                "resources": {"human": []},
                "schedule_note": null
            }),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let a = &patched.body;
    assert_eq!(a["version"], 2);
    assert_eq!(patched.etag(), "\"2\"");
    assert_eq!(a["status"], "in_progress");
    assert_eq!(a["progress"], 40);
    assert_eq!(
        a["steps"].as_array().unwrap().len(),
        1,
        "a list given replaces the list"
    );
    assert_eq!(a["steps"][0]["status"], "done");
    assert_eq!(
        a["resources"]["financial"],
        json!(["Prestation de service Caf"]),
        "merged"
    );
    assert_eq!(a["resources"]["human"], json!([]));
    assert!(a["schedule_note"].is_null());
    assert_eq!(
        a["title"], "Favoriser l’accès des familles aux modes d’accueil",
        "untouched"
    );
    assert_eq!(
        a["pilots"][0]["note"], "service petite enfance",
        "untouched"
    );

    let stale = app
        .patch(&path, Some("\"1\""), &json!({"progress": 50}))
        .await;
    assert_eq!(stale.status, 412);
    assert_eq!(
        app.get(&path).await.body["progress"],
        40,
        "the stale write changed nothing"
    );

    let only_parts = app
        .patch(
            &path,
            Some("\"2\""),
            &json!({"pilots": [{"partner_id": caf}]}),
        )
        .await;
    assert_eq!(only_parts.status, 200);
    assert_eq!(
        only_parts.body["version"], 3,
        "a change of parts alone is a new version"
    );

    let empty = app.patch(&path, Some("\"3\""), &json!({})).await;
    assert_eq!(empty.body["version"], 3, "nothing changed, no new version");

    for (body, field) in [
        (json!({"title": null}), "title"),
        (json!({"steps": null}), "steps"),
        (json!({"progress": -1}), "progress"),
        (json!({"end_year": 2021}), "end_year"),
        (
            json!({"linked_action_ids": [created.id()]}),
            "linked_action_ids[0]",
        ),
    ] {
        let response = app.patch(&path, Some("\"3\""), &body).await;
        assert_eq!(response.status, 422, "{body}: {}", response.text);
        assert_eq!(response.error_fields(), [field], "{body}");
    }
    assert_eq!(
        app.get(&path).await.body["version"],
        3,
        "refused patches changed nothing"
    );
}

#[actix_web::test]
async fn an_action_moves_within_its_convention_and_its_code_follows() {
    let Setup { app, plan, .. } = setup().await;
    let objective2 = fixtures::objective(&app, &plan.axis, 2).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/actions/{}", plan.action);
    let moved = app
        .patch(
            &path,
            Some("\"1\""),
            &json!({"objective_id": objective2, "number": 4}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["code"], "1.2.4");

    let elsewhere = fixtures::plan(&app).await;
    let foreign = app
        .patch(
            &path,
            Some("\"2\""),
            &json!({"objective_id": elsewhere.objective}),
        )
        .await;
    assert_eq!(foreign.status, 422);
    assert_eq!(foreign.error_fields(), ["objective_id"]);
    let link = app
        .patch(
            &path,
            Some("\"2\""),
            &json!({"linked_action_ids": [elsewhere.action]}),
        )
        .await;
    assert_eq!(
        link.error_fields(),
        ["linked_action_ids[0]"],
        "links stay within a convention"
    );
}

#[actix_web::test]
async fn deleting_an_action_removes_its_parts_and_the_links_to_it() {
    let Setup {
        app,
        plan,
        caf,
        ccqb,
    } = setup().await;
    let created = app
        .post(
            &format!("/api/v1/objectives/{}/actions", plan.objective),
            &fiche(&caf, &ccqb, &plan.action),
        )
        .await;
    let path = format!("/api/v1/actions/{}", plan.action);
    assert_eq!(app.delete(&path, None).await.status, 428);
    assert_eq!(app.delete(&path, Some("\"9\"")).await.status, 412);
    assert_eq!(app.delete(&path, Some("\"1\"")).await.status, 204);
    assert_eq!(app.get(&path).await.status, 404);
    let other = app.get(&format!("/api/v1/actions/{}", created.id())).await;
    assert_eq!(
        other.body["linked_action_ids"],
        json!([]),
        "the link to the deleted fiche is gone"
    );
    assert_eq!(app.db.count("SELECT count(*) AS n FROM actions"), 1);
    assert_eq!(
        app.db.count("SELECT count(*) AS n FROM partners"),
        2,
        "partners stay"
    );
}

#[actix_web::test]
async fn an_idempotency_key_creates_once_and_replays_the_first_answer() {
    let Setup { app, plan, .. } = setup().await;
    let path = format!("/api/v1/objectives/{}/actions", plan.objective);
    let body = json!({"number": 5, "title": "Créer un lieu d’accueil enfants-parents"});
    let key = [("Idempotency-Key", "8c1f6a2e-fiche-1.1.5")];

    let first = app.post_with(&path, &key, &body).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let replay = app.post_with(&path, &key, &body).await;
    assert_eq!(replay.status, 201);
    assert_eq!(replay.body, first.body, "the first answer, replayed");
    assert_eq!(replay.header("location"), first.header("location"));
    assert_eq!(replay.etag(), first.etag());
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM actions WHERE number = 5"),
        1,
        "created once"
    );

    let other_body = app
        .post_with(&path, &key, &json!({"number": 6, "title": "Autre"}))
        .await;
    assert_eq!(other_body.status, 422);
    assert_eq!(other_body.error_fields(), ["Idempotency-Key"]);

    let without_key = app
        .post(&path, &json!({"number": 6, "title": "Autre"}))
        .await;
    assert_eq!(without_key.status, 201, "keys are optional");

    let bad_key = app
        .post_with(&path, &[("Idempotency-Key", "")], &body)
        .await;
    assert_eq!(bad_key.status, 400);
}

#[actix_web::test]
async fn a_key_still_in_flight_is_a_conflict() {
    use diesel::connection::SimpleConnection;
    let Setup { app, plan, .. } = setup().await;
    let path = format!("/api/v1/objectives/{}/actions", plan.objective);
    // Hold the lock the first request's transaction would hold while it runs.
    let mut first = app.db.conn();
    // Keys are the sender's: the lock is named after the signed-in user, then the route.
    let me = app.get("/api/v1/me").await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    first
        .batch_execute(&format!(
            "SELECT pg_advisory_lock(hashtextextended('{me} POST {path}' || ' ' || 'busy-key', 0))"
        ))
        .unwrap();
    let second = app
        .post_with(
            &path,
            &[("Idempotency-Key", "busy-key")],
            &json!({"number": 7, "title": "t"}),
        )
        .await;
    assert_eq!(second.status, 409, "{}", second.text);
    assert_eq!(second.problem_code(), "idempotency_key_in_use");
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM actions WHERE number = 7"),
        0
    );
}

#[actix_web::test]
async fn the_committee_filter_lists_the_actions_under_its_axes() {
    let Setup { app, plan, .. } = setup().await;
    let axis2 = fixtures::axis(&app, &plan.convention, 2).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let objective21 = fixtures::objective(&app, &axis2, 1).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    fixtures::action(&app, &objective21, 1, "Accompagner les jeunes").await;
    let committee = app
        .post(
            &format!("/api/v1/conventions/{}/committees", plan.convention),
            &json!({"name": "Comité jeunesse", "kind": "thematic", "axis_ids": [axis2]}),
        )
        .await;
    assert_eq!(committee.status, 201, "{}", committee.text);
    let codes = codes(
        &app,
        &plan.convention,
        format!("?committee={}", committee.id()),
    )
    .await;
    assert_eq!(codes, ["2.1.1"]);
    let bad = app
        .get(&format!(
            "/api/v1/conventions/{}/actions?committee=jeunesse",
            plan.convention
        ))
        .await;
    assert_eq!(bad.error_fields(), ["committee"]);
}

//! The follow-up journal: notes stored and listed newest first, their rules (date, text, the
//! author set by the server), the HTTP conventions, permissions per role, author-only changes,
//! and the audit log.

use chrono::{Days, NaiveDate};
use serde_json::{json, Value};

use crate::support::auth::member;
use crate::support::fixtures::{self, Plan};
use crate::support::{TestApp, TestResponse};

const UNKNOWN_ID: &str = "0190f1c2-0000-7000-8000-000000000000";

fn notes_path(action: &str) -> String {
    format!("/api/v1/actions/{action}/notes")
}

fn note_path(id: &str) -> String {
    format!("/api/v1/notes/{id}")
}

fn today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive()
}

fn items(response: &TestResponse) -> Vec<Value> {
    assert_eq!(response.status, 200, "{}", response.text);
    response.body["items"].as_array().expect("items").clone()
}

fn texts(response: &TestResponse) -> Vec<String> {
    items(response)
        .iter()
        .map(|n| n["text"].as_str().unwrap().to_string())
        .collect()
}

async fn create(app: &TestApp, action: &str, date: &str, text: &str) -> Value {
    let response = app
        .post(&notes_path(action), &json!({"date": date, "text": text}))
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    response.body
}

#[actix_web::test]
async fn a_note_is_stored_read_back_and_listed_newest_first() {
    let app = TestApp::spawn().await;
    let Plan {
        convention, action, ..
    } = fixtures::plan(&app).await;
    let me = app.get("/api/v1/me").await;
    let text = "Réunion du comité de pilotage : le RAM ouvrira en septembre.\nÀ suivre.";
    let created = app
        .post(
            &notes_path(&action),
            &json!({"date": "2024-03-12", "text": text}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.id();
    assert_eq!(created.header("location"), Some(note_path(&id).as_str()));
    assert_eq!(created.etag(), "\"1\"");
    let out = &created.body;
    assert_eq!(out["date"], "2024-03-12");
    assert_eq!(out["text"], text);
    assert_eq!(out["action_id"], action.as_str());
    assert_eq!(out["convention_id"], convention.as_str());
    assert_eq!(out["author_id"], me.body["id"]);
    assert_eq!(out["author_name"], me.body["display_name"]);
    assert_eq!(out["version"], 1);

    let read = app.get(&note_path(&id)).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.etag(), "\"1\"");
    assert_eq!(&read.body, out);
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM notes WHERE id = '{id}' AND date = '2024-03-12'"
        )),
        1
    );

    // Newest date first; on the same date, the latest written first. Today is accepted.
    create(&app, &action, "2023-01-05", "Plus ancienne").await;
    create(&app, &action, "2024-03-12", "Même jour, écrite après").await;
    create(&app, &action, &today().to_string(), "Aujourd'hui").await;
    let list = app.get(&notes_path(&action)).await;
    assert_eq!(
        texts(&list),
        [
            "Aujourd'hui",
            "Même jour, écrite après",
            text,
            "Plus ancienne"
        ]
    );
    assert_eq!(list.body["total"], 4);
    let page = app
        .get(&format!("{}?limit=2&offset=2", notes_path(&action)))
        .await;
    assert_eq!(texts(&page), [text, "Plus ancienne"]);
    assert_eq!(page.body["total"], 4);

    let unknown = app.get(&notes_path(UNKNOWN_ID)).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(app.get(&note_path(UNKNOWN_ID)).await.status, 404);
    let post_unknown = app
        .post(
            &notes_path(UNKNOWN_ID),
            &json!({"date": "2024-01-01", "text": "x"}),
        )
        .await;
    assert_eq!(post_unknown.status, 404);
}

#[actix_web::test]
async fn a_note_needs_a_past_date_and_a_text_and_never_takes_its_author() {
    let app = TestApp::spawn().await;
    let plan = fixtures::plan(&app).await;
    let path = notes_path(&plan.action);
    let tomorrow = today().checked_add_days(Days::new(1)).unwrap().to_string();
    let refused = [
        (json!({"date": tomorrow, "text": "Demain"}), vec!["date"]),
        (
            json!({"date": "1999-12-31", "text": "Trop tôt"}),
            vec!["date"],
        ),
        (
            json!({"date": "12/03/2024", "text": "Format"}),
            vec!["date"],
        ),
        (json!({"date": "2024-02-30", "text": "Jour"}), vec!["date"]),
        (json!({"date": "2024-03-12", "text": "   "}), vec!["text"]),
        (
            json!({"date": "2024-03-12", "text": "x".repeat(20_001)}),
            vec!["text"],
        ),
        (json!({"date": "demain", "text": ""}), vec!["date", "text"]),
    ];
    for (body, fields) in &refused {
        let response = app.post(&path, body).await;
        assert_eq!(response.status, 422, "{body}: {}", response.text);
        assert_eq!(response.problem_code(), "validation_failed");
        assert_eq!(response.error_fields(), *fields, "{body}");
    }
    for field in ["author_id", "colour", "id"] {
        let body = json!({"date": "2024-03-12", "text": "x", field: UNKNOWN_ID});
        let response = app.post(&path, &body).await;
        assert_eq!(response.status, 400, "{field}: {}", response.text);
        assert!(
            ["unknown_field", "read_only_field"].contains(&response.problem_code()),
            "{}",
            response.text
        );
        assert_eq!(response.error_fields(), [field]);
    }
    let missing = app.post(&path, &json!({"text": "Sans date"})).await;
    assert_eq!(missing.status, 422, "{}", missing.text);
    assert_eq!(missing.error_fields(), ["date"]);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM notes"), 0);
}

#[actix_web::test]
async fn a_patch_changes_a_note_with_if_match_and_a_delete_removes_it() {
    let app = TestApp::spawn().await;
    let plan = fixtures::plan(&app).await;
    let created = create(&app, &plan.action, "2024-03-12", "Premier jet").await;
    let id = created["id"].as_str().unwrap().to_string();
    let path = note_path(&id);

    let missing = app.patch(&path, None, &json!({"text": "Nouveau"})).await;
    assert_eq!(missing.status, 428);
    assert_eq!(missing.problem_code(), "if_match_required");
    let stale = app
        .patch(&path, Some("\"9\""), &json!({"text": "Nouveau"}))
        .await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.problem_code(), "version_mismatch");

    let invalid = app
        .patch(
            &path,
            Some("\"1\""),
            &json!({"date": "2999-01-01", "text": null}),
        )
        .await;
    assert_eq!(invalid.status, 422, "{}", invalid.text);
    assert_eq!(invalid.error_fields(), ["date", "text"]);
    let author = app
        .patch(&path, Some("\"1\""), &json!({"author_id": UNKNOWN_ID}))
        .await;
    assert_eq!(author.status, 400, "{}", author.text);

    let patched = app
        .patch(&path, Some("\"1\""), &json!({"text": "Compte rendu relu"}))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.etag(), "\"2\"");
    assert_eq!(patched.body["text"], "Compte rendu relu");
    assert_eq!(patched.body["date"], "2024-03-12");
    let dated = app
        .patch(&path, Some("\"2\""), &json!({"date": "2024-03-13"}))
        .await;
    assert_eq!(dated.status, 200, "{}", dated.text);
    assert_eq!(dated.body["date"], "2024-03-13");
    assert_eq!(dated.body["version"], 3);
    // Nothing changes: no new version.
    let same = app
        .patch(&path, Some("\"3\""), &json!({"date": "2024-03-13"}))
        .await;
    assert_eq!(same.status, 200);
    assert_eq!(same.body["version"], 3);
    assert_eq!(app.get(&path).await.body["text"], "Compte rendu relu");

    // The action keeps its journal: it cannot be deleted while it has notes.
    let action = app
        .delete(&format!("/api/v1/actions/{}", plan.action), Some("*"))
        .await;
    assert_eq!(action.status, 409, "{}", action.text);
    assert_eq!(action.problem_code(), "still_referenced");

    assert_eq!(app.delete(&path, None).await.status, 428);
    assert_eq!(app.delete(&path, Some("\"1\"")).await.status, 412);
    assert_eq!(app.delete(&path, Some("\"3\"")).await.status, 204);
    assert_eq!(app.get(&path).await.status, 404);
    assert_eq!(app.delete(&path, Some("*")).await.status, 404);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM notes"), 0);
}

#[actix_web::test]
async fn every_write_is_in_the_audit_log() {
    let app = TestApp::spawn().await;
    let plan = fixtures::plan(&app).await;
    let created = create(&app, &plan.action, "2024-03-12", "Premier jet").await;
    let id = created["id"].as_str().unwrap().to_string();
    let path = note_path(&id);
    let patched = app
        .patch(&path, Some("\"1\""), &json!({"text": "Relu"}))
        .await;
    assert_eq!(patched.status, 200);
    assert_eq!(app.delete(&path, Some("\"2\"")).await.status, 204);

    let log = app
        .get(&format!(
            "/api/v1/conventions/{}/audit?entity_type=note",
            plan.convention
        ))
        .await;
    let entries = items(&log);
    let operations: Vec<&str> = entries
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(operations, ["delete", "update", "create"], "newest first");
    assert!(entries.iter().all(|e| e["entity_id"] == id.as_str()));
    assert_eq!(entries[2]["changes"]["text"]["new"], "Premier jet");
    assert_eq!(
        entries[1]["changes"]["text"],
        json!({"old": "Premier jet", "new": "Relu"})
    );
    assert_eq!(entries[0]["changes"]["text"]["old"], "Relu");
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'note' \
             AND entity_id = '{id}' AND actor_id IS NOT NULL"
        )),
        3
    );
}

struct Branches {
    convention: String,
    /// Under axis 1 (the committee's), piloted by the MJC.
    scoped: String,
    /// Under axis 2, piloted by the Mission Locale.
    other: String,
    committee: String,
    mjc: String,
}

async fn branches(app: &TestApp) -> Branches {
    let id_of = |v: Value| v["id"].as_str().unwrap().to_string();
    let convention = id_of(fixtures::convention(app).await);
    let mjc = id_of(fixtures::partner(app, "MJC de Gourdon", "association").await);
    let mission_locale =
        id_of(fixtures::partner(app, "Mission Locale du Lot", "association").await);
    let mut actions = Vec::new();
    let mut axes = Vec::new();
    for (number, pilot) in [(1, &mjc), (2, &mission_locale)] {
        let axis = id_of(fixtures::axis(app, &convention, number).await);
        let objective = id_of(fixtures::objective(app, &axis, 1).await);
        let action = app
            .post(
                &format!("/api/v1/objectives/{objective}/actions"),
                &json!({"number": 1, "title": format!("Fiche {number}.1.1"),
                        "pilots": [{"partner_id": pilot}]}),
            )
            .await;
        assert_eq!(action.status, 201, "{}", action.text);
        actions.push(action.id());
        axes.push(axis);
    }
    let committee = app
        .post(
            &format!("/api/v1/conventions/{convention}/committees"),
            &json!({"name": "Comité technique Enfance", "kind": "thematic", "axis_ids": [axes[0]]}),
        )
        .await;
    assert_eq!(committee.status, 201, "{}", committee.text);
    Branches {
        convention,
        scoped: actions[0].clone(),
        other: actions[1].clone(),
        committee: committee.id(),
        mjc,
    }
}

async fn write(app: &TestApp, token: &str, action: &str) -> TestResponse {
    app.as_user(token)
        .post(
            &notes_path(action),
            &json!({"date": "2024-05-02", "text": "Point d'étape"}),
        )
        .await
}

#[actix_web::test]
async fn notes_are_written_by_those_who_update_the_follow_up() {
    let app = TestApp::spawn().await;
    let b = branches(&app).await;
    let c = b.convention.as_str();
    let (_, viewer) = member(&app, c, "viewer", Some(&b.mjc), None).await;
    let (_, pilot) = member(&app, c, "pilot", Some(&b.mjc), None).await;
    let (_, committee) = member(&app, c, "committee", None, Some(&b.committee)).await;
    let (_, copil) = member(&app, c, "copil", None, None).await;
    let (_, coordinator) = member(&app, c, "coordinator", None, None).await;
    let (_, reporting) = member(&app, c, "reporting", None, None).await;
    let elsewhere = fixtures::convention(&app).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, outsider) = member(&app, &elsewhere, "coordinator", Some(&b.mjc), None).await;

    let expected: [(&str, &str, u16, u16); 7] = [
        ("viewer", &viewer, 403, 403),
        ("pilot", &pilot, 201, 403),
        ("committee", &committee, 201, 403),
        ("copil", &copil, 201, 201),
        ("coordinator", &coordinator, 201, 201),
        ("reporting", &reporting, 403, 403),
        ("outsider", &outsider, 404, 404),
    ];
    for (who, token, scoped, other) in expected {
        let response = write(&app, token, &b.scoped).await;
        assert_eq!(
            response.status, scoped,
            "{who} on own/scoped: {}",
            response.text
        );
        let response = write(&app, token, &b.other).await;
        assert_eq!(response.status, other, "{who} on other: {}", response.text);
        // Reading: every member.
        let read = app.as_user(token).get(&notes_path(&b.other)).await;
        let readable = if who == "outsider" { 404 } else { 200 };
        assert_eq!(read.status, readable, "{who} reads: {}", read.text);
    }
    let anonymous = app
        .anonymous()
        .post(
            &notes_path(&b.scoped),
            &json!({"date": "2024-05-02", "text": "x"}),
        )
        .await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(
        app.anonymous().get(&notes_path(&b.scoped)).await.status,
        401
    );
    // pilot, committee, copil, coordinator on the scoped action; copil, coordinator on the other.
    assert_eq!(app.db.count("SELECT count(*) AS n FROM notes"), 6);
}

#[actix_web::test]
async fn only_its_author_changes_a_note_and_admins_may_delete_it() {
    let app = TestApp::spawn().await;
    let b = branches(&app).await;
    let c = b.convention.as_str();
    let (pilot_id, pilot) = member(&app, c, "pilot", Some(&b.mjc), None).await;
    let (_, other_pilot) = member(&app, c, "pilot", Some(&b.mjc), None).await;
    let (_, coordinator) = member(&app, c, "coordinator", None, None).await;

    let created = write(&app, &pilot, &b.scoped).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["author_id"], pilot_id.as_str());
    assert_eq!(created.body["author_name"], "pilot member");
    let path = note_path(&created.id());

    // Others may update the follow-up, but not someone else's note: 403, admins included.
    for (who, token) in [
        ("other pilot", other_pilot.as_str()),
        ("coordinator", coordinator.as_str()),
        ("admin", app.admin_token.as_str()),
    ] {
        let patch = app
            .as_user(token)
            .patch(&path, Some("*"), &json!({"text": "Réécrit"}))
            .await;
        assert_eq!(patch.status, 403, "{who}: {}", patch.text);
        assert_eq!(patch.problem_code(), "forbidden");
        if who != "admin" {
            let delete = app.as_user(token).delete(&path, Some("*")).await;
            assert_eq!(delete.status, 403, "{who}: {}", delete.text);
        }
    }
    let own = app
        .as_user(&pilot)
        .patch(&path, Some("\"1\""), &json!({"text": "Relu par l'auteur"}))
        .await;
    assert_eq!(own.status, 200, "{}", own.text);

    // The author's current name, a pseudonym once erased.
    let erased = app
        .delete(&format!("/api/v1/users/{pilot_id}"), Some("*"))
        .await;
    assert!(erased.status < 300, "{}", erased.text);
    let read = app.get(&path).await;
    assert_eq!(read.body["author_id"], pilot_id.as_str());
    assert_ne!(read.body["author_name"], "pilot member");
    assert!(!read.body["author_name"].as_str().unwrap().is_empty());

    // Moderation: a platform admin may delete someone else's note.
    assert_eq!(app.delete(&path, Some("\"2\"")).await.status, 204);
}

#[actix_web::test]
async fn the_plan_tree_shows_each_fiches_three_latest_notes() {
    let app = TestApp::spawn().await;
    let Plan {
        convention, action, ..
    } = fixtures::plan(&app).await;
    for (date, text) in [
        ("2023-05-02", "Lancement"),
        ("2024-01-15", "Premier bilan"),
        ("2023-11-20", "Comité technique"),
        ("2024-06-30", "Bilan de juin"),
    ] {
        create(&app, &action, date, text).await;
    }
    let plan = app
        .get(&format!("/api/v1/conventions/{convention}/plan"))
        .await;
    assert_eq!(plan.status, 200, "{}", plan.text);
    let fiche = &plan.body["axes"][0]["objectives"][0]["actions"][0];
    assert_eq!(fiche["id"], action.as_str());
    let latest: Vec<(&str, &str)> = fiche["latest_notes"]
        .as_array()
        .expect("latest_notes")
        .iter()
        .map(|n| (n["date"].as_str().unwrap(), n["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        latest,
        [
            ("2024-06-30", "Bilan de juin"),
            ("2024-01-15", "Premier bilan"),
            ("2023-11-20", "Comité technique"),
        ]
    );
    let me = app.get("/api/v1/me").await;
    assert_eq!(fiche["latest_notes"][0]["author_id"], me.body["id"]);
    assert!(fiche["latest_notes"][0]["author_name"].is_string());
}

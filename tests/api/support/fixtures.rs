//! A small plan built through the API, as a client would build it.

use serde_json::{json, Value};

use super::TestApp;

/// Creates a partner and returns it.
pub async fn partner(app: &TestApp, name: &str, kind: &str) -> Value {
    let response = app
        .post("/api/v1/partners", &json!({"name": name, "kind": kind}))
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    response.body
}

pub async fn convention(app: &TestApp) -> Value {
    let response = app
        .post(
            "/api/v1/conventions",
            &json!({
                "name": "Convention Territoriale Globale des Services aux Familles 2022-2026",
                "territory": "Communauté de Communes Quercy Bouriane (CCQB)",
                "start_year": 2022,
                "end_year": 2026
            }),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    response.body
}

pub async fn axis(app: &TestApp, convention_id: &str, number: i32) -> Value {
    let response = app
        .post(
            &format!("/api/v1/conventions/{convention_id}/axes"),
            &json!({"number": number, "title": format!("Axe {number}")}),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    response.body
}

pub async fn objective(app: &TestApp, axis_id: &str, number: i32) -> Value {
    let response = app
        .post(
            &format!("/api/v1/axes/{axis_id}/objectives"),
            &json!({"number": number, "title": format!("Objectif {number}")}),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    response.body
}

pub async fn action(app: &TestApp, objective_id: &str, number: i32, title: &str) -> Value {
    let response = app
        .post(
            &format!("/api/v1/objectives/{objective_id}/actions"),
            &json!({"number": number, "title": title}),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    response.body
}

/// The ids of a one-branch plan: convention → axis 1 → objective 1.1 → action 1.1.1.
pub struct Plan {
    pub convention: String,
    pub axis: String,
    pub objective: String,
    pub action: String,
}

pub async fn plan(app: &TestApp) -> Plan {
    let convention = convention(app).await["id"].as_str().unwrap().to_string();
    let axis = axis(app, &convention, 1).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let objective = objective(app, &axis, 1).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let action = action(app, &objective, 1, "Développer l'accueil du jeune enfant").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    Plan {
        convention,
        axis,
        objective,
        action,
    }
}

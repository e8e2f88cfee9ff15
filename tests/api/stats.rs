//! Statistics for dashboards: figures computed by hand on the reports' small plan, the same
//! numbers as the annual report and the plan tree, and who may read them.

use serde_json::json;

use crate::reports::small_plan;
use crate::support::auth::member;
use crate::support::TestApp;

fn stats_path(convention: &str) -> String {
    format!("/api/v1/conventions/{convention}/stats")
}

#[actix_web::test]
async fn stats_give_the_figures_computed_by_hand() {
    let app = TestApp::spawn().await;
    let plan = small_plan(&app).await;
    let response = app.get(&stats_path(&plan.convention)).await;
    assert_eq!(response.status, 200, "{}", response.text);
    let stats = &response.body;
    assert_eq!(stats["convention_id"], plan.convention.as_str());
    assert_eq!(
        stats["totals"],
        json!({
            "axes": 2, "objectives": 2, "actions": 3, "indicators": 3,
            "actions_by_status": {"planned": 1, "in_progress": 1, "done": 1, "suspended": 0, "abandoned": 0},
            "priority_actions": 1, "late_actions": 2, "due_indicators": 3
        })
    );
    // 1.1.1 = 50, 1.1.2 = 80 → 1.1 = axis 1 = 65; 2.1.1 = 100 → axis 2 = 100; overall 82.5.
    assert_eq!(stats["progress"], 82.5);
    let axes = stats["axes"].as_array().unwrap();
    assert_eq!(axes.len(), 2);
    assert_eq!(axes[0]["number"], 1);
    assert_eq!(axes[0]["progress"], 65.0);
    assert_eq!(
        axes[0]["actions_by_status"],
        json!({"planned": 0, "in_progress": 1, "done": 1, "suspended": 0, "abandoned": 0})
    );
    assert_eq!(axes[0]["objectives"][0]["code"], "1.1");
    assert_eq!(axes[0]["objectives"][0]["progress"], 65.0);
    assert_eq!(axes[0]["objectives"][0]["actions"], 2);
    assert_eq!(axes[1]["progress"], 100.0);
    assert_eq!(
        axes[1]["actions_by_status"],
        json!({"planned": 1, "in_progress": 0, "done": 0, "suspended": 0, "abandoned": 0})
    );

    assert_eq!(
        stats["late_actions"],
        json!([
            {"id": plan.accueil, "code": "1.1.1", "title": "Accueil du jeune enfant", "status": "in_progress", "end_year": 2022},
            {"id": plan.jeunesse, "code": "2.1.1", "title": "=Projets jeunes", "status": "planned", "end_year": 2023}
        ])
    );
    let due: Vec<&str> = stats["due_indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(due, [plan.i1.as_str(), plan.i2.as_str(), plan.i3.as_str()]);
    assert_eq!(stats["due_indicators"][0]["action_code"], "1.1.1");
    assert_eq!(stats["due_indicators"][0]["period"], "2025");

    // Created in code order, unchanged since: the latest created first.
    let recent: Vec<&str> = stats["recently_changed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(recent, ["2.1.1", "1.1.2", "1.1.1"]);
    let response = app
        .patch(
            &format!("/api/v1/actions/{}", plan.attente),
            Some("*"),
            &json!({"status": "suspended"}),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let stats = app.get(&stats_path(&plan.convention)).await.body;
    assert_eq!(stats["recently_changed_actions"][0]["code"], "1.1.2");
    assert_eq!(stats["recently_changed_actions"][0]["status"], "suspended");
    assert_eq!(stats["totals"]["actions_by_status"]["suspended"], 1);
    // Suspended is not finished: 1.1.2 (ended 2022) is late now.
    assert_eq!(stats["totals"]["late_actions"], 3);
}

#[actix_web::test]
async fn stats_agree_with_the_report_and_the_plan() {
    let app = TestApp::spawn().await;
    let plan = small_plan(&app).await;
    let stats = app.get(&stats_path(&plan.convention)).await.body;
    let report = app
        .get(&format!(
            "/api/v1/conventions/{}/reports/annual?year=2024",
            plan.convention
        ))
        .await
        .body;
    let tree = app
        .get(&format!("/api/v1/conventions/{}/plan", plan.convention))
        .await
        .body;
    assert_eq!(stats["totals"], report["summary"]);
    assert_eq!(stats["late_actions"], report["late_actions"]);
    assert_eq!(stats["progress"], report["progress"]);
    assert_eq!(stats["progress"], tree["progress"]);
    for (i, axis) in stats["axes"].as_array().unwrap().iter().enumerate() {
        assert_eq!(axis["progress"], report["axes"][i]["progress"]);
        assert_eq!(axis["progress"], tree["axes"][i]["progress"]);
        for (j, objective) in axis["objectives"].as_array().unwrap().iter().enumerate() {
            assert_eq!(
                objective["progress"],
                report["axes"][i]["objectives"][j]["progress"]
            );
        }
    }
    // Due indicators are those the indicators' list calls due.
    let due = app
        .get(&format!(
            "/api/v1/conventions/{}/indicators?due=true",
            plan.convention
        ))
        .await
        .body;
    assert_eq!(due["total"], stats["totals"]["due_indicators"]);
    let overdue = app
        .get(&format!(
            "/api/v1/conventions/{}/actions?overdue=true",
            plan.convention
        ))
        .await
        .body;
    assert_eq!(overdue["total"], stats["totals"]["late_actions"]);
}

#[actix_web::test]
async fn every_member_reads_stats_and_others_do_not_see_them() {
    let app = TestApp::spawn().await;
    let plan = small_plan(&app).await;
    for role in ["viewer", "pilot", "copil", "coordinator", "reporting"] {
        let (_, token) = member(&app, &plan.convention, role, None, None).await;
        let response = app.as_user(&token).get(&stats_path(&plan.convention)).await;
        assert_eq!(response.status, 200, "{role}: {}", response.text);
    }
    let other = crate::support::fixtures::convention(&app).await;
    let other = other["id"].as_str().unwrap();
    let (_, outsider) = member(&app, other, "viewer", None, None).await;
    let response = app
        .as_user(&outsider)
        .get(&stats_path(&plan.convention))
        .await;
    assert_eq!(response.status, 404);
    assert_eq!(response.problem_code(), "not_found");
    let response = app.anonymous().get(&stats_path(&plan.convention)).await;
    assert_eq!(response.status, 401);
}

#[actix_web::test]
async fn an_empty_convention_has_zero_counts_and_no_progress() {
    let app = TestApp::spawn().await;
    let convention = crate::support::fixtures::convention(&app).await;
    let id = convention["id"].as_str().unwrap();
    let response = app.get(&stats_path(id)).await;
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.body["totals"]["actions"], 0);
    assert_eq!(response.body["progress"], serde_json::Value::Null);
    assert_eq!(response.body["axes"], json!([]));
    assert_eq!(response.body["recently_changed_actions"], json!([]));
}

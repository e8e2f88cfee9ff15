//! `ctg serve --demo`: the Quercy Bouriane plan loaded once into an empty database, one user per
//! role who can do what the role allows on the real plan and nothing more, and the built binary
//! run end to end.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::process::ServerProcess;
use crate::support::{TestApp, TestDb};
use ctg::db::PoolSettings;

/// The demo set up on a fresh database, served, with every demo user signed in (by e-mail).
struct DemoWorld {
    app: TestApp,
    convention: String,
    tokens: HashMap<&'static str, String>,
}

async fn demo_world() -> DemoWorld {
    let db = TestDb::new();
    let demo = ctg::demo::prepare(&mut db.conn()).expect("demo set-up");
    let convention = demo.convention_id.expect("the demo plan").to_string();
    let app = TestApp::spawn_with(
        db,
        PoolSettings {
            max_size: 4,
            ..PoolSettings::default()
        },
    )
    .await;
    let mut tokens = HashMap::new();
    for login in &demo.logins {
        let response = app
            .anonymous()
            .post(
                "/api/v1/auth/login",
                &json!({"email": login.email, "password": login.password}),
            )
            .await;
        assert_eq!(response.status, 200, "{}: {}", login.email, response.text);
        let token = response.body["access_token"].as_str().unwrap().to_string();
        tokens.insert(login.email, token);
    }
    DemoWorld {
        app,
        convention,
        tokens,
    }
}

impl DemoWorld {
    fn token(&self, email: &str) -> &str {
        self.tokens
            .get(email)
            .unwrap_or_else(|| panic!("no demo user {email}"))
    }

    /// The id of the fiche with this code.
    async fn fiche(&self, code: &str) -> String {
        let response = self
            .app
            .get(&format!(
                "/api/v1/conventions/{}/actions?q={code}",
                self.convention
            ))
            .await;
        response.body["items"]
            .as_array()
            .and_then(|items| items.iter().find(|a| a["code"] == code))
            .and_then(|a| a["id"].as_str())
            .unwrap_or_else(|| panic!("no fiche {code}: {}", response.text))
            .to_string()
    }

    /// The first indicator of the fiche with this code.
    async fn indicator(&self, code: &str) -> String {
        let fiche = self.fiche(code).await;
        let response = self
            .app
            .get(&format!("/api/v1/actions/{fiche}/indicators"))
            .await;
        response.body["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// PATCH of the fiche `code` by `email`; returns the status.
    async fn patch_fiche(&self, email: &str, code: &str, body: Value) -> u16 {
        let fiche = self.fiche(code).await;
        let response = self
            .app
            .as_user(self.token(email))
            .patch(&format!("/api/v1/actions/{fiche}"), Some("*"), &body)
            .await;
        assert!(
            matches!(response.status, 200 | 403),
            "{email} PATCH {code}: {} {}",
            response.status,
            response.text
        );
        response.status
    }

    async fn get(&self, email: &str, path: &str) -> u16 {
        let path = path.replace("{c}", &self.convention);
        self.app.as_user(self.token(email)).get(&path).await.status
    }

    async fn post(&self, email: &str, path: &str, body: Value) -> u16 {
        let path = path.replace("{c}", &self.convention);
        let response = self.app.as_user(self.token(email)).post(&path, &body).await;
        assert!(
            matches!(response.status, 201 | 403),
            "{email} POST {path}: {} {}",
            response.status,
            response.text
        );
        response.status
    }
}

const MJC: &str = "pilote-mjc@demo.ctg.invalid";
const MISSION_LOCALE: &str = "pilote-mission-locale@demo.ctg.invalid";
const YOUTH_COMMITTEE: &str = "comite-jeunesse@demo.ctg.invalid";
const VIEWER: &str = "lecture@demo.ctg.invalid";
const REPORTING: &str = "reporting@demo.ctg.invalid";
const COPIL: &str = "copil@demo.ctg.invalid";
const COORDINATOR: &str = "coordination@demo.ctg.invalid";
const ADMIN: &str = "admin@demo.ctg.invalid";

#[actix_web::test]
async fn the_demo_loads_the_plan_once_and_its_users_once() {
    let db = TestDb::new();
    let first = ctg::demo::prepare(&mut db.conn()).unwrap();
    assert!(first.imported);
    let convention = first.convention_id.unwrap();
    let roles: Vec<&str> = first.logins.iter().map(|l| l.role).collect();
    assert_eq!(
        roles,
        [
            "admin",
            "coordinator",
            "copil",
            "committee",
            "pilot",
            "pilot",
            "viewer",
            "reporting"
        ]
    );
    let counts = |db: &TestDb| {
        [
            "conventions",
            "axes",
            "objectives",
            "actions",
            "indicators",
            "users",
            "memberships",
        ]
        .map(|table| db.count(&format!("SELECT count(*) AS n FROM {table}")))
    };
    assert_eq!(counts(&db), [1, 5, 17, 45, 231, 8, 7]);
    // Every demo user but the admin has exactly their role, the pilots their organisation.
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM users u JOIN convention_partner_refs r \
             ON r.partner_id = u.partner_id \
             WHERE (u.email, r.exchange_ref) IN (('pilote-mjc@demo.ctg.invalid', 'mjc-gourdon'), \
             ('pilote-mission-locale@demo.ctg.invalid', 'mission-locale'))"
        ),
        2
    );
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM memberships m JOIN committees c ON c.id = m.committee_id \
             WHERE m.role = 'committee' AND c.exchange_ref = 'comite-jeunesse'"
        ),
        1
    );

    // A second start loads nothing again and creates nobody twice.
    let second = ctg::demo::prepare(&mut db.conn()).unwrap();
    assert!(!second.imported);
    assert_eq!(second.convention_id, Some(convention));
    assert_eq!(counts(&db), [1, 5, 17, 45, 231, 8, 7]);
}

#[actix_web::test]
async fn on_a_database_with_other_conventions_the_plan_is_not_loaded() {
    let app = TestApp::spawn().await;
    let other = app
        .post(
            "/api/v1/conventions",
            &json!({"name": "CTG du Pays Rignacois", "territory": "Pays Rignacois",
                    "start_year": 2023, "end_year": 2027}),
        )
        .await;
    assert_eq!(other.status, 201, "{}", other.text);
    let demo = ctg::demo::prepare(&mut app.db.conn()).unwrap();
    assert!(!demo.imported);
    assert_eq!(demo.convention_id, None);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM axes"), 0);
    // The users still exist and sign in; they hold no role.
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM users WHERE email LIKE '%@demo.ctg.invalid'"),
        8
    );
    assert_eq!(app.db.count("SELECT count(*) AS n FROM memberships"), 0);
}

#[actix_web::test]
async fn demo_users_do_what_their_role_allows_on_the_real_plan_and_nothing_more() {
    let w = demo_world().await;

    // The reporting client reads the plan and exports it (before anyone changes it), and
    // writes nothing.
    assert_eq!(w.get(REPORTING, "/api/v1/conventions/{c}/plan").await, 200);
    let export = w
        .app
        .as_user(w.token(REPORTING))
        .get(&format!("/api/v1/conventions/{}/export", w.convention))
        .await;
    assert_eq!(export.status, 200, "{}", export.text);
    let demo: Value = serde_json::from_str(ctg::demo::DEMO_PLAN).expect("the demo plan is JSON");
    assert_eq!(export.body, demo);
    assert_eq!(
        w.patch_fiche(REPORTING, "1.1.1", json!({"status": "in_progress"}))
            .await,
        403
    );
    let indicator = w.indicator("1.1.1").await;
    let measurement = json!({"period": "2025", "value": 21});
    let path = format!("/api/v1/indicators/{indicator}/measurements");
    assert_eq!(w.post(REPORTING, &path, measurement.clone()).await, 403);
    assert_eq!(w.get(REPORTING, "/api/v1/conventions/{c}/audit").await, 403);

    // The MJC's pilot: the follow-up and measurements of the fiches the MJC pilots (1.1.1),
    // not of others (1.1.2, the CCQB's), and never their content.
    assert_eq!(
        w.patch_fiche(
            MJC,
            "1.1.1",
            json!({"status": "in_progress", "progress": 20})
        )
        .await,
        200
    );
    assert_eq!(
        w.patch_fiche(MJC, "1.1.2", json!({"status": "in_progress"}))
            .await,
        403
    );
    assert_eq!(
        w.patch_fiche(MJC, "1.1.1", json!({"title": "Autre titre"}))
            .await,
        403
    );
    assert_eq!(w.post(MJC, &path, measurement).await, 201);
    let other_indicator = w.indicator("1.1.2").await;
    assert_eq!(
        w.post(
            MJC,
            &format!("/api/v1/indicators/{other_indicator}/measurements"),
            json!({"period": "2025", "value": 3})
        )
        .await,
        403
    );

    // The Mission Locale's pilot: 2.3.1 (the Boussole des Jeunes), not 1.1.1.
    assert_eq!(
        w.patch_fiche(MISSION_LOCALE, "2.3.1", json!({"status": "in_progress"}))
            .await,
        200
    );
    assert_eq!(
        w.patch_fiche(MISSION_LOCALE, "1.1.1", json!({"status": "done"}))
            .await,
        403
    );

    // The youth committee's member: the content of axis 2's fiches, not of others; no structure.
    assert_eq!(
        w.patch_fiche(
            YOUTH_COMMITTEE,
            "2.4.2",
            json!({"context": "Revu par le comité jeunesse."})
        )
        .await,
        200
    );
    assert_eq!(
        w.patch_fiche(
            YOUTH_COMMITTEE,
            "1.1.1",
            json!({"context": "Hors de son champ."})
        )
        .await,
        403
    );
    assert_eq!(
        w.post(
            YOUTH_COMMITTEE,
            "/api/v1/conventions/{c}/axes",
            json!({"number": 9, "title": "Axe 9"})
        )
        .await,
        403
    );
    assert_eq!(
        w.get(YOUTH_COMMITTEE, "/api/v1/conventions/{c}/audit")
            .await,
        200
    );
    assert_eq!(
        w.get(YOUTH_COMMITTEE, "/api/v1/conventions/{c}/export")
            .await,
        403
    );

    // The viewer reads, and only reads.
    assert_eq!(w.get(VIEWER, "/api/v1/conventions/{c}/plan").await, 200);
    assert_eq!(
        w.get(VIEWER, "/api/v1/conventions/{c}/indicators").await,
        200
    );
    assert_eq!(
        w.patch_fiche(VIEWER, "1.1.1", json!({"status": "done"}))
            .await,
        403
    );
    assert_eq!(w.get(VIEWER, "/api/v1/conventions/{c}/export").await, 403);
    assert_eq!(w.get(VIEWER, "/api/v1/conventions/{c}/audit").await, 403);

    // The COPIL edits any fiche, but manages neither memberships nor exports.
    assert_eq!(
        w.patch_fiche(COPIL, "3.1.1", json!({"title": "Titre revu par le COPIL"}))
            .await,
        200
    );
    let viewer_id = w.app.as_user(w.token(VIEWER)).get("/api/v1/me").await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let membership = json!({"user_id": viewer_id, "role": "copil"});
    let memberships = "/api/v1/conventions/{c}/memberships";
    assert_eq!(w.post(COPIL, memberships, membership.clone()).await, 403);
    assert_eq!(w.get(COPIL, "/api/v1/conventions/{c}/export").await, 403);

    // The coordinator and the admin do the rest.
    assert_eq!(
        w.get(COORDINATOR, "/api/v1/conventions/{c}/export").await,
        200
    );
    assert_eq!(w.post(COORDINATOR, memberships, membership).await, 201);
    assert_eq!(w.get(ADMIN, "/api/v1/users").await, 200);
    assert_eq!(w.get(ADMIN, "/api/v1/conventions/{c}/export").await, 200);
    assert_eq!(w.get(COORDINATOR, "/api/v1/users").await, 403);
}

#[actix_web::test]
async fn the_binary_serves_the_demo_in_one_command() {
    let db = TestDb::new();
    let started = Instant::now();
    let server = ServerProcess::start(db.url(), &["--demo"], &[("CTG_JWT_SECRET", "")]);
    let output = server.stdout_lines();
    let ready = started.elapsed();
    let serving = output.last().unwrap();
    assert!(
        serving.contains(&format!("{}/docs/", server.base)),
        "{serving}"
    );
    assert!(
        output.iter().any(|l| l.starts_with("demo plan: ")),
        "{output:?}"
    );
    // `demo login: ROLE EMAIL PASSWORD`, the password being the rest of the line.
    let logins: Vec<(String, String, String)> = output
        .iter()
        .filter_map(|line| line.strip_prefix("demo login: "))
        .map(|rest| {
            let mut parts = rest.splitn(3, ' ');
            let mut next = || parts.next().unwrap_or_default().to_string();
            (next(), next(), next())
        })
        .collect();
    assert_eq!(logins.len(), 8, "{output:?}");
    let (_, email, password) = logins
        .iter()
        .find(|(role, ..)| role == "coordinator")
        .expect("a coordinator login");

    let base = &server.base;
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish();
    let mut response = client
        .post(format!("{base}/api/v1/auth/login"))
        .send_json(&json!({"email": email, "password": password}))
        .await
        .expect("login sent");
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    let token = body["access_token"].as_str().unwrap().to_string();
    let bearer = ("Authorization", format!("Bearer {token}"));
    let mut response = client
        .get(format!("{base}/api/v1/conventions"))
        .insert_header(bearer.clone())
        .send()
        .await
        .unwrap();
    let conventions: Value = response.json().await.unwrap();
    assert_eq!(conventions["total"], 1, "{conventions}");
    let id = conventions["items"][0]["id"].as_str().unwrap();
    let mut response = client
        .get(format!("{base}/api/v1/conventions/{id}/plan"))
        .insert_header(bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let plan: Value = response.json().limit(16 * 1024 * 1024).await.unwrap();
    let actions: usize = plan["axes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|axis| axis["objectives"].as_array().unwrap())
        .map(|objective| objective["actions"].as_array().unwrap().len())
        .sum();
    assert_eq!(actions, 45);
    eprintln!("ctg serve --demo: serving after {ready:?} on an empty database");
    drop(server);
}

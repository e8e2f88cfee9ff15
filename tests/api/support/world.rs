//! A "world" for authorization tests, built through the API as the platform admin: partners, a
//! convention with two branches (one piloted by the MJC under axis 1, one by the Mission Locale
//! under axis 2), a thematic committee covering axis 1, a second convention, and one signed-in
//! person per role. It also makes throwaway objects, so that a permitted deletion never removes
//! something later requests rely on.

use std::cell::Cell;

use serde_json::json;

use super::app::Caller;
use super::auth::{insert_user, login, TEST_PASSWORD};
use super::{TestApp, TestResponse};

/// Someone who signs in: their user id and access token.
#[derive(Debug, Clone)]
pub struct Person {
    pub user_id: String,
    pub token: String,
}

/// Requests with `token`, or without any `Authorization` header.
pub fn caller<'a>(app: &'a TestApp, token: Option<&str>) -> Caller<'a> {
    match token {
        Some(token) => app.as_user(token),
        None => app.anonymous(),
    }
}

pub struct World<'a> {
    app: &'a TestApp,
    counter: Cell<u32>,

    pub mjc: String,
    pub mission_locale: String,
    /// A partner nobody refers to (changed by `PATCH /partners/{id}`).
    pub spare_partner: String,

    pub convention_a: String,
    pub convention_b: String,
    pub axis1: String,
    pub axis2: String,
    pub objective1: String,
    pub objective2: String,
    /// Under axis 1, piloted by the MJC.
    pub action_own: String,
    /// Under axis 2, piloted by the Mission Locale.
    pub action_other: String,
    /// An indicator of `action_own`.
    pub indicator_own: String,
    /// An indicator of `action_other`.
    pub indicator_other: String,
    /// The thematic committee covering axis 1.
    pub committee: String,
    /// A monthly count indicator of `action_own` (inserted directly), and one of `action_other`.
    pub measured_indicator_own: String,
    pub measured_indicator_other: String,
    /// A measurement (2026-01) of each.
    pub measurement_own: String,
    pub measurement_other: String,
    /// A viewer's membership in A, changed by `PATCH /memberships/{id}`.
    pub spare_membership: String,
    /// A user who is none of the identities below (the "other" user).
    pub spare_user: String,
    /// Who `POST /auth/login` signs in, and whose sessions refresh and logout use.
    pub login_email: String,

    pub admin: Person,
    /// Viewer in A; works for the MJC (so "own" is never enough without the pilot role).
    pub viewer: Person,
    /// Pilot in A; works for the MJC, which pilots `action_own`.
    pub pilot: Person,
    /// Member of the thematic committee of axis 1; works for the Mission Locale (which pilots
    /// `action_other`: being the pilot's organisation is not the committee's scope).
    pub committee_member: Person,
    pub copil: Person,
    pub coordinator: Person,
    /// The Caf reporting integration (role `reporting`).
    pub reporting: Person,
    /// Viewer in B only; works for the MJC.
    pub outsider: Person,
}

fn id(response: &TestResponse, what: &str) -> String {
    assert!(
        (200..300).contains(&response.status),
        "world: {what}: {} {}",
        response.status,
        response.text
    );
    response.id()
}

impl<'a> World<'a> {
    pub async fn build(app: &'a TestApp) -> World<'a> {
        let partner = |name: &'static str, kind: &'static str| async move {
            let response = app
                .post("/api/v1/partners", &json!({"name": name, "kind": kind}))
                .await;
            id(&response, name)
        };
        let mjc = partner("MJC de Gourdon", "association").await;
        let mission_locale = partner("Mission Locale du Lot", "association").await;
        let caf = partner("Caf du Lot", "caf").await;
        let spare_partner = partner("Partenaire de réserve", "other").await;

        let convention = |name: &'static str| async move {
            let response = app
                .post(
                    "/api/v1/conventions",
                    &json!({"name": name, "territory": "Quercy Bouriane", "start_year": 2022, "end_year": 2026}),
                )
                .await;
            id(&response, name)
        };
        let convention_a = convention("CTG A").await;
        let convention_b = convention("CTG B").await;

        let axis1 = axis(app, &convention_a, 1).await;
        let axis2 = axis(app, &convention_a, 2).await;
        let objective1 = objective(app, &axis1, 1).await;
        let objective2 = objective(app, &axis2, 1).await;
        let action_own = action(app, &objective1, 1, &mjc).await;
        let action_other = action(app, &objective2, 1, &mission_locale).await;
        let indicator_own = indicator(app, &action_own, 1).await;
        let indicator_other = indicator(app, &action_other, 1).await;
        let committee = id(
            &app.post(
                &format!("/api/v1/conventions/{convention_a}/committees"),
                &json!({"name": "Comité technique Enfance", "kind": "thematic", "axis_ids": [axis1]}),
            )
            .await,
            "thematic committee",
        );

        let measured_indicator_own = insert_indicator(app, &action_own);
        let measured_indicator_other = insert_indicator(app, &action_other);
        let measurement_own = measurement(app, &measured_indicator_own).await;
        let measurement_other = measurement(app, &measured_indicator_other).await;

        let me = app.get("/api/v1/me").await;
        let admin = Person {
            user_id: id(&me, "the admin"),
            token: app.admin_token.clone(),
        };
        let person = |email: &'static str, partner: Option<String>| async move {
            let response = app
                .post(
                    "/api/v1/users",
                    &json!({"email": email, "display_name": email, "password": TEST_PASSWORD, "partner_id": partner}),
                )
                .await;
            let user_id = id(&response, email);
            let token = login(app, email).await;
            Person { user_id, token }
        };
        let viewer = person("viewer@ctg.test", Some(mjc.clone())).await;
        let pilot = person("pilot@ctg.test", Some(mjc.clone())).await;
        let committee_member = person("committee@ctg.test", Some(mission_locale.clone())).await;
        let copil = person("copil@ctg.test", None).await;
        let coordinator = person("coordinator@ctg.test", None).await;
        let reporting = person("reporting@ctg.test", Some(caf.clone())).await;
        let outsider = person("outsider@ctg.test", Some(mjc.clone())).await;

        let spare_user = insert_user(&app.db, "spare@ctg.test", "Spare", None, false);
        let login_email = "signs-in@ctg.test".to_string();
        insert_user(&app.db, &login_email, "Signs in", None, false);

        let world = World {
            app,
            counter: Cell::new(10),
            mjc,
            mission_locale,
            spare_partner,
            convention_a,
            convention_b,
            axis1,
            axis2,
            objective1,
            objective2,
            action_own,
            action_other,
            indicator_own,
            indicator_other,
            committee,
            measured_indicator_own,
            measured_indicator_other,
            measurement_own,
            measurement_other,
            spare_membership: String::new(),
            spare_user,
            login_email,
            admin,
            viewer,
            pilot,
            committee_member,
            copil,
            coordinator,
            reporting,
            outsider,
        };
        world
            .grant_roles(&world.convention_a, &world.committee)
            .await;
        world
            .membership(&world.convention_b, &world.outsider.user_id, "viewer", None)
            .await;
        let spare_membership = world
            .membership(&world.convention_a, &world.spare_user, "viewer", None)
            .await;
        World {
            spare_membership,
            ..world
        }
    }

    /// A number never used before in this world (axes, objectives and actions take it as their
    /// number: 1 to 999).
    pub fn next(&self) -> u32 {
        let n = self.counter.get();
        self.counter.set(n + 1);
        assert!(n < 1000, "the world ran out of numbers");
        n
    }

    /// Each identity's role in `convention`, through the API (the committee member's in
    /// `committee`).
    async fn grant_roles(&self, convention: &str, committee: &str) {
        let roles = [
            (&self.viewer, "viewer"),
            (&self.pilot, "pilot"),
            (&self.committee_member, "committee"),
            (&self.copil, "copil"),
            (&self.coordinator, "coordinator"),
            (&self.reporting, "reporting"),
        ];
        for (person, role) in roles {
            let committee = (role == "committee").then_some(committee);
            self.membership(convention, &person.user_id, role, committee)
                .await;
        }
    }

    async fn membership(
        &self,
        convention: &str,
        user_id: &str,
        role: &str,
        committee: Option<&str>,
    ) -> String {
        let response = self
            .app
            .post(
                &format!("/api/v1/conventions/{convention}/memberships"),
                &json!({"user_id": user_id, "role": role, "committee_id": committee}),
            )
            .await;
        id(&response, &format!("{role} membership"))
    }

    pub async fn fresh_partner(&self) -> String {
        let n = self.next();
        let response = self
            .app
            .post(
                "/api/v1/partners",
                &json!({"name": format!("Partenaire jetable {n}"), "kind": "other"}),
            )
            .await;
        id(&response, "throwaway partner")
    }

    /// A convention where every identity holds the same role as in A (the outsider none), so
    /// that deleting it tells members (403) from non-members (404).
    pub async fn fresh_convention(&self) -> String {
        let n = self.next();
        let response = self
            .app
            .post(
                "/api/v1/conventions",
                &json!({"name": format!("Convention jetable {n}"), "territory": "Quercy Bouriane", "start_year": 2022, "end_year": 2026}),
            )
            .await;
        let convention = id(&response, "throwaway convention");
        let committee = id(
            &self
                .app
                .post(
                    &format!("/api/v1/conventions/{convention}/committees"),
                    &json!({"name": "Comité technique", "kind": "thematic", "axis_ids": []}),
                )
                .await,
            "throwaway convention's committee",
        );
        self.grant_roles(&convention, &committee).await;
        convention
    }

    pub async fn fresh_axis(&self) -> String {
        axis(self.app, &self.convention_a, self.next()).await
    }

    pub async fn fresh_objective(&self) -> String {
        objective(self.app, &self.axis1, self.next()).await
    }

    /// An action like `action_own` (under axis 1, piloted by the MJC) or like `action_other`
    /// (under axis 2, piloted by the Mission Locale).
    pub async fn fresh_action(&self, own: bool) -> String {
        let (objective, pilot) = match own {
            true => (&self.objective1, &self.mjc),
            false => (&self.objective2, &self.mission_locale),
        };
        action(self.app, objective, self.next(), pilot).await
    }

    /// An indicator of `action_own` or of `action_other`.
    pub async fn fresh_indicator(&self, own: bool) -> String {
        let action = if own {
            &self.action_own
        } else {
            &self.action_other
        };
        indicator(self.app, action, self.next()).await
    }

    pub async fn fresh_committee(&self) -> String {
        let n = self.next();
        let response = self
            .app
            .post(
                &format!("/api/v1/conventions/{}/committees", self.convention_a),
                &json!({"name": format!("Comité jetable {n}"), "kind": "thematic", "axis_ids": [self.axis2]}),
            )
            .await;
        id(&response, "throwaway committee")
    }

    /// A user who is nobody in particular (inserted directly: they never sign in).
    pub fn fresh_user(&self) -> String {
        let n = self.next();
        insert_user(
            &self.app.db,
            &format!("throwaway-{n}@ctg.test"),
            &format!("Jetable {n}"),
            None,
            false,
        )
    }

    pub async fn fresh_membership(&self) -> String {
        let user = self.fresh_user();
        self.membership(&self.convention_a, &user, "viewer", None)
            .await
    }

    /// A measurement like `measurement_own` (of an indicator of an action piloted by the MJC
    /// under axis 1) or like `measurement_other`, on an indicator of its own.
    pub async fn fresh_measurement(&self, own: bool) -> String {
        let action = if own {
            &self.action_own
        } else {
            &self.action_other
        };
        let indicator = insert_indicator(self.app, action);
        measurement(self.app, &indicator).await
    }

    /// A note (inserted directly) on `action_own` or `action_other`, written by `author`.
    pub fn fresh_note(&self, own: bool, author: &str) -> String {
        use ctg::db::schema::notes;
        use diesel::prelude::*;
        let action = if own {
            &self.action_own
        } else {
            &self.action_other
        };
        let id = uuid::Uuid::now_v7();
        diesel::insert_into(notes::table)
            .values((
                notes::id.eq(id),
                notes::action_id.eq(action.parse::<uuid::Uuid>().unwrap()),
                notes::date.eq(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()),
                notes::text.eq(format!("Note {}", self.next())),
                notes::author_id.eq(author.parse::<uuid::Uuid>().unwrap()),
            ))
            .execute(&mut self.app.db.conn())
            .expect("world: note");
        id.to_string()
    }

    /// A live refresh token of `login_email` (refresh tokens are single-use).
    pub async fn fresh_refresh_token(&self) -> String {
        let response = self
            .app
            .anonymous()
            .post(
                "/api/v1/auth/login",
                &json!({"email": self.login_email, "password": TEST_PASSWORD}),
            )
            .await;
        assert_eq!(response.status, 200, "world: login: {}", response.text);
        response.body["refresh_token"]
            .as_str()
            .expect("a refresh token")
            .to_string()
    }
}

async fn axis(app: &TestApp, convention: &str, number: u32) -> String {
    let response = app
        .post(
            &format!("/api/v1/conventions/{convention}/axes"),
            &json!({"number": number, "title": format!("Axe {number}")}),
        )
        .await;
    id(&response, "axis")
}

async fn objective(app: &TestApp, axis: &str, number: u32) -> String {
    let response = app
        .post(
            &format!("/api/v1/axes/{axis}/objectives"),
            &json!({"number": number, "title": format!("Objectif {number}")}),
        )
        .await;
    id(&response, "objective")
}

async fn action(app: &TestApp, objective: &str, number: u32, pilot: &str) -> String {
    let response = app
        .post(
            &format!("/api/v1/objectives/{objective}/actions"),
            &json!({"number": number, "title": format!("Fiche {number}"), "pilots": [{"partner_id": pilot}]}),
        )
        .await;
    id(&response, "action")
}

async fn indicator(app: &TestApp, action: &str, n: u32) -> String {
    let response = app
        .post(
            &format!("/api/v1/actions/{action}/indicators"),
            &json!({"type": "realisation", "label": format!("Indicateur {n}"), "kind": "count"}),
        )
        .await;
    id(&response, "indicator")
}

/// A monthly count indicator of `action`, inserted directly (any definition will do).
fn insert_indicator(app: &TestApp, action: &str) -> String {
    use ctg::db::schema::indicators;
    use diesel::prelude::*;
    let id = uuid::Uuid::now_v7();
    diesel::insert_into(indicators::table)
        .values((
            indicators::id.eq(id),
            indicators::action_id.eq(action.parse::<uuid::Uuid>().unwrap()),
            indicators::position.eq(0),
            indicators::type_.eq("realisation"),
            indicators::label.eq("Nombre de familles accueillies"),
            indicators::kind.eq("count"),
            indicators::frequency.eq("monthly"),
        ))
        .execute(&mut app.db.conn())
        .expect("world: indicator");
    id.to_string()
}

/// A measurement of `indicator` for 2026-01 (the matrix's own writes use 2022 to 2025).
async fn measurement(app: &TestApp, indicator: &str) -> String {
    let response = app
        .post(
            &format!("/api/v1/indicators/{indicator}/measurements"),
            &json!({"period": "2026-01", "value": 1}),
        )
        .await;
    id(&response, "measurement")
}

/// The body of `response`, shortened for a failure message.
pub fn excerpt(response: &TestResponse) -> String {
    let text = response.text.replace('\n', " ");
    match text.char_indices().nth(160) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

//! People for tests: users inserted directly (hashing once), signed in through the API, and
//! given roles.

use std::sync::OnceLock;

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{TestApp, TestDb};

/// Every test user's password.
pub const TEST_PASSWORD: &str = "cheval agrafe pile correcte";

fn test_password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| ctg::auth::password::hash_blocking(TEST_PASSWORD).unwrap())
}

/// Inserts a user who signs in with `TEST_PASSWORD`; returns their id.
pub fn insert_user(
    db: &TestDb,
    email: &str,
    name: &str,
    partner_id: Option<&str>,
    is_admin: bool,
) -> String {
    use ctg::db::schema::users;
    let id = Uuid::now_v7();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(id),
            users::email.eq(email),
            users::display_name.eq(name),
            users::password_hash.eq(test_password_hash()),
            users::partner_id.eq(partner_id.map(|p| p.parse::<Uuid>().unwrap())),
            users::is_admin.eq(is_admin),
        ))
        .execute(&mut db.conn())
        .expect("insert a test user");
    id.to_string()
}

/// Gives `user_id` a role in a convention (directly in the database); returns the membership's
/// id.
pub fn grant(
    db: &TestDb,
    convention_id: &str,
    user_id: &str,
    role: &str,
    committee_id: Option<&str>,
) -> String {
    use ctg::db::schema::memberships;
    let id = Uuid::now_v7();
    diesel::insert_into(memberships::table)
        .values((
            memberships::id.eq(id),
            memberships::convention_id.eq(convention_id.parse::<Uuid>().unwrap()),
            memberships::user_id.eq(user_id.parse::<Uuid>().unwrap()),
            memberships::role.eq(role),
            memberships::committee_id.eq(committee_id.map(|c| c.parse::<Uuid>().unwrap())),
        ))
        .execute(&mut db.conn())
        .expect("grant a role");
    id.to_string()
}

/// Signs `email` in with `TEST_PASSWORD`; returns the access token.
pub async fn login(app: &TestApp, email: &str) -> String {
    let response = app
        .anonymous()
        .post(
            "/api/v1/auth/login",
            &json!({"email": email, "password": TEST_PASSWORD}),
        )
        .await;
    assert_eq!(response.status, 200, "login of {email}: {}", response.text);
    response.body["access_token"].as_str().unwrap().to_string()
}

/// A new user with `role` in the convention (and partner, committee when given), signed in:
/// returns (user id, access token).
pub async fn member(
    app: &TestApp,
    convention_id: &str,
    role: &str,
    partner_id: Option<&str>,
    committee_id: Option<&str>,
) -> (String, String) {
    let email = format!("{role}-{}@ctg.test", Uuid::new_v4().simple());
    let id = insert_user(
        &app.db,
        &email,
        &format!("{role} member"),
        partner_id,
        false,
    );
    grant(&app.db, convention_id, &id, role, committee_id);
    let token = login(app, &email).await;
    (id, token)
}

/// An access token signed with the test servers' key, for any user and session.
pub fn forge_token(user_id: &str, session_id: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "iss": "ctg", "aud": "ctg-api", "sub": user_id, "sid": session_id,
        "iat": now, "nbf": now, "exp": now + 600
    });
    let key = jsonwebtoken::EncodingKey::from_secret(super::TEST_JWT_SECRET.as_bytes()).unwrap();
    jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).unwrap()
}

/// How long after a change made in the database (not through the API) `token` is refused:
/// the server learns of it through PostgreSQL's notification. Panics after 5 s.
pub async fn until_refused(app: &TestApp, token: &str) -> std::time::Duration {
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(5) {
        if app.as_user(token).get("/api/v1/me").await.status == 401 {
            return started.elapsed();
        }
        actix_rt::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("the token is still accepted 5 s after the change");
}

//! Demonstration mode (`ctg serve --demo`): users to try the API with, created once.

use diesel::PgConnection;
use uuid::Uuid;

use crate::auth::password::hash_blocking;
use crate::users::model::{NewUser, User};

/// A demo user's login, printed at start.
pub struct DemoLogin {
    pub role: &'static str,
    pub email: &'static str,
    pub password: &'static str,
}

/// Public on purpose: they exist only in demo databases, and are printed at every start.
const DEMO_USERS: &[(&str, &str, &str, &str)] = &[(
    "admin",
    "admin@demo.ctg.invalid",
    "Administratrice de démonstration",
    "demo admin quercy bouriane 2026",
)];

/// Creates the demo users that do not exist yet, and returns every demo login.
pub fn ensure_users(conn: &mut PgConnection) -> anyhow::Result<Vec<DemoLogin>> {
    let mut logins = Vec::new();
    for (role, email, name, password) in DEMO_USERS {
        if User::find_by_email(conn, email)?.is_none() {
            User::insert(
                conn,
                &NewUser {
                    id: Uuid::now_v7(),
                    email: (*email).into(),
                    display_name: (*name).into(),
                    password_hash: Some(
                        hash_blocking(password).map_err(|e| anyhow::anyhow!("{e}"))?,
                    ),
                    partner_id: None,
                    is_admin: *role == "admin",
                    active: true,
                },
            )?;
        }
        logins.push(DemoLogin {
            role,
            email,
            password,
        });
    }
    Ok(logins)
}

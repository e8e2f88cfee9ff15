//! Demonstration mode (`ctg serve --demo`): the real plan of the CTG Quercy Bouriane 2022-2026
//! loaded into an empty database, and one user per role to try the API with.

use anyhow::Context;
use diesel::{Connection, PgConnection};
use uuid::Uuid;

use crate::audit::{Audit, EntityType};
use crate::auth::password::hash_blocking;
use crate::domain::Role;
use crate::error::ApiError;
use crate::exchange::format::ExchangeDocument;
use crate::exchange::{import, model};
use crate::http::page::Page;
use crate::memberships::dto::MembershipOut;
use crate::memberships::model::{Membership, MembershipFilter, NewMembership};
use crate::users::dto::{UserAudit, UserCreate};
use crate::users::model::User;

/// The demo plan, in the exchange format (`demo/README.md` tells how it was made). Embedded, so
/// that the binary needs nothing beside it.
pub const DEMO_PLAN: &str = include_str!("../../demo/ctg-quercy-bouriane-2022-2026.json");

/// A demo user's login, printed at start.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// `admin`, or the role the user holds in the demo convention.
    pub role: &'static str,
    pub email: &'static str,
    pub password: &'static str,
}

/// What `prepare` found or did.
#[derive(Debug)]
pub struct Demo {
    /// The demo convention, when the database holds it.
    pub convention_id: Option<Uuid>,
    pub plan_name: String,
    /// Whether this start loaded it.
    pub imported: bool,
    pub logins: Vec<DemoLogin>,
}

/// One demo user: who they are and what they hold in the demo convention.
struct DemoUser {
    role: &'static str,
    email: &'static str,
    name: &'static str,
    /// Public on purpose: they exist only in demo databases and are printed at every start.
    password: &'static str,
    /// The user's organisation, by its ref in the demo document.
    partner: Option<&'static str>,
    membership: Option<Role>,
    /// The thematic committee of a `committee` role, by its ref in the demo document.
    committee: Option<&'static str>,
}

const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        role: "admin",
        email: "admin@demo.ctg.invalid",
        name: "Administratrice de démonstration",
        password: "demo admin quercy bouriane 2026",
        partner: None,
        membership: None,
        committee: None,
    },
    DemoUser {
        role: "coordinator",
        email: "coordination@demo.ctg.invalid",
        name: "Chargée de coopération CTG (démo)",
        password: "demo lavande pigeonnier causse 2026",
        partner: Some("ccqb"),
        membership: Some(Role::Coordinator),
        committee: None,
    },
    DemoUser {
        role: "copil",
        email: "copil@demo.ctg.invalid",
        name: "Membre du COPIL (démo)",
        password: "demo noyer gariotte dolmen 2026",
        partner: Some("caf-lot"),
        membership: Some(Role::Copil),
        committee: None,
    },
    DemoUser {
        role: "committee",
        email: "comite-jeunesse@demo.ctg.invalid",
        name: "Membre du comité technique jeunesse (démo)",
        password: "demo truffe lavoir falaise 2026",
        partner: None,
        membership: Some(Role::Committee),
        committee: Some("comite-jeunesse"),
    },
    DemoUser {
        role: "pilot",
        email: "pilote-mission-locale@demo.ctg.invalid",
        name: "Référente de la Mission Locale (démo)",
        password: "demo cabecou moulin bastide 2026",
        partner: Some("mission-locale"),
        membership: Some(Role::Pilot),
        committee: None,
    },
    DemoUser {
        role: "pilot",
        email: "pilote-mjc@demo.ctg.invalid",
        name: "Référente famille de la MJC (démo)",
        password: "demo gabarre pech cazelle 2026",
        partner: Some("mjc-gourdon"),
        membership: Some(Role::Pilot),
        committee: None,
    },
    DemoUser {
        role: "viewer",
        email: "lecture@demo.ctg.invalid",
        name: "Lecteur (démo)",
        password: "demo phosphate vigne coteau 2026",
        partner: None,
        membership: Some(Role::Viewer),
        committee: None,
    },
    DemoUser {
        role: "reporting",
        email: "reporting@demo.ctg.invalid",
        name: "Client de reporting de la Caf (démo)",
        password: "demo borie cingle igue 2026",
        partner: Some("caf-lot"),
        membership: Some(Role::Reporting),
        committee: None,
    },
];

/// The embedded demo document.
pub fn demo_document() -> ExchangeDocument {
    crate::http::json::parse(DEMO_PLAN.as_bytes()).expect("the embedded demo plan is valid")
}

/// Loads the demo plan into a database without any convention (elsewhere, finds it by name and
/// territory and loads nothing), then creates the demo users that do not exist yet and gives
/// each their role in the demo convention. Returns every demo login.
pub fn prepare(conn: &mut PgConnection) -> anyhow::Result<Demo> {
    let document = demo_document();
    let plan_name = document.convention.name.clone();
    let (convention_id, imported) = conn
        .transaction(|conn| -> Result<_, ApiError> {
            // Two demo servers starting on one empty database load the plan once.
            model::lock_demo_setup(conn)?;
            if model::any_convention(conn)? {
                let found = model::convention_named(
                    conn,
                    &document.convention.name,
                    &document.convention.territory,
                )?;
                return Ok((found, false));
            }
            let imported = import::import(conn, document, None, crate::time::today())?;
            Ok((Some(imported.convention.id), true))
        })
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("cannot load the demo plan")?;
    if convention_id.is_none() {
        tracing::warn!(
            "the database holds conventions but not the demo plan: demo users get no role"
        );
    }
    let mut logins = Vec::with_capacity(DEMO_USERS.len());
    for user in DEMO_USERS {
        conn.transaction(|conn| ensure_user(conn, user, convention_id))
            .with_context(|| format!("cannot create the demo user {}", user.email))?;
        logins.push(DemoLogin {
            role: user.role,
            email: user.email,
            password: user.password,
        });
    }
    Ok(Demo {
        convention_id,
        plan_name,
        imported,
        logins,
    })
}

/// Creates the user if missing (with the API's rules: the password passes the policy), and
/// gives them their role in the demo convention if they lack it.
fn ensure_user(
    conn: &mut PgConnection,
    user: &DemoUser,
    convention_id: Option<Uuid>,
) -> anyhow::Result<()> {
    let partner_id = match (user.partner, convention_id) {
        (Some(reference), Some(convention)) => model::partner_by_ref(conn, convention, reference)?,
        _ => None,
    };
    let user_id = match User::find_by_email(conn, user.email)? {
        Some(existing) => existing.id,
        None => {
            let (mut new, password) = UserCreate {
                email: user.email.into(),
                display_name: user.name.into(),
                password: user.password.into(),
                partner_id,
                is_admin: user.role == "admin",
                active: true,
            }
            .parse()
            .map_err(|invalid| anyhow::anyhow!("{:?}", invalid.0))?;
            new.password_hash = Some(hash_blocking(password.expose())?);
            let created = User::insert(conn, &new)?;
            Audit::anonymous()
                .created(
                    conn,
                    None,
                    EntityType::User,
                    created.id,
                    &UserAudit::from(created.clone()),
                )
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            created.id
        }
    };
    let (Some(role), Some(convention_id)) = (user.membership, convention_id) else {
        return Ok(());
    };
    let committee_id = match user.committee {
        Some(reference) => match model::committee_by_ref(conn, convention_id, reference)? {
            Some(id) => Some(id),
            None => {
                tracing::warn!(reference, "demo committee not found: no committee role");
                return Ok(());
            }
        },
        None => None,
    };
    let filter = MembershipFilter {
        role: Some(role),
        user_id: Some(user_id),
        committee_id,
    };
    let one = Page {
        limit: 1,
        offset: 0,
    };
    let (_, held) = Membership::list(conn, convention_id, &filter, one)?;
    if held > 0 {
        return Ok(());
    }
    let membership = Membership::insert(
        conn,
        &NewMembership {
            id: Uuid::now_v7(),
            convention_id,
            user_id,
            role,
            committee_id,
        },
    )?;
    let out = MembershipOut::from(membership.with_user(conn)?);
    Audit::anonymous()
        .created(
            conn,
            Some(convention_id),
            EntityType::Membership,
            out.id,
            &out,
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::dto::parse_password;

    #[test]
    fn demo_passwords_pass_the_policy() {
        for user in DEMO_USERS {
            assert!(
                parse_password(user.password.into(), user.email, user.name).is_ok(),
                "{}",
                user.email
            );
        }
    }

    #[test]
    fn the_embedded_plan_is_a_valid_document() {
        let document = demo_document();
        assert_eq!(document.axes.len(), 5);
    }
}

//! `ctg user create`: users (the first administrator above all) from the command line, with the
//! same rules as the API.

use anyhow::{bail, Context};
use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::dto::{UserAudit, UserCreate};
use super::model::User;
use crate::audit::{Audit, EntityType};
use crate::auth::password::hash_blocking;
use crate::config::Settings;
use crate::db::embedded::EmbeddedPostgres;
use crate::domain::{Email, Invalid, Title};

/// The environment variable holding the new user's password (prompted for when unset).
pub const PASSWORD_VAR: &str = "CTG_PASSWORD";

/// Who to create.
#[derive(Debug, Clone)]
pub struct CreateUser {
    pub email: String,
    pub name: String,
    pub admin: bool,
}

/// Creates the user on the configured database (the embedded one when `DATABASE_URL` is unset)
/// and returns their id. The password comes from `CTG_PASSWORD`, else from the terminal.
pub fn create_user(settings: &Settings, args: CreateUser) -> anyhow::Result<Uuid> {
    // Checked before asking for a password, so that a typo costs nothing.
    Email::parse(args.email.clone()).map_err(|e| anyhow::anyhow!("--email {e}"))?;
    Title::parse(args.name.clone()).map_err(|e| anyhow::anyhow!("--name {e}"))?;
    let password = read_password()?;
    let (mut new, password) = UserCreate {
        email: args.email,
        display_name: args.name,
        password,
        partner_id: None,
        is_admin: args.admin,
        active: true,
    }
    .parse()
    .map_err(describe)?;
    new.password_hash = Some(hash_blocking(password.expose())?);

    with_database(settings, |url| {
        let mut conn = PgConnection::establish(url).context("cannot connect to the database")?;
        conn.transaction(|conn| {
            if User::email_taken(conn, &new.email, None)? {
                bail!("a user with the e-mail {} already exists", new.email);
            }
            let created = User::insert(conn, &new)?;
            // No actor: the command line acts for whoever runs it on the server.
            let audited = UserAudit::from(created.clone());
            Audit::anonymous().created(conn, None, EntityType::User, created.id, &audited)?;
            Ok(created.id)
        })
    })
}

fn read_password() -> anyhow::Result<String> {
    if let Some(password) = std::env::var(PASSWORD_VAR).ok().filter(|p| !p.is_empty()) {
        return Ok(password);
    }
    let prompt_failed =
        || format!("cannot read a password from the terminal: set {PASSWORD_VAR} instead");
    let first = rpassword::prompt_password("Password: ").with_context(prompt_failed)?;
    let second = rpassword::prompt_password("Password (again): ").with_context(prompt_failed)?;
    if first != second {
        bail!("the two passwords differ");
    }
    Ok(first)
}

/// `email: must be an e-mail address; password: …`, naming the flag where there is one.
fn describe(invalid: Invalid) -> anyhow::Error {
    let fields: Vec<String> = invalid
        .0
        .iter()
        .map(|e| {
            let field = match e.field.as_str() {
                "email" => "--email",
                "display_name" => "--name",
                "password" => "the password",
                other => other,
            };
            format!("{field} {}", e.message)
        })
        .collect();
    anyhow::anyhow!("{}", fields.join("; "))
}

/// Runs `work` on the database URL, migrated; an embedded cluster started for it is stopped
/// afterwards (one that was already running, for a server, is left running).
fn with_database<T>(
    settings: &Settings,
    work: impl FnOnce(&str) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    if let Some(url) = &settings.database_url {
        crate::serve::migrate(&url.0)?;
        return work(&url.0);
    }
    let was_running = EmbeddedPostgres::is_running(&settings.data_dir)?;
    let cluster = EmbeddedPostgres::start(&settings.data_dir)?;
    let result =
        crate::serve::migrate(cluster.database_url()).and_then(|_| work(cluster.database_url()));
    if !was_running {
        EmbeddedPostgres::stop(&settings.data_dir)?;
    }
    result
}

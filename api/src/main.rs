//! The `ctg` command line. Everything it does is a library call, so that it can be tested.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use ctg::config::{LogFormat, Settings};
use ctg::db::embedded::EmbeddedPostgres;

/// glibc's allocator keeps what it freed: argon2's 19 MiB blocks and the blocking threads'
/// arenas left a server that had signed people in at 1.5-3 GiB of RSS. mimalloc did better but
/// kept freed pages of threads that went idle (its purge delay is read from the environment
/// only). jemalloc, with the settings of `.cargo/config.toml` (two arenas, a background thread
/// that returns freed pages within a second), held the benchmark's server at a third of
/// mimalloc's peak (bench/README.md, "What the profiles showed").
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "ctg",
    version,
    about = "Steering a Convention Territoriale Globale (CTG)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (on the embedded PostgreSQL when DATABASE_URL is unset).
    Serve {
        /// Demonstration mode: creates one demo user per role and prints their logins; a
        /// random token key is used when CTG_JWT_SECRET is unset.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending migrations to the database.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Create a convention from a document in the exchange format (JSON); print its id.
    Import {
        /// The document (see openapi/convention-exchange.schema.json).
        file: PathBuf,
    },
    /// Print a convention in the exchange format.
    Export {
        /// The convention's id.
        convention_id: uuid::Uuid,
    },
    /// Print the JSON Schema of the exchange format.
    #[command(hide = true)]
    ExchangeSchema,
    /// Manage users.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Manage a private PostgreSQL cluster (used by scripts/test).
    #[command(hide = true)]
    Pg {
        #[command(subcommand)]
        action: PgAction,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create a user and print their id; the password comes from CTG_PASSWORD, else is
    /// prompted for twice.
    Create {
        #[arg(long)]
        email: String,
        /// The display name.
        #[arg(long)]
        name: String,
        /// Make the user a platform administrator.
        #[arg(long)]
        admin: bool,
    },
}

#[derive(Subcommand)]
enum PgAction {
    /// Start the cluster under DIR (creating it if needed); print `DATABASE_URL=<admin url>`.
    Start {
        #[arg(long)]
        data_dir: PathBuf,
    },
    /// Stop the cluster under DIR.
    Stop {
        #[arg(long)]
        data_dir: PathBuf,
    },
}

fn main() -> std::process::ExitCode {
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // The causes in one line, for a person: no backtrace.
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Openapi => {
            print!("{}", ctg::openapi::document_text());
            Ok(())
        }
        Command::ExchangeSchema => {
            print!("{}", ctg::exchange::schema::document_text());
            Ok(())
        }
        Command::Import { file } => {
            let settings = Settings::from_env()?;
            init_logging(settings.log_format);
            println!("{}", ctg::exchange::cli::import_file(&settings, &file)?);
            Ok(())
        }
        Command::Export { convention_id } => {
            let settings = Settings::from_env()?;
            init_logging(settings.log_format);
            print!(
                "{}",
                ctg::exchange::cli::export_convention(&settings, convention_id)?
            );
            Ok(())
        }
        Command::Pg { action } => match action {
            PgAction::Start { data_dir } => {
                let cluster = EmbeddedPostgres::start(&data_dir)?;
                println!("DATABASE_URL={}", cluster.admin_url());
                Ok(())
            }
            PgAction::Stop { data_dir } => Ok(EmbeddedPostgres::stop(&data_dir)?),
        },
        Command::Migrate => {
            let settings = Settings::from_env()?;
            init_logging(settings.log_format);
            let url = settings
                .database_url
                .context("DATABASE_URL must name the database to migrate")?;
            let applied = ctg::serve::migrate(&url.0)?;
            tracing::info!(count = applied.len(), ?applied, "migrations applied");
            Ok(())
        }
        Command::User {
            action: UserAction::Create { email, name, admin },
        } => {
            let settings = Settings::from_env()?;
            init_logging(settings.log_format);
            let args = ctg::users::cli::CreateUser { email, name, admin };
            println!("{}", ctg::users::cli::create_user(&settings, args)?);
            Ok(())
        }
        Command::Serve { demo } => {
            let settings = Settings::from_env()?;
            init_logging(settings.log_format);
            ctg::serve::serve(settings, demo)
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A request's span closing is its access-log line: method, route, status, request id and
    // duration (tracing-actix-web's root span), never headers or bodies.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        LogFormat::Text => builder.init(),
    }
}

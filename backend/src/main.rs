//! `oms`: the order management system server and its admin commands.

use std::process::ExitCode;

use backend::config::Config;
use clap::{Parser, Subcommand};

/// mimalloc instead of glibc's malloc: allocation was 12-21% of the CPU of
/// a request (README, Benchmark).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "oms",
    version,
    about = "Order management system: server and admin commands"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default): migrate, seed on first start, serve.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load data into the database.
    Seed {
        /// The demo data set (channels, warehouses, products, one account per role).
        #[arg(long)]
        demo: bool,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account with a role.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        /// customer, support, warehouse, finance or admin.
        #[arg(long)]
        role: String,
        /// Display name (defaults to the part of the email before @).
        #[arg(long)]
        name: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Schema = command {
        print!("{}", backend::graphql::schema::sdl());
        return ExitCode::SUCCESS;
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: bad configuration: {e}");
            return ExitCode::from(2);
        }
    };
    backend::telemetry::init(&config.log);
    let result = actix_web::rt::System::new().block_on(run(command, config));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    use backend::startup;
    match command {
        Command::Serve => startup::serve(config).await,
        Command::Migrate => {
            startup::connect_and_migrate(&config).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Seed { demo } => {
            if !demo {
                anyhow::bail!("nothing to seed: pass --demo");
            }
            let state = startup::build_state(config).await?;
            if backend::services::seed::seed_if_empty(&state)
                .await
                .map_err(|e| anyhow::anyhow!(e.describe()))?
            {
                println!("demo data seeded");
            } else {
                println!("database already has users; demo data not added");
            }
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    password,
                    role,
                    name,
                },
        } => {
            let Some(role) = backend::domain::auth::Role::parse(&role) else {
                anyhow::bail!("--role: expected customer, support, warehouse, finance or admin");
            };
            let name =
                name.unwrap_or_else(|| email.split('@').next().unwrap_or("user").to_string());
            let state = startup::build_state(config).await?;
            let user = backend::services::users::create_user_unchecked(
                &state, &email, &password, &name, role, false,
            )
            .await
            .map_err(|e| anyhow::anyhow!(e.describe()))?;
            println!("created {} ({})", user.email, user.role.as_str());
            Ok(())
        }
        Command::Schema => Ok(()),
    }
}

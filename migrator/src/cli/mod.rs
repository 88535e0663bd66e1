//! The `strata` CLI: argument parsing and dispatch. Each subcommand lives in its own file
//! (`up.rs`, `status.rs`, …). Thin: read the files with the analyzer, let the extension lock, plan
//! and record.

mod dev;
mod diff;
mod drift;
mod explain;
mod git;
mod init;
mod lock;
mod resolve;
mod status;
mod test;
mod up;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use strata_analyzer::MigrationSet;

use crate::migrate::{Migration, Migrator};

#[derive(Parser)]
#[command(name = "strata", version, about = "PostgreSQL migrations with the ledger in the database")]
struct Cli {
    /// Connection string (postgres://user:pass@host/db or "host=... dbname=...").
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,
    /// Directory holding <version>_<name>.up.sql files.
    #[arg(long, default_value = "migrations", global = true)]
    dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations in order, each in its own transaction with its history row.
    Up {
        /// Seconds to wait for another runner's lease.
        #[arg(long, default_value_t = 60)]
        lock_timeout: u64,
        /// Seconds the lease outlives this runner's last heartbeat (a crashed runner's lease is
        /// free after at most this long).
        #[arg(long, default_value_t = 60)]
        lease_ttl: u64,
    },
    /// List applied and pending migrations; exits 1 if files and history disagree.
    Status,
    /// The migration lease: `strata lock break --why TEXT`.
    Lock {
        #[command(subcommand)]
        command: lock::LockCommand,
    },
    /// Record a DBA's decision on the statement in doubt of an unfinished no-transaction migration.
    Resolve(resolve::ResolveArgs),
    /// Install (or upgrade) the strata objects as plain SQL, for servers where CREATE EXTENSION
    /// strata is impossible (managed Postgres); run it as the database owner.
    Init,
    /// Prove the migrations in a throwaway database: up, down (schema restored exactly?), up again,
    /// then every down back to empty; exits 1 on any error.
    Test(test::Args),
    /// Start a throwaway local Postgres (initdb, a free port), apply the migrations, print its URL.
    Dev(dev::Args),
    /// The schema change since a git ref, for review (markdown or JSON); with a database URL also
    /// from real snapshots of both.
    Diff(diff::Args),
    /// Check query plans on seeded data in a throwaway database: sequential scans on big tables,
    /// missing expected indexes, cost budgets; exits 1 on a flagged query.
    Explain(explain::Args),
    /// Compare the live schema with the latest snapshot and with what the migration files produce;
    /// exits 3 on drift, with the differences.
    Drift(drift::Args),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("strata: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    let url = cli.database_url.as_deref();
    // Commands that make their own databases.
    match &cli.command {
        Command::Test(args) => return test::run(&cli.dir, url, args),
        Command::Dev(args) => return dev::run(&cli.dir, args),
        Command::Diff(args) => return diff::run(&cli.dir, url, args),
        Command::Explain(args) => return explain::run(&cli.dir, url, args),
        _ => {}
    }
    let config = config(url)?;
    // Commands that need no migration files.
    match &cli.command {
        Command::Lock { command } => return lock::run(&mut connect(&config)?, command),
        Command::Init => return init::run(&mut connect(&config)?),
        _ => {}
    }
    let (migrator, files) = load(&cli.dir)?;
    let mut client = connect(&config)?;
    match cli.command {
        Command::Up { lock_timeout, lease_ttl } => {
            let migrator = migrator
                .lock_timeout(Duration::from_secs(lock_timeout))
                .lease_ttl(Duration::from_secs(lease_ttl.max(1)))
                .heartbeat(config);
            up::run(&mut client, migrator, &files)
        }
        Command::Status => status::run(&mut client, &migrator, &files),
        Command::Resolve(args) => resolve::run(&mut client, &migrator, &args),
        Command::Drift(args) => drift::run(&mut client, &cli.dir, &args),
        Command::Lock { .. }
        | Command::Init
        | Command::Test(_)
        | Command::Dev(_)
        | Command::Diff(_)
        | Command::Explain(_) => unreachable!("handled above"),
    }
}

fn config(url: Option<&str>) -> Result<postgres::Config, String> {
    let url = url.ok_or(NO_DATABASE)?;
    let mut config: postgres::Config = url.parse().map_err(|e| {
        format!("cannot read the connection string: {e}\n  hint: check DATABASE_URL / --database-url")
    })?;
    if config.get_application_name().is_none() {
        config.application_name("strata");
    }
    Ok(config)
}

fn connect(config: &postgres::Config) -> Result<postgres::Client, String> {
    config.connect(postgres::NoTls).map_err(|e| {
        format!(
            "cannot connect to the database: {}\n  hint: check DATABASE_URL / --database-url",
            crate::migrate::describe(&e)
        )
    })
}

const NO_DATABASE: &str = "no database given: set DATABASE_URL or pass --database-url";

/// Reads and parses every migration file; all problems are printed, none applied.
fn load(dir: &Path) -> Result<(Migrator, Files), String> {
    let set = load_set(dir)?;
    let files = set.migrations.iter().map(|m| (m.version, m.up.path.clone())).collect();
    let migrations = set
        .migrations
        .iter()
        .map(|m| Migration {
            version: m.version,
            name: Cow::Owned(m.name.clone()),
            sql: Cow::Owned(m.up.text.clone()),
            checksum: m.checksum,
            transactional: !m.directives.no_transaction,
            statements: m.up.statements.iter().map(|s| Cow::Owned(s.text(&m.up.text).to_string())).collect(),
        })
        .collect();
    Ok((Migrator::new(migrations), files))
}

/// The migration files, parsed; every problem in one message.
fn load_set(dir: &Path) -> Result<MigrationSet, String> {
    MigrationSet::load(dir).map_err(|errors| {
        let mut text = format!("{} problem(s) in {}:", errors.len(), dir.display());
        for e in errors {
            text.push_str(&format!("\n{e}"));
        }
        text.push_str("\nnothing was applied");
        text
    })
}

/// The up file of each version, for messages.
pub(crate) type Files = HashMap<i64, PathBuf>;

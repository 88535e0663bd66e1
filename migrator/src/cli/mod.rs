//! The `strata` CLI: argument parsing and dispatch. Each subcommand lives in its own file
//! (`up.rs`, `status.rs`, …). Thin: read the files with the analyzer, let the extension lock, plan
//! and record.

mod dev;
mod diff;
mod explain;
mod git;
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
        /// Seconds to wait for another runner's lock.
        #[arg(long, default_value_t = 60)]
        lock_timeout: u64,
    },
    /// List applied and pending migrations; exits 1 if files and history disagree.
    Status,
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
    match &cli.command {
        // Commands that make their own databases.
        Command::Test(args) => test::run(&cli.dir, url, args),
        Command::Dev(args) => dev::run(&cli.dir, args),
        Command::Diff(args) => diff::run(&cli.dir, url, args),
        Command::Explain(args) => explain::run(&cli.dir, url, args),
        Command::Up { lock_timeout } => {
            let (migrator, files) = load(&cli.dir)?;
            let timeout = Duration::from_secs(*lock_timeout);
            up::run(&mut connect(url)?, migrator.lock_timeout(timeout), &files)
        }
        Command::Status => {
            let (migrator, _) = load(&cli.dir)?;
            status::run(&mut connect(url)?, &migrator)
        }
    }
}

fn connect(url: Option<&str>) -> Result<postgres::Client, String> {
    let url = url.ok_or(NO_DATABASE)?;
    postgres::Client::connect(url, postgres::NoTls).map_err(|e| {
        format!("cannot connect to the database: {e}\n  hint: check DATABASE_URL / --database-url")
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

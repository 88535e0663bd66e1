//! The `strata` CLI: argument parsing and dispatch. Each subcommand lives in its own file
//! (`up.rs`, `status.rs`, …). Thin: read the files with the analyzer, let the extension lock, plan
//! and record.

mod describe;
mod status;
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
    /// Parameters and columns of each query in FILE (sqlc `-- name: X` blocks; `-` for stdin),
    /// typed against the migrations without a database; exits 1 on any error.
    Describe {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        file: PathBuf,
    },
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
    if let Command::Describe { json, file } = &cli.command {
        return describe::run(&cli.dir, file, *json);
    }
    let (migrator, files) = load(&cli.dir)?;
    let url = cli.database_url.ok_or("no database given: set DATABASE_URL or pass --database-url")?;
    let mut client = postgres::Client::connect(&url, postgres::NoTls).map_err(|e| {
        format!("cannot connect to the database: {e}\n  hint: check DATABASE_URL / --database-url")
    })?;
    match cli.command {
        Command::Up { lock_timeout } => {
            up::run(&mut client, migrator.lock_timeout(Duration::from_secs(lock_timeout)), &files)
        }
        Command::Status => status::run(&mut client, &migrator),
        Command::Describe { .. } => unreachable!("handled before connecting"),
    }
}

/// Reads and parses every migration file; all problems are printed, none applied.
fn load(dir: &Path) -> Result<(Migrator, Files), String> {
    let set = MigrationSet::load(dir).map_err(|errors| {
        let mut text = format!("{} problem(s) in {}:", errors.len(), dir.display());
        for e in errors {
            text.push_str(&format!("\n{e}"));
        }
        text.push_str("\nnothing was applied");
        text
    })?;
    // A broken down file does not stop `up`: say so, and go on.
    for warning in &set.warnings {
        eprintln!("{warning}");
    }
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

/// The up file of each version, for messages.
pub(crate) type Files = HashMap<i64, PathBuf>;

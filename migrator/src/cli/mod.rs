//! The `strata` CLI: argument parsing and dispatch. Each subcommand lives in its own file
//! (`up.rs`, `status.rs`, …). Thin: read the files with the analyzer, let the extension lock, plan
//! and record.

mod describe;
mod schema;
mod check;
mod dry_run;
mod lint;
mod new;
mod status;
mod up;
mod validate;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use strata_analyzer::MigrationSet;

use crate::migrate::{Migration, Migrator};
use crate::report::{Finding, Format};

/// Exit codes: 0 up to date / no problem, 1 a problem (errors found, refused, failed), 2 bad
/// usage (clap's), 3 pending migrations (`status`, `up --dry-run`).
pub(crate) mod exit {
    pub const PROBLEM: u8 = 1;
    pub const PENDING: u8 = 3;
}

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
        /// Apply nothing: show each pending statement's locks, rewrites, scans, table sizes and timeouts.
        #[arg(long)]
        dry_run: bool,
        /// With --dry-run: one JSON document.
        #[arg(long, requires = "dry_run")]
        json: bool,
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
    /// The schema the migrations build, replayed without a database; --unsupported lists the
    /// statements the analyzer could not model, with file:line:col.
    Schema {
        #[arg(long)]
        unsupported: bool,
    },
    /// List applied and pending migrations. Exits 0 when up to date, 3 when migrations are
    /// pending, 1 when files and history disagree.
    Status {
        /// One JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Create <timestamp>_NAME.up.sql and .down.sql with the next UTC timestamp version.
    New {
        name: String,
        /// Start the up file with -- strata:no-transaction.
        #[arg(long)]
        no_transaction: bool,
    },
    /// Check the migration files (and, with a database, that they agree with its history).
    Validate {
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[arg(long)]
        json: bool,
    },
    /// Lock-hazard rules over migrations, with the schema replayed from all earlier ones.
    Lint(lint::LintArgs),
    /// The CI gate: validate + lint (+ the plan when connected); non-zero exit on any error.
    Check(lint::LintArgs),
}

pub fn main() -> ExitCode {
    crate::connect::load_dotenv(Path::new(".env"));
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
    if let Command::Schema { unsupported } = &cli.command {
        return schema::run(&cli.dir, *unsupported);
    let url = cli.database_url.as_deref();
    match &cli.command {
        Command::New { name, no_transaction } => return new::run(&cli.dir, name, *no_transaction),
        Command::Validate { format, json } => {
            return validate::run(&cli.dir, url, if *json { Format::Json } else { *format })
        }
        Command::Lint(args) => return lint::run(&cli.dir, url, args),
        Command::Check(args) => return check::run(&cli.dir, url, args),
        _ => {}
    }
    let (migrator, files) = load(&cli.dir)?;
    let url = url.ok_or("no database given: set DATABASE_URL or pass --database-url")?;
    let mut client = crate::connect::connect(url)?;
    match cli.command {
        Command::Up { dry_run: true, json, .. } => {
            let set = load_set(&cli.dir).map_err(|_| "the migrations do not load".to_string())?;
            dry_run::run(&mut client, &set, json)
        }
        Command::Up { lock_timeout, .. } => {
            up::run(&mut client, migrator.lock_timeout(Duration::from_secs(lock_timeout)), &files)
        }
        Command::Status => status::run(&mut client, &migrator),
        Command::Describe { .. } | Command::Schema { .. } => unreachable!("handled before connecting"),
        Command::Status { json } => status::run(&mut client, &migrator, json),
        _ => unreachable!("handled above"),
    }
}

/// The migration set, or its problems as findings.
pub(crate) fn load_set(dir: &Path) -> Result<MigrationSet, Vec<Finding>> {
    MigrationSet::load(dir)
        .map_err(|errors| errors.iter().map(|d| Finding::from_diagnostic("validate", d)).collect())
}

pub(crate) fn migrator_of(set: &MigrationSet) -> Migrator {
    Migrator::new(migrations_of(set))
}

fn migrations_of(set: &MigrationSet) -> Vec<Migration> {
    set.migrations
        .iter()
        .map(|m| Migration {
            version: m.version,
            name: Cow::Owned(m.name.clone()),
            sql: Cow::Owned(m.up.text.clone()),
            checksum: m.checksum,
            transactional: !m.directives.no_transaction,
            statements: m.up.statements.iter().map(|s| Cow::Owned(s.text(&m.up.text).to_string())).collect(),
        })
        .collect()
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
    Ok((Migrator::new(migrations_of(&set)), files))
}

/// The up file of each version, for messages.
pub(crate) type Files = HashMap<i64, PathBuf>;

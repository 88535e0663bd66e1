//! The `strata` CLI: argument parsing and dispatch. Each subcommand lives in its own file
//! (`up.rs`, `status.rs`, …). Thin: read the files with the analyzer, let the extension lock, plan
//! and record.

mod check;
mod describe;
mod dev;
mod diff;
mod down;
mod drift;
mod dry_run;
mod explain;
mod git;
mod init;
mod lint;
mod lock;
mod new;
mod observe;
mod prepare;
mod resolve;
mod run_args;
mod schema;
mod status;
mod test;
mod trace;
mod up;
mod validate;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use strata_analyzer::MigrationSet;

use crate::connect::Target;
use crate::migrate::{DownTo, Migration, Migrator};
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
        #[command(flatten)]
        run: run_args::RunArgs,
        /// Apply nothing: show each pending statement's locks, rewrites, scans, table sizes and timeouts.
        #[arg(long)]
        dry_run: bool,
        /// Run the pending migrations in a throwaway database (the applied ones first) and compare
        /// the locks and rewrites each statement really takes with the lint's prediction; exits 1
        /// where they differ. Applies nothing here.
        #[arg(long, conflicts_with = "dry_run")]
        trace: bool,
        /// With --dry-run or --trace: one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Revert the newest applied migration (or more) with its down file, each in its own
    /// transaction with its ledger event; refuses before reverting anything where a down file is
    /// missing or files and history disagree.
    Down {
        #[command(flatten)]
        run: run_args::RunArgs,
        /// Revert every applied migration newer than this version (0: all of them).
        #[arg(long, conflicts_with = "steps")]
        to: Option<i64>,
        /// Revert the newest N applied migrations (default 1).
        #[arg(long)]
        steps: Option<usize>,
    },
    /// List applied and pending migrations. Exits 0 when up to date, 3 when migrations are
    /// pending, 1 when files and history disagree or the ledger was changed outside the API.
    Status {
        /// One JSON document.
        #[arg(long)]
        json: bool,
    },
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
    /// Write sqlx's offline query files (.sqlx/query-*.json) for a crate's sqlx::query! calls,
    /// typed from the migrations with no database: the crate then builds with SQLX_OFFLINE=true.
    Prepare(prepare::Args),
    /// Compare the live schema with the latest snapshot and with what the migration files produce;
    /// exits 3 on drift, with the differences.
    Drift(drift::Args),
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
    let url = cli.database_url.as_deref();
    let dir = &cli.dir;
    // Commands that need no database, or make their own.
    match &cli.command {
        Command::Describe { json, file } => return describe::run(dir, file, *json),
        Command::Schema { unsupported } => return schema::run(dir, *unsupported),
        Command::New { name, no_transaction } => return new::run(dir, name, *no_transaction),
        Command::Validate { format, json } => {
            return validate::run(dir, url, if *json { Format::Json } else { *format })
        }
        Command::Lint(args) => return lint::run(dir, url, args),
        Command::Check(args) => return check::run(dir, url, args),
        Command::Test(args) => return test::run(dir, url, args),
        Command::Dev(args) => return dev::run(dir, args),
        Command::Diff(args) => return diff::run(dir, url, args),
        Command::Explain(args) => return explain::run(dir, url, args),
        Command::Prepare(args) => return prepare::run(dir, args),
        _ => {}
    }
    let target = Target::new(url.ok_or(NO_DATABASE)?)?;
    // Commands that need no migration files.
    match &cli.command {
        Command::Lock { command } => return lock::run(&mut target.connect()?, command),
        Command::Init => return init::run(&mut target.connect()?),
        _ => {}
    }
    let (migrator, files) = load(dir)?;
    let mut client = target.connect()?;
    match cli.command {
        Command::Up { dry_run: true, json, run, .. } => {
            let set = load_set(dir).map_err(|_| "the migrations do not load".to_string())?;
            dry_run::run(&mut client, &set, &run.configure(migrator, target).0, json)
        }
        Command::Up { trace: true, json, .. } => {
            let set = load_set(dir).map_err(|_| "the migrations do not load".to_string())?;
            trace::run(&mut client, url.unwrap_or_default(), &set, &migrator, json)
        }
        Command::Up { json: true, .. } => Err("--json goes with --dry-run or --trace".to_string()),
        Command::Up { run, .. } => up::run(&mut client, run.configure(migrator, target), &files),
        Command::Down { run, to, steps } => {
            let set = load_files(dir)?;
            if let Some(broken) = set.migrations.iter().find_map(|m| m.down_error.as_ref()) {
                return Err(format!("{broken}\nnothing was reverted"));
            }
            let downs = downs_of(&set)?;
            let to = match (to, steps) {
                (Some(v), _) => DownTo::Version(v),
                (None, n) => DownTo::Steps(n.unwrap_or(1)),
            };
            let down_files: Files = set
                .migrations
                .iter()
                .filter_map(|m| Some((m.version, m.down.as_ref()?.path.clone())))
                .collect();
            down::run(&mut client, run.configure(migrator, target), &downs, to, &down_files)
        }
        Command::Status { json } => status::run(&mut client, &migrator, &files, json),
        Command::Resolve(args) => resolve::run(&mut client, &migrator, &args),
        Command::Drift(args) => drift::run(&mut client, dir, &args),
        _ => unreachable!("handled above"),
    }
}

const NO_DATABASE: &str = "no database given: set DATABASE_URL or pass --database-url";

/// The migration set, or its problems as findings.
pub(crate) fn load_set(dir: &Path) -> Result<MigrationSet, Vec<Finding>> {
    MigrationSet::load(dir)
        .map_err(|errors| errors.iter().map(|d| Finding::from_diagnostic("validate", d)).collect())
}

/// The migration set, or every problem in one message.
fn load_files(dir: &Path) -> Result<MigrationSet, String> {
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
    Ok(set)
}

pub(crate) fn migrator_of(set: &MigrationSet) -> Migrator {
    Migrator::new(migrations_of(set))
}

fn migrations_of(set: &MigrationSet) -> Vec<Migration> {
    set.migrations
        .iter()
        .map(|m| Migration {
            allows: allows_of(&m.up.text),
            ..migration_of(m.version, &m.name, &m.up, m.checksum, m.directives)
        })
        .collect()
}

/// One file as the engine runs it: statements, what each locks, its timeouts.
fn migration_of(
    version: i64,
    name: &str,
    file: &strata_analyzer::migration::SqlFile,
    checksum: [u8; 32],
    directives: strata_analyzer::migration::Directives,
) -> Migration {
    Migration {
        version,
        name: Cow::Owned(name.to_string()),
        sql: Cow::Owned(file.text.clone()),
        checksum,
        transactional: !directives.no_transaction,
        statements: file.statements.iter().map(|s| Cow::Owned(s.text(&file.text).to_string())).collect(),
        allows: Cow::Borrowed(&[]),
        locks: strata_analyzer::lint::runtime_locks(file).into_iter().map(statement_lock).collect(),
        timeouts: crate::migrate::Timeouts {
            lock: directives.lock_timeout,
            statement: directives.statement_timeout,
        },
    }
}

fn statement_lock(l: strata_analyzer::lint::RuntimeLock) -> crate::migrate::StatementLock {
    use crate::migrate::LockMode as M;
    use strata_analyzer::lint::LockMode as A;
    crate::migrate::StatementLock {
        mode: l.mode.map(|m| match m {
            A::AccessShare => M::AccessShare,
            A::RowShare => M::RowShare,
            A::RowExclusive => M::RowExclusive,
            A::ShareUpdateExclusive => M::ShareUpdateExclusive,
            A::Share => M::Share,
            A::ShareRowExclusive => M::ShareRowExclusive,
            A::Exclusive => M::Exclusive,
            A::AccessExclusive => M::AccessExclusive,
        }),
        tables: l.tables.into_iter().map(Cow::Owned).collect(),
        concurrently: l.concurrently,
    }
}

/// The down file of each version that has one, as the engine runs it. A down file's directives
/// are its own (`-- strata:no-transaction`, timeouts); one that does not parse was refused when
/// loading for `down`.
pub(crate) fn downs_of(set: &MigrationSet) -> Result<Vec<Migration>, String> {
    let mut downs = Vec::new();
    for m in &set.migrations {
        let Some(down) = &m.down else { continue };
        let directives = strata_analyzer::migration::parse_directives(&down.text)
            .map_err(|d| d.in_file(&down.path).to_string())?;
        let checksum = strata_analyzer::migration::checksum(&down.text);
        downs.push(migration_of(m.version, &m.name, down, checksum, directives));
    }
    Ok(downs)
}

/// The `-- strata:allow` comments of a migration file, for its ledger row.
fn allows_of(text: &str) -> Cow<'static, [crate::migrate::Allow]> {
    let lines = strata_analyzer::LineIndex::new(text);
    strata_analyzer::lint::allow::parse(text)
        .into_iter()
        .map(|a| crate::migrate::Allow {
            line: u32::try_from(lines.line_column(a.offset).0).unwrap_or(u32::MAX),
            rule: Cow::Owned(a.rule),
            reason: Cow::Owned(a.reason),
        })
        .collect()
}

/// Reads and parses every migration file; all problems are printed, none applied.
fn load(dir: &Path) -> Result<(Migrator, Files), String> {
    let set = load_files(dir)?;
    let files = set.migrations.iter().map(|m| (m.version, m.up.path.clone())).collect();
    Ok((Migrator::new(migrations_of(&set)), files))
}

/// The up file of each version, for messages.
pub(crate) type Files = HashMap<i64, PathBuf>;

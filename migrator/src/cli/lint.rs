//! `strata lint [FILES…|--since REF]`: the hazard rules over migrations, with the schema
//! replayed from every earlier one; with `--database-url`, the pending migrations and each
//! table's live size.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use strata_analyzer::lint::{self, CheckedQuery, LintOptions, TableSize};
use strata_analyzer::MigrationSet;

use super::{exit, load_set, migrator_of};
use crate::report::{self, Finding, Format, Sources};

#[derive(clap::Args, Clone)]
pub(crate) struct LintArgs {
    /// Migration files to lint (default: every migration; with a database: the pending ones).
    pub files: Vec<PathBuf>,
    /// Lint the migrations added or changed since this git ref (e.g. origin/main).
    #[arg(long, conflicts_with = "files")]
    pub since: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Same as --format json.
    #[arg(long)]
    pub json: bool,
    /// A SQL file of the application's queries, `;`-separated (default: the strata::query! SQL
    /// in the .rs files of the crate around --dir).
    #[arg(long)]
    pub queries: Option<PathBuf>,
    /// The crate whose .rs files hold the checked queries (default: the parent of --dir).
    #[arg(long = "crate")]
    pub crate_dir: Option<PathBuf>,
}

impl LintArgs {
    pub fn format(&self) -> Format {
        if self.json {
            Format::Json
        } else {
            self.format
        }
    }
}

pub(crate) fn run(dir: &Path, url: Option<&str>, args: &LintArgs) -> Result<ExitCode, String> {
    let set = match load_set(dir) {
        Ok(set) => set,
        Err(findings) => return Ok(print(args.format(), &findings, &Sources::new(), "lint")),
    };
    let (findings, summary) = findings(&set, url, args)?;
    Ok(print(args.format(), &findings, &sources(&set), &summary))
}

/// The lint's findings and a one-line summary; shared with `strata check`.
pub(crate) fn findings(
    set: &MigrationSet,
    url: Option<&str>,
    args: &LintArgs,
) -> Result<(Vec<Finding>, String), String> {
    let mut options = LintOptions { queries: queries(set, args)?, ..LintOptions::default() };
    let chosen = if !args.files.is_empty() {
        Some(versions_of_files(set, &args.files)?)
    } else if let Some(since) = &args.since {
        Some(changed_since(set, since)?)
    } else {
        None
    };
    if let Some(url) = url {
        let mut client = crate::connect::connect(url)?;
        let pending: BTreeSet<i64> = migrator_of(set)
            .status(&mut client)
            .map_err(|e| e.to_string())?
            .iter()
            .filter(|e| e.status == crate::migrate::Status::Pending)
            .map(|e| e.version)
            .collect();
        options.sizes = table_sizes(&mut client)?;
        options.unapplied = pending.clone();
        options.targets = Some(chosen.clone().unwrap_or(pending));
    }
    if let Some(chosen) = chosen {
        options.unapplied.extend(chosen.iter().copied());
        options.targets = Some(chosen);
    }
    let report = lint::lint(set, &options);
    let findings = report.violations.iter().map(Finding::from_violation).collect();
    let summary = format!(
        "linted {} migration(s), {} statement(s), {} checked quer{}",
        report.linted.len(),
        report.statements,
        options.queries.len(),
        if options.queries.len() == 1 { "y" } else { "ies" }
    );
    Ok((findings, summary))
}

pub(crate) fn print(format: Format, findings: &[Finding], sources: &Sources, summary: &str) -> ExitCode {
    use std::io::IsTerminal;
    let color = format == Format::Text && std::io::stdout().is_terminal();
    print!("{}", report::render(format, findings, sources, summary, color));
    if findings.iter().any(Finding::is_error) {
        ExitCode::from(exit::PROBLEM)
    } else {
        ExitCode::SUCCESS
    }
}

pub(crate) fn sources(set: &MigrationSet) -> Sources {
    set.migrations.iter().map(|m| (m.up.path.clone(), m.up.text.clone())).collect()
}

fn queries(set: &MigrationSet, args: &LintArgs) -> Result<Vec<CheckedQuery>, String> {
    if let Some(file) = &args.queries {
        return lint::queries::read_queries_file(file).map_err(|d| d.to_string());
    }
    let root = match &args.crate_dir {
        Some(dir) => dir.clone(),
        None => match set.dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        },
    };
    Ok(lint::queries::scan_crate(&root))
}

fn versions_of_files(set: &MigrationSet, files: &[PathBuf]) -> Result<BTreeSet<i64>, String> {
    let mut versions = BTreeSet::new();
    for file in files {
        let wanted = std::fs::canonicalize(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let found = set.migrations.iter().find(|m| {
            std::fs::canonicalize(&m.up.path).is_ok_and(|p| p == wanted)
                || m.down.as_ref().is_some_and(|d| std::fs::canonicalize(&d.path).is_ok_and(|p| p == wanted))
        });
        match found {
            Some(m) => versions.insert(m.version),
            None => {
                return Err(format!(
                    "{} is not a migration in {}\n  hint: pass --dir with the directory that holds it",
                    file.display(),
                    set.dir.display()
                ))
            }
        };
    }
    Ok(versions)
}

/// Versions whose files changed since `since` (committed, staged, unstaged or untracked).
fn changed_since(set: &MigrationSet, since: &str) -> Result<BTreeSet<i64>, String> {
    let dir = &set.dir;
    let git = |args: &[&str]| -> Result<String, String> {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !out.status.success() {
            return Err(format!("git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let changed = git(&["diff", "--name-only", "--relative", "--diff-filter=ACMR", since, "--", "."])?;
    let untracked = git(&["ls-files", "--others", "--exclude-standard", "."])?;
    let names: BTreeSet<String> = changed
        .lines()
        .chain(untracked.lines())
        .filter_map(|l| Path::new(l).file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    Ok(set
        .migrations
        .iter()
        .filter(|m| {
            let up = m.up.path.file_name().map(|n| n.to_string_lossy().into_owned());
            let down =
                m.down.as_ref().and_then(|d| d.path.file_name()).map(|n| n.to_string_lossy().into_owned());
            up.is_some_and(|n| names.contains(&n)) || down.is_some_and(|n| names.contains(&n))
        })
        .map(|m| m.version)
        .collect())
}

/// Rows (the planner's estimate, else the live tuple count) and total bytes of every table.
pub(crate) fn table_sizes(
    client: &mut postgres::Client,
) -> Result<std::collections::BTreeMap<(String, String), TableSize>, String> {
    let rows = client
        .query(
            "SELECT n.nspname::text, c.relname::text,
                    coalesce(nullif(c.reltuples, -1)::bigint, s.n_live_tup, 0),
                    pg_total_relation_size(c.oid)
               FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
               LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
              WHERE c.relkind IN ('r', 'p', 'm')
                AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'strata')
                AND n.nspname NOT LIKE 'pg_toast%'",
            &[],
        )
        .map_err(|e| format!("reading table sizes: {}", crate::connect::describe(&e)))?;
    Ok(rows.iter().map(|r| ((r.get(0), r.get(1)), TableSize { rows: r.get(2), bytes: r.get(3) })).collect())
}

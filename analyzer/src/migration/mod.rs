//! A directory of migration files as an ordered, checksummed, parsed set.

mod directives;
mod filename;
mod no_transaction;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use directives::{parse as parse_directives, parse_duration, Directives};
pub use filename::{Direction, MigrationName, NAME_HELP};

use crate::sql::{parse_script, Statement};
use crate::Diagnostic;

/// The up file (with its parsed name) and the down file found for one version.
type UpAndDown = (Option<(MigrationName, PathBuf)>, Option<PathBuf>);

/// diesel's `metadata.toml` next to `up.sql`: `run_in_transaction = false` is our
/// `-- strata:no-transaction`.
fn diesel_runs_outside_transaction(dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join("metadata.toml")) else {
        return false;
    };
    text.lines().any(|line| {
        let line = line.split('#').next().unwrap_or("");
        let mut parts = line.splitn(2, '=').map(str::trim);
        parts.next() == Some("run_in_transaction") && parts.next() == Some("false")
    })
}

/// One SQL file, read and parsed.
#[derive(Debug, Clone)]
pub struct SqlFile {
    pub path: PathBuf,
    pub text: String,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone)]
pub struct Migration {
    pub version: i64,
    pub name: String,
    pub up: SqlFile,
    pub down: Option<SqlFile>,
    /// SHA-256 of the up file, after normalising line endings (CRLF → LF) and dropping a
    /// UTF-8 byte-order mark, so a checkout on another OS does not look like an edit.
    pub checksum: [u8; 32],
    pub directives: Directives,
    /// The down file exists but cannot be read or parsed. `up` and `query!` never read it, so
    /// loading goes on (with a warning in [`MigrationSet::warnings`]); `validate` and `down`
    /// report this as an error.
    pub down_error: Option<Diagnostic>,
}

impl Migration {
    pub fn checksum_hex(&self) -> String {
        hex(&self.checksum)
    }
}

#[derive(Debug, Clone)]
pub struct MigrationSet {
    pub dir: PathBuf,
    /// Ordered by version.
    pub migrations: Vec<Migration>,
    /// Problems that do not stop `up` or `query!`, such as a down file that does not parse.
    pub warnings: Vec<Diagnostic>,
}

impl MigrationSet {
    /// Reads every migration in `dir`, collecting all problems rather than stopping at the first.
    pub fn load(dir: impl AsRef<Path>) -> Result<MigrationSet, Vec<Diagnostic>> {
        let dir = dir.as_ref();
        let entries = std::fs::read_dir(dir).map_err(|e| {
            vec![Diagnostic::error(format!("cannot read the migrations directory: {e}"))
                .in_file(dir)
                .hint("pass the directory with --dir, or create it")]
        })?;
        let mut errors = Vec::new();
        let mut files: Vec<(MigrationName, PathBuf)> = Vec::new();
        let mut outside_transaction = std::collections::BTreeSet::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if file_name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                // diesel's layout: `<version>_<name>/up.sql` and `down.sql`.
                if let Some(name) = filename::parse_dir(file_name).filter(|_| path.join("up.sql").is_file()) {
                    if diesel_runs_outside_transaction(&path) {
                        outside_transaction.insert(path.join("up.sql"));
                    }
                    if path.join("down.sql").is_file() {
                        let down = MigrationName { direction: Direction::Down, ..name.clone() };
                        files.push((down, path.join("down.sql")));
                    }
                    files.push((name, path.join("up.sql")));
                }
                continue;
            }
            if !path.is_file() {
                continue;
            }
            match filename::parse(file_name) {
                Ok(Some(name)) => files.push((name, path)),
                Ok(None) => {}
                Err(reason) => errors.push(Diagnostic::error(reason).in_file(&path).hint(NAME_HELP)),
            }
        }
        files.sort_by(|a, b| a.1.cmp(&b.1));

        let mut by_version: BTreeMap<i64, UpAndDown> = BTreeMap::new();
        for (name, path) in files {
            let slot = by_version.entry(name.version).or_default();
            let taken = match name.direction {
                Direction::Up => slot.0.as_ref().map(|(_, p)| p.clone()),
                Direction::Down => slot.1.clone(),
            };
            if let Some(first) = taken {
                errors.push(
                    Diagnostic::error(format!(
                        "version {} is used twice: by {} and by this file",
                        name.version,
                        file_name(&first)
                    ))
                    .in_file(&path)
                    .hint("every migration needs its own version; renumber one of them"),
                );
                continue;
            }
            match name.direction {
                Direction::Up => slot.0 = Some((name, path)),
                Direction::Down => slot.1 = Some(path),
            }
        }

        let mut migrations = Vec::with_capacity(by_version.len());
        let mut warnings = Vec::new();
        for (version, (up, down)) in by_version {
            let Some((name, up_path)) = up else {
                let down = down.unwrap_or_default();
                errors.push(
                    Diagnostic::error(format!("down migration for version {version} has no up migration"))
                        .in_file(&down)
                        .hint("add the matching .up.sql file, or delete this one"),
                );
                continue;
            };
            let no_transaction = outside_transaction.contains(&up_path);
            match load_migration(version, name.name, up_path, down, no_transaction) {
                Ok(m) => {
                    warnings.extend(m.down_error.clone().map(|mut d| {
                        d.severity = crate::Severity::Warning;
                        d
                    }));
                    migrations.push(m)
                }
                Err(mut e) => errors.append(&mut e),
            }
        }
        if errors.is_empty() {
            Ok(MigrationSet { dir: dir.to_path_buf(), migrations, warnings })
        } else {
            Err(errors)
        }
    }
}

fn load_migration(
    version: i64,
    name: String,
    up: PathBuf,
    down: Option<PathBuf>,
    outside_transaction: bool,
) -> Result<Migration, Vec<Diagnostic>> {
    let up = read_sql(&up).map_err(|e| vec![e])?;
    let (down, down_error) = match down.map(|d| read_sql(&d)) {
        None => (None, None),
        Some(Ok(down)) => (Some(down), None),
        Some(Err(e)) => (None, Some(e)),
    };
    let mut directives = directives::parse(&up.text).map_err(|d| vec![d.in_file(&up.path)])?;
    // diesel's metadata.toml `run_in_transaction = false` says what the directive says.
    directives.no_transaction |= outside_transaction;
    // Transaction control would break strata's own: the transaction it runs a migration in, or,
    // without one, the guarantee that every statement is committed when it is recorded.
    if let Some(s) = up.statements.iter().find(|s| matches!(s.node, pg_query::NodeEnum::TransactionStmt(_))) {
        let (problem, hint) = if directives.no_transaction {
            (
                "would leave statements of a no-transaction migration uncommitted or aborted",
                "remove it: without -- strata:no-transaction strata runs the file in one transaction",
            )
        } else {
            (
                "inside a migration would end the transaction strata runs it in",
                "remove it: each migration already runs in its own transaction",
            )
        };
        return Err(vec![Diagnostic::error(format!("\"{}\" {problem}", s.text(&up.text)))
            .in_file(&up.path)
            .at(&up.text, s.offset)
            .hint(hint)]);
    }
    if !directives.no_transaction {
        if let Some((offset, problem)) = no_transaction::first_problem(&up.text, &up.statements) {
            return Err(vec![Diagnostic::error(problem)
                .in_file(&up.path)
                .at(&up.text, offset)
                .hint("add `-- strata:no-transaction` as the first line of the file, so its statements run one by one outside a transaction (or move this statement into a migration of its own that has it)")]);
        }
    }
    let checksum = checksum(&up.text);
    Ok(Migration { version, name, up, down, checksum, directives, down_error })
}

fn read_sql(path: &Path) -> Result<SqlFile, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(format!("cannot read the file: {e}")).in_file(path))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        Diagnostic::error("the file is not valid UTF-8")
            .in_file(path)
            .at(&text, valid)
            .hint("save migrations as UTF-8")
    })?;
    // A byte-order mark is invisible in editors; Postgres's parser would reject it.
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    let statements = parse_script(&text).map_err(|e| {
        Diagnostic::error(e.message)
            .in_file(path)
            .at(&text, e.offset)
            .sqlstate("42601")
            .hint("fix the SQL; the file is checked with the PostgreSQL parser")
    })?;
    Ok(SqlFile { path: path.to_path_buf(), text, statements })
}

/// The checksum of a migration's SQL, as recorded in the ledger.
pub fn checksum(text: &str) -> [u8; 32] {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut hasher = Sha256::new();
    let mut rest = text;
    while let Some(i) = rest.find("\r\n") {
        hasher.update(&rest.as_bytes()[..i]);
        hasher.update(b"\n");
        rest = &rest[i + 2..];
    }
    hasher.update(rest.as_bytes());
    hasher.finalize().into()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests;

//! `strata diff --since GIT_REF`: the schema change between a commit and the working tree, for
//! review. From the analyzer's replay of both sets of files (no database), and, when a database
//! URL is given, from real snapshots of both applied in throwaway databases: every object the
//! server describes. Markdown ready to post on a pull request, or JSON.

use std::path::Path;
use std::process::ExitCode;

use serde_json::{json, Value};
use strata_analyzer::diff::{diff, TableDiff};
use strata_analyzer::{Catalog, LineIndex, Migration, MigrationSet, Statement};

use super::git;
use crate::schema::{self, compare, describe, Description, Difference, ScratchDb};

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Markdown,
    Json,
}

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The commit to compare with (a tag, a branch such as main, a hash).
    #[arg(long, value_name = "GIT_REF")]
    since: String,
    #[arg(long, value_enum, default_value = "markdown")]
    format: Format,
}

/// A statement of a new or edited migration, with the lock it takes.
struct NewStatement {
    migration: String,
    at: String,
    text: String,
    /// The table lock the statement takes, from the lint's lock table.
    lock: Option<String>,
}

pub(crate) fn run(dir: &Path, url: Option<&str>, args: &Args) -> Result<ExitCode, String> {
    let current = super::load_files(dir)?;
    let old = git::migrations_at(dir, &args.since)?;
    let label = |m: &Migration| format!("{}_{}", m.version, m.name);
    let mut new = Vec::new();
    let mut edited = Vec::new();
    for m in &current.migrations {
        match old.set.migrations.iter().find(|o| o.version == m.version) {
            None => new.push(m),
            Some(o) if o.checksum != m.checksum => edited.push(m),
            Some(_) => {}
        }
    }
    let removed: Vec<String> = old
        .set
        .migrations
        .iter()
        .filter(|o| !current.migrations.iter().any(|m| m.version == o.version))
        .map(label)
        .collect();
    let changed: Vec<i64> = new.iter().chain(&edited).map(|m| m.version).collect();
    let statements = statements(&current, &changed);
    let tables = match (Catalog::from_migrations(&old.set), Catalog::from_migrations(&current)) {
        (Ok(a), Ok(b)) => Ok(diff(&a, &b)),
        (Err(e), _) => Err(format!("the migrations at {} do not replay: {e}", args.since)),
        (_, Err(e)) => Err(format!("the migrations do not replay: {e}")),
    };
    let objects = url.map(|url| server_diff(url, &old.set, &current));
    let report = Report {
        since: &args.since,
        new: new.iter().map(|m| label(m)).collect(),
        edited: edited.iter().map(|m| label(m)).collect(),
        removed,
        tables,
        statements,
        objects,
    };
    match args.format {
        Format::Markdown => print!("{}", report.markdown()),
        Format::Json => println!("{}", serde_json::to_string_pretty(&report.json()).unwrap_or_default()),
    }
    Ok(ExitCode::SUCCESS)
}

/// The statements of the changed migrations, each with the lock it takes given the schema the
/// migrations before it built (the catalog is replayed statement by statement for that).
fn statements(set: &MigrationSet, changed: &[i64]) -> Vec<NewStatement> {
    let mut catalog = Catalog::default();
    let mut out = Vec::new();
    for m in &set.migrations {
        let lines = LineIndex::new(&m.up.text);
        for s in &m.up.statements {
            if changed.contains(&m.version) {
                let (line, _) = lines.line_column(s.offset);
                out.push(NewStatement {
                    migration: format!("{}_{}", m.version, m.name),
                    at: format!("{}:{line}", m.up.path.file_name().unwrap_or_default().to_string_lossy()),
                    text: s.text(&m.up.text).split_whitespace().collect::<Vec<_>>().join(" "),
                    lock: lock_taken(s, &catalog),
                });
            }
            // A statement the replay rejects is reported in the tables section; go on.
            let _ = catalog.apply_script(&m.up.text, &m.up.path, std::slice::from_ref(s));
        }
    }
    out
}

/// The strongest table lock a statement takes, on the schema before it, from the lint's one
/// lock table (`lint::locks`), so review, lint and dry run never disagree.
fn lock_taken(statement: &Statement, catalog: &Catalog) -> Option<String> {
    let effect = strata_analyzer::lint::locks::effect(&statement.node, catalog);
    effect.strongest().map(|lock| format!("{} on {}.{}", lock.mode.as_str(), lock.table.0, lock.table.1))
}

/// Both sets applied in throwaway databases of the server, described and compared.
fn server_diff(url: &str, old: &MigrationSet, new: &MigrationSet) -> Result<Vec<Difference>, String> {
    let build = |set: &MigrationSet| -> Result<Description, String> {
        let db = ScratchDb::create(url, "strata_diff")?;
        let mut client = db.connect()?;
        for m in &set.migrations {
            schema::apply_up(&mut client, m)?;
        }
        describe(&mut client, None).map_err(|e| schema::db_message(&e))
    };
    Ok(compare(&build(old)?, &build(new)?))
}

struct Report<'a> {
    since: &'a str,
    new: Vec<String>,
    edited: Vec<String>,
    removed: Vec<String>,
    tables: Result<Vec<TableDiff>, String>,
    statements: Vec<NewStatement>,
    objects: Option<Result<Vec<Difference>, String>>,
}

/// Markdown inline code that survives backticks in the text.
fn code(text: &str) -> String {
    let text = text.replace('|', "\\|");
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

impl Report<'_> {
    fn markdown(&self) -> String {
        let mut md = format!("### Schema changes since {}\n\n", code(self.since));
        let list = |names: &[String]| names.iter().map(|n| code(n)).collect::<Vec<_>>().join(", ");
        if self.new.is_empty() && self.edited.is_empty() && self.removed.is_empty() {
            md.push_str("No migration changed.\n");
            return md;
        }
        for (what, names) in [("New", &self.new), ("Edited", &self.edited), ("Removed", &self.removed)] {
            if !names.is_empty() {
                md.push_str(&format!("- {what} migration(s): {}\n", list(names)));
            }
        }
        if !self.edited.is_empty() || !self.removed.is_empty() {
            md.push_str(
                "\n> **Warning:** databases that already applied an edited or removed migration will refuse \
                 `strata up`; put changes in new migrations.\n",
            );
        }
        md.push_str("\n#### Tables and columns (replayed from the files)\n\n");
        match &self.tables {
            Err(e) => md.push_str(&format!("The replay failed: {}\n", code(e))),
            Ok(tables) if tables.is_empty() => md.push_str("No table or column changes.\n"),
            Ok(tables) => {
                for t in tables {
                    md.push_str(&format!("- {}\n", code(&t.to_string())));
                }
            }
        }
        md.push_str("\n#### Statements\n\n| Migration | Statement | Lock |\n|---|---|---|\n");
        for s in &self.statements {
            let lock = s.lock.as_deref().map_or("—".to_string(), code);
            md.push_str(&format!("| {} | {} | {lock} |\n", code(&s.at), code(&truncate(&s.text, 160))));
        }
        if let Some(objects) = &self.objects {
            md.push_str("\n#### Every object (applied on the server and described)\n\n");
            match objects {
                Err(e) => md.push_str(&format!("Could not apply them on the server: {}\n", code(e))),
                Ok(d) if d.is_empty() => md.push_str("No schema objects changed.\n"),
                Ok(differences) => {
                    md.push_str("| Object | Change |\n|---|---|\n");
                    for d in differences {
                        let change = match &d.change {
                            schema::Change::Added(def) => format!("added {}", definition_text(def)),
                            schema::Change::Removed(_) => "removed".to_string(),
                            schema::Change::Changed(_) => d.field_lines().join("; "),
                        };
                        md.push_str(&format!("| {} {} | {} |\n", d.kind, code(&d.identity), code(&change)));
                    }
                }
            }
        }
        md
    }

    fn json(&self) -> Value {
        let tables = match &self.tables {
            Ok(t) => json!(t.iter().map(ToString::to_string).collect::<Vec<_>>()),
            Err(e) => json!({"error": e}),
        };
        let objects = match &self.objects {
            None => Value::Null,
            Some(Ok(d)) => json!(d.iter().map(Difference::to_json).collect::<Vec<_>>()),
            Some(Err(e)) => json!({"error": e}),
        };
        json!({
            "since": self.since,
            "migrations": {"new": self.new, "edited": self.edited, "removed": self.removed},
            "tables": tables,
            "statements": self.statements.iter().map(|s| json!({
                "migration": s.migration, "at": s.at, "statement": s.text, "lock": s.lock,
            })).collect::<Vec<_>>(),
            "objects": objects,
        })
    }
}

/// The one field that says what an added object is, when it has one.
fn definition_text(def: &schema::Definition) -> String {
    ["definition", "type"]
        .iter()
        .find_map(|f| def.get(*f).map(|v| schema::compare::show(Some(v))))
        .unwrap_or_default()
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    format!("{}…", text.chars().take(max).collect::<String>())
}

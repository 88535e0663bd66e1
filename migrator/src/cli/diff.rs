//! `strata diff --since GIT_REF`: the schema change between a commit and the working tree, for
//! review. From the analyzer's replay of both sets of files (no database): every object the
//! catalog models, with the statements it could not model listed so a reviewer knows what it
//! cannot see; and, when a database URL is given, from real snapshots of both applied in
//! throwaway databases: every object the server describes. Markdown ready to post on a pull
//! request, or JSON.

use std::path::Path;
use std::process::ExitCode;

use serde_json::{json, Value};
use strata_analyzer::diff::{diff, Change, ObjectDiff};
use strata_analyzer::{Catalog, Diagnostic, LineIndex, Migration, MigrationSet, Statement};

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
    let (statements, replayed) = statements(&current, &changed);
    let offline = match (Catalog::from_migrations(&old.set), replayed) {
        (Ok(a), Ok(b)) => Ok(Offline {
            objects: diff(&a, &b),
            not_modelled: not_modelled(&b.unsupported, &current, &changed),
        }),
        (Err(e), _) => Err(format!("the migrations at {} do not replay: {e}", args.since)),
        (_, Err(e)) => Err(format!("the migrations do not replay: {e}")),
    };
    let objects = url.map(|url| server_diff(url, &old.set, &current));
    let report = Report {
        since: &args.since,
        new: new.iter().map(|m| label(m)).collect(),
        edited: edited.iter().map(|m| label(m)).collect(),
        removed,
        offline,
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
/// migrations before it built (the catalog is replayed statement by statement for that); and
/// the catalog the whole set builds, or the first statement it rejects, as
/// [`Catalog::from_migrations`] would say (one replay serves both).
fn statements(set: &MigrationSet, changed: &[i64]) -> (Vec<NewStatement>, Result<Catalog, Diagnostic>) {
    let mut catalog = Catalog::default();
    let mut first_error = None;
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
            // A statement the replay rejects is reported in the objects section; go on.
            if let Err(e) = catalog.apply_script(&m.up.text, &m.up.path, std::slice::from_ref(s)) {
                first_error.get_or_insert(e);
            }
        }
    }
    (out, first_error.map_or(Ok(catalog), Err))
}

/// The strongest table lock a statement takes, on the schema before it, from the lint's one
/// lock table (`lint::locks`), so review, lint and dry run never disagree.
fn lock_taken(statement: &Statement, catalog: &Catalog) -> Option<String> {
    let effect = strata_analyzer::lint::locks::effect(&statement.node, catalog);
    effect.strongest().map(|lock| format!("{} on {}.{}", lock.mode.as_str(), lock.table.0, lock.table.1))
}

/// What the replay saw: the object differences, and where it could not see.
struct Offline {
    objects: Vec<ObjectDiff>,
    not_modelled: NotModelled,
}

/// The statements whose changes the offline list cannot show, in the changed migrations (where
/// each is, and what it is): those the replay could not model, and those it replays without
/// keeping their effect (triggers, grants ...). Also how many the replay could not model in the
/// earlier migrations (they may hide changes too, on both sides).
struct NotModelled {
    changed: Vec<(String, String)>,
    earlier: usize,
}

fn not_modelled(unsupported: &[Diagnostic], set: &MigrationSet, changed: &[i64]) -> NotModelled {
    let changed_files: Vec<(usize, &Migration)> =
        set.migrations.iter().filter(|m| changed.contains(&m.version)).enumerate().collect();
    let file_name = |m: &Migration| m.up.path.file_name().unwrap_or_default().to_string_lossy().into_owned();
    let mut found: Vec<((usize, usize), String)> = Vec::new();
    let mut earlier = 0;
    for d in unsupported {
        match changed_files.iter().find(|(_, m)| d.file.as_deref() == Some(m.up.path.as_path())) {
            Some((i, m)) => {
                let what = d.message.trim_end_matches(" is not modelled by the strata analyzer yet");
                // The catalog's words for a kind it does not know; the statement says more.
                let what = match what {
                    "this statement" => statement_at(m, d.line).unwrap_or_else(|| what.to_string()),
                    _ => what.to_string(),
                };
                found.push(((*i, d.line), what));
            }
            None => earlier += 1,
        }
    }
    for (i, m) in &changed_files {
        let lines = LineIndex::new(&m.up.text);
        for s in &m.up.statements {
            if let Some(what) = strata_analyzer::diff::not_compared(&s.node) {
                let (line, _) = lines.line_column(s.offset);
                found.push(((*i, line), format!("{what} (not compared offline)")));
            }
        }
    }
    found.sort();
    let changed = found
        .into_iter()
        .map(|((i, line), what)| (format!("{}:{line}", file_name(changed_files[i].1)), what))
        .collect();
    NotModelled { changed, earlier }
}

/// The start of the statement of `m` that begins on `line`, on one line.
fn statement_at(m: &Migration, line: usize) -> Option<String> {
    let lines = LineIndex::new(&m.up.text);
    let s = m.up.statements.iter().find(|s| lines.line_column(s.offset).0 == line)?;
    Some(truncate(&s.text(&m.up.text).split_whitespace().collect::<Vec<_>>().join(" "), 60))
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
    offline: Result<Offline, String>,
    statements: Vec<NewStatement>,
    objects: Option<Result<Vec<Difference>, String>>,
}

/// Markdown inline code that survives backticks in the text.
fn inline(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// Inline code in a table cell, where a `|` would end the cell.
fn code(text: &str) -> String {
    inline(&text.replace('|', "\\|"))
}

impl Report<'_> {
    fn markdown(&self) -> String {
        let mut md = format!("### Schema changes since {}\n\n", inline(self.since));
        let list = |names: &[String]| names.iter().map(|n| inline(n)).collect::<Vec<_>>().join(", ");
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
        md.push_str("\n#### Schema objects (replayed from the files)\n\n");
        match &self.offline {
            Err(e) => md.push_str(&format!("The replay failed: {}\n", inline(e))),
            Ok(offline) => {
                if offline.objects.is_empty() {
                    md.push_str("No schema object changes.\n");
                }
                for o in &offline.objects {
                    md.push_str(&format!("- {}\n", inline(&o.to_string())));
                }
                md.push_str(&not_modelled_note(&offline.not_modelled));
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
                Err(e) => md.push_str(&format!("Could not apply them on the server: {}\n", inline(e))),
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
        let (offline, not_modelled) = match &self.offline {
            Ok(o) => (
                json!(o.objects.iter().map(object_json).collect::<Vec<_>>()),
                json!({
                    "changed": o.not_modelled.changed.iter()
                        .map(|(at, what)| json!({"at": at, "statement": what}))
                        .collect::<Vec<_>>(),
                    "earlier": o.not_modelled.earlier,
                }),
            ),
            Err(e) => (json!({"error": e}), Value::Null),
        };
        let objects = match &self.objects {
            None => Value::Null,
            Some(Ok(d)) => json!(d.iter().map(Difference::to_json).collect::<Vec<_>>()),
            Some(Err(e)) => json!({"error": e}),
        };
        json!({
            "since": self.since,
            "migrations": {"new": self.new, "edited": self.edited, "removed": self.removed},
            "objects_offline": offline,
            "not_modelled": not_modelled,
            "statements": self.statements.iter().map(|s| json!({
                "migration": s.migration, "at": s.at, "statement": s.text, "lock": s.lock,
            })).collect::<Vec<_>>(),
            "objects": objects,
        })
    }
}

/// The note under the offline list: the statements whose effect the list cannot show.
fn not_modelled_note(n: &NotModelled) -> String {
    if n.changed.is_empty() && n.earlier == 0 {
        return String::new();
    }
    let mut md = String::from("\n> **Not modelled** by the replay, so their changes are not listed above:");
    for (at, what) in &n.changed {
        md.push_str(&format!("\n> - {}: {what}", inline(at)));
    }
    if n.earlier > 0 {
        md.push_str(&format!("\n> - {} statement(s) in earlier migrations", n.earlier));
    }
    md.push('\n');
    md
}

/// One offline difference in the server comparison's JSON shape: `kind`, `identity`, `change`
/// and `fields` with `before` and `after` (plus a one-line `summary` of an added or removed
/// object, and a field's `note` when it has one).
fn object_json(o: &ObjectDiff) -> Value {
    let field_list = |fields: &[strata_analyzer::diff::Field], added: bool| -> Vec<Value> {
        fields
            .iter()
            .map(|f| {
                let (before, after) = if added { (None, Some(&f.value)) } else { (Some(&f.value), None) };
                json!({"field": f.name, "before": before, "after": after})
            })
            .collect()
    };
    let (change, summary, fields) = match &o.change {
        Change::Added { summary, fields } => ("added", Some(summary), field_list(fields, true)),
        Change::Removed { summary, fields } => ("removed", Some(summary), field_list(fields, false)),
        Change::Changed(fields) => (
            "changed",
            None,
            fields
                .iter()
                .map(|f| json!({"field": f.field, "before": f.before, "after": f.after, "note": f.note}))
                .collect(),
        ),
    };
    json!({"kind": o.kind.as_str(), "identity": o.identity, "change": change, "summary": summary, "fields": fields})
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

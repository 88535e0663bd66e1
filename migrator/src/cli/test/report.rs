//! What `strata test` found, as text for people and JSON for tools.

use std::time::Duration;

use serde_json::{json, Value};
use strata_analyzer::Migration;

use super::upgrade::Upgrade;
use crate::schema::compare::show;
use crate::schema::{Change, Difference};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub severity: Severity,
    /// Stable name for tools: up_failed, down_missing, down_failed, down_not_exact, down_empty,
    /// up_not_repeatable, stopped, edited, missing_file, out_of_order, upgrade_differs.
    pub code: &'static str,
    pub message: String,
    pub differences: Vec<Difference>,
}

impl Problem {
    pub fn error(code: &'static str, message: impl Into<String>) -> Problem {
        Problem { severity: Severity::Error, code, message: message.into(), differences: Vec::new() }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Problem {
        Problem { severity: Severity::Warning, ..Problem::error(code, message) }
    }

    pub fn with(mut self, differences: Vec<Difference>) -> Problem {
        self.differences = differences;
        self
    }

    fn to_json(&self) -> Value {
        json!({
            "severity": if self.severity == Severity::Error { "error" } else { "warning" },
            "code": self.code,
            "message": self.message,
            "differences": self.differences.iter().map(Difference::to_json).collect::<Vec<_>>(),
        })
    }

    fn print(&self, indent: &str) {
        let level = if self.severity == Severity::Error { "error" } else { "warning" };
        println!("{indent}{level}: {}", self.message);
        let words = wording(self.code);
        for d in &self.differences {
            println!("{indent}  {}", describe_difference(d, words));
        }
    }
}

/// How the two sides of a comparison are named in messages.
struct Wording {
    added: &'static str,
    removed: &'static str,
    before: &'static str,
    after: &'static str,
}

fn wording(code: &str) -> &'static Wording {
    match code {
        "up_not_repeatable" => &Wording {
            added: "only after the second up",
            removed: "only after the first up",
            before: "after the first up",
            after: "after the second",
        },
        "upgrade_differs" => &Wording {
            added: "only in the upgraded database",
            removed: "only in a fresh apply",
            before: "fresh",
            after: "upgraded",
        },
        _ => &Wording {
            added: "left behind by the down",
            removed: "dropped by the down, but it existed before the up",
            before: "before the up",
            after: "after the down",
        },
    }
}

fn describe_difference(d: &Difference, w: &Wording) -> String {
    match &d.change {
        Change::Added(_) => format!("{} {}: {}", d.kind, d.identity, w.added),
        Change::Removed(_) => format!("{} {}: {}", d.kind, d.identity, w.removed),
        Change::Changed(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| {
                    format!(
                        "{}: {} ({}) → {} ({})",
                        f.field,
                        show(f.before.as_ref()),
                        w.before,
                        show(f.after.as_ref()),
                        w.after
                    )
                })
                .collect();
            format!("{} {}: {}", d.kind, d.identity, fields.join("; "))
        }
    }
}

/// One migration's results.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub version: i64,
    pub name: String,
    pub problems: Vec<Problem>,
    /// The down ran and restored the schema exactly, and the up after it was repeatable.
    pub down_ok: bool,
    pub elapsed: Duration,
}

impl Outcome {
    pub fn new(m: &Migration) -> Outcome {
        Outcome {
            version: m.version,
            name: m.name.clone(),
            problems: Vec::new(),
            down_ok: false,
            elapsed: Duration::ZERO,
        }
    }

    pub fn problem(&mut self, p: Problem) {
        self.problems.push(p);
    }

    fn status(&self) -> &'static str {
        if self.problems.iter().any(|p| p.severity == Severity::Error) {
            "error"
        } else if self.problems.is_empty() {
            "ok"
        } else {
            "warning"
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Report {
    pub database: String,
    pub migrations: Vec<Outcome>,
    /// Problems found inside a transaction, collected by the caller.
    pub pending: Vec<Problem>,
    /// Where the walk of downs newest first stopped, and why.
    pub downs_stopped_at: Option<String>,
    pub downs_reached_empty: bool,
    /// Problems of downs run in sequence (after the later downs), by migration.
    pub sequence_problems: Vec<(String, Vec<Problem>)>,
    pub upgrade: Option<Upgrade>,
    /// The run could not go on at all (the schema could not be described).
    pub fatal: Option<String>,
    pub elapsed: Duration,
}

impl Report {
    fn all_problems(&self) -> impl Iterator<Item = &Problem> {
        self.migrations
            .iter()
            .flat_map(|m| &m.problems)
            .chain(self.sequence_problems.iter().flat_map(|(_, p)| p))
            .chain(self.upgrade.iter().flat_map(|u| &u.problems))
    }

    pub fn errors(&self) -> usize {
        self.all_problems().filter(|p| p.severity == Severity::Error).count()
            + usize::from(self.fatal.is_some())
    }

    pub fn warnings(&self) -> usize {
        self.all_problems().filter(|p| p.severity == Severity::Warning).count()
    }

    pub fn print(&self) {
        println!(
            "strata test: {} migration(s), up/down/up in throwaway database {}",
            self.migrations.len(),
            self.database
        );
        let width = self.migrations.iter().map(|m| m.version.to_string().len()).max().unwrap_or(1);
        for m in &self.migrations {
            let ms = m.elapsed.as_secs_f64() * 1000.0;
            println!("{:<8} {:>width$} {} ({ms:.1} ms)", m.status(), m.version, m.name);
            for p in &m.problems {
                p.print("           ");
            }
        }
        for (label, problems) in &self.sequence_problems {
            println!("downs newest first, at {label}:");
            for p in problems {
                p.print("  ");
            }
        }
        if self.downs_reached_empty {
            println!("downs newest first: all ran, back to the empty schema");
        } else if let Some(at) = &self.downs_stopped_at {
            println!("downs newest first: stopped at {at}");
        }
        if let Some(u) = &self.upgrade {
            u.print();
        }
        if let Some(fatal) = &self.fatal {
            println!("error: {fatal}");
        }
        println!(
            "strata test: {} migration(s) in {:.2} s: {} error(s), {} warning(s)",
            self.migrations.len(),
            self.elapsed.as_secs_f64(),
            self.errors(),
            self.warnings()
        );
    }

    pub fn to_json(&self) -> Value {
        let migrations: Vec<Value> = self
            .migrations
            .iter()
            .map(|m| {
                json!({
                    "version": m.version,
                    "name": m.name,
                    "status": m.status(),
                    "ms": m.elapsed.as_secs_f64() * 1000.0,
                    "problems": m.problems.iter().map(Problem::to_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        let sequence: Vec<Value> = self
            .sequence_problems
            .iter()
            .map(|(label, ps)| json!({"migration": label, "problems": ps.iter().map(Problem::to_json).collect::<Vec<_>>()}))
            .collect();
        json!({
            "ok": self.errors() == 0,
            "database": self.database,
            "migrations": migrations,
            "downs": {"reached_empty": self.downs_reached_empty, "stopped_at": self.downs_stopped_at, "problems": sequence},
            "upgrade": self.upgrade.as_ref().map(Upgrade::to_json),
            "fatal": self.fatal,
            "errors": self.errors(),
            "warnings": self.warnings(),
            "seconds": self.elapsed.as_secs_f64(),
        })
    }
}

pub(crate) fn problems_json(problems: &[Problem]) -> Vec<Value> {
    problems.iter().map(Problem::to_json).collect()
}

pub(crate) fn print_problems(problems: &[Problem], indent: &str) {
    for p in problems {
        p.print(indent);
    }
}

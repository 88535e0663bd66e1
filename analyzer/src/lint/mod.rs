//! Lock hazards in migrations, judged with the schema replayed from every earlier migration: a
//! table created earlier in the same file or in a migration not applied yet is new and empty
//! (no hazard); one that exists may be large and busy.
//!
//! One rule per file under `rules/`, each with an id, a message, help saying what to do instead
//! and a docs page (`docs/rules/<id>.md`, generated from the rule by a test). What each statement
//! locks, rewrites and scans comes from the one table in [`locks`]. `-- strata:allow RULE reason`
//! before a statement silences that rule for it.

pub mod allow;
mod compat;
pub mod docs;
mod driver;
#[cfg(test)]
mod false_positives;
pub mod locks;
pub mod queries;
mod rules;
mod runtime_locks;
#[cfg(test)]
pub(crate) mod test_utils;
mod volatile;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

pub use driver::{bytes, lint};
pub use locks::{effect, Effect, LockMode, TableKey, TableLock};
pub use queries::CheckedQuery;
pub use runtime_locks::{runtime_locks, RuntimeLock};

use crate::catalog::Catalog;
use crate::migration::Migration;
use crate::{Severity, Statement};

/// Where the docs pages of the rules live in the repository, by id.
pub const DOCS_DIR: &str = "docs/rules";

/// One hazard: what it is, why it hurts, what to do instead, and the check.
pub struct Rule {
    /// Kebab-case, stable: used in `-- strata:allow`, output and the docs page name.
    pub id: &'static str,
    pub severity: Severity,
    /// What the rule flags, in one line.
    pub summary: &'static str,
    /// What happens on a busy production database.
    pub why: &'static str,
    /// What to do instead.
    pub help: &'static str,
    pub bad: &'static str,
    pub good: &'static str,
    pub(crate) check: fn(&Ctx<'_>) -> Vec<Finding>,
}

impl Rule {
    pub fn docs_url(&self) -> String {
        format!("{DOCS_DIR}/{}.md", self.id)
    }
}

/// Every rule, in the order of the docs' overview.
pub fn rules() -> &'static [&'static Rule] {
    rules::ALL
}

pub fn rule(id: &str) -> Option<&'static Rule> {
    rules::ALL.iter().copied().find(|r| r.id == id)
}

/// The problems that are not a rule's: a migration that does not replay, a bad `strata:allow`.
pub const REPLAY: &str = "schema-replay";
pub const ALLOW: &str = "allow-comment";

/// A problem found in a migration, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: PathBuf,
    pub version: i64,
    /// Byte span in the file.
    pub offset: usize,
    pub len: usize,
    /// 1-based, columns in characters.
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
}

/// The size of a live table, when the lint is connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSize {
    pub rows: i64,
    pub bytes: i64,
}

impl TableSize {
    /// Small enough that a lock or rewrite is over in moments.
    pub fn is_small(&self) -> bool {
        self.rows < 10_000 && self.bytes < 16 << 20
    }
}

#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// The versions to lint; `None`: all.
    pub targets: Option<BTreeSet<i64>>,
    /// Versions not applied anywhere yet: the tables they create are new and empty for the
    /// migrations after them. Tables created in the same migration always are.
    pub unapplied: BTreeSet<i64>,
    /// The application's checked queries (`strata::query!` SQL or a `--queries` file).
    pub queries: Vec<CheckedQuery>,
    /// Live table sizes, by `(schema, table)`.
    pub sizes: BTreeMap<TableKey, TableSize>,
}

#[derive(Debug, Clone, Default)]
pub struct LintReport {
    pub violations: Vec<Violation>,
    /// The versions that were linted.
    pub linted: Vec<i64>,
    pub statements: usize,
}

impl LintReport {
    pub fn errors(&self) -> usize {
        self.violations.iter().filter(|v| v.severity == Severity::Error).count()
    }

    pub fn warnings(&self) -> usize {
        self.violations.len() - self.errors()
    }
}

/// What a rule sees: the statement, what it locks, and the schema just before it.
pub(crate) struct Ctx<'a> {
    pub catalog: &'a Catalog,
    pub text: &'a str,
    pub statement: &'a Statement,
    pub effect: &'a Effect,
    pub migration: &'a Migration,
    pub state: &'a State,
    pub queries: &'a [queries::ParsedQuery],
}

/// What the migration so far has done, for rules that depend on earlier statements.
#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    /// Created in this migration or in one not applied yet: empty, nobody else uses them.
    pub new_tables: BTreeSet<TableKey>,
    /// The first existing table this transaction holds ACCESS EXCLUSIVE on.
    pub access_exclusive: Option<TableKey>,
    pub lock_timeout_set: bool,
    /// Constraints this transaction added NOT VALID.
    pub not_valid_added: BTreeSet<(TableKey, String)>,
    /// Enum values this transaction added, by type name.
    pub enum_values_added: Vec<(String, String)>,
}

impl Ctx<'_> {
    /// An existing table: not created by this or an unapplied migration.
    pub fn existing(&self, table: &TableKey) -> bool {
        !self.state.new_tables.contains(table)
            && (self.catalog.table(Some(&table.0), &table.1).is_some()
                || self.catalog.is_unmodelled(Some(&table.0), &table.1))
    }

    pub fn in_transaction(&self) -> bool {
        !self.migration.directives.no_transaction
    }

    /// A finding on the whole statement.
    pub fn finding(&self, table: Option<&TableKey>, message: String) -> Finding {
        Finding {
            offset: self.statement.offset,
            len: self.statement.len,
            message,
            help: None,
            table: table.cloned(),
        }
    }
}

/// What a rule reports; the driver adds the rule, file and position.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub offset: usize,
    pub len: usize,
    pub message: String,
    /// Replaces the rule's help when the situation calls for a more precise one.
    pub help: Option<String>,
    /// The table at risk, so the message can show its live size.
    pub table: Option<TableKey>,
}

impl Finding {
    pub fn help(mut self, help: String) -> Self {
        self.help = Some(help);
        self
    }
}

/// `schema.table`, or `table` in the default schema.
pub fn display_table(t: &TableKey) -> String {
    if t.0 == crate::catalog::DEFAULT_SCHEMA {
        t.1.clone()
    } else {
        format!("{}.{}", t.0, t.1)
    }
}

//! Lint SQL in the rules' inline tests: `history` is applied already (its tables exist and may be
//! large), `sql` is the migration under review.

use std::path::PathBuf;

use super::{lint, CheckedQuery, LintOptions, Violation};
use crate::migration::{checksum, Directives, Migration, MigrationSet, SqlFile};

pub fn migration(version: i64, text: &str) -> Migration {
    let path = PathBuf::from(format!("migrations/{version}_m.up.sql"));
    let statements = crate::parse_script(text).unwrap_or_else(|e| panic!("test SQL does not parse: {e:?}"));
    let directives =
        Directives { no_transaction: text.starts_with("-- strata:no-transaction"), ..Directives::default() };
    Migration {
        version,
        name: "m".into(),
        up: SqlFile { path, text: text.to_string(), statements },
        down: None,
        down_error: None,
        checksum: checksum(text),
        directives,
    }
}

pub fn lint_with(history: &str, sql: &str, queries: &[&str]) -> Vec<Violation> {
    let set = MigrationSet {
        dir: "migrations".into(),
        migrations: vec![migration(1, history), migration(2, sql)],
        warnings: Vec::new(),
    };
    let options = LintOptions {
        targets: Some([2].into()),
        queries: queries
            .iter()
            .map(|q| CheckedQuery { sql: q.to_string(), file: "src/app.rs".into(), line: 7 })
            .collect(),
        ..LintOptions::default()
    };
    lint(&set, &options).violations
}

/// `rule line:col: message` then `  help: …` per violation of `rule`.
pub fn render(violations: &[Violation], rule: &str) -> String {
    violations
        .iter()
        .filter(|v| v.rule == rule)
        .map(|v| {
            format!(
                "{} {}:{}: {}\n  help: {}\n",
                v.rule,
                v.line,
                v.column,
                v.message,
                v.help.as_deref().unwrap_or("")
            )
        })
        .collect()
}

/// Asserts `rule` does not fire and the SQL replays.
pub fn lint_ok(rule: &str, history: &str, sql: &str) {
    let v = lint_with(history, sql, &[]);
    assert!(!v.iter().any(|v| v.rule == super::REPLAY), "does not replay: {v:?}");
    assert_eq!(render(&v, rule), "", "{rule} fired on:\n{sql}");
}

/// Asserts `rule` fires and returns its rendering for a snapshot.
pub fn lint_errors(rule: &str, history: &str, sql: &str) -> String {
    let v = lint_with(history, sql, &[]);
    assert!(!v.iter().any(|v| v.rule == super::REPLAY), "does not replay: {v:?}");
    let out = render(&v, rule);
    assert!(!out.is_empty(), "{rule} did not fire on:\n{sql}");
    out
}

/// An applied history: `users` and `orgs` exist and may be large.
pub const HISTORY: &str = "CREATE TABLE orgs (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email varchar(50),
    org_id bigint, status text, created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX users_email ON users (email);
CREATE TYPE mood AS ENUM ('happy', 'sad');";

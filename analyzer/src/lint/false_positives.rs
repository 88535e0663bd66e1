//! False positives, measured on a realistic 30-migration history (`history/`) written the way a
//! careful team writes migrations: every migration linted as the one under review, with the
//! earlier ones applied and their tables possibly large. Goal: no finding at all.

use std::path::Path;

use super::{lint, queries, LintOptions};
use crate::MigrationSet;

#[test]
fn a_careful_history_has_no_findings() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lint/history/migrations");
    let set = MigrationSet::load(&dir).unwrap();
    assert_eq!(set.migrations.len(), 30);
    let options = LintOptions {
        queries: queries::read_queries_file(&dir.join("../queries.sql")).unwrap(),
        ..LintOptions::default()
    };
    let report = lint(&set, &options);
    assert_eq!(report.linted.len(), 30);
    let found: Vec<String> = report
        .violations
        .iter()
        .map(|v| format!("{}:{} {} {}", v.file.display(), v.line, v.rule, v.message))
        .collect();
    assert!(found.is_empty(), "{} finding(s):\n{}", found.len(), found.join("\n"));
}

#[test]
fn the_same_history_written_carelessly_is_flagged() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lint/history/migrations");
    let mut set = MigrationSet::load(&dir).unwrap();
    // The index of 20240201000003 built the plain way, in a transaction.
    let m = set.migrations.iter_mut().find(|m| m.version == 20240201000003).unwrap();
    m.up.text = "CREATE INDEX users_created_at ON users (created_at);\n".into();
    m.up.statements = crate::parse_script(&m.up.text).unwrap();
    m.directives.no_transaction = false;
    let report = lint(&set, &LintOptions::default());
    let rules: Vec<&str> = report.violations.iter().map(|v| v.rule).collect();
    assert!(rules.contains(&"index-not-concurrent"), "{rules:?}");
}
